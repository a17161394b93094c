/* monitor.c - a detached container's monitor; see monitor.h. */
#include "lifecycle/monitor.h"
#include "base/state.h"
#include "runtime/cgroups.h"
#include "lifecycle/ctr.h"
#include "base/fs.h"
#include "lifecycle/logfile.h"
#include "net/netns.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

int rc_restart_parse(const char *s, struct rc_restart_policy *ret, struct rc_err *e)
{
	*ret = (struct rc_restart_policy){ RC_RESTART_NO, 0 };
	if (!strcmp(s, "no"))
		return 0;
	if (!strcmp(s, "always") || !strcmp(s, "unless-stopped")) {
		ret->when = RC_RESTART_ALWAYS;
		return 0;
	}
	if (!strncmp(s, "on-failure", 10) && (!s[10] || s[10] == ':')) {
		ret->when = RC_RESTART_ON_FAILURE;
		if (s[10]) {
			char *end;
			errno = 0;
			long n = strtol(s + 11, &end, 10);
			if (errno || end == s + 11 || *end || n < 0 || n > INT_MAX)
				return rc_errf(e, 0, "invalid restart policy \"%s\": on-failure:N takes a count", s);
			ret->max = (int)n;
		}
		return 0;
	}
	return rc_errf(e, 0, "invalid restart policy \"%s\" (no, on-failure[:N] or always)", s);
}

