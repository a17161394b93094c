/* ocispec.c - OCI runtime config from an image config; see ocispec.h. */
#include "runtime/ocispec.h"
#include "base/cleanup.h"
#include "base/signals.h"
#include "runtime/users.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#define DEFAULT_PATH "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
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

/* ---- the config ---------------------------------------------------------- */

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

static json_t *make_env(json_t *image_env, const char *hostname, const struct rc_user *u)
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
		json_array_append_new(env, json_pack("s+", "HOME=", u->home[0] ? u->home : "/"));
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

static json_t *make_user(const struct rc_user *u)
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
	struct rc_accounts acc;
	struct rc_user u;
	int sig;
	char wdbuf[4096];
	json_t *caps, *spec;

	/* A StopSignal rc-stop could not send is the image's error, found now. */
	if (stopsig && *stopsig && rc_signal_parse(stopsig, &sig, e) < 0)
		return rc_err_prefix(e, "the image's StopSignal");
	if (rc_accounts_read(rootfd, &acc, e) < 0)
		return -1;
	int r = rc_user_resolve(user ? user : "", &acc, &u, e);
	rc_accounts_free(&acc);
	if (r < 0)
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
	rc_user_free(&u);
	if (!spec)
		return rc_errf(e, ENOMEM, "making config.json");
	if (stopsig && *stopsig)
		json_object_set_new(json_object_get(spec, "annotations"), RC_OCI_STOPSIGNAL,
				    json_string(stopsig));
	*ret = spec;
	return 0;
}
