/* ctr.c - a container's lifecycle state; see ctr.h. */
#include "lifecycle/ctr.h"
#include "base/cleanup.h"
#include "base/fs.h"
#include "base/state.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

const char *rc_ctr_state_name(enum rc_ctr_state s)
{
	static const char *const names[] = { "created", "running", "restarting", "exited" };

	return names[s];
}

/* The parent and start time (clock ticks) of a live process from
 * /proc/PID/stat; false when there is none, or it is a zombie. */
static bool proc_stat(pid_t pid, pid_t *ret_ppid, unsigned long long *ret_start)
{
	char path[64], buf[1024];
	_cleanup_close_ int fd = -1;
	ssize_t n;
	char *p;
	int ppid = 0;

	snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || (n = read(fd, buf, sizeof buf - 1)) <= 0)
		return false;
	buf[n] = '\0';
	/* The command name may hold anything, ')' too: fields follow the last. */
	p = strrchr(buf, ')');
	if (!p)
		return false;
	/* p[2] is field 3, the state: a zombie supervises nothing any more. */
	if (p[1] != ' ' || p[2] == 'Z' || p[2] == 'X')
		return false;
	p += 2;
	if (sscanf(p, "%*c %d", &ppid) != 1)
		return false;
	/* Field 22 is the start time. */
	for (int field = 3; field < 22 && p; field++) {
		p = strchr(p, ' ');
		if (p)
			p++;
	}
	if (!p || sscanf(p, "%llu", ret_start) != 1)
		return false;
	*ret_ppid = ppid;
	return true;
}

unsigned long long rc_proc_starttime(pid_t pid)
{
	unsigned long long start;
	pid_t ppid;

	return proc_stat(pid, &ppid, &start) ? start : 0;
}

