// SPDX-License-Identifier: MIT
/*
 * register.c - the scenario API installed in a fresh Lua state: a
 * metatable per class (Task, Fd, Handle, Mount, Cpu), the sim module and
 * the globals scenario{} and expect*.  Each file names its own functions
 * in luaL_Reg arrays; this file only says which class or table they join,
 * in the order the tables were always filled (next() on sim sees it).
 */
#include "lua-private.h"

/*
 * A userdata class: its methods, from every array in @methods, live in
 * the metatable's "methods" table, which __index (in @meta) looks in.
 */
static void new_class(lua_State *L, const char *name, const luaL_Reg *const *methods,
		      const luaL_Reg *meta)
{
	luaL_newmetatable(L, name);
	lua_newtable(L);
	for (; *methods; methods++)
		luaL_setfuncs(L, *methods, 0);
	lua_setfield(L, -2, "methods");
	luaL_setfuncs(L, meta, 0);
	/* scripts cannot read or replace it (getmetatable gives this string) */
	lua_pushstring(L, name);
	lua_setfield(L, -2, "__metatable");
	lua_pop(L, 1);
}

void sim_lua_open(struct sim *s)
{
	lua_State *L = s->L;
	static const luaL_Reg *const task[] = {
		sim_lua_task_methods, sim_lua_cred_methods, sim_lua_file_task_methods,
		sim_lua_handle_task_methods, sim_lua_cpu_task_methods, NULL,
	};
	static const luaL_Reg *const fd[] = {
		sim_lua_fd_methods, sim_lua_handle_fd_methods, sim_lua_file_fd_methods, NULL,
	};
	static const luaL_Reg *const none[] = { NULL };
	static const luaL_Reg *const sim_fns[] = {
		sim_lua_sim_fns, sim_lua_handle_fns, sim_lua_cpu_fns, sim_lua_fault_fns, NULL,
	};

	new_class(L, SIM_LUA_TASK_MT, task, sim_lua_task_meta);
	new_class(L, SIM_LUA_FD_MT, fd, sim_lua_fd_meta);
	new_class(L, SIM_LUA_HANDLE_MT, none, sim_lua_handle_meta);
	new_class(L, SIM_LUA_MOUNT_MT, none, sim_lua_mount_meta);
	new_class(L, SIM_LUA_CPU_MT, none, sim_lua_cpu_meta);

	lua_newtable(L);                 /* sim */
	for (const luaL_Reg *const *f = sim_fns; *f; f++)
		luaL_setfuncs(L, *f, 0);
	lua_pushlightuserdata(L, s);
	luaL_setfuncs(L, sim_lua_time_fns, 1);
	lua_newtable(L);                 /* sim.param */
	lua_setfield(L, -2, "param");
	lua_newtable(L);                 /* metatable for init/kernel/seed */
	luaL_setfuncs(L, sim_lua_sim_meta, 0);
	lua_setmetatable(L, -2);
	lua_setglobal(L, "sim");

	lua_pushglobaltable(L);
	luaL_setfuncs(L, sim_lua_scenario_globals, 0);
	lua_pop(L, 1);
}
