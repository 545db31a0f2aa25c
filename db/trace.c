// SPDX-License-Identifier: MIT
/*
 * trace.c - the SQLite observer (schema in db/schema.sql, indexes and views
 * in db/finish.sql, both embedded at build time).
 *
 * Rows are written with prepared statements; a transaction is committed
 * every `batch` rows, so a crash loses at most the rows of one batch and the
 * database stays consistent (WAL).  Errors of the observer callbacks cannot
 * be returned through the core, so the first one is kept and reported by
 * nss_trace_close().
 */
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "nssim-db.h"
#include "schema-sql.h"
#include "finish-sql.h"

G_DEFINE_QUARK(nss-db-error-quark, nss_db_error)

enum stmt {
	ST_EVENT,
	ST_TRANSITION,
	ST_NS_INSERT,
	ST_NS_LABEL,
	ST_NS_INACTIVE,
	ST_NS_FREED,
	ST_TASK_INSERT,
	ST_TASK_EXITED,
	ST_TASK_REAPED,
	ST_VIOLATION,
	ST_WARNING,
	ST_EXPECTATION,
	ST_TRANSITIONS,
	ST_BLOB,
	ST_RUN_SOURCE,
	ST_NR,
};

/*
 * Transitions are the bulk of a trace (four or five per event): they are
 * kept in a small buffer and written TR_BATCH rows per INSERT, which halves
 * SQLite's per-statement cost (step, reset, halt) per row.  The buffer is
 * written before every commit, so a crash loses no more than before.
 */
#define TR_BATCH 64
#define TR_COLS 9
#define TR_ROW "(?, ?, ?, ?, ?, ?, ?, ?, ?)"

static const char *const stmt_sql[ST_NR] = {
	[ST_EVENT] = "INSERT INTO event (run, seq, time_ns, op, task, args, result, errno, src)"
		     " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
	[ST_TRANSITION] = "INSERT INTO transition (run, seq, event, kind, obj, counter, old, new, site)"
			  " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
	[ST_NS_INSERT] = "INSERT OR REPLACE INTO namespace (run, id, type, inum, owner, parent, initial,"
			 " created_event, label) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
	[ST_NS_LABEL] = "UPDATE namespace SET label = ? WHERE run = ? AND id = ?",
	[ST_NS_INACTIVE] = "UPDATE namespace SET inactive_event = ? WHERE run = ? AND id = ?",
	[ST_NS_FREED] = "UPDATE namespace SET freed_event = ? WHERE run = ? AND id = ?",
	[ST_TASK_INSERT] = "INSERT OR REPLACE INTO task (run, id, pid, parent, created_event)"
			   " VALUES (?, ?, ?, ?, ?)",
	[ST_TASK_EXITED] = "UPDATE task SET exited_event = ? WHERE run = ? AND id = ?",
	[ST_TASK_REAPED] = "UPDATE task SET reaped_event = ? WHERE run = ? AND id = ?",
	[ST_VIOLATION] = "INSERT INTO violation (run, event, rule, kind, obj, expected, actual, detail)"
			 " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
	[ST_WARNING] = "INSERT INTO warning (run, event, rule, site, kind, obj, detail)"
		       " VALUES (?, ?, ?, ?, ?, ?, ?)",
	[ST_EXPECTATION] = "INSERT INTO expectation (run, event, src, ok, message)"
			   " VALUES (?, ?, ?, ?, ?)",
	[ST_TRANSITIONS] = NULL,        /* built for TR_BATCH rows by nss_trace_open() */
	[ST_BLOB] = "INSERT OR IGNORE INTO source_blob (sha256, size, text) VALUES (?, ?, ?)",
	[ST_RUN_SOURCE] = "INSERT OR REPLACE INTO run_source (run, role, name, path, sha256)"
			  " VALUES (?, ?, ?, ?, ?)",
};

struct nss_trace {
	sqlite3 *db;
	sqlite3_stmt *st[ST_NR];
	int64_t run;
	unsigned int batch, pending;
	struct world *w;
	int64_t time_ns;
	char *src, *args;
	int rc;                 /* first SQLite error of a callback */
	char *errmsg;
	struct nss_transition tr[TR_BATCH];     /* not yet written */
	unsigned int ntr;
	bool no_index;          /* leave the index build to the first reader */
	/* namespaces seen per type, at boot and since: the default labels */
	unsigned int nlabel[2][NS_NR_TYPES];
};

