// SPDX-License-Identifier: MIT
/*
 * test-nsfs.c - every errno path of nsfs, file handles, the NS_GET_* and
 * PIDFD_GET_* ioctls, sockets, bind mounts, fd passing and listns
 * (kernel-model.md §6-§8), on 6.19 and where they differ on 6.18.
 */
#include "helpers.h"

static struct nss_handle handle_of(struct fx *f, uint64_t task, int fd)
{
	struct nss_handle h;

	assert_int_equal(sys_name_to_handle(f->w, task, fd, 128, &h), 0);
	return h;
}

static void test_name_to_handle(void **state)
{
	struct fx *f = *state;
	uint64_t c = fork_ok(f, f->init, NSS_CLONE_NEWNET);
	int fd = sys_open_ns(f->w, f->init, c, "net");
	int sock = sys_socket(f->w, f->init, 2);
	struct nss_handle h;

	assert_int_equal(sys_name_to_handle(f->w, f->init, fd, 8, &h), -EOVERFLOW);
	assert_int_equal(h.handle_bytes, 16);
	assert_int_equal(sys_name_to_handle(f->w, f->init, fd, 129, &h), -EINVAL);
	assert_int_equal(sys_name_to_handle(f->w, f->init, sock, 128, &h), -EOPNOTSUPP);
	assert_int_equal(sys_name_to_handle(f->w, f->init, 77, 128, &h), -EBADF);
	h = handle_of(f, f->init, fd);
	assert_int_equal(h.ns_id, ns_of(f, c, "net"));
	assert_int_equal(h.ns_type, NSS_CLONE_NEWNET);
	assert_int_equal(h.handle_type, NSS_FILEID_NSFS);
	assert_clean(f);
}

static void test_open_by_handle_checks(void **state)
{
	struct fx *f = *state;
	struct world *w = f->w;
	uint64_t c = fork_ok(f, f->init, NSS_CLONE_NEWNET);
	int fd = sys_open_ns(w, f->init, c, "net");
	struct nss_handle h = handle_of(f, f->init, fd), b;
	bool v618 = !world_variant(w)->has_active;

	assert_true(sys_open_by_handle(w, f->init, &h, 0) >= 0);
	b = h;
	b.handle_bytes = 0;
	assert_int_equal(sys_open_by_handle(w, f->init, &b, 0), -EINVAL);
	b.handle_bytes = 129;
	assert_int_equal(sys_open_by_handle(w, f->init, &b, 0), -EINVAL);
	b = h;
	b.handle_bytes = 12;
	assert_int_equal(sys_open_by_handle(w, f->init, &b, 0), -ESTALE);
	b = h;
	b.handle_type = 0x1;
	assert_int_equal(sys_open_by_handle(w, f->init, &b, 0), -ESTALE);
	b = h;
	b.ns_id = 0;
	assert_int_equal(sys_open_by_handle(w, f->init, &b, 0), -ESTALE);
	b = h;
	b.ns_inum = 0;                         /* type without inum */
	assert_int_equal(sys_open_by_handle(w, f->init, &b, 0), -ESTALE);
	b = h;
	b.ns_type = 0;                         /* inum without type */
	assert_int_equal(sys_open_by_handle(w, f->init, &b, 0), -ESTALE);
	b = h;
	b.ns_inum++;
	assert_int_equal(sys_open_by_handle(w, f->init, &b, 0), -ESTALE);
	b = h;
	b.ns_type = NSS_CLONE_NEWUTS;
	assert_int_equal(sys_open_by_handle(w, f->init, &b, 0), -ESTALE);
	b = h;
	b.ns_id = 999;
	assert_int_equal(sys_open_by_handle(w, f->init, &b, 0), -ESTALE);
	/* a bare id: the unified tree on 6.19, nothing to look in on 6.18 */
	b = h;
	b.ns_type = b.ns_inum = 0;
	assert_int_equal(sys_open_by_handle(w, f->init, &b, 0) >= 0, !v618);
	/* open flags, checked after the decode */
	assert_int_equal(sys_open_by_handle(w, f->init, &h, NSS_O_RDWR), -EPERM);
	assert_int_equal(sys_open_by_handle(w, f->init, &h, NSS_O_WRONLY), -EPERM);
	assert_int_equal(sys_open_by_handle(w, f->init, &h, NSS_O_TRUNC), -EPERM);
	assert_int_equal(sys_open_by_handle(w, f->init, &h, NSS_O_DIRECT), -EINVAL);
	assert_int_equal(sys_open_by_handle(w, f->init, &h, NSS_O_TMPFILE), -EINVAL);
	assert_int_equal(sys_open_by_handle(w, f->init, &h, NSS_O_DIRECTORY), -ENOTDIR);
	assert_clean(f);
}

