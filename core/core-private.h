/* SPDX-License-Identifier: MIT */
/*
 * core-private.h - entity layouts and internal interfaces of core/.
 *
 * Only core/ and the white-box tests include this.  Every counter field is a
 * struct counter and is written by refcount.c alone (the choke point).
 */
#ifndef NSSIM_CORE_PRIVATE_H
#define NSSIM_CORE_PRIVATE_H

#include <errno.h>
#include "nssim-core.h"

struct ns;
struct cred;
struct task;
struct nsfs_inode;
struct nsproxy;

/* ---- counters and the choke point (refcount.c) -------------------- */

#define REFCOUNT_SATURATED (INT32_MIN / 2)

struct counter {
	int32_t val;
	uint8_t kind;       /* enum nss_obj_kind */
	uint8_t name;       /* enum nss_counter_name */
	bool atomic;        /* atomic_t (no refcount_t checks) */
	uint64_t obj;       /* id of the object owning the counter */
	uint32_t audit_gen; /* check.c's scratch: the recount that set audit_want */
	int32_t audit_want;
};

void counter_setup(struct counter *c, enum nss_obj_kind kind,
		   enum nss_counter_name name, uint64_t obj, bool atomic);

/* refcount_set() on a fresh object: records 0 -> @v. */
void ref_init(struct world *w, struct counter *c, int32_t v, const char *site);
/* refcount_inc() / refcount_add(): warns and saturates on 0 and overflow. */
void ref_add(struct world *w, struct counter *c, int32_t n, const char *site);
static inline void ref_inc(struct world *w, struct counter *c, const char *site)
{
	ref_add(w, c, 1, site);
}
/* refcount_inc_not_zero(): fails silently on 0. */
bool ref_inc_not_zero(struct world *w, struct counter *c, const char *site);
/* refcount_sub_and_test(): true when it reached 0; warns on underflow. */
bool ref_sub_and_test(struct world *w, struct counter *c, int32_t n, const char *site);
static inline bool ref_dec_and_test(struct world *w, struct counter *c, const char *site)
{
	return ref_sub_and_test(w, c, 1, site);
}
/* refcount_dec(): warns when it reaches 0 ("leaking memory"). */
void ref_dec(struct world *w, struct counter *c, const char *site);
/* atomic_add_return() on an atomic_t counter. */
int32_t atomic_add_return_ctr(struct world *w, struct counter *c, int32_t d,
			      const char *site);

/* ---- world: events, warnings, violations (world.c) ------------------ */

void kwarn(struct world *w, const char *rule, const char *site,
	   enum nss_obj_kind kind, uint64_t obj, const char *detail);
void violation(struct world *w, const char *rule, enum nss_obj_kind kind,
	       uint64_t obj, int64_t expected, int64_t actual, const char *detail);
void notify_object(struct world *w, enum nss_object_change what,
		   enum nss_obj_kind kind, uint64_t id);

/* Brackets every syscall: returns the task, or NULL (and *err = -ESRCH). */
struct task *event_begin(struct world *w, const char *op, uint64_t task,
			 int64_t a0, int64_t a1, int64_t a2);
int64_t event_end(struct world *w, int64_t result);
/* event_begin() for a call on an fd: 0, -ESRCH (no task) or -EBADF. */
struct file;
int event_begin_fd(struct world *w, const char *op, uint64_t task, int fd, int64_t a1,
		   int64_t a2, struct task **t, struct file **f);
/* The caller uses @ns now (is_current_namespace / current_in_namespace). */
bool ns_current_in(const struct task *t, const struct ns *ns);
/* 7.0: the caller runs in the initial pid ns with CAP_SYS_ADMIN in the initial user ns. */
bool may_see_all_namespaces(struct world *w, const struct task *t);

/* ---- namespaces (ns.c) -------------------------------------------- */

struct nsfs_inode;
struct task;

struct id_extent {
	bool set;
	uint32_t first;   /* inside */
	uint32_t lower;   /* outside (kuid) */
	uint32_t count;
};

