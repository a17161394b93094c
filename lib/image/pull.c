/* pull.c - registry to content store; see pull.h. */
#include "image/pull.h"
#include "base/cleanup.h"
#include "base/fs.h"
#include "image/progress.h"
#include "image/registry.h"
#include "base/state.h"
#include "image/store.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_JOBS 64

struct pull;

struct job {
	struct pull *p;
	struct rc_descriptor d;
	int item;    /* progress line, -1 for none */
	bool staged; /* verified, waiting in the staging directory */
};

struct pull {
	const struct rc_pull_opts *o;
	struct rc_store store;
	struct rc_registry *reg;
	struct rc_progress *prog;
	char staging[64];    /* "ingest/pull.XXXXXX", relative to the store */
	int staging_fd;      /* flocked while this pull runs */
	int use_lock;        /* images/gc.lock, shared: rc-gc waits for this pull */
	bool from_index;     /* the image was picked from an index */
	struct job *jobs;
	size_t n_jobs;
	pthread_mutex_t lock; /* next, failed, err */
	size_t next;
	bool failed;
	struct rc_err err;
};

static void blob_rel(const char *dir, const char *digest, char *buf, size_t n)
{
	snprintf(buf, n, "%s/%s", dir, digest + 7);
}

/* Lock ingest/HEX, making sure the file we locked is still the one at that
 * path: a pull that got there first may have moved it away meanwhile. */
static int ingest_lock(struct pull *p, const char *digest, int *ret_fd, struct rc_err *e)
{
	char name[128];

	blob_rel("ingest", digest, name, sizeof name);
	for (int tries = 0; tries < 1000; tries++) {
		struct stat a, b;
		off_t off;
		int fd;

		if (rc_store_ingest_open(&p->store, digest, &fd, &off, e) < 0)
			return -1;
		if (fstat(fd, &a) == 0 && fstatat(p->store.dirfd, name, &b, AT_SYMLINK_NOFOLLOW) == 0 &&
		    a.st_ino == b.st_ino && a.st_dev == b.st_dev) {
			*ret_fd = fd;
			return 0;
		}
		close(fd);
	}
	return rc_errf(e, EAGAIN, "locking %s/%s", p->store.path, name);
}

static void on_progress(void *arg, int64_t done, int64_t total)
{
	struct job *j = arg;

	rc_progress_set(j->p->prog, j->item, RC_PROGRESS_DOWNLOADING, done, total);
}

/* Download one blob into the staging directory, verified. */
static int fetch_one(struct pull *p, struct job *j, struct rc_err *e)
{
	char from[128], to[160];
	int fd = -1;

	if (rc_store_has_blob(&p->store, j->d.digest, j->d.size)) {
		rc_progress_set(p->prog, j->item, RC_PROGRESS_EXISTS, 0, 0);
		return 0;
	}
	if (ingest_lock(p, j->d.digest, &fd, e) < 0)
		return -1;
	if (rc_store_has_blob(&p->store, j->d.digest, j->d.size)) {
		/* another pull stored it while we waited for the lock */
		rc_store_ingest_discard(&p->store, j->d.digest, fd);
		rc_progress_set(p->prog, j->item, RC_PROGRESS_EXISTS, 0, 0);
		return 0;
	}
	rc_progress_set(p->prog, j->item, RC_PROGRESS_DOWNLOADING, 0, j->d.size);
	if (rc_registry_fetch_blob(p->reg, &j->d, fd, on_progress, j, e) < 0) {
		if (e->code == EBADMSG)
			rc_store_ingest_discard(&p->store, j->d.digest, fd);
		else
			rc_store_ingest_keep(fd);
		rc_progress_set(p->prog, j->item, RC_PROGRESS_FAILED, 0, 0);
		return -1;
	}
	rc_progress_set(p->prog, j->item, RC_PROGRESS_VERIFYING, j->d.size, j->d.size);
	blob_rel("ingest", j->d.digest, from, sizeof from);
	blob_rel(p->staging, j->d.digest, to, sizeof to);
	if (fchmod(fd, 0644) < 0 || fsync(fd) < 0 ||
	    renameat(p->store.dirfd, from, p->store.dirfd, to) < 0) {
		int saved = errno;
		rc_store_ingest_keep(fd);
		return rc_errf(e, saved, "staging blob %s", j->d.digest);
	}
	close(fd);
	j->staged = true;
	rc_progress_set(p->prog, j->item, RC_PROGRESS_DONE, j->d.size, j->d.size);
	return 0;
}