/* A socket-only net ns: ESTALE on 6.19, still opens on 6.18. */
/* The value a counter of (kind, obj) had after the last transition logged on it. */
static int32_t last_val(struct fx *f, enum nss_obj_kind kind, uint64_t obj, int32_t dflt)
{
	int32_t v = dflt;

	for (guint i = 0; i < f->rec.transitions->len; i++) {
		struct nss_transition *t = &g_array_index(f->rec.transitions, struct nss_transition, i);

		if (t->kind == kind && t->obj == obj)
			v = t->new_val;
	}
	return v;
}

static bool logged_site(struct fx *f, enum nss_obj_kind kind, uint64_t obj, const char *site)
{
	for (guint i = 0; i < f->rec.transitions->len; i++) {
		struct nss_transition *t = &g_array_index(f->rec.transitions, struct nss_transition, i);

		if (t->kind == kind && t->obj == obj && !strcmp(t->site, site))
			return true;
	}
	return false;
}

/*
 * pidfs: every pidfd of a pid shares one inode (st_ino is the pid's inode
 * number), which holds one reference on the pid whatever the number of
 * files; a handle decodes while the pid has its numbers and the caller's
 * pid namespace sees it.
 */
static void test_pidfs_handles(void **state)
{
	struct fx *f = *state;
	struct world *w = f->w;
	uint64_t c = fork_ok(f, f->init, 0);
	int p1 = sys_pidfd_open(w, f->init, c, 0), p2 = sys_pidfd_open(w, f->init, c, 0), fd;
	uint64_t ino1, ino2, dev1, dev2;
	struct nss_handle h, b;
	int status;

	assert_true(p1 >= 0 && p2 >= 0);
	assert_int_equal(sys_fstat(w, f->init, p1, &ino1, &dev1), 0);
	assert_int_equal(sys_fstat(w, f->init, p2, &ino2, &dev2), 0);
	assert_true(ino1 == ino2 && dev1 == dev2);
	/* alloc_pid's reference and the inode's: the second file reused the dentry */
	assert_int_equal(last_val(f, OBJ_PID, ino1, -1), 2);
	assert_true(logged_site(f, OBJ_PID, ino1, "pidfs_put_data"));

	assert_int_equal(sys_name_to_handle(w, f->init, p1, 4, &h), -EOVERFLOW);
	assert_int_equal(h.handle_bytes, 8);
	assert_int_equal(h.handle_type, NSS_FILEID_INVALID);
	assert_int_equal(sys_name_to_handle(w, f->init, p1, 128, &h), 0);
	assert_int_equal(h.handle_bytes, 8);
	assert_int_equal(h.handle_type, NSS_FILEID_KERNFS);
	assert_int_equal(h.ns_id, ino1);

	/* the mount fd picks the file system; pidfs checks the flags first */
	assert_int_equal(sys_open_by_handle_at(w, f->init, NSS_FD_NSFS_ROOT, &h, 0), -ESTALE);
	assert_int_equal(sys_open_by_handle_at(w, f->init, NSS_AT_FDCWD, &h, 0), -ESTALE);
	assert_int_equal(sys_open_by_handle_at(w, f->init, -9, &h, 0), -EBADF);
	assert_int_equal(sys_open_by_handle_at(w, f->init, 77, &h, 0), -EBADF);
	assert_int_equal(sys_open_by_handle_at(w, f->init, p1, &h, NSS_O_TRUNC), -EINVAL);
	b = h;
	b.handle_bytes = 4;
	assert_int_equal(sys_open_by_handle_at(w, f->init, p1, &b, 0), -ESTALE);
	b = h;
	b.handle_type = NSS_FILEID_KERNFS | NSS_FILEID_IS_CONNECTABLE;
	assert_int_equal(sys_open_by_handle_at(w, f->init, p1, &b, 0), -ESTALE);
	b.handle_type = NSS_FILEID_KERNFS | 0x40000;
	assert_int_equal(sys_open_by_handle_at(w, f->init, p1, &b, 0), -EINVAL);
	fd = sys_open_by_handle_at(w, f->init, NSS_FD_PIDFS_ROOT, &h,
				   NSS_O_RDWR | NSS_O_EXCL | NSS_O_NONBLOCK | NSS_O_CLOEXEC);
	assert_true(fd >= 0);
	assert_int_equal(sys_fstat(w, f->init, fd, &ino2, &dev2), 0);
	assert_true(ino1 == ino2 && dev1 == dev2);
	assert_int_equal(last_val(f, OBJ_PID, ino1, -1), 2);
	assert_int_equal(sys_close(w, f->init, fd), 0);
	assert_int_equal(sys_close(w, f->init, p2), 0);

	/* a zombie's pid decodes; once reaped it is out of pidfs's table */
	assert_int_equal(sys_kill(w, f->init, c, 9), 0);
	fd = sys_open_by_handle_at(w, f->init, p1, &h, 0);
	assert_true(fd >= 0);
	assert_int_equal(sys_close(w, f->init, fd), 0);
	assert_true(sys_wait4(w, f->init, c, 0, &status) > 0);
	assert_int_equal(sys_open_by_handle_at(w, f->init, p1, &h, 0), -ESTALE);
	assert_int_equal(sys_close(w, f->init, p1), 0);
	assert_clean(f);
}

