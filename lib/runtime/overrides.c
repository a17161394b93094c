/* overrides.c - the command line over config.json; see overrides.h. */
#include "runtime/overrides.h"
#include "base/cleanup.h"
#include "runtime/devnodes.h"
#include "runtime/secopt.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/mount.h>
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
	case RC_OPT_PRIVILEGED: o->privileged = true; return 1;
	default: return 0;
	}
}

static int usage_msg(struct rc_err *e, const char *fmt, const char *opt, const char *arg)
{
	rc_errf(e, 0, fmt, opt, arg);
	return usage_err(e);
}

/* ---- checking the values ---- */

int rc_overrides_cap(struct rc_overrides *o, bool drop, const char *name, struct rc_err *e)
{
	const char *opt = drop ? "--cap-drop" : "--cap-add";
	char lower[64] = "cap_";
	size_t n = strncasecmp(name, "cap_", 4) ? 4 : 0;
	cap_value_t c;

	if (!strcasecmp(name, "all")) {
		*(drop ? &o->cap_drop_all : &o->cap_add_all) = true;
		return 0;
	}
	for (const char *p = name; *p && n < sizeof lower - 1; p++)
		lower[n++] = (char)tolower((unsigned char)*p);
	lower[n] = '\0';
	if (!name[0] || isdigit((unsigned char)name[0]) || n >= sizeof lower - 1 ||
	    cap_from_name(lower, &c) < 0 || c < 0 || c > 63)
		return usage_msg(e, "%s: unknown capability \"%s\"", opt, name);
	*(drop ? &o->cap_drop : &o->cap_add) |= 1ULL << c;
	return 0;
}

/* A limit: a number, or -1 for none. */
static int limit_value(const char *s, size_t len, rlim_t *ret)
{
	char buf[32], *end;
	long long v;

	if (!len || len >= sizeof buf)
		return -1;
	memcpy(buf, s, len);
	buf[len] = '\0';
	errno = 0;
	v = strtoll(buf, &end, 10);
	if (errno || *end || v < -1)
		return -1;
	*ret = v == -1 ? RLIM_INFINITY : (rlim_t)v;
	return 0;
}

int rc_overrides_ulimit(struct rc_overrides *o, const char *arg, struct rc_err *e)
{
	const char *eq = strchr(arg, '='), *colon;
	char name[32] = "RLIMIT_";
	struct rc_rlimit rl, *n;
	size_t k = 7;

	if (!eq)
		return usage_msg(e, "%s: expected NAME=SOFT[:HARD], not \"%s\"", "--ulimit", arg);
	for (const char *p = arg; p < eq && k < sizeof name - 1; p++)
		name[k++] = (char)toupper((unsigned char)*p);
	name[k] = '\0';
	rl.resource = eq - arg < 16 ? rc_rlimit_from_name(name) : -1;
	if (rl.resource < 0)
		return usage_msg(e, "%s: unknown limit in \"%s\" (core, cpu, data, fsize, locks, memlock, "
			     "msgqueue, nice, nofile, nproc, rss, rtprio, rttime, sigpending, stack, as)",
			     "--ulimit", arg);
	colon = strchr(eq + 1, ':');
	if (limit_value(eq + 1, colon ? (size_t)(colon - eq - 1) : strlen(eq + 1), &rl.soft) < 0 ||
	    (colon && limit_value(colon + 1, strlen(colon + 1), &rl.hard) < 0))
		return usage_msg(e, "%s: expected numbers (-1: unlimited) in \"%s\"", "--ulimit", arg);
	if (!colon)
		rl.hard = rl.soft;
	if (rl.soft > rl.hard)
		return usage_msg(e, "%s: the soft limit is above the hard limit in \"%s\"", "--ulimit", arg);
	n = realloc(o->ulimits, (o->nulimits + 1) * sizeof *n);
	if (!n)
		return rc_errf(e, ENOMEM, "allocating");
	o->ulimits = n;
	n[o->nulimits++] = rl;
	return 0;
}