/* struct ucounts (ucount.c): one per (user ns, uid) while referenced. */
struct ucounts {
	struct ns *ns;           /* P held while the object lives, but init_ucounts' */
	uint32_t uid;
	int32_t refs;            /* the kernel's rcuref */
	int32_t static_refs;     /* init_ucounts: init_cred's, never dropped */
	int32_t count[NS_NR_TYPES];  /* namespaces charged, this level */
	int32_t recount;         /* the audit's scratch slot */
};

struct ns {
	GList link;              /* world->namespaces, creation order */
	uint64_t id;             /* ns_id */
	uint32_t inum;
	enum ns_type type;
	struct counter ref;      /* __ns_ref (P) */
	struct counter active;   /* __ns_ref_active (A) */
	/* x->user_ns for non-user types; the parent for a user ns. P held. */
	struct ns *owner;
	/* pid ns: parent pid ns (P held); user ns: same as owner. */
	struct ns *parent;
	unsigned int level;
	bool initial;
	bool boot;               /* made at boot by a kernel thread (devtmpfs.c) */
	bool in_tree;
	bool dying;              /* P hit 0; destructor queued or running */
	bool touched;            /* in the current event's touched set */
	struct nsfs_inode *inode;/* ns->stashed */
	int32_t static_ref;      /* 6.18/prefix init ns: holders not modelled */
	int32_t static_active;
	/*
	 * The holders the audit expects (check.c), kept up to date where a
	 * holder links or unlinks, from the object graph, never from a
	 * counter, except hold_owned, the owned namespaces that are active.
	 */
	int32_t hold_ref, hold_active, hold_owned;
	/* check.c's scratch for the full recount: valid when audit_gen is its */
	uint32_t audit_gen;
	int32_t audit_ref, audit_active, audit_owned;

	/* user ns */
	uint32_t owner_uid;      /* kuid of the creator (euid) */
	uint32_t owner_gid;
	struct id_extent uid_map, gid_map;
	bool setgroups_denied;   /* !USERNS_SETGROUPS_ALLOWED: "deny" in /proc/<pid>/setgroups */
	int32_t ucount_max[NS_NR_TYPES];
	GPtrArray *ucounts;      /* struct ucounts keyed in this user ns (owned) */
	uint32_t creator_uid;    /* the creator's euid, charged in the parent */

	/* pid ns */
	struct task *child_reaper;  /* cleared when that task is freed */
	struct task *zap_waiter;    /* its init, asleep until only its own pids are left */
	bool had_reaper;             /* child_reaper was ever set */
	bool pid_adding;         /* PIDNS_ADDING: still accepts new pids */
	int32_t last_pid;
	int32_t nr_hashed;       /* struct pids with a number here */
	GQueue pids;             /* those pids (struct upid links), in number order */

	/* the ucounts this namespace is charged to (dec_ucount at free); for
	 * a user ns its ->ucounts, the next level of every charge made in it */
	struct ucounts *ucount;
};

struct world;

const char *ns_name(const struct ns *ns);
bool ns_is_init(const struct world *w, const struct ns *ns);
struct ns *ns_owner(struct world *w, struct ns *ns);
struct ns *ns_init(struct world *w, enum ns_type t);

/*
 * Creation: allocate, ns_common_init (P = 1, A = 0, inum), take P on the
 * owner user ns (and the parent pid ns), insert into the trees.
 */
int ns_create(struct world *w, enum ns_type t, struct ns *owner_user,
	      struct ns *parent, uint32_t creator_uid, struct ns **out);
int ns_create_charged(struct world *w, enum ns_type t, struct ns *owner_user,
		      struct ns *parent, uint32_t creator_uid, struct ucounts *uc,
		      struct ns **out);
int create_user_ns(struct world *w, struct cred *new);
int userns_install(struct world *w, struct task *t, struct cred *nsset_cred,
		   struct ns *user_ns);
