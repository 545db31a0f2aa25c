// SPDX-License-Identifier: MIT
/*
 * nsproxy.c - struct nsproxy and setns() (kernel/nsproxy.c).
 *
 *   count (refcount): one per task using the nsproxy (threads and plain forks
 *     share it), plus transient holders (a setns(pidfd) snapshot).
 *   Each of the 8 slots (mnt, uts, ipc, pid_for_children, cgroup, net, time,
 *     time_for_children) holds P on its namespace from creation to
 *     nsproxy_free().  Once the nsproxy is installed in a task
 *     (switch_task_namespaces, copy_namespaces) each slot also holds A,
 *     taken by nsproxy_ns_active_get() and released by deactivate_nsproxy()
 *     when count reaches 0.  A prepared setns() copy never gets A, so its
 *     release must not put any (6.19-prefix did: kernel-model §9.1).
 */
#include "core-private.h"

static const char *const slot_names[NR_SLOTS] = {
	"mnt", "uts", "ipc", "pid_for_children", "cgroup", "net", "time",
	"time_for_children",
};

const char *nsproxy_slot_name(enum nsproxy_slot s);
const char *nsproxy_slot_name(enum nsproxy_slot s)
{
	return slot_names[s];
}

static struct nsproxy *nsproxy_alloc(struct world *w, const char *site)
{
	struct nsproxy *n = g_new0(struct nsproxy, 1);

	n->id = ++w->next_id[OBJ_NSPROXY];
	n->link.data = n;
	counter_setup(&n->count, OBJ_NSPROXY, CTR_COUNT, n->id, false);
	g_queue_push_tail_link(&w->nsproxies, &n->link);
	ref_init(w, &n->count, 1, site);
	return n;
}

struct nsproxy *nsproxy_boot(struct world *w)
{
	struct nsproxy *n = g_new0(struct nsproxy, 1);
	static const enum ns_type type_of[NR_SLOTS] = {
		NS_MNT, NS_UTS, NS_IPC, NS_PID, NS_CGROUP, NS_NET, NS_TIME, NS_TIME,
	};

	n->id = ++w->next_id[OBJ_NSPROXY];
	n->link.data = n;
	counter_setup(&n->count, OBJ_NSPROXY, CTR_COUNT, n->id, false);
	g_queue_push_tail_link(&w->nsproxies, &n->link);
	for (int s = 0; s < NR_SLOTS; s++)
		n->slot[s] = w->init_ns[type_of[s]];
	n->active = true;
	return n;
}

/* n->slot[s] = ns, and the holders the audit expects with it */
void nsproxy_slot_assign(struct world *w, struct nsproxy *n, enum nsproxy_slot s, struct ns *ns)
{
	if (n->slot[s])
		ns_hold(w, n->slot[s], -1, -n->active);
	n->slot[s] = ns;
	if (ns)
		ns_hold(w, ns, 1, n->active);
}

/* n->active: the slots are active holders */
static void nsproxy_set_active(struct world *w, struct nsproxy *n, bool active)
{
	for (int s = 0; s < NR_SLOTS; s++)
		if (n->slot[s] && n->active != active)
			ns_hold(w, n->slot[s], 0, active ? 1 : -1);
	n->active = active;
}

/* The nsproxy goes: its slots stop holding (before the puts that may free them). */
static void nsproxy_unhold(struct world *w, struct nsproxy *n)
{
	for (int s = 0; s < NR_SLOTS; s++)
		if (n->slot[s])
			ns_hold(w, n->slot[s], -1, -n->active);
}

/*
 * Replace a slot's namespace.  The install callbacks differ in order:
 * ipc, pid and net put the old reference first, the others get the new one
 * first; the order is visible in the trace, so it follows the kernel.
 */
void nsproxy_set_slot(struct world *w, struct nsproxy *n, enum nsproxy_slot s,
		      struct ns *ns, bool put_first, const char *site)
{
	struct ns *old = n->slot[s];

