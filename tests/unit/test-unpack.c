/* test-unpack.c - the pure logic under rc-unpack: path cleaning, in-root
 * resolution (openat2 and the userspace walk), whiteout names, reference
 * normalisation, media types, users, and config.json generation. */
#include "base/cleanup.h"
#include "base/fs.h"
#include "image/image.h"
#include "image/ref.h"
#include "image/layer.h"
#include "runtime/ocispec.h"
#include "base/safepath.h"
#include "tap.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *clean(const char *in)
{
	static char out[PATH_MAX];

	return rc_path_clean(in, out, sizeof out) < 0 ? "(refused)" : out;
}

static const char *norm(const char *in)
{
	static char out[RC_REF_STR_MAX];
	struct rc_ref r;

	if (rc_ref_parse(in, &r, NULL) < 0)
		return "(malformed)";
	rc_ref_string(&r, out, sizeof out);
	return out;
}

/* Where parent/name of path resolves inside root, as "dir-inode name". */
static int parent_is(int rootfd, const char *path, const char *want_dir, const char *want_name)
{
	const char *name;
	struct stat a, b;
	int fd = rc_sp_open_parent(rootfd, path, false, &name, NULL, NULL);
	int r;

	if (fd < 0)
		return 0;
	r = fstat(fd, &a) == 0 && fstatat(rootfd, *want_dir ? want_dir : ".", &b, 0) == 0 &&
	    a.st_ino == b.st_ino && !strcmp(name, want_name);
	close(fd);
	return r;
}

static void resolution_tests(int rootfd, const char *how)
{
	const char *name;
	int fd;

	ok(parent_is(rootfd, "lib/x", "usr/lib", "x"), "%s: lib -> usr/lib is followed inside the root", how);
	ok(parent_is(rootfd, "abs/f", "etc", "f"), "%s: an absolute symlink starts again at the root", how);
	ok(parent_is(rootfd, "up/f", "", "f"), "%s: a symlink of ../../.. stops at the root", how);
	ok(parent_is(rootfd, "usr/lib/dotdot/f", "usr", "f"), "%s: .. in a symlink target goes up inside", how);
	ok(parent_is(rootfd, "abslib/deep/f", "usr/lib/deep", "f"), "%s: a chain of symlinks is followed", how);
	fd = rc_sp_open_parent(rootfd, "loop/f", false, &name, NULL, NULL);
	ok(fd < 0 && errno == ELOOP, "%s: a symlink loop fails with ELOOP", how);
	fd = rc_sp_open_parent(rootfd, "etc/file/f", false, &name, NULL, NULL);
	ok(fd < 0 && errno == ENOTDIR, "%s: a file on the way fails with ENOTDIR", how);
	fd = rc_sp_open(rootfd, "abs/file", O_RDONLY, 0);
	ok(fd >= 0, "%s: a file opens through an absolute symlink", how);
	if (fd >= 0)
		close(fd);
}

static void build_tree(int rootfd)
{
	mkdirat(rootfd, "usr", 0755);
	mkdirat(rootfd, "usr/lib", 0755);
	mkdirat(rootfd, "usr/lib/deep", 0755);
	mkdirat(rootfd, "etc", 0755);
	close(openat(rootfd, "etc/file", O_CREAT | O_WRONLY, 0644));
	symlinkat("usr/lib", rootfd, "lib");
	symlinkat("/etc", rootfd, "abs");
	symlinkat("../../../../..", rootfd, "up");
	symlinkat("..", rootfd, "usr/lib/dotdot");
	symlinkat("/lib", rootfd, "abslib");
	symlinkat("loop", rootfd, "loop");
}

static void config_tests(int rootfd)
{
	json_error_t jerr;
	json_auto_t *img = json_loads(
		"{\"config\":{\"Entrypoint\":[\"/ep\"],\"Cmd\":[\"a\",\"b\"],\"Env\":[\"X=1\"],"
		"\"WorkingDir\":\"srv\",\"User\":\"app\",\"StopSignal\":\"SIGINT\"}}", 0, &jerr);
	json_auto_t *spec = NULL;
	struct rc_err e = { 0 };
	json_t *p;
	_cleanup_free_ char *args = NULL, *env = NULL;

	ok(rc_write_file_at(rootfd, "etc/passwd", "app:x:7:8::/home/app:/bin/sh\n", 30, 0644, &e) == 0,
	   "passwd written");
	ok(rc_oci_config(img, "web", rootfd, &spec, &e) == 0, "config made: %s", e.msg);
	p = json_object_get(spec, "process");
	args = json_dumps(json_object_get(p, "args"), JSON_COMPACT);
	env = json_dumps(json_object_get(p, "env"), JSON_COMPACT);
	is_str(args, "[\"/ep\",\"a\",\"b\"]", "args are Entrypoint then Cmd");
	is_str(env, "[\"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\","
		    "\"HOSTNAME=web\",\"X=1\",\"HOME=/home/app\"]", "env gets PATH, HOSTNAME and HOME");
	is_str(json_string_value(json_object_get(p, "cwd")), "/srv", "a relative WorkingDir is made absolute");
	ok(json_integer_value(json_object_get(json_object_get(p, "user"), "uid")) == 7,
	   "the user comes from the rootfs's passwd");
	is_str(json_string_value(json_object_get(json_object_get(spec, "annotations"), RC_OCI_STOPSIGNAL)),
	       "SIGINT", "StopSignal becomes an annotation");
	is_str(json_string_value(json_object_get(spec, "hostname")), "web", "hostname is NAME");
	ok(json_array_size(json_object_get(json_object_get(p, "capabilities"), "bounding")) == 14,
	   "docker's 14 default capabilities");
	ok(json_is_true(json_object_get(p, "noNewPrivileges")), "noNewPrivileges is set");
}

