// SPDX-License-Identifier: MIT
/*
 * cred.c - struct cred (kernel/cred.c, kernel/sys.c).
 *
 *   usage (refcount): 2 per task using the cred (real_cred and cred), 1 per
 *     file whose f_cred it is, 1 for a prepared, uncommitted cred.  At 0 the
 *     cred is freed after an RCU grace period (put_cred_rcu, deferred work),
 *     which is when it drops its P on cred->user_ns.
 *   Per task, not per cred, one A on real_cred->user_ns, from
 *     get_cred_namespaces() in copy_creds() to exit_cred_namespaces() in
 *     release_task(); commit_creds() moves it when the user namespace changes.
 */
#include "core-private.h"

static struct cred *cred_alloc(struct world *w)
{
	struct cred *c = g_new0(struct cred, 1);

	c->id = ++w->next_id[OBJ_CRED];
	c->link.data = c;
	counter_setup(&c->usage, OBJ_CRED, CTR_USAGE, c->id, false);
	g_queue_push_tail_link(&w->creds, &c->link);
	return c;
}

struct cred *cred_boot(struct world *w, struct ns *init_user)
{
	struct cred *c = cred_alloc(w);

	c->user_ns = init_user;
	ns_hold(w, init_user, 1, 0);
	c->ucounts = init_user->ucounts->pdata[0];   /* init_ucounts, its static reference */
	c->boot = true;
	c->cap_permitted = c->cap_effective = CAP_FULL_SET;
	c->usage.val = 0;
	return c;
}

/* c->user_ns = ns, and the holders the audit expects with it */
void cred_user_ns_assign(struct world *w, struct cred *c, struct ns *ns)
{
	ns_hold(w, c->user_ns, -1, 0);
	c->user_ns = ns;
	ns_hold(w, ns, 1, 0);
}

/* prepare_creds(): a copy of @old with usage 1 and its own P on the user ns. */
struct cred *prepare_creds(struct world *w, const struct cred *old, const char *site)
{
	struct cred *c;

	if (should_fail(w, FAULT_PREPARE_CREDS))
		return NULL;
	c = cred_alloc(w);
	uint64_t id = c->id;
	GList link = c->link;
	struct counter usage = c->usage;

	*c = *old;
	c->id = id;
	c->link = link;
	c->usage = usage;
	c->dead = false;
	c->boot = false;
	c->static_usage = 0;
	ns_hold(w, c->user_ns, 1, 0);
	ref_init(w, &c->usage, 1, site);
	ns_ref_inc(w, c->user_ns, site);
	get_ucounts(c->ucounts);
	return c;
}

void get_cred_many(struct world *w, struct cred *c, int n, const char *site)
{
	ref_add(w, &c->usage, n, site);
}

void put_cred_many(struct world *w, struct cred *c, int n, const char *site)
{
	if (ref_sub_and_test(w, &c->usage, n, site)) {
		c->dead = true;
		world_queue_deferred(w, DEFER_CRED, c, "put_cred_rcu");
	}
}

/* Dropping a prepared cred that was never committed (put_cred). */
void abort_creds(struct world *w, struct cred *c)
{
	put_cred_many(w, c, 1, "put_cred");
}

/* The RCU callback: the cred's ucounts and its P on its user namespace go now. */
void put_cred_rcu(struct world *w, struct cred *c)
{
	struct ns *user_ns = c->user_ns;
	struct ucounts *uc = c->ucounts;

	g_queue_unlink(&w->creds, &c->link);
	ns_hold(w, user_ns, -1, 0);
	g_free(c);
	put_ucounts(w, uc);
	ns_ref_put(w, user_ns, "put_cred_rcu");
}

void get_cred_namespaces(struct world *w, struct task *t)
{
	ns_active_get(w, t->cred->user_ns, "get_cred_namespaces");
	t->cred_ns_active = true;
	ns_hold(w, t->cred->user_ns, 0, 1);
}

