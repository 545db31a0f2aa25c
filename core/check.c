// SPDX-License-Identifier: MIT
/*
 * check.c - the oracle: after every event, recount every modelled counter
 * from the entity graph and compare (kernel-model.md §12.2).
 *
 * The recount never looks at a counter to compute another counter's
 * expected value, except for the owner term of A, which by definition
 * counts the owned namespaces that are active.  Holders:
 *   ns P:  nsproxy slots, creds (user ns, until put_cred_rcu), struct pids
 *          (deepest pid ns, until put_pid), owned namespaces (their owner;
 *          a pid ns also its parent, until destroyed), mm->user_ns (until
 *          __mmdrop), the nsfs inode, plus for 6.18/6.19-prefix initial
 *          namespaces the static references of objects nssim does not model;
 *   ns A:  slots of installed nsproxies, tasks between copy_creds and
 *          release_task (real_cred->user_ns), struct pids between alloc_pid
 *          and free_pid (deepest pid ns), the nsfs inode, and one per active
 *          namespace it owns (ns_owner(), which skips init_user_ns).
 * A violation is reported once per (rule, object) until its numbers change.
 */
#include "core-private.h"

struct expect {
	int64_t ref;
	int64_t active;
	int64_t owned_active;
};

/*
 * A recount's expectations live in scratch slots of the objects themselves
 * (ns->audit_*, counter->audit_want), valid when their audit_gen is the
 * recount's: no table, no allocation per object.
 */
struct recount {
	uint32_t gen;
	GPtrArray *tables;    /* the distinct fd tables, for their files' counts */
};

static struct recount recount_begin(struct world *w)
{
	return (struct recount){ .gen = ++w->audit_gen, .tables = g_ptr_array_new() };
}

static void recount_end(struct recount *rc)
{
	g_ptr_array_free(rc->tables, TRUE);
}

static void ns_scratch(struct recount *rc, struct ns *ns)
{
	if (ns->audit_gen != rc->gen) {
		ns->audit_gen = rc->gen;
		ns->audit_ref = ns->audit_active = ns->audit_owned = 0;
	}
}

static void ex_ref(struct recount *rc, struct ns *ns)
{
	ns_scratch(rc, ns);
	ns->audit_ref++;
}

static void ex_active(struct recount *rc, struct ns *ns)
{
	ns_scratch(rc, ns);
	ns->audit_active++;
}

static void ex_owned(struct recount *rc, struct ns *ns)
{
	ns_scratch(rc, ns);
	ns->audit_owned++;
}

/* What the recount expects of @ns (zero for a namespace no holder named). */
static struct expect ex_get(const struct recount *rc, const struct ns *ns)
{
	if (ns->audit_gen != rc->gen)
		return (struct expect){ 0 };
	return (struct expect){ ns->audit_ref, ns->audit_active, ns->audit_owned };
}

static void expect_ctr(struct recount *rc, struct counter *c, int64_t add)
{
	if (c->audit_gen != rc->gen) {
		c->audit_gen = rc->gen;
		c->audit_want = 0;
	}
	c->audit_want += (int32_t)add;
}

/* The expected value of a counter, or NULL if the recount never named it. */
static const int32_t *want_of(const struct recount *rc, const struct counter *c)
{
	return c->audit_gen == rc->gen ? &c->audit_want : NULL;
}

