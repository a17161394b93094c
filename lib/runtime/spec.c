/* spec.c - read an OCI runtime config; see spec.h. */
#include "runtime/spec.h"
#include "base/cleanup.h"
#include "base/fs.h"
#include "runtime/ocispec.h"

#include <ctype.h>
#include <errno.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/mount.h>
#include <sys/stat.h>

void rc_strv_free(char **v)
{
	if (!v)
		return;
	for (char **p = v; *p; p++)
		free(*p);
	free(v);
}

size_t rc_strv_len(char *const *v)
{
	size_t n = 0;

	while (v && v[n])
		n++;
	return n;
}

int rc_strv_push(char ***v, const char *s, struct rc_err *e)
{
	size_t n = rc_strv_len(*v);
	char **nv = realloc(*v, (n + 2) * sizeof *nv);

	if (!nv)
		return rc_errf(e, ENOMEM, "allocating");
	*v = nv;
	nv[n] = strdup(s);
	nv[n + 1] = NULL;
	if (!nv[n])
		return rc_errf(e, ENOMEM, "allocating");
	return 0;
}

static size_t env_keylen(const char *kv)
{
	const char *eq = strchr(kv, '=');

	return eq ? (size_t)(eq - kv) : strlen(kv);
}

const char *rc_env_get(char *const *env, const char *key)
{
	size_t klen = strlen(key);

	for (size_t i = 0; env && env[i]; i++)
		if (env_keylen(env[i]) == klen && !strncmp(env[i], key, klen) && env[i][klen] == '=')
			return env[i] + klen + 1;
	return NULL;
}

int rc_env_set(char ***env, const char *kv, struct rc_err *e)
{
	size_t klen = env_keylen(kv);

	for (size_t i = 0; *env && (*env)[i]; i++) {
		char *cur = (*env)[i];
		if (env_keylen(cur) == klen && !strncmp(cur, kv, klen)) {
			char *n = strdup(kv);
			if (!n)
				return rc_errf(e, ENOMEM, "allocating");
			free(cur);
			(*env)[i] = n;
			return 0;
		}
	}
	return rc_strv_push(env, kv, e);
}

void rc_spec_free(struct rc_spec *s)
{
	rc_strv_free(s->args);
	rc_strv_free(s->entrypoint);
	rc_strv_free(s->env);
	free(s->cwd);
	free(s->gids);
	free(s->rlimits);
	free(s->root_path);
	free(s->hostname);
	for (size_t i = 0; i < s->nmounts; i++) {
		free(s->mounts[i].dest);
		free(s->mounts[i].type);
		free(s->mounts[i].source);
		free(s->mounts[i].data);
	}
	free(s->mounts);
	for (int i = 0; i < RC_NS_MAX; i++)
		free(s->ns_path[i]);
	rc_strv_free(s->masked);
	rc_strv_free(s->readonly);
	free(s->seccomp);
	free(s->seccomp_profile);
	rc_strv_free(s->sysctl);
	free(s->devices);
	for (size_t i = 0; i < s->ndevnodes; i++)
		free(s->devnodes[i].path);
	free(s->devnodes);
	memset(s, 0, sizeof *s);
}

static void spec_init(struct rc_spec *s)
{
	memset(s, 0, sizeof *s);
	s->umask = 022;
	s->mem_limit = s->mem_swap = s->cpu_quota = -1;
	s->pids_limit = 0;
}

struct mount_opt {
	const char *name;
	bool clear;
	unsigned long flag;
};

static const struct mount_opt mount_opts[] = {
	{ "ro", false, MS_RDONLY },          { "rw", true, MS_RDONLY },
	{ "nosuid", false, MS_NOSUID },      { "suid", true, MS_NOSUID },
	{ "nodev", false, MS_NODEV },        { "dev", true, MS_NODEV },
	{ "noexec", false, MS_NOEXEC },      { "exec", true, MS_NOEXEC },
	{ "sync", false, MS_SYNCHRONOUS },   { "async", true, MS_SYNCHRONOUS },
	{ "dirsync", false, MS_DIRSYNC },    { "remount", false, MS_REMOUNT },
	{ "mand", false, MS_MANDLOCK },      { "nomand", true, MS_MANDLOCK },
	{ "noatime", false, MS_NOATIME },    { "atime", true, MS_NOATIME },
	{ "nodiratime", false, MS_NODIRATIME }, { "diratime", true, MS_NODIRATIME },
	{ "relatime", false, MS_RELATIME },  { "norelatime", true, MS_RELATIME },
	{ "strictatime", false, MS_STRICTATIME }, { "nostrictatime", true, MS_STRICTATIME },
};

