// SPDX-License-Identifier: MIT
/*
 * merge.c - copying runs from one trace database into another, for sweep
 * (its runs' databases into the target) and for `nssim merge OUT IN...`
 * (databases made elsewhere: a sweep's --plan run by GNU parallel or a
 * Slurm array, shards of a sweep, or any `nssim run`).
 *
 * A run keeps what says what it is: its parameters (run_param), its
 * sources, and, for a sweep's run, the sweep (run.sweep, the sweep row)
 * and its job number (sweep_run), written in the same transaction as the
 * run, so a merge that is killed leaves whole runs and can be started
 * again.  Runs get new ids in the order they are merged.
 *
 * Where a run comes from a sweep is read from the input: its sweep_run
 * row, or, for a --plan directory's run-KEY.db, the directory's "sweep"
 * file (its id, scenario and plan) and KEY.  A run already in OUT (same
 * sweep and job, or the same scenario text, kernel, seed, parameters and
 * fingerprint) is refused, or with --resume skipped.
 */
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>
#include "sim.h"

/* Has the attached run database "src" this table? */
static bool has_table(sqlite3 *db, const char *name)
{
	sqlite3_stmt *st;
	bool yes = false;

	if (sqlite3_prepare_v2(db, "SELECT 1 FROM src.sqlite_master WHERE type = 'table' AND name = ?1",
			       -1, &st, NULL) == SQLITE_OK) {
		sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
		yes = sqlite3_step(st) == SQLITE_ROW;
		sqlite3_finalize(st);
	}
	return yes;
}

/* Copy run @run (-1: every row, the one run of a sweep's database) of the
 * attached "src" into main under a new id, with @sweep and @job if @sweep. */
static gboolean copy_run(sqlite3 *db, int64_t run, const char *sweep, int64_t job,
			 int64_t *new_id, char **msg)
{
	static const char *const tables[] = {
		"event", "transition", "namespace", "task", "violation", "warning", "expectation",
		"run_source",
		"run_param",
	};
	g_autofree char *where = run < 0 ? g_strdup("")
		: g_strdup_printf(" WHERE id = %" G_GINT64_FORMAT, run);
	char *ins_run = sqlite3_mprintf(
		"INSERT INTO run (scenario, kernel, seed, config, started_at, finished_at, status,"
		" error, fingerprint, events, transitions, sweep)"
		" SELECT scenario, kernel, seed, config, started_at, finished_at, status, error,"
		" fingerprint, events, transitions, %Q FROM src.run%s", sweep, where);
	int64_t id;
	int rc = sqlite3_exec(db, ins_run, NULL, NULL, msg);

	sqlite3_free(ins_run);
	if (rc != SQLITE_OK)
		return FALSE;
	id = sqlite3_last_insert_rowid(db);
	for (guint i = 0; i < G_N_ELEMENTS(tables); i++) {
		g_autofree char *cols = NULL;
		g_autofree char *ins = NULL;
		GString *c;
		sqlite3_stmt *st;
		g_autofree char *pragma = g_strdup_printf("PRAGMA src.table_info(%s)", tables[i]);

		/* a run database of an older nssim */
		if (!has_table(db, tables[i]))
			continue;
		if (sqlite3_prepare_v2(db, pragma, -1, &st, NULL) != SQLITE_OK) {
			*msg = sqlite3_mprintf("%s", sqlite3_errmsg(db));
			return FALSE;
		}
		c = g_string_new(NULL);
		while (sqlite3_step(st) == SQLITE_ROW) {
			const char *name = (const char *)sqlite3_column_text(st, 1);

			if (strcmp(name, "run"))
				g_string_append_printf(c, ", %s", name);
		}
		sqlite3_finalize(st);
		cols = g_string_free(c, FALSE);
		ins = run < 0
			? g_strdup_printf("INSERT INTO main.%s (run%s) SELECT %" G_GINT64_FORMAT "%s FROM src.%s",
					  tables[i], cols, id, cols, tables[i])
			: g_strdup_printf("INSERT INTO main.%s (run%s) SELECT %" G_GINT64_FORMAT "%s FROM src.%s"
					  " WHERE run = %" G_GINT64_FORMAT,
					  tables[i], cols, id, cols, tables[i], run);
		if (sqlite3_exec(db, ins, NULL, NULL, msg) != SQLITE_OK)
			return FALSE;
	}
	if (sweep) {
		char *mark = sqlite3_mprintf("INSERT INTO sweep_run (sweep, job, run) VALUES (%Q, %lld, %lld)",
					     sweep, (long long)job, (long long)id);

		rc = sqlite3_exec(db, mark, NULL, NULL, msg);
		sqlite3_free(mark);
		if (rc != SQLITE_OK)
			return FALSE;
	}
	if (new_id)
		*new_id = id;
	return TRUE;
}