static void recount(struct world *w, struct recount *rc, bool objects)
{
	for (GList *l = w->nsproxies.head; l; l = l->next) {
		struct nsproxy *n = l->data;

		if (objects)
			expect_ctr(rc, &n->count, n->static_count + n->leaked);
		for (int s = 0; s < NR_SLOTS; s++) {
			ex_ref(rc, n->slot[s]);
			if (n->active)
				ex_active(rc, n->slot[s]);
		}
	}
	for (GList *l = w->creds.head; l; l = l->next) {
		struct cred *c = l->data;

		ex_ref(rc, c->user_ns);
		if (objects)
			expect_ctr(rc, &c->usage, c->static_usage);
	}
	for (GList *l = w->pids.head; l; l = l->next) {
		struct pid *p = l->data;

		ex_ref(rc, pid_ns_of(p));
		if (!p->freed)
			ex_active(rc, pid_ns_of(p));
		if (objects) {
			/* alloc_pid's, and its pidfs inode's */
			expect_ctr(rc, &p->count, !p->rcu_put_done + !!p->stashed);
			if (p->stashed)
				expect_ctr(rc, &p->stashed->dentry, 0);
		}
	}
	for (GList *l = w->mms.head; l; l = l->next) {
		struct mm *mm = l->data;

		ex_ref(rc, mm->user_ns);
		if (objects) {
			expect_ctr(rc, &mm->users, 0);
			expect_ctr(rc, &mm->count, 0);
		}
	}
	for (GList *l = w->files.head; l; l = l->next) {
		struct file *f = l->data;

		if (f->kind == FILE_SOCKET)
			ex_ref(rc, f->sk_net);
	}
	for (GList *l = w->namespaces.head; l; l = l->next) {
		struct ns *ns = l->data;
		struct ns *o = ns_owner(w, ns);

		if (ns->owner)
			ex_ref(rc, ns->owner);
		/* every struct ucounts keyed in a user ns but init_ucounts (ucount.c) */
		for (guint k = 0; ns->ucounts && k < ns->ucounts->len; k++)
			if (!((struct ucounts *)ns->ucounts->pdata[k])->static_refs)
				ex_ref(rc, ns);
		if (ns->type == NS_PID && ns->parent)
			ex_ref(rc, ns->parent);
		if (ns->inode) {
			ex_ref(rc, ns);
			ex_active(rc, ns);
			if (objects)
				expect_ctr(rc, &ns->inode->dentry, 0);
		}
		if (o && ns->active.val > 0)
			ex_owned(rc, o);
	}
	for (GList *l = w->tasks.head; l; l = l->next) {
		struct task *t = l->data;

		if (t->cred_ns_active)
			ex_active(rc, t->cred->user_ns);
		if (!objects)
			continue;
		expect_ctr(rc, &t->cred->usage, 2);
		if (t->nsproxy)
			expect_ctr(rc, &t->nsproxy->count, 1);
		if (t->mm) {
			expect_ctr(rc, &t->mm->users, 1);
		} else if (t->active_mm) {
			expect_ctr(rc, &t->active_mm->count,
				   w->cfg.lazy_tlb == NSS_LAZY_TLB_REFCOUNT);
		}
		if (t->files) {
			if (t->files->count.audit_gen != rc->gen)
				g_ptr_array_add(rc->tables, t->files);
			expect_ctr(rc, &t->files->count, 1);
		}
		if (t->fs)
			expect_ctr(rc, &t->fs->users, 1);
	}
	/* a setns() in flight holds its prepared nsproxy and cred */
	for (GList *l = w->setns_ops.head; objects && l; l = l->next) {
		struct setns_op *op = l->data;

		expect_ctr(rc, &op->set.nsproxy->count, 1);
		if (op->set.cred)
			expect_ctr(rc, &op->set.cred->usage, 1);
	}
	/* reaped tasks keep their cred until delayed_put_task_struct */
	for (GList *l = w->deferred.head; objects && l; l = l->next) {
		struct deferred *d = l->data;

		if (d->kind == DEFER_TASK)
			expect_ctr(rc, &((struct task *)d->obj)->cred->usage, 2);
	}
	if (objects) {
		for (GList *l = w->mms.head; l; l = l->next) {
			struct mm *mm = l->data;

			/* the users own one mm_count between them */
			if (mm->users.val > 0)
				expect_ctr(rc, &mm->count, 1);
		}
		for (unsigned int i = 0; i < w->nr_cpus; i++)
			if (w->cpus[i].idle_mm)
				expect_ctr(rc, &w->cpus[i].idle_mm->count,
					   w->cfg.lazy_tlb == NSS_LAZY_TLB_REFCOUNT);
		for (GList *l = w->files.head; l; l = l->next) {
			struct file *f = l->data;

			expect_ctr(rc, &f->count, 0);
			expect_ctr(rc, &f->f_cred->usage, 1);
			if (f->kind == FILE_NSFS)
				expect_ctr(rc, &f->inode->dentry, 1);
			else if (f->kind == FILE_PIDFD)
				expect_ctr(rc, &f->pidfs->dentry, 1);
		}

		for (GList *l = w->mounts.head; l; l = l->next)
			expect_ctr(rc, &((struct mount *)l->data)->ino->dentry, 1);
		for (GList *l = w->tasks.head; l; l = l->next)
			for (GList *m = ((struct task *)l->data)->inbox.head; m; m = m->next)
				expect_ctr(rc, &((struct file *)m->data)->count, 1);
		for (guint k = 0; k < rc->tables->len; k++) {
			GPtrArray *fd = ((struct files *)rc->tables->pdata[k])->fd;

			for (guint i = 0; i < fd->len; i++)
				if (fd->pdata[i])
					expect_ctr(rc, &((struct file *)fd->pdata[i])->count, 1);
		}
	}
}

