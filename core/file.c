// SPDX-License-Identifier: MIT
/*
 * file.c - struct file, fd tables, fs_struct and pidfds (fs/file.c,
 * fs/file_table.c, fs/fs_struct.c, kernel/pid.c pidfd_open).
 *
 *   file f_count: one per fd pointing at the file (dup, fork copies), plus
 *     files in flight.  The final fput (__fput) releases what the file
 *     holds: the nsfs dentry (whose last put evicts the inode and with it
 *     the namespace's P and A), the struct pid of a pidfd, and f_cred, the
 *     opener's cred, which pins the opener's user ns through the cred.
 *   files_struct count: tasks sharing the table (CLONE_FILES).
 *   fs_struct users: tasks sharing it (CLONE_FS); setns() into a user or
 *     mount namespace requires it unshared.
 *
 * A live task's final fput runs as task_work before the syscall returns, so
 * close() is synchronous; at exit the fputs queued by exit_files() run from
 * exit_task_work(), after exit_nsproxy_namespaces().
 */
#include "core-private.h"

struct file *alloc_file(struct world *w, struct task *opener, enum file_kind k)
{
	struct file *f = g_new0(struct file, 1);

	f->id = ++w->next_id[OBJ_FILE];
	f->link.data = f;
	f->kind = k;
	counter_setup(&f->count, OBJ_FILE, CTR_COUNT, f->id, false);
	g_queue_push_tail_link(&w->files, &f->link);
	ref_init(w, &f->count, 1, "alloc_file");
	f->f_cred = opener->cred;
	get_cred_many(w, f->f_cred, 1, "alloc_file");
	return f;
}

void get_file(struct world *w, struct file *f, const char *site)
{
	ref_inc(w, &f->count, site);
}

/* __fput(): dput of the nsfs dentry or put of the pidfd's pid, then f_cred. */
void fput_final(struct world *w, struct file *f)
{
	if (f->kind == FILE_NSFS)
		nsfs_dput(w, f->inode);
	else if (f->kind == FILE_PIDFD)
		pidfs_dput(w, f->pidfs);
	else if (f->kind == FILE_SOCKET) {
		ns_hold(w, f->sk_net, -1, 0);
		ns_ref_put(w, f->sk_net, "__sk_destruct");
	}
	put_cred_many(w, f->f_cred, 1, "__fput");
	g_queue_unlink(&w->files, &f->link);
	g_free(f);
}

void fput(struct world *w, struct file *f, GPtrArray *deferred)
{
	if (!ref_dec_and_test(w, &f->count, "fput"))
		return;
	if (deferred)
		g_ptr_array_add(deferred, f);
	else
		fput_final(w, f);
}

struct ns *file_ns(struct file *f)
{
	return f->kind == FILE_NSFS ? f->inode->ns : NULL;
}

/* ---- fd tables ------------------------------------------------------ */

struct files *files_new(struct world *w)
{
	struct files *fs = g_new0(struct files, 1);

	fs->id = ++w->next_id[OBJ_FILES];
	counter_setup(&fs->count, OBJ_FILES, CTR_COUNT, fs->id, false);
	fs->fd = g_ptr_array_new();
	fs->cloexec = g_byte_array_new();
	return fs;
}

void files_free(struct files *fs)
{
	g_ptr_array_free(fs->fd, TRUE);
	g_byte_array_free(fs->cloexec, TRUE);
	g_free(fs);
}

/* dup_fd(): fork without CLONE_FILES copies the table; each file gets a ref. */
struct files *dup_fd(struct world *w, struct files *old)
{
	struct files *fs = files_new(w);

	ref_init(w, &fs->count, 1, "dup_fd");
	for (guint i = 0; i < old->fd->len; i++) {
		struct file *f = old->fd->pdata[i];

		if (f)
			get_file(w, f, "dup_fd");
		g_ptr_array_add(fs->fd, f);
	}
	g_byte_array_append(fs->cloexec, old->cloexec->data, old->cloexec->len);
	return fs;
}

/* unshare_files() at execve: a table shared by CLONE_FILES becomes private. */
void unshare_files(struct world *w, struct task *t)
{
	struct files *old = t->files;

	if (old->count.val <= 1)
		return;
	t->files = dup_fd(w, old);
	put_files_struct(w, old, NULL);
}

/* do_close_on_exec(): every FD_CLOEXEC fd; the final fputs come as task work. */
void do_close_on_exec(struct world *w, struct files *fs, GPtrArray *deferred)
{
	for (guint i = 0; i < fs->fd->len; i++) {
		if (fs->fd->pdata[i] && fs->cloexec->data[i]) {
			struct file *f = fs->fd->pdata[i];

			fs->fd->pdata[i] = NULL;
			fs->cloexec->data[i] = 0;
			fput(w, f, deferred);
		}
	}
}

