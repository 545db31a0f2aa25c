// SPDX-License-Identifier: MIT
/*
 * task.c - Task methods for the process's life and its namespaces:
 * clone/fork, unshare, setns (whole or preempted), open_ns, execve, exit,
 * wait, pidfd_open, socket, kill, prctl(NO_NEW_PRIVS), SIGCHLD, listns,
 * and the introspection that is not an event (ns, pid, state, fd).  The
 * credential calls are in cred.c, the scheduler's in cpu.c, files and fd
 * passing in file.c, handles in handle.c.
 */
#include <string.h>
#include "lua-private.h"

static int t_clone(lua_State *L)
{
	uint64_t t = sim_lua_check_task(L, 1), flags = sim_lua_check_flags(L, 2);
	char args[256];
	int pidfd = -1;
	int64_t r;

	sim_lua_call_site(L, sim_lua_flags_text(flags, args, sizeof(args)));
	r = sys_clone(sim_lua_sim(L)->w, t, flags, &pidfd);
	if ((flags & NSS_CLONE_THREAD)
	    ? (flags & ~(NSS_CLONE_THREAD | NSS_CLONE_SIGHAND | NSS_CLONE_VM | NSS_CLONE_FS |
			 NSS_CLONE_FILES | NSS_CLONE_SYSVSEM)) ||
	      !(flags & NSS_CLONE_VM) || !(flags & NSS_CLONE_FILES)
	    : (flags & ~(NSS_CLONE_NEWALL | NSS_CLONE_PIDFD | NSS_CLONE_FILES)))
		vec_unsupported(sim_lua_sim(L), "clone() flags a vector does not replay (threads need CLONE_VM and CLONE_FILES; processes take CLONE_NEW*, CLONE_PIDFD, CLONE_FILES)");
	SIM_LUA_VEC(VOP_CLONE, t, r, VRET_TASK, 0, NULL, "clone", (int64_t)flags, -1, pidfd);
	if (r < 0)
		return sim_push_errno(L, r);
	sim_lua_push_task(L, (uint64_t)r);
	if (flags & NSS_CLONE_PIDFD) {
		sim_lua_push_fd(L, t, pidfd);
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
	uint64_t t = sim_lua_check_task(L, 1), flags = sim_lua_check_flags(L, 2);
	char args[256];

	int r;

	sim_lua_call_site(L, sim_lua_flags_text(flags, args, sizeof(args)));
	r = sys_unshare(sim_lua_sim(L)->w, t, flags);
	if (flags & ~(NSS_CLONE_NEWALL | NSS_CLONE_NEWUSER | NSS_CLONE_NEWPID))
		vec_unsupported(sim_lua_sim(L), "unshare() of shared state other than namespaces");
	SIM_LUA_VEC(VOP_UNSHARE, t, r, VRET_ZERO, 0, NULL, "unshare", (int64_t)flags);
	return sim_lua_ret_true(L, r);
}

static int t_setns(lua_State *L)
{
	uint64_t t = sim_lua_check_task(L, 1);
	struct sim_lua_fd *f = sim_lua_check_fd(L, 2);
	uint64_t flags = sim_lua_check_flags(L, 3);
	char fl[256], args[300];

	if (f->task != t)
		return luaL_error(L, "setns: the fd belongs to task %d",
				  (int)f->task);
	g_snprintf(args, sizeof(args), "fd=%d %s", f->fd, sim_lua_flags_text(flags, fl, sizeof(fl)));
	int r;

	sim_lua_call_site(L, args);
	r = sys_setns(sim_lua_sim(L)->w, t, f->fd, flags);
	SIM_LUA_VEC(VOP_SETNS, t, r, VRET_ZERO, 0, NULL, "setns", f->fd, (int64_t)flags);
	return sim_lua_ret_true(L, r);
}

/* task:setns_begin(fd [, types]) -> id: setns() preempted before its commit */
static int t_setns_begin(lua_State *L)
{
	uint64_t t = sim_lua_check_task(L, 1);
	struct sim_lua_fd *f = sim_lua_check_fd(L, 2);
	uint64_t flags = sim_lua_check_flags(L, 3);
	char fl[256], args[300];

	if (f->task != t)
		return luaL_error(L, "setns_begin: the fd belongs to task %d", (int)f->task);
	g_snprintf(args, sizeof(args), "fd=%d %s", f->fd, sim_lua_flags_text(flags, fl, sizeof(fl)));
	sim_lua_call_site(L, args);
	if (sim_lua_sim(L)->vec) {
		/*
		 * Userspace cannot hold a setns() between validate_nsset() and
		 * commit_nsset(): a vector makes the whole call here, and the
		 * model runs it that way too (docs/test-vectors.md).
		 */
		int r = sys_setns(sim_lua_sim(L)->w, t, f->fd, flags);

		SIM_LUA_VEC(VOP_SETNS, t, r, VRET_ZERO, 0, NULL, "setns", f->fd, (int64_t)flags);
		return sim_lua_ret_int(L, r < 0 ? r : VEC_SETNS_DONE);
	}
	return sim_lua_ret_int(L, sys_setns_begin(sim_lua_sim(L)->w, t, f->fd, flags));
}

static int t_setns_finish(lua_State *L)
{
	uint64_t t = sim_lua_check_task(L, 1);
	lua_Integer id = luaL_checkinteger(L, 2);

	if (sim_lua_sim(L)->vec && id == VEC_SETNS_DONE)
		return sim_lua_ret_true(L, 0);   /* made whole at setns_begin */
	sim_lua_call_site(L, NULL);
	return sim_lua_ret_true(L, sys_setns_finish(sim_lua_sim(L)->w, t, (uint64_t)id));
}

/* task:open_ns(name [, target]): /proc/<target or self>/ns/<name> */
static int t_open_ns(lua_State *L)
{
	uint64_t t = sim_lua_check_task(L, 1);
	const char *name = luaL_checkstring(L, 2);
	uint64_t target = lua_isnoneornil(L, 3) ? t : sim_lua_check_task(L, 3);
	char args[128];

	g_snprintf(args, sizeof(args), "/proc/%" G_GUINT64_FORMAT "/ns/%s", target, name);
	int r;

	sim_lua_call_site(L, args);
	r = sys_open_ns(sim_lua_sim(L)->w, t, target, name);
	/* the model's /proc is the caller's pid ns's; the machine's shows every task */
	SIM_LUA_VEC(VOP_OPEN_NS, t, r, VRET_FD, r, name, "open", vec_task(sim_lua_sim(L), target),
	    nss_task_state(sim_lua_sim(L)->w, target) != NSS_TASK_NONE && !nss_task_pid_in(sim_lua_sim(L)->w, target, t));
	return sim_lua_ret_fd(L, t, r);
}

static int t_execve(lua_State *L)
{
	uint64_t t = sim_lua_check_task(L, 1);

	int r;

	sim_lua_call_site(L, NULL);
	r = sys_execve(sim_lua_sim(L)->w, t);
	SIM_LUA_VEC(VOP_EXECVE, t, r, VRET_ZERO, 0, NULL, "execve", 0);
	return sim_lua_ret_true(L, r);
}

static int t_exit(lua_State *L)
{
	uint64_t t = sim_lua_check_task(L, 1);
	int code = (int)luaL_optinteger(L, 2, 0);

	int r;

	sim_lua_call_site(L, NULL);
	r = sys_exit_group(sim_lua_sim(L)->w, t, code);
	SIM_LUA_VEC(VOP_EXIT, t, r, VRET_ZERO, 0, NULL, "exit_group", code);
	return sim_lua_ret_true(L, r);
}

static int t_exit_thread(lua_State *L)
{
	uint64_t t = sim_lua_check_task(L, 1);
	int code = (int)luaL_optinteger(L, 2, 0);

	int r;

	sim_lua_call_site(L, NULL);
	r = sys_exit(sim_lua_sim(L)->w, t, code);
	SIM_LUA_VEC(VOP_EXIT_THREAD, t, r, VRET_ZERO, 0, NULL, "exit", code);
	return sim_lua_ret_true(L, r);
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
	struct sim *s = sim_lua_sim(L);
	uint64_t t = sim_lua_check_task(L, 1);
	uint64_t target = lua_isnoneornil(L, 2) || lua_istable(L, 2) ? 0 : sim_lua_check_task(L, 2);
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
			sim_lua_call_site(L, target ? "child" : "any");
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
			sim_lua_call_site(L, target ? "child" : "any");
			r = sys_wait4(s->w, t, target, options, &wstatus);
			break;
		}
	}
	SIM_LUA_VEC(VOP_WAIT, t, r, VRET_TASK, r > 0 ? vec_task(s, (uint64_t)r) + 1 : 0, NULL, "waitid",
	    target ? vec_task(s, target) : -1, options, wstatus, 1);
	if (r < 0)
		return sim_push_errno(L, r);
	if (r == 0) {
		lua_pushboolean(L, 0);
		return 1;
	}
	sim_lua_push_task(L, (uint64_t)r);
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
	sim_lua_check_task(L, 2);
	lua_settop(L, 2);
	return wait_body(L, LUA_OK, 0);
}

