/* SPDX-License-Identifier: MIT */
/*
 * nssim-core.h - the public interface of the namespace lifetime model.
 *
 * The core is a user-space model of the kernel objects that hold namespace
 * references (tasks, creds, nsproxy, struct pid, nsfs inodes and files,
 * mm_struct, CPUs).  It knows nothing of Lua, SQLite or time.  Callers drive
 * it through a syscall-like API that returns a value or -errno exactly where
 * the modelled kernel function does, and watch it through observers that see
 * every counter transition, kernel warning and invariant violation.
 *
 * Objects are named by model ids (uint64_t), never by pointers, so a stale id
 * (a reaped task, a closed fd) yields the kernel's errno instead of a crash.
 */
#ifndef NSSIM_CORE_H
#define NSSIM_CORE_H

#include <stdbool.h>
#include <stdint.h>
#include <glib.h>

G_BEGIN_DECLS

/* ---- namespace types ------------------------------------------------ */

/* CLONE_NEW* values; a namespace's type is its clone flag, as in the kernel. */
#define NSS_CLONE_NEWTIME   0x00000080ULL
#define NSS_CLONE_VM        0x00000100ULL
#define NSS_CLONE_FS        0x00000200ULL
#define NSS_CLONE_FILES     0x00000400ULL
#define NSS_CLONE_SIGHAND   0x00000800ULL
#define NSS_CLONE_PIDFD     0x00001000ULL
#define NSS_CLONE_PARENT    0x00008000ULL
#define NSS_CLONE_THREAD    0x00010000ULL
#define NSS_CLONE_NEWNS     0x00020000ULL
#define NSS_CLONE_SYSVSEM   0x00040000ULL
#define NSS_CLONE_NEWCGROUP 0x02000000ULL
#define NSS_CLONE_NEWUTS    0x04000000ULL
#define NSS_CLONE_NEWIPC    0x08000000ULL
#define NSS_CLONE_NEWUSER   0x10000000ULL
#define NSS_CLONE_NEWPID    0x20000000ULL
#define NSS_CLONE_NEWNET    0x40000000ULL

#define NSS_CLONE_NEWALL (NSS_CLONE_NEWNS | NSS_CLONE_NEWUTS | NSS_CLONE_NEWIPC | \
                          NSS_CLONE_NEWPID | NSS_CLONE_NEWCGROUP |                \
                          NSS_CLONE_NEWNET | NSS_CLONE_NEWTIME | NSS_CLONE_NEWUSER)

/* Index of a namespace type; the order is create_new_namespaces()' order. */
enum ns_type {
	NS_MNT,
	NS_UTS,
	NS_IPC,
	NS_PID,
	NS_CGROUP,
	NS_NET,
	NS_TIME,
	NS_USER,
	NS_NR_TYPES,
};

const char *ns_type_name(enum ns_type t);
uint64_t ns_type_clone_flag(enum ns_type t);
/* -1 when @flag is not exactly one CLONE_NEW* bit. */
int ns_type_from_clone_flag(uint64_t flag);
/* -1 for an unknown name; accepts "mnt", "net", ... */
int ns_type_from_name(const char *name);

/* ---- model variants -------------------------------------------------- */

/*
 * One flag per place where the modelled kernels differ (kernel-model.md
 * §9.4).  Code tests the flag, never the variant name.
 */
