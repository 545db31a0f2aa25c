/* kernel-churn: bench/churn.lua's churn on the real kernel this runs on, so
 * that nssim's cost per event can be given as a ratio to the kernel's
 * (bench/README.md).  libc only; needs root (new user, net, pid, uts and ipc
 * namespaces); link it statically to run it under User-Mode Linux.
 *
 *     kernel-churn [TASKS [ROUNDS]]          (default 100 20, as churn.lua)
 *
 * TASKS live children, each slot replaced ROUNDS times with the calls
 * churn.lua makes, in its order:
 *
 *     open("/proc/PID/ns/net")  close  exit  wait  clone(flags)
 *
 * Events are counted as churn.lua's calls: TASKS initial clones, then 5 per
 * replacement.  (nssim's own "events:" count is higher: it counts the
 * deferred work it models, cleanup_net() and the RCU callbacks, as events
 * too; compare the total cost of the same workload.)
 *
 * Cost is the CPU time of this process and its reaped children (user + sys),
 * which misses the work the kernel defers to kernel threads: cleanup_net() of
 * a dead net namespace in a kworker, free_user_ns(), RCU callbacks.  That is
 * reported apart: the CPU time all kernel threads gained from the start until
 * they go quiet after the churn (on a shared host, with whatever else they
 * did meanwhile).
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* churn.lua's flags table, 0-based here: Lua's flags[k % 5 + 1] is
 * flags[k % 5]. */
static const int flags[] = {
	0,
	CLONE_NEWNET,
	CLONE_NEWUSER | CLONE_NEWNET,
	CLONE_NEWPID,
	CLONE_NEWUTS | CLONE_NEWIPC,
};
#define NFLAGS ((int) (sizeof flags / sizeof flags[0]))

struct slot {
	pid_t pid;
	int wake;		/* write end of the pipe the child waits on */
};

/* Without CLONE_VM the child runs on its own copy of this stack, so one
 * buffer serves every child; it only needs room for read() and _exit(). */
static char child_stack[64 * 1024] __attribute__((aligned(16)));

static struct slot *pool;
static int tasks = 100, rounds = 20;

/* Each child holds both ends of its pipe, so it never sees end of file:
 * kill the pool rather than leave it blocked forever. */
static void kill_pool(void)
{
	int status;

	for (int i = 0; i < tasks; i++)
		if (pool[i].pid > 0) {
			kill(pool[i].pid, SIGKILL);
			waitpid(pool[i].pid, &status, 0);
		}
}

static void die(const char *what)
{
	perror(what);
	kill_pool();
	exit(1);
}

/* The child waits for its byte and exits by itself, as the model's task
 * calls exit(): no signal, and a CLONE_NEWPID child (pid 1 of its namespace,
 * which ignores signals it has no handler for, except SIGKILL from outside)
 * goes the same way as the others. */
static int child_main(void *arg)
{
	int fd = (int) (long) arg;
	char c;

	while (read(fd, &c, 1) < 0 && errno == EINTR)
		;
	_exit(0);
}

static void spawn(struct slot *s, int f)
{
	int p[2];

	if (pipe(p) < 0)
		die("pipe");
	s->pid = clone(child_main, child_stack + sizeof child_stack, f | SIGCHLD,
		       (void *) (long) p[0]);
	if (s->pid < 0)
		die("clone");
	close(p[0]);
	s->wake = p[1];
}

static double cpu_seconds(void)
{
	struct rusage self, children;

	getrusage(RUSAGE_SELF, &self);
	getrusage(RUSAGE_CHILDREN, &children);
	return self.ru_utime.tv_sec + self.ru_stime.tv_sec + children.ru_utime.tv_sec
	       + children.ru_stime.tv_sec + (self.ru_utime.tv_usec + self.ru_stime.tv_usec
	       + children.ru_utime.tv_usec + children.ru_stime.tv_usec) / 1e6;
}

static double wall_seconds(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec + t.tv_nsec / 1e9;
}

/* CPU seconds of all kernel threads (children of kthreadd, pid 2): the
 * kworkers and RCU threads that run the teardown the churn defers. */
