// SPDX-License-Identifier: MIT
/*
 * params.c - a scenario's parameters: declared in its header with a
 * default, a description and a type, checked against --param, listed by
 * `nssim run SCENARIO --help`.
 *
 *   scenario {
 *     params = {
 *       rate     = { 20, "container arrivals per second" },
 *       lifetime = { "100ms", "mean container lifetime" },
 *       mode     = { "refcount", "how pins are counted", choices = { "refcount", "none" } },
 *     },
 *   }
 *
 * The type comes from the default (an integer, a number, a boolean, a
 * duration such as "100ms", or a string) or from `type =`.  A duration
 * reaches sim.param as integer nanoseconds.  Free-form header keys
 * (`scenario { tasks = 100 }`) stay parameters as before, typed by their
 * value.  Once a scenario has a header, a --param it does not know is a
 * usage error with the nearest known name, not a silently ignored value.
 */
#include <string.h>
#include <unistd.h>
#include "lua-private.h"

struct sim_param {
	char *name;
	char *type;           /* integer, number, boolean, duration, string */
	char *def;            /* default, as text */
	char *desc;           /* NULL for a free-form header key */
	char *unit;
	char **choices;       /* NULL: any value of the type */
};

static void param_free(gpointer p)
{
	struct sim_param *d = p;

	g_free(d->name);
	g_free(d->type);
	g_free(d->def);
	g_free(d->desc);
	g_free(d->unit);
	g_strfreev(d->choices);
	g_free(d);
}

static const char *const run_settings[] = { "cpus", "lazy_tlb", "kernel", "audit", "seed" };

gboolean sim_parse_duration(const char *v, int64_t *out)
{
	static const struct { const char *unit; int64_t ns; } units[] = {
		{ "ns", 1 }, { "us", 1000 }, { "ms", 1000000 }, { "s", 1000000000 }, { "", 1 },
	};
	char *end;
	gint64 n;

	if (!g_ascii_isdigit(*v))
		return FALSE;
	n = g_ascii_strtoll(v, &end, 10);
	if (end == v || n < 0)
		return FALSE;
	for (guint i = 0; i < G_N_ELEMENTS(units); i++) {
		if (!strcmp(end, units[i].unit)) {
			if (n > G_MAXINT64 / units[i].ns)
				return FALSE;
			*out = n * units[i].ns;
			return TRUE;
		}
	}
	return FALSE;
}

/* A duration written with its unit ("100ms"), as opposed to a bare number. */
static bool has_duration_unit(const char *v)
{
	int64_t ns;
	size_t n = strlen(v);

	return n && g_ascii_isalpha(v[n - 1]) && sim_parse_duration(v, &ns);
}

/*
 * Is @v a value of @d?  On success *@conv is what sim.param gets, as text
 * (a duration in nanoseconds); else *@why says what is wrong.
 */
static bool param_check(const struct sim_param *d, const char *v, char **conv, char **why)
{
	char *end;
	int64_t ns;

	*conv = NULL;
	if (!strcmp(d->type, "integer")) {
		if (!g_ascii_string_to_signed(v, 10, G_MININT64, G_MAXINT64, NULL, NULL)) {
			*why = g_strdup("an integer");
			return false;
		}
	} else if (!strcmp(d->type, "number")) {
		g_ascii_strtod(v, &end);
		if (!*v || *end) {
			*why = g_strdup("a number");
			return false;
		}
	} else if (!strcmp(d->type, "boolean")) {
		if (strcmp(v, "true") && strcmp(v, "false")) {
			*why = g_strdup("true or false");
			return false;
		}
	} else if (!strcmp(d->type, "duration")) {
		if (!sim_parse_duration(v, &ns)) {
			*why = g_strdup("a duration: an integer with ns, us, ms or s (bare: ns)");
			return false;
		}
		*conv = g_strdup_printf("%" G_GINT64_FORMAT, ns);
	}
	if (d->choices && !g_strv_contains((const char *const *)d->choices, v)) {
		g_autofree char *list = g_strjoinv(", ", d->choices);

		*why = g_strdup_printf("one of %s", list);
		g_clear_pointer(conv, g_free);
		return false;
	}
	if (!*conv)
		*conv = g_strdup(v);
	return true;
}

