// SPDX-License-Identifier: MIT
/*
 * world.c - the world: variants, boot, events, observers, deferred work.
 *
 * Every syscall is one event: event_begin() gives it a sequence number and
 * makes the calling task run on its CPU, event_end() runs the invariant
 * checks and tells the observers.  Deferred kernel work (RCU callbacks and
 * workqueue items) waits in a FIFO until the caller runs it; each item is an
 * event of its own, so virtual time can decide when it happens.
 */
#include "core-private.h"

void check_boot(struct world *w);

const struct nss_variant nss_variant_6_19 = {
	.name = "6.19",
	.has_active = true,
	.unified_tree = true,
};

const struct nss_variant nss_variant_6_19_prefix = {
	.name = "6.19-prefix",
	.has_active = true,
	.init_counted = true,
	.init_net_active_zero = true,
	.owner_charge_at_create = true,
	.plain_get_no_cascade = true,
	.nsset_free_puts_active = true,
	.unified_tree = true,
};

/*
 * v6.19 with one bug put back: put_nsset() frees the prepared nsproxy with
 * deactivate_nsproxy(), dropping active references nothing took (the fix
 * cefd55bd2159 undone).  This is the kernel ../shared/kernels builds as
 * linux-6.19-prefix-um, so the setns() failure path can be checked on a
 * real kernel; "6.19-prefix" is the whole series before its fixes.
 */
const struct nss_variant nss_variant_6_19_nsset_bug = {
	.name = "6.19-nsset-bug",
	.has_active = true,
	.nsset_free_puts_active = true,
	.unified_tree = true,
};

const struct nss_variant nss_variant_6_18 = {
	.name = "6.18",
	.init_counted = true,
	.cookie_ids = true,
	/* 6.18.44, the stable kernel observed, has these backports */
	.unshare_ucounts_put_nsproxy = true,
	.mnt_iter_gate = true,
	.exit_keeps_dumpable = true,
};

/*
 * v7.1.5, the kernels users run now: 6.19's counting with the changes of
 * docs/fidelity.md's 7.1 table (the source diff: docs/notes/).
 */
const struct nss_variant nss_variant_7_1 = {
	.name = "7.1",
	.has_active = true,
	.unified_tree = true,
	.unshare_ucounts_put_nsproxy = true,
	.see_all_gate = true,
	.mnt_iter_gate = true,
	.pidns_children_any = true,
	.unshare_fs_copies_newns = true,
	.proc_ns_eacces_lost = true,
	.exit_keeps_dumpable = true,
	.pidfs_decode_live = true,
};

static const struct nss_variant *const all_variants[] = {
	&nss_variant_6_19, &nss_variant_6_19_prefix, &nss_variant_6_19_nsset_bug,
	&nss_variant_6_18, &nss_variant_7_1,
};

const char *nss_variant_names(void)
{
	static char names[128];

	/* built from the table once, so the list cannot miss a variant */
	if (names[0])
		return names;
	for (guint i = 0; i < G_N_ELEMENTS(all_variants); i++) {
		g_strlcat(names, i ? ", " : "", sizeof(names));
		g_strlcat(names, all_variants[i]->name, sizeof(names));
	}
	return names;
}

const struct nss_variant *nss_variant_lookup(const char *name)
{
	for (guint i = 0; i < G_N_ELEMENTS(all_variants); i++)
		if (g_strcmp0(all_variants[i]->name, name) == 0)
			return all_variants[i];
	return NULL;
}

const char *nss_obj_kind_name(enum nss_obj_kind k)
{
	static const char *const names[OBJ_NR_KINDS] = {
		"ns", "nsproxy", "cred", "pid", "file", "inode", "mm", "files", "fs", "cpu",
	};

	return k < OBJ_NR_KINDS ? names[k] : "task";
}

const char *nss_counter_name(enum nss_counter_name c)
{
	static const char *const names[CTR_NR_NAMES] = {
		"ref", "active", "count", "usage", "users", "mm_count", "ipis",
	};

	return c < CTR_NR_NAMES ? names[c] : "?";
}

/* ---- observers ------------------------------------------------------ */