void ns_boot(struct world *w);
void nstree_init(struct world *w);
void nstree_fini(struct world *w);
/* P helpers (include/linux/ns_common.h). */
bool ns_ref_get(struct world *w, struct ns *ns, const char *site);
void ns_ref_inc(struct world *w, struct ns *ns, const char *site);
void ns_ref_put(struct world *w, struct ns *ns, const char *site);
/* A helpers with the owner cascade (kernel/nscommon.c). */
void ns_active_get(struct world *w, struct ns *ns, const char *site);
void ns_active_put(struct world *w, struct ns *ns, const char *site);
/* nsfs_init_inode's get: the resurrecting one in every variant. */
void ns_active_resurrect(struct world *w, struct ns *ns, const char *site);
/* ns_get_unless_inactive(): P get only while A > 0 (6.18: P > 0). */
bool ns_get_unless_inactive(struct world *w, struct ns *ns, const char *site);
void ns_touch(struct world *w, struct ns *ns);
/* A holder of @ns linked (+1) or unlinked (-1): the audit's expectation moves. */
static inline void ns_hold(struct world *w, struct ns *ns, int dref, int dactive)
{
	ns->hold_ref += dref;
	ns->hold_active += dactive;
	ns_touch(w, ns);
}
/* Run a namespace destructor queued by ns_ref_put (deferred work). */
void ns_destroy(struct world *w, struct ns *ns);

/* user namespaces (user_namespace.c) */
bool proc_ns_dir_may_read(const struct world *w, const struct task *t, const struct task *tt);
bool ns_capable(const struct world *w, const struct cred *c, struct ns *user_ns,
		int cap);
bool kuid_has_mapping(const struct ns *user_ns, uint32_t kuid, bool gid);
int64_t make_kid(const struct ns *user_ns, uint32_t id, bool gid);
bool ns_is_ancestor_or_same(const struct ns *ancestor, const struct ns *ns);

/* ucounts (ucount.c) */
struct ucounts *ucounts_boot(struct world *w, struct ns *init_user);
void get_ucounts(struct ucounts *uc);
void put_ucounts(struct world *w, struct ucounts *uc);
int ucount_charge(struct world *w, struct ns *user_ns, uint32_t uid, enum ns_type t,
		  struct ucounts **out);
void ucount_uncharge(struct world *w, struct ucounts *uc, enum ns_type t);

/* ---- trees and ids (nstree.c) ------------------------------------ */

uint64_t ns_tree_gen_id(struct world *w, unsigned int cpu);
void ns_tree_add(struct world *w, struct ns *ns);
void ns_tree_remove(struct world *w, struct ns *ns);
struct ns *ns_tree_lookup(struct world *w, uint64_t id, int type /* -1 any */);
uint32_t proc_alloc_inum(struct world *w);
void proc_free_inum(struct world *w, uint32_t inum);

/* ---- capabilities and creds (cred.c) ------------------------------ */

enum {
	CAP_DAC_OVERRIDE = 1,
	CAP_SETGID = 6,
	CAP_SETUID = 7,
	CAP_NET_ADMIN = 12,
	CAP_SYS_CHROOT = 18,
	CAP_SYS_PTRACE = 19,
	CAP_SYS_ADMIN = 21,
	CAP_SYS_RESOURCE = 24,
};
#define CAP_FULL_SET ((1ULL << 41) - 1)

struct cred {
	GList link;
	uint64_t id;
	struct counter usage;
	struct ns *user_ns;      /* P held by this object */
	uint32_t uid, euid, suid, fsuid;
	uint32_t gid, egid, sgid, fsgid;
	uint64_t cap_permitted, cap_effective;
	bool dead;               /* usage hit 0: put_cred_rcu queued */
	bool boot;               /* init_cred: its ucounts reference is static */
	struct ucounts *ucounts; /* (user ns, uid) after set_cred_ucounts(); a reference */
	int32_t static_usage;    /* init_cred: the idle task's references */
};

struct cred *prepare_creds(struct world *w, const struct cred *old, const char *site);
/* Discard a prepared, never committed cred (abort_creds). */
void abort_creds(struct world *w, struct cred *c);
/* The new ucounts of a cred whose user ns or uid changed: 0 or -EAGAIN. */
int set_cred_ucounts(struct world *w, struct cred *c);
void get_cred_many(struct world *w, struct cred *c, int n, const char *site);
void put_cred_many(struct world *w, struct cred *c, int n, const char *site);
/* commit_creds(): installs @new on @t, moving A when the user ns changes. */
void commit_creds(struct world *w, struct task *t, struct cred *new);
void put_cred_rcu(struct world *w, struct cred *c);
void set_cred_user_ns(struct world *w, struct cred *c, struct ns *user_ns);
bool ptrace_may_access(const struct world *w, const struct task *caller,
		       const struct task *target, bool realcreds);
