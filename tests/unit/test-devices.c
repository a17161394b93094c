/* Unit tests for lib/devices.c: the cgroup v2 device rules, loaded as eBPF
 * into a scratch cgroup on this machine's cgroup2 tree (on a hybrid host,
 * /sys/fs/cgroup/unified), with a child process trying real devices. */
#include "runtime/devices.h"
#include "tap.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/vfs.h>
#include <sys/wait.h>
#include <unistd.h>

static const char *cgroup2_root(void)
{
	static const char *const roots[] = { "/sys/fs/cgroup", "/sys/fs/cgroup/unified" };
	struct statfs st;

	for (size_t i = 0; i < 2; i++)
		if (statfs(roots[i], &st) == 0 && st.f_type == 0x63677270)
			return roots[i];
	return NULL;
}

/* In the child: bit 0 mknod of the disk worked, bit 1 opening it failed
 * with EPERM, bit 2 a null device node made alongside opens. */
static int probe(const char *cg, const char *tmp)
{
	char path[4096];
	struct stat root;
	int r = 0, fd;

	snprintf(path, sizeof path, "%s/cgroup.procs", cg);
	fd = open(path, O_WRONLY);
	if (fd < 0 || write(fd, "0", 1) != 1)
		return 100;
	close(fd);
	if (stat("/", &root) < 0)
		return 101;
	snprintf(path, sizeof path, "%s/disk", tmp);
	if (mknod(path, S_IFBLK | 0600, root.st_dev) == 0)
		r |= 1;
	fd = open(path, O_RDONLY);
	if (fd < 0 && errno == EPERM)
		r |= 2;
	if (fd >= 0)
		close(fd);
	snprintf(path, sizeof path, "%s/null", tmp);
	if (mknod(path, S_IFCHR | 0666, makedev(1, 3)) == 0 && (fd = open(path, O_WRONLY)) >= 0) {
		r |= 4;
		close(fd);
	}
	return r;
}

int main(void)
{
	const char *root = cgroup2_root();
	char cg[256], tmp[] = "/var/tmp/rc-devtest.XXXXXX", path[4200];
	struct rc_err e = { 0 };
	int ws = 0;
	pid_t pid;

	TAP_PLAN(5);
	ok(rc_device_rules[0] && !strcmp(rc_device_rules[2], "c 1:3 rwm"), "the v1 rules start with docker's");
	if (!root || geteuid() != 0) {
		for (int i = 0; i < 4; i++)
			printf("ok %d - # skip no cgroup2 tree or not root\n", ++tap_n);
		return tap_done();
	}
	snprintf(cg, sizeof cg, "%s/rc-devtest-%d", root, (int)getpid());
	if (mkdir(cg, 0755) < 0 || !mkdtemp(tmp))
		return 1;
	ok(rc_devices_attach_bpf(cg, &e) == 0, "the eBPF device program loads and attaches (%s)", e.msg);
	pid = fork();
	if (pid == 0)
		_exit(probe(cg, tmp));
	waitpid(pid, &ws, 0);
	ok(WIFEXITED(ws) && (WEXITSTATUS(ws) & 1), "a disk's node may be made (status %d)", WEXITSTATUS(ws));
	ok(WIFEXITED(ws) && (WEXITSTATUS(ws) & 2), "but not opened");
	ok(WIFEXITED(ws) && (WEXITSTATUS(ws) & 4), "while the null device opens");
	snprintf(path, sizeof path, "%s/disk", tmp);
	unlink(path);
	snprintf(path, sizeof path, "%s/null", tmp);
	unlink(path);
	rmdir(tmp);
	rmdir(cg);
	return tap_done();
}
