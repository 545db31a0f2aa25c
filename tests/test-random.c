// SPDX-License-Identifier: MIT
/*
 * test-random.c - thousands of seeded random operations, valid and not,
 * on every variant with the full audit after each event.  6.19 and 6.18
 * must report no violation and no kernel warning; 6.19-prefix must survive
 * (its bugs may show).  Then everything is torn down: only the initial
 * namespaces may remain, so nothing leaked.
 */
#include "helpers.h"

#define OPS 4000
#define SEEDS 3

static const char *const names[] = {
	"mnt", "uts", "ipc", "pid", "pid_for_children", "cgroup", "net", "time",
	"time_for_children", "user", "bogus",
};

static const uint64_t ns_flags[] = {
	NSS_CLONE_NEWNS, NSS_CLONE_NEWUTS, NSS_CLONE_NEWIPC, NSS_CLONE_NEWPID,
	NSS_CLONE_NEWCGROUP, NSS_CLONE_NEWNET, NSS_CLONE_NEWTIME, NSS_CLONE_NEWUSER,
};

static uint64_t pick_task(struct world *w, GRand *r, bool running_only)
{
	GPtrArray *live = g_ptr_array_new();
	uint64_t id = world_init_task(w);

	for (GList *l = w->tasks.head; l; l = l->next) {
		struct task *t = l->data;

		if (!running_only || t->state == TASK_RUNNING)
			g_ptr_array_add(live, t);
	}
	if (live->len)
		id = ((struct task *)live->pdata[g_rand_int_range(r, 0, live->len)])->id;
	g_ptr_array_free(live, TRUE);
	/* now and then a stale or unknown id */
	if (g_rand_int_range(r, 0, 50) == 0)
		id = g_rand_int_range(r, 1, 400);
	return id;
}

static uint64_t random_ns_flags(GRand *r, int percent)
{
	uint64_t fl = 0;

	for (guint i = 0; i < G_N_ELEMENTS(ns_flags); i++)
		if (g_rand_int_range(r, 0, 100) < percent)
			fl |= ns_flags[i];
	return fl;
}

static int pick_fd(GRand *r)
{
	return g_rand_int_range(r, -1, 8);
}