void get_cred_namespaces(struct world *w, struct task *t);
void exit_cred_namespaces(struct world *w, struct task *t);

/* ---- nsproxy (nsproxy.c) ------------------------------------------ */

enum nsproxy_slot {
	SLOT_MNT,
	SLOT_UTS,
	SLOT_IPC,
	SLOT_PID_FOR_CHILDREN,
	SLOT_CGROUP,
	SLOT_NET,
	SLOT_TIME,
	SLOT_TIME_FOR_CHILDREN,
	NR_SLOTS,
};

struct nsproxy {
	GList link;
	uint64_t id;
	struct counter count;
	struct ns *slot[NR_SLOTS];
	bool active;             /* nsproxy_ns_active_get() was done (oracle) */
	int32_t static_count;    /* init_nsproxy: the idle task's reference */
	bool leaked;             /* a kernel error path dropped its last pointer (nsproxy_leak) */
};

/* The set a setns() prepares (struct nsset). */
struct nsset {
	uint64_t flags;
	struct nsproxy *nsproxy;
	struct cred *cred;
};

/* A setns() between validate and commit, held across events. */
struct setns_op {
	GList link;
	uint64_t id;
	uint64_t task;
	struct nsset set;
};

void setns_ops_complete(struct world *w, struct task *t);
struct nsproxy *create_new_namespaces(struct world *w, uint64_t flags,
				      struct task *t, struct ns *user_ns,
				      uint32_t creator_uid, int *err);
void get_nsproxy(struct world *w, struct nsproxy *n, const char *site);
void put_nsproxy(struct world *w, struct nsproxy *n, const char *site);
void nsproxy_free(struct world *w, struct nsproxy *n);
void nsproxy_leak(struct world *w, struct nsproxy *n);
void nsproxy_ns_active_get(struct world *w, struct nsproxy *n);
void switch_task_namespaces(struct world *w, struct task *t, struct nsproxy *n);
void cred_user_ns_assign(struct world *w, struct cred *c, struct ns *ns);
void nsproxy_slot_assign(struct world *w, struct nsproxy *n, enum nsproxy_slot s, struct ns *ns);
void nsproxy_set_slot(struct world *w, struct nsproxy *n, enum nsproxy_slot s,
		      struct ns *ns, bool put_first, const char *site);

/* ---- pid (pid.c) --------------------------------------------------- */

enum pid_type { PIDTYPE_PID, PIDTYPE_TGID, PIDTYPE_PGID, PIDTYPE_SID, PIDTYPE_MAX };

struct upid {
	int32_t nr;
	struct ns *ns;
	GList link;              /* in ns->pids while the number is hashed */
};

/* pid->attr as pidfs_register_pid() and pidfs_exit() leave it */
enum pidfs_attr { PIDFS_ATTR_NONE, PIDFS_ATTR_SET, PIDFS_ATTR_DEAD };

struct pid {
	GList link;
	uint64_t id;                /* also its pidfs inode number (pid->ino) */
	struct counter count;
	unsigned int level;
	int attached[PIDTYPE_MAX];  /* tasks attached per type */
	struct task *task;          /* the task attached as PIDTYPE_PID, or NULL */
	bool freed;                 /* free_pid done: no number, no A */
	bool rcu_put_done;          /* delayed_put_pid dropped alloc_pid's ref */
	struct pidfs_inode *stashed;/* the pidfs inode while a file or handle uses it */
	enum pidfs_attr attr;
	bool attr_exited;           /* PIDFS_ATTR_BIT_EXIT: released with attr set */
	struct upid numbers[];      /* level + 1 entries */
};

struct pid *alloc_pid(struct world *w, struct ns *pid_ns, int *err);
void attach_pid(struct task *t, enum pid_type type, struct pid *p);
/* detach_pid(): true when @p lost its last task (free_pid is due). */
bool detach_pid(struct task *t, enum pid_type type);
void free_pid(struct world *w, struct pid *p);
struct task *pid_task(struct world *w, const struct pid *pid);
void get_pid(struct world *w, struct pid *p, const char *site);
void put_pid(struct world *w, struct pid *p, const char *site);
struct ns *pid_ns_of(const struct pid *p);
int32_t pid_nr_ns(const struct pid *p, const struct ns *ns);
struct ns *task_active_pid_ns(const struct task *t);
int copy_pid_ns(struct world *w, uint64_t flags, struct ns *user_ns,
		struct ns *old, struct task *t, uint32_t creator_uid, struct ns **out);
