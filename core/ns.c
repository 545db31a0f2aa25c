// SPDX-License-Identifier: MIT
/*
 * ns.c - struct ns_common: the two counters, the owner cascade, creation and
 * destruction (kernel/nscommon.c, include/linux/ns_common.h and each type's
 * create/free function).
 *
 *   __ns_ref (P, refcount_t): memory.  Held by nsproxy slots, creds (user
 *     ns), child namespaces (their owner user ns; a pid ns's parent), struct
 *     pids (deepest pid ns), mm->user_ns, the nsfs inode, sockets.  At 0 the
 *     type's destructor runs, for user, net and ipc from a workqueue.
 *   __ns_ref_active (A, atomic_t, 6.19): visibility.  Held by nsproxy slots
 *     (8 per nsproxy, time twice), by each task on real_cred->user_ns, by each
 *     live struct pid on its deepest pid ns, by the nsfs inode, and by every
 *     active namespace on its owner (ns_owner(), which skips init_user_ns).
 *     The owner term is kept by walking owners on every 0 <-> 1 edge.
 *
 * 6.19 makes every operation on an initial namespace a no-op that asserts
 * (P, A) == (1, 1).  6.18 has no A and counts initial namespaces normally;
 * 6.19-prefix counts both and charges owners at creation (kernel-model §9.4).
 */
#include "core-private.h"

struct ns_type_desc {
	const char *name;
	uint64_t flag;
	uint32_t init_inum;
	uint64_t init_id;       /* 6.19 enum init_ns_id */
	int32_t static_ref_618; /* 6.18 / 6.19-prefix static __ns_ref */
	uint64_t boot_cookie_618; /* id drawn at boot, as observed on 6.18.44 */
};

static const struct ns_type_desc ns_types[NS_NR_TYPES] = {
	[NS_MNT]    = { "mnt",    NSS_CLONE_NEWNS,     0xEFFFFFF8u, 8, 1, 4 },
	[NS_UTS]    = { "uts",    NSS_CLONE_NEWUTS,    0xEFFFFFFEu, 2, 2, 1 },
	[NS_IPC]    = { "ipc",    NSS_CLONE_NEWIPC,    0xEFFFFFFFu, 1, 1, 4098 },
	[NS_PID]    = { "pid",    NSS_CLONE_NEWPID,    0xEFFFFFFCu, 4, 2, 4100 },
	[NS_CGROUP] = { "cgroup", NSS_CLONE_NEWCGROUP, 0xEFFFFFFBu, 5, 2, 5 },
	[NS_NET]    = { "net",    NSS_CLONE_NEWNET,    0xEFFFFFF9u, 7, 1, 3 },
	[NS_TIME]   = { "time",   NSS_CLONE_NEWTIME,   0xEFFFFFFAu, 6, 3, 2 },
	[NS_USER]   = { "user",   NSS_CLONE_NEWUSER,   0xEFFFFFFDu, 3, 3, 4099 },
};

const char *ns_type_name(enum ns_type t)
{
	return t < NS_NR_TYPES ? ns_types[t].name : "?";
}

uint64_t ns_type_clone_flag(enum ns_type t)
{
	return ns_types[t].flag;
}

int ns_type_from_clone_flag(uint64_t flag)
{
	for (int t = 0; t < NS_NR_TYPES; t++)
		if (ns_types[t].flag == flag)
			return t;
	return -1;
}

int ns_type_from_name(const char *name)
{
	for (int t = 0; t < NS_NR_TYPES; t++)
		if (g_strcmp0(ns_types[t].name, name) == 0)
			return t;
	return -1;
}

uint32_t ns_type_init_inum(enum ns_type t);
uint32_t ns_type_init_inum(enum ns_type t)
{
	return ns_types[t].init_inum;
}

const char *ns_name(const struct ns *ns)
{
	return ns_type_name(ns->type);
}

bool ns_is_init(const struct world *w, const struct ns *ns)
{
	return ns->initial;
}

struct ns *ns_init(struct world *w, enum ns_type t)
{
	return w->init_ns[t];
}

/* ns_owner(): NULL for init_user_ns itself and for anything it owns. */
struct ns *ns_owner(struct world *w, struct ns *ns)
{
	struct ns *o = ns->owner;

	if (!o || o == w->init_ns[NS_USER])
		return NULL;
	return o;
}

