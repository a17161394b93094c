/* Unit tests for the lifecycle's pure logic: restart policies, signal
 * names, "ago", the log's records, rotation, tail and time filters, the
 * healthcheck's states, and /proc start times. */
#include "base/timefmt.h"
#include "lifecycle/ctr.h"
#include "lifecycle/health.h"
#include "lifecycle/lifecycle.h"
#include "lifecycle/logfile.h"
#include "lifecycle/logread.h"
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

/* What rc_log_read prints with q, as "OUT|ERR" (the two streams' text). */
static char *dump_q(int dirfd, const struct rc_log_query *q)
{
	static char buf[65536];
	char *o = NULL, *er = NULL;
	size_t ol = 0, el = 0;
	FILE *out = open_memstream(&o, &ol), *err = open_memstream(&er, &el);
	struct rc_err e = { 0 };

	if (rc_log_read(dirfd, q, out, err, &e) < 0)
		snprintf(buf, sizeof buf, "error: %s", e.msg);
	fclose(out);
	fclose(err);
	if (!e.msg[0])
		snprintf(buf, sizeof buf, "%s|%s", o, er);
	free(o);
	free(er);
	return buf;
}

/* stdout's text only, the last tail lines. */
static char *dump(int dirfd, long tail)
{
	struct rc_log_query q = { .tail = tail };
	char *s = dump_q(dirfd, &q);

	s[strcspn(s, "|")] = '\0';
	return s;
}

static void put(int dirfd, const char *name, const char *text)
{
	int fd = openat(dirfd, name, O_WRONLY | O_CREAT | O_TRUNC, 0644);

	if (write(fd, text, strlen(text)) < 0)
		perror(name);
	close(fd);
}

static void clear_logs(int dirfd)
{
	char name[16];

	for (int i = 0; i < 4; i++) {
		snprintf(name, sizeof name, i ? "log.%d" : "log", i);
		unlinkat(dirfd, name, 0);
	}
}

/* The reader: records, streams, legacy lines, tail, --since, --until,
 * timestamps. */
static void reader_tests(int dfd)
{
	struct rc_log_record r;
	struct rc_log_query q = { .tail = -1 };
	struct timespec since, until;
	const char *line = "2024-05-06T07:08:09.123456789Z stderr F hello world";

	rc_log_parse(line, strlen(line), &r);
	ok(r.timed && r.stream == RC_LOG_STDERR && !r.partial && r.len == 11 &&
	   !strncmp(r.text, "hello world", 11) && r.time.tv_nsec == 123456789 &&
	   r.time.tv_sec == 1714979289, "a record: its time, stream, tag and content");
	line = "2024-05-06T07:08:09Z stdout P ";
	rc_log_parse(line, strlen(line), &r);
	ok(r.timed && r.stream == RC_LOG_STDOUT && r.partial && r.len == 0, "a part with no content");
	line = "2024-05-06T07:08:09Z stdin F x";
	rc_log_parse(line, strlen(line), &r);
	ok(!r.timed && r.stream == RC_LOG_STDOUT && r.len == strlen(line), "an unknown stream is a bare line");
	line = "plain output of an older rc";
	rc_log_parse(line, strlen(line), &r);
	ok(!r.timed && r.stream == RC_LOG_STDOUT && r.len == strlen(line), "a bare line is stdout");

	clear_logs(dfd);
	put(dfd, "log.1", "old line\n"
	    "2024-05-06T07:00:00.000000001Z stdout F first\n");
	put(dfd, "log", "2024-05-06T07:00:01Z stderr F oops\n"
	    "2024-05-06T07:00:02Z stdout P par\n"
	    "2024-05-06T07:00:03Z stderr F again\n"
	    "2024-05-06T07:00:04Z stdout F tial\n"
	    "2024-05-06T07:00:05Z stdout F last\n");
	is_str(dump_q(dfd, &q), "old line\nfirst\npartial\nlast\n|oops\nagain\n",
	       "each stream gets its own records, parts joined, older lines kept");
	q.tail = 2;
	is_str(dump_q(dfd, &q), "partial\nlast\n|", "--tail 2: a line in parts counts once, across streams");
	q.tail = 3;
	is_str(dump_q(dfd, &q), "partial\nlast\n|again\n", "--tail 3");
	q.tail = 0;
	is_str(dump_q(dfd, &q), "|", "--tail 0");
	q.tail = -1;
	rc_time_parse("2024-05-06T07:00:02Z", &(struct timespec){ 0, 0 }, &since, NULL);
	q.since = &since;
	is_str(dump_q(dfd, &q), "partial\nlast\n|again\n", "--since: that time on, no line of unknown time");
	rc_time_parse("2024-05-06T07:00:03Z", &(struct timespec){ 0, 0 }, &until, NULL);
	q.until = &until;
	q.since = NULL;
	is_str(dump_q(dfd, &q), "first\npar|oops\nagain\n", "--until: up to that time");
	q.until = NULL;
	q.timestamps = true;
	q.tail = 2;
	is_str(dump_q(dfd, &q), "2024-05-06T07:00:02Z partial\n2024-05-06T07:00:05Z last\n|",
	       "--timestamps leads each line with its first part's time");
	clear_logs(dfd);
}