/* Reported (rule, object) pairs, so a lasting violation is reported once. */
struct reported {
	const char *rule;
	enum nss_obj_kind kind;
	uint64_t obj;
	int64_t expected, actual;
};

static void report(struct world *w, GHashTable *seen, const char *rule,
		   enum nss_obj_kind kind, uint64_t obj, int64_t expected,
		   int64_t actual, const char *detail)
{
	g_autofree char *key = g_strdup_printf("%s/%d/%" G_GUINT64_FORMAT, rule, kind, obj);
	struct reported *r = g_hash_table_lookup(seen, key);

	if (r && r->expected == expected && r->actual == actual)
		return;
	if (!r) {
		r = g_new0(struct reported, 1);
		g_hash_table_insert(seen, g_steal_pointer(&key), r);
	}
	*r = (struct reported){ rule, kind, obj, expected, actual };
	violation(w, rule, kind, obj, expected, actual, detail);
}

static GHashTable *seen_table(struct world *w)
{
	if (!w->reported)
		w->reported = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
	return w->reported;
}

/* @full: also the tree lookups, O(log n), which the incremental audit leaves out */
static void check_ns(struct world *w, struct ns *ns, struct expect *e,
		     GHashTable *seen, bool full)
{
	int64_t ref = ns->ref.val, active = ns->active.val;
	struct ns *o = ns_owner(w, ns);
	bool counted = !ns->initial || w->v->init_counted;

	if (ns->initial && !w->v->init_counted) {
		if (ref != 1 || active != 1)
			report(w, seen, "init-constant", OBJ_NS, ns->id, 1,
			       ref != 1 ? ref : active,
			       "initial namespace counters must stay (1, 1)");
	}
	if (counted && ref != e->ref + ns->static_ref)
		report(w, seen, "ref-recount", OBJ_NS, ns->id, e->ref + ns->static_ref,
		       ref, "__ns_ref differs from its holders");
	if (counted && w->v->has_active) {
		int64_t want = e->active + e->owned_active + ns->static_active;

		if (active != want)
			report(w, seen, "active-recount", OBJ_NS, ns->id, want, active,
			       "__ns_ref_active differs from its active holders");
	}
	if (!w->v->has_active && active != 0)
		report(w, seen, "active-absent", OBJ_NS, ns->id, 0, active,
		       "6.18 has no active count");
	if (active < 0)
		report(w, seen, "active-negative", OBJ_NS, ns->id, 0, active,
		       "__ns_ref_active below 0");
	if (active > 0 && ref <= 0)
		report(w, seen, "active-without-ref", OBJ_NS, ns->id, 1, ref,
		       "active namespace with __ns_ref 0");
	if (active > 0 && o && o->active.val <= 0)
		report(w, seen, "owner-inactive", OBJ_NS, ns->id, 1, o->active.val,
		       "active namespace whose owner is inactive");
	if (!ns->in_tree || (full && (ns_tree_lookup(w, ns->id, ns->type) != ns ||
				      (w->v->unified_tree && ns_tree_lookup(w, ns->id, -1) != ns))))
		report(w, seen, "tree-membership", OBJ_NS, ns->id, 1, ns->in_tree,
		       "live namespace missing from its trees");
	if (ns->dying != (ref == 0))
		report(w, seen, "dying-state", OBJ_NS, ns->id, ns->dying, ref,
		       "destruction queued iff __ns_ref is 0");
	if (!ns->initial && w->v->unified_tree && ns->id <= 8)
		report(w, seen, "id-range", OBJ_NS, ns->id, 9, ns->id,
		       "dynamic namespace with an initial id");
	if (ns->inode && ns->inode->ns != ns)
		report(w, seen, "inode-stash", OBJ_NS, ns->id, 1, 0,
		       "stashed inode belongs to another namespace");
}

