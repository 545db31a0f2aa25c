// SPDX-License-Identifier: MIT
/*
 * explore.c - `nssim explore`: random seeded sequences of operations from a
 * fresh world, failure paths included (setns with wrong types, into the
 * caller's own user ns, setns(pidfd) held across the target's exit and
 * reap, closes in every order), with the full audit after every event.
 * One operation in 16 arms a fallible site (fault.c), so the error
 * paths behind allocations, limits and late checks are explored too.
 * A sequence that violates an invariant is shrunk to a minimal one that
 * violates the same rule in the same kind of event, and written out as a
 * Lua scenario.  Distinct bugs (rule, event) are all reported.
 *
 * Operations name tasks, fds and in-flight setns calls by their index in
 * creation order, taken modulo what exists, so any subsequence of a
 * sequence is still a sequence: that is what makes shrinking simple.
 */
#include <errno.h>
#include <string.h>
#include "sim.h"

enum op_kind {
	OP_CLONE, OP_UNSHARE, OP_OPEN_NS, OP_SETNS, OP_SETNS_BEGIN, OP_SETNS_FINISH,
	OP_PIDFD_OPEN, OP_CLOSE, OP_EXIT, OP_WAIT, OP_EXECVE, OP_SOCKET, OP_SIOCGSKNS,
	OP_SETUID, OP_RCU, OP_HANDLE, OP_MAP, OP_SEND_FD, OP_RELATED_NS,
	OP_REOPEN, OP_MNT_NEXT, OP_PIDFD_SIGNAL, OP_FAIL, OP_NR,
};

struct op {
	enum op_kind k;
	uint32_t a, b;        /* task / fd / op indices */
	uint64_t flags;
	uint32_t name;        /* open_ns name index */
};

static const char *const ns_names[] = {
	"mnt", "uts", "ipc", "pid", "pid_for_children", "cgroup", "net", "time",
	"time_for_children", "user",
};

static const uint64_t newflags[] = {
	NSS_CLONE_NEWUSER, NSS_CLONE_NEWNET, NSS_CLONE_NEWPID, NSS_CLONE_NEWNS,
	NSS_CLONE_NEWUTS, NSS_CLONE_NEWIPC, NSS_CLONE_NEWCGROUP, NSS_CLONE_NEWTIME,
};

/* ---- running a sequence ------------------------------------------------ */

struct fdref {
	uint32_t task;        /* index into tasks */
	int fd;
	char var[16];
};

struct runner {
	struct world *w;
	GArray *tasks;        /* uint64_t ids; [0] = init */
	GArray *fds;          /* struct fdref */
	GArray *ops;          /* uint64_t setns op ids, 0 once finished */
	GArray *op_task;      /* uint32_t task index of each setns op */
	/* the first violation */
	const char *rule;
	const char *event_op;
	char sig[64];
	GString *lua;         /* the scenario, when writing one */
	unsigned int nvar;
	uint64_t hash;        /* the state at the end */
	uint64_t faults;      /* injected failures that fired */
};

static void on_violation(void *data, const struct nss_violation *v)
{
	struct runner *r = data;

	if (!r->rule) {
		const struct nss_event *ev = world_last_event(r->w);

		r->rule = v->rule;
		/* the bug's signature: the rule, the call and whether it failed */
		g_snprintf(r->sig, sizeof(r->sig), "%s %s", ev->op,
			   ev->result < 0 ? "failing" : "succeeding");
		r->event_op = r->sig;
	}
}

static const char *flag_list(uint64_t flags, char *buf, size_t size)
{
	static const char *const names[] = {
		"newuser", "newnet", "newpid", "newns", "newuts", "newipc", "newcgroup", "newtime",
	};
	size_t n = 0;

	buf[0] = 0;
	for (guint i = 0; i < G_N_ELEMENTS(newflags); i++)
		if (flags & newflags[i])
			n += g_snprintf(buf + n, size - n, "%s\"%s\"", n ? ", " : "", names[i]);
	return buf;
}

static const char *task_var(uint32_t i, char *buf)
{
	g_snprintf(buf, 16, "t%u", i);
	return buf;
}

static void emit(struct runner *r, const char *fmt, ...) G_GNUC_PRINTF(2, 3);
static void emit(struct runner *r, const char *fmt, ...)
{
	va_list ap;

	if (!r->lua)
		return;
	va_start(ap, fmt);
	g_string_append_vprintf(r->lua, fmt, ap);
	va_end(ap);
}

/*
 * A new fd and its variable.  Emit the line that names it before appending
 * it: the append may move the array that the operation's own fd points into.
 */
static struct fdref new_fd(struct runner *r, uint32_t task, int fd)
{
	struct fdref n = { .task = task, .fd = fd };

	g_snprintf(n.var, sizeof(n.var), "f%u", ++r->nvar);
	return n;
}

static const char *result(int64_t v, char *buf)
{
	if (v < 0)
		g_snprintf(buf, 32, "  -- %s", nss_errno_name((int)-v) ? nss_errno_name((int)-v) : "error");
	else
		buf[0] = 0;
	return buf;
}