/* A tmpfs option: a mount flag, or one of tmpfs's own KEY=VALUE. */
static bool tmpfs_option_ok(const char *opt)
{
	static const char *const keys[] = { "size=", "mode=", "uid=", "gid=", "nr_inodes=",
					    "nr_blocks=", "mpol=", "huge=" };
	struct rc_mount m = { 0 };

	rc_mount_add_option(&m, opt);
	if (!m.data)
		return !m.bind && !m.propagation && !(m.flags & MS_REMOUNT);
	free(m.data);
	for (size_t i = 0; i < sizeof keys / sizeof *keys; i++)
		if (!strncmp(opt, keys[i], strlen(keys[i])) && opt[strlen(keys[i])])
			return true;
	return false;
}

int rc_overrides_tmpfs(struct rc_overrides *o, const char *arg, struct rc_err *e)
{
	_cleanup_free_ char *copy = strdup(arg);
	char *opts, *save = NULL;

	if (!copy)
		return rc_errf(e, ENOMEM, "allocating");
	opts = strchr(copy, ':');
	if (opts)
		*opts++ = '\0';
	if (copy[0] != '/' || !copy[1])
		return usage_msg(e, "%s: the destination must be an absolute path other than /, in \"%s\"",
				 "--tmpfs", arg);
	for (char *t = opts ? strtok_r(opts, ",", &save) : NULL; t; t = strtok_r(NULL, ",", &save))
		if (!tmpfs_option_ok(t)) {
			rc_errf(e, 0, "--tmpfs: unknown option \"%s\" in \"%s\"", t, arg);
			return usage_err(e);
		}
	return rc_strv_push(&o->tmpfs, arg, e);
}

/* HOST[:DST][:PERMS] into its parts (in buf); perms "" when not given. */
static int split_device(char *buf, char **host, char **dest, char **perms)
{
	char *p[4] = { buf, NULL, NULL, NULL };
	int n = 1;
	unsigned acc;

	for (char *c = buf; *c; c++)
		if (*c == ':') {
			if (n == 3)
				return -1;
			*c = '\0';
			p[n++] = c + 1;
		}
	*host = p[0];
	*dest = NULL;
	*perms = "";
	if (n == 2 && rc_device_access_parse(p[1], &acc) == 0 && p[1][0])
		*perms = p[1];
	else if (n >= 2)
		*dest = p[1];
	if (n == 3)
		*perms = p[2];
	if (rc_device_access_parse(*perms, &acc) < 0 || (n == 3 && !**perms))
		return -1;
	return (*host)[0] == '/' && (!*dest || (*dest)[0] == '/') ? 0 : -1;
}

int rc_overrides_device(struct rc_overrides *o, const char *arg, struct rc_err *e)
{
	_cleanup_free_ char *buf = strdup(arg);
	char *host, *dest, *perms;

	if (!buf)
		return rc_errf(e, ENOMEM, "allocating");
	if (split_device(buf, &host, &dest, &perms) < 0)
		return usage_msg(e, "%s: expected /HOST[:/CONTAINER][:PERMS] with PERMS of r, w and m, "
				 "not \"%s\"", "--device", arg);
	return rc_strv_push(&o->devices, arg, e);
}

/* ---- applying them ---- */

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

/* Whether args begins with the image's Entrypoint ep (the config's args
 * are still what rc-unpack wrote, not replaced wholesale since). */
static bool starts_with(char *const *args, char *const *ep)
{
	size_t i;

	for (i = 0; ep[i]; i++)
		if (!args || !args[i] || strcmp(args[i], ep[i]))
			return false;
	return true;
}

/* The process's args: --entrypoint ("": none) and the command; without
 * --entrypoint, docker run's command after the image's Entrypoint. */
static int apply_command(const struct rc_overrides *o, struct rc_spec *s, struct rc_err *e)
{
	bool cmd = o->cmd && o->cmd[0];
	char **args = NULL;
	int r = 0;

	if (!cmd && !o->entrypoint)
		return 0;
	if (o->entrypoint && *o->entrypoint)
		r = rc_strv_push(&args, o->entrypoint, e);
	else if (!o->entrypoint && o->run && s->entrypoint && starts_with(s->args, s->entrypoint))
		for (size_t i = 0; r == 0 && s->entrypoint[i]; i++)
			r = rc_strv_push(&args, s->entrypoint[i], e);
	for (size_t i = 0; r == 0 && cmd && o->cmd[i]; i++)
		r = rc_strv_push(&args, o->cmd[i], e);
	if (r == 0 && !args && !(args = calloc(1, sizeof *args)))
		r = rc_errf(e, ENOMEM, "allocating");
	if (r < 0) {
		rc_strv_free(args);
		return -1;
	}
	rc_strv_free(s->args);
	s->args = args;
	return 0;
}

