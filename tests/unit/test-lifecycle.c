/* Unit tests for the lifecycle's pure logic: restart policies, signal
 * names, "ago", the log's rotation and tail, and /proc start times. */
#include "lifecycle/ctr.h"
#include "lifecycle/lifecycle.h"
#include "lifecycle/logfile.h"
#include "lifecycle/monitor.h"
#include "tap.h"

#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static off_t size_of(int dirfd, const char *name)
{
	struct stat st;

	return fstatat(dirfd, name, &st, 0) == 0 ? st.st_size : -1;
}

/* What rc_log_dump writes, as a string. */
static char *dump(int dirfd, long tail)
{
	char path[] = "/tmp/rc-test-dump.XXXXXX";
	int fd = mkstemp(path);
	struct rc_err e = { 0 };
	static char buf[65536];
	ssize_t n;

	unlink(path);
	rc_log_dump(dirfd, tail, fd, &e);
	lseek(fd, 0, SEEK_SET);
	n = read(fd, buf, sizeof buf - 1);
	buf[n < 0 ? 0 : n] = '\0';
	close(fd);
	return buf;
}

/* rc-unshare's command line for rc-monitor, read back as it was built. */
static void monitor_args_tests(void)
{
	static char *unshare_args[2100];
	struct rc_monitor m = { .name = "web", .pid = 1234, .dir_fd = 5, .containers_fd = 6,
				.lock_fd = 7, .log_rd = 8, .log_wr = 9, .cgroup_base = "/sys/fs/cgroup",
				.cgroup = "web@0badf00d", .pinned = true, .restarts = 3,
				.policy = { RC_RESTART_ON_FAILURE, 5 }, .log_max_size = 10 << 20,
				.log_max_files = 3, .etc = { { true, false, true }, { 11, 0, 13 } },
				.argv = unshare_args }, back;
	struct rc_err e = { 0 };
	char **argv = NULL;
	int argc = 0;

	for (int i = 0; i < 2099; i++)
		unshare_args[i] = i % 2 ? "-e" : "K=V";
	ok(rc_monitor_to_argv(&m, &argv, &e) == 0, "the monitor's command line is built");
	while (argv[argc])
		argc++;
	ok(rc_monitor_from_argv(argc, argv, &back, &e) == 0, "and read back");
	ok(!strcmp(back.name, "web") && back.pid == 1234 && back.dir_fd == 5 && back.containers_fd == 6 &&
	   back.lock_fd == 7 && back.log_rd == 8 && back.log_wr == 9 && !strcmp(back.cgroup, "web@0badf00d") &&
	   back.pinned && !back.remove && back.restarts == 3 && back.policy.when == RC_RESTART_ON_FAILURE &&
	   back.policy.max == 5 && back.log_max_size == 10 << 20 && back.log_max_files == 3 &&
	   back.etc.made[0] && !back.etc.made[1] && back.etc.made[2] && back.etc.ino[2] == 13,
	   "every field as it was");
	size_t n = 0;
	while (back.argv[n])
		n++;
	ok(n == 2099 && !strcmp(back.argv[2098], "K=V"), "rc-unshare's 2099 arguments, none lost");
	rc_monitor_argv_free(argv);

	char *bad[] = { "rc-monitor", "--name", "web", "--pid", "12x", "--dir-fd", "5", "--lock-fd", "7",
			"--log-fd", "8", "--log-wr", "9", NULL };
	ok(rc_monitor_from_argv(13, bad, &back, &e) < 0 && e.status == 2 && strstr(e.msg, "--pid"),
	   "a malformed number is refused, naming its option");
	char *missing[] = { "rc-monitor", "--name", "web", "--pid", "12", NULL };
	ok(rc_monitor_from_argv(5, missing, &back, &e) < 0 && e.status == 2,
	   "a command line without the container's descriptors is refused");
}