static int t_pidfd_open(lua_State *L)
{
	uint64_t t = sim_lua_check_task(L, 1), target = sim_lua_check_task(L, 2);
	unsigned int flags = 0;

	if (lua_istable(L, 3)) {
		lua_getfield(L, 3, "thread");
		if (lua_toboolean(L, -1))
			flags |= 0x80;
		lua_pop(L, 1);
	}
	int r;

	sim_lua_call_site(L, NULL);
	r = sys_pidfd_open(sim_lua_sim(L)->w, t, target, flags);
	SIM_LUA_VEC(VOP_PIDFD_OPEN, t, r, VRET_FD, r, NULL, "pidfd_open",
	    nss_task_pid_in(sim_lua_sim(L)->w, target, t) ? vec_task(sim_lua_sim(L), target) : -1, flags);
	return sim_lua_ret_fd(L, t, r);
}

/* task:socket([family [, type [, protocol]]]): "inet", "dgram", 0 by default */
static int t_socket(lua_State *L)
{
	static const char *const fams[] = { "unix", "inet", "inet6", "netlink", NULL };
	static const int vals[] = { 1, 2, 10, 16 };
	static const char *const types[] = { "stream", "dgram", "raw", "seqpacket", NULL };
	static const int tvals[] = { NSS_SOCK_STREAM, NSS_SOCK_DGRAM, NSS_SOCK_RAW,
				     NSS_SOCK_SEQPACKET };
	uint64_t t = sim_lua_check_task(L, 1);
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
	sim_lua_call_site(L, args);
	r = sys_socket3(sim_lua_sim(L)->w, t, vals[fam], tvals[type], (int)proto);
	SIM_LUA_VEC(VOP_SOCKET, t, r, VRET_FD, r, NULL, "socket", vals[fam], tvals[type], proto);
	return sim_lua_ret_fd(L, t, r);
}

