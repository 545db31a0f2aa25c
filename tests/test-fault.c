// SPDX-License-Identifier: MIT
/*
 * test-fault.c - fallible sites: one workload passes every site; failing
 * each pass of each site in turn must unwind without a violation, a
 * warning or a leaked namespace on 6.19, and the failing call must return
 * the site's errno.  On 6.19-prefix the validate_ns failure takes the
 * setns() error path of kernel-model.md §9.1 and must be caught.
 */
#include "helpers.h"

struct outcome {
	int failed_with;    /* the first call that failed, as -errno */
};

#define note(o, r) note_at(o, r, G_STRLOC)
static void note_at(struct outcome *o, int64_t r, const char *where)
{
	if (r < 0 && g_getenv("NSSIM_TEST_DEBUG"))
		g_printerr("failed %d at %s\n", (int)r, where);
	if (r < 0 && !o->failed_with)
		o->failed_with = (int)r;
}

/* clone into new namespaces, nsfs files, a socket, setns of net and user, unshare, execve, setuid,
 * and a namespace charged to a new ucounts key */
static void workload(struct fx *f, struct outcome *o)
{
	struct world *w = f->w;
	int64_t c, d, e;
	int nfd = -1, ufd = -1;

	c = sys_clone(w, f->init, NSS_CLONE_NEWUSER | NSS_CLONE_NEWNET | NSS_CLONE_NEWPID |
		      NSS_CLONE_NEWNS | NSS_CLONE_NEWUTS, NULL);
	note(o, c);
	d = sys_clone(w, f->init, 0, NULL);
	note(o, d);
	if (c > 0) {
		nfd = sys_open_ns(w, f->init, (uint64_t)c, "net");
		note(o, nfd);
		ufd = sys_open_ns(w, f->init, (uint64_t)c, "user");
		note(o, ufd);
	}
	if (c > 0) {
		note(o, sys_socket(w, (uint64_t)c, 2 /* AF_INET */));
		note(o, sys_unshare(w, (uint64_t)c, NSS_CLONE_NEWUTS | NSS_CLONE_NEWIPC));
		note(o, sys_execve(w, (uint64_t)c));
	}
	if (d > 0) {
		/* the fds are init's; d gets its own through the same files */
		if (nfd >= 0) {
			int fd = sys_open_ns(w, (uint64_t)d, (uint64_t)c, "net");

			note(o, fd);
			if (fd >= 0)
				note(o, sys_setns(w, (uint64_t)d, fd, NSS_CLONE_NEWNET));
		}
		if (ufd >= 0) {
			int fd = sys_open_ns(w, (uint64_t)d, (uint64_t)c, "user");

			note(o, fd);
			if (fd >= 0)
				note(o, sys_setns(w, (uint64_t)d, fd, NSS_CLONE_NEWUSER));
		}
	}

	note(o, sys_setuid(w, f->init, 0));    /* prepare_creds, root stays root */

	/* a charge to a key nothing holds yet: euid 1000, real uid 0 (alloc_ucounts) */
	e = sys_clone(w, f->init, 0, NULL);
	note(o, e);
	if (e > 0) {
		note(o, sys_setresuid(w, (uint64_t)e, 0, 1000, 0));
		note(o, sys_unshare(w, (uint64_t)e, NSS_CLONE_NEWUSER));
	}

	/* tear everything down: nothing but the boot-time namespaces may remain */
	if (nfd >= 0)
		assert_int_equal(sys_close(w, f->init, nfd), 0);
	if (ufd >= 0)
		assert_int_equal(sys_close(w, f->init, ufd), 0);
	if (c > 0) {
		assert_int_equal(sys_exit_group(w, (uint64_t)c, 0), 0);
		assert_int_equal(sys_wait(w, f->init, (uint64_t)c, 0), c);
	}
	if (d > 0) {
		assert_int_equal(sys_exit_group(w, (uint64_t)d, 0), 0);
		assert_int_equal(sys_wait(w, f->init, (uint64_t)d, 0), d);
	}
	if (e > 0) {
		assert_int_equal(sys_exit_group(w, (uint64_t)e, 0), 0);
		assert_int_equal(sys_wait(w, f->init, (uint64_t)e, 0), e);
	}
	while (world_run_deferred(w, 0))
		;
}

static guint live_non_initial(struct fx *f)
{
	g_autoptr(GArray) ids = nss_ns_ids(f->w);
	guint n = 0;

	for (guint i = 0; i < ids->len; i++) {
		struct nss_ns_info info;

		assert_true(nss_ns_info(f->w, g_array_index(ids, uint64_t, i), &info));
		n += !info.initial && !info.boot;
	}
	return n;
}

