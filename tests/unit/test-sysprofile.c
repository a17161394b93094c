/* Unit tests for lib/runtime/sysprofile.c: docker-format profiles resolved,
 * and rc's default profile compared with podman's, syscall by syscall.
 *
 * The comparison resolves both profiles on this machine for docker's
 * capability set and for every capability, and takes each syscall either
 * names: the same decision (allowed, refused with an errno, or allowed for
 * some arguments) in both, or a difference listed below with its reason.
 * A syscall neither allows is the same decision even where the errno
 * differs (docker's default is EPERM, podman's ENOSYS: listed once, as
 * "(default)"). man/rc-unshare.1 must list every difference too. */
#include "runtime/defaults.h"
#include "runtime/sysfilter.h"
#include "runtime/sysprofile.h"
#include "base/cleanup.h"
#include "base/fs.h"
#include "tap.h"

#include <fcntl.h>
#include <jansson.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#define PODMAN_PROFILE "/usr/share/containers/seccomp.json"

enum { WITH_DOCKER_CAPS = 1, WITH_ALL_CAPS = 2, BOTH = 3 };

static const struct {
	const char *name;
	unsigned when;          /* with which capability sets it differs */
	const char *why;
} known[] = {
	{ "(default)", BOTH, "a syscall no rule allows: EPERM in docker's profile, ENOSYS in podman's" },
	{ "clone", WITH_DOCKER_CAPS, "without CAP_SYS_ADMIN no new namespaces (docker); podman lets the kernel decide" },
	{ "clone3", WITH_DOCKER_CAPS, "ENOSYS without CAP_SYS_ADMIN: its flags are out of the filter's sight (docker)" },
	{ "unshare", WITH_DOCKER_CAPS, "CAP_SYS_ADMIN only (docker): no user namespace from a container" },
	{ "setns", WITH_DOCKER_CAPS, "CAP_SYS_ADMIN only (docker)" },
	{ "mount", WITH_DOCKER_CAPS, "the mount syscalls need CAP_SYS_ADMIN in docker's profile" },
	{ "umount", WITH_DOCKER_CAPS, "mount syscall" },
	{ "umount2", WITH_DOCKER_CAPS, "mount syscall" },
	{ "fsconfig", WITH_DOCKER_CAPS, "mount syscall" },
	{ "fsmount", WITH_DOCKER_CAPS, "mount syscall" },
	{ "fsopen", WITH_DOCKER_CAPS, "mount syscall" },
	{ "fspick", WITH_DOCKER_CAPS, "mount syscall" },
	{ "move_mount", WITH_DOCKER_CAPS, "mount syscall" },
	{ "open_tree", WITH_DOCKER_CAPS, "mount syscall" },
	{ "mount_setattr", WITH_DOCKER_CAPS, "mount syscall" },
	{ "syslog", WITH_DOCKER_CAPS, "CAP_SYSLOG or CAP_SYS_ADMIN (docker)" },
	{ "get_mempolicy", WITH_DOCKER_CAPS, "CAP_SYS_NICE (docker)" },
	{ "mbind", WITH_DOCKER_CAPS, "CAP_SYS_NICE (docker)" },
	{ "set_mempolicy", WITH_DOCKER_CAPS, "CAP_SYS_NICE (docker)" },
	{ "pidfd_getfd", WITH_DOCKER_CAPS, "CAP_SYS_PTRACE (docker)" },
	{ "reboot", WITH_DOCKER_CAPS, "CAP_SYS_BOOT (docker)" },
	{ "query_module", WITH_ALL_CAPS, "gone from Linux since 2.6: not named (docker), allowed with CAP_SYS_MODULE (podman)" },
	{ "socket", BOTH, "not AF_ALG nor AF_VSOCK (docker); podman allows every family" },
	{ "io_pgetevents", BOTH, "allowed (docker), refused (podman)" },
	{ "vmsplice", BOTH, "allowed (docker), refused (podman)" },
	{ "keyctl", BOTH, "the kernel keyring: refused (docker), allowed (podman)" },
	{ "pivot_root", BOTH, "refused (docker), allowed (podman)" },
	{ "readdir", BOTH, "32-bit only: refused (docker), allowed (podman)" },
	{ "sigaction", BOTH, "32-bit only" },
	{ "signal", BOTH, "32-bit only" },
	{ "sigpending", BOTH, "32-bit only" },
	{ "sigsuspend", BOTH, "32-bit only" },
	{ "syscall", BOTH, "32-bit only" },
	{ "timerfd", BOTH, "an old name: refused (docker), allowed (podman)" },
	{ "cachestat", BOTH, "newer than podman's file (ENOSYS there): allowed (docker)" },
	{ "fchmodat2", BOTH, "newer than podman's file" },
	{ "futex_requeue", BOTH, "newer than podman's file" },
	{ "futex_wait", BOTH, "newer than podman's file" },
	{ "futex_waitv", BOTH, "newer than podman's file" },
	{ "futex_wake", BOTH, "newer than podman's file" },
	{ "getxattrat", BOTH, "newer than podman's file" },
	{ "io_pgetevents_time64", BOTH, "32-bit, newer than podman's file" },
	{ "listmount", BOTH, "newer than podman's file" },
	{ "listxattrat", BOTH, "newer than podman's file" },
	{ "map_shadow_stack", BOTH, "newer than podman's file" },
	{ "mseal", BOTH, "newer than podman's file" },
	{ "removexattrat", BOTH, "newer than podman's file" },
	{ "setxattrat", BOTH, "newer than podman's file" },
	{ "statmount", BOTH, "newer than podman's file" },
	{ "uretprobe", BOTH, "newer than podman's file" },
	{ "riscv_hwprobe", BOTH, "RISC-V, newer than podman's file" },
	{ "lsm_get_self_attr", WITH_ALL_CAPS, "CAP_SYS_ADMIN (docker), newer than podman's file" },
	{ "lsm_list_modules", WITH_ALL_CAPS, "CAP_SYS_ADMIN (docker), newer than podman's file" },
	{ "lsm_set_self_attr", WITH_ALL_CAPS, "CAP_SYS_ADMIN (docker), newer than podman's file" },
	{ "quotactl_fd", WITH_ALL_CAPS, "CAP_SYS_ADMIN (docker), newer than podman's file" },
	{ "set_mempolicy_home_node", WITH_ALL_CAPS, "CAP_SYS_NICE (docker), newer than podman's file" },
};
#define NKNOWN (sizeof known / sizeof *known)

