/* sysprofile.c - docker-format seccomp profiles resolved; see sysprofile.h. */
#include "runtime/sysprofile.h"
#include "base/cleanup.h"

#include <ctype.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/utsname.h>

/* Go's name of this machine, which docker's "arches" use. */
#if defined(__x86_64__) && !defined(__ILP32__)
#define MACHINE "amd64"
#elif defined(__i386__)
#define MACHINE "386"
#elif defined(__aarch64__)
#define MACHINE "arm64"
#elif defined(__arm__)
#define MACHINE "arm"
#elif defined(__s390x__)
#define MACHINE "s390x"
#elif defined(__powerpc64__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define MACHINE "ppc64le"
#elif defined(__riscv) && __riscv_xlen == 64
#define MACHINE "riscv64"
#elif defined(__mips64) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define MACHINE "mips64le"
#elif defined(__mips64)
#define MACHINE "mips64"
#else
#define MACHINE ""
#endif

/* archMap is keyed by libseccomp's name of the machine. */
static const struct { const char *go, *scmp; } arch_names[] = {
	{ "amd64", "SCMP_ARCH_X86_64" }, { "386", "SCMP_ARCH_X86" },
	{ "arm64", "SCMP_ARCH_AARCH64" }, { "arm", "SCMP_ARCH_ARM" },
	{ "s390x", "SCMP_ARCH_S390X" }, { "ppc64le", "SCMP_ARCH_PPC64LE" },
	{ "riscv64", "SCMP_ARCH_RISCV64" }, { "mips64le", "SCMP_ARCH_MIPSEL64" },
	{ "mips64", "SCMP_ARCH_MIPS64" },
};

void rc_sysprofile_this_host(struct rc_sysprofile_host *h)
{
	struct utsname u;

	h->arch = MACHINE;
	h->kernel[0] = h->kernel[1] = 0;
	if (uname(&u) == 0)
		sscanf(u.release, "%u.%u", &h->kernel[0], &h->kernel[1]);
}

static bool has_string(json_t *a, const char *s)
{
	size_t i;
	json_t *v;

	json_array_foreach(a, i, v)
		if (json_is_string(v) && !strcmp(json_string_value(v), s))
			return true;
	return false;
}

/* Whether the container holds capability name ("CAP_SYS_ADMIN"); a name
 * this libcap does not know is not held. */
static bool holds(const char *name, uint64_t caps)
{
	char low[64];
	cap_value_t c;
	size_t k;

	for (k = 0; name[k] && k < sizeof low - 1; k++)
		low[k] = (char)tolower((unsigned char)name[k]);
	low[k] = '\0';
	return cap_from_name(low, &c) == 0 && c >= 0 && c < 64 && (caps >> c & 1);
}

static int count_held(json_t *names, uint64_t caps, size_t *ret, struct rc_err *e)
{
	size_t i;
	json_t *v;

	*ret = 0;
	if (names && !json_is_null(names) && !json_is_array(names))
		return rc_errf(e, 0, "seccomp profile: caps: not an array");
	json_array_foreach(names, i, v) {
		if (!json_is_string(v))
			return rc_errf(e, 0, "seccomp profile: caps[%zu]: not a string", i);
		*ret += holds(json_string_value(v), caps);
	}
	return 0;
}

/* "4.8" against the host's kernel: <0 older, 0 the same, >0 newer. */
static int kernel_cmp(json_t *min, const struct rc_sysprofile_host *h, int *ret, struct rc_err *e)
{
	unsigned maj = 0, mnr = 0;
	const char *s = json_string_value(min);

	if (!s || sscanf(s, "%u.%u", &maj, &mnr) < 1)
		return rc_errf(e, 0, "seccomp profile: minKernel: expected \"MAJOR.MINOR\"");
	*ret = h->kernel[0] != maj ? (h->kernel[0] > maj ? 1 : -1) :
	       h->kernel[1] != mnr ? (h->kernel[1] > mnr ? 1 : -1) : 0;
	return 0;
}

/* A rule stays when all it includes holds and nothing it excludes does. */
static int applies(json_t *rule, uint64_t caps, const struct rc_sysprofile_host *h, bool *ret,
		   struct rc_err *e)
{
	json_t *inc = json_object_get(rule, "includes"), *exc = json_object_get(rule, "excludes");
	json_t *incaps = json_object_get(inc, "caps"), *inarch = json_object_get(inc, "arches");
	json_t *inkern = json_object_get(inc, "minKernel"), *exkern = json_object_get(exc, "minKernel");
	size_t held;
	int cmp;