/* Levenshtein distance, for "did you mean". */
static guint edit_distance(const char *a, const char *b)
{
	size_t n = strlen(a), m = strlen(b);
	g_autofree guint *row = g_new(guint, m + 1);

	for (size_t j = 0; j <= m; j++)
		row[j] = (guint)j;
	for (size_t i = 1; i <= n; i++) {
		guint diag = row[0];

		row[0] = (guint)i;
		for (size_t j = 1; j <= m; j++) {
			guint up = row[j];

			row[j] = MIN(MIN(row[j] + 1, row[j - 1] + 1), diag + (a[i - 1] != b[j - 1]));
			diag = up;
		}
	}
	return row[m];
}

static const struct sim_param *param_find(struct sim *s, const char *name)
{
	for (guint i = 0; s->decls && i < s->decls->len; i++) {
		const struct sim_param *d = s->decls->pdata[i];

		if (!strcmp(d->name, name))
			return d;
	}
	return NULL;
}

/* The nearest name: among the parameters and the run settings. */
static const char *nearest(struct sim *s, const char *name)
{
	const char *best = NULL;
	guint best_d = G_MAXUINT;

	for (guint i = 0; s->decls && i < s->decls->len; i++) {
		const struct sim_param *d = s->decls->pdata[i];
		guint e = edit_distance(name, d->name);

		if (e < best_d)
			best_d = e, best = d->name;
	}
	for (guint i = 0; i < G_N_ELEMENTS(run_settings); i++) {
		guint e = edit_distance(name, run_settings[i]);

		if (e < best_d)
			best_d = e, best = run_settings[i];
	}
	/* a guess only when it is a near miss, not any name at all */
	return best && best_d <= MAX(2, strlen(name) / 3) ? best : NULL;
}

static const char *type_of_value(lua_State *L, int idx)
{
	switch (lua_type(L, idx)) {
	case LUA_TBOOLEAN:
		return "boolean";
	case LUA_TNUMBER:
		return lua_isinteger(L, idx) ? "integer" : "number";
	default:
		return has_duration_unit(lua_tostring(L, idx)) ? "duration" : "string";
	}
}

static struct sim_param *param_add(struct sim *s, const char *name)
{
	struct sim_param *d = g_new0(struct sim_param, 1);

	if (!s->decls)
		s->decls = g_ptr_array_new_with_free_func(param_free);
	d->name = g_strdup(name);
	g_ptr_array_add(s->decls, d);
	return d;
}

