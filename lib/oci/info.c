/* info.c - rc-oci features and spec; see info.h. */
#include "oci/info.h"
#include "base/cleanup.h"
#include "oci/hooks.h"
#include "oci/state.h"
#include "runtime/cgroups.h"
#include "runtime/defaults.h"
#include "runtime/ocispec.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <seccomp.h>
#include <string.h>
#include <sys/capability.h>
#include <unistd.h>

static json_t *strings(const char *const *v)
{
	json_t *a = json_array();

	for (size_t i = 0; a && v[i]; i++)
		json_array_append_new(a, json_string(v[i]));
	return a;
}

/* Every capability this machine's libcap knows, as CAP_NAME. */
static json_t *capabilities(void)
{
	json_t *a = json_array();

	for (int c = 0; a && c <= CAP_LAST_CAP; c++) {
		char *name = cap_to_name(c), up[64];
		size_t i;
		if (!name)
			continue;
		for (i = 0; name[i] && i < sizeof up - 1; i++)
			up[i] = (char)(name[i] >= 'a' && name[i] <= 'z' ? name[i] - 32 : name[i]);
		up[i] = '\0';
		if (!strncmp(up, "CAP_", 4))
			json_array_append_new(a, json_string(up));
		cap_free(name);
	}
	return a;
}

int rc_oci_features(FILE *out, struct rc_err *e)
{
	static const char *const mount_opts[] = {
		"async", "atime", "bind", "dev", "diratime", "dirsync", "exec", "mand", "noatime", "nodev",
		"nodiratime", "noexec", "nomand", "norelatime", "nostrictatime", "nosuid", "private", "rbind",
		"relatime", "remount", "ro", "rprivate", "rshared", "rslave", "runbindable", "rw", "shared",
		"slave", "strictatime", "suid", "sync", "unbindable", NULL,
	};
	static const char *const ns[] = { "cgroup", "ipc", "mount", "network", "pid", "uts", NULL };
	static const char *const actions[] = {
		"SCMP_ACT_ALLOW", "SCMP_ACT_ERRNO", "SCMP_ACT_KILL", "SCMP_ACT_KILL_PROCESS",
		"SCMP_ACT_KILL_THREAD", "SCMP_ACT_LOG", "SCMP_ACT_TRACE", "SCMP_ACT_TRAP", NULL,
	};
	static const char *const ops[] = {
		"SCMP_CMP_EQ", "SCMP_CMP_GE", "SCMP_CMP_GT", "SCMP_CMP_LE", "SCMP_CMP_LT",
		"SCMP_CMP_MASKED_EQ", "SCMP_CMP_NE", NULL,
	};
	static const char *const archs[] = {
		"SCMP_ARCH_AARCH64", "SCMP_ARCH_ARM", "SCMP_ARCH_X32", "SCMP_ARCH_X86", "SCMP_ARCH_X86_64", NULL,
	};
	const struct scmp_version *v = seccomp_version();
	char ver[64];
	json_auto_t *hooks = json_array(), *j = NULL;
	_cleanup_free_ char *text = NULL;

	for (int k = 0; k < RC_HOOK_KINDS; k++)
		json_array_append_new(hooks, json_string(rc_oci_hook_name(k)));
	snprintf(ver, sizeof ver, "%u.%u.%u", v->major, v->minor, v->micro);
	j = json_pack("{s:s,s:s,s:O,s:o,s:{s:o,s:o,s:{s:b,s:b,s:b,s:b},s:{s:b,s:o,s:o,s:o,s:[],s:[]},"
		      "s:{s:b},s:{s:b}},s:{s:s,s:s}}",
		      "ociVersionMin", "1.0.0", "ociVersionMax", RC_OCI_VERSION, "hooks", hooks,
		      "mountOptions", strings(mount_opts),
		      "linux", "namespaces", strings(ns), "capabilities", capabilities(),
		      "cgroup", "v1", 1, "v2", 1, "systemd", 0, "systemdUser", 0,
		      "seccomp", "enabled", 1, "actions", strings(actions), "operators", strings(ops),
		      "archs", strings(archs), "knownFlags", "supportedFlags",
		      "apparmor", "enabled", 0, "selinux", "enabled", 0,
		      "annotations", "io.github.rc.version", RC_VERSION, "io.github.rc.libseccomp.version", ver);
	if (!j || !(text = json_dumps(j, JSON_INDENT(4))))
		return rc_errf(e, ENOMEM, "allocating");
	fprintf(out, "%s\n", text);
	return 0;
}

int rc_oci_spec(const char *bundle, struct rc_err *e)
{
	json_auto_t *j = NULL;
	_cleanup_free_ char *text = NULL;
	_cleanup_close_ int dfd = open(bundle, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	_cleanup_close_ int fd = -1;
	json_t *p;

	if (dfd < 0)
		return rc_errf(e, errno, "bundle %s", bundle);
	if (rc_oci_defaults(&j, e) < 0)
		return -1;
	p = json_object_get(j, "process");
	json_object_set_new(p, "args", json_pack("[s]", "sh"));
	json_object_set_new(p, "terminal", json_true());
	json_object_set_new(j, "hostname", json_string("rc"));
	if (!(text = json_dumps(j, JSON_INDENT(2))))
		return rc_errf(e, ENOMEM, "allocating");
	fd = openat(dfd, "config.json", O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (fd < 0 && errno == EEXIST)
		return rc_errf(e, 0, "%s/config.json exists: remove it first", bundle);
	if (fd < 0 || dprintf(fd, "%s\n", text) < 0)
		return rc_errf(e, errno, "writing %s/config.json", bundle);
	return 0;
}
