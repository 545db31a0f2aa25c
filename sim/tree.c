// SPDX-License-Identifier: MIT
/*
 * tree.c - `nssim tree DB [--run N] [--event N]`: the namespaces alive after
 * an event, drawn under their owning user namespaces with (ref, active),
 * the way the diagrams in kernel/nscommon.c draw them.
 */
#include <sqlite3.h>
#include <string.h>
#include "sim.h"

struct node {
	int64_t id, owner;
	char *type;
	int initial;
	int64_t ref, active;
	bool has_ref, has_active;
};

static int64_t scalar(sqlite3 *db, const char *sql, int64_t a, int64_t b, int64_t dflt)
{
	sqlite3_stmt *st;
	int64_t v = dflt;

	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		return dflt;
	sqlite3_bind_int64(st, 1, a);
	sqlite3_bind_int64(st, 2, b);
	if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

/* 6.19: every initial namespace stays at (1, 1); older kernels counted them */
static bool init_fixed(const char *kernel)
{
	const struct nss_variant *v = nss_variant_lookup(kernel);

	return v && v->has_active && !v->init_counted;
}

static bool has_active(const char *kernel)
{
	const struct nss_variant *v = nss_variant_lookup(kernel);

	return !v || v->has_active;
}

static void draw(GPtrArray *nodes, int64_t owner, const char *prefix, const char *kernel)
{
	GPtrArray *kids = g_ptr_array_new();

	for (guint i = 0; i < nodes->len; i++) {
		struct node *n = nodes->pdata[i];

		if (n->owner == owner && n->id != owner)
			g_ptr_array_add(kids, n);
	}
	for (guint i = 0; i < kids->len; i++) {
		struct node *n = kids->pdata[i];
		bool last = i + 1 == kids->len;
		g_autofree char *next = g_strdup_printf("%s%s", prefix, last ? "    " : "|   ");
		g_autofree char *counts = NULL;

		if (!n->has_ref && n->initial && init_fixed(kernel))
			counts = g_strdup("ref 1, active 1");
		else if (!n->has_ref)
			counts = g_strdup("static");
		else if (!has_active(kernel))
			counts = g_strdup_printf("ref %" G_GINT64_FORMAT, n->ref);
		else
			counts = g_strdup_printf("ref %" G_GINT64_FORMAT ", active %" G_GINT64_FORMAT,
						 n->ref, n->active);
		g_print("%s%s %s %" G_GINT64_FORMAT "%s (%s)%s\n", prefix, last ? "`--" : "+--",
			n->type, n->id, n->initial ? " [initial]" : "", counts,
			n->has_ref && n->ref == 0 ? "  dying"
			: n->has_active && n->active == 0 && has_active(kernel) ? "  inactive" : "");
		if (!strcmp(n->type, "user"))
			draw(nodes, n->id, next, kernel);
	}
	g_ptr_array_free(kids, TRUE);
}

static void free_node(gpointer p)
{
	struct node *n = p;

	g_free(n->type);
	g_free(n);
}

int cmd_tree(int argc, char **argv)
{
	gint64 run = 0, event = -1;
	GOptionEntry entries[] = {
		{ "run", 'r', 0, G_OPTION_ARG_INT64, &run, "Run id (default: the last run)", "N" },
		{ "event", 'e', 0, G_OPTION_ARG_INT64, &event, "After this event (default: the last)", "N" },
		{ NULL },
	};
	g_autoptr(GOptionContext) ctx = g_option_context_new("DB");
	g_autoptr(GError) err = NULL;
	g_autoptr(GPtrArray) nodes = g_ptr_array_new_with_free_func(free_node);
	g_autofree char *kernel = NULL;
	sqlite3 *db = NULL;
	sqlite3_stmt *st;
	int64_t root = 0;

	g_option_context_set_summary(ctx,
		"Draw the namespace ownership tree recorded in a trace, with __ns_ref and\n"
		"__ns_ref_active after the given event.");
	g_option_context_add_main_entries(ctx, entries, NULL);
	if (!g_option_context_parse(ctx, &argc, &argv, &err)) {
		g_printerr("nssim tree: %s\n", err->message);
		return 2;
	}
	if (argc != 2) {
		g_printerr("nssim tree: expected one database (see nssim tree --help)\n");
		return 2;
	}
	if (g_file_test(argv[1], G_FILE_TEST_IS_REGULAR))
		nss_db_index(argv[1]);
	if (!g_file_test(argv[1], G_FILE_TEST_IS_REGULAR) ||
	    sqlite3_open_v2(argv[1], &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
		g_printerr("nssim tree: cannot open %s\n", argv[1]);
		sqlite3_close(db);
		return 2;
	}
	if (!nss_db_check(db, argv[1], &err)) {
		g_printerr("nssim tree: %s\n", err->message);
		sqlite3_close(db);
		return 2;
	}
	if (!run)
		run = scalar(db, "SELECT max(id) FROM run", 0, 0, 0);
	if (event < 0)
		event = scalar(db, "SELECT max(seq) FROM event WHERE run = ?1", run, 0, 0);
	if (sqlite3_prepare_v2(db, "SELECT kernel FROM run WHERE id = ?", -1, &st, NULL) == SQLITE_OK) {
		sqlite3_bind_int64(st, 1, run);
		if (sqlite3_step(st) == SQLITE_ROW)
			kernel = g_strdup((const char *)sqlite3_column_text(st, 0));
		sqlite3_finalize(st);
	}
	if (!kernel) {
		g_printerr("nssim tree: %s has no run %" G_GINT64_FORMAT "\n", argv[1], run);
		sqlite3_close(db);
		return 2;
	}
	if (sqlite3_prepare_v2(db,
		"SELECT n.id, n.owner, n.type, n.initial,"
		" (SELECT new FROM transition t WHERE t.run = n.run AND t.kind = 'ns' AND t.obj = n.id"
		"   AND t.counter = 'ref' AND t.event <= ?2 ORDER BY t.seq DESC LIMIT 1),"
		" (SELECT new FROM transition t WHERE t.run = n.run AND t.kind = 'ns' AND t.obj = n.id"
		"   AND t.counter = 'active' AND t.event <= ?2 ORDER BY t.seq DESC LIMIT 1)"
		" FROM namespace n WHERE n.run = ?1"
		" AND (n.created_event IS NULL OR n.created_event <= ?2)"
		" AND (n.freed_event IS NULL OR n.freed_event > ?2) ORDER BY n.id",
		-1, &st, NULL) != SQLITE_OK) {
		g_printerr("nssim tree: %s: %s\n", argv[1], sqlite3_errmsg(db));
		sqlite3_close(db);
		return 2;
	}
	sqlite3_bind_int64(st, 1, run);
	sqlite3_bind_int64(st, 2, event);
	while (sqlite3_step(st) == SQLITE_ROW) {
		struct node *n = g_new0(struct node, 1);

		n->id = sqlite3_column_int64(st, 0);
		n->owner = sqlite3_column_type(st, 1) == SQLITE_NULL ? 0 : sqlite3_column_int64(st, 1);
		n->type = g_strdup((const char *)sqlite3_column_text(st, 2));
		n->initial = sqlite3_column_int(st, 3);
		n->has_ref = sqlite3_column_type(st, 4) != SQLITE_NULL;
		n->ref = sqlite3_column_int64(st, 4);
		n->has_active = sqlite3_column_type(st, 5) != SQLITE_NULL;
		n->active = sqlite3_column_int64(st, 5);
		if (!n->owner && !strcmp(n->type, "user"))
			root = n->id;
		g_ptr_array_add(nodes, n);
	}
	sqlite3_finalize(st);
	sqlite3_close(db);
	g_print("run %" G_GINT64_FORMAT " (kernel %s) after event %" G_GINT64_FORMAT "\n", run,
		kernel, event);
	g_print("user %" G_GINT64_FORMAT " [initial] (%s)\n", root,
		init_fixed(kernel) ? "ref 1, active 1" : "static");
	draw(nodes, root, "", kernel);
	return 0;
}
