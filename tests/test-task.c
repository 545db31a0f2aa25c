// SPDX-License-Identifier: MIT
/*
 * test-task.c - clone, unshare, threads, exit versus reap, pidfds, /proc
 * ns opens, credentials, limits; every errno path and API misuse.
 */
#include "helpers.h"

#define THREAD_FLAGS (NSS_CLONE_THREAD | NSS_CLONE_SIGHAND | NSS_CLONE_VM | \
		      NSS_CLONE_FS | NSS_CLONE_FILES)

/* A thread that unshares gets a private nsproxy; its exit deactivates it. */
static void test_thread_unshare_exit(void **state)
{
	struct fx *f = *state;
	uint64_t c = fork_ok(f, f->init, NSS_CLONE_NEWUSER);
	uint64_t th = fork_ok(f, c, THREAD_FLAGS);
	uint64_t n;

	assert_int_equal(nss_task_ns(f->w, th, "net"), nss_task_ns(f->w, c, "net"));
	assert_int_equal(sys_unshare(f->w, th, NSS_CLONE_NEWNET), 0);
	n = ns_of(f, th, "net");
	assert_int_not_equal(n, nss_task_ns(f->w, c, "net"));
	assert_ns(f, n, 1, 1);
	/* the thread exits: auto-reaped, its nsproxy dies, n goes inactive */
	assert_int_equal(sys_exit(f->w, th, 0), 0);
	assert_int_equal(nss_task_state(f->w, th), NSS_TASK_NONE);
	assert_int_equal(nss_task_state(f->w, c), NSS_TASK_RUNNING);
	assert_ns(f, n, 0, 0);
	assert_clean(f);
}

/* ... unless an fd holds it. */
static void test_thread_fd_keeps_active(void **state)
{
	struct fx *f = *state;
	uint64_t c = fork_ok(f, f->init, 0);
	uint64_t th = fork_ok(f, c, THREAD_FLAGS);
	uint64_t n;
	int fd;

	assert_int_equal(sys_unshare(f->w, th, NSS_CLONE_NEWNET), 0);
	n = ns_of(f, th, "net");
	fd = sys_open_ns(f->w, th, th, "net");
	assert_true(fd >= 0);
	assert_int_equal(sys_exit(f->w, th, 0), 0);
	assert_ns(f, n, 1, 1);
	assert_int_equal(sys_close(f->w, c, fd), 0);   /* the table is shared */
	assert_ns(f, n, 0, 0);
	assert_clean(f);
}

/* Threads share cred and nsproxy, each has its own struct pid and A. */
static void test_thread_counts(void **state)
{
	struct fx *f = *state;
	uint64_t c = fork_ok(f, f->init, NSS_CLONE_NEWUSER | NSS_CLONE_NEWPID);
	uint64_t u = ns_of(f, c, "user"), pn = ns_of(f, c, "pid");
	uint64_t th = fork_ok(f, c, THREAD_FLAGS);

	assert_ns(f, u, 3, 3);    /* P: cred, pid ns, ucounts; A: 2 tasks + active pid ns */
	assert_ns(f, pn, 3, 3);   /* P,A: nsproxy slot, 2 struct pids */
	assert_int_equal(nss_task_pid_nr(f->w, th), 2);
	/* the leader exits first: a zombie until the thread is gone */
	assert_int_equal(sys_exit(f->w, c, 0), 0);
	assert_int_equal(sys_wait(f->w, f->init, c, NSS_WNOHANG), 0);
	assert_int_equal(sys_exit(f->w, th, 0), 0);
	assert_int_equal(sys_wait(f->w, f->init, c, 0), (int64_t)c);
	assert_ns(f, u, 3, 0);
	assert_ns(f, pn, 2, 0);
	assert_clean(f);
}