/* Argument conditions as "arg0 SCMP_CMP_EQ 8/0 ..." (valueTwo absent: 0);
 * NULL when there are none. */
static char *conditions(json_t *args)
{
	char *out = NULL, *n;
	json_t *a;
	size_t i;

	json_array_foreach(args, i, a) {
		if (asprintf(&n, "%s%sarg%lld %s %llu/%llu", out ? out : "", out ? " " : "",
			     (long long)json_integer_value(json_object_get(a, "index")),
			     json_string_value(json_object_get(a, "op")),
			     (unsigned long long)json_integer_value(json_object_get(a, "value")),
			     (unsigned long long)json_integer_value(json_object_get(a, "valueTwo"))) < 0)
			abort();
		free(out);
		out = n;
	}
	return out;
}

/* One syscall's decision in a resolved profile: "allow", "errno N", or
 * the rules that take arguments into account; NULL when no rule names it. */
static char *decision(json_t *prof, const char *name)
{
	json_t *rule, *n;
	size_t i, k;
	char *out = NULL;
	bool unconditional_allow = false;

	json_array_foreach(json_object_get(prof, "syscalls"), i, rule) {
		bool named = false;
		json_array_foreach(json_object_get(rule, "names"), k, n)
			named = named || !strcmp(json_string_value(n), name);
		if (!named)
			continue;
		const char *act = json_string_value(json_object_get(rule, "action"));
		json_t *args = json_object_get(rule, "args");
		json_int_t err = json_integer_value(json_object_get(rule, "errnoRet"));
		bool allow = !strcmp(act, "SCMP_ACT_ALLOW");
		char *args_text = conditions(args);
		char verdict[32], this[512], *joined = NULL;

		unconditional_allow = unconditional_allow || (allow && !args_text);
		if (allow)
			snprintf(verdict, sizeof verdict, "allow");
		else /* an ERRNO rule without errnoRet is EPERM (sysfilter.c) */
			snprintf(verdict, sizeof verdict, "errno %lld", (long long)(err ? err : 1));
		snprintf(this, sizeof this, "%s%s%s", verdict, args_text ? " if " : "", args_text ? args_text : "");
		free(args_text);
		if (asprintf(&joined, "%s%s%s", out ? out : "", out ? "; " : "", this) < 0)
			abort();
		free(out);
		out = joined;
	}
	if (unconditional_allow) {
		free(out);
		return strdup("allow");
	}
	return out;
}

