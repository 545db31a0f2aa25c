// SPDX-License-Identifier: MIT
/*
 * datadir.c - where require() finds the Lua modules of scripts/.
 *
 * In order:
 *   --scripts DIR              the command line
 *   $NSSIM_SCRIPTS             the environment, when set and not empty
 *   SOURCE/scripts             when this binary is the one in its build tree
 *   EXE/../share/nssim/scripts the installed modules, found from where the
 *                              executable is (/proc/self/exe), so that an
 *                              install under DESTDIR or a moved prefix finds
 *                              its own modules, not those of the configured
 *                              prefix or of the tree it was built from
 * The configured PREFIX/share/nssim/scripts only when /proc is not there.
 * sim/meson.build sets the paths below.
 */
#include <sys/stat.h>
#include "sim.h"

static bool same_dir(const char *a, const char *b)
{
	struct stat sa, sb;

	return stat(a, &sa) == 0 && stat(b, &sb) == 0 &&
	       sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

/* The directory for require(): @option (--scripts), or as above. */
const char *sim_scripts_dir(const char *option)
{
	static char *installed;   /* found once per process */
	const char *env = g_getenv("NSSIM_SCRIPTS");
	g_autofree char *exe = NULL, *bindir = NULL;

	if (option)
		return option;
	if (env && *env)
		return env;
	if (installed)
		return installed;
	exe = g_file_read_link("/proc/self/exe", NULL);
	if (!exe)
		return installed = g_strdup(NSSIM_INSTALLED_SCRIPTS);
	bindir = g_path_get_dirname(exe);
	if (same_dir(bindir, NSSIM_BUILD_DIR))
		return installed = g_strdup(NSSIM_SOURCE_SCRIPTS);
	/* relative to the bindir, or absolute when datadir is outside the prefix */
	return installed = g_canonicalize_filename(NSSIM_BIN_TO_SCRIPTS, bindir);
}