/* Exit drops the nsproxy's A; reap drops the cred's and the pid's. */
static void test_exit_versus_reap(void **state)
{
	struct fx *f = *state;
	uint64_t c = fork_ok(f, f->init, NSS_CLONE_NEWUSER | NSS_CLONE_NEWPID |
				     NSS_CLONE_NEWNET | NSS_CLONE_NEWUTS);
	uint64_t u = ns_of(f, c, "user"), pn = ns_of(f, c, "pid");
	uint64_t n = ns_of(f, c, "net"), uts = ns_of(f, c, "uts");

	assert_int_equal(sys_exit(f->w, c, 0), 0);
	assert_ns(f, n, 0, 0);             /* dying: cleanup_net is queued */
	assert_ns_gone(f, uts);            /* freed at once */
	assert_ns(f, pn, 1, 1);            /* the zombie's struct pid */
	assert_ns(f, u, 4, 2);             /* P: cred, pid ns, dying net, ucounts; A: cred, pid ns */
	/* a zombie's /proc ns: user and pid only (observed on 6.18) */
	assert_int_equal(sys_open_ns(f->w, f->init, c, "net"), -ENOENT);
	assert_int_equal(sys_open_ns(f->w, f->init, c, "pid_for_children"), -ENOENT);
	{
		int a = sys_open_ns(f->w, f->init, c, "user");
		int b = sys_open_ns(f->w, f->init, c, "pid");

		assert_true(a >= 0 && b >= 0);
		assert_int_equal(sys_close(f->w, f->init, a), 0);
		assert_int_equal(sys_close(f->w, f->init, b), 0);
	}
	assert_int_equal(sys_wait(f->w, f->init, c, 0), (int64_t)c);
	assert_ns(f, pn, 1, 0);
	{
		struct nss_ns_info i;

		assert_true(nss_ns_info(f->w, u, &i));
		assert_int_equal(i.active, 0);
	}
	world_run_deferred(f->w, 0);
	assert_ns_gone(f, u);
	assert_ns_gone(f, pn);
	assert_clean(f);
}

static void test_clone_errors(void **state)
{
	struct fx *f = *state;
	struct world *w = f->w;
	uint64_t i = f->init;
	uint64_t c;

	assert_int_equal(sys_clone(w, i, 0x1, NULL), -EINVAL);
	assert_int_equal(sys_clone(w, i, NSS_CLONE_NEWNS | NSS_CLONE_FS, NULL), -EINVAL);
	assert_int_equal(sys_clone(w, i, NSS_CLONE_NEWUSER | NSS_CLONE_FS, NULL), -EINVAL);
	assert_int_equal(sys_clone(w, i, NSS_CLONE_THREAD | NSS_CLONE_VM, NULL), -EINVAL);
	assert_int_equal(sys_clone(w, i, NSS_CLONE_SIGHAND, NULL), -EINVAL);
	assert_int_equal(sys_clone(w, i, THREAD_FLAGS | NSS_CLONE_NEWPID, NULL), -EINVAL);
	assert_int_equal(sys_clone(w, i, NSS_CLONE_THREAD | NSS_CLONE_SIGHAND | NSS_CLONE_VM |
				   NSS_CLONE_NEWUSER, NULL), -EINVAL);
	assert_int_equal(sys_clone(w, i, NSS_CLONE_NEWIPC | NSS_CLONE_SYSVSEM, NULL), -EINVAL);
	assert_int_equal(sys_clone(w, i, NSS_CLONE_PARENT, NULL), -EINVAL);   /* init */
	/* after unshare(NEWPID) no threads, a second NEWPID unshare fails */
	c = fork_ok(f, i, 0);
	assert_int_equal(sys_unshare(w, c, NSS_CLONE_NEWPID), 0);
	assert_int_equal(sys_clone(w, c, THREAD_FLAGS, NULL), -EINVAL);
	assert_int_equal(sys_unshare(w, c, NSS_CLONE_NEWPID), -EINVAL);
	assert_int_equal(sys_open_ns(w, c, c, "pid_for_children"), -ENOENT);
	fork_ok(f, c, 0);
	assert_true(sys_open_ns(w, c, c, "pid_for_children") >= 0);
	/* unprivileged: EPERM without a user ns, fine with one */
	c = fork_ok(f, i, 0);
	assert_int_equal(sys_setuid(w, c, 1000), 0);
	assert_int_equal(sys_clone(w, c, NSS_CLONE_NEWNET, NULL), -EPERM);
	assert_int_equal(sys_unshare(w, c, NSS_CLONE_NEWNET), -EPERM);
	assert_true(sys_clone(w, c, NSS_CLONE_NEWUSER | NSS_CLONE_NEWNET, NULL) > 0);
	/*
	 * After setuid() the mm is not dumpable, nor is a fork's copy of it:
	 * /proc/<pid>/uid_map then belongs to root, and even the task itself
	 * may not open it for writing (EACCES, as a 6.18 kernel answers).
	 * execve() makes the mm dumpable again.
	 */
	{
		uint64_t u0 = fork_ok(f, c, NSS_CLONE_NEWUSER);

		assert_int_equal(sys_write_id_map(w, u0, u0, false, 0, 1000, 1), -EACCES);
		assert_int_equal(sys_write_id_map(w, c, u0, false, 0, 1000, 1), -EACCES);
	}
	assert_int_equal(sys_execve(w, c), 0);
	/* a nested user ns needs the creator's uid mapped */
	{
		uint64_t u1 = fork_ok(f, c, NSS_CLONE_NEWUSER);

		assert_int_equal(sys_clone(w, u1, NSS_CLONE_NEWUSER, NULL), -EPERM);
		assert_int_equal(sys_unshare(w, u1, NSS_CLONE_NEWUSER), -EPERM);
		assert_int_equal(sys_setuid(w, u1, 0), -EINVAL);   /* unmapped */
		assert_int_equal(sys_write_id_map(w, u1, u1, false, 0, 1000, 1), 0);
		assert_int_equal(sys_write_id_map(w, u1, u1, false, 0, 1000, 1), -EPERM);
		assert_int_equal(sys_write_id_map(w, u1, u1, true, 0, 1000, 1), -EPERM);
		assert_int_equal(sys_write_id_map(w, u1, u1, true, 0, 0, 0), -EINVAL);
		/* its own gid (root's, 0): only once setgroups is denied */
		assert_int_equal(sys_write_id_map(w, c, u1, true, 0, 0, 1), -EPERM);
		assert_int_equal(sys_write_setgroups(w, c, u1, true), 0);
		assert_int_equal(sys_write_setgroups(w, c, u1, false), -EPERM);
		assert_int_equal(sys_write_id_map(w, c, u1, true, 0, 0, 1), 0);
		assert_int_equal(sys_write_setgroups(w, c, u1, true), -EPERM);
		assert_int_equal(sys_setuid(w, u1, 0), 0);
		assert_true(sys_clone(w, u1, NSS_CLONE_NEWUSER, NULL) > 0);
	}
	assert_clean(f);
}

