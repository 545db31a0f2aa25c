// SPDX-License-Identifier: MIT
/*
 * file.c - files, mounts and fd passing: pipe, memfd, reopen through
 * /proc, open, fstat, the netns cookie, bind mounts (the Mount class),
 * SCM_RIGHTS and pidfd_getfd.
 */
#include <string.h>
#include "lua-private.h"

/* a Mount: the task that made it (umount by default) and its target */
struct l_mount {
	uint64_t task;
	char path[256];
};

static const struct sim_lua_flag reopen_flags[] = {
	{ "rdonly", 0 }, { "wronly", NSS_O_WRONLY }, { "rdwr", NSS_O_RDWR },
	{ "cloexec", NSS_O_CLOEXEC },
};

/* task:pipe([{"cloexec"}]): two Fds, the read end and the write end */
static int t_pipe(lua_State *L)
{
	uint64_t t = sim_lua_check_task(L, 1);
	int flags = (int)sim_lua_check_flag_set(L, 2, reopen_flags + 3, 1, "pipe flag");
	int fds[2] = { -1, -1 };
	int r;

	sim_lua_call_site(L, NULL);
	r = sys_pipe(sim_lua_sim(L)->w, t, flags, fds);
	SIM_LUA_VEC(VOP_PIPE, t, r < 0 ? r : fds[0], VRET_FD, fds[0], NULL, "pipe2", flags, fds[1]);
	if (r < 0)
		return sim_push_errno(L, r);
	sim_lua_push_fd(L, t, fds[0]);
	sim_lua_push_fd(L, t, fds[1]);
	return 2;
}

/* task:memfd([{"cloexec"}]): memfd_create() */
static int t_memfd(lua_State *L)
{
	uint64_t t = sim_lua_check_task(L, 1);
	int flags = sim_lua_check_flag_set(L, 2, reopen_flags + 3, 1, "memfd flag") ? 1 : 0;
	int r;

	sim_lua_call_site(L, NULL);
	r = sys_memfd_create(sim_lua_sim(L)->w, t, flags);
	SIM_LUA_VEC(VOP_MEMFD, t, r, VRET_FD, r, NULL, "memfd_create", flags);
	return sim_lua_ret_fd(L, t, r);
}

/* task:reopen(target, fd [, flags]): open /proc/<target>/fd/<fd> */
static int t_reopen(lua_State *L)
{
	uint64_t t = sim_lua_check_task(L, 1), target = sim_lua_check_task(L, 2);
	lua_Integer fd = luaL_checkinteger(L, 3);
	int flags = (int)sim_lua_check_flag_set(L, 4, reopen_flags, G_N_ELEMENTS(reopen_flags), "open flag");
	int r;

	sim_lua_call_site(L, NULL);
	r = sys_reopen_fd(sim_lua_sim(L)->w, t, target, (int)fd, flags);
	SIM_LUA_VEC(VOP_REOPEN, t, r, VRET_FD, r, NULL, "open", vec_task(sim_lua_sim(L), target), fd, flags);
	return sim_lua_ret_fd(L, t, r);
}

static int f_stat(lua_State *L)
{
	struct sim_lua_fd *f = sim_lua_check_fd(L, 1);
	uint64_t ino = 0, dev = 0;
	int r;

	sim_lua_call_site(L, NULL);
	r = sys_fstat(sim_lua_sim(L)->w, f->task, f->fd, &ino, &dev);
	SIM_LUA_VEC(VOP_FSTAT, f->task, r, VRET_ANY, 0, NULL, "fstat", f->fd);
	if (r >= 0) {
		sim_jsonl_value(sim_lua_sim(L), "ino", ino);
		sim_jsonl_value(sim_lua_sim(L), "dev", dev);
	}
	if (r < 0)
		return sim_push_errno(L, r);
	lua_createtable(L, 0, 2);
	lua_pushinteger(L, (lua_Integer)ino);
	lua_setfield(L, -2, "ino");
	lua_pushinteger(L, (lua_Integer)dev);
	lua_setfield(L, -2, "dev");
	return 1;
}

static int f_netns_cookie(lua_State *L)
{
	struct sim_lua_fd *f = sim_lua_check_fd(L, 1);
	uint64_t c = 0;
	int r;

	sim_lua_call_site(L, NULL);
	r = sys_netns_cookie(sim_lua_sim(L)->w, f->task, f->fd, &c);
	SIM_LUA_VEC(VOP_COOKIE, f->task, r, VRET_COOKIE, vec_ns_code(sim_lua_sim(L), c), NULL, "getsockopt", f->fd);
	if (r >= 0)
		sim_jsonl_value(sim_lua_sim(L), "value", c);
	if (r < 0)
		return sim_push_errno(L, r);
	lua_pushinteger(L, (lua_Integer)c);
	return 1;
}

static int f_bind_mount(lua_State *L)
{
	struct sim_lua_fd *f = sim_lua_check_fd(L, 1);
	const char *path = luaL_checkstring(L, 2);
	struct l_mount *m;
	int64_t r;

	luaL_argcheck(L, strlen(path) < sizeof(m->path), 2, "path too long");
	sim_lua_call_site(L, path);
	if (sim_lua_sim(L)->vec) {
		struct nss_ns_info mnt;

		if (nss_ns_info(sim_lua_sim(L)->w, nss_task_ns(sim_lua_sim(L)->w, f->task, "mnt"), &mnt) && mnt.initial)
			vec_unsupported(sim_lua_sim(L), "a bind mount in the initial mount namespace would mount on the machine");
	}
	r = sys_mount_bind(sim_lua_sim(L)->w, f->task, f->fd, path);
	SIM_LUA_VEC(VOP_MOUNT_BIND, f->task, r, VRET_ANY, 0, NULL, "mount", f->fd, vec_path(sim_lua_sim(L), path));
	if (r < 0)
		return sim_push_errno(L, r);
	m = lua_newuserdatauv(L, sizeof(*m), 0);
	m->task = f->task;
	g_strlcpy(m->path, path, sizeof(m->path));
	luaL_setmetatable(L, SIM_LUA_MOUNT_MT);
	return 1;
}