int pidns_install(struct world *w, struct task *t, struct nsproxy *n,
		  const struct cred *c, struct ns *new);
void zap_pid_ns_processes(struct world *w, struct ns *pid_ns, struct task *reaper);

/* ---- files (file.c, nsfs.c) ---------------------------------------- */

enum file_kind { FILE_NSFS, FILE_PIDFD, FILE_SOCKET, FILE_REG };

struct nsfs_inode {
	uint64_t id;
	struct ns *ns;
	struct counter dentry;   /* d_count: files, bind mounts, fds in flight */
};

/* A pidfs inode: one per struct pid at a time, shared by all its pidfds. */
struct pidfs_inode {
	uint64_t id;
	struct pid *pid;         /* holds one reference on it */
	struct counter dentry;   /* d_count: the files on it */
};

struct file {
	GList link;
	uint64_t id;
	struct counter count;    /* f_count */
	enum file_kind kind;
	struct cred *f_cred;
	struct nsfs_inode *inode;/* FILE_NSFS */
	struct pidfs_inode *pidfs;/* FILE_PIDFD */
	struct pid *pid;         /* FILE_PIDFD: pidfs->pid */
	struct ns *sk_net;       /* FILE_SOCKET: sock_net(), P held */
	int family;
	bool pidfd_thread;
	bool shmem;              /* FILE_REG: a memfd (shmem has export operations) */
};

struct files {
	uint64_t id;
	struct counter count;
	GPtrArray *fd;           /* index = fd number; NULL = free */
	GByteArray *cloexec;     /* per fd number: FD_CLOEXEC (execve closes it) */
};

/* A bind mount of an nsfs file: holds a dentry reference (do_loopback). */
struct mount {
	GList link;
	uint64_t id;
	char *path;
	struct nsfs_inode *ino;
	struct ns *mnt_ns;       /* the mount namespace it lives in */
};

struct fs_struct {
	uint64_t id;
	struct counter users;
};

struct file *alloc_file(struct world *w, struct task *opener, enum file_kind k);
void get_file(struct world *w, struct file *f, const char *site);
/* fput(): the final __fput runs now (or is queued on @deferred). */
void fput(struct world *w, struct file *f, GPtrArray *deferred);
void fput_final(struct world *w, struct file *f);
int fd_install(struct world *w, struct task *t, struct file *f);
/*
 * With O_CLOEXEC, as the kernel installs pidfds (pidfd_open, CLONE_PIDFD,
 * pidfd_getfd) and the fds of open_related_ns/open_namespace (NS_GET_USERNS,
 * NS_GET_PARENT, PIDFD_GET_*_NAMESPACE, SIOCGSKNS).
 */
int fd_install_cloexec(struct world *w, struct task *t, struct file *f);
void files_free(struct files *fs);
/* execve: unshare_files(), then do_close_on_exec() into @deferred (final fputs). */
void unshare_files(struct world *w, struct task *t);
void do_close_on_exec(struct world *w, struct files *fs, GPtrArray *deferred);
struct file *fd_lookup(struct task *t, int fd);
struct files *files_new(struct world *w);
struct files *dup_fd(struct world *w, struct files *old);
void put_files_struct(struct world *w, struct files *fs, GPtrArray *deferred);
int nsfs_path_from_stashed(struct world *w, struct ns *ns, struct nsfs_inode **out);
void nsfs_dput(struct world *w, struct nsfs_inode *ino);
/* put_mnt_ns -> umount_tree: the namespace's bind mounts go. */
void mnt_ns_umount_all(struct world *w, struct ns *mnt_ns);
/* Open a new nsfs file on @ns for @t; consumes one P reference. */
int nsfs_open_ns_fd(struct world *w, struct task *t, struct ns *ns, bool cloexec);
int nsfs_encode_fh(struct file *f, uint32_t *dwords, struct nss_handle *out);
int nsfs_fh_to_dentry(struct world *w, struct task *t, const struct nss_handle *h,
		      struct nsfs_inode **out);
