// SPDX-License-Identifier: MIT
/*
 * lua_api.c - the scenario API (docs/scenario-api.md): the `sim` module,
 * Task and Fd userdata over the core's syscall-like API, the scenario{}
 * header and the expectations.
 *
 * A call that fails in the kernel returns nil and the errno name; only a
 * scenario bug (a wrong type, an unknown flag name) raises a Lua error.
 * Every call is one core event, traced with the caller's file:line.
 */
#include <limits.h>
#include <string.h>
#include "sim.h"

#define TASK_MT "nssim.Task"
#define FD_MT "nssim.Fd"
#define HANDLE_MT "nssim.Handle"
#define MOUNT_MT "nssim.Mount"
#define CPU_MT "nssim.Cpu"

struct l_mount {
	uint64_t task;
	char path[256];
};

struct l_task {
	uint64_t id;
};

struct l_fd {
	uint64_t task;
	int fd;
};

static struct sim *S(lua_State *L)
{
	return *(struct sim **)lua_getextraspace(L);
}

/* ---- the world, created at scenario{} or at the first call ------------ */

static void fp_mix(uint64_t *h, const void *p, size_t n)
{
	const unsigned char *c = p;

	for (size_t i = 0; i < n; i++) {
		*h ^= c[i];
		*h *= 0x100000001b3ULL;
	}
}

static void on_transition(void *data, const struct nss_transition *t)
{
	struct sim *s = data;
	int32_t v[2] = { t->old_val, t->new_val };
	uint64_t ids[2] = { t->event, t->obj };
	uint8_t k[2] = { t->kind, t->counter };

	fp_mix(&s->fingerprint, ids, sizeof(ids));
	fp_mix(&s->fingerprint, k, sizeof(k));
	fp_mix(&s->fingerprint, v, sizeof(v));
	fp_mix(&s->fingerprint, t->site, strlen(t->site));
}

static void on_deferred(void *data, uint64_t id, const char *site)
{
	struct sim *s = data;

	sim_queue_push(s, sim_time_add_sat(s->now, nss_deferred_is_work(site) ? s->cfg.work_latency
							       : s->cfg.rcu_latency),
		       Q_DEFERRED, LUA_NOREF, id);
}

static void on_object(void *data, enum nss_object_change what, enum nss_obj_kind kind,
		      uint64_t id)
{
	if (what == NSS_TASK_EXITED)
		sim_wake_waiters(data);
}

static void on_violation(void *data, const struct nss_violation *v)
{
	struct sim *s = data;

	if (world_violation_count(s->w) <= 20)
		g_printerr("%s: violation at event %" G_GUINT64_FORMAT ": %s on %s %" G_GUINT64_FORMAT
			   ": expected %" G_GINT64_FORMAT ", actual %" G_GINT64_FORMAT " (%s)\n",
			   s->src[0] ? s->src : s->path, v->event, v->rule,
			   nss_obj_kind_name(v->kind), v->obj, v->expected, v->actual, v->detail);
}

char *sim_config_json(struct sim *s)
{
	GString *j = g_string_new(NULL);
	g_autoptr(GList) keys = g_hash_table_get_keys(s->params);

	if (s->name) {
		g_string_append(j, "{\"name\": ");
		sim_json_str(j, s->name);
		g_string_append(j, ", ");
	} else {
		g_string_append(j, "{");
	}
	g_string_append_printf(j, "\"cpus\": %u, \"lazy_tlb\": \"%s\", \"audit\": \"%s\", "
			       "\"rcu_latency_ns\": %" G_GINT64_FORMAT ", \"work_latency_ns\": %"
			       G_GINT64_FORMAT ", \"params\": {",
			       s->cfg.cpus, s->cfg.lazy_tlb,
			       s->cfg.audit == NSS_AUDIT_OFF ? "off"
			       : s->cfg.audit == NSS_AUDIT_FULL ? "full" : "incremental",
			       s->cfg.rcu_latency, s->cfg.work_latency);
	if (s->fail_site) {
		/* a faulted run is only reproducible with its fault */
		j->len -= strlen("\"params\": {");
		g_string_append_printf(j, "\"fail\": \"%s:%u%s%s\", \"params\": {", s->fail_site,
				       s->fail_nth, s->fail_err ? "=" : "",
				       s->fail_err ? nss_errno_name(s->fail_err) : "");
	}
	keys = g_list_sort(keys, (GCompareFunc)g_strcmp0);
	for (GList *l = keys; l; l = l->next) {
		if (l != keys)
			g_string_append(j, ", ");
		sim_json_str(j, l->data);
		g_string_append(j, ": ");
		sim_json_str(j, g_hash_table_lookup(s->params, l->data));
	}
	g_string_append(j, "}}");
	return g_string_free(j, FALSE);
}

struct world *sim_world(struct sim *s)
{
	struct nss_config cfg = { 0 };
	struct nss_observer me = {
		.transition = on_transition, .deferred = on_deferred,
		.object = on_object, .violation = on_violation, .data = s,
	};

	if (s->w)
		return s->w;
	/* run SCENARIO --help: no header came before the first simulation call */
	if (s->describe)
		sim_params_describe_exit(s);
	cfg.variant = nss_variant_lookup(s->cfg.kernel);
	cfg.cpus = s->cfg.cpus;
	cfg.lazy_tlb = g_strcmp0(s->cfg.lazy_tlb, "shootdown") == 0 ? NSS_LAZY_TLB_SHOOTDOWN
								    : NSS_LAZY_TLB_REFCOUNT;
	cfg.audit = s->cfg.audit;
	s->w = world_new(&cfg);
	s->fingerprint = 0xcbf29ce484222325ULL;
	{
		guint32 halves[2] = { (guint32)s->cfg.seed, (guint32)(s->cfg.seed >> 32) };

		s->rng = g_rand_new_with_seed_array(halves, 2);
	}
	if (s->db_path) {
		g_autofree char *config = sim_config_json(s);
		struct nss_run_info info = {
			.scenario = s->path, .kernel = s->cfg.kernel, .seed = s->cfg.seed,
			.config = config,
		};
		g_autoptr(GError) err = NULL;

		s->trace = nss_trace_open(s->db_path, &info, &err);
		if (!s->trace) {
			/* the message starts with the path */
			g_printerr("nssim run: cannot write the trace %s\n", err->message);
			exit(2);
		}
		{
			struct nss_observer o = nss_trace_observer(s->trace, s->w);

			world_add_observer(s->w, &o);
		}
		/* what was loaded before the trace existed */
		sim_source_flush(s);
	}
	world_add_observer(s->w, &me);
	if (s->fail_site) {
		world_fail_next(s->w, s->fail_site, s->fail_err, s->fail_nth);
		vec_fault_armed(s, s->fail_site, s->fail_err);
	}
	if (s->jsonl_path)
		sim_jsonl_attach(s);
	if (s->vec)
		sim_vec_observe(s);
	return s->w;
}

void sim_set_context(struct sim *s, const char *src, const char *args)
{
	g_strlcpy(s->cur_args, args ? args : "", sizeof(s->cur_args));
	if (s->trace)
		nss_trace_set_context(s->trace, s->now, src, args);
}

/* Remember the scenario line of the call, and tell the trace. */
static void call_site(lua_State *L, const char *args)
{
	struct sim *s = S(L);
	lua_Debug ar;

	sim_world(s);
	sim_check_limits(s, L);
	s->src[0] = 0;
	for (int level = 1; lua_getstack(L, level, &ar); level++) {
		lua_getinfo(L, "Sl", &ar);
		if (ar.currentline > 0) {
			g_snprintf(s->src, sizeof(s->src), "%s:%d", ar.short_src, ar.currentline);
			break;
		}
	}
	sim_set_context(s, s->src, args);
}

int sim_push_errno(lua_State *L, int64_t ret)
{
	const char *name = nss_errno_name((int)-ret);

	luaL_pushfail(L);
	if (name)
		lua_pushstring(L, name);
	else
		lua_pushfstring(L, "E%d", (int)-ret);
	return 2;
}

/* ---- userdata --------------------------------------------------------- */

static void push_task(lua_State *L, uint64_t id)
{
	struct l_task *t = lua_newuserdatauv(L, sizeof(*t), 0);

	t->id = id;
	luaL_setmetatable(L, TASK_MT);
}

static void push_fd(lua_State *L, uint64_t task, int fd)
{
	struct l_fd *f = lua_newuserdatauv(L, sizeof(*f), 0);

	f->task = task;
	f->fd = fd;
	luaL_setmetatable(L, FD_MT);
}

static uint64_t check_task(lua_State *L, int i)
{
	return ((struct l_task *)luaL_checkudata(L, i, TASK_MT))->id;
}

static struct l_fd *check_fd(lua_State *L, int i)
{
	return luaL_checkudata(L, i, FD_MT);
}

static int ret_fd(lua_State *L, uint64_t task, int64_t r)
{
	if (r < 0)
		return sim_push_errno(L, r);
	push_fd(L, task, (int)r);
	return 1;
}

static int ret_true(lua_State *L, int64_t r)
{
	if (r < 0)
		return sim_push_errno(L, r);
	lua_pushboolean(L, 1);
	return 1;
}

static int ret_int(lua_State *L, int64_t r)
{
	if (r < 0)
		return sim_push_errno(L, r);
	lua_pushinteger(L, r);
	return 1;
}

/* ---- flags ----------------------------------------------------------- */

struct flag_name {
	const char *name;
	uint64_t flag;
};

static const struct flag_name flag_names[] = {
	{ "newuser", NSS_CLONE_NEWUSER }, { "user", NSS_CLONE_NEWUSER },
	{ "newnet", NSS_CLONE_NEWNET },   { "net", NSS_CLONE_NEWNET },
	{ "newpid", NSS_CLONE_NEWPID },   { "pid", NSS_CLONE_NEWPID },
	{ "newns", NSS_CLONE_NEWNS },     { "newmnt", NSS_CLONE_NEWNS },
	{ "mnt", NSS_CLONE_NEWNS },       { "newuts", NSS_CLONE_NEWUTS },
	{ "uts", NSS_CLONE_NEWUTS },      { "newipc", NSS_CLONE_NEWIPC },
	{ "ipc", NSS_CLONE_NEWIPC },      { "newcgroup", NSS_CLONE_NEWCGROUP },
	{ "cgroup", NSS_CLONE_NEWCGROUP }, { "newtime", NSS_CLONE_NEWTIME },
	{ "time", NSS_CLONE_NEWTIME },    { "thread", NSS_CLONE_THREAD },
	{ "vm", NSS_CLONE_VM },           { "fs", NSS_CLONE_FS },
	{ "files", NSS_CLONE_FILES },     { "sighand", NSS_CLONE_SIGHAND },
	{ "pidfd", NSS_CLONE_PIDFD },     { "parent", NSS_CLONE_PARENT },
	{ "sysvsem", NSS_CLONE_SYSVSEM },
};

/*
 * A table of names from @names (or a number, or nothing) to the OR of their
 * flags; a name not in the table raises "unknown @what 'name'".
 */