	nsproxy_slot_assign(w, n, s, ns);   /* first: the put may free old */
	if (put_first)
		ns_ref_put(w, old, site);
	ns_ref_inc(w, ns, site);
	if (!put_first)
		ns_ref_put(w, old, site);
}

void get_nsproxy(struct world *w, struct nsproxy *n, const char *site)
{
	ref_inc(w, &n->count, site);
}

/* nsproxy_free(): passive puts only, in the kernel's order, then the memory. */
void nsproxy_free(struct world *w, struct nsproxy *n)
{
	static const enum nsproxy_slot order[NR_SLOTS] = {
		SLOT_MNT, SLOT_UTS, SLOT_IPC, SLOT_PID_FOR_CHILDREN, SLOT_TIME,
		SLOT_TIME_FOR_CHILDREN, SLOT_CGROUP, SLOT_NET,
	};

	nsproxy_unhold(w, n);
	for (int i = 0; i < NR_SLOTS; i++)
		if (n->slot[order[i]])
			ns_ref_put(w, n->slot[order[i]], "nsproxy_free");
	g_queue_unlink(&w->nsproxies, &n->link);
	g_free(n);
}

static void nsproxy_ns_active_put(struct world *w, struct nsproxy *n)
{
	for (int s = 0; s < NR_SLOTS; s++)
		ns_active_put(w, n->slot[s], "nsproxy_ns_active_put");
	nsproxy_set_active(w, n, false);
}

void nsproxy_ns_active_get(struct world *w, struct nsproxy *n)
{
	for (int s = 0; s < NR_SLOTS; s++)
		ns_active_get(w, n->slot[s], "nsproxy_ns_active_get");
	nsproxy_set_active(w, n, true);
}

/* deactivate_nsproxy() (6.19-prefix: free_nsproxy): 8 A puts, then 8 P puts. */
static void deactivate_nsproxy(struct world *w, struct nsproxy *n)
{
	nsproxy_ns_active_put(w, n);
	nsproxy_free(w, n);
}

/*
 * A kernel error path forgets @n with its count: it and the P references
 * of its slots stay for good, as in the kernel (kmemleak would report it).
 */
void nsproxy_leak(struct world *w, struct nsproxy *n)
{
	(void)w;
	n->leaked = true;
}

void put_nsproxy(struct world *w, struct nsproxy *n, const char *site)
{
	if (ref_dec_and_test(w, &n->count, site))
		deactivate_nsproxy(w, n);
}

/*
 * switch_task_namespaces(): activate the new set first, then swap, then put
 * the old one, so a namespace in both never passes through A == 0.
 */
void switch_task_namespaces(struct world *w, struct task *t, struct nsproxy *n)
{
	struct nsproxy *old = t->nsproxy;

	if (n)
		nsproxy_ns_active_get(w, n);
	t->nsproxy = n;
	if (old)
		put_nsproxy(w, old, "switch_task_namespaces");
}

/*
 * create_new_namespaces(): a new nsproxy (count 1) whose slots are new
 * namespaces for the flagged types and P references on the task's current
 * ones for the rest, in the kernel's order.  P only; on error the slots
 * filled so far are put in reverse and nothing else moved.
 */
