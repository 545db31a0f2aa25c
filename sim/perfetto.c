// SPDX-License-Identifier: MIT
/*
 * perfetto.c - `nssim export --format perfetto DB`: one run of a trace
 * database as a Chrome trace-event file (the JSON Object Format) for
 * ui.perfetto.dev, chrome://tracing and trace_processor (docs/perfetto.md).
 *
 * Only the tables are read, nothing is rerun: the file shows what the run
 * recorded, also when the scenario has changed since or the run was killed.
 * Processes and their tracks:
 *
 *   namespaces   a counter per namespace: __ns_ref and __ns_ref_active after
 *                each event that moved either
 *   tasks        a thread per task: slices "alive" (created -> exited) and
 *                "zombie" (exited -> reaped), an instant per call it made
 *   kernel work  deferred work (RCU callbacks, workqueue items) and checks
 *   CPUs         a thread per CPU: the scheduler actions that name it, and a
 *                counter of the shootdown IPIs it received
 *   lazy TLB     a thread per mm that was lent lazily: the pin from its last
 *                user gone to its mm_count gone (report.c's lazy-TLB pin),
 *                and a counter of its lazy references.  The trace does not
 *                say which CPU holds a lazy mm, so the pin is drawn per mm.
 *   KIND counters  with --counters all: every other counted object
 *
 * Events and transitions are read in one pass in seq order, so that events
 * at the same virtual time keep their order.  "ts" is in microseconds: the
 * virtual nanoseconds are written exactly, as N.NNN.  Thread ids are unique
 * across the file (Perfetto before mid-2025 named threads by tid alone): tasks
 * keep their ids, which are below a power of ten B, and the other tracks
 * live at B and above.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sqlite3.h>
#include <glib/gstdio.h>
#include "sim.h"

/* process ids above B; the tasks process is B itself */
enum { PF_NS = 1, PF_KWORK = 2, PF_CPUS = 3, PF_LAZY = 4, PF_KINDS = 10 };

struct pf_ctr {
	const char *name;       /* interned */
	int64_t v;
	bool known;
};

/* A counted object shown as a counter track. */
struct pf_obj {
	char *kind;
	int64_t id;
	char *name;
	int64_t pid, tid;
	GArray *ctrs;           /* struct pf_ctr, in the order they are written */
	bool boot;              /* existed before the first event */
	int64_t touched;        /* the last event that moved it */
};

/* An mm's lazy-TLB state, from its mm transitions. */
struct pf_mm {
	int64_t id, user_ns;    /* user_ns 0: not seen */
	int64_t lazy;           /* mmgrab_lazy_tlb - mmdrop_lazy_tlb moves */
	int64_t count;          /* mm_count after the last move, -1 unknown */
	bool lent, users_gone, lazy_moved;
	int64_t touched;
	int64_t pin_event, pin_ns, unpin_event, unpin_ns;   /* 0: none yet */
};

struct pf {
	sqlite3 *db;
	const char *path;
	int64_t run;
	FILE *out;
	GString *o;             /* the event being written */
	bool any;               /* an event was written: the next needs a comma */
	bool all;               /* --counters all */
	bool has_active, init_fixed;
	int64_t cpus, base, end_ns;
	GHashTable *objs;       /* "kind id" -> struct pf_obj */
	GPtrArray *order;       /* struct pf_obj, by kind and id */
	GPtrArray *touched;     /* objects the current event moved */
	GHashTable *kinds;      /* kind -> its process id (--counters all) */
	GHashTable *tasks;      /* task ids with a named track */
	GArray *extra_tasks;    /* int64: tasks of events without a task row */
	GHashTable *mms;        /* mm id -> struct pf_mm */
	GPtrArray *mm_touched;
	int64_t new_mm, new_mm_event;   /* the mm the current event created */
	bool kwork_used;
};

static void obj_free(gpointer data)
{
	struct pf_obj *x = data;

	g_free(x->kind);
	g_free(x->name);
	g_array_free(x->ctrs, TRUE);
	g_free(x);
}

/* ---- writing ------------------------------------------------------------ */

/* Virtual ns as Chrome's microseconds, exactly: 25000020 -> 25000.020 */
static void append_us(GString *o, int64_t ns)
{
	uint64_t mag = ns < 0 ? -(uint64_t)ns : (uint64_t)ns;

	g_string_append_printf(o, "%s%" G_GUINT64_FORMAT ".%03u", ns < 0 ? "-" : "",
			       mag / 1000, (unsigned int)(mag % 1000));
}

static void append_int_or_null(GString *o, sqlite3_stmt *st, int col)
{
	if (sqlite3_column_type(st, col) == SQLITE_NULL)
		g_string_append(o, "null");
	else
		g_string_append_printf(o, "%lld", sqlite3_column_int64(st, col));
}