/*
 * A pid pidfs has not seen yet (no pidfd was ever opened on it): 6.19
 * makes its dentry when a handle names it; 7.1's pidfs_ino_get_pid()
 * refuses it.  Its inode number follows the previous pid's.
 */
static void test_pidfs_unseen_pid(void **state)
{
	struct fx *f = *state;
	struct world *w = f->w;
	bool v71 = world_variant(w)->pidfs_decode_live;
	uint64_t c1 = fork_ok(f, f->init, 0), c2 = fork_ok(f, f->init, 0), ino, dev;
	int p1 = sys_pidfd_open(w, f->init, c1, 0), fd;
	struct nss_handle h;

	(void)c2;
	assert_int_equal(sys_fstat(w, f->init, p1, &ino, &dev), 0);
	assert_int_equal(sys_name_to_handle(w, f->init, p1, 128, &h), 0);
	h.ns_id = ino + 1;
	fd = sys_open_by_handle_at(w, f->init, NSS_FD_PIDFS_ROOT, &h, 0);
	if (v71) {
		assert_int_equal(fd, -ESTALE);
	} else {
		assert_true(fd >= 0);
		assert_int_equal(sys_close(w, f->init, fd), 0);
	}
	assert_int_equal(sys_close(w, f->init, p1), 0);
	assert_clean(f);
}

/*
 * name_to_handle_at()'s flags and path; the handles of file systems
 * without export operations (AT_HANDLE_FID only) and of memfds (shmem);
 * the open flags of an nsfs handle as linux-6.19-um and linux-7.1-um
 * judge them; may_decode_fh() for a caller without CAP_DAC_READ_SEARCH.
 */
static void test_handle_flags(void **state)
{
	struct fx *f = *state;
	struct world *w = f->w;
	uint64_t u = fork_ok(f, f->init, 0);
	int ns = sys_open_ns(w, f->init, 0, "net"), sock = sys_socket(w, f->init, 1);
	int mfd = sys_memfd_create(w, f->init, 0), pipefd[2], fd;
	struct nss_handle h;
	static const struct { int flags, err; } opens[] = {
		{ 0, 0 }, { NSS_O_WRONLY, -EPERM }, { NSS_O_RDWR, -EPERM }, { 3, -EPERM },
		{ NSS_O_CREAT, 0 }, { NSS_O_EXCL, 0 }, { NSS_O_CREAT | NSS_O_EXCL, -EEXIST },
		{ NSS_O_TRUNC, -EPERM }, { NSS_O_APPEND, 0 }, { NSS_O_APPEND | NSS_O_WRONLY, -EPERM },
		{ NSS_O_DIRECT, -EINVAL }, { NSS_O_DIRECT | NSS_O_WRONLY, -EPERM },
		{ NSS_O_DIRECTORY, -ENOTDIR }, { NSS_O_WRONLY | NSS_O_DIRECTORY, -ENOTDIR },
		{ NSS_O_CREAT | NSS_O_DIRECTORY, -EINVAL }, { NSS_O_PATH, 0 },
		{ NSS_O_PATH | NSS_O_WRONLY | NSS_O_TRUNC, 0 }, { NSS_O_PATH | NSS_O_DIRECTORY, -ENOTDIR },
		{ NSS_O_TMPFILE, -EINVAL }, { NSS_O_TMPFILE | NSS_O_RDWR, -ENOTDIR },
		{ 020000000, -EINVAL }, { NSS_O_NOATIME, 0 }, { NSS_O_CLOEXEC | NSS_O_NONBLOCK, 0 },
	};

	assert_int_equal(sys_pipe(w, f->init, 0, pipefd), 0);
	assert_int_equal(sys_name_to_handle_at(w, f->init, ns, "", 128, 0, &h), -ENOENT);
	assert_int_equal(sys_name_to_handle_at(w, f->init, ns, "x", 128, 0, &h), -ENOTDIR);
	assert_int_equal(sys_name_to_handle_at(w, f->init, 77, "x", 128, 0, &h), -EBADF);
	assert_int_equal(sys_name_to_handle_at(w, f->init, ns, "", 128,
					       NSS_AT_EMPTY_PATH | 0x4, &h), -EINVAL);
	assert_int_equal(sys_name_to_handle_at(w, f->init, ns, "", 128, NSS_AT_EMPTY_PATH |
					       NSS_AT_HANDLE_CONNECTABLE, &h), -EINVAL);
	assert_int_equal(sys_name_to_handle_at(w, f->init, ns, "", 128, NSS_AT_HANDLE_FID |
					       NSS_AT_HANDLE_CONNECTABLE, &h), -EINVAL);
	assert_int_equal(sys_name_to_handle_at(w, f->init, ns, "", 128, NSS_AT_EMPTY_PATH |
					       NSS_AT_HANDLE_FID | NSS_AT_HANDLE_MNT_ID_UNIQUE, &h), 0);
	assert_int_equal(h.handle_type, NSS_FILEID_NSFS);
	for (int i = 0; i < 2; i++) {
		int file = i ? pipefd[0] : sock;

		assert_int_equal(sys_name_to_handle(w, f->init, file, 128, &h), -EOPNOTSUPP);
		assert_int_equal(sys_name_to_handle_at(w, f->init, file, "", 128, NSS_AT_EMPTY_PATH |
						       NSS_AT_HANDLE_FID, &h), 0);
		assert_int_equal(h.handle_bytes, 12);
		assert_int_equal(h.handle_type, NSS_FILEID_INO64_GEN);
	}
	assert_int_equal(sys_name_to_handle(w, f->init, mfd, 128, &h), 0);
	assert_true(h.handle_bytes == 12 && h.handle_type == NSS_FILEID_INO32_GEN);

	h = (struct nss_handle){ 0 };
	assert_int_equal(sys_name_to_handle(w, f->init, ns, 128, &h), 0);
	for (guint i = 0; i < G_N_ELEMENTS(opens); i++) {
		fd = sys_open_by_handle(w, f->init, &h, opens[i].flags);
		if (opens[i].err) {
			assert_int_equal(fd, opens[i].err);
		} else {
			assert_true(fd >= 0);
			assert_int_equal(sys_close(w, f->init, fd), 0);
		}
	}
	/* root decodes against another file system and finds nothing there */
	assert_int_equal(sys_open_by_handle_at(w, f->init, sock, &h, 0), -ESTALE);
	assert_int_equal(sys_open_by_handle_at(w, f->init, NSS_AT_FDCWD, &h, 0), -ESTALE);

	/* a user without capabilities: O_NOATIME on root's inode, other file systems */
	assert_int_equal(sys_setresuid(w, u, 1000, 1000, 1000), 0);
	assert_int_equal(sys_open_by_handle(w, u, &h, NSS_O_NOATIME), -EPERM);
	fd = sys_open_by_handle(w, u, &h, 0);
	assert_true(fd >= 0);
	assert_int_equal(sys_open_by_handle_at(w, u, NSS_AT_FDCWD, &h, 0), -EPERM);
	assert_int_equal(sys_open_by_handle_at(w, u, NSS_AT_FDCWD, &h, NSS_O_DIRECTORY), -EPERM);
	assert_int_equal(sys_open_by_handle_at(w, u, NSS_FD_PIDFS_ROOT, &h, 0), -ESTALE);
	assert_clean(f);
}

