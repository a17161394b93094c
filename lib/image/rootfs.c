/* rootfs.c - a container's rootfs as an overlay of shared layers; see rootfs.h. */
#include "image/rootfs.h"
#include "base/cleanup.h"
#include "base/fs.h"
#include "base/state.h"
#include "image/layer.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#define OPTS_MAX 4096 /* mount(2) takes one page of options */
#define LAYERS_FILE_MAX (1u << 20)

/* ---- the stack ---- */

struct stack {
	char (*ids)[RC_DIGEST_LEN]; /* lowest first */
	size_t n;
	size_t first;  /* the lowest layer seen: one with an opaque root hides all below */
	ssize_t root;  /* the highest layer that sets the root's owner and mode; -1 none */
};

static void stack_free(struct stack *st)
{
	free(st->ids);
	st->ids = NULL;
}

/* Call fn for each note of the layer; stops at its first non-zero return. */
static int foreach_note(const struct rc_layers *ls, const char *diff_id,
			int (*fn)(char kind, const char *path, void *arg), void *arg,
			struct rc_err *e)
{
	_cleanup_free_ char *buf = NULL;
	size_t len, i = 0;

	if (rc_layers_read_notes(ls, diff_id, &buf, &len, e) < 0)
		return -1;
	while (i < len) {
		size_t n = strnlen(buf + i + 1, len - i - 1);
		int r;

		if (i + 1 + n >= len)
			return rc_errf(e, 0, "layer %.19s: its notes are cut short", diff_id);
		r = fn(buf[i], buf + i + 1, arg);
		if (r)
			return r;
		i += n + 2;
	}
	return 0;
}

struct root_notes {
	bool opaque, set;
};

static int root_note(char kind, const char *path, void *arg)
{
	struct root_notes *rn = arg;

	(void)path;
	if (kind == 'O')
		rn->opaque = true;
	if (kind == 'R')
		rn->set = true;
	return 0;
}

static int stack_load(const struct rc_layers *ls, char (*ids)[RC_DIGEST_LEN], size_t n,
		      struct stack *st, struct rc_err *e)
{
	st->ids = ids;
	st->n = n;
	st->first = 0;
	st->root = -1;
	for (size_t i = n; i-- > 0;) {
		struct root_notes rn = { 0 };

		if (foreach_note(ls, ids[i], root_note, &rn, e) < 0)
			return -1;
		if (rn.set && st->root < 0)
			st->root = (ssize_t)i;
		if (rn.opaque) {
			st->first = i;
			break;
		}
	}
	return 0;
}

/* ---- the check ---- */

/* Look path up in the layer tree without following any symlink: 0 found
 * (*ret filled), 1 nothing there (a symlink or a non-directory on the way
 * counts as nothing: the directory over it replaces it in either form). */