struct nsproxy *create_new_namespaces(struct world *w, uint64_t flags,
				      struct task *t, struct ns *user_ns,
				      uint32_t creator_uid, int *err)
{
	struct nsproxy *old = t->nsproxy;
	struct nsproxy *n;
	static const struct {
		enum nsproxy_slot slot;
		enum ns_type type;
		const char *copy;    /* the copy_* function: gets or creates */
	} order[] = {
		{ SLOT_MNT, NS_MNT, "copy_mnt_ns" },
		{ SLOT_UTS, NS_UTS, "copy_utsname" },
		{ SLOT_IPC, NS_IPC, "copy_ipcs" },
		{ SLOT_PID_FOR_CHILDREN, NS_PID, "copy_pid_ns" },
		{ SLOT_CGROUP, NS_CGROUP, "copy_cgroup_ns" },
		{ SLOT_NET, NS_NET, "copy_net_ns" },
		{ SLOT_TIME_FOR_CHILDREN, NS_TIME, "copy_time_ns" },
	};
	int filled = 0;

	*err = should_fail(w, FAULT_CREATE_NEW_NAMESPACES);   /* create_nsproxy */
	if (*err)
		return NULL;
	n = nsproxy_alloc(w, "create_new_namespaces");
	for (; filled < (int)G_N_ELEMENTS(order); filled++) {
		enum ns_type type = order[filled].type;
		struct ns *cur = old->slot[order[filled].slot], *ns;

		if (!(flags & ns_type_clone_flag(type))) {
			ns_ref_inc(w, cur, order[filled].copy);
			nsproxy_slot_assign(w, n, order[filled].slot, cur);
			continue;
		}
		if (type == NS_PID) {
			*err = copy_pid_ns(w, flags, user_ns, cur, t, creator_uid, &ns);
		} else if (type == NS_CGROUP &&
			   !ns_capable(w, t->cred, user_ns, CAP_SYS_ADMIN)) {
			*err = -EPERM;
		} else {
			*err = ns_create(w, type, user_ns, NULL, creator_uid, &ns);
		}
		if (*err)
			break;
		nsproxy_slot_assign(w, n, order[filled].slot, ns);
	}
	if (*err) {
		/* Unwind in reverse, passive puts only. */
		nsproxy_unhold(w, n);
		for (int i = filled - 1; i >= 0; i--)
			ns_ref_put(w, n->slot[order[i].slot], "create_new_namespaces");
		g_queue_unlink(&w->nsproxies, &n->link);
		g_free(n);
		return NULL;
	}
	/* time_ns always follows the task's current one; a fork may switch it. */
	ns_ref_inc(w, old->slot[SLOT_TIME], "get_time_ns");
	nsproxy_slot_assign(w, n, SLOT_TIME, old->slot[SLOT_TIME]);
	return n;
}

/* ---- setns() ---------------------------------------------------------- */


static void put_nsset(struct world *w, struct nsset *set);

/* prepare_nsset(): a passive copy of the caller's nsproxy, a cred if NEWUSER. */
static int prepare_nsset(struct world *w, struct task *t, uint64_t flags,
			 struct nsset *ns)
{
	int err;

	ns->flags = flags;
	ns->nsproxy = create_new_namespaces(w, 0, t, t->cred->user_ns,
					    t->cred->euid, &err);
	if (!ns->nsproxy)
		return err;
	ns->cred = NULL;
	if (flags & NSS_CLONE_NEWUSER) {
		ns->cred = prepare_creds(w, t->cred, "prepare_creds");
		if (!ns->cred) {
			/* out: put_nsset() with the flags still 0 frees the nsproxy */
			ns->flags = 0;
			put_nsset(w, ns);
			ns->nsproxy = NULL;
			return -ENOMEM;
		}
	}
	return 0;
}

static const struct cred *nsset_cred(const struct nsset *ns, const struct task *t)
{
	return ns->cred ? ns->cred : t->cred;
}

static bool caps_over(struct world *w, const struct nsset *ns,
		      const struct task *t, struct ns *target)
{
	return ns_capable(w, t->cred, target->owner, CAP_SYS_ADMIN) &&
	       ns_capable(w, nsset_cred(ns, t), nsset_cred(ns, t)->user_ns,
			  CAP_SYS_ADMIN);
}

/* ops->install(): validate one namespace and move it into the prepared set. */
static int validate_ns(struct world *w, struct task *t, struct nsset *set,
		       struct ns *target)
{
	struct nsproxy *n = set->nsproxy;
	int err = should_fail(w, FAULT_VALIDATE_NS);

