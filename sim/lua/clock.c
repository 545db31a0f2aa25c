// SPDX-License-Identifier: MIT
/*
 * clock.c - virtual time: a binary heap of timed items ordered by (time,
 * sequence), Lua coroutines as simulated processes, deferred kernel work
 * scheduled at its latency, and the run's one seeded random stream.
 */
#include <math.h>
#include "sim.h"

static bool before(const struct qitem *a, const struct qitem *b)
{
	return a->time < b->time || (a->time == b->time && a->seq < b->seq);
}

void sim_queue_push(struct sim *s, int64_t time, enum qkind kind, int ref, uint64_t id)
{
	struct qitem it = { .time = time, .seq = ++s->qseq, .kind = kind, .ref = ref,
			    .deferred_id = id };
	struct qitem *h;
	guint i;

	g_array_append_val(s->heap, it);
	h = (struct qitem *)s->heap->data;
	for (i = s->heap->len - 1; i > 0; i = (i - 1) / 2) {
		struct qitem tmp;

		if (!before(&h[i], &h[(i - 1) / 2]))
			break;
		tmp = h[i];
		h[i] = h[(i - 1) / 2];
		h[(i - 1) / 2] = tmp;
	}
}

static struct qitem pop(struct sim *s)
{
	struct qitem *h = (struct qitem *)s->heap->data, top = h[0];
	guint n = s->heap->len - 1, i = 0;

	h[0] = h[n];
	g_array_set_size(s->heap, n);
	for (;;) {
		guint l = 2 * i + 1, r = l + 1, m = i;
		struct qitem tmp;

		if (l < n && before(&h[l], &h[m]))
			m = l;
		if (r < n && before(&h[r], &h[m]))
			m = r;
		if (m == i)
			break;
		tmp = h[i];
		h[i] = h[m];
		h[m] = tmp;
		i = m;
	}
	return top;
}

/*
 * Resume a process.  It yields a number (sim.sleep: nanoseconds to wait)
 * or the string "wait" (parked until a task exits).  An error inside it is
 * the scenario's error, raised in @L with the coroutine's traceback.
 */
static void resume(struct sim *s, lua_State *L, int ref)
{
	lua_State *co;
	int nres, st, nargs;

	lua_rawgeti(L, LUA_REGISTRYINDEX, ref);
	co = lua_tothread(L, -1);
	lua_pop(L, 1);
	/* a fresh coroutine holds its function and arguments; a finished one nothing */
	if (lua_status(co) == LUA_OK && lua_gettop(co) == 0) {
		luaL_unref(L, LUA_REGISTRYINDEX, ref);
		return;
	}
	nargs = lua_status(co) == LUA_OK ? lua_gettop(co) - 1 : 0;
	sim_set_context(s, NULL, NULL);
	st = lua_resume(co, L, nargs, &nres);
	if (st == LUA_YIELD) {
		if (nres >= 1 && lua_type(co, -1) == LUA_TNUMBER) {
			int64_t dt = (int64_t)lua_tointeger(co, -1);

			lua_pop(co, nres);
			sim_queue_push(s, sim_time_add_sat(s->now, dt > 0 ? dt : 0), Q_RESUME, ref, 0);
		} else {
			lua_pop(co, nres);
			g_ptr_array_add(s->waiters, GINT_TO_POINTER(ref));
		}
		return;
	}
	if (st != LUA_OK) {
		const char *msg = lua_tostring(co, -1);

		luaL_traceback(L, co, msg ? msg : "(error object is not a string)", 0);
		luaL_unref(L, LUA_REGISTRYINDEX, ref);
		lua_error(L);
	}
	luaL_unref(L, LUA_REGISTRYINDEX, ref);
}

/*
 * What stops a run before its next event: a failed trace write, the event
 * budget, the virtual time limit (a scenario error, exit 2, each).
 */
void sim_check_limits(struct sim *s, lua_State *L)
{
	const char *err = nss_trace_error(s->trace);

	if (err)
		luaL_error(L, "writing the trace %s: %s", s->db_path, err);
	if (s->max_events && s->w && world_event_count(s->w) >= s->max_events)
		luaL_error(L, "event budget of %I exhausted (raise it with --max-events)",
			   (lua_Integer)s->max_events);
	if (s->until >= 0 && s->now > s->until)
		luaL_error(L, "virtual time limit of %I ns reached (--until)", (lua_Integer)s->until);
}

bool sim_run_one(struct sim *s, lua_State *L)
{
	struct qitem it;

	sim_check_limits(s, L);
	if (s->heap->len == 0)
		return false;
	if (s->until >= 0 && ((const struct qitem *)s->heap->data)->time > s->until) {
		s->now = s->until + 1;      /* the next thing due is past the limit */
		sim_check_limits(s, L);
	}
	it = pop(s);
	if (it.time > s->now)
		s->now = it.time;
	switch (it.kind) {
	case Q_CALL:
		lua_rawgeti(L, LUA_REGISTRYINDEX, it.ref);
		luaL_unref(L, LUA_REGISTRYINDEX, it.ref);
		lua_call(L, 0, 0);
		break;
	case Q_RESUME:
		resume(s, L, it.ref);
		break;
	case Q_DEFERRED:
		sim_set_context(s, NULL, NULL);
		world_run_deferred_id(s->w, it.deferred_id);
		break;
	}
	return true;
}

void sim_run_until(struct sim *s, lua_State *L, int64_t until)
{
	s->running++;
	while (s->heap->len) {
		const struct qitem *top = (const struct qitem *)s->heap->data;

		if (until >= 0 && top->time > until)
			break;
		sim_run_one(s, L);
	}
	s->running--;
	if (until > s->now)
		s->now = until;
}

void sim_wake_waiters(struct sim *s)
{
	for (guint i = 0; i < s->waiters->len; i++)
		sim_queue_push(s, s->now, Q_RESUME, GPOINTER_TO_INT(s->waiters->pdata[i]), 0);
	g_ptr_array_set_size(s->waiters, 0);
}

/* ---- Lua: sim.now, sim.us ... ---------------------------------------- */

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

int64_t sim_time_add_sat(int64_t now, int64_t dt)
{
	return dt > INT64_MAX - now ? INT64_MAX : now + dt;
}

/*
 * An integer in [lo, hi] from the run's stream: g_rand_double() scaled, as
 * always, where the span fits a double exactly; 64 random bits beyond (no
 * signed overflow however wide the interval).
 */
int64_t sim_rand_range(GRand *r, int64_t lo, int64_t hi)
{
	uint64_t span = (uint64_t)hi - (uint64_t)lo;
	uint64_t x;

	if (span < (1ULL << 53))
		return lo + (int64_t)(g_rand_double(r) * (double)(span + 1));
	x = ((uint64_t)g_rand_int(r) << 32) | g_rand_int(r);
	if (span != UINT64_MAX)
		x %= span + 1;
	return (int64_t)((uint64_t)lo + x);
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

void sim_clock_open(struct sim *s, lua_State *L)
{
	static const luaL_Reg fns[] = {
		{ "now", l_now }, { "us", l_us }, { "ms", l_ms }, { "s", l_s },
		{ "process", l_process }, { "after", l_after }, { "at", l_at },
		{ "run", l_run }, { "sleep", l_sleep }, { "rand", l_rand },
		{ "exp", l_exp }, { "uniform", l_uniform }, { NULL, NULL },
	};

	lua_pushlightuserdata(L, s);
	luaL_setfuncs(L, fns, 1);
}
