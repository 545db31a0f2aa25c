// SPDX-License-Identifier: MIT
/*
 * pid.c - struct pid and pid namespaces (kernel/pid.c,
 * kernel/pid_namespace.c).
 *
 *   count (refcount): 1 from alloc_pid() until the RCU callback queued by
 *     free_pid(), plus one per pidfd.  When it reaches 0 (put_pid) the P on
 *     the deepest pid namespace goes.
 *   A struct pid gives one A to its deepest pid namespace from alloc_pid()
 *     to free_pid(), which runs when the last task detaches from it under
 *     every pid type (PID, TGID, PGID, SID): at reap for a plain process,
 *     later for a process group or session leader others still use.
 *   Ancestor pid namespaces get neither count from it: the deepest one holds
 *     P on its parent.
 */
#include "core-private.h"

struct ns *pid_ns_of(const struct pid *p)
{
	return p->numbers[p->level].ns;
}

int32_t pid_nr_ns(const struct pid *p, const struct ns *ns)
{
	if (!p || p->freed || ns->level > p->level || p->numbers[ns->level].ns != ns)
		return 0;
	return p->numbers[ns->level].nr;
}

struct ns *task_active_pid_ns(const struct task *t)
{
	return pid_ns_of(t->pids[PIDTYPE_PID]);
}

static struct pid *pid_new(struct world *w, struct ns *ns)
{
	struct pid *p = g_malloc0(sizeof(*p) + (ns->level + 1) * sizeof(struct upid));

	p->id = ++w->next_id[OBJ_PID];
	p->link.data = p;
	p->level = ns->level;
	counter_setup(&p->count, OBJ_PID, CTR_REF, p->id, false);
	for (struct ns *n = ns; n; n = n->parent)
		p->numbers[n->level].ns = n;
	g_queue_push_tail_link(&w->pids, &p->link);
	ns_hold(w, ns, 1, 1);
	/* pidfs_add_pid(): file handles find the pid by its inode number */
	g_hash_table_insert(w->pid_by_ino, &p->id, p);
	return p;
}

/* The boot pid of the initial task: pid 1 in init_pid_ns, set up statically. */
struct pid *pid_boot(struct world *w)
{
	struct ns *ns = w->init_ns[NS_PID];
	struct pid *p = pid_new(w, ns);

	p->numbers[0].nr = 1;
	ns->last_pid = 1;
	ns->nr_hashed = 1;
	p->numbers[0].link.data = p;
	g_queue_push_tail_link(&ns->pids, &p->numbers[0].link);
	p->count.val = 1;
	return p;
}

/*
 * alloc_pid(): one number per level from the deepest namespace up; fails
 * with ENOMEM once the namespace stopped accepting pids (its init died).
 * Takes P and A on the deepest namespace.
 */
struct pid *alloc_pid(struct world *w, struct ns *ns, int *err)
{
	struct pid *p;

	*err = should_fail(w, FAULT_ALLOC_PID);    /* kmem_cache_alloc */
	if (*err)
		return NULL;
	if (!ns->pid_adding) {
		*err = -ENOMEM;
		return NULL;
	}
	p = pid_new(w, ns);
	for (struct ns *n = ns; n; n = n->parent) {
		p->numbers[n->level].nr = ++n->last_pid;
		n->nr_hashed++;
		p->numbers[n->level].link.data = p;
		g_queue_push_tail_link(&n->pids, &p->numbers[n->level].link);
	}
	ns_ref_inc(w, ns, "alloc_pid");
	ref_init(w, &p->count, 1, "alloc_pid");
	ns_active_get(w, ns, "alloc_pid");
	*err = 0;
	return p;
}

void attach_pid(struct task *t, enum pid_type type, struct pid *p)
{
	t->pids[type] = p;
	p->attached[type]++;
	if (type == PIDTYPE_PID)
		p->task = t;
}

bool detach_pid(struct task *t, enum pid_type type)
{
	struct pid *p = t->pids[type];

	if (!p)
		return false;
	g_assert(p->attached[type] > 0);
	p->attached[type]--;
	if (type == PIDTYPE_PID)
		p->task = NULL;
	for (int i = 0; i < PIDTYPE_MAX; i++)
		if (p->attached[i])
			return false;
	return true;
}

/* free_pid(): the numbers go, the A goes, the initial count goes after RCU. */
/* pid_task(pid, PIDTYPE_PID): the task the pid still names, or NULL once reaped. */
struct task *pid_task(struct world *w, const struct pid *pid)
{
	(void)w;
	return pid->task && pid->task->state != TASK_DEAD ? pid->task : NULL;
}

