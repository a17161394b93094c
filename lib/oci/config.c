/* config.c - a bundle's config.json for rc-oci; see config.h. */
#include "oci/config.h"
#include "base/cleanup.h"
#include "base/fs.h"
#include "runtime/defaults.h"
#include "runtime/secopt.h"
#include "runtime/sysfilter.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>

/* A field that is set to something other than nothing. */
static bool set(json_t *j)
{
	if (!j || json_is_null(j) || json_is_false(j))
		return false;
	if (json_is_string(j))
		return json_string_length(j) > 0;
	if (json_is_array(j))
		return json_array_size(j) > 0;
	if (json_is_object(j))
		return json_object_size(j) > 0;
	return true;
}

static int refuse(struct rc_err *e, const char *field, const char *why)
{
	return rc_errf(e, 0, "%s: %s", field, why);
}

/* The fields of config.json rc-oci does not apply: refused when set. */
static int check_unsupported(json_t *j, struct rc_err *e)
{
	json_t *p = json_object_get(j, "process"), *l = json_object_get(j, "linux");
	static const char *const other_os[] = { "solaris", "windows", "vm", "zos" };

	for (size_t i = 0; i < sizeof other_os / sizeof *other_os; i++)
		if (set(json_object_get(j, other_os[i])))
			return refuse(e, other_os[i], "rc-oci runs Linux containers only");
	if (set(json_object_get(p, "apparmorProfile")) &&
	    strcmp(json_string_value(json_object_get(p, "apparmorProfile")) ?: "", "unconfined"))
		return refuse(e, "process.apparmorProfile", "rc-oci does not apply AppArmor profiles");
	if (set(json_object_get(p, "selinuxLabel")))
		return refuse(e, "process.selinuxLabel", "rc-oci does not apply SELinux labels");
	if (set(json_object_get(l, "mountLabel")))
		return refuse(e, "linux.mountLabel", "rc-oci does not apply SELinux labels");
	if (set(json_object_get(p, "ioPriority")))
		return refuse(e, "process.ioPriority", "not supported by rc-oci");
	if (set(json_object_get(p, "scheduler")))
		return refuse(e, "process.scheduler", "not supported by rc-oci");
	if (set(json_object_get(p, "execCPUAffinity")))
		return refuse(e, "process.execCPUAffinity", "not supported by rc-oci");
	if (set(json_object_get(l, "uidMappings")) || set(json_object_get(l, "gidMappings")))
		return refuse(e, "linux.uidMappings", "user namespaces are not supported by rc-oci");
	if (set(json_object_get(l, "timeOffsets")))
		return refuse(e, "linux.timeOffsets", "time namespaces are not supported by rc-oci");
	if (set(json_object_get(l, "intelRdt")))
		return refuse(e, "linux.intelRdt", "not supported by rc-oci");
	if (set(json_object_get(l, "personality")))
		return refuse(e, "linux.personality", "not supported by rc-oci");
	json_t *sc = json_object_get(l, "seccomp");
	if (set(json_object_get(sc, "flags")))
		return refuse(e, "linux.seccomp.flags", "not supported by rc-oci");
	if (set(json_object_get(sc, "listenerPath")))
		return refuse(e, "linux.seccomp.listenerPath", "seccomp notification is not supported by rc-oci");
	size_t i;
	json_t *n;
	json_array_foreach(json_object_get(l, "namespaces"), i, n) {
		const char *type = json_string_value(json_object_get(n, "type"));
		if (type && !strcmp(type, "time"))
			return refuse(e, "linux.namespaces", "time namespaces are not supported by rc-oci");
		if (type && !strcmp(type, "mount") && set(json_object_get(n, "path")))
			return refuse(e, "linux.namespaces", "joining a mount namespace is not supported by rc-oci");
	}
	return 0;
}

/* Mount options and fields rc's mounts.h would not apply. */
static int check_mounts(json_t *ms, struct rc_err *e)
{
	size_t i, k;
	json_t *m, *o;

	json_array_foreach(ms, i, m) {
		char field[48];
		snprintf(field, sizeof field, "mounts[%zu]", i);
		if (set(json_object_get(m, "uidMappings")) || set(json_object_get(m, "gidMappings")))
			return refuse(e, field, "ID-mapped mounts are not supported by rc-oci");
		json_array_foreach(json_object_get(m, "options"), k, o) {
			const char *opt = json_string_value(o);
			if (!opt)
				return rc_errf(e, 0, "%s.options[%zu]: not a string", field, k);
			if (!strcmp(opt, "tmpcopyup") || !strncmp(opt, "idmap", 5) || !strncmp(opt, "ridmap", 6))
				return rc_errf(e, 0, "%s: option %s is not supported by rc-oci", field, opt);
		}
	}
	return 0;
}