static const struct mount_opt prop_opts[] = {
	{ "private", false, MS_PRIVATE },    { "rprivate", false, MS_PRIVATE | MS_REC },
	{ "shared", false, MS_SHARED },      { "rshared", false, MS_SHARED | MS_REC },
	{ "slave", false, MS_SLAVE },        { "rslave", false, MS_SLAVE | MS_REC },
	{ "unbindable", false, MS_UNBINDABLE }, { "runbindable", false, MS_UNBINDABLE | MS_REC },
};

bool rc_sysctl_namespaced(const char *key)
{
	static const char *const ipc[] = {
		"kernel.msgmax", "kernel.msgmnb", "kernel.msgmni", "kernel.sem",
		"kernel.shmall", "kernel.shmmax", "kernel.shmmni", "kernel.shm_rmid_forced",
	};

	if (!strncmp(key, "net.", 4) || !strncmp(key, "fs.mqueue.", 10))
		return !strstr(key, "..") && !strchr(key, '/');
	for (size_t i = 0; i < sizeof ipc / sizeof *ipc; i++)
		if (!strcmp(key, ipc[i]))
			return true;
	return false;
}

int rc_spec_add_bind(struct rc_spec *s, const char *source, const char *dest, bool rec, bool ro,
		     struct rc_err *e)
{
	struct rc_mount *m = realloc(s->mounts, (s->nmounts + 1) * sizeof *m);

	if (!m)
		return rc_errf(e, ENOMEM, "allocating");
	s->mounts = m;
	m = &s->mounts[s->nmounts];
	*m = (struct rc_mount){ .dest = strdup(dest), .source = strdup(source),
				.type = strdup("bind"), .bind = true, .rec = rec };
	if (!m->dest || !m->source || !m->type) {
		free(m->dest);
		free(m->source);
		free(m->type);
		return rc_errf(e, ENOMEM, "allocating");
	}
	if (ro)
		rc_mount_add_option(m, "ro");
	s->nmounts++;
	return 0;
}

void rc_mount_add_option(struct rc_mount *m, const char *opt)
{
	for (size_t i = 0; i < sizeof mount_opts / sizeof *mount_opts; i++)
		if (!strcmp(opt, mount_opts[i].name)) {
			if (mount_opts[i].clear)
				m->flags &= ~mount_opts[i].flag;
			else
				m->flags |= mount_opts[i].flag;
			return;
		}
	for (size_t i = 0; i < sizeof prop_opts / sizeof *prop_opts; i++)
		if (!strcmp(opt, prop_opts[i].name)) {
			m->propagation = prop_opts[i].flag;
			return;
		}
	if (!strcmp(opt, "bind") || !strcmp(opt, "rbind")) {
		m->bind = true;
		m->rec = opt[0] == 'r';
		return;
	}
	/* Runtime-specific hints no kernel understands. */
	if (!strcmp(opt, "tmpcopyup") || !strncmp(opt, "idmap", 5) || !strncmp(opt, "ridmap", 6))
		return;
	size_t old = m->data ? strlen(m->data) : 0;
	char *d = realloc(m->data, old + strlen(opt) + 2);
	if (!d)
		return;
	if (old)
		d[old++] = ',';
	strcpy(d + old, opt);
	m->data = d;
}

static int dup_str(json_t *j, const char *what, char **ret, struct rc_err *e)
{
	if (!j)
		return 0;
	if (!json_is_string(j))
		return rc_errf(e, 0, "%s: not a string", what);
	free(*ret);
	*ret = strdup(json_string_value(j));
	return *ret ? 0 : rc_errf(e, ENOMEM, "allocating");
}

