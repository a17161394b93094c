/* Unit tests for lib/runtime/defaults.c: the one table is docker's. The
 * other tests compare what rc does with the table (tests/tools/rc-defaults);
 * this one compares the table with docker's own values. */
#include "runtime/defaults.h"
#include "tap.h"

#include <sched.h>
#include <stdbool.h>
#include <string.h>

static bool mount_is(size_t i, const char *dest, const char *type, const char *opts)
{
	const struct rc_default_mount *m = &rc_default_mounts[i];
	char buf[256] = "";

	for (size_t k = 0; m->options[k]; k++) {
		if (k)
			strcat(buf, ",");
		strcat(buf, m->options[k]);
	}
	return !strcmp(m->dest, dest) && !strcmp(m->type, type) && !strcmp(buf, opts);
}

static size_t count(const char *const *v)
{
	size_t n = 0;

	while (v[n])
		n++;
	return n;
}

static bool has_rule(bool allow, char type, int64_t maj, int64_t min, unsigned access)
{
	for (size_t i = 0; i < rc_default_ndevices; i++) {
		const struct rc_device_rule *r = &rc_default_devices[i];
		if (r->allow == allow && r->type == type && r->major == maj && r->minor == min &&
		    r->access == access)
			return true;
	}
	return false;
}

int main(void)
{
	TAP_PLAN(13);
	ok(rc_default_ncaps == 14 && rc_default_caps_mask() == 0xa80425fbULL,
	   "docker's 14 capabilities, a80425fb");
	ok(!strcmp(rc_default_caps[0].name, "CAP_CHOWN") && !strcmp(rc_default_caps[13].name, "CAP_AUDIT_WRITE"),
	   "capabilities by their config.json names");
	ok(rc_default_nmounts == 7 && mount_is(0, "/proc", "proc", "nosuid,noexec,nodev") &&
	   mount_is(1, "/dev", "tmpfs", "nosuid,strictatime,mode=755,size=65536k") &&
	   mount_is(2, "/dev/pts", "devpts", "nosuid,noexec,newinstance,ptmxmode=0666,mode=0620,gid=5") &&
	   mount_is(3, "/sys", "sysfs", "nosuid,noexec,nodev,ro") &&
	   mount_is(4, "/sys/fs/cgroup", "cgroup", "ro,nosuid,noexec,nodev") &&
	   mount_is(5, "/dev/mqueue", "mqueue", "nosuid,noexec,nodev") &&
	   mount_is(6, "/dev/shm", "tmpfs", "nosuid,noexec,nodev,mode=1777,size=65536k"),
	   "docker's seven mounts, in docker's order, with its options");
	ok(count(rc_default_masked) == 11 && !strcmp(rc_default_masked[2], "/proc/kcore") &&
	   !strcmp(rc_default_masked[10], "/sys/devices/virtual/powercap"), "docker's 11 masked paths");
	ok(count(rc_default_readonly) == 5 && !strcmp(rc_default_readonly[3], "/proc/sys"),
	   "docker's 5 read-only paths");
	ok(!strcmp(rc_ns_names[RC_NS_NET].oci, "network") && !strcmp(rc_ns_names[RC_NS_NET].proc, "net") &&
	   rc_ns_names[RC_NS_NET].clone_flag == CLONE_NEWNET && !strcmp(rc_ns_names[RC_NS_MNT].oci, "mount") &&
	   !strcmp(rc_ns_names[RC_NS_MNT].proc, "mnt") && rc_ns_names[RC_NS_MNT].clone_flag == CLONE_NEWNS,
	   "namespaces by config name, /proc name and clone flag");
	ok(RC_NS_MNT == RC_NS_MAX - 1, "the mount namespace is joined last");
	ok(!rc_default_devices[0].allow && rc_default_devices[0].type == 'a', "device rules start with deny all");
	ok(has_rule(true, 'c', -1, -1, RC_DEV_MKNOD) && has_rule(true, 'b', -1, -1, RC_DEV_MKNOD),
	   "any device node may be made");
	ok(has_rule(true, 'c', 1, 3, RC_DEV_ALL) && has_rule(true, 'c', 1, 5, RC_DEV_ALL) &&
	   has_rule(true, 'c', 1, 7, RC_DEV_ALL) && has_rule(true, 'c', 1, 8, RC_DEV_ALL) &&
	   has_rule(true, 'c', 1, 9, RC_DEV_ALL) && has_rule(true, 'c', 5, 0, RC_DEV_ALL),
	   "null, zero, full, random, urandom and tty open");
	ok(has_rule(true, 'c', 5, 1, RC_DEV_ALL) && has_rule(true, 'c', 5, 2, RC_DEV_ALL) &&
	   has_rule(true, 'c', 136, -1, RC_DEV_ALL) && has_rule(true, 'c', 10, 200, RC_DEV_ALL),
	   "console (docker's config), ptmx, the ptys and tun (runc's) open");
	ok(rc_default_ndevices == 13, "and nothing else");
	ok(rc_default_ndev_nodes == 6 && !strcmp(rc_default_dev_nodes[5].name, "tty") &&
	   rc_default_dev_nodes[5].major == 5 && rc_default_dev_nodes[5].minor == 0,
	   "/dev holds null, zero, full, random, urandom and tty");
	return tap_done();
}
