// SPDX-License-Identifier: MIT
/*
 * vector.c - a run recorded as a test vector for a real kernel, written as
 * one standalone C program (docs/test-vectors.md).
 *
 * The Lua bindings report every call that userspace could make (vec_op):
 * its arguments with tasks as slots in creation order and fds as the
 * model's numbers, its result, and what a root caller could observe right
 * after it: which namespaces open by file handle, which tasks are alive,
 * zombies or reaped, and whether deferred kernel work (RCU, workqueues) is
 * still pending.  After each call every namespace that a live task can
 * name through /proc/self/ns and that the vector has not seen yet gets a
 * capture step, so that the program learns its real id and inode.  When
 * the deferred work drains, a settle step records the state again.
 *
 * The program asserts a namespace's reachability after a step only where
 * the model's answer cannot depend on timing: it stays the same from that
 * step until the deferred work pending there has run.  The harness polls,
 * with a bound, for those that must stop opening.
 *
 * Calls the real kernel cannot be made to repeat from userspace (a setns
 * held between its validation and its commit, an injected allocation
 * failure, the scheduler model, threads, execve) make the run
 * unexportable; the first one is reported with its scenario line.
 */
#include <string.h>
#include "sim.h"
#include "vector-harness.h"

struct vstep {
	enum vec_op op;
	int task;               /* slot */
	int64_t a[8];
	char str[48];
	struct nss_handle h;
	int h_slot, h_inum;     /* handle spec: id slot (or ID_*) and inode mode */
	GArray *list;           /* listns: slots */
	enum vec_ret kind;
	int64_t want;
	int werr;
	char *what, *src;
	GString *reach;         /* per slot: y, n; shorter than the slot count */
	GString *states;        /* per task slot: r, z, g */
	bool pending;           /* deferred kernel work queued after it */
	bool cloexec;           /* the fd it made (or clone's pidfd) is FD_CLOEXEC */
	char *warn;             /* the kernel warnings the model predicts here, or NULL */
	bool fault;             /* an injected allocation failure makes this call fail */
};

struct vec {
	GPtrArray *steps;       /* struct vstep */
	GArray *task_ids;       /* slot -> model task id */
	GArray *ns_ids;         /* slot -> model ns id */
	GArray *ns_types;       /* slot -> enum ns_type */
	GHashTable *ns_slot;    /* model ns id -> slot + 1 */
	GHashTable *captured;   /* model ns id -> 1 */
	GHashTable *pidfs_slot; /* pidfs inode number (model pid id) -> task slot + 1 */
	char *unsupported;      /* why the run cannot be a vector, with its line */
	GPtrArray *paths;       /* bind mount targets, by index */
	struct vstep *last;     /* the last call (captures may follow it) */
	uint32_t types;         /* CLONE_NEW* of every namespace type the run uses */
	GString *warn;          /* kernel warnings since the last step */
	GHashTable *warned;     /* "rule: detail" already printed: WARN_ON_ONCE */
	uint64_t faults;        /* world_faults_injected() at the event's start */
	uint64_t fault_event;   /* the event an injected fault fired in, 0 */
	bool fault_any_errno;   /* its site passes on any errno (nss_fault_site.any_errno) */
};

