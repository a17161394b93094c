/* devices.h - device cgroup rules (linux.resources.devices): which device
 * nodes the container may make (mknod) and open. cgroup v1 takes them as
 * devices.allow and devices.deny lines; cgroup v2 as an eBPF program
 * attached to the container's cgroup. The rules docker uses are in
 * defaults.h. Plain libc: the static monitor links this module. */
#ifndef RC_DEVICES_H
#define RC_DEVICES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/err.h"

/* Access bits, the kernel's BPF_DEVCG_ACC_* values. */
#define RC_DEV_MKNOD 1u
#define RC_DEV_READ 2u
#define RC_DEV_WRITE 4u
#define RC_DEV_ALL (RC_DEV_MKNOD | RC_DEV_READ | RC_DEV_WRITE)

/* One rule. Rules are read in order and the last one that matches a
 * request decides it (as runc and crun do); no match is a denial. A rule
 * matches when the type, major and minor match and the access asked for is
 * within the rule's. */
struct rc_device_rule {
	bool allow;
	char type;              /* 'a' (any), 'c' (character) or 'b' (block) */
	int64_t major, minor;   /* -1: any */
	unsigned access;        /* RC_DEV_* bits */
};

/* "rwm" (any order, each at most once) -> RC_DEV_* bits; -1 when malformed. */
int rc_device_access_parse(const char *s, unsigned *ret);

/* The rule as a devices.allow/devices.deny line: "c 1:3 rwm", "a". */
void rc_device_rule_format(const struct rc_device_rule *r, char *buf, size_t len);

/* Load the rules as a BPF_PROG_TYPE_CGROUP_DEVICE program and attach it to
 * the cgroup2 directory dir (alongside any the parent has). */
int rc_devices_attach_bpf(const char *dir, const struct rc_device_rule *rules, size_t n,
			  struct rc_err *e);

#endif