static void test_handle_passive_pin(void **state)
{
	struct fx *f = *state;
	struct world *w = f->w;
	uint64_t c = fork_ok(f, f->init, NSS_CLONE_NEWNET | NSS_CLONE_FILES);
	int fd = sys_open_ns(w, f->init, c, "net");
	struct nss_handle h = handle_of(f, f->init, fd);
	int sock = sys_socket(w, c, 2);
	bool v618 = !world_variant(w)->has_active;

	assert_true(sock >= 0);
	assert_int_equal(sys_close(w, f->init, fd), 0);
	assert_int_equal(sys_exit(w, c, 0), 0);
	assert_int_equal(sys_wait(w, f->init, c, 0), (int64_t)c);
	fd = sys_open_by_handle(w, f->init, &h, 0);
	if (v618) {
		assert_true(fd >= 0);
		assert_int_equal(sys_close(w, f->init, fd), 0);
	} else {
		assert_int_equal(fd, -ESTALE);
	}
	/* SIOCGSKNS resurrects it; then the handle opens on both */
	fd = sys_ioctl(w, f->init, sock, NSS_SIOCGSKNS);
	assert_true(fd >= 0);
	assert_true(sys_open_by_handle(w, f->init, &h, 0) >= 0);
	assert_clean(f);
}

/* Opening a namespace one is not in needs CAP_SYS_ADMIN over its owner. */
static void test_handle_permission(void **state)
{
	struct fx *f = *state;
	struct world *w = f->w;
	uint64_t other = fork_ok(f, f->init, NSS_CLONE_NEWNET);
	int fd = sys_open_ns(w, f->init, other, "net");
	struct nss_handle h = handle_of(f, f->init, fd), own;
	uint64_t c = fork_ok(f, f->init, NSS_CLONE_NEWUSER | NSS_CLONE_NEWNET);
	int cfd = sys_open_ns(w, c, c, "net");

	assert_int_equal(sys_open_by_handle(w, c, &h, 0), -ESTALE);   /* EPERM inside */
	own = handle_of(f, c, cfd);
	assert_true(sys_open_by_handle(w, c, &own, 0) >= 0);         /* its own */
	assert_true(sys_open_by_handle(w, f->init, &own, 0) >= 0);   /* root over it */
	assert_clean(f);
}