static const char *const op_names[] = {
	[VOP_CAPTURE] = "OP_CAPTURE", [VOP_SETTLE] = "OP_SETTLE", [VOP_CLONE] = "OP_CLONE",
	[VOP_UNSHARE] = "OP_UNSHARE", [VOP_SETNS] = "OP_SETNS", [VOP_OPEN_NS] = "OP_OPEN_NS",
	[VOP_CLOSE] = "OP_CLOSE", [VOP_DUP] = "OP_DUP", [VOP_IOCTL] = "OP_IOCTL",
	[VOP_N2H] = "OP_N2H", [VOP_OBH] = "OP_OBH", [VOP_FSTAT] = "OP_FSTAT",
	[VOP_SOCKET] = "OP_SOCKET", [VOP_COOKIE] = "OP_COOKIE", [VOP_SEND_FD] = "OP_SEND_FD",
	[VOP_RECV_FD] = "OP_RECV_FD", [VOP_PIDFD_OPEN] = "OP_PIDFD_OPEN",
	[VOP_PIDFD_GETFD] = "OP_PIDFD_GETFD", [VOP_EXIT] = "OP_EXIT", [VOP_WAIT] = "OP_WAIT",
	[VOP_KILL] = "OP_KILL", [VOP_SIGCHLD] = "OP_SIGCHLD", [VOP_SETUID] = "OP_SETUID",
	[VOP_SETGID] = "OP_SETGID", [VOP_SETRESUID] = "OP_SETRESUID",
	[VOP_SETRESGID] = "OP_SETRESGID", [VOP_SETFSUID] = "OP_SETFSUID",
	[VOP_WRITE_MAP] = "OP_WRITE_MAP", [VOP_SET_MAX] = "OP_SET_MAX",
	[VOP_CAPSET] = "OP_CAPSET", [VOP_LISTNS] = "OP_LISTNS", [VOP_EXECVE] = "OP_EXECVE",
	[VOP_EXIT_THREAD] = "OP_EXIT_THREAD", [VOP_MOUNT_BIND] = "OP_MOUNT_BIND",
	[VOP_UMOUNT] = "OP_UMOUNT", [VOP_OPEN_FILE] = "OP_OPEN_FILE",
	[VOP_SETREUID] = "OP_SETREUID", [VOP_SETREGID] = "OP_SETREGID", [VOP_SETFSGID] = "OP_SETFSGID",
	[VOP_PIDFD_SIGNAL] = "OP_PIDFD_SIGNAL", [VOP_REOPEN] = "OP_REOPEN",
	[VOP_PIPE] = "OP_PIPE", [VOP_MEMFD] = "OP_MEMFD", [VOP_PRCTL_NNP] = "OP_PRCTL_NNP",
};

static const char *const ret_names[] = {
	[VRET_ZERO] = "R_ZERO", [VRET_FD] = "R_FD", [VRET_TASK] = "R_TASK",
	[VRET_NSID] = "R_NSID", [VRET_COOKIE] = "R_COOKIE", [VRET_VALUE] = "R_VALUE",
	[VRET_ANY] = "R_ANY",
};

/* The /proc/self/ns links a capture may use; pid_for_children opens only once
 * the namespace has a task, when "pid" of that task names it anyway. */
static const char *const links[] = {
	"user", "mnt", "uts", "ipc", "net", "cgroup", "pid", "time", "time_for_children",
};

static void vstep_free(gpointer p)
{
	struct vstep *v = p;

	if (v->list)
		g_array_unref(v->list);
	g_free(v->what);
	g_free(v->src);
	g_free(v->warn);
	if (v->reach)
		g_string_free(v->reach, TRUE);
	if (v->states)
		g_string_free(v->states, TRUE);
	g_free(v);
}

void sim_vec_attach(struct sim *s)
{
	struct vec *v = g_new0(struct vec, 1);

	v->steps = g_ptr_array_new_with_free_func(vstep_free);
	v->paths = g_ptr_array_new_with_free_func(g_free);
	v->task_ids = g_array_new(FALSE, FALSE, sizeof(uint64_t));
	v->ns_ids = g_array_new(FALSE, FALSE, sizeof(uint64_t));
	v->ns_types = g_array_new(FALSE, FALSE, sizeof(int));
	v->ns_slot = g_hash_table_new_full(g_int64_hash, g_int64_equal, g_free, NULL);
	v->captured = g_hash_table_new_full(g_int64_hash, g_int64_equal, g_free, NULL);
	v->pidfs_slot = g_hash_table_new_full(g_int64_hash, g_int64_equal, g_free, NULL);
	v->warn = g_string_new(NULL);
	v->warned = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	s->vec = v;
}

void sim_vec_free(struct sim *s)
{
	struct vec *v = s->vec;

	if (!v)
		return;
	g_ptr_array_unref(v->steps);
	g_array_unref(v->task_ids);
	g_array_unref(v->ns_ids);
	g_array_unref(v->ns_types);
	g_hash_table_unref(v->ns_slot);
	g_hash_table_unref(v->pidfs_slot);
	g_hash_table_unref(v->captured);
	g_string_free(v->warn, TRUE);
	g_hash_table_unref(v->warned);
	g_free(v->unsupported);
	g_ptr_array_unref(v->paths);
	g_free(v);
	s->vec = NULL;
}