struct nss_variant {
	const char *name;
	bool has_active;             /* __ns_ref_active exists (6.19+) */
	bool init_counted;           /* initial namespaces' counters really move */
	bool init_net_active_zero;   /* init_net started with A == 0 (pre 0355dcae2d15) */
	bool owner_charge_at_create; /* __ns_tree_add_raw charged the owner's A */
	bool plain_get_no_cascade;   /* nsproxy/cred/pid active gets do not resurrect */
	bool nsset_free_puts_active; /* put_nsset released A it never took (§9.1) */
	bool unified_tree;           /* one id-ordered tree of all types */
	bool cookie_ids;             /* 6.18: ids from per-CPU cookie batches */
	bool unshare_ucounts_put_nsproxy; /* ksys_unshare() puts the new nsproxy when
					   * set_cred_ucounts() fails (a98621a0f187, 7.0);
					   * before, it leaked */
	bool see_all_gate;           /* listns() and nsfs handle decoding show a foreign
				      * namespace only to may_see_all_namespaces() (7.0) */
	bool mnt_iter_gate;          /* NS_MNT_GET_NEXT/PREV only for may_see_all_namespaces()
				      * (7.0; in 6.18.y stable, seen on the 6.18.44 host) */
	bool pidns_children_any;     /* /proc/<pid>/ns/pid_for_children opens before the
				      * namespace has an init (7.0) */
	bool unshare_fs_copies_newns; /* unshare(CLONE_NEWNS) copies the fs_struct even
				       * when it is not shared (7.0) */
	bool proc_ns_eacces_lost;    /* 7.1.5: a refused /proc/<pid>/ns/<x> open succeeds on
				      * the ns directory (proc_ns_get_link() loses -EACCES) */
	bool exit_keeps_dumpable;    /* ptrace checks an exited task's last dumpability
				      * ("ptrace: slightly saner 'get_dumpable()' logic",
				      * v7.1-rc4, in 6.18.y stable; not in v6.19.0) */
	bool pidfs_decode_live;      /* a pidfs handle decodes only for a pid pidfs has seen
				      * whose task is not released yet (pidfs_ino_get_pid()
				      * checks pid->attr; v7.1.5, not v6.19.0 or 6.18.y) */
};

/* "6.19" (default), "6.19-prefix", "6.19-nsset-bug", "6.18", "7.1"; NULL for an unknown name. */
const struct nss_variant *nss_variant_lookup(const char *name);
/* The names nss_variant_lookup() knows, for messages: "6.19, 6.19-prefix, ..." */
const char *nss_variant_names(void);
extern const struct nss_variant nss_variant_6_19;
extern const struct nss_variant nss_variant_6_19_prefix;
extern const struct nss_variant nss_variant_6_19_nsset_bug;
extern const struct nss_variant nss_variant_6_18;
extern const struct nss_variant nss_variant_7_1;

/* ---- objects and counters as observers see them ----------------------- */

enum nss_obj_kind {
	OBJ_NS,
	OBJ_NSPROXY,
	OBJ_CRED,
	OBJ_PID,
	OBJ_FILE,
	OBJ_INODE,
	OBJ_MM,
	OBJ_FILES,
	OBJ_FS,
	OBJ_CPU,
	OBJ_NR_KINDS,
};
/* Tasks appear in object notifications with this kind. */
#define NSS_OBJ_TASK OBJ_NR_KINDS

enum nss_counter_name {
	CTR_REF,      /* ns __ns_ref, struct pid count */
	CTR_ACTIVE,   /* ns __ns_ref_active */
	CTR_COUNT,    /* nsproxy count, files_struct count, file f_count, dentry count */
	CTR_USAGE,    /* cred usage */
	CTR_USERS,    /* mm_users, fs_struct users */
	CTR_MM_COUNT, /* mm_count */
	CTR_IPIS,     /* CPU: lazy-TLB shootdown IPIs received (only grows) */
	CTR_NR_NAMES,
};

const char *nss_obj_kind_name(enum nss_obj_kind k);
const char *nss_counter_name(enum nss_counter_name c);

/* One counter move, as the choke point records it. */
struct nss_transition {
	uint64_t seq;        /* position in the world's transition stream */
	uint64_t event;      /* the event that caused it */
	enum nss_obj_kind kind;
	uint64_t obj;        /* model id (ns_id for namespaces) */
	enum nss_counter_name counter;
	int32_t old_val;
	int32_t new_val;
	const char *site;    /* the kernel function modelled; static string */
};