/* m:umount([task]): by the task that mounted it, or another in that mount ns */
static int m_umount(lua_State *L)
{
	struct l_mount *m = luaL_checkudata(L, 1, SIM_LUA_MOUNT_MT);
	uint64_t t = lua_isnoneornil(L, 2) ? m->task : sim_lua_check_task(L, 2);

	int r;

	sim_lua_call_site(L, m->path);
	r = sys_umount(sim_lua_sim(L)->w, t, m->path);
	SIM_LUA_VEC(VOP_UMOUNT, t, r, VRET_ZERO, 0, NULL, "umount2", 0, vec_path(sim_lua_sim(L), m->path));
	return sim_lua_ret_true(L, r);
}

static int m_index(lua_State *L)
{
	struct l_mount *m = luaL_checkudata(L, 1, SIM_LUA_MOUNT_MT);
	const char *k = luaL_checkstring(L, 2);

	if (!strcmp(k, "path")) {
		lua_pushstring(L, m->path);
		return 1;
	}
	if (!strcmp(k, "umount")) {
		lua_pushcfunction(L, m_umount);
		return 1;
	}
	lua_pushnil(L);
	return 1;
}

static int m_tostring(lua_State *L)
{
	struct l_mount *m = luaL_checkudata(L, 1, SIM_LUA_MOUNT_MT);

	lua_pushfstring(L, "Mount(%s)", m->path);
	return 1;
}

static int t_open_file(lua_State *L)
{
	uint64_t t = sim_lua_check_task(L, 1);
	const char *path = luaL_checkstring(L, 2);

	int r;

	sim_lua_call_site(L, path);
	r = sys_open_file(sim_lua_sim(L)->w, t, path);
	SIM_LUA_VEC(VOP_OPEN_FILE, t, r, VRET_FD, r, NULL, "open", vec_path_find(sim_lua_sim(L), path));
	return sim_lua_ret_fd(L, t, r);
}

/* task:send_fd(to, fd [, {queue = true}]): SCM_RIGHTS; the Fd in `to`. */
static int t_send_fd(lua_State *L)
{
	uint64_t t = sim_lua_check_task(L, 1), to = sim_lua_check_task(L, 2);
	struct sim_lua_fd *f = sim_lua_check_fd(L, 3);
	bool queue = false;
	int r;

	if (f->task != t)
		return luaL_error(L, "send_fd: the fd belongs to task %d", (int)f->task);
	if (lua_istable(L, 4)) {
		lua_getfield(L, 4, "queue");
		queue = lua_toboolean(L, -1);
		lua_pop(L, 1);
	}
	{
		char args[64];

		g_snprintf(args, sizeof(args), "fd=%d to=%" G_GUINT64_FORMAT "%s", f->fd, to,
			   queue ? " queued" : "");
		sim_lua_call_site(L, args);
	}
	r = sys_send_fd(sim_lua_sim(L)->w, t, f->fd, to, queue);
	SIM_LUA_VEC(VOP_SEND_FD, t, r, queue ? VRET_ZERO : VRET_FD, queue ? -1 : r, NULL, "sendmsg",
	    f->fd, vec_task(sim_lua_sim(L), to));
	if (r < 0 || !queue)
		return sim_lua_ret_fd(L, to, r);
	lua_pushboolean(L, 1);
	return 1;
}

static int t_recv_fd(lua_State *L)
{
	uint64_t t = sim_lua_check_task(L, 1);

	int r;

	sim_lua_call_site(L, NULL);
	r = sys_recv_fd(sim_lua_sim(L)->w, t);
	SIM_LUA_VEC(VOP_RECV_FD, t, r, VRET_FD, r, NULL, "recvmsg", 0);
	return sim_lua_ret_fd(L, t, r);
}

static int t_pidfd_getfd(lua_State *L)
{
	uint64_t t = sim_lua_check_task(L, 1);
	struct sim_lua_fd *pfd = sim_lua_check_fd(L, 2);
	int target = lua_isinteger(L, 3) ? (int)lua_tointeger(L, 3) : sim_lua_check_fd(L, 3)->fd;

	int r;

	sim_lua_call_site(L, NULL);
	r = sys_pidfd_getfd(sim_lua_sim(L)->w, t, pfd->fd, target);
	SIM_LUA_VEC(VOP_PIDFD_GETFD, t, r, VRET_FD, r, NULL, "pidfd_getfd", pfd->fd, target);
	return sim_lua_ret_fd(L, t, r);
}

const luaL_Reg sim_lua_file_task_methods[] = {
	{ "reopen", t_reopen }, { "pipe", t_pipe }, { "memfd", t_memfd },
	{ "open_file", t_open_file }, { "send_fd", t_send_fd }, { "recv_fd", t_recv_fd },
	{ "pidfd_getfd", t_pidfd_getfd }, { NULL, NULL },
};

const luaL_Reg sim_lua_file_fd_methods[] = {
	{ "stat", f_stat }, { "netns_cookie", f_netns_cookie }, { "bind_mount", f_bind_mount },
	{ NULL, NULL },
};

const luaL_Reg sim_lua_mount_meta[] = {
	{ "__index", m_index }, { "__tostring", m_tostring }, { NULL, NULL },
};
