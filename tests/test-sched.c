// SPDX-License-Identifier: MIT
/*
 * test-sched.c - CPUs, context switches and lazy-TLB mm references:
 * who holds mm_count and when __mmdrop releases mm->user_ns, with
 * CONFIG_MMU_LAZY_TLB_REFCOUNT and with shootdown; CPU hotplug.
 */
#include "helpers.h"

static struct fx *fx_cpus(unsigned int cpus, enum nss_lazy_tlb lazy)
{
	struct fx *f = fx_new("6.19", NSS_AUDIT_FULL);
	struct nss_config cfg = { .cpus = cpus, .lazy_tlb = lazy, .audit = NSS_AUDIT_FULL };
	struct nss_observer o = {
		.transition = rec_transition, .warning = rec_warning,
		.violation = rec_violation, .data = &f->rec,
	};

	world_free(f->w);
	f->w = world_new(&cfg);
	world_add_observer(f->w, &o);
	f->init = world_init_task(f->w);
	return f;
}

/* A container whose exec'd task leaves a lazy mm on an idle CPU. */
static uint64_t pinned_userns(struct fx *f, unsigned int cpu)
{
	uint64_t c = fork_ok(f, f->init, NSS_CLONE_NEWUSER);
	uint64_t u = ns_of(f, c, "user");

	assert_int_equal(sched_run_on(f->w, c, cpu), 0);
	assert_int_equal(sys_execve(f->w, c), 0);
	assert_int_equal(sched_block(f->w, c), 0);      /* cpu idles on c's mm */
	assert_int_equal(sched_run_on(f->w, c, 0), 0);
	assert_int_equal(sys_exit(f->w, c, 0), 0);
	assert_int_equal(sys_wait(f->w, f->init, c, 0), (int64_t)c);
	world_run_deferred(f->w, 0);
	return u;
}

static void test_lazy_pin_refcount(void **state)
{
	struct fx *f = fx_cpus(4, NSS_LAZY_TLB_REFCOUNT);
	uint64_t u, t;
	struct nss_cpu_info ci;

	*state = f;
	u = pinned_userns(f, 2);
	assert_ns(f, u, 1, 0);                   /* only the mm */
	assert_true(nss_cpu_info(f->w, 2, &ci));
	assert_true(ci.lazy_mm != 0);
	assert_int_equal(ci.curr, 0);
	/* kernel -> kernel: the idle CPU keeps it; a user task there drops it */
	assert_int_equal(sched_cpu_idle(f->w, 2), 0);
	assert_ns(f, u, 1, 0);
	t = fork_ok(f, f->init, 0);
	assert_int_equal(sched_run_on(f->w, t, 2), 0);
	assert_ns(f, u, 0, 0);
	world_run_deferred(f->w, 0);
	assert_ns_gone(f, u);
	assert_true(nss_cpu_info(f->w, 2, &ci));
	assert_int_equal(ci.ipis, 0);
	assert_clean(f);
}

static void test_lazy_pin_shootdown(void **state)
{
	struct fx *f = fx_cpus(4, NSS_LAZY_TLB_SHOOTDOWN);
	struct nss_cpu_info ci;
	uint64_t u;

	*state = f;
	u = pinned_userns(f, 2);
	assert_ns_gone(f, u);                    /* no long-lived pin */
	assert_true(nss_cpu_info(f->w, 2, &ci));
	assert_int_equal(ci.ipis, 1);
	assert_int_equal(ci.lazy_mm, 0);
	assert_clean(f);
}

