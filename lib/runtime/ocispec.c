/* ocispec.c - OCI runtime config from an image config; see ocispec.h. */
#include "runtime/ocispec.h"
#include "base/cleanup.h"
#include "base/safepath.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#define DEFAULT_PATH "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
#define ACCOUNT_FILE_MAX (4u << 20)
#define NOFILE_SOFT 1024
#define NOFILE_HARD_MAX 524288

/* docker's default capability set */
static const char *const default_caps[] = {
	"CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FSETID", "CAP_FOWNER", "CAP_MKNOD",
	"CAP_NET_RAW", "CAP_SETGID", "CAP_SETUID", "CAP_SETFCAP", "CAP_SETPCAP",
	"CAP_NET_BIND_SERVICE", "CAP_SYS_CHROOT", "CAP_KILL", "CAP_AUDIT_WRITE",
};

static const char *const masked_paths[] = {
	"/proc/asound", "/proc/acpi", "/proc/kcore", "/proc/keys", "/proc/latency_stats",
	"/proc/timer_list", "/proc/timer_stats", "/proc/sched_debug", "/proc/scsi",
	"/sys/firmware", "/sys/devices/virtual/powercap",
};

static const char *const readonly_paths[] = {
	"/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger",
};

static const char *const namespaces[] = {
	"pid", "network", "ipc", "uts", "mount", "cgroup",
};

/* ---- users and groups ---------------------------------------------------- */

static bool parse_id(const char *s, size_t len, unsigned long *ret)
{
	char buf[16], *end;

	if (len == 0 || len >= sizeof buf || s[0] == '-' || s[0] == '+')
		return false;
	memcpy(buf, s, len);
	buf[len] = '\0';
	errno = 0;
	*ret = strtoul(buf, &end, 10);
	return !errno && *end == '\0' && *ret <= 0xfffffffeUL;
}

/* Field i (0-based) of a colon-separated line, as pointer and length. */
static bool field(const char *line, size_t len, int i, const char **ret, size_t *ret_len)
{
	const char *p = line, *end = line + len;

	while (i-- > 0) {
		p = memchr(p, ':', (size_t)(end - p));
		if (!p)
			return false;
		p++;
	}
	*ret = p;
	const char *c = memchr(p, ':', (size_t)(end - p));
	*ret_len = (size_t)((c ? c : end) - p);
	return true;
}

/* Call fn for each line of an account file; stop when it returns non-zero. */
static int each_line(const char *text, int (*fn)(const char *l, size_t n, void *arg), void *arg)
{
	for (const char *p = text; p && *p;) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);
		int r;

		if (n && p[0] != '#' && (r = fn(p, n, arg)))
			return r;
		p = nl ? nl + 1 : NULL;
	}
	return 0;
}

struct pw_match {
	const char *name;   /* match by name ... */
	size_t namelen;
	unsigned long id;   /* ... or by id when name is NULL */
	unsigned long uid, gid;
	char login[256];
	char home[256];
};

static int pw_line(const char *l, size_t n, void *arg)
{
	struct pw_match *m = arg;
	const char *f;
	size_t fl;
	unsigned long uid, gid;

	if (!field(l, n, 2, &f, &fl) || !parse_id(f, fl, &uid) ||
	    !field(l, n, 3, &f, &fl) || !parse_id(f, fl, &gid))
		return 0;
	field(l, n, 0, &f, &fl);
	if (m->name ? (fl != m->namelen || memcmp(f, m->name, fl)) : uid != m->id)
		return 0;
	m->uid = uid;
	m->gid = gid;
	snprintf(m->login, sizeof m->login, "%.*s", (int)fl, f);
	if (field(l, n, 5, &f, &fl))
		snprintf(m->home, sizeof m->home, "%.*s", (int)fl, f);
	return 1;
}

struct gr_match {
	const char *name;
	size_t namelen;
	unsigned long gid;
	const char *member;         /* collect groups listing this member */
	struct rc_oci_user *u;
};

