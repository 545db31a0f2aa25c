// SPDX-License-Identifier: MIT
/*
 * sandbox.c - what a scenario may do: the base, string, table, math, utf8
 * and coroutine libraries, minus everything that reaches outside the run
 * or breaks determinism (io, os, debug, dofile, loadfile, bytecode,
 * math.random's own state).  require() loads Lua modules from scripts/
 * only.  An instruction budget and a memory limit end runaway scenarios.
 */
#include <signal.h>
#include <string.h>
#include <sys/time.h>
#include <unistd.h>
#include "lua-private.h"

#define HOOK_EVERY 1000

/*
 * The run's Lua state and why it must stop, for the signal handlers (one
 * run per process).  A handler only sets a hook, the one thing Lua allows
 * there (lua.c does the same for SIGINT); the hook raises the error at the
 * next instruction, with the scenario's file and line.
 */
static lua_State *volatile stop_L;
static volatile sig_atomic_t stop_why;     /* 0, or the signal: SIGPROF is the CPU limit */
static volatile sig_atomic_t stop_strikes;
static int64_t stop_max_time;

static void *limited_alloc(void *ud, void *ptr, size_t osize, size_t nsize)
{
	struct sim *s = ud;
	size_t old = ptr ? osize : 0;

	if (nsize == 0) {
		s->mem_used -= old;
		free(ptr);
		return NULL;
	}
	if (nsize > old && s->mem_limit && s->mem_used + (nsize - old) > s->mem_limit)
		return NULL;     /* Lua raises "not enough memory" */
	ptr = realloc(ptr, nsize);
	if (ptr)
		s->mem_used = s->mem_used - old + nsize;
	return ptr;
}

static void budget_hook(lua_State *L, lua_Debug *ar);

/* the error for a stop a signal asked for, raised at the scenario's line */
static void stop_error(lua_State *L, lua_Debug *ar)
{
	int why = stop_why;

	stop_why = 0;
	lua_sethook(L, budget_hook, LUA_MASKCOUNT, HOOK_EVERY);
	/* the scenario's line: the innermost Lua function (level 0 may be C) */
	lua_pushliteral(L, "");
	for (int level = 0; lua_getstack(L, level, ar); level++) {
		if (lua_getinfo(L, "Sl", ar) && ar->currentline > 0) {
			lua_pop(L, 1);
			lua_pushfstring(L, "%s:%d: ", ar->short_src, ar->currentline);
			break;
		}
	}
	if (why == SIGPROF)
		lua_pushfstring(L, "CPU time limit of %I s exceeded (raise it with --max-time)",
				(lua_Integer)stop_max_time);
	else
		lua_pushfstring(L, "interrupted by %s", why == SIGINT ? "SIGINT" : "SIGTERM");
	lua_concat(L, 2);
	lua_error(L);
}

static void stop_hook(lua_State *L, lua_Debug *ar)
{
	stop_error(L, ar);
}

/*
 * SIGPROF (the CPU limit), SIGINT, SIGTERM: stop at the next Lua
 * instruction.  Code where no hook runs (a long C call such as a
 * pathological string.find, or a __gc finalizer, where Lua turns hooks
 * off) is given the same time again; then the process ends here, exit 2,
 * and the trace keeps what was committed, as for a killed run.
 */
static void stop_handler(int sig)
{
	static const char hard[] = "nssim run: stopped inside a long call into C or a __gc "
				   "finalizer, where no Lua instruction runs to stop at; the trace "
				   "keeps what was committed\n";

	if (++stop_strikes > 1 || !stop_L) {
		if (write(2, hard, sizeof(hard) - 1) < 0) {
			/* nothing more to do about it */
		}
		_exit(2);
	}
	stop_why = sig;
	if (stop_L)
		lua_sethook(stop_L, stop_hook, LUA_MASKCALL | LUA_MASKRET | LUA_MASKCOUNT, 1);
}

void sim_sandbox_arm(lua_State *L, int64_t max_time)
{
	struct sigaction sa = { .sa_handler = stop_handler };

	stop_L = L;
	stop_max_time = max_time;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	if (max_time > 0) {
		/* the CPU the process uses, then again as much for a hard stop */
		struct itimerval it = {
			.it_value = { .tv_sec = max_time }, .it_interval = { .tv_sec = max_time },
		};

		sigaction(SIGPROF, &sa, NULL);
		setitimer(ITIMER_PROF, &it, NULL);
	}
}

/* The Lua state is about to close: a stop now can only be the hard one. */
void sim_sandbox_closing(void)
{
	stop_L = NULL;
}

/* The run is over: no stop can come any more. */
void sim_sandbox_disarm(void)
{
	struct itimerval off = { 0 };

	setitimer(ITIMER_PROF, &off, NULL);
	signal(SIGPROF, SIG_DFL);
	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	stop_L = NULL;
}

