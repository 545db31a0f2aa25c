// SPDX-License-Identifier: MIT
/*
 * pool.c - a pool of forked worker processes that answer fixed-size
 * requests with fixed-size results, handed back in submission order.
 *
 * Request i goes to worker i % jobs, and each worker answers its requests
 * in the order it got them, so the result of the oldest request is always
 * the next one in its worker's pipe: results come back in submission order
 * without a reorder buffer, and a caller that handles them in that order
 * behaves exactly as if it had run them itself, one by one, whatever the
 * number of workers.  Each worker has at most SIM_POOL_DEPTH requests
 * outstanding, so its result pipe never fills and nobody blocks for long.
 *
 * Workers are fork()ed, so they start with the caller's memory (its
 * configuration, its tables) and need nothing else.  With one job there
 * is no process at all: a request is answered when it is submitted.
 */
#define _GNU_SOURCE     /* pipe2 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include "sim.h"

#define SIM_POOL_DEPTH 4

struct sim_worker {
	pid_t pid;
	int req_fd;       /* parent -> worker */
	int res_fd;       /* worker -> parent */
};

struct sim_pool {
	guint jobs;
	size_t req_size, res_size;
	sim_pool_fn fn;
	void *ctx;
	struct sim_worker *w;
	guint64 submitted, returned;
	GByteArray *inline_results;     /* one job: results in order, not yet returned */
};

static bool write_all(int fd, const void *buf, size_t n)
{
	const char *p = buf;

	while (n) {
		ssize_t k = write(fd, p, n);

		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			return false;
		p += k;
		n -= (size_t)k;
	}
	return true;
}

/* 1: read; 0: end of file before anything; -1: error or a short record */
static int read_all(int fd, void *buf, size_t n)
{
	char *p = buf;
	size_t got = 0;

	while (got < n) {
		ssize_t k = read(fd, p + got, n - got);

		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0)
			return -1;
		if (k == 0)
			return got ? -1 : 0;
		got += (size_t)k;
	}
	return 1;
}

static G_GNUC_NORETURN void worker_main(struct sim_pool *p, int req_fd, int res_fd)
{
	g_autofree void *req = g_malloc(p->req_size);
	g_autofree void *res = g_malloc0(p->res_size);

	/* the parent's terminal signals are the parent's to handle */
	signal(SIGINT, SIG_IGN);
	while (read_all(req_fd, req, p->req_size) == 1) {
		memset(res, 0, p->res_size);
		p->fn(req, res, p->ctx);
		if (!write_all(res_fd, res, p->res_size))
			break;
	}
	/* no atexit handlers, no stdio buffers of the parent flushed twice */
	_exit(0);
}

struct sim_pool *sim_pool_new(guint jobs, size_t req_size, size_t res_size, sim_pool_fn fn,
			      void *ctx, GError **error)
{
	struct sim_pool *p = g_new0(struct sim_pool, 1);

	p->jobs = jobs ? jobs : 1;
	p->req_size = req_size;
	p->res_size = res_size;
	p->fn = fn;
	p->ctx = ctx;
	if (p->jobs == 1) {
		p->inline_results = g_byte_array_new();
		return p;
	}
	p->w = g_new0(struct sim_worker, p->jobs);
	for (guint i = 0; i < p->jobs; i++)
		p->w[i].pid = -1, p->w[i].req_fd = p->w[i].res_fd = -1;
	fflush(NULL);
	for (guint i = 0; i < p->jobs; i++) {
		int req[2], res[2];

		if (pipe2(req, O_CLOEXEC) || pipe2(res, O_CLOEXEC)) {
			g_set_error(error, G_FILE_ERROR, g_file_error_from_errno(errno),
				    "pipe: %s", g_strerror(errno));
			sim_pool_free(p);
			return NULL;
		}
		p->w[i].pid = fork();
		if (p->w[i].pid == 0) {
			/* the other workers' pipes are not this one's business */
			for (guint j = 0; j < i; j++) {
				close(p->w[j].req_fd);
				close(p->w[j].res_fd);
			}
			close(req[1]);
			close(res[0]);
			worker_main(p, req[0], res[1]);
		}
		close(req[0]);
		close(res[1]);
		p->w[i].req_fd = req[1];
		p->w[i].res_fd = res[0];
		if (p->w[i].pid < 0) {
			g_set_error(error, G_FILE_ERROR, g_file_error_from_errno(errno),
				    "fork: %s", g_strerror(errno));
			sim_pool_free(p);
			return NULL;
		}
	}
	return p;
}

guint sim_pool_jobs(const struct sim_pool *p)
{
	return p->jobs;
}

bool sim_pool_can_submit(const struct sim_pool *p)
{
	return p->submitted - p->returned < (guint64)p->jobs * SIM_POOL_DEPTH;
}

guint64 sim_pool_outstanding(const struct sim_pool *p)
{
	return p->submitted - p->returned;
}

bool sim_pool_submit(struct sim_pool *p, const void *req)
{
	if (p->jobs == 1) {
		guint at = p->inline_results->len;

		g_byte_array_set_size(p->inline_results, at + (guint)p->res_size);
		memset(p->inline_results->data + at, 0, p->res_size);
		p->fn(req, p->inline_results->data + at, p->ctx);
		p->submitted++;
		return true;
	}
	if (!write_all(p->w[p->submitted % p->jobs].req_fd, req, p->req_size))
		return false;
	p->submitted++;
	return true;
}

int sim_pool_next(struct sim_pool *p, void *res)
{
	if (p->returned == p->submitted)
		return 0;
	if (p->jobs == 1) {
		memcpy(res, p->inline_results->data, p->res_size);
		g_byte_array_remove_range(p->inline_results, 0, (guint)p->res_size);
	} else if (read_all(p->w[p->returned % p->jobs].res_fd, res, p->res_size) != 1) {
		return -1;      /* the worker died: a crash in the request it was given */
	}
	p->returned++;
	return 1;
}

void sim_pool_free(struct sim_pool *p)
{
	if (!p)
		return;
	for (guint i = 0; p->w && i < p->jobs; i++) {
		if (p->w[i].req_fd >= 0)
			close(p->w[i].req_fd);      /* end of file: the worker exits */
		if (p->w[i].res_fd >= 0)
			close(p->w[i].res_fd);
	}
	for (guint i = 0; p->w && i < p->jobs; i++) {
		if (p->w[i].pid > 0) {
			/* results nobody will read: do not wait for them */
			kill(p->w[i].pid, SIGKILL);
			waitpid(p->w[i].pid, NULL, 0);
		}
	}
	if (p->inline_results)
		g_byte_array_free(p->inline_results, TRUE);
	g_free(p->w);
	g_free(p);
}