static int gr_line(const char *l, size_t n, void *arg)
{
	struct gr_match *m = arg;
	const char *f;
	size_t fl;
	unsigned long gid;

	if (!field(l, n, 2, &f, &fl) || !parse_id(f, fl, &gid))
		return 0;
	if (m->member) {
		const char *mem;
		size_t ml, want = strlen(m->member);

		if (!field(l, n, 3, &mem, &ml))
			return 0;
		for (const char *p = mem, *end = mem + ml; p < end;) {
			const char *c = memchr(p, ',', (size_t)(end - p));
			size_t len = (size_t)((c ? c : end) - p);

			if (len == want && !memcmp(p, m->member, len) && gid != m->u->gid &&
			    m->u->ngids < RC_OCI_MAX_GIDS) {
				m->u->gids[m->u->ngids++] = (gid_t)gid;
				break;
			}
			p = c ? c + 1 : end;
		}
		return 0;
	}
	field(l, n, 0, &f, &fl);
	if (fl != m->namelen || memcmp(f, m->name, fl))
		return 0;
	m->gid = gid;
	return 1;
}

int rc_oci_user_resolve(const char *user, const char *passwd, const char *group,
			struct rc_oci_user *ret, struct rc_err *e)
{
	const char *colon = strchr(user, ':');
	size_t ulen = colon ? (size_t)(colon - user) : strlen(user);
	struct pw_match pw = { 0 };
	unsigned long id;
	bool found;

	memset(ret, 0, sizeof *ret);
	strcpy(ret->home, "/");
	if (ulen == 0) { /* no user: root, as its passwd entry says */
		pw.id = 0;
	} else if (parse_id(user, ulen, &id)) {
		pw.id = id;
	} else {
		pw.name = user;
		pw.namelen = ulen;
	}
	found = passwd && each_line(passwd, pw_line, &pw);
	if (pw.name && !found)
		return rc_errf(e, 0, "unable to find user %.*s: no matching entries in passwd file",
			       (int)ulen, user);
	ret->uid = (uid_t)(found ? pw.uid : pw.id);
	ret->gid = (gid_t)(found ? pw.gid : 0);
	if (found && pw.home[0])
		snprintf(ret->home, sizeof ret->home, "%s", pw.home);
	if (colon) {
		const char *g = colon + 1;
		struct gr_match gm = { g, strlen(g), 0, NULL, NULL };

		if (!*g)
			return rc_errf(e, 0, "user '%s': empty group", user);
		if (parse_id(g, strlen(g), &id))
			ret->gid = (gid_t)id;
		else if (group && each_line(group, gr_line, &gm))
			ret->gid = (gid_t)gm.gid;
		else
			return rc_errf(e, 0, "unable to find group %s: no matching entries in group file",
				       g);
	} else if (found && group) {
		struct gr_match gm = { NULL, 0, 0, pw.login, ret };
		each_line(group, gr_line, &gm);
	}
	return 0;
}

/* ---- the config ---------------------------------------------------------- */

/* The file is the image's: looked at through an O_PATH descriptor first, and
 * opened for reading only when it is a regular file. A fifo would block the
 * open forever, a device node would be a host device (rc-unpack runs on the
 * host); either counts as missing. */
