// SPDX-License-Identifier: MIT
/*
 * test-worked.c - kernel-model.md §10 worked examples and the diagrams of
 * the seed's kernel/nscommon.c comment, with exact (P, A) after each step.
 */
#include "helpers.h"

#define NEW_UNP (NSS_CLONE_NEWUSER | NSS_CLONE_NEWNET | NSS_CLONE_NEWPID)

/* §10.1: clone(NEWUSER|NEWNET|NEWPID), exec, exit, reap, deferred frees. */
static void test_clone_exec_exit_reap(void **state)
{
	struct fx *f = *state;
	uint64_t c = fork_ok(f, f->init, NEW_UNP);
	uint64_t u = ns_of(f, c, "user"), pn = ns_of(f, c, "pid"), nn = ns_of(f, c, "net");

	/* ids in creation order after kdevtmpfs's mnt ns (10): user (copy_creds), pid, net */
	assert_int_equal(u, 11);
	assert_int_equal(pn, 12);
	assert_int_equal(nn, 13);
	assert_ns(f, u, 4, 3);    /* cred + pid ns + net ns + ucounts (U, 0); A: cred + 2 owned */
	assert_ns(f, pn, 2, 2);   /* nsproxy slot + struct pid */
	assert_ns(f, nn, 1, 1);
	assert_int_equal(nss_task_pid_nr(f->w, c), 1);

	/* exec: new mm in U; the old cred waits for RCU */
	assert_int_equal(sys_execve(f->w, c), 0);
	assert_ns(f, u, 6, 3);
	world_run_deferred(f->w, 0);
	assert_ns(f, u, 5, 3);

	/* exit: nsproxy goes; the zombie keeps U (cred) and PN (pid) active */
	assert_int_equal(sys_exit(f->w, c, 0), 0);
	assert_int_equal(nss_task_state(f->w, c), NSS_TASK_ZOMBIE);
	assert_ns(f, pn, 1, 1);
	assert_ns(f, nn, 0, 0);        /* dying: cleanup_net is queued */
	assert_ns(f, u, 5, 2);         /* §10.4: cred + active PN (P also: ucounts) */
	world_run_deferred(f->w, 0);   /* cleanup_net drops its P on U */
	assert_ns_gone(f, nn);
	assert_ns(f, u, 4, 2);         /* cred, PN, the lazily held mm, ucounts */

	/* reap: the lazy mm goes when init runs, then A(U) and A(PN) */
	assert_int_equal(sys_wait(f->w, f->init, c, 0), (int64_t)c);
	assert_ns(f, u, 3, 0);
	assert_ns(f, pn, 1, 0);
	assert_int_equal(nss_task_state(f->w, c), NSS_TASK_NONE);

	world_run_deferred(f->w, 0);
	assert_ns_gone(f, pn);
	assert_ns_gone(f, u);
	assert_int_equal(world_check(f->w), 0);
	assert_clean(f);
}

/* §10.2: an nsfs fd keeps the net ns and, through it, U visible. */
static void test_nsfs_fd_keeps_visible(void **state)
{
	struct fx *f = *state;
	uint64_t c = fork_ok(f, f->init, NEW_UNP);
	uint64_t u = ns_of(f, c, "user"), nn = ns_of(f, c, "net");
	int fd = sys_open_ns(f->w, f->init, c, "net");

	assert_true(fd >= 0);
	assert_ns(f, nn, 2, 2);
	assert_int_equal(sys_exit(f->w, c, 0), 0);
	assert_int_equal(sys_wait(f->w, f->init, c, 0), (int64_t)c);
	assert_ns(f, nn, 1, 1);
	assert_ns(f, u, 4, 1);     /* P: cred, pid ns (both RCU pending), net, ucounts; A: net */
	world_run_deferred(f->w, 0);
	assert_ns(f, u, 2, 1);     /* the net ns holds its owner and its charge the ucounts */

	assert_int_equal(sys_close(f->w, f->init, fd), 0);
	assert_ns(f, nn, 0, 0);
	assert_ns(f, u, 2, 0);
	world_run_deferred(f->w, 0);
	assert_ns_gone(f, nn);
	assert_ns_gone(f, u);
	assert_clean(f);
}

/* §5.3: unshare(NEWUSER|NEWNET) from init: A(U) = cred + N = 2. */
static void test_unshare_user_net(void **state)
{
	struct fx *f = *state;
	uint64_t c = fork_ok(f, f->init, 0);
	uint64_t u, n;

	assert_int_equal(sys_unshare(f->w, c, NSS_CLONE_NEWUSER | NSS_CLONE_NEWNET), 0);
	u = ns_of(f, c, "user");
	n = ns_of(f, c, "net");
	assert_ns(f, u, 3, 2);    /* P: the new cred, the net ns, ucounts (U, 0); A: cred, active net */
	assert_ns(f, n, 1, 1);
	world_run_deferred(f->w, 0);
	assert_ns(f, u, 3, 2);
	assert_clean(f);
}