	*ret = false;
	if (has_string(json_object_get(exc, "arches"), h->arch))
		return 0;
	if (count_held(json_object_get(exc, "caps"), caps, &held, e) < 0)
		return -1;
	if (held)
		return 0;
	if (exkern && !json_is_null(exkern)) {
		if (kernel_cmp(exkern, h, &cmp, e) < 0)
			return -1;
		if (cmp >= 0)
			return 0;
	}
	if (json_array_size(inarch) && !has_string(inarch, h->arch))
		return 0;
	if (count_held(incaps, caps, &held, e) < 0)
		return -1;
	if (held < json_array_size(incaps))
		return 0;
	if (inkern && !json_is_null(inkern)) {
		if (kernel_cmp(inkern, h, &cmp, e) < 0)
			return -1;
		if (cmp < 0)
			return 0;
	}
	*ret = true;
	return 0;
}

/* The rule as the OCI spec has it: names (or docker's older "name"),
 * action, errnoRet, args. */
static json_t *oci_rule(json_t *rule)
{
	static const char *const keep[] = { "names", "action", "errnoRet", "args" };
	json_t *r = json_object(), *name = json_object_get(rule, "name");

	for (size_t i = 0; r && i < sizeof keep / sizeof *keep; i++) {
		json_t *v = json_object_get(rule, keep[i]);
		if (i == 0 && !v && json_is_string(name))
			json_object_set_new(r, "names", json_pack("[O]", name));
		else if (v && !json_is_null(v))
			json_object_set(r, keep[i], v);
	}
	return r;
}

static json_t *architectures(json_t *profile, const struct rc_sysprofile_host *h)
{
	const char *scmp = NULL;
	json_t *m;
	size_t i;

	if (json_object_get(profile, "architectures"))
		return json_incref(json_object_get(profile, "architectures"));
	for (i = 0; i < sizeof arch_names / sizeof *arch_names; i++)
		if (!strcmp(arch_names[i].go, h->arch))
			scmp = arch_names[i].scmp;
	json_array_foreach(json_object_get(profile, "archMap"), i, m) {
		const char *a = json_string_value(json_object_get(m, "architecture"));
		json_t *sub = json_object_get(m, "subArchitectures"), *ret;
		if (!scmp || !a || strcmp(a, scmp))
			continue;
		ret = json_pack("[s]", a);
		if (ret && json_is_array(sub))
			json_array_extend(ret, sub);
		return ret;
	}
	return NULL;
}

int rc_sysprofile_resolve(const char *profile, uint64_t caps, const struct rc_sysprofile_host *host,
			  json_t **ret, struct rc_err *e)
{
	struct rc_sysprofile_host here;
	json_auto_t *p = NULL, *out = NULL;
	json_error_t jerr;
	json_t *v, *rules, *arches;
	const char *key;
	size_t i;

	if (!host) {
		rc_sysprofile_this_host(&here);
		host = &here;
	}
	p = json_loads(profile, 0, &jerr);
	if (!p)
		return rc_errf(e, 0, "seccomp profile: not valid JSON: line %d: %s", jerr.line, jerr.text);
	if (!json_is_object(p))
		return rc_errf(e, 0, "seccomp profile: not a JSON object");
	if (json_object_get(p, "architectures") && json_array_size(json_object_get(p, "archMap")))
		return rc_errf(e, 0, "seccomp profile: architectures and archMap: give one of them");
	out = json_object();
	rules = json_array();
	if (!out || !rules || json_object_set_new(out, "syscalls", rules) < 0)
		return rc_errf(e, ENOMEM, "allocating");
	json_object_foreach(p, key, v)
		if (strcmp(key, "archMap") && strcmp(key, "syscalls") && strcmp(key, "comment") &&
		    strcmp(key, "architectures") && json_object_set(out, key, v) < 0)
			return rc_errf(e, ENOMEM, "allocating");
	arches = architectures(p, host);
	if (arches && json_object_set_new(out, "architectures", arches) < 0)
		return rc_errf(e, ENOMEM, "allocating");
	json_array_foreach(json_object_get(p, "syscalls"), i, v) {
		bool keep;
		if (!json_is_object(v))
			return rc_errf(e, 0, "seccomp profile: syscalls[%zu]: not an object", i);
		if (applies(v, caps, host, &keep, e) < 0)
			return rc_err_prefix(e, "syscalls[%zu]", i);
		if (keep && json_array_append_new(rules, oci_rule(v)) < 0)
			return rc_errf(e, ENOMEM, "allocating");
	}
	*ret = json_incref(out);
	return 0;
}

int rc_sysprofile_resolve_text(const char *profile, uint64_t caps, char **ret, struct rc_err *e)
{
	json_auto_t *j = NULL;

	if (rc_sysprofile_resolve(profile, caps, NULL, &j, e) < 0)
		return -1;
	*ret = json_dumps(j, JSON_COMPACT);
	return *ret ? 0 : rc_errf(e, ENOMEM, "allocating");
}