static void run_op(struct runner *r, const struct op *o)
{
	uint32_t nt = r->tasks->len, nf = r->fds->len;
	uint32_t ti = o->a % nt;
	uint64_t t = g_array_index(r->tasks, uint64_t, ti);
	char tv[16], tv2[16], fl[160], res[32];
	struct fdref *f = nf ? &g_array_index(r->fds, struct fdref, o->b % nf) : NULL;
	int64_t v;

	task_var(ti, tv);
	switch (o->k) {
	case OP_CLONE:
		v = sys_clone(r->w, t, o->flags, NULL);
		if (v > 0) {
			g_array_append_val(r->tasks, v);
			emit(r, "local t%u = %s:clone { %s }\n", r->tasks->len - 1, tv,
			     flag_list(o->flags, fl, sizeof(fl)));
		} else {
			emit(r, "%s:clone { %s }%s\n", tv, flag_list(o->flags, fl, sizeof(fl)),
			     result(v, res));
		}
		break;
	case OP_UNSHARE:
		v = sys_unshare(r->w, t, o->flags);
		emit(r, "%s:unshare { %s }%s\n", tv, flag_list(o->flags, fl, sizeof(fl)), result(v, res));
		break;
	case OP_OPEN_NS: {
		uint32_t target = o->b % nt;

		v = sys_open_ns(r->w, t, g_array_index(r->tasks, uint64_t, target),
				ns_names[o->name % G_N_ELEMENTS(ns_names)]);
		if (v >= 0) {
			struct fdref n = new_fd(r, ti, (int)v);

			emit(r, "local %s = %s:open_ns(\"%s\", %s)\n", n.var, tv,
			     ns_names[o->name % G_N_ELEMENTS(ns_names)], task_var(target, tv2));
			g_array_append_val(r->fds, n);
		} else {
			emit(r, "%s:open_ns(\"%s\", %s)%s\n", tv, ns_names[o->name % G_N_ELEMENTS(ns_names)],
			     task_var(target, tv2), result(v, res));
		}
		break;
	}
	case OP_SETNS:
	case OP_SETNS_BEGIN:
		if (!f)
			return;
		task_var(f->task, tv);
		t = g_array_index(r->tasks, uint64_t, f->task);
		if (o->k == OP_SETNS) {
			v = sys_setns(r->w, t, f->fd, o->flags);
			emit(r, "%s:setns(%s, { %s })%s\n", tv, f->var, flag_list(o->flags, fl, sizeof(fl)),
			     result(v, res));
		} else {
			v = sys_setns_begin(r->w, t, f->fd, o->flags);
			if (v > 0) {
				uint64_t id = (uint64_t)v;

				g_array_append_val(r->ops, id);
				g_array_append_val(r->op_task, f->task);
				emit(r, "local o%u = %s:setns_begin(%s, { %s })\n", r->ops->len, tv, f->var,
				     flag_list(o->flags, fl, sizeof(fl)));
			} else {
				emit(r, "%s:setns_begin(%s, { %s })%s\n", tv, f->var,
				     flag_list(o->flags, fl, sizeof(fl)), result(v, res));
			}
		}
		break;
	case OP_SETNS_FINISH: {
		uint32_t k;

		if (!r->ops->len)
			return;
		k = o->b % r->ops->len;
		if (!g_array_index(r->ops, uint64_t, k))
			return;
		ti = g_array_index(r->op_task, uint32_t, k);
		v = sys_setns_finish(r->w, g_array_index(r->tasks, uint64_t, ti),
				     g_array_index(r->ops, uint64_t, k));
		g_array_index(r->ops, uint64_t, k) = 0;
		emit(r, "%s:setns_finish(o%u)%s\n", task_var(ti, tv), k + 1, result(v, res));
		break;
	}
	case OP_PIDFD_OPEN: {
		uint32_t target = o->b % nt;

		v = sys_pidfd_open(r->w, t, g_array_index(r->tasks, uint64_t, target), 0);
		if (v >= 0) {
			struct fdref n = new_fd(r, ti, (int)v);

			emit(r, "local %s = %s:pidfd_open(%s)\n", n.var, tv, task_var(target, tv2));
			g_array_append_val(r->fds, n);
		} else {
			emit(r, "%s:pidfd_open(%s)%s\n", tv, task_var(target, tv2), result(v, res));
		}
		break;
	}
	case OP_CLOSE:
		if (!f)
			return;
		v = sys_close(r->w, g_array_index(r->tasks, uint64_t, f->task), f->fd);
		emit(r, "%s:close()%s\n", f->var, result(v, res));
		break;
	case OP_EXIT:
		if (ti == 0)
			return;
		v = sys_exit_group(r->w, t, 0);
		emit(r, "%s:exit(0)%s\n", tv, result(v, res));
		break;
	case OP_WAIT:
		v = sys_wait(r->w, t, 0, NSS_WNOHANG);
		emit(r, "%s:wait(nil, { nohang = true })%s\n", tv, result(v, res));
		break;
	case OP_EXECVE:
		v = sys_execve(r->w, t);
		emit(r, "%s:execve()%s\n", tv, result(v, res));
		break;
	case OP_SOCKET:
		v = sys_socket(r->w, t, 2);
		if (v >= 0) {
			struct fdref n = new_fd(r, ti, (int)v);

			emit(r, "local %s = %s:socket(\"inet\")\n", n.var, tv);
			g_array_append_val(r->fds, n);
		}
		break;
	case OP_SIOCGSKNS:
		if (!f)
			return;
		v = sys_ioctl(r->w, g_array_index(r->tasks, uint64_t, f->task), f->fd, NSS_SIOCGSKNS);
		if (v >= 0) {
			struct fdref n = new_fd(r, f->task, (int)v);

			emit(r, "local %s = %s:ioctl(\"SIOCGSKNS\")\n", n.var, f->var);
			g_array_append_val(r->fds, n);
		} else {
			emit(r, "%s:ioctl(\"SIOCGSKNS\")%s\n", f->var, result(v, res));
		}
		break;
	case OP_REOPEN: {
		/* open /proc/<owner>/fd/<n>: a second file on the inode, by any task */
		if (!f)
			return;
		v = sys_reopen_fd(r->w, t, g_array_index(r->tasks, uint64_t, f->task), f->fd, 0);
		task_var(f->task, tv2);
		if (v >= 0) {
			struct fdref n = new_fd(r, ti, (int)v);

			emit(r, "local %s = %s:reopen(%s, %s.fd)\n", n.var, tv, tv2, f->var);
			g_array_append_val(r->fds, n);
		} else {
			emit(r, "%s:reopen(%s, %s.fd)%s\n", tv, tv2, f->var, result(v, res));
		}
		break;
	}
	case OP_MNT_NEXT: {
		uint64_t id;

		if (!f)
			return;
		v = sys_ioctl_value(r->w, g_array_index(r->tasks, uint64_t, f->task), f->fd,
				    o->b % 2 ? NSS_NS_MNT_GET_PREV : NSS_NS_MNT_GET_NEXT, &id);
		if (v >= 0) {
			struct fdref n = new_fd(r, f->task, (int)v);

			emit(r, "local %s = %s:ioctl(\"%s\")\n", n.var, f->var,
			     o->b % 2 ? "NS_MNT_GET_PREV" : "NS_MNT_GET_NEXT");
			g_array_append_val(r->fds, n);
		} else {
			emit(r, "%s:ioctl(\"%s\")%s\n", f->var,
			     o->b % 2 ? "NS_MNT_GET_PREV" : "NS_MNT_GET_NEXT", result(v, res));
		}
		break;
	}
	case OP_PIDFD_SIGNAL: {
		struct nss_fd_info fi = { 0 };

		/* not init's: a vector's init is an ordinary process a SIGKILL kills */
		if (!f || (nss_fd_info(r->w, g_array_index(r->tasks, uint64_t, f->task), f->fd, &fi) &&
			   fi.pidfd_task == g_array_index(r->tasks, uint64_t, 0)))
			return;
		v = sys_pidfd_send_signal(r->w, g_array_index(r->tasks, uint64_t, f->task), f->fd, 9);
		emit(r, "%s:send_signal(9)%s\n", f->var, result(v, res));
		break;
	}
	case OP_SETUID:
		if (o->b % 4 < 2) {
			v = sys_setuid(r->w, t, o->b % 2 ? 1000 : 0);
			emit(r, "%s:setuid(%d)%s\n", tv, o->b % 2 ? 1000 : 0, result(v, res));
		} else {
			/*
			 * real and effective uid apart: namespace charges (euid)
			 * and the cred's ucounts (real uid) take different keys,
			 * the paths of alloc_ucounts and set_cred_ucounts
			 */
			int ruid = o->b % 4 == 2 ? 0 : 1000;

			v = sys_setresuid(r->w, t, ruid, 1000 - ruid, -1);
			emit(r, "%s:setresuid(%d, %d, -1)%s\n", tv, ruid, 1000 - ruid,
			     result(v, res));
		}
		break;
	case OP_HANDLE: {
		/* name_to_handle_at() by the fd's task, open_by_handle_at() by another */
		struct nss_handle h;
		char hv[16];

		if (!f)
			return;
		v = sys_name_to_handle(r->w, g_array_index(r->tasks, uint64_t, f->task), f->fd,
				       NSS_MAX_HANDLE_SZ, &h);
		if (v < 0) {
			emit(r, "%s:handle()%s\n", f->var, result(v, res));
			break;
		}
		g_snprintf(hv, sizeof(hv), "h%u", ++r->nvar);
		emit(r, "local %s = %s:handle()\n", hv, f->var);
		/* the mount fd task:open_by_handle(h) picks: the handle's own file system */
		v = sys_open_by_handle_at(r->w, t, h.handle_type == NSS_FILEID_KERNFS
						  ? NSS_FD_PIDFS_ROOT : NSS_FD_NSFS_ROOT, &h, 0);
		if (v >= 0) {
			struct fdref n = new_fd(r, ti, (int)v);

			emit(r, "local %s = %s:open_by_handle(%s)\n", n.var, tv, hv);
			g_array_append_val(r->fds, n);
		} else {
			emit(r, "%s:open_by_handle(%s)%s\n", tv, hv, result(v, res));
		}
		break;
	}
	case OP_MAP:
		/* init maps root of the task's user ns to its own root: "0 0 1" */
		v = sys_write_id_map(r->w, g_array_index(r->tasks, uint64_t, 0), t, false, 0, 0, 1);
		emit(r, "t0:uid_map(%s, 0, 0, 1)%s\n", tv, result(v, res));
		v = sys_write_id_map(r->w, g_array_index(r->tasks, uint64_t, 0), t, true, 0, 0, 1);
		emit(r, "t0:gid_map(%s, 0, 0, 1)%s\n", tv, result(v, res));
		break;
	case OP_SEND_FD: {
		/* SCM_RIGHTS from the fd's task to another, received at once */
		char from[16];

		if (!f)
			return;
		task_var(f->task, from);
		v = sys_send_fd(r->w, g_array_index(r->tasks, uint64_t, f->task), f->fd, t, false);
		if (v >= 0) {
			struct fdref n = new_fd(r, ti, (int)v);

			emit(r, "local %s = %s:send_fd(%s, %s)\n", n.var, from, tv, f->var);
			g_array_append_val(r->fds, n);
		} else {
			emit(r, "%s:send_fd(%s, %s)%s\n", from, tv, f->var, result(v, res));
		}
		break;
	}
	case OP_RELATED_NS: {
		/* NS_GET_USERNS or NS_GET_PARENT: may bring an inactive namespace back */
		const char *name = o->name % 2 ? "NS_GET_PARENT" : "NS_GET_USERNS";
		uint64_t val = 0;

		if (!f)
			return;
		v = sys_ioctl_value(r->w, g_array_index(r->tasks, uint64_t, f->task), f->fd,
				    o->name % 2 ? NSS_NS_GET_PARENT : NSS_NS_GET_USERNS, &val);
		if (v >= 0) {
			struct fdref n = new_fd(r, f->task, (int)v);

			emit(r, "local %s = %s:ioctl(\"%s\")\n", n.var, f->var, name);
			g_array_append_val(r->fds, n);
		} else {
			emit(r, "%s:ioctl(\"%s\")%s\n", f->var, name, result(v, res));
		}
		break;
	}
	case OP_RCU:
		if (world_run_deferred(r->w, 0))
			emit(r, "sim.run()   -- RCU callbacks and workqueues\n");
		break;
	case OP_FAIL: {
		/* the next pass through a fallible site fails (docs/fault-sites.md) */
		size_t ns;
		const struct nss_fault_site *fs = nss_fault_sites(&ns);
		const char *site = fs[o->name % ns].name;

		world_fail_next(r->w, site, 0, 1);
		emit(r, "sim.fail_next(\"%s\")\n", site);
		break;
	}
	default:
		break;
	}
}