void ns_touch(struct world *w, struct ns *ns)
{
	if (ns->touched)
		return;
	ns->touched = true;
	g_ptr_array_add(w->touched, ns);
}

/* 6.19: every helper on an initial namespace is a no-op asserting (1, 1). */
static bool init_noop(struct world *w, struct ns *ns, const char *site)
{
	if (!ns->initial || w->v->init_counted)
		return false;
	if (ns->ref.val != 1 || ns->active.val != 1)
		kwarn(w, "K1", site, OBJ_NS, ns->id,
		      "initial namespace counters are not (1, 1)");
	return true;
}

/* ---- P ------------------------------------------------------------ */

bool ns_ref_get(struct world *w, struct ns *ns, const char *site)
{
	if (init_noop(w, ns, site))
		return true;
	ns_touch(w, ns);
	if (ref_inc_not_zero(w, &ns->ref, site))
		return true;
	if (w->v->has_active && ns->active.val != 0)
		kwarn(w, "K4", site, OBJ_NS, ns->id,
		      "__ns_ref_get failed with an active count");
	return false;
}

void ns_ref_inc(struct world *w, struct ns *ns, const char *site)
{
	if (init_noop(w, ns, site))
		return;
	ns_touch(w, ns);
	ref_inc(w, &ns->ref, site);
}

static void ns_free(struct world *w, struct ns *ns);

/*
 * The type's destructor.  user, net and ipc namespaces are torn down from a
 * workqueue (free_user_ns, cleanup_net, free_ipc); the others synchronously.
 */
void ns_destroy(struct world *w, struct ns *ns)
{
	struct ns *owner = ns->owner, *parent = ns->parent;

	if (ns->type == NS_MNT)
		mnt_ns_umount_all(w, ns);   /* put_mnt_ns -> umount_tree */
	ns_tree_remove(w, ns);
	if (ns->ucount)
		ucount_uncharge(w, ns->ucount, ns->type);
	proc_free_inum(w, ns->inum);
	notify_object(w, NSS_OBJ_FREED, OBJ_NS, ns->id);
	ns_free(w, ns);

	switch (ns->type) {
	case NS_USER:
		/* free_user_ns loops up the parents that also reach 0. */
		if (owner)
			ns_ref_put(w, owner, "free_user_ns");
		break;
	case NS_PID:
		/* destroy_pid_namespace, then put_pid_ns continues with the parent. */
		if (owner)
			ns_ref_put(w, owner, "destroy_pid_namespace");
		if (parent)
			ns_ref_put(w, parent, "put_pid_ns");
		break;
	case NS_NET:
		ns_ref_put(w, owner, "cleanup_net");
		break;
	case NS_IPC:
		ns_ref_put(w, owner, "free_ipc_ns");
		break;
	case NS_MNT:
		ns_ref_put(w, owner, "free_mnt_ns");
		break;
	case NS_UTS:
		ns_ref_put(w, owner, "free_uts_ns");
		break;
	case NS_CGROUP:
		ns_ref_put(w, owner, "free_cgroup_ns");
		break;
	case NS_TIME:
		ns_ref_put(w, owner, "free_time_ns");
		break;
	default:
		g_assert_not_reached();
	}
	g_free(ns);
}

void ns_ref_put(struct world *w, struct ns *ns, const char *site)
{
	if (init_noop(w, ns, site))
		return;
	ns_touch(w, ns);
	if (!ref_dec_and_test(w, &ns->ref, site))
		return;
	if (w->v->has_active && ns->active.val != 0)
		kwarn(w, "K3", site, OBJ_NS, ns->id,
		      "__ns_ref_put reached 0 with an active count");
	if (ns->initial) {
		/* Static objects are never freed; the counter stays at 0. */
		kwarn(w, "K12", site, OBJ_NS, ns->id,
		      "initial namespace reached __ns_ref 0");
		return;
	}
	ns->dying = true;
	switch (ns->type) {
	case NS_USER:
		world_queue_deferred(w, DEFER_NS, ns, "free_user_ns");
		break;
	case NS_NET:
		world_queue_deferred(w, DEFER_NS, ns, "cleanup_net");
		break;
	case NS_IPC:
		world_queue_deferred(w, DEFER_NS, ns, "free_ipc");
		break;
	default:
		ns_destroy(w, ns);
	}
}

/* ---- A ------------------------------------------------------------ */