static double kthread_seconds(void)
{
	unsigned long long ut, st, total = 0;
	DIR *d = opendir("/proc");
	struct dirent *e;
	char path[300], buf[512], *p;	/* path: room for any d_name */
	int ppid;

	if (!d)
		return -1;
	while ((e = readdir(d))) {
		FILE *f;
		size_t n;

		if (e->d_name[0] < '1' || e->d_name[0] > '9')
			continue;
		snprintf(path, sizeof path, "/proc/%s/stat", e->d_name);
		f = fopen(path, "r");
		if (!f)
			continue;
		n = fread(buf, 1, sizeof buf - 1, f);
		fclose(f);
		buf[n] = 0;
		/* After the command name, which may hold spaces: state ppid ...,
		 * utime and stime are the 12th and 13th fields from there. */
		p = strrchr(buf, ')');
		if (p && sscanf(p + 2, "%*c %d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu",
				&ppid, &ut, &st) == 3 && ppid == 2)
			total += ut + st;
	}
	closedir(d);
	return (double) total / sysconf(_SC_CLK_TCK);
}

/* Kernel threads' CPU time once the deferred work is done: when it stops
 * growing over 200 ms (at most 10 s). */
static double kthread_seconds_settled(void)
{
	double prev = kthread_seconds(), now;
	const struct timespec pause_200ms = { 0, 200000000 };

	for (int i = 0; i < 50; i++) {
		nanosleep(&pause_200ms, NULL);
		now = kthread_seconds();
		if (now <= prev)
			break;
		prev = now;
	}
	return prev;
}

int main(int argc, char **argv)
{
	double cpu0, wall0, kt0, cpu, wall, kt;
	long events;
	struct utsname u;
	char path[64];
	int status;

	if (argc > 1)
		tasks = atoi(argv[1]);
	if (argc > 2)
		rounds = atoi(argv[2]);
	if (argc > 3 || tasks < 1 || rounds < 0) {
		fprintf(stderr, "usage: kernel-churn [TASKS [ROUNDS]]\n");
		return 2;
	}
	events = tasks + 5L * tasks * rounds;
	pool = calloc(tasks, sizeof *pool);
	if (!pool)
		die("calloc");
	uname(&u);

	cpu0 = cpu_seconds();
	wall0 = wall_seconds();
	kt0 = kthread_seconds();

	/* churn.lua's loops, with i 1-based as in the Lua. */
	for (int i = 1; i <= tasks; i++)
		spawn(&pool[i - 1], flags[i % NFLAGS]);
	for (int r = 1; r <= rounds; r++) {
		for (int i = 1; i <= tasks; i++) {
			struct slot *s = &pool[i - 1];
			int fd;

			snprintf(path, sizeof path, "/proc/%d/ns/net", (int) s->pid);
			fd = open(path, O_RDONLY);		/* open_ns("net", c) */
			if (fd < 0)
				die(path);
			close(fd);				/* f:close() */
			if (write(s->wake, "x", 1) != 1)	/* c:exit(0) */
				die("write");
			close(s->wake);
			if (waitpid(s->pid, &status, 0) != s->pid)	/* init:wait(c) */
				die("waitpid");
			if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
				fprintf(stderr, "child %d: status %#x\n", (int) s->pid, status);
				s->pid = 0;
				kill_pool();
				return 1;
			}
			spawn(s, flags[(i + r) % NFLAGS]);	/* init:clone(...) */
		}
	}

	cpu = cpu_seconds() - cpu0;
	wall = wall_seconds() - wall0;
	kt = kthread_seconds_settled() - kt0;

	/* Not measured: the pool left alive at the end, as churn.lua leaves it. */
	kill_pool();

	printf("kernel %s: %d tasks, %d rounds, %ld events: %.3f us CPU/event "
	       "(%.0f events/s), %.3f us wall/event (%.0f events/s); kernel threads "
	       "+%.3f us CPU/event\n", u.release, tasks, rounds, events,
	       cpu / events * 1e6, events / cpu, wall / events * 1e6, events / wall,
	       kt / events * 1e6);
	printf("{\"kernel\":\"%s\",\"tasks\":%d,\"rounds\":%d,\"events\":%ld,"
	       "\"cpu_s\":%.6f,\"wall_s\":%.6f,\"kthread_cpu_s\":%.2f,"
	       "\"cpu_us_per_event\":%.3f,\"wall_us_per_event\":%.3f,"
	       "\"cpu_events_per_s\":%.0f,\"wall_events_per_s\":%.0f}\n",
	       u.release, tasks, rounds, events, cpu, wall, kt, cpu / events * 1e6,
	       wall / events * 1e6, events / cpu, events / wall);
	return 0;
}