int rc_strv_from_json(json_t *j, const char *what, char ***ret, struct rc_err *e)
{
	size_t i;
	json_t *v;

	if (!j)
		return 0;
	if (!json_is_array(j))
		return rc_errf(e, 0, "%s: not an array", what);
	rc_strv_free(*ret);
	*ret = calloc(json_array_size(j) + 1, sizeof **ret);
	if (!*ret)
		return rc_errf(e, ENOMEM, "allocating");
	json_array_foreach(j, i, v) {
		if (!json_is_string(v))
			return rc_errf(e, 0, "%s[%zu]: not a string", what, i);
		(*ret)[i] = strdup(json_string_value(v));
		if (!(*ret)[i])
			return rc_errf(e, ENOMEM, "allocating");
	}
	return 0;
}

static int get_int(json_t *j, const char *what, int64_t *ret, struct rc_err *e)
{
	if (!j || json_is_null(j))
		return 0;
	if (!json_is_integer(j))
		return rc_errf(e, 0, "%s: not an integer", what);
	*ret = json_integer_value(j);
	return 0;
}

/* A uid or gid: 0 to 2^32-2 (-1 means "no id" to the kernel). A larger
 * number must not wrap: 4294967296 would have been uid 0. */
static int get_id(json_t *j, const char *what, uint32_t *ret, struct rc_err *e)
{
	int64_t n = *ret;

	if (get_int(j, what, &n, e) < 0)
		return -1;
	if (n < 0 || n > 0xfffffffeLL)
		return rc_errf(e, 0, "%s: %lld is not a valid id", what, (long long)n);
	*ret = (uint32_t)n;
	return 0;
}

/* "CAP_NET_RAW" -> 13; unknown names (newer than this libcap) are skipped. */
static int caps_mask(json_t *j, const char *what, uint64_t *ret, struct rc_err *e)
{
	size_t i;
	json_t *v;

	*ret = 0;
	if (!j)
		return 0;
	if (!json_is_array(j))
		return rc_errf(e, 0, "%s: not an array", what);
	json_array_foreach(j, i, v) {
		char name[64];
		cap_value_t c;
		size_t k;
		const char *s = json_string_value(v);

		if (!s)
			return rc_errf(e, 0, "%s[%zu]: not a string", what, i);
		for (k = 0; s[k] && k < sizeof name - 1; k++)
			name[k] = (char)tolower((unsigned char)s[k]);
		name[k] = '\0';
		if (cap_from_name(name, &c) < 0 || c < 0 || c > 63)
			continue;
		*ret |= 1ULL << c;
	}
	return 0;
}

static const struct { const char *name; int res; } rlimit_names[] = {
	{ "RLIMIT_AS", RLIMIT_AS }, { "RLIMIT_CORE", RLIMIT_CORE },
	{ "RLIMIT_CPU", RLIMIT_CPU }, { "RLIMIT_DATA", RLIMIT_DATA },
	{ "RLIMIT_FSIZE", RLIMIT_FSIZE }, { "RLIMIT_LOCKS", RLIMIT_LOCKS },
	{ "RLIMIT_MEMLOCK", RLIMIT_MEMLOCK }, { "RLIMIT_MSGQUEUE", RLIMIT_MSGQUEUE },
	{ "RLIMIT_NICE", RLIMIT_NICE }, { "RLIMIT_NOFILE", RLIMIT_NOFILE },
	{ "RLIMIT_NPROC", RLIMIT_NPROC }, { "RLIMIT_RSS", RLIMIT_RSS },
	{ "RLIMIT_RTPRIO", RLIMIT_RTPRIO }, { "RLIMIT_RTTIME", RLIMIT_RTTIME },
	{ "RLIMIT_SIGPENDING", RLIMIT_SIGPENDING }, { "RLIMIT_STACK", RLIMIT_STACK },
};

int rc_rlimit_from_name(const char *name)
{
	for (size_t k = 0; k < sizeof rlimit_names / sizeof *rlimit_names; k++)
		if (!strcmp(name, rlimit_names[k].name))
			return rlimit_names[k].res;
	return -1;
}