/*
 * The nscommon.c diagrams: net and pid under user_ns1, ipc and uts and
 * user_ns1 under user_ns2, held only by nsfs fds (and a socket), all tasks
 * gone.  Every task shares init's fd table (CLONE_FILES), so the fds
 * outlive their openers.
 */
static void test_nscommon_diagrams(void **state)
{
	struct fx *f = *state;
	struct world *w = f->w;
	uint64_t c1, c2, u1, u2, net, pid, ipc, uts;
	int fnet, fpid, fipc, futs, sock, fres;

	c1 = fork_ok(f, f->init, NSS_CLONE_FILES | NSS_CLONE_NEWUSER |
			     NSS_CLONE_NEWIPC | NSS_CLONE_NEWUTS);
	assert_int_equal(sys_write_id_map(w, f->init, c1, false, 0, 0, 1), 0);
	assert_int_equal(sys_write_id_map(w, f->init, c1, true, 0, 0, 1), 0);
	c2 = fork_ok(f, c1, NSS_CLONE_FILES | NEW_UNP);
	u2 = ns_of(f, c1, "user");
	u1 = ns_of(f, c2, "user");
	net = ns_of(f, c2, "net");
	pid = ns_of(f, c2, "pid");
	ipc = ns_of(f, c1, "ipc");
	uts = ns_of(f, c1, "uts");

	fnet = sys_open_ns(w, f->init, c2, "net");
	fpid = sys_open_ns(w, f->init, c2, "pid");
	fipc = sys_open_ns(w, f->init, c1, "ipc");
	futs = sys_open_ns(w, f->init, c1, "uts");
	sock = sys_socket(w, c2, 2);
	assert_true(fnet >= 0 && fpid >= 0 && fipc >= 0 && futs >= 0 && sock >= 0);

	assert_int_equal(sys_exit(w, c2, 0), 0);
	assert_int_equal(sys_wait(w, c1, c2, 0), (int64_t)c2);
	assert_int_equal(sys_exit(w, c1, 0), 0);
	assert_int_equal(sys_wait(w, f->init, c1, 0), (int64_t)c1);
	world_run_deferred(w, 0);

	/* diagram 1: user_ns1 (2), user_ns2 (3) */
	assert_ns(f, net, 2, 1);   /* P: inode + socket */
	assert_ns(f, pid, 1, 1);
	/* P: net, pid, c2's cred, which the socket file holds as f_cred, ucounts (u1, 0) */
	assert_ns(f, u1, 4, 2);
	assert_ns(f, ipc, 1, 1);
	assert_ns(f, uts, 1, 1);
	assert_ns(f, u2, 4, 3);    /* P: ipc, uts, user_ns1, ucounts (u2, 0); A: the first three */

	/* diagram 2: net and pid put their last active reference */
	assert_int_equal(sys_close(w, f->init, fnet), 0);
	assert_int_equal(sys_close(w, f->init, fpid), 0);
	world_run_deferred(w, 0);
	assert_ns(f, net, 1, 0);   /* the socket keeps its memory, not its visibility */
	assert_ns_gone(f, pid);
	assert_ns(f, u1, 3, 0);
	assert_ns(f, u2, 4, 2);

	/* resurrect net_ns (SIOCGSKNS): net, user_ns1 and user_ns2 come back */
	fres = sys_ioctl(w, f->init, sock, NSS_SIOCGSKNS);
	assert_true(fres >= 0);
	assert_ns(f, net, 2, 1);
	assert_ns(f, u1, 3, 1);
	assert_ns(f, u2, 4, 3);

	/* diagram 3: the whole tree dead but the socket */
	assert_int_equal(sys_close(w, f->init, fres), 0);
	assert_int_equal(sys_close(w, f->init, fipc), 0);
	assert_int_equal(sys_close(w, f->init, futs), 0);
	world_run_deferred(w, 0);
	assert_ns(f, net, 1, 0);
	assert_ns(f, u1, 3, 0);
	assert_ns(f, u2, 2, 0);

	/* diagram 4: resurrect net_ns from a fully inactive chain */
	fres = sys_ioctl(w, f->init, sock, NSS_SIOCGSKNS);
	assert_true(fres >= 0);
	assert_ns(f, net, 2, 1);
	assert_ns(f, u1, 3, 1);
	assert_ns(f, u2, 2, 1);

	/* and all the way down again; the socket goes last */
	assert_int_equal(sys_close(w, f->init, fres), 0);
	assert_ns(f, u2, 2, 0);
	assert_int_equal(sys_close(w, f->init, sock), 0);
	world_run_deferred(w, 0);
	assert_ns_gone(f, net);
	assert_ns_gone(f, u1);
	assert_ns_gone(f, u2);
	assert_int_equal(world_check(w), 0);
	assert_clean(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_clone_exec_exit_reap, fx_setup_619, fx_teardown),
		cmocka_unit_test_setup_teardown(test_nsfs_fd_keeps_visible, fx_setup_619, fx_teardown),
		cmocka_unit_test_setup_teardown(test_unshare_user_net, fx_setup_619, fx_teardown),
		cmocka_unit_test_setup_teardown(test_nscommon_diagrams, fx_setup_619, fx_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
