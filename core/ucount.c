// SPDX-License-Identifier: MIT
/*
 * ucount.c - struct ucounts (kernel/ucount.c, set_cred_ucounts in
 * kernel/cred.c).
 *
 * One object per (user namespace, uid), found by that key.  It lives while
 * referenced (refs, the kernel's rcuref), and while it lives it holds a P
 * on its user namespace (alloc_ucounts' get_user_ns, put_ucounts' put).
 * Holders of refs:
 *   - every cred (cred->ucounts: the real uid in the cred's user ns, once
 *     set_cred_ucounts() ran; prepare_creds() copies it with a get);
 *   - every namespace charge (inc_ucount(): (owner user ns, creator euid),
 *     dropped by dec_ucount() when the namespace is freed);
 *   - for the initial user ns and uid 0, init_ucounts' static reference.
 * Each object also counts the namespaces charged to it, per type; a charge
 * also counts at every ancestor level, on the object the child user ns was
 * charged to (its ->ucounts), as inc_ucount() walks them.
 */
#include "core-private.h"

static struct ucounts *find_ucounts(struct ns *user_ns, uint32_t uid)
{
	for (guint i = 0; i < user_ns->ucounts->len; i++) {
		struct ucounts *uc = user_ns->ucounts->pdata[i];

		if (uc->uid == uid)
			return uc;
	}
	return NULL;
}

/* The boot-time object of (initial user ns, uid 0): init_cred's, never freed. */
struct ucounts *ucounts_boot(struct world *w, struct ns *init_user)
{
	struct ucounts *uc = g_new0(struct ucounts, 1);

	(void)w;
	uc->ns = init_user;
	uc->uid = 0;
	uc->refs = 1;
	uc->static_refs = 1;
	g_ptr_array_add(init_user->ucounts, uc);
	return uc;
}

void get_ucounts(struct ucounts *uc)
{
	uc->refs++;
}

/*
 * alloc_ucounts(): the live object of the key with one more reference, or
 * a new one that takes a P on the namespace.  The allocation is @site, a
 * fallible site: NULL then.
 */
static struct ucounts *alloc_ucounts(struct world *w, struct ns *user_ns, uint32_t uid,
				     enum fault_site site)
{
	struct ucounts *uc = find_ucounts(user_ns, uid);

	if (uc) {
		uc->refs++;
		return uc;
	}
	if (should_fail(w, site))   /* kzalloc */
		return NULL;
	uc = g_new0(struct ucounts, 1);
	uc->ns = user_ns;
	uc->uid = uid;
	uc->refs = 1;
	g_ptr_array_add(user_ns->ucounts, uc);
	ns_hold(w, user_ns, 1, 0);
	ns_ref_inc(w, user_ns, "alloc_ucounts");
	return uc;
}

void put_ucounts(struct world *w, struct ucounts *uc)
{
	struct ns *user_ns = uc->ns;

	g_assert(uc->refs > uc->static_refs);
	if (--uc->refs)
		return;
	g_ptr_array_remove_fast(user_ns->ucounts, uc);   /* frees it */
	ns_hold(w, user_ns, -1, 0);
	ns_ref_put(w, user_ns, "put_ucounts");
}

/*
 * inc_ucount(): the object of (@user_ns, @uid) with a reference, then one
 * more namespace of type @t counted on it and on the object of every
 * ancestor level, each below that namespace's max_<type>_namespaces, else
 * ENOSPC with nothing counted.  (The model is single-threaded: checking
 * every level before counting any gives the kernel's charge-and-unwind
 * result.)  An allocation failure of the object is ENOSPC too.
 */
int ucount_charge(struct world *w, struct ns *user_ns, uint32_t uid, enum ns_type t,
		  struct ucounts **out)
{
	struct ucounts *uc;
	int err = should_fail(w, FAULT_INC_UCOUNT);

	if (err)
		return err;
	uc = alloc_ucounts(w, user_ns, uid, FAULT_ALLOC_UCOUNTS);
	if (!uc)
		return -ENOSPC;
	for (struct ucounts *it = uc; it; it = it->ns->ucount) {
		if (it->count[t] >= it->ns->ucount_max[t]) {
			put_ucounts(w, uc);
			return -ENOSPC;
		}
	}
	for (struct ucounts *it = uc; it; it = it->ns->ucount)
		it->count[t]++;
	*out = uc;
	return 0;
}

/* dec_ucount(): give back what ucount_charge() counted, and its reference. */
void ucount_uncharge(struct world *w, struct ucounts *uc, enum ns_type t)
{
	for (struct ucounts *it = uc; it; it = it->ns->ucount) {
		g_assert(it->count[t] > 0);
		it->count[t]--;
	}
	put_ucounts(w, uc);
}

/*
 * set_cred_ucounts(): the cred's ucounts follow its user ns and real uid.
 * The fast path keeps them; else the key's live object is taken, or a new
 * one allocated, which can fail (EAGAIN, the site set_cred_ucounts); then
 * the old object is put.  So unshare(CLONE_NEWUSER | CLONE_NEWNET) as uid
 * == euid cannot fail here: the net namespace's charge made the key first.
 */
int set_cred_ucounts(struct world *w, struct cred *c)
{
	struct ucounts *old = c->ucounts, *uc;

	if (old->ns == c->user_ns && old->uid == c->uid)
		return 0;
	uc = alloc_ucounts(w, c->user_ns, c->uid, FAULT_SET_CRED_UCOUNTS);
	if (!uc)
		return -EAGAIN;
	c->ucounts = uc;
	put_ucounts(w, old);
	return 0;
}