const char *rc_rlimit_name(int resource)
{
	for (size_t k = 0; k < sizeof rlimit_names / sizeof *rlimit_names; k++)
		if (rlimit_names[k].res == resource)
			return rlimit_names[k].name;
	return NULL;
}

int rc_spec_set_rlimit(struct rc_spec *s, int resource, rlim_t soft, rlim_t hard, struct rc_err *e)
{
	struct rc_rlimit *n;

	for (size_t i = 0; i < s->nrlimits; i++)
		if (s->rlimits[i].resource == resource) {
			s->rlimits[i].soft = soft;
			s->rlimits[i].hard = hard;
			return 0;
		}
	n = realloc(s->rlimits, (s->nrlimits + 1) * sizeof *n);
	if (!n)
		return rc_errf(e, ENOMEM, "allocating");
	s->rlimits = n;
	n[s->nrlimits++] = (struct rc_rlimit){ resource, soft, hard };
	return 0;
}

int rc_spec_add_devnode(struct rc_spec *s, const struct rc_devnode *d, struct rc_err *e)
{
	struct rc_devnode *n;
	char *path = strdup(d->path);

	if (!path)
		return rc_errf(e, ENOMEM, "allocating");
	for (size_t i = 0; i < s->ndevnodes; i++)
		if (!strcmp(s->devnodes[i].path, d->path)) {
			free(s->devnodes[i].path);
			s->devnodes[i] = *d;
			s->devnodes[i].path = path;
			return 0;
		}
	n = realloc(s->devnodes, (s->ndevnodes + 1) * sizeof *n);
	if (!n) {
		free(path);
		return rc_errf(e, ENOMEM, "allocating");
	}
	s->devnodes = n;
	n[s->ndevnodes] = *d;
	n[s->ndevnodes++].path = path;
	return 0;
}

static int parse_process(json_t *p, struct rc_spec *s, struct rc_err *e)
{
	json_t *user, *caps, *rl, *v;
	int64_t n;
	size_t i;

	if (!p)
		return 0;
	if (!json_is_object(p))
		return rc_errf(e, 0, "process: not an object");
	if (rc_strv_from_json(json_object_get(p, "args"), "process.args", &s->args, e) < 0 ||
	    rc_strv_from_json(json_object_get(p, "env"), "process.env", &s->env, e) < 0 ||
	    dup_str(json_object_get(p, "cwd"), "process.cwd", &s->cwd, e) < 0)
		return -1;
	s->terminal = json_is_true(json_object_get(p, "terminal"));
	v = json_object_get(p, "oomScoreAdj");
	if (json_is_integer(v)) {
		s->has_oom_score_adj = true;
		s->oom_score_adj = (int)json_integer_value(v);
	}
	s->no_new_privs = json_is_true(json_object_get(p, "noNewPrivileges"));
	user = json_object_get(p, "user");
	if (user) {
		if (get_id(json_object_get(user, "uid"), "process.user.uid", &s->uid, e) < 0 ||
		    get_id(json_object_get(user, "gid"), "process.user.gid", &s->gid, e) < 0)
			return -1;
		n = 022;
		if (get_int(json_object_get(user, "umask"), "process.user.umask", &n, e) < 0)
			return -1;
		s->umask = (mode_t)n & 0777;
		v = json_object_get(user, "additionalGids");
		if (json_is_array(v)) {
			json_t *g;
			s->gids = calloc(json_array_size(v) + 1, sizeof *s->gids);
			if (!s->gids)
				return rc_errf(e, ENOMEM, "allocating");
			json_array_foreach(v, i, g) {
				if (!json_is_integer(g))
					return rc_errf(e, 0, "process.user.additionalGids: not an integer");
				if (get_id(g, "process.user.additionalGids", &s->gids[s->ngids], e) < 0)
					return -1;
				s->ngids++;
			}
		}
	}
	caps = json_object_get(p, "capabilities");
	if (caps) {
		if (caps_mask(json_object_get(caps, "bounding"), "bounding", &s->cap_bnd, e) < 0 ||
		    caps_mask(json_object_get(caps, "effective"), "effective", &s->cap_eff, e) < 0 ||
		    caps_mask(json_object_get(caps, "permitted"), "permitted", &s->cap_prm, e) < 0 ||
		    caps_mask(json_object_get(caps, "inheritable"), "inheritable", &s->cap_inh, e) < 0 ||
		    caps_mask(json_object_get(caps, "ambient"), "ambient", &s->cap_amb, e) < 0)
			return rc_err_prefix(e, "process.capabilities");
	}
	rl = json_object_get(p, "rlimits");
	if (json_is_array(rl)) {
		s->rlimits = calloc(json_array_size(rl) + 1, sizeof *s->rlimits);
		if (!s->rlimits)
			return rc_errf(e, ENOMEM, "allocating");
		json_array_foreach(rl, i, v) {
			const char *type = json_string_value(json_object_get(v, "type"));
			json_t *soft = json_object_get(v, "soft"), *hard = json_object_get(v, "hard");
			int res = type ? rc_rlimit_from_name(type) : -1;

			if (res < 0)
				return rc_errf(e, 0, "process.rlimits[%zu]: unknown type %s", i,
					       type ? type : "(none)");
			if (!json_is_integer(soft) || !json_is_integer(hard))
				return rc_errf(e, 0, "process.rlimits[%zu]: soft and hard must be integers", i);
			s->rlimits[s->nrlimits].resource = res;
			s->rlimits[s->nrlimits].soft = (rlim_t)json_integer_value(soft);
			s->rlimits[s->nrlimits].hard = (rlim_t)json_integer_value(hard);
			s->nrlimits++;
		}
	}
	return 0;
}

