/* ocispec.c - OCI runtime config from an image config; see ocispec.h. */
#include "runtime/ocispec.h"
#include "base/cleanup.h"
#include "base/signals.h"
#include "runtime/defaults.h"
#include "runtime/sysprofile.h"
#include "runtime/users.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>


/* ---- the config ---------------------------------------------------------- */

/* ---- docker's defaults as JSON --------------------------------------------- */

static json_t *string_array(const char *const *v)
{
	json_t *a = json_array();

	for (size_t i = 0; a && v[i]; i++)
		json_array_append_new(a, json_string(v[i]));
	return a;
}

static json_t *caps_array(void)
{
	json_t *a = json_array();

	for (size_t i = 0; a && i < rc_default_ncaps; i++)
		json_array_append_new(a, json_string(rc_default_caps[i].name));
	return a;
}

static json_t *make_mounts(void)
{
	json_t *a = json_array();

	for (size_t i = 0; a && i < rc_default_nmounts; i++) {
		const struct rc_default_mount *m = &rc_default_mounts[i];
		json_array_append_new(a, json_pack("{s:s,s:s,s:s,s:o}", "destination", m->dest,
						   "type", m->type, "source", m->source,
						   "options", string_array(m->options)));
	}
	return a;
}

static json_t *make_devices(void)
{
	json_t *a = json_array();

	for (size_t i = 0; a && i < rc_default_ndevices; i++) {
		const struct rc_device_rule *r = &rc_default_devices[i];
		char access[4], *p = access;
		json_t *d;

		if (r->access & RC_DEV_READ)
			*p++ = 'r';
		if (r->access & RC_DEV_WRITE)
			*p++ = 'w';
		if (r->access & RC_DEV_MKNOD)
			*p++ = 'm';
		*p = '\0';
		d = json_pack("{s:b}", "allow", r->allow);
		if (d && r->type != 'a')
			json_object_set_new(d, "type", json_stringn(&r->type, 1));
		if (d && r->type != 'a' && r->major >= 0)
			json_object_set_new(d, "major", json_integer(r->major));
		if (d && r->type != 'a' && r->minor >= 0)
			json_object_set_new(d, "minor", json_integer(r->minor));
		if (d)
			json_object_set_new(d, "access", json_string(access));
		json_array_append_new(a, d);
	}
	return a;
}

static json_t *make_namespaces(void)
{
	json_t *a = json_array();

	for (size_t i = 0; a && i < RC_NS_MAX; i++)
		json_array_append_new(a, json_pack("{s:s}", "type", rc_ns_names[i].oci));
	return a;
}

static json_t *make_rlimits(void)
{
	struct rlimit rl;
	json_int_t hard = RC_DEFAULT_NOFILE_HARD;

	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_max != RLIM_INFINITY &&
	    (json_int_t)rl.rlim_max < hard)
		hard = (json_int_t)rl.rlim_max;
	return json_pack("[{s:s,s:I,s:I}]", "type", "RLIMIT_NOFILE", "hard", hard, "soft",
			 (json_int_t)(hard < RC_DEFAULT_NOFILE_SOFT ? hard : RC_DEFAULT_NOFILE_SOFT));
}

int rc_oci_defaults(json_t **ret, struct rc_err *e)
{
	json_t *caps = caps_array(), *seccomp;
	json_t *spec = json_pack(
		"{s:s, s:{s:b, s:{s:i,s:i}, s:[], s:[s+], s:s, s:{s:O, s:O, s:o}, s:o, s:b},"
		" s:{s:s, s:b}, s:o,"
		" s:{s:o, s:{s:o}, s:o, s:o}}",
		"ociVersion", "1.0.2",
		"process", "terminal", 0, "user", "uid", 0, "gid", 0, "args",
		"env", "PATH=", RC_DEFAULT_PATH, "cwd", "/",
		"capabilities", "bounding", caps, "effective", caps, "permitted", caps,
		"rlimits", make_rlimits(), "noNewPrivileges", 1,
		"root", "path", "rootfs", "readonly", 0,
		"mounts", make_mounts(),
		"linux", "namespaces", make_namespaces(),
		"resources", "devices", make_devices(),
		"maskedPaths", string_array(rc_default_masked),
		"readonlyPaths", string_array(rc_default_readonly));

	if (!spec)
		return rc_errf(e, ENOMEM, "making config.json");
	/* docker's profile, resolved for the capabilities above, as docker
	 * writes it into a container's config */
	if (rc_sysprofile_resolve(rc_seccomp_default_profile, rc_default_caps_mask(), NULL, &seccomp,
				  e) < 0) {
		json_decref(spec);
		return -1;
	}
	if (json_object_set_new(json_object_get(spec, "linux"), "seccomp", seccomp) < 0) {
		json_decref(spec);
		return rc_errf(e, ENOMEM, "making config.json");
	}
	*ret = spec;
	return 0;
}

/* ---- the image's settings ------------------------------------------------- */

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
		json_array_append_new(env, json_string("PATH=" RC_DEFAULT_PATH));
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

static json_t *make_user(const struct rc_user *u)
{
	json_t *gids = json_array();

	for (size_t i = 0; gids && i < u->ngids; i++)
		json_array_append_new(gids, json_integer(u->gids[i]));
	return json_pack("{s:I,s:I,s:o,s:I}", "uid", (json_int_t)u->uid, "gid", (json_int_t)u->gid,
			 "additionalGids", gids, "umask", (json_int_t)022);
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
	char wdbuf[4096];
	json_t *spec, *process;
	int sig, r;

	/* A StopSignal rc-stop could not send is the image's error, found now. */
	if (stopsig && *stopsig && rc_signal_parse(stopsig, &sig, e) < 0)
		return rc_err_prefix(e, "the image's StopSignal");
	if (rc_accounts_read(rootfd, &acc, e) < 0)
		return -1;
	r = rc_user_resolve(user ? user : "", &acc, &u, e);
	rc_accounts_free(&acc);
	if (r < 0)
		return -1;
	if (rc_oci_defaults(&spec, e) < 0) {
		rc_user_free(&u);
		return -1;
	}
	process = json_object_get(spec, "process");
	if (json_object_set_new(process, "user", make_user(&u)) < 0 ||
	    json_object_set_new(process, "args", make_args(cfg)) < 0 ||
	    json_object_set_new(process, "env", make_env(json_object_get(cfg, "Env"), hostname, &u)) < 0 ||
	    json_object_set_new(process, "cwd", json_string(working_dir(cfg, wdbuf, sizeof wdbuf))) < 0 ||
	    json_object_set_new(spec, "hostname", json_string(hostname)) < 0 ||
	    json_object_set_new(spec, "annotations", json_object()) < 0 ||
	    (stopsig && *stopsig &&
	     json_object_set_new(json_object_get(spec, "annotations"), RC_OCI_STOPSIGNAL,
				 json_string(stopsig)) < 0)) {
		rc_user_free(&u);
		json_decref(spec);
		return rc_errf(e, ENOMEM, "making config.json");
	}
	rc_user_free(&u);
	*ret = spec;
	return 0;
}
