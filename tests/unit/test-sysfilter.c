/* Unit tests for lib/sysfilter.c: compiling OCI seccomp profiles. */
#include "runtime/sysfilter.h"
#include "tap.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#define DENY_MKDIR "{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"mkdir\",\"mkdirat\"],\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":13}]}"
#define DENY_RMDIR "{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"rmdir\"],\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":13}]}"

/* In a child: load f, then try mkdir; its errno (0: made). */
static int mkdir_errno(struct rc_seccomp *f, const char *dir)
{
	struct rc_err e = { 0 };
	int ws = 0;
	pid_t pid = fork();

	if (pid == 0) {
		prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
		if (rc_seccomp_load(f, &e) < 0)
			_exit(100);
		_exit(mkdir(dir, 0700) == 0 ? 0 : errno);
	}
	waitpid(pid, &ws, 0);
	rmdir(dir);
	return WIFEXITED(ws) ? WEXITSTATUS(ws) : -1;
}

static void cache_tests(void)
{
	char tmp[] = "/tmp/rc-test-sysfilter.XXXXXX", sub[64], path[80];
	struct rc_seccomp *f = NULL;
	struct rc_err e = { 0 };
	struct stat st;
	int dfd, fd;

	if (!mkdtemp(tmp))
		return;
	dfd = open(tmp, O_RDONLY | O_DIRECTORY);
	snprintf(sub, sizeof sub, "%s/x", tmp);
	snprintf(path, sizeof path, "%s/f.bpf", tmp);
	ok(rc_seccomp_build_cached(DENY_MKDIR, dfd, "f.bpf", &f, &e) == 0 && stat(path, &st) == 0,
	   "a first build compiles and keeps the program (%s)", e.msg);
	ok(mkdir_errno(f, sub) == EACCES, "the program works: mkdir gets EACCES");
	rc_seccomp_free(f);
	f = NULL;
	ok(rc_seccomp_build_cached(DENY_MKDIR, dfd, "f.bpf", &f, &e) == 0 && mkdir_errno(f, sub) == EACCES,
	   "the kept program is loaded the next time");
	rc_seccomp_free(f);
	f = NULL;
	ok(rc_seccomp_build_cached(DENY_RMDIR, dfd, "f.bpf", &f, &e) == 0 && mkdir_errno(f, sub) == 0,
	   "another profile is compiled, not taken from the cache");
	rc_seccomp_free(f);
	f = NULL;
	/* damage the program kept for DENY_RMDIR: flip its last byte */
	unsigned char good = 0, now = 1;
	fd = open(path, O_RDWR);
	if (fd >= 0 && fstat(fd, &st) == 0 && pread(fd, &good, 1, st.st_size - 1) == 1) {
		unsigned char bad = good ^ 0xff;
		(void)!pwrite(fd, &bad, 1, st.st_size - 1);
	}
	ok(rc_seccomp_build_cached(DENY_RMDIR, dfd, "f.bpf", &f, &e) == 0 && mkdir_errno(f, sub) == 0,
	   "a damaged program is compiled again");
	if (fd >= 0)
		close(fd);
	fd = open(path, O_RDONLY);
	ok(fd >= 0 && pread(fd, &now, 1, st.st_size - 1) == 1 && now == good, "and kept whole again");
	if (fd >= 0)
		close(fd);
	rc_seccomp_free(f);
	unlink(path);
	close(dfd);
	rmdir(tmp);
}

int main(void)
{
	struct rc_seccomp *f = NULL;
	struct rc_err e = { 0 };

	TAP_PLAN(13);
	ok(rc_seccomp_build("{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"defaultErrnoRet\":38,"
			    "\"architectures\":[\"SCMP_ARCH_X86_64\",\"SCMP_ARCH_X86\",\"SCMP_ARCH_BOGUS\"],"
			    "\"syscalls\":[{\"names\":[\"read\",\"write\",\"not_a_syscall\"],\"action\":\"SCMP_ACT_ALLOW\"},"
			    "{\"names\":[\"personality\"],\"action\":\"SCMP_ACT_ALLOW\",\"args\":["
			    "{\"index\":0,\"value\":0,\"op\":\"SCMP_CMP_EQ\"},{\"index\":0,\"value\":8,\"op\":\"SCMP_CMP_EQ\"}]},"
			    "{\"names\":[\"kill\"],\"action\":\"SCMP_ACT_ERRNO\"}]}", &f, &e) == 0,
	   "a docker-like profile compiles (%s)", e.msg);
	rc_seccomp_free(f);
	f = NULL;
	ok(rc_seccomp_build("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"read\"],\"action\":\"SCMP_ACT_ALLOW\"}]}",
			    &f, &e) == 0, "a rule that repeats the default is dropped, not an error");
	rc_seccomp_free(f);
	f = NULL;
	ok(rc_seccomp_build("{\"defaultAction\":\"SCMP_ACT_NOPE\"}", &f, &e) < 0 && strstr(e.msg, "SCMP_ACT_NOPE"),
	   "an unknown default action is refused");
	ok(rc_seccomp_build("{}", &f, &e) < 0, "a profile without a default action is refused");
	ok(rc_seccomp_build("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"read\"],\"action\":\"SCMP_ACT_ERRNO\","
			    "\"args\":[{\"index\":0,\"value\":1,\"op\":\"SCMP_CMP_WHATEVER\"}]}]}", &f, &e) < 0,
	   "an unknown operator is refused");
	ok(rc_seccomp_build("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"listenerPath\":\"/x\"}", &f, &e) < 0,
	   "user notification is refused");
	ok(rc_seccomp_build("[]", &f, &e) < 0, "a non-object is refused");
	cache_tests();
	return tap_done();
}