int nsfs_export_open(struct world *w, struct task *t, struct nsfs_inode *ino, int flags,
		     struct file **out);

/* ---- pidfs (pidfs.c) ------------------------------------------------ */

struct file *pidfs_alloc_file(struct world *w, struct task *t, struct pid *pid, bool thread,
			      int *err);
struct file *pidfs_reopen(struct world *w, struct task *t, struct file *old);
void pidfs_dput(struct world *w, struct pidfs_inode *ino);
void pidfs_exit(struct world *w, struct pid *pid);
int pidfs_encode_fh(struct file *f, uint32_t *dwords, struct nss_handle *out);
int pidfs_fh_to_dentry(struct world *w, struct task *t, const struct nss_handle *h,
		       struct pidfs_inode **out);
int pidfs_export_permission(int flags);
struct file *pidfs_export_open(struct world *w, struct task *t, struct pidfs_inode *ino);
int sock_siocgskns(struct world *w, struct task *t, struct file *sock);
struct ns *file_ns(struct file *f);

/* ---- mm and CPUs (mm.c) --------------------------------------------- */

struct mm {
	GList link;
	uint64_t id;
	struct counter users;    /* mm_users */
	struct counter count;    /* mm_count */
	struct ns *user_ns;      /* P held until __mmdrop */
	int dumpable;            /* SUID_DUMP_USER, or suid_dumpable after a cred change */
};
/* fs.suid_dumpable is 0 by default: either way not SUID_DUMP_USER */
#define SUID_DUMP_DISABLE 0
#define SUID_DUMP_USER 1

struct cpu {
	unsigned int id;
	bool online;
	struct task *curr;       /* NULL: the idle task runs */
	struct mm *idle_mm;      /* idle task's borrowed active_mm */
	struct counter ipis;     /* shootdown IPIs received */
};

struct mm *mm_alloc(struct world *w, struct ns *user_ns, const char *site);
void mmget(struct world *w, struct mm *mm);
void mmput(struct world *w, struct mm *mm);
void mmdrop(struct world *w, struct mm *mm, const char *site);
void mmgrab_lazy_tlb(struct world *w, struct mm *mm);
void mmdrop_lazy_tlb(struct world *w, struct mm *mm);
/* Make @t the running task of its CPU (context_switch + finish_task_switch). */
void sched_run(struct world *w, struct task *t);
unsigned int sched_fork_cpu(struct world *w, struct task *parent);
/* do_task_dead(): the last switch away from an exiting task. */
void sched_task_dead(struct world *w, struct task *t);

/* ---- tasks (task.c) ----------------------------------------------- */

enum task_state { TASK_RUNNING, TASK_ZOMBIE, TASK_DEAD };

struct task {
	GList link;
	uint64_t id;
	struct task *parent;
	GQueue children;         /* struct task * through ->sibling, in the order they came */
	GList sibling;           /* in the parent's children */
	struct task *group_leader;
	GPtrArray *threads;      /* on the leader: every live thread incl. itself */
	struct pid *pids[PIDTYPE_MAX];
	struct cred *cred;       /* real_cred == cred: usage counts 2 */
	bool cred_ns_active;     /* between get_cred_namespaces and exit_cred_namespaces */
	struct nsproxy *nsproxy;
	struct mm *mm;
	struct mm *active_mm;
	struct files *files;
	struct fs_struct *fs;
	enum task_state state;
	int exit_code;           /* the wait status: (code & 0xff) << 8, or the signal */
	int exit_signal;         /* 0 for threads */
	unsigned int cpu;
	bool sigchld_ignored;    /* as a parent: children are auto-reaped */
	bool is_thread;          /* created with CLONE_THREAD */
	bool exit_undumpable;    /* its mm was not dumpable when exit_mm() dropped it */
	bool exiting;            /* in do_exit(): no more calls, no second exit */
	bool no_new_privs;       /* PR_SET_NO_NEW_PRIVS: inherited, never cleared */
	bool zap_waiting;        /* a pid ns init asleep in zap_pid_ns_processes() */
	GQueue inbox;            /* struct file *: SCM_RIGHTS in flight to it */
};

