// SPDX-License-Identifier: MIT
/*
 * test-setns.c - setns() from nsfs fds and pidfds, its validation errors,
 * and the failure-path bug of 6.19-prefix (kernel-model.md §9.1).
 */
#include "helpers.h"

/* A child in its own user and net namespace, as the syzbot reproducer. */
static uint64_t userns_child(struct fx *f)
{
	uint64_t c = fork_ok(f, f->init, 0);

	assert_int_equal(sys_unshare(f->w, c, NSS_CLONE_NEWUSER | NSS_CLONE_NEWNET), 0);
	return c;
}

static void test_failure_path_prefix(void **state)
{
	struct fx *f = *state;
	uint64_t c = userns_child(f);
	uint64_t u = ns_of(f, c, "user"), n = ns_of(f, c, "net");
	int fd, time_active;

	assert_ns(f, n, 1, 1);
	assert_ns(f, u, 3, 2);
	fd = sys_open_ns(f->w, c, c, "user");
	assert_true(fd >= 0);
	assert_ns(f, u, 4, 3);
	assert_clean(f);
	{
		/* the initial time ns sits twice in every nsproxy, kdevtmpfs's too */
		struct nss_ns_info i;

		assert_true(nss_ns_info(f->w, 6, &i));
		time_active = i.active;
	}

	/* already in this user ns: EINVAL after prepare_nsset */
	assert_int_equal(sys_setns(f->w, c, fd, NSS_CLONE_NEWUSER), -EINVAL);
	assert_ns(f, n, 1, 0);     /* in use, yet inactive */
	assert_ns(f, u, 5, 2);     /* the cascade took the net ns' share */
	world_run_deferred(f->w, 0);   /* the prepared cred goes after RCU */
	assert_ns(f, u, 4, 2);
	assert_int_equal(n_violations_on(f, "active-recount", n), 1);
	assert_int_equal(n_violations(f, "active-negative"), 0);

	/* a second failure takes it negative */
	assert_int_equal(sys_setns(f->w, c, fd, NSS_CLONE_NEWUSER), -EINVAL);
	{
		struct nss_ns_info i;

		assert_true(nss_ns_info(f->w, n, &i));
		assert_int_equal(i.active, -1);
	}
	assert_int_equal(n_violations_on(f, "active-negative", n), 1);
	/* two failures took 4 from it; kdevtmpfs's share keeps it above 0 */
	{
		struct nss_ns_info i;

		assert_true(nss_ns_info(f->w, 6, &i));
		assert_int_equal(i.active, time_active - 4);
		assert_true(i.active > 0);
	}
	assert_int_equal(n_violations_on(f, "active-negative", 6), 0);
}

static void test_failure_path_619(void **state)
{
	struct fx *f = *state;
	uint64_t c = userns_child(f);
	uint64_t u = ns_of(f, c, "user"), n = ns_of(f, c, "net");
	int fd = sys_open_ns(f->w, c, c, "user");
	uint64_t before = world_transition_count(f->w);

	assert_int_equal(sys_setns(f->w, c, fd, NSS_CLONE_NEWUSER), -EINVAL);
	assert_int_equal(sys_setns(f->w, c, fd, NSS_CLONE_NEWUSER), -EINVAL);
	assert_ns(f, n, 1, 1);
	assert_ns(f, u, 6, 3);     /* two aborted creds wait for RCU */
	world_run_deferred(f->w, 0);
	assert_ns(f, u, 4, 3);
	/* the prepared copy moved P and its count, never A */
	for (guint i = 0; i < f->rec.transitions->len; i++) {
		struct nss_transition *t =
			&g_array_index(f->rec.transitions, struct nss_transition, i);

		if (t->seq > before)
			assert_int_not_equal(t->counter, CTR_ACTIVE);
	}
	assert_clean(f);
}

