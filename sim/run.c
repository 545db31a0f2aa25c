// SPDX-License-Identifier: MIT
/*
 * run.c - `nssim run`: one scenario, one run in the trace database.
 *
 * Exit status: 0 when every expectation held and no invariant was violated,
 * 1 when an expectation failed or an invariant was violated, 2 for usage
 * errors and scenario errors (syntax, runtime, budget, memory).  A scenario
 * error still closes the run as 'failed', keeping every event before it.
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>
#include "sim.h"

static int msgh(lua_State *L)
{
	const char *msg = lua_tostring(L, 1);

	if (!msg)
		msg = luaL_tolstring(L, 1, NULL);
	/* a process error already carries its coroutine's traceback */
	if (strstr(msg, "stack traceback:"))
		lua_pushstring(L, msg);
	else
		luaL_traceback(L, L, msg, 1);
	return 1;
}

/* The scenario's main chunk, then the rest of the event queue. */
static int run_protected(lua_State *L)
{
	struct sim *s = *(struct sim **)lua_getextraspace(L);

	lua_pushvalue(L, lua_upvalueindex(1));
	lua_call(L, 0, 0);
	sim_world(s);
	sim_run_until(s, L, -1);
	if (s->waiters->len)
		return luaL_error(L, "%d process(es) still blocked in wait() when nothing was left "
				  "to run (a deadlock in the scenario)", (int)s->waiters->len);
	return 0;
}

static gboolean parse_audit(const char *v, enum nss_audit *out)
{
	if (g_strcmp0(v, "off") == 0)
		*out = NSS_AUDIT_OFF;
	else if (g_strcmp0(v, "incremental") == 0)
		*out = NSS_AUDIT_INCREMENTAL;
	else if (g_strcmp0(v, "full") == 0)
		*out = NSS_AUDIT_FULL;
	else
		return FALSE;
	return TRUE;
}

/* "250", "100ms", "2s": nanoseconds, >= 0 */
static int G_GNUC_PRINTF(1, 2) usage_error(const char *fmt, ...)
{
	g_autofree char *msg = NULL;
	va_list ap;

	va_start(ap, fmt);
	msg = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	g_printerr("nssim run: %s (see nssim run --help)\n", msg);
	return 2;
}

/* --fail SITE[:N][=ERRNO] */
static gboolean parse_fail(struct sim *s, const char *v)
{
	g_autofree char *site = g_strdup(v);
	char *eq = strchr(site, '='), *colon;

	s->fail_nth = 1;
	s->fail_err = 0;
	if (eq) {
		*eq++ = '\0';
		s->fail_err = nss_errno_value(eq);
		if (s->fail_err <= 0)
			return FALSE;
	}
	colon = strchr(site, ':');
	if (colon) {
		char *end;
		guint64 nth;

		*colon++ = '\0';
		nth = g_ascii_strtoull(colon, &end, 10);
		if (!*colon || *end || nth < 1 || nth > G_MAXUINT32)
			return FALSE;
		s->fail_nth = (unsigned int)nth;
	}
	if (!nss_fault_site_lookup(site))
		return FALSE;
	s->fail_site = g_steal_pointer(&site);
	return TRUE;
}

/* Quote for a shell only when needed, so the replay line stays readable. */
static char *shell_arg(const char *a)
{
	for (const char *p = a; *p; p++)
		if (!g_ascii_isalnum(*p) && !strchr("-_./=,:+@", *p))
			return g_shell_quote(a);
	return g_strdup(a);
}