struct task *task_lookup(const struct world *w, uint64_t id);
void task_release(struct world *w, struct task *p);
void task_deferred_free(struct world *w, struct task *t);
struct fs_struct *fs_new(struct world *w, const char *site);
void put_fs_struct(struct world *w, struct fs_struct *fs, const char *site);
struct cred *cred_boot(struct world *w, struct ns *init_user);
struct nsproxy *nsproxy_boot(struct world *w);
struct pid *pid_boot(struct world *w);
void task_boot(struct world *w);
bool thread_group_empty(const struct task *t);
void task_do_exit(struct world *w, struct task *t, int status);   /* status: as wait4() reports it */

/* ---- the world (world.c) ------------------------------------------ */

struct deferred {
	enum { DEFER_CRED, DEFER_PID, DEFER_NS, DEFER_TASK } kind;
	void *obj;
	const char *site;
	uint64_t id;
	GList link;              /* in w->deferred, in queueing order */
};

/* The fallible sites, in the order of nss_fault_sites(). */
enum fault_site {
	FAULT_ALLOC_PID,
	FAULT_CREATE_NEW_NAMESPACES,
	FAULT_CREATE_USER_NS,
	FAULT_NS_COMMON_INIT,
	FAULT_INC_UCOUNT,
	FAULT_PREPARE_CREDS,
	FAULT_DUP_MM,
	FAULT_VALIDATE_NS,
	FAULT_NSFS_INIT_INODE,
	FAULT_GET_UNUSED_FD,
	FAULT_SETUP_NET,
	FAULT_SET_CRED_UCOUNTS,
	FAULT_ALLOC_UCOUNTS,
	NR_FAULT_SITES
};

struct world {
	const struct nss_variant *v;
	struct nss_config cfg;
	GArray *observers;       /* struct nss_observer */

	/* entities, in creation order */
	GQueue namespaces, tasks, creds, nsproxies, pids, files, mms, mounts;
	GHashTable *task_by_id;  /* uint64 id -> struct task* */
	GHashTable *ns_by_id;    /* uint64 id -> struct ns* (alive) */
	GHashTable *deferred_by_id; /* uint64 id -> struct deferred*, while queued */
	GHashTable *pid_by_ino;  /* pidfs inode number -> struct pid*, alloc_pid to free_pid */
	uint64_t next_id[OBJ_NR_KINDS];
	uint64_t next_task_id;

	struct ns *init_ns[NS_NR_TYPES];
	struct task *init_task;
	struct cpu *cpus;
	unsigned int nr_cpus;
	unsigned int cur_cpu;    /* CPU of the task in the current event */
	unsigned int next_cpu;   /* wake_up_new_task placement, round robin */

	/* nstree.c */
	GTree *tree_unified;
	GTree *tree_type[NS_NR_TYPES];
	uint64_t id_counter;     /* 6.19 */
	uint64_t cookie_global;  /* 6.18 */
	uint64_t *cookie_next, *cookie_end;
	uint32_t inum_next;
	GTree *inum_free;

	/* events */
	struct nss_event ev;
	bool in_event;
	uint64_t event_seq;
	uint64_t transitions;
	uint64_t warnings;
	uint64_t violations;
	GPtrArray *touched;      /* struct ns *, this event */

	GQueue deferred;         /* struct deferred * */
	GQueue setns_ops;        /* struct setns_op *: setns() in flight */
	/* fault.c */
	uint64_t site_passes[NR_FAULT_SITES];
	int fault_site;
	unsigned int fault_countdown;
	int fault_err;
	uint64_t faults_injected;
	uint64_t next_setns_op;
	uint64_t deferred_seq;
	GHashTable *reported;    /* check.c: violations already reported */
	uint32_t audit_gen;      /* check.c: the last full recount */
};

void devtmpfs_boot(struct world *w);
void world_queue_deferred(struct world *w, int kind, void *obj, const char *site);
int should_fail(struct world *w, enum fault_site site);
void check_event(struct world *w, bool full);

#endif /* NSSIM_CORE_PRIVATE_H */