/* struct ucounts: a reference per cred (init_cred's is static) and per charge. */
static void check_ucounts(struct world *w, GHashTable *seen)
{
	for (GList *l = w->namespaces.head; l; l = l->next) {
		struct ns *ns = l->data;

		for (guint k = 0; ns->ucounts && k < ns->ucounts->len; k++)
			((struct ucounts *)ns->ucounts->pdata[k])->recount = 0;
	}
	for (GList *l = w->creds.head; l; l = l->next) {
		struct cred *c = l->data;

		if (!c->boot)
			c->ucounts->recount++;
	}
	for (GList *l = w->namespaces.head; l; l = l->next) {
		struct ns *ns = l->data;

		if (ns->ucount)
			ns->ucount->recount++;
	}
	for (GList *l = w->namespaces.head; l; l = l->next) {
		struct ns *ns = l->data;

		for (guint k = 0; ns->ucounts && k < ns->ucounts->len; k++) {
			struct ucounts *uc = ns->ucounts->pdata[k];

			if (uc->refs != uc->static_refs + uc->recount)
				report(w, seen, "ucounts-recount", OBJ_NS, ns->id,
				       uc->static_refs + uc->recount, uc->refs,
				       "a struct ucounts' references differ from its creds and charges");
		}
	}
}

static void check_objects(struct world *w, struct recount *rc, GHashTable *seen)
{
	/* Walk the entity lists, not the hash, so reports come in a fixed order. */
	struct {
		GQueue *q;
		size_t off[2];
		int n;
	} lists[] = {
		{ &w->creds, { offsetof(struct cred, usage) }, 1 },
		{ &w->pids, { offsetof(struct pid, count) }, 1 },
		{ &w->mms, { offsetof(struct mm, users), offsetof(struct mm, count) }, 2 },
		{ &w->files, { offsetof(struct file, count) }, 1 },
		{ &w->nsproxies, { offsetof(struct nsproxy, count) }, 1 },
	};

	check_ucounts(w, seen);

	for (guint i = 0; i < G_N_ELEMENTS(lists); i++) {
		for (GList *l = lists[i].q->head; l; l = l->next) {
			for (int k = 0; k < lists[i].n; k++) {
				struct counter *c = (struct counter *)((char *)l->data + lists[i].off[k]);
				const int32_t *want = want_of(rc, c);
				int64_t exp = want ? *want : 0;

				if (c->val != exp)
					report(w, seen, "counter-recount", c->kind, c->obj, exp,
					       c->val, nss_counter_name(c->name));
			}
		}
	}
	{
		/* a shared table or fs_struct comes up once per task: report() says it once */
		for (GList *l = w->tasks.head; l; l = l->next) {
			struct task *t = l->data;
			struct counter *cs[2] = {
				t->files ? &t->files->count : NULL,
				t->fs ? &t->fs->users : NULL,
			};

			for (int k = 0; k < 2; k++) {
				const int32_t *want;

				if (!cs[k])
					continue;
				want = want_of(rc, cs[k]);
				if (!want || *want != cs[k]->val)
					report(w, seen, "counter-recount", cs[k]->kind, cs[k]->obj,
					       want ? *want : 0, cs[k]->val,
					       nss_counter_name(cs[k]->name));
			}
		}
	}
	for (GList *l = w->namespaces.head; l; l = l->next) {
		struct ns *ns = l->data;

		if (ns->inode) {
			const int32_t *want = want_of(rc, &ns->inode->dentry);

			if (!want || *want != ns->inode->dentry.val)
				report(w, seen, "counter-recount", OBJ_INODE, ns->inode->id,
				       want ? *want : 0, ns->inode->dentry.val, "count");
		}
	}
	for (GList *l = w->pids.head; l; l = l->next) {
		struct pidfs_inode *ino = ((struct pid *)l->data)->stashed;

		if (ino) {
			const int32_t *want = want_of(rc, &ino->dentry);

			if (!want || *want != ino->dentry.val)
				report(w, seen, "counter-recount", OBJ_INODE, ino->id,
				       want ? *want : 0, ino->dentry.val, "count");
			if (ino->pid != l->data)
				report(w, seen, "inode-stash", OBJ_PID, ((struct pid *)l->data)->id,
				       1, 0, "stashed pidfs inode belongs to another pid");
		}
	}
}

