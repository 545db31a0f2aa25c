// SPDX-License-Identifier: MIT
/*
 * main.c - the nssim command: dispatch to a subcommand.
 */
#include <locale.h>
#include <string.h>
#include "sim.h"

static const struct {
	const char *name;
	int (*fn)(int, char **);
	const char *help;
} commands[] = {
	{ "run", cmd_run, "Run a Lua scenario into an SQLite trace" },
	{ "tree", cmd_tree, "Draw the namespace ownership tree of a trace at an event" },
	{ "ls", cmd_ls, "List the namespaces alive at an event of a trace, with counts and holders" },
	{ "sweep", cmd_sweep, "Run a scenario over parameter values and seeds, in parallel, into one database" },
	{ "merge", cmd_merge, "Merge trace databases (a sweep plan's runs, shards, any runs) into one" },
	{ "export", cmd_export, "Export a run as a C test vector for a real kernel, as JSON lines, or as a Perfetto trace" },
	{ "explore", cmd_explore, "Search random operation sequences for invariant violations; shrink them" },
	{ "faultsim", cmd_faultsim, "Fail each pass through each fallible site in turn; report broken error paths" },
	{ "sites", cmd_sites, "List the fallible sites that --fail and sim.fail_next() can fail" },
	{ "report", cmd_report, "Lifetimes, lazy-TLB pins, exposure and IPIs from a trace; plots" },
	{ "bench", cmd_bench, "Measure throughput: events/s, transitions/s, trace rows/s" },
};

static void usage(FILE *out)
{
	fprintf(out, "Usage: nssim COMMAND [OPTIONS] ...\n\n"
		     "A discrete-event simulator of Linux namespace lifetimes (__ns_ref and\n"
		     "__ns_ref_active) for kernels 6.18, 6.19-prefix, 6.19-nsset-bug, 6.19 and 7.1.\n\nCommands:\n");
	for (guint i = 0; i < G_N_ELEMENTS(commands); i++)
		fprintf(out, "  %-9s %s\n", commands[i].name, commands[i].help);
	fprintf(out, "\nOptions:\n"
		     "  -h, --help  Show this help\n"
		     "  --version   Print nssim's version\n"
		     "\nRun 'nssim COMMAND --help' for a command's options.\n");
}

int main(int argc, char **argv)
{
	/* the character set only: g_print and options convert UTF-8 for the
	 * user's terminal; numbers keep the C locale's format */
	setlocale(LC_CTYPE, "");
	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
		usage(stdout);
		return 0;
	}
	if (!strcmp(argv[1], "--version")) {
		printf("nssim %s\n", NSSIM_VERSION);
		return 0;
	}
	for (guint i = 0; i < G_N_ELEMENTS(commands); i++) {
		if (!strcmp(argv[1], commands[i].name)) {
			g_autofree char *prog = g_strdup_printf("nssim %s", argv[1]);

			g_set_prgname(prog);
			argv[1] = prog;
			return commands[i].fn(argc - 1, argv + 1);
		}
	}
	fprintf(stderr, "nssim: unknown command '%s' (try nssim --help)\n", argv[1]);
	return 2;
}