static void random_op(struct world *w, GRand *r)
{
	uint64_t t = pick_task(w, r, true), u = pick_task(w, r, false);
	int op = g_rand_int_range(r, 0, 32);
	int pidfd;

	if (w->tasks.length > 40 && op < 4)
		op = 10 + op;          /* crowded: exit instead of clone */
	switch (op) {
	case 0:
	case 1:
	case 2: {
		uint64_t fl = random_ns_flags(r, 15);
		int k = g_rand_int_range(r, 0, 10);

		if (k == 0)
			fl |= NSS_CLONE_THREAD | NSS_CLONE_SIGHAND | NSS_CLONE_VM;
		if (k == 1)
			fl |= NSS_CLONE_FILES;
		if (k == 2)
			fl |= NSS_CLONE_VM;
		if (k == 3)
			fl |= NSS_CLONE_PIDFD;
		if (k == 4)
			fl |= NSS_CLONE_FS;
		if (g_rand_int_range(r, 0, 40) == 0)
			fl |= 1ULL << g_rand_int_range(r, 0, 32);
		sys_clone(w, t, fl, &pidfd);
		break;
	}
	case 3:
		sys_unshare(w, t, random_ns_flags(r, 15) |
			    (g_rand_boolean(r) ? 0 : NSS_CLONE_FS | NSS_CLONE_FILES));
		break;
	case 4:
	case 5: {
		uint64_t ty = g_rand_boolean(r) ? 0 : random_ns_flags(r, 25);

		sys_setns(w, t, pick_fd(r), ty);
		break;
	}
	case 6:
	case 7:
		sys_open_ns(w, t, u, names[g_rand_int_range(r, 0, G_N_ELEMENTS(names))]);
		break;
	case 8:
		sys_close(w, t, pick_fd(r));
		break;
	case 9:
		sys_dup(w, t, pick_fd(r));
		break;
	case 10:
	case 11:
		if (t != world_init_task(w))
			(g_rand_boolean(r) ? sys_exit : sys_exit_group)(w, t, 0);
		break;
	case 12:
	case 13:
		sys_wait(w, t, g_rand_boolean(r) ? 0 : u,
			 g_rand_boolean(r) ? NSS_WNOHANG : 0);
		break;
	case 14:
		sys_pidfd_open(w, t, u, g_rand_int_range(r, 0, 8) == 0 ? 0x80 : 0);
		break;
	case 15:
		sys_execve(w, t);
		break;
	case 16:
		if (g_rand_boolean(r))
			sys_setuid(w, t, g_rand_int_range(r, 0, 3) * 1000);
		else
			sys_setresuid(w, t, -1, g_rand_int_range(r, 0, 2), -1);
		break;
	case 17:
		sys_write_id_map(w, t, u, g_rand_boolean(r), 0,
				 g_rand_int_range(r, 0, 2) * 1000, g_rand_int_range(r, 0, 3));
		break;
	case 18:
		sys_socket(w, t, g_rand_boolean(r) ? 2 : 1);
		break;
	case 19:
		sys_ioctl(w, t, pick_fd(r), NSS_SIOCGSKNS);
		break;
	case 20:
		sys_set_max_namespaces(w, t, g_rand_int_range(r, 0, NS_NR_TYPES),
				       g_rand_int_range(r, 0, 4));
		break;
	case 22: {
		struct nss_handle h;

		if (sys_name_to_handle(w, t, pick_fd(r), 16, &h) == 0) {
			if (g_rand_boolean(r))
				h.ns_type = h.ns_inum = 0;
			sys_open_by_handle(w, u, &h, g_rand_int_range(r, 0, 6) ? 0 : NSS_O_RDWR);
		}
		break;
	}
	case 23: {
		static const unsigned long cmds[] = {
			NSS_NS_GET_USERNS, NSS_NS_GET_PARENT, NSS_NS_GET_NSTYPE,
			NSS_NS_GET_OWNER_UID, NSS_NS_GET_ID, NSS_NS_GET_MNTNS_ID,
			NSS_PIDFD_GET_NET_NAMESPACE, NSS_PIDFD_GET_USER_NAMESPACE,
			NSS_PIDFD_GET_PID_NAMESPACE, NSS_SIOCGSKNS,
		};
		uint64_t v;

		sys_ioctl_value(w, t, pick_fd(r), cmds[g_rand_int_range(r, 0, G_N_ELEMENTS(cmds))], &v);
		break;
	}
	case 24: {
		static const char *const paths[] = { "/a", "/b" };
		const char *p = paths[g_rand_int_range(r, 0, 2)];

		if (g_rand_boolean(r))
			sys_mount_bind(w, t, pick_fd(r), p);
		else if (g_rand_boolean(r))
			sys_umount(w, t, p);
		else
			sys_open_file(w, t, p);
		break;
	}
	case 25:
		sys_send_fd(w, t, pick_fd(r), u, g_rand_boolean(r));
		break;
	case 26:
		if (g_rand_boolean(r))
			sys_recv_fd(w, t);
		else
			sys_pidfd_getfd(w, t, pick_fd(r), pick_fd(r));
		break;
	case 27: {
		struct nss_listns_req req = { .size = 32 };
		uint64_t out[16];

		req.ns_type = (uint32_t)random_ns_flags(r, 20);
		req.ns_id = g_rand_boolean(r) ? 0 : (uint64_t)g_rand_int_range(r, 0, 40);
		req.user_ns_id = g_rand_int_range(r, 0, 3) == 0 ? NSS_LISTNS_CURRENT_USER
				 : g_rand_boolean(r) ? 0 : (uint64_t)g_rand_int_range(r, 1, 40);
		sys_listns(w, t, &req, g_rand_int_range(r, 0, 10) ? out : NULL, 16, 0);
		break;
	}
	case 28:
		sys_setns_begin(w, t, pick_fd(r), g_rand_boolean(r) ? 0 : random_ns_flags(r, 25));
		break;
	case 29:
		sys_setns_finish(w, t, (uint64_t)g_rand_int_range(r, 0, 40));
		break;
	default:
		world_run_deferred(w, g_rand_int_range(r, 1, 4));
		break;
	}
}

/* Kill every task but init, reap everything, close init's fds, drain. */
static void teardown_world(struct world *w)
{
	uint64_t init = world_init_task(w);

	for (int round = 0; round < 200 && w->tasks.length > 1; round++) {
		for (GList *l = w->tasks.head; l;) {
			struct task *t = l->data;

			l = l->next;
			if (t->id != init && t->state == TASK_RUNNING) {
				/* init's own threads exit alone: exit_group would be init's */
				int r = t->group_leader->id == init ? sys_exit(w, t->id, 0)
								    : sys_exit_group(w, t->id, 0);

				if (r == 0)
					l = w->tasks.head;   /* the list may have changed a lot */
			}
		}
		while (sys_wait(w, init, 0, NSS_WNOHANG) > 0)
			;
	}
	assert_int_equal(w->tasks.length, 1);
	while (w->setns_ops.head)       /* init's setns calls still in flight */
		sys_setns_finish(w, init, ((struct setns_op *)w->setns_ops.head->data)->id);
	while (sys_recv_fd(w, init) >= 0)
		;
	for (GList *l = w->mounts.head; l;) {
		struct mount *m = l->data;

		l = l->next;
		if (m->mnt_ns == task_lookup(w, init)->nsproxy->slot[SLOT_MNT] &&
		    sys_umount(w, init, m->path) == 0)
			l = w->mounts.head;
	}
	for (int fd = 0; fd < (int)task_lookup(w, init)->files->fd->len; fd++)
		sys_close(w, init, fd);
	world_run_deferred(w, 0);
}

