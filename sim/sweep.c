// SPDX-License-Identifier: MIT
/*
 * sweep.c - `nssim sweep SCENARIO --param k=v1,v2 ... --seeds A..B --db OUT`:
 * every combination of parameter values and seeds as its own `nssim run`
 * process (several at a time), each into a database of its own, then all
 * merged into OUT in combination order, so run ids do not depend on which
 * process finished first.  cpus, lazy_tlb and kernel become the run options
 * of the same name; other keys become --param.
 *
 * Nothing finished is lost: the runs' databases live in OUT.sweep/, beside
 * OUT, with the sweep's plan.  A sweep that is killed leaves them there;
 * the next sweep into OUT merges the finished runs of that one first (or,
 * for the same plan, keeps them and runs only the rest).  Each merge
 * commits with a sweep_run row, so none is merged twice.
 *
 * Runs made elsewhere: --plan FILE writes every run's command line instead
 * (absolute paths, a database each in the plan directory, run-KEY.db with
 * KEY the job number), for GNU parallel, xargs -P or a Slurm array
 * (--slurm); `nssim merge` (merge.c) gathers them.  --shard I/N keeps the
 * jobs whose number is I-1 modulo N, here or in a plan; the pieces of a
 * sweep share an id, a hash of its plan, so the merge makes one sweep.
 *
 * The per-run lines come in job order, whichever run finished first; on a
 * terminal a status line (progress.c) says how many are done.
 *
 * The sweep is data too: a sweep row (its id, scenario, times and plan as
 * JSON), run.sweep on each of its runs, and every run's parameters as
 * run_param rows (written by the run itself, copied by the merge).
 */
#include <sqlite3.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include "sim.h"

struct axis {
	char *key;
	char **values;
};

static void free_axis(gpointer p)
{
	struct axis *a = p;

	g_free(a->key);
	g_strfreev(a->values);
	g_free(a);
}

struct job {
	GPtrArray *argv;
	char *db;
	char *label;
	GPid pid;
	int status;     /* -1 not run yet; else nssim run's exit status */
	bool merged;    /* in the target database already (a resumed sweep) */
	bool kept;      /* finished by the interrupted sweep this one resumes */
	bool other;     /* another --shard's */
};

static gboolean parse_seeds(const char *spec, int64_t *lo, int64_t *hi)
{
	char *end;

	*lo = g_ascii_strtoll(spec, &end, 10);
	if (end == spec)
		return FALSE;
	if (!*end) {
		*hi = *lo;
		return TRUE;
	}
	if (strncmp(end, "..", 2))
		return FALSE;
	*hi = g_ascii_strtoll(end + 2, &end, 10);
	return !*end && *lo <= *hi && *hi - *lo < 100000;
}

static const char *run_option(const char *key)
{
	if (!strcmp(key, "cpus"))
		return "--cpus";
	if (!strcmp(key, "lazy_tlb"))
		return "--lazy-tlb";
	if (!strcmp(key, "kernel"))
		return "--kernel";
	return NULL;
}

/*
 * The scenario's header judges the parameters of a combination (nssim run
 * --check-params stops at the header, writes nothing): FALSE, with its
 * reason printed, if it refuses them.
 */
static bool check_params(const struct job *j)
{
	g_autoptr(GPtrArray) a = g_ptr_array_new();
	g_autofree char *err_text = NULL;
	g_autoptr(GError) err = NULL;
	int status = 0;

	for (guint k = 0; k < j->argv->len; k++) {
		g_ptr_array_add(a, j->argv->pdata[k]);
		if (k == 1)
			g_ptr_array_add(a, "--check-params");
	}
	if (!g_spawn_sync(NULL, (char **)a->pdata, NULL, G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL,
			  NULL, &err_text, &status, &err)) {
		g_printerr("nssim sweep: %s\n", err->message);
		return false;
	}
	if (g_spawn_check_wait_status(status, NULL))
		return true;
	g_strchomp(err_text);
	g_printerr("nssim sweep: %s\n", g_str_has_prefix(err_text, "nssim run: ")
		   ? err_text + strlen("nssim run: ") : err_text);
	return false;
}

static const char *status_text(int status)
{
	return status == 0 ? "ok" : status == 1 ? "failed or violated" : "error";
}

