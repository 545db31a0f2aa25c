// SPDX-License-Identifier: MIT
/*
 * test-refcount.c - the choke point's refcount_t and atomic_t rules, the
 * kernel assertions of the active helpers, the oracle catching a corrupted
 * counter, and what distinguishes the variants (ids, trees, init counts).
 */
#include "helpers.h"

static struct ns *ns_ptr(struct fx *f, uint64_t id)
{
	struct ns *ns = g_hash_table_lookup(f->w->ns_by_id, &id);

	assert_non_null(ns);
	return ns;
}

static void test_refcount_rules(void **state)
{
	struct fx *f = *state;
	struct counter c;
	uint64_t before = world_transition_count(f->w);

	counter_setup(&c, OBJ_FILE, CTR_COUNT, 77, false);
	/* inc_not_zero on 0 fails silently: no transition, no warning */
	assert_false(ref_inc_not_zero(f->w, &c, "test"));
	assert_int_equal(world_transition_count(f->w), before);
	assert_int_equal(f->rec.warnings->len, 0);
	/* inc on 0: "addition on 0", saturated */
	ref_inc(f->w, &c, "test");
	assert_int_equal(c.val, REFCOUNT_SATURATED);
	assert_int_equal(n_warnings(f, "K12"), 1);
	/* a saturated counter never moves again and is never "last" */
	assert_false(ref_dec_and_test(f->w, &c, "test"));
	ref_inc(f->w, &c, "test");
	assert_int_equal(c.val, REFCOUNT_SATURATED);

	counter_setup(&c, OBJ_FILE, CTR_COUNT, 78, false);
	ref_init(f->w, &c, 1, "test");
	ref_inc(f->w, &c, "test");
	assert_false(ref_dec_and_test(f->w, &c, "test"));
	assert_true(ref_dec_and_test(f->w, &c, "test"));
	assert_int_equal(c.val, 0);
	/* underflow saturates */
	assert_false(ref_dec_and_test(f->w, &c, "test"));
	assert_int_equal(c.val, REFCOUNT_SATURATED);
	assert_int_equal(n_warnings(f, "K12"), 2);

	/* plain refcount_dec() to 0 leaks: warned and saturated */
	counter_setup(&c, OBJ_FILE, CTR_COUNT, 79, false);
	ref_init(f->w, &c, 1, "test");
	ref_dec(f->w, &c, "test");
	assert_int_equal(c.val, REFCOUNT_SATURATED);
	assert_int_equal(n_warnings(f, "K12"), 3);

	/* overflow */
	counter_setup(&c, OBJ_FILE, CTR_COUNT, 80, false);
	ref_init(f->w, &c, INT32_MAX, "test");
	ref_inc(f->w, &c, "test");
	assert_int_equal(c.val, REFCOUNT_SATURATED);

	/* atomic_t moves freely, negative included */
	counter_setup(&c, OBJ_NS, CTR_ACTIVE, 81, true);
	assert_int_equal(atomic_add_return_ctr(f->w, &c, -1, "test"), -1);
	assert_int_equal(n_warnings(f, "K12"), 4);
}

/* Every transition continues the chain of its counter; the count matches. */
static void test_transition_chain(void **state)
{
	struct fx *f = *state;
	g_autoptr(GHashTable) last = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
	uint64_t c = fork_ok(f, f->init, NSS_CLONE_NEWUSER | NSS_CLONE_NEWNET | NSS_CLONE_NEWPID);

	assert_true(sys_open_ns(f->w, f->init, c, "net") >= 0);
	assert_int_equal(sys_exit(f->w, c, 0), 0);
	assert_int_equal(sys_wait(f->w, f->init, c, 0), (int64_t)c);
	world_run_deferred(f->w, 0);
	assert_int_equal(f->rec.transitions->len, world_transition_count(f->w));
	for (guint i = 0; i < f->rec.transitions->len; i++) {
		struct nss_transition *t = &g_array_index(f->rec.transitions, struct nss_transition, i);
		char *key = g_strdup_printf("%d/%" G_GUINT64_FORMAT "/%d", t->kind, t->obj, t->counter);
		int32_t *prev = g_hash_table_lookup(last, key);
		int32_t *next = g_new(int32_t, 1);

		assert_int_equal(t->seq, i + 1);
		assert_non_null(t->site);
		if (prev)
			assert_int_equal(t->old_val, *prev);
		*next = t->new_val;
		g_hash_table_replace(last, key, next);
	}
	/* and the chains end at the live counters */
	for (GList *l = f->w->namespaces.head; l; l = l->next) {
		struct ns *ns = l->data;
		g_autofree char *key = g_strdup_printf("%d/%" G_GUINT64_FORMAT "/%d", OBJ_NS, ns->id, CTR_REF);
		int32_t *v = g_hash_table_lookup(last, key);

		if (v)
			assert_int_equal(*v, ns->ref.val);
	}
}

/* 6.19: an active put below zero warns (57b39aabb99e) and the oracle agrees. */
static void test_active_underflow_619(void **state)
{
	struct fx *f = *state;
	uint64_t c = fork_ok(f, f->init, NSS_CLONE_NEWNET);
	struct ns *n = ns_ptr(f, ns_of(f, c, "net"));

	ns_active_put(f->w, n, "test");
	assert_int_equal(n->active.val, 0);
	ns_active_put(f->w, n, "test");
	assert_int_equal(n->active.val, -1);
	assert_int_equal(n_warnings(f, "K7"), 1);
	assert_true(world_check(f->w) >= 2);   /* active-recount and active-negative */
	assert_int_equal(n_violations_on(f, "active-negative", n->id), 1);
}