/* Slot 0 is init, the task the vector starts with. */
static void init_slot(struct sim *s)
{
	if (!s->vec->task_ids->len) {
		uint64_t init = world_init_task(s->w);

		g_array_append_val(s->vec->task_ids, init);
	}
}

int64_t vec_task(struct sim *s, uint64_t task)
{
	struct vec *v = s->vec;

	if (!v)
		return -1;
	init_slot(s);
	for (guint i = 0; i < v->task_ids->len; i++)
		if (g_array_index(v->task_ids, uint64_t, i) == task)
			return i;
	return -1;
}

/* A slot for a task seen for the first time (init, or a clone's child). */
static int task_slot(struct vec *v, uint64_t task)
{
	for (guint i = 0; i < v->task_ids->len; i++)
		if (g_array_index(v->task_ids, uint64_t, i) == task)
			return (int)i;
	g_array_append_val(v->task_ids, task);
	return (int)v->task_ids->len - 1;
}

static int ns_slot(struct vec *v, uint64_t id)
{
	return GPOINTER_TO_INT(g_hash_table_lookup(v->ns_slot, &id)) - 1;
}

/* A namespace id passed by the model, coded for the program (ID_* or a slot). */
int64_t vec_ns_code(struct sim *s, uint64_t id)
{
	struct vec *v = s->vec;
	int slot;

	if (!v)
		return 0;
	if (id == 0)
		return VEC_ID_ZERO;
	if (id == NSS_LISTNS_CURRENT_USER)
		return VEC_ID_CURRENT_USER;
	slot = ns_slot(v, id);
	return slot >= 0 ? slot : VEC_ID_NONE;
}

int64_t vec_path_find(struct sim *s, const char *path)
{
	struct vec *v = s->vec;

	for (guint i = 0; v && i < v->paths->len; i++)
		if (!strcmp(g_ptr_array_index(v->paths, i), path))
			return i;
	return -1;
}

int64_t vec_path(struct sim *s, const char *path)
{
	struct vec *v = s->vec;

	int64_t i = vec_path_find(s, path);

	if (!v || i >= 0)
		return i;
	g_ptr_array_add(v->paths, g_strdup(path));
	return v->paths->len - 1;
}

/*
 * A fault armed by sim.fail_next() or --fail: a vector replays it with
 * fail-nth, searching for the allocation whose failure the site stands for,
 * where the site is an allocation and the errno the kernel's own.
 */
void vec_fault_armed(struct sim *s, const char *site, int err)
{
	const struct nss_fault_site *fs = nss_fault_site_lookup(site);
	g_autofree char *why = NULL;

	if (!s->vec || !fs)
		return;
	if (fs->no_fail_nth)
		why = g_strdup_printf("the %s fault: %s", site, fs->no_fail_nth);
	else if (err && err != fs->err && !fs->any_errno)
		why = g_strdup_printf("the %s fault with %s: the kernel returns %s there", site,
				      nss_errno_name(err), nss_errno_name(fs->err));
	if (why)
		vec_unsupported(s, why);
	s->vec->fault_any_errno = fs->any_errno;
}

void vec_unsupported(struct sim *s, const char *why)
{
	struct vec *v = s->vec;

	if (!v || v->unsupported)
		return;
	v->unsupported = g_strdup_printf("%s: %s", s->src[0] ? s->src : s->path, why);
}

/* Slots for every namespace alive, then y/n per slot (dead ones n). */
static GString *snapshot_reach(struct sim *s)
{
	struct vec *v = s->vec;
	g_autoptr(GArray) ids = nss_ns_ids(s->w);
	GString *r;

	for (guint i = 0; i < ids->len; i++) {
		uint64_t id = g_array_index(ids, uint64_t, i);
		struct nss_ns_info n;

		if (ns_slot(v, id) >= 0)
			continue;
		nss_ns_info(s->w, id, &n);
		g_array_append_val(v->ns_ids, id);
		g_array_append_val(v->ns_types, n.type);
		g_hash_table_insert(v->ns_slot, g_memdup2(&id, sizeof(id)),
				    GINT_TO_POINTER(v->ns_ids->len));
		if (!n.initial && !n.boot)   /* the types the run creates: the program checks it can */
			v->types |= (uint32_t)ns_type_clone_flag(n.type);
	}
	r = g_string_sized_new(v->ns_ids->len);
	for (guint k = 0; k < v->ns_ids->len; k++) {
		struct nss_ns_info n;
		bool alive = nss_ns_info(s->w, g_array_index(v->ns_ids, uint64_t, k), &n);

		g_string_append_c(r, alive && sim_ns_reachable(s->w, &n) ? 'y' : 'n');
	}
	return r;
}