int rc_ctr_open(const char *root, const char *name, struct rc_ctr *ret, struct rc_err *e)
{
	struct rc_ctr c = RC_CTR_INIT;
	char path[PATH_MAX + RC_NAME_MAX + 16];

	if (rc_name_check(name, e) < 0)
		return rc_err_status(e, 2);
	snprintf(c.name, sizeof c.name, "%s", name);
	c.containers_fd = rc_state_dir(root, "containers", false, e);
	if (c.containers_fd < 0 && e->code != ENOENT)
		return -1;
	if (c.containers_fd >= 0)
		c.dir_fd = openat(c.containers_fd, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
	if (c.dir_fd < 0) {
		int err = c.containers_fd < 0 ? ENOENT : errno;
		rc_ctr_close(&c);
		if (err == ENOENT)
			return rc_errf(e, 0, "no such container: %s", name);
		return rc_errf(e, err, "opening container %s", name);
	}
	snprintf(path, sizeof path, "%s/containers/%s", root, name);
	if (!realpath(path, c.bundle)) {
		int err = errno;
		rc_ctr_close(&c);
		return rc_errf(e, err, "resolving %s", path);
	}
	rc_cgroup_leaf(root, name, c.cgroup);
	*ret = c;
	return 0;
}

void rc_ctr_close(struct rc_ctr *c)
{
	if (c->dir_fd >= 0)
		close(c->dir_fd);
	if (c->containers_fd >= 0)
		close(c->containers_fd);
	c->dir_fd = c->containers_fd = -1;
}

int rc_ctr_write_num(int dirfd, const char *file, long long v, struct rc_err *e)
{
	char buf[32];
	int n = snprintf(buf, sizeof buf, "%lld\n", v);

	return rc_write_file_nosync_at(dirfd, file, buf, (size_t)n, 0644, e);
}

long long rc_ctr_read_num(int dirfd, const char *file, long long dflt)
{
	char buf[64], *end;
	_cleanup_close_ int fd = openat(dirfd, file, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	ssize_t n;
	long long v;

	if (fd < 0 || (n = read(fd, buf, sizeof buf - 1)) <= 0)
		return dflt;
	buf[n] = '\0';
	errno = 0;
	v = strtoll(buf, &end, 10);
	if (errno || end == buf || (*end && *end != '\n' && *end != ' '))
		return dflt;
	return v;
}

int rc_ctr_mark(int dirfd, const char *file, struct rc_err *e)
{
	return rc_write_file_nosync_at(dirfd, file, "", 0, 0644, e);
}

int rc_ctr_set_monitor(int dirfd, struct rc_err *e)
{
	char buf[64];
	int n = snprintf(buf, sizeof buf, "%d %llu\n", (int)getpid(), rc_proc_starttime(getpid()));

	return rc_write_file_nosync_at(dirfd, RC_FILE_MONITOR, buf, (size_t)n, 0644, e);
}

/* The recorded monitor's pid when that very process still lives, else 0. */
static pid_t live_monitor(int dirfd)
{
	char buf[64];
	_cleanup_close_ int fd = openat(dirfd, RC_FILE_MONITOR, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	unsigned long long start;
	int pid;
	ssize_t n;

	if (fd < 0 || (n = read(fd, buf, sizeof buf - 1)) <= 0)
		return 0;
	buf[n] = '\0';
	if (sscanf(buf, "%d %llu", &pid, &start) != 2 || pid <= 0 || !start)
		return 0;
	return rc_proc_starttime(pid) == start ? pid : 0;
}

static bool exists(int dirfd, const char *file)
{
	return faccessat(dirfd, file, F_OK, AT_SYMLINK_NOFOLLOW) == 0;
}

void rc_ctr_status(int dirfd, struct rc_ctr_status *s)
{
	struct stat st;

	memset(s, 0, sizeof *s);
	s->exit_code = -1;
	if (fstatat(dirfd, RC_FILE_CONFIG, &st, 0) == 0)
		s->created = st.st_mtim.tv_sec;
	s->restarts = (int)rc_ctr_read_num(dirfd, RC_FILE_RESTARTS, 0);
	s->started = rc_ctr_read_num(dirfd, RC_FILE_STARTED, 0);
	s->monitor = live_monitor(dirfd);
	if (s->monitor) {
		s->pid = (pid_t)rc_ctr_read_num(dirfd, RC_FILE_PID, 0);
		if (exists(dirfd, RC_FILE_RESTARTING)) {
			s->state = RC_CTR_RESTARTING;
			s->pid = 0;
		} else {
			/* No pid yet: it is being started. */
			s->state = s->pid ? RC_CTR_RUNNING : RC_CTR_CREATED;
		}
		return;
	}
	if (exists(dirfd, RC_FILE_EXIT)) {
		s->state = RC_CTR_EXITED;
		s->exit_code = (int)rc_ctr_read_num(dirfd, RC_FILE_EXIT, -1);
		s->finished = rc_ctr_read_num(dirfd, RC_FILE_FINISHED, 0);
	} else if (exists(dirfd, RC_FILE_MONITOR)) {
		/* Its monitor died without recording the end (SIGKILL, a
		 * reboot); the container went with it (PR_SET_PDEATHSIG). */
		s->state = RC_CTR_EXITED;
		s->exit_code = 137;
	}
}

bool rc_pidfd_alive(int pidfd)
{
	struct pollfd p = { pidfd, POLLIN, 0 };

	return poll(&p, 1, 0) == 0;
}

int rc_pidfd_signal(int pidfd, int sig)
{
	return (int)syscall(SYS_pidfd_send_signal, pidfd, sig, NULL, 0);
}

int rc_ctr_monitor_pidfd(int dirfd, pid_t *ret_pid)
{
	pid_t pid = live_monitor(dirfd);
	int fd;

	if (!pid)
		return -1;
	fd = (int)syscall(SYS_pidfd_open, pid, 0);
	/* Still that process once the pidfd holds it: not a reused pid. */
	if (fd >= 0 && live_monitor(dirfd) != pid) {
		close(fd);
		return -1;
	}
	*ret_pid = pid;
	return fd;
}

int rc_ctr_pidfd(int dirfd, const char *name, pid_t *ret_pid, struct rc_err *e)
{
	struct rc_ctr_status st;
	unsigned long long start, mstart;
	pid_t ppid, mppid;
	int fd;

	if (!name || !*name)
		name = "(unnamed)";
	rc_ctr_status(dirfd, &st);
	if (st.state != RC_CTR_RUNNING)
		return rc_errf(e, 0, "container %s is not running", name);
	fd = (int)syscall(SYS_pidfd_open, st.pid, 0);
	if (fd < 0 && errno != ESRCH)
		return rc_errf(e, errno, "opening container %s's process %d", name, (int)st.pid);
	/* Now that fd holds whatever process has the pid: it must be the
	 * monitor's child, started after it, and the monitor the recorded one. */
	if (fd < 0 || !proc_stat(st.pid, &ppid, &start) || ppid != st.monitor ||
	    !proc_stat(st.monitor, &mppid, &mstart) || start < mstart ||
	    live_monitor(dirfd) != st.monitor) {
		if (fd >= 0)
			close(fd);
		return rc_errf(e, 0, "container %s is not running", name);
	}
	*ret_pid = st.pid;
	return fd;
}

int rc_ctr_wait(int dirfd, int timeout_ms)
{
	struct timespec t0, t;
	pid_t pid = live_monitor(dirfd);
	_cleanup_close_ int pfd = -1;

	if (!pid)
		return 0;
	pfd = (int)syscall(SYS_pidfd_open, pid, 0);
	/* The pid may have been reused between the two looks: check again. */
	if (pfd < 0 || live_monitor(dirfd) != pid) {
		if (pfd < 0 && errno != ESRCH)
			goto poll_loop;
		return live_monitor(dirfd) ? 1 : 0;
	}
	{
		struct pollfd p = { pfd, POLLIN, 0 };
		int r;
		while ((r = poll(&p, 1, timeout_ms)) < 0 && errno == EINTR)
			;
		return r > 0 ? 0 : 1;
	}
poll_loop:
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		if (!live_monitor(dirfd))
			return 0;
		clock_gettime(CLOCK_MONOTONIC, &t);
		if (timeout_ms >= 0 && (t.tv_sec - t0.tv_sec) * 1000 + (t.tv_nsec - t0.tv_nsec) / 1000000 >= timeout_ms)
			return 1;
		nanosleep(&(struct timespec){ 0, 20 * 1000 * 1000 }, NULL);
	}
}