static void ev_begin(struct pf *p, char ph, const char *name, int64_t pid, int64_t tid,
		     int64_t ts)
{
	GString *o = p->o;

	g_string_truncate(o, 0);
	g_string_append_printf(o, "{\"ph\":\"%c\",\"name\":", ph);
	sim_json_str(o, name);
	g_string_append_printf(o, ",\"pid\":%" G_GINT64_FORMAT ",\"tid\":%" G_GINT64_FORMAT
			       ",\"ts\":", pid, tid);
	append_us(o, ts);
}

static void ev_end(struct pf *p)
{
	g_string_append_c(p->o, '}');
	fputs(p->any ? ",\n" : "\n", p->out);
	fwrite(p->o->str, 1, p->o->len, p->out);
	p->any = true;
}

static void meta(struct pf *p, const char *what, int64_t pid, int64_t tid, const char *name,
		 int64_t sort)
{
	g_autofree char *sort_what = g_strdup_printf("%s_sort_index",
						     g_str_has_prefix(what, "thread") ? "thread"
										      : "process");

	ev_begin(p, 'M', what, pid, tid, 0);
	g_string_append(p->o, ",\"args\":{\"name\":");
	sim_json_str(p->o, name);
	g_string_append(p->o, "}");
	ev_end(p);
	ev_begin(p, 'M', sort_what, pid, tid, 0);
	g_string_append_printf(p->o, ",\"args\":{\"sort_index\":%" G_GINT64_FORMAT "}", sort);
	ev_end(p);
}

static void process(struct pf *p, int64_t which, const char *name, int64_t sort)
{
	meta(p, "process_name", p->base + which, p->base + which, name, sort);
}

/* ---- counters ----------------------------------------------------------- */

static struct pf_ctr *obj_ctr(struct pf_obj *x, const char *name)
{
	const char *in = g_intern_string(name);

	for (guint i = 0; i < x->ctrs->len; i++)
		if (g_array_index(x->ctrs, struct pf_ctr, i).name == in)
			return &g_array_index(x->ctrs, struct pf_ctr, i);
	g_array_append_val(x->ctrs, ((struct pf_ctr){ .name = in }));
	return &g_array_index(x->ctrs, struct pf_ctr, x->ctrs->len - 1);
}

static struct pf_obj *obj_find(struct pf *p, const char *kind, int64_t id)
{
	char key[96];

	g_snprintf(key, sizeof(key), "%s %" G_GINT64_FORMAT, kind, id);
	return g_hash_table_lookup(p->objs, key);
}

static bool kind_shown(struct pf *p, const char *kind)
{
	return p->all || !strcmp(kind, "ns") || !strcmp(kind, "cpu");
}

/* The track of @kind @id; NULL for a kind not shown. */
static struct pf_obj *obj_get(struct pf *p, const char *kind, int64_t id)
{
	struct pf_obj *x = obj_find(p, kind, id);

	if (x || !kind_shown(p, kind))
		return x;
	x = g_new0(struct pf_obj, 1);
	x->kind = g_strdup(kind);
	x->id = id;
	x->ctrs = g_array_new(FALSE, FALSE, sizeof(struct pf_ctr));
	x->touched = -1;
	if (!strcmp(kind, "ns")) {
		/* named from the namespace table; this one has no row */
		x->name = g_strdup_printf("ns %" G_GINT64_FORMAT, id);
		x->pid = x->tid = p->base + PF_NS;
		obj_ctr(x, "ref");
		if (p->has_active)
			obj_ctr(x, "active");
	} else if (!strcmp(kind, "cpu")) {
		/* CPUs exist from boot: an IPI count that never moved is 0 */
		x->name = g_strdup_printf("CPU %" G_GINT64_FORMAT, id);
		x->pid = p->base + PF_CPUS;
		x->tid = 2 * p->base + id;
		x->boot = true;
	} else {
		x->name = g_strdup_printf("%s %" G_GINT64_FORMAT, kind, id);
		x->pid = x->tid = p->base +
			GPOINTER_TO_INT(g_hash_table_lookup(p->kinds, kind));
	}
	g_hash_table_insert(p->objs, g_strdup_printf("%s %" G_GINT64_FORMAT, kind, id), x);
	g_ptr_array_add(p->order, x);
	return x;
}

static bool any_known(const struct pf_obj *x)
{
	for (guint i = 0; i < x->ctrs->len; i++)
		if (g_array_index(x->ctrs, struct pf_ctr, i).known)
			return true;
	return false;
}

/* A counter event with every value known; a track starts at its first. */
static void emit_counter(struct pf *p, struct pf_obj *x, int64_t ts)
{
	bool first = true;

	if (!any_known(x))
		return;
	ev_begin(p, 'C', x->name, x->pid, x->tid, ts);
	g_string_append(p->o, ",\"args\":{");
	for (guint i = 0; i < x->ctrs->len; i++) {
		struct pf_ctr *c = &g_array_index(x->ctrs, struct pf_ctr, i);

		if (!c->known)
			continue;
		if (!first)
			g_string_append_c(p->o, ',');
		sim_json_str(p->o, c->name);
		g_string_append_printf(p->o, ":%" G_GINT64_FORMAT, c->v);
		first = false;
	}
	g_string_append_c(p->o, '}');
	ev_end(p);
}

