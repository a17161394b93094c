/* unpack.c - make a container bundle from an image; see unpack.h. */
#include "image/unpack.h"
#include "base/cleanup.h"
#include "base/fs.h"
#include "image/image.h"
#include "image/layer.h"
#include "image/layerstore.h"
#include "image/rootfs.h"
#include "runtime/ocispec.h"
#include "base/state.h"
#include "image/store.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <dirent.h>
#include <sys/file.h>
#include <sys/random.h>
#include <unistd.h>

/* A container whose init still runs is not replaced, even with --force. */
static int check_not_running(int containers, const char *name, struct rc_err *e)
{
	char path[PATH_MAX];
	_cleanup_free_ char *data = NULL;
	long pid;

	snprintf(path, sizeof path, "%s/pid", name);
	if (rc_read_file_at(containers, path, 64, &data, NULL, NULL) < 0)
		return 0;
	pid = strtol(data, NULL, 10);
	if (pid > 0 && (kill((pid_t)pid, 0) == 0 || errno == EPERM))
		return rc_errf(e, EBUSY, "container %s is running (pid %ld); stop it first", name, pid);
	return 0;
}

static int apply_layers(const struct rc_store *s, const struct rc_image *img, int rootfd,
			const struct rc_unpack_opts *o, struct rc_err *e)
{
	for (size_t i = 0; i < img->nlayers; i++) {
		const struct rc_descriptor *d = &img->layers[i].blob;
		_cleanup_close_ int fd = rc_store_blob_open(s, d->digest, e);
		struct rc_layer_src src = { fd, d->digest, img->layers[i].diff_id, d->size, o->cancel,
					    RC_LAYER_APPLY, NULL };

		if (fd < 0 || rc_layer_apply(rootfd, &src, e) < 0)
			return rc_err_prefix(e, "applying layer %zu/%zu %.19s", i + 1, img->nlayers,
					     d->digest);
	}
	return 0;
}

static int write_config(const struct rc_image *img, const char *name, int bundle, int rootfd,
			struct rc_err *e)
{
	json_auto_t *spec = NULL;
	_cleanup_free_ char *text = NULL, *line = NULL;

	if (rc_oci_config(img->config, name, rootfd, &spec, e) < 0)
		return rc_err_prefix(e, "making config.json");
	if (json_array_size(json_object_get(json_object_get(spec, "process"), "args")) == 0)
		fprintf(stderr, "%s: warning: image %s has no Entrypoint or Cmd; give a command "
			"when running it\n", program_invocation_short_name, img->ref);
	text = json_dumps(spec, JSON_INDENT(2));
	if (!text || asprintf(&line, "%s %s\n", img->ref, img->manifest.digest) < 0)
		return rc_errf(e, ENOMEM, "making config.json");
	if (rc_write_file_nodirsync_at(bundle, RC_FILE_CONFIG, text, strlen(text), 0644, e) < 0 ||
	    rc_write_file_nodirsync_at(bundle, RC_FILE_IMAGE, line, strlen(line), 0644, e) < 0)
		return -1;
	return 0;
}

/* Leave the bundle as it was before make_overlay. */
static void undo_overlay(int bundle)
{
	static const char *const made[] = { "rootfs", "upper", "work", "layers" };
	struct rc_err ignore;

	rc_rootfs_unmount(bundle, &ignore);
	for (size_t i = 0; i < 4; i++)
		rc_rm_rf_at(bundle, made[i], &ignore);
}

/* The layers in the layer store, each extracted once, and the container's
 * rootfs an overlay of them. 0 done; 1 overlayfs cannot be used for this
 * image here (e says why; nothing is left in the bundle); -1 an error. */
static int make_overlay(const char *root, const struct rc_store *s, const struct rc_image *img,
			int bundle, const char *tmp, const struct rc_unpack_opts *o,
			struct rc_err *e)
{
	struct rc_layers ls = { .dirfd = -1 };
	int r = 1;

	if (rc_layers_open(&ls, root, true, e) < 0)
		return -1;
	if (rc_rootfs_overlay_usable(&ls, e) < 0)
		goto out;
	for (size_t i = 0; i < img->nlayers; i++) {
		if (rc_layers_ensure(&ls, s, &img->layers[i], o->cancel, NULL, e) < 0) {
			rc_err_prefix(e, "layer %zu/%zu %.19s", i + 1, img->nlayers,
				      img->layers[i].blob.digest);
			r = e->code == EXDEV ? 1 : -1;
			goto out;
		}
	}
	if (rc_rootfs_check(&ls, img, e) < 0 || rc_rootfs_create(&ls, bundle, tmp, img, e) < 0)
		goto out;
	r = 0;
out:
	if (r != 0)
		undo_overlay(bundle);
	rc_layers_close(&ls);
	return r;
}

