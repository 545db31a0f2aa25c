// SPDX-License-Identifier: MIT
/*
 * progress.c - one status line on the terminal for long commands
 * (explore, faultsim, sweep): rewritten in place a few times a second,
 * cleared when the command prints its results.  Nothing at all when
 * standard error is not a terminal, or with NSSIM_NO_PROGRESS set, so
 * logs, pipes and tests see the same output as before.
 */
#include <stdarg.h>
#include <stdio.h>
#include <unistd.h>
#include "sim.h"

/* four updates a second: alive to a human, nothing to a profile */
#define PROGRESS_EVERY_US 250000

struct sim_progress {
	bool on;
	bool shown;
	gint64 last;
};

static struct sim_progress progress;

void sim_progress_begin(void)
{
	const char *no = g_getenv("NSSIM_NO_PROGRESS");

	progress.on = isatty(STDERR_FILENO) && !(no && *no);
	progress.shown = false;
	progress.last = 0;
}

bool sim_progress_due(void)
{
	return progress.on && g_get_monotonic_time() - progress.last >= PROGRESS_EVERY_US;
}

void sim_progress_show(const char *fmt, ...)
{
	g_autofree char *line = NULL;
	va_list ap;

	if (!progress.on)
		return;
	va_start(ap, fmt);
	line = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	/* carriage return, the line, erase what an older, longer line left */
	fprintf(stderr, "\r%s\033[K", line);
	fflush(stderr);
	progress.shown = true;
	progress.last = g_get_monotonic_time();
}

void sim_progress_end(void)
{
	if (progress.shown) {
		fputs("\r\033[K", stderr);
		fflush(stderr);
	}
	progress.shown = false;
}
