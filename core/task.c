// SPDX-License-Identifier: MIT
/*
 * task.c - task lifecycle: clone (kernel/fork.c copy_process), unshare
 * (ksys_unshare), execve (fs/exec.c begin_new_exec), exit (kernel/exit.c
 * do_exit, exit_notify) and reap (wait4, release_task).
 *
 * What a task holds, and when it lets go:
 *   - its cred (usage 2) and one A on real_cred->user_ns: taken in
 *     copy_creds(); the A goes at reap (exit_cred_namespaces), the usage
 *     after an RCU grace period (delayed_put_task_struct -> exit_creds);
 *   - its nsproxy (count 1): from copy_namespaces() to
 *     exit_nsproxy_namespaces() in do_exit(), so a zombie holds nothing
 *     through it;
 *   - its struct pid (and the A on the deepest pid ns): from alloc_pid()
 *     to free_pid() at reap;
 *   - its mm (mm_users), files and fs_struct: until do_exit().
 */
#include "core-private.h"

#define SIGCHLD 17


struct task *task_lookup(const struct world *w, uint64_t id)
{
	return g_hash_table_lookup(w->task_by_id, &id);
}

static struct task *task_alloc(struct world *w)
{
	struct task *t = g_new0(struct task, 1);

	t->id = ++w->next_task_id;
	t->link.data = t;
	t->sibling.data = t;
	g_queue_push_tail_link(&w->tasks, &t->link);
	g_hash_table_insert(w->task_by_id, &t->id, t);
	return t;
}

static void task_free(struct world *w, struct task *t)
{
	if (t->threads)
		g_ptr_array_free(t->threads, TRUE);
	g_free(t);
}

bool thread_group_empty(const struct task *t)
{
	return t->group_leader->threads->len == 1;
}

/* The initial task, set up statically as the kernel's pid 1 after it execs. */
/*
 * console_on_rootfs(): kernel_init opens /dev/console once and installs it
 * as fds 0, 1 and 2, which every task inherits; the opener's reference
 * goes, so the file's count is the number of fds on it.
 */
static void console_on_rootfs(struct world *w, struct task *t)
{
	struct file *f = alloc_file(w, t, FILE_REG);

	for (int fd = 0; fd < 3; fd++) {
		get_file(w, f, "init_dup");
		fd_install(w, t, f);
	}
	fput(w, f, NULL);
}

void task_boot(struct world *w)
{
	struct task *t = task_alloc(w);
	struct pid *pid = pid_boot(w);

	t->group_leader = t;
	t->threads = g_ptr_array_new();
	g_ptr_array_add(t->threads, t);
	/* init_cred and init_nsproxy are also the idle task's, never freed */
	t->cred = cred_boot(w, w->init_ns[NS_USER]);
	t->cred->static_usage = 2;
	t->cred->usage.val = 4;
	t->cred_ns_active = true;
	t->nsproxy = nsproxy_boot(w);
	t->nsproxy->static_count = 1;
	t->nsproxy->count.val = 2;
	t->files = files_new(w);
	t->files->count.val = 1;
	console_on_rootfs(w, t);
	t->fs = g_new0(struct fs_struct, 1);
	t->fs->id = ++w->next_id[OBJ_FS];
	counter_setup(&t->fs->users, OBJ_FS, CTR_USERS, t->fs->id, false);
	t->fs->users.val = 1;
	t->mm = g_new0(struct mm, 1);
	t->mm->id = ++w->next_id[OBJ_MM];
	t->mm->link.data = t->mm;
	counter_setup(&t->mm->users, OBJ_MM, CTR_USERS, t->mm->id, false);
	counter_setup(&t->mm->count, OBJ_MM, CTR_MM_COUNT, t->mm->id, false);
	t->mm->users.val = t->mm->count.val = 1;
	t->mm->user_ns = w->init_ns[NS_USER];
	t->mm->dumpable = SUID_DUMP_USER;
	g_queue_push_tail_link(&w->mms, &t->mm->link);
	t->active_mm = t->mm;
	for (int i = 0; i < PIDTYPE_MAX; i++)
		attach_pid(t, i, pid);
	w->init_ns[NS_PID]->child_reaper = t;
	w->init_ns[NS_PID]->had_reaper = true;
	t->exit_signal = SIGCHLD;
	w->init_task = t;
	w->cpus[0].curr = t;
}

/* ---- clone ----------------------------------------------------------- */

#define CLONE_ALLOWED (NSS_CLONE_NEWALL | NSS_CLONE_VM | NSS_CLONE_FS |       \
		       NSS_CLONE_FILES | NSS_CLONE_SIGHAND | NSS_CLONE_PIDFD | \
		       NSS_CLONE_PARENT | NSS_CLONE_THREAD | NSS_CLONE_SYSVSEM)