/* ---- reading ------------------------------------------------------------ */

static bool prepare(struct pf *p, const char *sql, sqlite3_stmt **st)
{
	if (sqlite3_prepare_v2(p->db, sql, -1, st, NULL) == SQLITE_OK) {
		sqlite3_bind_int64(*st, 1, p->run);
		return true;
	}
	g_printerr("nssim export: %s: %s\n", p->path, sqlite3_errmsg(p->db));
	return false;
}

static bool step_done(struct pf *p, int rc)
{
	if (rc == SQLITE_DONE)
		return true;
	g_printerr("nssim export: %s: %s\n", p->path, sqlite3_errmsg(p->db));
	return false;
}

static int64_t scalar(struct pf *p, const char *sql)
{
	sqlite3_stmt *st;
	int64_t v = 0;

	if (!prepare(p, sql, &st))
		return 0;
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

/*
 * The counter tracks and the value of each counter before its first move:
 * that move's `old` (the trace records moves, not values).  Namespaces are
 * named from the namespace table; on kernels whose initial namespaces stay
 * at (1, 1) those never move, and show that.
 */
static bool load_objects(struct pf *p)
{
	sqlite3_stmt *st;
	int rc;

	if (!prepare(p, "SELECT kind, obj, counter, old, min(seq) FROM transition"
			" WHERE run = ?1 GROUP BY kind, obj, counter ORDER BY kind, obj, counter", &st))
		return false;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *kind = (const char *)sqlite3_column_text(st, 0);
		struct pf_obj *x = obj_get(p, kind ? kind : "?", sqlite3_column_int64(st, 1));
		struct pf_ctr *c;

		if (!x)
			continue;
		c = obj_ctr(x, (const char *)sqlite3_column_text(st, 2));
		c->v = sqlite3_column_int64(st, 3);
		c->known = true;
		/* objects are made with a move from 0: one that moved from
		 * another value first was there before the run's first event */
		if (c->v != 0 && strcmp(x->kind, "ns"))
			x->boot = true;
	}
	sqlite3_finalize(st);
	if (!step_done(p, rc))
		return false;

	if (!prepare(p, "SELECT id, type, inum, initial, created_event FROM namespace"
			" WHERE run = ?1 ORDER BY id", &st))
		return false;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct pf_obj *x = obj_get(p, "ns", sqlite3_column_int64(st, 0));

		g_free(x->name);
		x->name = g_strdup_printf("%s_ns %" G_GINT64_FORMAT " (inum %lld)",
					  sqlite3_column_text(st, 1), x->id,
					  sqlite3_column_int64(st, 2));
		x->boot = sqlite3_column_type(st, 4) == SQLITE_NULL;
		if (sqlite3_column_int(st, 3) && p->init_fixed) {
			for (guint i = 0; i < x->ctrs->len; i++) {
				struct pf_ctr *c = &g_array_index(x->ctrs, struct pf_ctr, i);

				if (!c->known)
					*c = (struct pf_ctr){ .name = c->name, .v = 1, .known = true };
			}
		}
	}
	sqlite3_finalize(st);
	return step_done(p, rc);
}

static gint cmp_obj(gconstpointer a, gconstpointer b)
{
	const struct pf_obj *x = *(struct pf_obj *const *)a, *y = *(struct pf_obj *const *)b;
	int k = strcmp(x->kind, y->kind);

	if (!strcmp(x->kind, "ns") != !strcmp(y->kind, "ns"))
		return strcmp(x->kind, "ns") ? 1 : -1;
	return k ? k : (x->id > y->id) - (x->id < y->id);
}

static void task_seen(struct pf *p, int64_t id)
{
	if (g_hash_table_contains(p->tasks, &id))
		return;
	g_hash_table_add(p->tasks, g_memdup2(&id, sizeof(id)));
	g_array_append_val(p->extra_tasks, id);
}

