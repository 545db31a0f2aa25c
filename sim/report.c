// SPDX-License-Identifier: MIT
/*
 * report.c - `nssim report DB`: what a trace says about namespace lifetimes.
 *
 * Per run: for every namespace that went inactive, how long it stayed in
 * memory invisible and what held it last (the holder whose release freed
 * it: a lazy-TLB mm pin, an mm, a socket, a file's f_cred, another cred
 * waiting for RCU, a child namespace, a struct pid, an nsfs file);
 * distributions of lazy-TLB pin durations (an mm's users gone -> its
 * mm_count gone, for mms of non-initial user namespaces) and of
 * user-namespace lingering; the namespaces reachable
 * by handle on 6.18 but not on 6.19 over time (__ns_ref > 0, inactive);
 * shootdown IPIs.  Several runs (a sweep) come out side by side.
 */
#include <math.h>
#include <sqlite3.h>
#include <string.h>
#include "sim.h"

struct dist {
	GArray *v;      /* double, ms */
	unsigned int censored;
};

/* One parameter of a run (run_param): typed as stored. */
struct param {
	char *name;
	int type;               /* SQLITE_INTEGER, SQLITE_FLOAT, SQLITE_TEXT or SQLITE_NULL */
	char *text;             /* as SQLite prints it */
	double num;
};

struct run_stats {
	int64_t id;
	char *scenario, *kernel, *lazy, *params, *sweep;
	GPtrArray *pv;           /* struct param, by name */
	unsigned int user_mm_pin; /* user namespaces whose last holder was the lazy-TLB pin */
	int64_t seed, cpus, end_ns;
	unsigned int created, freed, user_created;
	struct dist linger_all, linger_user, pins;
	GHashTable *holders;     /* holder -> count (user namespaces) */
	GHashTable *holders_ms;  /* holder -> total ms lingering (user namespaces) */
	int64_t ipis;
	unsigned int exposure_peak;
	double exposure_avg;
	double exposure_total_s;   /* namespace-seconds in memory but invisible */
	GArray *series;          /* struct point */
};

struct point {
	double t_ms;
	unsigned int exposed, active, alive;
};

static double pct(GArray *v, double p)
{
	double idx;
	unsigned int lo;

	if (!v->len)
		return NAN;
	idx = p / 100.0 * (v->len - 1);
	lo = (unsigned int)idx;
	if (lo + 1 >= v->len)
		return g_array_index(v, double, v->len - 1);
	return g_array_index(v, double, lo) +
	       (idx - lo) * (g_array_index(v, double, lo + 1) - g_array_index(v, double, lo));
}