static int parse_propagation(json_t *l, struct rc_oci_config *c, struct rc_err *e)
{
	static const struct { const char *name; unsigned long flags; } props[] = {
		{ "private", MS_PRIVATE }, { "rprivate", MS_PRIVATE | MS_REC },
		{ "slave", MS_SLAVE }, { "rslave", MS_SLAVE | MS_REC },
		{ "shared", MS_SHARED }, { "rshared", MS_SHARED | MS_REC },
		{ "unbindable", MS_UNBINDABLE }, { "runbindable", MS_UNBINDABLE | MS_REC },
	};
	json_t *v = json_object_get(l, "rootfsPropagation");
	const char *s = json_string_value(v);

	if (!set(v))
		return 0;
	for (size_t i = 0; s && i < sizeof props / sizeof *props; i++)
		if (!strcmp(s, props[i].name)) {
			c->root_propagation = props[i].flags;
			return 0;
		}
	return rc_errf(e, 0, "linux.rootfsPropagation: unknown propagation \"%s\"", s ? s : "");
}

static int get_id(json_t *j, const char *what, int64_t min, int64_t max, int64_t *ret, struct rc_err *e)
{
	if (!j || json_is_null(j))
		return 0;
	if (!json_is_integer(j) || json_integer_value(j) < min || json_integer_value(j) > max)
		return rc_errf(e, 0, "%s: not an integer from %lld to %lld", what, (long long)min, (long long)max);
	*ret = json_integer_value(j);
	return 0;
}

static int parse_device(json_t *d, size_t i, struct rc_oci_devnode *n, struct rc_err *e)
{
	const char *path = json_string_value(json_object_get(d, "path"));
	const char *type = json_string_value(json_object_get(d, "type"));
	int64_t mode = 0666, uid = 0, gid = 0;
	char what[48];

	snprintf(what, sizeof what, "linux.devices[%zu]", i);
	if (!path || path[0] != '/' || strstr(path, "/../") || !strcmp(path + strlen(path) - 3, "/.."))
		return rc_errf(e, 0, "%s: path must be an absolute path", what);
	if (!type || strlen(type) != 1 || !strchr("cbup", type[0]))
		return rc_errf(e, 0, "%s: type must be c, b, u or p", what);
	n->type = type[0];
	n->major = n->minor = 0;
	if (n->type != 'p' && (!json_is_integer(json_object_get(d, "major")) ||
			       !json_is_integer(json_object_get(d, "minor"))))
		return rc_errf(e, 0, "%s: a device needs its major and minor numbers", what);
	if (get_id(json_object_get(d, "major"), what, 0, 0xfff, &n->major, e) < 0 ||
	    get_id(json_object_get(d, "minor"), what, 0, 0xfffff, &n->minor, e) < 0 ||
	    get_id(json_object_get(d, "fileMode"), what, 0, 07777, &mode, e) < 0 ||
	    get_id(json_object_get(d, "uid"), what, 0, UINT32_MAX - 1, &uid, e) < 0 ||
	    get_id(json_object_get(d, "gid"), what, 0, UINT32_MAX - 1, &gid, e) < 0)
		return -1;
	n->mode = (mode_t)mode;
	n->uid = (uid_t)uid;
	n->gid = (gid_t)gid;
	n->path = strdup(path);
	return n->path ? 0 : rc_errf(e, ENOMEM, "allocating");
}

static int parse_devices(json_t *ds, struct rc_oci_config *c, struct rc_err *e)
{
	size_t i;
	json_t *d;

	if (!set(ds))
		return 0;
	if (!json_is_array(ds))
		return rc_errf(e, 0, "linux.devices: not an array");
	c->devices = calloc(json_array_size(ds), sizeof *c->devices);
	if (!c->devices)
		return rc_errf(e, ENOMEM, "allocating");
	json_array_foreach(ds, i, d)
		if (parse_device(d, i, &c->devices[c->ndevices++], e) < 0)
			return -1;
	return 0;
}

/* What needs more than one field to check. */
static int check_together(struct rc_oci_config *c, struct rc_err *e)
{
	const struct rc_spec *s = &c->spec;

	if (!s->ns[RC_NS_MNT])
		return rc_errf(e, 0, "linux.namespaces: rc-oci needs a mount namespace of the container's own");
	if (s->hostname && *s->hostname && !s->ns[RC_NS_UTS])
		return rc_errf(e, 0, "hostname: setting it needs a UTS namespace of the container's own");
	if (c->domainname && *c->domainname && !s->ns[RC_NS_UTS])
		return rc_errf(e, 0, "domainname: setting it needs a UTS namespace of the container's own");
	return 0;
}

