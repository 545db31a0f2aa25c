// SPDX-License-Identifier: MIT
/*
 * params.c - a run's parameters as rows (run_param), and the upgrade of
 * older traces to the schema that has them.
 *
 * Every run has one run_param row per parameter: the scenario's (config
 * JSON "params": --param and the scenario{} header's defaults) and the run
 * settings cpus, lazy_tlb, kernel and seed, so that runs can be selected
 * and grouped on any of them with plain SQL.  As OMNeT++ keeps a run's
 * iteration variables beside its results, a value is stored as INTEGER or
 * REAL when its text is a decimal number, else as TEXT; `kernel` names a
 * model variant and stays TEXT ("7.10" is not 7.1).
 */
#include <math.h>
#include <sqlite3.h>
#include <string.h>
#include "nssim-db.h"

int nss_param_parse(const char *text, int64_t *i, double *d)
{
	gint64 n;
	char *end;

	if (!text || !*text || g_ascii_isspace(text[0]))
		return SQLITE_TEXT;
	if (g_ascii_string_to_signed(text, 10, G_MININT64, G_MAXINT64, &n, NULL)) {
		*i = n;
		return SQLITE_INTEGER;
	}
	/* strtod also takes hex, inf and nan: none of them is a decimal number */
	if (strpbrk(text, "xXnN"))
		return SQLITE_TEXT;
	*d = g_ascii_strtod(text, &end);
	if (end == text || *end || !isfinite(*d))
		return SQLITE_TEXT;
	return SQLITE_FLOAT;
}

void nss_param_bind(sqlite3_stmt *st, int col, const char *text)
{
	int64_t i = 0;
	double d = 0;

	switch (nss_param_parse(text, &i, &d)) {
	case SQLITE_INTEGER:
		sqlite3_bind_int64(st, col, i);
		break;
	case SQLITE_FLOAT:
		sqlite3_bind_double(st, col, d);
		break;
	default:
		sqlite3_bind_text(st, col, text, -1, SQLITE_TRANSIENT);
	}
}

static gboolean db_error(sqlite3 *db, GError **error, const char *what)
{
	g_set_error(error, NSS_DB_ERROR, 1, "%s: %s", what, sqlite3_errmsg(db));
	return FALSE;
}

gboolean nss_db_run_params(sqlite3 *db, int64_t run, const char *kernel, int64_t seed,
			   const char *config, GError **error)
{
	/* the scenario's parameters, then the run settings (they win a clash) */
	static const char *const sel =
		"WITH c(j) AS (SELECT CASE WHEN json_valid(?1) THEN ?1 ELSE '{}' END)"
		" SELECT key, CAST(value AS TEXT) FROM c, json_each(c.j, '$.params')"
		" UNION ALL SELECT key, CAST(value AS TEXT) FROM c, json_each(c.j)"
		" WHERE key IN ('cpus', 'lazy_tlb')";
	sqlite3_stmt *q = NULL, *ins = NULL;
	gboolean ok = FALSE;

	if (sqlite3_prepare_v2(db, sel, -1, &q, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db, "INSERT OR REPLACE INTO run_param (run, name, value)"
			       " VALUES (?1, ?2, ?3)", -1, &ins, NULL) != SQLITE_OK) {
		db_error(db, error, "writing the run's parameters");
		goto out;
	}
	sqlite3_bind_text(q, 1, config ? config : "{}", -1, SQLITE_STATIC);
	sqlite3_bind_int64(ins, 1, run);
	while (sqlite3_step(q) == SQLITE_ROW) {
		const char *value = (const char *)sqlite3_column_text(q, 1);

		sqlite3_bind_text(ins, 2, (const char *)sqlite3_column_text(q, 0), -1, SQLITE_TRANSIENT);
		if (value)
			nss_param_bind(ins, 3, value);
		else
			sqlite3_bind_null(ins, 3);
		if (sqlite3_step(ins) != SQLITE_DONE) {
			db_error(db, error, "writing the run's parameters");
			goto out;
		}
		sqlite3_reset(ins);
	}
	sqlite3_bind_text(ins, 2, "kernel", -1, SQLITE_STATIC);
	sqlite3_bind_text(ins, 3, kernel ? kernel : "?", -1, SQLITE_TRANSIENT);
	if (sqlite3_step(ins) != SQLITE_DONE) {
		db_error(db, error, "writing the run's parameters");
		goto out;
	}
	sqlite3_reset(ins);
	sqlite3_bind_text(ins, 2, "seed", -1, SQLITE_STATIC);
	sqlite3_bind_int64(ins, 3, seed);
	if (sqlite3_step(ins) != SQLITE_DONE) {
		db_error(db, error, "writing the run's parameters");
		goto out;
	}
	ok = TRUE;
out:
	sqlite3_finalize(q);
	sqlite3_finalize(ins);
	return ok;
}