static void *worker(void *arg)
{
	struct pull *p = arg;

	for (;;) {
		struct rc_err e = { 0 };
		struct job *j;

		pthread_mutex_lock(&p->lock);
		if (p->failed || p->next >= p->n_jobs) {
			pthread_mutex_unlock(&p->lock);
			return NULL;
		}
		j = &p->jobs[p->next++];
		pthread_mutex_unlock(&p->lock);
		if (fetch_one(p, j, &e) < 0) {
			pthread_mutex_lock(&p->lock);
			if (!p->failed) {
				p->failed = true;
				p->err = e;
			}
			pthread_mutex_unlock(&p->lock);
		}
	}
}

/* Run every job on up to --jobs threads (this one included). */
static int fetch_all(struct pull *p, struct rc_err *e)
{
	unsigned want = p->o->jobs ? p->o->jobs : 3;
	pthread_t tids[MAX_JOBS];
	size_t started = 0;

	if (want > MAX_JOBS)
		want = MAX_JOBS;
	if (want > p->n_jobs)
		want = (unsigned)p->n_jobs;
	while (started + 1 < want && pthread_create(&tids[started], NULL, worker, p) == 0)
		started++;
	worker(p);
	for (size_t i = 0; i < started; i++)
		pthread_join(tids[i], NULL);
	if (p->failed) {
		*e = p->err;
		return -1;
	}
	return 0;
}

