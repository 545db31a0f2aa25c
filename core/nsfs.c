// SPDX-License-Identifier: MIT
/*
 * nsfs.c - namespace files (fs/nsfs.c, fs/proc/namespaces.c, fs/libfs.c
 * path_from_stashed).
 *
 * One inode per namespace at a time, reached through ns->stashed.  Its
 * dentry count is held by every open file on it (and, later, bind mounts
 * and files in flight).  Creating the inode takes an active reference
 * (nsfs_init_inode, which resurrects an inactive namespace and its owner
 * chain) and keeps the caller's P; evicting it when the dentry count drops
 * to 0 puts both (nsfs_evict).  So nsfs contributes (P, A) = (1, 1) to a
 * namespace while anything refers to it, whatever the number of fds.
 */
#include "core-private.h"

/*
 * path_from_stashed(): consumes one P reference the caller took.  Reuse
 * the stashed dentry (and drop the extra P), or make a new inode that
 * keeps it and activates the namespace.
 */
int nsfs_path_from_stashed(struct world *w, struct ns *ns, struct nsfs_inode **out)
{
	struct nsfs_inode *ino = ns->inode;
	int err;

	if (ino) {
		ref_inc(w, &ino->dentry, "path_from_stashed");
		ns_ref_put(w, ns, "path_from_stashed");
		*out = ino;
		return 0;
	}
	if ((err = should_fail(w, FAULT_NSFS_INIT_INODE))) {   /* new_inode() */
		ns_ref_put(w, ns, "path_from_stashed");
		return err;
	}
	ino = g_new0(struct nsfs_inode, 1);
	ino->id = ++w->next_id[OBJ_INODE];
	ino->ns = ns;
	counter_setup(&ino->dentry, OBJ_INODE, CTR_COUNT, ino->id, false);
	ref_init(w, &ino->dentry, 1, "prepare_anon_dentry");
	ns_active_resurrect(w, ns, "nsfs_init_inode");
	ns->inode = ino;
	ns_hold(w, ns, 1, 1);
	ns_touch(w, ns);
	*out = ino;
	return 0;
}

/* dput(); the last reference prunes the dentry and evicts the inode. */
void nsfs_dput(struct world *w, struct nsfs_inode *ino)
{
	struct ns *ns = ino->ns;

	if (!ref_dec_and_test(w, &ino->dentry, "dput"))
		return;
	ns->inode = NULL;           /* ns_prune_dentry */
	ns_hold(w, ns, -1, -1);
	g_free(ino);
	ns_touch(w, ns);
	ns_active_put(w, ns, "nsfs_evict");
	ns_ref_put(w, ns, "nsfs_evict");
}

/*
 * The getters behind /proc/<pid>/ns/<name> (ops->get): P on the namespace
 * the task uses, or NULL: no nsproxy any more (an exiting task), or a
 * pid_for_children namespace that has no init yet.
 */
static struct ns *proc_ns_get(struct world *w, struct task *t, const char *name)
{
	struct ns *ns = NULL;
	int slot = -1;
	static const char *const slots[NR_SLOTS] = {
		"mnt", "uts", "ipc", "pid_for_children", "cgroup", "net", "time",
		"time_for_children",
	};

	if (g_strcmp0(name, "user") == 0) {
		ns = t->cred->user_ns;
	} else if (g_strcmp0(name, "pid") == 0) {
		ns = task_active_pid_ns(t);
	} else {
		for (int s = 0; s < NR_SLOTS; s++)
			if (g_strcmp0(name, slots[s]) == 0)
				slot = s;
		if (slot < 0 || !t->nsproxy)
			return NULL;
		ns = t->nsproxy->slot[slot];
		/* pidns_for_children_get(): 6.19 waits for the init, 7.0 does not */
		if (slot == SLOT_PID_FOR_CHILDREN && !ns->had_reaper && !w->v->pidns_children_any)
			return NULL;
	}
	/* The getters use the plain get: the holder keeps P above 0. */
	ns_ref_inc(w, ns, "ns_get_path");
	return ns;
}