int main(void)
{
	char root[] = "/tmp/rc-test-unpack.XXXXXX";
	const char *t = NULL;
	int rootfd;

	TAP_PLAN(63);
	is_str(clean("a/b"), "a/b", "a plain path stays");
	is_str(clean("./a//b/"), "a/b", "./, // and a trailing / are dropped");
	is_str(clean("/etc/passwd"), "etc/passwd", "an absolute path becomes relative");
	is_str(clean("a/../b"), "b", "x/.. is removed");
	is_str(clean("a/./b/../../c"), "c", "several .. inside the path are fine");
	is_str(clean("."), "", "'.' is the root");
	is_str(clean("/"), "", "'/' is the root");
	is_str(clean("./"), "", "'./' is the root");
	is_str(clean(".."), "(refused)", "'..' is refused");
	is_str(clean("../etc"), "(refused)", "'../etc' is refused");
	is_str(clean("a/../../etc"), "(refused)", "a path that climbs after going down is refused");
	is_str(clean("/../etc"), "(refused)", "'/../etc' is refused");
	is_str(clean("a/..b/c.."), "a/..b/c..", "names that merely start or end with .. stay");

	ok(rc_whiteout_kind("file", NULL) == RC_WH_NONE, "an ordinary name is no whiteout");
	ok(rc_whiteout_kind(".wh.file", &t) == RC_WH_FILE && !strcmp(t, "file"), ".wh.file removes file");
	ok(rc_whiteout_kind(".wh..hidden", &t) == RC_WH_FILE && !strcmp(t, ".hidden"),
	   ".wh..hidden removes .hidden");
	ok(rc_whiteout_kind(".wh..wh..opq", NULL) == RC_WH_OPAQUE, ".wh..wh..opq is the opaque marker");
	ok(rc_whiteout_kind(".wh..wh.plnk", NULL) == RC_WH_META, "aufs .wh..wh.* metadata is ignored");
	ok(rc_whiteout_kind(".wh..", NULL) == RC_WH_INVALID, ".wh.. is refused");
	ok(rc_whiteout_kind(".wh...", NULL) == RC_WH_INVALID, ".wh... is refused");
	ok(rc_whiteout_kind(".wh.", NULL) == RC_WH_INVALID, ".wh. alone is refused");
	ok(rc_whiteout_kind(".wh", NULL) == RC_WH_NONE, ".wh without a dot is a name");

	is_str(norm("alpine"), "docker.io/library/alpine:latest", "alpine is docker.io/library/alpine:latest");
	is_str(norm("alpine:3.20"), "docker.io/library/alpine:3.20", "a tag is kept");
	is_str(norm("user/app"), "docker.io/user/app:latest", "user/app is on Docker Hub");
	is_str(norm("localhost/app"), "localhost/app:latest", "localhost is a registry");
	is_str(norm("127.0.0.1:5000/a/b:t"), "127.0.0.1:5000/a/b:t", "host:port/path:tag stays");
	is_str(norm("reg.io:5000/a"), "reg.io:5000/a:latest", "a port is not a tag");
	is_str(norm("alpine@sha256:2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824"), "docker.io/library/alpine@sha256:2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824", "a digest gets no tag");

	ok(rc_media_layer_compression("application/vnd.oci.image.layer.v1.tar") == RC_COMP_NONE,
	   "OCI tar layer");
	ok(rc_media_layer_compression("application/vnd.oci.image.layer.v1.tar+gzip") == RC_COMP_GZIP,
	   "OCI gzip layer");
	ok(rc_media_layer_compression("application/vnd.oci.image.layer.v1.tar+zstd") == RC_COMP_ZSTD,
	   "OCI zstd layer");
	ok(rc_media_layer_compression("application/vnd.docker.image.rootfs.diff.tar.gzip") == RC_COMP_GZIP,
	   "Docker gzip layer");
	ok(rc_media_layer_compression("application/vnd.oci.image.config.v1+json") < 0,
	   "a config is no layer");


	ok(mkdtemp(root) != NULL, "temporary root made");
	rootfd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);
	build_tree(rootfd);
	resolution_tests(rootfd, "openat2");
	rc_sp_force_fallback(true);
	resolution_tests(rootfd, "userspace walk");
	{
		const char *name;
		int fd = rc_sp_open_parent(rootfd, "abs/new/dirs/f", true, &name, NULL, NULL);
		struct stat st;

		ok(fd >= 0 && fstatat(rootfd, "etc/new/dirs", &st, 0) == 0 && S_ISDIR(st.st_mode) &&
		   (st.st_mode & 07777) == 0755, "missing parents are made, 0755, through a symlink");
		if (fd >= 0)
			close(fd);
		symlinkat("/nowhere/deeper", rootfd, "dangling");
		fd = rc_sp_open_parent(rootfd, "dangling/f", true, &name, NULL, NULL);
		ok(fd >= 0 && fstatat(rootfd, "nowhere/deeper", &st, 0) == 0,
		   "a dangling symlink's target is made inside the root");
		if (fd >= 0)
			close(fd);
	}
	rc_sp_force_fallback(false);
	config_tests(rootfd);
	{
		struct rc_err e = { 0 };
		rc_rm_rf_at(AT_FDCWD, root, &e);
	}
	close(rootfd);
	return tap_done();
}