static void collect_names(json_t *prof, json_t *set)
{
	json_t *rule, *n;
	size_t i, k;

	json_array_foreach(json_object_get(prof, "syscalls"), i, rule)
		json_array_foreach(json_object_get(rule, "names"), k, n)
			json_object_set_new(set, json_string_value(n), json_true());
}

static int known_index(const char *name)
{
	for (size_t i = 0; i < NKNOWN; i++)
		if (!strcmp(known[i].name, name))
			return (int)i;
	return -1;
}

/* Compare the two on one capability set; every difference must be known
 * for it, and every difference known for it must be seen. */
static void compare(const char *ours, const char *podman, uint64_t caps, unsigned bit, const char *what)
{
	json_auto_t *a = NULL, *b = NULL, *pa = NULL, *pb = NULL, *names = json_object();
	struct rc_err e = { 0 };
	bool seen[NKNOWN] = { false };
	int unknown = 0, missing = 0;
	const char *name;
	json_t *v;

	ok(rc_sysprofile_resolve(ours, caps, NULL, &a, &e) == 0 &&
	   rc_sysprofile_resolve(podman, caps, NULL, &b, &e) == 0, "both resolve with %s (%s)", what, e.msg);
	pa = json_loads(ours, 0, NULL);
	pb = json_loads(podman, 0, NULL);
	collect_names(pa, names);
	collect_names(pb, names);
	json_int_t da = json_integer_value(json_object_get(a, "defaultErrnoRet"));
	json_int_t db = json_integer_value(json_object_get(b, "defaultErrnoRet"));
	if (da != db)
		seen[known_index("(default)")] = true;
	json_object_foreach(names, name, v) {
		char *x = decision(a, name), *y = decision(b, name), dx[32], dy[32];
		snprintf(dx, sizeof dx, "errno %lld", (long long)da);
		snprintf(dy, sizeof dy, "errno %lld", (long long)db);
		bool same = (!x && !y) || !strcmp(x ? x : dx, y ? y : dy);
		int k = known_index(name);
		if (!same && (k < 0 || !(known[k].when & bit))) {
			printf("#   %s differs with %s and is not listed: ours %s, podman's %s\n", name, what,
			       x ? x : dx, y ? y : dy);
			unknown++;
		}
		if (!same && k >= 0)
			seen[k] = true;
		free(x);
		free(y);
	}
	for (size_t i = 0; i < NKNOWN; i++)
		if ((known[i].when & bit) && !seen[i]) {
			printf("#   %s is listed as differing with %s but does not\n", known[i].name, what);
			missing++;
		}
	ok(unknown == 0, "with %s, every syscall either names has the same decision in both, "
	   "or is a listed difference", what);
	ok(missing == 0, "with %s, every listed difference is one", what);
}