gboolean sim_merge_run(struct sqlite3 *db, const char *src, const char *sweep, guint job, GError **err)
{
	char *q = sqlite3_mprintf("ATTACH DATABASE %Q AS src", src);
	char *msg = NULL;
	int rc = sqlite3_exec(db, q, NULL, NULL, &msg);

	sqlite3_free(q);
	if (rc != SQLITE_OK)
		goto fail;
	sqlite3_exec(db, "BEGIN", NULL, NULL, NULL);
	/* the runs' texts, once per content whatever the number of runs */
	if (has_table(db, "source_blob") &&
	    sqlite3_exec(db, "INSERT OR IGNORE INTO main.source_blob SELECT * FROM src.source_blob",
			 NULL, NULL, &msg) != SQLITE_OK)
		goto fail;
	if (!copy_run(db, -1, sweep, job, NULL, &msg))
		goto fail;
	if (sqlite3_exec(db, "COMMIT", NULL, NULL, &msg) != SQLITE_OK)
		goto fail;
	sqlite3_exec(db, "DETACH DATABASE src", NULL, NULL, NULL);
	return TRUE;
fail:
	g_set_error(err, NSS_DB_ERROR, 1, "merging %s: %s", src, msg ? msg : "?");
	sqlite3_free(msg);
	if (!sqlite3_get_autocommit(db))
		sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
	sqlite3_exec(db, "DETACH DATABASE src", NULL, NULL, NULL);
	return FALSE;
}

/* A --plan directory's "sweep" file: the sweep the plan's runs belong to. */
struct plan_sweep {
	char *id, *scenario, *plan;
	guint runs;
};

static void plan_sweep_free(struct plan_sweep *p)
{
	if (!p)
		return;
	g_free(p->id);
	g_free(p->scenario);
	g_free(p->plan);
	g_free(p);
}

/*
 * The file sweep --plan writes beside the runs' databases:
 *   nssim-plan ID
 *   scenario PATH
 *   runs N
 *   plan JSON
 */
static struct plan_sweep *plan_sweep_read(const char *dir)
{
	g_autofree char *path = g_build_filename(dir, "sweep", NULL);
	g_autofree char *text = NULL;
	g_auto(GStrv) lines = NULL;
	struct plan_sweep *p;

	if (!g_file_get_contents(path, &text, NULL, NULL))
		return NULL;
	lines = g_strsplit(text, "\n", 5);
	if (g_strv_length(lines) < 4 || !g_str_has_prefix(lines[0], "nssim-plan ") ||
	    !g_str_has_prefix(lines[1], "scenario ") || !g_str_has_prefix(lines[2], "runs ") ||
	    !g_str_has_prefix(lines[3], "plan "))
		return NULL;
	p = g_new0(struct plan_sweep, 1);
	p->id = g_strdup(lines[0] + strlen("nssim-plan "));
	p->scenario = g_strdup(lines[1] + strlen("scenario "));
	p->runs = (guint)g_ascii_strtoull(lines[2] + strlen("runs "), NULL, 10);
	p->plan = g_strdup(lines[3] + strlen("plan "));
	return p;
}

char *sim_plan_sweep_text(const char *id, const char *scenario, guint runs, const char *plan_json)
{
	return g_strdup_printf("nssim-plan %s\nscenario %s\nruns %u\nplan %s\n", id, scenario, runs,
			       plan_json);
}

/* One input database of nssim merge. */
struct input {
	char *path;
	struct plan_sweep *plan;    /* from a --plan directory: its sweep, with job */
	guint job;
};

static gint cmp_input(gconstpointer a, gconstpointer b)
{
	const struct input *x = *(struct input *const *)a, *y = *(struct input *const *)b;

	return x->job < y->job ? -1 : x->job > y->job;
}

