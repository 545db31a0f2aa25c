// SPDX-License-Identifier: MIT
/*
 * fault.c - fallible sites: every place where a modelled kernel function
 * can fail, with the errno it returns there.  A site can be armed to fail
 * on its next (or nth) pass; the model then unwinds through the kernel's
 * error path, every undo step a transition of its own.  Passes are counted
 * so that a fault simulation can fail each (site, occurrence) in turn.
 */
#include "core-private.h"

static const struct nss_fault_site sites[NR_FAULT_SITES] = {
	[FAULT_ALLOC_PID] = { "alloc_pid", ENOMEM, "alloc_pid", "allocating a struct pid in clone()" },
	[FAULT_CREATE_NEW_NAMESPACES] = { "create_new_namespaces", ENOMEM, "create_new_namespaces",
	  "allocating the nsproxy (clone, unshare, setns, execve)" },
	[FAULT_CREATE_USER_NS] = { "create_user_ns", ENOMEM, "create_user_ns",
	  "allocating a user namespace, after its ucount and id checks" },
	[FAULT_NS_COMMON_INIT] = { "ns_common_init", ENOMEM, "__ns_common_init",
	  "allocating a namespace's inode number (proc_alloc_inum), any type" },
	[FAULT_INC_UCOUNT] = { "inc_ucount", ENOSPC, "inc_ucount",
	  "a /proc/sys/user/max_*_namespaces limit, for any namespace type",
	  "a limit, not an allocation: a real kernel reaches it through t:set_max_namespaces()" },
	[FAULT_PREPARE_CREDS] = { "prepare_creds", ENOMEM, "prepare_creds",
	  "allocating a cred (clone, unshare, setns of a user ns, setuid family, execve)" },
	[FAULT_DUP_MM] = { "dup_mm", ENOMEM, "dup_mm", "copying the address space in clone() without CLONE_VM" },
	[FAULT_VALIDATE_NS] = { "validate_ns", EPERM, "validate_ns",
	  "a namespace's install check in setns(), after prepare_nsset()",
	  "a permission check, not an allocation: no fail-nth makes it fail" },
	[FAULT_NSFS_INIT_INODE] = { "nsfs_init_inode", ENOMEM, "path_from_stashed",
	  "allocating the nsfs inode when a namespace gets its first file" },
	[FAULT_GET_UNUSED_FD] = { "get_unused_fd", EMFILE, "get_unused_fd_flags",
	  "reserving the fd of a new nsfs file (after its dentry) or socket (after sk_alloc)",
	  "EMFILE is RLIMIT_NOFILE, not an allocation: no fail-nth gives it" },
	[FAULT_SETUP_NET] = { "setup_net", ENOMEM, "setup_net",
	  "a pernet subsystem's init (ops_init) for a new net namespace; its errno passes on "
	  "(ENOMEM, ENOBUFS, ENFILE, EAFNOSUPPORT, ...)", .any_errno = true },
	[FAULT_SET_CRED_UCOUNTS] = { "set_cred_ucounts", EAGAIN, "set_cred_ucounts",
	  "allocating the new cred's ucounts in a new user namespace (clone, unshare; "
	  "setns into a user ns returns EINVAL)" },
	[FAULT_ALLOC_UCOUNTS] = { "alloc_ucounts", ENOSPC, "inc_ucount",
	  "allocating the ucounts of (owner user ns, creator euid) when a namespace is charged to "
	  "a key nothing holds yet" },
};

const struct nss_fault_site *nss_fault_sites(size_t *n)
{
	*n = G_N_ELEMENTS(sites);
	return sites;
}

static int site_index(const char *name)
{
	for (guint i = 0; i < G_N_ELEMENTS(sites); i++)
		if (!g_strcmp0(sites[i].name, name))
			return (int)i;
	return -1;
}

const struct nss_fault_site *nss_fault_site_lookup(const char *name)
{
	int i = site_index(name);

	return i < 0 ? NULL : &sites[i];
}

int world_fail_next(struct world *w, const char *site, int err, unsigned int nth)
{
	int i = site_index(site);

	if (i < 0 || nth == 0 || err < 0)
		return -EINVAL;
	w->fault_site = i;
	w->fault_countdown = nth;
	w->fault_err = err ? err : sites[i].err;
	return 0;
}

uint64_t world_site_passes(const struct world *w, const char *site)
{
	int i = site_index(site);

	return i < 0 ? 0 : w->site_passes[i];
}

/* A pass through @site: 0, or the armed -errno. */
int should_fail(struct world *w, enum fault_site site)
{
	w->site_passes[site]++;
	if (w->fault_site != (int)site || !w->fault_countdown || --w->fault_countdown)
		return 0;
	w->fault_site = -1;
	w->faults_injected++;
	return -w->fault_err;
}

uint64_t world_faults_injected(const struct world *w)
{
	return w->faults_injected;
}
