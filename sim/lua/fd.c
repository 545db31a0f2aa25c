// SPDX-License-Identifier: MIT
/*
 * fd.c - the Fd class: close, dup, the nsfs and pidfd ioctls, and
 * pidfd_send_signal.  An Fd is (task, number): the file behind it is the
 * model's, looked up at each call.
 */
#include <string.h>
#include "lua-private.h"

static int f_close(lua_State *L)
{
	struct sim_lua_fd *f = sim_lua_check_fd(L, 1);

	char args[24];
	int r;

	g_snprintf(args, sizeof(args), "fd=%d", f->fd);
	sim_lua_call_site(L, args);
	r = sys_close(sim_lua_sim(L)->w, f->task, f->fd);
	SIM_LUA_VEC(VOP_CLOSE, f->task, r, VRET_ZERO, 0, NULL, "close", f->fd);
	return sim_lua_ret_true(L, r);
}

static int f_dup(lua_State *L)
{
	struct sim_lua_fd *f = sim_lua_check_fd(L, 1);

	int r;

	sim_lua_call_site(L, NULL);
	r = sys_dup(sim_lua_sim(L)->w, f->task, f->fd);
	SIM_LUA_VEC(VOP_DUP, f->task, r, VRET_FD, r, NULL, "dup", f->fd);
	return sim_lua_ret_fd(L, f->task, r);
}

static const struct {
	const char *name;
	unsigned long cmd;
	bool returns_fd;
} ioctls[] = {
	{ "SIOCGSKNS", NSS_SIOCGSKNS, true },
	{ "NS_GET_USERNS", NSS_NS_GET_USERNS, true },
	{ "NS_GET_PARENT", NSS_NS_GET_PARENT, true },
	{ "NS_GET_NSTYPE", NSS_NS_GET_NSTYPE, false },
	{ "NS_GET_OWNER_UID", NSS_NS_GET_OWNER_UID, false },
	{ "NS_GET_MNTNS_ID", NSS_NS_GET_MNTNS_ID, false },
	{ "NS_GET_ID", NSS_NS_GET_ID, false },
	{ "NS_MNT_GET_INFO", NSS_NS_MNT_GET_INFO, false },
	{ "NS_MNT_GET_NEXT", NSS_NS_MNT_GET_NEXT, true },
	{ "NS_MNT_GET_PREV", NSS_NS_MNT_GET_PREV, true },
	{ "PIDFD_GET_CGROUP_NAMESPACE", NSS_PIDFD_GET_CGROUP_NAMESPACE, true },
	{ "PIDFD_GET_IPC_NAMESPACE", NSS_PIDFD_GET_IPC_NAMESPACE, true },
	{ "PIDFD_GET_MNT_NAMESPACE", NSS_PIDFD_GET_MNT_NAMESPACE, true },
	{ "PIDFD_GET_NET_NAMESPACE", NSS_PIDFD_GET_NET_NAMESPACE, true },
	{ "PIDFD_GET_PID_NAMESPACE", NSS_PIDFD_GET_PID_NAMESPACE, true },
	{ "PIDFD_GET_PID_FOR_CHILDREN_NAMESPACE", NSS_PIDFD_GET_PID_FOR_CHILDREN_NAMESPACE, true },
	{ "PIDFD_GET_TIME_NAMESPACE", NSS_PIDFD_GET_TIME_NAMESPACE, true },
	{ "PIDFD_GET_TIME_FOR_CHILDREN_NAMESPACE", NSS_PIDFD_GET_TIME_FOR_CHILDREN_NAMESPACE, true },
	{ "PIDFD_GET_USER_NAMESPACE", NSS_PIDFD_GET_USER_NAMESPACE, true },
	{ "PIDFD_GET_UTS_NAMESPACE", NSS_PIDFD_GET_UTS_NAMESPACE, true },
};

/*
 * fd:ioctl(name): an Fd for those that open a namespace, an integer for the
 * others (NS_GET_NSTYPE also returns the type's name), nil and the errno.
 */
