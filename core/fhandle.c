// SPDX-License-Identifier: MIT
/*
 * fhandle.c - name_to_handle_at() and open_by_handle_at() (fs/fhandle.c).
 *
 * The generic half of file handles: flag checks, the path lookup, the
 * anchor a handle is decoded against (a file's mount, the cwd, or the
 * roots of pidfs and nsfs), and may_decode_fh() for file systems without
 * a permission hook.  nsfs.c and pidfs.c encode, decode and open their
 * own handles.
 *
 * The model's files are never directories and it has no directory tree:
 * a name relative to a file is ENOTDIR, and a handle decoded against any
 * other file system (the cwd, a socket, a pipe, a memfd, a regular file)
 * names nothing there, ESTALE, once may_decode_fh() lets the caller try.
 */
#include "core-private.h"

#define AT_VALID (NSS_AT_SYMLINK_FOLLOW | NSS_AT_EMPTY_PATH | NSS_AT_HANDLE_FID | \
		  NSS_AT_HANDLE_MNT_ID_UNIQUE | NSS_AT_HANDLE_CONNECTABLE)

/*
 * A three-word handle of the model's file id: shmem_encode_fh() for a
 * memfd (FILEID_INO32_GEN), or exportfs_encode_fh()'s default for a file
 * system without export operations (an AT_HANDLE_FID: FILEID_INO64_GEN).
 */
static int encode_3_words(struct file *f, uint32_t *dwords, struct nss_handle *out, int type)
{
	bool fits = *dwords >= 3;

	*dwords = 3;
	if (!fits)
		return NSS_FILEID_INVALID;
	out->ns_id = f->id;
	return type;
}

/* do_sys_name_to_handle() */
static int do_name_to_handle(struct file *f, uint32_t bytes, bool fid, struct nss_handle *out)
{
	bool has_export_ops = f->kind == FILE_NSFS || f->kind == FILE_PIDFD || f->shmem;
	uint32_t dwords;
	int type;

	/* exportfs_can_encode_fh(): a decodable handle needs export operations */
	if (!has_export_ops && !fid)
		return -EOPNOTSUPP;
	if (bytes > NSS_MAX_HANDLE_SZ)
		return -EINVAL;
	*out = (struct nss_handle){ 0 };
	dwords = bytes / 4;
	if (f->kind == FILE_NSFS)
		type = nsfs_encode_fh(f, &dwords, out);
	else if (f->kind == FILE_PIDFD)
		type = pidfs_encode_fh(f, &dwords, out);
	else
		type = encode_3_words(f, &dwords, out, f->shmem ? NSS_FILEID_INO32_GEN
							       : NSS_FILEID_INO64_GEN);
	/* the size needed goes back to userspace with the error */
	out->handle_bytes = dwords * 4;
	out->handle_type = type;
	if (out->handle_bytes > bytes || type == NSS_FILEID_INVALID) {
		*out = (struct nss_handle){ .handle_bytes = dwords * 4,
					    .handle_type = NSS_FILEID_INVALID };
		return -EOVERFLOW;
	}
	return 0;
}

int sys_name_to_handle_at(struct world *w, uint64_t task, int fd, const char *path,
			  uint32_t bytes, int flags, struct nss_handle *out)
{
	struct task *t = event_begin(w, "name_to_handle_at", task, fd, bytes, flags);
	struct file *f;

	if (!t)
		return event_end(w, -ESRCH);
	if (flags & ~AT_VALID)
		return event_end(w, -EINVAL);
	/* a connectable handle needs a path, which AT_EMPTY_PATH and a fid do not give */
	if ((flags & NSS_AT_HANDLE_CONNECTABLE) &&
	    (flags & (NSS_AT_HANDLE_FID | NSS_AT_EMPTY_PATH)))
		return event_end(w, -EINVAL);
	/* user_path_at(): an empty name without AT_EMPTY_PATH is refused by getname */
	if (!path[0] && !(flags & NSS_AT_EMPTY_PATH))
		return event_end(w, -ENOENT);
	f = t->files ? fd_lookup(t, fd) : NULL;
	if (!f)
		return event_end(w, -EBADF);
	if (path[0])
		return event_end(w, -ENOTDIR);
	return event_end(w, do_name_to_handle(f, bytes, flags & NSS_AT_HANDLE_FID, out));
}

int sys_name_to_handle(struct world *w, uint64_t task, int fd, uint32_t bytes,
		       struct nss_handle *out)
{
	return sys_name_to_handle_at(w, task, fd, "", bytes, NSS_AT_EMPTY_PATH, out);
}