/* Nesting limits: 33 user namespace levels, 32 pid namespace levels. */
static void test_depth_limits(void **state)
{
	struct fx *f = *state;
	uint64_t t;
	int levels, err;

	/* Nested levels need the maps, written from the parent user ns. */
	t = fork_ok(f, f->init, 0);
	for (levels = 0;; levels++) {
		uint64_t c = sys_clone(f->w, t, NSS_CLONE_NEWUSER, NULL);

		if ((int64_t)c < 0) {
			err = (int)(int64_t)c;
			break;
		}
		assert_int_equal(sys_write_id_map(f->w, t, c, false, 0, 0, 1), 0);
		assert_int_equal(sys_write_id_map(f->w, t, c, true, 0, 0, 1), 0);
		t = c;
	}
	assert_int_equal(err, -ENOSPC);
	assert_int_equal(levels, 33);

	t = fork_ok(f, f->init, 0);
	for (levels = 0;; levels++) {
		err = sys_unshare(f->w, t, NSS_CLONE_NEWPID);
		if (err)
			break;
		t = fork_ok(f, t, 0);
	}
	assert_int_equal(err, -ENOSPC);
	assert_int_equal(levels, 32);
	assert_clean(f);
}

/* max_<type>_namespaces, per user namespace and creator (ucounts). */
static void test_ns_limits(void **state)
{
	struct fx *f = *state;
	uint64_t c = fork_ok(f, f->init, NSS_CLONE_NEWUSER);
	uint64_t a = fork_ok(f, c, 0), g;
	int fd;

	assert_int_equal(sys_set_max_namespaces(f->w, c, NS_NET, 1), 0);
	assert_int_equal(sys_set_max_namespaces(f->w, c, NS_NET, -1), -EINVAL);
	assert_int_equal(sys_unshare(f->w, a, NSS_CLONE_NEWNET), 0);
	fd = sys_open_ns(f->w, c, a, "net");
	assert_true(fd >= 0);
	assert_int_equal(sys_unshare(f->w, c, NSS_CLONE_NEWNET), -ENOSPC);
	assert_int_equal(sys_clone(f->w, c, NSS_CLONE_NEWNET, NULL), -ENOSPC);
	assert_int_equal(sys_unshare(f->w, c, NSS_CLONE_NEWUTS), 0);
	/* the charge goes when the net ns is freed, not when it goes inactive */
	assert_int_equal(sys_exit(f->w, a, 0), 0);
	assert_int_equal(sys_wait(f->w, c, a, 0), (int64_t)a);
	assert_int_equal(sys_close(f->w, c, fd), 0);
	assert_int_equal(sys_unshare(f->w, c, NSS_CLONE_NEWNET), -ENOSPC);
	world_run_deferred(f->w, 0);   /* cleanup_net */
	assert_int_equal(sys_unshare(f->w, c, NSS_CLONE_NEWNET), 0);
	/* an unprivileged task cannot raise its limits */
	g = fork_ok(f, f->init, 0);
	assert_int_equal(sys_setuid(f->w, g, 1000), 0);
	assert_int_equal(sys_set_max_namespaces(f->w, g, NS_NET, 5), -EACCES);
	assert_clean(f);
}