/* A kernel assertion that fires (WARN_ON_ONCE, VFS_WARN_ON_ONCE, refcount_t). */
struct nss_warning {
	uint64_t event;
	const char *rule;    /* "K3", "K7", "K12" (refcount_t) ... (kernel-model §12.1) */
	const char *site;
	enum nss_obj_kind kind;
	uint64_t obj;
	const char *detail;  /* static string */
};

/* An oracle invariant that does not hold after an event. */
struct nss_violation {
	uint64_t event;
	const char *rule;    /* "active-recount", "ref-recount", ... */
	enum nss_obj_kind kind;
	uint64_t obj;
	int64_t expected;
	int64_t actual;
	const char *detail;  /* static string */
};

struct nss_event {
	uint64_t seq;
	const char *op;      /* static string: "clone", "setns", "put_cred_rcu" ... */
	uint64_t task;       /* calling task id, 0 for deferred kernel work */
	int64_t args[3];
	int64_t result;      /* value or -errno, set at event end */
	bool kernel_work;    /* deferred work: args[0] kind, args[1] object id */
};

enum nss_object_change {
	NSS_OBJ_CREATED,
	NSS_OBJ_FREED,
	NSS_NS_TREE_ADD,
	NSS_NS_TREE_REMOVE,
	NSS_TASK_EXITED,
	NSS_TASK_REAPED,
};

struct world;

struct nss_observer {
	void (*event_begin)(void *data, const struct nss_event *ev);
	void (*event_end)(void *data, const struct nss_event *ev);
	void (*transition)(void *data, const struct nss_transition *t);
	void (*warning)(void *data, const struct nss_warning *w);
	void (*violation)(void *data, const struct nss_violation *v);
	/* Lifecycle of objects (namespaces and tasks carry their id). */
	void (*object)(void *data, enum nss_object_change what,
		       enum nss_obj_kind kind, uint64_t id);
	/* Deferred kernel work was queued: @site names it (put_cred_rcu ...). */
	void (*deferred)(void *data, uint64_t id, const char *site);
	void *data;
};

/* ---- the world ---------------------------------------------------- */

enum nss_audit {
	NSS_AUDIT_OFF,
	NSS_AUDIT_INCREMENTAL,
	NSS_AUDIT_FULL,
};

enum nss_lazy_tlb {
	NSS_LAZY_TLB_REFCOUNT,
	NSS_LAZY_TLB_SHOOTDOWN,
};

struct nss_config {
	const struct nss_variant *variant; /* NULL: 6.19 */
	unsigned int cpus;                 /* 0: 1 */
	enum nss_lazy_tlb lazy_tlb;
	enum nss_audit audit;
	/* /proc/sys/user/max_*_namespaces of the initial user namespace. */
	int32_t init_max_namespaces;       /* 0: 96365, as observed on 6.18 */
};

struct world *world_new(const struct nss_config *cfg);
void world_free(struct world *w);
typedef struct world nss_world;
G_DEFINE_AUTOPTR_CLEANUP_FUNC(nss_world, world_free)

const struct nss_variant *world_variant(const struct world *w);
void world_set_audit(struct world *w, enum nss_audit audit);
void world_add_observer(struct world *w, const struct nss_observer *obs);

/* The initial task: pid 1, all initial namespaces, root in init_user_ns. */
uint64_t world_init_task(const struct world *w);

/* Number of counter moves made so far (== transitions observers saw). */
uint64_t world_transition_count(const struct world *w);
uint64_t world_event_count(const struct world *w);
/* The event running or last run (seq 0 before the first). */
const struct nss_event *world_last_event(const struct world *w);
uint64_t world_violation_count(const struct world *w);
uint64_t world_warning_count(const struct world *w);

/*
 * Deferred kernel work (RCU callbacks, workqueues): queued in order, run
 * when the caller says so.  Each item runs as an event of its own.
 */
size_t world_deferred_pending(const struct world *w);
/* Runs up to @max queued items (0: all, including newly queued); count run. */
size_t world_run_deferred(struct world *w, size_t max);
/* Runs one queued item by the id its observer notification gave; false if gone. */
bool world_run_deferred_id(struct world *w, uint64_t id);
/* true for workqueue items (free_user_ns, cleanup_net, free_ipc), false for RCU. */
bool nss_deferred_is_work(const char *site);

