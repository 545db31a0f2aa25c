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

struct run_stats {
	int64_t id;
	char *scenario, *kernel, *lazy, *params;
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

static bool load_run(sqlite3 *db, int64_t id, struct run_stats *r)
{
	sqlite3_stmt *st;

	memset(r, 0, sizeof(*r));
	r->id = id;
	if (sqlite3_prepare_v2(db,
		"SELECT scenario, kernel, seed,"
		" CASE WHEN json_valid(config) THEN COALESCE(json_extract(config, '$.cpus'), 1) END,"
		" CASE WHEN json_valid(config) THEN COALESCE(json_extract(config, '$.lazy_tlb'),"
		"   'refcount') ELSE '?' END,"
		" CASE WHEN json_valid(config) THEN COALESCE(json_extract(config, '$.params'), '{}')"
		"   ELSE '(unreadable config)' END,"
		" (SELECT COALESCE(max(time_ns), 0) FROM event WHERE run = ?1) FROM run WHERE id = ?1",
		-1, &st, NULL) != SQLITE_OK)
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
			       "\"exposure_total_s\": %.6f, \"ipis\": %" G_GINT64_FORMAT "}",
			       r->exposure_peak, r->exposure_avg, r->exposure_total_s, r->ipis);
	g_print("%s%s\n", o->str, last ? "" : ",");
	g_string_free(o, TRUE);
}

static void print_csv_row(struct run_stats *r)
{
	const struct dist *ds[] = { &r->linger_all, &r->linger_user, &r->pins };

	g_print("%" G_GINT64_FORMAT ",%s,%" G_GINT64_FORMAT ",%s,%" G_GINT64_FORMAT ",%u,%u,%u",
		r->id, r->kernel, r->cpus, r->lazy, r->seed, r->created, r->freed, r->user_created);
	for (guint i = 0; i < G_N_ELEMENTS(ds); i++)
		g_print(",%u,%.6f,%.6f,%.6f,%.6f", ds[i]->v->len, pct(ds[i]->v, 50),
			pct(ds[i]->v, 90), pct(ds[i]->v, 99), pct(ds[i]->v, 100));
	g_print(",%u,%.6f,%.6f,%" G_GINT64_FORMAT "\n", r->exposure_peak, r->exposure_avg,
		r->exposure_total_s, r->ipis);
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

int cmd_report(int argc, char **argv)
{
	gint64 run = 0;
	g_autofree char *format = NULL, *svg = NULL;
	GOptionEntry entries[] = {
		{ "run", 'r', 0, G_OPTION_ARG_INT64, &run, "One run (default: every run)", "N" },
		{ "format", 'f', 0, G_OPTION_ARG_STRING, &format, "text (default), json or csv", "F" },
		{ "svg", 0, 0, G_OPTION_ARG_FILENAME, &svg, "Write plots into this directory", "DIR" },
		{ NULL },
	};
	g_autoptr(GOptionContext) ctx = g_option_context_new("DB");
	g_autoptr(GError) err = NULL;
	g_autoptr(GArray) ids = g_array_new(FALSE, FALSE, sizeof(int64_t));
	struct run_stats *runs;
	sqlite3 *db = NULL;
	sqlite3_stmt *st;
	int rc = 0;

	g_option_context_set_summary(ctx,
		"Namespace lifetimes in a trace: how long namespaces stayed in memory while\n"
		"invisible and what held them, lazy-TLB pin durations, the 6.18-only exposure,\n"
		"shootdown IPIs; runs side by side.");
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
	if (sqlite3_prepare_v2(db, run ? "SELECT id FROM run WHERE id = ?1 AND status != 'running'"
				       : "SELECT id FROM run WHERE status != 'running' ORDER BY id",
			       -1, &st, NULL) != SQLITE_OK) {
		g_printerr("nssim report: %s: %s\n", argv[1], sqlite3_errmsg(db));
		sqlite3_close(db);
		return 2;
	}
	sqlite3_bind_int64(st, 1, run);
	while (sqlite3_step(st) == SQLITE_ROW) {
		int64_t id = sqlite3_column_int64(st, 0);

		g_array_append_val(ids, id);
	}
	sqlite3_finalize(st);
	if (!ids->len) {
		g_printerr("nssim report: %s: no finished run%s\n", argv[1], run ? " with that id" : "s");
		sqlite3_close(db);
		return 2;
	}
	runs = g_new0(struct run_stats, ids->len);
	for (guint i = 0; i < ids->len; i++) {
		if (!load_run(db, g_array_index(ids, int64_t, i), &runs[i])) {
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

	if (!format || !strcmp(format, "text")) {
		for (guint i = 0; i < ids->len; i++)
			print_text(&runs[i]);
	} else if (!strcmp(format, "json")) {
		g_print("[\n");
		for (guint i = 0; i < ids->len; i++)
			print_json(&runs[i], i + 1 == ids->len);
		g_print("]\n");
	} else {
		g_print("run,kernel,cpus,lazy_tlb,seed,created,freed,user_created");
		for (int k = 0; k < 3; k++)
			g_print(",%s_count,%s_p50,%s_p90,%s_p99,%s_max",
				(const char *[]){ "inactive_ms", "user_inactive_ms", "lazy_pin_ms" }[k],
				(const char *[]){ "inactive_ms", "user_inactive_ms", "lazy_pin_ms" }[k],
				(const char *[]){ "inactive_ms", "user_inactive_ms", "lazy_pin_ms" }[k],
				(const char *[]){ "inactive_ms", "user_inactive_ms", "lazy_pin_ms" }[k],
				(const char *[]){ "inactive_ms", "user_inactive_ms", "lazy_pin_ms" }[k]);
		g_print(",exposure_peak,exposure_avg,exposure_total_s,ipis\n");
		for (guint i = 0; i < ids->len; i++)
			print_csv_row(&runs[i]);
	}
	if (svg) {
		if (g_mkdir_with_parents(svg, 0755) != 0) {
			g_printerr("nssim report: cannot create %s\n", svg);
			rc = 2;
		}
		for (guint i = 0; !rc && i < ids->len; i++)
			if (!svg_counts(svg, &runs[i], &err) || !svg_lingering(svg, &runs[i], &err))
				rc = 2;
		if (!rc && !svg_pins(svg, runs, ids->len, &err))
			rc = 2;
		if (rc && err)
			g_printerr("nssim report: %s\n", err->message);
	}
	for (guint i = 0; i < ids->len; i++)
		free_run(&runs[i]);
	g_free(runs);
	return rc;
}