static void input_free(gpointer p)
{
	struct input *in = p;

	g_free(in->path);
	g_free(in);
}

/* run-KEY.db: KEY, the job number */
static bool run_key(const char *name, guint *job)
{
	char end;

	return sscanf(name, "run-%u.d%c", job, &end) == 2 && end == 'b' &&
	       g_str_has_suffix(name, ".db") && name[4] >= '0' && name[4] <= '9';
}

static int64_t one_int(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *st;
	int64_t v = -1;

	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK) {
		if (sqlite3_step(st) == SQLITE_ROW)
			v = sqlite3_column_int64(st, 0);
		sqlite3_finalize(st);
	}
	return v;
}

/* What makes two runs the same run: scenario text, kernel, seed, parameters, fingerprint. */
#define RUN_IDENTITY(s) \
	"(SELECT group_concat(sha256, ',') FROM (SELECT sha256 FROM " s ".run_source x" \
	"  WHERE x.run = r.id AND x.role = 'scenario')) AS sha," \
	" (SELECT group_concat(name || '=' || quote(value), ' ') FROM (SELECT name, value FROM " \
	s ".run_param p WHERE p.run = r.id ORDER BY name)) AS params"

/* src's run @run by content, to find it given twice */
static char *run_identity(sqlite3 *db, int64_t run)
{
	static const char *const sql =
		"SELECT r.kernel || '|' || r.seed || '|' || ifnull(r.fingerprint, '') || '|' ||"
		" ifnull(sha, '') || '|' || ifnull(params, '') FROM (SELECT r.*, " RUN_IDENTITY("src")
		" FROM src.run r WHERE r.id = ?1) r";
	sqlite3_stmt *st;
	char *key = NULL;

	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK) {
		sqlite3_bind_int64(st, 1, run);
		if (sqlite3_step(st) == SQLITE_ROW)
			key = g_strdup((const char *)sqlite3_column_text(st, 0));
		sqlite3_finalize(st);
	}
	return key;
}

/*
 * Is src's run @run in main already?  Its id there, else 0.  Same sweep and
 * job, or the same run by content.
 */
static int64_t already_merged(sqlite3 *db, int64_t run, const char *sweep, int64_t job)
{
	static const char *const same =
		"WITH s AS (SELECT r.kernel, r.seed, r.fingerprint, " RUN_IDENTITY("src")
		"  FROM src.run r WHERE r.id = ?1),"
		" m AS (SELECT r.id, " RUN_IDENTITY("main") " FROM main.run r, s"
		"  WHERE r.kernel = s.kernel AND r.seed = s.seed AND r.fingerprint IS s.fingerprint)"
		" SELECT m.id FROM m, s WHERE m.sha IS s.sha AND m.params IS s.params LIMIT 1";
	sqlite3_stmt *st;
	int64_t id = 0;

	if (sweep && sqlite3_prepare_v2(db, "SELECT run FROM main.sweep_run WHERE sweep = ?1 AND job = ?2",
					-1, &st, NULL) == SQLITE_OK) {
		sqlite3_bind_text(st, 1, sweep, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 2, job);
		if (sqlite3_step(st) == SQLITE_ROW)
			id = sqlite3_column_int64(st, 0);
		sqlite3_finalize(st);
		if (id)
			return id;
	}
	if (sqlite3_prepare_v2(db, same, -1, &st, NULL) == SQLITE_OK) {
		sqlite3_bind_int64(st, 1, run);
		if (sqlite3_step(st) == SQLITE_ROW)
			id = sqlite3_column_int64(st, 0);
		sqlite3_finalize(st);
	}
	return id;
}

/* A run of src and where it belongs. */
struct src_run {
	int64_t id;
	char *sweep;        /* NULL: no sweep */
	int64_t job;
	char *status;
};

static void src_runs_free(GArray *a)
{
	for (guint i = 0; a && i < a->len; i++) {
		g_free(g_array_index(a, struct src_run, i).sweep);
		g_free(g_array_index(a, struct src_run, i).status);
	}
	if (a)
		g_array_free(a, TRUE);
}

