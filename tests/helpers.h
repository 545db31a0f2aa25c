/* SPDX-License-Identifier: MIT */
/*
 * helpers.h - shared fixtures for the white-box core tests: a world with a
 * recording observer, and short names for the checks the tests repeat.
 */
#ifndef NSSIM_TEST_HELPERS_H
#define NSSIM_TEST_HELPERS_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <inttypes.h>
#include <cmocka.h>
#include "core-private.h"

struct rec {
	GArray *transitions;   /* struct nss_transition */
	GArray *warnings;      /* struct nss_warning */
	GArray *violations;    /* struct nss_violation */
};

static void rec_transition(void *d, const struct nss_transition *t)
{
	if (g_getenv("NSSIM_TEST_TRACE"))
		g_printerr("  ev%-4" G_GUINT64_FORMAT " %-7s %4" G_GUINT64_FORMAT " %-8s %d -> %d  %s\n",
			   t->event, nss_obj_kind_name(t->kind), t->obj,
			   nss_counter_name(t->counter), t->old_val, t->new_val, t->site);
	g_array_append_val(((struct rec *)d)->transitions, *t);
}

static void rec_warning(void *d, const struct nss_warning *w)
{
	if (g_getenv("NSSIM_TEST_TRACE"))
		g_printerr("  WARN %s at %s on %" G_GUINT64_FORMAT ": %s\n", w->rule, w->site,
			   w->obj, w->detail);
	g_array_append_val(((struct rec *)d)->warnings, *w);
}

static void rec_violation(void *d, const struct nss_violation *v)
{
	if (g_getenv("NSSIM_TEST_TRACE"))
		g_printerr("  VIOLATION %s on %s %" G_GUINT64_FORMAT ": expected %" G_GINT64_FORMAT
			   " actual %" G_GINT64_FORMAT " (%s)\n", v->rule, nss_obj_kind_name(v->kind),
			   v->obj, v->expected, v->actual, v->detail);
	g_array_append_val(((struct rec *)d)->violations, *v);
}

struct fx {
	struct world *w;
	struct rec rec;
	uint64_t init;
};

static inline struct fx *fx_new(const char *variant, enum nss_audit audit)
{
	struct fx *f = g_new0(struct fx, 1);
	struct nss_config cfg = {
		.variant = nss_variant_lookup(variant),
		.audit = audit,
	};
	struct nss_observer o = {
		.transition = rec_transition,
		.warning = rec_warning,
		.violation = rec_violation,
		.data = &f->rec,
	};

	assert_non_null(cfg.variant);
	f->rec.transitions = g_array_new(FALSE, FALSE, sizeof(struct nss_transition));
	f->rec.warnings = g_array_new(FALSE, FALSE, sizeof(struct nss_warning));
	f->rec.violations = g_array_new(FALSE, FALSE, sizeof(struct nss_violation));
	f->w = world_new(&cfg);
	world_add_observer(f->w, &o);
	f->init = world_init_task(f->w);
	return f;
}

static inline void fx_free(struct fx *f)
{
	world_free(f->w);
	g_array_free(f->rec.transitions, TRUE);
	g_array_free(f->rec.warnings, TRUE);
	g_array_free(f->rec.violations, TRUE);
	g_free(f);
}

static inline int fx_setup_619(void **state)
{
	*state = fx_new("6.19", NSS_AUDIT_FULL);
	return 0;
}

static inline int fx_setup_prefix(void **state)
{
	*state = fx_new("6.19-prefix", NSS_AUDIT_FULL);
	return 0;
}

static inline int fx_setup_71(void **state)
{
	*state = fx_new("7.1", NSS_AUDIT_FULL);
	return 0;
}

static inline int fx_setup_618(void **state)
{
	*state = fx_new("6.18", NSS_AUDIT_FULL);
	return 0;
}

static inline int fx_teardown(void **state)
{
	fx_free(*state);
	return 0;
}

/* The (P, A) of a namespace; fails the test if it is gone. */
#define assert_ns(f, id, P, A)                                               \
	do {                                                                  \
		struct nss_ns_info _i;                                         \
		assert_true(nss_ns_info((f)->w, (id), &_i));                   \
		assert_int_equal(_i.ref, (P));                                 \
		assert_int_equal(_i.active, (A));                              \
	} while (0)

#define assert_ns_gone(f, id)                                                \
	do {                                                                  \
		struct nss_ns_info _i;                                         \
		assert_false(nss_ns_info((f)->w, (id), &_i));                  \
	} while (0)

#define assert_clean(f)                                                      \
	do {                                                                  \
		assert_int_equal((f)->rec.violations->len, 0);                 \
		assert_int_equal((f)->rec.warnings->len, 0);                   \
	} while (0)

static inline uint64_t ns_of(struct fx *f, uint64_t task, const char *name)
{
	uint64_t id = nss_task_ns(f->w, task, name);

	assert_true(id != 0);
	return id;
}

static inline uint64_t fork_ok(struct fx *f, uint64_t parent, uint64_t flags)
{
	int64_t c = sys_clone(f->w, parent, flags, NULL);

	if (c < 0)
		fail_msg("clone(%#" PRIx64 ") failed: %s", flags, g_strerror((int)-c));
	return (uint64_t)c;
}

/* Count the warnings / violations with this rule. */
static inline int n_warnings(struct fx *f, const char *rule)
{
	int n = 0;

	for (guint i = 0; i < f->rec.warnings->len; i++)
		n += g_strcmp0(g_array_index(f->rec.warnings, struct nss_warning, i).rule, rule) == 0;
	return n;
}

/* Violations of @rule; on namespace @obj only, unless @obj is 0. */
static inline int n_violations_on(struct fx *f, const char *rule, uint64_t obj)
{
	int n = 0;

	for (guint i = 0; i < f->rec.violations->len; i++) {
		struct nss_violation *v = &g_array_index(f->rec.violations, struct nss_violation, i);

		n += g_strcmp0(v->rule, rule) == 0 && (!obj || v->obj == obj);
	}
	return n;
}

static inline int n_violations(struct fx *f, const char *rule)
{
	return n_violations_on(f, rule, 0);
}

#endif