static bool is_child_reaper(const struct task *t)
{
	return task_active_pid_ns(t)->child_reaper == t;
}

/* copy_creds(): share the cred with a thread, else a new one (maybe in a new user ns). */
static int copy_creds(struct world *w, struct task *p, struct task *parent,
		      uint64_t flags)
{
	struct cred *new;
	int err;

	if (flags & NSS_CLONE_THREAD) {
		p->cred = parent->cred;
		get_cred_many(w, p->cred, 2, "copy_creds");
		get_cred_namespaces(w, p);
		return 0;
	}
	new = prepare_creds(w, parent->cred, "prepare_creds");
	if (!new)
		return -ENOMEM;
	if (flags & NSS_CLONE_NEWUSER) {
		err = create_user_ns(w, new);
		if (!err)
			err = set_cred_ucounts(w, new);
		if (err) {
			abort_creds(w, new);   /* copy_creds: error_put */
			return err;
		}
	}
	get_cred_many(w, new, 1, "copy_creds");
	p->cred = new;
	get_cred_namespaces(w, p);
	return 0;
}

/* timens_on_fork(): a pending time namespace becomes the child's. */
static void timens_on_fork(struct world *w, struct nsproxy *n)
{
	struct ns *tfc = n->slot[SLOT_TIME_FOR_CHILDREN];

	if (n->slot[SLOT_TIME] == tfc)
		return;
	nsproxy_set_slot(w, n, SLOT_TIME, tfc, false, "timens_on_fork");
}

static int copy_namespaces(struct world *w, struct task *p, struct task *parent,
			   uint64_t flags)
{
	struct nsproxy *old = parent->nsproxy, *n;
	uint64_t newflags = flags & NSS_CLONE_NEWALL & ~NSS_CLONE_NEWUSER;
	int err;

	if (!newflags && ((flags & NSS_CLONE_VM) ||
			  old->slot[SLOT_TIME_FOR_CHILDREN] == old->slot[SLOT_TIME])) {
		get_nsproxy(w, old, "copy_namespaces");
		p->nsproxy = old;
		return 0;
	}
	if (!ns_capable(w, parent->cred, p->cred->user_ns, CAP_SYS_ADMIN))
		return -EPERM;
	if ((flags & (NSS_CLONE_NEWIPC | NSS_CLONE_SYSVSEM)) ==
	    (NSS_CLONE_NEWIPC | NSS_CLONE_SYSVSEM))
		return -EINVAL;
	n = create_new_namespaces(w, flags, parent, p->cred->user_ns,
				  parent->cred->euid, &err);
	if (!n)
		return err;
	if (!(flags & NSS_CLONE_VM))
		timens_on_fork(w, n);
	nsproxy_ns_active_get(w, n);
	p->nsproxy = n;
	return 0;
}

/* The undo path of copy_process(), from the step that failed backwards. */
enum fork_step { FORK_CREDS, FORK_FILES, FORK_FS, FORK_MM, FORK_NS, FORK_PID };

static void fork_unwind(struct world *w, struct task *p, enum fork_step done)
{
	switch (done) {
	case FORK_PID:
	case FORK_NS:
		if (p->nsproxy)
			switch_task_namespaces(w, p, NULL);   /* exit_nsproxy_namespaces */
		/* fallthrough */
	case FORK_MM:
		if (p->mm)
			mmput(w, p->mm);
		/* fallthrough */
	case FORK_FS:
		put_fs_struct(w, p->fs, "exit_fs");
		/* fallthrough */
	case FORK_FILES:
		put_files_struct(w, p->files, NULL);
		/* fallthrough */
	case FORK_CREDS:
		exit_cred_namespaces(w, p);
		put_cred_many(w, p->cred, 2, "exit_creds");
	}
	g_queue_unlink(&w->tasks, &p->link);
	g_hash_table_remove(w->task_by_id, &p->id);
	w->next_task_id--;
	task_free(w, p);
}

