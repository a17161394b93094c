/* layerstore.c - layers extracted once, shared by containers; see layerstore.h. */
#include "image/layerstore.h"
#include "base/cleanup.h"
#include "base/fs.h"
#include "base/state.h"
#include "image/layer.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#define NOTES_MAX (64u << 20)

static const char *hex_of(const char *diff_id)
{
	return diff_id + 7; /* after "sha256:", checked by rc_digest_valid */
}

static bool hex_valid(const char *hex)
{
	char digest[RC_DIGEST_LEN];

	if (strlen(hex) != 64)
		return false;
	snprintf(digest, sizeof digest, "sha256:%s", hex);
	return rc_digest_valid(digest);
}

int rc_layers_open(struct rc_layers *ls, const char *root, bool create, struct rc_err *e)
{
	ls->dirfd = -1;
	snprintf(ls->path, sizeof ls->path, "%s/layers", root);
	ls->dirfd = rc_state_dir(root, "layers", create, e);
	if (ls->dirfd < 0)
		return rc_err_prefix(e, "opening the layer store");
	if (create && (fchmod(ls->dirfd, 0700) < 0 ||
		       rc_mkdir_p_at(ls->dirfd, "sha256", 0700, e) < 0 ||
		       rc_mkdir_p_at(ls->dirfd, "l", 0700, e) < 0 ||
		       rc_mkdir_p_at(ls->dirfd, "locks", 0700, e) < 0 ||
		       rc_mkdir_p_at(ls->dirfd, "tmp", 0700, e) < 0)) {
		if (!e || !e->msg[0])
			rc_errf(e, errno, "setting up");
		rc_layers_close(ls);
		return rc_err_prefix(e, "creating the layer store %s", ls->path);
	}
	return 0;
}

void rc_layers_close(struct rc_layers *ls)
{
	if (ls->dirfd >= 0)
		close(ls->dirfd);
	ls->dirfd = -1;
}

void rc_layers_short(const char *diff_id, char out[RC_LAYER_SHORT_LEN + 1])
{
	memcpy(out, hex_of(diff_id), RC_LAYER_SHORT_LEN);
	out[RC_LAYER_SHORT_LEN] = '\0';
}