static int parse_extras(struct rc_oci_config *c, struct rc_err *e)
{
	json_t *j = c->json, *l = json_object_get(j, "linux"), *p = json_object_get(j, "process");
	json_t *v, *cs;
	const char *key;

	if (check_unsupported(j, e) < 0 || check_mounts(json_object_get(j, "mounts"), e) < 0)
		return -1;
	v = json_object_get(l, "cgroupsPath");
	if (v && !json_is_null(v) && !json_is_string(v))
		return rc_errf(e, 0, "linux.cgroupsPath: not a string");
	c->cgroups_path = set(v) ? json_string_value(v) : NULL;
	v = json_object_get(j, "domainname");
	if (v && !json_is_string(v))
		return rc_errf(e, 0, "domainname: not a string");
	c->domainname = json_string_value(v);
	c->annotations = json_object_get(j, "annotations");
	if (c->annotations && !json_is_object(c->annotations))
		return rc_errf(e, 0, "annotations: not an object");
	json_object_foreach(c->annotations, key, v)
		if (!json_is_string(v))
			return rc_errf(e, 0, "annotations.%s: not a string", key);
	if (!c->annotations) {
		c->annotations = json_object();
		json_object_set_new(j, "annotations", c->annotations);
	}
	cs = json_object_get(p, "consoleSize");
	if (set(cs)) {
		json_t *h = json_object_get(cs, "height"), *w = json_object_get(cs, "width");
		if (!json_is_integer(h) || !json_is_integer(w) || json_integer_value(h) < 0 ||
		    json_integer_value(h) > 65535 || json_integer_value(w) < 0 || json_integer_value(w) > 65535)
			return rc_errf(e, 0, "process.consoleSize: height and width must be from 0 to 65535");
		c->has_console_size = true;
		c->console_rows = (unsigned short)json_integer_value(h);
		c->console_cols = (unsigned short)json_integer_value(w);
	}
	if (parse_propagation(l, c, e) < 0 || parse_devices(json_object_get(l, "devices"), c, e) < 0 ||
	    rc_oci_hooks_parse(json_object_get(j, "hooks"), &c->hooks, e) < 0)
		return -1;
	return check_together(c, e);
}

int rc_oci_config_parse(const char *text, struct rc_oci_config *ret, struct rc_err *e)
{
	struct rc_oci_config c = { 0 };
	json_error_t jerr;

	c.json = json_loads(text, 0, &jerr);
	if (!c.json)
		return rc_errf(e, 0, "config.json: not valid JSON: line %d: %s", jerr.line, jerr.text);
	if (!json_is_object(c.json)) {
		json_decref(c.json);
		return rc_errf(e, 0, "config.json: not a JSON object");
	}
	c.text = strdup(text);
	if (!c.text || rc_spec_parse(text, &c.spec, e) < 0 || parse_extras(&c, e) < 0) {
		if (!c.text)
			rc_errf(e, ENOMEM, "allocating");
		rc_oci_config_free(&c);
		return rc_err_prefix(e, "config.json");
	}
	/* The engine's config is the whole truth: no filter unless it has one. */
	if (!c.spec.seccomp)
		c.spec.seccomp_unconfined = true;
	*ret = c;
	return 0;
}

int rc_oci_config_load(const char *bundle, struct rc_oci_config *ret, struct rc_err *e)
{
	_cleanup_close_ int dfd = open(bundle, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	_cleanup_free_ char *text = NULL;

	if (dfd < 0)
		return rc_errf(e, errno, "bundle %s", bundle);
	if (rc_read_file_at(dfd, "config.json", 16 << 20, &text, NULL, e) < 0)
		return rc_err_prefix(e, "bundle %s", bundle);
	return rc_oci_config_parse(text, ret, e);
}

int rc_oci_config_set_process(struct rc_oci_config *c, const char *process_json, struct rc_err *e)
{
	json_error_t jerr;
	json_t *p = json_loads(process_json, 0, &jerr);
	struct rc_oci_config n;
	_cleanup_free_ char *text = NULL;
	int r;

	if (!json_is_object(p)) {
		json_decref(p);
		return rc_errf(e, 0, "the process: not a JSON object%s%s", p ? "" : ": ", p ? "" : jerr.text);
	}
	if (json_object_set_new(c->json, "process", p) < 0 || !(text = json_dumps(c->json, JSON_COMPACT)))
		return rc_errf(e, ENOMEM, "allocating");
	r = rc_oci_config_parse(text, &n, e);
	if (r < 0)
		return rc_err_prefix(e, "the process");
	rc_oci_config_free(c);
	*c = n;
	return 0;
}

int rc_oci_config_seccomp(const struct rc_oci_config *c, int cache_dirfd, struct rc_seccomp **ret,
			  struct rc_err *e)
{
	_cleanup_free_ char *text = NULL;
	uint64_t h = 14695981039346656037ULL;
	char name[40];

	*ret = NULL;
	if (rc_spec_seccomp(&c->spec, &text, e) < 0)
		return rc_err_prefix(e, "linux.seccomp");
	if (!text)
		return 0;
	/* FNV-1a of the profile names its entry; the entry holds the text,
	 * compared before use, so that a collision costs a compile only. */
	for (const unsigned char *p = (const unsigned char *)text; *p; p++)
		h = (h ^ *p) * 1099511628211ULL;
	snprintf(name, sizeof name, "seccomp-%016llx.bpf", (unsigned long long)h);
	if (rc_seccomp_build_cached(text, cache_dirfd, name, ret, e) < 0)
		return rc_err_prefix(e, "linux.seccomp");
	return 0;
}

void rc_oci_config_free(struct rc_oci_config *c)
{
	rc_spec_free(&c->spec);
	rc_oci_hooks_free(&c->hooks);
	for (size_t i = 0; i < c->ndevices; i++)
		free(c->devices[i].path);
	free(c->devices);
	free(c->text);
	json_decref(c->json);
	memset(c, 0, sizeof *c);
}
