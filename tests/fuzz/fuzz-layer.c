/* fuzz-layer.c - applying an image layer to a root filesystem
 * (image/layer.h), the code that must never write outside the rootfs.
 *
 * Each input is a layer blob (a tar, or a gzip/zstd one; a tar's header
 * checksums are set right first) applied on top of
 * a small lower layer that has what hostile layers aim at: an absolute
 * symlink to "/", one that climbs with "..", merged-/usr links, files to
 * white out. It is applied twice, with openat2(RESOLVE_IN_ROOT) and with the
 * userspace walk (safepath.h), which must agree on success and on the tree
 * they leave.
 *
 * Escape is made visible, and harmless, by confinement: the process runs in
 * a mount namespace of its own where every mount is read-only except the
 * current directory (libFuzzer's corpus and artifacts) and a tmpfs at /mnt,
 * the scratch T (nodev, nosuid). The layer goes into T/root; beside it are
 * T/victim (a file) and T/victim-dir (an empty directory). After each run:
 *   - T holds root, victim and victim-dir only; T and the two victims are
 *     unchanged (same inode, mode, owner, size, times, ctime included, so
 *     no chmod, chown or xattr either; no second link to victim);
 *   - no error was EROFS (a write that reached a read-only mount, i.e.
 *     outside T) or EXDEV (a hard link or rename across the scratch's
 *     boundary);
 *   - the root is still a directory.
 * Anything else aborts, and libFuzzer keeps the input. The tree under
 * T/root is removed between runs. Run as root (CI and make fuzz are). */
#include "fuzz.h"
#include "base/safepath.h"
#include "image/layer.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <sched.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#define SCRATCH "/mnt"
#define ROOT SCRATCH "/root"

static struct stat victim_st, victim_dir_st, scratch_st;

static void die(const char *what)
{
	fprintf(stderr, "fuzz-layer: %s: %s\n", what, strerror(errno));
	exit(1);
}

/* Everything read-only but the current directory; a fresh tmpfs at /mnt. */
static void confine(void)
{
	struct mount_attr ro = { .attr_set = MOUNT_ATTR_RDONLY };
	struct mount_attr rw = { .attr_clr = MOUNT_ATTR_RDONLY };
	char cwd[4096];

	if (!getcwd(cwd, sizeof cwd))
		die("getcwd");
	if (!strncmp(cwd, SCRATCH "/", strlen(SCRATCH) + 1) || !strcmp(cwd, SCRATCH)) {
		fprintf(stderr, "fuzz-layer: run it outside %s\n", SCRATCH);
		exit(1);
	}
	if (unshare(CLONE_NEWNS) < 0)
		die("unshare(CLONE_NEWNS) (run as root)");
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		die("making mounts private");
	if (mount_setattr(AT_FDCWD, "/", AT_RECURSIVE, &ro, sizeof ro) < 0)
		die("making / read-only");
	if (mount(cwd, cwd, NULL, MS_BIND, NULL) < 0 ||
	    mount_setattr(AT_FDCWD, cwd, 0, &rw, sizeof rw) < 0)
		die("making the current directory writable");
	if (mount("rc-fuzz", SCRATCH, "tmpfs", MS_NODEV | MS_NOSUID,
		  "size=64m,nr_inodes=20000,mode=0755") < 0)
		die("mounting the scratch tmpfs");
}

static void write_file(const char *path, const char *text, mode_t mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);

	if (fd < 0 || write(fd, text, strlen(text)) != (ssize_t)strlen(text))
		die(path);
	close(fd);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	confine();
	if (mkdir(ROOT, 0755) < 0 || mkdir(SCRATCH "/victim-dir", 0700) < 0)
		die("making the scratch");
	write_file(SCRATCH "/victim", "outside the root\n", 0600);
	if (stat(SCRATCH "/victim", &victim_st) < 0 || stat(SCRATCH "/victim-dir", &victim_dir_st) < 0 ||
	    stat(SCRATCH, &scratch_st) < 0)
		die("stat");
	return 0;
}

