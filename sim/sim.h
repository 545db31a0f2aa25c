/* SPDX-License-Identifier: MIT */
/*
 * sim.h - the simulation layer: a Lua scenario driving the core in virtual
 * time, traced to SQLite.  Internal to sim/.
 */
#ifndef NSSIM_SIM_H
#define NSSIM_SIM_H

#include <lua.h>
#include <lauxlib.h>
#include <lualib.h>
#include "nssim-core.h"
#include "nssim-db.h"

#define NSS_MS (1000000LL)

/* The event queue: (time, sequence) order, a binary heap. */
enum qkind { Q_CALL, Q_RESUME, Q_DEFERRED };

struct qitem {
	int64_t time;
	uint64_t seq;
	enum qkind kind;
	int ref;               /* Lua registry: function or coroutine */
	uint64_t deferred_id;
};

struct sim_config {
	char *kernel;
	uint64_t seed;
	unsigned int cpus;
	char *lazy_tlb;
	enum nss_audit audit;
	int64_t rcu_latency;   /* ns */
	int64_t work_latency;  /* ns */
	/* which of the above the command line set (they win over the header) */
	bool cli_kernel, cli_seed, cli_cpus, cli_lazy, cli_audit;
};

struct sim {
	const char *path;           /* scenario file */
	const char *db_path;        /* NULL: --no-trace */
	const char *scripts_dir;
	struct sim_config cfg;
	GHashTable *params;         /* --param and header values: name -> string */
	char *name;                 /* scenario{ name = } */

	struct world *w;
	struct nss_trace *trace;
	lua_State *L;

	/* virtual time */
	int64_t now;
	GArray *heap;               /* struct qitem */
	uint64_t qseq;
	GRand *rng;
	int running;                /* nesting of sim.run */
	GPtrArray *waiters;         /* parked coroutine refs (int in pointer) */

	/* accounting */
	uint64_t fingerprint;
	unsigned int exp_total, exp_failed;
	GString *failures;          /* first failures, for the summary */
	char src[512];              /* file:line of the current call */
	uint64_t steps, max_steps;
	uint64_t max_events;     /* --max-events, 0: none */
	int64_t until;           /* --until: the end of virtual time for this run, -1: none */
	size_t mem_used, mem_limit;
	char *error;                /* scenario error text */
	const char *jsonl_path;     /* --jsonl: the run as JSON lines */
	GString *jsonl;
	char cur_args[512];         /* the current call's arguments, for jsonl */
	bool jsonl_open;            /* the last event's line takes a value still */
	bool quiet;                 /* no summary on stdout (jsonl to stdout) */
	char *fail_site;            /* --fail SITE[:N][=ERRNO] */
	unsigned int fail_nth;
	int fail_err;
	bool count_sites;           /* --count-sites */
	bool ignore_expectations;   /* --ignore-expectations: faulted runs */
	unsigned int exp_skipped;
	struct vec *vec;            /* export --format c: the run as a test vector */

	/* params.c */
	GPtrArray *decls;           /* struct sim_param: declared and header parameters */
	bool params_known;          /* a scenario{} header said what they are */
	bool describe;              /* run SCENARIO --help: stop at the header */
	bool check_params;          /* --check-params: only check, print nothing */
	char *describe_help;        /* the options' help, printed before the parameters */
	char *usage_error;          /* a bad --param, found by the header: exit 2, no run */

	/* source.c */
	GPtrArray *sources;         /* struct sim_source: the chunks this run loaded */
	GHashTable *stored;         /* --source-db: "role\tname" -> GBytes */
};

/* lua/source.c */
gboolean sim_source_from_db(struct sim *s, const char *db, gint64 run, GError **error);
bool sim_source_stored(struct sim *s, const char *role, const char *name);
int sim_source_load(struct sim *s, lua_State *L, const char *role, const char *name,
		    const char *path);
void sim_source_free(struct sim *s);

