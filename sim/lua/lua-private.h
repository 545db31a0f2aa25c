/* SPDX-License-Identifier: MIT */
/*
 * lua-private.h - what the files of sim/lua/ share, and nothing the rest
 * of sim/ needs (that is in sim.h): the userdata of the scenario API's
 * classes, the helpers every method uses, and each file's luaL_Reg
 * arrays, which register.c installs.
 *
 * The layers, lowest first; a file calls only into those below it:
 *   clock.c                the event queue, virtual time, the trace context
 *   world.c                the world, its observers, sim_lua_call_site()
 *   userdata.c             Task and Fd userdata, returns, flag names
 *   task.c cred.c cpu.c fd.c file.c handle.c sim.c scenario.c time.c
 *                          the classes and the sim module
 *   register.c             installs them in a fresh state (sim_lua_open)
 * sandbox.c, params.c and source.c sit beside them: what a scenario may
 * call, its parameters, the text it loads.
 */
#ifndef NSSIM_LUA_PRIVATE_H
#define NSSIM_LUA_PRIVATE_H

#include "sim.h"

/* the metatables' registry names, which getmetatable() also returns */
#define SIM_LUA_TASK_MT "nssim.Task"
#define SIM_LUA_FD_MT "nssim.Fd"
#define SIM_LUA_HANDLE_MT "nssim.Handle"
#define SIM_LUA_MOUNT_MT "nssim.Mount"
#define SIM_LUA_CPU_MT "nssim.Cpu"

struct sim_lua_task {
	uint64_t id;
};

struct sim_lua_fd {
	uint64_t task;
	int fd;
};

/* the sim a Lua state runs, kept in its extra space (sim_sandbox_new) */
static inline struct sim *sim_lua_sim(lua_State *L)
{
	return *(struct sim **)lua_getextraspace(L);
}

/*
 * The call just made, for export --format c.  When not exporting, nothing
 * is evaluated: the arguments may look things up.
 */
#define SIM_LUA_VEC(op, task, r, kind, want, str, name, ...)                              \
	do {                                                                              \
		if (sim_lua_sim(L)->vec)                                                  \
			vec_op(sim_lua_sim(L), op, task, r, kind, want,                   \
			       (const int64_t[]){ __VA_ARGS__ },                          \
			       (int)(sizeof((const int64_t[]){ __VA_ARGS__ }) / sizeof(int64_t)), \
			       str, name);                                                \
	} while (0)

/* clock.c */
/* registry key: the set of sim.process threads (sandbox.c refuses to resume them) */
#define SIM_PROCESSES "nssim.processes"
void sim_queue_push(struct sim *s, int64_t time, enum qkind kind, int ref, uint64_t id);
/* The trace context of the next event: now, and the caller's src and args. */
void sim_set_context(struct sim *s, const char *src, const char *args);
/* a failed trace write, the event budget or the virtual time limit: a scenario error */
void sim_check_limits(struct sim *s, lua_State *L);
/* now + dt, at most the end of virtual time (INT64_MAX ns) */
int64_t sim_time_add_sat(int64_t now, int64_t dt);
/* an integer in [lo, hi] from @r, for any lo <= hi */
int64_t sim_rand_range(GRand *r, int64_t lo, int64_t hi);
bool sim_run_one(struct sim *s, lua_State *L);
void sim_wake_waiters(struct sim *s);

/* world.c */
/* Remember the scenario line of the call, and tell the trace. */
void sim_lua_call_site(lua_State *L, const char *args);
/* A failed call's results: nil and the errno's name. */
int sim_push_errno(lua_State *L, int64_t ret);

/* userdata.c */
struct sim_lua_flag {
	const char *name;
	uint64_t flag;
};

void sim_lua_push_task(lua_State *L, uint64_t id);
void sim_lua_push_fd(lua_State *L, uint64_t task, int fd);
uint64_t sim_lua_check_task(lua_State *L, int i);
struct sim_lua_fd *sim_lua_check_fd(lua_State *L, int i);
/* @r < 0: nil and the errno name; else an Fd, true or the integer */
int sim_lua_ret_fd(lua_State *L, uint64_t task, int64_t r);
int sim_lua_ret_true(lua_State *L, int64_t r);
int sim_lua_ret_int(lua_State *L, int64_t r);
uint64_t sim_lua_check_flag_set(lua_State *L, int i, const struct sim_lua_flag *names,
				size_t n, const char *what);
uint64_t sim_lua_check_flags(lua_State *L, int i);
const char *sim_lua_flags_text(uint64_t flags, char *buf, size_t size);

/* params.c */
void sim_params_header(struct sim *s, lua_State *L, int t, const char *const *known,
		       guint nknown);

/* source.c */
void sim_source_flush(struct sim *s);

/* each file's functions, by the class or table register.c installs them in */
extern const luaL_Reg sim_lua_task_methods[], sim_lua_task_meta[];
extern const luaL_Reg sim_lua_cred_methods[];
extern const luaL_Reg sim_lua_cpu_task_methods[], sim_lua_cpu_fns[], sim_lua_cpu_meta[];
extern const luaL_Reg sim_lua_fd_methods[], sim_lua_fd_meta[];
extern const luaL_Reg sim_lua_file_task_methods[], sim_lua_file_fd_methods[],
	sim_lua_mount_meta[];
extern const luaL_Reg sim_lua_handle_task_methods[], sim_lua_handle_fd_methods[],
	sim_lua_handle_fns[], sim_lua_handle_meta[];
extern const luaL_Reg sim_lua_sim_fns[], sim_lua_fault_fns[], sim_lua_sim_meta[];
extern const luaL_Reg sim_lua_scenario_globals[];
extern const luaL_Reg sim_lua_time_fns[];   /* upvalue 1: the sim */

#endif