static gint cmp_double(gconstpointer a, gconstpointer b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static void dist_init(struct dist *d)
{
	d->v = g_array_new(FALSE, FALSE, sizeof(double));
	d->censored = 0;
}

static void dist_add(struct dist *d, double ms, bool censored)
{
	g_array_append_val(d->v, ms);
	d->censored += censored;
}

static int64_t q1(sqlite3 *db, const char *sql, int64_t a, int64_t b)
{
	sqlite3_stmt *st;
	int64_t v = 0;

	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		return 0;
	sqlite3_bind_int64(st, 1, a);
	sqlite3_bind_int64(st, 2, b);
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

/*
 * The holder whose release freed a namespace: the site of its last
 * __ns_ref put, refined with what else happened in that event.
 */
static const char *final_holder(sqlite3 *db, int64_t run, int64_t ns)
{
	static const struct {
		const char *site, *holder;
	} map[] = {
		{ "__sk_destruct", "socket" }, { "nsfs_evict", "nsfs file or mount" },
		{ "put_pid", "struct pid" }, { "nsproxy_free", "nsproxy" },
		{ "cleanup_net", "child namespace" }, { "free_user_ns", "child namespace" },
		{ "free_ipc_ns", "child namespace" }, { "free_mnt_ns", "child namespace" },
		{ "free_uts_ns", "child namespace" }, { "free_cgroup_ns", "child namespace" },
		{ "free_time_ns", "child namespace" }, { "destroy_pid_namespace", "child namespace" },
		{ "put_pid_ns", "child namespace" },
	};
	sqlite3_stmt *st;
	char site[64] = "";
	int64_t event = 0;

	if (sqlite3_prepare_v2(db, "SELECT site, event FROM transition WHERE run = ?1 AND kind = 'ns'"
			       " AND obj = ?2 AND counter = 'ref' AND new = 0 ORDER BY seq DESC LIMIT 1",
			       -1, &st, NULL) != SQLITE_OK)
		return "?";
	sqlite3_bind_int64(st, 1, run);
	sqlite3_bind_int64(st, 2, ns);
	if (sqlite3_step(st) == SQLITE_ROW) {
		g_strlcpy(site, (const char *)sqlite3_column_text(st, 0), sizeof(site));
		event = sqlite3_column_int64(st, 1);
	}
	sqlite3_finalize(st);
	if (!strcmp(site, "__mmdrop"))
		return q1(db, "SELECT count(*) FROM transition WHERE run = ?1 AND event = ?2"
			  " AND kind = 'mm' AND counter = 'mm_count' AND new = 0"
			  " AND site = 'mmdrop_lazy_tlb'", run, event) ? "mm pin (lazy TLB)" : "mm";
	if (!strcmp(site, "put_cred_rcu")) {
		/* which cred: the deferred event names it; who dropped its last use */
		int64_t cred = q1(db, "SELECT CAST(substr(args, 6) AS INTEGER) FROM event"
				  " WHERE run = ?1 AND seq = ?2", run, event);

		return q1(db, "SELECT count(*) FROM transition WHERE run = ?1 AND kind = 'cred'"
			  " AND obj = ?2 AND new = 0 AND site = '__fput'", run, cred)
			? "file f_cred (RCU)" : "cred (RCU)";
	}
	for (guint i = 0; i < G_N_ELEMENTS(map); i++)
		if (!strcmp(site, map[i].site))
			return map[i].holder;
	return site[0] ? "other" : "not freed";
}

static void count_holder(struct run_stats *r, const char *h, double ms)
{
	gpointer n = g_hash_table_lookup(r->holders, h);
	double *t = g_hash_table_lookup(r->holders_ms, h);

	g_hash_table_insert(r->holders, g_strdup(h), GUINT_TO_POINTER(GPOINTER_TO_UINT(n) + 1));
	if (!t) {
		t = g_new0(double, 1);
		g_hash_table_insert(r->holders_ms, g_strdup(h), t);
	}
	*t += ms;
	if (!strcmp(h, "mm pin (lazy TLB)"))
		r->user_mm_pin++;
}

/* Replay every namespace counter in order: who is exposed, active, alive. */
static void exposure(sqlite3 *db, struct run_stats *r)
{
	g_autoptr(GHashTable) ref = g_hash_table_new_full(g_int64_hash, g_int64_equal, g_free, NULL);
	g_autoptr(GHashTable) act = g_hash_table_new_full(g_int64_hash, g_int64_equal, g_free, NULL);
	sqlite3_stmt *st;
	unsigned int exposed = 0, active = 0, alive = 0;
	double last_t = 0, area = 0;

	r->series = g_array_new(FALSE, FALSE, sizeof(struct point));
	if (sqlite3_prepare_v2(db,
		"SELECT e.time_ns, t.obj, t.counter, t.old, t.new FROM transition t"
		" JOIN event e ON e.run = t.run AND e.seq = t.event"
		" JOIN namespace n ON n.run = t.run AND n.id = t.obj"
		" WHERE t.run = ?1 AND t.kind = 'ns' AND NOT n.initial ORDER BY t.seq",
		-1, &st, NULL) != SQLITE_OK)
		return;
	sqlite3_bind_int64(st, 1, r->id);
	while (sqlite3_step(st) == SQLITE_ROW) {
		double t = sqlite3_column_int64(st, 0) / 1e6;
		int64_t id = sqlite3_column_int64(st, 1);
		bool is_ref = !strcmp((const char *)sqlite3_column_text(st, 2), "ref");
		int64_t nv = sqlite3_column_int64(st, 4);
		int64_t p0 = GPOINTER_TO_SIZE(g_hash_table_lookup(ref, &id));
		int64_t a0 = GPOINTER_TO_SIZE(g_hash_table_lookup(act, &id));
		int64_t p1 = is_ref ? nv : p0, a1 = is_ref ? a0 : nv;
		int64_t *k = g_memdup2(&id, sizeof(id));

		area += exposed * (t - last_t);
		last_t = t;
		exposed += (p1 > 0 && a1 <= 0) - (p0 > 0 && a0 <= 0);
		active += (a1 > 0) - (a0 > 0);
		alive += (p1 > 0) - (p0 > 0);
		g_hash_table_replace(is_ref ? ref : act, k, GSIZE_TO_POINTER(nv));
		if (exposed > r->exposure_peak)
			r->exposure_peak = exposed;
		if (!r->series->len || g_array_index(r->series, struct point, r->series->len - 1).t_ms != t)
			g_array_append_val(r->series, ((struct point){ t, exposed, active, alive }));
		else
			g_array_index(r->series, struct point, r->series->len - 1) =
				(struct point){ t, exposed, active, alive };
	}
	sqlite3_finalize(st);
	area += exposed * (r->end_ns / 1e6 - last_t);
	r->exposure_total_s = area / 1e3;
	r->exposure_avg = r->end_ns > 0 ? area / (r->end_ns / 1e6) : 0;
}

static void free_param(gpointer p)
{
	struct param *v = p;

	g_free(v->name);
	g_free(v->text);
	g_free(v);
}

static gint cmp_param_name(gconstpointer a, gconstpointer b)
{
	return strcmp((*(struct param *const *)a)->name, (*(struct param *const *)b)->name);
}

static const struct param *run_param(const struct run_stats *r, const char *name)
{
	for (guint i = 0; i < r->pv->len; i++) {
		const struct param *v = r->pv->pdata[i];

		if (!strcmp(v->name, name))
			return v;
	}
	return NULL;
}

/* The run's parameters, from run_param (a temp copy for an old trace). */
static void load_params(sqlite3 *db, struct run_stats *r)
{
	sqlite3_stmt *st;

	r->pv = g_ptr_array_new_with_free_func(free_param);
	if (sqlite3_prepare_v2(db, "SELECT name, value FROM run_param WHERE run = ?1 ORDER BY name",
			       -1, &st, NULL) != SQLITE_OK)
		return;
	sqlite3_bind_int64(st, 1, r->id);
	while (sqlite3_step(st) == SQLITE_ROW) {
		struct param *v = g_new0(struct param, 1);

		v->name = g_strdup((const char *)sqlite3_column_text(st, 0));
		v->type = sqlite3_column_type(st, 1);
		v->num = sqlite3_column_double(st, 1);
		v->text = g_strdup(v->type == SQLITE_NULL ? "" : (const char *)sqlite3_column_text(st, 1));
		g_ptr_array_add(r->pv, v);
	}
	sqlite3_finalize(st);
	g_ptr_array_sort(r->pv, cmp_param_name);
}

static bool load_run(sqlite3 *db, int64_t id, const char *sweep_expr, struct run_stats *r)
{
	g_autofree char *sql = NULL;
	sqlite3_stmt *st;

	memset(r, 0, sizeof(*r));
	r->id = id;
	load_params(db, r);
	sql = g_strdup_printf(
		"SELECT scenario, kernel, seed,"
		" CASE WHEN json_valid(config) THEN COALESCE(json_extract(config, '$.cpus'), 1) END,"
		" CASE WHEN json_valid(config) THEN COALESCE(json_extract(config, '$.lazy_tlb'),"
		"   'refcount') ELSE '?' END,"
		" CASE WHEN json_valid(config) THEN COALESCE(json_extract(config, '$.params'), '{}')"
		"   ELSE '(unreadable config)' END,"
		" (SELECT COALESCE(max(time_ns), 0) FROM event WHERE run = ?1), %s"
		" FROM run r WHERE id = ?1", sweep_expr);
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		return false;
	sqlite3_bind_int64(st, 1, id);
	if (sqlite3_step(st) != SQLITE_ROW) {
		sqlite3_finalize(st);
		return false;
	}
	r->scenario = g_strdup((const char *)sqlite3_column_text(st, 0));
	r->kernel = g_strdup((const char *)sqlite3_column_text(st, 1));
	r->seed = sqlite3_column_int64(st, 2);
	r->cpus = sqlite3_column_int64(st, 3);
	r->lazy = g_strdup((const char *)sqlite3_column_text(st, 4));
	r->params = g_strdup((const char *)sqlite3_column_text(st, 5));
	r->end_ns = sqlite3_column_int64(st, 6);
	r->sweep = g_strdup((const char *)sqlite3_column_text(st, 7));
	sqlite3_finalize(st);

	dist_init(&r->linger_all);
	dist_init(&r->linger_user);
	dist_init(&r->pins);
	r->holders = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	r->holders_ms = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);

	/* alive but inactive, and what held it last */
	if (sqlite3_prepare_v2(db,
		"SELECT id, type, inactive_ns, freed_ns, freed_event FROM ns_lifetime"
		" WHERE run = ?1 AND NOT initial", -1, &st, NULL) == SQLITE_OK) {
		sqlite3_bind_int64(st, 1, id);
		while (sqlite3_step(st) == SQLITE_ROW) {
			bool user = !strcmp((const char *)sqlite3_column_text(st, 1), "user");
			bool freed = sqlite3_column_type(st, 4) != SQLITE_NULL;
			double ms;

			r->created++;
			r->user_created += user;
			r->freed += freed;
			if (sqlite3_column_type(st, 2) == SQLITE_NULL)
				continue;
			ms = ((freed ? sqlite3_column_int64(st, 3) : r->end_ns) -
			      sqlite3_column_int64(st, 2)) / 1e6;
			dist_add(&r->linger_all, ms, !freed);
			if (user) {
				dist_add(&r->linger_user, ms, !freed);
				count_holder(r, freed ? final_holder(db, id, sqlite3_column_int64(st, 0))
						      : "still held at the end", ms);
			}
		}
		sqlite3_finalize(st);
	}
	/*
	 * Lazy-TLB pins: an mm's users gone -> its mm_count gone, for the mms
	 * that belong to a non-initial user namespace (mm_init took P on it in
	 * the event that created the mm): the ones that can keep a namespace.
	 */
	if (sqlite3_prepare_v2(db,
		"SELECT u.obj, eu.time_ns, (SELECT e2.time_ns FROM transition c JOIN event e2"
		"   ON e2.run = c.run AND e2.seq = c.event WHERE c.run = u.run AND c.kind = 'mm'"
		"   AND c.obj = u.obj AND c.counter = 'mm_count' AND c.new = 0)"
		" FROM transition u JOIN event eu ON eu.run = u.run AND eu.seq = u.event"
		" WHERE u.run = ?1 AND u.kind = 'mm' AND u.counter = 'users' AND u.new = 0"
		" AND EXISTS (SELECT 1 FROM transition a JOIN transition n"
		"   ON n.run = a.run AND n.event = a.event AND n.kind = 'ns' AND n.site = 'mm_init'"
		"   JOIN namespace ns ON ns.run = n.run AND ns.id = n.obj AND NOT ns.initial"
		"   WHERE a.run = u.run AND a.kind = 'mm' AND a.obj = u.obj AND a.counter = 'users'"
		"   AND a.old = 0)",
		-1, &st, NULL) == SQLITE_OK) {
		sqlite3_bind_int64(st, 1, id);
		while (sqlite3_step(st) == SQLITE_ROW) {
			bool open = sqlite3_column_type(st, 2) == SQLITE_NULL;
			int64_t end = open ? r->end_ns : sqlite3_column_int64(st, 2);

			dist_add(&r->pins, (end - sqlite3_column_int64(st, 1)) / 1e6, open);
		}
		sqlite3_finalize(st);
	}
	r->ipis = q1(db, "SELECT count(*) FROM transition WHERE run = ?1 AND kind = 'cpu'"
		     " AND counter = 'ipis'", id, 0);
	g_array_sort(r->linger_all.v, cmp_double);
	g_array_sort(r->linger_user.v, cmp_double);
	g_array_sort(r->pins.v, cmp_double);
	exposure(db, r);
	return true;
}

static void free_run(struct run_stats *r)
{
	g_free(r->scenario);
	g_free(r->kernel);
	g_free(r->lazy);
	g_free(r->params);
	g_free(r->sweep);
	if (r->pv)
		g_ptr_array_free(r->pv, TRUE);
	/* a run whose loading stopped part way has some of these only */
	if (r->linger_all.v)
		g_array_free(r->linger_all.v, TRUE);
	if (r->linger_user.v)
		g_array_free(r->linger_user.v, TRUE);
	if (r->pins.v)
		g_array_free(r->pins.v, TRUE);
	if (r->holders)
		g_hash_table_destroy(r->holders);
	if (r->holders_ms)
		g_hash_table_destroy(r->holders_ms);
	if (r->series)
		g_array_free(r->series, TRUE);
}

/* ---- output ------------------------------------------------------------ */

static void json_param_value(GString *o, const struct param *v);

static void text_dist(const char *name, const struct dist *d)
{
	if (!d->v->len) {
		g_print("  %-28s %6u\n", name, 0u);
		return;
	}
	g_print("  %-28s %6u %9.3f %9.3f %9.3f %9.3f", name, d->v->len, pct(d->v, 50),
		pct(d->v, 90), pct(d->v, 99), pct(d->v, 100));
	if (d->censored)
		g_print("  (%u still open at the end)", d->censored);
	g_print("\n");
}

static GList *sorted_keys(GHashTable *h)
{
	return g_list_sort(g_hash_table_get_keys(h), (GCompareFunc)g_strcmp0);
}

static void print_text(struct run_stats *r)
{
	g_autoptr(GList) keys = sorted_keys(r->holders);

	g_print("run %" G_GINT64_FORMAT ": %s (kernel %s, cpus %" G_GINT64_FORMAT ", lazy_tlb %s,"
		" seed %" G_GINT64_FORMAT ", params %s)\n", r->id, r->scenario, r->kernel, r->cpus,
		r->lazy, r->seed, r->params);
	g_print("  namespaces: %u created, %u freed (%u user namespaces); virtual time %.3f ms\n",
		r->created, r->freed, r->user_created, r->end_ns / 1e6);
	g_print("  %-28s %6s %9s %9s %9s %9s\n", "milliseconds", "count", "p50", "p90", "p99", "max");
	text_dist("alive but inactive: all", &r->linger_all);
	text_dist("alive but inactive: user", &r->linger_user);
	text_dist("lazy-TLB pin (ns-owned mm)", &r->pins);
	g_print("  user namespaces by last holder (count, total ms invisible):\n");
	for (GList *l = keys; l; l = l->next)
		g_print("    %-26s %6u %12.3f\n", (char *)l->data,
			GPOINTER_TO_UINT(g_hash_table_lookup(r->holders, l->data)),
			*(double *)g_hash_table_lookup(r->holders_ms, l->data));
	g_print("  reachable by handle on 6.18 but not on 6.19 (ref > 0, inactive):"
		" peak %u, time average %.3f, total %.3f namespace-seconds\n", r->exposure_peak,
		r->exposure_avg, r->exposure_total_s);
	g_print("  shootdown IPIs: %" G_GINT64_FORMAT "\n", r->ipis);
}

static void json_dist(GString *o, const char *name, const struct dist *d)
{
	g_string_append_printf(o, "\"%s\": {\"count\": %u, \"open\": %u", name, d->v->len,
			       d->censored);
	if (d->v->len)
		g_string_append_printf(o, ", \"p50\": %.6f, \"p90\": %.6f, \"p99\": %.6f, \"max\": %.6f",
				       pct(d->v, 50), pct(d->v, 90), pct(d->v, 99), pct(d->v, 100));
	g_string_append(o, "}");
}

static void print_json(struct run_stats *r, bool last)
{
	GString *o = g_string_new(NULL);
	g_autoptr(GList) keys = sorted_keys(r->holders);

	g_string_append_printf(o, "{\"run\": %" G_GINT64_FORMAT ", \"kernel\": \"%s\", \"cpus\": %"
			       G_GINT64_FORMAT ", \"lazy_tlb\": \"%s\", \"seed\": %" G_GINT64_FORMAT
			       ", \"params\": %s, \"created\": %u, \"freed\": %u, \"user_created\": %u, ",
			       r->id, r->kernel, r->cpus, r->lazy, r->seed, r->params, r->created,
			       r->freed, r->user_created);
	json_dist(o, "inactive_ms", &r->linger_all);
	g_string_append(o, ", ");
	json_dist(o, "user_inactive_ms", &r->linger_user);
	g_string_append(o, ", ");
	json_dist(o, "lazy_pin_ms", &r->pins);
	g_string_append(o, ", \"user_holders\": {");
	for (GList *l = keys; l; l = l->next)
		g_string_append_printf(o, "%s\"%s\": %u", l == keys ? "" : ", ", (char *)l->data,
				       GPOINTER_TO_UINT(g_hash_table_lookup(r->holders, l->data)));
	g_string_append_printf(o, "}, \"exposure_peak\": %u, \"exposure_avg\": %.6f, "
			       "\"exposure_total_s\": %.6f, \"ipis\": %" G_GINT64_FORMAT
			       ", \"user_mm_pin\": %u, \"end_ms\": %.6f, \"sweep\": ",
			       r->exposure_peak, r->exposure_avg, r->exposure_total_s, r->ipis,
			       r->user_mm_pin, r->end_ns / 1e6);
	if (r->sweep)
		sim_json_str(o, r->sweep);
	else
		g_string_append(o, "null");
	g_string_append(o, ", \"parameters\": {");
	for (guint k = 0; k < r->pv->len; k++) {
		const struct param *v = r->pv->pdata[k];

		if (k)
			g_string_append(o, ", ");
		sim_json_str(o, v->name);
		g_string_append(o, ": ");
		json_param_value(o, v);
	}
	g_string_append(o, "}}");
	g_print("%s%s\n", o->str, last ? "" : ",");
	g_string_free(o, TRUE);
}

/* ---- metrics and parameters --------------------------------------------- */

/*
 * Every number the report gives per run, in the CSV's order: what
 * --group-by summarizes over the runs of a group.  A distribution with no
 * sample has no percentile (NaN): such a run is left out of that metric's
 * group statistics.
 */
static const struct {
	const char *name;
	bool integer;
} metrics[] = {
	{ "created", true }, { "freed", true }, { "user_created", true },
	{ "inactive_ms_count", true }, { "inactive_ms_p50", false }, { "inactive_ms_p90", false },
	{ "inactive_ms_p99", false }, { "inactive_ms_max", false },
	{ "user_inactive_ms_count", true }, { "user_inactive_ms_p50", false },
	{ "user_inactive_ms_p90", false }, { "user_inactive_ms_p99", false },
	{ "user_inactive_ms_max", false },
	{ "lazy_pin_ms_count", true }, { "lazy_pin_ms_p50", false }, { "lazy_pin_ms_p90", false },
	{ "lazy_pin_ms_p99", false }, { "lazy_pin_ms_max", false },
	{ "exposure_peak", true }, { "exposure_avg", false }, { "exposure_total_s", false },
	{ "ipis", true }, { "user_mm_pin", true }, { "end_ms", false },
};
#define NMETRIC G_N_ELEMENTS(metrics)

static void run_metrics(const struct run_stats *r, double *m)
{
	const struct dist *ds[] = { &r->linger_all, &r->linger_user, &r->pins };
	int k = 0;

	m[k++] = r->created;
	m[k++] = r->freed;
	m[k++] = r->user_created;
	for (guint i = 0; i < G_N_ELEMENTS(ds); i++) {
		m[k++] = ds[i]->v->len;
		m[k++] = pct(ds[i]->v, 50);
		m[k++] = pct(ds[i]->v, 90);
		m[k++] = pct(ds[i]->v, 99);
		m[k++] = pct(ds[i]->v, 100);
	}
	m[k++] = r->exposure_peak;
	m[k++] = r->exposure_avg;
	m[k++] = r->exposure_total_s;
	m[k++] = (double)r->ipis;
	m[k++] = r->user_mm_pin;
	m[k++] = r->end_ns / 1e6;
	g_assert(k == (int)NMETRIC);
}

static void csv_number(GString *o, double v, bool integer)
{
	if (isnan(v))
		g_string_append(o, ",nan");
	else if (integer)
		g_string_append_printf(o, ",%.0f", v);
	else
		g_string_append_printf(o, ",%.6f", v);
}

/* RFC 4180: quoted when it holds a comma, a quote or a line break */
static void csv_field(GString *o, const char *v)
{
	g_string_append_c(o, ',');
	if (!strpbrk(v, ",\"\r\n")) {
		g_string_append(o, v);
		return;
	}
	g_string_append_c(o, '"');
	for (const char *p = v; *p; p++) {
		if (*p == '"')
			g_string_append_c(o, '"');
		g_string_append_c(o, *p);
	}
	g_string_append_c(o, '"');
}

static void json_param_value(GString *o, const struct param *v)
{
	if (!v || v->type == SQLITE_NULL)
		g_string_append(o, "null");
	else if (v->type == SQLITE_INTEGER)
		g_string_append(o, v->text);
	else if (v->type == SQLITE_FLOAT)
		g_string_append_printf(o, "%.17g", v->num);
	else
		sim_json_str(o, v->text);
}

static void json_number(GString *o, double v)
{
	if (isnan(v))
		g_string_append(o, "null");
	else
		g_string_append_printf(o, "%.6f", v);
}

/* The columns named after a run's fixed fields come first; a parameter of the same name is param:NAME. */
static const char *const fixed_cols[] = { "run", "kernel", "cpus", "lazy_tlb", "seed", "sweep", "runs",
					  "run_ids" };

static bool is_fixed_col(const char *name)
{
	for (guint i = 0; i < G_N_ELEMENTS(fixed_cols); i++)
		if (!strcmp(fixed_cols[i], name))
			return true;
	for (guint i = 0; i < NMETRIC; i++)
		if (g_str_has_prefix(name, metrics[i].name))
			return true;
	return false;
}

static void csv_param_header(GString *o, const char *name)
{
	g_autofree char *col = is_fixed_col(name) ? g_strconcat("param:", name, NULL) : g_strdup(name);

	csv_field(o, col);
}

static gint cmp_str_ptr(gconstpointer a, gconstpointer b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Every parameter name of these runs but the fixed four, sorted. */
static GPtrArray *param_names(struct run_stats *runs, guint n)
{
	g_autoptr(GHashTable) seen = g_hash_table_new(g_str_hash, g_str_equal);
	GPtrArray *names = g_ptr_array_new();

	for (guint i = 0; i < n; i++)
		for (guint k = 0; k < runs[i].pv->len; k++) {
			const char *name = ((struct param *)runs[i].pv->pdata[k])->name;

			if (!strcmp(name, "kernel") || !strcmp(name, "cpus") ||
			    !strcmp(name, "lazy_tlb") || !strcmp(name, "seed") ||
			    !g_hash_table_add(seen, (gpointer)name))
				continue;
			g_ptr_array_add(names, (gpointer)name);
		}
	g_ptr_array_sort(names, cmp_str_ptr);
	return names;
}

static void print_csv(struct run_stats *runs, guint n)
{
	g_autoptr(GPtrArray) names = param_names(runs, n);
	GString *o = g_string_new("run,kernel,cpus,lazy_tlb,seed");

	for (guint k = 0; k < names->len; k++)
		csv_param_header(o, names->pdata[k]);
	for (guint m = 0; m < NMETRIC; m++)
		g_string_append_printf(o, ",%s", metrics[m].name);
	g_string_append(o, ",sweep\n");
	for (guint i = 0; i < n; i++) {
		struct run_stats *r = &runs[i];
		double m[NMETRIC];

		g_string_append_printf(o, "%" G_GINT64_FORMAT ",%s,%" G_GINT64_FORMAT ",%s,%"
				       G_GINT64_FORMAT, r->id, r->kernel, r->cpus, r->lazy, r->seed);
		for (guint k = 0; k < names->len; k++) {
			const struct param *v = run_param(r, names->pdata[k]);

			csv_field(o, v ? v->text : "");
		}
		run_metrics(r, m);
		for (guint k = 0; k < NMETRIC; k++)
			csv_number(o, m[k], metrics[k].integer);
		csv_field(o, r->sweep ? r->sweep : "");
		g_string_append_c(o, '\n');
	}
	fputs(o->str, stdout);
	g_string_free(o, TRUE);
}

/* ---- --group-by ---------------------------------------------------------- */

struct group {
	GPtrArray *runs;        /* struct run_stats *, by id */
	double stat[NMETRIC][6];  /* n, mean, p50, p90, min, max */
};

static const char *const stat_names[] = { "n", "mean", "p50", "p90", "min", "max" };

/* missing < numbers (by value) < text (by bytes) */
static int cmp_value(const struct param *a, const struct param *b)
{
	int ta = !a || a->type == SQLITE_NULL ? 0 : a->type == SQLITE_TEXT || a->type == SQLITE_BLOB ? 2 : 1;
	int tb = !b || b->type == SQLITE_NULL ? 0 : b->type == SQLITE_TEXT || b->type == SQLITE_BLOB ? 2 : 1;

	if (ta != tb)
		return ta - tb;
	if (ta == 1)
		return a->num < b->num ? -1 : a->num > b->num;
	return ta == 2 ? strcmp(a->text, b->text) : 0;
}

static char **group_by;         /* for the sort below */

static int cmp_group_key(const struct run_stats *a, const struct run_stats *b)
{
	for (char **g = group_by; *g; g++) {
		int c = cmp_value(run_param(a, *g), run_param(b, *g));

		if (c)
			return c;
	}
	return 0;
}

static gint cmp_runs_grouped(gconstpointer pa, gconstpointer pb)
{
	const struct run_stats *a = *(struct run_stats *const *)pa, *b = *(struct run_stats *const *)pb;
	int c = cmp_group_key(a, b);

	return c ? c : a->id < b->id ? -1 : a->id > b->id;
}

static void group_stats(struct group *g)
{
	g_autoptr(GArray) v = g_array_new(FALSE, FALSE, sizeof(double));

	for (guint k = 0; k < NMETRIC; k++) {
		double sum = 0;

		g_array_set_size(v, 0);
		for (guint i = 0; i < g->runs->len; i++) {
			double m[NMETRIC];

			run_metrics(g->runs->pdata[i], m);
			if (!isnan(m[k])) {
				g_array_append_val(v, m[k]);
				sum += m[k];
			}
		}
		g_array_sort(v, cmp_double);
		g->stat[k][0] = v->len;
		g->stat[k][1] = v->len ? sum / v->len : NAN;
		g->stat[k][2] = pct(v, 50);
		g->stat[k][3] = pct(v, 90);
		g->stat[k][4] = pct(v, 0);
		g->stat[k][5] = pct(v, 100);
	}
}

/* The runs in groups of equal values of @by, groups in value order. */
static GPtrArray *make_groups(struct run_stats *runs, guint n, char **by)
{
	g_autoptr(GPtrArray) sorted = g_ptr_array_new();
	GPtrArray *groups = g_ptr_array_new();
	struct group *g = NULL;

	for (guint i = 0; i < n; i++)
		g_ptr_array_add(sorted, &runs[i]);
	group_by = by;
	g_ptr_array_sort(sorted, cmp_runs_grouped);
	for (guint i = 0; i < sorted->len; i++) {
		if (!g || cmp_group_key(g->runs->pdata[0], sorted->pdata[i])) {
			g = g_new0(struct group, 1);
			g->runs = g_ptr_array_new();
			g_ptr_array_add(groups, g);
		}
		g_ptr_array_add(g->runs, sorted->pdata[i]);
	}
	for (guint i = 0; i < groups->len; i++)
		group_stats(groups->pdata[i]);
	return groups;
}

static void free_groups(GPtrArray *groups)
{
	for (guint i = 0; i < groups->len; i++) {
		struct group *g = groups->pdata[i];

		g_ptr_array_free(g->runs, TRUE);
		g_free(g);
	}
	g_ptr_array_free(groups, TRUE);
}

static char *group_label(const struct group *g, char **by)
{
	GString *o = g_string_new(NULL);

	for (char **p = by; *p; p++) {
		const struct param *v = run_param(g->runs->pdata[0], *p);

		g_string_append_printf(o, "%s%s=%s", p == by ? "" : " ", *p, v ? v->text : "(none)");
	}
	return g_string_free(o, FALSE);
}

static void print_groups(GPtrArray *groups, char **by, const char *format)
{
	GString *o = g_string_new(NULL);

	if (!strcmp(format, "csv")) {
		for (char **p = by; *p; p++) {
			if (p != by)
				g_string_append_c(o, ',');
			if (is_fixed_col(*p) && strcmp(*p, "kernel") && strcmp(*p, "cpus") &&
			    strcmp(*p, "lazy_tlb") && strcmp(*p, "seed"))
				g_string_append(o, "param:");
			g_string_append(o, *p);
		}
		g_string_append(o, ",runs,run_ids");
		for (guint k = 0; k < NMETRIC; k++)
			for (guint s = 1; s < G_N_ELEMENTS(stat_names); s++)
				g_string_append_printf(o, ",%s_%s", metrics[k].name, stat_names[s]);
		g_string_append_c(o, '\n');
	}
	if (!strcmp(format, "json"))
		g_string_append(o, "[\n");
	for (guint i = 0; i < groups->len; i++) {
		struct group *g = groups->pdata[i];
		struct run_stats *r0 = g->runs->pdata[0];
		GString *ids = g_string_new(NULL);

		for (guint k = 0; k < g->runs->len; k++)
			g_string_append_printf(ids, "%s%" G_GINT64_FORMAT, k ? " " : "",
					       ((struct run_stats *)g->runs->pdata[k])->id);
		if (!strcmp(format, "csv")) {
			GString *row = g_string_new(NULL);

			for (char **p = by; *p; p++) {
				const struct param *v = run_param(r0, *p);

				csv_field(row, v ? v->text : "");
			}
			g_string_append_printf(row, ",%u,%s", g->runs->len, ids->str);
			for (guint k = 0; k < NMETRIC; k++)
				for (guint s = 1; s < G_N_ELEMENTS(stat_names); s++)
					csv_number(row, g->stat[k][s], false);
			/* every field came with its comma */
			g_string_append_printf(o, "%s\n", row->str + 1);
			g_string_free(row, TRUE);
		} else if (!strcmp(format, "json")) {
			g_string_append(o, "{\"group\": {");
			for (char **p = by; *p; p++) {
				if (p != by)
					g_string_append(o, ", ");
				sim_json_str(o, *p);
				g_string_append(o, ": ");
				json_param_value(o, run_param(r0, *p));
			}
			g_string_append(o, "}, \"runs\": [");
			for (guint k = 0; k < g->runs->len; k++)
				g_string_append_printf(o, "%s%" G_GINT64_FORMAT, k ? ", " : "",
						       ((struct run_stats *)g->runs->pdata[k])->id);
			g_string_append(o, "], \"metrics\": {");
			for (guint k = 0; k < NMETRIC; k++) {
				g_string_append_printf(o, "%s\"%s\": {\"n\": %.0f", k ? ", " : "",
						       metrics[k].name, g->stat[k][0]);
				for (guint s = 1; s < G_N_ELEMENTS(stat_names); s++) {
					g_string_append_printf(o, ", \"%s\": ", stat_names[s]);
					json_number(o, g->stat[k][s]);
				}
				g_string_append_c(o, '}');
			}
			g_string_append_printf(o, "}}%s\n", i + 1 < groups->len ? "," : "");
		} else {
			g_autofree char *label = group_label(g, by);

			g_string_append_printf(o, "group %s: %u run%s (%s)\n", label, g->runs->len,
					       g->runs->len == 1 ? "" : "s", ids->str);
			g_string_append_printf(o, "  %-24s %4s %12s %12s %12s %12s %12s\n", "over the runs",
					       "n", "mean", "p50", "p90", "min", "max");
			for (guint k = 0; k < NMETRIC; k++) {
				g_string_append_printf(o, "  %-24s %4.0f", metrics[k].name, g->stat[k][0]);
				for (guint s = 1; s < G_N_ELEMENTS(stat_names); s++) {
					if (isnan(g->stat[k][s]))
						g_string_append_printf(o, " %12s", "-");
					else
						g_string_append_printf(o, " %12.3f", g->stat[k][s]);
				}
				g_string_append_c(o, '\n');
			}
		}
		g_string_free(ids, TRUE);
	}
	if (!strcmp(format, "json"))
		g_string_append(o, "]\n");
	fputs(o->str, stdout);
	g_string_free(o, TRUE);
}

/* ---- SVG ---------------------------------------------------------------- */

#define W 720
#define H 360
#define ML 70
#define MR 20
#define MT 40
#define MB 50

static void svg_open(GString *s, const char *title, const char *xl, const char *yl)
{
	g_string_append_printf(s,
		"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
		"font-family=\"sans-serif\" font-size=\"12\">\n"
		"<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>\n"
		"<text x=\"%d\" y=\"22\" font-size=\"15\">%s</text>\n"
		"<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">%s</text>\n"
		"<text x=\"16\" y=\"%d\" transform=\"rotate(-90 16 %d)\" text-anchor=\"middle\">%s</text>\n"
		"<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"black\"/>\n"
		"<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"black\"/>\n",
		W, H, ML, title, ML + (W - ML - MR) / 2, H - 10, xl, MT + (H - MT - MB) / 2,
		MT + (H - MT - MB) / 2, yl, ML, H - MB, W - MR, H - MB, ML, MT, ML, H - MB);
}

static void svg_ticks(GString *s, double xmax, double ymax, bool logx, double xmin)
{
	for (int i = 0; i <= 4; i++) {
		double fy = i / 4.0, fx = i / 4.0;
		double xv = logx ? xmin * pow(xmax / xmin, fx) : xmax * fx;

		g_string_append_printf(s, "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%.3g</text>\n",
				       ML - 6, H - MB - fy * (H - MT - MB) + 4, ymax * fy);
		g_string_append_printf(s, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%.3g</text>\n",
				       ML + fx * (W - ML - MR), H - MB + 16, xv);
	}
}

static double sx(double x, double xmax)
{
	return ML + (xmax > 0 ? x / xmax : 0) * (W - ML - MR);
}

static double sy(double y, double ymax)
{
	return H - MB - (ymax > 0 ? y / ymax : 0) * (H - MT - MB);
}

static gboolean svg_write(const char *dir, const char *name, GString *s, GError **err)
{
	g_autofree char *path = g_build_filename(dir, name, NULL);

	g_string_append(s, "</svg>\n");
	return g_file_set_contents(path, s->str, (gssize)s->len, err);
}

/* Counts over time: exposed, active and alive namespaces (step lines). */
static gboolean svg_counts(const char *dir, struct run_stats *r, GError **err)
{
	g_autoptr(GString) s = g_string_new(NULL);
	g_autofree char *name = g_strdup_printf("counts-run%" G_GINT64_FORMAT ".svg", r->id);
	g_autofree char *title = g_strdup_printf("Run %" G_GINT64_FORMAT ": namespaces over time "
						 "(cpus %" G_GINT64_FORMAT ", %s)", r->id, r->cpus, r->lazy);
	static const char *const color[] = { "#d62728", "#1f77b4", "#7f7f7f" };
	static const char *const label[] = {
		"in memory but invisible (reachable by handle on 6.18 only)", "active (visible)",
		"in memory",
	};
	double xmax = r->end_ns / 1e6;
	unsigned int ymax = 1;

	for (guint i = 0; i < r->series->len; i++)
		ymax = MAX(ymax, g_array_index(r->series, struct point, i).alive);
	svg_open(s, title, "virtual time (ms)", "namespaces");
	svg_ticks(s, xmax, ymax, false, 0);
	for (int k = 0; k < 3; k++) {
		double prev = 0;

		g_string_append_printf(s, "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"1.5\" points=\"%.1f,%.1f",
				       color[k], sx(0, xmax), sy(0, ymax));
		for (guint i = 0; i < r->series->len; i++) {
			struct point *p = &g_array_index(r->series, struct point, i);
			double v = k == 0 ? p->exposed : k == 1 ? p->active : p->alive;

			g_string_append_printf(s, " %.1f,%.1f %.1f,%.1f", sx(p->t_ms, xmax), sy(prev, ymax),
					       sx(p->t_ms, xmax), sy(v, ymax));
			prev = v;
		}
		g_string_append_printf(s, " %.1f,%.1f\"/>\n", sx(xmax, xmax), sy(prev, ymax));
		g_string_append_printf(s, "<rect x=\"%d\" y=\"%d\" width=\"12\" height=\"3\" fill=\"%s\"/>"
				       "<text x=\"%d\" y=\"%d\">%s</text>\n", ML + 10, MT + 6 + 16 * k,
				       color[k], ML + 28, MT + 10 + 16 * k, label[k]);
	}
	return svg_write(dir, name, s, err);
}

/* A histogram of how long user namespaces stayed invisible in memory. */
static gboolean svg_lingering(const char *dir, struct run_stats *r, GError **err)
{
	g_autoptr(GString) s = g_string_new(NULL);
	g_autofree char *name = g_strdup_printf("lingering-run%" G_GINT64_FORMAT ".svg", r->id);
	g_autofree char *title = g_strdup_printf("Run %" G_GINT64_FORMAT ": user namespaces alive "
						 "but invisible (cpus %" G_GINT64_FORMAT ", %s)",
						 r->id, r->cpus, r->lazy);
	GArray *v = r->linger_user.v;
	double xmax = v->len ? pct(v, 100) : 1;
	unsigned int bins[20] = { 0 }, ymax = 1;

	if (xmax <= 0)
		xmax = 1;
	for (guint i = 0; i < v->len; i++) {
		int b = (int)(g_array_index(v, double, i) / xmax * 20);

		bins[MIN(b, 19)]++;
	}
	for (int b = 0; b < 20; b++)
		ymax = MAX(ymax, bins[b]);
	svg_open(s, title, "time in memory after the last active reference (ms)", "user namespaces");
	svg_ticks(s, xmax, ymax, false, 0);
	for (int b = 0; b < 20; b++)
		g_string_append_printf(s, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" "
				       "fill=\"#1f77b4\" stroke=\"white\"/>\n", sx(b * xmax / 20, xmax),
				       sy(bins[b], ymax), (W - ML - MR) / 20.0,
				       (H - MB) - sy(bins[b], ymax));
	return svg_write(dir, name, s, err);
}

/* Pin durations against CPU count, one line per lazy-TLB mode and statistic. */
static gboolean svg_pins(const char *dir, struct run_stats *runs, guint n, GError **err)
{
	g_autoptr(GString) s = g_string_new(NULL);
	static const char *const modes[] = { "refcount", "shootdown" };
	static const char *const color[] = { "#d62728", "#1f77b4" };
	double xmin = 1e18, xmax = 1, ymax = 1e-3;

	for (guint i = 0; i < n; i++) {
		xmin = MIN(xmin, runs[i].cpus);
		xmax = MAX(xmax, runs[i].cpus);
		if (runs[i].pins.v->len)
			ymax = MAX(ymax, pct(runs[i].pins.v, 90));
	}
	if (xmin >= xmax)
		xmin = xmax / 2;
	svg_open(s, "Lazy-TLB pin duration (p50 solid, p90 dashed) against CPU count",
		 "CPUs (log scale)", "ms from the last mm user to __mmdrop");
	svg_ticks(s, xmax, ymax, true, xmin);
	for (int m = 0; m < 2; m++) {
		for (int q = 0; q < 2; q++) {
			GString *pts = g_string_new(NULL);
			/* average over runs (seeds) with the same CPU count, ascending */
			g_autoptr(GArray) xs = g_array_new(FALSE, FALSE, sizeof(double));

			for (guint i = 0; i < n; i++) {
				double c = runs[i].cpus;
				bool seen = false;

				if (strcmp(runs[i].lazy, modes[m]))
					continue;
				for (guint j = 0; j < xs->len; j++)
					seen |= g_array_index(xs, double, j) == c;
				if (!seen)
					g_array_append_val(xs, c);
			}
			g_array_sort(xs, cmp_double);
			for (guint j = 0; j < xs->len; j++) {
				double c = g_array_index(xs, double, j), sum = 0;
				int cnt = 0;

				for (guint i = 0; i < n; i++)
					if (runs[i].cpus == c && !strcmp(runs[i].lazy, modes[m]) &&
					    runs[i].pins.v->len) {
						sum += pct(runs[i].pins.v, q ? 90 : 50);
						cnt++;
					}
				if (cnt)
					g_string_append_printf(pts, "%.1f,%.1f ",
						ML + log(c / xmin) / log(xmax / xmin) * (W - ML - MR),
						sy(sum / cnt, ymax));
			}
			if (pts->len)
				g_string_append_printf(s, "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"2\"%s points=\"%s\"/>\n",
						       color[m], q ? " stroke-dasharray=\"6,4\"" : "", pts->str);
			g_string_free(pts, TRUE);
		}
		g_string_append_printf(s, "<rect x=\"%d\" y=\"%d\" width=\"12\" height=\"3\" fill=\"%s\"/>"
				       "<text x=\"%d\" y=\"%d\">%s</text>\n", ML + 10, MT + 6 + 16 * m,
				       color[m], ML + 28, MT + 10 + 16 * m, modes[m]);
	}
	return svg_write(dir, "pins-vs-cpus.svg", s, err);
}

static bool has_schema_object(sqlite3 *db, const char *sql)
{
	return q1(db, sql, 0, 0) > 0;
}

/*
 * A trace of schema 2 or older, read as it is: its runs' parameters come
 * from their config into a temporary run_param (the upgrade writes the same
 * rows when a run is added to it), its sweeps from sweep_run.
 */
static gboolean old_trace_params(sqlite3 *db, GError **err)
{
	sqlite3_stmt *st;
	gboolean ok = TRUE;

	if (sqlite3_exec(db, "CREATE TEMP TABLE run_param (run INTEGER NOT NULL, name TEXT NOT NULL,"
			 " value, PRIMARY KEY (run, name))", NULL, NULL, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db, "SELECT id, kernel, seed, config FROM main.run", -1, &st,
			       NULL) != SQLITE_OK) {
		g_set_error(err, NSS_DB_ERROR, 1, "%s", sqlite3_errmsg(db));
		return FALSE;
	}
	while (ok && sqlite3_step(st) == SQLITE_ROW)
		ok = nss_db_run_params(db, sqlite3_column_int64(st, 0),
				       (const char *)sqlite3_column_text(st, 1),
				       sqlite3_column_int64(st, 2),
				       (const char *)sqlite3_column_text(st, 3), err);
	sqlite3_finalize(st);
	return ok;
}

/* --sweep: the one sweep whose id is @want or starts with it. */
static char *find_sweep(sqlite3 *db, const char *sweep_expr, const char *want, GError **err)
{
	g_autofree char *sql = g_strdup_printf("SELECT DISTINCT %s AS s FROM run r WHERE"
					       " substr(s, 1, length(?1)) = ?1 ORDER BY s", sweep_expr);
	g_autoptr(GPtrArray) found = g_ptr_array_new_with_free_func(g_free);
	sqlite3_stmt *st;

	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
		g_set_error(err, NSS_DB_ERROR, 1, "%s", sqlite3_errmsg(db));
		return NULL;
	}
	sqlite3_bind_text(st, 1, want, -1, SQLITE_STATIC);
	while (sqlite3_step(st) == SQLITE_ROW)
		g_ptr_array_add(found, g_strdup((const char *)sqlite3_column_text(st, 0)));
	sqlite3_finalize(st);
	for (guint i = 0; i < found->len; i++)
		if (!strcmp(found->pdata[i], want))
			return g_strdup(want);
	if (found->len != 1) {
		g_set_error(err, NSS_DB_ERROR, 1, "--sweep %s: %s", want,
			    found->len ? "more than one sweep has an id that starts so"
				       : "no run of this database belongs to that sweep");
		return NULL;
	}
	return g_strdup(found->pdata[0]);
}

/* --group-by: names of parameters some run has, no repeats. */
static gboolean check_group_by(char **by, struct run_stats *runs, guint n, GError **err)
{
	for (char **p = by; *p; p++) {
		bool known = false;

		if (!**p) {
			g_set_error(err, NSS_DB_ERROR, 1, "--group-by: an empty parameter name");
			return FALSE;
		}
		for (char **q = by; q < p; q++)
			if (!strcmp(*q, *p)) {
				g_set_error(err, NSS_DB_ERROR, 1, "--group-by: %s twice", *p);
				return FALSE;
			}
		for (guint i = 0; i < n && !known; i++)
			known = run_param(&runs[i], *p) != NULL;
		if (!known) {
			g_autoptr(GPtrArray) names = param_names(runs, n);
			GString *list = g_string_new("kernel, cpus, lazy_tlb, seed");

			for (guint k = 0; k < names->len; k++)
				g_string_append_printf(list, ", %s", (char *)names->pdata[k]);
			g_set_error(err, NSS_DB_ERROR, 1, "--group-by %s: no such parameter in these runs"
				    " (they have: %s)", *p, list->str);
			g_string_free(list, TRUE);
			return FALSE;
		}
	}
	return TRUE;
}

int cmd_report(int argc, char **argv)
{
	gint64 run = 0;
	g_autofree char *format = NULL, *svg = NULL, *sweep = NULL, *group = NULL;
	g_autofree char *sweep_id = NULL, *select = NULL;
	g_auto(GStrv) by = NULL;
	GOptionEntry entries[] = {
		{ "run", 'r', 0, G_OPTION_ARG_INT64, &run, "One run (default: every finished run)", "N" },
		{ "sweep", 0, 0, G_OPTION_ARG_STRING, &sweep, "The runs of one sweep (its id, or the start of it, as nssim sweep prints it)", "ID" },
		{ "group-by", 'g', 0, G_OPTION_ARG_STRING, &group, "One row per combination of these parameters' values: mean, p50, p90, min and max of each metric over its runs", "P[,P...]" },
		{ "format", 'f', 0, G_OPTION_ARG_STRING, &format, "text (default), json or csv", "F" },
		{ "svg", 0, 0, G_OPTION_ARG_FILENAME, &svg, "Write plots into this directory", "DIR" },
		{ NULL },
	};
	g_autoptr(GOptionContext) ctx = g_option_context_new("DB");
	g_autoptr(GError) err = NULL;
	g_autoptr(GArray) ids = g_array_new(FALSE, FALSE, sizeof(int64_t));
	struct run_stats *runs;
	const char *sweep_expr;
	sqlite3 *db = NULL;
	sqlite3_stmt *st;
	guint n;
	int rc = 0;

	g_option_context_set_summary(ctx,
		"Namespace lifetimes in a trace: how long namespaces stayed in memory while\n"
		"invisible and what held them, lazy-TLB pin durations, the 6.18-only exposure,\n"
		"shootdown IPIs; runs side by side, with every parameter of each run, or\n"
		"grouped by parameters (statistics over the seeds of a sweep).");
	g_option_context_add_main_entries(ctx, entries, NULL);
	if (!g_option_context_parse(ctx, &argc, &argv, &err) || argc != 2) {
		g_printerr("nssim report: %s (see nssim report --help)\n",
			   err ? err->message : "expected one database");
		return 2;
	}
	if (format && strcmp(format, "text") && strcmp(format, "json") && strcmp(format, "csv")) {
		g_printerr("nssim report: --format %s: text, json or csv\n", format);
		return 2;
	}
	if (group)
		by = g_strsplit(group, ",", -1);
	if (g_file_test(argv[1], G_FILE_TEST_IS_REGULAR))
		nss_db_index(argv[1]);
	if (!g_file_test(argv[1], G_FILE_TEST_IS_REGULAR) ||
	    sqlite3_open_v2(argv[1], &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
		g_printerr("nssim report: cannot open %s\n", argv[1]);
		sqlite3_close(db);
		return 2;
	}
	if (!nss_db_check(db, argv[1], &err)) {
		g_printerr("nssim report: %s\n", err->message);
		sqlite3_close(db);
		return 2;
	}
	sweep_expr = has_schema_object(db, "SELECT count(*) FROM pragma_table_info('run')"
					   " WHERE name = 'sweep'")
		     ? "r.sweep"
		     : has_schema_object(db, "SELECT count(*) FROM sqlite_master WHERE name = 'sweep_run'")
		     ? "(SELECT w.sweep FROM sweep_run w WHERE w.run = r.id)" : "NULL";
	if (!has_schema_object(db, "SELECT count(*) FROM sqlite_master WHERE name = 'run_param'") &&
	    !old_trace_params(db, &err)) {
		g_printerr("nssim report: %s: %s\n", argv[1], err->message);
		sqlite3_close(db);
		return 2;
	}
	if (sweep && !(sweep_id = find_sweep(db, sweep_expr, sweep, &err))) {
		g_printerr("nssim report: %s: %s\n", argv[1], err->message);
		sqlite3_close(db);
		return 2;
	}
	select = g_strdup_printf("SELECT id FROM run r WHERE status != 'running'%s%s%s ORDER BY id",
				 run ? " AND id = ?1" : "", sweep_id ? " AND ?2 = " : "",
				 sweep_id ? sweep_expr : "");
	if (sqlite3_prepare_v2(db, select, -1, &st, NULL) != SQLITE_OK) {
		g_printerr("nssim report: %s: %s\n", argv[1], sqlite3_errmsg(db));
		sqlite3_close(db);
		return 2;
	}
	sqlite3_bind_int64(st, 1, run);
	sqlite3_bind_text(st, 2, sweep_id, -1, SQLITE_STATIC);
	while (sqlite3_step(st) == SQLITE_ROW) {
		int64_t id = sqlite3_column_int64(st, 0);

		g_array_append_val(ids, id);
	}
	sqlite3_finalize(st);
	if (!ids->len) {
		g_printerr("nssim report: %s: no finished run%s\n", argv[1],
			   run ? " with that id" : sweep_id ? "s in that sweep" : "s");
		sqlite3_close(db);
		return 2;
	}
	n = ids->len;
	runs = g_new0(struct run_stats, n);
	for (guint i = 0; i < n; i++) {
		if (!load_run(db, g_array_index(ids, int64_t, i), sweep_expr, &runs[i])) {
			/* a database of another schema, or not nssim's */
			g_printerr("nssim report: %s: run %" G_GINT64_FORMAT ": %s\n", argv[1],
				   g_array_index(ids, int64_t, i), sqlite3_errmsg(db));
			sqlite3_close(db);
			for (guint k = 0; k <= i; k++)
				free_run(&runs[k]);
			g_free(runs);
			return 2;
		}
	}
	sqlite3_close(db);

	if (by && !check_group_by(by, runs, n, &err)) {
		g_printerr("nssim report: %s\n", err->message);
		rc = 2;
	} else if (by) {
		GPtrArray *groups = make_groups(runs, n, by);

		print_groups(groups, by, format ? format : "text");
		free_groups(groups);
	} else if (!format || !strcmp(format, "text")) {
		for (guint i = 0; i < n; i++)
			print_text(&runs[i]);
	} else if (!strcmp(format, "json")) {
		g_print("[\n");
		for (guint i = 0; i < n; i++)
			print_json(&runs[i], i + 1 == n);
		g_print("]\n");
	} else {
		print_csv(runs, n);
	}
	if (svg && !rc) {
		if (g_mkdir_with_parents(svg, 0755) != 0) {
			g_printerr("nssim report: cannot create %s\n", svg);
			rc = 2;
		}
		for (guint i = 0; !rc && i < n; i++)
			if (!svg_counts(svg, &runs[i], &err) || !svg_lingering(svg, &runs[i], &err))
				rc = 2;
		if (!rc && !svg_pins(svg, runs, n, &err))
			rc = 2;
		if (rc && err)
			g_printerr("nssim report: %s\n", err->message);
	}
	for (guint i = 0; i < n; i++)
		free_run(&runs[i]);
	g_free(runs);
	return rc;
}