static int64_t copy_process(struct world *w, struct task *cur, uint64_t flags,
			    int *pidfd)
{
	struct task *p, *leader = cur->group_leader;
	struct pid *pid;
	int err;

	if (flags & ~CLONE_ALLOWED)
		return -EINVAL;
	if ((flags & (NSS_CLONE_NEWNS | NSS_CLONE_FS)) == (NSS_CLONE_NEWNS | NSS_CLONE_FS))
		return -EINVAL;
	if ((flags & (NSS_CLONE_NEWUSER | NSS_CLONE_FS)) == (NSS_CLONE_NEWUSER | NSS_CLONE_FS))
		return -EINVAL;
	if ((flags & NSS_CLONE_THREAD) && !(flags & NSS_CLONE_SIGHAND))
		return -EINVAL;
	if ((flags & NSS_CLONE_SIGHAND) && !(flags & NSS_CLONE_VM))
		return -EINVAL;
	if ((flags & NSS_CLONE_PARENT) && is_child_reaper(leader))
		return -EINVAL;
	if ((flags & NSS_CLONE_THREAD) &&
	    ((flags & (NSS_CLONE_NEWUSER | NSS_CLONE_NEWPID)) ||
	     cur->nsproxy->slot[SLOT_PID_FOR_CHILDREN] != task_active_pid_ns(cur)))
		return -EINVAL;

	p = task_alloc(w);
	p->cpu = cur->cpu;
	p->is_thread = flags & NSS_CLONE_THREAD;
	p->no_new_privs = cur->no_new_privs;   /* task->atomic_flags are copied */
	p->exit_signal = p->is_thread ? -1 : SIGCHLD;
	p->group_leader = p->is_thread ? leader : p;
	/* threads are never waited for; their group leader is */
	p->parent = p->is_thread ? NULL
		  : (flags & NSS_CLONE_PARENT) ? leader->parent : leader;

	err = copy_creds(w, p, cur, flags);
	if (err) {
		g_queue_unlink(&w->tasks, &p->link);
		g_hash_table_remove(w->task_by_id, &p->id);
		w->next_task_id--;
		task_free(w, p);
		return err;
	}
	if (flags & NSS_CLONE_FILES) {
		p->files = cur->files;
		ref_inc(w, &p->files->count, "copy_files");
	} else {
		p->files = dup_fd(w, cur->files);
	}
	if (flags & NSS_CLONE_FS) {
		p->fs = cur->fs;
		ref_inc(w, &p->fs->users, "copy_fs");
	} else {
		p->fs = fs_new(w, "copy_fs_struct");
	}
	if (flags & NSS_CLONE_VM) {
		p->mm = cur->mm;
		mmget(w, p->mm);
	} else if ((err = should_fail(w, FAULT_DUP_MM))) {
		fork_unwind(w, p, FORK_FS);
		return err;
	} else {
		p->mm = mm_alloc(w, cur->mm->user_ns, "dup_mm");
		p->mm->dumpable = cur->mm->dumpable;   /* mm->flags are inherited */
	}
	p->active_mm = p->mm;
	err = copy_namespaces(w, p, cur, flags);
	if (err) {
		fork_unwind(w, p, FORK_MM);
		return err;
	}
	pid = alloc_pid(w, p->nsproxy->slot[SLOT_PID_FOR_CHILDREN], &err);
	if (!pid) {
		fork_unwind(w, p, FORK_NS);
		return err;
	}
	if (flags & NSS_CLONE_PIDFD) {
		/* CLONE_THREAD gives a PIDFD_THREAD pidfd; a new pid has no dead attr */
		struct file *f = pidfs_alloc_file(w, cur, pid, p->is_thread, &err);

		*pidfd = fd_install_cloexec(w, cur, f);
	}
	if (p->is_thread) {
		g_ptr_array_add(leader->threads, p);
	} else {
		p->threads = g_ptr_array_new();
		g_ptr_array_add(p->threads, p);
		attach_pid(p, PIDTYPE_TGID, pid);
		attach_pid(p, PIDTYPE_PGID, leader->pids[PIDTYPE_PGID]);
		attach_pid(p, PIDTYPE_SID, leader->pids[PIDTYPE_SID]);
		g_queue_push_tail_link(&p->parent->children, &p->sibling);
		if (pid->numbers[pid->level].nr == 1) {
			pid_ns_of(pid)->child_reaper = p;
			pid_ns_of(pid)->had_reaper = true;
		}
	}
	if (p->is_thread)
		p->pids[PIDTYPE_TGID] = leader->pids[PIDTYPE_TGID];
	attach_pid(p, PIDTYPE_PID, pid);
	p->cpu = sched_fork_cpu(w, cur);
	notify_object(w, NSS_OBJ_CREATED, NSS_OBJ_TASK, p->id);
	return (int64_t)p->id;
}

int64_t sys_clone(struct world *w, uint64_t task, uint64_t flags, int *pidfd)
{
	struct task *t = event_begin(w, "clone", task, (int64_t)flags, 0, 0);
	int dummy;

	if (!t)
		return event_end(w, -ESRCH);
	return event_end(w, copy_process(w, t, flags, pidfd ? pidfd : &dummy));
}

/* ---- unshare ------------------------------------------------------- */

#define UNSHARE_ALLOWED (NSS_CLONE_THREAD | NSS_CLONE_FS | NSS_CLONE_NEWNS |     \
			 NSS_CLONE_SIGHAND | NSS_CLONE_VM | NSS_CLONE_FILES |   \
			 NSS_CLONE_SYSVSEM | NSS_CLONE_NEWUTS | NSS_CLONE_NEWIPC | \
			 NSS_CLONE_NEWNET | NSS_CLONE_NEWUSER | NSS_CLONE_NEWPID | \
			 NSS_CLONE_NEWCGROUP | NSS_CLONE_NEWTIME)

