/* Unit tests for lib/devices.c: the cgroup v2 device rules, loaded as eBPF
 * into a scratch cgroup on this machine's cgroup2 tree (on a hybrid host,
 * /sys/fs/cgroup/unified), with a child process trying real devices. */
#include "runtime/defaults.h"
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

/* In a child in a fresh cgroup with rules: bit 0 opening a null node
 * made earlier for reading works, bit 1 for writing, bit 2 making a zero
 * node works, bit 3 opening the zero node made earlier works. */
static int try_rules(const char *root, const char *tmp, const struct rc_device_rule *rules, size_t n,
		     int *ret)
{
	char cg[256], path[4200];
	struct rc_err e = { 0 };
	int ws = 0, fd;
	pid_t pid;

	snprintf(cg, sizeof cg, "%s/rc-devtest-%d-%zu", root, (int)getpid(), n);
	if (mkdir(cg, 0755) < 0 || rc_devices_attach_bpf(cg, rules, n, &e) < 0) {
		rmdir(cg);
		return -1;
	}
	pid = fork();
	if (pid == 0) {
		int r = 0;
		snprintf(path, sizeof path, "%s/cgroup.procs", cg);
		fd = open(path, O_WRONLY);
		if (fd < 0 || write(fd, "0", 1) != 1)
			_exit(100);
		close(fd);
		snprintf(path, sizeof path, "%s/null", tmp);
		if ((fd = open(path, O_RDONLY)) >= 0)
			r |= 1, close(fd);
		if ((fd = open(path, O_WRONLY)) >= 0)
			r |= 2, close(fd);
		snprintf(path, sizeof path, "%s/zero2", tmp);
		if (mknod(path, S_IFCHR | 0666, makedev(1, 5)) == 0)
			r |= 4;
		snprintf(path, sizeof path, "%s/zero", tmp);
		if ((fd = open(path, O_RDONLY)) >= 0)
			r |= 8, close(fd);
		_exit(r);
	}
	waitpid(pid, &ws, 0);
	snprintf(path, sizeof path, "%s/zero2", tmp);
	unlink(path);
	rmdir(cg);
	*ret = WIFEXITED(ws) ? WEXITSTATUS(ws) : -1;
	return 0;
}

static void rule_tests(const char *root, const char *tmp)
{
	char path[4200];
	const struct rc_device_rule read_null[] = {
		{ false, 'a', -1, -1, RC_DEV_ALL }, { true, 'c', 1, 3, RC_DEV_READ },
	};
	const struct rc_device_rule all_but_null[] = {
		{ true, 'a', -1, -1, RC_DEV_ALL }, { false, 'c', 1, 3, RC_DEV_ALL },
	};
	int r;

	snprintf(path, sizeof path, "%s/null", tmp);
	mknod(path, S_IFCHR | 0666, makedev(1, 3));
	snprintf(path, sizeof path, "%s/zero", tmp);
	mknod(path, S_IFCHR | 0666, makedev(1, 5));
	r = -1;
	ok(try_rules(root, tmp, read_null, 2, &r) == 0 && r == 1,
	   "deny all, allow c 1:3 r: null opens for reading only, nothing else (%d)", r);
	r = -1;
	ok(try_rules(root, tmp, all_but_null, 2, &r) == 0 && r == (4 | 8),
	   "allow all, deny c 1:3: the last rule that matches decides (%d)", r);
	r = -1;
	ok(try_rules(root, tmp, NULL, 0, &r) == 0 && r == 0, "no rules: every device is denied (%d)", r);
	unlink(path);
	snprintf(path, sizeof path, "%s/null", tmp);
	unlink(path);
}

int main(void)
{
	const char *root = cgroup2_root();
	char cg[256], tmp[] = "/var/tmp/rc-devtest.XXXXXX", path[4200];
	struct rc_err e = { 0 };
	int ws = 0;
	pid_t pid;

	char line[64];
	unsigned acc = 0;

	TAP_PLAN(11);
	rc_device_rule_format(&rc_default_devices[3], line, sizeof line);
	is_str(line, "c 1:3 rwm", "a rule as a v1 line");
	rc_device_rule_format(&rc_default_devices[1], line, sizeof line);
	is_str(line, "c *:* m", "any major and minor are *");
	rc_device_rule_format(&rc_default_devices[0], line, sizeof line);
	is_str(line, "a", "every device is a");
	ok(rc_device_access_parse("mwr", &acc) == 0 && acc == RC_DEV_ALL &&
	   rc_device_access_parse("rr", &acc) < 0 && rc_device_access_parse("rx", &acc) < 0,
	   "access letters in any order, each once, only r, w and m");
	if (!root || geteuid() != 0) {
		for (int i = 0; i < 7; i++)
			printf("ok %d - # skip no cgroup2 tree or not root\n", ++tap_n);
		return tap_done();
	}
	snprintf(cg, sizeof cg, "%s/rc-devtest-%d", root, (int)getpid());
	if (mkdir(cg, 0755) < 0 || !mkdtemp(tmp))
		return 1;
	ok(rc_devices_attach_bpf(cg, rc_default_devices, rc_default_ndevices, &e) == 0,
	   "docker's rules load and attach as eBPF (%s)", e.msg);
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
	rmdir(cg);
	rule_tests(root, tmp);
	rmdir(tmp);
	return tap_done();
}