static int open_account_file(int rootfd, const char *path, struct rc_err *e)
{
	_cleanup_close_ int pfd = rc_sp_open(rootfd, path, O_PATH, 0);
	char proc[64];
	struct stat st;
	int fd;

	if (pfd < 0)
		return errno == ENOENT || errno == ENOTDIR ? -ENOENT
							   : rc_errf(e, errno, "opening /%s", path);
	if (fstat(pfd, &st) < 0)
		return rc_errf(e, errno, "opening /%s", path);
	if (!S_ISREG(st.st_mode))
		return -ENOENT;
	snprintf(proc, sizeof proc, "/proc/self/fd/%d", pfd);
	fd = open(proc, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return rc_errf(e, errno, "opening /%s", path);
	return fd;
}

static int read_account_file(int rootfd, const char *path, char **ret, struct rc_err *e)
{
	_cleanup_close_ int fd = open_account_file(rootfd, path, e);
	_cleanup_free_ char *buf = NULL;
	size_t len = 0;

	*ret = NULL;
	if (fd < 0)
		return fd == -ENOENT ? 0 : -1;
	buf = malloc(ACCOUNT_FILE_MAX + 1);
	if (!buf)
		return rc_errf(e, ENOMEM, "reading /%s", path);
	for (;;) {
		ssize_t n = read(fd, buf + len, ACCOUNT_FILE_MAX - len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return rc_errf(e, errno, "reading /%s", path);
		}
		if (n == 0)
			break;
		len += (size_t)n;
		if (len == ACCOUNT_FILE_MAX)
			return rc_errf(e, EFBIG, "reading /%s", path);
	}
	buf[len] = '\0';
	*ret = rc_steal_ptr(buf);
	return 0;
}

static json_t *string_array(const char *const *v, size_t n)
{
	json_t *a = json_array();

	for (size_t i = 0; a && i < n; i++)
		json_array_append_new(a, json_string(v[i]));
	return a;
}

static bool env_has(json_t *env, const char *key)
{
	size_t i, kl = strlen(key);
	json_t *v;

	json_array_foreach(env, i, v) {
		const char *s = json_string_value(v);
		if (s && !strncmp(s, key, kl) && s[kl] == '=')
			return true;
	}
	return false;
}

static json_t *make_env(json_t *image_env, const char *hostname, const struct rc_oci_user *u)
{
	json_t *env = json_array();
	size_t i;
	json_t *v;

	if (!env)
		return NULL;
	if (!env_has(image_env, "PATH"))
		json_array_append_new(env, json_string(DEFAULT_PATH));
	if (!env_has(image_env, "HOSTNAME"))
		json_array_append_new(env, json_pack("s++", "HOSTNAME", "=", hostname));
	json_array_foreach(image_env, i, v)
		if (json_is_string(v))
			json_array_append(env, v);
	if (!env_has(image_env, "HOME"))
		json_array_append_new(env, json_pack("s+", "HOME=", u->home));
	return env;
}

static json_t *make_args(json_t *cfg)
{
	json_t *args = json_array(), *v;
	const char *keys[] = { "Entrypoint", "Cmd" };
	size_t i;

	for (size_t k = 0; args && k < 2; k++)
		json_array_foreach(json_object_get(cfg, keys[k]), i, v)
			if (json_is_string(v))
				json_array_append(args, v);
	return args;
}

static json_t *make_mounts(void)
{
	return json_pack(
		"[{s:s,s:s,s:s,s:[sss]}, {s:s,s:s,s:s,s:[ssss]}, {s:s,s:s,s:s,s:[ssssss]},"
		" {s:s,s:s,s:s,s:[ssss]}, {s:s,s:s,s:s,s:[sssss]}, {s:s,s:s,s:s,s:[sss]},"
		" {s:s,s:s,s:s,s:[ssss]}]",
		"destination", "/proc", "type", "proc", "source", "proc",
		"options", "nosuid", "noexec", "nodev",
		"destination", "/dev", "type", "tmpfs", "source", "tmpfs",
		"options", "nosuid", "strictatime", "mode=755", "size=65536k",
		"destination", "/dev/pts", "type", "devpts", "source", "devpts",
		"options", "nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5",
		"destination", "/sys", "type", "sysfs", "source", "sysfs",
		"options", "nosuid", "noexec", "nodev", "ro",
		"destination", "/dev/shm", "type", "tmpfs", "source", "shm",
		"options", "nosuid", "noexec", "nodev", "mode=1777", "size=65536k",
		"destination", "/dev/mqueue", "type", "mqueue", "source", "mqueue",
		"options", "nosuid", "noexec", "nodev",
		"destination", "/sys/fs/cgroup", "type", "cgroup", "source", "cgroup",
		"options", "ro", "nosuid", "noexec", "nodev");
}

/* docker's device cgroup rules: deny all, then the usual character devices. */
static json_t *make_devices(void)
{
	static const struct { const char *type; int major, minor; const char *access; } allow[] = {
		{ "c", -1, -1, "m" }, { "b", -1, -1, "m" },
		{ "c", 1, 3, "rwm" }, { "c", 1, 8, "rwm" }, { "c", 1, 7, "rwm" },
		{ "c", 5, 0, "rwm" }, { "c", 1, 5, "rwm" }, { "c", 1, 9, "rwm" },
		{ "c", 136, -1, "rwm" }, { "c", 5, 2, "rwm" }, { "c", 10, 200, "rwm" },
	};
	json_t *a = json_pack("[{s:b,s:s}]", "allow", 0, "access", "rwm");

	for (size_t i = 0; a && i < sizeof allow / sizeof allow[0]; i++) {
		json_t *d = json_pack("{s:b,s:s,s:s}", "allow", 1, "type", allow[i].type,
				      "access", allow[i].access);
		if (d && allow[i].major >= 0)
			json_object_set_new(d, "major", json_integer(allow[i].major));
		if (d && allow[i].minor >= 0)
			json_object_set_new(d, "minor", json_integer(allow[i].minor));
		json_array_append_new(a, d);
	}
	return a;
}

static json_t *make_user(const struct rc_oci_user *u)
{
	json_t *gids = json_array();

	for (size_t i = 0; gids && i < u->ngids; i++)
		json_array_append_new(gids, json_integer(u->gids[i]));
	return json_pack("{s:I,s:I,s:o,s:I}", "uid", (json_int_t)u->uid, "gid", (json_int_t)u->gid,
			 "additionalGids", gids, "umask", (json_int_t)022);
}

static json_t *make_namespaces(void)
{
	json_t *a = json_array();

	for (size_t i = 0; a && i < sizeof namespaces / sizeof namespaces[0]; i++)
		json_array_append_new(a, json_pack("{s:s}", "type", namespaces[i]));
	return a;
}

static json_t *make_rlimits(void)
{
	struct rlimit rl;
	json_int_t hard = NOFILE_HARD_MAX;

	/* never ask for more than this host allows (without
	 * CAP_SYS_RESOURCE a runtime cannot raise a hard limit) */
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_max != RLIM_INFINITY &&
	    (json_int_t)rl.rlim_max < hard)
		hard = (json_int_t)rl.rlim_max;
	return json_pack("[{s:s,s:I,s:I}]", "type", "RLIMIT_NOFILE", "hard", hard, "soft",
			 (json_int_t)(hard < NOFILE_SOFT ? hard : NOFILE_SOFT));
}

