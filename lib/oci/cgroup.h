/* cgroup.h - the container's cgroup as rc-oci makes and uses it.
 *
 * linux.cgroupsPath is read as runc reads it. cgroupfs (the default): an
 * absolute path is below each hierarchy's root ("/docker/ID"), a relative
 * one below rc-oci's own cgroup there, none is ID below rc-oci's own.
 * --systemd-cgroup: "SLICE:PREFIX:NAME" names the unit PREFIX-NAME.scope in
 * SLICE (default system.slice; "a-b.slice" is a.slice/a-b.slice, as systemd
 * nests them), or the slice NAME itself when it ends in .slice. rc-oci does
 * not ask systemd (over D-Bus) for the unit: it makes the directories
 * systemd would, in every hierarchy, and tells it to no one; a machine whose
 * systemd manages the cgroup tree should keep to cgroupfs paths.
 *
 * A path may not climb ("..") out of the hierarchy.
 */
#ifndef RC_OCI_CGROUP_H
#define RC_OCI_CGROUP_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "base/err.h"
#include "oci/config.h"
#include "runtime/cgroups.h"

/* The cgroup path of container id: out gets a path, *relative whether it
 * is below rc-oci's own cgroup. */
int rc_oci_cgroup_path(const char *cgroups_path, const char *id, bool systemd, char *out,
		       size_t len, bool *relative, struct rc_err *e);

/* Make the container's cgroup with its device rules and resources. */
int rc_oci_cgroup_create(const struct rc_oci_config *c, const char *id, bool systemd,
			 struct rc_cgroup **ret, struct rc_err *e);

/* The cgroup's directories as a NULL-terminated vector (malloc'd). */
int rc_oci_cgroup_dirs(const struct rc_cgroup *cg, char ***ret, struct rc_err *e);

/* Every process in the cgroup (malloc'd). */
int rc_oci_cgroup_pids(char *const *dirs, pid_t **ret, size_t *nret, struct rc_err *e);

/* Freeze or thaw every process in it, waiting until the kernel says so. */
int rc_oci_cgroup_freeze(char *const *dirs, bool freeze, struct rc_err *e);

/* Send sig to every process in it; frozen while signalled, so that none
 * forks past it (kill --all, delete --force). */
int rc_oci_cgroup_kill(char *const *dirs, int sig, struct rc_err *e);

/* Remove the directories (waiting briefly for processes that are exiting). */
int rc_oci_cgroup_remove(char *const *dirs, struct rc_err *e);

#endif
