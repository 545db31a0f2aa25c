// SPDX-License-Identifier: MIT
/*
 * faultsim.c - `nssim sites` and `nssim faultsim`.
 *
 * A fault simulation runs a scenario once to count how often it passes
 * each fallible site (docs/fault-sites.md), then once more for every
 * (site, occurrence), with that one pass failing and the full audit after
 * every event.  An error path that leaks or drops a reference shows up as
 * an invariant violation in the run that took it; the report gives the
 * violated rule and the command that replays it.
 *
 * Each run is its own `nssim run` process: a scenario that trips over an
 * unexpected failure (a Lua error, a failed expectation) is expected and
 * only counted; what matters is whether the model broke an invariant.
 */
#include <string.h>
#include "sim.h"

int cmd_sites(int argc, char **argv)
{
	size_t n;
	const struct nss_fault_site *fs = nss_fault_sites(&n);

	if (argc > 1) {
		if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
			g_print("Usage: nssim sites\n\nList the fallible sites: the name --fail and "
				"sim.fail_next() take,\nthe errno the kernel returns there, the kernel "
				"function and what fails.\n");
			return 0;
		}
		g_printerr("nssim sites: takes no arguments (see nssim sites --help)\n");
		return 2;
	}
	g_print("%-22s %-7s %-24s %s\n", "SITE", "ERRNO", "KERNEL FUNCTION", "WHAT FAILS");
	for (size_t i = 0; i < n; i++)
		g_print("%-22s %-7s %-24s %s\n", fs[i].name, nss_errno_name(fs[i].err),
			fs[i].function, fs[i].description);
	return 0;
}

struct outcome {
	guint64 violations;
	guint64 injected;
	char *status;
	char *passes;       /* the "site passes:" line, baseline only */
	char *first_violation;
	int exit_code;
};

static void outcome_clear(struct outcome *o)
{
	g_free(o->status);
	g_free(o->passes);
	g_free(o->first_violation);
	memset(o, 0, sizeof(*o));
}

static gboolean run_one(GPtrArray *base, const char *fail, struct outcome *o, GError **error)
{
	g_autoptr(GPtrArray) argv = g_ptr_array_new();
	g_autofree char *out = NULL, *errout = NULL;
	g_auto(GStrv) lines = NULL;
	gint wstatus;

	for (guint i = 0; i < base->len; i++)
		g_ptr_array_add(argv, base->pdata[i]);
	if (fail) {
		g_ptr_array_insert(argv, 2, (char *)"--fail");
		g_ptr_array_insert(argv, 3, (char *)fail);
		g_ptr_array_insert(argv, 4, (char *)"--ignore-expectations");
	} else {
		g_ptr_array_insert(argv, 2, (char *)"--count-sites");
	}
	g_ptr_array_add(argv, NULL);
	if (!g_spawn_sync(NULL, (char **)argv->pdata, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out,
			  &errout, &wstatus, error))
		return FALSE;
	o->exit_code = WIFEXITED(wstatus) ? WEXITSTATUS(wstatus) : 128 + WTERMSIG(wstatus);
	lines = g_strsplit(out, "\n", -1);
	for (char **l = lines; *l; l++) {
		const char *p;

		if ((p = strstr(*l, "violations: ")))
			o->violations = g_ascii_strtoull(p + 12, NULL, 10);
		else if (g_str_has_prefix(*l, "faults injected: "))
			o->injected = g_ascii_strtoull(*l + 17, NULL, 10);
		else if (g_str_has_prefix(*l, "status: "))
			o->status = g_strdup(*l + 8);
		else if (g_str_has_prefix(*l, "site passes:"))
			o->passes = g_strdup(*l + 12);
	}
	/* the run's stderr names the violated rule first */
	if (errout) {
		g_auto(GStrv) el = g_strsplit(errout, "\n", -1);

		for (char **l = el; *l && !o->first_violation; l++)
			if (strstr(*l, "violation"))
				o->first_violation = g_strdup(*l);
	}
	if (!o->status) {
		g_set_error(error, G_SPAWN_ERROR, G_SPAWN_ERROR_FAILED,
			    "nssim run gave no summary (exit %d): %s", o->exit_code,
			    errout ? errout : "");
		return FALSE;
	}
	return TRUE;
}

struct job {
	GPtrArray *base;
	char *fail;
	struct outcome o;
	GError *err;
};