/*
 * A hash of the model's state (every counter, every link between objects,
 * in creation order), for searches that skip states already seen.
 */
uint64_t world_state_hash(const struct world *w);

/* Full audit now, as its own event; returns the number of new violations. */
size_t world_check(struct world *w);

/* ---- the syscall-like API (value or -errno) -------------------------- */

#define NSS_WNOHANG 1
#define NSS_WNOWAIT 0x01000000   /* leave the child a zombie (waitid) */

/* clone3(): returns the child's task id; *pidfd gets the fd for CLONE_PIDFD. */
int64_t sys_clone(struct world *w, uint64_t task, uint64_t flags, int *pidfd);
int sys_unshare(struct world *w, uint64_t task, uint64_t flags);
/* @fd is an nsfs fd (nstype 0 or its type) or a pidfd (a set of types). */
int sys_setns(struct world *w, uint64_t task, int fd, uint64_t nstype);
/*
 * setns() in two events, as if preempted between validate_nsset() and
 * commit_nsset(): begin returns an id (> 0) or the errno setns() would;
 * finish commits.  A task that exits first completes its setns() then.
 */
int64_t sys_setns_begin(struct world *w, uint64_t task, int fd, uint64_t nstype);
int sys_setns_finish(struct world *w, uint64_t task, uint64_t id);
int sys_execve(struct world *w, uint64_t task);
/* exit(2) of one thread; exit_group(2) of the whole thread group. */
int sys_exit(struct world *w, uint64_t task, int code);
int sys_exit_group(struct world *w, uint64_t task, int code);
/*
 * wait4(): @target 0 waits for any child.  Returns the reaped task id.  The
 * model never blocks: with NSS_WNOHANG a live child gives 0, without it
 * -EAGAIN (the simulation layer turns that into waiting).
 */
int64_t sys_wait(struct world *w, uint64_t task, uint64_t target, int options);
/* sys_wait() that also gives the reaped task's wait status, as wait4() encodes it:
 * (code & 0xff) << 8 after exit(code), the signal number after a fatal signal. */
int64_t sys_wait4(struct world *w, uint64_t task, uint64_t target, int options, int *status);
/* open("/proc/<target>/ns/<name>"): name as in /proc, e.g. "pid_for_children". */
int sys_open_ns(struct world *w, uint64_t task, uint64_t target, const char *name);
int sys_close(struct world *w, uint64_t task, int fd);
int sys_dup(struct world *w, uint64_t task, int fd);
int sys_pidfd_open(struct world *w, uint64_t task, uint64_t target, unsigned int flags);
/* socket(@family, SOCK_DGRAM, 0): the socket pins the current net ns (P only). */
int sys_socket(struct world *w, uint64_t task, int family);   /* SOCK_DGRAM, protocol 0 */
enum { NSS_SOCK_STREAM = 1, NSS_SOCK_DGRAM = 2, NSS_SOCK_RAW = 3, NSS_SOCK_SEQPACKET = 5 };
/* socket(family, type, protocol): the family's type and protocol rules; EPERM
 * for a raw inet socket without CAP_NET_RAW over the net namespace's owner. */
int sys_socket3(struct world *w, uint64_t task, int family, int type, int protocol);
#define NSS_SIOCGSKNS 0x894C
/* ioctl(): SIOCGSKNS on a socket returns a new nsfs fd; others ENOTTY. */
int sys_ioctl(struct world *w, uint64_t task, int fd, unsigned long cmd);
/* ---- nsfs, handles, ioctls, sockets, listns (issue 4) ---- */

/*
 * A file handle: the generic struct file_handle header and up to 16 bytes
 * of payload, read as nsfs's struct nsfs_file_handle.  A pidfs handle's
 * payload is the pid's 8-byte inode number, which ns_id then holds.
 */