	if (err)
		return err;
	switch (target->type) {
	case NS_USER:
		return userns_install(w, t, set->cred, target);
	case NS_MNT:
		if (!ns_capable(w, t->cred, target->owner, CAP_SYS_ADMIN) ||
		    !ns_capable(w, nsset_cred(set, t), nsset_cred(set, t)->user_ns, CAP_SYS_CHROOT) ||
		    !ns_capable(w, nsset_cred(set, t), nsset_cred(set, t)->user_ns, CAP_SYS_ADMIN))
			return -EPERM;
		/* setns(CLONE_NEWNS) alone uses current->fs; with other types a copy */
		if (set->flags == NSS_CLONE_NEWNS && t->fs->users.val != 1)
			return -EINVAL;
		nsproxy_set_slot(w, n, SLOT_MNT, target, false, "mntns_install");
		return 0;
	case NS_PID:
		return pidns_install(w, t, n, nsset_cred(set, t), target);
	case NS_TIME:
		if (!thread_group_empty(t) || t->mm->users.val != 1)
			return -EUSERS;
		if (!caps_over(w, set, t, target))
			return -EPERM;
		nsproxy_set_slot(w, n, SLOT_TIME, target, false, "timens_install");
		nsproxy_set_slot(w, n, SLOT_TIME_FOR_CHILDREN, target, false,
				 "timens_install");
		return 0;
	case NS_CGROUP:
		if (!caps_over(w, set, t, target))
			return -EPERM;
		if (n->slot[SLOT_CGROUP] == target)
			return 0;
		nsproxy_set_slot(w, n, SLOT_CGROUP, target, false, "cgroupns_install");
		return 0;
	case NS_UTS:
	case NS_IPC:
	case NS_NET: {
		static const char *const site[] = {
			[NS_UTS] = "utsns_install", [NS_IPC] = "ipcns_install",
			[NS_NET] = "netns_install",
		};
		static const enum nsproxy_slot slot[] = {
			[NS_UTS] = SLOT_UTS, [NS_IPC] = SLOT_IPC, [NS_NET] = SLOT_NET,
		};
		if (!caps_over(w, set, t, target))
			return -EPERM;
		nsproxy_set_slot(w, n, slot[target->type], target,
				 target->type != NS_UTS, site[target->type]);
		return 0;
	}
	default:
		g_assert_not_reached();
	}
}

/*
 * validate_nsset(): setns(pidfd, flags).  A snapshot of the target's
 * namespaces is pinned (its nsproxy, its active pid ns, its user ns), each
 * requested type installed in the order user, mnt, uts, ipc, pid, cgroup,
 * net, time, and the snapshot dropped, which may be the last reference to
 * the target's nsproxy if it has exited meanwhile.
 */
static int validate_nsset(struct world *w, struct task *t, struct nsset *set,
			  struct pid *pid)
{
	struct task *tgt = NULL;
	struct nsproxy *nsp;
	struct ns *pid_ns = NULL, *user_ns = NULL;
	uint64_t flags = set->flags;
	int ret = 0;
	static const struct {
		uint64_t flag;
		enum nsproxy_slot slot;
	} order[] = {
		{ NSS_CLONE_NEWNS, SLOT_MNT },     { NSS_CLONE_NEWUTS, SLOT_UTS },
		{ NSS_CLONE_NEWIPC, SLOT_IPC },
	};

	for (GList *l = w->tasks.head; l; l = l->next) {
		struct task *c = l->data;

		if (c->pids[PIDTYPE_PID] == pid && c->state != TASK_DEAD) {
			tgt = c;
			break;
		}
	}
	if (!tgt || pid->freed)
		return -ESRCH;
	if (!ptrace_may_access(w, t, tgt, true))
		return -EPERM;
	nsp = tgt->nsproxy;
	if (!nsp)
		return -ESRCH;
	get_nsproxy(w, nsp, "validate_nsset");
	if (flags & NSS_CLONE_NEWPID) {
		pid_ns = task_active_pid_ns(tgt);
		ns_ref_inc(w, pid_ns, "validate_nsset");
	}
	if (flags & NSS_CLONE_NEWUSER) {
		user_ns = tgt->cred->user_ns;
		ns_ref_inc(w, user_ns, "validate_nsset");
	}

