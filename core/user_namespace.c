// SPDX-License-Identifier: MIT
/*
 * user_namespace.c - what user namespaces decide beyond counting:
 * capabilities (security/commoncap.c cap_capable), id maps
 * (kernel/user_namespace.c map_id_down), and the per-user-namespace limits
 * on namespace creation (kernel/ucount.c inc_ucount, the
 * /proc/sys/user/max_*_namespaces sysctls).
 *
 * Id maps are one extent per map (the kernel allows 340); ids are kuids,
 * global 32-bit numbers, and init_user_ns maps every id to itself.
 */
#include "core-private.h"

bool ns_is_ancestor_or_same(const struct ns *ancestor, const struct ns *ns)
{
	for (; ns; ns = ns->parent) {
		if (ns == ancestor)
			return true;
		if (ns->level <= ancestor->level)
			return false;
	}
	return false;
}

/*
 * cap_capable(): the cred has @cap in @target if it is in @target with @cap
 * effective, or if it created (owns) @target or an ancestor of it from the
 * parent namespace.
 */
bool ns_capable(const struct world *w, const struct cred *c, struct ns *target,
		int cap)
{
	for (const struct ns *ns = target;;) {
		if (ns == c->user_ns)
			return (c->cap_effective >> cap) & 1;
		if (ns->level <= c->user_ns->level)
			return false;
		if (ns->parent == c->user_ns && ns->owner_uid == c->euid)
			return true;
		ns = ns->parent;
	}
}

static const struct id_extent *map_of(const struct ns *user_ns, bool gid)
{
	return gid ? &user_ns->gid_map : &user_ns->uid_map;
}

/* make_kuid(): the kuid for @id as seen in @user_ns, or -1 if unmapped. */
int64_t make_kid(const struct ns *user_ns, uint32_t id, bool gid)
{
	const struct id_extent *m = map_of(user_ns, gid);

	if (user_ns->initial && user_ns->type == NS_USER)
		return id == UINT32_MAX ? -1 : (int64_t)id;
	if (!m->set || id < m->first || id - m->first >= m->count)
		return -1;
	return (int64_t)m->lower + (id - m->first);
}

/* kuid_has_mapping(): is @kid visible inside @user_ns? */
bool kuid_has_mapping(const struct ns *user_ns, uint32_t kid, bool gid)
{
	const struct id_extent *m = map_of(user_ns, gid);

	if (user_ns->initial)
		return kid != UINT32_MAX;
	return m->set && kid >= m->lower && kid - m->lower < m->count;
}

/*
 * create_user_ns(): the new namespace takes over @new's reference on the
 * parent (it becomes ns->parent), and @new then holds the new namespace's
 * initial reference, with a full capability set in it.
 */
int create_user_ns(struct world *w, struct cred *new)
{
	struct ns *parent = new->user_ns, *ns;
	struct ucounts *uc;
	int err;

	if (parent->level > 32)
		return -ENOSPC;
	err = ucount_charge(w, parent, new->euid, NS_USER, &uc);
	if (err)
		return err;
	if (!kuid_has_mapping(parent, new->euid, false) ||
	    !kuid_has_mapping(parent, new->egid, true)) {
		ucount_uncharge(w, uc, NS_USER);
		return -EPERM;
	}
	err = should_fail(w, FAULT_CREATE_USER_NS);       /* kmem_cache_zalloc */
	if (!err)
		err = ns_create_charged(w, NS_USER, parent, parent, new->euid, uc, &ns);
	if (err) {
		ucount_uncharge(w, uc, NS_USER);
		return err;
	}
	ns->owner_gid = new->egid;
	ns->setgroups_denied = parent->setgroups_denied;   /* ns->flags = parent_ns->flags */
	/* set_cred_user_ns(): the cred's P on the parent now belongs to ns. */
	cred_user_ns_assign(w, new, ns);
	new->cap_permitted = new->cap_effective = CAP_FULL_SET;
	return 0;
}

void set_cred_user_ns(struct world *w, struct cred *c, struct ns *user_ns)
{
	cred_user_ns_assign(w, c, user_ns);
	c->cap_permitted = c->cap_effective = CAP_FULL_SET;
}

