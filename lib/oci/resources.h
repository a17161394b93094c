/* resources.h - an OCI config's linux.resources written into the
 * container's cgroups, for create and update.
 *
 * Honoured, on cgroup v1 and v2: memory (limit, reservation, swap,
 * swappiness, disableOOMKiller, kernel and kernelTCP where v1 has them),
 * cpu (shares, quota, period, burst, realtime runtime and period on v1,
 * cpus, mems, idle), pids.limit, blockIO (weight, leafWeight,
 * weightDevice, the four throttles), hugepageLimits, network (classID,
 * priorities) and unified (v2 only). A value the machine has no file for
 * is refused with the field's name ("linux.resources.hugepageLimits: this
 * machine has no hugetlb cgroup"), never dropped. Zero means "not set" for
 * the fields docker writes as zero (shares, weight, quota, period, limit,
 * reservation, swap), as runc reads them. The device rules are cgroups.h's
 * (made with the cgroup).
 */
#ifndef RC_OCI_RESOURCES_H
#define RC_OCI_RESOURCES_H

#include <jansson.h>

#include "base/err.h"

/* Check the types and ranges of res (a linux.resources object, NULL:
 * none) before anything is made. */
int rc_oci_resources_check(json_t *res, struct rc_err *e);

/* Write res into the cgroup whose directories are dirs (NULL-terminated;
 * v1: one per hierarchy, v2: one). */
int rc_oci_resources_apply(json_t *res, char *const *dirs, int version, struct rc_err *e);

#endif
