/* sysfilter.c - OCI seccomp profiles through libseccomp; see sysfilter.h. */
#include "runtime/sysfilter.h"
#include "base/cleanup.h"
#include "base/fs.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

/* The compiled program: what the kernel loads. */
struct rc_seccomp {
	struct sock_filter *insn;
	size_t len;
};

static int action_of(const char *name, json_t *errno_ret, uint32_t *ret, struct rc_err *e)
{
	uint32_t err = json_is_integer(errno_ret) ? (uint32_t)json_integer_value(errno_ret) : EPERM;

	if (!name)
		return rc_errf(e, 0, "seccomp: an action is missing");
	if (!strcmp(name, "SCMP_ACT_ALLOW"))
		*ret = SCMP_ACT_ALLOW;
	else if (!strcmp(name, "SCMP_ACT_ERRNO"))
		*ret = SCMP_ACT_ERRNO(err);
	else if (!strcmp(name, "SCMP_ACT_KILL") || !strcmp(name, "SCMP_ACT_KILL_THREAD"))
		*ret = SCMP_ACT_KILL_THREAD;
	else if (!strcmp(name, "SCMP_ACT_KILL_PROCESS"))
		*ret = SCMP_ACT_KILL_PROCESS;
	else if (!strcmp(name, "SCMP_ACT_TRAP"))
		*ret = SCMP_ACT_TRAP;
	else if (!strcmp(name, "SCMP_ACT_TRACE"))
		*ret = SCMP_ACT_TRACE(err);
	else if (!strcmp(name, "SCMP_ACT_LOG"))
		*ret = SCMP_ACT_LOG;
	else
		return rc_errf(e, 0, "seccomp: unsupported action %s", name);
	return 0;
}

static int op_of(const char *name, enum scmp_compare *ret)
{
	static const struct { const char *name; enum scmp_compare op; } ops[] = {
		{ "SCMP_CMP_NE", SCMP_CMP_NE }, { "SCMP_CMP_LT", SCMP_CMP_LT },
		{ "SCMP_CMP_LE", SCMP_CMP_LE }, { "SCMP_CMP_EQ", SCMP_CMP_EQ },
		{ "SCMP_CMP_GE", SCMP_CMP_GE }, { "SCMP_CMP_GT", SCMP_CMP_GT },
		{ "SCMP_CMP_MASKED_EQ", SCMP_CMP_MASKED_EQ },
	};

	for (size_t i = 0; name && i < sizeof ops / sizeof *ops; i++)
		if (!strcmp(name, ops[i].name)) {
			*ret = ops[i].op;
			return 0;
		}
	return -1;
}

/* "SCMP_ARCH_X86_64" -> the native token libseccomp knows ("x86_64"). */
static void add_arch(scmp_filter_ctx ctx, const char *name)
{
	char low[32];
	size_t i;

	if (!name || strncmp(name, "SCMP_ARCH_", 10))
		return;
	for (i = 0; name[10 + i] && i < sizeof low - 1; i++)
		low[i] = (char)tolower((unsigned char)name[10 + i]);
	low[i] = '\0';
	uint32_t arch = seccomp_arch_resolve_name(low);
	if (arch && arch != seccomp_arch_native())
		seccomp_arch_add(ctx, arch); /* already there or unknown here: fine */
}

static int parse_args(json_t *args, struct scmp_arg_cmp *cmp, unsigned *n, struct rc_err *e)
{
	size_t i;
	json_t *a;

	*n = 0;
	json_array_foreach(args, i, a) {
		enum scmp_compare op;
		if (i >= 6)
			return rc_errf(e, 0, "seccomp: more than 6 argument conditions");
		if (op_of(json_string_value(json_object_get(a, "op")), &op) < 0)
			return rc_errf(e, 0, "seccomp: unknown argument operator");
		cmp[i] = (struct scmp_arg_cmp){
			.arg = (unsigned)json_integer_value(json_object_get(a, "index")),
			.op = op,
			.datum_a = (scmp_datum_t)json_integer_value(json_object_get(a, "value")),
			.datum_b = (scmp_datum_t)json_integer_value(json_object_get(a, "valueTwo")),
		};
		(*n)++;
	}
	return 0;
}

static bool repeats_index(const struct scmp_arg_cmp *cmp, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		for (unsigned j = i + 1; j < n; j++)
			if (cmp[i].arg == cmp[j].arg)
				return true;
	return false;
}