void free_pid(struct world *w, struct pid *p)
{
	struct ns *ns = pid_ns_of(p);

	g_assert(!p->freed);
	p->freed = true;
	g_hash_table_remove(w->pid_by_ino, &p->id);   /* pidfs_remove_pid() */
	ns_hold(w, ns, 0, -1);
	for (struct ns *n = ns; n; n = n->parent) {
		n->nr_hashed--;
		g_queue_unlink(&n->pids, &p->numbers[n->level].link);
	}
	ns_active_put(w, ns, "free_pid");
	world_queue_deferred(w, DEFER_PID, p, "delayed_put_pid");
}

void get_pid(struct world *w, struct pid *p, const char *site)
{
	ref_inc(w, &p->count, site);
}

void put_pid(struct world *w, struct pid *p, const char *site)
{
	struct ns *ns = pid_ns_of(p);

	if (!ref_dec_and_test(w, &p->count, site))
		return;
	g_queue_unlink(&w->pids, &p->link);
	ns_hold(w, ns, -1, 0);
	g_free(p);
	ns_ref_put(w, ns, "put_pid");
}

/* copy_pid_ns() for CLONE_NEWPID: only from the caller's active pid ns. */
int copy_pid_ns(struct world *w, uint64_t flags, struct ns *user_ns,
		struct ns *old, struct task *t, uint32_t creator_uid, struct ns **out)
{
	if (old != task_active_pid_ns(t))
		return -EINVAL;
	/* create_pid_namespace(): the owner must be below the parent's owner. */
	if (!ns_is_ancestor_or_same(old->owner, user_ns))
		return -EINVAL;
	return ns_create(w, NS_PID, user_ns, old, creator_uid, out);
}

/* pidns_install(): only the active pid ns or a descendant of it. */
int pidns_install(struct world *w, struct task *t, struct nsproxy *n,
		  const struct cred *c, struct ns *new)
{
	struct ns *active = task_active_pid_ns(t);

	if (!ns_capable(w, t->cred, new->owner, CAP_SYS_ADMIN) ||
	    !ns_capable(w, c, c->user_ns, CAP_SYS_ADMIN))
		return -EPERM;
	if (!ns_is_ancestor_or_same(active, new))
		return -EINVAL;
	struct ns *old = n->slot[SLOT_PID_FOR_CHILDREN];

	nsproxy_slot_assign(w, n, SLOT_PID_FOR_CHILDREN, new);   /* first: the put may free old */
	ns_ref_put(w, old, "pidns_install");
	ns_ref_inc(w, new, "pidns_install");
	return 0;
}

/*
 * zap_pid_ns_processes(): the namespace's init is exiting.  No new pids,
 * every other task in the namespace is killed, and the reaper reaps the
 * ones that are (or became) its children.  Zombies whose parent is outside
 * stay for that parent: the kernel's reaper would sleep until they are
 * reaped, which the model does not block on.
 */
void zap_pid_ns_processes(struct world *w, struct ns *pid_ns, struct task *reaper)
{
	g_autoptr(GPtrArray) victims = g_ptr_array_new();

	pid_ns->pid_adding = false;
	/* every task with a number in the namespace, in number order (the idr walk) */
	for (GList *l = pid_ns->pids.head; l; l = l->next) {
		struct task *c = ((struct pid *)l->data)->task;

		if (c && c != reaper && c->state == TASK_RUNNING)
			g_ptr_array_add(victims, c);
	}
	for (guint i = 0; i < victims->len; i++) {
		struct task *c = victims->pdata[i];

		if (c->state == TASK_RUNNING)
			task_do_exit(w, c, 9 /* SIGKILL */);
	}
	/* kernel_wait4(-1, __WALL) until no children are left to reap. */
	for (GList *l = reaper->children.head; l;) {
		struct task *c = l->data;

		if (c->state == TASK_ZOMBIE) {
			task_release(w, c);   /* may release others: start again */
			l = reaper->children.head;
			continue;
		}
		l = l->next;
	}
}

int64_t nss_task_pid_nr(const struct world *w, uint64_t task)
{
	struct task *t = task_lookup(w, task);

	if (!t || t->state == TASK_DEAD)
		return 0;
	return pid_nr_ns(t->pids[PIDTYPE_PID], task_active_pid_ns(t));
}

int64_t nss_task_pid_in(const struct world *w, uint64_t task, uint64_t viewer)
{
	struct task *t = task_lookup(w, task), *v = task_lookup(w, viewer);

	if (!t || !v || t->state == TASK_DEAD || !t->pids[PIDTYPE_PID])
		return 0;
	return pid_nr_ns(t->pids[PIDTYPE_PID], task_active_pid_ns(v));
}