	if (flags & NSS_CLONE_NEWUSER) {
		ret = validate_ns(w, t, set, user_ns);
		if (ret)
			goto out;
	}
	for (guint i = 0; i < G_N_ELEMENTS(order); i++) {
		if (!(flags & order[i].flag))
			continue;
		ret = validate_ns(w, t, set, nsp->slot[order[i].slot]);
		if (ret)
			goto out;
	}
	if (flags & NSS_CLONE_NEWPID) {
		ret = validate_ns(w, t, set, pid_ns);
		if (ret)
			goto out;
	}
	if (flags & NSS_CLONE_NEWCGROUP) {
		ret = validate_ns(w, t, set, nsp->slot[SLOT_CGROUP]);
		if (ret)
			goto out;
	}
	if (flags & NSS_CLONE_NEWNET) {
		ret = validate_ns(w, t, set, nsp->slot[SLOT_NET]);
		if (ret)
			goto out;
	}
	if (flags & NSS_CLONE_NEWTIME)
		ret = validate_ns(w, t, set, nsp->slot[SLOT_TIME]);
out:
	if (pid_ns)
		ns_ref_put(w, pid_ns, "validate_nsset");
	put_nsproxy(w, nsp, "validate_nsset");
	if (user_ns)
		ns_ref_put(w, user_ns, "validate_nsset");
	return ret;
}

/* commit_nsset(): the point of no return. */
static void commit_nsset(struct world *w, struct task *t, struct nsset *set)
{
	if (set->flags & NSS_CLONE_NEWUSER) {
		commit_creds(w, t, set->cred);
		set->cred = NULL;
	}
	switch_task_namespaces(w, t, set->nsproxy);
	set->nsproxy = NULL;
}

/* put_nsset(): what is left of a failed setns. */
static void put_nsset(struct world *w, struct nsset *set)
{
	if (set->cred)
		abort_creds(w, set->cred);
	if (set->nsproxy) {
		if (w->v->nsset_free_puts_active) {
			/* 6.19-prefix: free_nsproxy() put A it never took. */
			for (int s = 0; s < NR_SLOTS; s++)
				ns_active_put(w, set->nsproxy->slot[s],
					      "nsproxy_ns_active_put");
		}
		nsproxy_free(w, set->nsproxy);
	}
}

/* setns() up to the point of no return: the fd checks, prepare, validate. */
static int setns_prepare(struct world *w, struct task *t, int fd, uint64_t nstype,
			 struct nsset *set)
{
	struct file *f = fd_lookup(t, fd);
	struct ns *target = NULL;
	int err;

	if (!f)
		return -EBADF;
	if (f->kind == FILE_NSFS) {
		target = f->inode->ns;
		if (nstype && nstype != ns_type_clone_flag(target->type))
			return -EINVAL;
		nstype = ns_type_clone_flag(target->type);
	} else if (f->kind == FILE_PIDFD) {
		if (!nstype || (nstype & ~NSS_CLONE_NEWALL))
			return -EINVAL;
	} else {
		return -EINVAL;
	}
	err = prepare_nsset(w, t, nstype, set);
	if (err)
		return err;
	err = target ? validate_ns(w, t, set, target) : validate_nsset(w, t, set, f->pid);
	if (err)
		put_nsset(w, set);
	return err;
}

int sys_setns(struct world *w, uint64_t task, int fd, uint64_t nstype)
{
	struct task *t = event_begin(w, "setns", task, fd, (int64_t)nstype, 0);
	struct nsset set = { 0 };
	int err;

	if (!t)
		return event_end(w, -ESRCH);
	err = setns_prepare(w, t, fd, nstype, &set);
	if (err)
		return event_end(w, err);
	commit_nsset(w, t, &set);
	put_nsset(w, &set);
	return event_end(w, 0);
}

/*
 * setns() preempted between validate_nsset() and commit_nsset(), so that
 * other tasks can run in between (the race of kernel-model.md §9.2): the
 * prepared set, with its passive references, stays in flight.
 */