/* lua/params.c */
gboolean sim_parse_duration(const char *v, int64_t *out);
char *sim_params_describe(struct sim *s);
G_GNUC_NORETURN void sim_params_describe_exit(struct sim *s);

/* jsonl.c */
void sim_jsonl_attach(struct sim *s);
gboolean sim_jsonl_write(struct sim *s, const char *status, const char *config, GError **err);
/*
 * Whether a root caller can open the namespace by handle: on 6.19 while it
 * is active, on 6.18 while __ns_ref > 0; in its tree either way.
 */
bool sim_ns_reachable(struct world *w, const struct nss_ns_info *n);
/* The value the last call returned through memory ("value", "ino" ...). */
void sim_jsonl_value(struct sim *s, const char *key, uint64_t value);
char *sim_config_json(struct sim *s);

/* vector.c: the calls of a run, as a test vector (names as in vector-harness.c) */
enum vec_op {
	VOP_CAPTURE, VOP_SETTLE, VOP_CLONE, VOP_UNSHARE, VOP_SETNS, VOP_OPEN_NS, VOP_CLOSE,
	VOP_DUP, VOP_IOCTL, VOP_N2H, VOP_OBH, VOP_FSTAT, VOP_SOCKET, VOP_COOKIE,
	VOP_SEND_FD, VOP_RECV_FD, VOP_PIDFD_OPEN, VOP_PIDFD_GETFD, VOP_EXIT, VOP_WAIT,
	VOP_KILL, VOP_SIGCHLD, VOP_SETUID, VOP_SETGID, VOP_SETRESUID, VOP_SETRESGID,
	VOP_SETFSUID, VOP_WRITE_MAP, VOP_SET_MAX, VOP_CAPSET, VOP_LISTNS, VOP_EXECVE, VOP_EXIT_THREAD, VOP_MOUNT_BIND, VOP_UMOUNT, VOP_OPEN_FILE,
	VOP_SETREUID, VOP_SETREGID, VOP_SETFSGID, VOP_PIDFD_SIGNAL, VOP_REOPEN,
	VOP_PIPE, VOP_MEMFD, VOP_PRCTL_NNP,
};
enum vec_ret { VRET_ZERO, VRET_FD, VRET_TASK, VRET_NSID, VRET_COOKIE, VRET_VALUE, VRET_ANY };
/* namespace ids that name no namespace, as vector-harness.c's ID_* */
#define VEC_ID_NONE (-1)
#define VEC_ID_ZERO (-2)
#define VEC_ID_CURRENT_USER (-3)
/* setns_begin()'s id when exporting: the setns() was made whole at once */
#define VEC_SETNS_DONE 0x7ffffff0

void sim_vec_attach(struct sim *s);
void sim_vec_observe(struct sim *s);      /* once the world exists */
void sim_vec_free(struct sim *s);
/* A call userspace could make: tasks in @a are slots (vec_task), fds the model's. */
void vec_op(struct sim *s, enum vec_op op, uint64_t task, int64_t ret, enum vec_ret kind,
	    int64_t want, const int64_t *a, int na, const char *str, const char *name);
void vec_set_handle(struct sim *s, const struct nss_handle *h);
void vec_set_list(struct sim *s, const uint64_t *ids, int64_t n);
int64_t vec_task(struct sim *s, uint64_t task);
int64_t vec_ns_code(struct sim *s, uint64_t id);
/* A bind mount target: its index among the run's paths. */
int64_t vec_path(struct sim *s, const char *path);
/* Its index if it is one, else -1. */
int64_t vec_path_find(struct sim *s, const char *path);
/* The run uses something the real kernel cannot repeat: the vector is refused. */
void vec_unsupported(struct sim *s, const char *why);
/* sim.fail_next() or --fail armed @site: unsupported unless fail-nth can replay it */
void vec_fault_armed(struct sim *s, const char *site, int err);
const char *sim_vec_unsupported(struct sim *s);
char *sim_vec_fault_outcome(struct sim *s);   /* for --fault-outcome, or NULL */
gboolean sim_vec_write_c(struct sim *s, const char *path, GError **err);