/* Every file of a sweep directory, then the directory. */
static void remove_sweep_dir(const char *dir)
{
	g_autoptr(GDir) d = g_dir_open(dir, 0, NULL);
	const char *name;

	while (d && (name = g_dir_read_name(d))) {
		g_autofree char *f = g_build_filename(dir, name, NULL);

		unlink(f);
	}
	rmdir(dir);
}

/* What identifies a sweep: the scenario's text and every run's command line. */
static char *sweep_plan(const char *scenario, GPtrArray *all)
{
	g_autofree char *text = NULL;
	g_autofree char *sum = NULL;
	GString *p = g_string_new(NULL);
	gsize len = 0;

	if (g_file_get_contents(scenario, &text, &len, NULL))
		sum = g_compute_checksum_for_data(G_CHECKSUM_SHA256, (const guchar *)text, len);
	g_string_append_printf(p, "scenario %s\n", sum ? sum : "?");
	for (guint i = 0; i < all->len; i++) {
		struct job *j = all->pdata[i];

		g_string_append_printf(p, "%u\t%s", i, j->label);
		/* not where its database goes: the shards of a sweep share its plan */
		for (guint k = 0; k < j->argv->len && j->argv->pdata[k]; k++)
			if (strcmp(j->argv->pdata[k], j->db))
				g_string_append_printf(p, "\t%s", (const char *)j->argv->pdata[k]);
		g_string_append_c(p, '\n');
	}
	return g_string_free(p, FALSE);
}

/* The sweep as data (sweep.plan): its axes in order, values typed as run_param's. */
static char *plan_json(const char *scenario, GPtrArray *axes, int64_t lo, int64_t hi,
		       const char *kernel, guint runs)
{
	GString *j = g_string_new("{\"scenario\": ");

	sim_json_str(j, scenario);
	g_string_append(j, ", \"kernel\": ");
	if (kernel)
		sim_json_str(j, kernel);
	else
		g_string_append(j, "null");
	g_string_append_printf(j, ", \"seeds\": [%" G_GINT64_FORMAT ", %" G_GINT64_FORMAT "]"
			       ", \"params\": [", lo, hi);
	for (guint i = 0; i < axes->len; i++) {
		struct axis *a = axes->pdata[i];

		g_string_append(j, i ? ", {\"name\": " : "{\"name\": ");
		sim_json_str(j, a->key);
		g_string_append(j, ", \"values\": [");
		for (char **v = a->values; *v; v++) {
			int64_t n = 0;
			double d = 0;
			int type = strcmp(a->key, "kernel") ? nss_param_parse(*v, &n, &d) : SQLITE_TEXT;

			if (v != a->values)
				g_string_append(j, ", ");
			if (type == SQLITE_INTEGER)
				g_string_append_printf(j, "%" G_GINT64_FORMAT, n);
			else if (type == SQLITE_FLOAT)
				g_string_append_printf(j, "%.17g", d);
			else
				sim_json_str(j, *v);
		}
		g_string_append(j, "]}");
	}
	g_string_append_printf(j, "], \"runs\": %u}", runs);
	return g_string_free(j, FALSE);
}

static bool job_merged(sqlite3 *out, const char *sweep, guint job)
{
	sqlite3_stmt *st;
	bool found = false;

	if (sqlite3_prepare_v2(out, "SELECT 1 FROM sweep_run WHERE sweep = ?1 AND job = ?2", -1,
			       &st, NULL) != SQLITE_OK)
		return false;
	sqlite3_bind_text(st, 1, sweep, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, job);
	found = sqlite3_step(st) == SQLITE_ROW;
	sqlite3_finalize(st);
	return found;
}

/* run's exit status from a run status: ok 0, failed or violated 1 */
static int status_code(const char *status)
{
	return !status ? -1 : !strcmp(status, "ok") ? 0 : strcmp(status, "running") ? 1 : -1;
}