static void time_tests(void)
{
	struct timespec t = { 1714979289, 5 }, back, now = { 1714979289, 0 };
	char buf[RC_TIME_LEN];
	int64_t ns;
	struct rc_err e = { 0 };

	rc_time_format(&t, buf);
	is_str(buf, "2024-05-06T07:08:09.000000005Z", "RFC 3339 in UTC with nanoseconds");
	t = (struct timespec){ 951782400, 0 };
	rc_time_format(&t, buf);
	is_str(buf, "2000-02-29T00:00:00.000000000Z", "a leap day");
	ok(rc_time_parse_rfc3339(buf, strlen(buf), &back) && back.tv_sec == 951782400, "and back");
	ok(rc_time_parse_rfc3339("2024-05-06T09:08:09.5+02:00", 27, &back) && back.tv_sec == 1714979289 &&
	   back.tv_nsec == 500000000, "a zone offset and a short fraction");
	ok(!rc_time_parse_rfc3339("2024-02-30T00:00:00Z", 20, &back) &&
	   !rc_time_parse_rfc3339("2024-05-06 07:08:09Z", 20, &back) &&
	   !rc_time_parse_rfc3339("2024-05-06T07:08:09", 19, &back), "not RFC 3339: refused");
	ok(rc_time_parse("1714979289.25", &now, &back, &e) == 0 && back.tv_sec == 1714979289 &&
	   back.tv_nsec == 250000000, "--since in Unix seconds");
	ok(rc_time_parse("10m", &now, &back, &e) == 0 && back.tv_sec == 1714979289 - 600, "--since 10m");
	ok(rc_time_parse("1h30m", &now, &back, &e) == 0 && back.tv_sec == 1714979289 - 5400, "--since 1h30m");
	ok(rc_time_parse("2024-05-06T07:08:09Z", &now, &back, &e) == 0 && back.tv_sec == 1714979289,
	   "--since an RFC 3339 time");
	ok(rc_time_parse("2024-05-06", &now, &back, &e) == 0, "--since a date");
	ok(rc_time_parse("yesterday", &now, &back, &e) < 0 && strstr(e.msg, "yesterday") &&
	   rc_time_parse("10", &now, &back, &e) == 0 && back.tv_sec == 10, "junk is refused, a bare number is Unix seconds");
	ok(rc_duration_parse("30s", &ns, &e) == 0 && ns == 30000000000LL, "30s");
	ok(rc_duration_parse("1m30s", &ns, &e) == 0 && ns == 90000000000LL, "1m30s");
	ok(rc_duration_parse("1.5s", &ns, &e) == 0 && ns == 1500000000LL, "1.5s");
	ok(rc_duration_parse("300ms", &ns, &e) == 0 && ns == 300000000LL, "300ms (not 300 minutes)");
	ok(rc_duration_parse("0", &ns, &e) == 0 && ns == 0, "0 needs no unit");
	ok(rc_duration_parse("30", &ns, &e) < 0 && rc_duration_parse("-1s", &ns, &e) < 0 &&
	   rc_duration_parse("1x", &ns, &e) < 0 && rc_duration_parse("", &ns, &e) < 0 &&
	   rc_duration_parse("s", &ns, &e) < 0 && rc_duration_parse("9999999999h", &ns, &e) < 0,
	   "no unit, negative, unknown unit, empty, overflow: refused");
}