static void print_summary(struct sim *s, const char *status, int64_t run_id)
{
	g_autofree char *q_path = shell_arg(s->path);
	GString *replay = g_string_new("nssim run");
	const char *name = s->name ? s->name : s->path;

	g_string_append_printf(replay, " --kernel %s --seed %" G_GUINT64_FORMAT, s->cfg.kernel,
			       s->cfg.seed);
	if (s->cfg.cpus != 1)
		g_string_append_printf(replay, " --cpus %u", s->cfg.cpus);
	if (g_strcmp0(s->cfg.lazy_tlb, "refcount"))
		g_string_append_printf(replay, " --lazy-tlb %s", s->cfg.lazy_tlb);
	if (s->cfg.audit != NSS_AUDIT_INCREMENTAL)
		g_string_append_printf(replay, " --audit %s",
				       s->cfg.audit == NSS_AUDIT_OFF ? "off" : "full");
	{
		g_autoptr(GList) keys = g_hash_table_get_keys(s->params);

		keys = g_list_sort(keys, (GCompareFunc)g_strcmp0);
		for (GList *l = keys; l; l = l->next) {
			g_autofree char *kv = g_strdup_printf("%s=%s", (char *)l->data,
				(char *)g_hash_table_lookup(s->params, l->data));
			g_autofree char *q = shell_arg(kv);

			g_string_append_printf(replay, " --param %s", q);
		}
	}
	if (s->ignore_expectations)
		g_string_append(replay, " --ignore-expectations");
	if (s->fail_site)
		g_string_append_printf(replay, " --fail %s:%u%s%s", s->fail_site, s->fail_nth,
				       s->fail_err ? "=" : "",
				       s->fail_err ? nss_errno_name(s->fail_err) : "");
	if (s->db_path) {
		g_autofree char *q = shell_arg(s->db_path);

		g_string_append_printf(replay, " --db %s", q);
	} else {
		g_string_append(replay, " --no-trace");
	}
	g_string_append_printf(replay, " %s", q_path);

	g_print("scenario: %s (kernel %s, seed %" G_GUINT64_FORMAT ", cpus %u, lazy_tlb %s)\n",
		name, s->cfg.kernel, s->cfg.seed, s->cfg.cpus, s->cfg.lazy_tlb);
	g_print("events: %" G_GUINT64_FORMAT "  transitions: %" G_GUINT64_FORMAT
		"  kernel warnings: %" G_GUINT64_FORMAT "  violations: %" G_GUINT64_FORMAT
		"  virtual time: %.3f ms\n",
		world_event_count(s->w), world_transition_count(s->w),
		world_warning_count(s->w), world_violation_count(s->w), s->now / 1e6);
	if (s->ignore_expectations)
		g_print("expectations: %u not evaluated (--ignore-expectations)\n", s->exp_skipped);
	else
		g_print("expectations: %u passed, %u failed\n", s->exp_total - s->exp_failed,
			s->exp_failed);
	if (s->fail_site)
		g_print("faults injected: %" G_GUINT64_FORMAT " (%s, pass %u)\n",
			world_faults_injected(s->w), s->fail_site, s->fail_nth);
	if (s->count_sites) {
		size_t n;
		const struct nss_fault_site *fs = nss_fault_sites(&n);

		g_print("site passes:");
		for (size_t i = 0; i < n; i++)
			g_print(" %s=%" G_GUINT64_FORMAT, fs[i].name,
				world_site_passes(s->w, fs[i].name));
		g_print("\n");
	}
	if (s->failures->len)
		g_print("failed expectations:\n%s", s->failures->str);
	if (s->db_path)
		g_print("trace: %s (run %" G_GINT64_FORMAT ")\n", s->db_path, run_id);
	g_print("status: %s\n", status);
	g_print("replay: %s\n", replay->str);
	g_print("seed=%" G_GUINT64_FORMAT " fingerprint=%016" G_GINT64_MODIFIER "x\n",
		s->cfg.seed, s->fingerprint);
	g_string_free(replay, TRUE);
}

/* Everything a run owns; safe on a partly set up struct. */
static void sim_free(struct sim *s)
{
	if (s->L)
		lua_close(s->L);
	if (s->trace)
		nss_trace_abandon(s->trace);
	world_free(s->w);
	if (s->rng)
		g_rand_free(s->rng);
	if (s->heap)
		g_array_free(s->heap, TRUE);
	if (s->waiters)
		g_ptr_array_free(s->waiters, TRUE);
	if (s->failures)
		g_string_free(s->failures, TRUE);
	if (s->params)
		g_hash_table_destroy(s->params);
	if (s->jsonl)
		g_string_free(s->jsonl, TRUE);
	g_free(s->cfg.kernel);
	g_free(s->cfg.lazy_tlb);
	g_free(s->name);
	g_free(s->error);
	g_free(s->fail_site);
	g_free(s->usage_error);
	g_free(s->describe_help);
	sim_source_free(s);
	if (s->decls)
		g_ptr_array_free(s->decls, TRUE);
	sim_vec_free(s);
}