static GString *snapshot_states(struct sim *s)
{
	struct vec *v = s->vec;
	GString *r = g_string_sized_new(v->task_ids->len);

	for (guint k = 0; k < v->task_ids->len; k++) {
		enum nss_task_state st = nss_task_state(s->w, g_array_index(v->task_ids, uint64_t, k));

		g_string_append_c(r, st == NSS_TASK_RUNNING ? 'r' : st == NSS_TASK_ZOMBIE ? 'z' :
				     st == NSS_TASK_EXITING ? 'x' : 'g');
	}
	return r;
}

static struct vstep *add_step(struct sim *s, enum vec_op op, int task)
{
	struct vstep *st = g_new0(struct vstep, 1);

	st->op = op;
	st->task = task;
	st->h_slot = VEC_ID_NONE;
	st->reach = snapshot_reach(s);
	st->states = snapshot_states(s);
	st->pending = world_deferred_pending(s->w) > 0;
	if (s->vec->warn->len) {
		st->warn = g_strdup(s->vec->warn->str);
		g_string_truncate(s->vec->warn, 0);
	}
	g_ptr_array_add(s->vec->steps, st);
	return st;
}

/* Capture steps for every namespace a live task names that has none yet. */
static void add_captures(struct sim *s)
{
	struct vec *v = s->vec;

	for (guint k = 0; k < v->task_ids->len; k++) {
		uint64_t task = g_array_index(v->task_ids, uint64_t, k);

		if (nss_task_state(s->w, task) != NSS_TASK_RUNNING)
			continue;
		for (guint l = 0; l < G_N_ELEMENTS(links); l++) {
			uint64_t id = nss_task_ns(s->w, task, links[l]);
			struct vstep *st;

			if (!id || g_hash_table_contains(v->captured, &id) || ns_slot(v, id) < 0)
				continue;
			g_hash_table_add(v->captured, g_memdup2(&id, sizeof(id)));
			st = add_step(s, VOP_CAPTURE, (int)k);
			st->a[0] = ns_slot(v, id);
			g_strlcpy(st->str, links[l], sizeof(st->str));
			st->what = g_strdup_printf("t%u capture %s ns %" G_GUINT64_FORMAT
						   " (/proc/self/ns/%s)", k, links[l], id, links[l]);
			st->src = g_strdup("");
		}
	}
}

void vec_op(struct sim *s, enum vec_op op, uint64_t task, int64_t ret, enum vec_ret kind,
	    int64_t want, const int64_t *a, int na, const char *str, const char *name)
{
	struct vec *v = s->vec;
	struct vstep *st;
	const char *e;

	if (!v)
		return;
	init_slot(s);
	if (op == VOP_CLONE && ret > 0)
		task_slot(v, (uint64_t)ret);
	st = add_step(s, op, task_slot(v, task));
	for (int i = 0; i < na && i < 8; i++)
		st->a[i] = a[i];
	if (str)
		g_strlcpy(st->str, str, sizeof(st->str));
	st->kind = kind;
	st->want = want;
	if (op == VOP_CLONE && ret > 0)
		st->a[1] = st->want = task_slot(v, (uint64_t)ret);
	{
		/* whether the new fd closes at execve: the model's flag, not a list */
		struct nss_fd_info fi = { 0 };
		uint64_t owner = op == VOP_SEND_FD && a[1] >= 0 && (guint)a[1] < v->task_ids->len
				 ? g_array_index(v->task_ids, uint64_t, a[1]) : task;
		int64_t fd = op == VOP_CLONE ? st->a[2] : kind == VRET_FD && ret >= 0 ? want : -1;

		if (fd >= 0 && nss_fd_info(s->w, owner, (int)fd, &fi))
			st->cloexec = fi.cloexec;
	}
	v->last = st;
	st->werr = ret < 0 ? (int)-ret : 0;
	if (v->fault_event) {
		/* the call whose event the fault fired in: fail-nth replays it */
		if (v->fault_event == world_last_event(s->w)->seq)
			st->fault = true;
		else
			vec_unsupported(s, "an injected fault fired outside a call a vector makes");
		v->fault_event = 0;
	}
	e = ret < 0 ? nss_errno_name((int)-ret) : NULL;
	st->src = g_strdup(s->src);
	if (e)
		st->what = g_strdup_printf("t%d %s(%s) -> %s", st->task, name, s->cur_args, e);
	else
		st->what = g_strdup_printf("t%d %s(%s) -> %" G_GINT64_FORMAT, st->task, name,
					   s->cur_args, ret);
	add_captures(s);
}