static uint64_t check_flag_set(lua_State *L, int i, const struct flag_name *names,
			       size_t n, const char *what)
{
	uint64_t flags = 0;

	if (lua_isnoneornil(L, i))
		return 0;
	if (lua_isinteger(L, i))
		return (uint64_t)lua_tointeger(L, i);
	luaL_checktype(L, i, LUA_TTABLE);
	for (lua_Integer k = 1;; k++) {
		const char *name;
		size_t j;

		if (lua_geti(L, i, k) == LUA_TNIL) {
			lua_pop(L, 1);
			break;
		}
		name = lua_tostring(L, -1);
		if (!name)
			luaL_error(L, "%s #%d is not a string", what, (int)k);
		for (j = 0; j < n; j++)
			if (strcmp(names[j].name, name) == 0)
				break;
		if (j == n)
			luaL_error(L, "unknown %s '%s'", what, name);
		flags |= names[j].flag;
		lua_pop(L, 1);
	}
	return flags;
}

/* Clone flags: { "newuser", "newnet", ... } or a number. */
static uint64_t check_flags(lua_State *L, int i)
{
	return check_flag_set(L, i, flag_names, G_N_ELEMENTS(flag_names), "flag");
}

/*
 * Flag names into @buf, for the trace.  Lua C functions keep their
 * temporaries on the stack: a Lua error longjmps past any cleanup.
 */
static const char *flags_text(uint64_t flags, char *buf, size_t size)
{
	size_t n = 0;

	buf[0] = 0;
	for (guint j = 0; j < G_N_ELEMENTS(flag_names); j++) {
		/* print each bit once, by its first (canonical) name */
		if ((flags & flag_names[j].flag) &&
		    (j == 0 || flag_names[j - 1].flag != flag_names[j].flag)) {
			n += g_snprintf(buf + n, n < size ? size - n : 0, "%s%s", n ? "|" : "",
					flag_names[j].name);
			flags &= ~flag_names[j].flag;
		}
	}
	if (flags)
		g_snprintf(buf + n, n < size ? size - n : 0, "%s0x%" G_GINT64_MODIFIER "x",
			   n ? "|" : "", flags);
	return buf;
}

/* ---- Task methods --------------------------------------------------- */

/*
 * The call just made, for export --format c.  When not exporting, nothing
 * is evaluated: the arguments may look things up.
 */
#define VEC(op, task, r, kind, want, str, name, ...)                                      \
	do {                                                                              \
		if (S(L)->vec)                                                            \
			vec_op(S(L), op, task, r, kind, want, (const int64_t[]){ __VA_ARGS__ }, \
			       (int)(sizeof((const int64_t[]){ __VA_ARGS__ }) / sizeof(int64_t)), \
			       str, name);                                                \
	} while (0)

static int t_clone(lua_State *L)
{
	uint64_t t = check_task(L, 1), flags = check_flags(L, 2);
	char args[256];
	int pidfd = -1;
	int64_t r;

	call_site(L, flags_text(flags, args, sizeof(args)));
	r = sys_clone(S(L)->w, t, flags, &pidfd);
	if ((flags & NSS_CLONE_THREAD)
	    ? (flags & ~(NSS_CLONE_THREAD | NSS_CLONE_SIGHAND | NSS_CLONE_VM | NSS_CLONE_FS |
			 NSS_CLONE_FILES | NSS_CLONE_SYSVSEM)) ||
	      !(flags & NSS_CLONE_VM) || !(flags & NSS_CLONE_FILES)
	    : (flags & ~(NSS_CLONE_NEWALL | NSS_CLONE_PIDFD | NSS_CLONE_FILES)))
		vec_unsupported(S(L), "clone() flags a vector does not replay (threads need CLONE_VM and CLONE_FILES; processes take CLONE_NEW*, CLONE_PIDFD, CLONE_FILES)");
	VEC(VOP_CLONE, t, r, VRET_TASK, 0, NULL, "clone", (int64_t)flags, -1, pidfd);
	if (r < 0)
		return sim_push_errno(L, r);
	push_task(L, (uint64_t)r);
	if (flags & NSS_CLONE_PIDFD) {
		push_fd(L, t, pidfd);
		return 2;
	}
	return 1;
}

/* task:fork(): clone() with no flags, the plain spelling. */
static int t_fork(lua_State *L)
{
	if (lua_gettop(L) > 1)
		return luaL_error(L, "fork() takes no arguments (clone{...} takes flags)");
	return t_clone(L);
}

static int t_unshare(lua_State *L)
{
	uint64_t t = check_task(L, 1), flags = check_flags(L, 2);
	char args[256];

	int r;

	call_site(L, flags_text(flags, args, sizeof(args)));
	r = sys_unshare(S(L)->w, t, flags);
	if (flags & ~(NSS_CLONE_NEWALL | NSS_CLONE_NEWUSER | NSS_CLONE_NEWPID))
		vec_unsupported(S(L), "unshare() of shared state other than namespaces");
	VEC(VOP_UNSHARE, t, r, VRET_ZERO, 0, NULL, "unshare", (int64_t)flags);
	return ret_true(L, r);
}

static int t_setns(lua_State *L)
{
	uint64_t t = check_task(L, 1);
	struct l_fd *f = check_fd(L, 2);
	uint64_t flags = check_flags(L, 3);
	char fl[256], args[300];

	if (f->task != t)
		return luaL_error(L, "setns: the fd belongs to task %d",
				  (int)f->task);
	g_snprintf(args, sizeof(args), "fd=%d %s", f->fd, flags_text(flags, fl, sizeof(fl)));
	int r;

	call_site(L, args);
	r = sys_setns(S(L)->w, t, f->fd, flags);
	VEC(VOP_SETNS, t, r, VRET_ZERO, 0, NULL, "setns", f->fd, (int64_t)flags);
	return ret_true(L, r);
}

/* task:setns_begin(fd [, types]) -> id: setns() preempted before its commit */
static int t_setns_begin(lua_State *L)
{
	uint64_t t = check_task(L, 1);
	struct l_fd *f = check_fd(L, 2);
	uint64_t flags = check_flags(L, 3);
	char fl[256], args[300];

	if (f->task != t)
		return luaL_error(L, "setns_begin: the fd belongs to task %d", (int)f->task);
	g_snprintf(args, sizeof(args), "fd=%d %s", f->fd, flags_text(flags, fl, sizeof(fl)));
	call_site(L, args);
	if (S(L)->vec) {
		/*
		 * Userspace cannot hold a setns() between validate_nsset() and
		 * commit_nsset(): a vector makes the whole call here, and the
		 * model runs it that way too (docs/test-vectors.md).
		 */
		int r = sys_setns(S(L)->w, t, f->fd, flags);

		VEC(VOP_SETNS, t, r, VRET_ZERO, 0, NULL, "setns", f->fd, (int64_t)flags);
		return ret_int(L, r < 0 ? r : VEC_SETNS_DONE);
	}
	return ret_int(L, sys_setns_begin(S(L)->w, t, f->fd, flags));
}

static int t_setns_finish(lua_State *L)
{
	uint64_t t = check_task(L, 1);
	lua_Integer id = luaL_checkinteger(L, 2);

	if (S(L)->vec && id == VEC_SETNS_DONE)
		return ret_true(L, 0);   /* made whole at setns_begin */
	call_site(L, NULL);
	return ret_true(L, sys_setns_finish(S(L)->w, t, (uint64_t)id));
}

/* task:open_ns(name [, target]): /proc/<target or self>/ns/<name> */
static int t_open_ns(lua_State *L)
{
	uint64_t t = check_task(L, 1);
	const char *name = luaL_checkstring(L, 2);
	uint64_t target = lua_isnoneornil(L, 3) ? t : check_task(L, 3);
	char args[128];

	g_snprintf(args, sizeof(args), "/proc/%" G_GUINT64_FORMAT "/ns/%s", target, name);
	int r;

	call_site(L, args);
	r = sys_open_ns(S(L)->w, t, target, name);
	/* the model's /proc is the caller's pid ns's; the machine's shows every task */
	VEC(VOP_OPEN_NS, t, r, VRET_FD, r, name, "open", vec_task(S(L), target),
	    nss_task_state(S(L)->w, target) != NSS_TASK_NONE && !nss_task_pid_in(S(L)->w, target, t));
	return ret_fd(L, t, r);
}

static int t_execve(lua_State *L)
{
	uint64_t t = check_task(L, 1);

	int r;

	call_site(L, NULL);
	r = sys_execve(S(L)->w, t);
	VEC(VOP_EXECVE, t, r, VRET_ZERO, 0, NULL, "execve", 0);
	return ret_true(L, r);
}

static int t_exit(lua_State *L)
{
	uint64_t t = check_task(L, 1);
	int code = (int)luaL_optinteger(L, 2, 0);

	int r;

	call_site(L, NULL);
	r = sys_exit_group(S(L)->w, t, code);
	VEC(VOP_EXIT, t, r, VRET_ZERO, 0, NULL, "exit_group", code);
	return ret_true(L, r);
}

static int t_exit_thread(lua_State *L)
{
	uint64_t t = check_task(L, 1);
	int code = (int)luaL_optinteger(L, 2, 0);

	int r;

	call_site(L, NULL);
	r = sys_exit(S(L)->w, t, code);
	VEC(VOP_EXIT_THREAD, t, r, VRET_ZERO, 0, NULL, "exit", code);
	return ret_true(L, r);
}

/*
 * The wait status as a table: status (the raw int), exited and code
 * (WIFEXITED, WEXITSTATUS), signaled and signal (WIFSIGNALED, WTERMSIG).
 */
static void push_wait_status(lua_State *L, int wstatus)
{
	bool exited = (wstatus & 0x7f) == 0;

	lua_createtable(L, 0, 5);
	lua_pushinteger(L, wstatus);
	lua_setfield(L, -2, "status");
	lua_pushboolean(L, exited);
	lua_setfield(L, -2, "exited");
	lua_pushboolean(L, !exited);
	lua_setfield(L, -2, "signaled");
	if (exited) {
		lua_pushinteger(L, (wstatus >> 8) & 0xff);
		lua_setfield(L, -2, "code");
	} else {
		lua_pushinteger(L, wstatus & 0x7f);
		lua_setfield(L, -2, "signal");
	}
}

/*
 * task:wait([child] [, {nohang = true}]): reaps and returns the child and
 * its wait status.  A
 * live child blocks: a process sleeps until some task exits; the main
 * chunk runs the event queue until the child can be reaped.  Returns false
 * with nohang when nothing is ready.
 */
