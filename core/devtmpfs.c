// SPDX-License-Identifier: GPL-2.0-only
/*
 * devtmpfs.c - the namespace a kernel thread makes at boot.
 *
 * Every kernel built with CONFIG_DEVTMPFS starts a kernel thread,
 * kdevtmpfs, that unshares its mount namespace during boot
 * (devtmpfs_setup() -> ksys_unshare(CLONE_NEWNS)) and never exits.  Its
 * mount namespace is the first one with a dynamic id (10 on 6.19), is
 * active while the thread lives, and listns() reports it; the new nsproxy
 * holds P on the initial namespaces of the other types.
 *
 * nssim runs that unshare at boot, before any observer is attached, through
 * the same code as ksys_unshare(): create_new_namespaces() (the ucount of
 * the mount namespace is charged to uid 0 in the initial user namespace, as
 * copy_mnt_ns() does for the thread's init_cred) and the active get of
 * switch_task_namespaces().  The thread itself is not a task of the model:
 * its nsproxy is a static holder that never drops, and the reference it had
 * on init_nsproxy was never counted (kernel threads share init_nsproxy
 * without the model seeing them).
 */
#include "core-private.h"

void devtmpfs_boot(struct world *w)
{
	struct task *kthread_parent = w->init_task;
	struct nsproxy *n;
	int err;

	n = create_new_namespaces(w, NSS_CLONE_NEWNS, kthread_parent,
				  w->init_ns[NS_USER], 0, &err);
	g_assert(n);   /* no fault is armed before the first event */
	nsproxy_ns_active_get(w, n);
	n->static_count = 1;
	n->slot[SLOT_MNT]->boot = true;
}
