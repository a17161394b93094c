/* gc.c - remove unreferenced blobs, layers and leftovers; see gc.h. */
#include "image/gc.h"
#include "base/cleanup.h"
#include "base/fs.h"
#include "base/state.h"
#include "image/image.h"
#include "image/layerstore.h"
#include "image/manifest.h"
#include "image/store.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#define JSON_MAX (16u << 20)

/* A set of 64-digit hex names (blobs or layers): small, searched linearly. */
struct names {
	char (*v)[65];
	size_t n, cap;
};

static bool names_has(const struct names *s, const char *hex)
{
	for (size_t i = 0; i < s->n; i++)
		if (!strcmp(s->v[i], hex))
			return true;
	return false;
}

static int names_add(struct names *s, const char *digest, struct rc_err *e)
{
	if (!rc_digest_valid(digest))
		return rc_errf(e, 0, "invalid digest '%.80s'", digest ? digest : "");
	if (names_has(s, digest + 7))
		return 0;
	if (s->n == s->cap) {
		size_t ncap = s->cap ? s->cap * 2 : 64;
		char (*nv)[65] = realloc(s->v, ncap * sizeof *nv);
		if (!nv)
			return rc_errf(e, ENOMEM, "collecting references");
		s->v = nv;
		s->cap = ncap;
	}
	snprintf(s->v[s->n++], 65, "%s", digest + 7);
	return 0;
}

struct gc {
	struct rc_store store;
	struct rc_layers layers;
	bool have_layers;
	struct names blobs, keep_layers;
	const struct rc_gc_opts *o;
	struct rc_gc_result *res;
	struct rc_err *e;
};

/* What one image references: its blobs and its layers. */
static int keep_image(const char *ref, const struct rc_descriptor *d, void *arg)
{
	struct gc *g = arg;
	_cleanup_free_ char *data = NULL, *cfg = NULL;
	json_auto_t *config = NULL;
	struct rc_manifest m = { 0 };
	json_t *ids, *id;
	size_t len, i;
	int r = -1;

	if (names_add(&g->blobs, d->digest, g->e) < 0)
		return -1;
	if (rc_store_read_blob(&g->store, d->digest, RC_MANIFEST_MAX, &data, &len, g->e) < 0 ||
	    rc_manifest_parse(data, len, d->media_type, &m, g->e) < 0)
		goto fail;
	if (m.kind != RC_MANIFEST_IMAGE) {
		rc_errf(g->e, 0, "not an image manifest");
		goto fail;
	}
	if (names_add(&g->blobs, m.config.digest, g->e) < 0)
		goto out;
	for (i = 0; i < m.n_layers; i++)
		if (names_add(&g->blobs, m.layers[i].digest, g->e) < 0)
			goto out;
	if (rc_store_read_blob(&g->store, m.config.digest, JSON_MAX, &cfg, &len, g->e) < 0)
		goto fail;
	config = json_loadb(cfg, len, 0, NULL);
	ids = json_object_get(json_object_get(config, "rootfs"), "diff_ids");
	json_array_foreach(ids, i, id)
		if (names_add(&g->keep_layers, json_string_value(id), g->e) < 0)
			goto out;
	r = 0;
	goto out;
fail:
	rc_err_prefix(g->e, "cannot tell what image %s references", *ref ? ref : d->digest);
out:
	rc_manifest_free(&m);
	return r;
}

/* What every container (and every unpack a crash left) stacks. */
static int keep_containers(struct gc *g, const char *root)
{
	struct rc_err ignore;
	int fd = rc_state_dir(root, "containers", false, &ignore);
	struct dirent *de;
	DIR *d;
	int r = 0;

	if (fd < 0 || !(d = fdopendir(fd))) {
		if (fd >= 0)
			close(fd);
		return 0; /* no container */
	}
	while (r == 0 && (de = readdir(d))) {
		_cleanup_free_ char *text = NULL;
		char path[300], *p, *save = NULL;

		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		snprintf(path, sizeof path, "%.250s/layers", de->d_name);
		if (rc_read_file_at(dirfd(d), path, 1u << 20, &text, NULL, &ignore) < 0)
			continue; /* a full copy */
		for (p = strtok_r(text, "\n", &save); p && r == 0; p = strtok_r(NULL, "\n", &save))
			r = names_add(&g->keep_layers, p, g->e);
	}
	closedir(d);
	return r;
}

static void count_removed(struct gc *g, unsigned *what, int64_t bytes, int64_t *total)
{
	(*what)++;
	if (total)
		*total += bytes;
	(void)g;
}