static void test_wait_and_misuse(void **state)
{
	struct fx *f = *state;
	struct world *w = f->w;
	uint64_t c = fork_ok(f, f->init, NSS_CLONE_NEWNET);
	uint64_t g = fork_ok(f, c, 0);
	int fd = sys_open_ns(w, f->init, c, "net");

	assert_int_equal(sys_wait(w, f->init, c, 0), -EAGAIN);
	assert_int_equal(sys_wait(w, f->init, c, NSS_WNOHANG), 0);
	assert_int_equal(sys_wait(w, f->init, g, 0), -ECHILD);     /* grandchild */
	assert_int_equal(sys_wait(w, g, 0, 0), -ECHILD);           /* no children */
	assert_int_equal(sys_wait(w, f->init, 12345, 0), -ECHILD);
	assert_int_equal(sys_exit(w, c, 0), 0);
	assert_int_equal(sys_exit(w, c, 0), -ESRCH);               /* exited already */
	assert_int_equal(sys_exit(w, f->init, 0), -EPERM);
	assert_int_equal(sys_wait(w, f->init, 0, 0), (int64_t)c);
	assert_int_equal(sys_wait(w, f->init, c, 0), -ECHILD);     /* reaped twice */
	/* g was reparented to init */
	assert_int_equal(sys_exit(w, g, 0), 0);
	assert_int_equal(sys_wait(w, f->init, g, 0), (int64_t)g);
	assert_int_equal(sys_close(w, f->init, fd), 0);
	assert_int_equal(sys_close(w, f->init, fd), -EBADF);       /* closed twice */
	assert_int_equal(sys_dup(w, f->init, fd), -EBADF);
	assert_int_equal(sys_close(w, 999, 0), -ESRCH);
	assert_int_equal(sys_open_ns(w, f->init, c, "net"), -ENOENT);
	assert_int_equal(sys_open_ns(w, f->init, f->init, "bogus"), -ENOENT);
	assert_int_equal(sys_setns(w, f->init, 42, 0), -EBADF);
	assert_int_equal(sys_ioctl(w, f->init, 42, NSS_SIOCGSKNS), -EBADF);
	assert_int_equal(sys_socket(w, f->init, 12345), -EAFNOSUPPORT);
	assert_int_equal(world_check(w), 0);
	assert_clean(f);
}