static void flush_transitions(struct nss_trace *t);

static gboolean set_error(sqlite3 *db, GError **error, const char *what)
{
	g_set_error(error, NSS_DB_ERROR, 1, "%s: %s", what,
		    db ? sqlite3_errmsg(db) : "out of memory");
	return FALSE;
}

static gboolean exec(struct nss_trace *t, const char *sql, GError **error)
{
	char *msg = NULL;

	if (sqlite3_exec(t->db, sql, NULL, NULL, &msg) == SQLITE_OK)
		return TRUE;
	g_set_error(error, NSS_DB_ERROR, 1, "%s", msg ? msg : "SQLite error");
	sqlite3_free(msg);
	return FALSE;
}

/* Keep the first error of a callback; the run reports it when it closes. */
static void step(struct nss_trace *t, sqlite3_stmt *s)
{
	int rc;

	/* after the first error nothing more is written: the run stops at once */
	if (t->rc != SQLITE_OK) {
		sqlite3_reset(s);
		return;
	}
	rc = sqlite3_step(s);

	/* every statement binds all its parameters: no sqlite3_clear_bindings() */
	sqlite3_reset(s);
	if (rc != SQLITE_DONE && t->rc == SQLITE_OK) {
		t->rc = rc;
		t->errmsg = g_strdup(sqlite3_errmsg(t->db));
	}
	if (++t->pending >= t->batch && t->rc == SQLITE_OK) {
		char *msg = NULL;

		flush_transitions(t);
		if (t->rc != SQLITE_OK)
			return;

		/* a batch that cannot be committed is the run's write error too */
		if (sqlite3_exec(t->db, "COMMIT; BEGIN", NULL, NULL, &msg) != SQLITE_OK) {
			t->rc = sqlite3_errcode(t->db);
			if (t->rc == SQLITE_OK)
				t->rc = SQLITE_ERROR;
			t->errmsg = g_strdup(msg ? msg : sqlite3_errmsg(t->db));
		}
		sqlite3_free(msg);
		t->pending = 0;
	}
}

static gboolean stamp(struct nss_trace *t, GError **error);