static void test_ioctls(void **state)
{
	struct fx *f = *state;
	struct world *w = f->w;
	uint64_t c = fork_ok(f, f->init, NSS_CLONE_NEWUSER | NSS_CLONE_NEWPID | NSS_CLONE_NEWNS);
	int unet = sys_open_ns(w, f->init, c, "user");
	int pfd = sys_open_ns(w, f->init, c, "pid");
	int mfd = sys_open_ns(w, f->init, c, "mnt");
	int initu = sys_open_ns(w, c, f->init, "user");
	int sock = sys_socket(w, f->init, 1);
	uint64_t v = 0;
	int r;

	assert_true(unet >= 0 && pfd >= 0 && mfd >= 0);
	assert_int_equal(initu, -ENOENT);       /* init is not visible in c's pid ns */
	assert_int_equal(sys_ioctl_value(w, f->init, pfd, NSS_NS_GET_NSTYPE, &v), 0);
	assert_int_equal(v, NSS_CLONE_NEWPID);
	assert_int_equal(sys_ioctl_value(w, f->init, unet, NSS_NS_GET_OWNER_UID, &v), 0);
	assert_int_equal(v, 0);
	assert_int_equal(sys_ioctl_value(w, f->init, pfd, NSS_NS_GET_OWNER_UID, &v), -EINVAL);
	assert_int_equal(sys_ioctl_value(w, f->init, mfd, NSS_NS_GET_MNTNS_ID, &v), 0);
	assert_int_equal(v, ns_of(f, c, "mnt"));
	assert_int_equal(sys_ioctl_value(w, f->init, pfd, NSS_NS_GET_MNTNS_ID, &v), -EINVAL);
	assert_int_equal(sys_ioctl_value(w, f->init, pfd, NSS_NS_GET_ID, &v), 0);
	assert_int_equal(v, ns_of(f, c, "pid"));
	assert_int_equal(sys_ioctl_value(w, f->init, pfd, 0xb7ff, &v), -ENOTTY);
	assert_int_equal(sys_ioctl_value(w, f->init, sock, NSS_NS_GET_ID, &v), -ENOTTY);
	assert_int_equal(sys_ioctl(w, f->init, pfd, NSS_SIOCGSKNS), -ENOTTY);
	/* NS_GET_PARENT: hierarchical types only, within the caller's scope */
	assert_int_equal(sys_ioctl(w, f->init, mfd, NSS_NS_GET_PARENT), -EINVAL);
	r = sys_ioctl(w, f->init, pfd, NSS_NS_GET_PARENT);
	assert_true(r >= 0);
	assert_int_equal(sys_ioctl(w, f->init, r, NSS_NS_GET_PARENT), -EPERM);  /* init_pid_ns */
	r = sys_ioctl(w, f->init, unet, NSS_NS_GET_PARENT);
	assert_true(r >= 0);
	assert_int_equal(sys_ioctl(w, f->init, r, NSS_NS_GET_USERNS), -EPERM);  /* no owner */
	/* NS_GET_USERNS from inside: init_user_ns is above the caller */
	{
		int cm = sys_open_ns(w, c, c, "ipc");   /* the initial ipc ns, owned by init_user_ns */

		assert_true(cm >= 0);
		assert_int_equal(sys_ioctl(w, c, cm, NSS_NS_GET_USERNS), -EPERM);
		cm = sys_open_ns(w, c, c, "mnt");         /* its own mnt ns, owned by its user ns */
		assert_true(sys_ioctl(w, c, cm, NSS_NS_GET_USERNS) >= 0);
		cm = sys_open_ns(w, c, c, "pid");
		assert_int_equal(sys_ioctl(w, c, cm, NSS_NS_GET_PARENT), -EPERM);
	}
	assert_clean(f);
}

static void test_pidfd_ns_ioctls(void **state)
{
	struct fx *f = *state;
	struct world *w = f->w;
	uint64_t c = fork_ok(f, f->init, NSS_CLONE_NEWNET);
	int pfd = sys_pidfd_open(w, f->init, c, 0);
	int r = sys_ioctl(w, f->init, pfd, NSS_PIDFD_GET_NET_NAMESPACE);
	uint64_t v;

	assert_true(r >= 0);
	assert_int_equal(sys_ioctl_value(w, f->init, r, NSS_NS_GET_ID, &v), 0);
	assert_int_equal(v, ns_of(f, c, "net"));
	assert_int_equal(sys_exit(w, c, 0), 0);
	/* a zombie has no nsproxy: ESRCH for every type, user and pid included */
	assert_int_equal(sys_ioctl(w, f->init, pfd, NSS_PIDFD_GET_NET_NAMESPACE), -ESRCH);
	assert_int_equal(sys_ioctl(w, f->init, pfd, NSS_PIDFD_GET_USER_NAMESPACE), -ESRCH);
	assert_int_equal(sys_wait(w, f->init, c, 0), (int64_t)c);
	assert_int_equal(sys_ioctl(w, f->init, pfd, NSS_PIDFD_GET_USER_NAMESPACE), -ESRCH);
	/* another user's task: EACCES */
	c = fork_ok(f, f->init, 0);
	pfd = sys_pidfd_open(w, c, f->init, 0);
	assert_int_equal(sys_setuid(w, c, 1000), 0);
	assert_int_equal(sys_ioctl(w, c, pfd, NSS_PIDFD_GET_NET_NAMESPACE), -EACCES);
	assert_clean(f);
}