static int ksys_unshare(struct world *w, struct task *t, uint64_t flags)
{
	struct fs_struct *new_fs = NULL;
	struct files *new_fd = NULL;
	struct cred *new_cred = NULL;
	struct nsproxy *new_nsproxy = NULL;
	int err = 0;

	if (flags & NSS_CLONE_NEWUSER)
		flags |= NSS_CLONE_THREAD | NSS_CLONE_FS;
	if (flags & NSS_CLONE_VM)
		flags |= NSS_CLONE_SIGHAND;
	if (flags & NSS_CLONE_SIGHAND)
		flags |= NSS_CLONE_THREAD;
	if (flags & NSS_CLONE_NEWNS)
		flags |= NSS_CLONE_FS;
	/* check_unshare_flags() */
	if (flags & ~UNSHARE_ALLOWED)
		return -EINVAL;
	if ((flags & (NSS_CLONE_THREAD | NSS_CLONE_SIGHAND | NSS_CLONE_VM)) &&
	    !thread_group_empty(t))
		return -EINVAL;
	if ((flags & NSS_CLONE_VM) && t->mm->users.val > 1)
		return -EINVAL;

	/* unshare_fs(), unshare_fd() */
	if ((flags & NSS_CLONE_FS) &&
	    (t->fs->users.val > 1 || (w->v->unshare_fs_copies_newns && (flags & NSS_CLONE_NEWNS))))
		new_fs = fs_new(w, "copy_fs_struct");
	if ((flags & NSS_CLONE_FILES) && t->files->count.val > 1)
		new_fd = dup_fd(w, t->files);
	/* unshare_userns() */
	if (flags & NSS_CLONE_NEWUSER) {
		new_cred = prepare_creds(w, t->cred, "prepare_creds");
		if (!new_cred) {
			err = -ENOMEM;
			goto cleanup;
		}
		err = create_user_ns(w, new_cred);
		if (err)
			goto cleanup;
	}
	/* unshare_nsproxy_namespaces() */
	if (flags & NSS_CLONE_NEWALL & ~NSS_CLONE_NEWUSER) {
		struct ns *user_ns = new_cred ? new_cred->user_ns : t->cred->user_ns;

		if (!ns_capable(w, t->cred, user_ns, CAP_SYS_ADMIN)) {
			err = -EPERM;
			goto cleanup;
		}
		new_nsproxy = create_new_namespaces(w, flags, t, user_ns,
						    t->cred->euid, &err);
		if (!new_nsproxy)
			goto cleanup;
	}
	if (new_cred) {
		err = set_cred_ucounts(w, new_cred);
		if (err) {
			/*
			 * Before a98621a0f187 (7.0) this path skipped the new
			 * nsproxy: it leaks with its P references.  Since, it is
			 * put_nsproxy()ed, which puts the A references only
			 * switch_task_namespaces() would have taken.
			 */
			if (new_nsproxy && w->v->unshare_ucounts_put_nsproxy)
				put_nsproxy(w, new_nsproxy, "ksys_unshare");
			else if (new_nsproxy)
				nsproxy_leak(w, new_nsproxy);
			goto cleanup;
		}
	}
	/* the commit */
	if (new_nsproxy)
		switch_task_namespaces(w, t, new_nsproxy);
	if (new_fs) {
		struct fs_struct *old = t->fs;

		t->fs = new_fs;
		new_fs = NULL;
		put_fs_struct(w, old, "unshare_fs");
	}
	if (new_fd) {
		struct files *old = t->files;

		t->files = new_fd;
		new_fd = NULL;
		put_files_struct(w, old, NULL);
	}
	if (new_cred) {
		commit_creds(w, t, new_cred);
		new_cred = NULL;
	}
cleanup:
	if (new_cred)
		abort_creds(w, new_cred);
	if (new_fd)
		put_files_struct(w, new_fd, NULL);
	if (new_fs)
		put_fs_struct(w, new_fs, "free_fs_struct");
	return err;
}

int sys_unshare(struct world *w, uint64_t task, uint64_t flags)
{
	struct task *t = event_begin(w, "unshare", task, (int64_t)flags, 0, 0);

	return event_end(w, t ? ksys_unshare(w, t, flags) : -ESRCH);
}

/* ---- exit and reap ---------------------------------------------------- */

static void exit_mm(struct world *w, struct task *t)
{
	struct mm *mm = t->mm;

	if (!mm)
		return;
	/* The task runs on the mm until its last switch; that needs a reference. */
	mmgrab_lazy_tlb(w, mm);
	/* an exited task stays as dumpable as its mm was (measured on 6.18) */
	t->exit_undumpable = mm->dumpable != SUID_DUMP_USER;
	t->mm = NULL;
	if (w->cfg.lazy_tlb == NSS_LAZY_TLB_SHOOTDOWN)
		t->active_mm = NULL;     /* the shootdown IPI moves it to init_mm */
	mmput(w, mm);
}