/* Every blob arrived: move them from staging into blobs/. */
static int commit_staged(struct pull *p, struct rc_err *e)
{
	_cleanup_close_ int blobs = -1;

	for (size_t i = 0; i < p->n_jobs; i++) {
		char from[160], to[128];
		if (!p->jobs[i].staged)
			continue;
		blob_rel(p->staging, p->jobs[i].d.digest, from, sizeof from);
		blob_rel("blobs/sha256", p->jobs[i].d.digest, to, sizeof to);
		if (renameat(p->store.dirfd, from, p->store.dirfd, to) < 0)
			return rc_errf(e, errno, "moving blob %s into the store", p->jobs[i].d.digest);
		p->jobs[i].staged = false;
	}
	blobs = openat(p->store.dirfd, "blobs/sha256", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (blobs < 0 || fsync(blobs) < 0)
		return rc_errf(e, errno, "syncing %s/blobs/sha256", p->store.path);
	return 0;
}

/* The pull failed: hand verified blobs back to ingest/, where the next
 * pull finds them whole and stores them without downloading again. */
static void unstage(struct pull *p)
{
	for (size_t i = 0; i < p->n_jobs; i++) {
		char from[160], to[128];
		if (!p->jobs[i].staged)
			continue;
		blob_rel(p->staging, p->jobs[i].d.digest, from, sizeof from);
		blob_rel("ingest", p->jobs[i].d.digest, to, sizeof to);
		if (renameat2(p->store.dirfd, from, p->store.dirfd, to, RENAME_NOREPLACE) < 0)
			unlinkat(p->store.dirfd, from, 0);
		p->jobs[i].staged = false;
	}
}

/* Move what a staging directory holds back to ingest/ and remove it. */
static void staging_return(struct rc_store *s, const char *dir)
{
	_cleanup_close_ int fd = openat(s->dirfd, dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	DIR *d;
	struct dirent *de;

	if (fd < 0)
		return;
	d = fdopendir(rc_steal_fd(&fd));
	if (!d)
		return;
	while ((de = readdir(d))) {
		char from[256], to[128];
		/* only blobs, named by their 64 hex digits, go back */
		if (strlen(de->d_name) != 64 || strlen(dir) > 120)
			continue;
		snprintf(from, sizeof from, "%.120s/%.64s", dir, de->d_name);
		snprintf(to, sizeof to, "ingest/%.64s", de->d_name);
		if (renameat2(s->dirfd, from, s->dirfd, to, RENAME_NOREPLACE) < 0)
			unlinkat(s->dirfd, from, 0);
	}
	closedir(d);
	if (unlinkat(s->dirfd, dir, AT_REMOVEDIR) < 0)
		rc_rm_rf_at(s->dirfd, dir, NULL);
}

/* A pull that was killed leaves its staging directory, unlocked: give its
 * verified blobs back to ingest/ so that they are not downloaded again. */
static void staging_recover(struct rc_store *s)
{
	_cleanup_close_ int fd = openat(s->dirfd, "ingest", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	DIR *d;
	struct dirent *de;

	if (fd < 0)
		return;
	d = fdopendir(rc_steal_fd(&fd));
	if (!d)
		return;
	while ((de = readdir(d))) {
		char dir[128];
		_cleanup_close_ int lock = -1;

		if (strncmp(de->d_name, "pull.", 5) != 0 || de->d_type != DT_DIR)
			continue;
		snprintf(dir, sizeof dir, "ingest/%.100s", de->d_name);
		lock = openat(s->dirfd, dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
		if (lock >= 0 && flock(lock, LOCK_EX | LOCK_NB) == 0)
			staging_return(s, dir);
	}
	closedir(d);
}

/* ingest/pull.XXXXXX, locked for as long as this pull runs. It is made
 * under another name and renamed once locked, so that staging_recover()
 * never takes a directory that is being set up for an abandoned one. */
static int staging_create(struct pull *p, struct rc_err *e)
{
	char path[sizeof p->store.path + 64], name[64];
	_cleanup_close_ int fd = -1;

	snprintf(path, sizeof path, "%s/ingest/.new.XXXXXX", p->store.path);
	if (!mkdtemp(path))
		return rc_errf(e, errno, "creating a staging directory in %s/ingest", p->store.path);
	fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	snprintf(name, sizeof name, "ingest/pull.%s", strrchr(path, '.') + 1);
	if (fd < 0 || flock(fd, LOCK_EX) < 0 ||
	    renameat(AT_FDCWD, path, p->store.dirfd, name) < 0) {
		int saved = errno;
		rmdir(path);
		return rc_errf(e, saved, "creating a staging directory in %s/ingest", p->store.path);
	}
	snprintf(p->staging, sizeof p->staging, "%s", name);
	p->staging_fd = rc_steal_fd(&fd);
	return 0;
}

/* GET a manifest and check it against the digest (and size) it must have. */
static int fetch_manifest(struct pull *p, const char *reference, const char *want_digest,
			  int64_t want_size, char **ret_body, size_t *ret_len,
			  char content_type[RC_MEDIA_TYPE_MAX], char digest[RC_DIGEST_LEN],
			  struct rc_err *e)
{
	_cleanup_free_ char *body = NULL;
	char claimed[RC_DIGEST_LEN];
	size_t len;

	if (rc_registry_get_manifest(p->reg, reference, &body, &len, content_type, claimed, e) < 0)
		return -1;
	if (rc_sha256_buf(body, len, digest) < 0)
		return rc_errf(e, ENOMEM, "hashing the manifest");
	if (claimed[0] && strcmp(claimed, digest))
		return rc_errf(e, 0, "the manifest of %s hashes to %s, not the %s the registry gives "
			       "for it", reference, digest, claimed);
	if (want_digest && strcmp(digest, want_digest))
		return rc_errf(e, 0, "the registry sent a manifest that does not match %s "
			       "(it hashes to %s)", want_digest, digest);
	if (want_size >= 0 && (int64_t)len != want_size)
		return rc_errf(e, 0, "the manifest %s has %zu bytes, not the %lld its index gives",
			       digest, len, (long long)want_size);
	*ret_body = rc_steal_ptr(body);
	*ret_len = len;
	return 0;
}

static int add_job(struct pull *p, const struct rc_descriptor *d, bool show)
{
	for (size_t i = 0; i < p->n_jobs; i++)
		if (!strcmp(p->jobs[i].d.digest, d->digest))
			return 0; /* the same layer twice: fetch it once */
	p->jobs[p->n_jobs].p = p;
	p->jobs[p->n_jobs].d = *d;
	p->jobs[p->n_jobs].item = -1;
	if (show)
		p->jobs[p->n_jobs].item = rc_progress_add(
			p->prog, d->digest,
			rc_store_has_blob(&p->store, d->digest, d->size) ? RC_PROGRESS_EXISTS
									  : RC_PROGRESS_WAITING);
	p->n_jobs++;
	return 0;
}

/* Resolve ref to an image manifest (through an index, for our platform). */
static int resolve_image(struct pull *p, const struct rc_ref *ref, char **ret_body,
			 size_t *ret_len, struct rc_manifest *ret_m, struct rc_descriptor *ret_d,
			 struct rc_err *e)
{
	_cleanup_free_ char *body = NULL;
	char ct[RC_MEDIA_TYPE_MAX], digest[RC_DIGEST_LEN];
	struct rc_manifest m;
	size_t len;

	if (fetch_manifest(p, rc_ref_manifest_ref(ref), ref->digest[0] ? ref->digest : NULL, -1,
			   &body, &len, ct, digest, e) < 0)
		return -1;
	if (rc_manifest_parse(body, len, ct, &m, e) < 0)
		return rc_err_prefix(e, "reading the manifest %s", digest);
	if (m.kind == RC_MANIFEST_INDEX) {
		struct rc_platform host;
		struct rc_descriptor chosen;
		int r = rc_manifest_select(&m, p->o->platform ? p->o->platform
							      : (rc_platform_host(&host), &host),
					   &chosen, e);
		rc_manifest_free(&m);
		if (r < 0)
			return -1;
		p->from_index = true;
		free(body);
		body = NULL;
		if (fetch_manifest(p, chosen.digest, chosen.digest, chosen.size, &body, &len, ct,
				   digest, e) < 0)
			return -1;
		if (rc_manifest_parse(body, len, chosen.media_type[0] ? chosen.media_type : ct, &m,
				      e) < 0)
			return rc_err_prefix(e, "reading the manifest %s", digest);
		if (m.kind != RC_MANIFEST_IMAGE) {
			rc_manifest_free(&m);
			return rc_errf(e, 0, "the index entry %s is another index, not an image",
				       digest);
		}
	}
	snprintf(ret_d->media_type, sizeof ret_d->media_type, "%s", m.media_type);
	memcpy(ret_d->digest, digest, RC_DIGEST_LEN);
	ret_d->size = (int64_t)len;
	*ret_m = m;
	*ret_body = rc_steal_ptr(body);
	*ret_len = len;
	return 0;
}

/* --platform asked for an image that is not behind an index: like docker,
 * refuse it when its config says it is for another platform. */
static int check_platform(struct pull *p, const struct rc_descriptor *config, struct rc_err *e)
{
	const struct rc_platform *want = p->o->platform;
	_cleanup_free_ char *data = NULL;
	json_auto_t *root = NULL;
	struct rc_platform have = { 0 };
	char path[160] = "", a[100], b[100];
	const char *os, *arch, *variant;

	if (!want || p->from_index)
		return 0;
	for (size_t i = 0; i < p->n_jobs; i++)
		if (!strcmp(p->jobs[i].d.digest, config->digest))
			blob_rel(p->jobs[i].staged ? p->staging : "blobs/sha256", config->digest, path,
				 sizeof path);
	if (rc_read_file_at(p->store.dirfd, path, 16u << 20, &data, NULL, e) < 0)
		return rc_err_prefix(e, "reading the image config");
	root = json_loads(data, 0, NULL);
	os = json_string_value(json_object_get(root, "os"));
	arch = json_string_value(json_object_get(root, "architecture"));
	variant = json_string_value(json_object_get(root, "variant"));
	snprintf(have.os, sizeof have.os, "%s", os ? os : "");
	snprintf(have.arch, sizeof have.arch, "%s", arch ? arch : "");
	snprintf(have.variant, sizeof have.variant, "%s", variant ? variant : "");
	if (!strcmp(have.os, want->os) && !strcmp(have.arch, want->arch) &&
	    (!want->variant[0] || !have.variant[0] || !strcmp(have.variant, want->variant)))
		return 0;
	rc_platform_string(&have, a, sizeof a);
	rc_platform_string(want, b, sizeof b);
	return rc_errf(e, 0, "the image is for %s, not the platform %s asked for", a, b);
}

/* Store the image manifest and record it under ref. A Docker manifest is
 * recorded in its OCI form, which OCI layout readers understand; that form
 * has a digest of its own, so it is also recorded as name@<registry digest>,
 * which is how the reference rc-pull prints finds it again. */
static int store_manifest(struct pull *p, const char *ref, const char *name,
			  const char *body, size_t len, const struct rc_descriptor *md,
			  struct rc_err *e)
{
	char alias[RC_REF_STR_MAX + RC_DIGEST_LEN + 1];
	_cleanup_free_ char *oci = NULL;
	struct rc_descriptor d = *md;

	if (!strcmp(md->media_type, RC_MT_DOCKER_MANIFEST)) {
		if (rc_manifest_docker_to_oci(body, len, &oci, &len, e) < 0)
			return -1;
		body = oci;
		snprintf(d.media_type, sizeof d.media_type, "%s", RC_MT_OCI_MANIFEST);
		d.size = (int64_t)len;
	}
	if (rc_store_put_blob(&p->store, body, len, oci ? NULL : md->digest, d.digest, e) < 0)
		return -1;
	if (rc_store_tag(&p->store, ref, &d, e) < 0)
		return -1;
	snprintf(alias, sizeof alias, "%s@%s", name, md->digest);
	if (oci && strcmp(alias, ref) != 0)
		return rc_store_tag(&p->store, alias, &d, e);
	return 0;
}

static int pull_image(struct pull *p, const struct rc_ref *ref, char *ret_resolved, size_t n,
		      struct rc_err *e)
{
	_cleanup_free_ char *body = NULL;
	struct rc_manifest m = { 0 };
	struct rc_descriptor md;
	char refstr[RC_REF_STR_MAX], name[RC_REF_STR_MAX], note[RC_REF_STR_MAX + 32];
	size_t len = 0;
	int r = -1;

	rc_ref_string(ref, refstr, sizeof refstr);
	rc_ref_name(ref, name, sizeof name);
	snprintf(note, sizeof note, "Pulling %s", refstr);
	rc_progress_note(p->prog, note);
	if (resolve_image(p, ref, &body, &len, &m, &md, e) < 0)
		return -1;
	/* only now, with an image to store, is the store made (when missing) */
	if (rc_store_open(&p->store, p->o->root, true, e) < 0 ||
	    (p->use_lock = rc_store_use_lock(&p->store, false, e)) < 0)
		goto out;
	p->jobs = calloc(m.n_layers + 1, sizeof *p->jobs);
	if (!p->jobs) {
		rc_errf(e, ENOMEM, "pulling");
		goto out;
	}
	add_job(p, &m.config, false);
	for (size_t i = 0; i < m.n_layers; i++)
		add_job(p, &m.layers[i], true);
	staging_recover(&p->store);
	if (staging_create(p, e) < 0)
		goto out;
	if (fetch_all(p, e) < 0 || check_platform(p, &m.config, e) < 0 ||
	    commit_staged(p, e) < 0) {
		unstage(p);
		goto out;
	}
	if (store_manifest(p, refstr, name, body, len, &md, e) < 0)
		goto out;
	snprintf(ret_resolved, n, "%s%s%s@%s", name, ref->tag[0] ? ":" : "", ref->tag, md.digest);
	r = 0;
out:
	rc_progress_finish(p->prog);
	if (p->staging[0] && unlinkat(p->store.dirfd, p->staging, AT_REMOVEDIR) < 0)
		rc_rm_rf_at(p->store.dirfd, p->staging, NULL);
	if (p->staging_fd >= 0)
		close(p->staging_fd);
	if (p->use_lock >= 0) /* only now is the manifest recorded: rc-gc sees its blobs */
		close(p->use_lock);
	rc_manifest_free(&m);
	free(p->jobs);
	p->jobs = NULL;
	return r;
}

int rc_pull(const struct rc_ref *ref, const struct rc_pull_opts *o, char *ret_resolved,
	    size_t n, struct rc_err *e)
{
	struct pull p = { .o = o, .staging_fd = -1, .use_lock = -1, .store = { .dirfd = -1 } };
	struct rc_registry_opts ro = { .insecure = o->insecure };
	struct rc_creds creds = o->creds;
	char refstr[RC_REF_STR_MAX];
	int r;

	rc_ref_string(ref, refstr, sizeof refstr);
	if (!creds.set && rc_creds_from_docker_config(ref->domain, &creds, e) < 0)
		return rc_err_prefix(e, "pulling %s", refstr);
	ro.creds = &creds;
	if (rc_registry_open(ref, &ro, &p.reg, e) < 0) {
		explicit_bzero(&creds, sizeof creds);
		return rc_err_prefix(e, "pulling %s", refstr);
	}
	explicit_bzero(&creds, sizeof creds);
	pthread_mutex_init(&p.lock, NULL);
	p.prog = rc_progress_new(stderr, o->progress);
	r = pull_image(&p, ref, ret_resolved, n, e);
	if (r < 0)
		rc_err_prefix(e, "pulling %s", refstr);
	rc_progress_free(p.prog);
	pthread_mutex_destroy(&p.lock);
	rc_registry_close(p.reg);
	rc_store_close(&p.store);
	return r;
}