void exit_cred_namespaces(struct world *w, struct task *t)
{
	if (!t->cred_ns_active)
		return;
	t->cred_ns_active = false;
	ns_hold(w, t->cred->user_ns, 0, -1);
	ns_active_put(w, t->cred->user_ns, "exit_cred_namespaces");
}

/*
 * commit_creds(): eats the caller's reference to @new and takes one more
 * for the subjective pointer; if the user namespace changes, the task's A
 * moves with switch_cred_namespaces() (get the new one, then put the old).
 */
/*
 * cred_cap_issubset(): the same user ns and no new permitted capability, or
 * @set's ns is the parent of one of @subset's ancestors-or-self owned by
 * @set's euid.
 */
static bool cred_cap_issubset(const struct cred *set, const struct cred *subset)
{
	if (set->user_ns == subset->user_ns)
		return !(subset->cap_permitted & ~set->cap_permitted);
	for (const struct ns *n = subset->user_ns; n && !n->initial; n = n->parent)
		if (n->parent == set->user_ns && n->owner_uid == set->euid)
			return true;
	return false;
}

void commit_creds(struct world *w, struct task *t, struct cred *new)
{
	struct cred *old = t->cred;

	/* a changed identity or new capabilities make the mm undumpable */
	if (t->mm && (old->euid != new->euid || old->egid != new->egid ||
		      old->fsuid != new->fsuid || old->fsgid != new->fsgid ||
		      !cred_cap_issubset(old, new)))
		t->mm->dumpable = SUID_DUMP_DISABLE;

	get_cred_many(w, new, 1, "commit_creds");
	if (new->user_ns != old->user_ns && t->cred_ns_active) {
		ns_active_get(w, new->user_ns, "switch_cred_namespaces");
		ns_active_put(w, old->user_ns, "switch_cred_namespaces");
	}
	if (t->cred_ns_active) {
		ns_hold(w, new->user_ns, 0, 1);
		ns_hold(w, old->user_ns, 0, -1);
	}
	t->cred = new;
	put_cred_many(w, old, 2, "commit_creds");
}

bool ptrace_may_access(const struct world *w, const struct task *caller,
		       const struct task *target, bool realcreds)
{
	const struct cred *c = caller->cred, *tc = target->cred;
	uint32_t uid = realcreds ? c->uid : c->fsuid;
	uint32_t gid = realcreds ? c->gid : c->fsgid;

	if (caller->group_leader == target->group_leader)
		return true;
	if (!(uid == tc->euid && uid == tc->suid && uid == tc->uid &&
	      gid == tc->egid && gid == tc->sgid && gid == tc->gid) &&
	    !ns_capable(w, c, tc->user_ns, CAP_SYS_PTRACE))
		return false;
	/*
	 * An undumpable target also needs CAP_SYS_PTRACE over its mm's user
	 * ns.  v6.19.0 skips the test once the mm is gone (a zombie: the open
	 * goes on to ENOENT); later kernels keep the last dumpability at
	 * exit_mm() and ask for CAP_SYS_PTRACE over the initial user ns.
	 */
	if (target->mm && target->mm->dumpable != SUID_DUMP_USER &&
	    !ns_capable(w, c, target->mm->user_ns, CAP_SYS_PTRACE))
		return false;
	if (!target->mm && target->exit_undumpable && w->v->exit_keeps_dumpable &&
	    !ns_capable(w, c, w->init_ns[NS_USER], CAP_SYS_PTRACE))
		return false;
	/*
	 * cap_ptrace_access_check(): in the same user ns with every capability
	 * the target has (effective ones for FSCREDS, permitted for REALCREDS),
	 * else CAP_SYS_PTRACE over the target's user ns.
	 */
	if (c->user_ns == tc->user_ns &&
	    !(tc->cap_permitted & ~(realcreds ? c->cap_permitted : c->cap_effective)))
		return true;
	return ns_capable(w, c, tc->user_ns, CAP_SYS_PTRACE);
}

/* ---- the setuid family (kernel/sys.c) -------------------------------- */