static int parse_mounts(json_t *ms, struct rc_spec *s, struct rc_err *e)
{
	size_t i, k;
	json_t *m, *o;

	if (!ms)
		return 0;
	if (!json_is_array(ms))
		return rc_errf(e, 0, "mounts: not an array");
	s->mounts = calloc(json_array_size(ms) + 1, sizeof *s->mounts);
	if (!s->mounts)
		return rc_errf(e, ENOMEM, "allocating");
	json_array_foreach(ms, i, m) {
		struct rc_mount *t = &s->mounts[s->nmounts++];
		json_t *opts = json_object_get(m, "options");

		if (dup_str(json_object_get(m, "destination"), "mounts.destination", &t->dest, e) < 0 ||
		    dup_str(json_object_get(m, "type"), "mounts.type", &t->type, e) < 0 ||
		    dup_str(json_object_get(m, "source"), "mounts.source", &t->source, e) < 0)
			return -1;
		if (!t->dest || t->dest[0] != '/')
			return rc_errf(e, 0, "mounts[%zu]: destination must be an absolute path", i);
		if (!t->type && !(t->type = strdup("")))
			return rc_errf(e, ENOMEM, "allocating");
		if (!strcmp(t->type, "bind"))
			t->bind = true;
		json_array_foreach(opts, k, o)
			if (json_is_string(o))
				rc_mount_add_option(t, json_string_value(o));
		if (t->bind && !t->source)
			return rc_errf(e, 0, "mounts[%zu]: a bind mount needs a source", i);
	}
	return 0;
}

/* One linux.resources.devices entry: allow, type (default "a"), major and
 * minor (absent or -1: any), access (default "rwm"). */
static int parse_device(json_t *d, size_t i, struct rc_device_rule *r, struct rc_err *e)
{
	json_t *allow = json_object_get(d, "allow"), *type = json_object_get(d, "type");
	json_t *access = json_object_get(d, "access");
	const char *t = type && !json_is_null(type) ? json_string_value(type) : "a";
	int64_t maj = -1, min = -1;

	if (!json_is_object(d) || !json_is_boolean(allow))
		return rc_errf(e, 0, "linux.resources.devices[%zu]: no allow (true or false)", i);
	if (!t || (strcmp(t, "a") && strcmp(t, "c") && strcmp(t, "b")))
		return rc_errf(e, 0, "linux.resources.devices[%zu]: type must be a, c or b", i);
	if (get_int(json_object_get(d, "major"), "linux.resources.devices.major", &maj, e) < 0 ||
	    get_int(json_object_get(d, "minor"), "linux.resources.devices.minor", &min, e) < 0)
		return -1;
	if (maj < -1 || maj > INT32_MAX || min < -1 || min > INT32_MAX)
		return rc_errf(e, 0, "linux.resources.devices[%zu]: major or minor out of range", i);
	*r = (struct rc_device_rule){ json_is_true(allow), t[0], maj, min, RC_DEV_ALL };
	if (access && !json_is_null(access) &&
	    (!json_is_string(access) || rc_device_access_parse(json_string_value(access), &r->access) < 0))
		return rc_errf(e, 0, "linux.resources.devices[%zu]: access must be made of r, w and m", i);
	return 0;
}

