/*
 * The harness of a test vector written by `nssim export --format c`.
 *
 * It replays one recorded nssim run on the running kernel with real
 * syscalls and prints KTAP as kselftest does (exit 0 pass, 1 fail, 4 skip).
 * Every task of the run is a real process (a "puppet") that executes the
 * calls the controller (this program's first process) sends it over a
 * socket and answers with the result.  The controller maps the model's fds,
 * tasks and namespace ids to the real ones and compares what userspace can
 * observe: return values, errnos, ids as equalities, and after each step
 * which namespaces a root caller can open by file handle.  Where the kernel
 * frees asynchronously the controller polls, with a bound, instead of
 * relying on timing.  The harness's own sockets are created in the initial
 * namespaces, so they pin nothing the run can observe.
 *
 * No dependency beyond libc and kernel headers; constants that older
 * headers lack are defined here with their values.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif
#ifndef CLONE_NEWCGROUP
#define CLONE_NEWCGROUP 0x02000000
#endif
#ifndef CLONE_PIDFD
#define CLONE_PIDFD 0x00001000
#endif
#ifndef __NR_clone3
#define __NR_clone3 435
#endif
#ifndef __NR_pidfd_open
#define __NR_pidfd_open 434
#endif
#ifndef __NR_pidfd_getfd
#define __NR_pidfd_getfd 438
#endif
#ifndef __NR_pidfd_send_signal
#define __NR_pidfd_send_signal 424
#endif
#ifndef __NR_listns
#define __NR_listns 470
#endif
#ifndef SIOCGSKNS
#define SIOCGSKNS 0x894C
#endif
#ifndef SO_NETNS_COOKIE
#define SO_NETNS_COOKIE 71
#endif
#define VEC_NS_GET_USERNS 0xb701
#define VEC_NS_GET_PARENT 0xb702
#define VEC_NS_GET_NSTYPE 0xb703
#define VEC_NS_GET_OWNER_UID 0xb704
#define VEC_NS_GET_MNTNS_ID 0x8008b705
#define VEC_NS_GET_ID 0x8008b70d
#define VEC_NS_MNT_GET_INFO 0x8010b70a
#define VEC_NS_MNT_GET_NEXT 0x8010b70b
#define VEC_NS_MNT_GET_PREV 0x8010b70c
#define VEC_PIDFD_GET_TIME_NAMESPACE 0xff07
#define VEC_PIDFD_GET_TIME_FOR_CHILDREN_NAMESPACE 0xff08
#define VEC_FD_NSFS_ROOT (-10003)
#define VEC_FILEID_NSFS 0xf1
#define VEC_FILEID_KERNFS 0xfe
#define VEC_MAX_HANDLE_SZ 128

#define KSFT_PASS 0
#define KSFT_FAIL 1
#define KSFT_SKIP 4

#define MAXFD 256
#define MAXLEVEL 40
#define TIMEOUT_MS 10000   /* a puppet's answer, a task's death */
#define SETTLE_MS 10000    /* asynchronous frees (RCU, workqueues); NSSIM_VECTOR_SETTLE_MS */

/* ---- the recorded run (written by nssim export) ---------------------- */

enum op {
	OP_CAPTURE,     /* learn a namespace's id and inode from a task's link */
	OP_SETTLE,      /* deferred kernel work ran in the model: poll */
	OP_CLONE, OP_UNSHARE, OP_SETNS, OP_OPEN_NS, OP_CLOSE, OP_DUP,
	OP_IOCTL, OP_N2H, OP_OBH, OP_FSTAT, OP_SOCKET, OP_COOKIE,
	OP_SEND_FD, OP_RECV_FD, OP_PIDFD_OPEN, OP_PIDFD_GETFD,
	OP_EXIT, OP_WAIT, OP_KILL, OP_SIGCHLD,
	OP_SETUID, OP_SETGID, OP_SETRESUID, OP_SETRESGID, OP_SETFSUID,
	OP_WRITE_MAP, OP_SET_MAX, OP_CAPSET, OP_LISTNS, OP_EXECVE, OP_EXIT_THREAD,
	OP_MOUNT_BIND, OP_UMOUNT, OP_OPEN_FILE,
	OP_SETREUID, OP_SETREGID, OP_SETFSGID, OP_PIDFD_SIGNAL, OP_REOPEN,
	OP_PIPE, OP_MEMFD, OP_PRCTL_NNP,
};

enum ret_kind {
	R_ZERO,   /* 0 on success */
	R_FD,     /* a new fd: the model's number is want */
	R_TASK,   /* a task: want is its slot (0: none, as WNOHANG) */
	R_NSID,   /* a namespace id: want is the namespace's slot */
	R_COOKIE, /* a net namespace cookie: want is the namespace's slot */
	R_VALUE,  /* a value compared as is */
	R_ANY,    /* success, the value is not comparable (inode numbers) */
};

/*
 * A namespace id as the model passed it: >= 0 the namespace in that slot,
 * ID_ZERO the id 0, ID_NONE an id no namespace has, ID_CURRENT_USER
 * listns()'s LISTNS_CURRENT_USER.
 */
#define ID_ZERO (-2)
#define ID_NONE (-1)
#define ID_CURRENT_USER (-3)

struct handle_spec {
	int slot;          /* the namespace the id names, or ID_ZERO, ID_NONE */
	int inum;          /* 0: inode 0; 1: that namespace's; 2: a wrong one */
	unsigned int type;
	unsigned int bytes;
	int fh_type;
};

struct step {
	int op;
	int task;                /* slot of the calling task */
	long long a[8];          /* model fds, task slots, flags, values */
	const char *str;         /* /proc link name, map text, sysctl name */
	struct handle_spec h;
	const int *list;         /* listns: the slots returned, in order */
	int nlist;
	int kind;                /* enum ret_kind */
	long long want;
	int werr;                /* the model's errno, 0 on success */
	int cloexec;             /* the new fd (or clone's pidfd) is FD_CLOEXEC */
	const char *expect;      /* per namespace slot: y reachable, n not, . unasserted */
	const char *warn;        /* the kernel warnings the model predicts at this step */
	int fault;               /* the model fails this call at an injected allocation */
	const char *tasks;       /* per task slot after the step: r z g, x in its exit
				  * (a pid ns init waiting for its ns's zombies), - not yet */
	const char *what;
	const char *src;
};

struct nsdef {
	unsigned long long model_id;
	unsigned int type;       /* CLONE_NEW* */
	const char *name;
};

/* ---- the vector ---- */
/* ---- the harness ---- */

struct msg {
	int op;
	int fail_nth;            /* > 0: fail the call's nth fault-injection point */
	long long a[8];
	char str[160];
	unsigned char handle[8 + VEC_MAX_HANDLE_SZ];
};

struct reply {
	long long ret;           /* value or -errno */
	int injected;            /* with fail_nth: 1 a failure was injected, 2 the call ended
				  * first, 3 fail-nth could not be armed */
	unsigned long long val;
	unsigned int hlen;       /* name_to_handle_at: handle_bytes */
	int htype;
	unsigned char hbuf[VEC_MAX_HANDLE_SZ];
	int nids;                /* listns */
	unsigned long long ids[64];
};

struct hello {
	pid_t hostpid;
	int nlevels;
	int nspid[MAXLEVEL];
};

enum { T_NONE, T_RUNNING, T_ZOMBIE, T_GONE, T_EXITING };

struct puppet {
	int state;
	pid_t pid;               /* in the controller's (the initial) pid ns */
	int chan;                /* controller's end */
	int mbox_tx;             /* controller's end of the task's SCM_RIGHTS mailbox */
	int nlevels;
	int nspid[MAXLEVEL];
	int files;               /* its fd table: an index in fdt[] */
	unsigned long long pidfs_ino; /* its pid's pidfs inode number, once a handle told it */
};

/* fd tables: CLONE_FILES shares one between tasks, as the model does */
static struct fdtable {
	int fd[MAXFD];           /* model fd -> real fd, -1 */
	signed char pidfd_of[MAXFD]; /* model fd -> task slot of a pidfd, -1 */
	char cloexec[MAXFD];     /* the kernel installed it O_CLOEXEC: execve closes it */
} fdt[VEC_NTASKS];
#define FDT(t) (&fdt[tasks[t].files])

static struct puppet tasks[VEC_NTASKS];
static struct { int known; unsigned long long id; unsigned int inum; } nsr[VEC_NNS];
static struct { long long model; unsigned long long real; } cookies[VEC_NNS];
static int ncookies;
static char failmsg[1024];
/* what the run checked: results compared, handle opens asserted, of them polled */
static int n_results, n_reach, n_polled;
static const char *not_run;  /* why a step could not run */
/* A kernel built without CONFIG_TIME_NS (User-Mode Linux has no vDSO) */
static int no_timens;
#define NO_TIMENS_WHY "this kernel has no time namespaces (CONFIG_TIME_NS=n)"
/*
 * The kernel log: a WARNING or BUG the model did not predict fails the step;
 * with NSSIM_VECTOR_KERNEL_WARNS=1 (a kernel with CONFIG_DEBUG_VFS, whose
 * namespace assertions are live) so does silence where the model predicts one.
 */
static int kmsg_fd = -1;
static int warns_live;
static int n_kwarn, n_steps_logged;
/*
 * Injected faults (vec_faults > 0).  The model fails one allocation; which
 * fault-injection point of the real call that is depends on the kernel and
 * its state, so the run is replayed with fail-nth = 1, 2, ... at the
 * faulted call until it fails with the model's errno; the rest of the run
 * then checks the model's aftermath there.
 */
#define MAX_FAIL_NTH 1000
static int fault_nth[VEC_NSTEPS > 0 ? VEC_NSTEPS : 1];
/*
 * The searches made at a faulted step.  Where the kernel's allocations
 * come in an order that can shift by one from replay to replay (the state
 * earlier runs left in the kernel), one search over 1..N can step past the
 * allocation; a second search from 1 finds it.
 */
static int fault_searches[VEC_NSTEPS > 0 ? VEC_NSTEPS : 1];
static int cur_step, retry, n_faults_found, fault_matched;
static char fault_note[256];
static char fault_trail[512];  /* the fail-nth values whose errno matched, the aftermath not */
static int trail_step = -1;    /* the faulted step fault_trail is about */
/*
 * The fault sweep (`vector --fault-sweep FILE`, a vector with no injected
 * fault): every clone(), unshare() and setns() of the run is replayed with
 * fail-nth = 1, 2, ... until the call passes fewer fault-injection points.
 * Each real outcome must be one the model produces at that step: a failed
 * call one of FILE's (one per line: step errno expect warn label, from the
 * model's runs with one site pass failed), a call that succeeds anyway the
 * unfaulted run's.
 */
