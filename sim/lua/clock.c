// SPDX-License-Identifier: MIT
/*
 * clock.c - virtual time: a binary heap of timed items ordered by (time,
 * sequence), Lua coroutines as simulated processes, deferred kernel work
 * scheduled at its latency, and the run's one seeded random stream.
 * The lowest layer of sim/lua/: it calls nothing of the files above it
 * (world.c queues deferred work here; time.c is its face to scripts).
 */
#include "lua-private.h"

/*
 * The trace context of the next event: its time, and the scenario line and
 * arguments of the call making it (none for queued work and resumes).
 */
void sim_set_context(struct sim *s, const char *src, const char *args)
{
	g_strlcpy(s->cur_args, args ? args : "", sizeof(s->cur_args));
	if (s->trace)
		nss_trace_set_context(s->trace, s->now, src, args);
}

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
