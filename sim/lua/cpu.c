// SPDX-License-Identifier: MIT
/*
 * cpu.c - CPUs and the scheduler: the Cpu class (sim.cpu(n)), its events
 * (idle, offline, bring_online), and the Task methods that place a task
 * (run_on, block, cpu).  The lazy-TLB model lives on these.
 */
#include <string.h>
#include "lua-private.h"

static unsigned int check_cpu(lua_State *L, int i)
{
	return *(unsigned int *)luaL_checkudata(L, i, SIM_LUA_CPU_MT);
}

static int t_run_on(lua_State *L)
{
	uint64_t t = sim_lua_check_task(L, 1);
	lua_Integer cpu = luaL_checkinteger(L, 2);

	char args[64];

	luaL_argcheck(L, cpu >= 0, 2, "not a CPU number");
	g_snprintf(args, sizeof(args), "task %" G_GUINT64_FORMAT " cpu %d", t, (int)cpu);
	sim_lua_call_site(L, args);
	vec_unsupported(sim_lua_sim(L), "the scheduler model (lazy-TLB pins depend on real scheduling)");
	return sim_lua_ret_true(L, sched_run_on(sim_lua_sim(L)->w, t, (unsigned int)cpu));
}

static int t_block(lua_State *L)
{
	uint64_t t = sim_lua_check_task(L, 1);
	char args[32];

	g_snprintf(args, sizeof(args), "task %" G_GUINT64_FORMAT, t);
	sim_lua_call_site(L, args);
	vec_unsupported(sim_lua_sim(L), "the scheduler model (lazy-TLB pins depend on real scheduling)");
	return sim_lua_ret_true(L, sched_block(sim_lua_sim(L)->w, t));
}

static int t_cpu(lua_State *L)
{
	lua_pushinteger(L, nss_task_cpu(sim_world(sim_lua_sim(L)), sim_lua_check_task(L, 1)));
	return 1;
}

/* sim.cpu(n): a Cpu; sim.cpus(): how many */
static int l_cpu(lua_State *L)
{
	lua_Integer n = luaL_checkinteger(L, 1);
	unsigned int *u;

	luaL_argcheck(L, n >= 0 && n < world_cpus(sim_world(sim_lua_sim(L))), 1, "no such CPU");
	u = lua_newuserdatauv(L, sizeof(*u), 0);
	*u = (unsigned int)n;
	luaL_setmetatable(L, SIM_LUA_CPU_MT);
	return 1;
}

static int l_cpus(lua_State *L)
{
	lua_pushinteger(L, world_cpus(sim_world(sim_lua_sim(L))));
	return 1;
}

/* A scheduler event on one CPU: cpu:idle(), cpu:offline(), cpu:bring_online(). */
static int cpu_event(lua_State *L, int (*fn)(struct world *, unsigned int))
{
	unsigned int c = check_cpu(L, 1);
	char args[16];

	g_snprintf(args, sizeof(args), "cpu %u", c);
	sim_lua_call_site(L, args);
	vec_unsupported(sim_lua_sim(L), "the scheduler model (CPUs going idle or offline)");
	return sim_lua_ret_true(L, fn(sim_lua_sim(L)->w, c));
}

static int c_idle(lua_State *L) { return cpu_event(L, sched_cpu_idle); }
static int c_offline(lua_State *L) { return cpu_event(L, sched_cpu_offline); }
static int c_online(lua_State *L) { return cpu_event(L, sched_cpu_online); }

static int c_index(lua_State *L)
{
	unsigned int c = check_cpu(L, 1);
	const char *k = luaL_checkstring(L, 2);
	struct nss_cpu_info i;

	nss_cpu_info(sim_world(sim_lua_sim(L)), c, &i);
	if (!strcmp(k, "id"))
		lua_pushinteger(L, c);
	else if (!strcmp(k, "online"))
		lua_pushboolean(L, i.online);
	else if (!strcmp(k, "curr") && i.curr)
		sim_lua_push_task(L, i.curr);
	else if (!strcmp(k, "lazy_mm") && i.lazy_mm)
		lua_pushinteger(L, (lua_Integer)i.lazy_mm);
	else if (!strcmp(k, "ipis"))
		lua_pushinteger(L, (lua_Integer)i.ipis);
	else if (!strcmp(k, "idle"))
		lua_pushcfunction(L, c_idle);
	else if (!strcmp(k, "offline"))
		lua_pushcfunction(L, c_offline);
	else if (!strcmp(k, "bring_online"))
		lua_pushcfunction(L, c_online);
	else
		lua_pushnil(L);
	return 1;
}

static int c_tostring(lua_State *L)
{
	lua_pushfstring(L, "Cpu(%d)", (int)check_cpu(L, 1));
	return 1;
}

const luaL_Reg sim_lua_cpu_task_methods[] = {
	{ "run_on", t_run_on }, { "block", t_block }, { "cpu", t_cpu }, { NULL, NULL },
};

const luaL_Reg sim_lua_cpu_fns[] = {
	{ "cpu", l_cpu }, { "cpus", l_cpus }, { NULL, NULL },
};

const luaL_Reg sim_lua_cpu_meta[] = {
	{ "__index", c_index }, { "__tostring", c_tostring }, { NULL, NULL },
};