/*
 * The resurrecting get (6.19 __ns_ref_active_get, and nsfs_init_inode's
 * __ns_ref_active_resurrect in 6.19-prefix): on 0 -> 1, walk the owners and
 * take one reference on each until one was already active.
 */
static void active_get_cascade(struct world *w, struct ns *ns, const char *site,
			       const char *owner_site)
{
	int32_t prev = atomic_add_return_ctr(w, &ns->active, 1, site) - 1;

	if (prev < 0)
		kwarn(w, "K6", site, OBJ_NS, ns->id, "active get on a negative count");
	if (prev != 0)
		return;
	for (struct ns *o = ns_owner(w, ns); o; o = ns_owner(w, o)) {
		ns_touch(w, o);
		if (o->initial)
			kwarn(w, "K6", owner_site, OBJ_NS, o->id,
			      "active cascade reached an initial namespace");
		prev = atomic_add_return_ctr(w, &o->active, 1, owner_site) - 1;
		if (prev < 0)
			kwarn(w, "K6", owner_site, OBJ_NS, o->id,
			      "active get on a negative count");
		if (prev != 0)
			return;
	}
}

void ns_active_get(struct world *w, struct ns *ns, const char *site)
{
	if (!w->v->has_active || init_noop(w, ns, site))
		return;
	ns_touch(w, ns);
	if (w->v->plain_get_no_cascade) {
		/* 6.19-prefix ns_ref_active_get(): a plain increment. */
		int32_t v = atomic_add_return_ctr(w, &ns->active, 1, site);

		if (v < 0)
			kwarn(w, "K13", site, OBJ_NS, ns->id,
			      "active get produced a negative count");
		if (ns->initial && v <= 0)
			kwarn(w, "K13", site, OBJ_NS, ns->id,
			      "active get on an initial namespace produced <= 0");
		return;
	}
	active_get_cascade(w, ns, site, "__ns_ref_active_get");
}

void ns_active_resurrect(struct world *w, struct ns *ns, const char *site)
{
	if (!w->v->has_active || init_noop(w, ns, site))
		return;
	ns_touch(w, ns);
	active_get_cascade(w, ns, site,
			   w->v->plain_get_no_cascade ? "__ns_ref_active_resurrect"
						      : "__ns_ref_active_get");
}

void ns_active_put(struct world *w, struct ns *ns, const char *site)
{
	/* 57b39aabb99e added the underflow asserts; 6.19-prefix lacks them. */
	bool underflow_assert = !w->v->plain_get_no_cascade;
	const char *owner_site = underflow_assert ? "__ns_ref_active_put"
						  : "__ns_ref_active_put_owner";
	int32_t v;

	if (!w->v->has_active || init_noop(w, ns, site))
		return;
	ns_touch(w, ns);
	v = atomic_add_return_ctr(w, &ns->active, -1, site);
	if (v != 0) {
		if (v < 0 && underflow_assert)
			kwarn(w, "K7", site, OBJ_NS, ns->id, "active count underflow");
		return;
	}
	if (ns->initial)
		kwarn(w, underflow_assert ? "K7" : "K13", site, OBJ_NS, ns->id,
		      "initial namespace went inactive");
	if (ns->ref.val == 0)
		kwarn(w, "K7", site, OBJ_NS, ns->id,
		      "namespace went inactive with __ns_ref 0");
	for (struct ns *o = ns_owner(w, ns); o; o = ns_owner(w, o)) {
		ns_touch(w, o);
		if (o->initial && underflow_assert)
			kwarn(w, "K6", owner_site, OBJ_NS, o->id,
			      "active cascade reached an initial namespace");
		v = atomic_add_return_ctr(w, &o->active, -1, owner_site);
		if (v != 0) {
			if (v < 0 && underflow_assert)
				kwarn(w, "K7", owner_site, OBJ_NS, o->id,
				      "active count underflow");
			return;
		}
	}
}

bool ns_get_unless_inactive(struct world *w, struct ns *ns, const char *site)
{
	if (w->v->has_active && ns->active.val == 0) {
		if (ns->initial)
			kwarn(w, "K5", site, OBJ_NS, ns->id,
			      "initial namespace found inactive");
		if (w->v->plain_get_no_cascade && ns->ref.val == 0)
			kwarn(w, "K13", site, OBJ_NS, ns->id,
			      "inactive lookup with __ns_ref 0");
		return false;
	}
	return ns_ref_get(w, ns, site);
}

/* ---- creation ------------------------------------------------------ */