static int look_up(int layer, const char *path, struct stat *ret, int *ret_fd)
{
	struct open_how how = { .flags = O_PATH | O_DIRECTORY | O_CLOEXEC,
				.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS |
					   RESOLVE_NO_MAGICLINKS | RESOLVE_NO_XDEV };
	const char *slash = strrchr(path, '/');
	char dir[PATH_MAX];
	_cleanup_close_ int parent = -1;

	snprintf(dir, sizeof dir, "%.*s", slash ? (int)(slash - path) : 1, slash ? path : ".");
	parent = (int)syscall(SYS_openat2, layer, dir, &how, sizeof how);
	if (parent < 0)
		return errno == ENOENT || errno == ENOTDIR || errno == ELOOP || errno == EXDEV ? 1 : -1;
	if (fstatat(parent, slash ? slash + 1 : path, ret, AT_SYMLINK_NOFOLLOW) < 0)
		return errno == ENOENT ? 1 : -1;
	if (ret_fd && S_ISDIR(ret->st_mode))
		*ret_fd = openat(parent, slash ? slash + 1 : path,
				 O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	return 0;
}

struct check {
	const struct rc_layers *ls;
	const struct stack *st;
	size_t i;        /* the layer whose notes are read */
	int *fds;        /* every layer's tree */
	struct rc_err *e;
};

/* The same extended attributes (names and values) on two directories. */
static bool same_xattrs(int a, int b)
{
	char la[4096], lb[4096], va[4096], vb[4096];
	ssize_t na = flistxattr(a, la, sizeof la), nb = flistxattr(b, lb, sizeof lb);

	if (na < 0 || nb < 0 || na != nb)
		return false;
	for (ssize_t i = 0; i < na; i += (ssize_t)strlen(la + i) + 1) {
		ssize_t x = fgetxattr(a, la + i, va, sizeof va), y = fgetxattr(b, la + i, vb, sizeof vb);
		if (x < 0 || x != y || memcmp(va, vb, (size_t)x))
			return false;
	}
	return true;
}

static int check_note(char kind, const char *path, void *arg)
{
	struct check *c = arg;
	_cleanup_close_ int own_fd = -1;
	struct stat own, low;

	if (kind != 'D' && kind != 'W')
		return 0;
	if (kind == 'D' && look_up(c->fds[c->i], path, &own, &own_fd) != 0)
		return rc_errf(c->e, errno, "layer %zu: cannot look at its directory %s", c->i + 1,
			       path);
	for (size_t j = c->st->first; j < c->i; j++) {
		_cleanup_close_ int fd = -1;
		int r = look_up(c->fds[j], path, &low, &fd);

		if (r < 0)
			return rc_errf(c->e, errno, "layer %zu: looking at %s", j + 1, path);
		if (r == 1)
			continue;
		if (kind == 'W')
			return rc_errf(c->e, 0, "layer %zu whites out /%s from outside its own "
				       "directories", c->i + 1, path);
		/* the same directory as the one made here (security.selinux and
		 * the like included), so that which one shows makes no difference */
		if (!S_ISDIR(low.st_mode) || low.st_mode != own.st_mode || low.st_uid != own.st_uid ||
		    low.st_gid != own.st_gid || fd < 0 || own_fd < 0 || !same_xattrs(fd, own_fd))
			return rc_errf(c->e, 0, "layer %zu has entries under /%s but no entry for it, "
				       "where layer %zu has one of its own", c->i + 1, path, j + 1);
	}
	return 0;
}

static int check_stack(const struct rc_layers *ls, const struct stack *st, struct rc_err *e)
{
	int *fds = calloc(st->n + 1, sizeof *fds);
	int r = 0;

	if (!fds)
		return rc_errf(e, ENOMEM, "checking the layers");
	for (size_t i = 0; i < st->n; i++)
		fds[i] = -1;
	for (size_t i = st->first; i < st->n && r == 0; i++) {
		fds[i] = rc_layers_open_diff(ls, st->ids[i], e);
		if (fds[i] < 0)
			r = -1;
	}
	for (size_t i = st->first + 1; i < st->n && r == 0; i++) {
		struct check c = { ls, st, i, fds, e };
		r = foreach_note(ls, st->ids[i], check_note, &c, e) ? -1 : 0;
	}
	for (size_t i = 0; i < st->n; i++)
		if (fds[i] >= 0)
			close(fds[i]);
	free(fds);
	return r;
}

static char (*image_ids(const struct rc_image *img))[RC_DIGEST_LEN]
{
	char (*ids)[RC_DIGEST_LEN] = calloc(img->nlayers + 1, sizeof *ids);

	for (size_t i = 0; ids && i < img->nlayers; i++)
		memcpy(ids[i], img->layers[i].diff_id, RC_DIGEST_LEN);
	return ids;
}

int rc_rootfs_check(const struct rc_layers *ls, const struct rc_image *img, struct rc_err *e)
{
	struct stack st = { 0 };
	int r;

	if (!img->nlayers)
		return rc_errf(e, 0, "the image has no layers");
	st.ids = image_ids(img);
	if (!st.ids)
		return rc_errf(e, ENOMEM, "checking the layers");
	r = stack_load(ls, st.ids, img->nlayers, &st, e) < 0 ? -1 : check_stack(ls, &st, e);
	stack_free(&st);
	return r;
}

/* ---- mounting ---- */

/* Run mount(2) with cwd in layers/l, where the lower layers' short names
 * are: the options of an image of many layers then fit in one page. */
static int mount_in_l(const struct rc_layers *ls, int bundle, const char *opts,
		      struct rc_err *e)
{
	_cleanup_close_ int cwd = open(".", O_PATH | O_DIRECTORY | O_CLOEXEC);
	_cleanup_close_ int l = openat(ls->dirfd, "l", O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	char target[64];
	int r, saved;

	if (cwd < 0 || l < 0)
		return rc_errf(e, errno, "opening %s/l", ls->path);
	snprintf(target, sizeof target, "/proc/self/fd/%d/rootfs", bundle);
	if (fchdir(l) < 0)
		return rc_errf(e, errno, "entering %s/l", ls->path);
	r = mount("overlay", target, "overlay", 0, opts);
	saved = errno;
	if (fchdir(cwd) < 0)
		return rc_errf(e, errno, "returning to the working directory");
	if (r < 0)
		return rc_errf(e, saved, "mounting the overlay");
	return 0;
}

static int mount_stack(const struct rc_layers *ls, int bundle, const char *dir,
		       const struct stack *st, struct rc_err *e)
{
	char opts[OPTS_MAX];
	size_t len = 0;
	int n;

	n = snprintf(opts, sizeof opts, "lowerdir=");
	len = (size_t)n;
	for (size_t i = st->n; i-- > st->first && len < sizeof opts;) {
		char s[RC_LAYER_SHORT_LEN + 1];
		rc_layers_short(st->ids[i], s);
		n = snprintf(opts + len, sizeof opts - len, "%s%s", s, i > st->first ? ":" : "");
		len += (size_t)n;
	}
	if (len < sizeof opts) {
		n = snprintf(opts + len, sizeof opts - len,
			     ",upperdir=../../containers/%s/upper,workdir=../../containers/%s/work",
			     dir, dir);
		len += (size_t)n;
	}
	if (len >= sizeof opts)
		return rc_errf(e, E2BIG, "%zu layers are more than one overlay mount takes",
			       st->n - st->first);
	return mount_in_l(ls, bundle, opts, e);
}

static bool is_mounted(int bundle)
{
	struct statx sx;
	struct stat a, b;

	if (statx(bundle, "rootfs", AT_SYMLINK_NOFOLLOW, STATX_BASIC_STATS, &sx) == 0 &&
	    (sx.stx_attributes_mask & STATX_ATTR_MOUNT_ROOT))
		return sx.stx_attributes & STATX_ATTR_MOUNT_ROOT;
	return fstat(bundle, &a) == 0 && fstatat(bundle, "rootfs", &b, AT_SYMLINK_NOFOLLOW) == 0 &&
	       a.st_dev != b.st_dev;
}

bool rc_rootfs_is_overlay(int bundle)
{
	return faccessat(bundle, "layers", F_OK, AT_SYMLINK_NOFOLLOW) == 0;
}

int rc_rootfs_unmount(int bundle, struct rc_err *e)
{
	char target[64];

	if (!is_mounted(bundle))
		return 0;
	snprintf(target, sizeof target, "/proc/self/fd/%d/rootfs", bundle);
	/* detached: a shell left in it must not keep the container */
	if (umount2(target, MNT_DETACH | UMOUNT_NOFOLLOW) < 0 && errno != EINVAL)
		return rc_errf(e, errno, "unmounting the container's rootfs");
	return 0;
}

/* ---- making one ---- */

/* The root directory shows the upper directory's owner, mode and times:
 * give it those the root had when the layers were applied in order. */
static int copy_root_attrs(const struct rc_layers *ls, const struct stack *st, int bundle,
			   struct rc_err *e)
{
	_cleanup_close_ int up = openat(bundle, "upper", O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	_cleanup_close_ int diff = -1, src = -1;
	char names[65536];
	struct stat s;
	struct timespec ts[2];
	ssize_t n;

	if (up < 0)
		return rc_errf(e, errno, "opening upper");
	if (st->root < 0)
		return fchmod(up, 0755) < 0 ? rc_errf(e, errno, "setting upper's mode") : 0;
	diff = rc_layers_open_diff(ls, st->ids[st->root], e);
	if (diff < 0)
		return -1;
	src = openat(diff, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (src < 0 || fstat(src, &s) < 0)
		return rc_errf(e, errno, "reading layer %zu's root", (size_t)st->root + 1);
	if (fchown(up, s.st_uid, s.st_gid) < 0 || fchmod(up, s.st_mode & 07777) < 0)
		return rc_errf(e, errno, "setting upper's owner and mode");
	n = flistxattr(src, names, sizeof names);
	for (ssize_t i = 0; n > 0 && i < n; i += (ssize_t)strlen(names + i) + 1) {
		char val[65536];
		ssize_t vn;

		if (!strncmp(names + i, "trusted.overlay.", 16))
			continue;
		vn = fgetxattr(src, names + i, val, sizeof val);
		if (vn >= 0 && fsetxattr(up, names + i, val, (size_t)vn, 0) < 0 && errno != ENOTSUP)
			return rc_errf(e, errno, "copying the root's %s", names + i);
	}
	ts[0] = s.st_atim;
	ts[1] = s.st_mtim;
	if (futimens(up, ts) < 0)
		return rc_errf(e, errno, "setting upper's times");
	return 0;
}

/* Into the new bundle, which rc-unpack syncs whole before it is moved into
 * place. */
static int write_layers_file(int bundle, const struct rc_image *img, struct rc_err *e)
{
	_cleanup_free_ char *text = malloc(img->nlayers * RC_DIGEST_LEN + 1);
	size_t len = 0;

	if (!text)
		return rc_errf(e, ENOMEM, "writing layers");
	for (size_t i = 0; i < img->nlayers; i++)
		len += (size_t)sprintf(text + len, "%s\n", img->layers[i].diff_id);
	return rc_write_file_nodirsync_at(bundle, "layers", text, len, 0644, e);
}

static int make_dirs(int bundle, struct rc_err *e)
{
	static const char *const dirs[] = { "upper", "work", "rootfs" };

	for (size_t i = 0; i < 3; i++)
		if ((mkdirat(bundle, dirs[i], 0755) < 0 && errno != EEXIST) ||
		    fchmodat(bundle, dirs[i], 0755, 0) < 0)
			return rc_errf(e, errno, "creating %s", dirs[i]);
	return 0;
}

int rc_rootfs_create(const struct rc_layers *ls, int bundle, const char *dir,
		     const struct rc_image *img, struct rc_err *e)
{
	struct stack st = { 0 };
	int r = -1;

	st.ids = image_ids(img);
	if (!st.ids)
		return rc_errf(e, ENOMEM, "making the rootfs");
	if (stack_load(ls, st.ids, img->nlayers, &st, e) == 0 && make_dirs(bundle, e) == 0 &&
	    write_layers_file(bundle, img, e) == 0 && copy_root_attrs(ls, &st, bundle, e) == 0 &&
	    mount_stack(ls, bundle, dir, &st, e) == 0)
		r = 0;
	stack_free(&st);
	return r;
}

/* The layer store must hold overlay markers: a trusted.* xattr and a 0/0
 * character device. (Whether overlayfs mounts here, with upper/ and work/
 * in the container's directory, the real mount tells: a throwaway mount to
 * find out would cost its umount, tens of milliseconds.) */
int rc_rootfs_overlay_usable(const struct rc_layers *ls, struct rc_err *e)
{
	char probe[64];
	unsigned rnd = 0;
	_cleanup_close_ int dir = -1, d = -1;
	struct rc_err ignore;
	int r = -1;

	if (getrandom(&rnd, sizeof rnd, 0) < 0)
		rnd = (unsigned)getpid();
	snprintf(probe, sizeof probe, "tmp/probe-%08x", rnd);
	if (mkdirat(ls->dirfd, probe, 0700) < 0)
		return rc_errf(e, errno, "creating %s/%s", ls->path, probe);
	dir = openat(ls->dirfd, probe, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (dir < 0 || (d = openat(dir, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0) {
		rc_errf(e, errno, "opening %s/%s", ls->path, probe);
		goto out;
	}
	if (fsetxattr(d, RC_OVERLAY_OPAQUE_XATTR, "y", 1, 0) < 0) {
		rc_errf(e, errno, "the layer store %s cannot hold trusted.* extended attributes",
			ls->path);
		goto out;
	}
	if (mknodat(dir, "w", S_IFCHR, makedev(0, 0)) < 0) {
		rc_errf(e, errno, "the layer store %s cannot hold overlay whiteouts", ls->path);
		goto out;
	}
	r = 0;
out:
	rc_rm_rf_at(ls->dirfd, probe, &ignore);
	return r;
}

/* ---- after a reboot ---- */

static int read_ids(int bundle, char (**ret)[RC_DIGEST_LEN], size_t *ret_n, struct rc_err *e)
{
	_cleanup_free_ char *text = NULL;
	char (*ids)[RC_DIGEST_LEN];
	size_t len, n = 0, cap;
	char *p, *save = NULL;

	if (rc_read_file_at(bundle, "layers", LAYERS_FILE_MAX, &text, &len, e) < 0)
		return -1;
	cap = len / (RC_DIGEST_LEN - 1) + 1;
	ids = calloc(cap, sizeof *ids);
	if (!ids)
		return rc_errf(e, ENOMEM, "reading layers");
	for (p = strtok_r(text, "\n", &save); p; p = strtok_r(NULL, "\n", &save)) {
		if (!rc_digest_valid(p) || n == cap) {
			free(ids);
			return rc_errf(e, 0, "layers: '%.80s' is not a diff_id", p);
		}
		memcpy(ids[n++], p, RC_DIGEST_LEN);
	}
	*ret = ids;
	*ret_n = n;
	return 0;
}

int rc_rootfs_mount(const char *root, const char *name, struct rc_err *e)
{
	_cleanup_close_ int containers = -1, bundle = -1;
	struct rc_layers ls = { .dirfd = -1 };
	struct stack st = { 0 };
	char (*ids)[RC_DIGEST_LEN] = NULL;
	size_t n = 0;
	int r = -1;

	if (rc_name_check(name, e) < 0)
		return -1;
	containers = rc_state_dir(root, "containers", false, e);
	if (containers < 0)
		return -1;
	bundle = openat(containers, name, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (bundle < 0)
		return rc_errf(e, errno, "opening container %s", name);
	if (!rc_rootfs_is_overlay(bundle) || is_mounted(bundle))
		return 0; /* a full copy, or mounted */
	if (read_ids(bundle, &ids, &n, e) < 0 || rc_layers_open(&ls, root, false, e) < 0)
		goto out;
	for (size_t i = 0; i < n; i++) {
		if (!rc_layers_has(&ls, ids[i])) {
			rc_errf(e, ENOENT, "layer %.19s is not in %s", ids[i], ls.path);
			goto out;
		}
	}
	if (stack_load(&ls, ids, n, &st, e) == 0 && mount_stack(&ls, bundle, name, &st, e) == 0)
		r = 0;
	ids = NULL; /* st owns them */
out:
	if (r < 0)
		rc_err_prefix(e, "mounting container %s's rootfs", name);
	free(ids);
	stack_free(&st);
	rc_layers_close(&ls);
	return r;
}