static void budget_hook(lua_State *L, lua_Debug *ar)
{
	struct sim *s = *(struct sim **)lua_getextraspace(L);

	s->steps += HOOK_EVERY;
	if (s->max_steps && s->steps > s->max_steps) {
		/* in a hook the running function is level 0 */
		if (lua_getstack(L, 0, ar) && lua_getinfo(L, "Sl", ar) && ar->currentline > 0)
			lua_pushfstring(L, "%s:%d: ", ar->short_src, ar->currentline);
		else
			lua_pushliteral(L, "");
		lua_pushfstring(L, "instruction budget of %I exhausted (raise it with --max-steps)",
				(lua_Integer)s->max_steps);
		lua_concat(L, 2);
		lua_error(L);
	}
}

lua_State *sim_sandbox_new(struct sim *s)
{
	lua_State *L = lua_newstate(limited_alloc, s);

	if (!L)
		return NULL;
	*(struct sim **)lua_getextraspace(L) = s;
	lua_sethook(L, budget_hook, LUA_MASKCOUNT, HOOK_EVERY);
	luaL_requiref(L, LUA_GNAME, luaopen_base, 1);
	luaL_requiref(L, LUA_COLIBNAME, luaopen_coroutine, 1);
	luaL_requiref(L, LUA_TABLIBNAME, luaopen_table, 1);
	luaL_requiref(L, LUA_STRLIBNAME, luaopen_string, 1);
	luaL_requiref(L, LUA_MATHLIBNAME, luaopen_math, 1);
	luaL_requiref(L, LUA_UTF8LIBNAME, luaopen_utf8, 1);
	lua_pop(L, 6);
	return L;
}

/* load(chunk [, name [, mode [, env]]]): text chunks only. */
static int l_load(lua_State *L)
{
	size_t len;
	const char *chunk = luaL_checklstring(L, 1, &len);
	const char *name = luaL_optstring(L, 2, "=(load)");
	int env = !lua_isnone(L, 4) ? 4 : 0;

	if (luaL_loadbufferx(L, chunk, len, name, "t") != LUA_OK) {
		luaL_pushfail(L);
		lua_insert(L, -2);
		return 2;
	}
	if (env) {
		lua_pushvalue(L, env);
		if (!lua_setupvalue(L, -2, 1))
			lua_pop(L, 1);
	}
	return 1;
}

static bool module_name_ok(const char *n)
{
	if (!*n || *n == '.')
		return false;
	for (; *n; n++)
		if (!g_ascii_isalnum(*n) && *n != '_' && *n != '.')
			return false;
	return true;
}

/* require(name): scripts/<name with dots as slashes>.lua, loaded once. */
static int l_require(lua_State *L)
{
	struct sim *s = lua_touserdata(L, lua_upvalueindex(1));
	const char *name = luaL_checkstring(L, 1);
	char path[4096];

	if (!module_name_ok(name))
		return luaL_error(L, "require: bad module name '%s'", name);
	lua_getfield(L, LUA_REGISTRYINDEX, "nssim.loaded");
	lua_getfield(L, -1, name);
	if (!lua_isnil(L, -1))
		return 1;
	lua_pop(L, 1);
	if (g_snprintf(path, sizeof(path), "%s/%s.lua", s->scripts_dir, name) >= (int)sizeof(path))
		return luaL_error(L, "require: module name too long");
	/* dots in the module name are directories */
	g_strdelimit(path + strlen(s->scripts_dir) + 1, ".", '/');
	path[strlen(path) - 4] = '.';
	if (sim_source_load(s, L, "module", name, path) != LUA_OK)
		return luaL_error(L, "require '%s': %s", name, lua_tostring(L, -1));
	lua_pushglobaltable(L);
	lua_setupvalue(L, -2, 1);
	lua_pushstring(L, name);
	lua_call(L, 1, 1);
	if (lua_isnil(L, -1)) {
		lua_pop(L, 1);
		lua_pushboolean(L, 1);
	}
	lua_pushvalue(L, -1);
	lua_setfield(L, -3, name);
	return 1;
}

/* math.random on the run's stream, with Lua's own argument rules. */
static int l_math_random(lua_State *L)
{
	struct sim *s = lua_touserdata(L, lua_upvalueindex(1));
	lua_Integer lo, hi;

	sim_world(s);   /* the stream is seeded once the header is known */
	switch (lua_gettop(L)) {
	case 0:
		lua_pushnumber(L, g_rand_double(s->rng));
		return 1;
	case 1:
		lo = 1;
		hi = luaL_checkinteger(L, 1);
		if (hi == 0) {
			/* math.random(0): an integer with all bits random */
			lua_pushinteger(L, (lua_Integer)(((uint64_t)g_rand_int(s->rng) << 32) |
							 g_rand_int(s->rng)));
			return 1;
		}
		break;
	default:
		lo = luaL_checkinteger(L, 1);
		hi = luaL_checkinteger(L, 2);
	}
	luaL_argcheck(L, lo <= hi, lua_gettop(L), "interval is empty");
	lua_pushinteger(L, sim_rand_range(s->rng, lo, hi));
	return 1;
}

