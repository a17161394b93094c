/* netns.c - network namespace pin and identity files; see netns.h. */
#include "netns.h"
#include "cleanup.h"
#include "fs.h"

#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#ifndef NSFS_MAGIC
#define NSFS_MAGIC 0x6e736673
#endif

const char *const rc_etc_files[3] = { "hostname", "hosts", "resolv.conf" };

int rc_netns_open_pinned(int dirfd, struct rc_err *e)
{
	struct statfs st;
	int fd = openat(dirfd, "netns", O_RDONLY | O_CLOEXEC | O_NOFOLLOW);

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

	fd = openat(dirfd, "netns", O_WRONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0444);
	if (fd < 0)
		return rc_errf(e, errno, "creating the network namespace pin");
	close(fd);
	/* Owner first: a crash between the two leaves a pin we will remove. */
	if (rc_write_volatile_at(dirfd, "netns.owner", "rc-unshare\n", 11, 0644, e) < 0)
		return -1;
	snprintf(src, sizeof src, "/proc/%d/ns/net", (int)pid);
	snprintf(dst, sizeof dst, "/proc/self/fd/%d", dirfd);
	char path[96];
	snprintf(path, sizeof path, "%s/netns", dst);
	if (mount(src, path, NULL, MS_BIND, NULL) < 0)
		return rc_errf(e, errno, "pinning the network namespace");
	return 0;
}

int rc_netns_unpin(int dirfd, struct rc_err *e)
{
	char path[96];

	if (faccessat(dirfd, "netns.owner", F_OK, AT_SYMLINK_NOFOLLOW) < 0)
		return 0;
	snprintf(path, sizeof path, "/proc/self/fd/%d/netns", dirfd);
	if (umount2(path, MNT_DETACH) < 0 && errno != EINVAL && errno != ENOENT)
		return rc_errf(e, errno, "unmounting the network namespace pin");
	if (unlinkat(dirfd, "netns", 0) < 0 && errno != ENOENT)
		return rc_errf(e, errno, "removing the network namespace pin");
	unlinkat(dirfd, "netns.owner", 0);
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

static char *slurp(const char *path)
{
	char *data = NULL;

	if (rc_read_file_at(AT_FDCWD, path, 1 << 20, &data, NULL, NULL) < 0)
		return NULL;
	return data;
}

/* Append the "nameserver" lines of text that are not 127.x stubs. */
static void append_servers(FILE *out, const char *text, int *n)
{
	char *copy = text ? strdup(text) : NULL, *save = NULL;

	for (char *l = copy ? strtok_r(copy, "\n", &save) : NULL; l; l = strtok_r(NULL, "\n", &save)) {
		char addr[128];
		if (sscanf(l, " nameserver %127s", addr) == 1 && strncmp(addr, "127.", 4) &&
		    strcmp(addr, "::1")) {
			fprintf(out, "nameserver %s\n", addr);
			(*n)++;
		}
	}
	free(copy);
}

char *rc_resolv_conf_for(const char *host, const char *upstream)
{
	char *buf = NULL, *copy, *save = NULL;
	size_t len = 0;
	int servers = 0;
	FILE *out = open_memstream(&buf, &len);

	if (!out)
		return NULL;
	/* Options and search domains stay; stub servers are replaced. */
	copy = host ? strdup(host) : NULL;
	for (char *l = copy ? strtok_r(copy, "\n", &save) : NULL; l; l = strtok_r(NULL, "\n", &save))
		if (strncmp(l + strspn(l, " \t"), "nameserver", 10))
			fprintf(out, "%s\n", l);
	free(copy);
	append_servers(out, host, &servers);
	if (!servers)
		append_servers(out, upstream, &servers);
	if (!servers)
		fputs("nameserver 8.8.8.8\nnameserver 8.8.4.4\n", out);
	fclose(out);
	return buf;
}

static int make_file(int dirfd, const char *name, const char *text, struct rc_err *e)
{
	return rc_write_volatile_at(dirfd, name, text, strlen(text), 0644, e);
}

int rc_etc_prepare(int dirfd, const char *hostname, enum rc_net_mode mode,
		   struct rc_etc *ret, struct rc_err *e)
{
	struct rc_etc etc = { { false }, { 0 } };
	_cleanup_free_ char *stale = NULL;
	char owner[64] = "";
	struct stat st;

	/* Defaults a killed run left behind are ours to replace. */
	if (rc_read_file_at(dirfd, "etc.owner", 4096, &stale, NULL, NULL) == 0) {
		for (int i = 0; i < 3; i++)
			if (strstr(stale, rc_etc_files[i]))
				unlinkat(dirfd, rc_etc_files[i], 0);
		unlinkat(dirfd, "etc.owner", 0);
	}
	for (int i = 0; i < 3; i++) {
		_cleanup_free_ char *text = NULL;
		if (faccessat(dirfd, rc_etc_files[i], F_OK, AT_SYMLINK_NOFOLLOW) == 0)
			continue;
		if (i == 0) {
			if (asprintf(&text, "%s\n", hostname) < 0)
				text = NULL;
		} else if (i == 1 && mode == RC_NET_HOST) {
			text = slurp("/etc/hosts");
		} else if (i == 1) {
			if (asprintf(&text,
				     "127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n"
				     "fe00::0\tip6-localnet\nff00::0\tip6-mcastprefix\n"
				     "ff02::1\tip6-allnodes\nff02::2\tip6-allrouters\n"
				     "%s%s%s",
				     mode == RC_NET_NONE ? "" : "127.0.1.1\t",
				     mode == RC_NET_NONE ? "" : hostname,
				     mode == RC_NET_NONE ? "" : "\n") < 0)
				text = NULL;
		} else {
			_cleanup_free_ char *host = slurp("/etc/resolv.conf");
			_cleanup_free_ char *up = slurp("/run/systemd/resolve/resolv.conf");
			text = mode == RC_NET_HOST && host ? strdup(host) : rc_resolv_conf_for(host, up);
		}
		if (!text) {
			rc_etc_cleanup(dirfd, &etc);
			return rc_errf(e, ENOMEM, "writing %s", rc_etc_files[i]);
		}
		if (make_file(dirfd, rc_etc_files[i], text, e) < 0) {
			rc_etc_cleanup(dirfd, &etc);
			return -1;
		}
		etc.made[i] = true;
		if (fstatat(dirfd, rc_etc_files[i], &st, AT_SYMLINK_NOFOLLOW) == 0)
			etc.ino[i] = st.st_ino;
		strcat(strcat(owner, rc_etc_files[i]), "\n");
	}
	if (owner[0] && rc_write_volatile_at(dirfd, "etc.owner", owner, strlen(owner), 0644, e) < 0) {
		rc_etc_cleanup(dirfd, &etc);
		return -1;
	}
	*ret = etc;
	return 0;
}

void rc_etc_cleanup(int dirfd, const struct rc_etc *etc)
{
	bool any = false;
	struct stat st;

	for (int i = 0; i < 3; i++) {
		if (!etc->made[i])
			continue;
		any = true;
		if (fstatat(dirfd, rc_etc_files[i], &st, AT_SYMLINK_NOFOLLOW) == 0 &&
		    st.st_ino == etc->ino[i])
			unlinkat(dirfd, rc_etc_files[i], 0);
	}
	if (any)
		unlinkat(dirfd, "etc.owner", 0);
}
