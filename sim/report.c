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
#include <errno.h>
#include <math.h>
#include <sqlite3.h>
#include <string.h>
#include <sys/wait.h>
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

/* ---- plots (gnuplot) ------------------------------------------------------ */

/*
 * `--plot DIR` writes one gnuplot script, DIR/report.gp, with the data
 * inline, and runs gnuplot on it: every plot as PNG (pngcairo) and SVG.
 * The script is the record of the plots: edit it and run `gnuplot
 * report.gp` in DIR to redraw them.  Scales are shared by the plots of one
 * kind (every run's counts have the same axes), ticks are round (1, 2 or 5
 * times a power of ten; whole numbers for counts), legends sit outside the
 * data, and a plot with nothing to show is not drawn.
 */

#define PLOT_W 960
#define PLOT_H 540

/* The round step (1, 2 or 5 x 10^k) that cuts [0, max] into about @n ticks. */
static double nice_step(double max, int n, bool integer)
{
	double raw = max > 0 ? max / n : 1, p = pow(10, floor(log10(raw))), f = raw / p;
	double step = (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * p;

	return integer && step < 1 ? 1 : step;
}

/* The y axis from 0 to a round top above @max, ticks at round steps. */
static void gp_yaxis(GString *o, double max, bool integer)
{
	double step = nice_step(max, 5, integer);
	double top = MAX(step, ceil(max / step - 1e-9) * step);

	g_string_append_printf(o, "set yrange [0:%.10g]\nset ytics 0, %.10g\nset format y \"%s\"\n"
			       "set mytics 1\n", top, step, integer ? "%.0f" : "%g");
}

static void gp_xaxis(GString *o, double max)
{
	double step = nice_step(max, 8, false);
	double top = MAX(step, ceil(max / step - 1e-9) * step);

	g_string_append_printf(o, "set xrange [0:%.10g]\nset xtics 0, %.10g\nset format x \"%%g\"\n"
			       "set mxtics 1\n", top, step);
}

/* A gnuplot string literal: double-quoted, so that a line break is \n. */
static void gp_str(GString *o, const char *s)
{
	g_string_append_c(o, '"');
	for (const char *p = s; *p; p++) {
		if (*p == '\n') {
			g_string_append(o, "\\n");
			continue;
		}
		if (*p == '"' || *p == '\\')
			g_string_append_c(o, '\\');
		g_string_append_c(o, *p);
	}
	g_string_append_c(o, '"');
}

/* The start of one plot, for each format in turn; gp_end closes it. */
static void gp_begin(GString *o, const char *name, int w, int h)
{
	g_string_append_printf(o, "\n# ---- %s\ndo for [fmt in \"png svg\"] {\n"
			       "reset\neval(sprintf(fmt eq \"png\" ? PNG : SVG, %d, %d))\n"
			       "set output '%s.'.fmt\n", name, w, h, name);
	g_string_append(o, "set border 3\nset tics nomirror out\nset grid ytics lc rgb '#dddddd'\n");
}

static void gp_end(GString *o, bool multiplot)
{
	g_string_append_printf(o, "%sset output\n}\n", multiplot ? "unset multiplot\n" : "");
}

/* The parameters that differ between @runs (seed apart), by name. */
static GPtrArray *swept_params(struct run_stats *runs, guint n)
{
	GPtrArray *all = param_names(runs, n);
	GPtrArray *swept = g_ptr_array_new();
	static const char *const fixed[] = { "kernel", "cpus", "lazy_tlb" };

	for (guint k = 0; k < G_N_ELEMENTS(fixed) + all->len; k++) {
		const char *name = k < G_N_ELEMENTS(fixed) ? fixed[k]
							   : all->pdata[k - G_N_ELEMENTS(fixed)];

		for (guint i = 1; i < n; i++)
			if (cmp_value(run_param(&runs[0], name), run_param(&runs[i], name))) {
				g_ptr_array_add(swept, (gpointer)name);
				break;
			}
	}
	g_ptr_array_free(all, TRUE);
	g_ptr_array_sort(swept, cmp_str_ptr);
	return swept;
}

/* "cpus=8 lazy_tlb=refcount seed=2": the swept parameters of a run, and its seed */
static char *run_label(const struct run_stats *r, GPtrArray *swept)
{
	GString *o = g_string_new(NULL);

	for (guint k = 0; k < swept->len; k++) {
		const struct param *v = run_param(r, swept->pdata[k]);

		g_string_append_printf(o, "%s=%s ", (char *)swept->pdata[k], v ? v->text : "(none)");
	}
	if (!swept->len)
		g_string_append_printf(o, "kernel %s, cpus %" G_GINT64_FORMAT ", lazy_tlb %s, ",
				       r->kernel, r->cpus, r->lazy);
	g_string_append_printf(o, "seed=%" G_GINT64_FORMAT, r->seed);
	return g_string_free(o, FALSE);
}

/* Namespaces over time, one plot per run, on the axes of the longest and fullest run. */
static guint gp_counts(GString *o, struct run_stats *runs, guint n, GPtrArray *swept)
{
	static const char *const label[] = {
		"inactive, in memory", "active (visible)", "in memory",
	};
	static const char *const color[] = { "#d62728", "#1f77b4", "#7f7f7f" };
	double xmax = 0, ymax = 1;
	guint drawn = 0;

	for (guint i = 0; i < n; i++) {
		xmax = MAX(xmax, runs[i].end_ns / 1e6);
		for (guint k = 0; k < runs[i].series->len; k++)
			ymax = MAX(ymax, g_array_index(runs[i].series, struct point, k).alive);
	}
	for (guint i = 0; i < n; i++) {
		struct run_stats *r = &runs[i];
		g_autofree char *name = g_strdup_printf("counts-run%" G_GINT64_FORMAT, r->id);
		g_autofree char *block = g_strdelimit(g_strdup(name), "-", '_');
		g_autofree char *what = run_label(r, swept);
		g_autofree char *title = g_strdup_printf("Run %" G_GINT64_FORMAT " (%s): non-initial"
							 " namespaces over time\ninactive, in memory:"
							 " reachable by handle on 6.18, not on 6.19",
							 r->id, what);

		if (!r->series->len)
			continue;       /* no namespace but the initial ones: nothing to draw */
		drawn++;
		g_string_append_printf(o, "\n$%s << EOD\n", block);
		for (guint k = 0; k < r->series->len; k++) {
			struct point *p = &g_array_index(r->series, struct point, k);

			g_string_append_printf(o, "%.6f %u %u %u\n", p->t_ms, p->exposed, p->active,
					       p->alive);
		}
		{
			struct point *p = &g_array_index(r->series, struct point, r->series->len - 1);

			g_string_append_printf(o, "%.6f %u %u %u\nEOD\n", r->end_ns / 1e6, p->exposed,
					       p->active, p->alive);
		}
		gp_begin(o, name, PLOT_W, PLOT_H);
		g_string_append(o, "set title ");
		gp_str(o, title);
		g_string_append(o, "\nset xlabel 'virtual time (ms)'\nset ylabel 'namespaces'\n"
			       "set bmargin 6\nset key at screen 0.5, 0.035 center center horizontal"
			       " maxrows 1 samplen 2\n");
		gp_xaxis(o, xmax);
		gp_yaxis(o, ymax, true);
		g_string_append(o, "plot ");
		for (int k = 2; k >= 0; k--) {
			g_string_append_printf(o, "$%s using 1:%d with steps lw 2 lc rgb '%s' title ",
					       block, k + 2, color[k]);
			gp_str(o, label[k]);
			g_string_append(o, k ? ", \\\n     " : "\n");
		}
		gp_end(o, false);
	}
	return drawn;
}

/* How long user namespaces stayed invisible in memory: one histogram per run, shared bins. */
static guint gp_lingering(GString *o, struct run_stats *runs, guint n, GPtrArray *swept)
{
	double xmax = 0, width, top;
	unsigned int ymax = 1;
	guint nbins, drawn = 0;

	for (guint i = 0; i < n; i++)
		if (runs[i].linger_user.v->len)
			xmax = MAX(xmax, pct(runs[i].linger_user.v, 100));
	width = nice_step(xmax, 20, false);
	top = MAX(width, ceil(xmax / width + 1e-9) * width);
	nbins = (guint)llround(top / width);
	for (guint pass = 0; pass < 2; pass++) {
		for (guint i = 0; i < n; i++) {
			struct run_stats *r = &runs[i];
			GArray *v = r->linger_user.v;
			g_autofree unsigned int *bins = g_new0(unsigned int, nbins);
			g_autofree char *name = NULL, *block = NULL, *what = NULL, *title = NULL;

			if (!v->len)
				continue;
			for (guint k = 0; k < v->len; k++) {
				guint b = (guint)(g_array_index(v, double, k) / width);

				bins[MIN(b, nbins - 1)]++;
			}
			if (!pass) {
				for (guint b = 0; b < nbins; b++)
					ymax = MAX(ymax, bins[b]);
				continue;
			}
			drawn++;
			name = g_strdup_printf("lingering-run%" G_GINT64_FORMAT, r->id);
			block = g_strdelimit(g_strdup(name), "-", '_');
			what = run_label(r, swept);
			title = g_strdup_printf("Run %" G_GINT64_FORMAT " (%s): user namespaces alive but"
						" invisible (%u)", r->id, what, v->len);
			g_string_append_printf(o, "\n$%s << EOD\n", block);
			for (guint b = 0; b < nbins; b++)
				g_string_append_printf(o, "%.10g %u\n", (b + 0.5) * width, bins[b]);
			g_string_append(o, "EOD\n");
			gp_begin(o, name, PLOT_W, PLOT_H);
			g_string_append(o, "set title ");
			gp_str(o, title);
			g_string_append_printf(o, "\nset xlabel 'time in memory after the last active"
					       " reference (ms), bins of %g ms'\nset ylabel 'user namespaces'\n"
					       "unset key\nset style fill solid 0.8 border rgb 'white'\n"
					       "set boxwidth %.10g absolute\n", width, width);
			gp_xaxis(o, top);
			gp_yaxis(o, ymax, true);
			g_string_append_printf(o, "plot $%s using 1:2 with boxes lc rgb '#1f77b4'\n", block);
			gp_end(o, false);
		}
	}
	return drawn;
}

/* One colour and marker per series (a value of the second parameter). */
static const char *const series_color[] = {
	"#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf",
};
static const unsigned int series_point[] = { 7, 5, 9, 13, 11, 15, 7, 5 };

/* The metrics drawn against the swept parameters. */
static const struct {
	const char *metric, *title, *ylabel;
} summary_plots[] = {
	{ "lazy_pin_ms_p50", "Lazy-TLB pin of a namespace's mm: median of each run", "ms" },
	{ "lazy_pin_ms_p90", "Lazy-TLB pin of a namespace's mm: p90 of each run", "ms" },
	{ "user_inactive_ms_p90", "User namespaces alive but invisible: p90 of each run", "ms" },
	{ "user_mm_pin", "User namespaces whose last holder was a lazy-TLB pin", "user namespaces" },
	{ "exposure_total_s", "Reachable by handle on 6.18 only: total of each run", "namespace-seconds" },
	{ "exposure_peak", "Reachable by handle on 6.18 only: peak of each run", "namespaces" },
	{ "ipis", "Lazy-TLB shootdown IPIs of each run", "IPIs" },
};

static guint metric_index(const char *name)
{
	for (guint k = 0; k < NMETRIC; k++)
		if (!strcmp(metrics[k].name, name))
			return k;
	g_assert_not_reached();
}

static bool param_numeric(struct run_stats *runs, guint n, const char *name)
{
	for (guint i = 0; i < n; i++) {
		const struct param *v = run_param(&runs[i], name);

		if (!v || (v->type != SQLITE_INTEGER && v->type != SQLITE_FLOAT))
			return false;
	}
	return true;
}

/* The distinct values of @name in @runs, in value order (struct param *). */
static GPtrArray *param_values(struct run_stats *runs, guint n, const char *name)
{
	GPtrArray *vals = g_ptr_array_new();

	for (guint i = 0; i < n; i++) {
		const struct param *v = run_param(&runs[i], name);
		guint k = 0;

		while (k < vals->len && cmp_value(vals->pdata[k], v) < 0)
			k++;
		if (k == vals->len || cmp_value(vals->pdata[k], v))
			g_ptr_array_insert(vals, (gint)k, (gpointer)v);
	}
	return vals;
}

static bool same_value(const struct run_stats *r, const char *name, const struct param *v)
{
	return !cmp_value(run_param(r, name), v);
}

/*
 * Each metric against the first numeric swept parameter (x), one line per
 * value of the next (series), one panel per combination of the rest
 * (facets): the mean over the runs of a point (the seeds), bars from the
 * smallest to the largest.
 */
static guint gp_summary(GString *o, struct run_stats *runs, guint n, GPtrArray *dims)
{
	g_autoptr(GPtrArray) order = g_ptr_array_new();
	g_autoptr(GPtrArray) xs = NULL, ss = NULL;
	g_autoptr(GPtrArray) facets = g_ptr_array_new();   /* struct run_stats *: one run per facet */
	GPtrArray *groups;
	g_autofree char **by = NULL;
	const char *x, *series = NULL;
	bool xnum, logx = false;
	double xmin = 0, xmax = 0;
	guint drawn = 0, seeds_min = G_MAXUINT, seeds_max = 0, nf, cols, rows;
	GString *fdims = g_string_new(NULL);

	if (!dims->len)
		return 0;
	/* x: the first numeric parameter */
	for (guint k = 0; k < dims->len && order->len == 0; k++)
		if (param_numeric(runs, n, dims->pdata[k]))
			g_ptr_array_add(order, dims->pdata[k]);
	if (!order->len)
		g_ptr_array_add(order, dims->pdata[0]);
	/* series: a parameter of names (lazy_tlb, kernel) reads best as lines */
	for (guint k = 0; k < dims->len && order->len == 1; k++)
		if (dims->pdata[k] != order->pdata[0] && !param_numeric(runs, n, dims->pdata[k]))
			g_ptr_array_add(order, dims->pdata[k]);
	for (guint k = 0; k < dims->len; k++)
		if (dims->pdata[k] != order->pdata[0] && (order->len < 2 || dims->pdata[k] != order->pdata[1]))
			g_ptr_array_add(order, dims->pdata[k]);
	x = order->pdata[0];
	series = order->len > 1 ? order->pdata[1] : NULL;
	xnum = param_numeric(runs, n, x);
	xs = param_values(runs, n, x);
	ss = series ? param_values(runs, n, series) : NULL;
	by = g_new0(char *, order->len + 1);
	for (guint k = 0; k < order->len; k++)
		by[k] = order->pdata[k];
	/* the facets: every combination of the parameters after x and series that occurs */
	for (guint k = 2; k < order->len; k++)
		g_string_append_printf(fdims, "%s%s", k > 2 ? ", " : "", (char *)order->pdata[k]);
	for (guint i = 0; i < n; i++) {
		bool seen = false;

		for (guint f = 0; f < facets->len && !seen; f++) {
			seen = true;
			for (guint k = 2; k < order->len; k++)
				seen &= same_value(facets->pdata[f], order->pdata[k],
						   run_param(&runs[i], order->pdata[k]));
		}
		if (!seen)
			g_ptr_array_add(facets, &runs[i]);
	}
	{
		/* facets in value order: sort by their group key over the facet parameters */
		char **saved = group_by;

		group_by = by + 2;
		g_ptr_array_sort(facets, cmp_runs_grouped);
		group_by = saved;
	}
	groups = make_groups(runs, n, by);
	for (guint g = 0; g < groups->len; g++) {
		guint len = ((struct group *)groups->pdata[g])->runs->len;

		seeds_min = MIN(seeds_min, len);
		seeds_max = MAX(seeds_max, len);
	}
	if (xnum) {
		xmin = ((struct param *)xs->pdata[0])->num;
		xmax = ((struct param *)xs->pdata[xs->len - 1])->num;
		logx = xmin > 0 && xmax / xmin >= 16;
	}
	nf = facets->len;
	cols = nf <= 1 ? 1 : nf <= 4 ? 2 : 3;
	rows = (nf + cols - 1) / cols;
	for (guint p = 0; p < G_N_ELEMENTS(summary_plots); p++) {
		guint m = metric_index(summary_plots[p].metric);
		double ymax = 0;
		bool any = false;
		g_autofree char *name = g_strdup_printf("sweep-%s", summary_plots[p].metric);
		g_autofree char *block = g_strdelimit(g_strdup(name), "-", '_');
		GString *title = g_string_new(summary_plots[p].title);
		int w = cols == 1 ? PLOT_W : 560 * cols, h = rows == 1 ? PLOT_H : 380 * rows + 120;

		for (guint g = 0; g < groups->len; g++) {
			struct group *gr = groups->pdata[g];

			if (gr->stat[m][0] > 0 && gr->stat[m][5] != 0)
				any = true;
			if (gr->stat[m][0] > 0)
				ymax = MAX(ymax, gr->stat[m][5]);
		}
		if (!any) {     /* no sample, or 0 in every run: nothing to see */
			g_string_free(title, TRUE);
			continue;
		}
		drawn++;
		g_string_append_printf(title, "\nagainst %s%s%s%s%s; mean over %u", x,
				       series ? ", by " : "", series ? series : "",
				       nf > 1 ? "; a panel per " : "", nf > 1 ? fdims->str : "", seeds_min);
		if (seeds_max != seeds_min)
			g_string_append_printf(title, " to %u", seeds_max);
		g_string_append(title, " runs (seeds), bars min to max");
		/* the data: one block per facet, one data set per series in it */
		g_string_append_printf(o, "\n$%s << EOD\n", block);
		for (guint f = 0; f < nf; f++) {
			for (guint s = 0; s < (ss ? ss->len : 1); s++) {
				g_string_append_printf(o, "# facet %u series %u\n", f, s);
				for (guint g = 0; g < groups->len; g++) {
					struct group *gr = groups->pdata[g];
					struct run_stats *r0 = gr->runs->pdata[0];
					bool in = true;
					double xv;
					guint xi = 0;

					for (guint k = 2; k < order->len; k++)
						in &= same_value(r0, order->pdata[k],
								 run_param(facets->pdata[f], order->pdata[k]));
					if (ss)
						in &= same_value(r0, series, ss->pdata[s]);
					if (!in || gr->stat[m][0] == 0)
						continue;
					while (xi < xs->len && !same_value(r0, x, xs->pdata[xi]))
						xi++;
					/* side by side when several series share an x */
					xv = xnum ? ((struct param *)xs->pdata[xi])->num : xi;
					if (ss && ss->len > 1) {
						double off = (s - (ss->len - 1) / 2.0) * 0.06;

						xv = logx ? xv * pow(xmax / xmin, off / 4)
						     : xv + off * (xnum && xs->len > 1 ? (xmax - xmin) / (xs->len - 1) : 1);
					}
					g_string_append_printf(o, "%.10g %.10g %.10g %.10g\n", xv,
							       gr->stat[m][1], gr->stat[m][4], gr->stat[m][5]);
				}
				g_string_append(o, "\n\n");
			}
		}
		g_string_append(o, "EOD\n");
		gp_begin(o, name, w, h);
		g_string_append(o, "set key off\n");
		if (nf > 1 || ss) {
			/* the legend once, under the panels; margins leave it room */
			g_string_append_printf(o, "set multiplot layout %u,%u margins 0.08,0.97,%.3f,%.3f"
					       " spacing 0.07,0.12 title ", rows, cols,
					       (ss ? 110.0 : 60.0) / h, 1 - (nf > 1 ? 100.0 : 70.0) / h);
			gp_str(o, title->str);
			g_string_append(o, "\n");
		} else {
			g_string_append(o, "set title ");
			gp_str(o, title->str);
			g_string_append(o, "\n");
		}
		g_string_append_printf(o, "set ylabel '%s'\nset xlabel ", summary_plots[p].ylabel);
		gp_str(o, x);      /* a parameter's name is the scenario's: any text */
		g_string_append_c(o, '\n');
		gp_yaxis(o, ymax, metrics[m].integer);
		/* x: a tick at every value the runs took */
		if (logx)
			g_string_append(o, "set logscale x 2\n");
		g_string_append(o, "set xtics (");
		for (guint k = 0; k < xs->len; k++) {
			const struct param *v = xs->pdata[k];

			if (k)
				g_string_append(o, ", ");
			gp_str(o, v ? v->text : "(none)");
			g_string_append_printf(o, " %.10g", xnum ? v->num : (double)k);
		}
		g_string_append(o, ")\n");
		if (xnum && logx)
			g_string_append_printf(o, "set xrange [%.10g:%.10g]\n", xmin / 1.5, xmax * 1.5);
		else if (xnum)
			g_string_append_printf(o, "set xrange [%.10g:%.10g]\n",
					       xmin - MAX(xmax - xmin, 1) * 0.08, xmax + MAX(xmax - xmin, 1) * 0.08);
		else
			g_string_append_printf(o, "set xrange [-0.5:%g]\n", xs->len - 0.5);
		for (guint f = 0; f < nf; f++) {
			if (nf > 1) {
				GString *ft = g_string_new(NULL);

				for (guint k = 2; k < order->len; k++) {
					const struct param *v = run_param(facets->pdata[f], order->pdata[k]);

					g_string_append_printf(ft, "%s%s=%s", k > 2 ? ", " : "",
							       (char *)order->pdata[k], v ? v->text : "(none)");
				}
				g_string_append(o, "set title ");
				gp_str(o, ft->str);
				g_string_append(o, "\n");
				g_string_free(ft, TRUE);
			}
			if (ss && f == 0)
				g_string_append_printf(o, "set key at screen 0.5, %.3f center center horizontal"
						       " box lc rgb '#bbbbbb' title ", 24.0 / h);
			if (ss && f == 0)
				gp_str(o, series);
			if (ss && f == 0)
				g_string_append(o, "\n");
			if (ss && f == 1)
				g_string_append(o, "set key off\n");
			g_string_append(o, "plot ");
			for (guint s = 0; s < (ss ? ss->len : 1); s++) {
				const struct param *sv = ss ? ss->pdata[s] : NULL;
				const char *st = !ss ? "mean" : sv ? sv->text : "(none)";

				/* lines only between numbers: categories are not a scale */
				g_string_append_printf(o, "%s$%s index %u using 1:2:3:4 with %s lw 2"
						       " pt %u ps 1.3 lc rgb '%s' title ", s ? ", \\\n     " : "",
						       block, f * (ss ? ss->len : 1) + s, xnum ? "yerrorlines" : "yerrorbars",
						       series_point[s % G_N_ELEMENTS(series_point)],
						       series_color[s % G_N_ELEMENTS(series_color)]);
				gp_str(o, st);
			}
			g_string_append(o, "\n");
		}
		gp_end(o, nf > 1 || ss);
		g_string_free(title, TRUE);
	}
	free_groups(groups);
	g_string_free(fdims, TRUE);
	return drawn;
}

/* `--plot DIR`: the script, then gnuplot on it.  FALSE with @err set. */
static gboolean write_plots(const char *dir, const char *db, struct run_stats *runs, guint n,
			    char **group, GError **err)
{
	g_autoptr(GString) o = g_string_new(NULL);
	g_autoptr(GPtrArray) swept = swept_params(runs, n);
	g_autoptr(GPtrArray) dims = g_ptr_array_new();
	g_autofree char *script = g_build_filename(dir, "report.gp", NULL);
	g_autofree char *gnuplot = g_find_program_in_path("gnuplot");
	g_autofree char *errout = NULL;
	char *argv[] = { gnuplot, (char *)"report.gp", NULL };
	guint drawn;
	int status = 0;

	for (char **p = group; p && *p; p++)
		g_ptr_array_add(dims, *p);
	if (!group)
		for (guint k = 0; k < swept->len; k++)
			g_ptr_array_add(dims, swept->pdata[k]);
	g_string_append_printf(o, "# nssim report --plot: %u run(s) of %s.\n"
			       "# Draw again with `gnuplot report.gp` in this directory.\n", n, db);
	g_string_append(o, "PNG = \"set terminal pngcairo size %d,%d font 'DejaVu Sans,11' noenhanced"
			   " background rgb 'white'\"\n"
			   "SVG = \"set terminal svg size %d,%d font 'DejaVu Sans,11' noenhanced"
			   " background rgb 'white'\"\n");
	drawn = gp_summary(o, runs, n, dims);
	drawn += gp_counts(o, runs, n, swept);
	drawn += gp_lingering(o, runs, n, swept);
	if (g_mkdir_with_parents(dir, 0755) != 0) {
		g_set_error(err, G_FILE_ERROR, g_file_error_from_errno(errno), "cannot create %s: %s",
			    dir, g_strerror(errno));
		return FALSE;
	}
	if (!g_file_set_contents(script, o->str, (gssize)o->len, err))
		return FALSE;
	if (!drawn)
		return TRUE;
	if (!g_spawn_sync(dir, argv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL, NULL, &errout,
			  &status, err))
		return FALSE;
	if (!WIFEXITED(status) || WEXITSTATUS(status)) {
		/* its last line says what and where ("report.gp" line N: ...) */
		char *last = errout ? strrchr(g_strstrip(errout), '\n') : NULL;

		g_set_error(err, G_SPAWN_ERROR, 1, "gnuplot failed on %s: %s", script,
			    last ? last + 1 : errout && *errout ? errout : "no message");
		return FALSE;
	}
	return TRUE;
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
	g_autofree char *format = NULL, *plot = NULL, *svg = NULL, *sweep = NULL, *group = NULL;
	g_autofree char *sweep_id = NULL, *select = NULL;
	g_auto(GStrv) by = NULL;
	GOptionEntry entries[] = {
		{ "run", 'r', 0, G_OPTION_ARG_INT64, &run, "One run (default: every finished run)", "N" },
		{ "sweep", 0, 0, G_OPTION_ARG_STRING, &sweep, "The runs of one sweep (its id, or the start of it, as nssim sweep prints it)", "ID" },
		{ "group-by", 'g', 0, G_OPTION_ARG_STRING, &group, "One row per combination of these parameters' values: mean, p50, p90, min and max of each metric over its runs", "P[,P...]" },
		{ "format", 'f', 0, G_OPTION_ARG_STRING, &format, "text (default), json or csv", "F" },
		{ "plot", 0, 0, G_OPTION_ARG_FILENAME, &plot, "Plots into DIR with gnuplot (needed for this only), each as PNG and SVG, and DIR/report.gp that draws them: the metrics against the swept (or --group-by) parameters, mean and range over the seeds; each run's namespaces over time and its user-namespace lifetimes on shared axes. A plot with nothing to show is left out", "DIR" },
		/* the old name of --plot */
		{ "svg", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_FILENAME, &svg, NULL, NULL },
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
	if (svg && !plot)
		plot = g_steal_pointer(&svg);
	if (plot) {
		g_autofree char *gp = g_find_program_in_path("gnuplot");

		if (!gp) {
			g_printerr("nssim report: --plot needs gnuplot, which is not installed"
				   " (Debian: gnuplot-nox)\n");
			return 2;
		}
	}
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
	if (plot && !rc && !write_plots(plot, argv[1], runs, n, by, &err)) {
		g_printerr("nssim report: %s\n", err->message);
		rc = 2;
	}
	for (guint i = 0; i < n; i++)
		free_run(&runs[i]);
	g_free(runs);
	return rc;
}