static struct ns *ns_alloc(struct world *w, enum ns_type t)
{
	struct ns *ns = g_new0(struct ns, 1);

	ns->type = t;
	ns->link.data = ns;
	ns->ucounts = NULL;
	for (int i = 0; i < NS_NR_TYPES; i++)
		ns->ucount_max[i] = INT32_MAX;
	return ns;
}

static void ns_register(struct world *w, struct ns *ns)
{
	counter_setup(&ns->ref, OBJ_NS, CTR_REF, ns->id, false);
	counter_setup(&ns->active, OBJ_NS, CTR_ACTIVE, ns->id, true);
	g_queue_push_tail_link(&w->namespaces, &ns->link);
	g_hash_table_insert(w->ns_by_id, &ns->id, ns);
	notify_object(w, NSS_OBJ_CREATED, OBJ_NS, ns->id);
}

static void ns_free(struct world *w, struct ns *ns)
{
	struct ns *o = ns_owner(w, ns);

	/* the holds a namespace has on others go with it */
	if (ns->owner)
		ns_hold(w, ns->owner, -1, 0);
	if (ns->type == NS_PID && ns->parent)
		ns_hold(w, ns->parent, -1, 0);
	if (o && ns->active.val > 0) {
		o->hold_owned--;
		ns_touch(w, o);
	}
	if (ns->touched) {
		g_ptr_array_remove_fast(w->touched, ns);
		ns->touched = false;
	}
	g_hash_table_remove(w->ns_by_id, &ns->id);
	g_queue_unlink(&w->namespaces, &ns->link);
	if (ns->ucounts)
		g_ptr_array_free(ns->ucounts, TRUE);
}

/*
 * The boot-time namespaces.  6.19 sets them up statically at (1, 1) with
 * ids 1..8; 6.18 and 6.19-prefix start them at the kernel's static counts,
 * part of which stands for holders nssim does not model (static_ref).
 */
void ns_boot(struct world *w)
{
	for (int t = 0; t < NS_NR_TYPES; t++) {
		struct ns *ns = ns_alloc(w, t);
		int32_t ref = 1, active = 1;

		ns->initial = true;
		ns->inum = ns_types[t].init_inum;
		ns->id = w->v->cookie_ids ? ns_types[t].boot_cookie_618
					  : ns_types[t].init_id;
		if (w->v->init_counted) {
			ref = ns_types[t].static_ref_618;
			if (w->v->init_net_active_zero && t == NS_NET)
				active = 0;
		}
		if (!w->v->has_active)
			active = 0;
		ns_register(w, ns);
		ns->ref.val = ref;       /* static initialisers, not transitions */
		ns->active.val = active;
		ns->static_ref = ref;
		ns->static_active = active;
		ns->pid_adding = true;
		ns->ucounts = g_ptr_array_new_with_free_func(g_free);
		for (int i = 0; i < NS_NR_TYPES; i++)
			ns->ucount_max[i] = w->cfg.init_max_namespaces;
		if (t == NS_USER)
			ucounts_boot(w, ns);   /* init_ucounts */
		w->init_ns[t] = ns;
	}
	for (int t = 0; t < NS_NR_TYPES; t++)
		if (t != NS_USER)
			w->init_ns[t]->owner = w->init_ns[NS_USER];
	for (int t = 0; t < NS_NR_TYPES; t++)
		ns_tree_add(w, w->init_ns[t]);
}

/*
 * Create a namespace of type @t owned by @owner_user: ucounts, then
 * ns_common_init (P = 1, A = 0, inum, id), P on the owner (for a user ns the
 * creator's cred reference is transferred by the caller instead), P on the
 * parent pid ns, then the trees.  Errors as the type's create function.
 */
int ns_create(struct world *w, enum ns_type t, struct ns *owner_user,
	      struct ns *parent, uint32_t creator_uid, struct ns **out)
{
	struct ucounts *uc;
	int err;

	g_assert(t != NS_USER);
	if (t == NS_PID && parent->level + 1 > 32)
		return -ENOSPC;
	err = ucount_charge(w, owner_user, creator_uid, t, &uc);
	if (err)
		return err;
	err = ns_create_charged(w, t, owner_user, parent, creator_uid, uc, out);
	if (err)
		ucount_uncharge(w, uc, t);
	return err;
}

