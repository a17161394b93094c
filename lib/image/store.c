/* store.c - OCI image layout content store; see store.h. */
#include "image/store.h"
#include "base/cleanup.h"
#include "base/fs.h"
#include "base/state.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#define INDEX_MAX (16u << 20)


static int blob_name(const char *digest, const char *dir, char *buf, size_t n,
		     struct rc_err *e)
{
	if (!rc_digest_valid(digest))
		return rc_errf(e, 0, "invalid digest '%.80s': expected sha256:<64 hex digits>",
			       digest ? digest : "");
	snprintf(buf, n, "%s/%s", dir, digest + 7);
	return 0;
}

int rc_store_open(struct rc_store *s, const char *root, bool create, struct rc_err *e)
{
	static const char layout[] = "{\"imageLayoutVersion\":\"1.0.0\"}";
	static const char empty_index[] =
		"{\"schemaVersion\":2,\"mediaType\":\"" RC_MT_OCI_INDEX "\","
		"\"manifests\":[]}";
	int lock;

	s->dirfd = -1;
	snprintf(s->path, sizeof s->path, "%s/images", root);
	s->dirfd = rc_state_dir(root, "images", create, e);
	if (s->dirfd < 0)
		return rc_err_prefix(e, "opening the image store");
	if (!create)
		return 0;
	if (rc_mkdir_p_at(s->dirfd, "blobs/sha256", 0755, e) < 0 ||
	    rc_mkdir_p_at(s->dirfd, "ingest", 0700, e) < 0)
		goto fail;
	if (faccessat(s->dirfd, "index.json", F_OK, 0) == 0)
		return 0;
	lock = rc_lock_at(s->dirfd, "index.lock", e);
	if (lock < 0)
		goto fail;
	if (faccessat(s->dirfd, "index.json", F_OK, 0) < 0 &&
	    (rc_write_file_at(s->dirfd, "oci-layout", layout, sizeof layout - 1, 0644, e) < 0 ||
	     rc_write_file_at(s->dirfd, "index.json", empty_index, sizeof empty_index - 1,
			      0644, e) < 0)) {
		close(lock);
		goto fail;
	}
	close(lock);
	return 0;
fail:
	rc_err_prefix(e, "creating the image store %s", s->path);
	rc_store_close(s);
	return -1;
}

void rc_store_close(struct rc_store *s)
{
	if (s->dirfd >= 0)
		close(s->dirfd);
	s->dirfd = -1;
}