void vec_set_handle(struct sim *s, const struct nss_handle *h)
{
	struct vstep *st = s->vec ? s->vec->last : NULL;
	struct nss_ns_info n;

	if (!st)
		return;
	st->h = *h;
	if ((h->handle_type & 0xffff) == NSS_FILEID_KERNFS) {
		/*
		 * A pidfs handle names a pid by its inode number, which the
		 * program learns when it encodes the handle of that task's pidfd.
		 */
		if (st->op == VOP_N2H && st->werr == 0 && st->a[4]) {
			int64_t slot = vec_task(s, (uint64_t)st->a[4]);

			if (slot >= 0)
				g_hash_table_replace(s->vec->pidfs_slot, g_memdup2(&h->ns_id, 8),
						     GINT_TO_POINTER((int)slot + 1));
		}
		st->h_slot = GPOINTER_TO_INT(g_hash_table_lookup(s->vec->pidfs_slot, &h->ns_id)) - 1;
		st->h_inum = 0;
		return;
	}
	st->h_slot = (int)vec_ns_code(s, h->ns_id);
	st->h_inum = !h->ns_inum ? 0
		   : st->h_slot >= 0 && nss_ns_info(s->w, h->ns_id, &n) &&
		     n.inum == h->ns_inum ? 1 : 2;
}

void vec_set_list(struct sim *s, const uint64_t *ids, int64_t n)
{
	struct vstep *st = s->vec ? s->vec->last : NULL;

	if (!st)
		return;
	st->list = g_array_new(FALSE, FALSE, sizeof(int));
	for (int64_t k = 0; k < n; k++) {
		int slot = (int)vec_ns_code(s, ids[k]);

		g_array_append_val(st->list, slot);
	}
	if (n > 64)
		vec_unsupported(s, "listns() returning more than 64 ids");
}

static void on_event_begin(void *data, const struct nss_event *ev)
{
	struct sim *s = data;

	(void)ev;
	s->vec->faults = world_faults_injected(s->w);
}

/* Deferred kernel work ran: once none is left, the state is settled. */
static void on_event_end(void *data, const struct nss_event *ev)
{
	struct sim *s = data;
	struct vec *v = s->vec;
	struct vstep *last;

	if (world_faults_injected(s->w) != v->faults) {
		if (ev->kernel_work)
			vec_unsupported(s, "an injected fault in deferred kernel work: no call to fail");
		else
			v->fault_event = ev->seq;
	}

	if (!ev->kernel_work || world_deferred_pending(s->w) || !v->task_ids->len)
		return;
	last = v->steps->len ? g_ptr_array_index(v->steps, v->steps->len - 1) : NULL;
	if (last && last->op == VOP_SETTLE)
		g_ptr_array_remove_index(v->steps, v->steps->len - 1);
	last = add_step(s, VOP_SETTLE, 0);
	last->what = g_strdup("settle: the deferred kernel work has run");
	last->src = g_strdup("");
}

/*
 * A kernel warning the model predicts goes with the next step.  The kernel's
 * namespace assertions are WARN_ON_ONCE: one report per assertion and boot
 * (the vector clears them at its start), so a repeat predicts nothing.
 */
