// SPDX-License-Identifier: MIT
/*
 * export.c - nssim export: a scenario, or a run kept in a trace database,
 * as JSON lines or as a standalone C test vector (docs/test-vectors.md);
 * a run of a trace database as a Perfetto trace (perfetto.c).
 *
 * JSON lines and vectors rerun the scenario through `nssim run` with the
 * run's settings, expectations not evaluated (the vector asserts the
 * model's outcomes, not the scenario's opinions) and every invariant
 * checked.  A run taken from a database must reproduce: its fingerprint
 * must match.  The Perfetto trace reruns nothing: it reads the tables.
 */
#include <errno.h>
#include <string.h>
#include <sqlite3.h>
#include <glib/gstdio.h>
#include "sim.h"

static int G_GNUC_PRINTF(1, 2) export_usage(const char *fmt, ...)
{
	va_list ap;
	g_autofree char *msg = NULL;

	va_start(ap, fmt);
	msg = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	g_printerr("nssim export: %s (see nssim export --help)\n", msg);
	return 2;
}

static bool is_sqlite(const char *path)
{
	char magic[16] = { 0 };
	FILE *f = fopen(path, "rb");
	bool yes;

	if (!f)
		return false;
	yes = fread(magic, 1, sizeof(magic), f) == sizeof(magic) &&
	      !memcmp(magic, "SQLite format 3", 16);
	fclose(f);
	return yes;
}

/* The run's settings, as `nssim run` options, from the trace database. */
static int run_args_from_db(const char *db, gint64 run, GPtrArray *args, char **scenario,
			    char **fingerprint)
{
	g_autoptr(GString) q = g_string_new(
		"SELECT id, scenario, kernel, seed, fingerprint, status,"
		" json_extract(config, '$.cpus'), json_extract(config, '$.lazy_tlb'),"
		" json_extract(config, '$.fail') FROM run");
	sqlite3 *h = NULL;
	sqlite3_stmt *st = NULL;
	g_autoptr(GError) err = NULL;
	int rc = 2;

	if (run > 0)
		g_string_append_printf(q, " WHERE id = %" G_GINT64_FORMAT, run);
	else
		g_string_append(q, " ORDER BY id DESC LIMIT 1");
	if (sqlite3_open_v2(db, &h, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK &&
	    !nss_db_check(h, db, &err)) {
		g_printerr("nssim export: %s\n", err->message);
		goto out;
	}
	if (!h || sqlite3_prepare_v2(h, q->str, -1, &st, NULL) != SQLITE_OK) {
		g_printerr("nssim export: %s: %s\n", db, sqlite3_errmsg(h));
		goto out;
	}
	if (sqlite3_step(st) != SQLITE_ROW) {
		if (run > 0)
			g_printerr("nssim export: %s has no run %" G_GINT64_FORMAT "\n", db, run);
		else
			g_printerr("nssim export: %s has no runs\n", db);
		goto out;
	}
	run = sqlite3_column_int64(st, 0);
	*scenario = g_strdup((const char *)sqlite3_column_text(st, 1));
	g_ptr_array_add(args, g_strdup_printf("--kernel=%s", sqlite3_column_text(st, 2)));
	g_ptr_array_add(args, g_strdup_printf("--seed=%lld", sqlite3_column_int64(st, 3)));
	if (sqlite3_column_type(st, 4) != SQLITE_NULL)
		*fingerprint = g_strdup((const char *)sqlite3_column_text(st, 4));
	if (!strcmp((const char *)sqlite3_column_text(st, 5), "running"))
		g_printerr("nssim export: note: run %" G_GINT64_FORMAT " of %s never finished; "
			   "exporting what the scenario does now\n", run, db);
	if (sqlite3_column_type(st, 6) != SQLITE_NULL)
		g_ptr_array_add(args, g_strdup_printf("--cpus=%lld", sqlite3_column_int64(st, 6)));
	if (sqlite3_column_type(st, 7) != SQLITE_NULL)
		g_ptr_array_add(args, g_strdup_printf("--lazy-tlb=%s", sqlite3_column_text(st, 7)));
	if (sqlite3_column_type(st, 8) != SQLITE_NULL)
		g_ptr_array_add(args, g_strdup_printf("--fail=%s", sqlite3_column_text(st, 8)));
	sqlite3_finalize(st);
	st = NULL;
	g_string_printf(q, "SELECT p.key, p.value FROM run, json_each(run.config, '$.params') AS p"
			   " WHERE run.id = %" G_GINT64_FORMAT " ORDER BY p.key", run);
	if (sqlite3_prepare_v2(h, q->str, -1, &st, NULL) != SQLITE_OK) {
		g_printerr("nssim export: %s: %s\n", db, sqlite3_errmsg(h));
		goto out;
	}
	while (sqlite3_step(st) == SQLITE_ROW)
		g_ptr_array_add(args, g_strdup_printf("--param=%s=%s", sqlite3_column_text(st, 0),
						      sqlite3_column_text(st, 1)));
	sqlite3_finalize(st);
	st = NULL;
	/*
	 * The text the run executed, if the trace kept it (traces since
	 * run_source): the export then needs neither the files nor the
	 * directory they were run from, and the files may have changed since.
	 */
	if (sqlite3_prepare_v2(h, "SELECT count(*) FROM run_source WHERE run = ?1 AND role = 'scenario'",
			       -1, &st, NULL) == SQLITE_OK) {
		sqlite3_bind_int64(st, 1, run);
		if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_int64(st, 0) > 0) {
			g_ptr_array_add(args, g_strdup_printf("--source-db=%s", db));
			g_ptr_array_add(args, g_strdup_printf("--source-run=%" G_GINT64_FORMAT, run));
		}
	}
	rc = 0;
out:
	sqlite3_finalize(st);
	sqlite3_close(h);
	return rc;
}