/* The runs of the attached src, in id order, with their sweep and job. */
static GArray *src_runs(sqlite3 *db, const struct input *in, char **why)
{
	bool has_sweep_run = has_table(db, "sweep_run");
	bool has_sweep_col = one_int(db, "SELECT count(*) FROM pragma_table_info('run', 'src')"
				     " WHERE name = 'sweep'") > 0;
	g_autofree char *sql = g_strdup_printf(
		"SELECT r.id, r.status, %s, %s FROM src.run r ORDER BY r.id",
		has_sweep_run ? "(SELECT sweep FROM src.sweep_run s WHERE s.run = r.id)"
			      : has_sweep_col ? "r.sweep" : "NULL",
		has_sweep_run ? "(SELECT job FROM src.sweep_run s WHERE s.run = r.id)" : "NULL");
	GArray *a = g_array_new(FALSE, TRUE, sizeof(struct src_run));
	sqlite3_stmt *st;

	if (!has_table(db, "run") || sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
		*why = g_strdup("not an nssim trace");
		src_runs_free(a);
		return NULL;
	}
	while (sqlite3_step(st) == SQLITE_ROW) {
		struct src_run r = { .id = sqlite3_column_int64(st, 0) };
		const char *sw = (const char *)sqlite3_column_text(st, 2);

		r.status = g_strdup((const char *)sqlite3_column_text(st, 1));
		if (in->plan) {
			r.sweep = g_strdup(in->plan->id);
			r.job = in->job;
		} else if (sw && sqlite3_column_type(st, 3) != SQLITE_NULL) {
			r.sweep = g_strdup(sw);
			r.job = sqlite3_column_int64(st, 3);
		}
		g_array_append_val(a, r);
	}
	sqlite3_finalize(st);
	if (!a->len) {
		*why = g_strdup("no run in it");
		src_runs_free(a);
		return NULL;
	}
	if (in->plan && a->len != 1) {
		*why = g_strdup_printf("%u runs in a plan's run database (one expected: run its"
				       " plan line again)", a->len);
		src_runs_free(a);
		return NULL;
	}
	for (guint i = 0; i < a->len; i++) {
		const struct src_run *r = &g_array_index(a, struct src_run, i);

		if (!r->status || !strcmp(r->status, "running")) {
			*why = g_strdup_printf("run %" G_GINT64_FORMAT " has not finished (status running):"
					       " still running, or killed", r->id);
			src_runs_free(a);
			return NULL;
		}
	}
	return a;
}

/* The sweep row for @id: from the plan file, else from src's sweep table. */
static bool add_sweep_row(sqlite3 *db, const char *id, const struct plan_sweep *plan, char **msg)
{
	char *q;
	int rc;

	if (plan) {
		g_autoptr(GDateTime) now = g_date_time_new_now_utc();
		g_autofree char *started = g_date_time_format_iso8601(now);

		q = sqlite3_mprintf("INSERT OR IGNORE INTO main.sweep (id, scenario, started_at, plan)"
				    " VALUES (%Q, %Q, %Q, %Q)", id, plan->scenario, started, plan->plan);
	} else {
		if (!has_table(db, "sweep"))
			return true;
		q = sqlite3_mprintf("INSERT OR IGNORE INTO main.sweep (id, scenario, started_at, plan)"
				    " SELECT id, scenario, started_at, plan FROM src.sweep WHERE id = %Q", id);
	}
	rc = sqlite3_exec(db, q, NULL, NULL, msg);
	sqlite3_free(q);
	return rc == SQLITE_OK;
}

/* A sweep all of whose runs are in: finished now. */
static void finish_sweeps(sqlite3 *db)
{
	g_autoptr(GDateTime) now = g_date_time_new_now_utc();
	g_autofree char *done = g_date_time_format_iso8601(now);
	char *q = sqlite3_mprintf(
		"UPDATE sweep SET finished_at = %Q WHERE finished_at IS NULL"
		" AND json_valid(plan) AND json_extract(plan, '$.runs') ="
		" (SELECT count(*) FROM sweep_run s WHERE s.sweep = sweep.id)", done);

	sqlite3_exec(db, q, NULL, NULL, NULL);
	sqlite3_free(q);
}