static void test_hotplug(void **state)
{
	struct fx *f = fx_cpus(2, NSS_LAZY_TLB_REFCOUNT);
	uint64_t u;
	struct nss_cpu_info ci;

	*state = f;
	u = pinned_userns(f, 1);
	assert_ns(f, u, 1, 0);
	/* offlining the CPU drops its lazy mm (idle_task_exit) */
	assert_int_equal(sched_cpu_offline(f->w, 1), 0);
	assert_ns(f, u, 0, 0);
	assert_int_equal(sched_cpu_offline(f->w, 1), -EINVAL);
	assert_int_equal(sched_cpu_offline(f->w, 0), -EBUSY);   /* the last one */
	assert_int_equal(sched_run_on(f->w, f->init, 1), -EINVAL);
	assert_int_equal(sched_cpu_idle(f->w, 1), -EINVAL);
	/* tasks placed there run elsewhere */
	assert_int_equal(nss_task_cpu(f->w, fork_ok(f, f->init, 0)), 0);
	assert_int_equal(sched_cpu_online(f->w, 1), 0);
	assert_int_equal(sched_cpu_online(f->w, 1), -EINVAL);
	assert_true(nss_cpu_info(f->w, 1, &ci) && ci.online);
	assert_int_equal(sched_run_on(f->w, 999, 1), -ESRCH);
	assert_int_equal(sched_block(f->w, 999), -ESRCH);
	assert_clean(f);
}

/* Many idle CPUs: each keeps its own reference to the same mm. */
static void test_many_cpus_one_mm(void **state)
{
	struct fx *f = fx_cpus(8, NSS_LAZY_TLB_REFCOUNT);
	uint64_t c, u;

	*state = f;
	c = fork_ok(f, f->init, NSS_CLONE_NEWUSER);
	u = ns_of(f, c, "user");
	assert_int_equal(sys_execve(f->w, c), 0);
	for (unsigned int cpu = 1; cpu < 8; cpu++) {
		assert_int_equal(sched_run_on(f->w, c, cpu), 0);
		assert_int_equal(sched_block(f->w, c), 0);
	}
	assert_int_equal(sys_exit(f->w, c, 0), 0);
	assert_int_equal(sys_wait(f->w, f->init, c, 0), (int64_t)c);
	world_run_deferred(f->w, 0);
	assert_ns(f, u, 1, 0);
	/* the mm (and its one P on u) lives until the last of them runs a user task */
	for (unsigned int cpu = 1; cpu < 8; cpu++) {
		assert_ns(f, u, 1, 0);
		assert_int_equal(sched_run_on(f->w, fork_ok(f, f->init, 0), cpu), 0);
	}
	assert_ns(f, u, 0, 0);
	world_run_deferred(f->w, 0);
	assert_ns_gone(f, u);
	assert_clean(f);
}

/*
 * A task that kills its own thread group dies in the call: its CPU goes
 * idle and stays so, and the task struct freed after RCU is not left as
 * that CPU's current task (found by fuzzing under ASan: kill_task() put the
 * dead caller back on its CPU, and the next switch read it after the free).
 */
static void test_self_kill_leaves_cpu(void **state)
{
	struct fx *f = fx_cpus(4, NSS_LAZY_TLB_SHOOTDOWN);
	struct nss_cpu_info ci;
	uint64_t c, d;
	int status;

	*state = f;
	c = fork_ok(f, f->init, 0);
	d = fork_ok(f, f->init, 0);
	assert_int_equal(sched_run_on(f->w, c, 2), 0);
	assert_int_equal(sys_kill(f->w, c, c, 9), 0);
	assert_true(nss_cpu_info(f->w, 2, &ci));
	assert_int_equal(ci.curr, 0);
	assert_true(sys_wait4(f->w, f->init, c, 0, &status) > 0);
	world_run_deferred(f->w, 0);             /* delayed_put_task_struct */
	assert_int_equal(sched_run_on(f->w, d, 2), 0);
	assert_true(nss_cpu_info(f->w, 2, &ci));
	assert_int_equal(ci.curr, d);
	assert_clean(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_lazy_pin_refcount, fx_teardown),
		cmocka_unit_test_teardown(test_lazy_pin_shootdown, fx_teardown),
		cmocka_unit_test_teardown(test_hotplug, fx_teardown),
		cmocka_unit_test_teardown(test_many_cpus_one_mm, fx_teardown),
		cmocka_unit_test_teardown(test_self_kill_leaves_cpu, fx_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