static void test_siocgskns(void **state)
{
	struct fx *f = *state;
	struct world *w = f->w;
	uint64_t c = fork_ok(f, f->init, NSS_CLONE_NEWNET | NSS_CLONE_FILES);
	int sock = sys_socket(w, c, 2);
	uint64_t cookie = 0, n = ns_of(f, c, "net");

	assert_int_equal(sys_netns_cookie(w, f->init, sock, &cookie), 0);
	assert_int_equal(cookie, n);
	assert_int_equal(sys_netns_cookie(w, f->init, 50, &cookie), -EBADF);
	/* an unprivileged caller lacks CAP_NET_ADMIN over init_user_ns */
	{
		uint64_t u = fork_ok(f, f->init, NSS_CLONE_FILES);
		int other = sys_open_ns(w, f->init, c, "net");

		assert_int_equal(sys_setuid(w, u, 1000), 0);
		assert_int_equal(sys_ioctl(w, u, sock, NSS_SIOCGSKNS), -EPERM);
		assert_int_equal(sys_netns_cookie(w, u, other, &cookie), -ENOTSOCK);
	}
	assert_clean(f);
}

static void test_mounts(void **state)
{
	struct fx *f = *state;
	struct world *w = f->w;
	uint64_t c = fork_ok(f, f->init, NSS_CLONE_NEWNET | NSS_CLONE_NEWNS);
	uint64_t n = ns_of(f, c, "net");
	int fd = sys_open_ns(w, f->init, c, "net");
	int mfd = sys_open_ns(w, f->init, c, "mnt");
	int own = sys_open_ns(w, f->init, f->init, "mnt");
	int sock = sys_socket(w, f->init, 2);

	assert_true(sys_mount_bind(w, f->init, fd, "/run/netns/a") > 0);
	assert_int_equal(sys_mount_bind(w, f->init, fd, "relative"), -EINVAL);
	assert_int_equal(sys_mount_bind(w, f->init, sock, "/s"), -EINVAL);
	assert_int_equal(sys_mount_bind(w, f->init, 99, "/x"), -EBADF);
	assert_true(sys_mount_bind(w, f->init, mfd, "/run/mnt") > 0);  /* newer: fine */
	assert_int_equal(sys_mount_bind(w, c, sys_open_ns(w, c, f->init, "mnt"), "/m"), -EINVAL);
	(void)own;
	assert_int_equal(sys_close(w, f->init, fd), 0);
	assert_int_equal(sys_exit(w, c, 0), 0);
	assert_int_equal(sys_wait(w, f->init, c, 0), (int64_t)c);
	assert_ns(f, n, 1, 1);                  /* the bind mount keeps it */
	fd = sys_open_file(w, f->init, "/run/netns/a");
	assert_true(fd >= 0);
	assert_int_equal(sys_umount(w, f->init, "/run/netns/a"), 0);
	assert_int_equal(sys_umount(w, f->init, "/run/netns/a"), -EINVAL);
	assert_ns(f, n, 1, 1);                  /* the file from the mount */
	assert_int_equal(sys_close(w, f->init, fd), 0);
	assert_ns(f, n, 0, 0);
	/* unprivileged: EPERM */
	c = fork_ok(f, f->init, 0);
	fd = sys_open_ns(w, c, c, "uts");
	assert_int_equal(sys_setuid(w, c, 1000), 0);
	assert_int_equal(sys_mount_bind(w, c, fd, "/u"), -EPERM);
	assert_clean(f);
}

/* A bind mount lives and dies with the mount namespace it is in. */
static void test_mount_dies_with_mnt_ns(void **state)
{
	struct fx *f = *state;
	struct world *w = f->w;
	uint64_t c = fork_ok(f, f->init, NSS_CLONE_NEWNET | NSS_CLONE_NEWNS);
	uint64_t n = ns_of(f, c, "net");
	int fd = sys_open_ns(w, c, c, "net");

	assert_true(sys_mount_bind(w, c, fd, "/run/netns/a") > 0);
	assert_int_equal(sys_exit(w, c, 0), 0);   /* its mnt ns dies with it */
	assert_ns(f, n, 0, 0);
	assert_clean(f);
}