#define FOR_EACH_OBSERVER(w, o)                                            \
	for (guint _i = 0; _i < (w)->observers->len; _i++)                  \
		for (const struct nss_observer *o =                          \
			     &g_array_index((w)->observers, struct nss_observer, _i); \
		     o; o = NULL)

void world_add_observer(struct world *w, const struct nss_observer *obs)
{
	g_array_append_val(w->observers, *obs);
}

void kwarn(struct world *w, const char *rule, const char *site,
	   enum nss_obj_kind kind, uint64_t obj, const char *detail)
{
	struct nss_warning wr = {
		.event = w->ev.seq, .rule = rule, .site = site, .kind = kind,
		.obj = obj, .detail = detail,
	};

	w->warnings++;
	FOR_EACH_OBSERVER(w, o)
		if (o->warning)
			o->warning(o->data, &wr);
}

void violation(struct world *w, const char *rule, enum nss_obj_kind kind,
	       uint64_t obj, int64_t expected, int64_t actual, const char *detail)
{
	struct nss_violation v = {
		.event = w->ev.seq, .rule = rule, .kind = kind, .obj = obj,
		.expected = expected, .actual = actual, .detail = detail,
	};

	w->violations++;
	FOR_EACH_OBSERVER(w, o)
		if (o->violation)
			o->violation(o->data, &v);
}

void notify_object(struct world *w, enum nss_object_change what,
		   enum nss_obj_kind kind, uint64_t id)
{
	FOR_EACH_OBSERVER(w, o)
		if (o->object)
			o->object(o->data, what, kind, id);
}

/* ---- events --------------------------------------------------------- */

static void begin(struct world *w, const char *op, uint64_t task, int64_t a0,
		  int64_t a1, int64_t a2)
{
	g_assert(!w->in_event);
	w->in_event = true;
	w->ev = (struct nss_event){
		.seq = ++w->event_seq, .op = op, .task = task,
		.args = { a0, a1, a2 },
	};
	FOR_EACH_OBSERVER(w, o)
		if (o->event_begin)
			o->event_begin(o->data, &w->ev);
}

struct task *event_begin(struct world *w, const char *op, uint64_t task,
			 int64_t a0, int64_t a1, int64_t a2)
{
	struct task *t;

	begin(w, op, task, a0, a1, a2);
	t = task_lookup(w, task);
	if (!t || t->state != TASK_RUNNING || t->exiting)
		return NULL;   /* a task in do_exit() makes no more calls */
	sched_run(w, t);
	return t;
}

int event_begin_fd(struct world *w, const char *op, uint64_t task, int fd, int64_t a1,
		   int64_t a2, struct task **t, struct file **f)
{
	*t = event_begin(w, op, task, fd, a1, a2);
	if (!*t)
		return -ESRCH;
	*f = fd_lookup(*t, fd);
	return *f ? 0 : -EBADF;
}

int64_t event_end(struct world *w, int64_t result)
{
	w->ev.result = result;
	if (w->cfg.audit != NSS_AUDIT_OFF)
		check_event(w, w->cfg.audit == NSS_AUDIT_FULL);
	for (guint i = 0; i < w->touched->len; i++)
		((struct ns *)w->touched->pdata[i])->touched = false;
	g_ptr_array_set_size(w->touched, 0);
	FOR_EACH_OBSERVER(w, o)
		if (o->event_end)
			o->event_end(o->data, &w->ev);
	w->in_event = false;
	return result;
}

/* ---- deferred work ---------------------------------------------------- */

void world_queue_deferred(struct world *w, int kind, void *obj, const char *site)
{
	struct deferred *d = g_new0(struct deferred, 1);

	d->kind = kind;
	d->obj = obj;
	d->site = site;
	d->id = ++w->deferred_seq;
	d->link.data = d;
	g_queue_push_tail_link(&w->deferred, &d->link);
	g_hash_table_insert(w->deferred_by_id, &d->id, d);
	FOR_EACH_OBSERVER(w, o)
		if (o->deferred)
			o->deferred(o->data, d->id, site);
}

bool nss_deferred_is_work(const char *site)
{
	return g_strcmp0(site, "free_user_ns") == 0 || g_strcmp0(site, "cleanup_net") == 0 ||
	       g_strcmp0(site, "free_ipc") == 0;
}

