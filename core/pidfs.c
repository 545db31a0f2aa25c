// SPDX-License-Identifier: MIT
/*
 * pidfs.c - pidfd inodes and pidfs file handles (fs/pidfs.c).
 *
 * One pidfs inode per struct pid at a time, stashed in pid->stashed as
 * nsfs stashes a namespace's: every pidfd of a pid shares it, so all of
 * them have one st_ino, the pid's inode number (pid->ino, here the pid's
 * id).  Whoever makes the dentry hands the inode one reference on the pid;
 * the files on it hold the dentry; the last dput evicts the inode
 * (DCACHE_DONTCACHE), which puts the pid.
 *
 * pidfs_register_pid() marks a pid that pidfs has seen (pid->attr) when
 * its first dentry is made; release_task()'s pidfs_exit() then records
 * the exit, or marks a pid pidfs never saw as dead so that no dentry can
 * be made for it any more.
 *
 * A pidfs file handle is the 8-byte inode number, FILEID_KERNFS.  Decoding
 * finds the pid while it still has its numbers (pidfs_add_pid in
 * alloc_pid to pidfs_remove_pid in free_pid) and only if the caller's pid
 * namespace sees it.  7.0 also wants a pid pidfs has seen and whose task
 * has not been released (variant flag pidfs_decode_live).
 */
#include "core-private.h"

/*
 * path_from_stashed() for pidfs: consumes the pid reference the caller
 * took.  Reuse the stashed dentry (pidfs_put_data drops the extra
 * reference) or make a new inode that keeps it.
 */
static int pidfs_path_from_stashed(struct world *w, struct pid *pid, struct pidfs_inode **out)
{
	struct pidfs_inode *ino = pid->stashed;

	if (ino) {
		ref_inc(w, &ino->dentry, "path_from_stashed");
		put_pid(w, pid, "pidfs_put_data");
		*out = ino;
		return 0;
	}
	/* pidfs_stash_dentry() -> pidfs_register_pid() */
	if (pid->attr == PIDFS_ATTR_DEAD) {
		put_pid(w, pid, "pidfs_put_data");
		return -ESRCH;
	}
	pid->attr = PIDFS_ATTR_SET;
	ino = g_new0(struct pidfs_inode, 1);
	ino->id = ++w->next_id[OBJ_INODE];
	ino->pid = pid;
	counter_setup(&ino->dentry, OBJ_INODE, CTR_COUNT, ino->id, false);
	ref_init(w, &ino->dentry, 1, "prepare_anon_dentry");
	pid->stashed = ino;
	*out = ino;
	return 0;
}

/* dput(); the last reference evicts the inode (pidfs_evict_inode). */
void pidfs_dput(struct world *w, struct pidfs_inode *ino)
{
	struct pid *pid = ino->pid;

	if (!ref_dec_and_test(w, &ino->dentry, "dput"))
		return;
	pid->stashed = NULL;
	g_free(ino);
	put_pid(w, pid, "pidfs_evict_inode");
}

/* Another file on the inode of @f (an open of /proc/<pid>/fd/<n>). */
struct file *pidfs_reopen(struct world *w, struct task *t, struct file *old)
{
	struct file *f = alloc_file(w, t, FILE_PIDFD);

	ref_inc(w, &old->pidfs->dentry, "path_openat");
	f->pidfs = old->pidfs;
	f->pid = old->pid;
	f->pidfd_thread = old->pidfd_thread;
	return f;
}

static struct file *pidfs_file(struct world *w, struct task *t, struct pidfs_inode *ino,
			       bool thread)
{
	struct file *f = alloc_file(w, t, FILE_PIDFD);

	f->pidfs = ino;
	f->pid = ino->pid;
	f->pidfd_thread = thread;
	return f;
}

/*
 * pidfs_alloc_file(): a pidfd on @pid for @t (pidfd_open, CLONE_PIDFD),
 * or NULL with *err set.
 */
struct file *pidfs_alloc_file(struct world *w, struct task *t, struct pid *pid, bool thread,
			      int *err)
{
	struct pidfs_inode *ino;

	get_pid(w, pid, "pidfs_alloc_file");
	*err = pidfs_path_from_stashed(w, pid, &ino);
	return *err ? NULL : pidfs_file(w, t, ino, thread);
}

/* pidfs_exit(), from release_task() */
void pidfs_exit(struct world *w, struct pid *pid)
{
	(void)w;
	if (pid->attr == PIDFS_ATTR_NONE)
		pid->attr = PIDFS_ATTR_DEAD;
	else if (pid->attr == PIDFS_ATTR_SET)
		pid->attr_exited = true;
}

/* pidfs_encode_fh(): the inode number in two u32 words */
int pidfs_encode_fh(struct file *f, uint32_t *dwords, struct nss_handle *out)
{
	bool fits = *dwords >= 2;

	*dwords = 2;
	if (!fits)
		return NSS_FILEID_INVALID;
	out->ns_id = f->pid->id;
	return NSS_FILEID_KERNFS;
}

/*
 * pidfs_fh_to_dentry(): NULL (ESTALE to userspace) unless the handle has
 * two words of type FILEID_KERNFS naming a pid that pidfs_ino_get_pid()
 * finds and the caller's pid namespace sees.  The dentry comes with a
 * reference, which the caller owns.
 */
int pidfs_fh_to_dentry(struct world *w, struct task *t, const struct nss_handle *h,
		       struct pidfs_inode **out)
{
	struct pid *pid;

	if (h->handle_bytes / 4 < 2 || h->handle_type != NSS_FILEID_KERNFS)
		return -ESTALE;
	pid = g_hash_table_lookup(w->pid_by_ino, &h->ns_id);
	if (!pid)
		return -ESTALE;
	if (w->v->pidfs_decode_live && (pid->attr != PIDFS_ATTR_SET || pid->attr_exited))
		return -ESTALE;
	if (!pid_nr_ns(pid, task_active_pid_ns(t)))
		return -ESTALE;
	get_pid(w, pid, "pidfs_ino_get_pid");
	/* a dentry that cannot be made (a dead pid) is ESTALE too */
	return pidfs_path_from_stashed(w, pid, out) ? -ESTALE : 0;
}

/* Open flags pidfs_export_permission() lets through: PIDFD_NONBLOCK and PIDFD_THREAD */
#define PIDFS_VALID_OPEN_FLAGS \
	(NSS_O_WRONLY | NSS_O_RDWR | NSS_O_NONBLOCK | NSS_O_CLOEXEC | NSS_O_EXCL | NSS_O_LARGEFILE)

int pidfs_export_permission(int flags)
{
	return (flags & ~PIDFS_VALID_OPEN_FLAGS) ? -EINVAL : 0;
}

/*
 * pidfs_export_open(): a pidfd on the decoded dentry, whose reference the
 * file takes over.  O_EXCL (PIDFD_THREAD) does not survive do_dentry_open(),
 * so a pidfd opened from a handle is never a thread pidfd.
 */
struct file *pidfs_export_open(struct world *w, struct task *t, struct pidfs_inode *ino)
{
	return pidfs_file(w, t, ino, false);
}