int main(void)
{
	struct rc_restart_policy p;
	struct rc_err e = { 0 };
	struct rc_log log;
	char buf[64], dir[] = "/tmp/rc-test-log.XXXXXX";
	int sig, dfd;

	TAP_PLAN(28);
	ok(rc_restart_parse("no", &p, &e) == 0 && p.when == RC_RESTART_NO, "restart no");
	ok(rc_restart_parse("always", &p, &e) == 0 && p.when == RC_RESTART_ALWAYS, "restart always");
	ok(rc_restart_parse("on-failure", &p, &e) == 0 && p.when == RC_RESTART_ON_FAILURE && p.max == 0,
	   "on-failure without a count has no limit");
	ok(rc_restart_parse("on-failure:3", &p, &e) == 0 && p.max == 3, "on-failure:3 counts three");
	ok(rc_restart_parse("on-failure:", &p, &e) < 0 && rc_restart_parse("on-failure:x", &p, &e) < 0 &&
	   rc_restart_parse("on-failurex", &p, &e) < 0 && rc_restart_parse("sometimes", &p, &e) < 0,
	   "malformed policies are refused");

	ok(rc_signal_parse("TERM", &sig, &e) == 0 && sig == SIGTERM, "TERM");
	ok(rc_signal_parse("SIGUSR1", &sig, &e) == 0 && sig == SIGUSR1, "SIGUSR1");
	ok(rc_signal_parse("sigkill", &sig, &e) == 0 && sig == SIGKILL, "names in any case");
	ok(rc_signal_parse("9", &sig, &e) == 0 && sig == 9, "a number");
	ok(rc_signal_parse("SIGRTMIN+3", &sig, &e) == 0 && sig == SIGRTMIN + 3, "SIGRTMIN+3");
	ok(rc_signal_parse("NOPE", &sig, &e) < 0 && rc_signal_parse("0", &sig, &e) < 0 &&
	   rc_signal_parse("99", &sig, &e) < 0, "unknown signals are refused");

	rc_ago(100, 101, buf, sizeof buf);
	is_str(buf, "1 second ago", "one second, singular");
	rc_ago(100, 100 + 7200, buf, sizeof buf);
	is_str(buf, "2 hours ago", "hours");
	rc_ago(100, 50, buf, sizeof buf);
	is_str(buf, "0 seconds ago", "a clock that went back is now");

	ok(rc_proc_starttime(getpid()) > 0, "our own start time is known");
	ok(rc_proc_starttime(0x3ffffff) == 0, "a pid that does not exist has none");

	/* The log: 10-byte lines, a 25-byte cap, 3 files. */
	if (!mkdtemp(dir))
		return 1;
	dfd = open(dir, O_RDONLY | O_DIRECTORY);
	rc_log_open(&log, dfd, 25, 3, &e);
	for (int i = 0; i < 7; i++) {
		snprintf(buf, sizeof buf, "line %04d\n", i);
		rc_log_write(&log, buf, strlen(buf));
	}
	ok(size_of(dfd, "log") == 10 && size_of(dfd, "log.1") == 20 && size_of(dfd, "log.2") == 20 &&
	   size_of(dfd, "log.3") < 0, "rotated at whole lines, three files kept");
	is_str(dump(dfd, -1), "line 0002\nline 0003\nline 0004\nline 0005\nline 0006\n",
	       "the dump reads the files oldest first");
	is_str(dump(dfd, 2), "line 0005\nline 0006\n", "--tail 2");
	rc_log_write(&log, "partial", 7);
	is_str(dump(dfd, 1), "partial", "a last line without its newline counts");
	rc_log_close(&log);

	/* One file: cut back at the cap; a chunk longer than the cap is split. */
	for (int i = 0; i < 3; i++) {
		char name[16];
		snprintf(name, sizeof name, i ? "log.%d" : "log", i);
		unlinkat(dfd, name, 0);
	}
	rc_log_open(&log, dfd, 8, 1, &e);
	rc_log_write(&log, "0123456789abcdefXY", 18);
	ok(size_of(dfd, "log") == 2 && size_of(dfd, "log.1") < 0, "one file is truncated, never rotated");
	is_str(dump(dfd, -1), "XY", "what is left is the newest");
	rc_log_close(&log);
	unlinkat(dfd, "log", 0);
	close(dfd);
	rmdir(dir);
	monitor_args_tests();
	return tap_done();
}