/* Everything in the temporary bundle: rootfs, config.json, image. */
static int build_bundle(const char *root, const struct rc_store *s, const struct rc_image *img,
			const char *name, int containers, const char *tmp,
			const struct rc_unpack_opts *o, struct rc_err *e)
{
	_cleanup_close_ int bundle = -1, rootfd = -1;
	bool copy = o->copy || img->nlayers == 0; /* no layer: nothing to share */

	bundle = openat(containers, tmp, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (bundle < 0)
		return rc_errf(e, errno, "opening %s", tmp);
	if (!copy) {
		int r = make_overlay(root, s, img, bundle, tmp, o, e);
		if (r < 0)
			return -1;
		if (r > 0) {
			fprintf(stderr, "%s: warning: overlayfs cannot be used: %s; making a full copy\n",
				program_invocation_short_name, e->msg);
			copy = true;
		}
	}
	if (copy && (mkdirat(bundle, RC_FILE_ROOTFS, 0755) < 0 || fchmodat(bundle, RC_FILE_ROOTFS, 0755, 0) < 0))
		return rc_errf(e, errno, "creating rootfs");
	rootfd = openat(bundle, RC_FILE_ROOTFS, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (rootfd < 0)
		return rc_errf(e, errno, "opening rootfs");
	if ((copy && apply_layers(s, img, rootfd, o, e) < 0) ||
	    write_config(img, name, bundle, rootfd, e) < 0)
		return -1;
	if (o->cancel && *o->cancel)
		return rc_errf(e, EINTR, "unpacking");
	/* The rename below must not reach the disk before what it names: a
	 * copied tree, or (an overlay) the files and directories of the bundle,
	 * its layers having been synced when they were extracted. */
	{
		_cleanup_close_ int fd = openat(bundle, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (fd < 0 || (copy ? syncfs(fd) : fsync(fd)) < 0)
			return rc_errf(e, errno, "syncing the new container");
	}
	return 0;
}

/* Move tmp to name: a plain rename that refuses an existing name, or with
 * force an exchange, after which tmp holds the old container to remove. */
static int publish(int containers, const char *tmp, const char *name, bool force,
		   bool *ret_swapped, struct rc_err *e)
{
	*ret_swapped = false;
	if (renameat2(containers, tmp, containers, name, RENAME_NOREPLACE) == 0)
		goto synced;
	if (errno != EEXIST)
		return rc_errf(e, errno, "moving the new container into place");
	if (!force)
		return rc_errf(e, EEXIST, "container %s already exists (use --force to replace it)",
			       name);
	if (check_not_running(containers, name, e) < 0)
		return -1;
	if (renameat2(containers, tmp, containers, name, RENAME_EXCHANGE) < 0)
		return rc_errf(e, errno, "replacing container %s", name);
	*ret_swapped = true;
synced:
	fsync(containers);
	return 0;
}

static volatile sig_atomic_t never;

/* Remove containers/dir, its rootfs unmounted first. */
static int remove_bundle(int containers, const char *dir, struct rc_err *e)
{
	_cleanup_close_ int fd = openat(containers, dir, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

	if (fd >= 0 && rc_rootfs_unmount(fd, e) < 0)
		return -1;
	return rc_rm_rf_at(containers, dir, e);
}

/* The containers directory's own flock guards temporary directories
 * between their mkdir and their flock: shared while making one, exclusive
 * while sweeping. */
static int lock_containers(int containers, int how)
{
	int fd = openat(containers, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd < 0)
		return -1;
	while (flock(fd, how) < 0) {
		if (errno != EINTR) {
			close(fd);
			return -1;
		}
	}
	return fd;
}

/* Remove the temporary directories of unpacks that died (SIGKILL, a
 * crash): each live one holds an flock on its directory. */
static void sweep_stale(int containers)
{
	_cleanup_close_ int lock = -1;
	struct rc_err ignore;
	DIR *d;
	struct dirent *de;
	int dfd;

	lock = lock_containers(containers, LOCK_EX);
	if (lock < 0)
		return;
	dfd = openat(containers, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0 || !(d = fdopendir(dfd))) {
		if (dfd >= 0)
			close(dfd);
		return;
	}
	while ((de = readdir(d))) {
		_cleanup_close_ int fd = -1;

		if (de->d_name[0] != '.' || !strstr(de->d_name, ".tmp-"))
			continue;
		fd = openat(containers, de->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (fd < 0 || flock(fd, LOCK_EX | LOCK_NB) < 0)
			continue; /* gone, or an unpack in progress */
		remove_bundle(containers, de->d_name, &ignore);
	}
	closedir(d);
}

/* Make containers/.NAME.tmp-XXXXXX and hold an flock on it while it is
 * ours; returns the locked descriptor. */
static int make_tmp(int containers, const char *name, char *tmp, size_t n, struct rc_err *e)
{
	static const char set[] = "abcdefghijklmnopqrstuvwxyz0123456789";
	_cleanup_close_ int lock = -1;

	lock = lock_containers(containers, LOCK_SH);
	if (lock < 0)
		return rc_errf(e, errno, "locking the containers directory");
	for (int tries = 0;; tries++) {
		unsigned char rnd[6];
		char suffix[7];
		int fd;

		if (getrandom(rnd, sizeof rnd, 0) != sizeof rnd)
			return rc_errf(e, errno, "making a temporary name");
		for (int i = 0; i < 6; i++)
			suffix[i] = set[rnd[i] % 36];
		suffix[6] = '\0';
		snprintf(tmp, n, ".%s.tmp-%s", name, suffix);
		if (mkdirat(containers, tmp, 0700) < 0) {
			if (errno == EEXIST && tries < 100)
				continue;
			rc_errf(e, errno, "creating a temporary directory");
			tmp[0] = '\0';
			return -1;
		}
		fd = openat(containers, tmp, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (fd < 0 || flock(fd, LOCK_EX) < 0) {
			int saved = errno;
			if (fd >= 0)
				close(fd);
			return rc_errf(e, saved, "locking %s", tmp);
		}
		return fd;
	}
}

int rc_unpack(const char *root, const char *image, const char *name,
	      const struct rc_unpack_opts *opts, struct rc_err *e)
{
	struct rc_unpack_opts o = *opts;
	struct rc_store store = { .dirfd = -1 };
	struct rc_image img = { 0 };
	_cleanup_close_ int containers = -1, tmplock = -1, uselock = -1;
	char tmp[RC_NAME_MAX + 32] = "";
	bool swapped = false;
	struct rc_err ignore;
	int r = -1;

	if (!o.cancel)
		o.cancel = &never;
	if (rc_name_check(name, e) < 0)
		return rc_err_status(e, 2);
	if (rc_store_open(&store, root, false, e) < 0)
		return -1;
	/* rc-gc waits until this container references its layers */
	uselock = rc_store_use_lock(&store, false, e);
	if (uselock < 0 || rc_image_load(&store, image, &img, e) < 0)
		goto out;
	containers = rc_state_dir(root, "containers", true, e);
	if (containers < 0)
		goto out;
	if (!o.force && faccessat(containers, name, F_OK, AT_SYMLINK_NOFOLLOW) == 0) {
		rc_errf(e, EEXIST, "container %s already exists (use --force to replace it)", name);
		goto out;
	}
	if (o.force && check_not_running(containers, name, e) < 0)
		goto out;
	sweep_stale(containers);
	/* A name no container can have (NAME cannot start with '.'). */
	tmplock = make_tmp(containers, name, tmp, sizeof tmp, e);
	if (tmplock < 0) {
		rc_err_prefix(e, "unpacking %s into container %s", img.ref, name);
		goto out;
	}
	if (build_bundle(root, &store, &img, name, containers, tmp, &o, e) < 0 ||
	    publish(containers, tmp, name, o.force, &swapped, e) < 0) {
		rc_err_prefix(e, "unpacking %s into container %s", img.ref, name);
		goto out;
	}
	if (!swapped)
		tmp[0] = '\0'; /* it is NAME now */
	r = 0;
out:
	/* the failed attempt, or the container it replaced */
	if (tmp[0] && remove_bundle(containers, tmp, &ignore) < 0 && r == 0)
		fprintf(stderr, "%s: warning: removing %s/containers/%s: %s\n",
			program_invocation_short_name, root, tmp, ignore.msg);
	rc_image_free(&img);
	rc_store_close(&store);
	return r;
}