/* What lower layers left: the targets hostile entries go for. */
static void lower_layer(void)
{
	static const char *const dirs[] = { "etc", "usr", "usr/lib", "usr/bin", "dir", "dir/sub",
					    "var", "var/empty" };
	static const char *const files[] = { "etc/passwd", "usr/lib/libc.so", "usr/bin/sh",
					     "dir/sub/file", "dir/.hidden" };
	static const char *const links[][2] = {
		{ "/", "abs" }, { "../..", "up" }, { "usr/lib", "lib" }, { "/usr/bin", "bin" },
		{ "/mnt/victim", "victim-link" }, { "../../../../../../etc", "etc-up" },
		{ "dir/sub", "dirlink" }, { "loop", "loop" },
	};
	char path[256];

	for (size_t i = 0; i < sizeof dirs / sizeof dirs[0]; i++) {
		snprintf(path, sizeof path, ROOT "/%s", dirs[i]);
		if (mkdir(path, 0755) < 0)
			die(path);
	}
	for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
		snprintf(path, sizeof path, ROOT "/%s", files[i]);
		write_file(path, "lower\n", 0644);
	}
	for (size_t i = 0; i < sizeof links / sizeof links[0]; i++) {
		snprintf(path, sizeof path, ROOT "/%s", links[i][1]);
		if (symlink(links[i][0], path) < 0)
			die(path);
	}
	if (link(ROOT "/etc/passwd", ROOT "/dir/passwd-link") < 0)
		die("link");
}

static int remove_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	if (ftw->level == 0)
		return 0;
	if (remove(path) < 0)
		die(path);
	return 0;
}

static void clean_root(void)
{
	chmod(ROOT, 0755);
	if (nftw(ROOT, remove_one, 16, FTW_DEPTH | FTW_PHYS) < 0)
		die("cleaning the scratch root");
}

/* The tree under ROOT as text, for comparing the two walks. */
static char *tree;
static size_t tree_len, tree_cap;

static int list_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	char line[8192], target[4096] = "";
	int n;

	(void)flag;
	(void)ftw;
	if (S_ISLNK(st->st_mode)) {
		ssize_t t = readlink(path, target, sizeof target - 1);
		target[t > 0 ? t : 0] = '\0';
	}
	n = snprintf(line, sizeof line, "%s %o %u:%u %lld %s\n", path, st->st_mode, st->st_uid,
		     st->st_gid, S_ISDIR(st->st_mode) ? 0LL : (long long)st->st_size, target);
	if (n < 0 || (size_t)n >= sizeof line)
		n = (int)sizeof line - 1;
	if (tree_len + (size_t)n + 1 > tree_cap) {
		tree_cap = (tree_len + (size_t)n + 1) * 2;
		tree = realloc(tree, tree_cap);
		if (!tree)
			abort();
	}
	memcpy(tree + tree_len, line, (size_t)n + 1);
	tree_len += (size_t)n;
	return 0;
}