static void on_warning(void *data, const struct nss_warning *wr)
{
	struct sim *s = data;
	struct vec *v = s->vec;
	char *key = g_strdup_printf("%s: %s", wr->rule, wr->detail);

	if (g_hash_table_contains(v->warned, key)) {
		g_free(key);
		return;
	}
	g_hash_table_add(v->warned, key);
	g_string_append_printf(v->warn, "%s%s (%s)", v->warn->len ? "; " : "", key, wr->site);
}

void sim_vec_observe(struct sim *s)
{
	struct nss_observer o = { .event_begin = on_event_begin, .event_end = on_event_end,
				  .warning = on_warning, .data = s };

	world_add_observer(s->w, &o);
}

const char *sim_vec_unsupported(struct sim *s)
{
	return s->vec ? s->vec->unsupported : NULL;
}

/* ---- the program ----------------------------------------------------- */

static void c_str(GString *o, const char *str)
{
	g_string_append_c(o, '"');
	for (const char *p = str ? str : ""; *p; p++) {
		if (*p == '"' || *p == '\\')
			g_string_append_printf(o, "\\%c", *p);
		else if ((unsigned char)*p < 0x20 || (unsigned char)*p >= 0x7f)
			g_string_append_printf(o, "\\%03o", (unsigned char)*p);
		else
			g_string_append_c(o, *p);
	}
	g_string_append_c(o, '"');
}

static const char *const clone_names[] = {
	[NS_USER] = "CLONE_NEWUSER", [NS_MNT] = "CLONE_NEWNS", [NS_UTS] = "CLONE_NEWUTS",
	[NS_IPC] = "CLONE_NEWIPC", [NS_PID] = "CLONE_NEWPID", [NS_NET] = "CLONE_NEWNET",
	[NS_CGROUP] = "CLONE_NEWCGROUP", [NS_TIME] = "CLONE_NEWTIME",
};

/* Clone flags as the kernel headers name them, so that a step reads as a call. */
static void c_flags(GString *o, uint64_t flags)
{
	static const struct { uint64_t bit; const char *name; } names[] = {
		{ NSS_CLONE_NEWUSER, "CLONE_NEWUSER" }, { NSS_CLONE_NEWNS, "CLONE_NEWNS" },
		{ NSS_CLONE_NEWUTS, "CLONE_NEWUTS" }, { NSS_CLONE_NEWIPC, "CLONE_NEWIPC" },
		{ NSS_CLONE_NEWPID, "CLONE_NEWPID" }, { NSS_CLONE_NEWNET, "CLONE_NEWNET" },
		{ NSS_CLONE_NEWCGROUP, "CLONE_NEWCGROUP" }, { NSS_CLONE_NEWTIME, "CLONE_NEWTIME" },
		{ NSS_CLONE_PIDFD, "CLONE_PIDFD" }, { NSS_CLONE_FILES, "CLONE_FILES" },
		{ NSS_CLONE_FS, "CLONE_FS" }, { NSS_CLONE_VM, "CLONE_VM" },
		{ NSS_CLONE_SIGHAND, "CLONE_SIGHAND" }, { NSS_CLONE_THREAD, "CLONE_THREAD" },
		{ NSS_CLONE_SYSVSEM, "CLONE_SYSVSEM" },
	};
	bool first = true;

	for (guint i = 0; i < G_N_ELEMENTS(names); i++) {
		if (flags & names[i].bit) {
			g_string_append_printf(o, "%s%s", first ? "" : " | ", names[i].name);
			flags &= ~names[i].bit;
			first = false;
		}
	}
	if (flags || first)
		g_string_append_printf(o, "%s%#" G_GINT64_MODIFIER "x", first ? "" : " | ", flags);
}

/*
 * The expectation of one step: each namespace's reachability, where it
 * stays the same until the deferred work pending at the step has run.
 */
static void expect_string(struct vec *v, guint i, GString *out)
{
	guint j = i, nslots = v->ns_ids->len;
	struct vstep *st = g_ptr_array_index(v->steps, i);

	while (j + 1 < v->steps->len && ((struct vstep *)g_ptr_array_index(v->steps, j))->pending)
		j++;
	g_string_truncate(out, 0);
	for (guint k = 0; k < nslots; k++) {
		char c = k < st->reach->len ? st->reach->str[k] : '.';

		if (st->op == VOP_CAPTURE)
			c = '.';
		for (guint m = i + 1; m <= j && c != '.'; m++) {
			struct vstep *o = g_ptr_array_index(v->steps, m);

			if (k >= o->reach->len || o->reach->str[k] != c)
				c = '.';
		}
		g_string_append_c(out, c);
	}
}