static bool proc_ns_name_valid(const char *name)
{
	static const char *const names[] = {
		"mnt", "uts", "ipc", "pid", "pid_for_children", "cgroup", "net",
		"time", "time_for_children", "user",
	};

	for (guint i = 0; i < G_N_ELEMENTS(names); i++)
		if (g_strcmp0(name, names[i]) == 0)
			return true;
	return false;
}

/*
 * open("/proc/<target>/ns/<name>"): the /proc entry exists while the task
 * is visible in the caller's pid namespace (ENOENT otherwise), the caller
 * needs PTRACE_MODE_READ_FSCREDS (EACCES), and the getter may find nothing
 * (ENOENT).
 */
int sys_open_ns(struct world *w, uint64_t task, uint64_t target, const char *name)
{
	struct task *t = event_begin(w, "open_ns", task, (int64_t)target, 0, 0);
	struct task *tt;
	struct ns *ns;

	if (!t)
		return event_end(w, -ESRCH);
	tt = task_lookup(w, target ? target : task);
	if (!tt || tt->state == TASK_DEAD || !proc_ns_name_valid(name) ||
	    !pid_nr_ns(tt->pids[PIDTYPE_PID], task_active_pid_ns(t)))
		return event_end(w, -ENOENT);
	if (!ptrace_may_access(w, t, tt, false)) {
		/*
		 * 7.1's proc_ns_get_link() overwrites its -EACCES with the
		 * result of taking exec_update_lock (0) and returns no link
		 * without jumping: the open goes on with /proc/<pid>/ns, the
		 * directory (seen on linux-7.1-um: mode 040511, not nsfs),
		 * which only its owner may read.  Such a file holds no
		 * namespace, only its f_cred.
		 */
		if (w->v->proc_ns_eacces_lost && proc_ns_dir_may_read(w, t, tt))
			return event_end(w, fd_install(w, t, alloc_file(w, t, FILE_REG)));
		return event_end(w, -EACCES);
	}
	ns = proc_ns_get(w, tt, name);
	if (!ns)
		return event_end(w, -ENOENT);
	return event_end(w, nsfs_open_ns_fd(w, t, ns, false));
}

/* A new nsfs file on @ns for @t (open_related_ns, open_namespace). */
int nsfs_open_ns_fd(struct world *w, struct task *t, struct ns *ns, bool cloexec)
{
	struct nsfs_inode *ino;
	struct file *f;
	int err = nsfs_path_from_stashed(w, ns, &ino);

	if (err)
		return err;
	/* the fd is reserved after the dentry: failing it puts the path */
	if ((err = should_fail(w, FAULT_GET_UNUSED_FD))) {
		nsfs_dput(w, ino);
		return err;
	}
	f = alloc_file(w, t, FILE_NSFS);
	f->inode = ino;
	return cloexec ? fd_install_cloexec(w, t, f) : fd_install(w, t, f);
}

/* ---- file handles (fs/nsfs.c nsfs_encode_fh, nsfs_fh_to_dentry) ----- */

/* nsfs_encode_fh(): struct nsfs_file_handle, four u32 words */
int nsfs_encode_fh(struct file *f, uint32_t *dwords, struct nss_handle *out)
{
	struct ns *ns = f->inode->ns;
	bool fits = *dwords >= 4;

	*dwords = 4;
	if (!fits)
		return NSS_FILEID_INVALID;
	out->ns_id = ns->id;
	out->ns_type = (uint32_t)ns_type_clone_flag(ns->type);
	out->ns_inum = ns->inum;
	return NSS_FILEID_NSFS;
}

/*
 * The namespace a handle names, with P taken: every rejection is ESTALE
 * to userspace.  6.19 looks a bare id up in the unified tree and needs the
 * namespace active; 6.18 has only the per-type trees and needs
 * __ns_ref > 0.
 */
static int fh_to_ns(struct world *w, struct task *t, const struct nss_handle *h,
		    struct ns **out)
{
	struct ns *ns;
	int type = -1;

