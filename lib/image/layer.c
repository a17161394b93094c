/* layer.c - apply one image layer to a rootfs; see layer.h. */
#include "image/layer.h"
#include "base/cleanup.h"
#include "base/digest.h"
#include "base/fs.h"
#include "base/safepath.h"
#include "image/libarchive.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

/* The fuzz build (GNUmakefile, FUZZ=1) reads in 64 KiB: under ASan every
 * 1 MiB buffer is a fresh mapping, which made runs four times slower. */
#ifdef RC_LAYER_READ_CHUNK
#define READ_CHUNK RC_LAYER_READ_CHUNK
#else
#define READ_CHUNK (1u << 20)
#endif
#define WH_PREFIX ".wh."
#define WH_OPAQUE ".wh..wh..opq"
#define WH_META ".wh..wh."

enum rc_whiteout rc_whiteout_kind(const char *base, const char **ret_target)
{
	const char *t;

	if (strncmp(base, WH_PREFIX, 4) != 0)
		return RC_WH_NONE;
	if (!strcmp(base, WH_OPAQUE))
		return RC_WH_OPAQUE;
	if (!strncmp(base, WH_META, 8))
		return RC_WH_META;
	t = base + 4;
	if (!*t || !strcmp(t, ".") || !strcmp(t, "..") || strchr(t, '/'))
		return RC_WH_INVALID;
	if (ret_target)
		*ret_target = t;
	return RC_WH_FILE;
}

/* The inodes this layer created or touched: a whiteout or an opaque
 * directory removes only what lower layers left, never this layer's own
 * entries, whatever their order in the tar. An open-addressing hash set. */
struct ino_set {
	uint64_t *slot; /* 0 = empty; stored as ino + 1 */
	size_t cap, n;
};

static size_t ino_hash(uint64_t k, size_t cap)
{
	k ^= k >> 33;
	k *= 0xff51afd7ed558ccdULL;
	k ^= k >> 33;
	return (size_t)k & (cap - 1);
}

static int ino_add(struct ino_set *s, ino_t ino)
{
	uint64_t k = (uint64_t)ino + 1;
	size_t i;

	if ((s->n + 1) * 2 > s->cap) {
		size_t ncap = s->cap ? s->cap * 2 : 1024;
		uint64_t *ns = calloc(ncap, sizeof *ns);
		if (!ns)
			return -1;
		for (size_t j = 0; j < s->cap; j++) {
			if (!s->slot[j])
				continue;
			for (i = ino_hash(s->slot[j], ncap); ns[i]; i = (i + 1) & (ncap - 1))
				;
			ns[i] = s->slot[j];
		}
		free(s->slot);
		s->slot = ns;
		s->cap = ncap;
	}
	for (i = ino_hash(k, s->cap); s->slot[i]; i = (i + 1) & (s->cap - 1))
		if (s->slot[i] == k)
			return 0;
	s->slot[i] = k;
	s->n++;
	return 0;
}

static bool ino_has(const struct ino_set *s, ino_t ino)
{
	uint64_t k = (uint64_t)ino + 1;

	if (!s->cap)
		return false;
	for (size_t i = ino_hash(k, s->cap); s->slot[i]; i = (i + 1) & (s->cap - 1))
		if (s->slot[i] == k)
			return true;
	return false;
}

/* Directory times are set when the layer is done: creating entries inside
 * a directory would change them again. */
struct dir_time {
	char *path;
	struct timespec ts[2];
};

struct layer {
	int rootfd;          /* O_PATH */
	enum rc_layer_form form;
	struct ino_set upper;
	/* RC_LAYER_DIFF: directories made on the way to an entry, and those
	 * the tar has an entry for; the first less the second are noted. */
	struct ino_set implicit, explicit;
	struct rc_layer_notes *notes;
	bool root_explicit, root_opaque;
	struct dir_time *dirs;
	size_t ndirs, capdirs;
	/* The parent directory of the last entry, reused while entries share
	 * it; dropped whenever anything is removed (a path may have changed). */
	char parent_path[PATH_MAX];
	int parent_fd;
	bool parent_stale;
	bool xattr_warned;
	bool oom;             /* made_dir could not record an inode */
	const volatile sig_atomic_t *cancel;
};

static void parent_drop(struct layer *l)
{
	if (l->parent_fd >= 0)
		close(l->parent_fd);
	l->parent_fd = -1;
	l->parent_path[0] = '\0';
	l->parent_stale = false;
}

/* A directory made on the way to an entry belongs to this layer too. */
static void made_dir(ino_t ino, void *arg)
{
	struct layer *l = arg;

	if (ino_add(&l->upper, ino) < 0 ||
	    (l->form == RC_LAYER_DIFF && ino_add(&l->implicit, ino) < 0))
		l->oom = true;
}