static int apply_process(const struct rc_overrides *o, struct rc_spec *s, struct rc_err *e)
{
	for (size_t i = 0; o->env && o->env[i]; i++)
		if (rc_env_set(&s->env, o->env[i], e) < 0)
			return -1;
	if (o->workdir && set_str(&s->cwd, o->workdir, e) < 0)
		return -1;
	if (apply_command(o, s, e) < 0)
		return -1;
	if (o->tty)
		s->terminal = true;
	return 0;
}

/* Every capability there is to give: the ones this process has (a host
 * whose runtime lacks one, as some sandboxes do, cannot give it). */
static uint64_t all_caps(void)
{
	int last = (int)cap_max_bits() - 1;
	cap_t own = cap_get_proc();
	uint64_t m = 0;

	for (int c = 0; own && c <= last && c < 64; c++) {
		cap_flag_value_t v = CAP_CLEAR;
		if (cap_get_flag(own, (cap_value_t)c, CAP_PERMITTED, &v) == 0 && v == CAP_SET)
			m |= 1ULL << c;
	}
	if (own)
		cap_free(own);
	return m;
}

/* docker's order: --cap-add ALL gives every capability but the dropped
 * ones, --cap-drop ALL keeps only the added ones; else the config's sets
 * lose the dropped and gain the added (bounding, effective, permitted). */
static void apply_caps(const struct rc_overrides *o, struct rc_spec *s)
{
	uint64_t keep;

	if (o->cap_add_all) {
		keep = all_caps() & ~o->cap_drop;
		s->cap_bnd = s->cap_eff = s->cap_prm = keep;
	} else if (o->cap_drop_all) {
		keep = o->cap_add;
		s->cap_bnd = s->cap_eff = s->cap_prm = keep;
	} else {
		keep = ~o->cap_drop;
		s->cap_bnd = (s->cap_bnd & keep) | o->cap_add;
		s->cap_eff = (s->cap_eff & keep) | o->cap_add;
		s->cap_prm = (s->cap_prm & keep) | o->cap_add;
	}
	s->cap_inh &= keep;
	s->cap_amb &= keep;
}

/* --privileged (see overrides.h); for rc-exec only the capabilities. */
static int apply_privileged(const struct rc_overrides *o, struct rc_spec *s, struct rc_err *e)
{
	s->cap_bnd = s->cap_eff = s->cap_prm = all_caps();
	if (!o->run)
		return 0;
	free(s->seccomp);
	free(s->seccomp_profile);
	s->seccomp = s->seccomp_profile = NULL;
	s->seccomp_unconfined = true;
	s->no_new_privs = false;
	rc_strv_free(s->masked);
	rc_strv_free(s->readonly);
	s->masked = s->readonly = NULL;
	for (size_t i = 0; i < s->nmounts; i++)
		if (!strcmp(s->mounts[i].type, "sysfs") || !strncmp(s->mounts[i].type, "cgroup", 6))
			s->mounts[i].flags &= ~MS_RDONLY;
	free(s->devices);
	s->devices = calloc(1, sizeof *s->devices);
	if (!s->devices)
		return rc_errf(e, ENOMEM, "allocating");
	s->devices[0] = (struct rc_device_rule){ true, 'a', -1, -1, RC_DEV_ALL };
	s->ndevices = 1;
	s->has_devices = true;
	return rc_devnode_add_all_host(s, e);
}

