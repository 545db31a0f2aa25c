// SPDX-License-Identifier: MIT
/*
 * world.c - the world a scenario drives, created at scenario{} or at the
 * first simulation call, and the core observers the Lua side keeps on it:
 * the run's fingerprint, deferred work queued at its latency, task exits
 * waking waiting processes, violations reported.  Also what every call
 * does first (sim_lua_call_site: the scenario line, for the trace) and
 * how a failed call returns (nil and the errno name).
 */
#include <string.h>
#include "lua-private.h"

static void fp_mix(uint64_t *h, const void *p, size_t n)
{
	const unsigned char *c = p;

	for (size_t i = 0; i < n; i++) {
		*h ^= c[i];
		*h *= 0x100000001b3ULL;
	}
}

static void on_transition(void *data, const struct nss_transition *t)
{
	struct sim *s = data;
	int32_t v[2] = { t->old_val, t->new_val };
	uint64_t ids[2] = { t->event, t->obj };
	uint8_t k[2] = { t->kind, t->counter };

	fp_mix(&s->fingerprint, ids, sizeof(ids));
	fp_mix(&s->fingerprint, k, sizeof(k));
	fp_mix(&s->fingerprint, v, sizeof(v));
	fp_mix(&s->fingerprint, t->site, strlen(t->site));
}

static void on_deferred(void *data, uint64_t id, const char *site)
{
	struct sim *s = data;

	sim_queue_push(s, sim_time_add_sat(s->now, nss_deferred_is_work(site) ? s->cfg.work_latency
							       : s->cfg.rcu_latency),
		       Q_DEFERRED, LUA_NOREF, id);
}

static void on_object(void *data, enum nss_object_change what, enum nss_obj_kind kind,
		      uint64_t id)
{
	if (what == NSS_TASK_EXITED)
		sim_wake_waiters(data);
}

static void on_violation(void *data, const struct nss_violation *v)
{
	struct sim *s = data;

	if (world_violation_count(s->w) <= 20)
		g_printerr("%s: violation at event %" G_GUINT64_FORMAT ": %s on %s %" G_GUINT64_FORMAT
			   ": expected %" G_GINT64_FORMAT ", actual %" G_GINT64_FORMAT " (%s)\n",
			   s->src[0] ? s->src : s->path, v->event, v->rule,
			   nss_obj_kind_name(v->kind), v->obj, v->expected, v->actual, v->detail);
}

char *sim_config_json(struct sim *s)
{
	GString *j = g_string_new(NULL);
	g_autoptr(GList) keys = g_hash_table_get_keys(s->params);

	if (s->name) {
		g_string_append(j, "{\"name\": ");
		sim_json_str(j, s->name);
		g_string_append(j, ", ");
	} else {
		g_string_append(j, "{");
	}
	g_string_append_printf(j, "\"cpus\": %u, \"lazy_tlb\": \"%s\", \"audit\": \"%s\", "
			       "\"rcu_latency_ns\": %" G_GINT64_FORMAT ", \"work_latency_ns\": %"
			       G_GINT64_FORMAT ", \"params\": {",
			       s->cfg.cpus, s->cfg.lazy_tlb,
			       s->cfg.audit == NSS_AUDIT_OFF ? "off"
			       : s->cfg.audit == NSS_AUDIT_FULL ? "full" : "incremental",
			       s->cfg.rcu_latency, s->cfg.work_latency);
	if (s->fail_site) {
		/* a faulted run is only reproducible with its fault */
		j->len -= strlen("\"params\": {");
		g_string_append_printf(j, "\"fail\": \"%s:%u%s%s\", \"params\": {", s->fail_site,
				       s->fail_nth, s->fail_err ? "=" : "",
				       s->fail_err ? nss_errno_name(s->fail_err) : "");
	}
	keys = g_list_sort(keys, (GCompareFunc)g_strcmp0);
	for (GList *l = keys; l; l = l->next) {
		if (l != keys)
			g_string_append(j, ", ");
		sim_json_str(j, l->data);
		g_string_append(j, ": ");
		sim_json_str(j, g_hash_table_lookup(s->params, l->data));
	}
	g_string_append(j, "}}");
	return g_string_free(j, FALSE);
}

struct world *sim_world(struct sim *s)
{
	struct nss_config cfg = { 0 };
	struct nss_observer me = {
		.transition = on_transition, .deferred = on_deferred,
		.object = on_object, .violation = on_violation, .data = s,
	};

	if (s->w)
		return s->w;
	/* run SCENARIO --help: no header came before the first simulation call */
	if (s->describe)
		sim_params_describe_exit(s);
	cfg.variant = nss_variant_lookup(s->cfg.kernel);
	cfg.cpus = s->cfg.cpus;
	cfg.lazy_tlb = g_strcmp0(s->cfg.lazy_tlb, "shootdown") == 0 ? NSS_LAZY_TLB_SHOOTDOWN
								    : NSS_LAZY_TLB_REFCOUNT;
	cfg.audit = s->cfg.audit;
	s->w = world_new(&cfg);
	s->fingerprint = 0xcbf29ce484222325ULL;
	{
		guint32 halves[2] = { (guint32)s->cfg.seed, (guint32)(s->cfg.seed >> 32) };

		s->rng = g_rand_new_with_seed_array(halves, 2);
	}
	if (s->db_path) {
		g_autofree char *config = sim_config_json(s);
		struct nss_run_info info = {
			.scenario = s->path, .kernel = s->cfg.kernel, .seed = s->cfg.seed,
			.config = config,
		};
		g_autoptr(GError) err = NULL;

		s->trace = nss_trace_open(s->db_path, &info, &err);
		if (!s->trace) {
			/* the message starts with the path */
			g_printerr("nssim run: cannot write the trace %s\n", err->message);
			exit(2);
		}
		{
			struct nss_observer o = nss_trace_observer(s->trace, s->w);

			world_add_observer(s->w, &o);
		}
		/* what was loaded before the trace existed */
		sim_source_flush(s);
	}
	world_add_observer(s->w, &me);
	if (s->fail_site) {
		world_fail_next(s->w, s->fail_site, s->fail_err, s->fail_nth);
		vec_fault_armed(s, s->fail_site, s->fail_err);
	}
	if (s->jsonl_path)
		sim_jsonl_attach(s);
	if (s->vec)
		sim_vec_observe(s);
	return s->w;
}

/* Remember the scenario line of the call, and tell the trace. */
void sim_lua_call_site(lua_State *L, const char *args)
{
	struct sim *s = sim_lua_sim(L);
	lua_Debug ar;

	sim_world(s);
	sim_check_limits(s, L);
	s->src[0] = 0;
	for (int level = 1; lua_getstack(L, level, &ar); level++) {
		lua_getinfo(L, "Sl", &ar);
		if (ar.currentline > 0) {
			g_snprintf(s->src, sizeof(s->src), "%s:%d", ar.short_src, ar.currentline);
			break;
		}
	}
	sim_set_context(s, s->src, args);
}

int sim_push_errno(lua_State *L, int64_t ret)
{
	const char *name = nss_errno_name((int)-ret);

	luaL_pushfail(L);
	if (name)
		lua_pushstring(L, name);
	else
		lua_pushfstring(L, "E%d", (int)-ret);
	return 2;
}
