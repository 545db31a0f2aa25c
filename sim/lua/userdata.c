// SPDX-License-Identifier: MIT
/*
 * userdata.c - the Task and Fd userdata every class file passes around,
 * the usual returns (an Fd, true, an integer, or nil and the errno name),
 * and flag names: clone flags and the tables of names the other files
 * give sim_lua_check_flag_set().
 */
#include <string.h>
#include "lua-private.h"

/* ---- userdata --------------------------------------------------------- */

void sim_lua_push_task(lua_State *L, uint64_t id)
{
	struct sim_lua_task *t = lua_newuserdatauv(L, sizeof(*t), 0);

	t->id = id;
	luaL_setmetatable(L, SIM_LUA_TASK_MT);
}

void sim_lua_push_fd(lua_State *L, uint64_t task, int fd)
{
	struct sim_lua_fd *f = lua_newuserdatauv(L, sizeof(*f), 0);

	f->task = task;
	f->fd = fd;
	luaL_setmetatable(L, SIM_LUA_FD_MT);
}

uint64_t sim_lua_check_task(lua_State *L, int i)
{
	return ((struct sim_lua_task *)luaL_checkudata(L, i, SIM_LUA_TASK_MT))->id;
}

struct sim_lua_fd *sim_lua_check_fd(lua_State *L, int i)
{
	return luaL_checkudata(L, i, SIM_LUA_FD_MT);
}

int sim_lua_ret_fd(lua_State *L, uint64_t task, int64_t r)
{
	if (r < 0)
		return sim_push_errno(L, r);
	sim_lua_push_fd(L, task, (int)r);
	return 1;
}

int sim_lua_ret_true(lua_State *L, int64_t r)
{
	if (r < 0)
		return sim_push_errno(L, r);
	lua_pushboolean(L, 1);
	return 1;
}

int sim_lua_ret_int(lua_State *L, int64_t r)
{
	if (r < 0)
		return sim_push_errno(L, r);
	lua_pushinteger(L, r);
	return 1;
}

/* ---- flags ----------------------------------------------------------- */

static const struct sim_lua_flag flag_names[] = {
	{ "newuser", NSS_CLONE_NEWUSER }, { "user", NSS_CLONE_NEWUSER },
	{ "newnet", NSS_CLONE_NEWNET },   { "net", NSS_CLONE_NEWNET },
	{ "newpid", NSS_CLONE_NEWPID },   { "pid", NSS_CLONE_NEWPID },
	{ "newns", NSS_CLONE_NEWNS },     { "newmnt", NSS_CLONE_NEWNS },
	{ "mnt", NSS_CLONE_NEWNS },       { "newuts", NSS_CLONE_NEWUTS },
	{ "uts", NSS_CLONE_NEWUTS },      { "newipc", NSS_CLONE_NEWIPC },
	{ "ipc", NSS_CLONE_NEWIPC },      { "newcgroup", NSS_CLONE_NEWCGROUP },
	{ "cgroup", NSS_CLONE_NEWCGROUP }, { "newtime", NSS_CLONE_NEWTIME },
	{ "time", NSS_CLONE_NEWTIME },    { "thread", NSS_CLONE_THREAD },
	{ "vm", NSS_CLONE_VM },           { "fs", NSS_CLONE_FS },
	{ "files", NSS_CLONE_FILES },     { "sighand", NSS_CLONE_SIGHAND },
	{ "pidfd", NSS_CLONE_PIDFD },     { "parent", NSS_CLONE_PARENT },
	{ "sysvsem", NSS_CLONE_SYSVSEM },
};

/*
 * A table of names from @names (or a number, or nothing) to the OR of their
 * flags; a name not in the table raises "unknown @what 'name'".
 */
uint64_t sim_lua_check_flag_set(lua_State *L, int i, const struct sim_lua_flag *names,
			       size_t n, const char *what)
{
	uint64_t flags = 0;

	if (lua_isnoneornil(L, i))
		return 0;
	if (lua_isinteger(L, i))
		return (uint64_t)lua_tointeger(L, i);
	luaL_checktype(L, i, LUA_TTABLE);
	for (lua_Integer k = 1;; k++) {
		const char *name;
		size_t j;

		if (lua_geti(L, i, k) == LUA_TNIL) {
			lua_pop(L, 1);
			break;
		}
		name = lua_tostring(L, -1);
		if (!name)
			luaL_error(L, "%s #%d is not a string", what, (int)k);
		for (j = 0; j < n; j++)
			if (strcmp(names[j].name, name) == 0)
				break;
		if (j == n)
			luaL_error(L, "unknown %s '%s'", what, name);
		flags |= names[j].flag;
		lua_pop(L, 1);
	}
	return flags;
}

/* Clone flags: { "newuser", "newnet", ... } or a number. */
uint64_t sim_lua_check_flags(lua_State *L, int i)
{
	return sim_lua_check_flag_set(L, i, flag_names, G_N_ELEMENTS(flag_names), "flag");
}

/*
 * Flag names into @buf, for the trace.  Lua C functions keep their
 * temporaries on the stack: a Lua error longjmps past any cleanup.
 */
const char *sim_lua_flags_text(uint64_t flags, char *buf, size_t size)
{
	size_t n = 0;

	buf[0] = 0;
	for (guint j = 0; j < G_N_ELEMENTS(flag_names); j++) {
		/* print each bit once, by its first (canonical) name */
		if ((flags & flag_names[j].flag) &&
		    (j == 0 || flag_names[j - 1].flag != flag_names[j].flag)) {
			n += g_snprintf(buf + n, n < size ? size - n : 0, "%s%s", n ? "|" : "",
					flag_names[j].name);
			flags &= ~flag_names[j].flag;
		}
	}
	if (flags)
		g_snprintf(buf + n, n < size ? size - n : 0, "%s0x%" G_GINT64_MODIFIER "x",
			   n ? "|" : "", flags);
	return buf;
}