static int add_rule(scmp_filter_ctx ctx, uint32_t def, uint32_t act, int nr,
		    const struct scmp_arg_cmp *cmp, unsigned n, const char *name, struct rc_err *e)
{
	int r;

	if (act == def)
		return 0; /* libseccomp refuses a rule that repeats the default */
	if (repeats_index(cmp, n)) {
		/* Conditions on one argument are alternatives, one rule each. */
		for (unsigned i = 0; i < n; i++)
			if (add_rule(ctx, def, act, nr, &cmp[i], 1, name, e) < 0)
				return -1;
		return 0;
	}
	r = seccomp_rule_add_array(ctx, act, nr, n, cmp);
	if (r < 0 && r != -EEXIST)
		return rc_errf(e, -r, "seccomp: adding the rule for %s", name);
	return 0;
}

static int build(json_t *j, scmp_filter_ctx ctx, uint32_t def, struct rc_err *e)
{
	json_t *arch, *rule, *name;
	size_t i, k;

	json_array_foreach(json_object_get(j, "architectures"), i, arch)
		add_arch(ctx, json_string_value(arch));
	json_array_foreach(json_object_get(j, "syscalls"), i, rule) {
		struct scmp_arg_cmp cmp[6];
		unsigned n;
		uint32_t act;

		if (action_of(json_string_value(json_object_get(rule, "action")),
			      json_object_get(rule, "errnoRet"), &act, e) < 0 ||
		    parse_args(json_object_get(rule, "args"), cmp, &n, e) < 0)
			return -1;
		json_array_foreach(json_object_get(rule, "names"), k, name) {
			const char *s = json_string_value(name);
			int nr = s ? seccomp_syscall_resolve_name(s) : __NR_SCMP_ERROR;
			if (nr == __NR_SCMP_ERROR)
				continue; /* not a syscall of this architecture */
			if (add_rule(ctx, def, act, nr, cmp, n, s, e) < 0)
				return -1;
		}
	}
	return 0;
}

/* libseccomp's program for ctx, read back from a memfd. */
static int export_bpf(scmp_filter_ctx ctx, struct rc_seccomp *f, struct rc_err *e)
{
	_cleanup_close_ int fd = memfd_create("rc-seccomp", MFD_CLOEXEC);
	off_t size;
	int r;

	if (fd < 0)
		return rc_errf(e, errno, "seccomp: creating a memfd");
	r = seccomp_export_bpf(ctx, fd);
	if (r < 0)
		return rc_errf(e, -r, "seccomp: generating the filter");
	size = lseek(fd, 0, SEEK_END);
	if (size <= 0 || size % sizeof *f->insn || size / sizeof *f->insn > BPF_MAXINSNS)
		return rc_errf(e, size < 0 ? errno : E2BIG, "seccomp: the filter has %lld bytes",
			       (long long)size);
	f->insn = malloc((size_t)size);
	if (!f->insn)
		return rc_errf(e, ENOMEM, "allocating");
	if (pread(fd, f->insn, (size_t)size, 0) != size)
		return rc_errf(e, errno, "seccomp: reading the filter back");
	f->len = (size_t)size / sizeof *f->insn;
	return 0;
}

static int compile(const char *text, struct rc_seccomp *f, struct rc_err *e)
{
	json_auto_t *j = NULL;
	json_error_t jerr;
	scmp_filter_ctx ctx;
	uint32_t def;
	int r;

	j = json_loads(text, 0, &jerr);
	if (!j || !json_is_object(j))
		return rc_errf(e, 0, "seccomp: not a JSON object");
	if (json_object_get(j, "listenerPath"))
		return rc_errf(e, 0, "seccomp: a listenerPath (user notification) is not supported");
	if (action_of(json_string_value(json_object_get(j, "defaultAction")),
		      json_object_get(j, "defaultErrnoRet"), &def, e) < 0)
		return rc_err_prefix(e, "defaultAction");
	ctx = seccomp_init(def);
	if (!ctx)
		return rc_errf(e, 0, "seccomp: cannot create a filter");
	/* no_new_privs is the config's business, not libseccomp's. */
	seccomp_attr_set(ctx, SCMP_FLTATR_CTL_NNP, 0);
	r = build(j, ctx, def, e);
	if (r == 0)
		r = export_bpf(ctx, f, e);
	seccomp_release(ctx);
	return r;
}

int rc_seccomp_build(const char *text, struct rc_seccomp **ret, struct rc_err *e)
{
	struct rc_seccomp *f = calloc(1, sizeof *f);

	if (!f)
		return rc_errf(e, ENOMEM, "allocating");
	if (compile(text, f, e) < 0) {
		rc_seccomp_free(f);
		return -1;
	}
	*ret = f;
	return 0;
}

/* ---- the cache ------------------------------------------------------------ */

