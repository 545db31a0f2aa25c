// SPDX-License-Identifier: MIT
/*
 * handle.c - file handles: the Handle class, name_to_handle_at()
 * (fd:handle), handles built by hand (sim.handle) and
 * open_by_handle_at() (task:open_by_handle).
 */
#include <limits.h>
#include <string.h>
#include "lua-private.h"

static void push_handle(lua_State *L, const struct nss_handle *h)
{
	struct nss_handle *u = lua_newuserdatauv(L, sizeof(*u), 0);

	*u = *h;
	luaL_setmetatable(L, SIM_LUA_HANDLE_MT);
}

static struct nss_handle *check_handle(lua_State *L, int i)
{
	return luaL_checkudata(L, i, SIM_LUA_HANDLE_MT);
}

static const struct sim_lua_flag at_flags[] = {
	{ "empty_path", NSS_AT_EMPTY_PATH }, { "symlink_follow", NSS_AT_SYMLINK_FOLLOW },
	{ "handle_fid", NSS_AT_HANDLE_FID }, { "handle_connectable", NSS_AT_HANDLE_CONNECTABLE },
	{ "handle_mnt_id_unique", NSS_AT_HANDLE_MNT_ID_UNIQUE },
};

/*
 * fd:handle([bytes] [, {flags = ..., path = "..."}]): name_to_handle_at()
 * with a buffer of that many bytes, by default on the fd itself
 * (path "", AT_EMPTY_PATH).
 */
static int f_handle(lua_State *L)
{
	struct sim_lua_fd *f = sim_lua_check_fd(L, 1);
	lua_Integer bytes = NSS_MAX_HANDLE_SZ;
	int opts = 0, flags = NSS_AT_EMPTY_PATH;
	const char *path = "";
	struct nss_handle h = { 0 };
	struct nss_fd_info fi = { 0 };
	char args[96];
	int r;

	if (lua_istable(L, 2))
		opts = 2;
	else {
		bytes = luaL_optinteger(L, 2, NSS_MAX_HANDLE_SZ);
		if (lua_istable(L, 3))
			opts = 3;
		else if (!lua_isnoneornil(L, 3))
			luaL_typeerror(L, 3, "table of options");
	}
	luaL_argcheck(L, bytes >= 0 && bytes <= 4096, 2, "bad size");
	if (opts) {
		lua_getfield(L, opts, "flags");
		if (!lua_isnil(L, -1))
			flags = (int)sim_lua_check_flag_set(L, lua_gettop(L), at_flags, G_N_ELEMENTS(at_flags),
						    "name_to_handle_at flag");
		lua_getfield(L, opts, "path");
		if (!lua_isnil(L, -1))
			path = luaL_checkstring(L, -1);
		luaL_argcheck(L, strlen(path) < 40, opts, "path longer than 39 bytes");
	}
	g_snprintf(args, sizeof(args), "fd=%d%s%s", f->fd, path[0] ? " path=" : "", path);
	sim_lua_call_site(L, args);
	r = sys_name_to_handle_at(sim_lua_sim(L)->w, f->task, f->fd, path, (uint32_t)bytes, flags, &h);
	if (sim_lua_sim(L)->vec)
		nss_fd_info(sim_lua_sim(L)->w, f->task, f->fd, &fi);
	SIM_LUA_VEC(VOP_N2H, f->task, r, VRET_ZERO, 0, path, "name_to_handle_at", f->fd, bytes,
	    fi.regular, flags, (int64_t)fi.pidfd_task);
	vec_set_handle(sim_lua_sim(L), &h);
	if (opts)
		lua_pop(L, 2);
	if (r < 0)
		return sim_push_errno(L, r);
	push_handle(L, &h);
	return 1;
}

/*
 * sim.handle(id [, type [, inum]] [, {bytes = n, fh_type = n}]): a handle
 * built by hand; a bare id has type and inum 0, as listns users build them.
 */
static int l_handle(lua_State *L)
{
	struct nss_handle h = { .handle_bytes = 16, .handle_type = NSS_FILEID_NSFS };
	int top = lua_gettop(L);

	h.ns_id = (uint64_t)luaL_checkinteger(L, 1);
	if (top >= 2 && !lua_istable(L, 2) && !lua_isnil(L, 2)) {
		if (lua_type(L, 2) == LUA_TSTRING) {
			int t = ns_type_from_name(lua_tostring(L, 2));

			luaL_argcheck(L, t >= 0, 2, "unknown namespace type");
			h.ns_type = (uint32_t)ns_type_clone_flag(t);
		} else {
			h.ns_type = (uint32_t)luaL_checkinteger(L, 2);
		}
	}
	if (top >= 3 && !lua_istable(L, 3) && !lua_isnil(L, 3))
		h.ns_inum = (uint32_t)luaL_checkinteger(L, 3);
	if (lua_istable(L, top)) {
		lua_getfield(L, top, "bytes");
		if (!lua_isnil(L, -1))
			h.handle_bytes = (uint32_t)luaL_checkinteger(L, -1);
		lua_getfield(L, top, "fh_type");
		if (!lua_isnil(L, -1))
			h.handle_type = (int32_t)luaL_checkinteger(L, -1);
		lua_pop(L, 2);
	}
	push_handle(L, &h);
	return 1;
}

static int h_index(lua_State *L)
{
	struct nss_handle *h = check_handle(L, 1);
	const char *k = luaL_checkstring(L, 2);

	if (!strcmp(k, "id"))
		lua_pushinteger(L, (lua_Integer)h->ns_id);
	else if (!strcmp(k, "type"))
		lua_pushinteger(L, h->ns_type);
	else if (!strcmp(k, "inum"))
		lua_pushinteger(L, h->ns_inum);
	else if (!strcmp(k, "bytes"))
		lua_pushinteger(L, h->handle_bytes);
	else if (!strcmp(k, "fh_type"))
		lua_pushinteger(L, h->handle_type);
	else
		lua_pushnil(L);
	return 1;
}