/* The same failure through a permission error (EPERM), on both variants. */
static void test_failure_eperm(void **state)
{
	struct fx *f = *state;
	uint64_t c = fork_ok(f, f->init, NSS_CLONE_NEWUSER | NSS_CLONE_NEWNET);
	uint64_t other = fork_ok(f, f->init, NSS_CLONE_NEWNET);
	uint64_t n = ns_of(f, c, "net");
	/*
	 * c may not open /proc/<other>/ns/net itself (commoncap: other's user ns
	 * is not c's and c has no CAP_SYS_PTRACE there): init hands it over.
	 */
	int fd0 = sys_open_ns(f->w, f->init, other, "net"), fd;

	assert_int_equal(sys_open_ns(f->w, c, other, "net"), -EACCES);
	assert_true(fd0 >= 0);
	fd = sys_send_fd(f->w, f->init, fd0, c, false);
	assert_true(fd >= 0);
	assert_int_equal(sys_close(f->w, f->init, fd0), 0);
	/* c has CAP_SYS_ADMIN only in its own user ns, not over init_user_ns */
	assert_int_equal(sys_setns(f->w, c, fd, 0), -EPERM);
	if (world_variant(f->w)->nsset_free_puts_active) {
		assert_ns(f, n, 1, 0);
		assert_true(n_violations(f, "active-recount") > 0);
	} else {
		assert_ns(f, n, 1, 1);
		assert_clean(f);
	}
}

static void test_setns_nsfs_success(void **state)
{
	struct fx *f = *state;
	uint64_t c = fork_ok(f, f->init, NSS_CLONE_NEWNET | NSS_CLONE_NEWUTS);
	uint64_t n = ns_of(f, c, "net");
	uint64_t t = fork_ok(f, f->init, 0);
	int fd = sys_open_ns(f->w, t, c, "net");

	assert_true(fd >= 0);
	assert_ns(f, n, 2, 2);
	assert_int_equal(sys_setns(f->w, t, fd, 0), 0);
	assert_int_equal(nss_task_ns(f->w, t, "net"), n);
	assert_ns(f, n, 3, 3);     /* c's nsproxy, t's new nsproxy, the inode */
	/* c dies: t keeps n active */
	assert_int_equal(sys_exit(f->w, c, 0), 0);
	assert_int_equal(sys_wait(f->w, f->init, c, 0), (int64_t)c);
	assert_ns(f, n, 2, 2);
	assert_int_equal(sys_close(f->w, t, fd), 0);
	assert_ns(f, n, 1, 1);
	assert_clean(f);
}

static void test_setns_pidfd(void **state)
{
	struct fx *f = *state;
	uint64_t c = fork_ok(f, f->init, NSS_CLONE_NEWUSER | NSS_CLONE_NEWNET |
				     NSS_CLONE_NEWUTS);
	uint64_t t = fork_ok(f, f->init, 0);
	int pfd = sys_pidfd_open(f->w, t, c, 0);

	assert_true(pfd >= 0);
	assert_int_equal(sys_setns(f->w, t, pfd, 0), -EINVAL);
	assert_int_equal(sys_setns(f->w, t, pfd, 0x1), -EINVAL);
	assert_int_equal(sys_setns(f->w, t, pfd, NSS_CLONE_NEWNET | 0x1), -EINVAL);
	assert_int_equal(sys_setns(f->w, t, pfd, NSS_CLONE_NEWNET | NSS_CLONE_NEWUTS), 0);
	assert_int_equal(nss_task_ns(f->w, t, "net"), nss_task_ns(f->w, c, "net"));
	assert_int_equal(nss_task_ns(f->w, t, "uts"), nss_task_ns(f->w, c, "uts"));
	assert_true(nss_task_ns(f->w, t, "user") != nss_task_ns(f->w, c, "user"));
	/* user ns too: t is root over c's user ns */
	assert_int_equal(sys_setns(f->w, t, pfd, NSS_CLONE_NEWUSER), 0);
	assert_int_equal(nss_task_ns(f->w, t, "user"), nss_task_ns(f->w, c, "user"));
	/* zombie: no nsproxy any more */
	assert_int_equal(sys_exit(f->w, c, 0), 0);
	assert_int_equal(sys_setns(f->w, t, pfd, NSS_CLONE_NEWNET), -ESRCH);
	assert_int_equal(sys_wait(f->w, f->init, c, 0), (int64_t)c);
	assert_int_equal(sys_setns(f->w, t, pfd, NSS_CLONE_NEWNET), -ESRCH);
	assert_clean(f);
}