/* Task tracks, named, with "alive" and "zombie" slices. */
static bool emit_tasks(struct pf *p)
{
	sqlite3_stmt *st;
	int rc;

	process(p, 0, "tasks", 1);
	if (!prepare(p,
		"SELECT t.id, t.pid, t.parent, t.created_event, ce.time_ns, t.exited_event, xe.time_ns,"
		" t.reaped_event, re.time_ns FROM task t"
		" LEFT JOIN event ce ON ce.run = t.run AND ce.seq = t.created_event"
		" LEFT JOIN event xe ON xe.run = t.run AND xe.seq = t.exited_event"
		" LEFT JOIN event re ON re.run = t.run AND re.seq = t.reaped_event"
		" WHERE t.run = ?1 ORDER BY t.id", &st))
		return false;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		int64_t id = sqlite3_column_int64(st, 0);
		bool exited = sqlite3_column_type(st, 5) != SQLITE_NULL;
		bool reaped = sqlite3_column_type(st, 7) != SQLITE_NULL;
		int64_t born = sqlite3_column_int64(st, 4);     /* NULL (boot): 0 */
		int64_t died = exited && sqlite3_column_type(st, 6) != SQLITE_NULL
			       ? sqlite3_column_int64(st, 6) : p->end_ns;
		int64_t gone = reaped && sqlite3_column_type(st, 8) != SQLITE_NULL
			       ? sqlite3_column_int64(st, 8) : p->end_ns;
		g_autofree char *name = g_strdup_printf("task %" G_GINT64_FORMAT " (pid %lld)", id,
							sqlite3_column_int64(st, 1));

		g_hash_table_add(p->tasks, g_memdup2(&id, sizeof(id)));
		meta(p, "thread_name", p->base, id, name, id);
		ev_begin(p, 'X', "alive", p->base, id, born);
		g_string_append(p->o, ",\"dur\":");
		append_us(p->o, MAX(died - born, 0));
		g_string_append_printf(p->o, ",\"cat\":\"task\",\"args\":{\"task\":%" G_GINT64_FORMAT
				       ",\"pid\":%lld,\"parent\":", id, sqlite3_column_int64(st, 1));
		append_int_or_null(p->o, st, 2);
		g_string_append(p->o, ",\"created_event\":");
		append_int_or_null(p->o, st, 3);
		g_string_append(p->o, ",\"exited_event\":");
		append_int_or_null(p->o, st, 5);
		if (!exited)
			g_string_append(p->o, ",\"until\":\"end of trace\"");
		g_string_append_c(p->o, '}');
		ev_end(p);
		/* exited and reaped in one event (a thread, an autoreaped child):
		 * never a zombie anyone could see */
		if (!exited || (reaped && sqlite3_column_int64(st, 5) == sqlite3_column_int64(st, 7)))
			continue;
		ev_begin(p, 'X', "zombie", p->base, id, died);
		g_string_append(p->o, ",\"dur\":");
		append_us(p->o, MAX(gone - died, 0));
		g_string_append_printf(p->o, ",\"cat\":\"task\",\"args\":{\"task\":%" G_GINT64_FORMAT
				       ",\"exited_event\":%lld,\"reaped_event\":", id,
				       sqlite3_column_int64(st, 5));
		append_int_or_null(p->o, st, 7);
		if (!reaped)
			g_string_append(p->o, ",\"until\":\"end of trace\"");
		g_string_append_c(p->o, '}');
		ev_end(p);
	}
	sqlite3_finalize(st);
	return step_done(p, rc);
}

/* ---- the pass over events and transitions ------------------------------- */

static struct pf_mm *mm_get(struct pf *p, int64_t id)
{
	struct pf_mm *m = g_hash_table_lookup(p->mms, &id);

	if (!m) {
		m = g_new0(struct pf_mm, 1);
		m->id = id;
		m->count = -1;
		m->touched = -1;
		g_hash_table_insert(p->mms, g_memdup2(&id, sizeof(id)), m);
	}
	return m;
}

/* kernel/fork.c and kernel/sched/core.c as the mm transitions tell them */
static void mm_move(struct pf *p, int64_t event, int64_t id, const char *counter, int64_t old,
		    int64_t new, const char *site)
{
	struct pf_mm *m = mm_get(p, id);

	if (m->touched != event) {
		m->touched = event;
		m->lazy_moved = false;
		g_ptr_array_add(p->mm_touched, m);
	}
	if (!strcmp(counter, "users")) {
		if (old == 0) {
			/* mm_init() takes its user_ns in the same event */
			p->new_mm = id;
			p->new_mm_event = event;
		}
		if (new == 0)
			m->users_gone = true;
		return;
	}
	if (strcmp(counter, "mm_count"))
		return;
	m->count = new;
	if (!strcmp(site, "mmgrab_lazy_tlb") || !strcmp(site, "mmdrop_lazy_tlb")) {
		m->lazy += new - old;
		m->lent = true;
		m->lazy_moved = true;
	}
}

/* After an event: a pin opens when the last user went and lazy references
 * keep the mm; it closes when mm_count reaches 0. */
static void mm_after(struct pf *p, struct pf_mm *m, int64_t event, int64_t ts)
{
	if (m->lazy_moved) {
		g_autofree char *name = g_strdup_printf("mm %" G_GINT64_FORMAT, m->id);

		ev_begin(p, 'C', name, p->base + PF_LAZY, 3 * p->base + m->id, ts);
		g_string_append_printf(p->o, ",\"args\":{\"lazy_refs\":%" G_GINT64_FORMAT "}",
				       m->lazy);
		ev_end(p);
	}
	if (m->users_gone && !m->pin_event && m->count > 0) {
		m->pin_event = event;
		m->pin_ns = ts;
	}
	if (m->pin_event && !m->unpin_event && m->count == 0) {
		m->unpin_event = event;
		m->unpin_ns = ts;
	}
}