static int line_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The listing, sorted (readdir order is the filesystem's business). */
static char *list_tree(void)
{
	char **lines = NULL, *out, *p, *save = NULL;
	size_t n = 0, cap = 0, len = 0;

	tree_len = 0;
	if (tree)
		tree[0] = '\0';
	if (nftw(ROOT, list_one, 16, FTW_PHYS) < 0)
		die("listing the scratch root");
	for (p = strtok_r(tree ? tree : (char[]){ "" }, "\n", &save); p;
	     p = strtok_r(NULL, "\n", &save)) {
		if (n == cap) {
			cap = cap ? cap * 2 : 64;
			lines = realloc(lines, cap * sizeof *lines);
			if (!lines)
				abort();
		}
		lines[n++] = p;
		len += strlen(p) + 1;
	}
	qsort(lines, n, sizeof *lines, line_cmp);
	out = malloc(len + 1);
	if (!out)
		abort();
	out[0] = '\0';
	for (size_t i = 0, off = 0; i < n; i++)
		off += (size_t)sprintf(out + off, "%s\n", lines[i]);
	free(lines);
	return out;
}

static bool same_inode(const struct stat *a, const struct stat *b)
{
	return a->st_ino == b->st_ino && a->st_mode == b->st_mode && a->st_uid == b->st_uid &&
	       a->st_gid == b->st_gid && a->st_size == b->st_size && a->st_nlink == b->st_nlink &&
	       a->st_mtim.tv_sec == b->st_mtim.tv_sec && a->st_mtim.tv_nsec == b->st_mtim.tv_nsec &&
	       a->st_ctim.tv_sec == b->st_ctim.tv_sec && a->st_ctim.tv_nsec == b->st_ctim.tv_nsec;
}

/* Nothing outside T/root changed. */
static void check_contained(const char *walk, const struct rc_err *e)
{
	struct stat st;
	struct dirent *de;
	DIR *d;

	FUZZ_ASSERT(e->code != EROFS && e->code != EXDEV,
		    "%s: the layer reached outside the scratch: %s", walk, e->msg);
	FUZZ_ASSERT(lstat(ROOT, &st) == 0 && S_ISDIR(st.st_mode), "%s: the root is gone", walk);
	FUZZ_ASSERT(lstat(SCRATCH, &st) == 0 && same_inode(&st, &scratch_st),
		    "%s: the directory holding the root changed", walk);
	FUZZ_ASSERT(lstat(SCRATCH "/victim", &st) == 0 && same_inode(&st, &victim_st),
		    "%s: the file beside the root changed", walk);
	FUZZ_ASSERT(lstat(SCRATCH "/victim-dir", &st) == 0 && same_inode(&st, &victim_dir_st),
		    "%s: the directory beside the root changed", walk);
	d = opendir(SCRATCH "/victim-dir");
	FUZZ_ASSERT(d, "%s: opening the directory beside the root", walk);
	while ((de = readdir(d)))
		FUZZ_ASSERT(!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."),
			    "%s: %s appeared in the directory beside the root", walk, de->d_name);
	closedir(d);
	d = opendir(SCRATCH);
	FUZZ_ASSERT(d, "%s: opening the scratch", walk);
	while ((de = readdir(d)))
		FUZZ_ASSERT(!strcmp(de->d_name, ".") || !strcmp(de->d_name, "..") ||
			    !strcmp(de->d_name, "root") || !strcmp(de->d_name, "victim") ||
			    !strcmp(de->d_name, "victim-dir"),
			    "%s: %s appeared beside the root", walk, de->d_name);
	closedir(d);
}

/* Apply the input with one walk; returns its result, *ret_tree the tree. */
static int apply(int memfd, const char *walk, char **ret_tree, struct rc_err *e)
{
	struct rc_layer_src src = { .fd = memfd, .digest = NULL, .diff_id = NULL, .size = -1 };
	int rootfd, r;

	lower_layer();
	rootfd = open(ROOT, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (rootfd < 0)
		die(ROOT);
	if (lseek(memfd, 0, SEEK_SET) < 0)
		die("lseek");
	r = rc_layer_apply(rootfd, &src, e);
	close(rootfd);
	if (r < 0)
		FUZZ_ASSERT(e->msg[0], "%s: failure without a message", walk);
	check_contained(walk, e);
	*ret_tree = list_tree();
	clean_root();
	return r;
}

/* The size field of a tar header: octal, or base-256 when its top bit is set. */
static uint64_t tar_size(const uint8_t *h)
{
	uint64_t n = 0;

	if (h[124] & 0x80) {
		for (int i = 125; i < 136; i++)
			n = n << 8 | h[i];
		return n;
	}
	for (int i = 124; i < 136 && h[i] >= '0' && h[i] <= '7'; i++)
		n = n * 8 + (uint64_t)(h[i] - '0');
	return n;
}

/* Give every header the tar stream walks through a valid checksum, as a
 * tar writer would: mutations then reach the layer rules instead of dying
 * at libarchive's checksum test. (Compressed inputs are left alone.) */
static void fix_checksums(uint8_t *t, size_t size)
{
	static const uint8_t zero[512];
	size_t off = 0;

	while (off + 512 <= size && memcmp(t + off, zero, 512)) {
		uint8_t *h = t + off;
		unsigned sum = 0;
		uint64_t n = tar_size(h);

		memset(h + 148, ' ', 8);
		for (int i = 0; i < 512; i++)
			sum += h[i];
		snprintf((char *)h + 148, 8, "%06o", sum & 0777777);
		h[155] = ' ';
		if (n > size)
			break;
		off += 512 + (size_t)((n + 511) / 512 * 512);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int memfd = -1;
	struct rc_err e1 = { 0 }, e2 = { 0 };
	uint8_t *tar = malloc(size ? size : 1);
	char *t1, *t2;
	int r1, r2;

	if (!tar)
		abort();
	memcpy(tar, data, size);
	fix_checksums(tar, size);
	if (memfd < 0 && (memfd = memfd_create("layer", MFD_CLOEXEC)) < 0)
		die("memfd_create");
	if (ftruncate(memfd, 0) < 0 || pwrite(memfd, tar, size, 0) != (ssize_t)size)
		die("writing the input");
	free(tar);
	rc_sp_force_fallback(false);
	r1 = apply(memfd, "openat2", &t1, &e1);
	rc_sp_force_fallback(true);
	r2 = apply(memfd, "userspace walk", &t2, &e2);
	rc_sp_force_fallback(false);
	FUZZ_ASSERT(r1 == r2, "openat2 %s (%s), the userspace walk %s (%s)",
		    r1 ? "failed" : "succeeded", e1.msg, r2 ? "failed" : "succeeded", e2.msg);
	FUZZ_ASSERT(!strcmp(t1, t2), "the walks left different trees:\n%s\n---\n%s", t1, t2);
	free(t1);
	free(t2);
	return 0;
}