bool rc_layers_has(const struct rc_layers *ls, const char *diff_id)
{
	char name[128];
	struct stat st;

	if (!rc_digest_valid(diff_id))
		return false;
	snprintf(name, sizeof name, "sha256/%s/diff", hex_of(diff_id));
	return fstatat(ls->dirfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISDIR(st.st_mode);
}

int rc_layers_open_diff(const struct rc_layers *ls, const char *diff_id, struct rc_err *e)
{
	char name[128];
	int fd;

	if (!rc_digest_valid(diff_id))
		return rc_errf(e, 0, "invalid diff_id '%.80s'", diff_id);
	snprintf(name, sizeof name, "sha256/%s/diff", hex_of(diff_id));
	fd = openat(ls->dirfd, name, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return rc_errf(e, errno, "layer %.19s is not in %s", diff_id, ls->path);
	return fd;
}

int rc_layers_read_notes(const struct rc_layers *ls, const char *diff_id, char **ret,
			 size_t *ret_len, struct rc_err *e)
{
	char name[128];

	if (!rc_digest_valid(diff_id))
		return rc_errf(e, 0, "invalid diff_id '%.80s'", diff_id);
	snprintf(name, sizeof name, "sha256/%s/notes", hex_of(diff_id));
	if (rc_read_file_at(ls->dirfd, name, NOTES_MAX, ret, ret_len, e) < 0)
		return rc_err_prefix(e, "layer %.19s", diff_id);
	return 0;
}

/* locks/HEX, flocked; the file locked must still be the one at that path
 * (rc-gc removes the locks of layers it removes). */
static int lock_layer(const struct rc_layers *ls, const char *hex, struct rc_err *e)
{
	char name[128];

	snprintf(name, sizeof name, "locks/%s", hex);
	for (int tries = 0; tries < 1000; tries++) {
		struct stat a, b;
		int fd = rc_lock_at(ls->dirfd, name, e);

		if (fd < 0)
			return -1;
		if (fstat(fd, &a) == 0 && fstatat(ls->dirfd, name, &b, AT_SYMLINK_NOFOLLOW) == 0 &&
		    a.st_ino == b.st_ino && a.st_dev == b.st_dev)
			return fd;
		close(fd);
	}
	return rc_errf(e, EAGAIN, "locking %s/%s", ls->path, name);
}

/* l/SHORT -> ../sha256/HEX/diff; an existing link must be that one. */
static int link_short(const struct rc_layers *ls, const char *diff_id, struct rc_err *e)
{
	char link[128], target[128], have[128], s[RC_LAYER_SHORT_LEN + 1];
	ssize_t n;

	rc_layers_short(diff_id, s);
	snprintf(link, sizeof link, "l/%s", s);
	snprintf(target, sizeof target, "../sha256/%s/diff", hex_of(diff_id));
	if (symlinkat(target, ls->dirfd, link) == 0)
		return 0;
	if (errno != EEXIST)
		return rc_errf(e, errno, "linking %s/%s", ls->path, link);
	n = readlinkat(ls->dirfd, link, have, sizeof have - 1);
	if (n < 0)
		return rc_errf(e, errno, "reading %s/%s", ls->path, link);
	have[n] = '\0';
	if (strcmp(have, target))
		return rc_errf(e, EEXIST, "layer %.19s: its short name %s is another layer's (%s)",
			       diff_id, s, have);
	return 0;
}

/* Extract into tmp/HEX (ours: we hold the layer's lock). */
static int extract(const struct rc_layers *ls, const struct rc_store *s,
		   const struct rc_layer_desc *l, const char *tmp,
		   const volatile sig_atomic_t *cancel, struct rc_err *e)
{
	_cleanup_close_ int dir = -1, diff = -1, blob = -1, sync = -1;
	struct rc_layer_notes notes = { 0 };
	int r = -1;

	if (mkdirat(ls->dirfd, tmp, 0700) < 0)
		return rc_errf(e, errno, "creating %s/%s", ls->path, tmp);
	dir = openat(ls->dirfd, tmp, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (dir < 0 || mkdirat(dir, "diff", 0755) < 0 || fchmodat(dir, "diff", 0755, 0) < 0)
		return rc_errf(e, errno, "creating %s/%s/diff", ls->path, tmp);
	diff = openat(dir, "diff", O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (diff < 0)
		return rc_errf(e, errno, "opening %s/%s/diff", ls->path, tmp);
	blob = rc_store_blob_open(s, l->blob.digest, e);
	if (blob < 0)
		return -1;
	struct rc_layer_src src = { blob, l->blob.digest, l->diff_id, l->blob.size, cancel,
				    RC_LAYER_DIFF, &notes };
	if (rc_layer_apply(diff, &src, e) < 0)
		goto out;
	if (rc_write_file_nosync_at(dir, "notes", notes.buf ? notes.buf : "", notes.len, 0600,
				    e) < 0)
		goto out;
	/* the rename that publishes it must not reach the disk before it */
	sync = openat(dir, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (sync < 0 || syncfs(sync) < 0) {
		rc_errf(e, errno, "syncing layer %.19s", l->diff_id);
		goto out;
	}
	r = 0;
out:
	free(notes.buf);
	return r;
}

int rc_layers_ensure(const struct rc_layers *ls, const struct rc_store *s,
		     const struct rc_layer_desc *l, const volatile sig_atomic_t *cancel,
		     bool *ret_extracted, struct rc_err *e)
{
	_cleanup_close_ int lock = -1;
	char tmp[128], final[128];
	struct rc_err ignore;

	if (ret_extracted)
		*ret_extracted = false;
	if (!rc_digest_valid(l->diff_id))
		return rc_errf(e, 0, "invalid diff_id '%.80s'", l->diff_id);
	if (rc_layers_has(ls, l->diff_id))
		return 0;
	lock = lock_layer(ls, hex_of(l->diff_id), e);
	if (lock < 0)
		return -1;
	if (rc_layers_has(ls, l->diff_id)) /* another unpack made it meanwhile */
		return 0;
	snprintf(tmp, sizeof tmp, "tmp/%s", hex_of(l->diff_id));
	snprintf(final, sizeof final, "sha256/%s", hex_of(l->diff_id));
	/* one that was killed halfway, or a layer missing its diff */
	if (rc_rm_rf_at(ls->dirfd, tmp, e) < 0 || rc_rm_rf_at(ls->dirfd, final, e) < 0)
		return -1;
	if (extract(ls, s, l, tmp, cancel, e) < 0 || link_short(ls, l->diff_id, e) < 0 ||
	    (renameat(ls->dirfd, tmp, ls->dirfd, final) < 0 &&
	     rc_errf(e, errno, "moving layer %.19s into place", l->diff_id) < 0)) {
		rc_rm_rf_at(ls->dirfd, tmp, &ignore);
		return -1;
	}
	rc_sync_parent_at(ls->dirfd, final);
	if (ret_extracted)
		*ret_extracted = true;
	return 0;
}

int rc_layers_remove(const struct rc_layers *ls, const char *hex, struct rc_err *e)
{
	char name[128], link[128], have[128], target[128];
	_cleanup_close_ int lock = -1;
	ssize_t n;

	if (!hex_valid(hex))
		return rc_errf(e, 0, "invalid layer name '%.80s'", hex);
	snprintf(name, sizeof name, "locks/%s", hex);
	lock = openat(ls->dirfd, name, O_RDWR | O_CLOEXEC | O_NOFOLLOW);
	if (lock >= 0 && flock(lock, LOCK_EX | LOCK_NB) < 0)
		return rc_errf(e, EBUSY, "layer %.12s is being extracted", hex);
	snprintf(link, sizeof link, "l/%.*s", RC_LAYER_SHORT_LEN, hex);
	snprintf(target, sizeof target, "../sha256/%s/diff", hex);
	n = readlinkat(ls->dirfd, link, have, sizeof have - 1);
	if (n >= 0 && (have[n] = '\0', !strcmp(have, target)))
		unlinkat(ls->dirfd, link, 0);
	snprintf(name, sizeof name, "sha256/%s", hex);
	if (rc_rm_rf_at(ls->dirfd, name, e) < 0)
		return rc_err_prefix(e, "removing layer %.12s", hex);
	snprintf(name, sizeof name, "locks/%s", hex);
	unlinkat(ls->dirfd, name, 0);
	return 0;
}

int rc_layers_foreach(const struct rc_layers *ls, int (*fn)(const char *hex, void *arg),
		      void *arg, struct rc_err *e)
{
	int fd = openat(ls->dirfd, "sha256", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	struct dirent *de;
	DIR *d;
	int r = 0;

	if (fd < 0 || !(d = fdopendir(fd))) {
		if (fd >= 0)
			close(fd);
		return errno == ENOENT ? 0 : rc_errf(e, errno, "reading %s/sha256", ls->path);
	}
	while (r == 0 && (de = readdir(d)))
		if (hex_valid(de->d_name))
			r = fn(de->d_name, arg);
	closedir(d);
	return r;
}