int64_t sys_setns_begin(struct world *w, uint64_t task, int fd, uint64_t nstype)
{
	struct task *t = event_begin(w, "setns_begin", task, fd, (int64_t)nstype, 0);
	struct setns_op *op;
	int err;

	if (!t)
		return event_end(w, -ESRCH);
	op = g_new0(struct setns_op, 1);
	err = setns_prepare(w, t, fd, nstype, &op->set);
	if (err) {
		g_free(op);
		return event_end(w, err);
	}
	op->id = ++w->next_setns_op;
	op->task = t->id;
	op->link.data = op;
	g_queue_push_tail_link(&w->setns_ops, &op->link);
	return event_end(w, (int64_t)op->id);
}

/*
 * A task inside setns() cannot die half-way: a fatal signal is acted on
 * when the syscall returns.  So before an exit its setns() calls complete.
 */
void setns_ops_complete(struct world *w, struct task *t)
{
	for (GList *l = w->setns_ops.head, *n; l; l = n) {
		struct setns_op *op = l->data;

		n = l->next;
		if (op->task != t->id)
			continue;
		g_queue_unlink(&w->setns_ops, &op->link);
		commit_nsset(w, t, &op->set);
		put_nsset(w, &op->set);
		g_free(op);
	}
}

int sys_setns_finish(struct world *w, uint64_t task, uint64_t id)
{
	struct task *t = event_begin(w, "setns_finish", task, (int64_t)id, 0, 0);
	struct setns_op *op = NULL;

	if (!t)
		return event_end(w, -ESRCH);
	for (GList *l = w->setns_ops.head; l; l = l->next)
		if (((struct setns_op *)l->data)->id == id)
			op = l->data;
	if (!op || op->task != task)
		return event_end(w, -EINVAL);
	g_queue_unlink(&w->setns_ops, &op->link);
	commit_nsset(w, t, &op->set);
	put_nsset(w, &op->set);
	g_free(op);
	return event_end(w, 0);
}

/*
 * The caller's own namespaces (is_current_namespace, current_in_namespace):
 * its nsproxy's mnt, uts, ipc, net, cgroup and time slots, its active pid
 * namespace and its user namespace; not the *_for_children ones.
 */
bool ns_current_in(const struct task *t, const struct ns *ns)
{
	static const enum nsproxy_slot slot[NS_NR_TYPES] = {
		[NS_MNT] = SLOT_MNT, [NS_UTS] = SLOT_UTS, [NS_IPC] = SLOT_IPC,
		[NS_CGROUP] = SLOT_CGROUP, [NS_NET] = SLOT_NET, [NS_TIME] = SLOT_TIME,
	};

	if (ns->type == NS_USER)
		return t->cred->user_ns == ns;
	if (ns->type == NS_PID)
		return task_active_pid_ns(t) == ns;
	return t->nsproxy && t->nsproxy->slot[slot[ns->type]] == ns;
}

/* may_see_all_namespaces() (kernel/nscommon.c, 7.0) */
bool may_see_all_namespaces(struct world *w, const struct task *t)
{
	return task_active_pid_ns(t) == w->init_ns[NS_PID] &&
	       ns_capable(w, t->cred, w->init_ns[NS_USER], CAP_SYS_ADMIN);
}

/* ---- introspection ---------------------------------------------------- */

uint64_t nss_task_ns(const struct world *w, uint64_t task, const char *name)
{
	struct task *t = task_lookup(w, task);

	if (!t || t->state == TASK_DEAD)
		return 0;
	if (g_strcmp0(name, "user") == 0)
		return t->cred->user_ns->id;
	if (g_strcmp0(name, "pid") == 0)
		return task_active_pid_ns(t)->id;
	if (!t->nsproxy)
		return 0;
	for (int s = 0; s < NR_SLOTS; s++)
		if (g_strcmp0(name, slot_names[s]) == 0)
			return t->nsproxy->slot[s]->id;
	return 0;
}