static int wait_body(lua_State *L, int status, lua_KContext ctx)
{
	struct sim *s = S(L);
	uint64_t t = check_task(L, 1);
	uint64_t target = lua_isnoneornil(L, 2) || lua_istable(L, 2) ? 0 : check_task(L, 2);
	int opt = lua_istable(L, 2) ? 2 : 3;
	bool nohang = false;
	int options = 0, wstatus = 0;
	int64_t r;

	if (lua_istable(L, opt)) {
		lua_getfield(L, opt, "nohang");
		nohang = lua_toboolean(L, -1);
		lua_getfield(L, opt, "nowait");
		if (lua_toboolean(L, -1))
			options |= NSS_WNOWAIT;
		lua_pop(L, 2);
	}
	if (nohang)
		options |= NSS_WNOHANG;
	for (;;) {
		/* a known live child: wait without tracing a call per retry */
		if (!nohang && target && (nss_task_state(s->w, target) == NSS_TASK_RUNNING ||
					  nss_task_state(s->w, target) == NSS_TASK_EXITING) &&
		    nss_task_parent(s->w, target) == t) {
			r = -EAGAIN;
		} else {
			call_site(L, target ? "child" : "any");
			r = sys_wait4(s->w, t, target, options, &wstatus);
		}
		if (r != -EAGAIN)
			break;
		if (lua_isyieldable(L)) {
			lua_pushstring(L, "wait");
			return lua_yieldk(L, 1, 0, wait_body);
		}
		if (!sim_run_one(s, L)) {
			/* nothing left that could make it exit */
			call_site(L, target ? "child" : "any");
			r = sys_wait4(s->w, t, target, options, &wstatus);
			break;
		}
	}
	VEC(VOP_WAIT, t, r, VRET_TASK, r > 0 ? vec_task(s, (uint64_t)r) + 1 : 0, NULL, "waitid",
	    target ? vec_task(s, target) : -1, options, wstatus, 1);
	if (r < 0)
		return sim_push_errno(L, r);
	if (r == 0) {
		lua_pushboolean(L, 0);
		return 1;
	}
	push_task(L, (uint64_t)r);
	push_wait_status(L, wstatus);
	return 2;
}

static int t_wait(lua_State *L)
{
	return wait_body(L, LUA_OK, 0);
}

/* task:reap(child): wait() for that child, blocking; the plain spelling. */
static int t_reap(lua_State *L)
{
	check_task(L, 2);
	lua_settop(L, 2);
	return wait_body(L, LUA_OK, 0);
}

static int t_pidfd_open(lua_State *L)
{
	uint64_t t = check_task(L, 1), target = check_task(L, 2);
	unsigned int flags = 0;

	if (lua_istable(L, 3)) {
		lua_getfield(L, 3, "thread");
		if (lua_toboolean(L, -1))
			flags |= 0x80;
		lua_pop(L, 1);
	}
	int r;

	call_site(L, NULL);
	r = sys_pidfd_open(S(L)->w, t, target, flags);
	VEC(VOP_PIDFD_OPEN, t, r, VRET_FD, r, NULL, "pidfd_open",
	    nss_task_pid_in(S(L)->w, target, t) ? vec_task(S(L), target) : -1, flags);
	return ret_fd(L, t, r);
}

/* task:socket([family [, type [, protocol]]]): "inet", "dgram", 0 by default */
static int t_socket(lua_State *L)
{
	static const char *const fams[] = { "unix", "inet", "inet6", "netlink", NULL };
	static const int vals[] = { 1, 2, 10, 16 };
	static const char *const types[] = { "stream", "dgram", "raw", "seqpacket", NULL };
	static const int tvals[] = { NSS_SOCK_STREAM, NSS_SOCK_DGRAM, NSS_SOCK_RAW,
				     NSS_SOCK_SEQPACKET };
	uint64_t t = check_task(L, 1);
	int fam = luaL_checkoption(L, 2, "inet", fams);
	int type = luaL_checkoption(L, 3, "dgram", types);
	lua_Integer proto = luaL_optinteger(L, 4, 0);
	char args[64];
	int r;

	luaL_argcheck(L, proto >= 0 && proto <= 255, 4, "protocol out of range");
	/* the other netlink protocols depend on the kernel's configuration */
	luaL_argcheck(L, vals[fam] != 16 || proto == 0, 4,
		      "netlink: only protocol 0 (NETLINK_ROUTE) is modelled");
	g_snprintf(args, sizeof(args), "%s %s %d", fams[fam], types[type], (int)proto);
	call_site(L, args);
	r = sys_socket3(S(L)->w, t, vals[fam], tvals[type], (int)proto);
	VEC(VOP_SOCKET, t, r, VRET_FD, r, NULL, "socket", vals[fam], tvals[type], proto);
	return ret_fd(L, t, r);
}

static int64_t opt_id(lua_State *L, int i)
{
	return lua_isnoneornil(L, i) ? -1 : luaL_checkinteger(L, i);
}

static int t_setuid(lua_State *L)
{
	uint64_t t = check_task(L, 1);

	lua_Integer id = luaL_checkinteger(L, 2);
	int r;

	call_site(L, NULL);
	r = sys_setuid(S(L)->w, t, id);
	VEC(VOP_SETUID, t, r, VRET_ZERO, 0, NULL, "setuid", id);
	return ret_true(L, r);
}

static int t_setgid(lua_State *L)
{
	uint64_t t = check_task(L, 1);

	lua_Integer id = luaL_checkinteger(L, 2);
	int r;

	call_site(L, NULL);
	r = sys_setgid(S(L)->w, t, id);
	VEC(VOP_SETGID, t, r, VRET_ZERO, 0, NULL, "setgid", id);
	return ret_true(L, r);
}

static int t_setresuid(lua_State *L)
{
	uint64_t t = check_task(L, 1);

	int64_t a = opt_id(L, 2), b = opt_id(L, 3), c = opt_id(L, 4);
	int r;

	call_site(L, NULL);
	r = sys_setresuid(S(L)->w, t, a, b, c);
	VEC(VOP_SETRESUID, t, r, VRET_ZERO, 0, NULL, "setresuid", a, b, c);
	return ret_true(L, r);
}

static int t_setresgid(lua_State *L)
{
	uint64_t t = check_task(L, 1);

	int64_t a = opt_id(L, 2), b = opt_id(L, 3), c = opt_id(L, 4);
	int r;

	call_site(L, NULL);
	r = sys_setresgid(S(L)->w, t, a, b, c);
	VEC(VOP_SETRESGID, t, r, VRET_ZERO, 0, NULL, "setresgid", a, b, c);
	return ret_true(L, r);
}

/* task:setfsuid(id) and setfsgid: the previous id, as the kernel returns it */
static int setfs_body(lua_State *L, bool gid)
{
	uint64_t t = check_task(L, 1);
	lua_Integer id = luaL_checkinteger(L, 2);
	int r;

	call_site(L, NULL);
	r = gid ? sys_setfsgid(S(L)->w, t, id) : sys_setfsuid(S(L)->w, t, id);
	VEC(gid ? VOP_SETFSGID : VOP_SETFSUID, t, r, VRET_VALUE, r, NULL,
	    gid ? "setfsgid" : "setfsuid", id);
	return ret_int(L, r);
}

static int t_setfsuid(lua_State *L)
{
	return setfs_body(L, false);
}

static int t_setfsgid(lua_State *L)
{
	return setfs_body(L, true);
}

/* task:setreuid(r, e) and setregid: -1 (or nil) leaves an id */
static int setre_body(lua_State *L, bool gid)
{
	uint64_t t = check_task(L, 1);
	int64_t a = opt_id(L, 2), b = opt_id(L, 3);
	int r;

	call_site(L, NULL);
	r = gid ? sys_setregid(S(L)->w, t, a, b) : sys_setreuid(S(L)->w, t, a, b);
	VEC(gid ? VOP_SETREGID : VOP_SETREUID, t, r, VRET_ZERO, 0, NULL,
	    gid ? "setregid" : "setreuid", a, b);
	return ret_true(L, r);
}

static int t_setreuid(lua_State *L)
{
	return setre_body(L, false);
}

static int t_setregid(lua_State *L)
{
	return setre_body(L, true);
}

/* task:uid_map(target, inside, outside, count) and gid_map */
static int id_map(lua_State *L, bool gid)
{
	uint64_t t = check_task(L, 1), target = check_task(L, 2);
	lua_Integer in = luaL_checkinteger(L, 3), out = luaL_checkinteger(L, 4);
	lua_Integer n = luaL_optinteger(L, 5, 1);
	char args[96];

	luaL_argcheck(L, in >= 0 && in <= UINT32_MAX, 3, "id out of range");
	luaL_argcheck(L, out >= 0 && out <= UINT32_MAX, 4, "id out of range");
	luaL_argcheck(L, n >= 0 && n <= UINT32_MAX, 5, "count out of range");
	g_snprintf(args, sizeof(args), "%lld %lld %lld", (long long)in, (long long)out,
		   (long long)n);
	int r;

	call_site(L, args);
	r = sys_write_id_map(S(L)->w, t, target, gid, (uint32_t)in, (uint32_t)out, (uint32_t)n);
	VEC(VOP_WRITE_MAP, t, r, VRET_ZERO, 0, gid ? "gid_map" : "uid_map", "write",
	    vec_task(S(L), target), in, out, n);
	return ret_true(L, r);
}

/* task:setgroups(target, "deny" | "allow"): write /proc/<target>/setgroups */
static int t_setgroups(lua_State *L)
{
	static const char *const words[] = { "allow", "deny", NULL };
	uint64_t t = check_task(L, 1), target = check_task(L, 2);
	int deny = luaL_checkoption(L, 3, NULL, words);
	int r;

	call_site(L, words[deny]);
	r = sys_write_setgroups(S(L)->w, t, target, deny);
	VEC(VOP_WRITE_MAP, t, r, VRET_ZERO, 0, "setgroups", "write", vec_task(S(L), target), deny);
	return ret_true(L, r);
}

static int t_uid_map(lua_State *L) { return id_map(L, false); }
static int t_gid_map(lua_State *L) { return id_map(L, true); }

static int t_set_max_namespaces(lua_State *L)
{
	uint64_t t = check_task(L, 1);
	int type = ns_type_from_name(luaL_checkstring(L, 2));
	lua_Integer v = luaL_checkinteger(L, 3);

	luaL_argcheck(L, type >= 0, 2, "unknown namespace type");
	luaL_argcheck(L, v >= INT32_MIN && v <= INT32_MAX, 3, "out of range");
	int r;

	call_site(L, lua_tostring(L, 2));
	if (S(L)->vec) {
		struct nss_ns_info u;

		if (nss_ns_info(S(L)->w, nss_task_ns(S(L)->w, t, "user"), &u) && u.initial)
			vec_unsupported(S(L), "set_max_namespaces() in the initial user namespace would change the machine's own limit");
	}
	r = sys_set_max_namespaces(S(L)->w, t, type, (int32_t)v);
	VEC(VOP_SET_MAX, t, r, VRET_ZERO, 0, ns_type_name(type), "write", 0, v);
	return ret_true(L, r);
}

static int t_kill(lua_State *L)
{
	uint64_t t = check_task(L, 1), target = check_task(L, 2);
	lua_Integer sig = luaL_optinteger(L, 3, 9);

	int r;

	call_site(L, NULL);
	r = sys_kill(S(L)->w, t, target, (int)sig);
	VEC(VOP_KILL, t, r, VRET_ZERO, 0, NULL, "kill",
	    nss_task_pid_in(S(L)->w, target, t) ? vec_task(S(L), target) : -1, sig);
	return ret_true(L, r);
}

