/* run.c - a container's lifetime, seen from rc-unshare; see run.h. */
#include "runtime/run.h"
#include "base/state.h"
#include "image/rootfs.h"
#include "net/etcfiles.h"
#include "runtime/child.h"
#include "runtime/clone.h"
#include "runtime/launch.h"
#include "base/cleanup.h"
#include "lifecycle/ctr.h"
#include "base/fs.h"
#include "lifecycle/lifecycle.h"
#include "lifecycle/monitor.h"
#include "lifecycle/options.h"
#include "runtime/secopt.h"
#include "runtime/sysfilter.h"
#include "runtime/tty.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* The state the parent must undo, however the container ends. */
struct run_state {
	const struct rc_run *r;
	struct rc_cgroup *cg;
	struct rc_etc etc;
	int etc_fd;              /* where hostname/hosts/resolv.conf live */
	char tmpdir[64];         /* for a bare rootfs: a private temp dir */
	bool pid_written, pinned;
	int lock_fd;
	bool keep_lock;          /* a restart: the monitor's lock outlives us */
	bool began;              /* the monitor file names us */
};

/* What a detached start hands to its monitor: the output pipes, and on a
 * restart the monitor's lock and count. */
struct handoff {
	int rd, wr;              /* stdout's */
	int lock_fd;             /* -1: take the lock */
	int restarts;
	int erd, ewr;            /* stderr's; -1: it goes with stdout */
};

