// SPDX-License-Identifier: MIT
/*
 * time.c - virtual time as a scenario sees it: sim.now and the units
 * (us, ms, s), processes (sim.process, sim.sleep), timed calls (sim.after,
 * sim.at, sim.run), and the run's seeded random stream (sim.rand, exp,
 * uniform).  The queue behind them is clock.c's.
 */
#include <math.h>
#include "lua-private.h"

static struct sim *S(lua_State *L)
{
	return lua_touserdata(L, lua_upvalueindex(1));
}

static int64_t check_time(lua_State *L, int i)
{
	lua_Integer v;

	if (lua_isinteger(L, i))
		v = lua_tointeger(L, i);
	else
		v = (lua_Integer)llround(luaL_checknumber(L, i));
	return v;
}

static int l_now(lua_State *L)
{
	lua_pushinteger(L, S(L)->now);
	return 1;
}

static int scale(lua_State *L, double f)
{
	lua_pushinteger(L, (lua_Integer)llround(luaL_checknumber(L, 1) * f));
	return 1;
}

static int l_us(lua_State *L) { return scale(L, 1e3); }
static int l_ms(lua_State *L) { return scale(L, 1e6); }
static int l_s(lua_State *L) { return scale(L, 1e9); }

static int l_process(lua_State *L)
{
	struct sim *s = S(L);
	lua_State *co;
	int nargs = lua_gettop(L) - 1;

	luaL_checktype(L, 1, LUA_TFUNCTION);
	sim_world(s);
	co = lua_newthread(L);
	lua_insert(L, 1);                 /* thread, fn, args */
	lua_xmove(L, co, nargs + 1);      /* fn and args wait in the coroutine */
	lua_getfield(L, LUA_REGISTRYINDEX, SIM_PROCESSES);
	lua_pushvalue(L, 1);
	lua_pushboolean(L, 1);
	lua_rawset(L, -3);
	lua_pop(L, 1);
	sim_queue_push(s, s->now, Q_RESUME, luaL_ref(L, LUA_REGISTRYINDEX), 0);
	return 0;
}

/*
 * now + dt for a delay a scenario gives: virtual time ends at 2^63 - 1 ns
 * (292 years), and a delay past it is an argument error, not a wrap.
 */
static int64_t time_after(lua_State *L, int arg, int64_t now, int64_t dt)
{
	luaL_argcheck(L, dt <= INT64_MAX - now, arg, "delay past the end of virtual time");
	return now + dt;
}

static int l_after(lua_State *L)
{
	struct sim *s = S(L);
	int64_t dt = check_time(L, 1);

	luaL_checktype(L, 2, LUA_TFUNCTION);
	luaL_argcheck(L, dt >= 0, 1, "negative delay");
	sim_world(s);
	dt = time_after(L, 1, s->now, dt);
	lua_pushvalue(L, 2);
	sim_queue_push(s, dt, Q_CALL, luaL_ref(L, LUA_REGISTRYINDEX), 0);
	return 0;
}

static int l_at(lua_State *L)
{
	struct sim *s = S(L);
	int64_t t = check_time(L, 1);

	luaL_checktype(L, 2, LUA_TFUNCTION);
	luaL_argcheck(L, t >= s->now, 1, "time in the past");
	sim_world(s);
	lua_pushvalue(L, 2);
	sim_queue_push(s, t, Q_CALL, luaL_ref(L, LUA_REGISTRYINDEX), 0);
	return 0;
}

static int l_run(lua_State *L)
{
	struct sim *s = S(L);
	int64_t until = lua_isnoneornil(L, 1) ? -1 : check_time(L, 1);

	if (lua_isyieldable(L))
		return luaL_error(L, "sim.run() called from a process; use sim.sleep()");
	sim_world(s);
	sim_run_until(s, L, until);
	return 0;
}

/* In a process: yield for @dt.  In the main chunk: run everything due. */
static int l_sleep(lua_State *L)
{
	struct sim *s = S(L);
	int64_t dt = check_time(L, 1);

	luaL_argcheck(L, dt >= 0, 1, "negative delay");
	if (lua_isyieldable(L)) {
		time_after(L, 1, s->now, dt);
		lua_pushinteger(L, dt);
		return lua_yield(L, 1);
	}
	sim_world(s);
	sim_run_until(s, L, time_after(L, 1, s->now, dt));
	return 0;
}

/* The run's random stream: sim.rand() in [0,1), sim.rand(n) in 1..n, (m,n). */
static int l_rand(lua_State *L)
{
	struct sim *s = S(L);

	sim_world(s);   /* the stream is seeded once the header is known */
	if (lua_isnoneornil(L, 1)) {
		lua_pushnumber(L, g_rand_double(s->rng));
	} else {
		lua_Integer lo = 1, hi = luaL_checkinteger(L, 1);

		if (!lua_isnoneornil(L, 2)) {
			lo = hi;
			hi = luaL_checkinteger(L, 2);
		}
		luaL_argcheck(L, lo <= hi, 1, "interval is empty");
		lua_pushinteger(L, sim_rand_range(s->rng, lo, hi));
	}
	return 1;
}

/* sim.exp(mean): an exponentially distributed duration with that mean. */
static int l_exp(lua_State *L)
{
	double mean = luaL_checknumber(L, 1);
	double u;

	sim_world(S(L));
	u = g_rand_double(S(L)->rng);

	lua_pushinteger(L, (lua_Integer)llround(-mean * log1p(-u)));
	return 1;
}

static int l_uniform(lua_State *L)
{
	double a = luaL_checknumber(L, 1), b = luaL_checknumber(L, 2);

	sim_world(S(L));
	lua_pushnumber(L, a + (b - a) * g_rand_double(S(L)->rng));
	return 1;
}

/* upvalue 1: the sim, as a light userdata */
const luaL_Reg sim_lua_time_fns[] = {
	{ "now", l_now }, { "us", l_us }, { "ms", l_ms }, { "s", l_s },
	{ "process", l_process }, { "after", l_after }, { "at", l_at },
	{ "run", l_run }, { "sleep", l_sleep }, { "rand", l_rand },
	{ "exp", l_exp }, { "uniform", l_uniform }, { NULL, NULL },
};