/*
 * Which track an event goes on: the calling task's; for a scheduler action
 * the CPU it names, or the task (sched_block); else kernel work.
 */
static void event_track(struct pf *p, sqlite3_stmt *ev, int64_t *pid, int64_t *tid,
			const char **cat)
{
	const char *op = (const char *)sqlite3_column_text(ev, 2);
	const char *args = (const char *)sqlite3_column_text(ev, 4);
	long long a = -1, b = -1;

	if (sqlite3_column_type(ev, 3) != SQLITE_NULL) {
		*pid = p->base;
		*tid = sqlite3_column_int64(ev, 3);
		*cat = "call";
		if (*tid > 0 && *tid < p->base) {
			task_seen(p, *tid);
			return;
		}
	} else if (op && args && (g_str_has_prefix(op, "sched_") || g_str_has_prefix(op, "cpu_"))) {
		*cat = "sched";
		if ((!strcmp(op, "sched_switch") && sscanf(args, "task %lld cpu %lld", &b, &a) == 2) ||
		    (g_str_has_prefix(op, "cpu_") && sscanf(args, "cpu %lld", &a) == 1)) {
			if (a >= 0 && a < p->cpus) {
				*pid = p->base + PF_CPUS;
				*tid = 2 * p->base + a;
				return;
			}
		} else if (sscanf(args, "task %lld", &b) == 1 &&
			   g_hash_table_contains(p->tasks, &(int64_t){ b })) {
			*pid = p->base;
			*tid = b;
			return;
		}
	} else {
		*cat = "kernel";
	}
	*pid = *tid = p->base + PF_KWORK;
	p->kwork_used = true;
}

static void emit_instant(struct pf *p, sqlite3_stmt *ev)
{
	const char *op = (const char *)sqlite3_column_text(ev, 2);
	const char *cat;
	int64_t pid, tid;

	event_track(p, ev, &pid, &tid, &cat);
	ev_begin(p, 'i', op ? op : "?", pid, tid, sqlite3_column_int64(ev, 1));
	g_string_append_printf(p->o, ",\"s\":\"t\",\"cat\":\"%s\",\"args\":{\"seq\":%lld"
			       ",\"time_ns\":%lld,\"op\":", cat, sqlite3_column_int64(ev, 0),
			       sqlite3_column_int64(ev, 1));
	sim_json_str(p->o, op);
	g_string_append(p->o, ",\"task\":");
	append_int_or_null(p->o, ev, 3);
	g_string_append(p->o, ",\"args\":");
	sim_json_str(p->o, (const char *)sqlite3_column_text(ev, 4));
	g_string_append(p->o, ",\"result\":");
	append_int_or_null(p->o, ev, 5);
	g_string_append(p->o, ",\"errno\":");
	sim_json_str(p->o, (const char *)sqlite3_column_text(ev, 6));
	g_string_append(p->o, ",\"src\":");
	sim_json_str(p->o, (const char *)sqlite3_column_text(ev, 7));
	g_string_append_c(p->o, '}');
	ev_end(p);
}

static void transition(struct pf *p, sqlite3_stmt *tr)
{
	int64_t event = sqlite3_column_int64(tr, 0);
	const char *kind = (const char *)sqlite3_column_text(tr, 1);
	int64_t id = sqlite3_column_int64(tr, 2);
	const char *counter = (const char *)sqlite3_column_text(tr, 3);
	const char *site = (const char *)sqlite3_column_text(tr, 6);
	struct pf_obj *x;

	if (!kind || !counter)
		return;
	if (!strcmp(kind, "mm"))
		mm_move(p, event, id, counter, sqlite3_column_int64(tr, 4),
			sqlite3_column_int64(tr, 5), site ? site : "");
	else if (!strcmp(kind, "ns") && site && !strcmp(site, "mm_init") &&
		 p->new_mm_event == event)
		mm_get(p, p->new_mm)->user_ns = id;
	x = obj_get(p, kind, id);
	if (!x)
		return;
	*obj_ctr(x, counter) = (struct pf_ctr){ .name = g_intern_string(counter),
						.v = sqlite3_column_int64(tr, 5), .known = true };
	if (x->touched != event) {
		x->touched = event;
		g_ptr_array_add(p->touched, x);
	}
}

static void after_event(struct pf *p, int64_t event, int64_t ts)
{
	for (guint i = 0; i < p->touched->len; i++)
		emit_counter(p, p->touched->pdata[i], ts);
	for (guint i = 0; i < p->mm_touched->len; i++)
		mm_after(p, p->mm_touched->pdata[i], event, ts);
	g_ptr_array_set_size(p->touched, 0);
	g_ptr_array_set_size(p->mm_touched, 0);
}

/*
 * Every event in seq order, each followed by the counters it moved.  A
 * transition of an event that has no row (not written before a kill) is
 * placed at the time of the event before it.
 */