/* userns_install(): setns() into a user namespace, on the prepared cred. */
int userns_install(struct world *w, struct task *t, struct cred *nsset_cred,
		   struct ns *user_ns)
{
	if (user_ns == t->cred->user_ns)
		return -EINVAL;
	if (!thread_group_empty(t))
		return -EINVAL;
	if (t->fs->users.val != 1)
		return -EINVAL;
	if (!ns_capable(w, t->cred, user_ns, CAP_SYS_ADMIN))
		return -EPERM;
	if (!nsset_cred)
		return -EINVAL;
	ns_ref_put(w, nsset_cred->user_ns, "userns_install");
	ns_ref_inc(w, user_ns, "userns_install");
	set_cred_user_ns(w, nsset_cred, user_ns);
	/* any set_cred_ucounts() failure is EINVAL here */
	return set_cred_ucounts(w, nsset_cred) ? -EINVAL : 0;
}

/*
 * task_dump_owner(): who owns /proc/<pid>/ files: the task's euid/egid; some
 * root (of the mm's user ns, else the global one) when its mm is not
 * dumpable; the global root when it has no mm.
 */
static void task_dump_owner(const struct task *tt, int64_t *uid, int64_t *gid)
{
	*uid = tt->cred->euid;
	*gid = tt->cred->egid;
	if (!tt->mm) {
		*uid = *gid = 0;
	} else if (tt->mm->dumpable != SUID_DUMP_USER) {
		*uid = make_kid(tt->mm->user_ns, 0, false);
		*gid = make_kid(tt->mm->user_ns, 0, true);
		if (*uid < 0)
			*uid = 0;
		if (*gid < 0)
			*gid = 0;
	}
}

/*
 * generic_permission(MAY_WRITE) on a 0644 /proc/<pid>/ file: its owner, or
 * CAP_DAC_OVERRIDE in the caller's user ns with the owner mapped there
 * (capable_wrt_inode_uidgid).
 */
/*
 * Reading /proc/<tt>/ns (mode 0511) or entering /proc/<tt>/fd (0500): only
 * the owner (as task_dump_owner() says) may, or a caller with
 * CAP_DAC_READ_SEARCH or CAP_DAC_OVERRIDE in its user ns where the owner's
 * ids are mapped.
 */
bool proc_ns_dir_may_read(const struct world *w, const struct task *t, const struct task *tt)
{
	int64_t uid, gid;

	task_dump_owner(tt, &uid, &gid);
	if (t->cred->fsuid == uid)
		return true;
	return (ns_capable(w, t->cred, t->cred->user_ns, 2 /* CAP_DAC_READ_SEARCH */) ||
		ns_capable(w, t->cred, t->cred->user_ns, CAP_DAC_OVERRIDE)) &&
	       kuid_has_mapping(t->cred->user_ns, (uint32_t)uid, false) &&
	       kuid_has_mapping(t->cred->user_ns, (uint32_t)gid, true);
}

static int proc_pid_may_write(const struct world *w, const struct task *t,
			      const struct task *tt)
{
	int64_t uid, gid;

	task_dump_owner(tt, &uid, &gid);
	if (t->cred->fsuid == uid)
		return 0;
	if (ns_capable(w, t->cred, t->cred->user_ns, CAP_DAC_OVERRIDE) &&
	    kuid_has_mapping(t->cred->user_ns, (uint32_t)uid, false) &&
	    kuid_has_mapping(t->cred->user_ns, (uint32_t)gid, true))
		return 0;
	return -EACCES;
}

/*
 * open("/proc/<target>/...", O_WRONLY) by @t: the target's /proc entry,
 * then the file's owner and mode.  0 with *@tt, or -ESRCH/-ENOENT/-EACCES.
 */
static int proc_open_for_write(struct world *w, struct task *t, uint64_t target,
			       struct task **tt)
{
	if (!t)
		return -ESRCH;
	*tt = task_lookup(w, target);
	if (!*tt || (*tt)->state == TASK_DEAD)
		return -ENOENT;
	return proc_pid_may_write(w, t, *tt);
}