	if (h->handle_bytes / 4 < 4 || h->handle_type != NSS_FILEID_NSFS || h->ns_id == 0)
		return -ESTALE;
	if (!h->ns_type != !h->ns_inum)
		return -ESTALE;
	if (h->ns_type) {
		type = ns_type_from_clone_flag(h->ns_type);
		if (type < 0)
			return -ESTALE;
	}
	ns = ns_tree_lookup(w, h->ns_id, type);
	if (!ns || (h->ns_inum && ns->inum != h->ns_inum))
		return -ESTALE;
	if (!ns_get_unless_inactive(w, ns, "nsfs_fh_to_dentry"))
		return -ESTALE;
	if (ns_current_in(t, ns)) {
		if (ns->type == NS_PID && !ns->child_reaper) {
			ns_ref_put(w, ns, "nsfs_fh_to_dentry");
			return -ESTALE;   /* EPERM inside, ESTALE outside */
		}
	} else if (w->v->see_all_gate ? !may_see_all_namespaces(w, t)
				      : !ns_capable(w, t->cred, ns->type == NS_USER ? ns : ns->owner,
						    CAP_SYS_ADMIN)) {
		ns_ref_put(w, ns, "nsfs_fh_to_dentry");
		return -ESTALE;
	}
	*out = ns;
	return 0;
}

/* nsfs_fh_to_dentry(): the dentry, with a reference the caller owns */
int nsfs_fh_to_dentry(struct world *w, struct task *t, const struct nss_handle *h,
		      struct nsfs_inode **out)
{
	struct ns *ns;
	int err = fh_to_ns(w, t, h, &ns);

	if (err)
		return err;
	/* a dentry that cannot be made is ESTALE too (do_handle_to_path) */
	err = nsfs_path_from_stashed(w, ns, out);
	return err == -ENOMEM ? err : err ? -ESTALE : 0;
}

static bool root_inode_capable(struct world *w, struct task *t, int cap);

static int nsfs_file_on(struct world *w, struct task *t, struct nsfs_inode *ino,
			struct file **out)
{
	*out = alloc_file(w, t, FILE_NSFS);
	(*out)->inode = ino;
	return 0;
}

/*
 * nsfs_export_open() -> file_open_root(): the open of an nsfs dentry, as
 * build_open_flags(), path_openat() and do_open() judge its flags (checked
 * on linux-6.19-um and linux-7.1-um).  An nsfs inode is not a directory and
 * refuses writing (EPERM); O_NOATIME wants its owner, root.  The file takes
 * over the dentry reference; on error the caller still has it.
 */
int nsfs_export_open(struct world *w, struct task *t, struct nsfs_inode *ino, int flags,
		     struct file **out)
{
	int acc = flags & 3;

	if ((flags & (NSS_O_CREAT | NSS_O_DIRECTORY)) == (NSS_O_CREAT | NSS_O_DIRECTORY))
		return -EINVAL;
	if (flags & (NSS_O_TMPFILE & ~NSS_O_DIRECTORY)) {
		if ((flags & (NSS_O_TMPFILE | NSS_O_CREAT)) != NSS_O_TMPFILE || !acc)
			return -EINVAL;
		return -ENOTDIR;      /* do_tmpfile() wants a directory */
	}
	if (flags & NSS_O_PATH)
		return (flags & NSS_O_DIRECTORY) ? -ENOTDIR : nsfs_file_on(w, t, ino, out);
	if ((flags & NSS_O_CREAT) && (flags & NSS_O_EXCL))
		return -EEXIST;
	if (flags & NSS_O_DIRECTORY)
		return -ENOTDIR;
	if (acc || (flags & NSS_O_TRUNC))
		return -EPERM;
	if ((flags & NSS_O_NOATIME) && t->cred->fsuid != 0 &&
	    !root_inode_capable(w, t, 3 /* CAP_FOWNER */))
		return -EPERM;
	if (flags & NSS_O_DIRECT)
		return -EINVAL;
	return nsfs_file_on(w, t, ino, out);
}

/* ---- ioctls (fs/nsfs.c ns_ioctl, fs/pidfs.c pidfd_ioctl) ------------- */

/* The owning user namespace for NS_GET_USERNS: must be in the caller's subtree. */
static int ns_get_owner(struct world *w, struct task *t, struct ns *ns, struct ns **out)
{
	struct ns *owner = ns->owner;

	if (!owner || !ns_is_ancestor_or_same(t->cred->user_ns, owner))
		return -EPERM;
	ns_ref_inc(w, owner, "ns_get_owner");
	*out = owner;
	return 0;
}