/* Call fn for each entry of dirfd/sub (not . and ..). */
static void each_entry(int parent, const char *sub, void (*fn)(struct gc *, int, const char *),
		       struct gc *g)
{
	int fd = openat(parent, sub, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
	struct dirent *de;
	DIR *d;

	if (fd < 0 || !(d = fdopendir(fd))) {
		if (fd >= 0)
			close(fd);
		return;
	}
	while ((de = readdir(d)))
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
			fn(g, dirfd(d), de->d_name);
	closedir(d);
}

static void sweep_blob(struct gc *g, int dir, const char *name)
{
	struct stat st;

	if (strlen(name) != 64 || names_has(&g->blobs, name) ||
	    fstatat(dir, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return;
	if (g->o->dry_run || unlinkat(dir, name, 0) == 0)
		count_removed(g, &g->res->blobs, st.st_size, &g->res->blob_bytes);
}

/* Anything in ingest/ that no process holds locked: a partial download,
 * a staging directory of a pull that died. */
static void sweep_ingest(struct gc *g, int dir, const char *name)
{
	_cleanup_close_ int fd = openat(dir, name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
	struct rc_err ignore;

	if (fd < 0 || flock(fd, LOCK_EX | LOCK_NB) < 0)
		return; /* a live pull's */
	if (g->o->dry_run || rc_rm_rf_at(dir, name, &ignore) == 0)
		count_removed(g, &g->res->leftovers, 0, NULL);
}

static void sweep_layer(struct gc *g, int dir, const char *name)
{
	struct rc_err ignore;

	(void)dir;
	if (strlen(name) != 64 || names_has(&g->keep_layers, name))
		return;
	if (g->o->dry_run || rc_layers_remove(&g->layers, name, &ignore) == 0)
		count_removed(g, &g->res->layers, 0, NULL);
}

/* layers/tmp/X: an extraction or a probe that died (no lock held). */
static void sweep_layer_tmp(struct gc *g, int dir, const char *name)
{
	char lock[128];
	_cleanup_close_ int fd = -1;
	struct rc_err ignore;

	snprintf(lock, sizeof lock, "locks/%.100s", name);
	fd = openat(g->layers.dirfd, lock, O_RDWR | O_CLOEXEC | O_NOFOLLOW);
	if (fd >= 0 && flock(fd, LOCK_EX | LOCK_NB) < 0)
		return;
	if (g->o->dry_run || rc_rm_rf_at(dir, name, &ignore) == 0)
		count_removed(g, &g->res->leftovers, 0, NULL);
}

/* layers/locks/HEX of a layer that is not there, and not being made. */
static void sweep_layer_lock(struct gc *g, int dir, const char *name)
{
	char layer[128];
	_cleanup_close_ int fd = -1;

	snprintf(layer, sizeof layer, "sha256/%.100s", name);
	if (faccessat(g->layers.dirfd, layer, F_OK, AT_SYMLINK_NOFOLLOW) == 0)
		return;
	fd = openat(dir, name, O_RDWR | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0 || flock(fd, LOCK_EX | LOCK_NB) < 0)
		return;
	if (!g->o->dry_run)
		unlinkat(dir, name, 0);
}

/* layers/l/SHORT whose layer is gone. */
static void sweep_short(struct gc *g, int dir, const char *name)
{
	struct stat st;

	(void)g;
	if (fstatat(dir, name, &st, 0) < 0 && errno == ENOENT && !g->o->dry_run)
		unlinkat(dir, name, 0);
}

int rc_gc(const char *root, const struct rc_gc_opts *o, struct rc_gc_result *ret,
	  struct rc_err *e)
{
	struct gc g = { .store = { .dirfd = -1 }, .layers = { .dirfd = -1 }, .o = o, .res = ret,
			.e = e };
	_cleanup_close_ int lock = -1;
	struct rc_err ignore;
	int r = -1;

	memset(ret, 0, sizeof *ret);
	if (rc_store_open(&g.store, root, false, e) < 0)
		return -1;
	lock = rc_store_use_lock(&g.store, true, e);
	if (lock < 0)
		goto out;
	g.have_layers = rc_layers_open(&g.layers, root, false, &ignore) == 0;
	if (rc_store_foreach(&g.store, keep_image, &g, e) < 0 || keep_containers(&g, root) < 0)
		goto out;
	each_entry(g.store.dirfd, "blobs/sha256", sweep_blob, &g);
	each_entry(g.store.dirfd, "ingest", sweep_ingest, &g);
	if (g.have_layers) {
		each_entry(g.layers.dirfd, "sha256", sweep_layer, &g);
		each_entry(g.layers.dirfd, "tmp", sweep_layer_tmp, &g);
		each_entry(g.layers.dirfd, "locks", sweep_layer_lock, &g);
		each_entry(g.layers.dirfd, "l", sweep_short, &g);
	}
	r = 0;
out:
	free(g.blobs.v);
	free(g.keep_layers.v);
	rc_layers_close(&g.layers);
	rc_store_close(&g.store);
	return r;
}
