// SPDX-License-Identifier: MIT
/*
 * bench.c - `nssim bench`: a built-in churn workload (clone with random
 * CLONE_NEW* flags, /proc ns opens and closes, setns, exit, reap, deferred
 * frees) run without and with the trace, and a raw SQLite baseline that
 * inserts the same number of transition rows the same way (prepared
 * statement, one transaction per batch).  Then what users run: the Lua
 * churn of bench/churn.lua (embedded) through `nssim run` with the default
 * audit, untraced, traced and traced without the index build, and the same
 * churn in worlds of growing size, as CPU time per event of the child
 * process.  The last line is one JSON object.
 */
#include <sqlite3.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>
#include "sim.h"
#include "churn-lua.h"

#define POOL 48

struct churn {
	struct world *w;
	GRand *r;
	uint64_t pool[POOL];
	int fds[POOL];
	uint64_t init;
};

static const uint64_t newflags[] = {
	NSS_CLONE_NEWUSER, NSS_CLONE_NEWNET, NSS_CLONE_NEWPID, NSS_CLONE_NEWUTS,
	NSS_CLONE_NEWIPC, NSS_CLONE_NEWNS, NSS_CLONE_NEWCGROUP,
};

static void churn_step(struct churn *c)
{
	int i = g_rand_int_range(c->r, 0, POOL);
	uint64_t t = c->pool[i];

	if (!t) {
		uint64_t fl = 0;

		for (guint k = 0; k < G_N_ELEMENTS(newflags); k++)
			if (g_rand_int_range(c->r, 0, 4) == 0)
				fl |= newflags[k];
		int64_t id = sys_clone(c->w, c->init, fl, NULL);

		c->pool[i] = id > 0 ? (uint64_t)id : 0;
		c->fds[i] = -1;
		return;
	}
	switch (g_rand_int_range(c->r, 0, 6)) {
	case 0:
		if (c->fds[i] < 0)
			c->fds[i] = sys_open_ns(c->w, c->init, t, "net");
		else if (sys_close(c->w, c->init, c->fds[i]) == 0)
			c->fds[i] = -1;
		break;
	case 1: {
		int j = g_rand_int_range(c->r, 0, POOL);

		if (c->pool[j] && c->fds[j] >= 0) {
			/* a child joins another's net ns through init's fd: no such
			 * fd in its own table, so it opens its own first */
			int fd = sys_open_ns(c->w, t, c->pool[j], "net");

			if (fd >= 0) {
				sys_setns(c->w, t, fd, 0);
				sys_close(c->w, t, fd);
			}
		}
		break;
	}
	case 2:
		sys_unshare(c->w, t, NSS_CLONE_NEWUTS);
		break;
	case 3:
		world_run_deferred(c->w, 0);
		break;
	default:
		if (c->fds[i] >= 0)
			sys_close(c->w, c->init, c->fds[i]);
		sys_exit_group(c->w, t, 0);
		sys_wait(c->w, c->init, t, 0);
		c->pool[i] = 0;
		c->fds[i] = -1;
	}
}

/* Run @events events of churn; returns the seconds it took. */
static double churn_run(uint64_t events, struct nss_trace *trace, uint64_t *transitions)
{
	struct nss_config cfg = { .audit = NSS_AUDIT_OFF };
	struct churn c = { 0 };
	gint64 t0;
	double dt;

	c.w = world_new(&cfg);
	c.r = g_rand_new_with_seed(1);
	c.init = world_init_task(c.w);
	if (trace) {
		struct nss_observer o = nss_trace_observer(trace, c.w);

		world_add_observer(c.w, &o);
	}
	t0 = g_get_monotonic_time();
	while (world_event_count(c.w) < events)
		churn_step(&c);
	dt = (g_get_monotonic_time() - t0) / 1e6;
	*transitions = world_transition_count(c.w);
	if (trace)
		nss_trace_close(trace, "ok", NULL, NULL, world_event_count(c.w), *transitions, NULL);
	g_rand_free(c.r);
	world_free(c.w);
	return dt;
}

