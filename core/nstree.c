// SPDX-License-Identifier: MIT
/*
 * nstree.c - namespace ids, inode numbers and the id-ordered trees
 * (kernel/nstree.c, fs/proc/generic.c proc_alloc_inum).
 *
 * 6.19 keeps every namespace in its type's tree and in one unified tree, all
 * keyed by ns_id; ids come from one counter that starts after the eight fixed
 * initial ids, so the first dynamic id is 10 and ids grow in creation order.
 * 6.18 has only the per-type trees and draws ids from a cookie generator that
 * hands each CPU a batch of 4096, so ids are unique but not ordered across
 * CPUs.  Inode numbers come from an IDA above 0xF0000000 and are reused
 * lowest first, which is why nothing may treat them as identities.
 */
#include "core-private.h"

#define NS_LAST_INIT_ID 8
#define COOKIE_LOCAL_BATCH 4096
#define PROC_DYNAMIC_FIRST 0xF0000000u

static gint cmp_id(gconstpointer a, gconstpointer b, gpointer unused)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

void nstree_init(struct world *w)
{
	w->tree_unified = g_tree_new_full(cmp_id, NULL, NULL, NULL);
	for (int t = 0; t < NS_NR_TYPES; t++)
		w->tree_type[t] = g_tree_new_full(cmp_id, NULL, NULL, NULL);
	w->id_counter = NS_LAST_INIT_ID + 1;
	w->cookie_next = g_new0(uint64_t, w->nr_cpus);
	w->cookie_end = g_new0(uint64_t, w->nr_cpus);
	/* The 6.18 boot as observed: CPU 0 used 1..5, CPU 1 up to 4100. */
	w->cookie_global = 1 + 2 * COOKIE_LOCAL_BATCH;
	w->cookie_next[0] = 6;
	w->cookie_end[0] = COOKIE_LOCAL_BATCH + 1;
	if (w->nr_cpus > 1) {
		w->cookie_next[1] = 4101;
		w->cookie_end[1] = 2 * COOKIE_LOCAL_BATCH + 1;
	}
	w->inum_next = PROC_DYNAMIC_FIRST;
	w->inum_free = g_tree_new_full(cmp_id, NULL, g_free, NULL);
}

void nstree_fini(struct world *w)
{
	g_tree_destroy(w->tree_unified);
	for (int t = 0; t < NS_NR_TYPES; t++)
		g_tree_destroy(w->tree_type[t]);
	g_tree_destroy(w->inum_free);
	g_free(w->cookie_next);
	g_free(w->cookie_end);
}

uint64_t ns_tree_gen_id(struct world *w, unsigned int cpu)
{
	if (!w->v->cookie_ids)
		return ++w->id_counter;   /* atomic64_inc_return */
	cpu %= w->nr_cpus;
	if (w->cookie_next[cpu] == w->cookie_end[cpu]) {
		/* gen_cookie_next(): this CPU takes a new batch. */
		w->cookie_next[cpu] = w->cookie_global;
		w->cookie_end[cpu] = w->cookie_global + COOKIE_LOCAL_BATCH;
		w->cookie_global += COOKIE_LOCAL_BATCH;
	}
	return w->cookie_next[cpu]++;
}

void ns_tree_add(struct world *w, struct ns *ns)
{
	if (ns->id == 0)
		kwarn(w, "K8", "__ns_tree_add_raw", OBJ_NS, ns->id, "ns_id is 0");
	if (!ns->owner && ns != w->init_ns[NS_USER])
		kwarn(w, "K8", "__ns_tree_add_raw", OBJ_NS, ns->id,
		      "namespace without owner");
	if (ns->owner && ns->owner->type != NS_USER)
		kwarn(w, "K8", "__ns_tree_add_raw", OBJ_NS, ns->id,
		      "owner is not a user namespace");
	if (g_tree_lookup(w->tree_type[ns->type], &ns->id)) {
		kwarn(w, "K8", "__ns_tree_add_raw", OBJ_NS, ns->id,
		      "id already in the type tree");
		return;
	}
	g_tree_insert(w->tree_type[ns->type], &ns->id, ns);
	if (w->v->unified_tree)
		g_tree_insert(w->tree_unified, &ns->id, ns);
	ns->in_tree = true;
	notify_object(w, NSS_NS_TREE_ADD, OBJ_NS, ns->id);
}

void ns_tree_remove(struct world *w, struct ns *ns)
{
	if (!ns->in_tree) {
		kwarn(w, "K9", "__ns_tree_remove", OBJ_NS, ns->id,
		      "namespace not in the tree");
		return;
	}
	g_tree_remove(w->tree_type[ns->type], &ns->id);
	if (w->v->unified_tree)
		g_tree_remove(w->tree_unified, &ns->id);
	ns->in_tree = false;
	notify_object(w, NSS_NS_TREE_REMOVE, OBJ_NS, ns->id);
}

/* Lookup by id: in the type tree when @type >= 0, else the unified tree. */
struct ns *ns_tree_lookup(struct world *w, uint64_t id, int type)
{
	if (type >= 0)
		return g_tree_lookup(w->tree_type[type], &id);
	if (!w->v->unified_tree)
		return NULL;
	return g_tree_lookup(w->tree_unified, &id);
}

uint32_t proc_alloc_inum(struct world *w)
{
	GTreeNode *first = g_tree_node_first(w->inum_free);
	uint32_t inum;

	if (!first)
		return w->inum_next++;
	inum = (uint32_t)*(uint64_t *)g_tree_node_key(first);
	g_tree_remove(w->inum_free, g_tree_node_key(first));
	return inum;
}

void proc_free_inum(struct world *w, uint32_t inum)
{
	uint64_t *k;

	if (inum < PROC_DYNAMIC_FIRST)
		return;
	k = g_new(uint64_t, 1);
	*k = inum;
	g_tree_insert(w->inum_free, k, k);
}
