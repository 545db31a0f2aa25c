// SPDX-License-Identifier: MIT
/*
 * listns.c - the listns() system call (kernel/nstree.c, 6.19).
 *
 * Only active namespaces are listed: each candidate is taken with
 * ns_get_unless_inactive() and released after its id is copied out (the
 * P get and put appear in the trace).  The walk is the owner list of a user
 * namespace, one type's tree, or the unified tree, in ascending id order;
 * a cursor restarts at the smallest id above it, which must be active, else
 * ENOENT.  Visibility is 6.19.0's may_list_ns(), or 7.0's, which shows
 * a foreign namespace only to may_see_all_namespaces().
 */
#include "core-private.h"

#define NS_ID_REQ_SIZE_VER0 32
#define LISTNS_MAX 1000000
#define PAGE_SIZE 4096

static bool may_list_ns(struct world *w, struct task *t, struct ns *ns, bool owner_mode,
			bool userns_capable)
{
	if (w->v->see_all_gate) {
		/* 7.0: the caller's own namespaces, else everything or nothing */
		if (owner_mode && userns_capable)
			return true;
		return ns_current_in(t, ns) || may_see_all_namespaces(w, t);
	}
	if (owner_mode) {
		if (userns_capable)
			return true;
	} else if (ns_capable(w, t->cred, ns->owner ? ns->owner : w->init_ns[NS_USER],
			      CAP_SYS_ADMIN)) {
		return true;
	}
	if (ns_current_in(t, ns))
		return true;
	return ns->type == NS_USER && ns_capable(w, t->cred, ns, CAP_SYS_ADMIN);
}

/* The namespaces walked, ascending: owned by @owner, or of one type, or all. */
static GPtrArray *walk_list(struct world *w, struct ns *owner, int type)
{
	GPtrArray *all = g_ptr_array_new();
	GTree *tree = type >= 0 ? w->tree_type[type] : w->tree_unified;

	for (GTreeNode *n = g_tree_node_first(tree); n; n = g_tree_node_next(n)) {
		struct ns *ns = g_tree_node_value(n);

		if (!owner || ns->owner == owner)
			g_ptr_array_add(all, ns);
	}
	return all;
}

static int64_t do_listns(struct world *w, struct task *t, const struct nss_listns_req *req,
			 uint64_t *out, uint64_t nr, uint64_t writable, unsigned int flags)
{
	g_autoptr(GPtrArray) list = NULL;
	struct ns *owner = NULL;
	bool userns_capable = false;
	int single = -1;
	guint i = 0;
	uint64_t n = 0;

	if (!w->v->has_active)
		return -ENOSYS;
	if (flags)
		return -EINVAL;
	if (nr > LISTNS_MAX)
		return -EOVERFLOW;
	if (!req)
		return -EFAULT;
	if (req->size > PAGE_SIZE)
		return -E2BIG;
	if (req->size < NS_ID_REQ_SIZE_VER0)
		return -EINVAL;
	if (req->spare)
		return -EINVAL;
	if (req->ns_type & ~(uint32_t)NSS_CLONE_NEWALL)
		return -EOPNOTSUPP;
	if (req->user_ns_id == NSS_LISTNS_CURRENT_USER) {
		owner = t->cred->user_ns;
	} else if (req->user_ns_id) {
		owner = ns_tree_lookup(w, req->user_ns_id, NS_USER);
		if (!owner || !ns_get_unless_inactive(w, owner, "listns"))
			return -EINVAL;
		/* the lookup reference is held for the walk; dropped at the end */
	}
	if (owner)
		userns_capable = w->v->see_all_gate ? may_see_all_namespaces(w, t)
						    : ns_capable(w, t->cred, owner, CAP_SYS_ADMIN);
	else if (req->ns_type && !(req->ns_type & (req->ns_type - 1)))
		single = ns_type_from_clone_flag(req->ns_type);
	list = walk_list(w, owner, single);

	if (req->ns_id) {
		/* the smallest id above the cursor, whatever its type, must be active */
		while (i < list->len && ((struct ns *)list->pdata[i])->id <= req->ns_id)
			i++;
		if (i == list->len || !ns_get_unless_inactive(w, list->pdata[i], "listns")) {
			n = (uint64_t)-ENOENT;
			goto out;
		}
		ns_ref_put(w, list->pdata[i], "listns");
	}
	for (; i < list->len && n < nr; i++) {
		struct ns *ns = list->pdata[i];
		bool visible;

		if (req->ns_type && !(ns_type_clone_flag(ns->type) & req->ns_type))
			continue;
		if (!ns_get_unless_inactive(w, ns, "listns"))
			continue;
		visible = may_list_ns(w, t, ns, owner != NULL, userns_capable);
		if (visible && (!out || n >= writable)) {
			ns_ref_put(w, ns, "listns");
			n = (uint64_t)-EFAULT;       /* put_user() past the writable part */
			goto out;
		}
		if (visible)
			out[n++] = ns->id;
		ns_ref_put(w, ns, "listns");
	}
out:
	if (owner && req->user_ns_id != NSS_LISTNS_CURRENT_USER)
		ns_ref_put(w, owner, "listns");
	/* §12.2 item 7: what was listed is active and strictly ascending */
	for (uint64_t k = 0; out && (int64_t)n > 0 && k < n; k++) {
		struct ns *ns = g_hash_table_lookup(w->ns_by_id, &out[k]);

		if (!ns || ns->active.val <= 0)
			violation(w, "listns-inactive", OBJ_NS, out[k], 1, ns ? ns->active.val : 0,
				  "listns returned a namespace that is not active");
		if (k && out[k] <= out[k - 1])
			violation(w, "listns-order", OBJ_NS, out[k], (int64_t)out[k - 1] + 1,
				  (int64_t)out[k], "listns output not strictly ascending");
	}
	return (int64_t)n;
}

int64_t sys_listns(struct world *w, uint64_t task, const struct nss_listns_req *req,
		   uint64_t *out, uint64_t nr, unsigned int flags)
{
	return sys_listns_partial(w, task, req, out, nr, out ? nr : 0, flags);
}

int64_t sys_listns_partial(struct world *w, uint64_t task, const struct nss_listns_req *req,
			   uint64_t *out, uint64_t nr, uint64_t writable, unsigned int flags)
{
	struct task *t = event_begin(w, "listns", task, req ? (int64_t)req->ns_id : 0,
				     (int64_t)nr, flags);

	if (!t)
		return event_end(w, -ESRCH);
	return event_end(w, do_listns(w, t, req, out, nr, MIN(writable, nr), flags));
}
