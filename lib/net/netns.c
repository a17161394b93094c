/* netns.c - a container's network namespace; see netns.h. */
#include "net/netns.h"
#include "base/state.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>

#include "base/cleanup.h"
#include "base/fs.h"
#include "lifecycle/ctr.h"

#ifndef NSFS_MAGIC
#define NSFS_MAGIC 0x6e736673
#endif

bool rc_netns_is_pinned(int dirfd, const char *name)
{
	_cleanup_close_ int fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	struct statfs sfs;

	return fd >= 0 && fstatfs(fd, &sfs) == 0 && sfs.f_type == NSFS_MAGIC;
}

/* The path of dirfd/name through /proc, for mount(2), which takes paths. */
static void fd_path(int dirfd, const char *name, char *buf, size_t len)
{
	snprintf(buf, len, "/proc/self/fd/%d/%s", dirfd, name);
}

static int open_from_pid(int cdirfd, struct rc_err *e)
{
	_cleanup_close_ int pfd = -1;
	char path[64];
	pid_t pid;
	int fd;

	/* A container rc started is proven by its monitor; a pid file someone
	 * else wrote (a process of another tool's) is taken as given. */
	if (faccessat(cdirfd, RC_FILE_MONITOR, F_OK, AT_SYMLINK_NOFOLLOW) == 0)
		pfd = rc_ctr_pidfd(cdirfd, NULL, &pid, e);
	else if ((pid = (pid_t)rc_ctr_read_num(cdirfd, RC_FILE_PID, 0)) <= 0)
		return rc_errf(e, 0, "reading pid: not a process id");
	else if ((pfd = (int)syscall(SYS_pidfd_open, pid, 0)) < 0)
		return rc_errf(e, errno, "opening process %d", (int)pid);
	if (pfd < 0)
		return -1;
	snprintf(path, sizeof path, "/proc/%d/ns/net", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return rc_errf(e, errno, "opening the network namespace of pid %d", (int)pid);
	/* Alive after the open: the namespace is the container's, not that of
	 * a process that got the pid after it ended. */
	if (!rc_pidfd_alive(pfd)) {
		close(fd);
		return rc_errf(e, 0, "the container ended while its network namespace was opened");
	}
	return fd;
}

/* Make a new network namespace and bind-mount it at cdirfd/"netns". */
static int create_pinned(int cdirfd, struct rc_err *e)
{
	_cleanup_close_ int self = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
	_cleanup_close_ int file = -1;
	char target[64];
	int r = 0, fd;

	if (self < 0)
		return rc_errf(e, errno, "opening the current network namespace");
	file = openat(cdirfd, RC_FILE_NETNS, O_WRONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0444);
	if (file < 0)
		return rc_errf(e, errno, "creating netns");
	fd_path(cdirfd, RC_FILE_NETNS, target, sizeof target);
	if (unshare(CLONE_NEWNET) < 0)
		r = rc_errf(e, errno, "creating a network namespace");
	else if (mount("/proc/thread-self/ns/net", target, NULL, MS_BIND, NULL) < 0)
		r = rc_errf(e, errno, "pinning the network namespace at netns");
	/* Back to the host's namespace, whatever happened. */
	if (setns(self, CLONE_NEWNET) < 0)
		abort();
	if (r < 0) {
		unlinkat(cdirfd, RC_FILE_NETNS, 0);
		return -1;
	}
	fd = openat(cdirfd, RC_FILE_NETNS, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		rc_errf(e, errno, "opening netns");
		rc_netns_unpin(cdirfd, NULL);
		return -1;
	}
	return fd;
}

int rc_netns_open(int cdirfd, bool create, bool *ret_created, struct rc_err *e)
{
	int fd;

	*ret_created = false;
	if (rc_netns_is_pinned(cdirfd, RC_FILE_NETNS)) {
		fd = openat(cdirfd, RC_FILE_NETNS, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			return rc_errf(e, errno, "opening netns");
		return fd;
	}
	if (faccessat(cdirfd, RC_FILE_PID, F_OK, AT_SYMLINK_NOFOLLOW) == 0)
		return open_from_pid(cdirfd, e);
	if (!create)
		return rc_errf(e, ENOENT, "finding the network namespace");
	fd = create_pinned(cdirfd, e);
	if (fd >= 0)
		*ret_created = true;
	return fd;
}

int rc_netns_unpin(int cdirfd, struct rc_err *e)
{
	char target[64];

	fd_path(cdirfd, RC_FILE_NETNS, target, sizeof target);
	if (rc_netns_is_pinned(cdirfd, RC_FILE_NETNS) && umount2(target, MNT_DETACH) < 0)
		return rc_errf(e, errno, "unpinning netns");
	if (unlinkat(cdirfd, RC_FILE_NETNS, 0) < 0 && errno != ENOENT)
		return rc_errf(e, errno, "removing netns");
	return 0;
}

int rc_netns_open_pinned(int dirfd, struct rc_err *e)
{
	struct statfs st;
	int fd = openat(dirfd, RC_FILE_NETNS, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);

	if (fd < 0) {
		if (errno == ENOENT)
			return -1;
		rc_errf(e, errno, "opening the network namespace pin");
		return -2;
	}
	if (fstatfs(fd, &st) < 0 || st.f_type != NSFS_MAGIC) {
		close(fd); /* a plain file: a stale pin target, not a namespace */
		return -1;
	}
	return fd;
}

int rc_netns_pin(int dirfd, pid_t pid, struct rc_err *e)
{
	char src[64], dst[64];
	int fd;

	fd = openat(dirfd, RC_FILE_NETNS, O_WRONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0444);
	if (fd < 0)
		return rc_errf(e, errno, "creating the network namespace pin");
	close(fd);
	/* Owner first: a crash between the two leaves a pin we will remove. */
	if (rc_write_file_nosync_at(dirfd, RC_FILE_NETNS_OWNER, "rc-unshare\n", 11, 0644, e) < 0)
		return -1;
	snprintf(src, sizeof src, "/proc/%d/ns/net", (int)pid);
	snprintf(dst, sizeof dst, "/proc/self/fd/%d", dirfd);
	char path[96];
	snprintf(path, sizeof path, "%s/netns", dst);
	if (mount(src, path, NULL, MS_BIND, NULL) < 0)
		return rc_errf(e, errno, "pinning the network namespace");
	return 0;
}

int rc_netns_unpin_owned(int dirfd, struct rc_err *e)
{
	char path[96];

	if (faccessat(dirfd, RC_FILE_NETNS_OWNER, F_OK, AT_SYMLINK_NOFOLLOW) < 0)
		return 0;
	snprintf(path, sizeof path, "/proc/self/fd/%d/netns", dirfd);
	if (umount2(path, MNT_DETACH) < 0 && errno != EINVAL && errno != ENOENT)
		return rc_errf(e, errno, "unmounting the network namespace pin");
	if (unlinkat(dirfd, RC_FILE_NETNS, 0) < 0 && errno != ENOENT)
		return rc_errf(e, errno, "removing the network namespace pin");
	unlinkat(dirfd, RC_FILE_NETNS_OWNER, 0);
	return 0;
}

int rc_netns_lo_up(struct rc_err *e)
{
	struct ifreq ifr = { 0 };
	_cleanup_close_ int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	if (s < 0)
		return rc_errf(e, errno, "bringing up lo");
	strcpy(ifr.ifr_name, "lo");
	if (ioctl(s, SIOCGIFFLAGS, &ifr) < 0)
		return rc_errf(e, errno, "bringing up lo");
	ifr.ifr_flags |= IFF_UP | IFF_RUNNING;
	if (ioctl(s, SIOCSIFFLAGS, &ifr) < 0)
		return rc_errf(e, errno, "bringing up lo");
	return 0;
}