/* Run @ops on a fresh world; returns true if an invariant broke. */
static bool run_seq(const char *kernel, const struct op *ops, guint n, struct runner *r,
		    bool write)
{
	struct nss_config cfg = { .variant = nss_variant_lookup(kernel), .audit = NSS_AUDIT_FULL };
	struct nss_observer o = { .violation = on_violation, .data = r };
	uint64_t init;

	memset(r, 0, sizeof(*r));
	r->w = world_new(&cfg);
	r->event_op = r->sig;
	world_add_observer(r->w, &o);
	r->tasks = g_array_new(FALSE, FALSE, sizeof(uint64_t));
	r->fds = g_array_new(FALSE, FALSE, sizeof(struct fdref));
	r->ops = g_array_new(FALSE, FALSE, sizeof(uint64_t));
	r->op_task = g_array_new(FALSE, FALSE, sizeof(uint32_t));
	init = world_init_task(r->w);
	g_array_append_val(r->tasks, init);
	if (write)
		r->lua = g_string_new(NULL);
	emit(r, "local t0 = sim.init\n");
	for (guint i = 0; i < n && !r->rule; i++)
		run_op(r, &ops[i]);
	r->hash = world_state_hash(r->w);
	r->faults = world_faults_injected(r->w);
	world_free(r->w);
	g_array_free(r->tasks, TRUE);
	g_array_free(r->fds, TRUE);
	g_array_free(r->ops, TRUE);
	g_array_free(r->op_task, TRUE);
	return r->rule != NULL;
}

