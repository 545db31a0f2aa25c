// SPDX-License-Identifier: MIT
/*
 * scenario.c - the scenario{} header (the run's settings and parameters,
 * before the world exists), sim.param, and the expectations: expect,
 * expect_eq, expect_errno, counted and traced.
 */
#include <string.h>
#include "lua-private.h"

static const char *field_str(lua_State *L, int t, const char *k)
{
	const char *v;

	lua_getfield(L, t, k);
	if (lua_isnil(L, -1)) {
		lua_pop(L, 1);
		return NULL;
	}
	v = lua_tostring(L, -1);
	if (!v)
		luaL_error(L, "scenario{}: '%s' must be a string or a number", k);
	lua_pop(L, 1);   /* the value stays referenced by the table */
	return v;
}

static int l_scenario(lua_State *L)
{
	struct sim *s = sim_lua_sim(L);
	const char *v;
	static const char *const known[] = {
		"name", "kernel", "seed", "cpus", "lazy_tlb", "audit", "rcu_latency",
		"work_latency", "description",
	};

	luaL_checktype(L, 1, LUA_TTABLE);
	if (s->w)
		return luaL_error(L, "scenario{} must come before the first simulation call");
	if ((v = field_str(L, 1, "name"))) {
		g_free(s->name);
		s->name = g_strdup(v);
	}
	if ((v = field_str(L, 1, "kernel")) && !s->cfg.cli_kernel) {
		if (!nss_variant_lookup(v))
			return luaL_error(L, "scenario{}: unknown kernel '%s' (%s)", v, nss_variant_names());
		g_free(s->cfg.kernel);
		s->cfg.kernel = g_strdup(v);
	}
	if ((v = field_str(L, 1, "seed")) && !s->cfg.cli_seed)
		s->cfg.seed = g_ascii_strtoull(v, NULL, 10);
	if ((v = field_str(L, 1, "cpus")) && !s->cfg.cli_cpus) {
		s->cfg.cpus = (unsigned int)g_ascii_strtoull(v, NULL, 10);
		if (s->cfg.cpus < 1 || s->cfg.cpus > 65536)
			return luaL_error(L, "scenario{}: cpus must be 1..65536");
	}
	if ((v = field_str(L, 1, "lazy_tlb")) && !s->cfg.cli_lazy) {
		if (strcmp(v, "refcount") && strcmp(v, "shootdown"))
			return luaL_error(L, "scenario{}: lazy_tlb is 'refcount' or 'shootdown'");
		g_free(s->cfg.lazy_tlb);
		s->cfg.lazy_tlb = g_strdup(v);
	}
	if ((v = field_str(L, 1, "audit")) && !s->cfg.cli_audit) {
		if (!strcmp(v, "off"))
			s->cfg.audit = NSS_AUDIT_OFF;
		else if (!strcmp(v, "incremental"))
			s->cfg.audit = NSS_AUDIT_INCREMENTAL;
		else if (!strcmp(v, "full"))
			s->cfg.audit = NSS_AUDIT_FULL;
		else
			return luaL_error(L, "scenario{}: audit is 'off', 'incremental' or 'full'");
	}
	if ((v = field_str(L, 1, "rcu_latency")))
		s->cfg.rcu_latency = g_ascii_strtoll(v, NULL, 10);
	if ((v = field_str(L, 1, "work_latency")))
		s->cfg.work_latency = g_ascii_strtoll(v, NULL, 10);
	/* declared parameters and every other key: checked against --param */
	sim_params_header(s, L, 1, known, G_N_ELEMENTS(known));
	if (s->describe)
		sim_params_describe_exit(s);
	sim_publish_params(s);
	sim_world(s);
	return 0;
}

static void record(lua_State *L, bool ok, const char *msg)
{
	struct sim *s = sim_lua_sim(L);
	lua_Debug ar;
	char src[512] = "?";

	sim_world(s);
	if (lua_getstack(L, 1, &ar) && lua_getinfo(L, "Sl", &ar))
		g_snprintf(src, sizeof(src), "%s:%d", ar.short_src, ar.currentline);
	if (s->ignore_expectations) {
		/* a faulted run may take another path: counted, never judged */
		s->exp_skipped++;
		return;
	}
	s->exp_total++;
	if (!ok) {
		s->exp_failed++;
		if (s->exp_failed <= 20)
			g_string_append_printf(s->failures, "  %s: %s\n", src, msg ? msg : "failed");
	}
	if (s->trace)
		nss_trace_expectation(s->trace, world_event_count(s->w), src, ok, msg);
}

static int l_expect(lua_State *L)
{
	/*
	 * expect(t:wait(c)), expect(init:clone { "pidfd" }): a table or an Fd
	 * there is the call's second result, not a message.  Like assert(),
	 * expect() returns all its arguments.
	 */
	int t2 = lua_type(L, 2);

	record(L, lua_toboolean(L, 1), t2 == LUA_TSTRING || t2 == LUA_TNUMBER
				       ? lua_tostring(L, 2) : "expectation");
	return lua_gettop(L);
}

static int l_expect_eq(lua_State *L)
{
	bool ok = lua_compare(L, 1, 2, LUA_OPEQ);
	const char *what = luaL_optstring(L, 3, "expect_eq");

	if (ok) {
		record(L, true, what);
	} else {
		const char *a = luaL_tolstring(L, 1, NULL);
		const char *b = luaL_tolstring(L, 2, NULL);

		record(L, false, lua_pushfstring(L, "%s: got %s, expected %s", what, a, b));
	}
	lua_pushboolean(L, ok);
	return 1;
}

/* expect_errno(err, "ESTALE"): err is the second value a failed call returned */
static int l_expect_errno(lua_State *L)
{
	const char *want = luaL_checkstring(L, 2);
	const char *got = lua_type(L, 1) == LUA_TSTRING ? lua_tostring(L, 1) : NULL;
	bool ok = got && strcmp(got, want) == 0;
	const char *m;

	if (!nss_errno_value(want))
		return luaL_error(L, "expect_errno: unknown errno name '%s'", want);
	m = lua_pushfstring(L, "%s%sexpected %s, got %s", luaL_optstring(L, 3, ""),
			    lua_isnoneornil(L, 3) ? "" : ": ", want, got ? got : "success");
	record(L, ok, m);
	lua_pushboolean(L, ok);
	return 1;
}

/* Fill sim.param from the parameters (after scenario{} or at start). */
void sim_publish_params(struct sim *s)
{
	lua_State *L = s->L;
	g_autoptr(GList) keys = g_hash_table_get_keys(s->params);

	lua_getglobal(L, "sim");
	lua_getfield(L, -1, "param");
	for (GList *l = keys; l; l = l->next) {
		const char *v = g_hash_table_lookup(s->params, l->data);
		char *end;
		double d = g_ascii_strtod(v, &end);

		if (!strcmp(v, "true") || !strcmp(v, "false"))
			lua_pushboolean(L, v[0] == 't');
		else if (*v && !*end && d == (double)(lua_Integer)d)
			lua_pushinteger(L, (lua_Integer)d);
		else if (*v && !*end)
			lua_pushnumber(L, d);
		else
			lua_pushstring(L, v);
		lua_setfield(L, -2, l->data);
	}
	lua_pop(L, 2);
}

const luaL_Reg sim_lua_scenario_globals[] = {
	{ "scenario", l_scenario }, { "expect", l_expect }, { "expect_eq", l_expect_eq },
	{ "expect_errno", l_expect_errno }, { NULL, NULL },
};