static void test_fd_passing(void **state)
{
	struct fx *f = *state;
	struct world *w = f->w;
	uint64_t c = fork_ok(f, f->init, NSS_CLONE_NEWNET);
	uint64_t n = ns_of(f, c, "net");
	int fd = sys_open_ns(w, c, c, "net");
	int pfd = sys_pidfd_open(w, f->init, c, 0);
	int got;

	assert_int_equal(sys_send_fd(w, c, fd, f->init, true), 0);
	assert_int_equal(sys_send_fd(w, c, 33, f->init, true), -EBADF);
	assert_int_equal(sys_close(w, c, fd), 0);
	assert_int_equal(sys_exit(w, c, 0), 0);
	assert_int_equal(sys_wait(w, f->init, c, 0), (int64_t)c);
	assert_ns(f, n, 1, 1);                   /* in flight to init */
	got = sys_recv_fd(w, f->init);
	assert_true(got >= 0);
	assert_int_equal(sys_recv_fd(w, f->init), -EAGAIN);
	assert_int_equal(sys_send_fd(w, f->init, got, c, false), -ECONNREFUSED);
	assert_int_equal(sys_close(w, f->init, got), 0);
	assert_ns(f, n, 0, 0);
	/* never received: dropped when the receiver exits */
	c = fork_ok(f, f->init, NSS_CLONE_NEWNET);
	n = ns_of(f, c, "net");
	fd = sys_open_ns(w, f->init, c, "net");
	{
		uint64_t r = fork_ok(f, f->init, 0);

		assert_int_equal(sys_send_fd(w, f->init, fd, r, true), 0);
		assert_int_equal(sys_close(w, f->init, fd), 0);
		assert_int_equal(sys_exit(w, c, 0), 0);
		assert_ns(f, n, 1, 1);
		assert_int_equal(sys_exit(w, r, 0), 0);
		assert_ns(f, n, 0, 0);
	}
	/* pidfd_getfd */
	c = fork_ok(f, f->init, 0);
	fd = sys_socket(w, c, 2);
	pfd = sys_pidfd_open(w, f->init, c, 0);
	assert_true(sys_pidfd_getfd(w, f->init, pfd, fd) >= 0);
	assert_int_equal(sys_pidfd_getfd(w, f->init, pfd, 40), -EBADF);
	assert_int_equal(sys_pidfd_getfd(w, f->init, sys_socket(w, f->init, 1), fd),
			 -EBADF);                                         /* not a pidfd */
	{
		uint64_t u = fork_ok(f, f->init, 0);
		int upfd = sys_pidfd_open(w, u, c, 0);

		assert_int_equal(sys_setuid(w, u, 1000), 0);
		assert_int_equal(sys_pidfd_getfd(w, u, upfd, fd), -EPERM);
	}
	assert_int_equal(sys_exit(w, c, 0), 0);
	assert_int_equal(sys_pidfd_getfd(w, f->init, pfd, fd), -ESRCH);
	assert_clean(f);
}

static int64_t listns(struct fx *f, uint64_t task, struct nss_listns_req req, uint64_t *out,
		      uint64_t nr)
{
	if (!req.size)
		req.size = 32;
	return sys_listns(f->w, task, &req, out, nr, 0);
}

static void test_listns_errors(void **state)
{
	struct fx *f = *state;
	struct world *w = f->w;
	struct nss_listns_req req = { .size = 32 };
	uint64_t out[64];

	if (!world_variant(w)->has_active) {
		assert_int_equal(sys_listns(w, f->init, &req, out, 64, 0), -ENOSYS);
		return;
	}
	assert_int_equal(sys_listns(w, f->init, &req, out, 64, 1), -EINVAL);
	assert_int_equal(sys_listns(w, f->init, &req, out, 1000001, 0), -EOVERFLOW);
	assert_int_equal(sys_listns(w, f->init, NULL, out, 64, 0), -EFAULT);
	assert_int_equal(listns(f, f->init, (struct nss_listns_req){ .size = 4097 }, out, 64), -E2BIG);
	assert_int_equal(listns(f, f->init, (struct nss_listns_req){ .size = 16 }, out, 64), -EINVAL);
	assert_int_equal(listns(f, f->init, (struct nss_listns_req){ .spare = 1 }, out, 64), -EINVAL);
	assert_int_equal(listns(f, f->init, (struct nss_listns_req){ .ns_type = 1 }, out, 64),
			 -EOPNOTSUPP);
	assert_int_equal(listns(f, f->init, (struct nss_listns_req){ .user_ns_id = 12345 }, out, 64),
			 -EINVAL);
	/* the initial namespaces and kdevtmpfs's mount namespace */
	assert_int_equal(listns(f, f->init, (struct nss_listns_req){ .spare2 = 7 }, out, 64), 9);
	assert_int_equal(listns(f, f->init, (struct nss_listns_req){ 0 }, NULL, 10), -EFAULT);
	/* nothing listable: no put_user, so no EFAULT */
	assert_int_equal(listns(f, f->init, (struct nss_listns_req){ .ns_type = NSS_CLONE_NEWNET,
								    .ns_id = 7 }, NULL, 10), -ENOENT);
	assert_clean(f);
}

