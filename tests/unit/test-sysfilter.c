/* Unit tests for lib/sysfilter.c: compiling OCI seccomp profiles. */
#include "runtime/sysfilter.h"
#include "tap.h"

int main(void)
{
	struct rc_seccomp *f = NULL;
	struct rc_err e = { 0 };

	TAP_PLAN(7);
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
	return tap_done();
}