/* The same rows, straight into SQLite. */
static double baseline(const char *path, uint64_t rows, unsigned int batch)
{
	sqlite3 *db;
	sqlite3_stmt *st;
	gint64 t0;
	double dt;

	if (sqlite3_open(path, &db) != SQLITE_OK)
		return -1;
	sqlite3_exec(db, "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;"
		     "CREATE TABLE transition (run INTEGER NOT NULL, seq INTEGER NOT NULL,"
		     " event INTEGER NOT NULL, kind TEXT NOT NULL, obj INTEGER NOT NULL,"
		     " counter TEXT NOT NULL, old INTEGER NOT NULL, new INTEGER NOT NULL,"
		     " site TEXT NOT NULL, PRIMARY KEY (run, seq))", NULL, NULL, NULL);
	sqlite3_prepare_v2(db, "INSERT INTO transition VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", -1,
			   &st, NULL);
	t0 = g_get_monotonic_time();
	sqlite3_exec(db, "BEGIN", NULL, NULL, NULL);
	for (uint64_t i = 1; i <= rows; i++) {
		sqlite3_bind_int64(st, 1, 1);
		sqlite3_bind_int64(st, 2, (sqlite3_int64)i);
		sqlite3_bind_int64(st, 3, (sqlite3_int64)(i / 7));
		sqlite3_bind_text(st, 4, "ns", -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 5, (sqlite3_int64)(i % 97));
		sqlite3_bind_text(st, 6, "active", -1, SQLITE_STATIC);
		sqlite3_bind_int(st, 7, (int)(i % 5));
		sqlite3_bind_int(st, 8, (int)(i % 5) + 1);
		sqlite3_bind_text(st, 9, "nsproxy_ns_active_get", -1, SQLITE_STATIC);
		sqlite3_step(st);
		sqlite3_reset(st);
		if (i % batch == 0)
			sqlite3_exec(db, "COMMIT; BEGIN", NULL, NULL, NULL);
	}
	sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
	dt = (g_get_monotonic_time() - t0) / 1e6;
	sqlite3_finalize(st);
	sqlite3_close(db);
	return dt;
}

/*
 * One `nssim run` of the churn as a child process: CPU seconds (user +
 * system, from wait4) per event, or a negative value if it failed.
 */