/* Initial namespaces on 6.19: every helper is a no-op, (1, 1) forever. */
static void test_init_noop_619(void **state)
{
	struct fx *f = *state;
	struct ns *net = f->w->init_ns[NS_NET];

	for (int i = 0; i < 5; i++)
		fork_ok(f, f->init, 0);
	assert_ns(f, net->id, 1, 1);
	ns_active_put(f->w, net, "test");
	ns_ref_put(f->w, net, "test");
	assert_ns(f, net->id, 1, 1);
	assert_int_equal(net->id, 7);
	assert_int_equal(net->inum, 0xEFFFFFF9u);
	assert_clean(f);
}

/* The oracle must see a counter nobody accounts for, in either audit mode. */
static void test_oracle_catches_corruption(void **state)
{
	struct fx *f = fx_new("6.19", NSS_AUDIT_INCREMENTAL);
	uint64_t c = fork_ok(f, f->init, NSS_CLONE_NEWNET);
	struct ns *n = ns_ptr(f, ns_of(f, c, "net"));

	*state = f;
	n->ref.val++;          /* a reference nobody holds */
	/* incremental audit: only what an event touches is rechecked */
	assert_true(sys_setuid(f->w, c, 0) == 0);
	assert_int_equal(n_violations(f, "ref-recount"), 0);
	assert_true(sys_open_ns(f->w, f->init, c, "net") >= 0);
	assert_int_equal(n_violations_on(f, "ref-recount", n->id), 1);
	/* reported once while it lasts */
	assert_int_equal(world_check(f->w), 0);
	n->ref.val--;
	n->active.val += 3;
	assert_true(world_check(f->w) > 0);
	assert_int_equal(n_violations_on(f, "active-recount", n->id), 1);
}

/* 6.18: cookie ids, per-type trees only, no active count, init counted. */
static void test_variant_618(void **state)
{
	struct fx *f = *state;
	uint64_t c = fork_ok(f, f->init, NSS_CLONE_NEWUSER | NSS_CLONE_NEWNET | NSS_CLONE_NEWUTS);
	uint64_t u = ns_of(f, c, "user"), n = ns_of(f, c, "net"), uts = ns_of(f, c, "uts");
	struct nss_ns_info i;

	assert_int_equal(nss_task_ns(f->w, f->init, "uts"), 1);
	assert_int_equal(nss_task_ns(f->w, f->init, "user"), 4099);
	/* CPU 0's batch continues after the 5 ids it drew at boot and kdevtmpfs's */
	assert_int_equal(u, 7);
	assert_int_equal(uts, 8);
	assert_int_equal(n, 9);
	assert_ns(f, n, 1, 0);
	assert_null(ns_tree_lookup(f->w, n, -1));
	assert_ptr_equal(ns_tree_lookup(f->w, n, NS_NET), ns_ptr(f, n));
	/* initial namespaces are counted */
	assert_true(nss_ns_info(f->w, 4099, &i));
	assert_int_equal(i.active, 0);
	assert_int_equal(sys_exit(f->w, c, 0), 0);
	assert_int_equal(sys_wait(f->w, f->init, c, 0), (int64_t)c);
	assert_clean(f);
}

/*
 * 6.19-prefix: owners are charged at creation, init ns move.  init_net
 * started at A == 0 (before 0355dcae2d15), but kdevtmpfs's unshare at boot
 * comes after net_ns_init() and its nsproxy activates it: 1 from then on.
 */
static void test_variant_prefix(void **state)
{
	struct fx *f = *state;
	struct nss_ns_info i;
	uint64_t c;

	assert_true(nss_ns_info(f->w, 7, &i));
	assert_int_equal(i.active, 1);
	c = fork_ok(f, f->init, NSS_CLONE_NEWUTS);
	assert_true(nss_ns_info(f->w, 8, &i));
	assert_int_equal(i.active, 2);      /* init mnt: static 1 + c's nsproxy */
	assert_true(nss_ns_info(f->w, 7, &i));
	assert_int_equal(i.active, 2);      /* init_net: kdevtmpfs's and c's */
	assert_int_equal(sys_exit(f->w, c, 0), 0);
	assert_true(nss_ns_info(f->w, 8, &i));
	assert_int_equal(i.active, 1);
	assert_true(nss_ns_info(f->w, 7, &i));
	assert_int_equal(i.active, 1);
	/* so no initial namespace went inactive */
	assert_int_equal(n_warnings(f, "K13"), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_refcount_rules, fx_setup_619, fx_teardown),
		cmocka_unit_test_setup_teardown(test_transition_chain, fx_setup_619, fx_teardown),
		cmocka_unit_test_setup_teardown(test_active_underflow_619, fx_setup_619, fx_teardown),
		cmocka_unit_test_setup_teardown(test_init_noop_619, fx_setup_619, fx_teardown),
		cmocka_unit_test_teardown(test_oracle_catches_corruption, fx_teardown),
		cmocka_unit_test_setup_teardown(test_variant_618, fx_setup_618, fx_teardown),
		cmocka_unit_test_setup_teardown(test_variant_prefix, fx_setup_prefix, fx_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
