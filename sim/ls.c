// SPDX-License-Identifier: MIT
/*
 * ls.c - `nssim ls DB [--run N] [--event N] [--json] [--all]`: the
 * namespaces alive after an event, one line each as lsns(8) lists them,
 * with __ns_ref, __ns_ref_active and the kinds of holder that make up
 * __ns_ref.
 *
 * The holders come from the view ns_holders_at (db/finish.sql), the same
 * rows ns_holders is made of, so ls and ns_holders cannot disagree.  The
 * trace names the kind of each holder (the site that moved the count), not
 * the object: ls shows kinds and counts, never which task or file.
 *
 * A namespace made at boot starts from counts the trace does not have: its
 * holders are the moves since boot, shown signed (on 6.18 and 6.19-prefix,
 * where the initial namespaces' counts move).
 */
#include <sqlite3.h>
#include <string.h>
#include "sim.h"

#define EVENT_LAST G_MININT64

struct ls_ns {
	int64_t id, inum, owner, created, freed;
	char *type;
	char *label;                /* NULL in a trace of before labels */
	bool initial, has_owner, has_created, has_freed;
	bool has_ref, has_active;
	int64_t ref, active;
	GPtrArray *holders;         /* struct ls_held: __ns_ref */
	GPtrArray *active_holders;  /* struct ls_held: __ns_ref_active */
};

struct ls_held {
	char *by;
	int64_t held;
};

static void free_held(gpointer p)
{
	struct ls_held *h = p;

	g_free(h->by);
	g_free(h);
}

static void free_ns(gpointer p)
{
	struct ls_ns *n = p;

	g_free(n->type);
	g_free(n->label);
	g_ptr_array_free(n->holders, TRUE);
	g_ptr_array_free(n->active_holders, TRUE);
	g_free(n);
}

static bool int_col(sqlite3_stmt *st, int col, int64_t *v)
{
	if (sqlite3_column_type(st, col) == SQLITE_NULL)
		return false;
	*v = sqlite3_column_int64(st, col);
	return true;
}

/*
 * Made at boot: its counts before the first event are not in the trace, so
 * its holders are the moves since (none on 6.19, where they do not move).
 */
static bool since_boot(const struct ls_ns *n)
{
	return !n->has_created;
}

static void holders_text(GString *o, const struct ls_ns *n)
{
	bool moves = since_boot(n);

	if (moves && n->holders->len)
		g_string_append(o, "since boot: ");
	for (guint i = 0; i < n->holders->len; i++) {
		struct ls_held *h = n->holders->pdata[i];

		g_string_append_printf(o, moves ? "%s%s %+" G_GINT64_FORMAT
				       : "%s%s %" G_GINT64_FORMAT, i ? ", " : "", h->by, h->held);
	}
}

static void json_int(GString *o, const char *key, bool has, int64_t v)
{
	g_string_append_printf(o, ", \"%s\": ", key);
	if (has)
		g_string_append_printf(o, "%" G_GINT64_FORMAT, v);
	else
		g_string_append(o, "null");
}

static void json_holders(GString *o, const char *key, const GPtrArray *held, bool has)
{
	g_string_append_printf(o, ", \"%s\": ", key);
	if (!has) {
		g_string_append(o, "null");
		return;
	}
	g_string_append_c(o, '{');
	for (guint i = 0; i < held->len; i++) {
		struct ls_held *h = held->pdata[i];

		g_string_append(o, i ? ", " : "");
		sim_json_str(o, h->by);
		g_string_append_printf(o, ": %" G_GINT64_FORMAT, h->held);
	}
	g_string_append_c(o, '}');
}