static const char *working_dir(json_t *cfg, char *buf, size_t n)
{
	const char *wd = json_string_value(json_object_get(cfg, "WorkingDir"));

	if (!wd || !*wd)
		return "/";
	if (wd[0] == '/')
		return wd;
	snprintf(buf, n, "/%s", wd); /* docker makes a relative one absolute */
	return buf;
}

int rc_oci_config(json_t *image_config, const char *hostname, int rootfd, json_t **ret,
		  struct rc_err *e)
{
	json_t *cfg = json_object_get(image_config, "config");
	const char *user = json_string_value(json_object_get(cfg, "User"));
	const char *stopsig = json_string_value(json_object_get(cfg, "StopSignal"));
	_cleanup_free_ char *passwd = NULL, *group = NULL;
	struct rc_oci_user u;
	char wdbuf[4096];
	json_t *caps, *spec;

	if (read_account_file(rootfd, "etc/passwd", &passwd, e) < 0 ||
	    read_account_file(rootfd, "etc/group", &group, e) < 0)
		return -1;
	if (rc_oci_user_resolve(user ? user : "", passwd, group, &u, e) < 0)
		return -1;
	caps = string_array(default_caps, sizeof default_caps / sizeof default_caps[0]);
	spec = json_pack(
		"{s:s, s:{s:b, s:o, s:o, s:o, s:s, s:{s:O, s:O, s:o}, s:o, s:b},"
		" s:{s:s, s:b}, s:s, s:o, s:{},"
		" s:{s:o, s:{s:o}, s:o, s:o}}",
		"ociVersion", "1.0.2",
		"process", "terminal", 0, "user", make_user(&u), "args", make_args(cfg),
		"env", make_env(json_object_get(cfg, "Env"), hostname, &u),
		"cwd", working_dir(cfg, wdbuf, sizeof wdbuf),
		"capabilities", "bounding", caps, "effective", caps, "permitted", caps,
		"rlimits", make_rlimits(), "noNewPrivileges", 1,
		"root", "path", "rootfs", "readonly", 0,
		"hostname", hostname,
		"mounts", make_mounts(),
		"annotations",
		"linux", "namespaces", make_namespaces(),
		"resources", "devices", make_devices(),
		"maskedPaths", string_array(masked_paths, sizeof masked_paths / sizeof masked_paths[0]),
		"readonlyPaths",
		string_array(readonly_paths, sizeof readonly_paths / sizeof readonly_paths[0]));
	if (!spec)
		return rc_errf(e, ENOMEM, "making config.json");
	if (stopsig && *stopsig)
		json_object_set_new(json_object_get(spec, "annotations"), RC_OCI_STOPSIGNAL,
				    json_string(stopsig));
	*ret = spec;
	return 0;
}