/* May the parent reap @t?  A leader only once all its threads are gone. */
static bool reapable(const struct task *t)
{
	return t->state == TASK_ZOMBIE && t->threads && t->threads->len == 1;
}

/* do_notify_parent(): true when the child is reaped at once (auto-reap). */
static bool notify_parent_autoreap(struct task *t)
{
	struct task *parent = t->parent;

	return t->exit_signal == -1 || !parent ||
	       (t->exit_signal == SIGCHLD && parent->sigchld_ignored);
}

/*
 * forget_original_parent(): if @father is its pid namespace's init and the
 * last thread of its group, the namespace is zapped; once the whole group
 * is dead its children move to the namespace's reaper (init for the initial
 * pid ns) and zombies among them are reaped if the new parent auto-reaps.
 * Children hang off the group leader in this model, so a group with a live
 * thread keeps them.
 */
static void reparent_children(struct world *w, struct task *father);

static bool forget_original_parent(struct world *w, struct task *father)
{
	struct task *leader = father->group_leader, *alive = NULL;
	struct ns *pid_ns = task_active_pid_ns(father);

	for (guint i = 0; i < leader->threads->len; i++) {
		struct task *th = leader->threads->pdata[i];

		if (th != father && th->state == TASK_RUNNING) {
			alive = th;
			break;
		}
	}
	if (pid_ns->child_reaper == father) {
		if (alive) {
			pid_ns->child_reaper = alive;
		} else {
			zap_pid_ns_processes(w, pid_ns, father);
			sched_run(w, father);
			/*
			 * It sleeps until the namespace has no pid but its own
			 * (pid_allocated == init_pids): zombies whose parent is
			 * outside wait for that parent.  The exit resumes in the
			 * release_task() of the last one (zap_wake).
			 */
			if (pid_ns->nr_hashed > (father == leader ? 1 : 2)) {
				father->zap_waiting = true;
				pid_ns->zap_waiter = father;
				return true;
			}
		}
	}
	if (alive)
		return false;
	reparent_children(w, father);
	return false;
}

/* The rest of forget_original_parent(): the children go to the reaper. */
static void reparent_children(struct world *w, struct task *father)
{
	struct task *leader = father->group_leader, *reaper;
	struct ns *pid_ns = task_active_pid_ns(father);

	/* the namespace's init, even while it zaps the namespace and reaps them */
	reaper = pid_ns->child_reaper;
	if (!reaper || reaper->state == TASK_DEAD || reaper->group_leader == leader)
		reaper = w->init_task;
	reaper = reaper->group_leader;
	for (GList *l; (l = g_queue_pop_head_link(&leader->children));) {
		struct task *c = l->data;

		c->parent = reaper;
		g_queue_push_tail_link(&reaper->children, l);
		if (reapable(c) && notify_parent_autoreap(c))
			task_release(w, c);
	}
}

static void exit_notify_finish(struct world *w, struct task *t);
static void zap_wake(struct world *w, struct ns *ns);

void task_do_exit(struct world *w, struct task *t, int status)
{
	g_autoptr(GPtrArray) task_work = g_ptr_array_new();
	struct files *files = t->files;
	struct fs_struct *fs = t->fs;

	if (t->exiting)
		return;   /* a fatal signal to a task already in do_exit() */
	t->exiting = true;
	sched_run(w, t);
	setns_ops_complete(w, t);     /* the signal waits for the syscall to return */
	t->exit_code = status;
	exit_mm(w, t);
	t->files = NULL;
	put_files_struct(w, files, task_work);         /* exit_files */
	/* its socket's queue goes with the table: fds in flight never received */
	while (!g_queue_is_empty(&t->inbox))
		fput(w, g_queue_pop_head(&t->inbox), task_work);
	t->fs = NULL;
	put_fs_struct(w, fs, "exit_fs");
	switch_task_namespaces(w, t, NULL);            /* exit_nsproxy_namespaces */
	for (guint i = 0; i < task_work->len; i++)     /* exit_task_work */
		fput_final(w, task_work->pdata[i]);

	/* exit_notify() */
	if (forget_original_parent(w, t))
		return;   /* asleep in zap_pid_ns_processes(): exit_notify_finish() later */
	exit_notify_finish(w, t);
}

/* exit_notify() after forget_original_parent(): the zombie, the parent told. */
static void exit_notify_finish(struct world *w, struct task *t)
{
	struct task *leader = t->group_leader;

	t->state = TASK_ZOMBIE;
	notify_object(w, NSS_TASK_EXITED, NSS_OBJ_TASK, t->id);
	sched_task_dead(w, t);
	if (t != leader) {
		task_release(w, t);   /* a thread is always auto-reaped */
		return;
	}
	if (reapable(t) && notify_parent_autoreap(t))
		task_release(w, t);
}