int sys_write_id_map(struct world *w, uint64_t task, uint64_t target, bool gid,
		     uint32_t inside, uint32_t outside, uint32_t count)
{
	struct task *t = event_begin(w, gid ? "write_gid_map" : "write_uid_map",
				     task, (int64_t)target, inside, outside);
	struct task *tt;
	struct ns *ns;
	struct id_extent *m;
	int64_t lower;
	uint32_t own;
	int cap = gid ? CAP_SETGID : CAP_SETUID;
	int err = proc_open_for_write(w, t, target, &tt);

	if (err)
		return event_end(w, err);
	ns = tt->cred->user_ns;
	m = gid ? &ns->gid_map : &ns->uid_map;
	/* proc_uid_map_write(): the opener lives in the namespace or its parent */
	if (t->cred->user_ns != ns && t->cred->user_ns != ns->parent)
		return event_end(w, -EPERM);
	/* map_write(): one write only; CAP_SYS_ADMIN over the namespace (file_ns_capable) */
	if (ns->initial || m->set)
		return event_end(w, -EPERM);
	if (!ns_capable(w, t->cred, ns, CAP_SYS_ADMIN))
		return event_end(w, -EPERM);
	if (count == 0 || (uint64_t)inside + count > UINT32_MAX ||
	    (uint64_t)outside + count > UINT32_MAX)
		return event_end(w, -EINVAL);
	lower = make_kid(ns->parent, outside, gid);
	if (lower < 0 || make_kid(ns->parent, outside + count - 1, gid) < 0)
		return event_end(w, -EPERM);
	/*
	 * new_idmap_permitted(): the owner may map its own id alone, a gid
	 * only once setgroups is denied (else it could drop supplementary
	 * groups); anything else needs the capability over the parent.
	 */
	own = gid ? t->cred->egid : t->cred->euid;
	if (!(count == 1 && ns->owner_uid == t->cred->euid && lower == own &&
	      (!gid || ns->setgroups_denied)) &&
	    !ns_capable(w, t->cred, ns->parent, cap))
		return event_end(w, -EPERM);
	*m = (struct id_extent){ .set = true, .first = inside,
				 .lower = (uint32_t)lower, .count = count };
	return event_end(w, 0);
}

/*
 * write("allow"/"deny") to /proc/<target>/setgroups (proc_setgroups_write):
 * CAP_SYS_ADMIN over the namespace; "allow" only while the namespace
 * allows it (never back from "deny", which a child inherits), "deny" only
 * before a gid_map.
 */
int sys_write_setgroups(struct world *w, uint64_t task, uint64_t target, bool deny)
{
	struct task *t = event_begin(w, "write_setgroups", task, (int64_t)target, deny, 0);
	struct task *tt;
	struct ns *ns;
	int err = proc_open_for_write(w, t, target, &tt);

	if (err)
		return event_end(w, err);
	ns = tt->cred->user_ns;
	if (!ns_capable(w, t->cred, ns, CAP_SYS_ADMIN))
		return event_end(w, -EPERM);
	if (!deny && ns->setgroups_denied)
		return event_end(w, -EPERM);
	if (deny && ns->gid_map.set)
		return event_end(w, -EPERM);
	if (deny)
		ns->setgroups_denied = true;
	return event_end(w, 0);
}

int sys_set_max_namespaces(struct world *w, uint64_t task, enum ns_type type,
			   int32_t value)
{
	struct task *t = event_begin(w, "set_max_namespaces", task, type, value, 0);

	if (!t)
		return event_end(w, -ESRCH);
	if ((unsigned int)type >= NS_NR_TYPES || value < 0)
		return event_end(w, -EINVAL);
	/* The user sysctl table grants write access with CAP_SYS_RESOURCE. */
	if (!ns_capable(w, t->cred, t->cred->user_ns, CAP_SYS_RESOURCE))
		return event_end(w, -EACCES);
	t->cred->user_ns->ucount_max[type] = value;
	return event_end(w, 0);
}