static bool emit_stream(struct pf *p)
{
	sqlite3_stmt *ev = NULL, *tr = NULL;
	int rc_ev, rc_tr = SQLITE_DONE;
	int64_t ts = 0, last = 0;
	bool ok = false;

	if (!prepare(p, "SELECT seq, time_ns, op, task, args, result, errno, src FROM event"
			" WHERE run = ?1 ORDER BY seq", &ev) ||
	    !prepare(p, "SELECT event, kind, obj, counter, old, new, site FROM transition"
			" WHERE run = ?1 ORDER BY seq", &tr))
		goto out;
	rc_tr = sqlite3_step(tr);
	while ((rc_ev = sqlite3_step(ev)) == SQLITE_ROW) {
		int64_t seq = sqlite3_column_int64(ev, 0);

		for (; rc_tr == SQLITE_ROW && sqlite3_column_int64(tr, 0) < seq; rc_tr = sqlite3_step(tr)) {
			if (sqlite3_column_int64(tr, 0) != last)
				after_event(p, last, ts);
			last = sqlite3_column_int64(tr, 0);
			transition(p, tr);
		}
		after_event(p, last, ts);
		ts = sqlite3_column_int64(ev, 1);
		last = seq;
		emit_instant(p, ev);
		for (; rc_tr == SQLITE_ROW && sqlite3_column_int64(tr, 0) == seq; rc_tr = sqlite3_step(tr))
			transition(p, tr);
		after_event(p, seq, ts);
	}
	if (!step_done(p, rc_ev))
		goto out;
	for (; rc_tr == SQLITE_ROW; rc_tr = sqlite3_step(tr)) {
		if (sqlite3_column_int64(tr, 0) != last)
			after_event(p, last, ts);
		last = sqlite3_column_int64(tr, 0);
		transition(p, tr);
	}
	after_event(p, last, ts);
	ok = step_done(p, rc_tr);
out:
	sqlite3_finalize(ev);
	sqlite3_finalize(tr);
	return ok;
}

static gint cmp_mm(gconstpointer a, gconstpointer b)
{
	const struct pf_mm *x = *(struct pf_mm *const *)a, *y = *(struct pf_mm *const *)b;

	return (x->id > y->id) - (x->id < y->id);
}

/* The mms lent lazily: a named track each, with its pin. */
static void emit_lazy(struct pf *p)
{
	g_autoptr(GPtrArray) lent = g_ptr_array_new();
	GHashTableIter it;
	gpointer v;

	g_hash_table_iter_init(&it, p->mms);
	while (g_hash_table_iter_next(&it, NULL, &v))
		if (((struct pf_mm *)v)->lent)
			g_ptr_array_add(lent, v);
	if (!lent->len)
		return;
	g_ptr_array_sort(lent, cmp_mm);
	process(p, PF_LAZY, "lazy TLB", 4);
	for (guint i = 0; i < lent->len; i++) {
		struct pf_mm *m = lent->pdata[i];
		int64_t tid = 3 * p->base + m->id;
		struct pf_obj *ns = m->user_ns ? obj_find(p, "ns", m->user_ns) : NULL;
		g_autofree char *name = m->user_ns
			? g_strdup_printf("mm %" G_GINT64_FORMAT " (user_ns %" G_GINT64_FORMAT ")",
					  m->id, m->user_ns)
			: g_strdup_printf("mm %" G_GINT64_FORMAT, m->id);

		meta(p, "thread_name", p->base + PF_LAZY, tid, name, m->id);
		if (!m->pin_event)
			continue;
		ev_begin(p, 'X', "lazy-TLB pin", p->base + PF_LAZY, tid, m->pin_ns);
		g_string_append(p->o, ",\"dur\":");
		append_us(p->o, (m->unpin_event ? m->unpin_ns : p->end_ns) - m->pin_ns);
		g_string_append_printf(p->o, ",\"cat\":\"lazy_tlb\",\"args\":{\"mm\":%" G_GINT64_FORMAT
				       ",\"user_ns\":", m->id);
		if (ns)
			sim_json_str(p->o, ns->name);
		else
			g_string_append(p->o, "null");
		g_string_append_printf(p->o, ",\"users_gone_event\":%" G_GINT64_FORMAT
				       ",\"freed_event\":", m->pin_event);
		if (m->unpin_event)
			g_string_append_printf(p->o, "%" G_GINT64_FORMAT "}", m->unpin_event);
		else
			g_string_append(p->o, "null,\"until\":\"end of trace\"}");
		ev_end(p);
	}
}