int rc_sibling_path(const char *prog, char *buf, size_t len, struct rc_err *e)
{
	char self[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
	char *slash;

	if (n < 0)
		return rc_errf(e, errno, "finding the running program");
	self[n] = '\0';
	slash = strrchr(self, '/');
	if (!slash)
		return rc_errf(e, 0, "finding the running program: %s is not a path", self);
	*slash = '\0';
	if ((size_t)snprintf(buf, len, "%s/%s", self, prog) >= len)
		return rc_errf(e, ENAMETOOLONG, "finding %s", prog);
	return 0;
}

/* The monitor's own diagnostics go into the container's log. */
static void say(struct rc_log *log, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void say(struct rc_log *log, const char *fmt, ...)
{
	char buf[RC_ERR_MSG_MAX + 64];
	va_list ap;
	int n = snprintf(buf, sizeof buf, "rc-monitor: ");

	va_start(ap, fmt);
	n += vsnprintf(buf + n, sizeof buf - (size_t)n - 1, fmt, ap);
	va_end(ap);
	if (n > (int)sizeof buf - 2)
		n = (int)sizeof buf - 2;
	buf[n++] = '\n';
	rc_log_write(log, buf, (size_t)n);
}

/* Copy what the pipe holds into the log (a page at a time: the monitor's
 * stack is part of its cost per container). */
static void drain(int rd, struct rc_log *log)
{
	char buf[4096];
	ssize_t n;

	while ((n = read(rd, buf, sizeof buf)) > 0 || (n < 0 && errno == EINTR))
		if (n > 0)
			rc_log_write(log, buf, (size_t)n);
}

static int status_of(int ws)
{
	return WIFEXITED(ws) ? WEXITSTATUS(ws) : 128 + WTERMSIG(ws);
}

/* Until the container ends: copy its output, pass SIGTERM and SIGINT on
 * (and take them as a stop: no restart after). Returns its status. */
static int supervise(const struct rc_monitor *m, struct rc_log *log, int sfd, bool *stop)
{
	for (;;) {
		struct pollfd p[2] = { { sfd, POLLIN, 0 }, { m->log_rd, POLLIN, 0 } };
		struct signalfd_siginfo si;
		int ws;

		if (poll(p, 2, -1) < 0)
			continue;
		if (p[1].revents & POLLIN)
			drain(m->log_rd, log);
		while (read(sfd, &si, sizeof si) == sizeof si) {
			if (si.ssi_signo != SIGCHLD) {
				*stop = true;
				kill(m->pid, (int)si.ssi_signo);
			}
		}
		for (;;) {
			pid_t w = waitpid(-1, &ws, WNOHANG);
			if (w == m->pid)
				return status_of(ws);
			if (w <= 0)
				break;
		}
	}
}

/* Undo what rc-unshare made for the container; the lock stays held. */
static void cleanup(const struct rc_monitor *m, struct rc_log *log)
{
	struct rc_err e = { 0 };

	if (rc_cgroup_remove(m->cgroup_base, m->cgroup ? m->cgroup : m->name, &e) < 0)
		say(log, "%s", e.msg);
	if (m->pinned && rc_netns_unpin_owned(m->dir_fd, &e) < 0)
		say(log, "%s", e.msg);
	unlinkat(m->dir_fd, RC_FILE_PID, 0);
	rc_etc_cleanup(m->dir_fd, &m->etc);
}

static bool wants_restart(const struct rc_monitor *m, int status, bool stop)
{
	const struct rc_restart_policy *p = &m->policy;

	if (stop || faccessat(m->dir_fd, RC_FILE_STOPPING, F_OK, AT_SYMLINK_NOFOLLOW) == 0)
		return false;
	if (p->when == RC_RESTART_ALWAYS)
		return true;
	return p->when == RC_RESTART_ON_FAILURE && status != 0 && (!p->max || m->restarts < p->max);
}

/* Docker's backoff: 100 ms, doubling, at most a minute; back to 100 ms
 * once a run has lasted 10 s. Returns false when told to stop meanwhile. */
static bool backoff(const struct rc_monitor *m, int sfd)
{
	long long ran = (long long)time(NULL) - rc_ctr_read_num(m->dir_fd, RC_FILE_STARTED, 0);
	int shift = m->restarts < 10 ? m->restarts : 10;
	long ms = ran >= 10 ? 100 : 100L << shift;
	struct timespec t0, t;

	if (ms > 60000)
		ms = 60000;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		struct pollfd p = { sfd, POLLIN, 0 };
		struct signalfd_siginfo si;
		long left;

		clock_gettime(CLOCK_MONOTONIC, &t);
		left = ms - ((t.tv_sec - t0.tv_sec) * 1000 + (t.tv_nsec - t0.tv_nsec) / 1000000);
		if (left <= 0)
			return faccessat(m->dir_fd, RC_FILE_STOPPING, F_OK, AT_SYMLINK_NOFOLLOW) != 0;
		poll(&p, 1, (int)left);
		while (read(sfd, &si, sizeof si) == sizeof si)
			if (si.ssi_signo != SIGCHLD)
				return false;
		while (waitpid(-1, NULL, WNOHANG) > 0)
			;
	}
}

/* Become rc-unshare again, with the same arguments, to start it anew. */
static void restart(const struct rc_monitor *m, struct rc_log *log)
{
	struct rc_err e = { 0 };
	char path[PATH_MAX], env[64];
	sigset_t none;
	size_t n = 0;
	char **argv;

	while (m->argv[n])
		n++;
	argv = calloc(n + 2, sizeof *argv);
	if (!argv || rc_sibling_path("rc-unshare", path, sizeof path, &e) < 0) {
		say(log, "restarting: %s", argv ? e.msg : "out of memory");
		return;
	}
	argv[0] = "rc-unshare";
	memcpy(argv + 1, m->argv, n * sizeof *argv);
	snprintf(env, sizeof env, "%d,%d,%d,%d", m->lock_fd, m->log_rd, m->log_wr, m->restarts + 1);
	setenv(RC_MONITOR_ENV, env, 1);
	fcntl(m->dir_fd, F_SETFD, FD_CLOEXEC);
	if (m->containers_fd >= 0)
		fcntl(m->containers_fd, F_SETFD, FD_CLOEXEC);
	rc_log_close(log);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	execv(path, argv);
	rc_log_open(log, m->dir_fd, m->log_max_size, m->log_max_files, &e);
	say(log, "restarting: executing %s: %s", path, strerror(errno));
	free(argv);
}

_Noreturn void rc_monitor_main(struct rc_monitor *m)
{
	struct rc_log log = { .fd = -1 };
	struct rc_err e = { 0 };
	sigset_t mask;
	bool stop = false;
	int sfd, status;

	/* Even a container that shares the host's pid namespace may not open
	 * our /proc/PID/exe (the host's binary) or our descriptors. */
	prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
	sigemptyset(&mask);
	sigaddset(&mask, SIGCHLD);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGINT);
	sigprocmask(SIG_BLOCK, &mask, NULL);
	signal(SIGPIPE, SIG_IGN);
	signal(SIGHUP, SIG_IGN);
	sfd = signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK);
	rc_log_open(&log, m->dir_fd, m->log_max_size, m->log_max_files, &e);
	fcntl(m->log_rd, F_SETFL, O_NONBLOCK);
	fcntl(m->log_rd, F_SETFD, 0);
	if (m->pid > 0)
		status = supervise(m, &log, sfd, &stop);
	else
		status = m->start_status;
	drain(m->log_rd, &log);
	rc_ctr_write_num(m->dir_fd, RC_FILE_EXIT, status, &e);
	rc_ctr_write_num(m->dir_fd, RC_FILE_FINISHED, (long long)time(NULL), &e);
	if (m->pid > 0)
		cleanup(m, &log);
	if (wants_restart(m, status, stop)) {
		rc_ctr_mark(m->dir_fd, RC_FILE_RESTARTING, &e);
		if (backoff(m, sfd)) {
			rc_ctr_write_num(m->dir_fd, RC_FILE_RESTARTS, m->restarts + 1, &e);
			restart(m, &log);
		}
	}
	unlinkat(m->dir_fd, RC_FILE_RESTARTING, 0);
	unlinkat(m->dir_fd, RC_FILE_STOPPING, 0);
	if (m->remove && rc_rm_rf_at(m->containers_fd, m->name, &e) < 0)
		say(&log, "%s", e.msg);
	rc_log_close(&log);
	_exit(0);
}