static void resolver_tests(void)
{
	struct rc_sysprofile_host amd64_old = { "amd64", { 4, 4 } }, arm64 = { "arm64", { 6, 1 } };
	const char *p =
		"{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"comment\":\"x\","
		"\"archMap\":[{\"architecture\":\"SCMP_ARCH_X86_64\",\"subArchitectures\":[\"SCMP_ARCH_X86\"]},"
		"{\"architecture\":\"SCMP_ARCH_AARCH64\",\"subArchitectures\":null}],"
		"\"syscalls\":["
		"{\"names\":[\"read\"],\"action\":\"SCMP_ACT_ALLOW\",\"comment\":\"always\"},"
		"{\"names\":[\"mount\"],\"action\":\"SCMP_ACT_ALLOW\",\"includes\":{\"caps\":[\"CAP_SYS_ADMIN\"]}},"
		"{\"names\":[\"clone\"],\"action\":\"SCMP_ACT_ALLOW\",\"excludes\":{\"caps\":[\"CAP_SYS_ADMIN\"]}},"
		"{\"names\":[\"ptrace\"],\"action\":\"SCMP_ACT_ALLOW\",\"includes\":{\"minKernel\":\"4.8\"}},"
		"{\"names\":[\"arch_prctl\"],\"action\":\"SCMP_ACT_ALLOW\",\"includes\":{\"arches\":[\"amd64\"]}},"
		"{\"names\":[\"s390\"],\"action\":\"SCMP_ACT_ALLOW\",\"excludes\":{\"arches\":[\"amd64\"]}},"
		"{\"name\":\"old\",\"action\":\"SCMP_ACT_ALLOW\"}]}";
	json_auto_t *r = NULL, *r2 = NULL, *r3 = NULL, *r4 = NULL;
	struct rc_err e = { 0 };
	char *s;

	ok(rc_sysprofile_resolve(p, 0, &amd64_old, &r, &e) == 0, "a docker-format profile resolves (%s)", e.msg);
	s = json_dumps(r, JSON_COMPACT);
	is_str(s, "{\"syscalls\":[{\"names\":[\"read\"],\"action\":\"SCMP_ACT_ALLOW\"},"
		  "{\"names\":[\"clone\"],\"action\":\"SCMP_ACT_ALLOW\"},"
		  "{\"names\":[\"arch_prctl\"],\"action\":\"SCMP_ACT_ALLOW\"},"
		  "{\"names\":[\"old\"],\"action\":\"SCMP_ACT_ALLOW\"}],"
		  "\"defaultAction\":\"SCMP_ACT_ERRNO\",\"architectures\":[\"SCMP_ARCH_X86_64\",\"SCMP_ARCH_X86\"]}",
	       "no capability: the excludes keep clone, includes drop mount; an old kernel drops ptrace; "
	       "the machine's archMap entry; comments go");
	free(s);
	ok(rc_sysprofile_resolve(p, 1ULL << 21, &arm64, &r2, &e) == 0, "the same for an arm64 with CAP_SYS_ADMIN");
	s = json_dumps(json_object_get(r2, "syscalls"), JSON_COMPACT);
	is_str(s, "[{\"names\":[\"read\"],\"action\":\"SCMP_ACT_ALLOW\"},{\"names\":[\"mount\"],\"action\":\"SCMP_ACT_ALLOW\"},"
		  "{\"names\":[\"ptrace\"],\"action\":\"SCMP_ACT_ALLOW\"},{\"names\":[\"s390\"],\"action\":\"SCMP_ACT_ALLOW\"},"
		  "{\"names\":[\"old\"],\"action\":\"SCMP_ACT_ALLOW\"}]",
	       "CAP_SYS_ADMIN keeps mount and drops clone; a newer kernel keeps ptrace; arches both ways");
	free(s);
	s = json_dumps(json_object_get(r2, "architectures"), JSON_COMPACT);
	is_str(s, "[\"SCMP_ARCH_AARCH64\"]", "an archMap entry without sub-architectures");
	free(s);
	ok(rc_sysprofile_resolve("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"architectures\":[\"SCMP_ARCH_X86_64\"],"
				 "\"syscalls\":[{\"names\":[\"kill\"],\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":1,"
				 "\"args\":[{\"index\":0,\"value\":1,\"op\":\"SCMP_CMP_EQ\"}]}]}", 0, NULL, &r3, &e) == 0,
	   "an OCI profile resolves");
	s = json_dumps(r3, JSON_COMPACT);
	is_str(s, "{\"syscalls\":[{\"names\":[\"kill\"],\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":1,"
		  "\"args\":[{\"index\":0,\"value\":1,\"op\":\"SCMP_CMP_EQ\"}]}],\"defaultAction\":\"SCMP_ACT_ALLOW\","
		  "\"architectures\":[\"SCMP_ARCH_X86_64\"]}", "to itself");
	free(s);
	ok(rc_sysprofile_resolve("{\"architectures\":[],\"archMap\":[{\"architecture\":\"x\"}]}", 0, NULL, &r4, &e) < 0 &&
	   strstr(e.msg, "give one"), "architectures and archMap together are refused");
	ok(rc_sysprofile_resolve("{\"syscalls\":[{\"names\":[\"x\"],\"includes\":{\"minKernel\":\"new\"}}]}", 0, NULL,
				 &r4, &e) < 0 && strstr(e.msg, "minKernel"), "a malformed minKernel is refused");
	ok(rc_sysprofile_resolve("[]", 0, NULL, &r4, &e) < 0, "a non-object is refused");
}