/* the file system an open_by_handle_at() mount fd leads to */
enum anchor_fs { ANCHOR_NSFS, ANCHOR_PIDFS, ANCHOR_OTHER };

/* get_path_anchor() */
static int get_path_anchor(struct task *t, int mount_fd, enum anchor_fs *out)
{
	struct file *f;

	if (mount_fd >= 0) {
		f = t->files ? fd_lookup(t, mount_fd) : NULL;
		if (!f)
			return -EBADF;
		*out = f->kind == FILE_NSFS ? ANCHOR_NSFS
		     : f->kind == FILE_PIDFD ? ANCHOR_PIDFS : ANCHOR_OTHER;
		return 0;
	}
	switch (mount_fd) {
	case NSS_AT_FDCWD:
		*out = ANCHOR_OTHER;
		return 0;
	case NSS_FD_PIDFS_ROOT:
		*out = ANCHOR_PIDFS;
		return 0;
	case NSS_FD_NSFS_ROOT:
		*out = ANCHOR_NSFS;
		return 0;
	}
	return -EBADF;
}

/*
 * may_decode_fh(): CAP_DAC_READ_SEARCH in the initial user namespace, or
 * for O_DIRECTORY opens a caller who could mount the file system.  The
 * model's other file systems belong to the initial user namespace and it
 * has no mount tree to look for locked mounts in: without the capability
 * the caller is refused (docs/fidelity.md).
 */
static int may_decode_fh(struct world *w, struct task *t)
{
	return ns_capable(w, t->cred, w->init_ns[NS_USER], 2 /* CAP_DAC_READ_SEARCH */)
	       ? 0 : -EPERM;
}

int sys_open_by_handle_at(struct world *w, uint64_t task, int mount_fd,
			  const struct nss_handle *h, int flags)
{
	struct task *t = event_begin(w, "open_by_handle_at", task, (int64_t)h->ns_id,
				     h->ns_type, flags);
	struct nss_handle fh = *h;
	uint32_t user_flags = (uint32_t)h->handle_type & 0xffff0000u;
	enum anchor_fs anchor;
	struct nsfs_inode *nino = NULL;
	struct pidfs_inode *pino = NULL;
	struct file *f = NULL;
	int err;

	if (!t)
		return event_end(w, -ESRCH);
	/* handle_to_path() */
	if (h->handle_bytes == 0 || h->handle_bytes > NSS_MAX_HANDLE_SZ)
		return event_end(w, -EINVAL);
	if (h->handle_type < 0 ||
	    (user_flags & ~(uint32_t)(NSS_FILEID_IS_CONNECTABLE | NSS_FILEID_IS_DIR)))
		return event_end(w, -EINVAL);
	if ((err = get_path_anchor(t, mount_fd, &anchor)))
		return event_end(w, err);
	/* the export operations' permission hook, else may_decode_fh() */
	if (anchor == ANCHOR_PIDFS)
		err = pidfs_export_permission(flags);
	else if (anchor == ANCHOR_OTHER)
		err = may_decode_fh(w, t);
	if (err)
		return event_end(w, err);
	if (anchor == ANCHOR_OTHER)
		return event_end(w, -ESTALE);   /* no such handle on that file system */
	fh.handle_type &= 0xffff;
	err = anchor == ANCHOR_NSFS ? nsfs_fh_to_dentry(w, t, &fh, &nino)
				    : pidfs_fh_to_dentry(w, t, &fh, &pino);
	if (err)
		return event_end(w, err);
	/*
	 * A connectable handle must lead to the mount's root, a directory
	 * handle to a directory: neither holds for a disconnected nsfs or
	 * pidfs dentry, which exportfs_decode_fh_raw() then drops.
	 */
	if (user_flags)
		err = -ESTALE;
	/* FD_ADD(): the fd comes before the open */
	else if ((err = should_fail(w, FAULT_GET_UNUSED_FD)) == 0) {
		if (nino)
			err = nsfs_export_open(w, t, nino, flags, &f);
		else
			f = pidfs_export_open(w, t, pino);
	}
	if (err) {
		if (nino)
			nsfs_dput(w, nino);
		else
			pidfs_dput(w, pino);
		return event_end(w, err);
	}
	return event_end(w, (flags & NSS_O_CLOEXEC) ? fd_install_cloexec(w, t, f)
						    : fd_install(w, t, f));
}

int sys_open_by_handle(struct world *w, uint64_t task, const struct nss_handle *h,
		       int flags)
{
	return sys_open_by_handle_at(w, task, NSS_FD_NSFS_ROOT, h, flags);
}