struct nss_handle {
	uint64_t ns_id;        /* nsfs: the namespace id; pidfs: the inode number */
	uint32_t ns_type;      /* CLONE_NEW* or 0 */
	uint32_t ns_inum;      /* or 0 */
	uint32_t handle_bytes; /* the payload's size: 16 nsfs, 8 pidfs */
	int32_t handle_type;   /* FILEID_NSFS, FILEID_KERNFS, ...; with FILEID_IS_* flags */
};
#define NSS_FILEID_INO32_GEN 0x01  /* shmem (memfd) */
#define NSS_FILEID_INO64_GEN 0x81  /* AT_HANDLE_FID where the fs has no encode_fh */
#define NSS_FILEID_NSFS 0xf1
#define NSS_FILEID_KERNFS 0xfe     /* pidfs handles */
#define NSS_FILEID_INVALID 0xff
#define NSS_FILEID_IS_CONNECTABLE 0x10000
#define NSS_FILEID_IS_DIR 0x20000
#define NSS_MAX_HANDLE_SZ 128

/* open(2) flags (x86-64 values) */
#define NSS_O_WRONLY    01
#define NSS_O_RDWR      02
#define NSS_O_CREAT     0100
#define NSS_O_EXCL      0200
#define NSS_O_NOCTTY    0400
#define NSS_O_TRUNC     01000
#define NSS_O_APPEND    02000
#define NSS_O_NONBLOCK  04000
#define NSS_O_DSYNC     010000
#define NSS_O_ASYNC     020000       /* FASYNC */
#define NSS_O_DIRECT    040000
#define NSS_O_LARGEFILE 0100000
#define NSS_O_DIRECTORY 0200000
#define NSS_O_NOFOLLOW  0400000
#define NSS_O_NOATIME   01000000
#define NSS_O_CLOEXEC   02000000
#define NSS_O_SYNC      (04000000 | NSS_O_DSYNC)
#define NSS_O_PATH      010000000
#define NSS_O_TMPFILE   (020000000 | NSS_O_DIRECTORY)

/* name_to_handle_at() flags */
#define NSS_AT_HANDLE_MNT_ID_UNIQUE 0x001
#define NSS_AT_HANDLE_CONNECTABLE   0x002
#define NSS_AT_HANDLE_FID           0x200
#define NSS_AT_SYMLINK_FOLLOW       0x400
#define NSS_AT_EMPTY_PATH           0x1000
/* open_by_handle_at() mount fds besides a real fd */
#define NSS_AT_FDCWD        (-100)
#define NSS_FD_PIDFS_ROOT   (-10002)
#define NSS_FD_NSFS_ROOT    (-10003)

/*
 * name_to_handle_at(fd, path, h, &mnt_id, flags) with a buffer of @bytes.
 * The model's files are no directories: a non-empty @path is ENOTDIR.  On
 * EOVERFLOW @out has the size needed and type FILEID_INVALID.
 */
int sys_name_to_handle_at(struct world *w, uint64_t task, int fd, const char *path,
			  uint32_t bytes, int flags, struct nss_handle *out);
/* name_to_handle_at(fd, "", h, &mnt_id, AT_EMPTY_PATH) */
int sys_name_to_handle(struct world *w, uint64_t task, int fd, uint32_t bytes,
		       struct nss_handle *out);
/* open_by_handle_at(mount_fd, h, flags): a new fd */
int sys_open_by_handle_at(struct world *w, uint64_t task, int mount_fd,
			  const struct nss_handle *h, int flags);
/* open_by_handle_at(FD_NSFS_ROOT, h, flags) */
int sys_open_by_handle(struct world *w, uint64_t task, const struct nss_handle *h,
		       int flags);