/*
 * "rc-seccomp-bpf 2 LIBSECCOMP ARCH TEXTLEN NINSNS SUM\n", the profile's
 * text, the program. The cached program is used only when the profile is
 * the same text, byte for byte, compiled by this libseccomp for this machine,
 * and its bytes are whole (SUM: FNV-1a of the program, against a write cut
 * short). Nothing cryptographic: whoever can write the cache can write
 * config.json beside it, and OpenSSL's start-up would cost a start more
 * memory than the whole rest of rc-unshare.
 */
#define CACHE_MAGIC "rc-seccomp-bpf 2"
#define CACHE_MAX (1u << 20)

static uint64_t fnv1a(const void *data, size_t len)
{
	const unsigned char *p = data;
	uint64_t h = 14695981039346656037ULL;

	for (size_t i = 0; i < len; i++)
		h = (h ^ p[i]) * 1099511628211ULL;
	return h;
}

static void cache_tag(char *buf, size_t len)
{
	const struct scmp_version *v = seccomp_version();

	snprintf(buf, len, "%u.%u.%u %u", v->major, v->minor, v->micro, seccomp_arch_native());
}

/* The cached program when the cache holds this text's; NULL otherwise. */
static int cache_read(int dirfd, const char *name, const char *text, struct rc_seccomp **ret,
		      struct rc_err *e)
{
	_cleanup_free_ char *buf = NULL;
	char tag[64], want[64], ver[32], arch[32];
	unsigned long long sum;
	size_t len, tlen, n, textlen = strlen(text);
	struct rc_seccomp *f;
	const char *body;
	struct rc_err ignore = { 0 };

	*ret = NULL;
	if (rc_read_file_at(dirfd, name, CACHE_MAX, &buf, &len, &ignore) < 0)
		return 0; /* none yet, or unreadable: compile */
	body = memchr(buf, '\n', len);
	cache_tag(want, sizeof want);
	if (!body || sscanf(buf, CACHE_MAGIC " %31s %31s %zu %zu %llx\n", ver, arch, &tlen, &n, &sum) != 5)
		return 0;
	body++;
	snprintf(tag, sizeof tag, "%s %s", ver, arch);
	if (strcmp(tag, want) || tlen != textlen || n == 0 || n > BPF_MAXINSNS ||
	    len - (size_t)(body - buf) != tlen + n * sizeof(struct sock_filter) ||
	    memcmp(body, text, tlen) || fnv1a(body + tlen, n * sizeof(struct sock_filter)) != sum)
		return 0;
	f = calloc(1, sizeof *f);
	if (!f || !(f->insn = malloc(n * sizeof *f->insn))) {
		free(f);
		return rc_errf(e, ENOMEM, "allocating");
	}
	memcpy(f->insn, body + tlen, n * sizeof *f->insn);
	f->len = n;
	*ret = f;
	return 0;
}

static void cache_write(int dirfd, const char *name, const char *text, const struct rc_seccomp *f)
{
	size_t plen = f->len * sizeof *f->insn, tlen = strlen(text);
	char tag[64], head[160];
	_cleanup_free_ char *buf = NULL;
	struct rc_err ignore = { 0 };
	int n;

	cache_tag(tag, sizeof tag);
	n = snprintf(head, sizeof head, CACHE_MAGIC " %s %zu %zu %016llx\n", tag, tlen, f->len,
		     (unsigned long long)fnv1a(f->insn, plen));
	if (n < 0 || (size_t)n >= sizeof head || (size_t)n + tlen + plen > CACHE_MAX)
		return;
	buf = malloc((size_t)n + tlen + plen);
	if (!buf)
		return;
	memcpy(buf, head, (size_t)n);
	memcpy(buf + n, text, tlen);
	memcpy(buf + n + tlen, f->insn, plen);
	/* A cache: failing to write it only costs the next start a compile. */
	rc_write_file_nosync_at(dirfd, name, buf, (size_t)n + tlen + plen, 0600, &ignore);
}

int rc_seccomp_build_cached(const char *text, int dirfd, const char *name, struct rc_seccomp **ret,
			    struct rc_err *e)
{
	if (dirfd < 0)
		return rc_seccomp_build(text, ret, e);
	if (cache_read(dirfd, name, text, ret, e) < 0)
		return -1;
	if (*ret)
		return 0;
	if (rc_seccomp_build(text, ret, e) < 0)
		return -1;
	cache_write(dirfd, name, text, *ret);
	return 0;
}

int rc_seccomp_load(struct rc_seccomp *f, struct rc_err *e)
{
	struct sock_fprog prog = { .len = (unsigned short)f->len, .filter = f->insn };

	if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog) < 0)
		return rc_errf(e, errno, "loading the seccomp filter");
	return 0;
}

void rc_seccomp_free(struct rc_seccomp *f)
{
	if (!f)
		return;
	free(f->insn);
	free(f);
}