/* NS_GET_PARENT: user ns as NS_GET_USERNS; pid ns within the caller's scope. */
static int ns_get_parent(struct world *w, struct task *t, struct ns *ns, struct ns **out)
{
	struct ns *active, *p;

	if (ns->type == NS_USER)
		return ns_get_owner(w, t, ns, out);
	if (ns->type != NS_PID)
		return -EINVAL;
	active = task_active_pid_ns(t);
	for (p = ns->parent; p != active; p = p->parent)
		if (!p)
			return -EPERM;
	ns_ref_inc(w, ns->parent, "pidns_get_parent");
	*out = ns->parent;
	return 0;
}

/*
 * NS_MNT_GET_NEXT/PREV (get_sequential_mnt_ns): the adjoining mount
 * namespace in id order over which the caller has CAP_SYS_ADMIN and whose
 * P is not 0 yet (a plain get, so an inactive one opens, and its new nsfs
 * inode makes it active again); ENOENT past the end.  7.0 (and 6.18.y
 * stable) allow the ioctls only to may_see_all_namespaces() (EPERM).
 */
static int mnt_ns_get_sequential(struct world *w, struct task *t, struct ns *ns, bool previous,
				 uint64_t *value)
{
	GTreeNode *n;

	if (w->v->mnt_iter_gate && !may_see_all_namespaces(w, t))
		return -EPERM;
	if (ns->type != NS_MNT)
		return -EINVAL;
	n = g_tree_lookup_node(w->tree_type[NS_MNT], &ns->id);
	for (n = n ? (previous ? g_tree_node_previous(n) : g_tree_node_next(n)) : NULL; n;
	     n = previous ? g_tree_node_previous(n) : g_tree_node_next(n)) {
		struct ns *m = g_tree_node_value(n);

		if (!ns_capable(w, t->cred, m->owner ? m->owner : w->init_ns[NS_USER],
				CAP_SYS_ADMIN))
			continue;
		if (!ns_ref_get(w, m, "get_sequential_mnt_ns"))
			continue;
		*value = m->id;
		return nsfs_open_ns_fd(w, t, m, true);
	}
	return -ENOENT;
}

static int nsfs_ioctl(struct world *w, struct task *t, struct file *f, unsigned long cmd,
		      uint64_t *value)
{
	struct ns *ns = f->inode->ns, *rel = NULL;
	int err;

	switch (cmd) {
	case NSS_NS_GET_USERNS:
	case NSS_NS_GET_PARENT:
		err = cmd == NSS_NS_GET_USERNS ? ns_get_owner(w, t, ns, &rel)
					       : ns_get_parent(w, t, ns, &rel);
		return err ? err : nsfs_open_ns_fd(w, t, rel, true);
	case NSS_NS_GET_NSTYPE:
		*value = ns_type_clone_flag(ns->type);
		return 0;
	case NSS_NS_GET_OWNER_UID: {
		const struct ns *cur = t->cred->user_ns;

		if (ns->type != NS_USER)
			return -EINVAL;
		/* from_kuid_munged(): the overflow uid when unmapped */
		*value = 65534;
		if (cur->initial)
			*value = ns->owner_uid;
		else if (kuid_has_mapping(cur, ns->owner_uid, false))
			*value = ns->owner_uid - cur->uid_map.lower + cur->uid_map.first;
		return 0;
	}
	case NSS_NS_GET_MNTNS_ID:
		if (ns->type != NS_MNT)
			return -EINVAL;
		*value = ns->id;
		return 0;
	case NSS_NS_GET_ID:
		*value = ns->id;
		return 0;
	case NSS_NS_MNT_GET_INFO:
		if (ns->type != NS_MNT)
			return -EINVAL;
		*value = ns->id;   /* mnt_ns_info.mnt_ns_id; nr_mounts is not modelled */
		return 0;
	case NSS_NS_MNT_GET_NEXT:
	case NSS_NS_MNT_GET_PREV:
		return mnt_ns_get_sequential(w, t, ns, cmd == NSS_NS_MNT_GET_PREV, value);
	default:
		return -ENOTTY;
	}
}