static int parse_devices(json_t *ds, struct rc_spec *s, struct rc_err *e)
{
	size_t i;
	json_t *d;

	if (!ds || json_is_null(ds))
		return 0;
	if (!json_is_array(ds))
		return rc_errf(e, 0, "linux.resources.devices: not an array");
	s->devices = calloc(json_array_size(ds) + 1, sizeof *s->devices);
	if (!s->devices)
		return rc_errf(e, ENOMEM, "allocating");
	json_array_foreach(ds, i, d)
		if (parse_device(d, i, &s->devices[s->ndevices++], e) < 0)
			return -1;
	s->has_devices = true;
	return 0;
}

int rc_spec_device_rules(const struct rc_spec *s, struct rc_device_rule **ret, size_t *nret,
			 struct rc_err *e)
{
	const struct rc_device_rule *own = s->has_devices ? s->devices : rc_default_devices;
	size_t nown = s->has_devices ? s->ndevices : rc_default_ndevices;
	struct rc_device_rule *r = calloc(nown + rc_builtin_ndevices, sizeof *r);

	if (!r)
		return rc_errf(e, ENOMEM, "allocating");
	if (nown)
		memcpy(r, own, nown * sizeof *r);
	memcpy(r + nown, rc_builtin_devices, rc_builtin_ndevices * sizeof *r);
	*ret = r;
	*nret = nown + rc_builtin_ndevices;
	return 0;
}

/* Whether path has a ".." component. */
static bool has_dotdot(const char *path)
{
	for (const char *p = path; (p = strstr(p, "..")); p += 2)
		if ((p == path || p[-1] == '/') && (p[2] == '\0' || p[2] == '/'))
			return true;
	return false;
}

/* linux.devices: the nodes to make, with the OCI defaults (fileMode 0666
 * here as runc's, uid and gid 0). */
static int parse_devnodes(json_t *ds, struct rc_spec *s, struct rc_err *e)
{
	size_t i;
	json_t *d;

	if (!ds || json_is_null(ds))
		return 0;
	if (!json_is_array(ds))
		return rc_errf(e, 0, "linux.devices: not an array");
	json_array_foreach(ds, i, d) {
		const char *path = json_string_value(json_object_get(d, "path"));
		const char *type = json_string_value(json_object_get(d, "type"));
		int64_t maj = -1, min = -1, mode = 0666, uid = 0, gid = 0;
		struct rc_devnode n;

		if (!path || path[0] != '/' || has_dotdot(path))
			return rc_errf(e, 0, "linux.devices[%zu]: path must be absolute, without ..", i);
		if (!type || (strcmp(type, "c") && strcmp(type, "u") && strcmp(type, "b")))
			return rc_errf(e, 0, "linux.devices[%zu]: type must be c, u or b", i);
		if (get_int(json_object_get(d, "major"), "linux.devices.major", &maj, e) < 0 ||
		    get_int(json_object_get(d, "minor"), "linux.devices.minor", &min, e) < 0 ||
		    get_int(json_object_get(d, "fileMode"), "linux.devices.fileMode", &mode, e) < 0 ||
		    get_int(json_object_get(d, "uid"), "linux.devices.uid", &uid, e) < 0 ||
		    get_int(json_object_get(d, "gid"), "linux.devices.gid", &gid, e) < 0)
			return -1;
		if (maj < 0 || maj > UINT32_MAX || min < 0 || min > UINT32_MAX || uid < 0 || gid < 0 ||
		    uid > UINT32_MAX || gid > UINT32_MAX)
			return rc_errf(e, 0, "linux.devices[%zu]: major, minor, uid and gid must be given and "
				       "not negative", i);
		n = (struct rc_devnode){ (char *)path, type[0] == 'b' ? 'b' : 'c', maj, min,
					 (mode_t)mode & 07777, (uid_t)uid, (gid_t)gid };
		if (rc_spec_add_devnode(s, &n, e) < 0)
			return -1;
	}
	return 0;
}