/* put_files_struct(): the last user closes every fd (exit_files). */
void put_files_struct(struct world *w, struct files *fs, GPtrArray *deferred)
{
	if (!ref_dec_and_test(w, &fs->count, "put_files_struct"))
		return;
	for (guint i = 0; i < fs->fd->len; i++)
		if (fs->fd->pdata[i])
			fput(w, fs->fd->pdata[i], deferred);
	files_free(fs);
}

/* fd_install() at the lowest free number, as alloc_fd() picks it. */
static int fd_install_flags(struct task *t, struct file *f, bool cloexec)
{
	GPtrArray *fd = t->files->fd;
	guint8 flag = cloexec;
	guint i;

	for (i = 0; i < fd->len && fd->pdata[i]; i++)
		;
	if (i == fd->len) {
		g_ptr_array_add(fd, f);
		g_byte_array_append(t->files->cloexec, &flag, 1);
	} else {
		fd->pdata[i] = f;
		t->files->cloexec->data[i] = flag;
	}
	return (int)i;
}

int fd_install(struct world *w, struct task *t, struct file *f)
{
	return fd_install_flags(t, f, false);
}

int fd_install_cloexec(struct world *w, struct task *t, struct file *f)
{
	return fd_install_flags(t, f, true);
}

struct file *fd_lookup(struct task *t, int fd)
{
	if (!t->files || fd < 0 || (guint)fd >= t->files->fd->len)
		return NULL;
	return t->files->fd->pdata[fd];
}

int sys_close(struct world *w, uint64_t task, int fd)
{
	struct task *t;
	struct file *f;
	int err = event_begin_fd(w, "close", task, fd, 0, 0, &t, &f);

	if (err)
		return event_end(w, err);
	t->files->fd->pdata[fd] = NULL;
	t->files->cloexec->data[fd] = 0;
	fput(w, f, NULL);
	return event_end(w, 0);
}

int sys_dup(struct world *w, uint64_t task, int fd)
{
	struct task *t;
	struct file *f;
	int err = event_begin_fd(w, "dup", task, fd, 0, 0, &t, &f);

	if (err)
		return event_end(w, err);
	get_file(w, f, "dup");
	return event_end(w, fd_install(w, t, f));
}

/* ---- fs_struct -------------------------------------------------------- */

struct fs_struct *fs_new(struct world *w, const char *site)
{
	struct fs_struct *fs = g_new0(struct fs_struct, 1);

	fs->id = ++w->next_id[OBJ_FS];
	counter_setup(&fs->users, OBJ_FS, CTR_USERS, fs->id, false);
	ref_init(w, &fs->users, 1, site);
	return fs;
}

void put_fs_struct(struct world *w, struct fs_struct *fs, const char *site)
{
	if (ref_dec_and_test(w, &fs->users, site))
		g_free(fs);
}

/* ---- pidfds ----------------------------------------------------------- */

#define PIDFD_THREAD   0x80   /* O_EXCL */
#define PIDFD_NONBLOCK 04000  /* O_NONBLOCK */

/*
 * pidfd_open(): the target must be visible in the caller's pid namespace
 * (ESRCH otherwise, and once reaped); a thread that is not a group leader
 * needs PIDFD_THREAD (ENOENT, as observed on 6.18).  A zombie is fine.
 */
int sys_pidfd_open(struct world *w, uint64_t task, uint64_t target, unsigned int flags)
{
	struct task *t = event_begin(w, "pidfd_open", task, (int64_t)target, flags, 0);
	struct task *tt;
	struct file *f;
	int err;

	if (!t)
		return event_end(w, -ESRCH);
	if (flags & ~(PIDFD_NONBLOCK | PIDFD_THREAD))
		return event_end(w, -EINVAL);
	tt = task_lookup(w, target);
	if (!tt || tt->state == TASK_DEAD ||
	    !pid_nr_ns(tt->pids[PIDTYPE_PID], task_active_pid_ns(t)))
		return event_end(w, -ESRCH);
	if (!(flags & PIDFD_THREAD) && tt->group_leader != tt)
		return event_end(w, -ENOENT);
	f = pidfs_alloc_file(w, t, tt->pids[PIDTYPE_PID], flags & PIDFD_THREAD, &err);
	if (!f)
		return event_end(w, err);
	return event_end(w, fd_install_cloexec(w, t, f));
}

bool nss_fd_info(const struct world *w, uint64_t task, int fd, struct nss_fd_info *out)
{
	struct task *t = task_lookup(w, task);
	struct file *f = t ? fd_lookup(t, fd) : NULL;

	if (!f)
		return false;
	out->regular = f->kind == FILE_REG;
	out->cloexec = t->files->cloexec->data[fd];
	out->pidfd_task = 0;
	if (f->kind == FILE_PIDFD) {
		struct task *p = pid_task((struct world *)w, f->pid);

		out->pidfd_task = p ? p->id : 0;
	}
	return true;
}