/* fd:send_signal([sig]): pidfd_send_signal() on a pidfd (default SIGKILL) */
static int f_send_signal(lua_State *L)
{
	struct l_fd *f = check_fd(L, 1);
	lua_Integer sig = luaL_optinteger(L, 2, 9);
	int r;

	call_site(L, NULL);
	if (S(L)->vec) {
		struct nss_fd_info fi = { 0 };

		/* the model's init ignores fatal signals; a vector's init is an ordinary process */
		if (nss_fd_info(S(L)->w, f->task, f->fd, &fi) && fi.pidfd_task &&
		    fi.pidfd_task == world_init_task(sim_world(S(L))) && sig)
			vec_unsupported(S(L), "a signal to init (the vector's init is an ordinary process)");
	}
	r = sys_pidfd_send_signal(S(L)->w, f->task, f->fd, (int)sig);
	VEC(VOP_PIDFD_SIGNAL, f->task, r, VRET_ZERO, 0, NULL, "pidfd_send_signal", f->fd, sig);
	return ret_true(L, r);
}

/* task:set_no_new_privs([v]) (default 1) and task:no_new_privs(): prctl() */
static int t_set_nnp(lua_State *L)
{
	uint64_t t = check_task(L, 1);
	lua_Integer v = luaL_optinteger(L, 2, 1);
	int r;

	call_site(L, NULL);
	r = sys_no_new_privs(S(L)->w, t, 1, (int)v);
	VEC(VOP_PRCTL_NNP, t, r, VRET_ZERO, 0, NULL, "prctl", 1, v);
	return ret_true(L, r);
}

static int t_get_nnp(lua_State *L)
{
	uint64_t t = check_task(L, 1);
	int r;

	call_site(L, NULL);
	r = sys_no_new_privs(S(L)->w, t, 0, 0);
	VEC(VOP_PRCTL_NNP, t, r, VRET_VALUE, r, NULL, "prctl", 0, 0);
	return ret_int(L, r);
}

static int t_ignore_sigchld(lua_State *L)
{
	uint64_t t = check_task(L, 1);
	bool on = lua_isnone(L, 2) || lua_toboolean(L, 2);

	int r;

	call_site(L, NULL);
	r = sys_sigchld_ignore(S(L)->w, t, on);
	VEC(VOP_SIGCHLD, t, r, VRET_ZERO, 0, NULL, "sigaction", on);
	return ret_true(L, r);
}

static const struct {
	const char *name;
	int bit;
} cap_names[] = {
	{ "SETGID", 6 }, { "SETUID", 7 }, { "KILL", 5 }, { "NET_ADMIN", 12 },
	{ "SYS_CHROOT", 18 }, { "SYS_PTRACE", 19 }, { "SYS_ADMIN", 21 },
	{ "SYS_RESOURCE", 24 },
};

static int cap_bit(lua_State *L, int i)
{
	const char *n = luaL_checkstring(L, i);

	if (!strncmp(n, "CAP_", 4))
		n += 4;
	for (guint j = 0; j < G_N_ELEMENTS(cap_names); j++)
		if (!strcmp(cap_names[j].name, n))
			return cap_names[j].bit;
	return luaL_error(L, "unknown capability '%s'", n);
}

/* task:drop_cap("SYS_ADMIN", ...): capset without them (effective and permitted). */
static int t_drop_cap(lua_State *L)
{
	uint64_t t = check_task(L, 1), eff, perm, drop = 0;
	int r;

	if (!nss_task_caps(sim_world(S(L)), t, &eff, &perm))
		return sim_push_errno(L, -ESRCH);
	for (int i = 2; i <= lua_gettop(L); i++)
		drop |= 1ULL << cap_bit(L, i);
	eff &= ~drop;
	perm &= ~drop;
	call_site(L, NULL);
	r = sys_capset(S(L)->w, t, eff, perm);
	VEC(VOP_CAPSET, t, r, VRET_ZERO, 0, NULL, "capset", (int64_t)drop);
	return ret_true(L, r);
}

/* task:has_cap("SYS_ADMIN"): in its effective set (introspection). */
static int t_has_cap(lua_State *L)
{
	uint64_t t = check_task(L, 1), eff = 0, perm = 0;
	int bit = cap_bit(L, 2);

	nss_task_caps(sim_world(S(L)), t, &eff, &perm);
	lua_pushboolean(L, (eff >> bit) & 1);
	return 1;
}

/* ---- CPUs and the scheduler -------------------------------------------- */

static unsigned int check_cpu(lua_State *L, int i)
{
	return *(unsigned int *)luaL_checkudata(L, i, CPU_MT);
}

static int t_run_on(lua_State *L)
{
	uint64_t t = check_task(L, 1);
	lua_Integer cpu = luaL_checkinteger(L, 2);

	char args[64];

	luaL_argcheck(L, cpu >= 0, 2, "not a CPU number");
	g_snprintf(args, sizeof(args), "task %" G_GUINT64_FORMAT " cpu %d", t, (int)cpu);
	call_site(L, args);
	vec_unsupported(S(L), "the scheduler model (lazy-TLB pins depend on real scheduling)");
	return ret_true(L, sched_run_on(S(L)->w, t, (unsigned int)cpu));
}

static int t_block(lua_State *L)
{
	uint64_t t = check_task(L, 1);
	char args[32];

	g_snprintf(args, sizeof(args), "task %" G_GUINT64_FORMAT, t);
	call_site(L, args);
	vec_unsupported(S(L), "the scheduler model (lazy-TLB pins depend on real scheduling)");
	return ret_true(L, sched_block(S(L)->w, t));
}

static int t_cpu(lua_State *L)
{
	lua_pushinteger(L, nss_task_cpu(sim_world(S(L)), check_task(L, 1)));
	return 1;
}

/* sim.cpu(n): a Cpu; sim.cpus(): how many */
static int l_cpu(lua_State *L)
{
	lua_Integer n = luaL_checkinteger(L, 1);
	unsigned int *u;

	luaL_argcheck(L, n >= 0 && n < world_cpus(sim_world(S(L))), 1, "no such CPU");
	u = lua_newuserdatauv(L, sizeof(*u), 0);
	*u = (unsigned int)n;
	luaL_setmetatable(L, CPU_MT);
	return 1;
}

static int l_cpus(lua_State *L)
{
	lua_pushinteger(L, world_cpus(sim_world(S(L))));
	return 1;
}

/* A scheduler event on one CPU: cpu:idle(), cpu:offline(), cpu:bring_online(). */
static int cpu_event(lua_State *L, int (*fn)(struct world *, unsigned int))
{
	unsigned int c = check_cpu(L, 1);
	char args[16];

	g_snprintf(args, sizeof(args), "cpu %u", c);
	call_site(L, args);
	vec_unsupported(S(L), "the scheduler model (CPUs going idle or offline)");
	return ret_true(L, fn(S(L)->w, c));
}

static int c_idle(lua_State *L) { return cpu_event(L, sched_cpu_idle); }
static int c_offline(lua_State *L) { return cpu_event(L, sched_cpu_offline); }
static int c_online(lua_State *L) { return cpu_event(L, sched_cpu_online); }

static int c_index(lua_State *L)
{
	unsigned int c = check_cpu(L, 1);
	const char *k = luaL_checkstring(L, 2);
	struct nss_cpu_info i;

	nss_cpu_info(sim_world(S(L)), c, &i);
	if (!strcmp(k, "id"))
		lua_pushinteger(L, c);
	else if (!strcmp(k, "online"))
		lua_pushboolean(L, i.online);
	else if (!strcmp(k, "curr") && i.curr)
		push_task(L, i.curr);
	else if (!strcmp(k, "lazy_mm") && i.lazy_mm)
		lua_pushinteger(L, (lua_Integer)i.lazy_mm);
	else if (!strcmp(k, "ipis"))
		lua_pushinteger(L, (lua_Integer)i.ipis);
	else if (!strcmp(k, "idle"))
		lua_pushcfunction(L, c_idle);
	else if (!strcmp(k, "offline"))
		lua_pushcfunction(L, c_offline);
	else if (!strcmp(k, "bring_online"))
		lua_pushcfunction(L, c_online);
	else
		lua_pushnil(L);
	return 1;
}

static int c_tostring(lua_State *L)
{
	lua_pushfstring(L, "Cpu(%d)", (int)check_cpu(L, 1));
	return 1;
}

/* task:fd(n): the fd number n of this task's table, as an Fd (not an event). */
static int t_fd(lua_State *L)
{
	uint64_t t = check_task(L, 1);
	lua_Integer n = luaL_checkinteger(L, 2);

	luaL_argcheck(L, n >= 0 && n <= INT32_MAX, 2, "not an fd number");
	push_fd(L, t, (int)n);
	return 1;
}

/* introspection: not events */
static int t_ns(lua_State *L)
{
	uint64_t t = check_task(L, 1);
	uint64_t id = nss_task_ns(sim_world(S(L)), t, luaL_checkstring(L, 2));

	if (!id)
		lua_pushnil(L);
	else
		lua_pushinteger(L, (lua_Integer)id);
	return 1;
}

static int t_pid(lua_State *L)
{
	lua_pushinteger(L, nss_task_pid_nr(sim_world(S(L)), check_task(L, 1)));
	return 1;
}

static int t_state(lua_State *L)
{
	static const char *const names[] = { "gone", "running", "zombie", "exiting" };

	lua_pushstring(L, names[nss_task_state(sim_world(S(L)), check_task(L, 1))]);
	return 1;
}

static int t_index(lua_State *L)
{
	const char *k = luaL_checkstring(L, 2);

	if (strcmp(k, "id") == 0) {
		lua_pushinteger(L, (lua_Integer)check_task(L, 1));
		return 1;
	}
	luaL_getmetatable(L, TASK_MT);
	lua_getfield(L, -1, "methods");
	lua_getfield(L, -1, k);
	return 1;
}

static int t_tostring(lua_State *L)
{
	lua_pushfstring(L, "Task(%I)", (lua_Integer)check_task(L, 1));
	return 1;
}

/* task == x: false for anything that is not a Task (Lua calls __eq for any two userdata) */
static int t_eq(lua_State *L)
{
	struct l_task *a = luaL_testudata(L, 1, TASK_MT), *b = luaL_testudata(L, 2, TASK_MT);

	lua_pushboolean(L, a && b && a->id == b->id);
	return 1;
}

/* ---- Fd methods ------------------------------------------------------- */

static int f_close(lua_State *L)
{
	struct l_fd *f = check_fd(L, 1);

	char args[24];
	int r;

	g_snprintf(args, sizeof(args), "fd=%d", f->fd);
	call_site(L, args);
	r = sys_close(S(L)->w, f->task, f->fd);
	VEC(VOP_CLOSE, f->task, r, VRET_ZERO, 0, NULL, "close", f->fd);
	return ret_true(L, r);
}

static int f_dup(lua_State *L)
{
	struct l_fd *f = check_fd(L, 1);

	int r;

	call_site(L, NULL);
	r = sys_dup(S(L)->w, f->task, f->fd);
	VEC(VOP_DUP, f->task, r, VRET_FD, r, NULL, "dup", f->fd);
	return ret_fd(L, f->task, r);
}