static int merged_status(sqlite3 *out, const char *sweep, guint job)
{
	sqlite3_stmt *st;
	int code = 0;

	if (sqlite3_prepare_v2(out, "SELECT r.status FROM sweep_run s JOIN run r ON r.id = s.run"
			       " WHERE s.sweep = ?1 AND s.job = ?2", -1, &st, NULL) != SQLITE_OK)
		return 0;
	sqlite3_bind_text(st, 1, sweep, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, job);
	if (sqlite3_step(st) == SQLITE_ROW)
		code = status_code((const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	return code < 0 ? 0 : code;
}

/* A run database whose one run closed: its exit status (0 or 1); else -1. */
static int finished_status(const char *path)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *st;
	int code = -1;

	if (!g_file_test(path, G_FILE_TEST_IS_REGULAR) ||
	    sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
		sqlite3_close(db);
		return -1;
	}
	if (sqlite3_prepare_v2(db, "SELECT status FROM run", -1, &st, NULL) == SQLITE_OK) {
		if (sqlite3_step(st) == SQLITE_ROW)
			code = status_code((const char *)sqlite3_column_text(st, 0));
		sqlite3_finalize(st);
	}
	sqlite3_close(db);
	return code;
}

static gint cmp_uint(gconstpointer a, gconstpointer b)
{
	guint x = *(const guint *)a, y = *(const guint *)b;

	return x < y ? -1 : x > y;
}

/*
 * A sweep directory left by a sweep that did not finish.  Same plan: its
 * id, to resume it.  Another plan: its finished runs are merged into the
 * target now (they are finished work), the directory goes, and NULL.
 */
static char *resume_or_recover(sqlite3 *out, const char *dir, const char *plan, const char *db)
{
	g_autofree char *path = g_build_filename(dir, "plan", NULL);
	g_autofree char *text = NULL;
	g_autoptr(GError) err = NULL;
	char *nl, *id;
	guint merged = 0;

	if (!g_file_test(dir, G_FILE_TEST_IS_DIR))
		return NULL;
	if (g_file_get_contents(path, &text, NULL, NULL) && g_str_has_prefix(text, "nssim-sweep ") &&
	    (nl = strchr(text, '\n'))) {
		*nl = 0;
		id = text + strlen("nssim-sweep ");
		if (!strcmp(nl + 1, plan)) {
			g_print("sweep: resuming the interrupted sweep (%s)\n", dir);
			return g_strdup(id);
		}
		g_autoptr(GDir) d = g_dir_open(dir, 0, NULL);
		g_autoptr(GArray) jobs = g_array_new(FALSE, FALSE, sizeof(guint));
		const char *name;

		/* its run databases, merged in job order */
		while (d && (name = g_dir_read_name(d))) {
			guint job;
			char end;

			if (sscanf(name, "run-%u.d%c", &job, &end) == 2 && end == 'b' &&
			    g_str_has_suffix(name, ".db"))
				g_array_append_val(jobs, job);
		}
		g_array_sort(jobs, cmp_uint);
		for (guint k = 0; k < jobs->len; k++) {
			guint i = g_array_index(jobs, guint, k);
			g_autofree char *run = g_strdup_printf("%s/run-%u.db", dir, i);

			if (finished_status(run) >= 0 && !job_merged(out, id, i)) {
				if (sim_merge_run(out, run, id, i, &err))
					merged++;
				else
					g_clear_error(&err);
			}
		}
	}
	if (merged)
		g_print("sweep: %u finished run(s) of an interrupted, different sweep merged into %s\n",
			merged, db);
	remove_sweep_dir(dir);
	return NULL;
}

/* --shard I/N: I in 1..N */
static bool parse_shard(const char *spec, guint *i, guint *n)
{
	char *end;
	guint64 a, b;

	a = g_ascii_strtoull(spec, &end, 10);
	if (end == spec || *end != '/')
		return false;
	spec = end + 1;
	b = g_ascii_strtoull(spec, &end, 10);
	if (end == spec || *end || b < 1 || b > 100000 || a < 1 || a > b)
		return false;
	*i = (guint)a;
	*n = (guint)b;
	return true;
}

/*
 * A sweep's id when its runs are made in pieces (--plan, --shard): the same
 * for every piece, so that nssim merge gathers them as one sweep.  A hash
 * of the plan (scenario text and every run's command line), shaped as a
 * UUID.
 */
static char *plan_id(const char *plan)
{
	g_autofree char *h = g_compute_checksum_for_string(G_CHECKSUM_SHA256, plan, -1);

	return g_strdup_printf("%.8s-%.4s-%.4s-%.4s-%.12s", h, h + 8, h + 12, h + 16, h + 20);
}

/* A word for sh: bare when it is safe, else single-quoted. */
static void shell_word(GString *line, const char *w)
{
	if (*w && strspn(w, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
			 "_./=,:+@%-") == strlen(w)) {
		g_string_append(line, w);
	} else {
		g_autofree char *q = g_shell_quote(w);

		g_string_append(line, q);
	}
}

/*
 * --plan FILE: one sh command line per run of this shard, in job order;
 * each removes what an earlier, killed attempt left of its database, then
 * runs.  --slurm SCRIPT: an array job whose task N runs line N.
 */
static bool write_plan(GPtrArray *all, const char *file, const char *slurm, const char *dir,
		       const char *db, guint mine)
{
	GString *p = g_string_new(NULL);
	g_autoptr(GError) err = NULL;
	bool ok;

	for (guint i = 0; i < all->len; i++) {
		struct job *j = all->pdata[i];

		if (j->other)
			continue;
		g_string_append(p, "rm -f ");
		shell_word(p, j->db);
		g_string_append_c(p, ' ');
		{
			g_autofree char *w = g_strconcat(j->db, "-wal", NULL);
			g_autofree char *s = g_strconcat(j->db, "-shm", NULL);

			shell_word(p, w);
			g_string_append_c(p, ' ');
			shell_word(p, s);
		}
		g_string_append(p, " &&");
		for (guint k = 0; k < j->argv->len && j->argv->pdata[k]; k++) {
			g_string_append_c(p, ' ');
			shell_word(p, j->argv->pdata[k]);
		}
		g_string_append_c(p, '\n');
	}
	ok = g_file_set_contents(file, p->str, -1, &err);
	g_string_free(p, TRUE);
	if (ok && slurm) {
		GString *s = g_string_new("#!/bin/sh\n");
		g_autofree char *out = g_build_filename(dir, "slurm-%A_%a.out", NULL);

		g_string_append_printf(s, "# nssim sweep --slurm: task N of the array runs line N of the plan.\n"
				       "#SBATCH --job-name=nssim-sweep\n#SBATCH --array=1-%u\n"
				       "#SBATCH --output=%s\n", mine, out);
		g_string_append(s, "set -eu\nplan=");
		shell_word(s, file);
		g_string_append_printf(s, "\nline=$(sed -n \"${SLURM_ARRAY_TASK_ID}p\" \"$plan\")\n"
				       "if [ -z \"$line\" ]; then\n"
				       "\techo \"nssim sweep --slurm: no line $SLURM_ARRAY_TASK_ID in $plan\" >&2\n"
				       "\texit 2\nfi\nexec sh -c \"$line\"\n"
				       "# when every task is done: nssim merge %s %s\n", db, dir);
		ok = g_file_set_contents(slurm, s->str, -1, &err) && !chmod(slurm, 0755);
		g_string_free(s, TRUE);
	}
	if (!ok)
		g_printerr("nssim sweep: %s\n", err ? err->message : g_strerror(errno));
	return ok;
}

/* The per-run lines, in job order: those finished since the last call. */
static void print_done(GPtrArray *all, guint *shown, guint mine)
{
	static guint n;

	if (!*shown)
		n = 0;
	while (*shown < all->len) {
		struct job *j = all->pdata[*shown];

		if (!j->other && j->status < 0)
			break;
		if (!j->other)
			g_print("[%u/%u] %s: %s%s\n", ++n, mine, j->label, status_text(j->status),
				j->kept ? " (kept from the interrupted sweep)" : "");
		(*shown)++;
	}
}

static void free_job(gpointer p)
{
	struct job *j = p;

	g_ptr_array_free(j->argv, TRUE);
	g_free(j->db);
	g_free(j->label);
	g_free(j);
}

int cmd_sweep(int argc, char **argv)
{
	g_auto(GStrv) params = NULL;
	g_autofree char *seeds = NULL, *db = NULL, *kernel = NULL, *scripts = NULL;
	g_autofree char *plan_file = NULL, *plan_dir = NULL, *shard = NULL, *slurm = NULL;
	gint jobs = 0;
	gboolean jobs_given = FALSE;
	GOptionEntry entries[] = {
		{ "param", 'p', 0, G_OPTION_ARG_FILENAME_ARRAY, &params, "A parameter and its values (repeatable)", "KEY=V1,V2" },
		{ "seeds", 0, 0, G_OPTION_ARG_STRING, &seeds, "Seeds: N or A..B (default 1)", "A..B" },
		{ "db", 0, 0, G_OPTION_ARG_FILENAME, &db, "The database all runs go into (required)", "FILE" },
		{ "kernel", 'k', 0, G_OPTION_ARG_STRING, &kernel, "Kernel modelled, for every run", "V" },
		{ "jobs", 'j', 0, G_OPTION_ARG_INT, &jobs, "Runs at a time (default: online CPUs)", "N" },
		{ "scripts", 0, 0, G_OPTION_ARG_FILENAME, &scripts, "Directory of Lua modules for require() (default: $NSSIM_SCRIPTS, else nssim's own)", "DIR" },
		{ "plan", 0, 0, G_OPTION_ARG_FILENAME, &plan_file, "Run nothing: write the runs to FILE, one sh command line each, in job order (for GNU parallel, xargs -P, a batch system); then nssim merge DB PLAN-DIR", "FILE" },
		{ "plan-dir", 0, 0, G_OPTION_ARG_FILENAME, &plan_dir, "Where the plan's runs write their databases, run-KEY.db with KEY the job number (default: DB.plan/)", "DIR" },
		{ "slurm", 0, 0, G_OPTION_ARG_FILENAME, &slurm, "Run nothing: write a Slurm sbatch script whose array task N runs line N of the plan (--plan, default SCRIPT.plan)", "SCRIPT" },
		{ "shard", 0, 0, G_OPTION_ARG_STRING, &shard, "Only the jobs of shard I of N: job numbers (from 0, in combination order) equal to I-1 modulo N; the shards' databases merge (nssim merge) into the whole sweep", "I/N" },
		{ NULL },
	};
	g_autoptr(GOptionContext) ctx = g_option_context_new("SCENARIO.lua");
	g_autoptr(GError) err = NULL;
	/* freed on every return, the early ones too */
	g_autoptr(GPtrArray) axes = g_ptr_array_new_with_free_func(free_axis);
	g_autoptr(GPtrArray) all = g_ptr_array_new_with_free_func(free_job);
	g_autofree char *self = g_file_read_link("/proc/self/exe", NULL);
	g_autofree char *tmp = NULL, *plan = NULL, *sweep_id = NULL;
	int64_t lo = 1, hi = 1;
	guint ncombo = 1, next = 0, running = 0, failed = 0, bad = 0, shown = 0;
	guint shard_i = 1, shard_n = 1, mine = 0, done = 0;
	int key_width;
	const char *scen;
	g_autofree char *scen_abs = NULL;
	sqlite3 *out = NULL;
	gint64 t0 = g_get_monotonic_time();

	g_option_context_set_summary(ctx,
		"Run a scenario for every combination of parameter values and seeds, one\n"
		"process per run, and gather every run into one database.  Exit 1 if a run\n"
		"failed or violated an invariant.\n"
		"Example: nssim sweep scenarios/lazy-tlb-study.lua --param cpus=2,8,64\n"
		"         --param lazy_tlb=refcount,shootdown --seeds 1..3 --db sweep.db");
	g_option_context_add_main_entries(ctx, entries, NULL);
	/* -j 0 must be refused, not mistaken for "not given" */
	for (int i = 1; i < argc; i++)
		jobs_given |= g_str_has_prefix(argv[i], "--jobs") || g_str_has_prefix(argv[i], "-j");
	if (!g_option_context_parse(ctx, &argc, &argv, &err) || argc != 2 || !db) {
		g_printerr("nssim sweep: %s (see nssim sweep --help)\n",
			   err ? err->message : argc != 2 ? "expected one scenario" : "--db is required");
		return 2;
	}
	if (seeds && !parse_seeds(seeds, &lo, &hi)) {
		g_printerr("nssim sweep: --seeds %s: N or A..B\n", seeds);
		return 2;
	}
	if (!g_file_test(argv[1], G_FILE_TEST_IS_REGULAR)) {
		g_printerr("nssim sweep: %s: no such scenario\n", argv[1]);
		return 2;
	}
	for (char **p = params; p && *p; p++) {
		const char *eq = strchr(*p, '=');
		struct axis *a;

		if (!eq || eq == *p || !eq[1]) {
			g_printerr("nssim sweep: --param '%s': expected KEY=V1,V2,...\n", *p);
			return 2;
		}
		a = g_new0(struct axis, 1);
		a->key = g_strndup(*p, eq - *p);
		a->values = g_strsplit(eq + 1, ",", -1);
		ncombo *= g_strv_length(a->values);
		g_ptr_array_add(axes, a);
	}
	if (jobs < 0 || (jobs == 0 && jobs_given)) {
		g_printerr("nssim sweep: --jobs %d: must be >= 1\n", jobs);
		return 2;
	}
	if (jobs == 0)
		jobs = (int)sysconf(_SC_NPROCESSORS_ONLN);
	if (shard && !parse_shard(shard, &shard_i, &shard_n)) {
		g_printerr("nssim sweep: --shard %s: I/N, 1 <= I <= N\n", shard);
		return 2;
	}
	if (slurm && !plan_file)
		plan_file = g_strconcat(slurm, ".plan", NULL);
	if (plan_dir && !plan_file) {
		g_printerr("nssim sweep: --plan-dir goes with --plan or --slurm\n");
		return 2;
	}
	/* a plan's lines run anywhere: absolute paths */
	if (plan_file) {
		g_autofree char *d = plan_dir ? g_steal_pointer(&plan_dir) : g_strconcat(db, ".plan", NULL);

		plan_dir = g_canonicalize_filename(d, NULL);
		tmp = g_strdup(plan_dir);
		scen_abs = g_canonicalize_filename(argv[1], NULL);
		if (scripts) {
			g_autofree char *s = g_steal_pointer(&scripts);

			scripts = g_canonicalize_filename(s, NULL);
		}
	} else {
		tmp = g_strconcat(db, ".sweep", NULL);
	}
	scen = scen_abs ? scen_abs : argv[1];

	/* the combinations, parameters in the order given, seeds innermost */
	{
		guint64 last = (guint64)ncombo * (guint64)(hi - lo + 1) - 1;

		for (key_width = 1; last >= 10; last /= 10)
			key_width++;
		key_width = MAX(key_width, 4);
	}
	for (guint c = 0; c < ncombo; c++) {
		for (int64_t seed = lo; seed <= hi; seed++) {
			struct job *j = g_new0(struct job, 1);
			GString *label = g_string_new(NULL);
			guint rest = c;

			j->argv = g_ptr_array_new_with_free_func(g_free);
			/* a plan's keys have one width, so that they sort as numbers too */
			j->db = plan_file ? g_strdup_printf("%s/run-%0*u.db", tmp, key_width, all->len)
				: g_strdup_printf("%s/run-%u.db", tmp, all->len);
			g_ptr_array_add(j->argv, g_strdup(self ? self : "nssim"));
			g_ptr_array_add(j->argv, g_strdup("run"));
			/* the merge reads the run once: its indexes would be built for nothing */
			g_ptr_array_add(j->argv, g_strdup("--no-index"));
			g_ptr_array_add(j->argv, g_strdup("--db"));
			g_ptr_array_add(j->argv, g_strdup(j->db));
			g_ptr_array_add(j->argv, g_strdup_printf("--seed=%" G_GINT64_FORMAT, seed));
			if (kernel)
				g_ptr_array_add(j->argv, g_strdup_printf("--kernel=%s", kernel));
			if (scripts)
				g_ptr_array_add(j->argv, g_strdup_printf("--scripts=%s", scripts));
			for (guint i = axes->len; i-- > 0;) {
				struct axis *a = axes->pdata[i];
				guint n = g_strv_length(a->values);
				const char *v = a->values[rest % n];
				const char *opt = run_option(a->key);

				rest /= n;
				g_ptr_array_add(j->argv, opt ? g_strdup_printf("%s=%s", opt, v)
							  : g_strdup_printf("--param=%s=%s", a->key, v));
				{
					g_autofree char *kv = g_strdup_printf("%s=%s ", a->key, v);

					g_string_prepend(label, kv);
				}
			}
			g_string_append_printf(label, "seed=%" G_GINT64_FORMAT, seed);
			g_ptr_array_add(j->argv, g_strdup(scen));
			g_ptr_array_add(j->argv, NULL);
			j->label = g_string_free(label, FALSE);
			j->status = -1;
			j->other = all->len % shard_n != shard_i - 1;
			mine += !j->other;
			g_ptr_array_add(all, j);
		}
	}
	plan = sweep_plan(argv[1], all);
	/* a misspelt or mistyped --param: one line now, not N failed runs later */
	for (guint k = 0; k < all->len; k += (guint)(hi - lo + 1))
		if (!check_params(all->pdata[k]))
			return 2;
	if (plan_file) {
		g_autofree char *id = plan_id(plan);
		g_autofree char *pj = plan_json(argv[1], axes, lo, hi, kernel, all->len);
		g_autofree char *text = sim_plan_sweep_text(id, scen, all->len, pj);
		g_autofree char *path = g_build_filename(plan_dir, "sweep", NULL);

		if (g_mkdir_with_parents(plan_dir, 0755) ||
		    !g_file_set_contents(path, text, -1, &err)) {
			g_printerr("nssim sweep: %s: %s\n", plan_dir, err ? err->message : g_strerror(errno));
			return 2;
		}
		if (!write_plan(all, plan_file, slurm, plan_dir, db, mine))
			return 2;
		g_print("sweep %s: %u of %u runs planned in %s, their databases to go into %s/\n",
			id, mine, all->len, plan_file, plan_dir);
		if (slurm)
			g_print("slurm: sbatch %s\n", slurm);
		g_print("then: nssim merge %s %s\n", db, plan_dir);
		return 0;
	}
	/* the shards of one sweep share its id; its plan file says which shard */
	if (shard_n > 1) {
		g_autofree char *whole = g_steal_pointer(&plan);

		sweep_id = plan_id(whole);
		plan = g_strdup_printf("%sshard %u/%u\n", whole, shard_i, shard_n);
	}

	if (!nss_trace_init_db(db, &err)) {
		g_printerr("nssim sweep: %s\n", err->message);
		return 2;
	}
	if (sqlite3_open(db, &out) != SQLITE_OK) {
		g_printerr("nssim sweep: cannot open %s\n", db);
		sqlite3_close(out);
		return 2;
	}
	sqlite3_busy_timeout(out, 10000);
	/* an earlier sweep into the same database that did not finish */
	{
		char *resumed = resume_or_recover(out, tmp, plan, db);

		if (resumed) {
			g_free(sweep_id);
			sweep_id = resumed;
		}
		if (!resumed) {
		g_autofree char *text = NULL;

		if (!sweep_id)
			sweep_id = g_uuid_string_random();
		text = g_strdup_printf("nssim-sweep %s\n%s", sweep_id, plan);
		g_autofree char *plan_path = g_build_filename(tmp, "plan", NULL);

		if (g_mkdir_with_parents(tmp, 0755) ||
		    !g_file_set_contents_full(plan_path, text, -1, G_FILE_SET_CONTENTS_CONSISTENT,
					      0644, &err)) {
			g_printerr("nssim sweep: %s: %s\n", tmp, err ? err->message : g_strerror(errno));
			sqlite3_close(out);
			return 2;
		}
		}
	}
	/* the sweep's row: a resumed sweep has it already */
	{
		g_autoptr(GDateTime) now = g_date_time_new_now_utc();
		g_autofree char *started = g_date_time_format_iso8601(now);
		g_autofree char *pj = plan_json(argv[1], axes, lo, hi, kernel, all->len);
		sqlite3_stmt *st = NULL;

		if (sqlite3_prepare_v2(out, "INSERT OR IGNORE INTO sweep (id, scenario, started_at, plan)"
				       " VALUES (?1, ?2, ?3, ?4)", -1, &st, NULL) != SQLITE_OK ||
		    (sqlite3_bind_text(st, 1, sweep_id, -1, SQLITE_STATIC),
		     sqlite3_bind_text(st, 2, argv[1], -1, SQLITE_STATIC),
		     sqlite3_bind_text(st, 3, started, -1, SQLITE_STATIC),
		     sqlite3_bind_text(st, 4, pj, -1, SQLITE_STATIC),
		     sqlite3_step(st) != SQLITE_DONE)) {
			g_printerr("nssim sweep: %s: %s\n", db, sqlite3_errmsg(out));
			sqlite3_finalize(st);
			sqlite3_close(out);
			return 2;
		}
		sqlite3_finalize(st);
	}
	/* what a resumed sweep has already: merged, or finished and kept */
	for (guint i = 0; i < all->len; i++) {
		struct job *j = all->pdata[i];

		if (j->other)
			continue;
		j->merged = job_merged(out, sweep_id, i);
		j->status = j->merged ? merged_status(out, sweep_id, i) : finished_status(j->db);
		if (j->merged)
			nss_db_remove(j->db);
		else if (j->status < 0)
			nss_db_remove(j->db);   /* not finished: run it again */
		if (j->status >= 0) {
			j->kept = true;
			done++;
			failed += j->status == 1;
		}
	}
	print_done(all, &shown, mine);
	sim_progress_begin();

	/* run the others, at most `jobs` at a time */
	while (next < all->len || running) {
		while (next < all->len && running < (guint)jobs) {
			struct job *j = all->pdata[next++];

			if (j->status >= 0 || j->other)
				continue;
			if (!g_spawn_async(NULL, (char **)j->argv->pdata, NULL,
					   G_SPAWN_DO_NOT_REAP_CHILD | G_SPAWN_STDOUT_TO_DEV_NULL,
					   NULL, NULL, &j->pid, &err)) {
				g_printerr("nssim sweep: %s\n", err->message);
				sqlite3_close(out);
				return 2;
			}
			running++;
		}
		if (!running)
			break;
		sim_progress_show("sweep: %u of %u runs done, %u running, %.0f s", done, mine, running,
				  (g_get_monotonic_time() - t0) / 1e6);
		{
			int status;
			GPid pid = waitpid(-1, &status, 0);

			for (guint i = 0; i < all->len; i++) {
				struct job *j = all->pdata[i];

				if (j->pid == pid) {
					j->status = WIFEXITED(status) ? WEXITSTATUS(status) : 128;
					j->pid = 0;
					running--;
					done++;
					failed += j->status == 1;
					bad += j->status > 1;
				}
			}
			/* the runs' lines in job order; a status line between them on a terminal */
			sim_progress_end();
			print_done(all, &shown, mine);
		}
	}
	sim_progress_end();

	/* gather, in combination order; each merge commits with its sweep_run row */
	for (guint i = 0; i < all->len; i++) {
		struct job *j = all->pdata[i];

		if (j->other || j->merged || !g_file_test(j->db, G_FILE_TEST_EXISTS))
			continue;
		if (!sim_merge_run(out, j->db, sweep_id, i, &err)) {
			g_printerr("nssim sweep: %s\n", err->message);
			g_clear_error(&err);
			bad++;
			continue;
		}
		nss_db_remove(j->db);
	}
	if (!bad) {
		g_autoptr(GDateTime) now = g_date_time_new_now_utc();
		g_autofree char *finished = g_date_time_format_iso8601(now);
		sqlite3_stmt *st = NULL;

		/* a shard's sweep is finished when every shard's runs are in */
		if (sqlite3_prepare_v2(out, "UPDATE sweep SET finished_at = ?1 WHERE id = ?2 AND"
				       " (SELECT count(*) FROM sweep_run WHERE sweep = ?2) = ?3", -1, &st,
				       NULL) == SQLITE_OK) {
			sqlite3_bind_text(st, 1, finished, -1, SQLITE_STATIC);
			sqlite3_bind_text(st, 2, sweep_id, -1, SQLITE_STATIC);
			sqlite3_bind_int64(st, 3, all->len);
			sqlite3_step(st);
		}
		sqlite3_finalize(st);
	}
	sqlite3_close(out);
	if (!bad)
		remove_sweep_dir(tmp);
	else
		g_printerr("nssim sweep: the runs that could not be merged stay in %s\n", tmp);
	g_print("sweep %s: %u runs (%u ok, %u failed or violated, %u errors) in %.1f s into %s\n",
		sweep_id, mine, mine - failed - bad, failed, bad,
		(g_get_monotonic_time() - t0) / 1e6, db);
	g_print("report: nssim report --sweep %s %s\n", sweep_id, db);
	return bad ? 2 : failed ? 1 : 0;
}