static int t_kill(lua_State *L)
{
	uint64_t t = sim_lua_check_task(L, 1), target = sim_lua_check_task(L, 2);
	lua_Integer sig = luaL_optinteger(L, 3, 9);

	int r;

	sim_lua_call_site(L, NULL);
	r = sys_kill(sim_lua_sim(L)->w, t, target, (int)sig);
	SIM_LUA_VEC(VOP_KILL, t, r, VRET_ZERO, 0, NULL, "kill",
	    nss_task_pid_in(sim_lua_sim(L)->w, target, t) ? vec_task(sim_lua_sim(L), target) : -1, sig);
	return sim_lua_ret_true(L, r);
}

/* task:set_no_new_privs([v]) (default 1) and task:no_new_privs(): prctl() */
static int t_set_nnp(lua_State *L)
{
	uint64_t t = sim_lua_check_task(L, 1);
	lua_Integer v = luaL_optinteger(L, 2, 1);
	int r;

	sim_lua_call_site(L, NULL);
	r = sys_no_new_privs(sim_lua_sim(L)->w, t, 1, (int)v);
	SIM_LUA_VEC(VOP_PRCTL_NNP, t, r, VRET_ZERO, 0, NULL, "prctl", 1, v);
	return sim_lua_ret_true(L, r);
}

static int t_get_nnp(lua_State *L)
{
	uint64_t t = sim_lua_check_task(L, 1);
	int r;

	sim_lua_call_site(L, NULL);
	r = sys_no_new_privs(sim_lua_sim(L)->w, t, 0, 0);
	SIM_LUA_VEC(VOP_PRCTL_NNP, t, r, VRET_VALUE, r, NULL, "prctl", 0, 0);
	return sim_lua_ret_int(L, r);
}

static int t_ignore_sigchld(lua_State *L)
{
	uint64_t t = sim_lua_check_task(L, 1);
	bool on = lua_isnone(L, 2) || lua_toboolean(L, 2);

	int r;

	sim_lua_call_site(L, NULL);
	r = sys_sigchld_ignore(sim_lua_sim(L)->w, t, on);
	SIM_LUA_VEC(VOP_SIGCHLD, t, r, VRET_ZERO, 0, NULL, "sigaction", on);
	return sim_lua_ret_true(L, r);
}

/*
 * task:listns{types = {...}, user_ns = id | "current", after = id,
 *             max = n, flags = n, spare = n, size = n, buf = false | k}
 * buf = k: a buffer whose first k entries are writable, then a fault.
 */