static const struct {
	const char *name;
	unsigned long cmd;
	bool returns_fd;
} ioctls[] = {
	{ "SIOCGSKNS", NSS_SIOCGSKNS, true },
	{ "NS_GET_USERNS", NSS_NS_GET_USERNS, true },
	{ "NS_GET_PARENT", NSS_NS_GET_PARENT, true },
	{ "NS_GET_NSTYPE", NSS_NS_GET_NSTYPE, false },
	{ "NS_GET_OWNER_UID", NSS_NS_GET_OWNER_UID, false },
	{ "NS_GET_MNTNS_ID", NSS_NS_GET_MNTNS_ID, false },
	{ "NS_GET_ID", NSS_NS_GET_ID, false },
	{ "NS_MNT_GET_INFO", NSS_NS_MNT_GET_INFO, false },
	{ "NS_MNT_GET_NEXT", NSS_NS_MNT_GET_NEXT, true },
	{ "NS_MNT_GET_PREV", NSS_NS_MNT_GET_PREV, true },
	{ "PIDFD_GET_CGROUP_NAMESPACE", NSS_PIDFD_GET_CGROUP_NAMESPACE, true },
	{ "PIDFD_GET_IPC_NAMESPACE", NSS_PIDFD_GET_IPC_NAMESPACE, true },
	{ "PIDFD_GET_MNT_NAMESPACE", NSS_PIDFD_GET_MNT_NAMESPACE, true },
	{ "PIDFD_GET_NET_NAMESPACE", NSS_PIDFD_GET_NET_NAMESPACE, true },
	{ "PIDFD_GET_PID_NAMESPACE", NSS_PIDFD_GET_PID_NAMESPACE, true },
	{ "PIDFD_GET_PID_FOR_CHILDREN_NAMESPACE", NSS_PIDFD_GET_PID_FOR_CHILDREN_NAMESPACE, true },
	{ "PIDFD_GET_TIME_NAMESPACE", NSS_PIDFD_GET_TIME_NAMESPACE, true },
	{ "PIDFD_GET_TIME_FOR_CHILDREN_NAMESPACE", NSS_PIDFD_GET_TIME_FOR_CHILDREN_NAMESPACE, true },
	{ "PIDFD_GET_USER_NAMESPACE", NSS_PIDFD_GET_USER_NAMESPACE, true },
	{ "PIDFD_GET_UTS_NAMESPACE", NSS_PIDFD_GET_UTS_NAMESPACE, true },
};

/*
 * fd:ioctl(name): an Fd for those that open a namespace, an integer for the
 * others (NS_GET_NSTYPE also returns the type's name), nil and the errno.
 */
static int f_ioctl(lua_State *L)
{
	struct l_fd *f = check_fd(L, 1);
	bool by_number = lua_isinteger(L, 2);
	const char *name = by_number ? NULL : luaL_checkstring(L, 2);
	uint64_t v = 0;
	guint i;
	int r;

	for (i = 0; i < G_N_ELEMENTS(ioctls); i++)
		if (by_number ? ioctls[i].cmd == (unsigned long)lua_tointeger(L, 2)
			      : strcmp(ioctls[i].name, name) == 0)
			break;
	if (i == G_N_ELEMENTS(ioctls) && !by_number)
		return luaL_error(L, "unknown ioctl '%s' (a request number is passed to the kernel as it is)",
				  name);
	if (i == G_N_ELEMENTS(ioctls)) {
		/* a request the model does not name: the file's ioctl decides (ENOTTY) */
		unsigned long cmd = (unsigned long)lua_tointeger(L, 2);

		call_site(L, "ioctl");
		r = sys_ioctl_value(S(L)->w, f->task, f->fd, cmd, &v);
		VEC(VOP_IOCTL, f->task, r, VRET_VALUE, (int64_t)v, NULL, "ioctl", f->fd,
		    (int64_t)cmd);
		if (r < 0)
			return sim_push_errno(L, r);
		lua_pushinteger(L, (lua_Integer)v);
		return 1;
	}
	name = ioctls[i].name;
	call_site(L, name);
	r = sys_ioctl_value(S(L)->w, f->task, f->fd, ioctls[i].cmd, &v);
	if (ioctls[i].returns_fd)
		VEC(VOP_IOCTL, f->task, r, VRET_FD, r, NULL, "ioctl", f->fd, (int64_t)ioctls[i].cmd);
	else if (ioctls[i].cmd == NSS_NS_GET_ID || ioctls[i].cmd == NSS_NS_GET_MNTNS_ID ||
		 ioctls[i].cmd == NSS_NS_MNT_GET_INFO)
		VEC(VOP_IOCTL, f->task, r, VRET_NSID, vec_ns_code(S(L), v), NULL, "ioctl", f->fd,
		    (int64_t)ioctls[i].cmd);
	else
		VEC(VOP_IOCTL, f->task, r, VRET_VALUE, (int64_t)v, NULL, "ioctl", f->fd,
		    (int64_t)ioctls[i].cmd);
	if (!ioctls[i].returns_fd && r >= 0)
		sim_jsonl_value(S(L), "value", v);
	if (ioctls[i].returns_fd || r < 0)
		return ret_fd(L, f->task, r);
	lua_pushinteger(L, (lua_Integer)v);
	if (ioctls[i].cmd == NSS_NS_GET_NSTYPE) {
		lua_pushstring(L, ns_type_name(ns_type_from_clone_flag(v)));
		return 2;
	}
	return 1;
}

/* ---- Handle ------------------------------------------------------------ */

static void push_handle(lua_State *L, const struct nss_handle *h)
{
	struct nss_handle *u = lua_newuserdatauv(L, sizeof(*u), 0);

	*u = *h;
	luaL_setmetatable(L, HANDLE_MT);
}

static struct nss_handle *check_handle(lua_State *L, int i)
{
	return luaL_checkudata(L, i, HANDLE_MT);
}

static const struct flag_name at_flags[] = {
	{ "empty_path", NSS_AT_EMPTY_PATH }, { "symlink_follow", NSS_AT_SYMLINK_FOLLOW },
	{ "handle_fid", NSS_AT_HANDLE_FID }, { "handle_connectable", NSS_AT_HANDLE_CONNECTABLE },
	{ "handle_mnt_id_unique", NSS_AT_HANDLE_MNT_ID_UNIQUE },
};

/*
 * fd:handle([bytes] [, {flags = ..., path = "..."}]): name_to_handle_at()
 * with a buffer of that many bytes, by default on the fd itself
 * (path "", AT_EMPTY_PATH).
 */
static int f_handle(lua_State *L)
{
	struct l_fd *f = check_fd(L, 1);
	lua_Integer bytes = NSS_MAX_HANDLE_SZ;
	int opts = 0, flags = NSS_AT_EMPTY_PATH;
	const char *path = "";
	struct nss_handle h = { 0 };
	struct nss_fd_info fi = { 0 };
	char args[96];
	int r;

	if (lua_istable(L, 2))
		opts = 2;
	else {
		bytes = luaL_optinteger(L, 2, NSS_MAX_HANDLE_SZ);
		if (lua_istable(L, 3))
			opts = 3;
		else if (!lua_isnoneornil(L, 3))
			luaL_typeerror(L, 3, "table of options");
	}
	luaL_argcheck(L, bytes >= 0 && bytes <= 4096, 2, "bad size");
	if (opts) {
		lua_getfield(L, opts, "flags");
		if (!lua_isnil(L, -1))
			flags = (int)check_flag_set(L, lua_gettop(L), at_flags, G_N_ELEMENTS(at_flags),
						    "name_to_handle_at flag");
		lua_getfield(L, opts, "path");
		if (!lua_isnil(L, -1))
			path = luaL_checkstring(L, -1);
		luaL_argcheck(L, strlen(path) < 40, opts, "path longer than 39 bytes");
	}
	g_snprintf(args, sizeof(args), "fd=%d%s%s", f->fd, path[0] ? " path=" : "", path);
	call_site(L, args);
	r = sys_name_to_handle_at(S(L)->w, f->task, f->fd, path, (uint32_t)bytes, flags, &h);
	if (S(L)->vec)
		nss_fd_info(S(L)->w, f->task, f->fd, &fi);
	VEC(VOP_N2H, f->task, r, VRET_ZERO, 0, path, "name_to_handle_at", f->fd, bytes,
	    fi.regular, flags, (int64_t)fi.pidfd_task);
	vec_set_handle(S(L), &h);
	if (opts)
		lua_pop(L, 2);
	if (r < 0)
		return sim_push_errno(L, r);
	push_handle(L, &h);
	return 1;
}

/*
 * sim.handle(id [, type [, inum]] [, {bytes = n, fh_type = n}]): a handle
 * built by hand; a bare id has type and inum 0, as listns users build them.
 */
static int l_handle(lua_State *L)
{
	struct nss_handle h = { .handle_bytes = 16, .handle_type = NSS_FILEID_NSFS };
	int top = lua_gettop(L);

	h.ns_id = (uint64_t)luaL_checkinteger(L, 1);
	if (top >= 2 && !lua_istable(L, 2) && !lua_isnil(L, 2)) {
		if (lua_type(L, 2) == LUA_TSTRING) {
			int t = ns_type_from_name(lua_tostring(L, 2));

			luaL_argcheck(L, t >= 0, 2, "unknown namespace type");
			h.ns_type = (uint32_t)ns_type_clone_flag(t);
		} else {
			h.ns_type = (uint32_t)luaL_checkinteger(L, 2);
		}
	}
	if (top >= 3 && !lua_istable(L, 3) && !lua_isnil(L, 3))
		h.ns_inum = (uint32_t)luaL_checkinteger(L, 3);
	if (lua_istable(L, top)) {
		lua_getfield(L, top, "bytes");
		if (!lua_isnil(L, -1))
			h.handle_bytes = (uint32_t)luaL_checkinteger(L, -1);
		lua_getfield(L, top, "fh_type");
		if (!lua_isnil(L, -1))
			h.handle_type = (int32_t)luaL_checkinteger(L, -1);
		lua_pop(L, 2);
	}
	push_handle(L, &h);
	return 1;
}

static int h_index(lua_State *L)
{
	struct nss_handle *h = check_handle(L, 1);
	const char *k = luaL_checkstring(L, 2);

	if (!strcmp(k, "id"))
		lua_pushinteger(L, (lua_Integer)h->ns_id);
	else if (!strcmp(k, "type"))
		lua_pushinteger(L, h->ns_type);
	else if (!strcmp(k, "inum"))
		lua_pushinteger(L, h->ns_inum);
	else if (!strcmp(k, "bytes"))
		lua_pushinteger(L, h->handle_bytes);
	else if (!strcmp(k, "fh_type"))
		lua_pushinteger(L, h->handle_type);
	else
		lua_pushnil(L);
	return 1;
}