static double lua_churn(const char *self, const char *script, const char *db, bool no_index,
			unsigned int tasks, unsigned int rounds, uint64_t *events)
{
	g_autofree char *p_tasks = g_strdup_printf("tasks=%u", tasks);
	g_autofree char *p_rounds = g_strdup_printf("rounds=%u", rounds);
	const char *argv[16] = { self, "run", "-p", p_tasks, "-p", p_rounds };
	int n = 6, out_fd, status;
	g_autoptr(GString) out = g_string_new(NULL);
	char buf[4096];
	ssize_t k;
	GPid pid;
	struct rusage ru;
	const char *ev;

	if (db) {
		argv[n++] = "--db";
		argv[n++] = db;
		if (no_index)
			argv[n++] = "--no-index";
	} else {
		argv[n++] = "--no-trace";
	}
	argv[n++] = script;
	if (db)
		unlink(db);
	if (!g_spawn_async_with_pipes(NULL, (char **)argv, NULL, G_SPAWN_DO_NOT_REAP_CHILD |
				      G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL, &pid, NULL,
				      &out_fd, NULL, NULL))
		return -1;
	while ((k = read(out_fd, buf, sizeof(buf))) > 0)
		g_string_append_len(out, buf, k);
	close(out_fd);
	if (wait4(pid, &status, 0, &ru) != pid || !WIFEXITED(status) || WEXITSTATUS(status))
		return -1;
	ev = strstr(out->str, "events: ");
	*events = ev ? g_ascii_strtoull(ev + 8, NULL, 10) : 0;
	if (!*events)
		return -1;
	return (ru.ru_utime.tv_sec + ru.ru_stime.tv_sec +
		(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6) / (double)*events;
}

/*
 * The Lua churn as users run it, and its cost per event against the size
 * of the world: each size replaces its tasks enough times to make about
 * as many events as 100 tasks replaced @rounds times.  Appends its JSON
 * members to @json.  FALSE if a run failed.
 */
static gboolean lua_bench(const char *dir, const char *sizes, unsigned int rounds, GString *json)
{
	g_autofree char *self = g_file_read_link("/proc/self/exe", NULL);
	g_autofree char *script = g_build_filename(dir, "churn.lua", NULL);
	g_autofree char *db = g_build_filename(dir, "churn.db", NULL);
	g_auto(GStrv) size = g_strsplit(sizes, ",", -1);
	const struct { const char *name; bool traced, no_index; } modes[] = {
		{ "untraced", false, false },
		{ "traced, indexes built at close", true, false },
		{ "traced, --no-index", true, true },
	};
	double base = 0;
	uint64_t ev;

	if (!self || !g_file_set_contents(script, churn_lua, -1, NULL))
		return FALSE;
	g_print("Lua churn (bench/churn.lua, default audit), 100 tasks x %u rounds,"
		" CPU time of the nssim run process:\n", rounds);
	for (guint m = 0; m < G_N_ELEMENTS(modes); m++) {
		double c = lua_churn(self, script, modes[m].traced ? db : NULL, modes[m].no_index,
				     100, rounds, &ev);

		if (c < 0)
			return FALSE;
		g_print("  %-31s %8.2f us/event (%" G_GUINT64_FORMAT " events, %.0f events/s)\n",
			modes[m].name, c * 1e6, ev, 1 / c);
		g_string_append_printf(json, ", \"lua_us_per_event_%s\": %.3f",
				       m == 0 ? "untraced" : m == 1 ? "traced" : "traced_no_index",
				       c * 1e6);
		nss_db_remove(db);
	}
	g_print("cost per event against the size of the world (untraced):\n");
	g_string_append(json, ", \"lua_size_sweep\": [");
	for (guint i = 0; size[i]; i++) {
		guint64 tasks;
		unsigned int r;
		double c;

		if (!g_ascii_string_to_unsigned(size[i], 10, 1, 1000000, &tasks, NULL))
			return FALSE;
		/* the same total of replacements as 100 tasks x rounds, at least one */
		r = (unsigned int)MAX(1, 100 * (guint64)rounds / tasks);
		c = lua_churn(self, script, NULL, false, (unsigned int)tasks, r, &ev);
		if (c < 0)
			return FALSE;
		if (!base)
			base = c;
		g_print("  %7" G_GUINT64_FORMAT " tasks x %4u rounds: %8.2f us/event"
			" (%" G_GUINT64_FORMAT " events), %.2f x the first\n",
			tasks, r, c * 1e6, ev, c / base);
		g_string_append_printf(json, "%s{\"tasks\": %" G_GUINT64_FORMAT
				       ", \"us_per_event\": %.3f}", i ? ", " : "", tasks, c * 1e6);
	}
	g_string_append(json, "]");
	unlink(script);
	return TRUE;
}

int cmd_bench(int argc, char **argv)
{
	gint64 events = 400000, rounds = 20;
	g_autofree char *dir = NULL, *sizes = NULL;
	gboolean no_lua = FALSE;
	g_autoptr(GString) json = g_string_new(NULL);
	GOptionEntry entries[] = {
		{ "events", 'n', 0, G_OPTION_ARG_INT64, &events, "Events per measurement of the C core (default 400000)", "N" },
		{ "rounds", 0, 0, G_OPTION_ARG_INT64, &rounds, "Lua churn: times each of 100 tasks is replaced (default 20; five calls each)", "N" },
		{ "sizes", 0, 0, G_OPTION_ARG_STRING, &sizes, "Lua churn: live tasks of the size sweep (default 100,1000,10000)", "N,N..." },
		{ "no-lua", 0, 0, G_OPTION_ARG_NONE, &no_lua, "Measure the C core and SQLite only", NULL },
		{ "dir", 0, 0, G_OPTION_ARG_FILENAME, &dir, "Directory for the databases (default: a temporary one)", "DIR" },
		{ NULL },
	};
	g_autoptr(GOptionContext) ctx = g_option_context_new(NULL);
	g_autoptr(GError) err = NULL;
	g_autofree char *tmp = NULL, *trace_db = NULL, *base_db = NULL;
	struct nss_run_info info = { .scenario = "(bench)", .kernel = "6.19", .seed = 1,
				     .config = "{\"audit\": \"off\"}" };
	struct nss_trace *trace;
	uint64_t tr_plain = 0, tr_traced = 0;
	double t_plain, t_traced, t_base;
	struct utsname u;

	g_option_context_set_summary(ctx,
		"Churn workload throughput of the C core (audit off), without and with the\n"
		"trace, and a raw SQLite baseline writing the same rows; then the Lua churn\n"
		"users run (bench/churn.lua, default audit) untraced and traced, and its\n"
		"cost per event in worlds of growing size.  The last line is one JSON object.\n"
		"Instruction counts: bench/README.md (callgrind).");
	g_option_context_add_main_entries(ctx, entries, NULL);
	if (!g_option_context_parse(ctx, &argc, &argv, &err) || argc != 1 || events <= 0 ||
	    rounds <= 0 || rounds > 1000000) {
		g_printerr("nssim bench: %s (see nssim bench --help)\n",
			   err ? err->message : "bad arguments");
		return 2;
	}
	if (sizes) {
		g_auto(GStrv) size = g_strsplit(sizes, ",", -1);

		for (guint i = 0; size[i]; i++) {
			if (!g_ascii_string_to_unsigned(size[i], 10, 1, 1000000, NULL, NULL)) {
				g_printerr("nssim bench: --sizes %s: live task counts from 1 to"
					   " 1000000, separated by commas\n", sizes);
				return 2;
			}
		}
	}
	if (!dir) {
		tmp = g_dir_make_tmp("nssim-bench-XXXXXX", &err);
		if (!tmp) {
			g_printerr("nssim bench: %s\n", err->message);
			return 2;
		}
	}
	trace_db = g_build_filename(dir ? dir : tmp, "bench-trace.db", NULL);
	base_db = g_build_filename(dir ? dir : tmp, "bench-baseline.db", NULL);
	unlink(trace_db);
	unlink(base_db);

	t_plain = churn_run((uint64_t)events, NULL, &tr_plain);
	trace = nss_trace_open(trace_db, &info, &err);
	if (!trace) {
		g_printerr("nssim bench: %s: %s\n", trace_db, err->message);
		return 2;
	}
	t_traced = churn_run((uint64_t)events, trace, &tr_traced);
	t_base = baseline(base_db, tr_traced, 4096);
	uname(&u);
	g_print("churn: %" G_GINT64_FORMAT " events, %" G_GUINT64_FORMAT " transitions\n",
		events, tr_traced);
	g_print("no trace: %.3f s; trace: %.3f s; SQLite baseline (%" G_GUINT64_FORMAT " rows): %.3f s\n",
		t_plain, t_traced, tr_traced, t_base);
	if (!no_lua && !lua_bench(dir ? dir : tmp, sizes ? sizes : "100,1000,10000",
				  (unsigned int)rounds, json)) {
		g_printerr("nssim bench: a `nssim run` of the Lua churn failed\n");
		return 2;
	}
	g_print("{\"events\": %" G_GINT64_FORMAT ", \"transitions\": %" G_GUINT64_FORMAT ", "
		"\"events_per_s_no_trace\": %.0f, \"events_per_s_trace\": %.0f, "
		"\"transitions_per_s_no_trace\": %.0f, "
		"\"rows_per_s_trace\": %.0f, \"rows_per_s_baseline\": %.0f, "
		"\"machine\": \"%s %s, %ld cpus\", \"build\": \"%s\"%s}\n",
		events, tr_traced, events / t_plain, events / t_traced, tr_plain / t_plain,
		tr_traced / t_traced, tr_traced / t_base, u.machine, u.release,
		sysconf(_SC_NPROCESSORS_ONLN), NSSIM_BUILDTYPE, json->str);
	nss_db_remove(trace_db);
	nss_db_remove(base_db);
	if (tmp)
		rmdir(tmp);
	return 0;
}