static guint count_faults(struct vec *v)
{
	guint n = 0;

	for (guint i = 0; i < v->steps->len; i++)
		n += ((struct vstep *)g_ptr_array_index(v->steps, i))->fault;
	return n;
}

/*
 * The faulted call's outcome as the fault sweep reads it: "STEP ERRNO
 * HANDLES WARN" (the step 1-based, the errno a number or -1 for a site that
 * passes on any callee's errno, y/n/. per namespace
 * slot, 1 if the model predicts a kernel warning there), or NULL without a
 * faulted call a vector can make.  Written even when the scenario stops
 * right after the fault (an assert on the call): the steps up to it are
 * the same as in the unfaulted run's vector.
 */
char *sim_vec_fault_outcome(struct sim *s)
{
	struct vec *v = s->vec;
	g_autoptr(GString) ex = g_string_new(NULL);

	if (!v || v->unsupported)
		return NULL;
	for (guint i = 0; i < v->steps->len; i++) {
		struct vstep *st = g_ptr_array_index(v->steps, i);

		if (!st->fault)
			continue;
		expect_string(v, i, ex);
		return g_strdup_printf("%u %d %s %d", i + 1, v->fault_any_errno ? -1 : st->werr,
				       ex->len ? ex->str : ".", st->warn ? 1 : 0);
	}
	return NULL;
}