static void test_pidfd(void **state)
{
	struct fx *f = *state;
	struct world *w = f->w;
	uint64_t c = fork_ok(f, f->init, NSS_CLONE_NEWPID);
	uint64_t th = fork_ok(f, c, THREAD_FLAGS);
	uint64_t pn = ns_of(f, c, "pid");
	int pfd, cfd = -1;
	int64_t k;

	assert_int_equal(sys_pidfd_open(w, f->init, c, 0x1), -EINVAL);
	assert_int_equal(sys_pidfd_open(w, f->init, th, 0), -ENOENT);
	assert_true(sys_pidfd_open(w, f->init, th, 0x80) >= 0);   /* PIDFD_THREAD */
	assert_int_equal(sys_exit(w, th, 0), 0);
	assert_int_equal(sys_exit(w, c, 0), 0);
	pfd = sys_pidfd_open(w, f->init, c, 0);                     /* zombie: fine */
	assert_true(pfd >= 0);
	assert_int_equal(sys_wait(w, f->init, c, 0), (int64_t)c);
	assert_int_equal(sys_pidfd_open(w, f->init, c, 0), -ESRCH);
	world_run_deferred(w, 0);
	/* the pidfds' struct pids keep the pid ns in memory, not active */
	assert_ns(f, pn, 2, 0);
	assert_int_equal(sys_close(w, f->init, pfd), 0);
	assert_int_equal(sys_close(w, f->init, pfd - 1), 0);
	assert_ns_gone(f, pn);
	/* CLONE_PIDFD */
	k = sys_clone(w, f->init, NSS_CLONE_PIDFD, &cfd);
	assert_true(k > 0 && cfd >= 0);
	assert_int_equal(sys_setns(w, f->init, cfd, NSS_CLONE_NEWNET), 0);
	assert_clean(f);
}

static void test_creds(void **state)
{
	struct fx *f = *state;
	struct world *w = f->w;
	uint64_t c = fork_ok(f, f->init, NSS_CLONE_NEWUSER);
	uint64_t u = ns_of(f, c, "user");
	uint64_t r;

	assert_int_equal(sys_write_id_map(w, f->init, c, false, 0, 1000, 10), 0);
	assert_int_equal(sys_write_id_map(w, f->init, c, true, 0, 1000, 10), 0);
	assert_ns(f, u, 2, 1);
	assert_int_equal(sys_setuid(w, c, 0), 0);
	assert_int_equal(sys_setgid(w, c, 3), 0);
	assert_int_equal(sys_setresgid(w, c, 4, 4, 4), 0);
	assert_int_equal(sys_setresuid(w, c, 1, 2, 3), 0);      /* drops the caps */
	assert_int_equal(sys_setresuid(w, c, 1, 2, 3), 0);      /* a no-op */
	assert_int_equal(sys_setfsuid(w, c, 3), 2);             /* returns the old fsuid */
	assert_int_equal(sys_setresuid(w, c, 0, -1, -1), -EPERM);
	assert_int_equal(sys_setuid(w, c, 50), -EINVAL);        /* unmapped */
	assert_int_equal(sys_setresuid(w, c, 3, -1, -1), 0);    /* the saved uid */
	assert_int_equal(sys_setgid(w, c, 9), -EPERM);
	/*
	 * none of it moved A; 7 replaced or aborted creds free after RCU.  Each
	 * real uid the cred took (kuid 0, 1000, 1001, 1003) has its struct
	 * ucounts in U, alive while a cred of it is: 4 more P.
	 */
	assert_ns(f, u, 12, 1);
	world_run_deferred(w, 0);
	assert_ns(f, u, 2, 1);     /* the cred and its ucounts (U, 1003) */
	r = sys_wait(w, f->init, c, NSS_WNOHANG);
	assert_int_equal(r, 0);
	assert_int_equal(sys_exit(w, c, 0), 0);
	assert_int_equal(sys_wait(w, f->init, c, 0), (int64_t)c);
	assert_ns(f, u, 2, 0);
	world_run_deferred(w, 0);
	assert_ns_gone(f, u);
	assert_clean(f);
}

/* A pid namespace's init dying reaps everything below it, grandchildren too. */
static void test_zap_reaps_descendants(void **state)
{
	struct fx *f = *state;
	uint64_t c = fork_ok(f, f->init, NSS_CLONE_NEWPID);
	uint64_t pn = ns_of(f, c, "pid");
	uint64_t g = fork_ok(f, c, 0);
	uint64_t gg = fork_ok(f, g, 0);

	/* signals from inside do not kill the namespace's init */
	assert_int_equal(sys_kill(f->w, g, c, 9), 0);
	assert_int_equal(nss_task_state(f->w, c), NSS_TASK_RUNNING);
	assert_int_equal(sys_exit(f->w, c, 0), 0);
	assert_int_equal(nss_task_state(f->w, g), NSS_TASK_NONE);
	assert_int_equal(nss_task_state(f->w, gg), NSS_TASK_NONE);
	assert_int_equal(sys_wait(f->w, f->init, c, 0), (int64_t)c);
	assert_ns(f, pn, 3, 0);         /* three struct pids wait for RCU */
	world_run_deferred(f->w, 0);
	assert_ns_gone(f, pn);
	assert_clean(f);
}