/*
 * Schema 3 over 2 (or 1): run.sweep, namespace.label, the sweep and run_param tables.  The
 * tables come from schema.sql (CREATE IF NOT EXISTS); the column and the
 * rows of the runs already there are added here.  Every step can run again
 * (a killed upgrade is finished by the next writer).
 */
gboolean nss_db_upgrade(sqlite3 *db, GError **error)
{
	sqlite3_stmt *st;
	char *msg = NULL;

	/* namespace.label came with schema 3 too, after the first traces of it */
	if (!nss_db_int(db, "SELECT count(*) FROM pragma_table_info('namespace') WHERE name = 'label'") &&
	    sqlite3_exec(db, "ALTER TABLE namespace ADD COLUMN label TEXT", NULL, NULL, &msg) != SQLITE_OK)
		goto fail;
	if (nss_db_int(db, "PRAGMA user_version") >= NSS_DB_SCHEMA_VERSION)
		return TRUE;
	if (sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, &msg) != SQLITE_OK)
		goto fail;
	if (!nss_db_int(db, "SELECT count(*) FROM pragma_table_info('run') WHERE name = 'sweep'") &&
	    sqlite3_exec(db, "ALTER TABLE run ADD COLUMN sweep TEXT", NULL, NULL, &msg) != SQLITE_OK)
		goto fail;
	/* a schema-2 sweep left its id in sweep_run; its plan is not known */
	if (sqlite3_exec(db,
			 "UPDATE run SET sweep = (SELECT s.sweep FROM sweep_run s WHERE s.run = run.id)"
			 " WHERE sweep IS NULL;"
			 " INSERT OR IGNORE INTO sweep (id, scenario, started_at, finished_at, plan)"
			 " SELECT s.sweep, min(r.scenario), min(r.started_at), max(r.finished_at), NULL"
			 " FROM sweep_run s JOIN run r ON r.id = s.run GROUP BY s.sweep",
			 NULL, NULL, &msg) != SQLITE_OK)
		goto fail;
	if (sqlite3_prepare_v2(db, "SELECT id, kernel, seed, config FROM run r WHERE NOT EXISTS"
			       " (SELECT 1 FROM run_param p WHERE p.run = r.id)", -1, &st, NULL)
	    != SQLITE_OK)
		goto fail_db;
	while (sqlite3_step(st) == SQLITE_ROW) {
		if (!nss_db_run_params(db, sqlite3_column_int64(st, 0),
				       (const char *)sqlite3_column_text(st, 1),
				       sqlite3_column_int64(st, 2),
				       (const char *)sqlite3_column_text(st, 3), error)) {
			sqlite3_finalize(st);
			sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
			return FALSE;
		}
	}
	sqlite3_finalize(st);
	if (sqlite3_exec(db, "COMMIT", NULL, NULL, &msg) != SQLITE_OK)
		goto fail;
	return TRUE;
fail_db:
	msg = sqlite3_mprintf("%s", sqlite3_errmsg(db));
fail:
	g_set_error(error, NSS_DB_ERROR, 1, "upgrading the trace to schema %d: %s",
		    NSS_DB_SCHEMA_VERSION, msg ? msg : "?");
	sqlite3_free(msg);
	if (!sqlite3_get_autocommit(db))
		sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
	return FALSE;
}