static void delayed_put_task_struct(struct world *w, struct task *t)
{
	put_cred_many(w, t->cred, 2, "exit_creds");
	task_free(w, t);
}

void task_deferred_free(struct world *w, struct task *t)
{
	delayed_put_task_struct(w, t);
}

/*
 * release_task(): unhash the pids, drop the task's A on its user ns, free
 * the struct pids that lost their last task, and leave the task struct to
 * RCU.  If @p was the last thread of a zombie leader, the leader's parent
 * is told now and the leader may be released too.
 */
void task_release(struct world *w, struct task *p)
{
	struct task *leader = p->group_leader;
	struct pid *collected[PIDTYPE_MAX];
	int n = 0;
	bool group_dead = leader->threads->len == 1;
	struct ns *pid_ns = NULL;

	g_assert(p->state == TASK_ZOMBIE);
	pidfs_exit(w, p->pids[PIDTYPE_PID]);
	if (detach_pid(p, PIDTYPE_PID))
		collected[n++] = p->pids[PIDTYPE_PID];
	if (group_dead) {
		for (int type = PIDTYPE_TGID; type < PIDTYPE_MAX; type++) {
			struct pid *pp = p->pids[type];

			if (!pp || (p->is_thread && type != PIDTYPE_TGID))
				continue;
			if (detach_pid(p, type)) {
				bool dup = false;

				for (int i = 0; i < n; i++)
					dup |= collected[i] == pp;
				if (!dup)
					collected[n++] = pp;
			}
		}
	}
	g_ptr_array_remove(leader->threads, p);
	if (!p->is_thread && p->parent)
		g_queue_unlink(&p->parent->children, &p->sibling);
	p->state = TASK_DEAD;
	exit_cred_namespaces(w, p);
	for (int i = 0; i < n; i++) {
		if (i == 0)
			pid_ns = pid_ns_of(collected[i]);
		free_pid(w, collected[i]);
	}
	/* only its own active pid namespace can have it as reaper */
	if (task_active_pid_ns(p)->child_reaper == p)
		task_active_pid_ns(p)->child_reaper = NULL;
	g_queue_unlink(&w->tasks, &p->link);
	g_hash_table_remove(w->task_by_id, &p->id);
	notify_object(w, NSS_TASK_REAPED, NSS_OBJ_TASK, p->id);
	world_queue_deferred(w, DEFER_TASK, p, "delayed_put_task_struct");

	if (p != leader && leader->state == TASK_ZOMBIE && reapable(leader) &&
	    notify_parent_autoreap(leader))
		task_release(w, leader);
	zap_wake(w, pid_ns);
}

/*
 * A pid was freed in @ns and its ancestors: a pid namespace init asleep in
 * zap_pid_ns_processes() until only its own pids are left wakes up and
 * finishes its exit (the rest of forget_original_parent(), exit_notify()).
 * The kernel's wake_up_process() lets it run soon after; the model runs it
 * inside the event that freed the last pid.
 */
static void zap_wake(struct world *w, struct ns *ns)
{
	for (; ns; ns = ns->parent) {
		struct task *r = ns->zap_waiter;

		if (!r || ns->nr_hashed > (r == r->group_leader ? 1 : 2))
			continue;
		ns->zap_waiter = NULL;
		r->zap_waiting = false;
		reparent_children(w, r);
		exit_notify_finish(w, r);
	}
}

int sys_exit(struct world *w, uint64_t task, int code)
{
	struct task *t = event_begin(w, "exit", task, code, 0, 0);

	if (!t)
		return event_end(w, -ESRCH);
	if (t == w->init_task)
		return event_end(w, -EPERM);   /* the kernel would panic */
	task_do_exit(w, t, (code & 0xff) << 8);
	return event_end(w, 0);
}

int sys_exit_group(struct world *w, uint64_t task, int code)
{
	struct task *t = event_begin(w, "exit_group", task, code, 0, 0);
	g_autoptr(GPtrArray) others = NULL;

	if (!t)
		return event_end(w, -ESRCH);
	if (t->group_leader == w->init_task)
		return event_end(w, -EPERM);
	others = g_ptr_array_copy(t->group_leader->threads, NULL, NULL);
	task_do_exit(w, t, (code & 0xff) << 8);
	/* zap_other_threads(): the others die of SIGKILL afterwards. */
	for (guint i = 0; i < others->len; i++) {
		struct task *o = others->pdata[i];

		if (o != t && o->state == TASK_RUNNING)
			task_do_exit(w, o, (code & 0xff) << 8);   /* the group's exit code */
	}
	return event_end(w, 0);
}