struct alt {
	int step, err, warn;
	char expect[VEC_NNS + 1];
	char label[64];
};
static struct alt *alts;
static int nalts;
static int sweep_step = -1, sweep_nth, sweep_injected, sweep_over;
static int sweep_tests, sweep_bad, sweep_calls;
static long long sweep_ret;
static int faulting;         /* failslab and fail-nth are needed: vec_faults or the sweep */
static int fail_nth_fd = -1; /* a puppet's /proc/thread-self/fail-nth, opened at its start */
static int fail_nth_armed;
static FILE *tap;            /* the KTAP lines of the current attempt */
static char mount_dir[64];   /* bind mount targets: files made here */

static void failf(const char *fmt, ...)
{
	va_list ap;
	size_t n = strlen(failmsg);

	if (n && n < sizeof(failmsg) - 3) {
		strcpy(failmsg + n, "; ");
		n += 2;
	}
	va_start(ap, fmt);
	vsnprintf(failmsg + n, sizeof(failmsg) - n, fmt, ap);
	va_end(ap);
}

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

static void sleep_us(long us)
{
	struct timespec ts = { us / 1000000, (us % 1000000) * 1000 };

	nanosleep(&ts, NULL);
}

/* ---- fd passing -------------------------------------------------------- */

static int send_with_fds(int sock, const void *buf, size_t len, const int *fds, int nfds)
{
	char cbuf[CMSG_SPACE(sizeof(int) * 2)];
	struct iovec iov = { (void *)buf, len };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };

	if (nfds) {
		struct cmsghdr *c;

		memset(cbuf, 0, sizeof(cbuf));
		mh.msg_control = cbuf;
		mh.msg_controllen = CMSG_SPACE(sizeof(int) * (size_t)nfds);
		c = CMSG_FIRSTHDR(&mh);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int) * (size_t)nfds);
		memcpy(CMSG_DATA(c), fds, sizeof(int) * (size_t)nfds);
	}
	return sendmsg(sock, &mh, MSG_NOSIGNAL) < 0 ? -errno : 0;
}

static ssize_t recv_with_fds(int sock, void *buf, size_t len, int *fds, int maxfds, int flags)
{
	char cbuf[CMSG_SPACE(sizeof(int) * 2)];
	struct iovec iov = { buf, len };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1,
			     .msg_control = cbuf, .msg_controllen = sizeof(cbuf) };
	ssize_t n = recvmsg(sock, &mh, flags);
	int got = 0;

	if (n < 0)
		return -errno;
	for (struct cmsghdr *c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c)) {
		if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS) {
			int k = (int)((c->cmsg_len - CMSG_LEN(0)) / sizeof(int));

			for (int i = 0; i < k; i++) {
				int fd;

				memcpy(&fd, CMSG_DATA(c) + i * sizeof(int), sizeof(int));
				if (got < maxfds)
					fds[got++] = fd;
				else
					close(fd);
			}
		}
	}
	for (int i = got; i < maxfds; i++)
		fds[i] = -1;
	return n;
}

/* ---- the puppet: one task of the run --------------------------------- */

static void puppet_hello(int chan)
{
	struct hello h = { 0 };
	char buf[4096], link[64];
	ssize_t n;
	int fd;

	/* "tgid/task/tid": a thread is a task of the run too */
	n = readlink("/proc/thread-self", link, sizeof(link) - 1);
	link[n > 0 ? n : 0] = 0;
	h.hostpid = atoi(strrchr(link, '/') ? strrchr(link, '/') + 1 : link);
	fd = open("/proc/thread-self/status", O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		n = read(fd, buf, sizeof(buf) - 1);
		close(fd);
		buf[n > 0 ? n : 0] = 0;
		char *p = strstr(buf, "\nNSpid:");

		for (p = p ? p + 7 : NULL; p && *p != '\n' && h.nlevels < MAXLEVEL;) {
			char *end;
			long v = strtol(p, &end, 10);

			if (end == p)
				break;
			h.nspid[h.nlevels++] = (int)v;
			p = end;
		}
	}
	/*
	 * fail-nth is opened now, while the task may: after a setuid() the
	 * task is not dumpable, its /proc files are root's, and without
	 * CAP_DAC_OVERRIDE it could no longer open its own.
	 */
	if (faulting)
		fail_nth_fd = open("/proc/thread-self/fail-nth", O_RDWR | O_CLOEXEC);
	send(chan, &h, sizeof(h), MSG_NOSIGNAL);
}

static void puppet_loop(int chan, int mbox) __attribute__((noreturn));

static int thread_main(void *arg)
{
	int *fds = arg;

	puppet_hello(fds[0]);
	puppet_loop(fds[0], fds[1]);
}

/*
 * A thread of the run: glibc's clone() runs it on its own stack.  It
 * shares the process's TLS (errno included), which is safe here because
 * the controller drives one task at a time.
 */