static void print_json(GPtrArray *nss, const struct nss_variant *v)
{
	g_autoptr(GString) o = g_string_new("[");
	bool active = !v || v->has_active;

	for (guint i = 0; i < nss->len; i++) {
		struct ls_ns *n = nss->pdata[i];

		g_string_append_printf(o, "%s\n  {\"id\": %" G_GINT64_FORMAT ", \"type\": ",
				       i ? "," : "", n->id);
		sim_json_str(o, n->type);
		g_string_append(o, ", \"label\": ");
		sim_json_str(o, n->label);
		json_int(o, "inum", true, n->inum);
		json_int(o, "owner", n->has_owner, n->owner);
		g_string_append_printf(o, ", \"initial\": %s", n->initial ? "true" : "false");
		json_int(o, "created_event", n->has_created, n->created);
		json_int(o, "freed_event", n->has_freed, n->freed);
		json_int(o, "ref", n->has_ref, n->ref);
		json_int(o, "active", active && n->has_active, n->active);
		json_holders(o, "holders", n->holders, true);
		json_holders(o, "active_holders", n->active_holders, active);
		g_string_append_printf(o, ", \"since_boot\": %s}", since_boot(n) ? "true" : "false");
	}
	g_string_append(o, nss->len ? "\n]\n" : "]\n");
	g_print("%s", o->str);
}

enum { C_ID, C_TYPE, C_LABEL, C_INUM, C_OWNER, C_REF, C_ACTIVE, C_FREED, C_HOLDERS, NCOL };

/* lsns(8)'s table: numbers to the right, words to the left, the last column ragged */
static void print_table(GPtrArray *nss, const struct nss_variant *v, bool all)
{
	static const char *const head[NCOL] = { "ID", "TYPE", "LABEL", "INUM", "OWNER", "REF",
						"ACTIVE", "FREED", "HOLDERS" };
	static const bool right[NCOL] = { true, false, false, true, true, true, true, true, false };
	const guint ncol = NCOL;
	g_autoptr(GPtrArray) cells = g_ptr_array_new_with_free_func(g_free);
	int width[NCOL];
	bool active = !v || v->has_active;

	for (guint c = 0; c < ncol; c++) {
		g_ptr_array_add(cells, g_strdup(head[c]));
		width[c] = strlen(head[c]);
	}
	for (guint i = 0; i < nss->len; i++) {
		struct ls_ns *n = nss->pdata[i];
		GString *h = g_string_new(NULL);

		g_ptr_array_add(cells, g_strdup_printf("%" G_GINT64_FORMAT, n->id));
		g_ptr_array_add(cells, g_strdup(n->type));
		g_ptr_array_add(cells, g_strdup(n->label ? n->label : "-"));
		g_ptr_array_add(cells, g_strdup_printf("%" G_GINT64_FORMAT, n->inum));
		g_ptr_array_add(cells, n->has_owner ? g_strdup_printf("%" G_GINT64_FORMAT, n->owner)
					: g_strdup("-"));
		g_ptr_array_add(cells, n->has_ref ? g_strdup_printf("%" G_GINT64_FORMAT, n->ref)
					: g_strdup("-"));
		g_ptr_array_add(cells, active && n->has_active
				? g_strdup_printf("%" G_GINT64_FORMAT, n->active) : g_strdup("-"));
		g_ptr_array_add(cells, n->has_freed ? g_strdup_printf("%" G_GINT64_FORMAT, n->freed)
					: g_strdup("-"));
		holders_text(h, n);
		g_ptr_array_add(cells, g_string_free(h, FALSE));
	}
	for (guint i = 0; i < cells->len; i++)
		width[i % ncol] = MAX(width[i % ncol], (int)strlen(cells->pdata[i]));
	for (guint i = 0; i < cells->len; i += ncol) {
		g_autoptr(GString) line = g_string_new(NULL);

		for (guint c = 0; c < ncol; c++) {
			const char *s = cells->pdata[i + c];

			if (c == C_FREED && !all)
				continue;   /* only --all lists freed namespaces */
			if (line->len)
				g_string_append_c(line, ' ');
			if (c + 1 == ncol)
				g_string_append(line, s);
			else
				g_string_append_printf(line, right[c] ? "%*s" : "%-*s", width[c], s);
		}
		g_print("%s\n", g_strchomp(line->str));
	}
}