static int parse_linux(json_t *l, struct rc_spec *s, struct rc_err *e)
{
	json_t *nss, *n, *res, *v;
	size_t i;

	if (!l)
		return 0;
	nss = json_object_get(l, "namespaces");
	json_array_foreach(nss, i, n) {
		const char *type = json_string_value(json_object_get(n, "type"));
		int k;

		if (!type)
			return rc_errf(e, 0, "linux.namespaces[%zu]: no type", i);
		for (k = 0; k < RC_NS_MAX; k++)
			if (!strcmp(type, rc_ns_names[k].oci))
				break;
		if (k == RC_NS_MAX) {
			if (!strcmp(type, "time"))
				continue; /* the clock stays the host's; harmless */
			return rc_errf(e, 0, "linux.namespaces: %s namespaces are not supported", type);
		}
		s->ns[k] = true;
		if (dup_str(json_object_get(n, "path"), "linux.namespaces.path", &s->ns_path[k], e) < 0)
			return -1;
	}
	if (parse_devnodes(json_object_get(l, "devices"), s, e) < 0)
		return -1;
	if (rc_strv_from_json(json_object_get(l, "maskedPaths"), "linux.maskedPaths", &s->masked, e) < 0 ||
	    rc_strv_from_json(json_object_get(l, "readonlyPaths"), "linux.readonlyPaths", &s->readonly, e) < 0)
		return -1;
	const char *key;
	json_object_foreach(json_object_get(l, "sysctl"), key, v) {
		char *kv;
		int r;
		if (!json_is_string(v))
			return rc_errf(e, 0, "linux.sysctl.%s: not a string", key);
		if (!rc_sysctl_namespaced(key))
			return rc_errf(e, 0, "linux.sysctl: %s is not namespaced: a container may not set it", key);
		if (asprintf(&kv, "%s=%s", key, json_string_value(v)) < 0)
			return rc_errf(e, ENOMEM, "allocating");
		r = rc_strv_push(&s->sysctl, kv, e);
		free(kv);
		if (r < 0)
			return -1;
	}
	v = json_object_get(l, "seccomp");
	if (v && !json_is_null(v) && !(s->seccomp = json_dumps(v, JSON_COMPACT)))
		return rc_errf(e, ENOMEM, "allocating");
	res = json_object_get(l, "resources");
	if (res) {
		v = json_object_get(res, "memory");
		if (get_int(json_object_get(v, "limit"), "memory.limit", &s->mem_limit, e) < 0 ||
		    get_int(json_object_get(v, "swap"), "memory.swap", &s->mem_swap, e) < 0)
			return -1;
		v = json_object_get(res, "cpu");
		int64_t period = 0;
		if (get_int(json_object_get(v, "quota"), "cpu.quota", &s->cpu_quota, e) < 0 ||
		    get_int(json_object_get(v, "period"), "cpu.period", &period, e) < 0)
			return -1;
		s->cpu_period = period > 0 ? (uint64_t)period : 0;
		v = json_object_get(res, "pids");
		if (get_int(json_object_get(v, "limit"), "pids.limit", &s->pids_limit, e) < 0 ||
		    parse_devices(json_object_get(res, "devices"), s, e) < 0)
			return -1;
		if (json_is_integer(json_object_get(v, "limit")) && s->pids_limit <= 0)
			s->pids_limit = -1; /* runc: 0 or less is no limit */
	}
	return 0;
}