/* The creation proper, once the ucount is charged (create_user_ns). */
int ns_create_charged(struct world *w, enum ns_type t, struct ns *owner_user,
		      struct ns *parent, uint32_t creator_uid, struct ucounts *uc,
		      struct ns **out)
{
	int err = should_fail(w, FAULT_NS_COMMON_INIT);   /* proc_alloc_inum */
	struct ns *ns;

	if (err)
		return err;
	ns = ns_alloc(w, t);

	ns->inum = proc_alloc_inum(w);
	ns->id = ns_tree_gen_id(w, w->cur_cpu);
	ns->ucount = uc;
	ns_register(w, ns);
	ref_init(w, &ns->ref, 1, "__ns_common_init");
	ns_touch(w, ns);

	switch (t) {
	case NS_USER:
		ns->owner = ns->parent = parent;
		ns->level = parent->level + 1;
		ns->owner_uid = creator_uid;
		ns->ucounts = g_ptr_array_new_with_free_func(g_free);
		break;
	case NS_PID:
		ns->owner = owner_user;
		ns_ref_inc(w, owner_user, "create_pid_namespace");
		ns->parent = parent;
		ns->level = parent->level + 1;
		ns_ref_inc(w, parent, "create_pid_namespace");
		ns->pid_adding = true;
		break;
	default: {
		static const char *const sites[NS_NR_TYPES] = {
			[NS_MNT] = "alloc_mnt_ns", [NS_UTS] = "clone_uts_ns",
			[NS_IPC] = "create_ipc_ns", [NS_CGROUP] = "alloc_cgroup_ns",
			[NS_NET] = "copy_net_ns", [NS_TIME] = "clone_time_ns",
		};
		ns->owner = owner_user;
		ns_ref_inc(w, owner_user, sites[t]);
	}
	}
	/* the owner (and a pid namespace's parent) is held while ns lives */
	ns_hold(w, ns->owner, 1, 0);
	if (t == NS_PID)
		ns_hold(w, ns->parent, 1, 0);
	if (t == NS_NET) {
		/*
		 * setup_net(): the id is taken (net_cookie), then every pernet
		 * subsystem's init runs; one failing undoes the others and
		 * copy_net_ns() frees the namespace it never published.
		 */
		err = should_fail(w, FAULT_SETUP_NET);
		if (err) {
			proc_free_inum(w, ns->inum);              /* ns_common_free */
			ns_ref_put(w, owner_user, "copy_net_ns"); /* put_user_ns */
			if (ref_dec_and_test(w, &ns->ref, "net_passive_dec")) {
				notify_object(w, NSS_OBJ_FREED, OBJ_NS, ns->id);
				ns_free(w, ns);
				g_free(ns);
			}
			return err;
		}
	}
	ns_tree_add(w, ns);
	if (w->v->owner_charge_at_create) {
		/* 6.19-prefix __ns_ref_active_get_owner() at tree insertion. */
		struct ns *o = ns_owner(w, ns);

		if (o) {
			ns_touch(w, o);
			if (atomic_add_return_ctr(w, &o->active, 1,
						  "__ns_ref_active_get_owner") < 0)
				kwarn(w, "K13", "__ns_ref_active_get_owner", OBJ_NS,
				      o->id, "owner charge produced a negative count");
		}
	}
	*out = ns;
	return 0;
}

/* ---- introspection ------------------------------------------------- */

bool nss_ns_info(const struct world *w, uint64_t id, struct nss_ns_info *out)
{
	const struct ns *ns = g_hash_table_lookup(w->ns_by_id, &id);

	if (!ns)
		return false;
	*out = (struct nss_ns_info){
		.id = ns->id,
		.type = ns->type,
		.inum = ns->inum,
		.ref = ns->ref.val,
		.active = ns->active.val,
		.owner = ns->owner ? ns->owner->id : 0,
		.parent = ns->parent ? ns->parent->id : 0,
		.level = ns->level,
		.initial = ns->initial,
		.boot = ns->boot,
		.in_tree = ns->in_tree,
		.has_inode = ns->inode != NULL,
		.dying = ns->dying,
	};
	return true;
}

static gint cmp_u64(gconstpointer a, gconstpointer b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

GArray *nss_ns_ids(const struct world *w)
{
	GArray *ids = g_array_new(FALSE, FALSE, sizeof(uint64_t));

	for (GList *l = w->namespaces.head; l; l = l->next)
		g_array_append_val(ids, ((struct ns *)l->data)->id);
	g_array_sort(ids, cmp_u64);
	return ids;
}