/*
 * --no-time: no time namespace in the random alphabet, for kernels built
 * without CONFIG_TIME_NS (the User-Mode Linux ones), where a sequence that
 * names one could only skip.  The draws stay the same; the result is mapped.
 */
static bool no_time;

static void random_op(GRand *g, struct op *o, bool faults)
{
	/* weights: the setns paths and task lifecycle get the most */
	static const enum op_kind bag[] = {
		OP_CLONE, OP_CLONE, OP_CLONE, OP_UNSHARE, OP_OPEN_NS, OP_OPEN_NS, OP_OPEN_NS,
		OP_SETNS, OP_SETNS, OP_SETNS_BEGIN, OP_SETNS_BEGIN, OP_SETNS_FINISH,
		OP_SETNS_FINISH, OP_PIDFD_OPEN, OP_PIDFD_OPEN, OP_CLOSE, OP_EXIT, OP_EXIT,
		OP_WAIT, OP_WAIT, OP_EXECVE, OP_SOCKET, OP_SIOCGSKNS, OP_SETUID, OP_RCU,
		OP_HANDLE, OP_MAP, OP_SEND_FD, OP_RELATED_NS, OP_REOPEN, OP_MNT_NEXT,
		OP_PIDFD_SIGNAL,
	};

	memset(o, 0, sizeof(*o));
	o->k = bag[g_rand_int_range(g, 0, G_N_ELEMENTS(bag))];
	o->a = g_rand_int_range(g, 0, 8);
	o->b = g_rand_int_range(g, 0, 8);
	o->name = g_rand_int_range(g, 0, G_N_ELEMENTS(ns_names));
	if (faults && g_rand_int_range(g, 0, 16) == 0) {
		o->k = OP_FAIL;
		o->name = g_rand_int_range(g, 0, 64);
	}
	for (guint i = 0; i < G_N_ELEMENTS(newflags); i++)
		if (g_rand_int_range(g, 0, 4) == 0)
			o->flags |= newflags[i];
	if (o->k == OP_SETNS || o->k == OP_SETNS_BEGIN) {
		/* nsfs fds want 0 or one type; pidfds a set */
		if (g_rand_boolean(g))
			o->flags = g_rand_boolean(g) ? 0 : newflags[g_rand_int_range(g, 0, 8)];
	}
	if (no_time) {
		o->flags &= ~NSS_CLONE_NEWTIME;
		if (!strncmp(ns_names[o->name], "time", 4))
			o->name = G_N_ELEMENTS(ns_names) - 1;   /* "user" */
	}
}