static int l_math_randomseed(lua_State *L)
{
	return luaL_error(L, "math.randomseed is not available: the run's seed is --seed");
}

/* sorted_pairs(t): pairs in a deterministic key order (numbers, then strings). */
static const char sorted_pairs_lua[] =
	"local function cmp(a, b)\n"
	"  local ta, tb = type(a), type(b)\n"
	"  if ta ~= tb then return ta < tb end\n"
	"  if ta == 'number' or ta == 'string' then return a < b end\n"
	"  return tostring(a) < tostring(b)\n"
	"end\n"
	"return function(t)\n"
	"  local keys = {}\n"
	"  for k in next, t do keys[#keys + 1] = k end\n"
	"  table.sort(keys, cmp)\n"
	"  local i = 0\n"
	"  return function()\n"
	"    i = i + 1\n"
	"    local k = keys[i]\n"
	"    if k ~= nil then return k, t[k] end\n"
	"  end\n"
	"end\n";

/* print(): the scenario's output; on stderr when stdout carries JSON lines. */
static int l_print(lua_State *L)
{
	struct sim *s = lua_touserdata(L, lua_upvalueindex(1));
	FILE *out = s->quiet ? stderr : stdout;
	int n = lua_gettop(L);

	for (int i = 1; i <= n; i++) {
		size_t len;
		const char *str = luaL_tolstring(L, i, &len);

		if (i > 1)
			fputc('\t', out);
		fwrite(str, 1, len, out);
		lua_pop(L, 1);
	}
	fputc('\n', out);
	fflush(out);
	return 0;
}

/*
 * coroutine.resume/close/wrap's resume on a sim.process thread: refused.
 * The scheduler owns those; resumed from the script too, a process would
 * run twice, or run again after coroutine.close().  Upvalue 1 is the
 * original function.
 */
static int l_coroutine_guard(lua_State *L)
{
	if (lua_type(L, 1) == LUA_TTHREAD) {
		lua_getfield(L, LUA_REGISTRYINDEX, SIM_PROCESSES);
		lua_pushvalue(L, 1);
		if (lua_rawget(L, -2) != LUA_TNIL)
			return luaL_error(L, "this coroutine is a sim.process: only the scheduler "
					  "resumes it, not coroutine.resume or coroutine.close");
		lua_pop(L, 2);
	}
	lua_pushvalue(L, lua_upvalueindex(1));
	lua_insert(L, 1);
	lua_call(L, lua_gettop(L) - 1, LUA_MULTRET);
	return lua_gettop(L);
}

void sim_sandbox_env(struct sim *s, lua_State *L)
{
	static const char *const drop[] = { "dofile", "loadfile", "collectgarbage" };

	lua_pushglobaltable(L);
	for (guint i = 0; i < G_N_ELEMENTS(drop); i++) {
		lua_pushnil(L);
		lua_setfield(L, -2, drop[i]);
	}
	lua_pushcfunction(L, l_load);
	lua_setfield(L, -2, "load");
	lua_pushlightuserdata(L, s);
	lua_pushcclosure(L, l_print, 1);
	lua_setfield(L, -2, "print");
	lua_newtable(L);
	lua_setfield(L, LUA_REGISTRYINDEX, "nssim.loaded");
	lua_pushlightuserdata(L, s);
	lua_pushcclosure(L, l_require, 1);
	lua_setfield(L, -2, "require");

	lua_getfield(L, -1, "string");
	lua_pushnil(L);
	lua_setfield(L, -2, "dump");
	lua_pop(L, 1);
	lua_getfield(L, -1, "math");
	lua_pushlightuserdata(L, s);
	lua_pushcclosure(L, l_math_random, 1);
	lua_setfield(L, -2, "random");
	lua_pushcfunction(L, l_math_randomseed);
	lua_setfield(L, -2, "randomseed");
	lua_pop(L, 1);
	/* the threads of sim.process, weakly keyed */
	lua_newtable(L);
	lua_newtable(L);
	lua_pushstring(L, "k");
	lua_setfield(L, -2, "__mode");
	lua_setmetatable(L, -2);
	lua_setfield(L, LUA_REGISTRYINDEX, SIM_PROCESSES);
	lua_getfield(L, -1, "coroutine");
	for (int i = 0; i < 2; i++) {
		static const char *const guarded[] = { "resume", "close" };

		lua_getfield(L, -1, guarded[i]);
		lua_pushcclosure(L, l_coroutine_guard, 1);
		lua_setfield(L, -2, guarded[i]);
	}
	lua_pop(L, 1);

	if (luaL_loadbufferx(L, sorted_pairs_lua, strlen(sorted_pairs_lua), "=sorted_pairs",
			     "t") == LUA_OK) {
		lua_call(L, 0, 1);
		lua_setfield(L, -2, "sorted_pairs");
	}
	lua_pop(L, 1);
}