static void emit_tracks(struct pf *p)
{
	g_autoptr(GList) kinds = g_list_sort(g_hash_table_get_keys(p->kinds),
					     (GCompareFunc)strcmp);

	process(p, PF_NS, "namespaces", 0);
	meta(p, "thread_name", p->base + PF_NS, p->base + PF_NS, "namespaces", 0);
	process(p, PF_CPUS, "CPUs", 3);
	for (int64_t c = 0; c < p->cpus; c++) {
		g_autofree char *name = g_strdup_printf("CPU %" G_GINT64_FORMAT, c);

		meta(p, "thread_name", p->base + PF_CPUS, 2 * p->base + c, name, c);
	}
	for (GList *l = kinds; l; l = l->next) {
		int64_t which = GPOINTER_TO_INT(g_hash_table_lookup(p->kinds, l->data));
		g_autofree char *name = g_strdup_printf("%s counters", (char *)l->data);

		process(p, which, name, which);
		meta(p, "thread_name", p->base + which, p->base + which, name, 0);
	}
}

/* --counters all: a process per kind other than ns and cpu, by name */
static bool load_kinds(struct pf *p)
{
	sqlite3_stmt *st;
	int rc, n = 0;

	if (!p->all)
		return true;
	if (!prepare(p, "SELECT DISTINCT kind FROM transition WHERE run = ?1"
			" AND kind NOT IN ('ns', 'cpu') ORDER BY kind", &st))
		return false;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		g_hash_table_insert(p->kinds, g_strdup((const char *)sqlite3_column_text(st, 0)),
				    GINT_TO_POINTER(PF_KINDS + n++));
	sqlite3_finalize(st);
	return step_done(p, rc);
}

/* The run: its id (the last if @run is 0), the header's facts, its kernel. */
static bool load_run(struct pf *p, gint64 run, GString *head)
{
	sqlite3_stmt *st;
	const struct nss_variant *v;
	const char *kernel;
	bool ok = false;

	if (sqlite3_prepare_v2(p->db, run > 0
		? "SELECT id, scenario, kernel, seed, status, fingerprint,"
		  " CASE WHEN json_valid(config) THEN json_extract(config, '$.cpus') END,"
		  " CASE WHEN json_valid(config) THEN json_extract(config, '$.lazy_tlb') END"
		  " FROM run WHERE id = ?1"
		: "SELECT id, scenario, kernel, seed, status, fingerprint,"
		  " CASE WHEN json_valid(config) THEN json_extract(config, '$.cpus') END,"
		  " CASE WHEN json_valid(config) THEN json_extract(config, '$.lazy_tlb') END"
		  " FROM run ORDER BY id DESC LIMIT 1", -1, &st, NULL) != SQLITE_OK) {
		g_printerr("nssim export: %s: %s\n", p->path, sqlite3_errmsg(p->db));
		return false;
	}
	sqlite3_bind_int64(st, 1, run);
	if (sqlite3_step(st) != SQLITE_ROW) {
		if (run > 0)
			g_printerr("nssim export: %s has no run %" G_GINT64_FORMAT "\n", p->path, run);
		else
			g_printerr("nssim export: %s has no runs\n", p->path);
		goto out;
	}
	p->run = sqlite3_column_int64(st, 0);
	kernel = (const char *)sqlite3_column_text(st, 2);
	v = nss_variant_lookup(kernel ? kernel : "");
	/* as tree.c: an unknown variant has the active count, moved or not */
	p->has_active = !v || v->has_active;
	p->init_fixed = v && v->has_active && !v->init_counted;
	p->cpus = sqlite3_column_type(st, 6) == SQLITE_NULL ? 1 : MAX(sqlite3_column_int64(st, 6), 1);
	if (sqlite3_column_text(st, 4) && !strcmp((const char *)sqlite3_column_text(st, 4), "running"))
		g_printerr("nssim export: note: run %" G_GINT64_FORMAT " of %s never finished;"
			   " exporting what it wrote\n", p->run, p->path);
	g_string_append(head, "\"metadata\":{\"nssim\":\"" NSSIM_VERSION "\",\"database\":");
	sim_json_str(head, p->path);
	g_string_append_printf(head, ",\"run\":%" G_GINT64_FORMAT ",\"scenario\":", p->run);
	sim_json_str(head, (const char *)sqlite3_column_text(st, 1));
	g_string_append(head, ",\"kernel\":");
	sim_json_str(head, kernel);
	g_string_append_printf(head, ",\"seed\":%lld,\"status\":", sqlite3_column_int64(st, 3));
	sim_json_str(head, (const char *)sqlite3_column_text(st, 4));
	g_string_append(head, ",\"fingerprint\":");
	sim_json_str(head, (const char *)sqlite3_column_text(st, 5));
	g_string_append_printf(head, ",\"cpus\":%" G_GINT64_FORMAT ",\"lazy_tlb\":", p->cpus);
	sim_json_str(head, (const char *)sqlite3_column_text(st, 7));
	g_string_append(head, "}");
	ok = true;
out:
	sqlite3_finalize(st);
	return ok;
}