/* Drop chunks while the same bug remains (ddmin, greedy). */
static guint shrink(const char *kernel, struct op *ops, guint n, const char *rule,
		    const char *event_op, guint *runs)
{
	struct op *tmp = g_new(struct op, n);

	for (guint chunk = n / 2 ? n / 2 : 1; chunk >= 1; chunk = chunk > 1 ? chunk / 2 : 0) {
		bool changed;

		do {
			changed = false;
			for (guint i = 0; i < n; ) {
				guint len = MIN(chunk, n - i), m = 0;
				struct runner r;

				for (guint j = 0; j < n; j++)
					if (j < i || j >= i + len)
						tmp[m++] = ops[j];
				(*runs)++;
				if (m && run_seq(kernel, tmp, m, &r, false) && !strcmp(r.rule, rule) &&
				    !strcmp(r.sig, event_op)) {
					memcpy(ops, tmp, m * sizeof(*ops));
					n = m;
					changed = true;
				} else {
					i += len;
				}
			}
		} while (changed && chunk == 1);
		if (chunk == 1)
			break;
	}
	g_free(tmp);
	return n;
}

/* The alphabet of --exhaustive: every operation on a few tasks and fds. */
static GArray *alphabet(void)
{
	static const uint64_t clone_fl[] = {
		0, NSS_CLONE_NEWUSER | NSS_CLONE_NEWNET, NSS_CLONE_NEWPID,
		NSS_CLONE_NEWUSER | NSS_CLONE_NEWNET | NSS_CLONE_NEWNS,
	};
	static const uint64_t setns_fl[] = {
		0, NSS_CLONE_NEWUSER, NSS_CLONE_NEWNET, NSS_CLONE_NEWUSER | NSS_CLONE_NEWNET,
	};
	static const uint32_t names[] = { 9 /* user */, 6 /* net */, 3 /* pid */ };
	GArray *a = g_array_new(FALSE, TRUE, sizeof(struct op));

#define ADD(...) g_array_append_val(a, ((struct op){ __VA_ARGS__ }))
	for (uint32_t t = 0; t < 3; t++) {
		for (guint i = 0; i < G_N_ELEMENTS(clone_fl); i++)
			ADD(.k = OP_CLONE, .a = t, .flags = clone_fl[i]);
		ADD(.k = OP_UNSHARE, .a = t, .flags = NSS_CLONE_NEWUSER | NSS_CLONE_NEWNET);
		for (uint32_t u = 0; u < 3; u++) {
			for (guint i = 0; i < G_N_ELEMENTS(names); i++)
				ADD(.k = OP_OPEN_NS, .a = t, .b = u, .name = names[i]);
			ADD(.k = OP_PIDFD_OPEN, .a = t, .b = u);
		}
		ADD(.k = OP_EXIT, .a = t);
		ADD(.k = OP_WAIT, .a = t);
	}
	for (uint32_t f = 0; f < 3; f++) {
		for (guint i = 0; i < G_N_ELEMENTS(setns_fl); i++) {
			ADD(.k = OP_SETNS, .b = f, .flags = setns_fl[i]);
			ADD(.k = OP_SETNS_BEGIN, .b = f, .flags = setns_fl[i]);
		}
		ADD(.k = OP_CLOSE, .b = f);
		ADD(.k = OP_SETNS_FINISH, .b = f);
	}
	ADD(.k = OP_RCU);
#undef ADD
	return a;
}

struct found {
	char *rule, *event_op, *lua;
	guint len, orig_len;
	double at_s;
	guint64 nr;           /* the random sequence it came from, from 1; 0 exhaustive */
};

/*
 * Random search on several processes (pool.c): the parent draws every
 * sequence from the one seeded stream, as a single process would, and
 * hands it to a worker; it takes the answers back in the order it drew
 * them and does with them what a single process does (count, compare,
 * shrink).  So for a given seed the sequences, the bugs and their minimal
 * scenarios are the same whatever --jobs is; only how many sequences fit
 * in the time limit changes (--sequences fixes that too).
 */
struct seq_res {
	uint64_t faults;
	bool violated;
	char rule[48];
	char sig[64];
};

struct seq_ctx {
	const char *kernel;
	guint depth;
};

/*
 * Sequences go to the workers in batches: one sequence takes about 100 µs,
 * and a round trip through two pipes with two wake-ups per sequence cost
 * a third of that again.  The results come back as a batch too.
 */
#define SEQ_BATCH 32

struct seq_batch {
	uint32_t n;           /* sequences in it */
	uint32_t pad;
	uint64_t first;       /* the first one's number; the next ones' follow by --shard's N */
	struct op ops[];      /* n * depth */
};

static bool bug_known(GArray *bugs, const char *rule, const char *sig)
{
	for (guint i = 0; i < bugs->len; i++) {
		const struct found *b = &g_array_index(bugs, struct found, i);

		if (!strcmp(b->rule, rule) && !strcmp(b->event_op, sig))
			return true;
	}
	return false;
}

/* --emit: random sequence @nr as a scenario in @dir. */
static bool emit_sequence(const char *kernel, gint64 seed, gint depth, guint64 nr,
			  const struct op *ops, const char *dir, GError **error)
{
	struct runner w;
	g_autofree char *path = g_strdup_printf("%s/seq-%04" G_GUINT64_FORMAT ".lua", dir, nr);
	g_autofree char *text = NULL;

	run_seq(kernel, ops, (guint)depth, &w, true);
	text = g_strdup_printf("-- nssim explore --kernel %s --seed %" G_GINT64_FORMAT
			       " --depth %d: random sequence %" G_GUINT64_FORMAT "\n"
			       "scenario { name = \"explore sequence %" G_GUINT64_FORMAT
			       "\", kernel = \"%s\", audit = \"full\" }\n\n%s",
			       kernel, seed, depth, nr, nr, kernel, w.lua->str);
	g_string_free(w.lua, TRUE);
	return g_file_set_contents(path, text, -1, error);
}