enum nss_nsio {
	NSS_NS_GET_USERNS = 0xb701,
	NSS_NS_GET_PARENT = 0xb702,
	NSS_NS_GET_NSTYPE = 0xb703,
	NSS_NS_GET_OWNER_UID = 0xb704,
	NSS_NS_GET_MNTNS_ID = 0x8008b705,
	NSS_NS_GET_ID = 0x8008b70d,
	/* _IOR(NSIO, 10..12, struct mnt_ns_info): 16 bytes */
	NSS_NS_MNT_GET_INFO = 0x8010b70a,
	NSS_NS_MNT_GET_NEXT = 0x8010b70b,
	NSS_NS_MNT_GET_PREV = 0x8010b70c,
	/* pidfs: PIDFD_GET_<type>_NAMESPACE = _IO(0xFF, 1..10) */
	NSS_PIDFD_GET_CGROUP_NAMESPACE = 0xff01,
	NSS_PIDFD_GET_IPC_NAMESPACE,
	NSS_PIDFD_GET_MNT_NAMESPACE,
	NSS_PIDFD_GET_NET_NAMESPACE,
	NSS_PIDFD_GET_PID_NAMESPACE,
	NSS_PIDFD_GET_PID_FOR_CHILDREN_NAMESPACE,
	NSS_PIDFD_GET_TIME_NAMESPACE,
	NSS_PIDFD_GET_TIME_FOR_CHILDREN_NAMESPACE,
	NSS_PIDFD_GET_USER_NAMESPACE,
	NSS_PIDFD_GET_UTS_NAMESPACE,
};
/*
 * ioctl() returning a value: NS_GET_NSTYPE, NS_GET_OWNER_UID, NS_GET_ID,
 * NS_GET_MNTNS_ID (the u64 ones through *value).  Those returning an fd
 * (NS_GET_USERNS, NS_GET_PARENT, SIOCGSKNS, PIDFD_GET_*) return it.
 */
int sys_ioctl_value(struct world *w, uint64_t task, int fd, unsigned long cmd,
		    uint64_t *value);

/* A bind mount of an nsfs fd at @path in the caller's mount namespace. */
int64_t sys_mount_bind(struct world *w, uint64_t task, int fd, const char *path);
int sys_umount(struct world *w, uint64_t task, const char *path);
/* open(@path): an nsfs bind mount in the caller's mount ns, else a regular file. */
int sys_open_file(struct world *w, uint64_t task, const char *path);
/* pipe2(fds, 0 or NSS_O_CLOEXEC) and memfd_create(name, 0 or MFD_CLOEXEC = 1):
 * files with an f_cred and no namespace. */
int sys_pipe(struct world *w, uint64_t task, int flags, int *fds);
int sys_memfd_create(struct world *w, uint64_t task, int flags);
/* open("/proc/<target>/fd/<fd>", flags): a new file on the same inode. */
int sys_reopen_fd(struct world *w, uint64_t task, uint64_t target, int fd, int flags);

/* SCM_RIGHTS: @fd goes in flight to @to; received at once unless @queue. */
int sys_send_fd(struct world *w, uint64_t task, int fd, uint64_t to, bool queue);
/* Receive the oldest fd in flight to the caller: a new fd, or -EAGAIN. */
int sys_recv_fd(struct world *w, uint64_t task);
int sys_pidfd_getfd(struct world *w, uint64_t task, int pidfd, int targetfd);
/* getsockopt(SO_NETNS_COOKIE) */
int sys_netns_cookie(struct world *w, uint64_t task, int fd, uint64_t *cookie);
/* fstat(): st_ino (the ns inum for nsfs) and st_dev (an id per file system). */
int sys_fstat(struct world *w, uint64_t task, int fd, uint64_t *ino, uint64_t *dev);

#define NSS_LISTNS_CURRENT_USER UINT64_MAX
struct nss_listns_req {
	uint32_t size;        /* NS_ID_REQ_SIZE_VER0 = 32 */
	uint32_t spare;
	uint64_t ns_id;       /* cursor: list ids after this one */
	uint32_t ns_type;     /* mask of CLONE_NEW* (0: all) */
	uint32_t spare2;
	uint64_t user_ns_id;  /* 0, an id, or NSS_LISTNS_CURRENT_USER */
};
/*
 * listns(): up to @nr ids into @out (an array of @nr, or NULL for a buffer
 * the kernel cannot write: EFAULT at the first id).  6.18: -ENOSYS.
 */
