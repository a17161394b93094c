/* devices.h - docker's device rules: any device node may be made (mknod),
 * but only the standard ones opened (null, zero, full, random, urandom,
 * tty, console, ptmx, the ptys, tun), so CAP_MKNOD cannot reach a host
 * disk. cgroup v1 takes them as devices.allow lines; cgroup v2 as an eBPF
 * program attached to the container's cgroup. */
#ifndef RC_DEVICES_H
#define RC_DEVICES_H

#include <stddef.h>

#include "base/err.h"

/* The rules in devices.allow syntax, NULL-terminated. */
extern const char *const rc_device_rules[];

/* Load the rules as a BPF_PROG_TYPE_CGROUP_DEVICE program and attach it to
 * the cgroup2 directory dir (alongside any the parent has). */
int rc_devices_attach_bpf(const char *dir, struct rc_err *e);

#endif