static bool in_group(const struct task *a, const struct task *b)
{
	return a->group_leader == b->group_leader;
}

int64_t sys_wait(struct world *w, uint64_t task, uint64_t target, int options)
{
	return sys_wait4(w, task, target, options, NULL);
}

int64_t sys_wait4(struct world *w, uint64_t task, uint64_t target, int options, int *status)
{
	struct task *t = event_begin(w, "wait", task, (int64_t)target, options, 0);
	struct task *leader, *tt = NULL, *found = NULL;
	bool any = false;

	if (!t)
		return event_end(w, -ESRCH);
	leader = t->group_leader;
	if (target) {
		tt = task_lookup(w, target);
		if (!tt || tt->state == TASK_DEAD || tt->is_thread || !tt->parent ||
		    !in_group(tt->parent, leader))
			return event_end(w, -ECHILD);
	}
	if (tt) {
		/* a known child: its parent is in the caller's thread group */
		any = true;
		found = reapable(tt) ? tt : NULL;
	}
	for (GList *l = tt ? NULL : leader->children.head; l; l = l->next) {
		struct task *c = l->data;

		any = true;
		if (reapable(c)) {
			found = c;
			break;
		}
	}
	if (!any)
		return event_end(w, -ECHILD);
	if (!found)
		return event_end(w, (options & NSS_WNOHANG) ? 0 : -EAGAIN);
	target = found->id;
	if (status)
		*status = found->exit_code;
	if (!(options & NSS_WNOWAIT))
		task_release(w, found);
	return event_end(w, (int64_t)target);
}

/* ---- execve ---------------------------------------------------------- */

static int exec_task_namespaces(struct world *w, struct task *t)
{
	struct nsproxy *n;
	int err;

	if (t->nsproxy->slot[SLOT_TIME_FOR_CHILDREN] == t->nsproxy->slot[SLOT_TIME])
		return 0;
	n = create_new_namespaces(w, 0, t, t->cred->user_ns, t->cred->euid, &err);
	if (!n)
		return err;
	timens_on_fork(w, n);
	switch_task_namespaces(w, t, n);
	return 0;
}

/*
 * execve(): the new creds are prepared before de_thread(), and a failure to
 * set up the time namespace ends the exec before the new mm is installed
 * (nssim does not model the point of no return in between).
 */
int sys_execve(struct world *w, uint64_t task)
{
	struct task *t = event_begin(w, "execve", task, 0, 0, 0);
	struct mm *old;
	struct cred *new;
	int64_t root;
	int err;
	g_autoptr(GPtrArray) closed = g_ptr_array_new();

	if (!t)
		return event_end(w, -ESRCH);
	if (t != t->group_leader)
		return event_end(w, -ENOSYS);   /* de_thread's pid swap: not modelled */
	/* prepare_exec_creds(); caps as for a binary without file caps. */
	new = prepare_creds(w, t->cred, "prepare_exec_creds");
	if (!new)
		return event_end(w, -ENOMEM);
	root = make_kid(new->user_ns, 0, false);
	if (new->euid == root || new->uid == root)
		new->cap_permitted = CAP_FULL_SET;
	else
		new->cap_permitted = 0;
	new->cap_effective = new->euid == root ? new->cap_permitted : 0;
	/* de_thread(): the other threads are killed and released. */
	while (t->threads->len > 1) {
		struct task *o = t->threads->pdata[t->threads->len - 1];

		task_do_exit(w, o, 9);
		sched_run(w, t);
	}
	unshare_files(w, t);                /* a CLONE_FILES table becomes private */
	old = t->mm;
	t->mm = t->active_mm = mm_alloc(w, t->cred->user_ns, "mm_alloc");
	mmput(w, old);                      /* exec_mmap */
	/* begin_new_exec(): dumpable unless the task runs with split ids */
	t->mm->dumpable = t->cred->euid == t->cred->uid && t->cred->egid == t->cred->gid
			  ? SUID_DUMP_USER : SUID_DUMP_DISABLE;
	err = exec_task_namespaces(w, t);
	if (err) {
		abort_creds(w, new);
		return event_end(w, err);
	}
	/* pidfds and related-ns fds are O_CLOEXEC; their final fputs are task work */
	do_close_on_exec(w, t->files, closed);
	commit_creds(w, t, new);
	for (guint i = 0; i < closed->len; i++)
		fput_final(w, closed->pdata[i]);
	return event_end(w, 0);
}

/* ---- introspection --------------------------------------------------- */

enum nss_task_state nss_task_state(const struct world *w, uint64_t task)
{
	struct task *t = task_lookup(w, task);

	if (!t || t->state == TASK_DEAD)
		return NSS_TASK_NONE;
	if (t->zap_waiting)
		return NSS_TASK_EXITING;
	return t->state == TASK_ZOMBIE ? NSS_TASK_ZOMBIE : NSS_TASK_RUNNING;
}