/* cap_emulate_setxuid(): leaving root drops capabilities, becoming it restores. */
static void cap_emulate_setxuid(struct cred *new, const struct cred *old)
{
	int64_t root = make_kid(old->user_ns, 0, false);
	bool old_root = old->uid == root || old->euid == root || old->suid == root;
	bool new_root = new->uid == root || new->euid == root || new->suid == root;

	if (old_root && !new_root)
		new->cap_permitted = new->cap_effective = 0;
	if (old->euid == root && new->euid != root)
		new->cap_effective = 0;
	if (old->euid != root && new->euid == root)
		new->cap_effective = new->cap_permitted;
}

int sys_setuid(struct world *w, uint64_t task, int64_t uid)
{
	struct task *t = event_begin(w, "setuid", task, uid, 0, 0);
	struct cred *old, *new;
	int64_t kuid;

	if (!t)
		return event_end(w, -ESRCH);
	old = t->cred;
	kuid = uid < 0 ? -1 : make_kid(old->user_ns, (uint32_t)uid, false);
	if (kuid < 0)
		return event_end(w, -EINVAL);
	new = prepare_creds(w, old, "prepare_creds");
	if (!new)
		return event_end(w, -ENOMEM);
	if (ns_capable(w, old, old->user_ns, CAP_SETUID)) {
		new->suid = new->uid = (uint32_t)kuid;
	} else if (kuid != old->uid && kuid != new->suid) {
		abort_creds(w, new);
		return event_end(w, -EPERM);
	}
	new->fsuid = new->euid = (uint32_t)kuid;
	cap_emulate_setxuid(new, old);
	if (set_cred_ucounts(w, new)) {
		abort_creds(w, new);
		return event_end(w, -EAGAIN);
	}
	commit_creds(w, t, new);
	return event_end(w, 0);
}

int sys_setgid(struct world *w, uint64_t task, int64_t gid)
{
	struct task *t = event_begin(w, "setgid", task, gid, 0, 0);
	struct cred *old, *new;
	int64_t kgid;

	if (!t)
		return event_end(w, -ESRCH);
	old = t->cred;
	kgid = gid < 0 ? -1 : make_kid(old->user_ns, (uint32_t)gid, true);
	if (kgid < 0)
		return event_end(w, -EINVAL);
	new = prepare_creds(w, old, "prepare_creds");
	if (!new)
		return event_end(w, -ENOMEM);
	if (ns_capable(w, old, old->user_ns, CAP_SETGID)) {
		new->gid = new->egid = new->sgid = new->fsgid = (uint32_t)kgid;
	} else if (kgid == old->gid || kgid == old->sgid) {
		new->egid = new->fsgid = (uint32_t)kgid;
	} else {
		abort_creds(w, new);
		return event_end(w, -EPERM);
	}
	commit_creds(w, t, new);
	return event_end(w, 0);
}

/* The real, effective and saved ids of @new that are not -1 (uids, or gids). */
static void set_ids(struct cred *new, bool gid, int64_t kr, int64_t ke, int64_t ks)
{
	uint32_t *r = gid ? &new->gid : &new->uid, *e = gid ? &new->egid : &new->euid;
	uint32_t *s = gid ? &new->sgid : &new->suid;

	if (kr != -1)
		*r = (uint32_t)kr;
	if (ke != -1)
		*e = (uint32_t)ke;
	if (ks != -1)
		*s = (uint32_t)ks;
}

/*
 * The end of the setres*id and setre*id calls: the fs id follows the
 * effective one; for uids the capabilities follow (cap_emulate_setxuid)
 * and the cred's ucounts the real uid (set_cred_ucounts: EAGAIN).
 */
static int commit_id_change(struct world *w, struct task *t, const struct cred *old,
			    struct cred *new, bool gid)
{
	if (gid) {
		new->fsgid = new->egid;
	} else {
		new->fsuid = new->euid;
		cap_emulate_setxuid(new, old);
		if (set_cred_ucounts(w, new)) {
			abort_creds(w, new);
			return -EAGAIN;
		}
	}
	commit_creds(w, t, new);
	return 0;
}

