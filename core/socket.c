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
	return sys_socket3(w, task, family, NSS_SOCK_DGRAM, 0);
}

/*
 * The family's create function: which types and protocols it takes
 * (unix_create, netlink_create, inet_create/inet6_create), before any
 * reference is taken.
 */
static int sock_create_check(struct world *w, struct task *t, int family, int type,
			     int protocol)
{
	switch (family) {
	case AF_UNIX:
		if (protocol && protocol != AF_UNIX)
			return -EPROTONOSUPPORT;
		/* SOCK_RAW is taken as SOCK_DGRAM */
		return type == NSS_SOCK_STREAM || type == NSS_SOCK_DGRAM || type == NSS_SOCK_RAW ||
		       type == NSS_SOCK_SEQPACKET ? 0 : -ESOCKTNOSUPPORT;
	case AF_NETLINK:
		/* which other netlink protocols exist depends on the kernel's config */
		if (type != NSS_SOCK_RAW && type != NSS_SOCK_DGRAM)
			return -ESOCKTNOSUPPORT;
		return protocol ? -EPROTONOSUPPORT : 0;
	default:
		/* inetsw: TCP for stream, UDP for dgram (protocol 0 or theirs), raw any but 0 */
		if (type == NSS_SOCK_STREAM)
			return protocol && protocol != 6 /* IPPROTO_TCP */ ? -EPROTONOSUPPORT : 0;
		if (type == NSS_SOCK_DGRAM) {
			/* a ping socket: ping_group_range, "1 0" (nobody) in a new net ns */
			if (protocol == (family == AF_INET ? 1 /* ICMP */ : 58 /* ICMPV6 */))
				return -EACCES;
			return protocol && protocol != 17 /* IPPROTO_UDP */ ? -EPROTONOSUPPORT : 0;
		}
		if (type != NSS_SOCK_RAW)
			return -ESOCKTNOSUPPORT;
		if (!protocol)
			return -EPROTONOSUPPORT;
		if (!ns_capable(w, t->cred, t->nsproxy->slot[SLOT_NET]->owner ?
				t->nsproxy->slot[SLOT_NET]->owner : w->init_ns[NS_USER], 13 /* CAP_NET_RAW */))
			return -EPERM;
		return 0;
	}
}

int sys_socket3(struct world *w, uint64_t task, int family, int type, int protocol)
{
	struct task *t = event_begin(w, "socket", task, family, type, protocol);
	struct file *f;
	struct ns *net;
	int err;

	if (!t)
		return event_end(w, -ESRCH);
	if (type < 0 || type >= 11 /* SOCK_MAX */)
		return event_end(w, -EINVAL);
	if (family != AF_UNIX && family != AF_INET && family != AF_INET6 &&
	    family != AF_NETLINK)
		return event_end(w, -EAFNOSUPPORT);
	if ((err = sock_create_check(w, t, family, type, protocol)))
		return event_end(w, err);
	/* sock_create() takes the net ns; sock_map_fd() then needs an fd */
	net = t->nsproxy->slot[SLOT_NET];
	ns_ref_inc(w, net, "sk_alloc");
	if ((err = should_fail(w, FAULT_GET_UNUSED_FD))) {
		ns_ref_put(w, net, "__sk_destruct");     /* sock_release */
		return event_end(w, err);
	}
	f = alloc_file(w, t, FILE_SOCKET);
	f->family = family;
	f->sk_net = net;
	ns_hold(w, net, 1, 0);
	return event_end(w, fd_install(w, t, f));
}

/* sock_ioctl(SIOCGSKNS): CAP_NET_ADMIN over the net's owner, maybe_get_net. */
int sock_siocgskns(struct world *w, struct task *t, struct file *sock)
{
	struct ns *net = sock->sk_net;

	if (!ns_capable(w, t->cred, net->owner, CAP_NET_ADMIN))
		return -EPERM;
	if (!ns_ref_get(w, net, "maybe_get_net"))
		return -EINVAL;
	return nsfs_open_ns_fd(w, t, net, true);
}

int sys_netns_cookie(struct world *w, uint64_t task, int fd, uint64_t *cookie)
{
	struct task *t;
	struct file *f;
	int err = event_begin_fd(w, "getsockopt", task, fd, 0, 0, &t, &f);

	if (err)
		return event_end(w, err);
	if (f->kind != FILE_SOCKET)
		return event_end(w, -ENOTSOCK);
	*cookie = f->sk_net->id;
	return event_end(w, 0);
}

/*
 * SCM_RIGHTS over a unix socket: the message holds a file reference while
 * in flight; receiving installs it, the receiver's exit drops what it never
 * received (the socket's queue is purged when its table is closed).
 */
int sys_send_fd(struct world *w, uint64_t task, int fd, uint64_t to, bool queue)
{
	struct task *t;
	struct task *dst;
	struct file *f;
	int err = event_begin_fd(w, "send_fd", task, fd, (int64_t)to, queue, &t, &f);

	if (err)
		return event_end(w, err);
	dst = task_lookup(w, to);
	if (!dst || dst->state != TASK_RUNNING || !dst->files)
		return event_end(w, -ECONNREFUSED);
	get_file(w, f, "scm_fp_dup");
	g_queue_push_tail(&dst->inbox, f);
	if (queue)
		return event_end(w, 0);
	g_queue_pop_tail(&dst->inbox);
	return event_end(w, fd_install(w, dst, f));
}

int sys_recv_fd(struct world *w, uint64_t task)
{
	struct task *t = event_begin(w, "recv_fd", task, 0, 0, 0);
	struct file *f;

	if (!t)
		return event_end(w, -ESRCH);
	f = g_queue_pop_head(&t->inbox);
	if (!f)
		return event_end(w, -EAGAIN);
	return event_end(w, fd_install(w, t, f));
}

/* pidfd_getfd(): a copy of another task's fd (PTRACE_MODE_ATTACH_REALCREDS). */
int sys_pidfd_getfd(struct world *w, uint64_t task, int pidfd, int targetfd)
{
	struct task *t = event_begin(w, "pidfd_getfd", task, pidfd, targetfd, 0);
	struct task *tt = NULL;
	struct file *pf, *f;

	if (!t)
		return event_end(w, -ESRCH);
	pf = fd_lookup(t, pidfd);
	if (!pf)
		return event_end(w, -EBADF);
	if (pf->kind != FILE_PIDFD)
		return event_end(w, -EBADF);
	tt = pid_task(w, pf->pid);
	if (!tt)
		return event_end(w, -ESRCH);
	if (!ptrace_may_access(w, t, tt, true))
		return event_end(w, -EPERM);
	if (!tt->files)
		return event_end(w, -ESRCH);
	f = fd_lookup(tt, targetfd);
	if (!f)
		return event_end(w, -EBADF);
	get_file(w, f, "pidfd_getfd");
	return event_end(w, fd_install_cloexec(w, t, f));
}