static void default_tests(void)
{
	json_auto_t *r = NULL;
	struct rc_err e = { 0 };
	struct rc_seccomp *f = NULL;
	char *s = NULL;

	ok(rc_sysprofile_resolve(rc_seccomp_default_profile, rc_default_caps_mask(), NULL, &r, &e) == 0,
	   "the default profile resolves for docker's capabilities (%s)", e.msg);
	s = decision(r, "unshare");
	ok(!s, "unshare: no rule, refused with the default");
	free(s);
	s = decision(r, "clone3");
	is_str(s, "errno 38", "clone3: ENOSYS");
	free(s);
	s = decision(r, "chroot");
	is_str(s, "allow", "chroot: allowed with CAP_SYS_CHROOT, which docker gives");
	free(s);
	s = decision(r, "clone");
	is_str(s, "allow if arg0 SCMP_CMP_MASKED_EQ 2114060288/0",
	       "clone: only without namespace flags");
	free(s);
	ok(json_integer_value(json_object_get(r, "defaultErrnoRet")) == 1, "everything else: EPERM");
	s = json_dumps(r, JSON_COMPACT);
	ok(s && rc_seccomp_build(s, &f, &e) == 0, "it compiles (%s)", e.msg);
	rc_seccomp_free(f);
	free(s);
}

int main(void)
{
	_cleanup_free_ char *podman = NULL, *man = NULL;
	const char *src = getenv("RC_SRC") ? getenv("RC_SRC") : ".";
	char path[4096];
	struct rc_err e = { 0 };
	int unlisted = 0;

	TAP_PLAN(26);
	resolver_tests();
	default_tests();
	ok(rc_read_file_at(AT_FDCWD, PODMAN_PROFILE, 1 << 20, &podman, NULL, &e) == 0,
	   "podman's profile is here (%s; tests/helpers/install-deps installs it)", e.msg);
	if (!podman)
		podman = strdup("{}");
	compare(rc_seccomp_default_profile, podman, rc_default_caps_mask(), WITH_DOCKER_CAPS,
		"docker's capabilities");
	compare(rc_seccomp_default_profile, podman, (1ULL << 41) - 1, WITH_ALL_CAPS, "every capability");
	snprintf(path, sizeof path, "%s/man/rc-unshare.1", src);
	ok(rc_read_file_at(AT_FDCWD, path, 1 << 20, &man, NULL, &e) == 0, "man/rc-unshare.1 is here");
	char *section = man ? strstr(man, "\n.SH SECCOMP\n") : NULL, *end;
	if (section && (end = strstr(section + 1, "\n.SH ")))
		*end = '\0';
	for (size_t i = 1; i < NKNOWN; i++) {
		char b[128];
		snprintf(b, sizeof b, "\\fB%s\\fR", known[i].name);
		if (!section || !strstr(section, b)) {
			printf("#   man/rc-unshare.1 does not list %s\n", known[i].name);
			unlisted++;
		}
	}
	ok(section && unlisted == 0, "man/rc-unshare.1 lists every difference from podman's profile "
	   "in its SECCOMP section");
	return tap_done();
}