gboolean sim_vec_write_c(struct sim *s, const char *path, GError **err)
{
	struct vec *v = s->vec;
	g_autoptr(GString) o = g_string_new(NULL);
	g_autoptr(GString) ex = g_string_new(NULL);
	guint ntasks = v->task_ids->len ? v->task_ids->len : 1;

	g_string_append_printf(o,
		"/*\n * Test vector generated by nssim %s from %s\n"
		" * (kernel variant %s, seed %" G_GUINT64_FORMAT ", fingerprint %016" G_GINT64_MODIFIER
		"x): %u steps.\n"
		" * Build: cc -O2 -Wall -o vector vector.c; run as root: ./vector (KTAP;\n"
		" * exit 0 pass, 1 fail, 4 skip).  The harness is nssim's sim/vector-harness.c.\n */\n",
		NSSIM_VERSION, s->path, s->cfg.kernel, s->cfg.seed, s->fingerprint, v->steps->len);
	{
		g_autofree char *fo = sim_vec_fault_outcome(s);

		if (fo)
			g_string_append_printf(o, "/* nssim fault outcome (step errno handles warn): %s */\n",
					       fo);
	}
	g_string_append(o, vector_harness_head);
	g_string_append(o, "static const char vec_scenario[] = ");
	c_str(o, s->path);
	g_string_append_printf(o, ";\nstatic const char vec_kernel[] = \"%s\";\n"
			       "static const char vec_seed[] = \"%" G_GUINT64_FORMAT "\";\n"
			       "static const int vec_active_refs = %d;\n"
			       "static const int vec_mounts = %u;\n"
			       "static const int vec_faults = %u;\n"
			       "static const unsigned int vec_types = 0",
			       s->cfg.kernel, s->cfg.seed, world_variant(s->w)->has_active ? 1 : 0,
			       v->paths->len, count_faults(v));
	for (int t = 0; t < NS_NR_TYPES; t++)
		if (v->types & (uint32_t)ns_type_clone_flag(t))
			g_string_append_printf(o, " | %s", clone_names[t]);
	g_string_append_printf(o, ";\n#define VEC_NNS %u\n#define VEC_NTASKS %u\n#define VEC_NSTEPS %u\n\n",
			       MAX(v->ns_ids->len, 1), ntasks, v->steps->len);
	g_string_append(o, "static const struct nsdef vec_ns[VEC_NNS] = {\n");
	for (guint k = 0; k < v->ns_ids->len; k++) {
		int t = g_array_index(v->ns_types, int, k);

		g_string_append_printf(o, "\t{ %" G_GUINT64_FORMAT ", %s, \"%s\" },\n",
				       g_array_index(v->ns_ids, uint64_t, k), clone_names[t],
				       ns_type_name(t));
	}
	if (!v->ns_ids->len)
		g_string_append(o, "\t{ 0, 0, \"none\" },\n");
	g_string_append(o, "};\n\n");
	for (guint i = 0; i < v->steps->len; i++) {
		struct vstep *st = g_ptr_array_index(v->steps, i);

		if (!st->list || !st->list->len)
			continue;
		g_string_append_printf(o, "static const int vec_list_%u[] = {", i);
		for (guint k = 0; k < st->list->len; k++)
			g_string_append_printf(o, "%s%d", k ? ", " : " ", g_array_index(st->list, int, k));
		g_string_append(o, " };\n");
	}
	g_string_append(o, "\nstatic const struct step vec_steps[VEC_NSTEPS] = {\n");
	for (guint i = 0; i < v->steps->len; i++) {
		struct vstep *st = g_ptr_array_index(v->steps, i);
		const char *e = st->werr ? nss_errno_name(st->werr) : NULL;
		guint na = 8;

		while (na > 0 && !st->a[na - 1])
			na--;
		g_string_append_printf(o, "\t{ /* %u */ .op = %s, .task = %d", i + 1,
				       op_names[st->op], st->task);
		if (na) {
			g_string_append(o, ", .a = {");
			for (guint k = 0; k < na; k++) {
				bool is_flags = ((st->op == VOP_CLONE || st->op == VOP_UNSHARE) && k == 0) ||
						(st->op == VOP_SETNS && k == 1 && st->a[1]);

				g_string_append(o, k ? ", " : " ");
				if (is_flags)
					c_flags(o, (uint64_t)st->a[k]);
				else
					g_string_append_printf(o, "%" G_GINT64_FORMAT, st->a[k]);
			}
			g_string_append(o, " }");
		}
		if (st->str[0]) {
			g_string_append(o, ", .str = ");
			c_str(o, st->str);
		}
		if (st->op == VOP_OBH || st->op == VOP_N2H)
			g_string_append_printf(o, ",\n\t  .h = { %d, %d, %#x, %u, %#x }", st->h_slot,
					       st->h_inum, st->h.ns_type, st->h.handle_bytes,
					       (unsigned int)st->h.handle_type);
		if (st->list)
			g_string_append_printf(o, ", .list = %s%u, .nlist = %u",
					       st->list->len ? "vec_list_" : "NULL + ",
					       st->list->len ? i : 0, st->list->len);
		g_string_append_printf(o, ",\n\t  .kind = %s, .want = %" G_GINT64_FORMAT,
				       ret_names[st->kind], st->want);
		if (st->cloexec)
			g_string_append(o, ", .cloexec = 1");
		if (st->fault)
			g_string_append(o, ", .fault = 1");
		if (e)
			g_string_append_printf(o, ", .werr = %s", e);
		else if (st->werr)
			g_string_append_printf(o, ", .werr = %d", st->werr);
		expect_string(v, i, ex);
		while (st->states->len < ntasks)
			g_string_append_c(st->states, '-');
		g_string_append_printf(o, ",\n\t  .expect = \"%s\", .tasks = \"%s\",",
				       ex->str, st->states->str);
		if (st->warn) {
			g_string_append(o, "\n\t  .warn = ");
			c_str(o, st->warn);
			g_string_append_c(o, ',');
		}
		g_string_append(o, "\n\t  .what = ");
		c_str(o, st->what);
		g_string_append(o, ", .src = ");
		c_str(o, st->src);
		g_string_append(o, " },\n");
	}
	g_string_append(o, "};\n\n");
	g_string_append(o, vector_harness_tail);
	if (!strcmp(path, "-")) {
		if (fwrite(o->str, 1, o->len, stdout) != o->len || fflush(stdout)) {
			g_set_error(err, G_FILE_ERROR, G_FILE_ERROR_IO, "writing to stdout");
			return FALSE;
		}
		return TRUE;
	}
	return g_file_set_contents(path, o->str, (gssize)o->len, err);
}