size_t world_deferred_pending(const struct world *w)
{
	return w->deferred.length;
}

/* The model id of the object a deferred item frees, for the trace. */
static uint64_t deferred_obj(const struct deferred *d)
{
	switch (d->kind) {
	case DEFER_CRED:
		return ((struct cred *)d->obj)->id;
	case DEFER_PID:
		return ((struct pid *)d->obj)->id;
	case DEFER_NS:
		return ((struct ns *)d->obj)->id;
	default:
		return ((struct task *)d->obj)->id;
	}
}

static void run_one(struct world *w, struct deferred *d)
{
	begin(w, d->site, 0, d->kind, (int64_t)deferred_obj(d), 0);
	w->ev.kernel_work = true;
	switch (d->kind) {
	case DEFER_CRED:
		put_cred_rcu(w, d->obj);
		break;
	case DEFER_PID:
		((struct pid *)d->obj)->rcu_put_done = true;
		put_pid(w, d->obj, "delayed_put_pid");
		break;
	case DEFER_NS:
		ns_destroy(w, d->obj);
		break;
	case DEFER_TASK:
		task_deferred_free(w, d->obj);
		break;
	}
	event_end(w, 0);
}

size_t world_run_deferred(struct world *w, size_t max)
{
	size_t n = 0;
	struct deferred *d;

	while ((max == 0 || n < max) && w->deferred.head) {
		d = w->deferred.head->data;
		g_queue_unlink(&w->deferred, &d->link);
		g_hash_table_remove(w->deferred_by_id, &d->id);
		run_one(w, d);
		g_free(d);
		n++;
	}
	return n;
}

bool world_run_deferred_id(struct world *w, uint64_t id)
{
	struct deferred *d = g_hash_table_lookup(w->deferred_by_id, &id);

	if (!d)
		return false;
	g_queue_unlink(&w->deferred, &d->link);
	g_hash_table_remove(w->deferred_by_id, &d->id);
	run_one(w, d);
	g_free(d);
	return true;
}

size_t world_check(struct world *w)
{
	uint64_t before = w->violations;

	begin(w, "check", 0, 0, 0, 0);
	check_event(w, true);
	w->ev.result = (int64_t)(w->violations - before);
	FOR_EACH_OBSERVER(w, o)
		if (o->event_end)
			o->event_end(o->data, &w->ev);
	w->in_event = false;
	return w->violations - before;
}

/* ---- the world --------------------------------------------------------- */

struct world *world_new(const struct nss_config *cfg)
{
	struct world *w = g_new0(struct world, 1);

	if (cfg)
		w->cfg = *cfg;
	w->v = w->cfg.variant ? w->cfg.variant : &nss_variant_6_19;
	w->cfg.variant = w->v;
	w->nr_cpus = w->cfg.cpus ? w->cfg.cpus : 1;
	w->cfg.cpus = w->nr_cpus;
	if (!w->cfg.init_max_namespaces)
		w->cfg.init_max_namespaces = 96365;
	w->cpus = g_new0(struct cpu, w->nr_cpus);
	for (unsigned int i = 0; i < w->nr_cpus; i++) {
		w->cpus[i].id = i;
		w->cpus[i].online = true;
		counter_setup(&w->cpus[i].ipis, OBJ_CPU, CTR_IPIS, i, true);
	}
	w->observers = g_array_new(FALSE, FALSE, sizeof(struct nss_observer));
	w->task_by_id = g_hash_table_new(g_int64_hash, g_int64_equal);
	w->ns_by_id = g_hash_table_new(g_int64_hash, g_int64_equal);
	w->pid_by_ino = g_hash_table_new(g_int64_hash, g_int64_equal);
	w->deferred_by_id = g_hash_table_new(g_int64_hash, g_int64_equal);
	w->touched = g_ptr_array_new();
	w->fault_site = -1;
	g_queue_init(&w->deferred);
	nstree_init(w);
	ns_boot(w);
	task_boot(w);
	devtmpfs_boot(w);
	check_boot(w);
	/* boot is before the first event: the trace and the site counts start after it */
	w->transitions = 0;
	memset(w->site_passes, 0, sizeof(w->site_passes));
	for (GList *l = w->namespaces.head; l; l = l->next)
		((struct ns *)l->data)->touched = false;
	g_ptr_array_set_size(w->touched, 0);
	return w;
}