static bool load_holders(sqlite3 *db, GHashTable *by_id, int64_t run, int64_t event)
{
	sqlite3_stmt *st;

	/* ns_holders_at's rows at @event (docs/trace-schema.md), biggest first */
	if (sqlite3_prepare_v2(db,
		"SELECT ns, counter, held_by, held FROM ns_holders_at"
		" WHERE run = ?1 AND event <= ?2 AND (until_event IS NULL OR until_event > ?2)"
		" AND held != 0 ORDER BY ns, counter, held DESC, held_by",
		-1, &st, NULL) != SQLITE_OK)
		return false;
	sqlite3_bind_int64(st, 1, run);
	sqlite3_bind_int64(st, 2, event);
	while (sqlite3_step(st) == SQLITE_ROW) {
		int64_t id = sqlite3_column_int64(st, 0);
		struct ls_ns *n = g_hash_table_lookup(by_id, &id);
		struct ls_held *h;

		if (!n)
			continue;   /* freed, without --all */
		h = g_new0(struct ls_held, 1);
		h->by = g_strdup((const char *)sqlite3_column_text(st, 2));
		h->held = sqlite3_column_int64(st, 3);
		g_ptr_array_add(strcmp((const char *)sqlite3_column_text(st, 1), "active")
				? n->holders : n->active_holders, h);
	}
	return sqlite3_finalize(st) == SQLITE_OK;
}

static bool load(sqlite3 *db, GPtrArray *nss, int64_t run, int64_t event, bool all,
		 const struct nss_variant *v)
{
	g_autoptr(GHashTable) by_id = g_hash_table_new(g_int64_hash, g_int64_equal);
	sqlite3_stmt *st;

	if (sqlite3_prepare_v2(db,
		"SELECT n.id, n.type, n.inum, n.owner, n.initial, n.created_event, n.freed_event,"
		" (SELECT new FROM transition t WHERE t.run = n.run AND t.kind = 'ns' AND t.obj = n.id"
		"   AND t.counter = 'ref' AND t.event <= ?2 ORDER BY t.seq DESC LIMIT 1),"
		" (SELECT new FROM transition t WHERE t.run = n.run AND t.kind = 'ns' AND t.obj = n.id"
		"   AND t.counter = 'active' AND t.event <= ?2 ORDER BY t.seq DESC LIMIT 1),"
		" n.label"
		" FROM namespace n WHERE n.run = ?1"
		" AND (n.created_event IS NULL OR n.created_event <= ?2)"
		" AND (?3 OR n.freed_event IS NULL OR n.freed_event > ?2) ORDER BY n.id",
		-1, &st, NULL) != SQLITE_OK)
		return false;
	sqlite3_bind_int64(st, 1, run);
	sqlite3_bind_int64(st, 2, event);
	sqlite3_bind_int(st, 3, all);
	while (sqlite3_step(st) == SQLITE_ROW) {
		struct ls_ns *n = g_new0(struct ls_ns, 1);

		n->id = sqlite3_column_int64(st, 0);
		n->type = g_strdup((const char *)sqlite3_column_text(st, 1));
		n->inum = sqlite3_column_int64(st, 2);
		n->has_owner = int_col(st, 3, &n->owner);
		n->initial = sqlite3_column_int(st, 4);
		n->has_created = int_col(st, 5, &n->created);
		/* freed after @event: alive then */
		n->has_freed = int_col(st, 6, &n->freed) && n->freed <= event;
		n->has_ref = int_col(st, 7, &n->ref);
		n->has_active = int_col(st, 8, &n->active);
		if (sqlite3_column_type(st, 9) == SQLITE_TEXT)
			n->label = g_strdup((const char *)sqlite3_column_text(st, 9));
		/* 6.19 and later: the initial namespaces stay at (1, 1) without a move */
		if (!n->has_ref && n->initial && v && v->has_active && !v->init_counted) {
			n->has_ref = n->has_active = true;
			n->ref = n->active = 1;
		}
		n->holders = g_ptr_array_new_with_free_func(free_held);
		n->active_holders = g_ptr_array_new_with_free_func(free_held);
		g_ptr_array_add(nss, n);
		g_hash_table_insert(by_id, &n->id, n);
	}
	return sqlite3_finalize(st) == SQLITE_OK && load_holders(db, by_id, run, event);
}