static void seq_worker(const void *req, void *res, void *ctx)
{
	const struct seq_ctx *c = ctx;
	const struct seq_batch *b = req;
	struct seq_res *out = res;

	for (uint32_t i = 0; i < b->n; i++) {
		struct runner r;

		out[i].violated = run_seq(c->kernel, &b->ops[i * c->depth], c->depth, &r, false);
		out[i].faults = r.faults;
		if (out[i].violated) {
			g_strlcpy(out[i].rule, r.rule, sizeof(out[i].rule));
			g_strlcpy(out[i].sig, r.sig, sizeof(out[i].sig));
		}
	}
}

int cmd_explore(int argc, char **argv)
{
	g_autofree char *kernel = NULL, *out = NULL, *emit_dir = NULL;
	gint emit_n = 0;
	gint64 seed = 1;
	gdouble time_limit = 10;
	gint depth = 24, max_bugs = 4, jobs = -1;      /* -1: the online CPUs */
	gint64 max_seqs = 0;
	gboolean exhaustive = FALSE, no_faults = FALSE, no_time_opt = FALSE;
	g_autofree char *shard = NULL;
	guint shard_i = 1, shard_n = 1;
	GOptionEntry entries[] = {
		{ "kernel", 'k', 0, G_OPTION_ARG_STRING, &kernel, "Kernel modelled (default 6.19)", "V" },
		{ "seed", 's', 0, G_OPTION_ARG_INT64, &seed, "Seed (default 1)", "N" },
		{ "time-limit", 't', 0, G_OPTION_ARG_DOUBLE, &time_limit, "Seconds to explore (default 10)", "S" },
		{ "depth", 'd', 0, G_OPTION_ARG_INT, &depth, "Operations per sequence (default 24)", "D" },
		{ "bugs", 0, 0, G_OPTION_ARG_INT, &max_bugs, "Stop after this many distinct bugs (default 4)", "N" },
		{ "sequences", 'n', 0, G_OPTION_ARG_INT64, &max_seqs, "Random search: stop after this many sequences (default 0: only the time limit); with it, the result does not depend on --jobs or the machine", "N" },
		{ "jobs", 'j', 0, G_OPTION_ARG_INT, &jobs, "Random search: worker processes (default: the online CPUs); the same seed gives the same sequences and bugs whatever N", "N" },
		{ "shard", 0, 0, G_OPTION_ARG_STRING, &shard, "Random search: run only sequence k (from 1) with k-1 equal to I-1 modulo N; every sequence is still drawn, so the shards' bugs together, each kept from its lowest sequence, are the unsharded search's (with --sequences, and --bugs not cutting it short)", "I/N" },
		{ "exhaustive", 0, 0, G_OPTION_ARG_NONE, &exhaustive, "Every sequence up to --depth over a fixed alphabet, skipping states seen before", NULL },
		{ "no-time", 0, 0, G_OPTION_ARG_NONE, &no_time_opt, "Random search: no time namespaces (for kernels without CONFIG_TIME_NS, such as the User-Mode Linux builds)", NULL },
		{ "no-faults", 0, 0, G_OPTION_ARG_NONE, &no_faults, "Random search: never make a fallible site fail (default: 1 operation in 16 arms one)", NULL },
		{ "out", 'o', 0, G_OPTION_ARG_FILENAME, &out, "Write the minimal scenarios here (FILE, or FILE-2.lua ... for more)", "FILE" },
		{ "emit", 0, 0, G_OPTION_ARG_INT, &emit_n, "Random search: also write the first N sequences as scenarios into --emit-dir (no faults), e.g. to export them as test vectors", "N" },
		{ "emit-dir", 0, 0, G_OPTION_ARG_FILENAME, &emit_dir, "Directory for --emit (created if missing)", "DIR" },
		{ NULL },
	};
	g_autoptr(GOptionContext) ctx = g_option_context_new(NULL);
	g_autoptr(GError) err = NULL;
	g_autoptr(GArray) bugs = g_array_new(FALSE, TRUE, sizeof(struct found));
	GRand *g;
	gint64 t0 = g_get_monotonic_time();
	guint64 seqs = 0, events = 0;
	guint shrink_runs = 0;
	guint64 faults = 0;

	g_option_context_set_summary(ctx,
		"Random seeded operation sequences against a kernel model, with every\n"
		"invariant checked after every event.  Each distinct violation (rule, event)\n"
		"is shrunk to a minimal sequence and printed as a Lua scenario; exit 1 if any.");
	g_option_context_add_main_entries(ctx, entries, NULL);
	if (!g_option_context_parse(ctx, &argc, &argv, &err) || argc != 1) {
		g_printerr("nssim explore: %s (see nssim explore --help)\n",
			   err ? err->message : "unexpected argument");
		return 2;
	}
	if (!kernel)
		kernel = g_strdup("6.19");
	if (!nss_variant_lookup(kernel) || depth < 1 || depth > 10000 || time_limit <= 0 ||
	    seed < 0) {
		g_printerr("nssim explore: bad --kernel, --depth, --time-limit or --seed\n");
		return 2;
	}
	if ((jobs != -1 && (jobs < 1 || jobs > 1024)) || max_seqs < 0 ||
	    (exhaustive && (jobs > 1 || max_seqs))) {
		g_printerr("nssim explore: --jobs (1..1024) and --sequences (0 or more) are for the"
			   " random search\n");
		return 2;
	}
	if (shard) {
		char *end;
		guint64 a = g_ascii_strtoull(shard, &end, 10), b = 0;
		bool ok = end != shard && *end == '/';

		if (ok) {
			const char *nb = end + 1;

			b = g_ascii_strtoull(nb, &end, 10);
			ok = end != nb && !*end && a >= 1 && a <= b && b <= 1000000;
		}
		if (!ok || exhaustive) {
			g_printerr("nssim explore: --shard %s: I/N with 1 <= I <= N, for the random search\n",
				   shard);
			return 2;
		}
		shard_i = (guint)a;
		shard_n = (guint)b;
	}
	if (jobs == -1)
		jobs = exhaustive ? 1 : (gint)MIN(g_get_num_processors(), 1024);
	if (emit_n < 0 || (emit_n > 0) != (emit_dir != NULL) || (emit_n && exhaustive)) {
		g_printerr("nssim explore: --emit N and --emit-dir DIR go together, in random mode\n");
		return 2;
	}
	if (emit_dir && g_mkdir_with_parents(emit_dir, 0755)) {
		g_printerr("nssim explore: %s: %s\n", emit_dir, g_strerror(errno));
		return 2;
	}
	if (emit_n)
		no_faults = TRUE;   /* an injected fault has no userspace trigger */
	no_time = no_time_opt;
	g = g_rand_new_with_seed_array((guint32[]){ (guint32)seed, (guint32)(seed >> 32) }, 2);
	sim_progress_begin();
	if (exhaustive) {
		/*
		 * Breadth first, so the first sequence found for a bug is a shortest
		 * one; a sequence whose end state was reached before is not extended.
		 */
		g_autoptr(GArray) alpha = alphabet();
		g_autoptr(GHashTable) seen = g_hash_table_new_full(g_int64_hash, g_int64_equal, g_free, NULL);
		GPtrArray *level = g_ptr_array_new_with_free_func(g_free), *next;
		guint64 states = 0;

		g_ptr_array_add(level, g_new0(struct op, 1));    /* the empty prefix */
		for (gint d = 1; d <= depth && level->len; d++) {
			next = g_ptr_array_new_with_free_func(g_free);
			for (guint p = 0; p < level->len; p++) {
				for (guint x = 0; x < alpha->len; x++) {
					struct op *seq = g_new(struct op, d);
					struct runner r;
					uint64_t *k;

					memcpy(seq, level->pdata[p], (d - 1) * sizeof(struct op));
					seq[d - 1] = g_array_index(alpha, struct op, x);
					seqs++;
					events += d;
					if (sim_progress_due())
						sim_progress_show("explore: depth %d, prefix %u of %u, %"
								  G_GUINT64_FORMAT " states, %u distinct bug(s)",
								  d, p + 1, level->len, states, bugs->len);
					if (run_seq(kernel, seq, d, &r, false)) {
						bool known = false;

						for (guint i = 0; i < bugs->len; i++)
							known |= !strcmp(g_array_index(bugs, struct found, i).rule, r.rule) &&
								 !strcmp(g_array_index(bugs, struct found, i).event_op, r.sig);
						if (!known) {
							struct found b = { .rule = g_strdup(r.rule),
									   .event_op = g_strdup(r.sig),
									   .orig_len = d, .len = d };
							struct runner wr;

							run_seq(kernel, seq, d, &wr, true);
							b.lua = g_string_free(wr.lua, FALSE);
							b.at_s = (g_get_monotonic_time() - t0) / 1e6;
							g_array_append_val(bugs, b);
						}
						g_free(seq);
						continue;
					}
					k = g_memdup2(&r.hash, sizeof(r.hash));
					if (!g_hash_table_add(seen, k)) {
						g_free(seq);
						continue;
					}
					states++;
					g_ptr_array_add(next, seq);
				}
				if ((g_get_monotonic_time() - t0) / 1e6 >= time_limit)
					break;
			}
			g_ptr_array_free(level, TRUE);
			level = next;
			sim_progress_end();
			g_print("depth %d: %u new states (%" G_GUINT64_FORMAT " in all, %.0f states/s)\n",
				d, level->len, states, states / ((g_get_monotonic_time() - t0) / 1e6));
			if ((g_get_monotonic_time() - t0) / 1e6 >= time_limit) {
				g_print("time limit reached at depth %d\n", d);
				break;
			}
		}
		g_ptr_array_free(level, TRUE);
	}
	if (!exhaustive) {
		struct seq_ctx sctx = { .kernel = kernel, .depth = (guint)depth };
		/* one job answers at once: a batch would only delay the time limit */
		guint batch = jobs > 1 ? SEQ_BATCH : 1;
		size_t req_size = sizeof(struct seq_batch) + sizeof(struct op) * (size_t)depth * batch;
		struct sim_pool *pool = sim_pool_new((guint)jobs, req_size,
						     sizeof(struct seq_res) * batch, seq_worker,
						     &sctx, &err);
		g_autofree struct seq_res *res = g_new0(struct seq_res, batch);
		/* the drawn batches not yet answered, oldest first */
		g_autoptr(GQueue) drawn = g_queue_new();
		guint64 submitted = 0;
		bool drawing = true, done = false;

		if (!pool) {
			g_printerr("nssim explore: %s\n", err->message);
			return 2;
		}
		while (!done) {
			struct seq_batch *b;
			int rc;

			while (drawing && sim_pool_can_submit(pool)) {
				b = g_malloc0(req_size);
				while (b->n < batch) {
					struct op *seq = &b->ops[b->n * depth];

					if ((g_get_monotonic_time() - t0) / 1e6 >= time_limit ||
					    (max_seqs && submitted >= (guint64)max_seqs)) {
						drawing = false;
						break;
					}
					/* another shard's sequences are drawn all the same: the stream goes on */
					for (gint i = 0; i < depth; i++)
						random_op(g, &seq[i], !no_faults);
					submitted++;
					if ((submitted - 1) % shard_n != shard_i - 1)
						continue;
					if (!b->n)
						b->first = submitted;
					b->n++;
					if (submitted <= (guint64)emit_n &&
					    !emit_sequence(kernel, seed, depth, submitted, seq, emit_dir,
							   &err)) {
						g_printerr("nssim explore: %s\n", err->message);
						g_free(b);
						sim_pool_free(pool);
						return 2;
					}
				}
				if (!b->n) {
					g_free(b);
					break;
				}
				if (!sim_pool_submit(pool, b)) {
					g_printerr("nssim explore: a worker process is gone\n");
					g_free(b);
					sim_pool_free(pool);
					return 2;
				}
				g_queue_push_tail(drawn, b);
			}
			rc = sim_pool_next(pool, res);
			if (rc == 0)
				break;
			if (rc < 0) {
				g_printerr("nssim explore: a worker process died running sequences %"
					   G_GUINT64_FORMAT "..%" G_GUINT64_FORMAT " (seed %"
					   G_GINT64_FORMAT ")\n", seqs + 1,
					   seqs + ((struct seq_batch *)g_queue_peek_head(drawn))->n, seed);
				sim_pool_free(pool);
				return 2;
			}
			b = g_queue_pop_head(drawn);
			for (uint32_t k = 0; k < b->n && !done; k++) {
				struct op *seq = &b->ops[k * depth];

				seqs++;
				events += depth;
				faults += res[k].faults;
				if (res[k].violated && !bug_known(bugs, res[k].rule, res[k].sig)) {
					struct found f = { .rule = g_strdup(res[k].rule),
							   .event_op = g_strdup(res[k].sig),
							   .orig_len = depth,
							   .nr = b->first + (guint64)k * shard_n };
					guint n = shrink(kernel, seq, depth, res[k].rule, res[k].sig,
							 &shrink_runs);
					struct runner w;

					run_seq(kernel, seq, n, &w, true);
					f.len = n;
					f.at_s = (g_get_monotonic_time() - t0) / 1e6;
					f.lua = g_string_free(w.lua, FALSE);
					g_array_append_val(bugs, f);
					/* what a single process would not have run is not counted */
					done = bugs->len >= (guint)max_bugs;
				}
			}
			g_free(b);
			if (sim_progress_due()) {
				double dt = (g_get_monotonic_time() - t0) / 1e6;
				char of[32] = "";

				if (max_seqs)
					g_snprintf(of, sizeof(of), " of %" G_GINT64_FORMAT, max_seqs);
				sim_progress_show("explore: %" G_GUINT64_FORMAT " sequences%s (%.0f/s"
						  " on %d jobs), %u distinct bug(s), %.0f of %.0f s",
						  seqs, of, dt > 0 ? seqs / dt : 0.0, jobs, bugs->len, dt,
						  time_limit);
			}
		}
		g_queue_free_full(g_steal_pointer(&drawn), g_free);
		sim_pool_free(pool);
	}
	sim_progress_end();
	{
		double dt = (g_get_monotonic_time() - t0) / 1e6;

		for (guint i = 0; i < bugs->len; i++) {
			struct found *b = &g_array_index(bugs, struct found, i);
			g_autofree char *text = g_strdup_printf(
				"-- Found by: nssim explore --kernel %s --seed %" G_GINT64_FORMAT "%s%s\n"
				"-- Invariant broken: %s, in a %s event (%u operations shrunk to %u).\n"
				"-- The invariants are checked after every event (audit full), as explore does.\n"
				"scenario { name = \"explore: %s in %s\", kernel = \"%s\", audit = \"full\" }\n\n%s",
				kernel, seed, no_faults ? " --no-faults" : "", no_time ? " --no-time" : "", b->rule, b->event_op, b->orig_len, b->len, b->rule,
				b->event_op, kernel, b->lua);

			char from[48] = "";

			if (b->nr)
				g_snprintf(from, sizeof(from), " (sequence %" G_GUINT64_FORMAT ")", b->nr);
			g_print("bug %u after %.2f s%s: %s in a %s event; minimal scenario (%u operations):\n%s\n",
				i + 1, b->at_s, from, b->rule, b->event_op, b->len, text);
			if (out) {
				g_autofree char *path = i == 0 ? g_strdup(out)
					: g_strdup_printf("%.*s-%u.lua", (int)(strlen(out) -
						(g_str_has_suffix(out, ".lua") ? 4 : 0)), out, i + 1);

				if (!g_file_set_contents(path, text, -1, &err)) {
					g_printerr("nssim explore: %s\n", err->message);
					g_clear_error(&err);
				}
			}
			g_free(b->rule);
			g_free(b->event_op);
			g_free(b->lua);
		}
		if (shard_n > 1)
			g_print("explore: shard %u/%u: sequences k with k-1 = %u modulo %u\n", shard_i,
				shard_n, shard_i - 1, shard_n);
		g_print("explore: kernel %s, seed %" G_GINT64_FORMAT ": %" G_GUINT64_FORMAT
			" sequences (%.0f/s, %.0f operations/s), %" G_GUINT64_FORMAT
			" faults injected, %u shrink runs, %u distinct violation(s) in %.1f s\n",
			kernel, seed, seqs, seqs / dt, events / dt, faults, shrink_runs, bugs->len, dt);
	}
	g_rand_free(g);
	return bugs->len ? 1 : 0;
}