/* setresuid()/setresgid(): the shared body; @gid selects the id kind. */
static int setres(struct world *w, struct task *t, bool gid, int64_t r,
		  int64_t e, int64_t s)
{
	const struct cred *old = t->cred;
	struct cred *new;
	int64_t kr = -1, ke = -1, ks = -1;
	uint32_t o_r = gid ? old->gid : old->uid, o_e = gid ? old->egid : old->euid;
	uint32_t o_s = gid ? old->sgid : old->suid, o_fs = gid ? old->fsgid : old->fsuid;

	if (r != -1 && (r < 0 || (kr = make_kid(old->user_ns, (uint32_t)r, gid)) < 0))
		return -EINVAL;
	if (e != -1 && (e < 0 || (ke = make_kid(old->user_ns, (uint32_t)e, gid)) < 0))
		return -EINVAL;
	if (s != -1 && (s < 0 || (ks = make_kid(old->user_ns, (uint32_t)s, gid)) < 0))
		return -EINVAL;
	/* A no-op keeps the current cred object. */
	if ((r == -1 || kr == o_r) && (e == -1 || (ke == o_e && ke == o_fs)) &&
	    (s == -1 || ks == o_s))
		return 0;
#define NEWID(k) ((k) != -1 && (k) != o_r && (k) != o_e && (k) != o_s)
	if ((NEWID(kr) || NEWID(ke) || NEWID(ks)) &&
	    !ns_capable(w, old, old->user_ns, gid ? CAP_SETGID : CAP_SETUID))
		return -EPERM;
#undef NEWID
	new = prepare_creds(w, old, "prepare_creds");
	if (!new)
		return -ENOMEM;
	set_ids(new, gid, kr, ke, ks);
	return commit_id_change(w, t, old, new, gid);
}

/*
 * setreuid()/setregid() (__sys_setreuid): the real id may become the old
 * real or effective one, the effective one any of the three, else the
 * capability; the saved id follows the new effective one when the real id
 * is set or the effective one leaves the old real id.  @gid selects.
 */
static int setre(struct world *w, struct task *t, bool gid, int64_t r, int64_t e)
{
	const struct cred *old = t->cred;
	struct cred *new;
	int64_t kr = -1, ke = -1;
	uint32_t o_r = gid ? old->gid : old->uid, o_e = gid ? old->egid : old->euid;
	uint32_t o_s = gid ? old->sgid : old->suid, o_fs = gid ? old->fsgid : old->fsuid;
	bool capable = ns_capable(w, old, old->user_ns, gid ? CAP_SETGID : CAP_SETUID);

	if (r != -1 && (r < 0 || (kr = make_kid(old->user_ns, (uint32_t)r, gid)) < 0))
		return -EINVAL;
	if (e != -1 && (e < 0 || (ke = make_kid(old->user_ns, (uint32_t)e, gid)) < 0))
		return -EINVAL;
	if ((r == -1 || kr == o_r) && (e == -1 || (ke == o_e && ke == o_fs)))
		return 0;   /* a no-op keeps the current cred object */
	new = prepare_creds(w, old, "prepare_creds");
	if (!new)
		return -ENOMEM;
	if ((kr != -1 && kr != o_r && kr != o_e && !capable) ||
	    (ke != -1 && ke != o_r && ke != o_e && ke != o_s && !capable)) {
		abort_creds(w, new);
		return -EPERM;
	}
	/* the saved id follows the new effective one */
	set_ids(new, gid, kr, ke, kr != -1 || (ke != -1 && ke != o_r) ? (ke != -1 ? ke : o_e) : -1);
	return commit_id_change(w, t, old, new, gid);
}

int sys_setreuid(struct world *w, uint64_t task, int64_t r, int64_t e)
{
	struct task *t = event_begin(w, "setreuid", task, r, e, 0);

	return event_end(w, t ? setre(w, t, false, r, e) : -ESRCH);
}

