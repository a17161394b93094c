/* monitor.c - a detached container's monitor; see monitor.h. */
#include "lifecycle/monitor.h"
#include "base/state.h"
#include "runtime/cgroups.h"
#include "lifecycle/ctr.h"
#include "base/fs.h"
#include "lifecycle/logfile.h"
#include "base/timefmt.h"
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

/* The monitor's own diagnostics go into the container's log, as stderr. */
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
	rc_log_append(log, RC_LOG_STDERR, buf, (size_t)n);
}

/* Copy one read of a stream's pipe into the log (a page at a time: the
 * monitor's stack is part of its cost per container). false when it held
 * nothing. */
static bool copy_once(int rd, struct rc_log *log, enum rc_log_stream s)
{
	char buf[4096];
	ssize_t n;

	if (rd < 0)
		return false;
	while ((n = read(rd, buf, sizeof buf)) < 0 && errno == EINTR)
		;
	if (n <= 0)
		return false;
	rc_log_append(log, s, buf, (size_t)n);
	return true;
}

/* Everything both pipes hold, a read of each in turn: the two streams
 * interleaved about as the container wrote them. */
static void drain(const struct rc_monitor *m, struct rc_log *log)
{
	bool more = true;

	while (more) {
		more = copy_once(m->log_rd, log, RC_LOG_STDOUT);
		more |= copy_once(m->err_rd, log, RC_LOG_STDERR);
	}
}

static int status_of(int ws)
{
	return WIFEXITED(ws) ? WEXITSTATUS(ws) : 128 + WTERMSIG(ws);
}

/* What one run of the container came to, besides its status. */
struct run {
	bool stop;              /* told to stop: no restart */
	bool unhealthy;         /* stopped for being unhealthy: restart it */
	long long kill_ms;      /* SIGKILL then, unless it has ended (0: not stopping) */
};

/* Whether the restart policy would restart the container now. */
static bool policy_restarts(const struct rc_monitor *m)
{
	const struct rc_restart_policy *p = &m->policy;

	return p->when == RC_RESTART_ALWAYS ||
	       (p->when == RC_RESTART_ON_FAILURE && (!p->max || m->restarts < p->max));
}

/* It has turned unhealthy: stop it to be restarted, where the policy
 * restarts it; else it goes on running, unhealthy (docker's way). */
static void on_unhealthy(const struct rc_monitor *m, struct rc_log *log, struct run *run,
			 long long now)
{
	if (!policy_restarts(m) || run->kill_ms ||
	    faccessat(m->dir_fd, RC_FILE_STOPPING, F_OK, AT_SYMLINK_NOFOLLOW) == 0)
		return;
	say(log, "container %s is unhealthy: stopping it to restart it", m->name);
	run->unhealthy = true;
	run->kill_ms = now + RC_MONITOR_STOP_MS;
	kill(m->pid, m->stop_signal ? m->stop_signal : SIGTERM);
}

static int min_timeout(int a, long long until, long long now)
{
	long long b = until - now < 0 ? 0 : until - now;

	if (b > INT_MAX)
		b = INT_MAX;
	return a < 0 || b < a ? (int)b : a;
}

/* Until the container ends: copy its output, probe its health, pass
 * SIGTERM and SIGINT on (and take them as a stop: no restart after).
 * Returns its status. */
static int supervise(const struct rc_monitor *m, struct rc_log *log, int sfd,
		     struct rc_prober *hp, struct run *run)
{
	for (;;) {
		long long now = rc_mono_ms();
		int timeout = rc_prober_timeout(hp, now);
		struct pollfd p[4] = { { sfd, POLLIN, 0 }, { m->log_rd, POLLIN, 0 },
				       { m->err_rd, POLLIN, 0 }, { hp->out, POLLIN, 0 } };
		struct signalfd_siginfo si;
		bool became;
		int ws;

		if (run->kill_ms)
			timeout = min_timeout(timeout, run->kill_ms, now);
		if (poll(p, 4, timeout) < 0)
			continue;
		if (p[1].revents & POLLIN)
			copy_once(m->log_rd, log, RC_LOG_STDOUT);
		if (p[2].revents & POLLIN)
			copy_once(m->err_rd, log, RC_LOG_STDERR);
		if (p[3].revents)
			rc_prober_read(hp);
		while (read(sfd, &si, sizeof si) == sizeof si) {
			if (si.ssi_signo != SIGCHLD) {
				run->stop = true;
				kill(m->pid, (int)si.ssi_signo);
			}
		}
		now = rc_mono_ms();
		for (;;) {
			pid_t w = waitpid(-1, &ws, WNOHANG);
			if (w == m->pid)
				return status_of(ws);
			if (w <= 0)
				break;
			if (rc_prober_reaped(hp, w, ws, now, &became) && became)
				on_unhealthy(m, log, run, now);
		}
		if (rc_prober_tick(hp, now))
			on_unhealthy(m, log, run, now);
		if (run->kill_ms && now >= run->kill_ms) {
			kill(m->pid, SIGKILL);
			run->kill_ms = 0;
		}
	}
}

/* How many of the container's processes the kernel killed for memory in
 * this run, in the state files: read before its cgroup goes. */
static void record_oom(const struct rc_monitor *m)
{
	long long n = rc_cgroup_oom_kills(m->cgroup_base, 0, m->cgroup ? m->cgroup : m->name);
	struct rc_err e = { 0 };

	if (n > 0)
		rc_ctr_write_num(m->dir_fd, RC_FILE_OOM, n, &e);
	else
		unlinkat(m->dir_fd, RC_FILE_OOM, 0);
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

static bool wants_restart(const struct rc_monitor *m, int status, const struct run *run)
{
	const struct rc_restart_policy *p = &m->policy;

	if (run->stop || faccessat(m->dir_fd, RC_FILE_STOPPING, F_OK, AT_SYMLINK_NOFOLLOW) == 0)
		return false;
	if (run->unhealthy)
		return policy_restarts(m);
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
	snprintf(env, sizeof env, "%d,%d,%d,%d,%d,%d", m->lock_fd, m->log_rd, m->log_wr,
		 m->restarts + 1, m->err_rd, m->err_wr);
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
	struct rc_prober hp;
	struct run run = { 0 };
	sigset_t mask;
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
	/* Kept open across the exec of a restart. */
	fcntl(m->log_rd, F_SETFL, O_NONBLOCK);
	fcntl(m->log_rd, F_SETFD, 0);
	if (m->err_rd >= 0) {
		fcntl(m->err_rd, F_SETFL, O_NONBLOCK);
		fcntl(m->err_rd, F_SETFD, 0);
	}
	rc_prober_init(&hp, m->pid > 0 ? &m->health : NULL, m->dir_fd, m->name);
	if (m->pid > 0)
		status = supervise(m, &log, sfd, &hp, &run);
	else
		status = m->start_status;
	rc_prober_stop(&hp);
	drain(m, &log);
	if (m->pid > 0)
		record_oom(m);
	rc_ctr_write_num(m->dir_fd, RC_FILE_EXIT, status, &e);
	rc_ctr_write_num(m->dir_fd, RC_FILE_FINISHED, (long long)time(NULL), &e);
	if (m->pid > 0)
		cleanup(m, &log);
	if (wants_restart(m, status, &run)) {
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