int64_t sys_listns(struct world *w, uint64_t task, const struct nss_listns_req *req,
		   uint64_t *out, uint64_t nr, unsigned int flags);
/* listns() into a buffer whose first @writable ids can be written; the
 * next put_user() faults: EFAULT, the ids before it written. */
int64_t sys_listns_partial(struct world *w, uint64_t task, const struct nss_listns_req *req,
			   uint64_t *out, uint64_t nr, uint64_t writable, unsigned int flags);

/* kill(2) / pidfd_send_signal(2): a fatal signal; the thread group exits. */
int sys_kill(struct world *w, uint64_t task, uint64_t target, int sig);
/* prctl(PR_SET_NO_NEW_PRIVS, @value) if @set, else PR_GET_NO_NEW_PRIVS (0 or 1) */
int sys_no_new_privs(struct world *w, uint64_t task, int set, int value);
int sys_pidfd_send_signal(struct world *w, uint64_t task, int pidfd, int sig);
/* sigaction(SIGCHLD, SIG_IGN or SIG_DFL): children are reaped at exit. */
int sys_sigchld_ignore(struct world *w, uint64_t task, bool ignore);
/* capset(2): keep only these capabilities (bit masks) in the current cred. */
int sys_capset(struct world *w, uint64_t task, uint64_t effective, uint64_t permitted);
/* The capabilities of a task's cred (introspection). */
bool nss_task_caps(const struct world *w, uint64_t task, uint64_t *effective,
		   uint64_t *permitted);

/* Credential changes; -1 leaves an id unchanged as in the kernel. */
int sys_setuid(struct world *w, uint64_t task, int64_t uid);
int sys_setgid(struct world *w, uint64_t task, int64_t gid);
int sys_setresuid(struct world *w, uint64_t task, int64_t r, int64_t e, int64_t s);
int sys_setresgid(struct world *w, uint64_t task, int64_t r, int64_t e, int64_t s);
int sys_setfsuid(struct world *w, uint64_t task, int64_t fsuid);
int sys_setfsgid(struct world *w, uint64_t task, int64_t fsgid);
int sys_setreuid(struct world *w, uint64_t task, int64_t r, int64_t e);
int sys_setregid(struct world *w, uint64_t task, int64_t r, int64_t e);
/*
 * Writing /proc/<target>/uid_map (@gid false) or gid_map: one extent.
 */
/* write "deny" (or "allow") to /proc/<target>/setgroups. */
int sys_write_setgroups(struct world *w, uint64_t task, uint64_t target, bool deny);
int sys_write_id_map(struct world *w, uint64_t task, uint64_t target, bool gid,
		     uint32_t inside, uint32_t outside, uint32_t count);
/* Writing /proc/sys/user/max_<type>_namespaces in the caller's user ns. */
int sys_set_max_namespaces(struct world *w, uint64_t task, enum ns_type type,
			   int32_t value);

/* errno value -> "EPERM" (NULL when unknown); "EPERM" -> value (0: unknown). */
const char *nss_errno_name(int e);
int nss_errno_value(const char *name);

/* ---- the scheduler (kernel/sched/core.c, kernel/cpu.c) ------------- */

/* Run @task on @cpu now (migrate if needed): a context switch there. */
int sched_run_on(struct world *w, uint64_t task, unsigned int cpu);
/* @task blocks: if it is running, its CPU switches to the idle task. */
int sched_block(struct world *w, uint64_t task);
/* @cpu has nothing to run: whatever runs there blocks, idle takes over. */
int sched_cpu_idle(struct world *w, unsigned int cpu);
/* CPU hotplug: offline migrates its tasks and drops its lazy mm (EBUSY for the last). */
int sched_cpu_offline(struct world *w, unsigned int cpu);
int sched_cpu_online(struct world *w, unsigned int cpu);