static long clone_thread(const struct msg *m, const int *fds)
{
	size_t size = 256 * 1024;
	char *stack = mmap(NULL, size, PROT_READ | PROT_WRITE,
			   MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
	int *arg;
	long tid;

	if (stack == MAP_FAILED)
		return -errno;
	arg = (int *)stack;
	arg[0] = fds[0];
	arg[1] = fds[1];
	tid = clone(thread_main, stack + size, (int)m->a[0], arg);
	return tid < 0 ? -errno : tid;
}

static long long puppet_do(int *chan, int *mbox, const struct msg *m, const int *fds,
			   struct reply *r)
{
	switch (m->op) {
	case OP_CLONE: {
		struct {
			unsigned long long flags, pidfd, child_tid, parent_tid, exit_signal,
				stack, stack_size, tls;
		} ca = { .flags = (unsigned long long)m->a[0], .exit_signal = SIGCHLD };
		int pidfd = -1;
		long pid;

		if (m->a[0] & CLONE_THREAD)
			return clone_thread(m, fds);
		if (m->a[0] & CLONE_PIDFD)
			ca.pidfd = (unsigned long long)(uintptr_t)&pidfd;
		pid = syscall(__NR_clone3, &ca, sizeof(ca));
		if (pid < 0)
			return -errno;
		if (pid == 0) {
			/* with CLONE_FILES these are the parent's too: leave them */
			if (!(m->a[0] & CLONE_FILES)) {
				close(*chan);
				close(*mbox);
			}
			*chan = fds[0];
			*mbox = fds[1];
			puppet_hello(*chan);
			return LLONG_MIN;   /* the child: no reply, back to the loop */
		}
		r->val = (unsigned long long)pidfd;
		return pid;
	}
	case OP_UNSHARE:
		return unshare((int)m->a[0]) ? -errno : 0;
	case OP_SETNS:
		return setns((int)m->a[0], (int)m->a[1]) ? -errno : 0;
	case OP_CAPTURE: case OP_OPEN_NS: case OP_OPEN_FILE: case OP_WRITE_MAP: case OP_SET_MAX: {
		int fd, flags = m->op == OP_WRITE_MAP || m->op == OP_SET_MAX ? O_WRONLY : O_RDONLY;
		const char *text = m->str + strlen(m->str) + 1;
		long long ret = 0;
		struct stat st;

		fd = open(m->str, flags | (m->op == OP_OPEN_NS || m->op == OP_OPEN_FILE ? 0 : O_CLOEXEC));
		if (fd < 0)
			return -errno;
		if (m->op == OP_OPEN_NS || m->op == OP_OPEN_FILE)
			return fd;
		if (m->op != OP_CAPTURE) {
			ret = write(fd, text, strlen(text)) < 0 ? -errno : 0;
			close(fd);
			return ret;
		}
		if (fstat(fd, &st) || ioctl(fd, VEC_NS_GET_ID, &r->val))
			ret = -errno;
		else
			ret = (long long)st.st_ino;
		close(fd);
		return ret;
	}
	case OP_REOPEN: {
		int fd = open(m->str, (int)m->a[2]);

		return fd < 0 ? -errno : fd;
	}
	case OP_PRCTL_NNP: {
		int ret = m->a[0] ? prctl(38 /* PR_SET_NO_NEW_PRIVS */, (unsigned long)m->a[1], 0, 0, 0)
				  : prctl(39 /* PR_GET_NO_NEW_PRIVS */, 0, 0, 0, 0);

		return ret < 0 ? -errno : ret;
	}
	case OP_PIPE: {
		int p[2];

		if (pipe2(p, (int)m->a[0]))
			return -errno;
		r->val = (unsigned long long)p[1];
		return p[0];
	}
	case OP_MEMFD: {
		int fd = (int)syscall(SYS_memfd_create, "nssim", (unsigned int)m->a[0]);

		return fd < 0 ? -errno : fd;
	}
	case OP_CLOSE:
		return close((int)m->a[0]) ? -errno : 0;
	case OP_DUP: {
		int fd = dup((int)m->a[0]);

		return fd < 0 ? -errno : fd;
	}
	case OP_IOCTL: {
		unsigned long cmd = (unsigned long)m->a[1];
		unsigned int uid = 0;
		int ret;

		if (cmd == VEC_NS_GET_ID || cmd == VEC_NS_GET_MNTNS_ID) {
			ret = ioctl((int)m->a[0], cmd, &r->val);
			return ret < 0 ? -errno : 0;
		}
		if (cmd == VEC_NS_MNT_GET_INFO || cmd == VEC_NS_MNT_GET_NEXT ||
		    cmd == VEC_NS_MNT_GET_PREV) {
			/* struct mnt_ns_info: size, nr_mounts, mnt_ns_id */
			struct { unsigned int size, nr_mounts; unsigned long long id; } info;

			memset(&info, 0, sizeof(info));
			ret = ioctl((int)m->a[0], cmd, &info);
			if (ret < 0)
				return -errno;
			r->val = info.id;
			return cmd == VEC_NS_MNT_GET_INFO ? 0 : ret;
		}
		if (cmd == VEC_NS_GET_OWNER_UID) {
			ret = ioctl((int)m->a[0], cmd, &uid);
			return ret < 0 ? -errno : (long long)uid;
		}
		ret = ioctl((int)m->a[0], cmd, 0);
		return ret < 0 ? -errno : ret;
	}
	case OP_N2H: {
		struct file_handle *fh = alloca(sizeof(*fh) + VEC_MAX_HANDLE_SZ + 4096);
		int mnt = 0;

		fh->handle_bytes = (unsigned int)m->a[1];
		if (name_to_handle_at((int)m->a[0], m->str, fh, &mnt, (int)m->a[2]))
			return -errno;
		r->hlen = fh->handle_bytes;
		r->htype = fh->handle_type;
		memcpy(r->hbuf, fh->f_handle, fh->handle_bytes < VEC_MAX_HANDLE_SZ
					      ? fh->handle_bytes : VEC_MAX_HANDLE_SZ);
		return 0;
	}
	case OP_OBH: {
		int fd = open_by_handle_at((int)m->a[1], (struct file_handle *)m->handle,
					   (int)m->a[0]);

		return fd < 0 ? -errno : fd;
	}
	case OP_FSTAT: {
		struct stat st;

		return fstat((int)m->a[0], &st) ? -errno : (long long)st.st_ino;
	}
	case OP_SOCKET: {
		/* a[1], a[2]: type and protocol; 0 (older vectors) is SOCK_DGRAM */
		int fd = socket((int)m->a[0], m->a[1] ? (int)m->a[1] : SOCK_DGRAM, (int)m->a[2]);

		return fd < 0 ? -errno : fd;
	}
	case OP_COOKIE: {
		socklen_t len = sizeof(r->val);

		return getsockopt((int)m->a[0], SOL_SOCKET, SO_NETNS_COOKIE, &r->val, &len)
			? -errno : 0;
	}
	case OP_SEND_FD: {
		char byte = 'f';
		int fd = (int)m->a[0], ret = send_with_fds(fds[0], &byte, 1, &fd, 1);

		close(fds[0]);
		return ret;
	}
	case OP_RECV_FD: {
		char byte;
		int fd;
		ssize_t n = recv_with_fds(*mbox, &byte, 1, &fd, 1, MSG_DONTWAIT);

		if (n < 0)
			return n;
		return fd < 0 ? -EAGAIN : fd;
	}
	case OP_PIDFD_OPEN: {
		long fd = syscall(__NR_pidfd_open, (pid_t)m->a[0], (unsigned int)m->a[1]);

		return fd < 0 ? -errno : fd;
	}
	case OP_PIDFD_GETFD: {
		long fd = syscall(__NR_pidfd_getfd, (int)m->a[0], (int)m->a[1], 0);

		return fd < 0 ? -errno : fd;
	}
	case OP_EXECVE: {
		/* the same program again, as this task: it answers from main() */
		char c[16], b[16];
		char *argv[] = { "nssim-vector", "--nssim-puppet", c, b, NULL };

		snprintf(c, sizeof(c), "%d", *chan);
		snprintf(b, sizeof(b), "%d", *mbox);
		execv("/proc/self/exe", argv);
		return -errno;
	}
	case OP_MOUNT_BIND: {
		/*
		 * Only in a mount namespace of the run's own (the controller
		 * checked), made private first so nothing propagates to the
		 * machine's mounts, as the model has no propagation.
		 */
		char src[64];

		if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL))
			return -errno;
		snprintf(src, sizeof(src), "/proc/thread-self/fd/%d", (int)m->a[0]);
		return mount(src, m->str, NULL, MS_BIND, NULL) ? -errno : 0;
	}
	case OP_UMOUNT:
		return umount2(m->str, 0) ? -errno : 0;
	case OP_EXIT:
		_exit((int)m->a[0]);
	case OP_EXIT_THREAD:
		syscall(SYS_exit, (int)m->a[0]);
		return -errno;
	case OP_WAIT: {
		siginfo_t si;

		memset(&si, 0, sizeof(si));
		if (waitid(m->a[0] > 0 ? P_PID : P_ALL, (id_t)(m->a[0] > 0 ? m->a[0] : 0), &si,
			   WEXITED | (int)m->a[1]))
			return -errno;
		/* the wait status as wait4() encodes it */
		r->val = si.si_code == CLD_EXITED ? (unsigned long long)(si.si_status & 0xff) << 8
			 : (unsigned long long)si.si_status | (si.si_code == CLD_DUMPED ? 0x80 : 0);
		return si.si_pid;
	}
	case OP_KILL:
		return kill((pid_t)m->a[0], (int)m->a[1]) ? -errno : 0;
	case OP_PIDFD_SIGNAL:
		return syscall(__NR_pidfd_send_signal, (int)m->a[0], (int)m->a[1], NULL, 0)
			? -errno : 0;
	case OP_SIGCHLD:
		return signal(SIGCHLD, m->a[0] ? SIG_IGN : SIG_DFL) == SIG_ERR ? -errno : 0;
	case OP_SETUID:
		return syscall(SYS_setuid, (uid_t)m->a[0]) ? -errno : 0;
	case OP_SETGID:
		return syscall(SYS_setgid, (gid_t)m->a[0]) ? -errno : 0;
	case OP_SETRESUID:
		return syscall(SYS_setresuid, (uid_t)m->a[0], (uid_t)m->a[1], (uid_t)m->a[2])
			? -errno : 0;
	case OP_SETRESGID:
		return syscall(SYS_setresgid, (gid_t)m->a[0], (gid_t)m->a[1], (gid_t)m->a[2])
			? -errno : 0;
	case OP_SETFSUID:
		return syscall(SYS_setfsuid, (uid_t)m->a[0]);
	case OP_SETFSGID:
		return syscall(SYS_setfsgid, (gid_t)m->a[0]);
	case OP_SETREUID:
		return syscall(SYS_setreuid, (uid_t)m->a[0], (uid_t)m->a[1]) ? -errno : 0;
	case OP_SETREGID:
		return syscall(SYS_setregid, (gid_t)m->a[0], (gid_t)m->a[1]) ? -errno : 0;
	case OP_CAPSET: {
		/* drop the bits in a[0] from the effective and permitted sets */
		struct { unsigned int version; int pid; } hdr = { 0x20080522, 0 };
		struct { unsigned int eff, perm, inh; } d[2];

		if (syscall(SYS_capget, &hdr, d))
			return -errno;
		for (int i = 0; i < 2; i++) {
			unsigned int drop = (unsigned int)((unsigned long long)m->a[0] >> (32 * i));

			d[i].eff &= ~drop;
			d[i].perm &= ~drop;
			d[i].inh &= ~drop;
		}
		return syscall(SYS_capset, &hdr, d) ? -errno : 0;
	}
	case OP_LISTNS: {
		struct {
			unsigned int size, spare;
			unsigned long long ns_id;
			unsigned int ns_type, spare2;
			unsigned long long user_ns_id;
		} req = { (unsigned int)m->a[0], (unsigned int)m->a[5],
			  (unsigned long long)m->a[1], (unsigned int)m->a[2], 0,
			  (unsigned long long)m->a[3] };
		/*
		 * a[7]: 0 a buffer of max entries, 1 no buffer, 2 + k a buffer
		 * whose first k entries end where an unmapped page begins
		 */
		unsigned long long *ids = !m->a[7] && m->a[4] > 0 ? calloc((size_t)m->a[4], 8) : NULL;
		long n, k = m->a[7] - 2, page = sysconf(_SC_PAGESIZE);
		size_t len = m->a[7] >= 2 ? ((size_t)k * 8 + (size_t)page - 1) / (size_t)page *
					    (size_t)page + (size_t)page : 0;
		char *map = len ? mmap(NULL, len, PROT_READ | PROT_WRITE,
				       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0) : NULL;
		void *buf = m->a[7] == 1 ? NULL : ids ? (void *)ids : (void *)r->ids;
		int e;

		if (!m->a[7] && m->a[4] > 64 && !ids)
			return -ENOMEM;
		if (len && (map == MAP_FAILED || mprotect(map + len - page, (size_t)page, PROT_NONE)))
			return -ENOMEM;
		if (len)
			buf = map + len - page - k * 8;
		n = syscall(__NR_listns, &req, buf, (size_t)m->a[4], (unsigned int)m->a[6]);
		e = errno;

		if (n > 0 && (ids || len))
			memcpy(r->ids, ids ? (void *)ids : buf,
			       sizeof(r->ids[0]) * (size_t)(n < 64 ? n : 64));
		free(ids);
		if (len)
			munmap(map, len);
		if (n < 0)
			return -e;
		r->nids = (int)n;
		return n;
	}
	}
	return -ENOSYS;
}

/*
 * fail-nth: the calling thread's nth pass through a fault-injection point
 * (failslab here) fails.  The file is opened before the count is armed and
 * read without allocating, so only the call itself is counted.
 */
static void fail_nth_arm(int nth)
{
	char buf[16];
	int n = snprintf(buf, sizeof(buf), "%d", nth);

	if (fail_nth_fd < 0)
		fail_nth_fd = open("/proc/thread-self/fail-nth", O_RDWR | O_CLOEXEC);
	fail_nth_armed = fail_nth_fd >= 0 && pwrite(fail_nth_fd, buf, (size_t)n, 0) == n;
}

/*
 * 1 if the armed failure was injected, 2 if the call ended before it
 * (disarmed), 3 if it could not be armed (the task cannot open its
 * fail-nth: it was made after its parent gave up root).
 */
static int fail_nth_disarm(void)
{
	char buf[16] = "";
	int left;

	if (!fail_nth_armed)
		return fail_nth_fd < 0 ? 3 : 2;
	fail_nth_armed = 0;
	left = pread(fail_nth_fd, buf, sizeof(buf) - 1, 0) > 0 ? atoi(buf) : 0;
	if (left && pwrite(fail_nth_fd, "0", 1, 0) < 0)
		(void)0;
	return left ? 2 : 1;
}

static void puppet_loop(int chan, int mbox)
{
	for (;;) {
		struct msg m;
		struct reply r;
		int fds[2];
		ssize_t n = recv_with_fds(chan, &m, sizeof(m), fds, 2, 0);
		long long ret;

		if (n <= 0)
			_exit(0);   /* the controller is gone */
		memset(&r, 0, sizeof(r));
		if (m.fail_nth)
			fail_nth_arm(m.fail_nth);
		ret = puppet_do(&chan, &mbox, &m, fds, &r);
		if (ret == LLONG_MIN)
			continue;   /* a clone's child: the kernel gave it no count */
		if (m.fail_nth)
			r.injected = fail_nth_disarm();
		/* the child's channel: in a shared table (CLONE_FILES) it is the child's */
		if (m.op == OP_CLONE && (ret < 0 || !(m.a[0] & CLONE_FILES))) {
			close(fds[0]);
			close(fds[1]);
		}
		r.ret = ret;
		if (send(chan, &r, sizeof(r), MSG_NOSIGNAL) < 0)
			_exit(0);
	}
}

/* ---- the controller ---------------------------------------------------- */

static int wait_readable(int fd, int ms)
{
	struct pollfd p = { fd, POLLIN, 0 };

	return poll(&p, 1, ms) == 1 && (p.revents & POLLIN);
}