/* Expand the command line's inputs: files, and --plan directories in job order. */
static GPtrArray *inputs(int argc, char **argv, GHashTable *plans)
{
	GPtrArray *all = g_ptr_array_new_with_free_func(input_free);

	for (int i = 0; i < argc; i++) {
		if (g_file_test(argv[i], G_FILE_TEST_IS_DIR)) {
			g_autoptr(GDir) d = g_dir_open(argv[i], 0, NULL);
			g_autoptr(GPtrArray) some = g_ptr_array_new();
			struct plan_sweep *p = g_hash_table_lookup(plans, argv[i]);
			const char *name;

			if (!p && (p = plan_sweep_read(argv[i])))
				g_hash_table_insert(plans, g_strdup(argv[i]), p);
			if (!p) {
				g_printerr("nssim merge: %s: a directory without a plan's \"sweep\" file"
					   " (not made by nssim sweep --plan)\n", argv[i]);
				g_ptr_array_free(all, TRUE);
				return NULL;
			}
			while (d && (name = g_dir_read_name(d))) {
				struct input *in = g_new0(struct input, 1);

				if (!run_key(name, &in->job)) {
					g_free(in);
					continue;
				}
				in->path = g_build_filename(argv[i], name, NULL);
				in->plan = p;
				g_ptr_array_add(some, in);
			}
			g_ptr_array_sort(some, cmp_input);
			for (guint k = 0; k < some->len; k++)
				g_ptr_array_add(all, some->pdata[k]);
		} else {
			struct input *in = g_new0(struct input, 1);
			g_autofree char *dir = g_path_get_dirname(argv[i]);
			g_autofree char *base = g_path_get_basename(argv[i]);

			if (!g_file_test(argv[i], G_FILE_TEST_IS_REGULAR)) {
				g_printerr("nssim merge: %s: no such database\n", argv[i]);
				g_free(in);
				g_ptr_array_free(all, TRUE);
				return NULL;
			}
			in->path = g_strdup(argv[i]);
			if (run_key(base, &in->job)) {
				in->plan = g_hash_table_lookup(plans, dir);
				if (!in->plan && (in->plan = plan_sweep_read(dir)))
					g_hash_table_insert(plans, g_strdup(dir), in->plan);
			}
			g_ptr_array_add(all, in);
		}
	}
	return all;
}