static int lock_container(struct run_state *st, const struct handoff *h, struct rc_err *e)
{
	if (st->r->dir_fd < 0)
		return 0;
	if (h && h->lock_fd >= 0) {
		st->lock_fd = h->lock_fd; /* held since the first start */
		st->keep_lock = true;
		return 0;
	}
	st->lock_fd = openat(st->r->dir_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (st->lock_fd < 0)
		return rc_errf(e, errno, "opening the container directory");
	if (flock(st->lock_fd, LOCK_EX | LOCK_NB) < 0) {
		if (errno == EWOULDBLOCK)
			return rc_errf(e, 0, "container %s is already running", st->r->name);
		return rc_errf(e, errno, "locking the container directory");
	}
	return 0;
}

/* hostname, hosts and resolv.conf: the container directory's (rc-net-up's
 * or defaults written now), bind-mounted over the image's. */
static int prepare_etc(struct run_state *st, struct rc_err *e)
{
	const struct rc_run *r = st->r;
	char src[PATH_MAX + 16], dest[32];

	if (r->dir_fd >= 0) {
		st->etc_fd = r->dir_fd;
	} else {
		snprintf(st->tmpdir, sizeof st->tmpdir, "/tmp/rc-unshare.XXXXXX");
		if (!mkdtemp(st->tmpdir)) {
			st->tmpdir[0] = '\0';
			return rc_errf(e, errno, "creating a temporary directory");
		}
		st->etc_fd = open(st->tmpdir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (st->etc_fd < 0)
			return rc_errf(e, errno, "opening %s", st->tmpdir);
	}
	if (rc_etc_prepare(st->etc_fd, r->spec->hostname, r->net, &st->etc, e) < 0 ||
	    rc_etc_extra(st->etc_fd, r->add_hosts, r->dns, &st->etc, e) < 0)
		return -1;
	for (int i = 0; i < 3; i++) {
		snprintf(src, sizeof src, "%s/%s", r->dir_fd >= 0 ? r->bundle : st->tmpdir, rc_etc_files[i]);
		snprintf(dest, sizeof dest, "/etc/%s", rc_etc_files[i]);
		if (rc_spec_add_bind(r->spec, src, dest, false, false, e) < 0)
			return -1;
	}
	return 0;
}

static void cleanup(struct run_state *st)
{
	const struct rc_run *r = st->r;
	struct rc_err e = { 0 };

	if (st->cg && rc_cgroup_destroy(st->cg, &e) < 0)
		rc_err_warn(&e);
	st->cg = NULL;
	if (st->pinned && rc_netns_unpin_owned(r->dir_fd, &e) < 0)
		rc_err_warn(&e);
	if (st->pid_written)
		unlinkat(r->dir_fd, RC_FILE_PID, 0);
	if (st->etc_fd >= 0)
		rc_etc_cleanup(st->etc_fd, &st->etc);
	if (st->tmpdir[0]) {
		close(st->etc_fd);
		rmdir(st->tmpdir);
	}
	st->etc_fd = -1;
	if (r->remove && r->dir_fd >= 0 && rc_rootfs_unmount(r->dir_fd, &e) < 0)
		rc_err_warn(&e);
	else if (r->remove && r->containers_fd >= 0 && rc_rm_rf_at(r->containers_fd, r->name, &e) < 0)
		rc_err_warn(&e);
	if (st->lock_fd >= 0 && !st->keep_lock)
		close(st->lock_fd);
	st->lock_fd = -1;
}

/* A new run's state files: the caller is its monitor, the last run's end
 * and stop request are history (a restart keeps its count and request). */
static int begin_state(const struct rc_run *r, bool restart, struct rc_err *e)
{
	static const char *const old[] = { RC_FILE_EXIT, RC_FILE_FINISHED, RC_FILE_OOM, RC_FILE_HEALTH,
					   RC_FILE_RESTARTING, RC_FILE_STOPPING, RC_FILE_RESTARTS };

	if (r->dir_fd < 0)
		return 0;
	/* A restart stays "restarting" until the container runs. */
	for (size_t i = 0; i < (restart ? 4 : sizeof old / sizeof *old); i++)
		unlinkat(r->dir_fd, old[i], 0);
	return rc_ctr_set_monitor(r->dir_fd, e);
}

static void end_state(const struct rc_run *r, int status)
{
	struct rc_err e = { 0 };
	long long oom;

	if (r->dir_fd < 0 || r->remove)
		return;
	/* Read while the cgroup is still there. */
	oom = rc_cgroup_oom_kills(r->cgroup_base ? r->cgroup_base : RC_CGROUP_BASE, 0, r->cgroup);
	if (oom > 0 && rc_ctr_write_num(r->dir_fd, RC_FILE_OOM, oom, &e) < 0)
		rc_err_warn(&e);
	if (rc_ctr_write_num(r->dir_fd, RC_FILE_EXIT, status, &e) < 0 ||
	    rc_ctr_write_num(r->dir_fd, RC_FILE_FINISHED, (long long)time(NULL), &e) < 0)
		rc_err_warn(&e);
}

/* Become rc-monitor (monitor.h) for the container pid (0: its start failed
 * with status). Returns only when that fails. */
static int exec_monitor(const struct rc_run *r, pid_t pid, int status, int lock_fd,
			const struct handoff *h, const struct run_state *st, struct rc_err *e)
{
	struct rc_monitor m = {
		.name = r->name, .pid = pid, .start_status = status, .dir_fd = r->dir_fd,
		.containers_fd = r->containers_fd, .lock_fd = lock_fd, .log_rd = h->rd,
		.log_wr = h->wr, .err_rd = h->erd, .err_wr = h->ewr,
		.cgroup_base = r->cgroup_base ? r->cgroup_base : RC_CGROUP_BASE,
		.cgroup = r->cgroup, .pinned = st && st->pinned, .remove = r->remove,
		.restarts = h->restarts, .log_max_size = r->log_max_size,
		.log_max_files = r->log_max_files, .argv = r->argv,
	};
	char path[PATH_MAX], **argv = NULL;
	int null;

	if (rc_sibling_path("rc-monitor", path, sizeof path, e) < 0 ||
	    rc_restart_parse(r->restart ? r->restart : "no", &m.policy, e) < 0)
		return -1;
	if (st)
		m.etc = st->etc;
	if (pid > 0 && r->health && r->health->argv) {
		m.health = *r->health;
		if (rc_ctr_stop_signal(r->dir_fd, &m.stop_signal, e) < 0)
			return -1;
	}
	if (rc_monitor_to_argv(&m, &argv, e) < 0)
		return -1;
	int keep[] = { r->dir_fd, r->containers_fd, lock_fd, h->rd, h->wr, h->erd, h->ewr };
	for (size_t i = 0; i < sizeof keep / sizeof *keep; i++)
		if (keep[i] >= 0)
			fcntl(keep[i], F_SETFD, 0);
	null = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (null >= 0) {
		dup2(null, STDIN_FILENO);
		dup2(null, STDOUT_FILENO);
		dup2(null, STDERR_FILENO);
	}
	unsetenv(RC_MONITOR_ENV);
	execv(path, argv);
	rc_monitor_argv_free(argv);
	dup2(h->ewr >= 0 ? h->ewr : h->wr, STDERR_FILENO);
	return rc_errf(e, errno, "executing %s", path);
}

static int open_namespaces(const struct rc_run *r, struct rc_child *c, struct rc_err *e)
{
	const struct rc_spec *s = r->spec;

	for (int k = 0; k < RC_NS_MAX; k++)
		c->ns_fd[k] = -1;
	for (int k = 0; k < RC_NS_MAX; k++) {
		if (!s->ns_path[k] || k == RC_NS_MNT)
			continue;
		c->ns_fd[k] = open(s->ns_path[k], O_RDONLY | O_CLOEXEC);
		if (c->ns_fd[k] < 0)
			return rc_errf(e, errno, "opening namespace %s", s->ns_path[k]);
	}
	if (r->net == RC_NET_DEFAULT && r->dir_fd >= 0 && c->ns_fd[RC_NS_NET] < 0) {
		/* We hold the container's lock: a pin of ours still there is left
		 * from a run that was killed before it could clean up. */
		if (rc_netns_unpin_owned(r->dir_fd, e) < 0)
			return -1;
		int fd = rc_netns_open_pinned(r->dir_fd, e);
		if (fd < -1)
			return -1;
		c->ns_fd[RC_NS_NET] = fd;
	}
	return 0;
}

static void close_namespaces(struct rc_child *c)
{
	for (int k = 0; k < RC_NS_MAX; k++)
		if (c->ns_fd[k] >= 0)
			close(c->ns_fd[k]);
}

/* The container's filter (secopt.h), compiled now so that a bad profile
 * stops the start before anything runs, and recorded for rc-exec. */
static int prepare_seccomp(const struct rc_run *r, struct rc_child *c, struct rc_err *e)
{
	_cleanup_free_ char *text = NULL;

	if (rc_spec_seccomp(r->spec, &text, e) < 0)
		return -1;
	if (text && rc_seccomp_build_cached(text, r->dir_fd, RC_SECCOMP_CACHE, &c->seccomp, e) < 0)
		return rc_err_prefix(e, "the seccomp filter");
	if (r->dir_fd >= 0 && rc_security_record(r->dir_fd, r->spec, text, e) < 0)
		return -1;
	return 0;
}

/* The container's cgroup, with the limits and the config's device rules. */
static int create_cgroup(struct run_state *st, struct rc_err *e)
{
	const struct rc_run *r = st->r;
	_cleanup_free_ struct rc_device_rule *rules = NULL;
	struct rc_cgroup_devices dev;

	if (rc_spec_device_rules(r->spec, &rules, &dev.n, e) < 0)
		return -1;
	dev.rules = rules;
	return rc_cgroup_create(r->cgroup_base ? r->cgroup_base : RC_CGROUP_BASE, 0, r->cgroup,
				&r->limits, &dev, &st->cg, e);
}

static uint64_t clone_flags(const struct rc_run *r, const struct rc_child *c)
{
	uint64_t f = CLONE_NEWNS;

	for (int k = 0; k < RC_NS_MAX; k++)
		if (r->spec->ns[k] && c->ns_fd[k] < 0 && k != RC_NS_CGROUP && k != RC_NS_NET)
			f |= (uint64_t)rc_ns_names[k].clone_flag;
	if (c->new_net)
		f |= CLONE_NEWNET;
	return f;
}

static int write_pid(struct run_state *st, pid_t pid, struct rc_err *e)
{
	char buf[32];
	int n = snprintf(buf, sizeof buf, "%d\n", (int)pid);

	if (st->r->dir_fd < 0)
		return 0;
	if (rc_write_file_nosync_at(st->r->dir_fd, RC_FILE_PID, buf, (size_t)n, 0644, e) < 0)
		return rc_err_prefix(e, "writing the pid file");
	st->pid_written = true;
	return 0;
}

/* The container's own new network namespace, pinned at containers/NAME/netns
 * for rc-net-up. */
static int pin_netns(struct run_state *st, const struct rc_child *c, pid_t pid, struct rc_err *e)
{
	const struct rc_run *r = st->r;

	if (!c->new_net || r->net != RC_NET_DEFAULT || r->dir_fd < 0)
		return 0;
	if (rc_netns_pin(r->dir_fd, pid, e) < 0)
		return -1;
	st->pinned = true;
	return 0;
}

/* Start the container and wait for it. notify_fd (detached monitor) gets
 * "P<pid>" once the command runs, or the failure. */
static int run_fg(const struct rc_run *r, int notify_fd, const struct handoff *h, int *ret_status,
		  struct rc_err *e)
{
	struct run_state st = { .r = r, .etc_fd = -1, .lock_fd = -1 };
	struct rc_launch l = RC_LAUNCH_INIT;
	struct rc_child c = { .r = r, .l = &l };
	pid_t pid;
	int ret = -1;

	rc_err_status(e, 125);
	for (int k = 0; k < RC_NS_MAX; k++)
		c.ns_fd[k] = -1;
	/* A container sharing our pid namespace must not reach our binary
	 * through /proc/PID/exe, nor our descriptors. */
	prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
	if (lock_container(&st, h, e) < 0 || begin_state(r, h && h->lock_fd >= 0, e) < 0)
		goto out;
	st.began = true;
	/* Under the lock: a start that finds the container running must not
	 * replace what it runs with. A restart is the same run. */
	if (r->dir_fd >= 0 && r->options && !(h && h->lock_fd >= 0) &&
	    rc_options_write(r->dir_fd, r->options, e) < 0)
		goto out;
	if (prepare_etc(&st, e) < 0)
		goto out;
	if (prepare_seccomp(r, &c, e) < 0)
		goto out;
	if (open_namespaces(r, &c, e) < 0)
		goto out;
	c.new_net = r->net != RC_NET_HOST && c.ns_fd[RC_NS_NET] < 0 &&
		    (r->spec->ns[RC_NS_NET] || r->net == RC_NET_NONE);
	if (rc_child_check_sysctls(r->spec, c.new_net || c.ns_fd[RC_NS_NET] >= 0, r->spec->ns[RC_NS_IPC], e) < 0)
		goto out;
	if (create_cgroup(&st, e) < 0)
		goto out;
	if (rc_launch_prepare(&l, r->tty, r->interactive, e) < 0)
		goto out;
	pid = rc_clone(clone_flags(r, &c), c.ns_fd[RC_NS_PID], e);
	if (pid < 0)
		goto out;
	if (pid == 0)
		rc_child_main(&c);
	rc_launch_forked(&l);
	if (rc_cgroup_enter(st.cg, pid, e) < 0 || write_pid(&st, pid, e) < 0 ||
	    pin_netns(&st, &c, pid, e) < 0) {
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		goto out;
	}
	if (rc_launch_go(&l, pid, e) < 0)
		goto out;
	if (r->dir_fd >= 0) {
		rc_ctr_write_num(r->dir_fd, RC_FILE_STARTED, (long long)time(NULL), e);
		if (h && r->health && r->health->argv)
			rc_health_begin(r->dir_fd);
		unlinkat(r->dir_fd, RC_FILE_RESTARTING, 0);
	}
	if (notify_fd >= 0) {
		dprintf(notify_fd, "P%d\n", (int)pid);
		close(notify_fd);
	}
	if (h) {
		exec_monitor(r, pid, 0, st.lock_fd, h, &st, e);
		rc_err_warn(e); /* into the log */
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		goto out;
	}
	if (l.tty.master >= 0 && r->interactive && rc_tty_raw(&l.tty, e) < 0)
		rc_err_warn(e);
	*ret_status = rc_launch_wait(&l, pid, r->interactive);
	end_state(r, *ret_status);
	ret = 0;
out:
	rc_launch_close(&l);
	rc_seccomp_free(c.seccomp);
	close_namespaces(&c);
	/* A first start that failed never ran: the container stays "created". */
	if (ret < 0 && st.began && !st.keep_lock)
		unlinkat(r->dir_fd, RC_FILE_MONITOR, 0), unlinkat(r->dir_fd, RC_FILE_STARTED, 0);
	cleanup(&st);
	return ret;
}

static void close_all(const int *fds, size_t n)
{
	for (size_t i = 0; i < n; i++)
		close(fds[i]);
}

/* -d: a forked process (in its own session, the container's stdout and
 * stderr going into two pipes) starts the container as the foreground does and then execs
 * rc-monitor; this process only waits for it to report the pid or the
 * failure. */
static int run_detached(const struct rc_run *r, int *ret_pid, struct rc_err *e)
{
	int p[2], out[2], err[2];
	pid_t mon;
	char buf[RC_ERR_MSG_MAX + 16], path[PATH_MAX];
	size_t got = 0;
	ssize_t n;

	rc_err_status(e, 125);
	if (r->dir_fd < 0)
		return rc_errf(e, 0, "-d needs a container NAME (its log lives in the container directory)");
	if (rc_sibling_path("rc-monitor", path, sizeof path, e) < 0)
		return -1;
	if (access(path, X_OK) < 0)
		return rc_errf(e, errno, "the monitor %s", path);
	if (pipe2(p, O_CLOEXEC) < 0)
		return rc_errf(e, errno, "creating a pipe");
	if (pipe2(out, O_CLOEXEC) < 0) {
		close(p[0]);
		close(p[1]);
		return rc_errf(e, errno, "creating a pipe");
	}
	if (pipe2(err, O_CLOEXEC) < 0) {
		int errn = errno;
		close_all((int[]){ p[0], p[1], out[0], out[1] }, 4);
		return rc_errf(e, errn, "creating a pipe");
	}
	fflush(NULL);
	mon = fork();
	if (mon < 0) {
		int errn = errno;
		close_all((int[]){ p[0], p[1], out[0], out[1], err[0], err[1] }, 6);
		return rc_errf(e, errn, "starting the monitor");
	}
	if (mon == 0) {
		struct rc_err me = { 0 };
		struct handoff h = { out[0], out[1], -1, 0, err[0], err[1] };
		int st = 0;
		int null = open("/dev/null", O_RDWR | O_CLOEXEC);
		int keep[] = { r->dir_fd, r->containers_fd, p[1], out[0], out[1], err[0], err[1], null };

		close(p[0]);
		setsid();
		/* The monitor must not hold its caller's pipes open. */
		rc_close_fds_except(0, keep, sizeof keep / sizeof *keep);
		dup2(null, STDIN_FILENO);
		dup2(out[1], STDOUT_FILENO);
		dup2(err[1], STDERR_FILENO);
		if (run_fg(r, p[1], &h, &st, &me) < 0) {
			dprintf(p[1], "E%d %s", me.status ? me.status : 125, me.msg);
			_exit(me.status ? me.status : 125);
		}
		_exit(st);
	}
	close_all((int[]){ p[1], out[0], out[1], err[0], err[1] }, 5);
	while (got < sizeof buf - 1 && (n = read(p[0], buf + got, sizeof buf - 1 - got)) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			break;
		got += (size_t)n;
		if (buf[0] == 'P' && memchr(buf, '\n', got))
			break;
	}
	close(p[0]);
	buf[got] = '\0';
	if (buf[0] == 'P') {
		*ret_pid = atoi(buf + 1);
		return 0;
	}
	if (buf[0] == 'E') {
		char *msg = strchr(buf, ' ');
		rc_errf(e, 0, "%s", msg ? msg + 1 : "failed");
		return rc_err_status(e, atoi(buf + 1));
	}
	int ws;
	waitpid(mon, &ws, 0);
	return rc_errf(e, 0, "the monitor process ended before the container started");
}

/* A monitor restarting the container: this process is the monitor, come
 * back as rc-unshare with its lock, output pipe and count; it starts the
 * container again and becomes the monitor again, also when the start fails
 * (which the monitor records as the run's exit status). */
static int run_resumed(const struct rc_run *r, int *ret_pid, struct rc_err *e)
{
	struct handoff h = { .erd = -1, .ewr = -1 };
	int st = 0, n;

	/* LOCK,RD,WR,COUNT[,ERD,EWR]: an older monitor passes one pipe for both. */
	n = sscanf(r->resume, "%d,%d,%d,%d,%d,%d", &h.lock_fd, &h.rd, &h.wr, &h.restarts, &h.erd, &h.ewr);
	if ((n != 4 && n != 6) || r->dir_fd < 0 || (h.erd < 0) != (h.ewr < 0))
		return rc_errf(e, 0, "%s: malformed", RC_MONITOR_ENV);
	dup2(h.wr, STDOUT_FILENO);
	dup2(h.ewr >= 0 ? h.ewr : h.wr, STDERR_FILENO);
	if (run_fg(r, -1, &h, &st, e) == 0)
		return *ret_pid = 0;
	rc_err_warn(e); /* into the log */
	exec_monitor(r, 0, e->status ? e->status : 125, h.lock_fd, &h, NULL, e);
	return -1;
}

int rc_run(const struct rc_run *r, int *ret_status, struct rc_err *e)
{
	if (r->detach && r->resume)
		return run_resumed(r, ret_status, e);
	if (r->detach)
		return run_detached(r, ret_status, e);
	return run_fg(r, -1, NULL, ret_status, e);
}
