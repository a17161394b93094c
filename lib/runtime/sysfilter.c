/* sysfilter.c - OCI seccomp profiles through libseccomp; see sysfilter.h. */
#include "runtime/sysfilter.h"

#include <ctype.h>
#include <errno.h>
#include <jansson.h>
#include <seccomp.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

struct rc_seccomp {
	scmp_filter_ctx ctx;
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

int rc_seccomp_build(const char *text, struct rc_seccomp **ret, struct rc_err *e)
{
	json_auto_t *j = NULL;
	json_error_t jerr;
	struct rc_seccomp *f;
	uint32_t def;

	j = json_loads(text, 0, &jerr);
	if (!j || !json_is_object(j))
		return rc_errf(e, 0, "seccomp: not a JSON object");
	if (json_object_get(j, "listenerPath"))
		return rc_errf(e, 0, "seccomp: a listenerPath (user notification) is not supported");
	if (action_of(json_string_value(json_object_get(j, "defaultAction")),
		      json_object_get(j, "defaultErrnoRet"), &def, e) < 0)
		return rc_err_prefix(e, "defaultAction");
	f = calloc(1, sizeof *f);
	if (!f)
		return rc_errf(e, ENOMEM, "allocating");
	f->ctx = seccomp_init(def);
	if (!f->ctx) {
		free(f);
		return rc_errf(e, 0, "seccomp: cannot create a filter");
	}
	/* no_new_privs is the config's business, not libseccomp's. */
	seccomp_attr_set(f->ctx, SCMP_FLTATR_CTL_NNP, 0);
	if (build(j, f->ctx, def, e) < 0) {
		rc_seccomp_free(f);
		return -1;
	}
	*ret = f;
	return 0;
}

int rc_seccomp_load(struct rc_seccomp *f, struct rc_err *e)
{
	int r = seccomp_load(f->ctx);

	if (r < 0)
		return rc_errf(e, -r, "loading the seccomp filter");
	return 0;
}

void rc_seccomp_free(struct rc_seccomp *f)
{
	if (!f)
		return;
	seccomp_release(f->ctx);
	free(f);
}