/* B: a power of ten above every task id, CPU and mm id the tracks use */
static bool pick_base(struct pf *p)
{
	int64_t top = MAX(p->cpus, 1);

	top = MAX(top, scalar(p, "SELECT max(id) FROM task WHERE run = ?1"));
	top = MAX(top, scalar(p, "SELECT max(task) FROM event WHERE run = ?1"));
	top = MAX(top, scalar(p, "SELECT max(obj) FROM transition WHERE run = ?1 AND kind = 'mm'"));
	for (p->base = 1000; p->base <= top; p->base *= 10)
		if (p->base > (int64_t)UINT32_MAX / 4) {
			g_printerr("nssim export: %s: ids up to %" G_GINT64_FORMAT
				   " do not fit Chrome's 32-bit thread ids\n", p->path, top);
			return false;
		}
	return true;
}

static bool export_run(struct pf *p, gint64 run)
{
	g_autoptr(GString) head = g_string_new(NULL);

	if (!load_run(p, run, head) || !pick_base(p) || !load_kinds(p) || !load_objects(p))
		return false;
	p->end_ns = scalar(p, "SELECT max(time_ns) FROM event WHERE run = ?1");
	fputs("{\"traceEvents\":[", p->out);
	emit_tracks(p);
	if (!emit_tasks(p))
		return false;
	/* the counters before the first event: boot objects and initial namespaces */
	g_ptr_array_sort(p->order, cmp_obj);
	for (guint i = 0; i < p->order->len; i++)
		if (((struct pf_obj *)p->order->pdata[i])->boot)
			emit_counter(p, p->order->pdata[i], 0);
	if (!emit_stream(p))
		return false;
	for (guint i = 0; i < p->extra_tasks->len; i++) {
		int64_t id = g_array_index(p->extra_tasks, int64_t, i);
		g_autofree char *name = g_strdup_printf("task %" G_GINT64_FORMAT, id);

		meta(p, "thread_name", p->base, id, name, id);
	}
	if (p->kwork_used) {
		process(p, PF_KWORK, "kernel work", 2);
		meta(p, "thread_name", p->base + PF_KWORK, p->base + PF_KWORK, "kernel work", 0);
	}
	emit_lazy(p);
	fprintf(p->out, "\n],\"displayTimeUnit\":\"ns\",%s}\n", head->str);
	return true;
}

int sim_export_perfetto(const char *path, gint64 run, bool all_counters, const char *out)
{
	struct pf p = {
		.path = path, .all = all_counters, .o = g_string_new(NULL),
		.objs = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, obj_free),
		.order = g_ptr_array_new(), .touched = g_ptr_array_new(),
		.kinds = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL),
		.tasks = g_hash_table_new_full(g_int64_hash, g_int64_equal, g_free, NULL),
		.extra_tasks = g_array_new(FALSE, FALSE, sizeof(int64_t)),
		.mms = g_hash_table_new_full(g_int64_hash, g_int64_equal, g_free, g_free),
		.mm_touched = g_ptr_array_new(), .new_mm_event = -1,
	};
	g_autofree char *tmp = NULL;
	g_autoptr(GError) err = NULL;
	int rc = 2;

	if (sqlite3_open_v2(path, &p.db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
		g_printerr("nssim export: cannot open %s: %s\n", path, sqlite3_errmsg(p.db));
		goto out;
	}
	if (!nss_db_check(p.db, path, &err)) {
		g_printerr("nssim export: %s\n", err->message);
		goto out;
	}
	if (!out || !strcmp(out, "-")) {
		p.out = stdout;
	} else {
		/* a new file in place at the end: never half a trace under its name */
		int fd;

		tmp = g_strdup_printf("%s.XXXXXX", out);
		fd = g_mkstemp_full(tmp, O_WRONLY, 0666);
		if (fd < 0 || !(p.out = fdopen(fd, "w"))) {
			g_printerr("nssim export: cannot write %s: %s\n", out, g_strerror(errno));
			if (fd >= 0)
				close(fd);
			g_clear_pointer(&tmp, g_free);
			goto out;
		}
	}
	if (!export_run(&p, run))
		goto out;
	if (fflush(p.out) || ferror(p.out)) {
		g_printerr("nssim export: writing %s: %s\n", tmp ? out : "stdout", g_strerror(errno));
		goto out;
	}
	if (tmp) {
		FILE *f = p.out;

		p.out = NULL;
		if (fclose(f) || g_rename(tmp, out)) {
			g_printerr("nssim export: writing %s: %s\n", out, g_strerror(errno));
			goto out;
		}
		g_clear_pointer(&tmp, g_free);
	}
	rc = 0;
out:
	if (p.out && p.out != stdout)
		fclose(p.out);
	if (tmp)
		g_unlink(tmp);
	sqlite3_close(p.db);
	g_string_free(p.o, TRUE);
	g_hash_table_destroy(p.objs);
	g_ptr_array_free(p.order, TRUE);
	g_ptr_array_free(p.touched, TRUE);
	g_hash_table_destroy(p.kinds);
	g_hash_table_destroy(p.tasks);
	g_array_free(p.extra_tasks, TRUE);
	g_hash_table_destroy(p.mms);
	g_ptr_array_free(p.mm_touched, TRUE);
	return rc;
}