int sys_setregid(struct world *w, uint64_t task, int64_t r, int64_t e)
{
	struct task *t = event_begin(w, "setregid", task, r, e, 0);

	return event_end(w, t ? setre(w, t, true, r, e) : -ESRCH);
}

int sys_setresuid(struct world *w, uint64_t task, int64_t r, int64_t e, int64_t s)
{
	struct task *t = event_begin(w, "setresuid", task, r, e, s);

	return event_end(w, t ? setres(w, t, false, r, e, s) : -ESRCH);
}

int sys_setresgid(struct world *w, uint64_t task, int64_t r, int64_t e, int64_t s)
{
	struct task *t = event_begin(w, "setresgid", task, r, e, s);

	return event_end(w, t ? setres(w, t, true, r, e, s) : -ESRCH);
}

/* setfsuid()/setfsgid() never fail: they return the old id as seen in the caller's ns. */
static int setfs(struct world *w, struct task *t, bool gid, int64_t id)
{
	const struct cred *old = t->cred;
	const struct id_extent *m = gid ? &old->user_ns->gid_map : &old->user_ns->uid_map;
	uint32_t o_fs = gid ? old->fsgid : old->fsuid;
	struct cred *new;
	int64_t k, old_fs;

	old_fs = kuid_has_mapping(old->user_ns, o_fs, gid)
		? o_fs - (old->user_ns->initial ? 0 : m->lower) + (old->user_ns->initial ? 0 : m->first)
		: 65534;
	k = id < 0 ? -1 : make_kid(old->user_ns, (uint32_t)id, gid);
	if (k < 0)
		return (int)old_fs;
	/* the kernel prepares the cred first and drops it when nothing changes */
	new = prepare_creds(w, old, "prepare_creds");
	if (!new)
		return (int)old_fs;
	if (k == o_fs || (k != (gid ? old->gid : old->uid) && k != (gid ? old->egid : old->euid) &&
			  k != (gid ? old->sgid : old->suid) &&
			  !ns_capable(w, old, old->user_ns, gid ? CAP_SETGID : CAP_SETUID))) {
		abort_creds(w, new);
		return (int)old_fs;
	}
	if (gid)
		new->fsgid = (uint32_t)k;
	else
		new->fsuid = (uint32_t)k;
	commit_creds(w, t, new);
	return (int)old_fs;
}

int sys_setfsuid(struct world *w, uint64_t task, int64_t fsuid)
{
	struct task *t = event_begin(w, "setfsuid", task, fsuid, 0, 0);

	return event_end(w, t ? setfs(w, t, false, fsuid) : -ESRCH);
}

int sys_setfsgid(struct world *w, uint64_t task, int64_t fsgid)
{
	struct task *t = event_begin(w, "setfsgid", task, fsgid, 0, 0);

	return event_end(w, t ? setfs(w, t, true, fsgid) : -ESRCH);
}

/* capset(): the new sets must be subsets of the permitted set (EPERM). */
int sys_capset(struct world *w, uint64_t task, uint64_t effective, uint64_t permitted)
{
	struct task *t = event_begin(w, "capset", task, (int64_t)effective,
				     (int64_t)permitted, 0);
	struct cred *new;

	if (!t)
		return event_end(w, -ESRCH);
	new = prepare_creds(w, t->cred, "prepare_creds");
	if (!new)
		return event_end(w, -ENOMEM);
	if ((permitted & ~t->cred->cap_permitted) || (effective & ~permitted)) {
		abort_creds(w, new);    /* security_capset() refused it */
		return event_end(w, -EPERM);
	}
	new->cap_permitted = permitted;
	new->cap_effective = effective;
	commit_creds(w, t, new);
	return event_end(w, 0);
}

bool nss_task_caps(const struct world *w, uint64_t task, uint64_t *effective,
		   uint64_t *permitted)
{
	struct task *t = task_lookup(w, task);

	if (!t || t->state == TASK_DEAD)
		return false;
	*effective = t->cred->cap_effective;
	*permitted = t->cred->cap_permitted;
	return true;
}