/* scenario{ params = { name = { default, "description", type=, unit=, choices= } } } */
static void declare(struct sim *s, lua_State *L, int t)
{
	static const char *const types[] = { "integer", "number", "boolean", "duration", "string" };

	lua_pushnil(L);
	while (lua_next(L, t)) {
		const char *name = lua_type(L, -2) == LUA_TSTRING ? lua_tostring(L, -2) : NULL;
		int e = lua_gettop(L);
		struct sim_param *d;

		if (!name || lua_type(L, e) != LUA_TTABLE)
			luaL_error(L, "scenario{}: params: each entry is name = { default, \"description\" }");
		if (param_find(s, name))
			luaL_error(L, "scenario{}: params: '%s' twice", name);
		for (guint i = 0; i < G_N_ELEMENTS(run_settings); i++)
			if (!strcmp(name, run_settings[i]))
				luaL_error(L, "scenario{}: params: '%s' is a run setting, not a parameter", name);
		d = param_add(s, name);
		lua_rawgeti(L, e, 1);
		if (lua_type(L, -1) != LUA_TNUMBER && lua_type(L, -1) != LUA_TSTRING &&
		    lua_type(L, -1) != LUA_TBOOLEAN)
			luaL_error(L, "scenario{}: params.%s: the first item is the default: a number, a string or a boolean", name);
		d->type = g_strdup(type_of_value(L, -1));
		d->def = g_strdup(luaL_tolstring(L, -1, NULL));
		lua_pop(L, 2);
		lua_rawgeti(L, e, 2);
		if (!lua_isnil(L, -1) && lua_type(L, -1) != LUA_TSTRING)
			luaL_error(L, "scenario{}: params.%s: the second item is its description", name);
		d->desc = g_strdup(lua_isnil(L, -1) ? "" : lua_tostring(L, -1));
		lua_pop(L, 1);
		if (lua_getfield(L, e, "type") != LUA_TNIL) {
			const char *ty = lua_tostring(L, -1);
			bool ok = false;

			for (guint i = 0; ty && i < G_N_ELEMENTS(types); i++)
				ok |= !strcmp(ty, types[i]);
			if (!ok)
				luaL_error(L, "scenario{}: params.%s: type is integer, number, boolean, duration or string", name);
			g_free(d->type);
			d->type = g_strdup(ty);
		}
		lua_pop(L, 1);
		if (lua_getfield(L, e, "unit") != LUA_TNIL)
			d->unit = g_strdup(luaL_checkstring(L, -1));
		lua_pop(L, 1);
		if (lua_getfield(L, e, "choices") == LUA_TTABLE) {
			GPtrArray *c = g_ptr_array_new();
			lua_Integer n = luaL_len(L, -1);

			for (lua_Integer i = 1; i <= n; i++) {
				lua_rawgeti(L, -1, i);
				g_ptr_array_add(c, g_strdup(luaL_tolstring(L, -1, NULL)));
				lua_pop(L, 2);
			}
			g_ptr_array_add(c, NULL);
			d->choices = (char **)g_ptr_array_free(c, FALSE);
		} else if (!lua_isnil(L, -1)) {
			luaL_error(L, "scenario{}: params.%s: choices is a list of values", name);
		}
		lua_pop(L, 1);
		{
			char *conv = NULL, *why = NULL;

			if (!param_check(d, d->def, &conv, &why)) {
				lua_pushfstring(L, "scenario{}: params.%s: the default '%s' is not %s",
						name, d->def, why);
				g_free(why);
				lua_error(L);
			}
			g_free(conv);
		}
		lua_settop(L, e - 1);
	}
}

/* Raise a usage error: one line, reported by run.c as such (no run). */
static G_GNUC_NORETURN void usage(struct sim *s, lua_State *L, char *msg)
{
	g_free(s->usage_error);
	s->usage_error = msg;
	luaL_error(L, "%s", msg);
	g_assert_not_reached();
}

void sim_params_header(struct sim *s, lua_State *L, int t, const char *const *known,
		       guint nknown)
{
	GHashTableIter it;
	gpointer key, val;

	if (lua_getfield(L, t, "params") == LUA_TTABLE)
		declare(s, L, lua_gettop(L));
	else if (!lua_isnil(L, -1))
		luaL_error(L, "scenario{}: params is a table: name = { default, \"description\" }");
	lua_pop(L, 1);
	/* every other key with a plain value is a parameter too, typed by its value */
	lua_pushnil(L);
	while (lua_next(L, t)) {
		const char *k = lua_type(L, -2) == LUA_TSTRING ? lua_tostring(L, -2) : NULL;
		bool is_known = k && !strcmp(k, "params");

		for (guint i = 0; k && i < nknown; i++)
			is_known |= strcmp(k, known[i]) == 0;
		if (k && !is_known && lua_type(L, -1) != LUA_TTABLE && !param_find(s, k)) {
			struct sim_param *d = param_add(s, k);

			d->type = g_strdup(type_of_value(L, -1));
			d->def = g_strdup(luaL_tolstring(L, -1, NULL));
			lua_pop(L, 1);
		}
		lua_pop(L, 1);
	}
	s->params_known = true;
	/* the command line's values: known, and of the right type */
	g_hash_table_iter_init(&it, s->params);
	while (g_hash_table_iter_next(&it, &key, &val)) {
		const struct sim_param *d = param_find(s, key);
		char *conv = NULL, *why = NULL;

		if (!d) {
			const char *guess = nearest(s, key);

			usage(s, L, g_strdup_printf("--param %s: %s has no such parameter%s%s%s",
						    (char *)key, s->path, guess ? " (did you mean " : "",
						    guess ? guess : "", guess ? "?)" : ""));
		}
		if (!param_check(d, val, &conv, &why)) {
			char *msg = g_strdup_printf("--param %s=%s: must be %s", (char *)key,
						    (char *)val, why);

			g_free(why);
			usage(s, L, msg);
		}
		g_hash_table_iter_replace(&it, conv);
	}
	/* the defaults of the rest */
	for (guint i = 0; s->decls && i < s->decls->len; i++) {
		const struct sim_param *d = s->decls->pdata[i];
		g_autofree char *conv = NULL, *why = NULL;

		if (!g_hash_table_contains(s->params, d->name) && param_check(d, d->def, &conv, &why))
			g_hash_table_insert(s->params, g_strdup(d->name), g_steal_pointer(&conv));
	}
}