static int h_tostring(lua_State *L)
{
	struct nss_handle *h = check_handle(L, 1);
	char str[96];

	if ((h->handle_type & 0xffff) == NSS_FILEID_NSFS)
		g_snprintf(str, sizeof(str), "Handle{id=%" G_GUINT64_FORMAT ", type=%#x, inum=%#x}",
			   h->ns_id, h->ns_type, h->ns_inum);
	else
		g_snprintf(str, sizeof(str), "Handle{fh_type=%#x, bytes=%u, id=%" G_GUINT64_FORMAT "}",
			   (unsigned int)h->handle_type, h->handle_bytes, h->ns_id);
	lua_pushstring(L, str);
	return 1;
}

static const struct sim_lua_flag oflags[] = {
	{ "rdonly", 0 }, { "wronly", NSS_O_WRONLY }, { "rdwr", NSS_O_RDWR },
	{ "creat", NSS_O_CREAT }, { "excl", NSS_O_EXCL }, { "noctty", NSS_O_NOCTTY },
	{ "trunc", NSS_O_TRUNC }, { "append", NSS_O_APPEND }, { "nonblock", NSS_O_NONBLOCK },
	{ "ndelay", NSS_O_NONBLOCK }, { "dsync", NSS_O_DSYNC }, { "async", NSS_O_ASYNC },
	{ "direct", NSS_O_DIRECT }, { "largefile", NSS_O_LARGEFILE },
	{ "directory", NSS_O_DIRECTORY }, { "nofollow", NSS_O_NOFOLLOW },
	{ "noatime", NSS_O_NOATIME }, { "cloexec", NSS_O_CLOEXEC }, { "sync", NSS_O_SYNC },
	{ "path", NSS_O_PATH }, { "tmpfile", NSS_O_TMPFILE },
};

static const struct sim_lua_flag mount_fds[] = {
	{ "nsfs_root", NSS_FD_NSFS_ROOT }, { "pidfs_root", NSS_FD_PIDFS_ROOT },
	{ "cwd", NSS_AT_FDCWD },
};

/*
 * task:open_by_handle(h [, flags [, mount]]): open_by_handle_at().  mount
 * is an Fd of the task, "nsfs_root", "pidfs_root", "cwd" or a number;
 * without it, the root of the file system the handle's type belongs to.
 */
static int t_open_by_handle(lua_State *L)
{
	uint64_t t = sim_lua_check_task(L, 1);
	struct nss_handle *h = check_handle(L, 2);
	int flags = (int)sim_lua_check_flag_set(L, 3, oflags, G_N_ELEMENTS(oflags), "open flag");
	int mfd = (h->handle_type & 0xffff) == NSS_FILEID_KERNFS ? NSS_FD_PIDFS_ROOT
								  : NSS_FD_NSFS_ROOT;
	bool is_fd = false;
	int r;

	if (lua_isinteger(L, 4)) {
		lua_Integer n = lua_tointeger(L, 4);

		luaL_argcheck(L, n >= INT_MIN && n <= INT_MAX, 4, "not an int");
		mfd = (int)n;
		is_fd = mfd >= 0;
	} else if (lua_type(L, 4) == LUA_TSTRING) {
		size_t j;

		for (j = 0; j < G_N_ELEMENTS(mount_fds); j++)
			if (!strcmp(mount_fds[j].name, lua_tostring(L, 4)))
				break;
		if (j == G_N_ELEMENTS(mount_fds))
			return luaL_argerror(L, 4, "not nsfs_root, pidfs_root or cwd");
		mfd = (int)mount_fds[j].flag;
	} else if (!lua_isnoneornil(L, 4)) {
		struct sim_lua_fd *f = sim_lua_check_fd(L, 4);

		luaL_argcheck(L, f->task == t, 4, "an Fd of another task");
		mfd = f->fd;
		is_fd = true;
	}
	{
		char args[48];

		if (is_fd || mfd >= 0)
			g_snprintf(args, sizeof(args), "mount=fd %d", mfd);
		else
			g_snprintf(args, sizeof(args), "mount=%s", mfd == NSS_FD_NSFS_ROOT ? "nsfs_root"
				   : mfd == NSS_FD_PIDFS_ROOT ? "pidfs_root"
				   : mfd == NSS_AT_FDCWD ? "cwd" : "bad fd");
		sim_lua_call_site(L, args);
	}
	r = sys_open_by_handle_at(sim_lua_sim(L)->w, t, mfd, h, flags);
	SIM_LUA_VEC(VOP_OBH, t, r, VRET_FD, r, NULL, "open_by_handle_at", flags, mfd, is_fd);
	vec_set_handle(sim_lua_sim(L), h);
	return sim_lua_ret_fd(L, t, r);
}

const luaL_Reg sim_lua_handle_task_methods[] = {
	{ "open_by_handle", t_open_by_handle }, { NULL, NULL },
};

const luaL_Reg sim_lua_handle_fd_methods[] = {
	{ "handle", f_handle }, { NULL, NULL },
};

const luaL_Reg sim_lua_handle_fns[] = {
	{ "handle", l_handle }, { NULL, NULL },
};

const luaL_Reg sim_lua_handle_meta[] = {
	{ "__index", h_index }, { "__tostring", h_tostring }, { NULL, NULL },
};