/* Send @m to task @t and wait for the answer; false (with a message) on none. */
static int call(int t, struct msg *m, const int *fds, int nfds, struct reply *r)
{
	if (send_with_fds(tasks[t].chan, m, sizeof(*m), fds, nfds) < 0) {
		failf("task %d: cannot send the call", t);
		return 0;
	}
	if (!wait_readable(tasks[t].chan, TIMEOUT_MS) ||
	    recv(tasks[t].chan, r, sizeof(*r), 0) != (ssize_t)sizeof(*r)) {
		failf("task %d: no answer within %d ms", t, TIMEOUT_MS);
		return 0;
	}
	return 1;
}

static int new_channel(int *ctl, int *mine)
{
	int sv[2];

	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv))
		return -errno;
	*ctl = sv[0];
	*mine = sv[1];
	return 0;
}

static int read_hello(int t)
{
	struct hello h;

	if (!wait_readable(tasks[t].chan, TIMEOUT_MS) ||
	    recv(tasks[t].chan, &h, sizeof(h), 0) != (ssize_t)sizeof(h)) {
		failf("task %d did not start", t);
		return 0;
	}
	tasks[t].pid = h.hostpid;
	tasks[t].nlevels = h.nlevels;
	memcpy(tasks[t].nspid, h.nspid, sizeof(h.nspid));
	tasks[t].state = T_RUNNING;
	return 1;
}

/* The pid of task @t as task @viewer sees it (its own pid ns level), or 0. */
static pid_t pid_for(int t, int viewer)
{
	int level = tasks[viewer].nlevels - 1;

	if (t < 0 || tasks[t].state == T_NONE || level < 0 || level >= tasks[t].nlevels)
		return 0;
	return tasks[t].nspid[level];
}

static int task_of_pid(pid_t pid, int viewer)
{
	for (int t = 0; t < VEC_NTASKS; t++)
		if (tasks[t].state != T_NONE && pid && pid_for(t, viewer) == pid)
			return t;
	return -1;
}

/* 'R', 'S' ..., 'Z', or 0 once the pid is gone */
static char proc_state(pid_t pid)
{
	char path[64], buf[512], *p;
	int fd;
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	buf[n > 0 ? n : 0] = 0;
	p = strrchr(buf, ')');
	return p && p[1] ? p[2] : 0;
}

/* The model says task @t died (zombie or reaped) in this step: wait for it. */
static void await_death(int t, char want)
{
	long long until = now_ms() + TIMEOUT_MS;
	char st;

	while ((st = proc_state(tasks[t].pid)) && st != 'Z' && st != 'X' && now_ms() < until)
		sleep_us(200);
	if (want == 'g')
		while ((st = proc_state(tasks[t].pid)) && now_ms() < until)
			sleep_us(200);
	if (st && st != 'Z' && st != 'X')
		failf("task %d (pid %d) still alive, the model has it dead", t, tasks[t].pid);
	else if (want == 'g' && st)
		failf("task %d (pid %d) is a zombie, the model has it reaped", t, tasks[t].pid);
	tasks[t].state = want == 'z' ? T_ZOMBIE : T_GONE;
}

/*
 * The model has task @t asleep in its exit (zap_pid_ns_processes(), waiting
 * for zombies of its pid namespace that a parent outside it has not
 * reaped): it must not become a zombie.  Watched for a while, then taken
 * as asleep.
 */
static void await_exiting(int t)
{
	long long until = now_ms() + 200;
	char st = 0;

	while (now_ms() < until && (st = proc_state(tasks[t].pid)) != 'Z' && st != 'X' && st)
		sleep_us(2000);
	if (!st || st == 'Z' || st == 'X')
		failf("task %d (pid %d) died; the model has it wait in zap_pid_ns_processes() "
		      "for the zombies of its pid namespace", t, tasks[t].pid);
	tasks[t].state = T_EXITING;
}

/* A namespace id the model passed, as the kernel knows it. */
static unsigned long long real_id(long long code)
{
	if (code >= 0 && nsr[code].known)
		return nsr[code].id;
	if (code == ID_ZERO)
		return 0;
	if (code == ID_CURRENT_USER)
		return ~0ULL;
	return 0x7ffffffffff00000ULL;   /* an id no namespace has */
}

static void build_handle(const struct handle_spec *h, unsigned char *out)
{
	struct file_handle *fh = (struct file_handle *)out;
	unsigned long long id;
	unsigned int inum = 0, type = h->type;
	unsigned char raw[16];

	if ((h->fh_type & 0xffff) == VEC_FILEID_KERNFS) {
		/* a pidfs handle: the pid's inode number, or one no pid has */
		id = h->slot >= 0 && tasks[h->slot].pidfs_ino ? tasks[h->slot].pidfs_ino
							       : 0x7ffffffffff00000ULL;
		fh->handle_bytes = h->bytes;
		fh->handle_type = h->fh_type;
		memset(fh->f_handle, 0, VEC_MAX_HANDLE_SZ);
		memcpy(fh->f_handle, &id, h->bytes < 8 ? h->bytes : 8);
		return;
	}
	id = real_id(h->slot);
	if (h->inum && h->slot >= 0)
		inum = nsr[h->slot].inum ^ (h->inum == 2 ? 0x5a5a : 0);
	else if (h->inum)
		inum = 0x5a5a;
	memcpy(raw, &id, 8);
	memcpy(raw + 8, &type, 4);
	memcpy(raw + 12, &inum, 4);
	fh->handle_bytes = h->bytes;
	fh->handle_type = h->fh_type;
	memset(fh->f_handle, 0, VEC_MAX_HANDLE_SZ);
	memcpy(fh->f_handle, raw, h->bytes < 16 ? h->bytes : 16);
}

static int handle_opens(int slot)
{
	unsigned char buf[sizeof(struct file_handle) + 16];
	struct file_handle *fh = (struct file_handle *)buf;
	unsigned int type = vec_ns[slot].type;
	int fd;

	fh->handle_bytes = 16;
	fh->handle_type = VEC_FILEID_NSFS;
	memcpy(fh->f_handle, &nsr[slot].id, 8);
	memcpy(fh->f_handle + 8, &type, 4);
	memcpy(fh->f_handle + 12, &nsr[slot].inum, 4);
	fd = open_by_handle_at(VEC_FD_NSFS_ROOT, fh, O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		close(fd);
		return 1;
	}
	return -errno;
}

/*
 * After a step: every namespace the model says is reachable opens by handle
 * now; every one it says is not stops opening within SETTLE_MS (the kernel
 * may free it after an RCU grace period or from a workqueue).
 */
static int settle_ms = SETTLE_MS;

static int write_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC), ret;

	if (fd < 0)
		return -errno;
	ret = write(fd, text, strlen(text)) < 0 ? -errno : 0;
	close(fd);
	return ret;
}

static void kmsg_open(void)
{
	if (kmsg_fd >= 0)
		close(kmsg_fd);
	kmsg_fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (kmsg_fd >= 0)
		lseek(kmsg_fd, 0, SEEK_END);
	/* WARN_ON_ONCE: an earlier vector in this boot must not silence this one */
	write_file("/sys/kernel/debug/clear_warn_once", "1");
}

/* The reports logged since the last call: how many, and the first one. */
static int kmsg_reports(char *first, size_t n)
{
	char rec[1024], last_refcount[256] = "";
	int reports = 0;
	ssize_t r;

	first[0] = 0;
	while (kmsg_fd >= 0 && ((r = read(kmsg_fd, rec, sizeof(rec) - 1)) > 0 ||
				(r < 0 && errno == EPIPE))) {
		char *msg;

		if (r < 0)
			continue;   /* records lost to the ring buffer: go on */
		rec[r] = 0;
		msg = strchr(rec, ';');
		msg = msg ? msg + 1 : rec;
		msg[strcspn(msg, "\n")] = 0;
		if (strstr(msg, "refcount_t: "))
			snprintf(last_refcount, sizeof(last_refcount), "%.200s", msg);
		if (strstr(msg, "WARNING: ") || strstr(msg, "BUG: ")) {
			if (!reports++)
				snprintf(first, n, "%.200s%s%.300s", last_refcount, last_refcount[0] ? " " : "",
					 msg);
			last_refcount[0] = 0;
		}
	}
	return reports;
}

/*
 * failslab's defaults skip every allocation that may sleep (ignore-gfp-wait),
 * that is nearly all of them: count those too while the vector runs, and
 * log one line per injected failure.  Restored at the end.
 */
static const char *const failslab_knobs[][2] = {
	{ "/sys/kernel/debug/failslab/ignore-gfp-wait", "N" },
	{ "/sys/kernel/debug/failslab/verbose", "1" },
};
static char failslab_saved[2][16];

static void failslab_setup(void)
{
	for (int k = 0; k < 2; k++) {
		int fd = open(failslab_knobs[k][0], O_RDONLY | O_CLOEXEC);
		ssize_t n = fd >= 0 ? read(fd, failslab_saved[k], sizeof(failslab_saved[k]) - 1) : -1;

		failslab_saved[k][n > 0 ? n : 0] = 0;
		failslab_saved[k][strcspn(failslab_saved[k], "\n")] = 0;
		if (fd >= 0)
			close(fd);
		write_file(failslab_knobs[k][0], failslab_knobs[k][1]);
	}
}

static void failslab_restore(void)
{
	for (int k = 0; faulting && k < 2; k++)
		if (failslab_saved[k][0])
			write_file(failslab_knobs[k][0], failslab_saved[k]);
}

/* The faulted call's outcome; 1 if the run must be replayed with the next fail-nth. */
static int fault_verdict(const struct step *st, long long ret, const struct reply *r)
{
	int *n = &fault_nth[cur_step];

	if (cur_step == sweep_step) {
		/* the sweep judges a call failed by its fault, not check_result() */
		sweep_ret = ret;
		sweep_injected = r->injected;
		return r->injected == 1 && ret < 0;
	}
	if (!st->fault)
		return 0;
	fault_matched = 0;
	if (trail_step != cur_step)
		fault_trail[0] = 0;
	if (r->injected == 3) {
		failf("this task cannot arm its fail-nth (it was made after its parent gave up "
		      "root: its /proc files are root's)");
		return 0;
	}
	if (r->injected != 1 && fault_searches[cur_step] < 1) {
		fault_searches[cur_step]++;
		*n = 1;
		retry = 1;
		return 1;
	}
	if (r->injected != 1) {
		failf("fail-nth 1..%d, searched twice: no injected failure made the call fail with %s and leave the "
		      "model's state%s%s; at %d it ran to its end (%s)", *n - 1, strerror(st->werr),
		      fault_trail[0] ? " (same errno, other aftermath at: " : "", fault_trail[0] ?
		      fault_trail : "", *n, ret < 0 ? strerror((int)-ret) : "success");
		if (fault_trail[0])
			failf(")");
		return 0;
	}
	if (ret == -st->werr) {
		fault_matched = 1;
		n_faults_found++;
		snprintf(fault_note, sizeof(fault_note),
			 "fail-nth %d: the call fails with %s, as the model's injected fault", *n,
			 strerror(st->werr));
		return 0;
	}
	if (*n >= MAX_FAIL_NTH) {
		failf("fail-nth 1..%d: none made the call fail with %s", *n, strerror(st->werr));
		return 0;
	}
	(*n)++;
	retry = 1;
	return 1;
}