struct nss_cpu_info {
	unsigned int id;
	bool online;
	uint64_t curr;      /* task id running there, 0 for the idle task */
	uint64_t lazy_mm;   /* mm id the idle task borrows, 0 for none */
	uint64_t ipis;      /* shootdown IPIs received */
};
bool nss_cpu_info(const struct world *w, unsigned int cpu, struct nss_cpu_info *out);
unsigned int world_cpus(const struct world *w);
/* The CPU a task runs on (or last ran on). */
int nss_task_cpu(const struct world *w, uint64_t task);

/* ---- fallible sites (docs/fault-sites.md) ------------------------------ */

struct nss_fault_site {
	const char *name;
	int err;              /* the errno the kernel returns there */
	const char *function; /* the kernel function */
	const char *description;
	/* why a real kernel cannot fail it through fail-nth (failslab), or NULL */
	const char *no_fail_nth;
	/* the kernel passes on the errno of whatever failed there: err is one of many */
	bool any_errno;
};
const struct nss_fault_site *nss_fault_sites(size_t *n);
/* The site called @name, or NULL. */
const struct nss_fault_site *nss_fault_site_lookup(const char *name);
/* Make the @nth next pass through @site fail with @err (0: its own errno). */
int world_fail_next(struct world *w, const char *site, int err, unsigned int nth);
uint64_t world_site_passes(const struct world *w, const char *site);
uint64_t world_faults_injected(const struct world *w);

/* ---- introspection (not events) ----------------------------------- */

struct nss_ns_info {
	uint64_t id;
	enum ns_type type;
	uint32_t inum;
	int32_t ref;
	int32_t active;
	uint64_t owner;    /* id of the owning user ns; 0 for init_user_ns */
	uint64_t parent;   /* pid and user ns: parent id; 0 otherwise */
	unsigned int level;
	bool initial;
	bool boot;         /* made at boot by a kernel thread (kdevtmpfs's mnt ns) */
	bool in_tree;
	bool has_inode;    /* an nsfs inode is stashed */
	bool dying;        /* __ns_ref reached 0, destruction queued */
};

/* false if no namespace with that id is alive. */
bool nss_ns_info(const struct world *w, uint64_t id, struct nss_ns_info *out);
/* Ids of all namespaces alive, ascending. */
GArray *nss_ns_ids(const struct world *w);
/*
 * The namespace a task uses for @name ("net", "pid_for_children", "user",
 * "pid" = its active pid ns ...); 0 when it has none (exited) or the task
 * is unknown.
 */
uint64_t nss_task_ns(const struct world *w, uint64_t task, const char *name);

enum nss_task_state {
	NSS_TASK_NONE,     /* unknown or reaped */
	NSS_TASK_RUNNING,
	NSS_TASK_ZOMBIE,
	NSS_TASK_EXITING,  /* in its exit, a pid ns init waiting for the zombies of its ns */
};
enum nss_task_state nss_task_state(const struct world *w, uint64_t task);
/* The parent task's id (0 for init and for threads). */
uint64_t nss_task_parent(const struct world *w, uint64_t task);
/* The task's pid number as seen from its own active pid namespace. */
int64_t nss_task_pid_nr(const struct world *w, uint64_t task);
/* @task's pid number in @viewer's active pid namespace; 0 if it has none there. */
int64_t nss_task_pid_in(const struct world *w, uint64_t task, uint64_t viewer);
struct nss_fd_info {
	bool regular;      /* a regular file (open_file), not nsfs, pidfs or a socket */
	bool cloexec;      /* FD_CLOEXEC: execve() closes it */
	uint64_t pidfd_task; /* a pidfd: the task its pid still names, else 0 */
};
/* false when @task has no such fd. */
bool nss_fd_info(const struct world *w, uint64_t task, int fd, struct nss_fd_info *out);
/* Ids of every task not yet reaped, in creation order. */
GArray *nss_task_ids(const struct world *w);

G_END_DECLS

#endif /* NSSIM_CORE_H */