/* The first column of the first row, or @dflt; ?1 is @a if the query has it. */
static int64_t scalar(sqlite3 *db, const char *sql, int64_t a, int64_t dflt)
{
	sqlite3_stmt *st;
	int64_t v = dflt;

	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		return dflt;
	sqlite3_bind_int64(st, 1, a);
	if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

static int ls_db(const char *path, int64_t run, int64_t event, bool json, bool all)
{
	g_autoptr(GPtrArray) nss = g_ptr_array_new_with_free_func(free_ns);
	g_autoptr(GError) err = NULL;
	g_autofree char *kernel = NULL;
	const struct nss_variant *v;
	sqlite3 *db = NULL;
	sqlite3_stmt *st;
	int64_t last;

	/* a trace closed without its indexes and views gets them here, if writable */
	if (g_file_test(path, G_FILE_TEST_IS_REGULAR))
		nss_db_index(path);
	if (!g_file_test(path, G_FILE_TEST_IS_REGULAR) ||
	    sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
		g_printerr("nssim ls: cannot open %s\n", path);
		sqlite3_close(db);
		return 2;
	}
	if (!nss_db_check(db, path, &err)) {
		g_printerr("nssim ls: %s\n", err->message);
		sqlite3_close(db);
		return 2;
	}
	if (!scalar(db, "SELECT count(*) FROM sqlite_master WHERE type = 'view'"
			" AND name = 'ns_holders_at'", 0, 0)) {
		g_printerr("nssim ls: %s has no view ns_holders_at (a trace of an older nssim,"
			   " or one that was never closed and is read-only)\n", path);
		sqlite3_close(db);
		return 2;
	}
	if (!run)
		run = scalar(db, "SELECT max(id) FROM run", 0, 0);
	if (sqlite3_prepare_v2(db, "SELECT kernel FROM run WHERE id = ?", -1, &st, NULL) == SQLITE_OK) {
		sqlite3_bind_int64(st, 1, run);
		if (sqlite3_step(st) == SQLITE_ROW)
			kernel = g_strdup((const char *)sqlite3_column_text(st, 0));
		sqlite3_finalize(st);
	}
	if (!kernel) {
		g_printerr("nssim ls: %s has no run %" G_GINT64_FORMAT "\n", path, run);
		sqlite3_close(db);
		return 2;
	}
	/* event 0: before the first, the namespaces made at boot */
	last = scalar(db, "SELECT max(seq) FROM event WHERE run = ?1", run, 0);
	if (event == EVENT_LAST) {
		event = last;
	} else if (event < 0 || event > last) {
		g_printerr("nssim ls: run %" G_GINT64_FORMAT " of %s has events 0 to %" G_GINT64_FORMAT
			   ", not %" G_GINT64_FORMAT "\n", run, path, last, event);
		sqlite3_close(db);
		return 2;
	}
	v = nss_variant_lookup(kernel);
	if (!load(db, nss, run, event, all, v)) {
		g_printerr("nssim ls: %s: %s\n", path, sqlite3_errmsg(db));
		sqlite3_close(db);
		return 2;
	}
	sqlite3_close(db);
	if (json)
		print_json(nss, v);
	else
		print_table(nss, v, all);
	return 0;
}

int cmd_ls(int argc, char **argv)
{
	gint64 run = 0, event = EVENT_LAST;
	gboolean json = FALSE, all = FALSE;
	GOptionEntry entries[] = {
		{ "run", 'r', 0, G_OPTION_ARG_INT64, &run, "Run id (default: the last run)", "N" },
		{ "event", 'e', 0, G_OPTION_ARG_INT64, &event,
		  "After this event, 0 for before the first (default: the last)", "N" },
		{ "json", 'j', 0, G_OPTION_ARG_NONE, &json,
		  "One JSON document: an array of objects, one per namespace", NULL },
		{ "all", 'a', 0, G_OPTION_ARG_NONE, &all,
		  "Include the namespaces freed by then (column FREED)", NULL },
		{ NULL },
	};
	g_autoptr(GOptionContext) ctx = g_option_context_new("DB");
	g_autoptr(GError) err = NULL;

	g_option_context_set_summary(ctx,
		"List the namespaces alive after an event of a trace, as lsns does: id, type,\n"
		"inode number, owning user namespace, __ns_ref, __ns_ref_active ('-' on 6.18)\n"
		"and the kinds of holder that make up __ns_ref, with their counts.");
	g_option_context_add_main_entries(ctx, entries, NULL);
	if (!g_option_context_parse(ctx, &argc, &argv, &err)) {
		g_printerr("nssim ls: %s\n", err->message);
		return 2;
	}
	if (argc != 2) {
		g_printerr("nssim ls: expected one database (see nssim ls --help)\n");
		return 2;
	}
	return ls_db(argv[1], run, event, json, all);
}