/*
 * PIDFD_GET_<type>_NAMESPACE (fs/pidfs.c pidfd_ioctl): the task must still
 * have its nsproxy (ESRCH otherwise, whatever the type), which is pinned
 * while the namespace is taken; then the ptrace read check (EACCES).
 * pid_for_children comes straight from the nsproxy, without the /proc
 * getter's child_reaper check.
 */
static int pidfd_ns_ioctl(struct world *w, struct task *t, struct file *f, unsigned long cmd)
{
	static const enum nsproxy_slot slot[] = {
		SLOT_CGROUP, SLOT_IPC, SLOT_MNT, SLOT_NET, NR_SLOTS, SLOT_PID_FOR_CHILDREN,
		SLOT_TIME, SLOT_TIME_FOR_CHILDREN, NR_SLOTS, SLOT_UTS,
	};
	unsigned int k = (unsigned int)(cmd - NSS_PIDFD_GET_CGROUP_NAMESPACE);
	struct task *tt = NULL;
	struct nsproxy *nsp;
	struct ns *ns;

	for (GList *l = w->tasks.head; l; l = l->next) {
		struct task *c = l->data;

		if (c->state != TASK_DEAD && c->pids[PIDTYPE_PID] == f->pid &&
		    (f->pidfd_thread || c->group_leader == c)) {
			tt = c;
			break;
		}
	}
	if (!tt || !tt->nsproxy)
		return -ESRCH;
	if (!ptrace_may_access(w, t, tt, false))
		return -EACCES;
	nsp = tt->nsproxy;
	get_nsproxy(w, nsp, "pidfd_ioctl");
	if (cmd == NSS_PIDFD_GET_USER_NAMESPACE)
		ns = tt->cred->user_ns;
	else if (cmd == NSS_PIDFD_GET_PID_NAMESPACE)
		ns = task_active_pid_ns(tt);
	else
		ns = nsp->slot[slot[k]];
	ns_ref_inc(w, ns, "pidfd_ioctl");
	put_nsproxy(w, nsp, "pidfd_ioctl");
	return nsfs_open_ns_fd(w, t, ns, true);
}

int sys_ioctl_value(struct world *w, uint64_t task, int fd, unsigned long cmd,
		    uint64_t *value)
{
	struct task *t;
	struct file *f;
	uint64_t dummy;
	int err = event_begin_fd(w, "ioctl", task, fd, (int64_t)cmd, 0, &t, &f);

	if (err)
		return event_end(w, err);
	if (!value)
		value = &dummy;
	if (f->kind == FILE_NSFS)
		return event_end(w, nsfs_ioctl(w, t, f, cmd, value));
	if (f->kind == FILE_PIDFD && cmd >= NSS_PIDFD_GET_CGROUP_NAMESPACE &&
	    cmd <= NSS_PIDFD_GET_UTS_NAMESPACE)
		return event_end(w, pidfd_ns_ioctl(w, t, f, cmd));
	if (f->kind == FILE_SOCKET && cmd == NSS_SIOCGSKNS)
		return event_end(w, sock_siocgskns(w, t, f));
	return event_end(w, -ENOTTY);
}

int sys_ioctl(struct world *w, uint64_t task, int fd, unsigned long cmd)
{
	return sys_ioctl_value(w, task, fd, cmd, NULL);
}

/* ---- bind mounts (fs/namespace.c do_loopback, umount, umount_tree) ---- */

static struct mount *mount_lookup(struct world *w, struct ns *mnt_ns, const char *path)
{
	for (GList *l = w->mounts.tail; l; l = l->prev) {
		struct mount *m = l->data;

		if (m->mnt_ns == mnt_ns && g_strcmp0(m->path, path) == 0)
			return m;
	}
	return NULL;
}

static void mount_free(struct world *w, struct mount *m)
{
	struct nsfs_inode *ino = m->ino;

	g_queue_unlink(&w->mounts, &m->link);
	g_free(m->path);
	g_free(m);
	nsfs_dput(w, ino);
}