/* §12.2 items 6, 8, 9: trees hold exactly the live namespaces; ids and inums unique. */
static void check_structure(struct world *w, GHashTable *seen)
{
	g_autoptr(GHashTable) inums = g_hash_table_new(g_int64_hash, g_int64_equal);
	g_autoptr(GArray) keys = g_array_new(FALSE, FALSE, sizeof(int64_t));

	for (GList *l = w->namespaces.head; l; l = l->next) {
		struct ns *ns = l->data;
		int64_t inum = ns->inum;

		g_array_append_val(keys, inum);
		if (!ns->initial && ns->inum < 0xF0000000u)
			report(w, seen, "inum-range", OBJ_NS, ns->id, 0xF0000000u, ns->inum,
			       "dynamic namespace below PROC_DYNAMIC_FIRST");
	}
	for (guint i = 0; i < keys->len; i++) {
		int64_t *k = &g_array_index(keys, int64_t, i);

		if (!g_hash_table_add(inums, k))
			report(w, seen, "inum-unique", OBJ_NS, 0, 1, *k,
			       "two live namespaces share an inode number");
	}
	for (int t = 0; t < NS_NR_TYPES; t++) {
		for (GTreeNode *n = g_tree_node_first(w->tree_type[t]); n; n = g_tree_node_next(n)) {
			struct ns *ns = g_tree_node_value(n);

			if (g_hash_table_lookup(w->ns_by_id, &ns->id) != ns || ns->type != (enum ns_type)t)
				report(w, seen, "tree-stale", OBJ_NS, ns->id, 0, 1,
				       "a type tree holds a namespace that is gone or of another type");
		}
	}
	if (g_tree_nnodes(w->tree_unified) != (w->v->unified_tree ? (gint)w->namespaces.length : 0))
		report(w, seen, "tree-stale", OBJ_NS, 0, w->namespaces.length,
		       g_tree_nnodes(w->tree_unified), "the unified tree and the live set differ");
}

/*
 * The incremental audit: only the namespaces the event touched (a counter
 * moved or a holder linked or unlinked), against the holder counts kept
 * where holders link and unlink (ns->hold_*): time in proportion to the
 * event, whatever the size of the world.
 */
static void check_touched(struct world *w)
{
	GHashTable *seen = seen_table(w);

	for (guint i = 0; i < w->touched->len; i++) {
		struct ns *ns = w->touched->pdata[i];
		struct expect e = { ns->hold_ref, ns->hold_active, ns->hold_owned };

		check_ns(w, ns, &e, seen, false);
	}
}

/*
 * The full audit recounts every holder from the object graph, and also
 * checks the kept holder counts against it, so that the incremental audit
 * can be trusted.
 */