static int h_tostring(lua_State *L)
{
	struct nss_handle *h = check_handle(L, 1);
	char str[96];

	if ((h->handle_type & 0xffff) == NSS_FILEID_NSFS)
		g_snprintf(str, sizeof(str), "Handle{id=%" G_GUINT64_FORMAT ", type=%#x, inum=%#x}",
			   h->ns_id, h->ns_type, h->ns_inum);
	else
		g_snprintf(str, sizeof(str), "Handle{fh_type=%#x, bytes=%u, id=%" G_GUINT64_FORMAT "}",
			   (unsigned int)h->handle_type, h->handle_bytes, h->ns_id);
	lua_pushstring(L, str);
	return 1;
}

static const struct flag_name oflags[] = {
	{ "rdonly", 0 }, { "wronly", NSS_O_WRONLY }, { "rdwr", NSS_O_RDWR },
	{ "creat", NSS_O_CREAT }, { "excl", NSS_O_EXCL }, { "noctty", NSS_O_NOCTTY },
	{ "trunc", NSS_O_TRUNC }, { "append", NSS_O_APPEND }, { "nonblock", NSS_O_NONBLOCK },
	{ "ndelay", NSS_O_NONBLOCK }, { "dsync", NSS_O_DSYNC }, { "async", NSS_O_ASYNC },
	{ "direct", NSS_O_DIRECT }, { "largefile", NSS_O_LARGEFILE },
	{ "directory", NSS_O_DIRECTORY }, { "nofollow", NSS_O_NOFOLLOW },
	{ "noatime", NSS_O_NOATIME }, { "cloexec", NSS_O_CLOEXEC }, { "sync", NSS_O_SYNC },
	{ "path", NSS_O_PATH }, { "tmpfile", NSS_O_TMPFILE },
};

static const struct flag_name mount_fds[] = {
	{ "nsfs_root", NSS_FD_NSFS_ROOT }, { "pidfs_root", NSS_FD_PIDFS_ROOT },
	{ "cwd", NSS_AT_FDCWD },
};

static const struct flag_name reopen_flags[] = {
	{ "rdonly", 0 }, { "wronly", NSS_O_WRONLY }, { "rdwr", NSS_O_RDWR },
	{ "cloexec", NSS_O_CLOEXEC },
};

/* task:pipe([{"cloexec"}]): two Fds, the read end and the write end */
static int t_pipe(lua_State *L)
{
	uint64_t t = check_task(L, 1);
	int flags = (int)check_flag_set(L, 2, reopen_flags + 3, 1, "pipe flag");
	int fds[2] = { -1, -1 };
	int r;

	call_site(L, NULL);
	r = sys_pipe(S(L)->w, t, flags, fds);
	VEC(VOP_PIPE, t, r < 0 ? r : fds[0], VRET_FD, fds[0], NULL, "pipe2", flags, fds[1]);
	if (r < 0)
		return sim_push_errno(L, r);
	push_fd(L, t, fds[0]);
	push_fd(L, t, fds[1]);
	return 2;
}

/* task:memfd([{"cloexec"}]): memfd_create() */
static int t_memfd(lua_State *L)
{
	uint64_t t = check_task(L, 1);
	int flags = check_flag_set(L, 2, reopen_flags + 3, 1, "memfd flag") ? 1 : 0;
	int r;

	call_site(L, NULL);
	r = sys_memfd_create(S(L)->w, t, flags);
	VEC(VOP_MEMFD, t, r, VRET_FD, r, NULL, "memfd_create", flags);
	return ret_fd(L, t, r);
}

/* task:reopen(target, fd [, flags]): open /proc/<target>/fd/<fd> */
static int t_reopen(lua_State *L)
{
	uint64_t t = check_task(L, 1), target = check_task(L, 2);
	lua_Integer fd = luaL_checkinteger(L, 3);
	int flags = (int)check_flag_set(L, 4, reopen_flags, G_N_ELEMENTS(reopen_flags), "open flag");
	int r;

	call_site(L, NULL);
	r = sys_reopen_fd(S(L)->w, t, target, (int)fd, flags);
	VEC(VOP_REOPEN, t, r, VRET_FD, r, NULL, "open", vec_task(S(L), target), fd, flags);
	return ret_fd(L, t, r);
}

/*
 * task:open_by_handle(h [, flags [, mount]]): open_by_handle_at().  mount
 * is an Fd of the task, "nsfs_root", "pidfs_root", "cwd" or a number;
 * without it, the root of the file system the handle's type belongs to.
 */
static int t_open_by_handle(lua_State *L)
{
	uint64_t t = check_task(L, 1);
	struct nss_handle *h = check_handle(L, 2);
	int flags = (int)check_flag_set(L, 3, oflags, G_N_ELEMENTS(oflags), "open flag");
	int mfd = (h->handle_type & 0xffff) == NSS_FILEID_KERNFS ? NSS_FD_PIDFS_ROOT
								  : NSS_FD_NSFS_ROOT;
	bool is_fd = false;
	int r;

	if (lua_isinteger(L, 4)) {
		lua_Integer n = lua_tointeger(L, 4);

		luaL_argcheck(L, n >= INT_MIN && n <= INT_MAX, 4, "not an int");
		mfd = (int)n;
		is_fd = mfd >= 0;
	} else if (lua_type(L, 4) == LUA_TSTRING) {
		size_t j;

		for (j = 0; j < G_N_ELEMENTS(mount_fds); j++)
			if (!strcmp(mount_fds[j].name, lua_tostring(L, 4)))
				break;
		if (j == G_N_ELEMENTS(mount_fds))
			return luaL_argerror(L, 4, "not nsfs_root, pidfs_root or cwd");
		mfd = (int)mount_fds[j].flag;
	} else if (!lua_isnoneornil(L, 4)) {
		struct l_fd *f = check_fd(L, 4);

		luaL_argcheck(L, f->task == t, 4, "an Fd of another task");
		mfd = f->fd;
		is_fd = true;
	}
	{
		char args[48];

		if (is_fd || mfd >= 0)
			g_snprintf(args, sizeof(args), "mount=fd %d", mfd);
		else
			g_snprintf(args, sizeof(args), "mount=%s", mfd == NSS_FD_NSFS_ROOT ? "nsfs_root"
				   : mfd == NSS_FD_PIDFS_ROOT ? "pidfs_root"
				   : mfd == NSS_AT_FDCWD ? "cwd" : "bad fd");
		call_site(L, args);
	}
	r = sys_open_by_handle_at(S(L)->w, t, mfd, h, flags);
	VEC(VOP_OBH, t, r, VRET_FD, r, NULL, "open_by_handle_at", flags, mfd, is_fd);
	vec_set_handle(S(L), h);
	return ret_fd(L, t, r);
}

/* ---- files, mounts, fd passing --------------------------------------- */

static int f_stat(lua_State *L)
{
	struct l_fd *f = check_fd(L, 1);
	uint64_t ino = 0, dev = 0;
	int r;

	call_site(L, NULL);
	r = sys_fstat(S(L)->w, f->task, f->fd, &ino, &dev);
	VEC(VOP_FSTAT, f->task, r, VRET_ANY, 0, NULL, "fstat", f->fd);
	if (r >= 0) {
		sim_jsonl_value(S(L), "ino", ino);
		sim_jsonl_value(S(L), "dev", dev);
	}
	if (r < 0)
		return sim_push_errno(L, r);
	lua_createtable(L, 0, 2);
	lua_pushinteger(L, (lua_Integer)ino);
	lua_setfield(L, -2, "ino");
	lua_pushinteger(L, (lua_Integer)dev);
	lua_setfield(L, -2, "dev");
	return 1;
}

static int f_netns_cookie(lua_State *L)
{
	struct l_fd *f = check_fd(L, 1);
	uint64_t c = 0;
	int r;

	call_site(L, NULL);
	r = sys_netns_cookie(S(L)->w, f->task, f->fd, &c);
	VEC(VOP_COOKIE, f->task, r, VRET_COOKIE, vec_ns_code(S(L), c), NULL, "getsockopt", f->fd);
	if (r >= 0)
		sim_jsonl_value(S(L), "value", c);
	if (r < 0)
		return sim_push_errno(L, r);
	lua_pushinteger(L, (lua_Integer)c);
	return 1;
}

static int f_bind_mount(lua_State *L)
{
	struct l_fd *f = check_fd(L, 1);
	const char *path = luaL_checkstring(L, 2);
	struct l_mount *m;
	int64_t r;

	luaL_argcheck(L, strlen(path) < sizeof(m->path), 2, "path too long");
	call_site(L, path);
	if (S(L)->vec) {
		struct nss_ns_info mnt;

		if (nss_ns_info(S(L)->w, nss_task_ns(S(L)->w, f->task, "mnt"), &mnt) && mnt.initial)
			vec_unsupported(S(L), "a bind mount in the initial mount namespace would mount on the machine");
	}
	r = sys_mount_bind(S(L)->w, f->task, f->fd, path);
	VEC(VOP_MOUNT_BIND, f->task, r, VRET_ANY, 0, NULL, "mount", f->fd, vec_path(S(L), path));
	if (r < 0)
		return sim_push_errno(L, r);
	m = lua_newuserdatauv(L, sizeof(*m), 0);
	m->task = f->task;
	g_strlcpy(m->path, path, sizeof(m->path));
	luaL_setmetatable(L, MOUNT_MT);
	return 1;
}

/* m:umount([task]): by the task that mounted it, or another in that mount ns */
static int m_umount(lua_State *L)
{
	struct l_mount *m = luaL_checkudata(L, 1, MOUNT_MT);
	uint64_t t = lua_isnoneornil(L, 2) ? m->task : check_task(L, 2);

	int r;

	call_site(L, m->path);
	r = sys_umount(S(L)->w, t, m->path);
	VEC(VOP_UMOUNT, t, r, VRET_ZERO, 0, NULL, "umount2", 0, vec_path(S(L), m->path));
	return ret_true(L, r);
}

static int m_index(lua_State *L)
{
	struct l_mount *m = luaL_checkudata(L, 1, MOUNT_MT);
	const char *k = luaL_checkstring(L, 2);

	if (!strcmp(k, "path")) {
		lua_pushstring(L, m->path);
		return 1;
	}
	if (!strcmp(k, "umount")) {
		lua_pushcfunction(L, m_umount);
		return 1;
	}
	lua_pushnil(L);
	return 1;
}

static int m_tostring(lua_State *L)
{
	struct l_mount *m = luaL_checkudata(L, 1, MOUNT_MT);

	lua_pushfstring(L, "Mount(%s)", m->path);
	return 1;
}

static int t_open_file(lua_State *L)
{
	uint64_t t = check_task(L, 1);
	const char *path = luaL_checkstring(L, 2);

	int r;

	call_site(L, path);
	r = sys_open_file(S(L)->w, t, path);
	VEC(VOP_OPEN_FILE, t, r, VRET_FD, r, NULL, "open", vec_path_find(S(L), path));
	return ret_fd(L, t, r);
}