static int t_listns(lua_State *L)
{
	uint64_t t = sim_lua_check_task(L, 1);
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
			req.ns_type = (uint32_t)sim_lua_check_flags(L, lua_gettop(L));
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
	sim_lua_call_site(L, NULL);
	r = sys_listns_partial(sim_lua_sim(L)->w, t, &req, out, (uint64_t)max,
			       !out ? 0 : writable >= 0 ? (uint64_t)writable : (uint64_t)max, flags);
	/* a[7]: 0 a whole buffer, 1 none, 2 + k one that faults after k ids */
	SIM_LUA_VEC(VOP_LISTNS, t, r, VRET_VALUE, r, NULL, "listns", req.size, vec_ns_code(sim_lua_sim(L), req.ns_id),
	    req.ns_type, vec_ns_code(sim_lua_sim(L), req.user_ns_id), max, req.spare, flags,
	    !buf ? 1 : writable >= 0 ? 2 + writable : 0);
	if (r > 0)
		vec_set_list(sim_lua_sim(L), out, r);
	if (r < 0)
		return sim_push_errno(L, r);
	lua_createtable(L, (int)r, 0);
	for (int64_t i = 0; i < r; i++) {
		lua_pushinteger(L, (lua_Integer)out[i]);
		lua_rawseti(L, -2, i + 1);
	}
	return 1;
}

/* task:fd(n): the fd number n of this task's table, as an Fd (not an event). */
static int t_fd(lua_State *L)
{
	uint64_t t = sim_lua_check_task(L, 1);
	lua_Integer n = luaL_checkinteger(L, 2);

	luaL_argcheck(L, n >= 0 && n <= INT32_MAX, 2, "not an fd number");
	sim_lua_push_fd(L, t, (int)n);
	return 1;
}

/* introspection: not events */
static int t_ns(lua_State *L)
{
	uint64_t t = sim_lua_check_task(L, 1);
	uint64_t id = nss_task_ns(sim_world(sim_lua_sim(L)), t, luaL_checkstring(L, 2));

	if (!id)
		lua_pushnil(L);
	else
		lua_pushinteger(L, (lua_Integer)id);
	return 1;
}

static int t_pid(lua_State *L)
{
	lua_pushinteger(L, nss_task_pid_nr(sim_world(sim_lua_sim(L)), sim_lua_check_task(L, 1)));
	return 1;
}

static int t_state(lua_State *L)
{
	static const char *const names[] = { "gone", "running", "zombie", "exiting" };

	lua_pushstring(L, names[nss_task_state(sim_world(sim_lua_sim(L)), sim_lua_check_task(L, 1))]);
	return 1;
}

static int t_index(lua_State *L)
{
	const char *k = luaL_checkstring(L, 2);

	if (strcmp(k, "id") == 0) {
		lua_pushinteger(L, (lua_Integer)sim_lua_check_task(L, 1));
		return 1;
	}
	luaL_getmetatable(L, SIM_LUA_TASK_MT);
	lua_getfield(L, -1, "methods");
	lua_getfield(L, -1, k);
	return 1;
}

static int t_tostring(lua_State *L)
{
	lua_pushfstring(L, "Task(%I)", (lua_Integer)sim_lua_check_task(L, 1));
	return 1;
}

/* task == x: false for anything that is not a Task (Lua calls __eq for any two userdata) */
static int t_eq(lua_State *L)
{
	struct sim_lua_task *a = luaL_testudata(L, 1, SIM_LUA_TASK_MT), *b = luaL_testudata(L, 2, SIM_LUA_TASK_MT);

	lua_pushboolean(L, a && b && a->id == b->id);
	return 1;
}

const luaL_Reg sim_lua_task_methods[] = {
	{ "clone", t_clone }, { "unshare", t_unshare }, { "setns", t_setns },
	{ "setns_begin", t_setns_begin }, { "setns_finish", t_setns_finish },
	{ "open_ns", t_open_ns }, { "execve", t_execve }, { "exit", t_exit },
	{ "exit_thread", t_exit_thread }, { "wait", t_wait },
	{ "fork", t_fork }, { "reap", t_reap },
	{ "pidfd_open", t_pidfd_open }, { "socket", t_socket },
	{ "ns", t_ns }, { "pid", t_pid }, { "state", t_state }, { "fd", t_fd },
	{ "listns", t_listns },
	{ "kill", t_kill }, { "ignore_sigchld", t_ignore_sigchld },
	{ "set_no_new_privs", t_set_nnp }, { "no_new_privs", t_get_nnp },
	{ NULL, NULL },
};

const luaL_Reg sim_lua_task_meta[] = {
	{ "__index", t_index }, { "__tostring", t_tostring }, { "__eq", t_eq }, { NULL, NULL },
};
