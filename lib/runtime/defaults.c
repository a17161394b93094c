/* defaults.c - docker's defaults for a container; see defaults.h. */
#include "runtime/defaults.h"

#include <linux/capability.h>
#include <sched.h>

const struct rc_ns_name rc_ns_names[RC_NS_MAX] = {
	[RC_NS_PID] = { "pid", "pid", CLONE_NEWPID },
	[RC_NS_NET] = { "network", "net", CLONE_NEWNET },
	[RC_NS_IPC] = { "ipc", "ipc", CLONE_NEWIPC },
	[RC_NS_UTS] = { "uts", "uts", CLONE_NEWUTS },
	[RC_NS_CGROUP] = { "cgroup", "cgroup", CLONE_NEWCGROUP },
	[RC_NS_MNT] = { "mount", "mnt", CLONE_NEWNS },
};

#define CAP(x) { "CAP_" #x, CAP_##x }
/* moby daemon/pkg/oci/caps/defaults.go */
const struct rc_cap_name rc_default_caps[] = {
	CAP(CHOWN), CAP(DAC_OVERRIDE), CAP(FSETID), CAP(FOWNER), CAP(MKNOD),
	CAP(NET_RAW), CAP(SETGID), CAP(SETUID), CAP(SETFCAP), CAP(SETPCAP),
	CAP(NET_BIND_SERVICE), CAP(SYS_CHROOT), CAP(KILL), CAP(AUDIT_WRITE),
};
const size_t rc_default_ncaps = sizeof rc_default_caps / sizeof *rc_default_caps;

uint64_t rc_default_caps_mask(void)
{
	uint64_t m = 0;

	for (size_t i = 0; i < rc_default_ncaps; i++)
		m |= 1ULL << rc_default_caps[i].cap;
	return m;
}

#define OPTS(...) (const char *const[]){ __VA_ARGS__, NULL }
/* moby daemon/pkg/oci/defaults.go, DefaultLinuxSpec; /dev/shm gets docker's
 * default --shm-size (64 MiB). */
const struct rc_default_mount rc_default_mounts[] = {
	{ "/proc", "proc", "proc", OPTS("nosuid", "noexec", "nodev") },
	{ "/dev", "tmpfs", "tmpfs", OPTS("nosuid", "strictatime", "mode=755", "size=65536k") },
	{ "/dev/pts", "devpts", "devpts",
	  OPTS("nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5") },
	{ "/sys", "sysfs", "sysfs", OPTS("nosuid", "noexec", "nodev", "ro") },
	{ "/sys/fs/cgroup", "cgroup", "cgroup", OPTS("ro", "nosuid", "noexec", "nodev") },
	{ "/dev/mqueue", "mqueue", "mqueue", OPTS("nosuid", "noexec", "nodev") },
	{ "/dev/shm", "tmpfs", "shm", OPTS("nosuid", "noexec", "nodev", "mode=1777", "size=65536k") },
};
const size_t rc_default_nmounts = sizeof rc_default_mounts / sizeof *rc_default_mounts;

const char *const rc_default_masked[] = {
	"/proc/asound", "/proc/acpi", "/proc/kcore", "/proc/keys", "/proc/latency_stats",
	"/proc/timer_list", "/proc/timer_stats", "/proc/sched_debug", "/proc/scsi",
	"/sys/firmware", "/sys/devices/virtual/powercap", NULL,
};

const char *const rc_default_readonly[] = {
	"/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger", NULL,
};

const struct rc_dev_node rc_default_dev_nodes[] = {
	{ "null", 1, 3 }, { "zero", 1, 5 }, { "full", 1, 7 },
	{ "random", 1, 8 }, { "urandom", 1, 9 }, { "tty", 5, 0 },
};
const size_t rc_default_ndev_nodes = sizeof rc_default_dev_nodes / sizeof *rc_default_dev_nodes;

/*
 * What docker really allows is two lists, one after the other. Docker's
 * config.json (DefaultLinuxSpec) says: deny all; allow c 1:5, 1:3, 1:9,
 * 1:8, 5:0 and 5:1 (/dev/console) rwm; deny c 10:229 (fuse). runc (and
 * crun) then append their own built-in rules: mknod of any device, and
 * c 1:3, 1:8, 1:7, 5:0, 1:5, 1:9, 136:* (the ptys), 5:2 (ptmx) and 10:200
 * (tun) rwm. The union is below: any node may be made, only these opened
 * (so CAP_MKNOD cannot reach a host disk). Docker's "deny 10:229" is left
 * out: after "deny all" it changes nothing.
 */
#define ALLOW_C(maj, min) { true, 'c', maj, min, RC_DEV_ALL }
const struct rc_device_rule rc_default_devices[] = {
	{ false, 'a', -1, -1, RC_DEV_ALL },
	{ true, 'c', -1, -1, RC_DEV_MKNOD },
	{ true, 'b', -1, -1, RC_DEV_MKNOD },
	ALLOW_C(1, 3),          /* null */
	ALLOW_C(1, 5),          /* zero */
	ALLOW_C(1, 7),          /* full */
	ALLOW_C(1, 8),          /* random */
	ALLOW_C(1, 9),          /* urandom */
	ALLOW_C(5, 0),          /* tty */
	ALLOW_C(5, 1),          /* console */
	ALLOW_C(5, 2),          /* ptmx */
	ALLOW_C(136, -1),       /* the ptys */
	ALLOW_C(10, 200),       /* tun */
};
const size_t rc_default_ndevices = sizeof rc_default_devices / sizeof *rc_default_devices;