/* rc-unpack's record of the image's Entrypoint (ocispec.h). */
static int parse_entrypoint(json_t *annotations, struct rc_spec *s, struct rc_err *e)
{
	const char *text = json_string_value(json_object_get(annotations, RC_OCI_ENTRYPOINT));
	json_auto_t *j = NULL;

	if (!text)
		return 0;
	j = json_loads(text, 0, NULL);
	if (!json_is_array(j) ||
	    rc_strv_from_json(j, "annotations." RC_OCI_ENTRYPOINT, &s->entrypoint, e) < 0) {
		rc_strv_free(s->entrypoint);
		s->entrypoint = NULL;
		return rc_errf(e, 0, "annotations.%s: not a JSON array of strings", RC_OCI_ENTRYPOINT);
	}
	return 0;
}

int rc_spec_parse(const char *text, struct rc_spec *ret, struct rc_err *e)
{
	json_auto_t *j = NULL;
	json_error_t jerr;
	json_t *root, *hn;
	struct rc_spec s;

	spec_init(&s);
	j = json_loads(text, 0, &jerr);
	if (!j)
		return rc_errf(e, 0, "not valid JSON: line %d: %s", jerr.line, jerr.text);
	if (!json_is_object(j))
		return rc_errf(e, 0, "not a JSON object");
	root = json_object_get(j, "root");
	if (dup_str(json_object_get(root, "path"), "root.path", &s.root_path, e) < 0) {
		rc_spec_free(&s);
		return -1;
	}
	if (!s.root_path) {
		rc_spec_free(&s);
		return rc_errf(e, 0, "no root.path");
	}
	s.root_ro = json_is_true(json_object_get(root, "readonly"));
	hn = json_object_get(j, "hostname");
	if (dup_str(hn, "hostname", &s.hostname, e) < 0 ||
	    parse_process(json_object_get(j, "process"), &s, e) < 0 ||
	    parse_mounts(json_object_get(j, "mounts"), &s, e) < 0 ||
	    parse_linux(json_object_get(j, "linux"), &s, e) < 0 ||
	    parse_entrypoint(json_object_get(j, "annotations"), &s, e) < 0) {
		rc_spec_free(&s);
		return -1;
	}
	if (!s.args && rc_strv_push(&s.args, "", e) < 0) {
		rc_spec_free(&s);
		return -1;
	}
	/* No args, or [""] alone, is "no command", kept as an empty vector. Only
	 * then: ["", "x"] is a command (that exec will not find), and emptying
	 * it lost (and leaked) "x". */
	if (s.args[0] && !s.args[0][0] && !s.args[1]) {
		free(s.args[0]);
		s.args[0] = NULL;
	}
	if (!s.cwd && !(s.cwd = strdup("/"))) {
		rc_spec_free(&s);
		return rc_errf(e, ENOMEM, "allocating");
	}
	*ret = s;
	return 0;
}

int rc_spec_rootfs(const struct rc_spec *s, const char *bundle, char out[static PATH_MAX],
		   struct rc_err *e)
{
	_cleanup_free_ char *path = NULL;
	struct stat st;

	if (asprintf(&path, "%s/%s", s->root_path[0] == '/' ? "" : bundle, s->root_path) < 0)
		return rc_errf(e, ENOMEM, "allocating");
	errno = 0;
	if (!realpath(path, out) || stat(out, &st) < 0 || !S_ISDIR(st.st_mode))
		return rc_errf(e, errno ? errno : ENOTDIR, "root filesystem %s", path);
	return 0;
}

int rc_spec_load(int dirfd, const char *name, struct rc_spec *ret, struct rc_err *e)
{
	_cleanup_free_ char *text = NULL;

	if (rc_read_file_at(dirfd, name, 16 << 20, &text, NULL, e) < 0)
		return -1;
	if (rc_spec_parse(text, ret, e) < 0)
		return rc_err_prefix(e, "reading %s", name);
	return 0;
}

/* Docker's defaults, as rc-unpack writes them, with sh as the command. */
int rc_spec_default(struct rc_spec *ret, struct rc_err *e)
{
	json_auto_t *j = NULL;
	_cleanup_free_ char *text = NULL;

	if (rc_oci_defaults(&j, e) < 0)
		return -1;
	if (json_object_set_new(json_object_get(j, "process"), "args", json_pack("[s]", "/bin/sh")) < 0 ||
	    !(text = json_dumps(j, JSON_COMPACT)))
		return rc_errf(e, ENOMEM, "allocating");
	return rc_spec_parse(text, ret, e);
}