/* Compare the kernel's log around a step with the warnings the model predicts. */
static void check_kernel_log(const struct step *st)
{
	char first[512];
	int reports = kmsg_reports(first, sizeof(first));
	long long until = now_ms() + 200;

	/* a report from deferred work may come a little after the call */
	while (st->warn && warns_live && !reports && now_ms() < until) {
		sleep_us(2000);
		reports = kmsg_reports(first, sizeof(first));
	}
	n_steps_logged += kmsg_fd >= 0;
	if (reports)
		n_kwarn++;
	if (reports && !st->warn)
		failf("the kernel logged \"%s\"; the model predicts no kernel warning here", first);
	else if (!reports && st->warn && warns_live)
		failf("the model predicts a kernel warning here (%s); the kernel logged none",
		      st->warn);
}

static void check_reachable(const char *expect)
{
	long long until = now_ms() + settle_ms;

	for (int s = 0; s < VEC_NNS; s++) {
		int r;

		if (expect[s] == '.' || !nsr[s].known)
			continue;
		r = handle_opens(s);
		n_reach++;
		n_polled += expect[s] == 'n' && r == 1;
		if (expect[s] == 'y' && r != 1)
			failf("%s ns %llu does not open by handle (%s), the model has it reachable",
			      vec_ns[s].name, vec_ns[s].model_id, strerror(-r));
		while (expect[s] == 'n' && r == 1 && now_ms() < until) {
			sleep_us(500);
			r = handle_opens(s);
		}
		if (expect[s] == 'n' && r == 1)
			failf("%s ns %llu still opens by handle after %d ms, the model has it gone",
			      vec_ns[s].name, vec_ns[s].model_id, settle_ms);
		else if (expect[s] == 'n' && r != -ESTALE)
			failf("%s ns %llu: open by handle gives %s, expected ESTALE",
			      vec_ns[s].name, vec_ns[s].model_id, strerror(-r));
	}
}

static int model_fd(int t, long long fd)
{
	return fd >= 0 && fd < MAXFD && FDT(t)->fd[fd] >= 0 ? FDT(t)->fd[fd] : 100000 + (int)fd;
}

static void learn_ns(int slot, unsigned long long id)
{
	for (int s = 0; s < VEC_NNS; s++)
		if (s != slot && nsr[s].known && nsr[s].id == id)
			failf("the real kernel gives ns %llu and ns %llu the same id %llu",
			      vec_ns[s].model_id, vec_ns[slot].model_id, id);
	if (nsr[slot].known && nsr[slot].id != id)
		failf("%s ns %llu: id %llu, earlier %llu", vec_ns[slot].name,
		      vec_ns[slot].model_id, id, nsr[slot].id);
	nsr[slot].id = id;
}

/* Compare a real result with the model's and record what it maps. */
static void check_result(const struct step *st, long long ret, const struct reply *r, int t)
{
	n_results++;
	if (st->werr) {
		if (ret != -st->werr)
			failf("%s, expected %s", ret < 0 ? strerror((int)-ret) : "success",
			      strerror(st->werr));
		return;
	}
	if (ret < 0) {
		failf("%s, expected success", strerror((int)-ret));
		return;
	}
	switch (st->kind) {
	case R_ZERO:
		if (ret != 0)
			failf("returned %lld, expected 0", ret);
		break;
	case R_FD:
		if (st->want >= 0 && st->want < MAXFD) {
			FDT(t)->fd[st->want] = (int)ret;
			FDT(t)->pidfd_of[st->want] = -1;
			FDT(t)->cloexec[st->want] = (char)st->cloexec;
		}
		break;
	case R_VALUE:
		if (st->op == OP_LISTNS && no_timens)
			break;   /* the list, compared without time namespaces, says how many */
		if (ret != st->want)
			failf("value %lld, expected %lld", ret, st->want);
		break;
	case R_NSID:
		if (st->want >= 0)
			learn_ns((int)st->want, r->val);
		break;
	case R_COOKIE: {
		int i;

		for (i = 0; i < ncookies; i++)
			if (cookies[i].model == st->want || cookies[i].real == r->val)
				break;
		if (i == ncookies && ncookies < VEC_NNS) {
			cookies[ncookies].model = st->want;
			cookies[ncookies++].real = r->val;
		} else if (i < ncookies && (cookies[i].model != st->want || cookies[i].real != r->val)) {
			failf("net cookie %llu: the model's namespaces and the kernel's differ",
			      r->val);
		}
		break;
	}
	default:
		break;
	}
}

static int start_init(void)
{
	int ctl = -1, mine = -1, mrx, mtx, sv[2];
	pid_t pid;

	if (new_channel(&ctl, &mine) || socketpair(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0, sv))
		return 0;
	mrx = sv[0];
	mtx = sv[1];
	pid = fork();
	if (pid < 0)
		return 0;
	if (pid == 0) {
		/* the model's init: orphans come to it, as to the model's init */
		prctl(PR_SET_CHILD_SUBREAPER, 1);
		signal(SIGCHLD, SIG_DFL);
		close(ctl);
		close(mtx);
		/* kept across execve(), as the fds a clone receives are */
		fcntl(mine, F_SETFD, 0);
		fcntl(mrx, F_SETFD, 0);
		puppet_hello(mine);
		puppet_loop(mine, mrx);
	}
	close(mine);
	close(mrx);
	tasks[0].chan = ctl;
	tasks[0].mbox_tx = mtx;
	return read_hello(0);
}