int64_t sys_mount_bind(struct world *w, uint64_t task, int fd, const char *path)
{
	struct task *t;
	struct file *f;
	struct ns *mnt_ns;
	struct mount *m;
	int err = event_begin_fd(w, "mount_bind", task, fd, 0, 0, &t, &f);

	if (err)
		return event_end(w, err);
	if (!path || path[0] != '/')
		return event_end(w, -EINVAL);
	mnt_ns = t->nsproxy->slot[SLOT_MNT];
	if (!ns_capable(w, t->cred, mnt_ns->owner, CAP_SYS_ADMIN))
		return event_end(w, -EPERM);
	if (f->kind != FILE_NSFS)
		return event_end(w, -EINVAL);   /* only nsfs files are modelled */
	/* mnt_ns_loop(): a mount ns file binds only into an older namespace */
	if (f->inode->ns->type == NS_MNT && mnt_ns->id >= f->inode->ns->id)
		return event_end(w, -EINVAL);
	m = g_new0(struct mount, 1);
	m->id = ++w->next_id[OBJ_INODE];
	m->link.data = m;
	m->path = g_strdup(path);
	m->ino = f->inode;
	m->mnt_ns = mnt_ns;
	ref_inc(w, &m->ino->dentry, "do_loopback");
	g_queue_push_tail_link(&w->mounts, &m->link);
	return event_end(w, (int64_t)m->id);
}

int sys_umount(struct world *w, uint64_t task, const char *path)
{
	struct task *t = event_begin(w, "umount", task, 0, 0, 0);
	struct mount *m;

	if (!t)
		return event_end(w, -ESRCH);
	m = mount_lookup(w, t->nsproxy->slot[SLOT_MNT], path);
	if (!m)
		return event_end(w, -EINVAL);
	if (!ns_capable(w, t->cred, m->mnt_ns->owner, CAP_SYS_ADMIN))
		return event_end(w, -EPERM);
	mount_free(w, m);
	return event_end(w, 0);
}

void mnt_ns_umount_all(struct world *w, struct ns *mnt_ns)
{
	for (GList *l = w->mounts.head, *n; l; l = n) {
		n = l->next;
		if (((struct mount *)l->data)->mnt_ns == mnt_ns) {
			mount_free(w, l->data);
			n = w->mounts.head;    /* the list may have changed */
		}
	}
}

int sys_open_file(struct world *w, uint64_t task, const char *path)
{
	struct task *t = event_begin(w, "open", task, 0, 0, 0);
	struct mount *m;
	struct file *f;

	if (!t)
		return event_end(w, -ESRCH);
	if (!path || !*path)
		return event_end(w, -ENOENT);
	m = t->nsproxy ? mount_lookup(w, t->nsproxy->slot[SLOT_MNT], path) : NULL;
	if (m) {
		ref_inc(w, &m->ino->dentry, "path_openat");
		f = alloc_file(w, t, FILE_NSFS);
		f->inode = m->ino;
	} else {
		f = alloc_file(w, t, FILE_REG);
	}
	return event_end(w, fd_install(w, t, f));
}

/*
 * pipe2() and memfd_create(): files of the caller that hold no namespace,
 * only their f_cred (the opener's cred, and through it its user ns).
 */
int sys_pipe(struct world *w, uint64_t task, int flags, int *fds)
{
	struct task *t = event_begin(w, "pipe2", task, flags, 0, 0);
	bool cloexec = flags & NSS_O_CLOEXEC;

	if (!t)
		return event_end(w, -ESRCH);
	if (flags & ~NSS_O_CLOEXEC)
		return event_end(w, -EINVAL);   /* the model has no O_NONBLOCK, O_DIRECT pipes */
	fds[0] = cloexec ? fd_install_cloexec(w, t, alloc_file(w, t, FILE_REG))
			 : fd_install(w, t, alloc_file(w, t, FILE_REG));
	fds[1] = cloexec ? fd_install_cloexec(w, t, alloc_file(w, t, FILE_REG))
			 : fd_install(w, t, alloc_file(w, t, FILE_REG));
	return event_end(w, 0);
}

