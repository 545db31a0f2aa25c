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

	if (ino) {
		ref_inc(w, &ino->dentry, "path_from_stashed");
		ns_ref_put(w, ns, "path_from_stashed");
		*out = ino;
		return 0;
	}
	ino = g_new0(struct nsfs_inode, 1);
	ino->id = ++w->next_id[OBJ_INODE];
	ino->ns = ns;
	counter_setup(&ino->dentry, OBJ_INODE, CTR_COUNT, ino->id, false);
	ref_init(w, &ino->dentry, 1, "stashed_dentry_get");
	ns_active_resurrect(w, ns, "nsfs_init_inode");
	ns->inode = ino;
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
		if (slot == SLOT_PID_FOR_CHILDREN && !ns->had_reaper)
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
	struct nsfs_inode *ino;
	struct file *f;
	struct ns *ns;

	if (!t)
		return event_end(w, -ESRCH);
	tt = task_lookup(w, target ? target : task);
	if (!tt || tt->state == TASK_DEAD || !proc_ns_name_valid(name) ||
	    !pid_nr_ns(tt->pids[PIDTYPE_PID], task_active_pid_ns(t)))
		return event_end(w, -ENOENT);
	if (!ptrace_may_access(w, t, tt, false))
		return event_end(w, -EACCES);
	ns = proc_ns_get(w, tt, name);
	if (!ns)
		return event_end(w, -ENOENT);
	nsfs_path_from_stashed(w, ns, &ino);
	f = alloc_file(w, t, FILE_NSFS);
	f->inode = ino;
	return event_end(w, fd_install(w, t, f));
}
