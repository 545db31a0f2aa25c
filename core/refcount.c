// SPDX-License-Identifier: MIT
/*
 * refcount.c - the choke point.
 *
 * Every modelled counter (ns __ns_ref and __ns_ref_active, nsproxy count,
 * cred usage, struct pid count, file f_count, nsfs dentry count, mm_users and
 * mm_count, files_struct and fs_struct users) changes here and nowhere else,
 * so the trace, the invariants and the counters cannot disagree.
 *
 * refcount_t counters follow include/linux/refcount.h: an increment from 0
 * or past INT_MAX and a decrement below 0 warn once and leave the counter
 * saturated at REFCOUNT_SATURATED, which is never freed; a plain
 * refcount_dec() to 0 warns "leaking memory".  refcount_inc_not_zero() fails
 * silently on 0.  atomic_t counters (__ns_ref_active) just move; their checks
 * are the explicit assertions of kernel/nscommon.c, made by the callers.
 */
#include "core-private.h"

void counter_setup(struct counter *c, enum nss_obj_kind kind,
		   enum nss_counter_name name, uint64_t obj, bool atomic)
{
	c->val = 0;
	c->kind = kind;
	c->name = name;
	c->atomic = atomic;
	c->obj = obj;
}

static void record(struct world *w, struct counter *c, int32_t nv, const char *site)
{
	struct nss_transition t = {
		.seq = ++w->transitions,
		.event = w->ev.seq,
		.kind = c->kind,
		.obj = c->obj,
		.counter = c->name,
		.old_val = c->val,
		.new_val = nv,
		.site = site,
	};

	if (c->kind == OBJ_NS && c->name == CTR_ACTIVE && (c->val > 0) != (nv > 0)) {
		/* an owned namespace that becomes active or inactive: its owner's
		 * expected A moves (the one holder the audit derives from a count) */
		struct ns *ns = (struct ns *)((char *)c - offsetof(struct ns, active));
		struct ns *o = ns_owner(w, ns);

		if (o) {
			o->hold_owned += nv > 0 ? 1 : -1;
			ns_touch(w, o);
		}
	}
	c->val = nv;
	for (guint i = 0; i < w->observers->len; i++) {
		const struct nss_observer *o =
			&g_array_index(w->observers, struct nss_observer, i);
		if (o->transition)
			o->transition(o->data, &t);
	}
}

static void saturate(struct world *w, struct counter *c, const char *site,
		     const char *why)
{
	kwarn(w, "K12", site, c->kind, c->obj, why);
	record(w, c, REFCOUNT_SATURATED, site);
}

static bool saturated(const struct counter *c)
{
	/* Anything in the bottom half is treated as saturated, as the kernel does. */
	return !c->atomic && c->val < 0;
}

void ref_init(struct world *w, struct counter *c, int32_t v, const char *site)
{
	g_assert(c->val == 0);
	record(w, c, v, site);
}

void ref_add(struct world *w, struct counter *c, int32_t n, const char *site)
{
	g_assert(!c->atomic && n > 0);
	if (saturated(c))
		return;
	if (c->val == 0) {
		saturate(w, c, site, "refcount_t: addition on 0; use-after-free");
		return;
	}
	if (c->val > INT32_MAX - n) {
		saturate(w, c, site, "refcount_t: saturated; leaking memory");
		return;
	}
	record(w, c, c->val + n, site);
}

bool ref_inc_not_zero(struct world *w, struct counter *c, const char *site)
{
	g_assert(!c->atomic);
	if (c->val == 0)
		return false;
	if (saturated(c))
		return true;
	if (c->val == INT32_MAX) {
		saturate(w, c, site, "refcount_t: saturated; leaking memory");
		return true;
	}
	record(w, c, c->val + 1, site);
	return true;
}

bool ref_sub_and_test(struct world *w, struct counter *c, int32_t n, const char *site)
{
	g_assert(!c->atomic && n > 0);
	if (saturated(c))
		return false;
	if (c->val - n < 0) {
		saturate(w, c, site, "refcount_t: underflow; use-after-free");
		return false;
	}
	record(w, c, c->val - n, site);
	return c->val == 0;
}

void ref_dec(struct world *w, struct counter *c, const char *site)
{
	if (ref_sub_and_test(w, c, 1, site))
		saturate(w, c, site, "refcount_t: decrement hit 0; leaking memory");
}

int32_t atomic_add_return_ctr(struct world *w, struct counter *c, int32_t d,
			      const char *site)
{
	g_assert(c->atomic);
	record(w, c, (int32_t)((uint32_t)c->val + (uint32_t)d), site);
	return c->val;
}