static void check_full(struct world *w)
{
	struct recount rc = recount_begin(w);
	GHashTable *seen = seen_table(w);

	recount(w, &rc, true);
	for (GList *l = w->namespaces.head; l; l = l->next) {
		struct ns *ns = l->data;
		struct expect ev = ex_get(&rc, ns), *e = &ev;

		check_ns(w, ns, e, seen, true);
		if (ns->hold_ref != e->ref || ns->hold_active != e->active ||
		    ns->hold_owned != e->owned_active)
			report(w, seen, "audit-holders", OBJ_NS, ns->id,
			       e->ref * 1000000 + e->active * 1000 + e->owned_active,
			       ns->hold_ref * 1000000 + ns->hold_active * 1000 + ns->hold_owned,
			       "nssim's kept holder counts (ref, active, owned active) differ "
			       "from the recount: a bug in nssim, not in the kernel model");
	}
	check_objects(w, &rc, seen);
	check_structure(w, seen);
	recount_end(&rc);
}

void check_event(struct world *w, bool full)
{
	if (full)
		check_full(w);
	else
		check_touched(w);
}

/*
 * The initial namespaces of 6.18 and 6.19-prefix start at the kernel's
 * static counts; the part no modelled object accounts for is remembered
 * once at boot, so the recount can add it back.  The kept holder counts
 * start from the same recount.
 */
void check_boot(struct world *w);
void check_boot(struct world *w)
{
	struct recount rc = recount_begin(w);

	recount(w, &rc, false);
	for (GList *l = w->namespaces.head; l; l = l->next) {
		struct ns *ns = l->data;
		struct expect e = ex_get(&rc, ns);

		ns->hold_ref = (int32_t)e.ref;
		ns->hold_active = (int32_t)e.active;
		ns->hold_owned = (int32_t)e.owned_active;
	}
	for (int t = 0; t < NS_NR_TYPES; t++) {
		struct ns *ns = w->init_ns[t];
		struct expect e = ex_get(&rc, ns);

		ns->static_ref = ns->ref.val - e.ref;
		ns->static_active = ns->active.val - (e.active + e.owned_active);
	}
	recount_end(&rc);
}

/* ---- state hashing (explore --exhaustive) ------------------------------ */

static void mix(uint64_t *h, uint64_t v)
{
	*h ^= v + 0x9e3779b97f4a7c15ULL + (*h << 6) + (*h >> 2);
}

uint64_t world_state_hash(const struct world *w)
{
	uint64_t h = 0xcbf29ce484222325ULL;

	for (GList *l = w->namespaces.head; l; l = l->next) {
		const struct ns *ns = l->data;

		mix(&h, ns->id);
		mix(&h, ((uint64_t)ns->type << 48) ^ ((uint64_t)(uint32_t)ns->ref.val << 16) ^
			(uint32_t)ns->active.val);
		mix(&h, ns->owner ? ns->owner->id : 0);
		mix(&h, ns->inode ? (uint64_t)ns->inode->dentry.val : 0);
	}
	for (GList *l = w->tasks.head; l; l = l->next) {
		const struct task *t = l->data;

		mix(&h, t->id);
		mix(&h, t->state);
		mix(&h, t->cred->user_ns->id);
		mix(&h, t->parent ? t->parent->id : 0);
		for (int s = 0; t->nsproxy && s < NR_SLOTS; s++)
			mix(&h, t->nsproxy->slot[s]->id);
		for (guint i = 0; t->files && i < t->files->fd->len; i++) {
			const struct file *f = t->files->fd->pdata[i];

			mix(&h, f ? ((uint64_t)f->kind << 32) ^ (f->kind == FILE_NSFS ? f->inode->ns->id
								: f->kind == FILE_SOCKET ? f->sk_net->id
								: f->id) : 0);
		}
	}
	for (GList *l = w->setns_ops.head; l; l = l->next)
		mix(&h, ((const struct setns_op *)l->data)->id);
	mix(&h, w->deferred.length);
	return h;
}