int cmd_merge(int argc, char **argv)
{
	gboolean resume = FALSE;
	GOptionEntry entries[] = {
		{ "resume", 0, 0, G_OPTION_ARG_NONE, &resume, "Skip the runs OUT has already (default: refuse them, merging nothing)", NULL },
		{ NULL },
	};
	g_autoptr(GOptionContext) ctx = g_option_context_new("OUT.db IN.db|PLAN-DIR...");
	g_autoptr(GError) err = NULL;
	g_autoptr(GHashTable) plans = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
							   (GDestroyNotify)plan_sweep_free);
	g_autoptr(GPtrArray) in = NULL;
	g_autoptr(GHashTable) seen = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	sqlite3 *out = NULL;
	guint merged = 0, skipped = 0, failed = 0;
	gint64 t0 = g_get_monotonic_time();
	int code = 2;

	g_option_context_set_summary(ctx,
		"Copy the runs of trace databases into OUT, in the order given; a directory\n"
		"made by nssim sweep --plan gives its run-KEY.db in KEY order.  A sweep's\n"
		"runs keep their sweep id, job and parameters.  Every input run must have\n"
		"finished; one OUT has already (same sweep and job, or the same scenario\n"
		"text, kernel, seed, parameters and fingerprint) is refused, or skipped with\n"
		"--resume.  Each input is merged in one transaction: a killed merge can be\n"
		"started again with --resume.  Exit 2 on bad input, with one line.\n"
		"Example: nssim merge study.db study.db.plan/");
	g_option_context_add_main_entries(ctx, entries, NULL);
	if (!g_option_context_parse(ctx, &argc, &argv, &err) || argc < 3) {
		g_printerr("nssim merge: %s (see nssim merge --help)\n",
			   err ? err->message : "expected OUT.db and at least one input");
		return 2;
	}
	in = inputs(argc - 2, argv + 2, plans);
	if (!in)
		return 2;
	if (!nss_trace_init_db(argv[1], &err)) {
		g_printerr("nssim merge: %s\n", err->message);
		return 2;
	}
	if (sqlite3_open(argv[1], &out) != SQLITE_OK) {
		g_printerr("nssim merge: cannot open %s\n", argv[1]);
		goto out;
	}
	sqlite3_busy_timeout(out, 10000);
	/* check everything first: a refused input merges nothing */
	for (int pass = 0; pass < 2; pass++) {
		for (guint i = 0; i < in->len; i++) {
			const struct input *x = in->pdata[i];
			char *q = sqlite3_mprintf("ATTACH DATABASE %Q AS src", x->path);
			g_autofree char *why = NULL;
			GArray *runs;
			char *msg = NULL;
			int rc = sqlite3_exec(out, q, NULL, NULL, &msg);

			sqlite3_free(q);
			if (rc != SQLITE_OK) {
				g_printerr("nssim merge: %s: %s\n", x->path, msg);
				sqlite3_free(msg);
				goto out;
			}
			runs = src_runs(out, x, &why);
			if (!runs) {
				g_printerr("nssim merge: %s: %s\n", x->path, why);
				sqlite3_exec(out, "DETACH DATABASE src", NULL, NULL, NULL);
				goto out;
			}
			if (pass == 1)
				sqlite3_exec(out, "BEGIN", NULL, NULL, NULL);
			for (guint k = 0; k < runs->len; k++) {
				const struct src_run *r = &g_array_index(runs, struct src_run, k);
				int64_t there = already_merged(out, r->id, r->sweep, r->job);
				g_autofree char *key = pass ? NULL : r->sweep
					? g_strdup_printf("%s/%" G_GINT64_FORMAT, r->sweep, r->job)
					: run_identity(out, r->id);

				/* with --resume, the second is skipped as already there */
				if (pass == 0 && key && !g_hash_table_add(seen, g_steal_pointer(&key)) &&
				    !resume) {
					if (r->sweep)
						g_printerr("nssim merge: %s: job %" G_GINT64_FORMAT " of sweep %s"
							   " is given twice\n", x->path, r->job, r->sweep);
					else
						g_printerr("nssim merge: %s: run %" G_GINT64_FORMAT " is given"
							   " twice\n", x->path, r->id);
					goto refused;
				}
				if (there && !resume) {
					g_printerr("nssim merge: %s: run %" G_GINT64_FORMAT " is in %s already"
						   " (run %" G_GINT64_FORMAT "); --resume skips it\n",
						   x->path, r->id, argv[1], there);
					goto refused;
				}
				if (pass == 0 || there) {
					skipped += pass == 1;
					continue;
				}
				if ((r->sweep && !add_sweep_row(out, r->sweep, x->plan, &msg)) ||
				    !copy_run(out, r->id, r->sweep, r->job, NULL, &msg)) {
					g_printerr("nssim merge: merging %s: %s\n", x->path, msg ? msg : "?");
					sqlite3_free(msg);
					sqlite3_exec(out, "ROLLBACK", NULL, NULL, NULL);
					goto refused;
				}
				merged++;
				failed += strcmp(r->status, "ok") != 0;
			}
			/* the sources once, then the input's runs, in one transaction */
			if (pass == 1 &&
			    ((has_table(out, "source_blob") &&
			      sqlite3_exec(out, "INSERT OR IGNORE INTO main.source_blob SELECT * FROM src.source_blob",
					   NULL, NULL, &msg) != SQLITE_OK) ||
			     sqlite3_exec(out, "COMMIT", NULL, NULL, &msg) != SQLITE_OK)) {
				g_printerr("nssim merge: merging %s: %s\n", x->path, msg ? msg : "?");
				sqlite3_free(msg);
				sqlite3_exec(out, "ROLLBACK", NULL, NULL, NULL);
				goto refused;
			}
			src_runs_free(runs);
			sqlite3_exec(out, "DETACH DATABASE src", NULL, NULL, NULL);
			continue;
refused:
			src_runs_free(runs);
			sqlite3_exec(out, "DETACH DATABASE src", NULL, NULL, NULL);
			goto out;
		}
	}
	finish_sweeps(out);
	g_print("merge: %u run(s) merged into %s (%u failed or violated), %u already there, in %.2f s\n",
		merged, argv[1], failed, skipped, (g_get_monotonic_time() - t0) / 1e6);
	code = 0;
out:
	sqlite3_close(out);
	return code;
}