int cmd_export(int argc, char **argv)
{
	g_autofree char *format = NULL, *kernel = NULL, *out = NULL, *scripts = NULL;
	g_autofree char *counters = NULL;
	g_auto(GStrv) params = NULL;
	gint64 seed = -1, run = 0;
	GOptionEntry entries[] = {
		{ "format", 'f', 0, G_OPTION_ARG_STRING, &format, "c (default): a standalone C program printing KTAP; jsonl: one JSON object per event; perfetto: a trace database's run as Chrome trace-event JSON", "FMT" },
		{ "kernel", 'k', 0, G_OPTION_ARG_STRING, &kernel, "Kernel variant: 6.19, 6.19-prefix, 6.19-nsset-bug, 6.18, 7.1 (default: the scenario's, or the run's)", "V" },
		{ "seed", 's', 0, G_OPTION_ARG_INT64, &seed, "Seed (default: the scenario's, or the run's)", "N" },
		{ "param", 'p', 0, G_OPTION_ARG_FILENAME_ARRAY, &params, "Scenario parameter (repeatable)", "KEY=VALUE" },
		{ "output", 'o', 0, G_OPTION_ARG_FILENAME, &out, "Write here (default: stdout)", "FILE" },
		{ "run", 0, 0, G_OPTION_ARG_INT64, &run, "With a database: the run's id (default: the last run)", "ID" },
		{ "scripts", 0, 0, G_OPTION_ARG_FILENAME, &scripts, "Directory of Lua modules for require() (default: $NSSIM_SCRIPTS, else nssim's own)", "DIR" },
		{ "counters", 0, 0, G_OPTION_ARG_STRING, &counters, "With --format perfetto: ns (default): namespaces and CPU IPIs; all: every counted object", "WHICH" },
		{ NULL },
	};
	g_autoptr(GOptionContext) ctx = g_option_context_new("SCENARIO.lua|TRACE.db");
	g_autoptr(GError) err = NULL;
	g_autoptr(GPtrArray) args = g_ptr_array_new_with_free_func(g_free);
	g_autofree char *scenario = NULL, *fingerprint = NULL;
	bool perfetto;
	int rc;

	g_option_context_set_summary(ctx,
		"Export a scenario run, or a run kept in a trace database, as a test vector or\n"
		"JSON lines; or a run kept in a trace database as a Perfetto trace.\n\n"
		"For c and jsonl the scenario is rerun with every invariant checked and its\n"
		"expectations not evaluated: the vector asserts what the model does.  From a\n"
		"database, the run's kernel, seed, parameters and injected fault are used, and\n"
		"the scenario and module texts the trace kept (no files needed); the rerun\n"
		"must reproduce the run's fingerprint.\n\n"
		"--format c writes one C program (libc and kernel headers only) that replays the\n"
		"run on the running kernel with real syscalls as root, in forked children, and\n"
		"prints KTAP; exit 0 pass, 1 fail, 4 skip (e.g. the kernel is not the variant's).\n\n"
		"--format perfetto reads a run of a trace database (made by nssim run --db; a\n"
		"scenario is refused) and writes it, without rerunning anything, as Chrome\n"
		"trace-event JSON for ui.perfetto.dev (Open trace file) or chrome://tracing: a\n"
		"counter per namespace (__ns_ref, __ns_ref_active), a track per task (alive,\n"
		"zombie, its calls), kernel work, CPUs and lazy-TLB pins.  See docs/perfetto.md.\n\n"
		"Exit status: 0 written; 2 usage or scenario error; 3 the run uses something\n"
		"a real kernel cannot be made to repeat from userspace (named with its line).");
	g_option_context_add_main_entries(ctx, entries, NULL);
	if (!g_option_context_parse(ctx, &argc, &argv, &err))
		return export_usage("%s", err->message);
	if (argc != 2)
		return export_usage("%s", argc < 2 ? "no scenario or database given"
						 : "more than one input given");
	if (format && strcmp(format, "c") && strcmp(format, "jsonl") && strcmp(format, "perfetto"))
		return export_usage("--format '%s': c, jsonl or perfetto", format);
	if (run < 0)
		return export_usage("--run %" G_GINT64_FORMAT ": must be > 0", run);
	perfetto = format && !strcmp(format, "perfetto");
	if (counters && !perfetto)
		return export_usage("--counters is for --format perfetto");
	if (counters && strcmp(counters, "ns") && strcmp(counters, "all"))
		return export_usage("--counters '%s': ns or all", counters);
	if (perfetto && (kernel || seed >= 0 || params || scripts))
		return export_usage("--format perfetto shows a run as it was traced: "
				    "--kernel, --seed, --param and --scripts rerun a scenario");

	g_ptr_array_add(args, g_strdup("run"));
	if (g_file_test(argv[1], G_FILE_TEST_IS_REGULAR) && !is_sqlite(argv[1])) {
		GStatBuf sb;

		if (g_stat(argv[1], &sb) == 0 && sb.st_size == 0)
			return export_usage("%s is empty: neither a scenario nor a trace database", argv[1]);
	}
	if (perfetto) {
		/* the trace is the input: a scenario has to be run into one first */
		if (!g_file_test(argv[1], G_FILE_TEST_EXISTS)) {
			g_printerr("nssim export: cannot open %s: %s\n", argv[1], g_strerror(ENOENT));
			return 2;
		}
		if (!is_sqlite(argv[1]))
			return export_usage("--format perfetto needs a trace database and %s is not one;"
					    " make one with nssim run --db TRACE.db SCENARIO", argv[1]);
		return sim_export_perfetto(argv[1], run, counters && !strcmp(counters, "all"), out);
	}
	if (is_sqlite(argv[1])) {
		rc = run_args_from_db(argv[1], run, args, &scenario, &fingerprint);
		if (rc)
			return rc;
	} else {
		if (run)
			return export_usage("--run is for a trace database; %s is not one", argv[1]);
		scenario = g_strdup(argv[1]);
	}
	/* options given here win: run's parser takes the last occurrence */
	if (kernel)
		g_ptr_array_add(args, g_strdup_printf("--kernel=%s", kernel));
	if (seed >= 0)
		g_ptr_array_add(args, g_strdup_printf("--seed=%" G_GINT64_FORMAT, seed));
	for (char **p = params; p && *p; p++)
		g_ptr_array_add(args, g_strdup_printf("--param=%s", *p));
	if (scripts)
		g_ptr_array_add(args, g_strdup_printf("--scripts=%s", scripts));
	if (fingerprint && !kernel && seed < 0 && !params)
		g_ptr_array_add(args, g_strdup_printf("--expect-fingerprint=%s", fingerprint));
	g_ptr_array_add(args, g_strdup("--no-trace"));
	g_ptr_array_add(args, g_strdup("--ignore-expectations"));
	g_ptr_array_add(args, g_strdup("--audit=full"));
	g_ptr_array_add(args, g_strdup("--export-quiet"));
	if (format && !strcmp(format, "jsonl"))
		g_ptr_array_add(args, g_strdup_printf("--jsonl=%s", out ? out : "-"));
	else
		g_ptr_array_add(args, g_strdup_printf("--vector-c=%s", out ? out : "-"));
	g_ptr_array_add(args, g_strdup("--"));
	g_ptr_array_add(args, g_strdup(scenario));
	g_ptr_array_add(args, NULL);
	{
		/* cmd_run's option parser drops what it parsed from the array: a copy */
		g_autofree char **copy = g_memdup2(args->pdata, sizeof(char *) * args->len);

		rc = cmd_run((int)args->len - 1, copy);
	}
	/* a run that violated an invariant still exports: the variant's behaviour */
	return rc == 1 ? 0 : rc;
}
