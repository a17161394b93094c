/* images.c - list and remove images; see images.h. */
#include "image/images.h"
#include "base/cleanup.h"
#include "base/fs.h"
#include "base/state.h"
#include "image/image.h"
#include "image/manifest.h"
#include "image/store.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct list {
	const struct rc_store *s;
	struct rc_image_row *rows;
	size_t n, cap;
	int containers; /* containers/, or -1 */
	struct rc_err *e;
};

/* manifest + config + layers, as stored; -1 when the manifest is unreadable */
static int64_t image_size(const struct rc_store *s, const struct rc_descriptor *d)
{
	_cleanup_free_ char *data = NULL;
	struct rc_manifest m;
	int64_t size;
	size_t len;

	if (rc_store_read_blob(s, d->digest, RC_MANIFEST_MAX, &data, &len, NULL) < 0 ||
	    rc_manifest_parse(data, len, d->media_type, &m, NULL) < 0)
		return -1;
	size = (int64_t)len + m.config.size;
	for (size_t i = 0; i < m.n_layers; i++)
		size += m.layers[i].size;
	rc_manifest_free(&m);
	return size;
}

/* Names of the containers whose image file names this manifest digest. */
static void users_of(int containers, const char *digest, char *buf, size_t n)
{
	int fd = containers >= 0 ? openat(containers, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC) : -1;
	struct dirent *de;
	size_t used = 0;
	DIR *d;

	buf[0] = '\0';
	if (fd < 0 || !(d = fdopendir(fd))) {
		if (fd >= 0)
			close(fd);
		return;
	}
	while ((de = readdir(d))) {
		_cleanup_free_ char *line = NULL;
		char path[300];
		const char *sp;
		int w;

		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof path, "%.250s/image", de->d_name);
		if (rc_read_file_at(containers, path, 4096, &line, NULL, NULL) < 0)
			continue;
		sp = strchr(line, ' ');
		if (!sp || strncmp(sp + 1, digest, RC_DIGEST_LEN - 1))
			continue;
		w = snprintf(buf + used, n - used, "%s%s", used ? ", " : "", de->d_name);
		if (w < 0 || (size_t)w >= n - used)
			break;
		used += (size_t)w;
	}
	closedir(d);
}

static int add_row(const char *ref, const struct rc_descriptor *d, void *arg)
{
	struct list *l = arg;
	struct rc_image_row *row;

	if (l->n == l->cap) {
		size_t ncap = l->cap ? l->cap * 2 : 16;
		struct rc_image_row *nr = realloc(l->rows, ncap * sizeof *nr);
		if (!nr)
			return rc_errf(l->e, ENOMEM, "listing images");
		l->rows = nr;
		l->cap = ncap;
	}
	row = &l->rows[l->n++];
	memset(row, 0, sizeof *row);
	snprintf(row->ref, sizeof row->ref, "%s", *ref ? ref : d->digest);
	row->manifest = *d;
	row->size = image_size(l->s, d);
	users_of(l->containers, d->digest, row->containers, sizeof row->containers);
	return 0;
}

/* A name@DIGEST alias whose manifest also has a tag is that tag's shadow. */
static void drop_shadowed_aliases(struct list *l)
{
	size_t out = 0;

	for (size_t i = 0; i < l->n; i++) {
		bool shadow = false;
		for (size_t j = 0; strchr(l->rows[i].ref, '@') && j < l->n && !shadow; j++)
			shadow = !strchr(l->rows[j].ref, '@') &&
				 !strcmp(l->rows[j].manifest.digest, l->rows[i].manifest.digest);
		if (!shadow)
			l->rows[out++] = l->rows[i];
	}
	l->n = out;
}

int rc_images_list(const char *root, struct rc_image_row **ret, size_t *ret_n, struct rc_err *e)
{
	struct rc_store s = { .dirfd = -1 };
	struct list l = { .s = &s, .containers = -1, .e = e };
	struct rc_err ignore;
	int r;

	*ret = NULL;
	*ret_n = 0;
	if (rc_store_open(&s, root, false, &ignore) < 0)
		return 0; /* no store: no image */
	l.containers = rc_state_dir(root, "containers", false, &ignore);
	r = rc_store_foreach(&s, add_row, &l, e);
	if (l.containers >= 0)
		close(l.containers);
	rc_store_close(&s);
	if (r < 0) {
		free(l.rows);
		return -1;
	}
	drop_shadowed_aliases(&l);
	*ret = l.rows;
	*ret_n = l.n;
	return 0;
}

struct by_digest {
	const char *digest;
	char ref[RC_IMAGE_REF_MAX];
};

static int first_ref(const char *ref, const struct rc_descriptor *d, void *arg)
{
	struct by_digest *b = arg;

	if (strcmp(d->digest, b->digest) || !*ref)
		return 0;
	snprintf(b->ref, sizeof b->ref, "%s", ref);
	return 1;
}

int rc_images_remove(const char *root, const char *image,
		     void (*fn)(const char *ref, void *arg), void *arg, struct rc_err *e)
{
	struct rc_store s = { .dirfd = -1 };
	struct rc_image img;
	int r = -1;

	if (rc_store_open(&s, root, false, e) < 0)
		return -1;
	if (rc_image_resolve(&s, image, &img, e) < 0)
		goto out;
	if (!strncmp(image, "sha256:", 7)) {
		/* every reference to that manifest */
		for (;;) {
			struct by_digest b = { img.manifest.digest, "" };
			int f = rc_store_foreach(&s, first_ref, &b, e);
			if (f < 0)
				goto out;
			if (f == 0)
				break;
			if (rc_store_untag(&s, b.ref, fn, arg, e) < 0)
				goto out;
		}
	} else {
		if (rc_store_untag(&s, img.ref, fn, arg, e) < 0)
			goto out;
	}
	r = 0;
out:
	rc_store_close(&s);
	return r;
}