/* Runs one step; 1 if it could not run (its task is dead and the model agrees). */
static int run_step(const struct step *st)
{
	int t = st->task;
	struct msg m;
	struct reply r;
	int fds[2], nfds = 0;
	long long ret;

	memset(&m, 0, sizeof(m));
	memset(&r, 0, sizeof(r));
	m.op = st->op;
	if (st->op == OP_SETTLE)
		return 0;
	if (st->fault)
		m.fail_nth = fault_nth[cur_step];
	else if (cur_step == sweep_step)
		m.fail_nth = sweep_nth;
	if (tasks[t].state != T_RUNNING) {
		if (!st->werr)
			failf("task %d is dead, the model has the call succeed", t);
		not_run = "its task has exited: nothing to call";
		return 1;
	}
	if (st->op == OP_N2H && st->a[2] &&
	    (!st->werr || st->werr == EOPNOTSUPP || st->werr == EOVERFLOW)) {
		not_run = "a regular file's handle depends on its file system, which the model has not";
		return 1;
	}
	if (st->op == OP_OPEN_NS && st->a[1]) {
		/*
		 * The model's /proc/<pid> is that of the caller's pid namespace,
		 * where the target is not; this machine's /proc shows it.
		 */
		not_run = "the target is outside the caller's pid namespace, whose /proc the model uses";
		return 1;
	}
	switch (st->op) {
	case OP_CAPTURE:
		if (no_timens && !strncmp(st->str, "time", 4)) {
			/* the model's initial time ns: nothing here to compare it with */
			not_run = NO_TIMENS_WHY;
			return 1;
		}
		snprintf(m.str, sizeof(m.str), "/proc/thread-self/ns/%s", st->str);
		if (!call(t, &m, NULL, 0, &r))
			return 0;
		if (r.ret < 0) {
			failf("cannot open %s: %s", m.str, strerror((int)-r.ret));
			return 0;
		}
		learn_ns((int)st->a[0], r.val);
		nsr[st->a[0]].inum = (unsigned int)r.ret;
		nsr[st->a[0]].known = 1;
		return 0;
	case OP_CLONE: {
		int child = (int)st->a[1], ctl = -1, mine = -1, sv[2];

		if (new_channel(&ctl, &mine) ||
		    socketpair(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0, sv)) {
			failf("socketpair: %s", strerror(errno));
			return 0;
		}
		m.a[0] = st->a[0];
		fds[0] = mine;
		fds[1] = sv[0];
		nfds = 2;
		ret = call(t, &m, fds, nfds, &r) ? r.ret : 0;
		close(mine);
		close(sv[0]);
		if (cur_step == sweep_step && ret > 0 && !st->werr) {
			sweep_ret = ret;
			sweep_injected = r.injected;
		}
		if (ret <= 0 || st->werr) {
			close(ctl);
			close(sv[1]);
			if (!failmsg[0] && !fault_verdict(st, ret, &r))
				check_result(st, ret, &r, t);
			return 0;
		}
		tasks[child].chan = ctl;
		tasks[child].mbox_tx = sv[1];
		if (st->a[0] & CLONE_FILES) {
			tasks[child].files = tasks[t].files;
		} else {
			tasks[child].files = child;
			fdt[child] = fdt[tasks[t].files];
		}
		if (!read_hello(child))
			return 0;
		if (pid_for(child, t) != ret)
			failf("clone returned %lld, the child is pid %d there", ret, pid_for(child, t));
		if ((st->a[0] & CLONE_PIDFD) && st->a[2] >= 0 && st->a[2] < MAXFD) {
			FDT(t)->fd[st->a[2]] = (int)r.val;
			FDT(t)->pidfd_of[st->a[2]] = (signed char)child;
			FDT(t)->cloexec[st->a[2]] = (char)st->cloexec;
		}
		return 0;
	}
	case OP_UNSHARE: case OP_SIGCHLD: case OP_SETUID: case OP_SETGID:
	case OP_SETRESUID: case OP_SETRESGID: case OP_SETFSUID: case OP_CAPSET:
	case OP_SETREUID: case OP_SETREGID: case OP_SETFSGID:
		memcpy(m.a, st->a, sizeof(st->a));
		break;
	case OP_SETNS:
		m.a[0] = model_fd(t, st->a[0]);
		m.a[1] = st->a[1];
		break;
	case OP_OPEN_NS:
		snprintf(m.str, sizeof(m.str), "/proc/%d/ns/%s", tasks[st->a[0]].pid, st->str);
		break;
	case OP_OPEN_FILE:
		/* a bind mount target of the run, or any regular file: the model has no files */
		if (st->a[0] >= 0)
			snprintf(m.str, sizeof(m.str), "%s/%lld", mount_dir, st->a[0]);
		else
			snprintf(m.str, sizeof(m.str), "/dev/null");
		break;
	case OP_PIPE: case OP_MEMFD:
		m.a[0] = st->a[0];
		break;
	case OP_PRCTL_NNP:
		memcpy(m.a, st->a, sizeof(st->a));
		break;
	case OP_N2H:
		/* a[3]: the flags, a[4] the pidfd's task (model side only) */
		m.a[0] = model_fd(t, st->a[0]);
		m.a[1] = st->a[1];
		m.a[2] = st->a[3];
		snprintf(m.str, sizeof(m.str), "%s", st->str ? st->str : "");
		break;
	case OP_CLOSE: case OP_DUP: case OP_FSTAT: case OP_COOKIE: case OP_IOCTL:
	case OP_PIDFD_SIGNAL:
		m.a[0] = model_fd(t, st->a[0]);
		m.a[1] = st->a[1];
		break;
	case OP_OBH:
		/* a[1]: the mount fd, a model fd if a[2] */
		m.a[0] = st->a[0];
		m.a[1] = st->a[2] ? model_fd(t, st->a[1]) : st->a[1];
		build_handle(&st->h, m.handle);
		break;
	case OP_REOPEN:
		/* the target's fd as the kernel numbers it, through this machine's /proc */
		snprintf(m.str, sizeof(m.str), "/proc/%d/fd/%d", tasks[st->a[0]].pid,
			 model_fd((int)st->a[0], st->a[1]));
		m.a[2] = st->a[2];
		break;
	case OP_SOCKET:
		memcpy(m.a, st->a, sizeof(st->a));
		break;
	case OP_SEND_FD:
		m.a[0] = model_fd(t, st->a[0]);
		fds[0] = tasks[st->a[1]].mbox_tx;
		nfds = 1;
		break;
	case OP_RECV_FD: case OP_EXECVE:
		break;
	case OP_PIDFD_OPEN: case OP_KILL:
		m.a[0] = st->a[0] >= 0 && pid_for((int)st->a[0], t) ? pid_for((int)st->a[0], t)
								      : 0x3fffffff;
		m.a[1] = st->a[1];
		break;
	case OP_PIDFD_GETFD: {
		int pfd = (int)st->a[0], target = pfd >= 0 && pfd < MAXFD ? FDT(t)->pidfd_of[pfd] : -1;

		m.a[0] = model_fd(t, st->a[0]);
		m.a[1] = target >= 0 ? model_fd(target, st->a[1]) : 100000;
		break;
	}
	case OP_MOUNT_BIND: case OP_UMOUNT: {
		struct stat mine, theirs;
		char path[96];
		int fd;

		snprintf(m.str, sizeof(m.str), "%s/%lld", mount_dir, st->a[1]);
		if (st->op == OP_UMOUNT)
			break;
		snprintf(path, sizeof(path), "/proc/%d/ns/mnt", tasks[t].pid);
		if (stat("/proc/self/ns/mnt", &mine) || stat(path, &theirs) ||
		    mine.st_ino == theirs.st_ino) {
			failf("refusing to mount in the machine's mount namespace");
			return 0;
		}
		fd = open(m.str, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
		if (fd >= 0)
			close(fd);
		m.a[0] = model_fd(t, st->a[0]);
		break;
	}
	case OP_EXIT: case OP_EXIT_THREAD:
		m.a[0] = st->a[0];
		send_with_fds(tasks[t].chan, &m, sizeof(m), NULL, 0);
		return 0;
	case OP_WAIT:
		m.a[0] = st->a[0] >= 0 ? pid_for((int)st->a[0], t) : -1;
		m.a[1] = st->a[1];
		break;
	case OP_WRITE_MAP: case OP_SET_MAX: {
		size_t n;

		if (st->op == OP_WRITE_MAP)
			snprintf(m.str, sizeof(m.str), "/proc/%d/%s", tasks[st->a[0]].pid, st->str);
		else
			snprintf(m.str, sizeof(m.str), "/proc/sys/user/max_%s_namespaces", st->str);
		n = strlen(m.str) + 1;
		snprintf(m.str + n, sizeof(m.str) - n, "%lld %lld %lld\n", st->a[1], st->a[2], st->a[3]);
		if (st->op == OP_WRITE_MAP && !strcmp(st->str, "setgroups"))
			snprintf(m.str + n, sizeof(m.str) - n, "%s", st->a[1] ? "deny" : "allow");
		if (st->op == OP_SET_MAX)
			snprintf(m.str + n, sizeof(m.str) - n, "%lld\n", st->a[1]);
		break;
	}
	case OP_LISTNS:
		/* ids in the request are the model's: give the kernel's */
		memcpy(m.a, st->a, sizeof(st->a));
		m.a[1] = (long long)real_id(st->a[1]);
		m.a[3] = (long long)real_id(st->a[3]);
		break;
	}
	if (!call(t, &m, fds, nfds, &r))
		return 0;
	ret = r.ret;
	if (st->op == OP_SEND_FD && ret == 0 && !st->werr && st->want >= 0) {
		/* the model's send_fd without queue: the receiver takes it at once */
		struct msg rm = { .op = OP_RECV_FD };
		struct reply rr;

		if (!call((int)st->a[1], &rm, NULL, 0, &rr))
			return 0;
		ret = rr.ret;
		t = (int)st->a[1];
	}
	if (fault_verdict(st, ret, &r))
		return 0;
	check_result(st, ret, &r, t);
	if (failmsg[0] || st->werr)
		return 0;
	switch (st->op) {
	case OP_CLOSE:
		if (st->a[0] >= 0 && st->a[0] < MAXFD)
			FDT(t)->fd[st->a[0]] = -1;
		break;
	case OP_EXECVE:
		/* unshare_files(), then the kernel closed the O_CLOEXEC fds */
		if (tasks[t].files != t) {
			fdt[t] = *FDT(t);
			tasks[t].files = t;
		}
		for (int k = 0; k < MAXFD; k++) {
			if (FDT(t)->cloexec[k]) {
				FDT(t)->fd[k] = -1;
				FDT(t)->cloexec[k] = 0;
			}
		}
		break;
	case OP_DUP: case OP_SEND_FD: case OP_PIDFD_GETFD:
		/* the new fd is the same file: a pidfd stays a pidfd of its task */
		if (st->want >= 0 && st->want < MAXFD) {
			int from = st->op == OP_SEND_FD ? st->task : t;
			long long src = st->op == OP_PIDFD_GETFD ? -1 : st->a[0];

			FDT(t)->pidfd_of[st->want] =
				src >= 0 && src < MAXFD ? FDT(from)->pidfd_of[src] : -1;
		}
		break;
	case OP_PIDFD_OPEN:
		if (st->want >= 0 && st->want < MAXFD)
			FDT(t)->pidfd_of[st->want] = (signed char)st->a[0];
		break;
	case OP_PIPE:
		/* the write end: a[1] in the model's table, r.val here */
		if (st->a[1] >= 0 && st->a[1] < MAXFD) {
			FDT(t)->fd[st->a[1]] = (int)r.val;
			FDT(t)->pidfd_of[st->a[1]] = -1;
			FDT(t)->cloexec[st->a[1]] = (char)st->cloexec;
		}
		break;
	case OP_WAIT:
		if (st->want != task_of_pid((pid_t)ret, t) + 1 && !(ret == 0 && st->want == 0))
			failf("reaped pid %lld (task %d), the model reaped task %lld", ret,
			      task_of_pid((pid_t)ret, t), st->want - 1);
		else if (ret > 0 && st->a[3] && r.val != (unsigned long long)st->a[2])
			failf("wait status %#llx, the model's %#llx", r.val,
			      (unsigned long long)st->a[2]);
		break;
	case OP_N2H: {
		unsigned long long id;
		unsigned int inum;

		if (r.hlen != st->h.bytes || r.htype != st->h.fh_type)
			failf("handle of %u bytes, type %#x; the model: %u, %#x", r.hlen, r.htype,
			      st->h.bytes, st->h.fh_type);
		if (r.htype == VEC_FILEID_KERNFS && r.hlen >= 8 && st->h.slot >= 0) {
			memcpy(&tasks[st->h.slot].pidfs_ino, r.hbuf, 8);
		} else if (r.hlen >= 16 && st->h.slot >= 0) {
			memcpy(&id, r.hbuf, 8);
			memcpy(&inum, r.hbuf + 12, 4);
			learn_ns(st->h.slot, id);
			nsr[st->h.slot].inum = inum;
			nsr[st->h.slot].known = 1;
		}
		break;
	}
	case OP_LISTNS: {
		int list[64], n = 0;

		/* without time namespaces the kernel lists the rest, in the same order */
		for (int i = 0; i < st->nlist && i < 64; i++)
			if (!(no_timens && vec_ns[st->list[i]].type == CLONE_NEWTIME))
				list[n++] = st->list[i];
		if (n < st->nlist && st->nlist == st->a[4]) {
			/* the model's page was full: the kernel's goes on past it */
			if (r.nids < n || r.nids > st->nlist)
				failf("listns returned %d ids, the model %d of which %d are time namespaces",
				      r.nids, st->nlist, st->nlist - n);
		} else if (r.nids != n) {
			failf("listns returned %d ids, the model %d", r.nids, n);
			break;
		}
		for (int i = 0; i < n; i++) {
			int s = list[i];

			if (!nsr[s].known)
				learn_ns(s, r.ids[i]);
			else if (nsr[s].id != r.ids[i])
				failf("listns id %d is %llu, the model's is %s ns %llu (%llu here)", i,
				      r.ids[i], vec_ns[s].name, vec_ns[s].model_id, nsr[s].id);
		}
		break;
	}
	default:
		break;
	}
	return 0;
}

static int kernel_has_listns(void)
{
	return syscall(__NR_listns, NULL, NULL, 0, 0) >= 0 || errno != ENOSYS;
}

/* 0 if a child can unshare() @flags, else the errno. */
static int unshare_works(unsigned int flags)
{
	int status;
	pid_t pid = fork();

	if (pid == 0)
		_exit(unshare((int)flags) ? errno : 0);
	if (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return ECHILD;
	return WEXITSTATUS(status);
}

/*
 * Bind mounts are made only after the task's mount namespace is made
 * private, so that nothing propagates to the machine; in a chroot "/" is
 * no mount point and that fails.  Try it in a child first.
 */
static int private_mounts_work(void)
{
	int status;
	pid_t pid = fork();

	if (pid == 0)
		_exit(unshare(CLONE_NEWNS) || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL));
	return pid > 0 && waitpid(pid, &status, 0) == pid && WIFEXITED(status) &&
	       WEXITSTATUS(status) == 0;
}

/* Whether a step names a time namespace beyond capturing the initial one. */
static int uses_time(void)
{
	for (int i = 0; i < VEC_NSTEPS; i++) {
		const struct step *st = &vec_steps[i];

		if ((st->op == OP_OPEN_NS && !strncmp(st->str, "time", 4)) ||
		    ((st->op == OP_OBH || st->op == OP_N2H) && st->h.type == CLONE_NEWTIME) ||
		    (st->op == OP_IOCTL && (st->a[1] == VEC_PIDFD_GET_TIME_NAMESPACE ||
					    st->a[1] == VEC_PIDFD_GET_TIME_FOR_CHILDREN_NAMESPACE)) ||
		    (st->op == OP_LISTNS && (st->a[2] & CLONE_NEWTIME)) ||
		    (st->op == OP_SETNS && (st->a[1] & CLONE_NEWTIME)))
			return 1;
	}
	return 0;
}

static const char *missing_feature(void)
{
	static char why[160];
	static const struct { unsigned int flag; const char *name; } types[] = {
		{ CLONE_NEWUSER, "user" }, { CLONE_NEWNS, "mnt" }, { CLONE_NEWUTS, "uts" },
		{ CLONE_NEWIPC, "ipc" }, { CLONE_NEWPID, "pid" }, { CLONE_NEWNET, "net" },
		{ CLONE_NEWCGROUP, "cgroup" }, { CLONE_NEWTIME, "time" },
	};
	unsigned char buf[sizeof(struct file_handle) + 16];
	struct file_handle *fh = (struct file_handle *)buf;
	int fd, mnt, has_listns = kernel_has_listns();

	if (geteuid() != 0)
		return "needs root (CAP_SYS_ADMIN in the initial user namespace)";
	for (unsigned int i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		char path[64];

		snprintf(path, sizeof(path), "/proc/self/ns/%s", types[i].name);
		if ((vec_types & types[i].flag) && access(path, F_OK)) {
			snprintf(why, sizeof(why), "no %s namespaces (%s)", types[i].name, path);
			return why;
		}
	}
	if (no_timens && uses_time())
		return "the run uses time namespaces; " NO_TIMENS_WHY;
	if (faulting && access("/proc/self/fail-nth", F_OK))
		return "injected faults need fail-nth, which this kernel has not "
		       "(CONFIG_FAULT_INJECTION_DEBUG_FS)";
	if (faulting && access("/sys/kernel/debug/failslab/ignore-gfp-wait", W_OK))
		return "injected faults need failslab, not here (CONFIG_FAILSLAB, debugfs "
		       "mounted on /sys/kernel/debug)";
	if (vec_active_refs && !has_listns)
		return "the vector is for a kernel with active references and listns() (6.19); this one has no listns()";
	if (!vec_active_refs && has_listns)
		return "the vector is for 6.18 semantics; this kernel has listns() and active references";
	if (syscall(__NR_clone3, NULL, 0) < 0 && errno == ENOSYS)
		return "no clone3()";
	if (vec_types) {
		/* a chroot may not make user namespaces, a container may refuse others */
		int err = unshare_works(vec_types);

		if (err) {
			snprintf(why, sizeof(why), "cannot create the run's namespaces here: %s%s",
				 strerror(err), err == EPERM ? " (a chroot? a restricted container?)" : "");
			return why;
		}
	}
	if (vec_mounts && !private_mounts_work())
		return "cannot make a new mount namespace private (is / a mount point here? not in a chroot)";
	fh->handle_bytes = 16;
	fd = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	if (fd < 0 || name_to_handle_at(fd, "", fh, &mnt, AT_EMPTY_PATH))
		return "no file handles for namespaces";
	close(fd);
	fd = open_by_handle_at(VEC_FD_NSFS_ROOT, fh, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return "open_by_handle_at(FD_NSFS_ROOT) unsupported";
	close(fd);
	return NULL;
}

/* Forget every task, fd and namespace of an attempt (the search replays the run). */
static void reset_state(void)
{
	for (int t = 0; t < VEC_NTASKS; t++) {
		memset(fdt[t].fd, -1, sizeof(fdt[t].fd));
		memset(fdt[t].pidfd_of, -1, sizeof(fdt[t].pidfd_of));
		memset(fdt[t].cloexec, 0, sizeof(fdt[t].cloexec));
		memset(&tasks[t], 0, sizeof(tasks[t]));
		tasks[t].files = t;
		tasks[t].chan = tasks[t].mbox_tx = -1;
	}
	/* the model's init has the console as fds 0, 1, 2: the puppet has its stdio */
	for (int fd = 0; fd < 3; fd++)
		fdt[0].fd[fd] = fd;
	memset(nsr, 0, sizeof(nsr));
	memset(cookies, 0, sizeof(cookies));
	ncookies = 0;
	n_results = n_reach = n_polled = n_kwarn = n_steps_logged = n_faults_found = 0;
	failmsg[0] = 0;
	not_run = NULL;
	retry = 0;
}

/* Kill what is left of the run's tasks and reap them; remove bind mount targets. */
static void teardown(void)
{
	for (int t = VEC_NTASKS - 1; t >= 0; t--) {
		if (tasks[t].state == T_RUNNING || tasks[t].state == T_ZOMBIE ||
		    tasks[t].state == T_EXITING)
			kill(tasks[t].pid, SIGKILL);
		if (tasks[t].chan >= 0)
			close(tasks[t].chan);
		if (tasks[t].mbox_tx >= 0)
			close(tasks[t].mbox_tx);
		tasks[t].chan = tasks[t].mbox_tx = -1;
	}
	while (waitpid(-1, NULL, __WALL) > 0 || errno == EINTR)
		;
	for (int k = 0; vec_mounts && k < vec_mounts; k++) {
		char path[96];

		snprintf(path, sizeof(path), "%s/%d", mount_dir, k);
		unlink(path);
	}
}

/* The model's outcomes for the sweep, from FILE; 0 if it cannot be read. */
static int load_alts(const char *path)
{
	FILE *f = fopen(path, "re");
	char line[512];

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f)) {
		struct alt a;
		char expect[256] = "", label[64] = "";

		if (line[0] == '#' || sscanf(line, "%d %d %255s %d %63s", &a.step, &a.err, expect,
					     &a.warn, label) != 5)
			continue;
		snprintf(a.expect, sizeof(a.expect), "%.*s", VEC_NNS, expect);
		memcpy(a.label, label, sizeof(a.label));
		alts = realloc(alts, sizeof(*alts) * (size_t)(nalts + 1));
		if (!alts)
			abort();
		alts[nalts++] = a;
	}
	fclose(f);
	return 1;
}