static void test_every_site_unwinds(void **state)
{
	size_t nsites;
	const struct nss_fault_site *fs = nss_fault_sites(&nsites);
	uint64_t passes[32] = { 0 };
	guint runs = 0;

	(void)state;
	assert_true(nsites <= G_N_ELEMENTS(passes));
	{
		struct fx *f = fx_new("6.19", NSS_AUDIT_FULL);
		struct outcome o = { 0 };

		workload(f, &o);
		assert_int_equal(o.failed_with, 0);
		assert_clean(f);
		assert_int_equal(live_non_initial(f), 0);
		for (size_t i = 0; i < nsites; i++) {
			passes[i] = world_site_passes(f->w, fs[i].name);
			if (!passes[i])
				fail_msg("the workload never passes site %s", fs[i].name);
		}
		fx_free(f);
	}
	for (size_t i = 0; i < nsites; i++) {
		for (uint64_t nth = 1; nth <= passes[i]; nth++) {
			struct fx *f = fx_new("6.19", NSS_AUDIT_FULL);
			struct outcome o = { 0 };

			assert_int_equal(world_fail_next(f->w, fs[i].name, 0, (unsigned int)nth), 0);
			workload(f, &o);
			if (world_faults_injected(f->w) != 1)
				fail_msg("%s pass %" PRIu64 ": not injected", fs[i].name, nth);
			/* userns_install() turns a set_cred_ucounts() failure into EINVAL */
			if (o.failed_with != -fs[i].err &&
			    !(!strcmp(fs[i].name, "set_cred_ucounts") && o.failed_with == -EINVAL))
				fail_msg("%s pass %" PRIu64 ": first failure %d, expected -%d",
					 fs[i].name, nth, o.failed_with, fs[i].err);
			if (f->rec.violations->len || f->rec.warnings->len) {
				struct nss_violation *v = f->rec.violations->len
					? &g_array_index(f->rec.violations, struct nss_violation, 0) : NULL;

				fail_msg("%s pass %" PRIu64 ": %u violations (%s), %u warnings",
					 fs[i].name, nth, f->rec.violations->len,
					 v ? v->rule : "-", f->rec.warnings->len);
			}
			if (live_non_initial(f))
				fail_msg("%s pass %" PRIu64 ": %u namespaces leaked", fs[i].name, nth,
					 live_non_initial(f));
			runs++;
			fx_free(f);
		}
	}
	assert_true(runs >= nsites);
}

/* The errno can be overridden; unknown sites and nth 0 are refused. */
static void test_fail_next_api(void **state)
{
	struct fx *f = *state;

	assert_int_equal(world_fail_next(f->w, "no_such_site", 0, 1), -EINVAL);
	assert_int_equal(world_fail_next(f->w, "alloc_pid", 0, 0), -EINVAL);
	assert_int_equal(world_fail_next(f->w, "alloc_pid", EAGAIN, 2), 0);
	fork_ok(f, f->init, 0);
	assert_int_equal(sys_clone(f->w, f->init, 0, NULL), -EAGAIN);
	assert_int_equal(world_faults_injected(f->w), 1);
	/* disarmed after it fired */
	fork_ok(f, f->init, 0);
	assert_int_equal(world_site_passes(f->w, "alloc_pid"), 3);
	assert_clean(f);
}

/* 6.19-prefix: a failing validate_ns() takes §9.1's put_nsset() path. */
static void test_validate_fail_prefix(void **state)
{
	struct fx *f = *state;
	uint64_t c = fork_ok(f, f->init, NSS_CLONE_NEWUSER | NSS_CLONE_NEWNET);
	uint64_t d = fork_ok(f, f->init, 0);
	int fd = sys_open_ns(f->w, d, c, "net");

	assert_true(fd >= 0);
	assert_clean(f);
	assert_int_equal(world_fail_next(f->w, "validate_ns", 0, 1), 0);
	assert_int_equal(sys_setns(f->w, d, fd, NSS_CLONE_NEWNET), -EPERM);
	assert_true(n_violations(f, "active-recount") > 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_site_unwinds),
		cmocka_unit_test_setup_teardown(test_fail_next_api, fx_setup_619, fx_teardown),
		cmocka_unit_test_setup_teardown(test_validate_fail_prefix, fx_setup_prefix,
						fx_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