static void free_job(gpointer p)
{
	struct job *jb = p;

	outcome_clear(&jb->o);
	g_free(jb->fail);
	g_clear_error(&jb->err);
	g_free(jb);
}

/* finished runs and the ones among them that broke an invariant, for the status line */
static gint jobs_done, jobs_broken;

static void run_job(gpointer data, gpointer user_data)
{
	struct job *jb = data;

	(void)user_data;
	run_one(jb->base, jb->fail, &jb->o, &jb->err);
	if (jb->o.violations)
		g_atomic_int_inc(&jobs_broken);
	g_atomic_int_inc(&jobs_done);
}

int cmd_faultsim(int argc, char **argv)
{
	g_autofree char *kernel = NULL, *glob = NULL, *scripts = NULL;
	g_auto(GStrv) params = NULL;
	gint64 seed = 1, max_per_site = 64;
	gint jobs = 0;
	GOptionEntry entries[] = {
		{ "kernel", 'k', 0, G_OPTION_ARG_STRING, &kernel, "Kernel modelled (default: the scenario's, else 6.19)", "V" },
		{ "seed", 's', 0, G_OPTION_ARG_INT64, &seed, "Seed of every run (default 1)", "N" },
		{ "param", 'p', 0, G_OPTION_ARG_FILENAME_ARRAY, &params, "Scenario parameter, passed to every run (repeatable)", "KEY=VALUE" },
		{ "sites", 0, 0, G_OPTION_ARG_STRING, &glob, "Only the sites matching this glob (default: all, see nssim sites)", "GLOB" },
		{ "jobs", 'j', 0, G_OPTION_ARG_INT, &jobs, "Runs at a time (default: online CPUs)", "N" },
		{ "max-per-site", 0, 0, G_OPTION_ARG_INT64, &max_per_site, "Fail at most the first N passes of each site (default 64)", "N" },
		{ "scripts", 0, 0, G_OPTION_ARG_FILENAME, &scripts, "Directory of Lua modules for require() (default: $NSSIM_SCRIPTS, else nssim's own)", "DIR" },
		{ NULL },
	};
	g_autoptr(GOptionContext) ctx = g_option_context_new("SCENARIO.lua");
	g_autoptr(GError) err = NULL;
	g_autoptr(GPtrArray) base = g_ptr_array_new_with_free_func(g_free);
	g_autoptr(GPtrArray) all = g_ptr_array_new_with_free_func(free_job);
	GThreadPool *pool;
	g_autofree char *self = g_file_read_link("/proc/self/exe", NULL);
	g_auto(GStrv) counts = NULL;
	struct outcome o = { 0 };
	guint runs = 0, hit = 0, broken = 0, scenario_failed = 0;
	gint64 t0;
	size_t nsites;
	const struct nss_fault_site *fs = nss_fault_sites(&nsites);

	g_option_context_set_summary(ctx,
		"Fail every pass through every fallible site in turn, one run each, with the\n"
		"full audit after every event, and report the runs whose error path broke an\n"
		"invariant.  Expectations are not evaluated in faulted runs; invariants are.\n"
		"Exit 0: no violation; 1: a violation (each with its replay command);\n"
		"2: usage error, or the baseline run itself was not clean.");
	g_option_context_add_main_entries(ctx, entries, NULL);
	if (!g_option_context_parse(ctx, &argc, &argv, &err) || argc != 2) {
		g_printerr("nssim faultsim: %s (see nssim faultsim --help)\n",
			   err ? err->message : "expected one scenario");
		return 2;
	}
	if (max_per_site < 1 || seed < 0 || jobs < 0) {
		g_printerr("nssim faultsim: --max-per-site must be >= 1, --seed and --jobs >= 0\n");
		return 2;
	}
	if (!jobs)
		jobs = (gint)g_get_num_processors();
	if (glob) {
		gboolean known = FALSE;

		for (size_t i = 0; i < nsites; i++)
			known |= g_pattern_match_simple(glob, fs[i].name);
		if (!known) {
			g_printerr("nssim faultsim: --sites '%s' matches no site (see nssim sites)\n", glob);
			return 2;
		}
	}
	if (!self) {
		g_printerr("nssim faultsim: cannot find the nssim executable\n");
		return 2;
	}
	g_ptr_array_add(base, g_strdup(self));
	g_ptr_array_add(base, g_strdup("run"));
	g_ptr_array_add(base, g_strdup("--no-trace"));
	g_ptr_array_add(base, g_strdup("--audit"));
	g_ptr_array_add(base, g_strdup("full"));
	g_ptr_array_add(base, g_strdup_printf("--seed=%" G_GINT64_FORMAT, seed));
	if (kernel)
		g_ptr_array_add(base, g_strdup_printf("--kernel=%s", kernel));
	for (char **p = params; p && *p; p++)
		g_ptr_array_add(base, g_strdup_printf("--param=%s", *p));
	if (scripts)
		g_ptr_array_add(base, g_strdup_printf("--scripts=%s", scripts));
	g_ptr_array_add(base, g_strdup(argv[1]));

	t0 = g_get_monotonic_time();
	if (!run_one(base, NULL, &o, &err)) {
		g_printerr("nssim faultsim: baseline run: %s\n", err->message);
		return 2;
	}
	if (o.exit_code != 0 || !o.passes) {
		g_printerr("nssim faultsim: the baseline run of %s ended '%s' (exit %d); "
			   "fault simulation needs a clean baseline\n", argv[1], o.status, o.exit_code);
		outcome_clear(&o);
		return 2;
	}
	g_print("baseline: status ok, site passes:%s\n", o.passes);
	counts = g_strsplit(g_strstrip(o.passes), " ", -1);
	outcome_clear(&o);

	for (char **c = counts; *c; c++) {
		g_auto(GStrv) kv = g_strsplit(*c, "=", 2);
		guint64 passes;

		if (!kv[0] || !kv[1] || (glob && !g_pattern_match_simple(glob, kv[0])))
			continue;
		passes = MIN(g_ascii_strtoull(kv[1], NULL, 10), (guint64)max_per_site);
		for (guint64 nth = 1; nth <= passes; nth++) {
			struct job *jb = g_new0(struct job, 1);

			jb->base = base;
			jb->fail = g_strdup_printf("%s:%" G_GUINT64_FORMAT, kv[0], nth);
			g_ptr_array_add(all, jb);
		}
	}
	/* runs in parallel, reported in (site, occurrence) order */
	pool = g_thread_pool_new(run_job, NULL, jobs, TRUE, NULL);
	for (guint i = 0; i < all->len; i++)
		g_thread_pool_push(pool, all->pdata[i], NULL);
	sim_progress_begin();
	while ((guint)g_atomic_int_get(&jobs_done) < all->len) {
		if (sim_progress_due()) {
			double secs = (g_get_monotonic_time() - t0) / 1e6;
			guint done = (guint)g_atomic_int_get(&jobs_done);

			sim_progress_show("faultsim: %u/%u faulted runs, %.0f runs/s, %d broke an"
					  " invariant", done, all->len, secs > 0 ? done / secs : 0.0,
					  g_atomic_int_get(&jobs_broken));
		}
		g_usleep(20000);
	}
	sim_progress_end();
	g_thread_pool_free(pool, FALSE, TRUE);

	for (guint k = 0; k < all->len; k++) {
		struct job *jb = all->pdata[k];
		struct outcome *ro = &jb->o;

		if (jb->err) {
			g_printerr("nssim faultsim: --fail %s: %s\n", jb->fail, jb->err->message);
			return 2;
		}
		runs++;
		hit += ro->injected > 0;
		scenario_failed += ro->violations == 0 && ro->exit_code != 0;
		if (ro->violations) {
			g_autoptr(GString) replay = g_string_new(NULL);

			for (guint i = 1; i < base->len; i++)
				g_string_append_printf(replay, " %s", (char *)base->pdata[i]);
			broken++;
			g_print("VIOLATION with --fail %s: %" G_GUINT64_FORMAT
				" violation(s), status %s\n  %s\n  replay: nssim%s --fail %s --ignore-expectations\n",
				jb->fail, ro->violations, ro->status,
				ro->first_violation ? ro->first_violation : "(see the run's output)",
				replay->str, jb->fail);
		}
	}
	{
		double secs = (g_get_monotonic_time() - t0) / 1e6;

		g_print("faultsim: %u faulted runs (%u injected a fault), %u broke an invariant, "
			"%u ended the scenario early; %.2f s, %.0f runs/s\n",
			runs, hit, broken, scenario_failed, secs, secs > 0 ? (runs + 1) / secs : 0.0);
	}
	return broken ? 1 : 0;
}