struct nss_trace *nss_trace_open(const char *path, const struct nss_run_info *info,
				 GError **error)
{
	g_autoptr(GDateTime) now = g_date_time_new_now_utc();
	g_autofree char *started = g_date_time_format_iso8601(now);
	struct nss_trace *t = g_new0(struct nss_trace, 1);
	sqlite3_stmt *s = NULL;

	t->batch = 4096;
	/* one thread writes: no serialized mutex */
	if (sqlite3_open_v2(path, &t->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
			    SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
		set_error(t->db, error, path);
		goto fail;
	}
	sqlite3_busy_timeout(t->db, 10000);
	/* tests: a database that fills up after this many pages (disk full) */
	if (g_getenv("NSSIM_TEST_DB_MAX_PAGES")) {
		g_autofree char *pragma = g_strdup_printf("PRAGMA max_page_count = %d",
							  atoi(g_getenv("NSSIM_TEST_DB_MAX_PAGES")));

		sqlite3_exec(t->db, pragma, NULL, NULL, NULL);
	}
	if (!nss_db_check(t->db, path, error) || !exec(t, schema_sql, error) ||
	    !nss_db_upgrade(t->db, error) || !stamp(t, error) ||
	    !exec(t, "PRAGMA synchronous = NORMAL", error))
		goto fail;
	/* the run row and its parameters at once (db/params.c) */
	if (!exec(t, "BEGIN", error))
		goto fail;
	if (sqlite3_prepare_v2(t->db,
			       "INSERT INTO run (scenario, kernel, seed, config, started_at, status)"
			       " VALUES (?, ?, ?, ?, ?, 'running')", -1, &s, NULL) != SQLITE_OK) {
		set_error(t->db, error, path);
		goto fail;
	}
	sqlite3_bind_text(s, 1, info->scenario, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(s, 2, info->kernel, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(s, 3, (sqlite3_int64)info->seed);
	sqlite3_bind_text(s, 4, info->config ? info->config : "{}", -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(s, 5, started, -1, SQLITE_TRANSIENT);
	if (sqlite3_step(s) != SQLITE_DONE) {
		set_error(t->db, error, path);
		sqlite3_finalize(s);
		goto fail;
	}
	sqlite3_finalize(s);
	t->run = sqlite3_last_insert_rowid(t->db);
	if (!nss_db_run_params(t->db, t->run, info->kernel, (int64_t)info->seed, info->config,
			       error) || !exec(t, "COMMIT", error))
		goto fail;
	for (int i = 0; i < ST_NR; i++) {
		g_autoptr(GString) sql = g_string_new(stmt_sql[i]);

		if (i == ST_TRANSITIONS) {
			g_string_assign(sql, stmt_sql[ST_TRANSITION]);
			for (int r = 1; r < TR_BATCH; r++)
				g_string_append(sql, ", " TR_ROW);
		}
		if (sqlite3_prepare_v3(t->db, sql->str, -1, SQLITE_PREPARE_PERSISTENT,
				       &t->st[i], NULL) != SQLITE_OK) {
			set_error(t->db, error, sql->str);
			goto fail;
		}
	}
	if (!exec(t, "BEGIN", error))
		goto fail;
	return t;
fail:
	nss_trace_abandon(t);
	return NULL;
}

int64_t nss_db_int(sqlite3 *db, const char *pragma)
{
	sqlite3_stmt *st;
	int64_t v = -1;

	if (sqlite3_prepare_v2(db, pragma, -1, &st, NULL) == SQLITE_OK) {
		if (sqlite3_step(st) == SQLITE_ROW)
			v = sqlite3_column_int64(st, 0);
		sqlite3_finalize(st);
	}
	return v;
}

/*
 * Is @db nssim's?  Ours carry application_id NSS_DB_APPLICATION_ID and the
 * schema version in user_version.  A database without either is taken as
 * ours if empty (a new one) or if it has nssim's tables (a trace from
 * before the stamp, schema 1, which nssim reads and, when writing,
 * upgrades).  Anything else, or a newer schema, is refused.
 */
gboolean nss_db_check(sqlite3 *db, const char *path, GError **error)
{
	int64_t app = nss_db_int(db, "PRAGMA application_id");
	int64_t ver = nss_db_int(db, "PRAGMA user_version");
	int64_t tables = nss_db_int(db, "SELECT count(*) FROM sqlite_master WHERE type = 'table'");
	int64_t run = nss_db_int(db, "SELECT count(*) = 3 FROM sqlite_master WHERE type = 'table'"
				     " AND name IN ('run', 'event', 'transition')");

	if (app < 0 || tables < 0) {
		g_set_error(error, NSS_DB_ERROR, 1, "%s: not an SQLite database", path);
		return FALSE;
	}
	if (app != NSS_DB_APPLICATION_ID && (app != 0 || (tables > 0 && run == 0))) {
		g_set_error(error, NSS_DB_ERROR, 1, "%s: not an nssim trace (an SQLite database "
			    "of another program)", path);
		return FALSE;
	}
	if (ver > NSS_DB_SCHEMA_VERSION) {
		g_set_error(error, NSS_DB_ERROR, 1, "%s: written by a newer nssim (trace schema %"
			    G_GINT64_FORMAT "; this one reads up to %d)", path, ver,
			    NSS_DB_SCHEMA_VERSION);
		return FALSE;
	}
	return TRUE;
}

/* After the schema script: the stamp (an older trace is upgraded with it). */
static gboolean stamp(struct nss_trace *t, GError **error)
{
	g_autofree char *sql = g_strdup_printf("PRAGMA application_id = %d; PRAGMA user_version = %d",
					       NSS_DB_APPLICATION_ID, NSS_DB_SCHEMA_VERSION);

	return exec(t, sql, error);
}

gboolean nss_trace_init_db(const char *path, GError **error)
{
	struct nss_trace t = { 0 };
	gboolean ok;

	if (sqlite3_open(path, &t.db) != SQLITE_OK) {
		set_error(t.db, error, path);
		sqlite3_close(t.db);
		return FALSE;
	}
	sqlite3_busy_timeout(t.db, 10000);
	ok = nss_db_check(t.db, path, error) && exec(&t, schema_sql, error) &&
	     nss_db_upgrade(t.db, error) && stamp(&t, error) && exec(&t, finish_sql, error);
	sqlite3_close(t.db);
	return ok;
}

int64_t nss_trace_run_id(const struct nss_trace *t)
{
	return t->run;
}

void nss_trace_set_batch(struct nss_trace *t, unsigned int rows)
{
	t->batch = rows ? rows : 1;
}

void nss_trace_set_context(struct nss_trace *t, int64_t time_ns, const char *src,
			   const char *args)
{
	t->time_ns = time_ns;
	g_free(t->src);
	t->src = g_strdup(src);
	g_free(t->args);
	t->args = g_strdup(args);
}

static void bind_text_or_null(sqlite3_stmt *s, int i, const char *v)
{
	if (v)
		sqlite3_bind_text(s, i, v, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(s, i);
}

static void on_event_end(void *data, const struct nss_event *ev)
{
	struct nss_trace *t = data;
	sqlite3_stmt *s = t->st[ST_EVENT];

	sqlite3_bind_int64(s, 1, t->run);
	sqlite3_bind_int64(s, 2, (sqlite3_int64)ev->seq);
	sqlite3_bind_int64(s, 3, t->time_ns);
	sqlite3_bind_text(s, 4, ev->op, -1, SQLITE_STATIC);
	if (ev->task)
		sqlite3_bind_int64(s, 5, (sqlite3_int64)ev->task);
	else
		sqlite3_bind_null(s, 5);
	/* the context belongs to the scenario call; deferred work names its object */
	if (!ev->kernel_work) {
		bind_text_or_null(s, 6, t->args);
	} else if (ev->args[1]) {
		static const char *const kinds[] = { "cred", "pid", "ns", "task" };
		char buf[64];

		g_snprintf(buf, sizeof(buf), "%s %" G_GINT64_FORMAT,
			   ev->args[0] >= 0 && ev->args[0] < 4 ? kinds[ev->args[0]] : "obj",
			   ev->args[1]);
		sqlite3_bind_text(s, 6, buf, -1, SQLITE_TRANSIENT);
	} else {
		sqlite3_bind_null(s, 6);
	}
	sqlite3_bind_int64(s, 7, ev->result);
	bind_text_or_null(s, 8, ev->result < 0 ? nss_errno_name((int)-ev->result) : NULL);
	bind_text_or_null(s, 9, ev->kernel_work ? NULL : t->src);
	step(t, s);
}

/* Bind one transition as row @row (from 0) of statement @s. */
static void bind_transition(struct nss_trace *t, sqlite3_stmt *s, int row,
			    const struct nss_transition *tr)
{
	int c = row * TR_COLS;

	sqlite3_bind_int64(s, c + 1, t->run);
	sqlite3_bind_int64(s, c + 2, (sqlite3_int64)tr->seq);
	sqlite3_bind_int64(s, c + 3, (sqlite3_int64)tr->event);
	sqlite3_bind_text(s, c + 4, nss_obj_kind_name(tr->kind), -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, c + 5, (sqlite3_int64)tr->obj);
	sqlite3_bind_text(s, c + 6, nss_counter_name(tr->counter), -1, SQLITE_STATIC);
	sqlite3_bind_int(s, c + 7, tr->old_val);
	sqlite3_bind_int(s, c + 8, tr->new_val);
	sqlite3_bind_text(s, c + 9, tr->site, -1, SQLITE_STATIC);
}

/* Write the buffered transitions: whole batches at once, the rest one by one. */
static void flush_transitions(struct nss_trace *t)
{
	unsigned int n = t->ntr;

	t->ntr = 0;
	if (t->rc != SQLITE_OK || !n)
		return;
	if (n == TR_BATCH) {
		for (unsigned int i = 0; i < n; i++)
			bind_transition(t, t->st[ST_TRANSITIONS], (int)i, &t->tr[i]);
		/* the commit batch counts rows, not statements */
		t->pending += TR_BATCH - 1;
		step(t, t->st[ST_TRANSITIONS]);
		return;
	}
	for (unsigned int i = 0; i < n; i++) {
		bind_transition(t, t->st[ST_TRANSITION], 0, &t->tr[i]);
		step(t, t->st[ST_TRANSITION]);
	}
}

static void on_transition(void *data, const struct nss_transition *tr)
{
	struct nss_trace *t = data;

	t->tr[t->ntr++] = *tr;
	if (t->ntr == TR_BATCH)
		flush_transitions(t);
	if (tr->kind == OBJ_NS && tr->counter == CTR_ACTIVE && tr->new_val == 0) {
		sqlite3_stmt *s = t->st[ST_NS_INACTIVE];

		sqlite3_bind_int64(s, 1, (sqlite3_int64)tr->event);
		sqlite3_bind_int64(s, 2, t->run);
		sqlite3_bind_int64(s, 3, (sqlite3_int64)tr->obj);
		step(t, s);
	}
}

static void on_warning(void *data, const struct nss_warning *wr)
{
	struct nss_trace *t = data;
	sqlite3_stmt *s = t->st[ST_WARNING];

	sqlite3_bind_int64(s, 1, t->run);
	sqlite3_bind_int64(s, 2, (sqlite3_int64)wr->event);
	sqlite3_bind_text(s, 3, wr->rule, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 4, wr->site, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 5, nss_obj_kind_name(wr->kind), -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 6, (sqlite3_int64)wr->obj);
	bind_text_or_null(s, 7, wr->detail);
	step(t, s);
}

static void on_violation(void *data, const struct nss_violation *v)
{
	struct nss_trace *t = data;
	sqlite3_stmt *s = t->st[ST_VIOLATION];

	sqlite3_bind_int64(s, 1, t->run);
	sqlite3_bind_int64(s, 2, (sqlite3_int64)v->event);
	sqlite3_bind_text(s, 3, v->rule, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 4, nss_obj_kind_name(v->kind), -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 5, (sqlite3_int64)v->obj);
	sqlite3_bind_int64(s, 6, v->expected);
	sqlite3_bind_int64(s, 7, v->actual);
	bind_text_or_null(s, 8, v->detail);
	step(t, s);
}

static void insert_ns(struct nss_trace *t, uint64_t id, bool boot)
{
	struct nss_ns_info i;
	sqlite3_stmt *s = t->st[ST_NS_INSERT];

	if (!nss_ns_info(t->w, id, &i))
		return;
	sqlite3_bind_int64(s, 1, t->run);
	sqlite3_bind_int64(s, 2, (sqlite3_int64)i.id);
	sqlite3_bind_text(s, 3, ns_type_name(i.type), -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 4, i.inum);
	if (i.owner)
		sqlite3_bind_int64(s, 5, (sqlite3_int64)i.owner);
	else
		sqlite3_bind_null(s, 5);
	if (i.parent)
		sqlite3_bind_int64(s, 6, (sqlite3_int64)i.parent);
	else
		sqlite3_bind_null(s, 6);
	sqlite3_bind_int(s, 7, i.initial);
	if (boot)
		sqlite3_bind_null(s, 8);
	else
		sqlite3_bind_int64(s, 8, (sqlite3_int64)world_event_count(t->w));
	{
		/*
		 * A name that does not depend on the kernel modelled, to join runs
		 * on: ids and inums differ between kernels (7.1 boots one more mount
		 * namespace), the order in which a scenario makes namespaces of a
		 * type does not.  Boot's: init_net, init_mnt2 ...; the run's: net1 ...
		 */
		unsigned int n = ++t->nlabel[boot][i.type];
		g_autofree char *label = boot
			? g_strdup_printf("init_%s%.0u", ns_type_name(i.type), n > 1 ? n : 0)
			: g_strdup_printf("%s%u", ns_type_name(i.type), n);

		sqlite3_bind_text(s, 9, label, -1, SQLITE_TRANSIENT);
	}
	step(t, s);
}

void nss_trace_label(struct nss_trace *t, uint64_t id, const char *label)
{
	sqlite3_stmt *s = t->st[ST_NS_LABEL];

	sqlite3_bind_text(s, 1, label, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(s, 2, t->run);
	sqlite3_bind_int64(s, 3, (sqlite3_int64)id);
	step(t, s);
}

static void update_event(struct nss_trace *t, enum stmt st, uint64_t id)
{
	sqlite3_stmt *s = t->st[st];

	sqlite3_bind_int64(s, 1, (sqlite3_int64)world_event_count(t->w));
	sqlite3_bind_int64(s, 2, t->run);
	sqlite3_bind_int64(s, 3, (sqlite3_int64)id);
	step(t, s);
}

static void insert_task(struct nss_trace *t, uint64_t id, bool boot)
{
	sqlite3_stmt *s = t->st[ST_TASK_INSERT];
	uint64_t parent = nss_task_parent(t->w, id);

	sqlite3_bind_int64(s, 1, t->run);
	sqlite3_bind_int64(s, 2, (sqlite3_int64)id);
	sqlite3_bind_int64(s, 3, nss_task_pid_nr(t->w, id));
	if (parent)
		sqlite3_bind_int64(s, 4, (sqlite3_int64)parent);
	else
		sqlite3_bind_null(s, 4);
	if (boot)
		sqlite3_bind_null(s, 5);
	else
		sqlite3_bind_int64(s, 5, (sqlite3_int64)world_event_count(t->w));
	step(t, s);
}

static void on_object(void *data, enum nss_object_change what, enum nss_obj_kind kind,
		      uint64_t id)
{
	struct nss_trace *t = data;

	switch (what) {
	case NSS_NS_TREE_ADD:
		if (kind == OBJ_NS)
			insert_ns(t, id, false);
		break;
	case NSS_OBJ_FREED:
		if (kind == OBJ_NS)
			update_event(t, ST_NS_FREED, id);
		break;
	case NSS_OBJ_CREATED:
		if (kind == NSS_OBJ_TASK)
			insert_task(t, id, false);
		break;
	case NSS_TASK_EXITED:
		update_event(t, ST_TASK_EXITED, id);
		break;
	case NSS_TASK_REAPED:
		update_event(t, ST_TASK_REAPED, id);
		break;
	default:
		break;
	}
}

struct nss_observer nss_trace_observer(struct nss_trace *t, struct world *w)
{
	g_autoptr(GArray) ids = nss_ns_ids(w);

	t->w = w;
	/* what exists before the first event: the boot namespaces and init */
	for (guint i = 0; i < ids->len; i++)
		insert_ns(t, g_array_index(ids, uint64_t, i), true);
	insert_task(t, world_init_task(w), true);
	return (struct nss_observer){
		.event_end = on_event_end,
		.transition = on_transition,
		.warning = on_warning,
		.violation = on_violation,
		.object = on_object,
		.data = t,
	};
}

void nss_trace_add_source(struct nss_trace *t, const char *role, const char *name,
			  const char *path, const char *text, size_t len)
{
	g_autofree char *sum = g_compute_checksum_for_data(G_CHECKSUM_SHA256,
							   (const guchar *)text, len);
	sqlite3_stmt *s = t->st[ST_BLOB];

	sqlite3_bind_text(s, 1, sum, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 2, (sqlite3_int64)len);
	sqlite3_bind_blob(s, 3, text, (int)len, SQLITE_STATIC);
	step(t, s);
	s = t->st[ST_RUN_SOURCE];
	sqlite3_bind_int64(s, 1, t->run);
	sqlite3_bind_text(s, 2, role, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, name, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 4, path, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 5, sum, -1, SQLITE_STATIC);
	step(t, s);
}

void nss_trace_expectation(struct nss_trace *t, uint64_t event, const char *src,
			   bool ok, const char *message)
{
	sqlite3_stmt *s = t->st[ST_EXPECTATION];

	sqlite3_bind_int64(s, 1, t->run);
	sqlite3_bind_int64(s, 2, (sqlite3_int64)event);
	sqlite3_bind_text(s, 3, src ? src : "?", -1, SQLITE_TRANSIENT);
	sqlite3_bind_int(s, 4, ok);
	bind_text_or_null(s, 5, message);
	step(t, s);
}

gboolean nss_trace_close(struct nss_trace *t, const char *status, const char *error,
			 const char *fingerprint, uint64_t events, uint64_t transitions,
			 GError **err)
{
	g_autoptr(GDateTime) now = g_date_time_new_now_utc();
	g_autofree char *finished = g_date_time_format_iso8601(now);
	sqlite3_stmt *s = NULL;
	gboolean ok = TRUE;

	flush_transitions(t);
	if (t->rc != SQLITE_OK) {
		g_set_error(err, NSS_DB_ERROR, 1, "writing the trace: %s", t->errmsg);
		ok = FALSE;
	}
	if (sqlite3_prepare_v2(t->db,
			       "UPDATE run SET finished_at = ?, status = ?, error = ?, fingerprint = ?,"
			       " events = ?, transitions = ? WHERE id = ?", -1, &s, NULL) == SQLITE_OK) {
		sqlite3_bind_text(s, 1, finished, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(s, 2, status, -1, SQLITE_TRANSIENT);
		bind_text_or_null(s, 3, error);
		bind_text_or_null(s, 4, fingerprint);
		sqlite3_bind_int64(s, 5, (sqlite3_int64)events);
		sqlite3_bind_int64(s, 6, (sqlite3_int64)transitions);
		sqlite3_bind_int64(s, 7, t->run);
		if (sqlite3_step(s) != SQLITE_DONE && ok)
			ok = set_error(t->db, err, "closing the run");
		sqlite3_finalize(s);
	} else if (ok) {
		ok = set_error(t->db, err, "closing the run");
	}
	if (!exec(t, "COMMIT", ok ? err : NULL))
		ok = FALSE;
	/* the sorter of CREATE INDEX spills less with a larger page cache (8 %) */
	if (!t->no_index && (!exec(t, "PRAGMA cache_size = -65536", NULL) ||
			     !exec(t, finish_sql, ok ? err : NULL)))
		ok = FALSE;
	nss_trace_abandon(t);
	return ok;
}

void nss_db_remove(const char *path)
{
	static const char *const suffixes[] = { "", "-wal", "-shm" };

	for (guint k = 0; k < G_N_ELEMENTS(suffixes); k++) {
		g_autofree char *f = g_strconcat(path, suffixes[k], NULL);

		unlink(f);
	}
}

void nss_trace_set_no_index(struct nss_trace *t, bool no_index)
{
	t->no_index = no_index;
}

/*
 * Readers call this before they open @path read-only: a trace closed with
 * no index (a sweep's run, a killed run) gets its indexes and views now,
 * once, so that queries on it are as fast as on any other.  A database we
 * cannot write is left alone; it is still readable, only slower.
 */
void nss_db_index(const char *path)
{
	struct nss_trace t = { 0 };

	if (sqlite3_open_v2(path, &t.db, SQLITE_OPEN_READWRITE, NULL) == SQLITE_OK) {
		sqlite3_busy_timeout(t.db, 10000);
		/*
		 * The last index and the newest view finish.sql makes: a trace
		 * of an older nssim gets the views added since, too.
		 */
		if (nss_db_check(t.db, path, NULL) &&
		    nss_db_int(t.db, "SELECT count(*) FROM sqlite_master WHERE"
				     " (type = 'index' AND name = 'violation_run') OR"
				     " (type = 'view' AND name IN ('ns_holders', 'ns_holders_at'))") < 3)
			exec(&t, finish_sql, NULL);
	}
	sqlite3_close(t.db);
}

const char *nss_trace_error(const struct nss_trace *t)
{
	return t && t->rc != SQLITE_OK ? t->errmsg : NULL;
}

void nss_trace_abandon(struct nss_trace *t)
{
	if (!t)
		return;
	for (int i = 0; i < ST_NR; i++)
		sqlite3_finalize(t->st[i]);
	if (t->db && !sqlite3_get_autocommit(t->db))
		sqlite3_exec(t->db, "COMMIT", NULL, NULL, NULL);
	sqlite3_close(t->db);
	g_free(t->src);
	g_free(t->args);
	g_free(t->errmsg);
	g_free(t);
}
