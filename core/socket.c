// SPDX-License-Identifier: MIT
/*
 * socket.c - user sockets and SIOCGSKNS (net/socket.c, net/core/sock.c).
 *
 * A user socket holds P on the net namespace it was created in
 * (sk_alloc -> get_net_track) until the sock is destroyed, modelled at the
 * final fput of its file (TCP's orphaned lifetimes are not modelled).  It
 * never holds A: a socket keeps a net namespace in memory and in the trees,
 * not visible.  SIOCGSKNS opens an nsfs file on that namespace, which
 * resurrects it and its owner chain when no inode exists.
 */
#include "core-private.h"

#define AF_UNIX    1
#define AF_INET    2
#define AF_INET6   10
#define AF_NETLINK 16

int sys_socket(struct world *w, uint64_t task, int family)
{
	struct task *t = event_begin(w, "socket", task, family, 0, 0);
	struct file *f;

	if (!t)
		return event_end(w, -ESRCH);
	if (family != AF_UNIX && family != AF_INET && family != AF_INET6 &&
	    family != AF_NETLINK)
		return event_end(w, -EAFNOSUPPORT);
	f = alloc_file(w, t, FILE_SOCKET);
	f->family = family;
	f->sk_net = t->nsproxy->slot[SLOT_NET];
	ns_ref_inc(w, f->sk_net, "sk_alloc");
	return event_end(w, fd_install(w, t, f));
}

/* sock_ioctl(SIOCGSKNS): CAP_NET_ADMIN over the net's owner, maybe_get_net. */
static int siocgskns(struct world *w, struct task *t, struct file *sock)
{
	struct ns *net = sock->sk_net;
	struct nsfs_inode *ino;
	struct file *f;

	if (!ns_capable(w, t->cred, net->owner, CAP_NET_ADMIN))
		return -EPERM;
	if (!ns_ref_get(w, net, "maybe_get_net"))
		return -EINVAL;
	nsfs_path_from_stashed(w, net, &ino);
	f = alloc_file(w, t, FILE_NSFS);
	f->inode = ino;
	return fd_install(w, t, f);
}

int sys_ioctl(struct world *w, uint64_t task, int fd, unsigned long cmd)
{
	struct task *t = event_begin(w, "ioctl", task, fd, (int64_t)cmd, 0);
	struct file *f;

	if (!t)
		return event_end(w, -ESRCH);
	f = fd_lookup(t, fd);
	if (!f)
		return event_end(w, -EBADF);
	if (cmd == NSS_SIOCGSKNS && f->kind == FILE_SOCKET)
		return event_end(w, siocgskns(w, t, f));
	return event_end(w, -ENOTTY);
}
