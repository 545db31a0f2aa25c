// SPDX-License-Identifier: MIT
/*
 * errname.c - the kernel's errno names, as the Lua API and the trace show
 * them.  Values are Linux's (the host's errno.h on Linux).
 */
#include "core-private.h"

static const struct {
	int value;
	const char *name;
} errnos[] = {
	{ EPERM, "EPERM" },     { ENOENT, "ENOENT" },   { ESRCH, "ESRCH" },
	{ EINTR, "EINTR" },     { EIO, "EIO" },         { E2BIG, "E2BIG" },
	{ EBADF, "EBADF" },     { ECHILD, "ECHILD" },   { EAGAIN, "EAGAIN" },
	{ ENOMEM, "ENOMEM" },   { EACCES, "EACCES" },   { EFAULT, "EFAULT" },
	{ EBUSY, "EBUSY" },     { EEXIST, "EEXIST" },   { ENOTDIR, "ENOTDIR" },
	{ EINVAL, "EINVAL" },   { EMFILE, "EMFILE" },   { ENOTTY, "ENOTTY" },
	{ ENOSPC, "ENOSPC" },   { ENOSYS, "ENOSYS" },   { EUSERS, "EUSERS" },
	{ EOPNOTSUPP, "EOPNOTSUPP" }, { EAFNOSUPPORT, "EAFNOSUPPORT" },
	{ EOVERFLOW, "EOVERFLOW" }, { ESTALE, "ESTALE" }, { EDEADLK, "EDEADLK" },
	{ ENOTSOCK, "ENOTSOCK" }, { ECONNREFUSED, "ECONNREFUSED" },
	{ EPROTONOSUPPORT, "EPROTONOSUPPORT" }, { ESOCKTNOSUPPORT, "ESOCKTNOSUPPORT" },
	{ ENOBUFS, "ENOBUFS" }, { ENFILE, "ENFILE" }, { ENODEV, "ENODEV" },
	{ ENXIO, "ENXIO" },
};

const char *nss_errno_name(int e)
{
	for (guint i = 0; i < G_N_ELEMENTS(errnos); i++)
		if (errnos[i].value == e)
			return errnos[i].name;
	return NULL;
}

int nss_errno_value(const char *name)
{
	for (guint i = 0; i < G_N_ELEMENTS(errnos); i++)
		if (g_strcmp0(errnos[i].name, name) == 0)
			return errnos[i].value;
	return 0;
}