static gint by_name(gconstpointer a, gconstpointer b)
{
	return strcmp((*(const struct sim_param *const *)a)->name,
		      (*(const struct sim_param *const *)b)->name);
}

char *sim_params_describe(struct sim *s)
{
	GString *o = g_string_new(NULL);
	guint w = 4, wd = 7;

	if (!s->params_known) {
		g_string_append_printf(o, "%s has no scenario{} header: its parameters are not"
				       " declared, and --param takes any name.\n", s->path);
		return g_string_free(o, FALSE);
	}
	if (!s->decls || !s->decls->len) {
		g_string_append_printf(o, "%s takes no parameters.\n", s->path);
		return g_string_free(o, FALSE);
	}
	g_ptr_array_sort(s->decls, by_name);
	for (guint i = 0; i < s->decls->len; i++) {
		const struct sim_param *d = s->decls->pdata[i];

		w = MAX(w, (guint)strlen(d->name));
		wd = MAX(wd, (guint)(strlen(d->def) + (d->unit ? strlen(d->unit) + 1 : 0)));
	}
	g_string_append_printf(o, "Parameters of %s (--param NAME=VALUE):\n", s->path);
	g_string_append_printf(o, "  %-*s  %-8s  %-*s  %s\n", (int)w, "name", "type", (int)wd,
			       "default", "description");
	for (guint i = 0; i < s->decls->len; i++) {
		const struct sim_param *d = s->decls->pdata[i];
		g_autofree char *def = d->unit ? g_strdup_printf("%s %s", d->def, d->unit)
					       : g_strdup(d->def);

		g_string_append_printf(o, "  %-*s  %-8s  %-*s", (int)w, d->name, d->type, (int)wd, def);
		if (d->desc && *d->desc)
			g_string_append_printf(o, "  %s", d->desc);
		else if (!d->choices)
			g_string_append(o, "  (a header key, not declared in params)");
		if (d->choices) {
			g_autofree char *list = g_strjoinv(", ", d->choices);

			g_string_append_printf(o, " (one of %s)", list);
		}
		g_string_append_c(o, '\n');
	}
	g_string_append(o, "Durations take ns, us, ms or s (a bare number is ns) and reach"
			   " sim.param in nanoseconds.\n");
	return g_string_free(o, FALSE);
}

/*
 * run SCENARIO --help (and sweep's --check-params): what the header said,
 * then out, before a world, a trace or a scenario line more.  _exit: the
 * Lua state and the run are not torn down (no leak check on purpose).
 */
void sim_params_describe_exit(struct sim *s)
{
	if (!s->check_params) {
		g_autofree char *text = sim_params_describe(s);

		g_print("%s%s", s->describe_help ? s->describe_help : "", text);
	}
	fflush(stdout);
	fflush(stderr);
	_exit(0);
}