uint64_t nss_task_parent(const struct world *w, uint64_t task)
{
	struct task *t = task_lookup(w, task);

	return t && t->parent ? t->parent->id : 0;
}

/*
 * kill(): a fatal signal to @target's thread group (the model has no signal
 * handlers): every thread exits.  Permission as kill_ok_by_cred(): the
 * sender's uid or euid matches the target's uid or suid, or CAP_KILL.
 */
/* The signal itself, once the target is found: permission, then the group exits. */
static int kill_task(struct world *w, struct task *t, struct task *tt, int sig)
{
	g_autoptr(GPtrArray) threads = NULL;
	const struct cred *c = t->cred, *tc = tt->cred;
	struct task *leader;

	if (sig < 0 || sig > 64)
		return -EINVAL;
	if (!(c->euid == tc->suid || c->euid == tc->uid || c->uid == tc->suid ||
	      c->uid == tc->uid || ns_capable(w, c, tc->user_ns, 5 /* CAP_KILL */)))
		return -EPERM;
	leader = tt->group_leader;
	if (sig == 0 || leader == w->init_task)
		return 0;   /* a probe; init ignores fatal signals */
	/* SIGNAL_UNKILLABLE: a pid namespace's init ignores signals from inside it */
	if (task_active_pid_ns(tt)->child_reaper == leader &&
	    task_active_pid_ns(t) == task_active_pid_ns(tt))
		return 0;
	threads = g_ptr_array_copy(leader->threads, NULL, NULL);
	for (guint i = 0; i < threads->len; i++) {
		struct task *th = threads->pdata[i];

		if (th->state == TASK_RUNNING)
			task_do_exit(w, th, sig);   /* the wait status of a death by signal */
	}
	/* the caller runs on, unless it was among the dead (its CPU went idle) */
	if (t->state == TASK_RUNNING && !t->exiting)
		sched_run(w, t);
	return 0;
}

int sys_kill(struct world *w, uint64_t task, uint64_t target, int sig)
{
	struct task *t = event_begin(w, "kill", task, (int64_t)target, sig, 0);
	struct task *tt;

	if (!t)
		return event_end(w, -ESRCH);
	tt = task_lookup(w, target);
	if (!tt || tt->state == TASK_DEAD ||
	    !pid_nr_ns(tt->pids[PIDTYPE_PID], task_active_pid_ns(t)))
		return event_end(w, -ESRCH);
	return event_end(w, kill_task(w, t, tt, sig));
}

/*
 * pidfd_send_signal(pidfd, sig, NULL, 0): the pidfd's task, which must
 * still have its pid (ESRCH once reaped) and be visible from the caller's
 * pid namespace (access_pidfd_pidns(): EINVAL); then as kill().
 */
int sys_pidfd_send_signal(struct world *w, uint64_t task, int pidfd, int sig)
{
	struct task *t, *tt = NULL;
	struct file *pf;
	int err = event_begin_fd(w, "pidfd_send_signal", task, pidfd, sig, 0, &t, &pf);

	if (err)
		return event_end(w, err);
	if (pf->kind != FILE_PIDFD)
		return event_end(w, -EBADF);
	tt = pid_task(w, pf->pid);
	if (!tt)
		return event_end(w, -ESRCH);
	if (!pid_nr_ns(pf->pid, task_active_pid_ns(t)))
		return event_end(w, -EINVAL);
	return event_end(w, kill_task(w, t, tt, sig));
}

/*
 * prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) and PR_GET_NO_NEW_PRIVS: a flag of
 * the task, inherited by its children, that only goes on (any other
 * argument: EINVAL).  It changes no namespace counter; it is here because
 * the kernel's tests set it before they unshare.
 */
int sys_no_new_privs(struct world *w, uint64_t task, int set, int value)
{
	struct task *t = event_begin(w, "prctl", task, set ? 38 : 39, value, 0);

	if (!t)
		return event_end(w, -ESRCH);
	if (!set)
		return event_end(w, t->no_new_privs);
	if (value != 1)
		return event_end(w, -EINVAL);
	t->no_new_privs = true;
	return event_end(w, 0);
}

int sys_sigchld_ignore(struct world *w, uint64_t task, bool ignore)
{
	struct task *t = event_begin(w, "sigaction", task, ignore, 0, 0);

	if (!t)
		return event_end(w, -ESRCH);
	t->group_leader->sigchld_ignored = ignore;
	return event_end(w, 0);
}

GArray *nss_task_ids(const struct world *w)
{
	GArray *ids = g_array_new(FALSE, FALSE, sizeof(uint64_t));

	for (GList *l = w->tasks.head; l; l = l->next) {
		struct task *t = l->data;

		if (t->state != TASK_DEAD)
			g_array_append_val(ids, t->id);
	}
	return ids;
}