static void test_listns_walks(void **state)
{
	struct fx *f = *state;
	struct world *w = f->w;
	uint64_t out[64];
	uint64_t c = fork_ok(f, f->init, NSS_CLONE_NEWUSER | NSS_CLONE_NEWNET | NSS_CLONE_NEWUTS);
	uint64_t u = ns_of(f, c, "user"), n = ns_of(f, c, "net"), uts = ns_of(f, c, "uts");
	int64_t k;

	k = listns(f, f->init, (struct nss_listns_req){ 0 }, out, 64);
	assert_int_equal(k, 12);
	for (int i = 0; i < 8; i++)
		assert_int_equal(out[i], i + 1);
	assert_int_equal(out[8], 10);   /* kdevtmpfs's mount namespace */
	assert_int_equal(out[9], u);
	/* pagination: the cursor is exclusive */
	k = listns(f, f->init, (struct nss_listns_req){ 0 }, out, 3);
	assert_int_equal(k, 3);
	k = listns(f, f->init, (struct nss_listns_req){ .ns_id = out[2] }, out, 3);
	assert_int_equal(k, 3);
	assert_int_equal(out[0], 4);
	/* type filter; owner mode */
	k = listns(f, f->init, (struct nss_listns_req){ .ns_type = NSS_CLONE_NEWNET }, out, 64);
	assert_int_equal(k, 2);
	assert_int_equal(out[1], n);
	k = listns(f, f->init, (struct nss_listns_req){ .user_ns_id = u }, out, 64);
	assert_int_equal(k, 2);
	assert_int_equal(out[0], n < uts ? n : uts);
	k = listns(f, c, (struct nss_listns_req){ .user_ns_id = NSS_LISTNS_CURRENT_USER }, out, 64);
	assert_int_equal(k, 2);
	/* an unprivileged task sees its own namespaces only */
	{
		uint64_t p = fork_ok(f, f->init, 0);

		assert_int_equal(sys_setuid(w, p, 1000), 0);
		k = listns(f, p, (struct nss_listns_req){ 0 }, out, 64);
		assert_int_equal(k, 8);   /* not kdevtmpfs's: that one is not its own */
	}
	/* gone inactive: not listed, and a cursor on it gives ENOENT */
	assert_int_equal(sys_exit(w, c, 0), 0);
	k = listns(f, f->init, (struct nss_listns_req){ .ns_type = NSS_CLONE_NEWNET }, out, 64);
	assert_int_equal(k, 1);
	assert_int_equal(listns(f, f->init, (struct nss_listns_req){ .ns_id = u }, out, 64), -ENOENT);
	assert_int_equal(sys_wait(w, f->init, c, 0), (int64_t)c);
	assert_int_equal(listns(f, f->init, (struct nss_listns_req){ .user_ns_id = u }, out, 64),
			 -EINVAL);
	assert_clean(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_name_to_handle, fx_setup_619, fx_teardown),
		cmocka_unit_test_setup_teardown(test_open_by_handle_checks, fx_setup_619, fx_teardown),
		cmocka_unit_test_setup_teardown(test_open_by_handle_checks, fx_setup_618, fx_teardown),
		cmocka_unit_test_setup_teardown(test_pidfs_handles, fx_setup_619, fx_teardown),
		cmocka_unit_test_setup_teardown(test_pidfs_handles, fx_setup_71, fx_teardown),
		cmocka_unit_test_setup_teardown(test_pidfs_unseen_pid, fx_setup_619, fx_teardown),
		cmocka_unit_test_setup_teardown(test_pidfs_unseen_pid, fx_setup_71, fx_teardown),
		cmocka_unit_test_setup_teardown(test_handle_flags, fx_setup_619, fx_teardown),
		cmocka_unit_test_setup_teardown(test_handle_flags, fx_setup_71, fx_teardown),
		cmocka_unit_test_setup_teardown(test_handle_passive_pin, fx_setup_619, fx_teardown),
		cmocka_unit_test_setup_teardown(test_handle_passive_pin, fx_setup_618, fx_teardown),
		cmocka_unit_test_setup_teardown(test_handle_permission, fx_setup_619, fx_teardown),
		cmocka_unit_test_setup_teardown(test_ioctls, fx_setup_619, fx_teardown),
		cmocka_unit_test_setup_teardown(test_pidfd_ns_ioctls, fx_setup_619, fx_teardown),
		cmocka_unit_test_setup_teardown(test_siocgskns, fx_setup_619, fx_teardown),
		cmocka_unit_test_setup_teardown(test_mounts, fx_setup_619, fx_teardown),
		cmocka_unit_test_setup_teardown(test_mount_dies_with_mnt_ns, fx_setup_619, fx_teardown),
		cmocka_unit_test_setup_teardown(test_fd_passing, fx_setup_619, fx_teardown),
		cmocka_unit_test_setup_teardown(test_listns_errors, fx_setup_619, fx_teardown),
		cmocka_unit_test_setup_teardown(test_listns_errors, fx_setup_618, fx_teardown),
		cmocka_unit_test_setup_teardown(test_listns_walks, fx_setup_619, fx_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