/*
 * Do the namespaces known so far open by handle as @expect says (y, n,
 * '.' unasserted)?  A namespace that still opens where @expect has it gone
 * is polled, the caller's deadline shared by all.  @seen gets y/n/? per slot.
 */
static int reach_matches(const char *expect, long long until, char *seen)
{
	int ok = 1;

	for (int s = 0; s < VEC_NNS; s++) {
		char c = s < (int)strlen(expect) ? expect[s] : '.';
		int r;

		seen[s] = '?';
		if (!nsr[s].known)
			continue;
		r = handle_opens(s);
		while (c == 'n' && r == 1 && now_ms() < until) {
			sleep_us(500);
			r = handle_opens(s);
		}
		seen[s] = r == 1 ? 'y' : 'n';
		if ((c == 'y' && r != 1) || (c == 'n' && r == 1))
			ok = 0;
	}
	seen[VEC_NNS] = 0;
	return ok;
}

/* One KTAP line of the sweep: "ok N step S <what>, fail-nth M: <text>". */
static void __attribute__((format(printf, 3, 4)))
sweep_result(int ok, const struct step *st, const char *fmt, ...)
{
	va_list ap;

	sweep_bad += !ok;
	printf("%sok %d step %d %s, fail-nth %d: ", ok ? "" : "not ", ++sweep_tests,
	       sweep_step + 1, st->what, sweep_nth);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
}

/* One outcome of the sweep: the call at sweep_step with fail-nth sweep_nth. */
static void sweep_judge(const struct step *st, int notrun)
{
	char first[512] = "", seen[VEC_NNS + 1] = "", errs[256] = "";
	int reports, any_err = 0;
	long long until = now_ms() + settle_ms;

	if (sweep_injected == 3) {
		sweep_over = 1;
		printf("# step %d %s: not swept: the task cannot arm its fail-nth\n", sweep_step + 1,
		       st->what);
		return;
	}
	if (notrun || sweep_injected != 1) {
		/* the call passed fewer fault points than sweep_nth: the step is done */
		sweep_over = 1;
		if (failmsg[0])
			sweep_result(0, st, "no failure injected, and still: %s", failmsg);
		else
			printf("# step %d %s: %d fault-injection point(s)%s%s\n", sweep_step + 1,
			       st->what, sweep_nth - 1, notrun ? "; not run: " : "",
			       notrun ? not_run : "");
		sweep_calls += !notrun;
		return;
	}
	reports = kmsg_reports(first, sizeof(first));
	if (sweep_ret >= 0) {
		/* the kernel copes with the failed allocation: the unfaulted outcome */
		if (failmsg[0])
			sweep_result(0, st, "succeeds anyway, but %s", failmsg);
		else if (!reach_matches(st->expect, until, seen) || (reports && !st->warn))
			sweep_result(0, st, "succeeds anyway, but handles open as %s, the model's %s%s%s",
				     seen, st->expect, reports ? "; the kernel logged: " : "", first);
		else
			sweep_result(1, st, "succeeds anyway, as the unfaulted run");
		return;
	}
	for (int k = 0; k < nalts; k++) {
		size_t n = strlen(errs);

		if (alts[k].step != sweep_step + 1)
			continue;
		/* -1: a site that passes on the errno of whatever failed in it */
		const char *e = alts[k].err < 0 ? "any errno" : strerror(alts[k].err);

		if (!strstr(errs, e) && n + 40 < sizeof(errs))
			snprintf(errs + n, sizeof(errs) - n, "%s%s", n ? ", " : "", e);
		if (alts[k].err >= 0 && alts[k].err != (int)-sweep_ret)
			continue;
		any_err = 1;
		if (reach_matches(alts[k].expect, until, seen) && (!reports || alts[k].warn)) {
			sweep_result(1, st, "%s, as the model's %s", strerror((int)-sweep_ret),
				     alts[k].label);
			return;
		}
	}
	if (!any_err)
		sweep_result(0, st, "%s; the model fails this call %s%s", strerror((int)-sweep_ret),
			     errs[0] ? "only with: " : "at no site", errs);
	else
		sweep_result(0, st, "%s, but handles open as %s%s%s; no model outcome with that errno "
			     "leaves that", strerror((int)-sweep_ret), seen,
			     reports ? " and the kernel logged: " : "", first);
}