/* --tmpfs DST[:OPTIONS], replacing any config mount at DST. */
static int add_tmpfs(struct rc_spec *s, const char *arg, struct rc_err *e)
{
	_cleanup_free_ char *copy = strdup(arg);
	char *opts, *save = NULL;
	struct rc_mount m = { 0 }, *n;

	if (!copy)
		return rc_errf(e, ENOMEM, "allocating");
	opts = strchr(copy, ':');
	if (opts)
		*opts++ = '\0';
	for (size_t i = 0; i < s->nmounts; i++)
		if (!strcmp(s->mounts[i].dest, copy)) {
			free(s->mounts[i].dest);
			free(s->mounts[i].type);
			free(s->mounts[i].source);
			free(s->mounts[i].data);
			memmove(&s->mounts[i], &s->mounts[i + 1], (s->nmounts - i - 1) * sizeof *s->mounts);
			s->nmounts--, i--;
		}
	m.flags = MS_NOSUID | MS_NODEV | MS_NOEXEC;
	for (char *t = opts ? strtok_r(opts, ",", &save) : NULL; t; t = strtok_r(NULL, ",", &save))
		rc_mount_add_option(&m, t);
	m.dest = strdup(copy);
	m.type = strdup("tmpfs");
	m.source = strdup("tmpfs");
	n = realloc(s->mounts, (s->nmounts + 1) * sizeof *n);
	if (!m.dest || !m.type || !m.source || !n) {
		free(m.dest), free(m.type), free(m.source), free(m.data);
		if (n)
			s->mounts = n;
		return rc_errf(e, ENOMEM, "allocating");
	}
	s->mounts = n;
	n[s->nmounts++] = m;
	return 0;
}

/* --device HOST[:DST][:PERMS] (checked by rc_overrides_device). */
static int add_device(struct rc_spec *s, const char *arg, struct rc_err *e)
{
	_cleanup_free_ char *buf = strdup(arg);
	char *host, *dest, *perms;
	unsigned access = RC_DEV_ALL;

	if (!buf)
		return rc_errf(e, ENOMEM, "allocating");
	if (split_device(buf, &host, &dest, &perms) < 0)
		return rc_errf(e, EINVAL, "--device %s", arg);
	if (*perms)
		rc_device_access_parse(perms, &access);
	return rc_devnode_add_host(s, host, dest, access, e);
}

/* What rc-unshare's own options change of the container. */
static int apply_container(const struct rc_overrides *o, struct rc_spec *s, struct rc_err *e)
{
	uint64_t bnd = s->cap_bnd, missing = o->cap_add & ~all_caps();

	if (missing) {
		char *name = cap_to_name((cap_value_t)__builtin_ctzll(missing));
		rc_errf(e, 0, "--cap-add %s: rc-unshare does not have this capability to give",
			name ? name : "?");
		cap_free(name);
		return -1;
	}
	if (o->cap_add || o->cap_drop || o->cap_add_all || o->cap_drop_all) {
		apply_caps(o, s);
		if (rc_seccomp_follow_caps(s, bnd, e) < 0)
			return -1;
	}
	for (size_t i = 0; i < o->nulimits; i++)
		if (rc_spec_set_rlimit(s, o->ulimits[i].resource, o->ulimits[i].soft,
				       o->ulimits[i].hard, e) < 0)
			return -1;
	for (size_t i = 0; o->tmpfs && o->tmpfs[i]; i++)
		if (add_tmpfs(s, o->tmpfs[i], e) < 0)
			return -1;
	for (size_t i = 0; o->devices && o->devices[i]; i++)
		if (add_device(s, o->devices[i], e) < 0)
			return -1;
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
	if (o->privileged && apply_privileged(o, s, e) < 0)
		return -1;
	if (o->hostname && set_str(&s->hostname, o->hostname, e) < 0)
		return -1;
	for (size_t i = 0; o->volumes && o->volumes[i]; i++)
		if (add_volume(s, o->volumes[i], e) < 0)
			return -1;
	if (o->read_only)
		s->root_ro = true;
	if (apply_container(o, s, e) < 0)
		return -1;
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
	rc_strv_free(o->tmpfs);
	rc_strv_free(o->devices);
	free(o->ulimits);
	o->env = o->volumes = o->secopts = o->tmpfs = o->devices = NULL;
	o->ulimits = NULL;
	o->nulimits = 0;
}