static void test_setns_errors(void **state)
{
	struct fx *f = *state;
	uint64_t c = fork_ok(f, f->init, NSS_CLONE_NEWNET | NSS_CLONE_NEWPID);
	uint64_t t = fork_ok(f, f->init, 0);
	int fd = sys_open_ns(f->w, t, c, "net");
	int sock = sys_socket(f->w, t, 2);
	int pfc = sys_open_ns(f->w, t, c, "pid");

	assert_int_equal(sys_setns(f->w, t, 99, 0), -EBADF);
	assert_int_equal(sys_setns(f->w, t, -1, 0), -EBADF);
	assert_int_equal(sys_setns(f->w, t, fd, NSS_CLONE_NEWUTS), -EINVAL);
	assert_int_equal(sys_setns(f->w, t, sock, 0), -EINVAL);
	assert_int_equal(sys_setns(f->w, t, sock, NSS_CLONE_NEWNET), -EINVAL);
	/* a pid ns that is a child of t's active one is fine... */
	assert_int_equal(sys_setns(f->w, t, pfc, 0), 0);
	/* ...the initial one from inside it is not: not a descendant */
	{
		uint64_t g = fork_ok(f, t, 0);
		int initpid = sys_open_ns(f->w, g, f->init, "pid");

		assert_int_equal(initpid, -ENOENT);   /* init is not visible in g's pid ns */
		(void)g;
	}
	assert_int_equal(sys_close(f->w, t, fd), 0);
	assert_int_equal(sys_setns(f->w, t, fd, 0), -EBADF);
	assert_clean(f);
}

/* A process with two threads cannot enter a time namespace. */
static void test_setns_time_threads(void **state)
{
	struct fx *f = *state;
	uint64_t c = fork_ok(f, f->init, 0);
	uint64_t tns, th;
	int fd;

	assert_int_equal(sys_unshare(f->w, c, NSS_CLONE_NEWTIME), 0);
	tns = ns_of(f, c, "time_for_children");
	assert_int_not_equal(tns, ns_of(f, c, "time"));
	fd = sys_open_ns(f->w, f->init, c, "time_for_children");
	assert_true(fd >= 0);
	th = fork_ok(f, f->init, NSS_CLONE_THREAD | NSS_CLONE_SIGHAND | NSS_CLONE_VM);
	assert_int_equal(sys_setns(f->w, f->init, fd, 0), -EUSERS);
	assert_int_equal(sys_exit(f->w, th, 0), 0);
	assert_int_equal(sys_setns(f->w, f->init, fd, 0), 0);
	assert_int_equal(nss_task_ns(f->w, f->init, "time"), tns);
	assert_int_equal(nss_task_ns(f->w, f->init, "time_for_children"), tns);
	assert_ns(f, tns, 4, 4);   /* c's tfc slot, init's time and tfc slots, inode */
	assert_clean(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_failure_path_prefix, fx_setup_prefix, fx_teardown),
		cmocka_unit_test_setup_teardown(test_failure_path_619, fx_setup_619, fx_teardown),
		cmocka_unit_test_setup_teardown(test_failure_eperm, fx_setup_619, fx_teardown),
		cmocka_unit_test_setup_teardown(test_failure_eperm, fx_setup_prefix, fx_teardown),
		cmocka_unit_test_setup_teardown(test_setns_nsfs_success, fx_setup_619, fx_teardown),
		cmocka_unit_test_setup_teardown(test_setns_nsfs_success, fx_setup_prefix, fx_teardown),
		cmocka_unit_test_setup_teardown(test_setns_pidfd, fx_setup_619, fx_teardown),
		cmocka_unit_test_setup_teardown(test_setns_errors, fx_setup_619, fx_teardown),
		cmocka_unit_test_setup_teardown(test_setns_time_threads, fx_setup_619, fx_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