/* Every step once, in order; 1 if one failed. */
static int run_steps(int *pass, int *skipped)
{
	int failed = 0, notrun;

	*pass = *skipped = 0;
	for (int i = 0; i < VEC_NSTEPS; i++) {
		const struct step *st = &vec_steps[i];

		if (failed && sweep_step >= 0)
			return failed;   /* the sweep's replay broke before its call */
		if (failed) {
			fprintf(tap, "ok %d %s # SKIP an earlier step failed\n", i + 1, st->what);
			(*skipped)++;
			continue;
		}
		failmsg[0] = 0;
		fault_note[0] = 0;
		cur_step = i;
		notrun = run_step(st);
		if (retry)
			return 0;   /* the fault went elsewhere: replay with the next fail-nth */
		if (i == sweep_step) {
			sweep_judge(st, notrun);
			return 0;
		}
		for (int t = 0; t < VEC_NTASKS && st->tasks[t]; t++) {
			char want = st->tasks[t];

			if (want == 'z' && (tasks[t].state == T_RUNNING ||
					    tasks[t].state == T_EXITING))
				await_death(t, 'z');
			else if (want == 'g' && (tasks[t].state == T_RUNNING ||
						 tasks[t].state == T_ZOMBIE ||
						 tasks[t].state == T_EXITING))
				await_death(t, 'g');
			else if (want == 'x' && tasks[t].state == T_RUNNING)
				await_exiting(t);
		}
		if (!failmsg[0])
			check_reachable(st->expect);
		check_kernel_log(st);
		if (st->fault && fault_matched && failmsg[0] && fault_nth[i] < MAX_FAIL_NTH) {
			/* the right errno from another allocation: its aftermath differs */
			size_t n;

			if (trail_step != i)
				fault_trail[0] = 0;
			trail_step = i;
			n = strlen(fault_trail);
			snprintf(fault_trail + n, sizeof(fault_trail) - n, "%s%d", n ? " " : "",
				 fault_nth[i]);
			fault_nth[i]++;
			retry = 1;
			return 0;
		}
		if (fault_note[0])
			fprintf(tap, "# %s\n", fault_note);
		if (failmsg[0]) {
			fprintf(tap, "not ok %d %s\n# %s: %s\n", i + 1, st->what, st->src, failmsg);
			failed = 1;
		} else if (notrun) {
			fprintf(tap, "ok %d %s # SKIP %s\n", i + 1, st->what, not_run);
			(*skipped)++;
		} else {
			fprintf(tap, "ok %d %s\n", i + 1, st->what);
			(*pass)++;
		}
	}
	return failed;
}

static int sweep_op(int op)
{
	return op == OP_CLONE || op == OP_UNSHARE || op == OP_SETNS;
}

/* --fault-sweep: each swept call with fail-nth 1, 2, ..., each in a fresh replay. */
static int fault_sweep(int from_step, int from_nth)
{
	int pass, skipped, replays = 0;

	printf("# fault sweep: every clone(), unshare() and setns() with fail-nth 1, 2, ..., "
	       "against %d model outcome(s)\n", nalts);
	for (int k = 0; k < VEC_NSTEPS; k++) {
		if (!sweep_op(vec_steps[k].op) || k + 1 < from_step)
			continue;
		sweep_step = k;
		sweep_over = 0;
		for (sweep_nth = k + 1 == from_step ? from_nth : 1; !sweep_over; sweep_nth++) {
			char *buf = NULL;
			size_t len = 0;
			int failed;

			/* where a kernel crash stopped the sweep: it resumes after it */
			printf("# at step %d fail-nth %d\n", k + 1, sweep_nth);
			if (sweep_nth > MAX_FAIL_NTH) {
				sweep_result(0, &vec_steps[k], "still failing; the sweep stops here");
				break;
			}
			reset_state();
			kmsg_open();
			tap = open_memstream(&buf, &len);
			if (!tap)
				tap = stdout;
			sweep_injected = 0;
			sweep_ret = 0;
			if (!start_init()) {
				printf("Bail out! cannot start the init task: %s\n", failmsg);
				return KSFT_FAIL;
			}
			failed = run_steps(&pass, &skipped);
			teardown();
			replays++;
			if (tap != stdout)
				fclose(tap);
			if (failed) {
				/* the steps before the call: the vector itself fails here */
				sweep_result(0, &vec_steps[k], "the replay failed before the call:");
				for (char *l = buf ? strtok(buf, "\n") : NULL; l; l = strtok(NULL, "\n"))
					if (strncmp(l, "ok ", 3))
						printf("#   %s\n", l);
				sweep_over = 1;
			}
			free(buf);
		}
	}
	sweep_step = -1;
	printf("1..%d\n", sweep_tests);
	printf("# fault sweep: %d call(s), %d injected failure(s), %d outside the model, "
	       "%d replay(s)\n", sweep_calls, sweep_tests, sweep_bad, replays);
	printf("# Totals: pass:%d fail:%d xfail:0 xpass:0 skip:0 error:0\n",
	       sweep_tests - sweep_bad, sweep_bad);
	return sweep_bad ? KSFT_FAIL : KSFT_PASS;
}

int main(int argc, char **argv)
{
	const char *skip;
	int failed = 0, pass = 0, skipped = 0, attempts = 0, from_step = 0, from_nth = 1;

	if (argc == 4 && !strcmp(argv[1], "--nssim-puppet")) {
		/* a task of the run after its execve(): answer the call, go on */
		struct reply r;

		memset(&r, 0, sizeof(r));
		/* an execve() made with fail-nth armed and not used up: it ran whole */
		fail_nth_fd = open("/proc/thread-self/fail-nth", O_RDWR | O_CLOEXEC);
		fail_nth_armed = fail_nth_fd >= 0;
		r.injected = fail_nth_disarm();
		send(atoi(argv[2]), &r, sizeof(r), MSG_NOSIGNAL);
		puppet_loop(atoi(argv[2]), atoi(argv[3]));
	}

	setvbuf(stdout, NULL, _IOLBF, 0);
	if ((argc == 3 || argc == 5) && !strcmp(argv[1], "--fault-sweep")) {
		if (argc == 5) {
			from_step = atoi(argv[3]);
			from_nth = atoi(argv[4]) > 0 ? atoi(argv[4]) : 1;
		}
		if (vec_faults || !load_alts(argv[2])) {
			printf("TAP version 13\n1..0 # SKIP %s\n", vec_faults ?
			       "the sweep is for a vector without an injected fault" :
			       "cannot read the model's outcomes");
			return KSFT_SKIP;
		}
		sweep_step = VEC_NSTEPS;   /* not yet: no step is swept before the loop */
	} else if (argc != 1) {
		fprintf(stderr, "usage: %s [--fault-sweep OUTCOMES [FROM_STEP FROM_NTH]]\n", argv[0]);
		return 2;
	}
	faulting = vec_faults || sweep_step >= 0;
	if (getenv("NSSIM_VECTOR_SETTLE_MS") && atoi(getenv("NSSIM_VECTOR_SETTLE_MS")) > 0)
		settle_ms = atoi(getenv("NSSIM_VECTOR_SETTLE_MS"));
	printf("TAP version 13\n");
	printf("# nssim vector: %s (kernel %s, seed %s)\n", vec_scenario, vec_kernel, vec_seed);
	no_timens = access("/proc/self/ns/time", F_OK) != 0;
	warns_live = getenv("NSSIM_VECTOR_KERNEL_WARNS") &&
		     !strcmp(getenv("NSSIM_VECTOR_KERNEL_WARNS"), "1");
	skip = missing_feature();
	if (skip) {
		printf("1..0 # SKIP %s\n", skip);
		return KSFT_SKIP;
	}
	/* orphans of the init puppet come back here, to be reaped at the end */
	prctl(PR_SET_CHILD_SUBREAPER, 1);
	signal(SIGPIPE, SIG_IGN);
	if (vec_mounts) {
		strcpy(mount_dir, "/tmp/nssim-vector-XXXXXX");
		if (!mkdtemp(mount_dir)) {
			printf("1..0 # SKIP cannot make a directory for bind mounts: %s\n",
			       strerror(errno));
			return KSFT_SKIP;
		}
	}
	if (faulting)
		failslab_setup();
	if (sweep_step >= 0) {
		int rc = fault_sweep(from_step, from_nth);

		if (vec_mounts)
			rmdir(mount_dir);
		failslab_restore();
		return rc;
	}
	printf("1..%d\n", VEC_NSTEPS);
	for (int i = 0; i < VEC_NSTEPS; i++)
		fault_nth[i] = vec_steps[i].fault;   /* the search starts at fail-nth 1 */
	for (;;) {
		/* with faults, each attempt of the search is printed only if it is the last */
		char *buf = NULL;
		size_t len = 0;

		tap = vec_faults ? open_memstream(&buf, &len) : stdout;
		if (!tap)
			tap = stdout;
		reset_state();
		kmsg_open();
		if (!start_init()) {
			printf("Bail out! cannot start the init task: %s\n", failmsg);
			failslab_restore();
			return KSFT_FAIL;
		}
		failed = run_steps(&pass, &skipped);
		teardown();
		if (tap != stdout) {
			fclose(tap);
			if (!retry && buf)
				fputs(buf, stdout);
			free(buf);
		}
		if (!retry)
			break;
		attempts++;
	}
	if (vec_mounts)
		rmdir(mount_dir);
	failslab_restore();
	printf("# checked: %d call results, %d handle opens (%d waited for an asynchronous free), "
	       "the kernel log at %d steps (%s; %d with a kernel warning)\n",
	       n_results, n_reach, n_polled, n_steps_logged,
	       kmsg_fd < 0 ? "no /dev/kmsg" : warns_live ? "warnings both ways" : "unpredicted warnings",
	       n_kwarn);
	if (vec_faults)
		printf("# fail-nth: %d injected failure(s) reproduced, after %d replay(s) of the run\n",
		       n_faults_found, attempts + 1);
	printf("# Totals: pass:%d fail:%d xfail:0 xpass:0 skip:%d error:0\n", pass, failed,
	       skipped);
	return failed ? KSFT_FAIL : KSFT_PASS;
}