/* setfsuid() and a refused capset() still prepare a cred, dropped after RCU. */
static void test_prepared_creds(void **state)
{
	struct fx *f = *state;
	uint64_t c = fork_ok(f, f->init, NSS_CLONE_NEWUSER);
	uint64_t u = ns_of(f, c, "user");

	assert_ns(f, u, 2, 1);
	assert_int_equal(sys_setfsuid(f->w, c, 0), 65534);    /* unmapped: no cred */
	assert_ns(f, u, 2, 1);
	assert_int_equal(sys_capset(f->w, c, 0, 0), 0);
	assert_int_equal(sys_capset(f->w, c, 1, 1), -EPERM);
	assert_ns(f, u, 4, 1);          /* the replaced and the refused cred */
	world_run_deferred(f->w, 0);
	assert_ns(f, u, 2, 1);
	assert_clean(f);
}

/*
 * Tasks start with the console as fds 0, 1 and 2 (console_on_rootfs), so a
 * first open gets fd 3 as in a real process; fork copies them (dup_fd: one
 * file count per table), and they close like any fd.
 */
static void test_console_fds(void **state)
{
	struct fx *f = *state;
	struct world *w = f->w;
	uint64_t c = fork_ok(f, f->init, 0), ino0, ino2, dev;
	int before = f->rec.transitions->len, dup_fds = 0;

	assert_int_equal(sys_open_ns(w, f->init, 0, "net"), 3);
	assert_int_equal(sys_fstat(w, c, 0, &ino0, &dev), 0);
	assert_int_equal(sys_fstat(w, c, 2, &ino2, &dev), 0);
	assert_int_equal(ino0, ino2);                 /* one file behind the three fds */
	assert_int_equal(sys_close(w, c, 1), 0);
	assert_int_equal(sys_open_ns(w, c, 0, "net"), 1);   /* the lowest free fd */
	assert_int_equal(sys_close(w, c, 1), 0);
	(void)fork_ok(f, c, 0);
	for (guint i = before; i < f->rec.transitions->len; i++) {
		struct nss_transition *t = &g_array_index(f->rec.transitions, struct nss_transition, i);

		if (t->kind == OBJ_FILE && !strcmp(t->site, "dup_fd"))
			dup_fds++;
	}
	assert_int_equal(dup_fds, 2);                 /* c's table has fds 0 and 2 left */
	assert_clean(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_console_fds, fx_setup_619, fx_teardown),
		cmocka_unit_test_setup_teardown(test_thread_unshare_exit, fx_setup_619, fx_teardown),
		cmocka_unit_test_setup_teardown(test_thread_fd_keeps_active, fx_setup_619, fx_teardown),
		cmocka_unit_test_setup_teardown(test_thread_counts, fx_setup_619, fx_teardown),
		cmocka_unit_test_setup_teardown(test_exit_versus_reap, fx_setup_619, fx_teardown),
		cmocka_unit_test_setup_teardown(test_clone_errors, fx_setup_619, fx_teardown),
		cmocka_unit_test_setup_teardown(test_clone_errors, fx_setup_618, fx_teardown),
		cmocka_unit_test_setup_teardown(test_depth_limits, fx_setup_619, fx_teardown),
		cmocka_unit_test_setup_teardown(test_ns_limits, fx_setup_619, fx_teardown),
		cmocka_unit_test_setup_teardown(test_wait_and_misuse, fx_setup_619, fx_teardown),
		cmocka_unit_test_setup_teardown(test_wait_and_misuse, fx_setup_618, fx_teardown),
		cmocka_unit_test_setup_teardown(test_pidfd, fx_setup_619, fx_teardown),
		cmocka_unit_test_setup_teardown(test_creds, fx_setup_619, fx_teardown),
		cmocka_unit_test_setup_teardown(test_zap_reaps_descendants, fx_setup_619, fx_teardown),
		cmocka_unit_test_setup_teardown(test_prepared_creds, fx_setup_619, fx_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
