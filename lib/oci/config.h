/* config.h - a bundle's config.json as rc-oci takes it.
 *
 * What rc-unshare reads too comes from spec.h (the process, root, mounts,
 * namespaces and their paths, masked and read-only paths, sysctl, seccomp,
 * memory/cpu/pids limits, device rules); the rest is read here: hooks,
 * annotations, linux.cgroupsPath, linux.resources as a whole (resources.h),
 * linux.devices, linux.rootfsPropagation, domainname, process.consoleSize.
 *
 * Everything docker, podman and containerd write into a bundle is honoured
 * or refused with an error naming the field; nothing is dropped silently.
 * Refused: user namespaces and ID mappings, time namespaces and offsets,
 * joining a mount namespace, AppArmor profiles and SELinux labels (this
 * runtime applies neither), Intel RDT, personality, I/O priority, the
 * scheduler and CPU affinity fields, the seccomp notify listener and filter
 * flags, the tmpcopyup and idmap mount options, and a hostname or
 * domainname without a UTS namespace of the container's own. Properties the
 * runtime spec does not define are ignored, as it requires.
 *
 * A config without linux.seccomp runs without a filter, and one without a
 * pids limit without a limit: rc-oci adds no defaults of docker's or rc's
 * to what the engine wrote (runc does not either).
 */
#ifndef RC_OCI_CONFIG_H
#define RC_OCI_CONFIG_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "base/err.h"
#include "oci/hooks.h"
#include "runtime/spec.h"

/* One linux.devices entry: a node made in the container's /dev. */
struct rc_oci_devnode {
	char *path;              /* absolute, inside the container */
	char type;               /* 'c', 'b', 'u' (unbuffered char) or 'p' (FIFO) */
	int64_t major, minor;
	mode_t mode;             /* permission bits; 0666 when the config has none */
	uid_t uid;
	gid_t gid;
};

struct rc_oci_config {
	struct rc_spec spec;
	json_t *json;            /* the whole config, for what is read later */
	char *text;              /* as read */
	const char *cgroups_path; /* linux.cgroupsPath, NULL: none (points into json) */
	const char *domainname;  /* NULL: not set */
	struct rc_oci_hooks hooks;
	json_t *annotations;     /* an object (borrowed from json), never NULL */
	struct rc_oci_devnode *devices;
	size_t ndevices;
	unsigned long root_propagation; /* MS_* from linux.rootfsPropagation, 0: none */
	bool has_console_size;
	unsigned short console_rows, console_cols;
};

/* Parse and check config text; e names the field at fault. */
int rc_oci_config_parse(const char *text, struct rc_oci_config *ret, struct rc_err *e);

/* Read BUNDLE/config.json. */
int rc_oci_config_load(const char *bundle, struct rc_oci_config *ret, struct rc_err *e);

/* The process of `exec --process FILE` (a runtime-spec process object) in
 * place of the config's process: args, env, cwd, user, capabilities,
 * rlimits, noNewPrivileges, terminal, consoleSize, oomScoreAdj, checked as
 * the config's. */
int rc_oci_config_set_process(struct rc_oci_config *c, const char *process_json, struct rc_err *e);

/* The container's seccomp filter (NULL: none), compiled through the cache
 * shared by every container under the root (cache_dirfd; sysfilter.h). */
struct rc_seccomp;
int rc_oci_config_seccomp(const struct rc_oci_config *c, int cache_dirfd, struct rc_seccomp **ret,
			  struct rc_err *e);

void rc_oci_config_free(struct rc_oci_config *c);

#endif