/* task:send_fd(to, fd [, {queue = true}]): SCM_RIGHTS; the Fd in `to`. */
static int t_send_fd(lua_State *L)
{
	uint64_t t = check_task(L, 1), to = check_task(L, 2);
	struct l_fd *f = check_fd(L, 3);
	bool queue = false;
	int r;

	if (f->task != t)
		return luaL_error(L, "send_fd: the fd belongs to task %d", (int)f->task);
	if (lua_istable(L, 4)) {
		lua_getfield(L, 4, "queue");
		queue = lua_toboolean(L, -1);
		lua_pop(L, 1);
	}
	{
		char args[64];

		g_snprintf(args, sizeof(args), "fd=%d to=%" G_GUINT64_FORMAT "%s", f->fd, to,
			   queue ? " queued" : "");
		call_site(L, args);
	}
	r = sys_send_fd(S(L)->w, t, f->fd, to, queue);
	VEC(VOP_SEND_FD, t, r, queue ? VRET_ZERO : VRET_FD, queue ? -1 : r, NULL, "sendmsg",
	    f->fd, vec_task(S(L), to));
	if (r < 0 || !queue)
		return ret_fd(L, to, r);
	lua_pushboolean(L, 1);
	return 1;
}

static int t_recv_fd(lua_State *L)
{
	uint64_t t = check_task(L, 1);

	int r;

	call_site(L, NULL);
	r = sys_recv_fd(S(L)->w, t);
	VEC(VOP_RECV_FD, t, r, VRET_FD, r, NULL, "recvmsg", 0);
	return ret_fd(L, t, r);
}

static int t_pidfd_getfd(lua_State *L)
{
	uint64_t t = check_task(L, 1);
	struct l_fd *pfd = check_fd(L, 2);
	int target = lua_isinteger(L, 3) ? (int)lua_tointeger(L, 3) : check_fd(L, 3)->fd;

	int r;

	call_site(L, NULL);
	r = sys_pidfd_getfd(S(L)->w, t, pfd->fd, target);
	VEC(VOP_PIDFD_GETFD, t, r, VRET_FD, r, NULL, "pidfd_getfd", pfd->fd, target);
	return ret_fd(L, t, r);
}

/*
 * task:listns{types = {...}, user_ns = id | "current", after = id,
 *             max = n, flags = n, spare = n, size = n, buf = false | k}
 * buf = k: a buffer whose first k entries are writable, then a fault.
 */
static int t_listns(lua_State *L)
{
	uint64_t t = check_task(L, 1);
	struct nss_listns_req req = { .size = 32 };
	lua_Integer max = 1000;
	unsigned int flags = 0;
	bool buf = true;
	lua_Integer writable = -1;    /* all of it */
	uint64_t *out = NULL;
	int64_t r;

	if (lua_istable(L, 2)) {
		lua_getfield(L, 2, "types");
		if (!lua_isnil(L, -1))
			req.ns_type = (uint32_t)check_flags(L, lua_gettop(L));
		lua_getfield(L, 2, "user_ns");
		if (lua_type(L, -1) == LUA_TSTRING && !strcmp(lua_tostring(L, -1), "current"))
			req.user_ns_id = NSS_LISTNS_CURRENT_USER;
		else if (!lua_isnil(L, -1))
			req.user_ns_id = (uint64_t)luaL_checkinteger(L, -1);
		lua_getfield(L, 2, "after");
		req.ns_id = (uint64_t)luaL_optinteger(L, -1, 0);
		lua_getfield(L, 2, "max");
		max = luaL_optinteger(L, -1, 1000);
		lua_getfield(L, 2, "flags");
		flags = (unsigned int)luaL_optinteger(L, -1, 0);
		lua_getfield(L, 2, "spare");
		req.spare = (uint32_t)luaL_optinteger(L, -1, 0);
		lua_getfield(L, 2, "size");
		req.size = (uint32_t)luaL_optinteger(L, -1, 32);
		lua_getfield(L, 2, "buf");
		if (lua_isinteger(L, -1)) {
			writable = lua_tointeger(L, -1);
			luaL_argcheck(L, writable >= 0, 2, "buf = k: k must be >= 0");
		} else {
			buf = lua_isnil(L, -1) || lua_toboolean(L, -1);
		}
		lua_pop(L, 8);
	}
	luaL_argcheck(L, max >= 0, 2, "max must be >= 0");
	/* the buffer is Lua's: collected even if a later call raises */
	if (buf && max <= 1000000)
		out = lua_newuserdatauv(L, sizeof(uint64_t) * (size_t)(max ? max : 1), 0);
	call_site(L, NULL);
	r = sys_listns_partial(S(L)->w, t, &req, out, (uint64_t)max,
			       !out ? 0 : writable >= 0 ? (uint64_t)writable : (uint64_t)max, flags);
	/* a[7]: 0 a whole buffer, 1 none, 2 + k one that faults after k ids */
	VEC(VOP_LISTNS, t, r, VRET_VALUE, r, NULL, "listns", req.size, vec_ns_code(S(L), req.ns_id),
	    req.ns_type, vec_ns_code(S(L), req.user_ns_id), max, req.spare, flags,
	    !buf ? 1 : writable >= 0 ? 2 + writable : 0);
	if (r > 0)
		vec_set_list(S(L), out, r);
	if (r < 0)
		return sim_push_errno(L, r);
	lua_createtable(L, (int)r, 0);
	for (int64_t i = 0; i < r; i++) {
		lua_pushinteger(L, (lua_Integer)out[i]);
		lua_rawseti(L, -2, i + 1);
	}
	return 1;
}

static int f_index(lua_State *L)
{
	struct l_fd *f = check_fd(L, 1);
	const char *k = luaL_checkstring(L, 2);

	if (strcmp(k, "fd") == 0) {
		lua_pushinteger(L, f->fd);
		return 1;
	}
	if (strcmp(k, "task") == 0) {
		push_task(L, f->task);
		return 1;
	}
	luaL_getmetatable(L, FD_MT);
	lua_getfield(L, -1, "methods");
	lua_getfield(L, -1, k);
	return 1;
}

static int f_tostring(lua_State *L)
{
	struct l_fd *f = check_fd(L, 1);

	lua_pushfstring(L, "Fd(task %I, %d)", (lua_Integer)f->task, f->fd);
	return 1;
}

/* ---- sim.* ---------------------------------------------------------- */

static int l_ns(lua_State *L)
{
	struct nss_ns_info i;

	if (!nss_ns_info(sim_world(S(L)), (uint64_t)luaL_checkinteger(L, 1), &i)) {
		lua_pushnil(L);
		return 1;
	}
	lua_createtable(L, 0, 12);
	lua_pushinteger(L, (lua_Integer)i.id);
	lua_setfield(L, -2, "id");
	lua_pushstring(L, ns_type_name(i.type));
	lua_setfield(L, -2, "type");
	lua_pushinteger(L, i.inum);
	lua_setfield(L, -2, "inum");
	lua_pushinteger(L, i.ref);
	lua_setfield(L, -2, "ref");
	lua_pushinteger(L, i.active);
	lua_setfield(L, -2, "active");
	lua_pushinteger(L, (lua_Integer)i.owner);
	lua_setfield(L, -2, "owner");
	lua_pushinteger(L, (lua_Integer)i.parent);
	lua_setfield(L, -2, "parent");
	lua_pushinteger(L, i.level);
	lua_setfield(L, -2, "level");
	lua_pushboolean(L, i.initial);
	lua_setfield(L, -2, "initial");
	lua_pushboolean(L, i.in_tree);
	lua_setfield(L, -2, "in_tree");
	lua_pushboolean(L, i.has_inode);
	lua_setfield(L, -2, "inode");
	lua_pushboolean(L, !i.dying);
	lua_setfield(L, -2, "alive");
	return 1;
}

/* sim.label(id, name): the namespace's name in the trace (namespace.label) */
static int l_label(lua_State *L)
{
	struct sim *s = S(L);
	lua_Integer id = luaL_checkinteger(L, 1);
	size_t n;
	const char *name = luaL_checklstring(L, 2, &n);
	struct nss_ns_info i;

	luaL_argcheck(L, n > 0 && n <= 64 && !memchr(name, 0, n) && g_utf8_validate(name, (gssize)n, NULL),
		      2, "a label is 1 to 64 bytes of UTF-8 text");
	if (!nss_ns_info(sim_world(s), (uint64_t)id, &i))
		return luaL_error(L, "sim.label: no namespace %I", id);
	if (s->trace)
		nss_trace_label(s->trace, (uint64_t)id, name);
	return 0;
}

static int l_ns_ids(lua_State *L)
{
	g_autoptr(GArray) ids = nss_ns_ids(sim_world(S(L)));

	lua_createtable(L, (int)ids->len, 0);
	for (guint i = 0; i < ids->len; i++) {
		lua_pushinteger(L, (lua_Integer)g_array_index(ids, uint64_t, i));
		lua_rawseti(L, -2, i + 1);
	}
	return 1;
}

/*
 * sim.fail_next(site [, errno [, nth]]): the nth next pass (default 1)
 * through a fallible site fails, with its own errno or this one.  Not an
 * event; the failing call is.
 */
static int l_fail_next(lua_State *L)
{
	const char *site = luaL_checkstring(L, 1);
	const char *e = luaL_optstring(L, 2, NULL);
	lua_Integer nth = luaL_optinteger(L, 3, 1);
	int err = 0;

	if (e && !(err = nss_errno_value(e)))
		return luaL_error(L, "sim.fail_next: unknown errno name '%s'", e);
	luaL_argcheck(L, nth >= 1 && nth <= INT32_MAX, 3, "must be >= 1");
	if (world_fail_next(sim_world(S(L)), site, err, (unsigned int)nth) < 0)
		return luaL_error(L, "sim.fail_next: unknown site '%s' (see nssim sites)", site);
	vec_fault_armed(S(L), site, err);
	return 0;
}

static int l_check(lua_State *L)
{
	struct sim *s = S(L);

	call_site(L, NULL);
	lua_pushinteger(L, (lua_Integer)world_check(sim_world(s)));
	return 1;
}

/* sim.index: init and kernel are computed when read */
static int sim_index(lua_State *L)
{
	struct sim *s = S(L);
	const char *k = luaL_checkstring(L, 2);

	if (strcmp(k, "init") == 0) {
		push_task(L, world_init_task(sim_world(s)));
		return 1;
	}
	if (strcmp(k, "kernel") == 0) {
		lua_pushstring(L, s->cfg.kernel);
		return 1;
	}
	if (strcmp(k, "seed") == 0) {
		lua_pushinteger(L, (lua_Integer)s->cfg.seed);
		return 1;
	}
	if (strcmp(k, "lazy_tlb") == 0) {
		lua_pushstring(L, s->cfg.lazy_tlb);
		return 1;
	}
	lua_pushnil(L);
	return 1;
}

void sim_publish_params(struct sim *s);

/* ---- scenario{} and expectations -------------------------------------- */

static const char *field_str(lua_State *L, int t, const char *k)
{
	const char *v;

	lua_getfield(L, t, k);
	if (lua_isnil(L, -1)) {
		lua_pop(L, 1);
		return NULL;
	}
	v = lua_tostring(L, -1);
	if (!v)
		luaL_error(L, "scenario{}: '%s' must be a string or a number", k);
	lua_pop(L, 1);   /* the value stays referenced by the table */
	return v;
}

