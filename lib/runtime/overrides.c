/* overrides.c - the command line over config.json; see overrides.h. */
#include "runtime/overrides.h"
#include "base/cleanup.h"
#include "runtime/secopt.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static int usage_err(struct rc_err *e)
{
	return rc_err_status(e, 2);
}

/* KEY=VAL as it is; KEY alone takes the caller's value, or is dropped when
 * the caller has none (docker's -e KEY). */
static int add_env(struct rc_overrides *o, const char *kv, struct rc_err *e)
{
	_cleanup_free_ char *full = NULL;
	const char *val;

	if (!*kv || *kv == '=') {
		rc_errf(e, 0, "invalid environment variable \"%s\"", kv);
		return usage_err(e);
	}
	if (strchr(kv, '='))
		return rc_strv_push(&o->env, kv, e);
	val = getenv(kv);
	if (!val)
		return 0;
	if (asprintf(&full, "%s=%s", kv, val) < 0)
		return rc_errf(e, ENOMEM, "allocating");
	return rc_strv_push(&o->env, full, e);
}

/* KEY=VAL (or KEY) lines; blank lines and # comments skipped. */
static int read_env_file(struct rc_overrides *o, const char *path, struct rc_err *e)
{
	_cleanup_fclose_ FILE *f = fopen(path, "re");
	char line[8192];

	if (!f)
		return rc_errf(e, errno, "reading env file %s", path);
	while (fgets(line, sizeof line, f)) {
		char *p = line + strspn(line, " \t");
		p[strcspn(p, "\r\n")] = '\0';
		if (!*p || *p == '#')
			continue;
		if (add_env(o, p, e) < 0)
			return rc_err_prefix(e, "env file %s", path);
	}
	return 0;
}

int rc_overrides_opt(struct rc_overrides *o, int c, const char *arg, struct rc_err *e)
{
	switch (c) {
	case 'e': return add_env(o, arg, e) < 0 ? -1 : 1;
	case RC_OPT_ENV_FILE: return read_env_file(o, arg, e) < 0 ? -1 : 1;
	case 'w':
		if (arg[0] != '/') {
			rc_errf(e, 0, "the working directory must be an absolute path: %s", arg);
			return usage_err(e);
		}
		o->workdir = arg;
		return 1;
	case 'u': o->user = arg; return 1;
	case 't': o->tty = true; return 1;
	case 'i': o->interactive = true; return 1;
	default: return 0;
	}
}

/* -v SRC:DST[:ro|rw] as a recursive bind mount after the config's. */
static int add_volume(struct rc_spec *s, const char *v, struct rc_err *e)
{
	_cleanup_free_ char *copy = strdup(v);
	char *src, *dst, *mode = NULL;
	struct stat st;

	if (!copy)
		return rc_errf(e, ENOMEM, "allocating");
	src = copy;
	dst = strchr(src, ':');
	if (dst) {
		*dst++ = '\0';
		mode = strchr(dst, ':');
		if (mode)
			*mode++ = '\0';
	}
	if (!dst || src[0] != '/' || dst[0] != '/' ||
	    (mode && strcmp(mode, "ro") && strcmp(mode, "rw"))) {
		rc_errf(e, 0, "invalid volume \"%s\": expected /SRC:/DST[:ro|rw]", v);
		return usage_err(e);
	}
	if (stat(src, &st) < 0)
		return rc_errf(e, errno, "volume source %s", src);
	return rc_spec_add_bind(s, src, dst, true, mode && !strcmp(mode, "ro"), e);
}

static int set_str(char **field, const char *v, struct rc_err *e)
{
	char *n = strdup(v);

	if (!n)
		return rc_errf(e, ENOMEM, "allocating");
	free(*field);
	*field = n;
	return 0;
}

static int apply_process(const struct rc_overrides *o, struct rc_spec *s, struct rc_err *e)
{
	for (size_t i = 0; o->env && o->env[i]; i++)
		if (rc_env_set(&s->env, o->env[i], e) < 0)
			return -1;
	if (o->workdir && set_str(&s->cwd, o->workdir, e) < 0)
		return -1;
	if (o->cmd && o->cmd[0]) {
		rc_strv_free(s->args);
		s->args = NULL;
		for (size_t i = 0; o->cmd[i]; i++)
			if (rc_strv_push(&s->args, o->cmd[i], e) < 0)
				return -1;
	}
	if (o->tty)
		s->terminal = true;
	return 0;
}

static void apply_limits(const struct rc_overrides *o, const struct rc_spec *s, struct rc_limits *l)
{
	*l = (struct rc_limits){ s->mem_limit, s->mem_swap, s->cpu_quota, s->cpu_period, s->pids_limit };
	if (o->memory > 0) {
		l->memory = o->memory;
		l->memory_swap = 2 * o->memory; /* docker: as much swap as memory */
	}
	if (o->cpu_quota > 0) {
		l->cpu_quota = o->cpu_quota;
		l->cpu_period = o->cpu_period;
	}
	if (o->pids)
		l->pids = o->pids;
	else if (!l->pids)
		l->pids = RC_DEFAULT_PIDS_LIMIT;
}

int rc_overrides_apply(const struct rc_overrides *o, struct rc_spec *s, struct rc_limits *l,
		       struct rc_err *e)
{
	if (apply_process(o, s, e) < 0)
		return -1;
	if (o->hostname && set_str(&s->hostname, o->hostname, e) < 0)
		return -1;
	for (size_t i = 0; o->volumes && o->volumes[i]; i++)
		if (add_volume(s, o->volumes[i], e) < 0)
			return -1;
	if (o->read_only)
		s->root_ro = true;
	for (size_t i = 0; o->secopts && o->secopts[i]; i++)
		if (rc_security_opt(s, o->secopts[i], e) < 0)
			return -1;
	if (l)
		apply_limits(o, s, l);
	return 0;
}

void rc_overrides_free(struct rc_overrides *o)
{
	rc_strv_free(o->env);
	rc_strv_free(o->volumes);
	rc_strv_free(o->secopts);
	o->env = o->volumes = o->secopts = NULL;
}