static void health_tests(int dfd)
{
	enum rc_health_state s = RC_HEALTH_STARTING;
	int streak = 0;

	s = rc_health_next(s, &streak, false, true, 3);
	ok(s == RC_HEALTH_STARTING && streak == 0, "a failure within the start period does not count");
	s = rc_health_next(s, &streak, false, false, 3);
	s = rc_health_next(s, &streak, false, false, 3);
	ok(s == RC_HEALTH_STARTING && streak == 2, "two failures of three: still starting");
	s = rc_health_next(s, &streak, false, false, 3);
	ok(s == RC_HEALTH_UNHEALTHY && streak == 3, "the third makes it unhealthy");
	s = rc_health_next(s, &streak, true, false, 3);
	ok(s == RC_HEALTH_HEALTHY && streak == 0, "one success makes it healthy again");
	s = rc_health_next(s, &streak, false, true, 1);
	ok(s == RC_HEALTH_UNHEALTHY, "once healthy, the start period no longer shields a failure");
	put(dfd, "health", "unhealthy 3\n1 1714979289\nno\n");
	ok(rc_health_read(dfd) == RC_HEALTH_UNHEALTHY, "the state is read back from the health file");
	put(dfd, "health", "sick 1\n");
	ok(rc_health_read(dfd) == RC_HEALTH_NONE, "an unknown state is none");
	unlinkat(dfd, "health", 0);
	ok(rc_health_read(dfd) == RC_HEALTH_NONE, "no file, no healthcheck");
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
				.err_rd = 10, .err_wr = 12, .stop_signal = 10,
				.health = { (char *[]){ "/bin/sh", "-c", "curl -f localhost || exit 1", NULL },
					    1500, 2000, 0, 5 },
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
	   back.etc.made[0] && !back.etc.made[1] && back.etc.made[2] && back.etc.ino[2] == 13 &&
	   back.err_rd == 10 && back.err_wr == 12 && back.stop_signal == 10,
	   "every field as it was");
	ok(back.health.argv && !strcmp(back.health.argv[0], "/bin/sh") &&
	   !strcmp(back.health.argv[2], "curl -f localhost || exit 1") && !back.health.argv[3] &&
	   back.health.interval_ms == 1500 && back.health.timeout_ms == 2000 &&
	   back.health.start_period_ms == 0 && back.health.retries == 5,
	   "the healthcheck's command, word for word, and its timing");
	free(back.health.argv);
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
	char *nohealth[] = { "rc-monitor", "--name", "web", "--pid", "12", "--dir-fd", "5", "--lock-fd", "7",
			     "--log-fd", "8", "--log-wr", "9", NULL };
	ok(rc_monitor_from_argv(13, nohealth, &back, &e) == 0 && !back.health.argv && back.err_rd == -1,
	   "without --health-arg there is no healthcheck; without --err-fd stderr comes with stdout");
	char *badint[] = { "rc-monitor", "--name", "web", "--pid", "12", "--dir-fd", "5", "--lock-fd", "7",
			   "--log-fd", "8", "--log-wr", "9", "--health-interval", "0", NULL };
	ok(rc_monitor_from_argv(15, badint, &back, &e) < 0 && e.status == 2 && strstr(e.msg, "--health-interval"),
	   "a healthcheck every 0 ms is refused");
}

int main(void)
{
	struct rc_restart_policy p;
	struct rc_err e = { 0 };
	struct rc_log log;
	char buf[64], dir[] = "/tmp/rc-test-log.XXXXXX";
	int sig, dfd;

	TAP_PLAN(68);
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

	/* The log: 10-byte lines as 50-byte records, a 120-byte cap, 3 files. */
	if (!mkdtemp(dir))
		return 1;
	dfd = open(dir, O_RDONLY | O_DIRECTORY);
	rc_log_open(&log, dfd, 120, 3, &e);
	for (int i = 0; i < 7; i++) {
		snprintf(buf, sizeof buf, "line %04d\n", i);
		rc_log_append(&log, RC_LOG_STDOUT, buf, strlen(buf));
	}
	ok(size_of(dfd, "log") == 50 && size_of(dfd, "log.1") == 100 && size_of(dfd, "log.2") == 100 &&
	   size_of(dfd, "log.3") < 0, "rotated at whole records, three files kept");
	is_str(dump(dfd, -1), "line 0002\nline 0003\nline 0004\nline 0005\nline 0006\n",
	       "the dump reads the files oldest first");
	is_str(dump(dfd, 2), "line 0005\nline 0006\n", "--tail 2");
	rc_log_append(&log, RC_LOG_STDOUT, "partial", 7);
	is_str(dump(dfd, 1), "partial", "a last line without its newline counts");
	rc_log_append(&log, RC_LOG_STDERR, "a\nb\n", 4);
	is_str(dump_q(dfd, &(struct rc_log_query){ .tail = 2 }), "|a\nb\n", "stderr's lines go to stderr");
	rc_log_close(&log);

	/* One file: cut back at the cap; a line longer than the cap is split. */
	clear_logs(dfd);
	rc_log_open(&log, dfd, 60, 1, &e);
	rc_log_append(&log, RC_LOG_STDOUT, "0123456789abcdefghijklmnopqrstuvwxyzXY\n", 39);
	ok(size_of(dfd, "log") <= 60 && size_of(dfd, "log.1") < 0, "one file is truncated, never rotated");
	is_str(dump(dfd, -1), "jklmnopqrstuvwxyzXY\n", "what is left is the newest part");
	rc_log_close(&log);
	clear_logs(dfd);
	reader_tests(dfd);
	health_tests(dfd);
	close(dfd);
	rmdir(dir);
	time_tests();
	monitor_args_tests();
	return tap_done();
}