static int note(struct layer *l, char kind, const char *path, struct rc_err *e)
{
	struct rc_layer_notes *n = l->notes;
	size_t need = strlen(path) + 2;

	if (!n)
		return 0;
	if (n->len + need > n->cap) {
		size_t ncap = (n->cap ? n->cap * 2 : 4096) + need;
		char *nb = realloc(n->buf, ncap);
		if (!nb)
			return rc_errf(e, ENOMEM, "noting %s", path);
		n->buf = nb;
		n->cap = ncap;
	}
	n->buf[n->len++] = kind;
	memcpy(n->buf + n->len, path, need - 1);
	n->len += need - 1;
	return 0;
}

/* Mark the directory parent/name (or fd, when >= 0) opaque for overlayfs. */
static int set_opaque(int fd, int parent, const char *name, struct rc_err *e)
{
	_cleanup_close_ int own = -1;

	if (fd < 0) {
		own = fd = openat(parent, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (fd < 0)
			return rc_errf(e, errno, "opening the directory");
	}
	if (fsetxattr(fd, RC_OVERLAY_OPAQUE_XATTR, "y", 1, 0) < 0)
		return rc_errf(e, errno, "marking the directory opaque");
	return 0;
}

/* The directory holding rel's last component (created when missing); the
 * descriptor stays owned by the layer. */
static int parent_get(struct layer *l, const char *rel, const char **ret_name)
{
	const char *slash = strrchr(rel, '/');
	size_t dlen = slash ? (size_t)(slash - rel) : 0;

	*ret_name = slash ? slash + 1 : rel;
	if (l->parent_fd >= 0 && !l->parent_stale && strlen(l->parent_path) == dlen &&
	    !strncmp(l->parent_path, rel, dlen))
		return l->parent_fd;
	parent_drop(l);
	l->parent_fd = rc_sp_open_parent(l->rootfd, rel, true, ret_name, made_dir, l);
	if (l->oom)
		return errno = ENOMEM, -1;
	if (l->parent_fd >= 0) {
		memcpy(l->parent_path, rel, dlen);
		l->parent_path[dlen] = '\0';
	}
	return l->parent_fd;
}

static const char *type_name(mode_t t)
{
	switch (t) {
	case AE_IFREG: return "file";
	case AE_IFDIR: return "directory";
	case AE_IFLNK: return "symlink";
	case AE_IFCHR: return "character device";
	case AE_IFBLK: return "block device";
	case AE_IFIFO: return "fifo";
	case AE_IFSOCK: return "socket";
	default: return "entry of unknown type";
	}
}

/* Remove whatever is at parent/name (a tree too). Missing is fine. */
static int remove_existing(struct layer *l, int parent, const char *name, struct rc_err *e)
{
	struct stat st;

	if (fstatat(parent, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return errno == ENOENT ? 0 : rc_errf(e, errno, "looking at what is there");
	if (S_ISDIR(st.st_mode)) {
		if (rc_rm_rf_at(parent, name, e) < 0)
			return rc_err_prefix(e, "replacing a directory");
	} else if (unlinkat(parent, name, 0) < 0 && errno != ENOENT) {
		return rc_errf(e, errno, "replacing what is there");
	}
	/* The descriptor in hand stays valid (only a path below it went),
	 * but a later entry's parent path may have gone through name. */
	l->parent_stale = true;
	return 0;
}

static int add_upper(struct layer *l, int parent, const char *name, struct rc_err *e)
{
	struct stat st;

	if (fstatat(parent, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return rc_errf(e, errno, "looking at the new entry");
	if (ino_add(&l->upper, st.st_ino) < 0)
		return rc_errf(e, ENOMEM, "recording the new entry");
	return 0;
}

static void entry_times(struct archive_entry *ent, struct timespec ts[2])
{
	ts[1].tv_sec = sym_archive_entry_mtime(ent);
	ts[1].tv_nsec = sym_archive_entry_mtime_nsec(ent);
	if (sym_archive_entry_atime_is_set(ent)) {
		ts[0].tv_sec = sym_archive_entry_atime(ent);
		ts[0].tv_nsec = sym_archive_entry_atime_nsec(ent);
	} else {
		ts[0] = ts[1];
	}
}

static int set_xattrs(struct layer *l, int fd, int parent, const char *name,
		      struct archive_entry *ent, struct rc_err *e)
{
	const char *key;
	const void *val;
	size_t len;
	char proc[64 + NAME_MAX];

	if (sym_archive_entry_xattr_reset(ent) == 0)
		return 0;
	if (fd < 0)
		snprintf(proc, sizeof proc, "/proc/self/fd/%d/%s", parent, name);
	while (sym_archive_entry_xattr_next(ent, &key, &val, &len) == ARCHIVE_OK) {
		int r;

		/* overlayfs reads these as whiteouts, opaque directories and
		 * redirects: a layer may not forge them (containerd drops them too) */
		if (!strncmp(key, "trusted.overlay.", 16)) {
			fprintf(stderr, "%s: warning: extended attribute %s dropped from %s: "
				"overlayfs markers are rc's to make\n", program_invocation_short_name,
				key, sym_archive_entry_pathname(ent));
			continue;
		}
		/* lsetxattr on /proc/self/fd/PARENT/NAME: the parent is the
		 * directory resolved inside the root; NAME itself is not followed. */
		r = fd >= 0 ? fsetxattr(fd, key, val, len, 0) : lsetxattr(proc, key, val, len, 0);
		if (r == 0)
			continue;
		if (errno == ENOTSUP || errno == EPERM) {
			/* as docker: not every filesystem takes every namespace
			 * (and user.* is never allowed on a symlink) */
			if (!l->xattr_warned)
				fprintf(stderr, "%s: warning: extended attribute %s not set on %s: %s\n",
					program_invocation_short_name, key,
					sym_archive_entry_pathname(ent), strerror(errno));
			l->xattr_warned = true;
			continue;
		}
		return rc_errf(e, errno, "setting extended attribute %s", key);
	}
	return 0;
}

/* Owner, then mode (a chown clears setuid bits), then xattrs (a chown
 * clears security.capability), then times. By descriptor when there is one,
 * else on parent/name without following it. */
static int set_meta(struct layer *l, int fd, int parent, const char *name,
		    struct archive_entry *ent, const char *rel, struct rc_err *e)
{
	mode_t type = sym_archive_entry_filetype(ent);
	uid_t uid = (uid_t)sym_archive_entry_uid(ent);
	gid_t gid = (gid_t)sym_archive_entry_gid(ent);
	mode_t perm = sym_archive_entry_perm(ent) & 07777;
	struct timespec ts[2];

	if ((fd >= 0 ? fchown(fd, uid, gid) : fchownat(parent, name, uid, gid, AT_SYMLINK_NOFOLLOW)) < 0)
		return rc_errf(e, errno, "setting owner %u:%u", uid, gid);
	if (type != AE_IFLNK &&
	    (fd >= 0 ? fchmod(fd, perm) : fchmodat(parent, name, perm, 0)) < 0)
		return rc_errf(e, errno, "setting mode %04o", perm);
	if (set_xattrs(l, fd, parent, name, ent, e) < 0)
		return -1;
	entry_times(ent, ts);
	if (type == AE_IFDIR) {
		struct dir_time *d;
		if (l->ndirs == l->capdirs) {
			size_t ncap = l->capdirs ? l->capdirs * 2 : 256;
			struct dir_time *nd = realloc(l->dirs, ncap * sizeof *nd);
			if (!nd)
				return rc_errf(e, ENOMEM, "recording directory times");
			l->dirs = nd;
			l->capdirs = ncap;
		}
		d = &l->dirs[l->ndirs];
		d->path = strdup(rel);
		if (!d->path)
			return rc_errf(e, ENOMEM, "recording directory times");
		memcpy(d->ts, ts, sizeof ts);
		l->ndirs++;
		return 0;
	}
	if ((fd >= 0 ? futimens(fd, ts) : utimensat(parent, name, ts, AT_SYMLINK_NOFOLLOW)) < 0)
		return rc_errf(e, errno, "setting times");
	return 0;
}

static int write_data(struct layer *l, struct archive *a, int fd, struct archive_entry *ent,
		      struct rc_err *e)
{
	const void *buf;
	size_t len;
	la_int64_t off, end = 0;
	int r;

	while ((r = sym_archive_read_data_block(a, &buf, &len, &off)) == ARCHIVE_OK) {
		const char *p = buf;

		if (l->cancel && *l->cancel)
			return rc_errf(e, EINTR, "writing its content");
		while (len > 0) { /* pwrite: a sparse file's holes are skipped */
			ssize_t n = pwrite(fd, p, len, off);
			if (n < 0) {
				if (errno == EINTR)
					continue;
				return rc_errf(e, errno, "writing its content");
			}
			p += n;
			off += n;
			len -= (size_t)n;
		}
		if (off > end)
			end = off;
	}
	if (r != ARCHIVE_EOF)
		return rc_errf(e, sym_archive_errno(a) > 0 ? sym_archive_errno(a) : 0,
			       "reading its content: %s", sym_archive_error_string(a));
	if (sym_archive_entry_size_is_set(ent) && end < sym_archive_entry_size(ent) &&
	    ftruncate(fd, sym_archive_entry_size(ent)) < 0)
		return rc_errf(e, errno, "sizing it");
	return 0;
}

static int make_file(struct layer *l, struct archive *a, int parent, const char *name,
		     struct archive_entry *ent, const char *rel, struct rc_err *e)
{
	_cleanup_close_ int fd = -1;
	struct stat st;

	for (int tries = 0; fd < 0; tries++) {
		fd = openat(parent, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
		if (fd >= 0)
			break;
		if (errno != EEXIST || tries > 0)
			return rc_errf(e, errno, "creating the file");
		if (remove_existing(l, parent, name, e) < 0)
			return -1;
	}
	if (write_data(l, a, fd, ent, e) < 0 || set_meta(l, fd, parent, name, ent, rel, e) < 0)
		return -1;
	if (fstat(fd, &st) < 0 || ino_add(&l->upper, st.st_ino) < 0)
		return rc_errf(e, errno ? errno : ENOMEM, "recording the new file");
	return 0;
}

static int make_dir(struct layer *l, int parent, const char *name, struct archive_entry *ent,
		    const char *rel, struct rc_err *e)
{
	_cleanup_close_ int fd = -1;
	struct stat st;
	bool replaced = false;

	if (mkdirat(parent, name, 0700) < 0) {
		if (errno != EEXIST)
			return rc_errf(e, errno, "creating the directory");
		if (fstatat(parent, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
			return rc_errf(e, errno, "looking at what is there");
		if (!S_ISDIR(st.st_mode)) { /* a file or symlink becomes a directory */
			if (remove_existing(l, parent, name, e) < 0)
				return -1;
			if (mkdirat(parent, name, 0700) < 0)
				return rc_errf(e, errno, "creating the directory");
			replaced = true;
		}
	}
	fd = openat(parent, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return rc_errf(e, errno, "opening the directory");
	if (set_meta(l, fd, parent, name, ent, rel, e) < 0)
		return -1;
	/* What it replaced (a whiteout, or a file of this layer's that had
	 * replaced a lower entry) hid every lower entry of that name: a
	 * directory that takes its place must not merge with a lower one. */
	if (l->form == RC_LAYER_DIFF && replaced && set_opaque(fd, -1, NULL, e) < 0)
		return -1;
	if (fstat(fd, &st) < 0 || ino_add(&l->upper, st.st_ino) < 0 ||
	    (l->form == RC_LAYER_DIFF && ino_add(&l->explicit, st.st_ino) < 0))
		return rc_errf(e, errno ? errno : ENOMEM, "recording the new directory");
	return 0;
}

/* Run create(), and when the name is taken replace what is there once. */
#define CREATE_OR_REPLACE(l, parent, name, e, what, call)                      \
	do {                                                                   \
		if ((call) < 0) {                                              \
			if (errno != EEXIST)                                   \
				return rc_errf(e, errno, "creating the %s", what); \
			if (remove_existing(l, parent, name, e) < 0)           \
				return -1;                                     \
			if ((call) < 0)                                        \
				return rc_errf(e, errno, "creating the %s", what); \
		}                                                              \
	} while (0)

static int make_special(struct layer *l, int parent, const char *name, struct archive_entry *ent,
			const char *rel, struct rc_err *e)
{
	mode_t type = sym_archive_entry_filetype(ent);

	if (type == AE_IFLNK) {
		const char *target = sym_archive_entry_symlink(ent);
		if (!target)
			return rc_errf(e, 0, "symlink without a target");
		CREATE_OR_REPLACE(l, parent, name, e, "symlink", symlinkat(target, parent, name));
	} else {
		dev_t dev = type == AE_IFIFO ? 0 : makedev(sym_archive_entry_rdevmajor(ent),
							   sym_archive_entry_rdevminor(ent));
		if (type == AE_IFCHR && dev == makedev(0, 0))
			return rc_errf(e, 0, "a 0/0 character device is how overlayfs marks a "
				       "whiteout: refused");
		CREATE_OR_REPLACE(l, parent, name, e, type_name(type),
				  mknodat(parent, name, type | 0600, dev));
	}
	if (set_meta(l, -1, parent, name, ent, rel, e) < 0)
		return -1;
	return add_upper(l, parent, name, e);
}

/* A hard link: its target is another path of this rootfs, resolved inside
 * it; one that climbs out is refused. The target's inode keeps its own
 * owner, mode and times. */
static int make_hardlink(struct layer *l, int parent, const char *name, const char *linkname,
			 struct rc_err *e)
{
	char target[PATH_MAX];
	_cleanup_close_ int tparent = -1;
	const char *tname;
	struct stat tst, st;

	if (rc_path_clean(linkname, target, sizeof target) < 0)
		return rc_errf(e, 0, "hard link target '%s' is outside the root", linkname);
	if (!*target)
		return rc_errf(e, 0, "hard link to the root directory");
	tparent = rc_sp_open_parent(l->rootfd, target, false, &tname, NULL, NULL);
	if (tparent < 0 || fstatat(tparent, tname, &tst, AT_SYMLINK_NOFOLLOW) < 0) {
		if (l->form == RC_LAYER_DIFF && (errno == ENOENT || errno == ENOTDIR)) {
			rc_errf(e, 0, "hard link target '%s' is not in this layer", linkname);
			if (e)
				e->code = EXDEV; /* for the caller: the layer cannot stand alone */
			return -1;
		}
		return rc_errf(e, errno, "hard link target '%s'", linkname);
	}
	if (S_ISDIR(tst.st_mode))
		return rc_errf(e, EPERM, "hard link target '%s' is a directory", linkname);
	if (fstatat(parent, name, &st, AT_SYMLINK_NOFOLLOW) == 0 && st.st_ino == tst.st_ino &&
	    st.st_dev == tst.st_dev)
		return 0; /* already that very file */
	CREATE_OR_REPLACE(l, parent, name, e, "hard link", linkat(tparent, tname, parent, name, 0));
	if (ino_add(&l->upper, tst.st_ino) < 0)
		return rc_errf(e, ENOMEM, "recording the new link");
	return 0;
}

/* Empty dirfd of everything lower layers put there: what this layer made
 * stays, and a directory this layer made or merged is emptied in turn. */
static int clear_opaque(struct layer *l, int dirfd, struct rc_err *e)
{
	int dfd = openat(dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	DIR *d;
	struct dirent *de;
	int r = 0;

	if (dfd < 0)
		return rc_errf(e, errno, "opening the opaque directory");
	d = fdopendir(dfd);
	if (!d) {
		close(dfd);
		return rc_errf(e, errno, "reading the opaque directory");
	}
	while ((de = readdir(d))) {
		struct stat st;

		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (fstatat(dfd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0) {
			r = rc_errf(e, errno, "looking at %s", de->d_name);
			break;
		}
		if (!ino_has(&l->upper, st.st_ino)) {
			r = rc_rm_rf_at(dfd, de->d_name, e);
		} else if (S_ISDIR(st.st_mode)) {
			_cleanup_close_ int sub = openat(dfd, de->d_name,
							 O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
			r = sub < 0 ? rc_errf(e, errno, "opening %s", de->d_name)
				    : clear_opaque(l, sub, e);
		}
		if (r < 0)
			break;
	}
	closedir(d);
	return r;
}

static int apply_opaque(struct layer *l, const char *dir, struct rc_err *e)
{
	_cleanup_close_ int parent = -1, fd = -1;
	const char *name;
	struct stat st;

	parent_drop(l);
	if (!*dir && l->form == RC_LAYER_DIFF) { /* seen by rootfs.c, which stacks no lower layer */
		l->root_opaque = true;
		fd = openat(l->rootfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		return fd < 0 ? rc_errf(e, errno, "opening the root") : set_opaque(fd, -1, NULL, e);
	}
	if (!*dir) /* the whole rootfs */
		return clear_opaque(l, l->rootfd, e);
	parent = rc_sp_open_parent(l->rootfd, dir, true, &name, made_dir, l);
	if (parent < 0)
		return rc_errf(e, errno, "opening the parent of %s", dir);
	if (fstatat(parent, name, &st, AT_SYMLINK_NOFOLLOW) == 0 && !S_ISDIR(st.st_mode)) {
		if (ino_has(&l->upper, st.st_ino))
			return 0; /* this layer made it a non-directory: nothing is under it */
		if (remove_existing(l, parent, name, e) < 0)
			return -1;
	}
	bool made = false;
	if (mkdirat(parent, name, 0755) == 0) {
		if (fchmodat(parent, name, 0755, 0) < 0)
			return rc_errf(e, errno, "creating %s", dir);
		made = true;
	} else if (errno != EEXIST) {
		return rc_errf(e, errno, "creating %s", dir);
	}
	fd = openat(parent, name, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st) < 0)
		return rc_errf(e, errno, "opening %s", dir);
	if (ino_add(&l->upper, st.st_ino) < 0 ||
	    (made && l->form == RC_LAYER_DIFF && ino_add(&l->implicit, st.st_ino) < 0))
		return rc_errf(e, ENOMEM, "recording %s", dir);
	if (l->form == RC_LAYER_DIFF) /* everything in it is this layer's */
		return set_opaque(-1, parent, name, e);
	return clear_opaque(l, fd, e);
}

static int apply_whiteout(struct layer *l, const char *rel, const char *target, struct rc_err *e)
{
	_cleanup_close_ int parent = -1;
	const char *name;
	struct stat st;

	parent_drop(l);
	parent = rc_sp_open_parent(l->rootfd, rel, false, &name, NULL, NULL);
	if (parent < 0) {
		if ((errno == ENOENT || errno == ENOTDIR) && l->form == RC_LAYER_DIFF) {
			char hidden[PATH_MAX];
			snprintf(hidden, sizeof hidden, "%.*s%s", (int)(name - rel), rel, target);
			return note(l, 'W', hidden, e); /* a lower layer's, if any */
		}
		if (errno == ENOENT || errno == ENOTDIR)
			return 0; /* nothing there to hide */
		return rc_errf(e, errno, "opening its directory");
	}
	if (fstatat(parent, target, &st, AT_SYMLINK_NOFOLLOW) < 0) {
		if (errno != ENOENT)
			return rc_errf(e, errno, "looking at %s", target);
		if (l->form == RC_LAYER_APPLY)
			return 0;
		/* the whiteout overlayfs reads: a 0/0 character device */
		if (mknodat(parent, target, S_IFCHR | 0, makedev(0, 0)) < 0)
			return rc_errf(e, errno, "making the whiteout of %s", target);
		return add_upper(l, parent, target, e);
	}
	if (ino_has(&l->upper, st.st_ino))
		return 0; /* this layer's own entry: only later layers may hide it */
	return remove_existing(l, parent, target, e);
}

/* The root directory itself: its owner, mode, xattrs and times may be set
 * (as docker and umoci do), but never its type. */
static int apply_root(struct layer *l, struct archive_entry *ent, struct rc_err *e)
{
	_cleanup_close_ int fd = -1;
	struct stat st;

	if (sym_archive_entry_filetype(ent) != AE_IFDIR || sym_archive_entry_hardlink(ent))
		return rc_errf(e, 0, "a %s cannot replace the root directory",
			       sym_archive_entry_hardlink(ent) ? "hard link"
						     : type_name(sym_archive_entry_filetype(ent)));
	fd = openat(l->rootfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return rc_errf(e, errno, "opening the root directory");
	if (set_meta(l, fd, -1, ".", ent, "", e) < 0)
		return -1;
	if (fstat(fd, &st) < 0 || ino_add(&l->upper, st.st_ino) < 0)
		return rc_errf(e, errno ? errno : ENOMEM, "recording the root directory");
	l->root_explicit = true;
	return 0;
}

static int apply_entry(struct layer *l, struct archive *a, struct archive_entry *ent,
		       struct rc_err *e)
{
	const char *raw = sym_archive_entry_pathname(ent), *base, *name, *target = NULL, *link;
	char rel[PATH_MAX];
	int parent;
	mode_t type = sym_archive_entry_filetype(ent);

	if (!raw)
		return rc_errf(e, 0, "an entry without a name");
	if (rc_path_clean(raw, rel, sizeof rel) < 0)
		return rc_errf(e, 0, "path leads outside the root");
	base = strrchr(rel, '/');
	base = base ? base + 1 : rel;
	switch (rc_whiteout_kind(base, &target)) {
	case RC_WH_INVALID:
		return rc_errf(e, 0, "whiteout name %s leads outside its directory", base);
	case RC_WH_META:
		return 0;
	case RC_WH_OPAQUE: {
		char dir[PATH_MAX];
		size_t dlen = (size_t)(base - rel) ? (size_t)(base - rel) - 1 : 0;
		memcpy(dir, rel, dlen);
		dir[dlen] = '\0';
		return apply_opaque(l, dir, e);
	}
	case RC_WH_FILE:
		return apply_whiteout(l, rel, target, e);
	case RC_WH_NONE:
		break;
	}
	if (!*rel)
		return apply_root(l, ent, e);
	parent = parent_get(l, rel, &name);
	if (parent < 0)
		return rc_errf(e, errno, "opening its directory");
	link = sym_archive_entry_hardlink(ent);
	if (link)
		return make_hardlink(l, parent, name, link, e);
	switch (type) {
	case AE_IFREG:
		return make_file(l, a, parent, name, ent, rel, e);
	case AE_IFDIR:
		return make_dir(l, parent, name, ent, rel, e);
	case AE_IFLNK:
	case AE_IFCHR:
	case AE_IFBLK:
	case AE_IFIFO:
		return make_special(l, parent, name, ent, rel, e);
	default:
		return rc_errf(e, 0, "unsupported %s (type %o)", type_name(type), (unsigned)type);
	}
}

static int finish_dir_times(struct layer *l, struct rc_err *e)
{
	for (size_t i = l->ndirs; i-- > 0;) {
		struct dir_time *d = &l->dirs[i];
		_cleanup_close_ int parent = -1, fd = -1;
		const char *name = ".";

		if (*d->path) {
			parent = rc_sp_open_parent(l->rootfd, d->path, false, &name, NULL, NULL);
			if (parent < 0)
				continue; /* removed later in the layer */
			fd = openat(parent, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		} else {
			fd = openat(l->rootfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		}
		if (fd < 0)
			continue;
		if (futimens(fd, d->ts) < 0)
			return rc_errf(e, errno, "setting the times of %s", *d->path ? d->path : "/");
	}
	return 0;
}

/* Note the directories under dirfd (path rel) made only on the way to an
 * entry: those the tar has no entry of its own for. */
static int note_implicit(struct layer *l, int dirfd, char *rel, size_t len, struct rc_err *e)
{
	int dfd = openat(dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	DIR *d;
	struct dirent *de;
	int r = 0;

	if (dfd < 0 || !(d = fdopendir(dfd))) {
		if (dfd >= 0)
			close(dfd);
		return rc_errf(e, errno, "reading %s", *rel ? rel : "/");
	}
	while (r == 0 && (de = readdir(d))) {
		_cleanup_close_ int sub = -1;
		struct stat st;
		size_t n = strlen(de->d_name);

		if (de->d_type != DT_DIR && de->d_type != DT_UNKNOWN)
			continue;
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (fstatat(dirfd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0 || !S_ISDIR(st.st_mode))
			continue;
		if (len + n + 2 > PATH_MAX) {
			r = rc_errf(e, ENAMETOOLONG, "noting %s", rel);
			break;
		}
		sprintf(rel + len, "%s%s", len ? "/" : "", de->d_name);
		if (ino_has(&l->implicit, st.st_ino) && !ino_has(&l->explicit, st.st_ino))
			r = note(l, 'D', rel, e);
		sub = openat(dirfd, de->d_name, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (r == 0 && sub >= 0)
			r = note_implicit(l, sub, rel, strlen(rel), e);
		rel[len] = '\0';
	}
	closedir(d);
	return r;
}

static int finish_notes(struct layer *l, struct rc_err *e)
{
	char rel[PATH_MAX] = "";

	if (l->form != RC_LAYER_DIFF)
		return 0;
	if ((l->root_explicit && note(l, 'R', "", e) < 0) ||
	    (l->root_opaque && note(l, 'O', "", e) < 0))
		return -1;
	if (!l->implicit.n) /* the usual tar: an entry for every directory */
		return 0;
	return note_implicit(l, l->rootfd, rel, 0, e);
}

static void layer_free(struct layer *l)
{
	parent_drop(l);
	free(l->implicit.slot);
	free(l->explicit.slot);
	free(l->upper.slot);
	for (size_t i = 0; i < l->ndirs; i++)
		free(l->dirs[i].path);
	free(l->dirs);
}

/* The blob as libarchive reads it: hashed and counted on the way. */
struct blob {
	int fd;
	struct rc_sha256 hash;
	int64_t total;
	char *buf;
	const volatile sig_atomic_t *cancel;
};

static la_ssize_t blob_read(struct archive *a, void *arg, const void **ret)
{
	struct blob *b = arg;
	ssize_t n;

	for (;;) {
		if (b->cancel && *b->cancel) {
			sym_archive_set_error(a, EINTR, "interrupted");
			return -1;
		}
		n = read(b->fd, b->buf, READ_CHUNK);
		if (n >= 0)
			break;
		if (errno != EINTR) {
			sym_archive_set_error(a, errno, "reading the blob: %s", strerror(errno));
			return -1;
		}
	}
	rc_sha256_update(&b->hash, b->buf, (size_t)n);
	b->total += n;
	*ret = b->buf;
	return n;
}

/* libarchive stops at the tar's end marker; the rest of the blob (padding)
 * counts for its digest too. */
static int blob_drain(struct blob *b, struct rc_err *e)
{
	for (;;) {
		ssize_t n = read(b->fd, b->buf, READ_CHUNK);
		if (n == 0)
			return 0;
		if (n < 0) {
			if (errno == EINTR && !(b->cancel && *b->cancel))
				continue;
			return rc_errf(e, errno, "reading the blob");
		}
		rc_sha256_update(&b->hash, b->buf, (size_t)n);
		b->total += n;
	}
}

/* The uncompressed tar stream, hashed for the diff_id on its way from the
 * decompressing reader (format "raw") to the tar reader. */
struct plain {
	struct archive *raw;
	struct rc_sha256 hash;
	char *buf;
};

static la_ssize_t plain_read(struct archive *a, void *arg, const void **ret)
{
	struct plain *p = arg;
	la_ssize_t n = sym_archive_read_data(p->raw, p->buf, READ_CHUNK);

	if (n < 0) {
		sym_archive_set_error(a, sym_archive_errno(p->raw), "%s", sym_archive_error_string(p->raw));
		return -1;
	}
	rc_sha256_update(&p->hash, p->buf, (size_t)n);
	*ret = p->buf;
	return n;
}

static int plain_drain(struct plain *p, struct rc_err *e)
{
	la_ssize_t n;

	while ((n = sym_archive_read_data(p->raw, p->buf, READ_CHUNK)) > 0)
		rc_sha256_update(&p->hash, p->buf, (size_t)n);
	if (n < 0)
		return rc_errf(e, sym_archive_errno(p->raw) > 0 ? sym_archive_errno(p->raw) : 0,
			       "decompressing the layer: %s", sym_archive_error_string(p->raw));
	return 0;
}

static int read_entries(struct layer *l, struct archive *a, struct rc_err *e)
{
	struct archive_entry *ent;
	int r;

	while ((r = sym_archive_read_next_header(a, &ent)) != ARCHIVE_EOF) {
		const char *p;

		if (r != ARCHIVE_OK && r != ARCHIVE_WARN) /* RETRY too: the entry is unusable */
			return rc_errf(e, sym_archive_errno(a) > 0 ? sym_archive_errno(a) : 0,
				       "reading the tar: %s", sym_archive_error_string(a));
		p = sym_archive_entry_pathname(ent);
		if (l->cancel && *l->cancel)
			return rc_errf(e, EINTR, "unpacking");
		if (apply_entry(l, a, ent, e) < 0)
			return rc_err_prefix(e, "entry '%s'", p ? p : "?");
	}
	return 0;
}

static int archive_fail(struct archive *a, const char *what, struct rc_err *e)
{
	if (!a)
		return rc_errf(e, ENOMEM, "%s", what);
	return rc_errf(e, sym_archive_errno(a) > 0 ? sym_archive_errno(a) : 0, "%s: %s", what,
		       sym_archive_error_string(a));
}

/* Two libarchive readers: raw decompresses the blob (gzip, zstd or none),
 * tar reads the entries from what raw hands over. */
static int open_readers(struct blob *b, struct plain *p, struct archive **ret_tar,
			struct rc_err *e)
{
	struct archive *tar;

	p->raw = sym_archive_read_new();
	if (!p->raw)
		return archive_fail(NULL, "reading the layer", e);
	sym_archive_read_support_filter_gzip(p->raw);
	sym_archive_read_support_filter_zstd(p->raw);
	sym_archive_read_support_format_raw(p->raw);
	if (sym_archive_read_open(p->raw, b, NULL, blob_read, NULL) != ARCHIVE_OK ||
	    sym_archive_read_next_header(p->raw, &(struct archive_entry *){ NULL }) != ARCHIVE_OK)
		return archive_fail(p->raw, "decompressing the layer", e);
	*ret_tar = tar = sym_archive_read_new();
	if (!tar)
		return archive_fail(NULL, "reading the layer", e);
	sym_archive_read_support_format_tar(tar);
	sym_archive_read_support_format_empty(tar);
	if (sym_archive_read_open(tar, p, NULL, plain_read, NULL) != ARCHIVE_OK)
		return archive_fail(tar, "reading the layer", e);
	return 0;
}

static int check_digest(struct rc_sha256 *h, const char *want, const char *what, struct rc_err *e)
{
	char got[RC_DIGEST_LEN];

	rc_sha256_final(h, got);
	if (want && strcmp(got, want) != 0)
		return rc_errf(e, 0, "%s: it hashes to %s, not %s", what, got, want);
	return 0;
}

int rc_layer_apply(int rootfd, const struct rc_layer_src *src, struct rc_err *e)
{
	struct layer l = { .rootfd = rootfd, .parent_fd = -1, .cancel = src->cancel,
			   .form = src->form, .notes = src->notes };
	struct blob b = { .fd = src->fd, .cancel = src->cancel };
	struct plain p = { 0 };
	struct archive *tar = NULL;
	int r = -1;

	if (rc_libarchive_load(e) < 0)
		return -1;
	b.buf = malloc(READ_CHUNK);
	p.buf = malloc(READ_CHUNK);
	if (!b.buf || !p.buf || rc_sha256_init(&b.hash) < 0) {
		rc_errf(e, ENOMEM, "reading the layer");
		goto out;
	}
	if (rc_sha256_init(&p.hash) < 0) {
		rc_errf(e, ENOMEM, "reading the layer");
		goto out;
	}
	if (open_readers(&b, &p, &tar, e) < 0 || read_entries(&l, tar, e) < 0 ||
	    finish_notes(&l, e) < 0 || finish_dir_times(&l, e) < 0 || plain_drain(&p, e) < 0 ||
	    blob_drain(&b, e) < 0)
		goto out;
	if (check_digest(&b.hash, src->digest, "the blob is corrupt", e) < 0 ||
	    check_digest(&p.hash, src->diff_id, "the uncompressed layer does not match the "
			 "image config's diff_id", e) < 0)
		goto out;
	if (src->size >= 0 && b.total != src->size) {
		rc_errf(e, 0, "the blob is %lld bytes, its manifest says %lld",
			(long long)b.total, (long long)src->size);
		goto out;
	}
	r = 0;
out:
	if (b.hash.ctx)
		rc_sha256_free(&b.hash);
	if (p.hash.ctx)
		rc_sha256_free(&p.hash);
	if (tar)
		sym_archive_read_free(tar);
	if (p.raw)
		sym_archive_read_free(p.raw);
	free(b.buf);
	free(p.buf);
	layer_free(&l);
	return r;
}