static int f_ioctl(lua_State *L)
{
	struct sim_lua_fd *f = sim_lua_check_fd(L, 1);
	bool by_number = lua_isinteger(L, 2);
	const char *name = by_number ? NULL : luaL_checkstring(L, 2);
	uint64_t v = 0;
	guint i;
	int r;

	for (i = 0; i < G_N_ELEMENTS(ioctls); i++)
		if (by_number ? ioctls[i].cmd == (unsigned long)lua_tointeger(L, 2)
			      : strcmp(ioctls[i].name, name) == 0)
			break;
	if (i == G_N_ELEMENTS(ioctls) && !by_number)
		return luaL_error(L, "unknown ioctl '%s' (a request number is passed to the kernel as it is)",
				  name);
	if (i == G_N_ELEMENTS(ioctls)) {
		/* a request the model does not name: the file's ioctl decides (ENOTTY) */
		unsigned long cmd = (unsigned long)lua_tointeger(L, 2);

		sim_lua_call_site(L, "ioctl");
		r = sys_ioctl_value(sim_lua_sim(L)->w, f->task, f->fd, cmd, &v);
		SIM_LUA_VEC(VOP_IOCTL, f->task, r, VRET_VALUE, (int64_t)v, NULL, "ioctl", f->fd,
		    (int64_t)cmd);
		if (r < 0)
			return sim_push_errno(L, r);
		lua_pushinteger(L, (lua_Integer)v);
		return 1;
	}
	name = ioctls[i].name;
	sim_lua_call_site(L, name);
	r = sys_ioctl_value(sim_lua_sim(L)->w, f->task, f->fd, ioctls[i].cmd, &v);
	if (ioctls[i].returns_fd)
		SIM_LUA_VEC(VOP_IOCTL, f->task, r, VRET_FD, r, NULL, "ioctl", f->fd, (int64_t)ioctls[i].cmd);
	else if (ioctls[i].cmd == NSS_NS_GET_ID || ioctls[i].cmd == NSS_NS_GET_MNTNS_ID ||
		 ioctls[i].cmd == NSS_NS_MNT_GET_INFO)
		SIM_LUA_VEC(VOP_IOCTL, f->task, r, VRET_NSID, vec_ns_code(sim_lua_sim(L), v), NULL, "ioctl", f->fd,
		    (int64_t)ioctls[i].cmd);
	else
		SIM_LUA_VEC(VOP_IOCTL, f->task, r, VRET_VALUE, (int64_t)v, NULL, "ioctl", f->fd,
		    (int64_t)ioctls[i].cmd);
	if (!ioctls[i].returns_fd && r >= 0)
		sim_jsonl_value(sim_lua_sim(L), "value", v);
	if (ioctls[i].returns_fd || r < 0)
		return sim_lua_ret_fd(L, f->task, r);
	lua_pushinteger(L, (lua_Integer)v);
	if (ioctls[i].cmd == NSS_NS_GET_NSTYPE) {
		lua_pushstring(L, ns_type_name(ns_type_from_clone_flag(v)));
		return 2;
	}
	return 1;
}

/* fd:send_signal([sig]): pidfd_send_signal() on a pidfd (default SIGKILL) */
static int f_send_signal(lua_State *L)
{
	struct sim_lua_fd *f = sim_lua_check_fd(L, 1);
	lua_Integer sig = luaL_optinteger(L, 2, 9);
	int r;

	sim_lua_call_site(L, NULL);
	if (sim_lua_sim(L)->vec) {
		struct nss_fd_info fi = { 0 };

		/* the model's init ignores fatal signals; a vector's init is an ordinary process */
		if (nss_fd_info(sim_lua_sim(L)->w, f->task, f->fd, &fi) && fi.pidfd_task &&
		    fi.pidfd_task == world_init_task(sim_world(sim_lua_sim(L))) && sig)
			vec_unsupported(sim_lua_sim(L), "a signal to init (the vector's init is an ordinary process)");
	}
	r = sys_pidfd_send_signal(sim_lua_sim(L)->w, f->task, f->fd, (int)sig);
	SIM_LUA_VEC(VOP_PIDFD_SIGNAL, f->task, r, VRET_ZERO, 0, NULL, "pidfd_send_signal", f->fd, sig);
	return sim_lua_ret_true(L, r);
}

static int f_index(lua_State *L)
{
	struct sim_lua_fd *f = sim_lua_check_fd(L, 1);
	const char *k = luaL_checkstring(L, 2);

	if (strcmp(k, "fd") == 0) {
		lua_pushinteger(L, f->fd);
		return 1;
	}
	if (strcmp(k, "task") == 0) {
		sim_lua_push_task(L, f->task);
		return 1;
	}
	luaL_getmetatable(L, SIM_LUA_FD_MT);
	lua_getfield(L, -1, "methods");
	lua_getfield(L, -1, k);
	return 1;
}

static int f_tostring(lua_State *L)
{
	struct sim_lua_fd *f = sim_lua_check_fd(L, 1);

	lua_pushfstring(L, "Fd(task %I, %d)", (lua_Integer)f->task, f->fd);
	return 1;
}

const luaL_Reg sim_lua_fd_methods[] = {
	{ "close", f_close }, { "dup", f_dup }, { "ioctl", f_ioctl },
	{ "send_signal", f_send_signal }, { NULL, NULL },
};

const luaL_Reg sim_lua_fd_meta[] = {
	{ "__index", f_index }, { "__tostring", f_tostring }, { NULL, NULL },
};