/* lua/: the scenario API (the rest of the Lua side is in lua/lua-private.h) */
void sim_lua_open(struct sim *s);                  /* lua/register.c */
struct world *sim_world(struct sim *s);   /* lua/world.c: creates it on first use */
/* lua/scenario.c: fill sim.param from the parameters (after scenario{} or at start) */
void sim_publish_params(struct sim *s);

/* @s as a JSON string (escaped, always valid UTF-8); NULL as null */
void sim_json_str(GString *o, const char *s);
/*
 * Stops that hold where the instruction budget cannot: a CPU time limit
 * (@max_time s, 0: none) and SIGINT/SIGTERM, raised as a scenario error at
 * the next Lua instruction, or a hard exit (2) if none comes in as long
 * again.  _closing() before lua_close(), _disarm() after.
 */
void sim_sandbox_arm(lua_State *L, int64_t max_time);
void sim_sandbox_closing(void);
void sim_sandbox_disarm(void);
/* lua/clock.c: run queued items up to @until (-1: all); a Lua error propagates. */
void sim_run_until(struct sim *s, lua_State *L, int64_t until);

/* lua/sandbox.c */
lua_State *sim_sandbox_new(struct sim *s);
void sim_sandbox_env(struct sim *s, lua_State *L);

/* datadir.c: --scripts DIR, else $NSSIM_SCRIPTS, else the build tree's or the installed scripts/ */
const char *sim_scripts_dir(const char *option);

/* commands */
/* progress.c: a status line on a terminal (stderr), nothing otherwise */
void sim_progress_begin(void);
bool sim_progress_due(void);
void sim_progress_show(const char *fmt, ...) G_GNUC_PRINTF(1, 2);
void sim_progress_end(void);

/* pool.c: forked workers answering fixed-size requests, results in order */
struct sim_pool;
typedef void (*sim_pool_fn)(const void *req, void *res, void *ctx);
/* @jobs 1: no process, each request answered when submitted */
struct sim_pool *sim_pool_new(guint jobs, size_t req_size, size_t res_size, sim_pool_fn fn,
			      void *ctx, GError **error);
guint sim_pool_jobs(const struct sim_pool *p);
/* Room for another request (a few outstanding per worker)? */
bool sim_pool_can_submit(const struct sim_pool *p);
guint64 sim_pool_outstanding(const struct sim_pool *p);
bool sim_pool_submit(struct sim_pool *p, const void *req);
/* The oldest outstanding result: 1, 0 if none is outstanding, -1 if its worker died. */
int sim_pool_next(struct sim_pool *p, void *res);
/* Stops the workers; outstanding results are dropped. */
void sim_pool_free(struct sim_pool *p);

int cmd_run(int argc, char **argv);
int cmd_tree(int argc, char **argv);
int cmd_ls(int argc, char **argv);
int cmd_bench(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_sweep(int argc, char **argv);
int cmd_explore(int argc, char **argv);
int cmd_sites(int argc, char **argv);
int cmd_faultsim(int argc, char **argv);
int cmd_export(int argc, char **argv);
int cmd_merge(int argc, char **argv);

/* merge.c: copy the one run of database @src into @db, new id, as job @job
 * of @sweep (NULL: no sweep), in one transaction */
gboolean sim_merge_run(struct sqlite3 *db, const char *src, const char *sweep, guint job, GError **err);
/* the "sweep" file of a --plan directory */
char *sim_plan_sweep_text(const char *id, const char *scenario, guint runs, const char *plan_json);

/* perfetto.c: a run of trace database @path as Chrome trace-event JSON, to
 * @out (NULL or "-": stdout); @run 0: the last.  Exit status: 0 or 2. */
int sim_export_perfetto(const char *path, gint64 run, bool all_counters, const char *out);

#endif