/*
 * After the teardown only init is left: every namespace still alive must be
 * one it uses (its nsproxy, cred, mm, pid), one made at boot (kdevtmpfs's
 * mount namespace), an owner or parent of one, or held by a bind mount in a mount namespace that lives on.
 */
static void assert_only_reachable_from_init(struct world *w)
{
	struct task *init = task_lookup(w, world_init_task(w));
	g_autoptr(GHashTable) keep = g_hash_table_new(NULL, NULL);
	GPtrArray *todo = g_ptr_array_new();

	for (int s = 0; s < NR_SLOTS; s++)
		g_ptr_array_add(todo, init->nsproxy->slot[s]);
	g_ptr_array_add(todo, init->cred->user_ns);
	g_ptr_array_add(todo, init->mm->user_ns);
	g_ptr_array_add(todo, task_active_pid_ns(init));
	for (int t = 0; t < NS_NR_TYPES; t++)
		g_ptr_array_add(todo, w->init_ns[t]);
	for (GList *l = w->namespaces.head; l; l = l->next)   /* kdevtmpfs's */
		if (((struct ns *)l->data)->boot)
			g_ptr_array_add(todo, l->data);
	while (todo->len) {
		struct ns *ns = g_ptr_array_steal_index(todo, todo->len - 1);

		if (!ns || !g_hash_table_add(keep, ns))
			continue;
		g_ptr_array_add(todo, ns->owner);
		g_ptr_array_add(todo, ns->parent);
		/* bind mounts in a mount ns that lives on keep what they hold */
		for (GList *l = w->mounts.head; l; l = l->next)
			if (((struct mount *)l->data)->mnt_ns == ns)
				g_ptr_array_add(todo, ((struct mount *)l->data)->ino->ns);
	}
	g_ptr_array_free(todo, TRUE);
	for (GList *l = w->namespaces.head; l; l = l->next) {
		struct ns *ns = l->data;

		if (!g_hash_table_contains(keep, ns))
			fail_msg("%s namespace %" G_GUINT64_FORMAT " leaked (P %d, A %d)",
				 ns_name(ns), ns->id, ns->ref.val, ns->active.val);
	}
}

static void run_variant(const char *variant, bool expect_clean)
{
	for (int seed = 1; seed <= SEEDS; seed++) {
		struct fx *f = fx_new(variant, NSS_AUDIT_FULL);
		GRand *r = g_rand_new_with_seed(seed);

		for (int i = 0; i < OPS; i++)
			random_op(f->w, r);
		if (expect_clean) {
			if (f->rec.violations->len || f->rec.warnings->len)
				fail_msg("%s seed %d: %u violations, %u warnings", variant, seed,
					 f->rec.violations->len, f->rec.warnings->len);
			teardown_world(f->w);
			assert_int_equal(world_check(f->w), 0);
			assert_clean(f);
			assert_only_reachable_from_init(f->w);
			/* init_cred and init_nsproxy stay for the idle task; kdevtmpfs's nsproxy */
			assert_int_equal(f->w->creds.length,
					 1 + (task_lookup(f->w, f->init)->cred->static_usage == 0));
			assert_int_equal(f->w->nsproxies.length,
					 2 + (task_lookup(f->w, f->init)->nsproxy->static_count == 0));
			assert_int_equal(f->w->pids.length, 1);
			assert_int_equal(f->w->mms.length, 1);
			assert_int_equal(f->w->files.length, 0);
		} else {
			teardown_world(f->w);
		}
		g_rand_free(r);
		fx_free(f);
	}
}

static void test_random_619(void **state)
{
	run_variant("6.19", true);
}

static void test_random_618(void **state)
{
	run_variant("6.18", true);
}

static void test_random_prefix(void **state)
{
	run_variant("6.19-prefix", false);
}

/* The same seed gives the same transitions, byte for byte. */
static void test_deterministic(void **state)
{
	GArray *runs[2];

	for (int k = 0; k < 2; k++) {
		struct fx *f = fx_new("6.19", NSS_AUDIT_INCREMENTAL);
		GRand *r = g_rand_new_with_seed(42);

		for (int i = 0; i < 1500; i++)
			random_op(f->w, r);
		runs[k] = g_array_copy(f->rec.transitions);
		g_rand_free(r);
		fx_free(f);
	}
	assert_int_equal(runs[0]->len, runs[1]->len);
	assert_true(runs[0]->len > 1000);
	for (guint i = 0; i < runs[0]->len; i++) {
		struct nss_transition *a = &g_array_index(runs[0], struct nss_transition, i);
		struct nss_transition *b = &g_array_index(runs[1], struct nss_transition, i);

		assert_true(a->event == b->event && a->kind == b->kind && a->obj == b->obj &&
			    a->counter == b->counter && a->old_val == b->old_val &&
			    a->new_val == b->new_val && g_strcmp0(a->site, b->site) == 0);
	}
	g_array_free(runs[0], TRUE);
	g_array_free(runs[1], TRUE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_random_619),
		cmocka_unit_test(test_random_618),
		cmocka_unit_test(test_random_prefix),
		cmocka_unit_test(test_deterministic),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
