/* SPDX-License-Identifier: MIT */
/*
 * nssim-db.h - the SQLite trace: an observer of the core that writes every
 * event, transition, warning, violation and expectation of a run.
 *
 * Rows go through prepared statements inside transactions of a few thousand
 * rows (WAL journal), so a run killed at any point leaves a database that
 * opens and holds every batch committed before the kill.  Errors come back
 * as GError; nothing here prints.
 */
#ifndef NSSIM_DB_H
#define NSSIM_DB_H

#include <glib.h>
#include "nssim-core.h"

G_BEGIN_DECLS

#define NSS_DB_ERROR (nss_db_error_quark())
GQuark nss_db_error_quark(void);

/* Every trace says it is nssim's: PRAGMA application_id ("nsSm") and
 * user_version, the trace schema (2: sweep_run, indexes made at close;
 * 3: run_param, sweep, run.sweep). */
#define NSS_DB_APPLICATION_ID 0x6e73536d
#define NSS_DB_SCHEMA_VERSION 3

typedef struct sqlite3 sqlite3;
/* The first column of the first row of @sql, or -1 (no row, an error). */
int64_t nss_db_int(sqlite3 *db, const char *sql);
/* Refuse a foreign SQLite file or a newer trace schema, with the reason. */
gboolean nss_db_check(sqlite3 *db, const char *path, GError **error);

struct nss_trace;

/* params.c: a run's parameters as rows, typed. */
typedef struct sqlite3_stmt sqlite3_stmt;
/* SQLITE_INTEGER (*i), SQLITE_FLOAT (*d) when @text is a decimal number, else SQLITE_TEXT. */
int nss_param_parse(const char *text, int64_t *i, double *d);
/* Bind @text as INTEGER or REAL when it is a decimal number, else as TEXT. */
void nss_param_bind(sqlite3_stmt *st, int col, const char *text);
/* The run_param rows of @run: config's params, cpus, lazy_tlb, then kernel and seed. */
gboolean nss_db_run_params(sqlite3 *db, int64_t run, const char *kernel, int64_t seed,
			   const char *config, GError **error);
/* Bring an older trace to NSS_DB_SCHEMA_VERSION (after schema.sql); idempotent. */
gboolean nss_db_upgrade(sqlite3 *db, GError **error);

struct nss_run_info {
	const char *scenario;
	const char *kernel;
	uint64_t seed;
	const char *config;      /* JSON */
};

/* Open (and create) @path and start a run row with status 'running'. */
struct nss_trace *nss_trace_open(const char *path, const struct nss_run_info *info,
				 GError **error);
int64_t nss_trace_run_id(const struct nss_trace *t);
/* Rows per transaction (default 4096). */
void nss_trace_set_batch(struct nss_trace *t, unsigned int rows);

/* Create the tables, indexes and views in @path (for gathering runs). */
gboolean nss_trace_init_db(const char *path, GError **error);

/* Attach to a world: the returned observer writes into @t. */
struct nss_observer nss_trace_observer(struct nss_trace *t, struct world *w);

/* What the simulation layer knows about the next event. */
void nss_trace_set_context(struct nss_trace *t, int64_t time_ns, const char *src,
			   const char *args);
/* Name namespace @id in the trace (namespace.label), as sim.label() does. */
void nss_trace_label(struct nss_trace *t, uint64_t id, const char *label);
/* The text of a chunk the run executes (role "scenario" or "module"). */
void nss_trace_add_source(struct nss_trace *t, const char *role, const char *name,
			  const char *path, const char *text, size_t len);
void nss_trace_expectation(struct nss_trace *t, uint64_t event, const char *src,
			   bool ok, const char *message);

/*
 * Close the run: status 'ok', 'failed' or 'violated', an error text, the
 * fingerprint and totals; commit; create indexes and views; close.
 */
gboolean nss_trace_close(struct nss_trace *t, const char *status, const char *error,
			 const char *fingerprint, uint64_t events, uint64_t transitions,
			 GError **err);
/* Remove a trace database and its WAL and shared-memory files. */
void nss_db_remove(const char *path);
/* Close without building the indexes (a sweep's run; readers build them). */
void nss_trace_set_no_index(struct nss_trace *t, bool no_index);
/* Build the indexes and views of a trace closed without them, if writable. */
void nss_db_index(const char *path);
/* Free without closing the run (it stays 'running'); for fatal paths. */
void nss_trace_abandon(struct nss_trace *t);
/* The first write error (disk full, read-only, locked), or NULL: the run must stop. */
const char *nss_trace_error(const struct nss_trace *t);

G_END_DECLS

#endif