int cmd_run(int argc, char **argv)
{
	g_autofree char *db = NULL, *kernel = NULL, *audit = NULL, *lazy = NULL,
			*scripts = NULL;
	g_auto(GStrv) params = NULL;
	gint64 seed = G_MININT64, max_steps = 1000000000, max_mem = 512;   /* G_MININT64: not given */
	gint64 max_time = 3600, max_events = 0;
	g_autofree char *until = NULL;
	gint cpus = 0;
	gboolean cpus_given = FALSE;
	gboolean no_trace = FALSE, no_index = FALSE;
	g_autofree char *source_db = NULL;
	gint64 source_run = 0;
	gboolean check_params = FALSE;
	g_autofree char *jsonl = NULL, *fail = NULL;
	gboolean count_sites = FALSE, ignore_exp = FALSE, export_quiet = FALSE;
	g_autofree char *vector_c = NULL, *expect_fp = NULL, *fault_outcome = NULL;
	GOptionEntry entries[] = {
		{ "db", 0, 0, G_OPTION_ARG_FILENAME, &db, "Trace database (default: nssim-trace.db)", "FILE" },
		{ "kernel", 'k', 0, G_OPTION_ARG_STRING, &kernel, "Kernel modelled: 6.19 (default), 6.19-prefix, 6.19-nsset-bug, 6.18, 7.1", "V" },
		{ "seed", 's', 0, G_OPTION_ARG_INT64, &seed, "Seed of the run's random stream (default 1)", "N" },
		{ "cpus", 0, 0, G_OPTION_ARG_INT, &cpus, "Number of CPUs (default 1)", "N" },
		{ "lazy-tlb", 0, 0, G_OPTION_ARG_STRING, &lazy, "refcount (default) or shootdown", "MODE" },
		{ "audit", 0, 0, G_OPTION_ARG_STRING, &audit, "Invariant checks after each event: off, incremental (default), full", "MODE" },
		{ "no-trace", 0, 0, G_OPTION_ARG_NONE, &no_trace, "Write no database", NULL },
		{ "no-index", 0, 0, G_OPTION_ARG_NONE, &no_index, "Leave the trace's indexes and views to the first nssim command that reads it (sweep does this for its runs)", NULL },
		{ "jsonl", 0, 0, G_OPTION_ARG_FILENAME, &jsonl, "Also write the run as JSON lines (docs/test-vectors.md); - for stdout, which then gets no summary", "FILE" },
		{ "param", 'p', 0, G_OPTION_ARG_FILENAME_ARRAY, &params, "Scenario parameter (repeatable); wins over the scenario{} header", "KEY=VALUE" },
		{ "fail", 0, 0, G_OPTION_ARG_STRING, &fail, "Make the Nth pass (default 1) through a fallible site fail, with its own errno or ERRNO (docs/fault-sites.md)", "SITE[:N][=ERRNO]" },
		{ "ignore-expectations", 0, 0, G_OPTION_ARG_NONE, &ignore_exp, "Do not evaluate expect*() (invariants still are): for runs with --fail", NULL },
		{ "count-sites", 0, 0, G_OPTION_ARG_NONE, &count_sites, "Print how often the run passed each fallible site", NULL },
		{ "max-steps", 0, 0, G_OPTION_ARG_INT64, &max_steps, "Lua instruction budget (default 1000000000; 0: none)", "N" },
		{ "max-memory", 0, 0, G_OPTION_ARG_INT64, &max_mem, "Lua memory limit in MiB (default 512)", "MIB" },
		{ "max-events", 0, 0, G_OPTION_ARG_INT64, &max_events, "Stop the run (an error) once it made this many events (default 0: none)", "N" },
		{ "until", 0, 0, G_OPTION_ARG_STRING, &until, "Stop the run (an error) when virtual time would pass T (ns, or with a unit: 100ms, 2s)", "T" },
		{ "max-time", 0, 0, G_OPTION_ARG_INT64, &max_time, "CPU time limit in seconds, also inside C calls and __gc finalizers (default 3600; 0: none)", "S" },
		{ "scripts", 0, 0, G_OPTION_ARG_FILENAME, &scripts, "Directory of Lua modules for require() (default: $NSSIM_SCRIPTS, else nssim's own)", "DIR" },
		/* nssim export's, not for users */
		{ "vector-c", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_FILENAME, &vector_c, NULL, NULL },
		{ "fault-outcome", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_FILENAME, &fault_outcome, NULL, NULL },
		{ "expect-fingerprint", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_STRING, &expect_fp, NULL, NULL },
		{ "export-quiet", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_NONE, &export_quiet, NULL, NULL },
		/* export: the scenario and modules a trace kept, not the files */
		{ "source-db", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_FILENAME, &source_db, NULL, NULL },
		{ "source-run", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_INT64, &source_run, NULL, NULL },
		/* sweep: are these parameters the scenario's?  exit 0, or 2 with the reason */
		{ "check-params", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_NONE, &check_params, NULL, NULL },
		{ NULL },
	};
	g_autoptr(GOptionContext) ctx = g_option_context_new("SCENARIO.lua");
	g_autoptr(GError) err = NULL;
	struct sim sim __attribute__((cleanup(sim_free))) = { 0 };
	struct sim *s = &sim;
	const char *status;
	int rc, exit_code;
	int64_t run_id = 0;

	g_option_context_set_summary(ctx,
		"Run a scenario: every event and every refcount transition goes to an SQLite trace.\n"
		"Exit status: 0 ok; 1 an expectation failed or an invariant was violated;\n"
		"2 usage or scenario error.  Options given here override the scenario{} header.\n"
		"'nssim run SCENARIO.lua --help' also lists the scenario's parameters.");
	g_option_context_add_main_entries(ctx, entries, NULL);
	/* --cpus 0 must be refused, not mistaken for "not given" */
	for (int i = 1; i < argc; i++)
		cpus_given |= g_str_has_prefix(argv[i], "--cpus");
	/*
	 * SCENARIO --help: the options, then the scenario's parameters, which
	 * only its header knows: run it up to scenario{} and stop there.
	 */
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--"))
			break;
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h") || !strcmp(argv[i], "-?")) {
			for (int j = 1; j < argc; j++) {
				if (j != i && g_str_has_suffix(argv[j], ".lua") &&
				    g_file_test(argv[j], G_FILE_TEST_IS_REGULAR)) {
					s->describe = true;
					memmove(&argv[i], &argv[i + 1], (size_t)(argc - i) * sizeof(*argv));
					argc--;
					break;
				}
			}
			break;
		}
	}
	if (!g_option_context_parse(ctx, &argc, &argv, &err))
		return usage_error("%s", err->message);
	if (argc != 2)
		return usage_error("%s", argc < 2 ? "no scenario file given" : "more than one scenario file given");

	s->path = argv[1];
	if (check_params)
		s->describe = s->check_params = true;
	if (g_file_test(s->path, G_FILE_TEST_IS_DIR))
		return usage_error("cannot read %s: a directory, not a scenario file", s->path);
	if (source_db) {
		if (!sim_source_from_db(s, source_db, source_run, &err))
			return usage_error("%s", err->message);
		if (!sim_source_stored(s, "scenario", s->path))
			return usage_error("%s: run %" G_GINT64_FORMAT " has no stored text of %s",
					   source_db, source_run, s->path);
	} else if (access(s->path, R_OK)) {
		return usage_error("cannot read %s: %s", s->path, g_strerror(errno));
	}
	s->cfg.kernel = g_strdup(kernel ? kernel : "6.19");
	s->cfg.cli_kernel = kernel != NULL;
	if (!nss_variant_lookup(s->cfg.kernel))
		return usage_error("unknown kernel '%s' (known: %s)", s->cfg.kernel, nss_variant_names());
	if (seed != G_MININT64 && seed < 0)
		return usage_error("--seed %" G_GINT64_FORMAT ": must be >= 0", seed);
	if (max_steps < 0)
		return usage_error("--max-steps %" G_GINT64_FORMAT ": must be >= 0 (0: no budget)", max_steps);
	if (max_mem < 1)
		return usage_error("--max-memory %" G_GINT64_FORMAT ": must be >= 1", max_mem);
	if (max_events < 0)
		return usage_error("--max-events %" G_GINT64_FORMAT ": must be >= 0 (0: none)", max_events);
	s->max_events = (uint64_t)max_events;
	s->until = -1;
	if (until && !sim_parse_duration(until, &s->until))
		return usage_error("--until %s: a time in ns, or with a unit (ns, us, ms, s)", until);
	if (max_time < 0 || max_time > G_MAXINT32)
		return usage_error("--max-time %" G_GINT64_FORMAT ": must be 0..%d (0: no limit)",
				   max_time, G_MAXINT32);
	s->cfg.seed = seed >= 0 ? (uint64_t)seed : 1;
	s->cfg.cli_seed = seed >= 0;
	if (cpus < 0 || cpus > 65536 || (cpus == 0 && cpus_given))
		return usage_error("--cpus %d: must be 1..65536", cpus);
	s->cfg.cpus = cpus > 0 ? (unsigned int)cpus : 1;
	s->cfg.cli_cpus = cpus > 0;
	s->cfg.lazy_tlb = g_strdup(lazy ? lazy : "refcount");
	s->cfg.cli_lazy = lazy != NULL;
	if (g_strcmp0(s->cfg.lazy_tlb, "refcount") && g_strcmp0(s->cfg.lazy_tlb, "shootdown"))
		return usage_error("--lazy-tlb '%s': refcount or shootdown", s->cfg.lazy_tlb);
	s->cfg.audit = NSS_AUDIT_INCREMENTAL;
	if (audit && !parse_audit(audit, &s->cfg.audit))
		return usage_error("--audit '%s': off, incremental or full", audit);
	s->cfg.cli_audit = audit != NULL;
	s->cfg.rcu_latency = 25 * NSS_MS;
	s->cfg.work_latency = 20000;
	s->max_steps = max_steps > 0 ? (uint64_t)max_steps : 0;
	s->mem_limit = max_mem > 0 ? (size_t)max_mem << 20 : 0;
	s->db_path = no_trace ? NULL : (db ? db : "nssim-trace.db");
	s->jsonl_path = jsonl;
	s->count_sites = count_sites;
	s->ignore_expectations = ignore_exp;
	if (fail && !parse_fail(s, fail))
		return usage_error("--fail '%s': expected SITE[:N][=ERRNO] with a site from nssim sites, N >= 1 and a known errno name", fail);
	s->quiet = (jsonl && !strcmp(jsonl, "-")) || export_quiet;
	if (vector_c || fault_outcome)
		sim_vec_attach(s);
	s->scripts_dir = sim_scripts_dir(scripts);
	s->params = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
	for (char **p = params; p && *p; p++) {
		const char *eq = strchr(*p, '=');

		g_autofree char *key = NULL;
		const char *v;

		if (!eq || eq == *p)
			return usage_error("--param '%s': expected KEY=VALUE", *p);
		/* taken as bytes (no locale conversion), so it must be UTF-8 itself */
		if (!g_utf8_validate(*p, -1, NULL))
			return usage_error("--param: not UTF-8");
		key = g_strndup(*p, eq - *p);
		v = eq + 1;
		/* the header's run settings are options, whichever way they come */
		if (!strcmp(key, "cpus")) {
			guint64 n;

			if (!g_ascii_string_to_unsigned(v, 10, 1, 65536, &n, NULL))
				return usage_error("--param cpus=%s: must be 1..65536", v);
			s->cfg.cpus = (unsigned int)n;
			s->cfg.cli_cpus = true;
		} else if (!strcmp(key, "lazy_tlb")) {
			if (strcmp(v, "refcount") && strcmp(v, "shootdown"))
				return usage_error("--param lazy_tlb=%s: refcount or shootdown", v);
			g_free(s->cfg.lazy_tlb);
			s->cfg.lazy_tlb = g_strdup(v);
			s->cfg.cli_lazy = true;
		} else if (!strcmp(key, "kernel")) {
			if (!nss_variant_lookup(v))
				return usage_error("--param kernel=%s: one of %s", v, nss_variant_names());
			g_free(s->cfg.kernel);
			s->cfg.kernel = g_strdup(v);
			s->cfg.cli_kernel = true;
		} else if (!strcmp(key, "audit")) {
			if (!parse_audit(v, &s->cfg.audit))
				return usage_error("--param audit=%s: off, incremental or full", v);
			s->cfg.cli_audit = true;
		} else if (!strcmp(key, "seed")) {
			guint64 n;

			if (!g_ascii_string_to_unsigned(v, 10, 0, G_MAXINT64, &n, NULL))
				return usage_error("--param seed=%s: must be an integer >= 0", v);
			s->cfg.seed = n;
			s->cfg.cli_seed = true;
		} else {
			g_hash_table_insert(s->params, g_steal_pointer(&key), g_strdup(v));
		}
	}
	s->heap = g_array_new(FALSE, FALSE, sizeof(struct qitem));
	s->waiters = g_ptr_array_new();
	s->failures = g_string_new(NULL);

	s->L = sim_sandbox_new(s);
	if (!s->L) {
		g_printerr("nssim run: cannot create the Lua state\n");
		return 2;
	}
	sim_sandbox_env(s, s->L);
	sim_sandbox_arm(s->L, max_time);
	sim_lua_open(s);
	sim_publish_params(s);

	if (s->describe) {
		/* nothing of the run leaves a trace: only the header is wanted */
		s->describe_help = g_option_context_get_help(ctx, TRUE, NULL);
		s->db_path = NULL;
		s->jsonl_path = NULL;
	}
	lua_pushcfunction(s->L, msgh);
	rc = sim_source_load(s, s->L, "scenario", s->path, s->path);
	if (rc == LUA_OK) {
		lua_pushcclosure(s->L, run_protected, 1);
		rc = lua_pcall(s->L, 0, 0, 1);
	}
	if (s->describe && !s->usage_error)
		sim_params_describe_exit(s);    /* a scenario that made no call at all */
	if (s->usage_error) {
		/* a usage error: no run, nothing in the trace */
		g_printerr("nssim run: %s (see nssim run %s --help)\n", s->usage_error, s->path);
		return 2;
	}
	if (rc != LUA_OK) {
		const struct nss_event *ev;

		sim_world(s);
		ev = world_last_event(s->w);
		if (ev->seq)
			s->error = g_strdup_printf("%s\n(after event %" G_GUINT64_FORMAT ": %s, at t=%.6f ms)",
						   lua_tostring(s->L, -1), ev->seq, ev->op, s->now / 1e6);
		else
			s->error = g_strdup_printf("%s\n(before the first event)", lua_tostring(s->L, -1));
		g_printerr("nssim run: %s\n", s->error);
	}
	/*
	 * The script is over: close Lua now, while the run is still open, so
	 * that __gc finalizers which call the model do so into the trace and
	 * the summary, never into a closed trace.
	 */
	sim_sandbox_closing();
	lua_close(s->L);
	s->L = NULL;
	sim_sandbox_disarm();

	sim_world(s);
	if (s->error) {
		status = "failed";
		exit_code = 2;
	} else if (world_violation_count(s->w)) {
		status = "violated";
		exit_code = 1;
	} else if (s->exp_failed) {
		status = "failed";
		exit_code = 1;
	} else {
		status = "ok";
		exit_code = 0;
	}
	if (s->trace) {
		g_autofree char *fp = g_strdup_printf("%016" G_GINT64_MODIFIER "x", s->fingerprint);
		g_autofree char *msg = s->error ? g_strdup(s->error)
				     : s->exp_failed ? g_strdup_printf("%u expectation(s) failed", s->exp_failed)
				     : NULL;

		run_id = nss_trace_run_id(s->trace);
		nss_trace_set_no_index(s->trace, no_index);
		if (!nss_trace_close(s->trace, status, msg, fp, world_event_count(s->w),
				     world_transition_count(s->w), &err)) {
			g_printerr("nssim run: trace %s: %s\n", s->db_path, err->message);
			exit_code = 2;
		}
		s->trace = NULL;
	}
	if (expect_fp && !s->error) {
		g_autofree char *fp = g_strdup_printf("%016" G_GINT64_MODIFIER "x", s->fingerprint);

		if (strcmp(fp, expect_fp)) {
			g_printerr("nssim export: %s no longer reproduces the recorded run "
				   "(fingerprint %s, recorded %s): the scenario or nssim changed\n",
				   s->path, fp, expect_fp);
			return 2;
		}
	}
	if (fault_outcome) {
		/* the fault sweep's model side: kept even if the scenario stopped after the fault */
		g_autofree char *fo = sim_vec_fault_outcome(s);
		g_autofree char *line = fo ? g_strdup_printf("%s\n", fo) : g_strdup("");

		if (!g_file_set_contents(fault_outcome, line, -1, &err)) {
			g_printerr("nssim run: %s: %s\n", fault_outcome, err->message);
			return 2;
		}
	}
	if (vector_c && !s->error) {
		const char *why = sim_vec_unsupported(s);

		if (why) {
			g_printerr("nssim export: %s cannot be a test vector for a real kernel: %s\n",
				   s->path, why);
			return 3;
		}
		if (world_violation_count(s->w))
			g_printerr("nssim export: note: the run violates invariants on %s; the vector "
				   "asserts that variant's behaviour\n", s->cfg.kernel);
		if (!sim_vec_write_c(s, vector_c, &err)) {
			g_printerr("nssim export: %s: %s\n", vector_c, err->message);
			return 2;
		}
	}
	if (s->jsonl_path) {
		g_autofree char *config = sim_config_json(s);

		if (!sim_jsonl_write(s, status, config, &err)) {
			g_printerr("nssim run: %s: %s\n", s->jsonl_path, err->message);
			exit_code = 2;
		}
	}
	if (!s->quiet)
		print_summary(s, status, run_id);
	return exit_code;
}