int sys_memfd_create(struct world *w, uint64_t task, int flags)
{
	struct task *t = event_begin(w, "memfd_create", task, flags, 0, 0);
	struct file *f;

	if (!t)
		return event_end(w, -ESRCH);
	if (flags & ~1 /* MFD_CLOEXEC */)
		return event_end(w, -EINVAL);
	f = alloc_file(w, t, FILE_REG);
	f->shmem = true;
	return event_end(w, (flags & 1) ? fd_install_cloexec(w, t, f) : fd_install(w, t, f));
}

/*
 * capable_wrt_inode_uidgid() for an inode of root's (nsfs, pidfs): the
 * capability in the caller's user ns, where uid and gid 0 are mapped.
 */
static bool root_inode_capable(struct world *w, struct task *t, int cap)
{
	struct ns *ns = t->cred->user_ns;

	return ns_capable(w, t->cred, ns, cap) && kuid_has_mapping(ns, 0, false) &&
	       kuid_has_mapping(ns, 0, true);
}

/*
 * open("/proc/<target>/fd/<fd>", flags): a new file on the same inode.  The
 * /proc entry is visible from the caller's pid namespace (else ENOENT) and
 * needs PTRACE_MODE_READ_FSCREDS (proc_fd_access_allowed: EACCES); an
 * nsfs inode opens for reading only (EPERM), a pidfs one either way, a
 * socket not at all (ENXIO).  The new nsfs file takes a dentry reference,
 * no namespace one: the inode holds those.
 */
int sys_reopen_fd(struct world *w, uint64_t task, uint64_t target, int fd, int flags)
{
	struct task *t = event_begin(w, "open", task, (int64_t)target, fd, flags);
	struct task *tt;
	struct file *old, *f;

	if (!t)
		return event_end(w, -ESRCH);
	tt = task_lookup(w, target);
	if (!tt || tt->state == TASK_DEAD || !pid_nr_ns(tt->pids[PIDTYPE_PID], task_active_pid_ns(t)))
		return event_end(w, -ENOENT);
	/*
	 * /proc/<pid>/fd is 0500: its owner (or CAP_DAC_READ_SEARCH) goes in,
	 * and the task's own thread group always (proc_fd_permission())
	 */
	if ((t->group_leader != tt->group_leader && !proc_ns_dir_may_read(w, t, tt)) ||
	    !ptrace_may_access(w, t, tt, false))
		return event_end(w, -EACCES);
	old = tt->files ? fd_lookup(tt, fd) : NULL;
	if (!old)
		return event_end(w, -ENOENT);
	switch (old->kind) {
	case FILE_SOCKET:
		return event_end(w, -ENXIO);
	case FILE_NSFS:
		/* an nsfs inode is root's, 0444: writing needs CAP_DAC_OVERRIDE, then EPERM */
		if ((flags & 3) != 0)
			return event_end(w, t->cred->fsuid != 0 && !root_inode_capable(w, t, CAP_DAC_OVERRIDE)
					    ? -EACCES : -EPERM);
		ref_inc(w, &old->inode->dentry, "path_openat");
		f = alloc_file(w, t, FILE_NSFS);
		f->inode = old->inode;
		break;
	case FILE_PIDFD:
		/* a pidfs inode is root's, 0700 */
		if (t->cred->fsuid != 0 && !root_inode_capable(w, t, CAP_DAC_OVERRIDE) &&
		    ((flags & 3) != 0 || !root_inode_capable(w, t, 2 /* CAP_DAC_READ_SEARCH */)))
			return event_end(w, -EACCES);
		f = pidfs_reopen(w, t, old);
		break;
	default:
		f = alloc_file(w, t, FILE_REG);
		break;
	}
	return event_end(w, (flags & NSS_O_CLOEXEC) ? fd_install_cloexec(w, t, f) : fd_install(w, t, f));
}

int sys_fstat(struct world *w, uint64_t task, int fd, uint64_t *ino, uint64_t *dev)
{
	struct task *t;
	struct file *f;
	int err = event_begin_fd(w, "fstat", task, fd, 0, 0, &t, &f);

	if (err)
		return event_end(w, err);
	/* st_dev: one anonymous device per pseudo file system */
	*dev = 4 + f->kind;
	*ino = f->kind == FILE_NSFS ? f->inode->ns->inum
	     : f->kind == FILE_PIDFD ? f->pid->id : f->id;
	return event_end(w, 0);
}