static int l_scenario(lua_State *L)
{
	struct sim *s = S(L);
	const char *v;
	static const char *const known[] = {
		"name", "kernel", "seed", "cpus", "lazy_tlb", "audit", "rcu_latency",
		"work_latency", "description",
	};

	luaL_checktype(L, 1, LUA_TTABLE);
	if (s->w)
		return luaL_error(L, "scenario{} must come before the first simulation call");
	if ((v = field_str(L, 1, "name"))) {
		g_free(s->name);
		s->name = g_strdup(v);
	}
	if ((v = field_str(L, 1, "kernel")) && !s->cfg.cli_kernel) {
		if (!nss_variant_lookup(v))
			return luaL_error(L, "scenario{}: unknown kernel '%s' (%s)", v, nss_variant_names());
		g_free(s->cfg.kernel);
		s->cfg.kernel = g_strdup(v);
	}
	if ((v = field_str(L, 1, "seed")) && !s->cfg.cli_seed)
		s->cfg.seed = g_ascii_strtoull(v, NULL, 10);
	if ((v = field_str(L, 1, "cpus")) && !s->cfg.cli_cpus) {
		s->cfg.cpus = (unsigned int)g_ascii_strtoull(v, NULL, 10);
		if (s->cfg.cpus < 1 || s->cfg.cpus > 65536)
			return luaL_error(L, "scenario{}: cpus must be 1..65536");
	}
	if ((v = field_str(L, 1, "lazy_tlb")) && !s->cfg.cli_lazy) {
		if (strcmp(v, "refcount") && strcmp(v, "shootdown"))
			return luaL_error(L, "scenario{}: lazy_tlb is 'refcount' or 'shootdown'");
		g_free(s->cfg.lazy_tlb);
		s->cfg.lazy_tlb = g_strdup(v);
	}
	if ((v = field_str(L, 1, "audit")) && !s->cfg.cli_audit) {
		if (!strcmp(v, "off"))
			s->cfg.audit = NSS_AUDIT_OFF;
		else if (!strcmp(v, "incremental"))
			s->cfg.audit = NSS_AUDIT_INCREMENTAL;
		else if (!strcmp(v, "full"))
			s->cfg.audit = NSS_AUDIT_FULL;
		else
			return luaL_error(L, "scenario{}: audit is 'off', 'incremental' or 'full'");
	}
	if ((v = field_str(L, 1, "rcu_latency")))
		s->cfg.rcu_latency = g_ascii_strtoll(v, NULL, 10);
	if ((v = field_str(L, 1, "work_latency")))
		s->cfg.work_latency = g_ascii_strtoll(v, NULL, 10);
	/* declared parameters and every other key: checked against --param */
	sim_params_header(s, L, 1, known, G_N_ELEMENTS(known));
	if (s->describe)
		sim_params_describe_exit(s);
	sim_publish_params(s);
	sim_world(s);
	return 0;
}

static void record(lua_State *L, bool ok, const char *msg)
{
	struct sim *s = S(L);
	lua_Debug ar;
	char src[512] = "?";

	sim_world(s);
	if (lua_getstack(L, 1, &ar) && lua_getinfo(L, "Sl", &ar))
		g_snprintf(src, sizeof(src), "%s:%d", ar.short_src, ar.currentline);
	if (s->ignore_expectations) {
		/* a faulted run may take another path: counted, never judged */
		s->exp_skipped++;
		return;
	}
	s->exp_total++;
	if (!ok) {
		s->exp_failed++;
		if (s->exp_failed <= 20)
			g_string_append_printf(s->failures, "  %s: %s\n", src, msg ? msg : "failed");
	}
	if (s->trace)
		nss_trace_expectation(s->trace, world_event_count(s->w), src, ok, msg);
}

static int l_expect(lua_State *L)
{
	/*
	 * expect(t:wait(c)), expect(init:clone { "pidfd" }): a table or an Fd
	 * there is the call's second result, not a message.  Like assert(),
	 * expect() returns all its arguments.
	 */
	int t2 = lua_type(L, 2);

	record(L, lua_toboolean(L, 1), t2 == LUA_TSTRING || t2 == LUA_TNUMBER
				       ? lua_tostring(L, 2) : "expectation");
	return lua_gettop(L);
}

static int l_expect_eq(lua_State *L)
{
	bool ok = lua_compare(L, 1, 2, LUA_OPEQ);
	const char *what = luaL_optstring(L, 3, "expect_eq");

	if (ok) {
		record(L, true, what);
	} else {
		const char *a = luaL_tolstring(L, 1, NULL);
		const char *b = luaL_tolstring(L, 2, NULL);

		record(L, false, lua_pushfstring(L, "%s: got %s, expected %s", what, a, b));
	}
	lua_pushboolean(L, ok);
	return 1;
}

/* expect_errno(err, "ESTALE"): err is the second value a failed call returned */
static int l_expect_errno(lua_State *L)
{
	const char *want = luaL_checkstring(L, 2);
	const char *got = lua_type(L, 1) == LUA_TSTRING ? lua_tostring(L, 1) : NULL;
	bool ok = got && strcmp(got, want) == 0;
	const char *m;

	if (!nss_errno_value(want))
		return luaL_error(L, "expect_errno: unknown errno name '%s'", want);
	m = lua_pushfstring(L, "%s%sexpected %s, got %s", luaL_optstring(L, 3, ""),
			    lua_isnoneornil(L, 3) ? "" : ": ", want, got ? got : "success");
	record(L, ok, m);
	lua_pushboolean(L, ok);
	return 1;
}

/* ---- registration ----------------------------------------------------- */

/* A userdata class: its methods live in the metatable's "methods" table. */
static void new_class(lua_State *L, const char *name, const luaL_Reg *methods,
		      lua_CFunction index, lua_CFunction tostring, lua_CFunction eq)
{
	luaL_newmetatable(L, name);
	lua_newtable(L);
	luaL_setfuncs(L, methods, 0);
	lua_setfield(L, -2, "methods");
	lua_pushcfunction(L, index);
	lua_setfield(L, -2, "__index");
	lua_pushcfunction(L, tostring);
	lua_setfield(L, -2, "__tostring");
	if (eq) {
		lua_pushcfunction(L, eq);
		lua_setfield(L, -2, "__eq");
	}
	/* scripts cannot read or replace it (getmetatable gives this string) */
	lua_pushstring(L, name);
	lua_setfield(L, -2, "__metatable");
	lua_pop(L, 1);
}

void sim_lua_open(struct sim *s)
{
	lua_State *L = s->L;
	static const luaL_Reg task_methods[] = {
		{ "clone", t_clone }, { "unshare", t_unshare }, { "setns", t_setns },
		{ "setns_begin", t_setns_begin }, { "setns_finish", t_setns_finish },
		{ "open_ns", t_open_ns }, { "execve", t_execve }, { "exit", t_exit },
		{ "exit_thread", t_exit_thread }, { "wait", t_wait },
		{ "fork", t_fork }, { "reap", t_reap },
		{ "pidfd_open", t_pidfd_open }, { "socket", t_socket },
		{ "setuid", t_setuid }, { "setgid", t_setgid }, { "setresuid", t_setresuid },
		{ "setresgid", t_setresgid }, { "setfsuid", t_setfsuid },
		{ "setfsgid", t_setfsgid }, { "setreuid", t_setreuid }, { "setregid", t_setregid },
		{ "uid_map", t_uid_map }, { "setgroups", t_setgroups }, { "reopen", t_reopen }, { "pipe", t_pipe }, { "memfd", t_memfd }, { "gid_map", t_gid_map },
		{ "set_max_namespaces", t_set_max_namespaces },
		{ "ns", t_ns }, { "pid", t_pid }, { "state", t_state }, { "fd", t_fd },
		{ "open_by_handle", t_open_by_handle }, { "open_file", t_open_file },
		{ "send_fd", t_send_fd }, { "recv_fd", t_recv_fd },
		{ "pidfd_getfd", t_pidfd_getfd }, { "listns", t_listns },
		{ "kill", t_kill }, { "ignore_sigchld", t_ignore_sigchld },
		{ "set_no_new_privs", t_set_nnp }, { "no_new_privs", t_get_nnp },
		{ "drop_cap", t_drop_cap }, { "has_cap", t_has_cap },
		{ "run_on", t_run_on }, { "block", t_block }, { "cpu", t_cpu },
		{ NULL, NULL },
	};
	static const luaL_Reg fd_methods[] = {
		{ "close", f_close }, { "dup", f_dup }, { "ioctl", f_ioctl },
		{ "handle", f_handle }, { "stat", f_stat }, { "netns_cookie", f_netns_cookie },
		{ "bind_mount", f_bind_mount }, { "send_signal", f_send_signal }, { NULL, NULL },
	};
	static const luaL_Reg sim_fns[] = {
		{ "ns", l_ns }, { "ns_ids", l_ns_ids }, { "label", l_label }, { "check", l_check },
		{ "handle", l_handle }, { "cpu", l_cpu }, { "cpus", l_cpus },
		{ "fail_next", l_fail_next }, { NULL, NULL },
	};

	new_class(L, TASK_MT, task_methods, t_index, t_tostring, t_eq);
	new_class(L, FD_MT, fd_methods, f_index, f_tostring, NULL);
	{
		static const luaL_Reg none[] = { { NULL, NULL } };

		new_class(L, HANDLE_MT, none, h_index, h_tostring, NULL);
		new_class(L, MOUNT_MT, none, m_index, m_tostring, NULL);
		new_class(L, CPU_MT, none, c_index, c_tostring, NULL);
	}

	lua_newtable(L);                 /* sim */
	luaL_setfuncs(L, sim_fns, 0);
	sim_clock_open(s, L);
	lua_newtable(L);                 /* sim.param */
	lua_setfield(L, -2, "param");
	lua_newtable(L);                 /* metatable for init/kernel/seed */
	lua_pushcfunction(L, sim_index);
	lua_setfield(L, -2, "__index");
	lua_setmetatable(L, -2);
	lua_setglobal(L, "sim");

	lua_register(L, "scenario", l_scenario);
	lua_register(L, "expect", l_expect);
	lua_register(L, "expect_eq", l_expect_eq);
	lua_register(L, "expect_errno", l_expect_errno);
}

/* Fill sim.param from the parameters (after scenario{} or at start). */
void sim_publish_params(struct sim *s)
{
	lua_State *L = s->L;
	g_autoptr(GList) keys = g_hash_table_get_keys(s->params);

	lua_getglobal(L, "sim");
	lua_getfield(L, -1, "param");
	for (GList *l = keys; l; l = l->next) {
		const char *v = g_hash_table_lookup(s->params, l->data);
		char *end;
		double d = g_ascii_strtod(v, &end);

		if (!strcmp(v, "true") || !strcmp(v, "false"))
			lua_pushboolean(L, v[0] == 't');
		else if (*v && !*end && d == (double)(lua_Integer)d)
			lua_pushinteger(L, (lua_Integer)d);
		else if (*v && !*end)
			lua_pushnumber(L, d);
		else
			lua_pushstring(L, v);
		lua_setfield(L, -2, l->data);
	}
	lua_pop(L, 2);
}