void world_free(struct world *w)
{
	struct deferred *d;

	if (!w)
		return;
	while (w->deferred.head) {
		d = w->deferred.head->data;
		g_queue_unlink(&w->deferred, &d->link);
		if (d->kind == DEFER_TASK)
			g_queue_push_tail_link(&w->tasks, &((struct task *)d->obj)->link);
		g_free(d);
	}
	/* Everything is freed by kind, without running the model. */
	while (w->setns_ops.head) {
		struct setns_op *op = w->setns_ops.head->data;

		g_queue_unlink(&w->setns_ops, &op->link);
		g_free(op);
	}
	{
		g_autoptr(GHashTable) tables = g_hash_table_new(NULL, NULL);
		g_autoptr(GHashTable) fss = g_hash_table_new(NULL, NULL);
		GHashTableIter it;
		gpointer k;

		for (GList *l = w->tasks.head; l; l = l->next) {
			struct task *t = l->data;

			if (t->files)
				g_hash_table_add(tables, t->files);
			if (t->fs)
				g_hash_table_add(fss, t->fs);
		}
		g_hash_table_iter_init(&it, tables);
		while (g_hash_table_iter_next(&it, &k, NULL)) {
			files_free(k);
		}
		g_hash_table_iter_init(&it, fss);
		while (g_hash_table_iter_next(&it, &k, NULL))
			g_free(k);
	}
	for (GList *l = w->tasks.head, *n; l; l = n) {
		struct task *t = l->data;

		n = l->next;
		if (t->threads)
			g_ptr_array_free(t->threads, TRUE);
		g_queue_clear(&t->inbox);
		g_free(t);
	}
	while (w->namespaces.head) {
		struct ns *ns = w->namespaces.head->data;

		g_queue_unlink(&w->namespaces, &ns->link);
		if (ns->ucounts)
			g_ptr_array_free(ns->ucounts, TRUE);
		g_free(ns->inode);
		g_free(ns);
	}
	for (GList *l = w->creds.head, *n; l; l = n) {
		n = l->next;
		g_free(l->data);
	}
	for (GList *l = w->nsproxies.head, *n; l; l = n) {
		n = l->next;
		g_free(l->data);
	}
	for (GList *l = w->pids.head, *n; l; l = n) {
		n = l->next;
		g_free(((struct pid *)l->data)->stashed);
		g_free(l->data);
	}
	for (GList *l = w->files.head, *n; l; l = n) {
		n = l->next;
		g_free(l->data);
	}
	for (GList *l = w->mms.head, *n; l; l = n) {
		n = l->next;
		g_free(l->data);
	}
	for (GList *l = w->mounts.head, *n; l; l = n) {
		n = l->next;
		g_free(((struct mount *)l->data)->path);
		g_free(l->data);
	}
	nstree_fini(w);
	g_array_free(w->observers, TRUE);
	g_hash_table_destroy(w->task_by_id);
	g_hash_table_destroy(w->ns_by_id);
	g_hash_table_destroy(w->pid_by_ino);
	g_hash_table_destroy(w->deferred_by_id);
	g_ptr_array_free(w->touched, TRUE);
	if (w->reported)
		g_hash_table_destroy(w->reported);
	g_free(w->cpus);
	g_free(w);
}

const struct nss_variant *world_variant(const struct world *w)
{
	return w->v;
}

void world_set_audit(struct world *w, enum nss_audit audit)
{
	w->cfg.audit = audit;
}

uint64_t world_init_task(const struct world *w)
{
	return w->init_task->id;
}

uint64_t world_transition_count(const struct world *w)
{
	return w->transitions;
}

uint64_t world_event_count(const struct world *w)
{
	return w->event_seq;
}

const struct nss_event *world_last_event(const struct world *w)
{
	return &w->ev;
}

uint64_t world_violation_count(const struct world *w)
{
	return w->violations;
}

uint64_t world_warning_count(const struct world *w)
{
	return w->warnings;
}