bool rc_store_has_blob(const struct rc_store *s, const char *digest, int64_t size)
{
	char name[128];
	struct stat st;

	if (blob_name(digest, "blobs/sha256", name, sizeof name, NULL) < 0)
		return false;
	if (fstatat(s->dirfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0 || !S_ISREG(st.st_mode))
		return false;
	return size < 0 || st.st_size == size;
}

int rc_store_blob_open(const struct rc_store *s, const char *digest, struct rc_err *e)
{
	char name[128];
	int fd;

	if (blob_name(digest, "blobs/sha256", name, sizeof name, e) < 0)
		return -1;
	fd = openat(s->dirfd, name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return rc_errf(e, errno, "opening blob %s", digest);
	return fd;
}

int rc_store_read_blob(const struct rc_store *s, const char *digest, size_t max,
		       char **ret_data, size_t *ret_len, struct rc_err *e)
{
	char name[128], got[RC_DIGEST_LEN];
	_cleanup_free_ char *data = NULL;
	size_t len;

	if (blob_name(digest, "blobs/sha256", name, sizeof name, e) < 0)
		return -1;
	if (rc_read_file_at(s->dirfd, name, max, &data, &len, e) < 0)
		return rc_err_prefix(e, "reading blob %s", digest);
	if (rc_sha256_buf(data, len, got) < 0)
		return rc_errf(e, ENOMEM, "hashing blob %s", digest);
	if (strcmp(got, digest) != 0)
		return rc_errf(e, 0, "blob %s in the store is corrupt (its content hashes to %s)",
			       digest, got);
	*ret_data = rc_steal_ptr(data);
	if (ret_len)
		*ret_len = len;
	return 0;
}

int rc_store_put_blob(const struct rc_store *s, const void *data, size_t len,
		      const char *expect, char ret_digest[RC_DIGEST_LEN], struct rc_err *e)
{
	char digest[RC_DIGEST_LEN], name[128];

	if (rc_sha256_buf(data, len, digest) < 0)
		return rc_errf(e, ENOMEM, "hashing a blob");
	if (expect && strcmp(expect, digest) != 0)
		return rc_errf(e, 0, "content does not match its digest: expected %.80s, got %s",
			       expect, digest);
	if (ret_digest)
		memcpy(ret_digest, digest, RC_DIGEST_LEN);
	if (rc_store_has_blob(s, digest, (int64_t)len))
		return 0;
	blob_name(digest, "blobs/sha256", name, sizeof name, NULL);
	if (rc_write_file_at(s->dirfd, name, data, len, 0644, e) < 0)
		return rc_err_prefix(e, "storing blob %s", digest);
	return 0;
}

int rc_store_ingest_open(const struct rc_store *s, const char *digest, int *ret_fd,
			 off_t *ret_offset, struct rc_err *e)
{
	char name[128];
	off_t end;
	int fd;

	if (blob_name(digest, "ingest", name, sizeof name, e) < 0)
		return -1;
	fd = openat(s->dirfd, name, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0)
		return rc_errf(e, errno, "opening %s/%s", s->path, name);
	while (flock(fd, LOCK_EX) < 0) {
		if (errno != EINTR) {
			int saved = errno;
			close(fd);
			return rc_errf(e, saved, "locking %s/%s", s->path, name);
		}
	}
	end = lseek(fd, 0, SEEK_END);
	if (end < 0) {
		int saved = errno;
		close(fd);
		return rc_errf(e, saved, "seeking in %s/%s", s->path, name);
	}
	*ret_fd = fd;
	*ret_offset = end;
	return 0;
}

int rc_store_ingest_reset(int fd, struct rc_err *e)
{
	if (ftruncate(fd, 0) < 0 || lseek(fd, 0, SEEK_SET) < 0)
		return rc_errf(e, errno, "truncating a partial download");
	return 0;
}

int rc_store_ingest_commit(const struct rc_store *s, const char *digest, int fd,
			   struct rc_err *e)
{
	char from[128], to[128];
	int r = 0;

	if (blob_name(digest, "ingest", from, sizeof from, e) < 0 ||
	    blob_name(digest, "blobs/sha256", to, sizeof to, e) < 0) {
		close(fd);
		return -1;
	}
	if (fchmod(fd, 0644) < 0 || fsync(fd) < 0)
		r = rc_errf(e, errno, "syncing blob %s", digest);
	else if (renameat(s->dirfd, from, s->dirfd, to) < 0)
		r = rc_errf(e, errno, "moving blob %s into the store", digest);
	else
		rc_sync_parent_at(s->dirfd, to);
	close(fd); /* drops the lock only once the blob is in place */
	return r;
}

void rc_store_ingest_discard(const struct rc_store *s, const char *digest, int fd)
{
	char name[128];

	if (blob_name(digest, "ingest", name, sizeof name, NULL) == 0)
		unlinkat(s->dirfd, name, 0);
	close(fd);
}

void rc_store_ingest_keep(int fd)
{
	fsync(fd);
	close(fd);
}

static int index_load(const struct rc_store *s, json_t **ret, struct rc_err *e)
{
	_cleanup_free_ char *data = NULL;
	json_error_t jerr;
	json_t *root;

	if (rc_read_file_at(s->dirfd, "index.json", INDEX_MAX, &data, NULL, e) < 0)
		return rc_err_prefix(e, "reading the image index %s", s->path);
	root = json_loads(data, 0, &jerr);
	if (!root || !json_is_array(json_object_get(root, "manifests"))) {
		json_decref(root);
		return rc_errf(e, 0, "%s/index.json is not a valid OCI index: %s", s->path,
			       root ? "no manifests array" : jerr.text);
	}
	*ret = root;
	return 0;
}

int rc_store_tag(const struct rc_store *s, const char *ref,
		 const struct rc_descriptor *manifest, struct rc_err *e)
{
	_cleanup_close_ int lock = -1;
	json_auto_t *root = NULL;
	_cleanup_free_ char *text = NULL;
	json_t *list, *entry;
	size_t i;

	lock = rc_lock_at(s->dirfd, "index.lock", e);
	if (lock < 0)
		return -1;
	if (index_load(s, &root, e) < 0)
		return -1;
	list = json_object_get(root, "manifests");
	for (i = 0; i < json_array_size(list);) {
		const char *r = rc_descriptor_annotation(json_array_get(list, i), RC_ANNOTATION_REF_NAME);
		if (r && !strcmp(r, ref))
			json_array_remove(list, i);
		else
			i++;
	}
	entry = json_pack("{s:s, s:s, s:I, s:{s:s}}", "mediaType", manifest->media_type,
			  "digest", manifest->digest, "size", (json_int_t)manifest->size,
			  "annotations", RC_ANNOTATION_REF_NAME, ref);
	if (!entry || json_array_append_new(list, entry) < 0)
		return rc_errf(e, ENOMEM, "recording %s in the image index", ref);
	text = json_dumps(root, JSON_COMPACT);
	if (!text)
		return rc_errf(e, ENOMEM, "recording %s in the image index", ref);
	if (rc_write_file_at(s->dirfd, "index.json", text, strlen(text), 0644, e) < 0)
		return rc_err_prefix(e, "recording %s in the image index", ref);
	return 0;
}

int rc_store_use_lock(const struct rc_store *s, bool exclusive, struct rc_err *e)
{
	int fd = openat(s->dirfd, "gc.lock", O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644);

	if (fd < 0)
		return rc_errf(e, errno, "opening %s/gc.lock", s->path);
	while (flock(fd, exclusive ? LOCK_EX : LOCK_SH) < 0) {
		if (errno != EINTR) {
			int saved = errno;
			close(fd);
			return rc_errf(e, saved, "locking %s/gc.lock", s->path);
		}
	}
	return fd;
}

static bool same_manifest_tagged(json_t *list, const char *digest)
{
	for (size_t i = 0; i < json_array_size(list); i++) {
		json_t *m = json_array_get(list, i);
		const char *r = rc_descriptor_annotation(m, RC_ANNOTATION_REF_NAME);
		const char *d = json_string_value(json_object_get(m, "digest"));
		if (r && d && !strchr(r, '@') && !strcmp(d, digest))
			return true;
	}
	return false;
}

int rc_store_untag(const struct rc_store *s, const char *ref,
		   void (*fn)(const char *ref, void *arg), void *arg, struct rc_err *e)
{
	_cleanup_close_ int lock = -1;
	json_auto_t *root = NULL;
	_cleanup_free_ char *text = NULL;
	char digest[RC_DIGEST_LEN] = "";
	json_auto_t *gone = json_array();
	json_t *list, *g;
	size_t i;

	lock = rc_lock_at(s->dirfd, "index.lock", e);
	if (lock < 0 || index_load(s, &root, e) < 0)
		return -1;
	list = json_object_get(root, "manifests");
	for (i = 0; i < json_array_size(list); i++) {
		json_t *m = json_array_get(list, i);
		const char *r = rc_descriptor_annotation(m, RC_ANNOTATION_REF_NAME);
		const char *d = json_string_value(json_object_get(m, "digest"));
		if (r && d && !strcmp(r, ref) && rc_digest_valid(d)) {
			snprintf(digest, sizeof digest, "%s", d);
			json_array_append_new(gone, json_string(r));
			json_array_remove(list, i);
			break;
		}
	}
	if (!digest[0]) {
		rc_errf(e, 0, "image %s is not in the store %s", ref, s->path);
		if (e)
			e->code = ENOENT;
		return -1;
	}
	/* the name@digest aliases go with the last tag of their manifest */
	for (i = 0; !same_manifest_tagged(list, digest) && i < json_array_size(list);) {
		json_t *m = json_array_get(list, i);
		const char *r = rc_descriptor_annotation(m, RC_ANNOTATION_REF_NAME);
		const char *d = json_string_value(json_object_get(m, "digest"));
		if (r && d && strchr(r, '@') && !strcmp(d, digest)) {
			json_array_append_new(gone, json_string(r));
			json_array_remove(list, i);
		} else {
			i++;
		}
	}
	text = json_dumps(root, JSON_COMPACT);
	if (!text)
		return rc_errf(e, ENOMEM, "removing %s from the image index", ref);
	if (rc_write_file_at(s->dirfd, "index.json", text, strlen(text), 0644, e) < 0)
		return rc_err_prefix(e, "removing %s from the image index", ref);
	json_array_foreach(gone, i, g)
		if (fn)
			fn(json_string_value(g), arg);
	return 0;
}

int rc_store_foreach(const struct rc_store *s,
		     int (*fn)(const char *ref, const struct rc_descriptor *d, void *arg),
		     void *arg, struct rc_err *e)
{
	json_auto_t *root = NULL;
	json_t *list;

	if (index_load(s, &root, e) < 0)
		return -1;
	list = json_object_get(root, "manifests");
	for (size_t i = 0; i < json_array_size(list); i++) {
		json_t *m = json_array_get(list, i);
		struct rc_descriptor d;
		const char *ref = rc_descriptor_annotation(m, RC_ANNOTATION_REF_NAME);
		int r;

		if (rc_descriptor_parse(m, "index entry", &d, NULL, NULL) < 0)
			continue; /* not one of ours, nor one we can read */
		r = fn(ref ? ref : "", &d, arg);
		if (r)
			return r;
	}
	return 0;
}

struct resolve_ctx {
	const char *want;
	bool by_digest;
	struct rc_descriptor *ret;
};

static int resolve_one(const char *ref, const struct rc_descriptor *d, void *arg)
{
	struct resolve_ctx *c = arg;

	if (c->by_digest ? strcmp(d->digest, c->want) : strcmp(ref, c->want))
		return 0;
	*c->ret = *d;
	return 1;
}

int rc_store_resolve(const struct rc_store *s, const char *ref,
		     struct rc_descriptor *ret, struct rc_err *e)
{
	struct resolve_ctx c = { ref, strncmp(ref, "sha256:", 7) == 0, ret };
	int r;

	if (c.by_digest && !rc_digest_valid(ref))
		return rc_errf(e, 0, "invalid digest '%.80s': expected sha256:<64 hex digits>", ref);
	r = rc_store_foreach(s, resolve_one, &c, e);
	if (r < 0)
		return -1;
	if (r == 0) {
		rc_errf(e, 0, "image %s is not in the store %s (pull it first)", ref, s->path);
		if (e)
			e->code = ENOENT;
		return -1;
	}
	return 0;
}
