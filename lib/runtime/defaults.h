/* defaults.h - docker's defaults for a container, in one table.
 *
 * The capability set, the mounts, the masked and read-only paths, the
 * namespaces, the device nodes of /dev and the device cgroup rules, the
 * open-files limit and PATH. Every writer takes them from here (ocispec.h:
 * rc-unpack's config.json and rc-unshare -r's spec), and so does every
 * reader that fills in what a config leaves out (spec.h, child.c, exec.c,
 * run.c, mounts.c), and the tests (build/tests/tools/rc-defaults prints
 * them). Plain data and libc: the static monitor may link it.
 */
#ifndef RC_DEFAULTS_H
#define RC_DEFAULTS_H

#include <stddef.h>
#include <stdint.h>

#include "runtime/devices.h"

/* The namespaces rc knows, in the order rc-exec joins them (the mount
 * namespace last). rc_spec.ns[] and ns_path[] are indexed by these. */
enum rc_ns { RC_NS_PID, RC_NS_NET, RC_NS_IPC, RC_NS_UTS, RC_NS_CGROUP, RC_NS_MNT, RC_NS_MAX };

struct rc_ns_name {
	const char *oci;        /* linux.namespaces[].type: "network" */
	const char *proc;       /* /proc/PID/ns/NAME: "net" */
	int clone_flag;         /* CLONE_NEWNET */
};

/* Indexed by enum rc_ns. Docker makes every one of them for a container
 * (the user and time namespaces are not in the table). */
extern const struct rc_ns_name rc_ns_names[RC_NS_MAX];

/* Docker's capability set: bounding, effective and permitted. */
struct rc_cap_name {
	const char *name;       /* "CAP_CHOWN" */
	int cap;                /* CAP_CHOWN */
};
extern const struct rc_cap_name rc_default_caps[];
extern const size_t rc_default_ncaps;
/* The same as a bit mask of CAP_* numbers (0xa80425fb). */
uint64_t rc_default_caps_mask(void);

/* Docker's mounts, in docker's order. */
struct rc_default_mount {
	const char *dest, *type, *source;
	const char *const *options;    /* NULL-terminated */
};
extern const struct rc_default_mount rc_default_mounts[];
extern const size_t rc_default_nmounts;

/* Docker's masked and read-only paths, NULL-terminated. */
extern const char *const rc_default_masked[];
extern const char *const rc_default_readonly[];

/* The character devices every container's /dev holds (the OCI runtime
 * spec's default devices, as docker has them). */
struct rc_dev_node {
	const char *name;       /* below /dev */
	unsigned major, minor;
};
extern const struct rc_dev_node rc_default_dev_nodes[];
extern const size_t rc_default_ndev_nodes;

/* The device cgroup rules: deny everything, then allow what a container
 * always gets. [0] is the "deny all" docker's config starts with; from [1]
 * on are the devices every runtime allows after the config's own rules
 * (rc_builtin_devices), so that a config listing only "deny all" (as
 * `runc spec` writes) still has a working /dev. */
extern const struct rc_device_rule rc_default_devices[];
extern const size_t rc_default_ndevices;
#define rc_builtin_devices (rc_default_devices + 1)
#define rc_builtin_ndevices (rc_default_ndevices - 1)

/* PATH when the image or config sets none. */
#define RC_DEFAULT_PATH "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

/* RLIMIT_NOFILE: soft, and hard unless this host allows less (a runtime
 * cannot raise a hard limit without CAP_SYS_RESOURCE). */
#define RC_DEFAULT_NOFILE_SOFT 1024
#define RC_DEFAULT_NOFILE_HARD 524288

#endif
