// SPDX-License-Identifier: MIT
/*
 * source.c - the Lua text a run executes: the scenario and every module it
 * requires, kept in the trace (run_source, source_blob) so that a run can
 * be exported or replayed from the database alone, anywhere, after the
 * files changed or went away.
 *
 * Every chunk goes through sim_source_load(): read (from the file, or from
 * a trace with --source-db), remembered for the trace, then compiled with
 * the file's path as its name, so that errors and `src` read file:line
 * exactly as a run from the files does.
 */
#include <errno.h>
#include <string.h>
#include <sqlite3.h>
#include "lua-private.h"

struct sim_source {
	char *role;           /* "scenario" or "module" */
	char *name;           /* the scenario's path, or the module's name */
	char *path;           /* where it was read from */
	GBytes *text;
	bool written;         /* in the trace already */
};

static void source_free(gpointer p)
{
	struct sim_source *src = p;

	g_free(src->role);
	g_free(src->name);
	g_free(src->path);
	g_bytes_unref(src->text);
	g_free(src);
}

static char *key_of(const char *role, const char *name)
{
	return g_strconcat(role, "\t", name, NULL);
}

gboolean sim_source_from_db(struct sim *s, const char *db, gint64 run, GError **error)
{
	sqlite3 *h = NULL;
	sqlite3_stmt *st = NULL;
	gboolean ok = FALSE;

	if (sqlite3_open_v2(db, &h, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(h, "SELECT r.role, r.name, b.text FROM run_source r"
			       " JOIN source_blob b ON b.sha256 = r.sha256 WHERE r.run = ?1",
			       -1, &st, NULL) != SQLITE_OK) {
		g_set_error(error, G_FILE_ERROR, G_FILE_ERROR_FAILED, "%s: %s", db,
			    h ? sqlite3_errmsg(h) : "cannot open");
		goto out;
	}
	sqlite3_bind_int64(st, 1, run);
	s->stored = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
					  (GDestroyNotify)g_bytes_unref);
	while (sqlite3_step(st) == SQLITE_ROW)
		g_hash_table_insert(s->stored,
				    key_of((const char *)sqlite3_column_text(st, 0),
					   (const char *)sqlite3_column_text(st, 1)),
				    g_bytes_new(sqlite3_column_blob(st, 2),
						(gsize)sqlite3_column_bytes(st, 2)));
	ok = TRUE;
out:
	sqlite3_finalize(st);
	sqlite3_close(h);
	return ok;
}

bool sim_source_stored(struct sim *s, const char *role, const char *name)
{
	g_autofree char *key = key_of(role, name);

	return s->stored && g_hash_table_contains(s->stored, key);
}

void sim_source_flush(struct sim *s)
{
	for (guint i = 0; s->trace && s->sources && i < s->sources->len; i++) {
		struct sim_source *src = s->sources->pdata[i];
		gsize n;
		const char *text;

		if (src->written)
			continue;
		text = g_bytes_get_data(src->text, &n);
		nss_trace_add_source(s->trace, src->role, src->name, src->path, text, n);
		src->written = true;
	}
}

int sim_source_load(struct sim *s, lua_State *L, const char *role, const char *name,
		    const char *path)
{
	g_autofree char *key = key_of(role, name);
	g_autofree char *chunkname = g_strconcat("@", path, NULL);
	GBytes *stored = s->stored ? g_hash_table_lookup(s->stored, key) : NULL;
	struct sim_source *src;
	g_autofree char *copy = NULL;
	gsize n;
	char *p;

	if (stored) {
		const char *data = g_bytes_get_data(stored, &n);

		/* the stored bytes and a terminating NUL the GBytes does not have */
		copy = g_malloc(n + 1);
		if (n)
			memcpy(copy, data, n);
		copy[n] = 0;
	} else {
		g_autoptr(GError) err = NULL;

		if (!g_file_get_contents(path, &copy, &n, &err)) {
			/* the words of luaL_loadfilex, which this replaces */
			lua_pushfstring(L, "cannot open %s: %s", path,
					g_strerror(err->code == G_FILE_ERROR_NOENT ? ENOENT : EIO));
			return LUA_ERRFILE;
		}
	}
	if (!s->sources)
		s->sources = g_ptr_array_new_with_free_func(source_free);
	src = g_new0(struct sim_source, 1);
	src->role = g_strdup(role);
	src->name = g_strdup(name);
	src->path = g_strdup(path);
	src->text = g_bytes_new(copy, n);
	g_ptr_array_add(s->sources, src);
	sim_source_flush(s);
	/*
	 * What luaL_loadfilex skips: a UTF-8 byte order mark and a first line
	 * starting with '#'.  Blanked, not cut, so that line numbers stay.
	 */
	p = copy;
	if (n >= 3 && !memcmp(p, "\xEF\xBB\xBF", 3)) {
		memset(p, ' ', 3);
		p += 3;
	}
	if (*p == '#')
		for (; *p && *p != '\n'; p++)
			*p = ' ';
	return luaL_loadbufferx(L, copy, n, chunkname, "t");
}

void sim_source_free(struct sim *s)
{
	if (s->sources)
		g_ptr_array_free(s->sources, TRUE);
	if (s->stored)
		g_hash_table_destroy(s->stored);
	s->sources = NULL;
	s->stored = NULL;
}
