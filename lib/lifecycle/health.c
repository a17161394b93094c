/* health.c - the monitor's healthcheck prober; see health.h. */
#include "lifecycle/health.h"
#include "base/fs.h"
#include "base/state.h"
#include "base/timefmt.h"
#include "lifecycle/monitor.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* The output's buffer: the file's first lines go in front of it. */
#define HEAD_ROOM 128
#define PAGE_BYTES (HEAD_ROOM + RC_HEALTH_OUTPUT_MAX)

const char *rc_health_state_name(enum rc_health_state s)
{
	static const char *const names[] = { "", "starting", "healthy", "unhealthy" };

	return names[s];
}

enum rc_health_state rc_health_read(int dirfd)
{
	char buf[32];
	int fd = openat(dirfd, RC_FILE_HEALTH, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	ssize_t n = fd >= 0 ? read(fd, buf, sizeof buf - 1) : -1;

	if (fd >= 0)
		close(fd);
	if (n <= 0)
		return RC_HEALTH_NONE;
	buf[n] = '\0';
	buf[strcspn(buf, " \n")] = '\0';
	for (int s = RC_HEALTH_STARTING; s <= RC_HEALTH_UNHEALTHY; s++)
		if (!strcmp(buf, rc_health_state_name(s)))
			return s;
	return RC_HEALTH_NONE;
}

enum rc_health_state rc_health_next(enum rc_health_state s, int *streak, bool success,
				    bool in_start_period, int retries)
{
	if (success) {
		*streak = 0;
		return RC_HEALTH_HEALTHY;
	}
	if (s == RC_HEALTH_STARTING && in_start_period)
		return s;
	if (++*streak >= (retries > 0 ? retries : 1))
		return RC_HEALTH_UNHEALTHY;
	return s;
}

static void write_state(struct rc_prober *p, const char *head, size_t hlen, size_t out_len)
{
	struct rc_err e = { 0 };

	/* One atomic write of the lines and the output after them. */
	memcpy(p->page + HEAD_ROOM - hlen, head, hlen);
	rc_write_file_nosync_at(p->dir_fd, RC_FILE_HEALTH, p->page + HEAD_ROOM - hlen,
				hlen + out_len, 0644, &e);
}

void rc_health_begin(int dirfd)
{
	static const char head[] = "starting 0\n";
	struct rc_err e = { 0 };

	rc_write_file_nosync_at(dirfd, RC_FILE_HEALTH, head, sizeof head - 1, 0644, &e);
}

void rc_prober_init(struct rc_prober *p, const struct rc_health_check *check, int dir_fd,
		    const char *name)
{
	*p = (struct rc_prober){ .check = check, .dir_fd = dir_fd, .name = name, .out = -1 };
	if (!check || !check->argv || !check->argv[0]) {
		p->check = NULL;
		return;
	}
	p->started_ms = rc_mono_ms();
	p->due_ms = p->started_ms + check->interval_ms;
	p->state = RC_HEALTH_STARTING;
	rc_health_begin(dir_fd);
}

int rc_prober_timeout(const struct rc_prober *p, long long now_ms)
{
	long long t;

	if (!p->check || (p->pid && p->timed_out))
		return -1; /* the probe's end comes as SIGCHLD */
	t = (p->pid ? p->deadline_ms : p->due_ms) - now_ms;
	return t < 0 ? 0 : t > INT_MAX ? INT_MAX : (int)t;
}

/* The state directory holding dirfd = ROOT/containers/NAME, into root. */
static bool state_root(const struct rc_prober *p, char *root, size_t len)
{
	char self[64];
	ssize_t n;
	char *slash;

	snprintf(self, sizeof self, "/proc/self/fd/%d", p->dir_fd);
	n = readlink(self, root, len - 1);
	if (n <= 0)
		return false;
	root[n] = '\0';
	for (int i = 0; i < 2; i++) {
		slash = strrchr(root, '/');
		if (!slash || strcmp(slash + 1, i ? "containers" : p->name))
			return false;
		*slash = '\0';
	}
	if (!root[0])
		snprintf(root, len, "/");
	return true;
}

/* The probe's process: `rc-exec --root ROOT NAME -- CMD...` with its output
 * into the pipe and nothing else of the monitor's open. */
static _Noreturn void probe_child(const struct rc_prober *p, int wr)
{
	char exe[PATH_MAX], root[PATH_MAX];
	struct rc_err e = { 0 };
	sigset_t none;
	size_t n = 0;
	char **argv;
	int null;

	while (p->check->argv[n])
		n++;
	argv = calloc(n + 6, sizeof *argv);
	null = open("/dev/null", O_RDONLY | O_CLOEXEC);
	if (!argv || null < 0 || !state_root(p, root, sizeof root) ||
	    rc_sibling_path("rc-exec", exe, sizeof exe, &e) < 0 ||
	    dup2(null, STDIN_FILENO) < 0 || dup2(wr, STDOUT_FILENO) < 0 ||
	    dup2(wr, STDERR_FILENO) < 0)
		_exit(125);
	syscall(SYS_close_range, 3U, ~0U, 0U);
	argv[0] = "rc-exec";
	argv[1] = "--root";
	argv[2] = root;
	argv[3] = (char *)p->name;
	argv[4] = "--";
	memcpy(argv + 5, p->check->argv, n * sizeof *argv);
	/* What the monitor blocks and ignores, exec would pass on. */
	signal(SIGPIPE, SIG_DFL);
	signal(SIGHUP, SIG_DFL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	execv(exe, argv);
	dprintf(STDERR_FILENO, "rc-monitor: executing %s: %s\n", exe, strerror(errno));
	_exit(127);
}

static void start(struct rc_prober *p, long long now_ms)
{
	int fds[2];
	void *page;

	p->due_ms = now_ms + p->check->interval_ms; /* should this one fail to start */
	if (pipe2(fds, O_CLOEXEC | O_NONBLOCK) < 0)
		return;
	page = mmap(NULL, PAGE_BYTES, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (page == MAP_FAILED) {
		close(fds[0]);
		close(fds[1]);
		return;
	}
	p->pid = fork();
	if (p->pid == 0)
		probe_child(p, fds[1]);
	close(fds[1]);
	if (p->pid < 0) {
		p->pid = 0;
		close(fds[0]);
		munmap(page, PAGE_BYTES);
		return;
	}
	p->out = fds[0];
	p->page = page;
	p->len = 0;
	p->timed_out = false;
	p->deadline_ms = now_ms + p->check->timeout_ms;
}

void rc_prober_tick(struct rc_prober *p, long long now_ms)
{
	if (!p->check)
		return;
	if (p->pid && !p->timed_out && now_ms >= p->deadline_ms) {
		/* rc-exec's child inside dies with it (PR_SET_PDEATHSIG). */
		kill(p->pid, SIGKILL);
		p->timed_out = true;
	} else if (!p->pid && now_ms >= p->due_ms) {
		start(p, now_ms);
	}
}

void rc_prober_read(struct rc_prober *p)
{
	char scratch[512];
	ssize_t n;

	while (p->out >= 0) {
		bool room = p->page && p->len < RC_HEALTH_OUTPUT_MAX;
		n = room ? read(p->out, p->page + HEAD_ROOM + p->len, RC_HEALTH_OUTPUT_MAX - p->len)
			 : read(p->out, scratch, sizeof scratch); /* beyond the cap: dropped */
		if (n > 0 && room)
			p->len += (size_t)n;
		if (n > 0 || (n < 0 && errno == EINTR))
			continue;
		if (n == 0) { /* every writer is gone */
			close(p->out);
			p->out = -1;
		}
		break;
	}
}

static void end_probe(struct rc_prober *p)
{
	if (p->out >= 0)
		close(p->out);
	p->out = -1;
	if (p->page)
		munmap(p->page, PAGE_BYTES);
	p->page = NULL;
	p->pid = 0;
}

bool rc_prober_reaped(struct rc_prober *p, pid_t pid, int ws, long long now_ms,
		      bool *became_unhealthy)
{
	enum rc_health_state before = p->state;
	char head[96];
	int status, n;
	bool success;

	*became_unhealthy = false;
	if (!p->check || !p->pid || pid != p->pid)
		return false;
	/* What it wrote before it ended; a process of the container that
	 * still holds the pipe is not waited for. */
	rc_prober_read(p);
	status = WIFEXITED(ws) ? WEXITSTATUS(ws) : 128 + WTERMSIG(ws);
	if (p->timed_out) {
		status = -1;
		p->len = (size_t)snprintf(p->page + HEAD_ROOM, RC_HEALTH_OUTPUT_MAX,
					  "Health check exceeded timeout (%lldms)\n", p->check->timeout_ms);
	}
	success = status == 0;
	p->state = rc_health_next(p->state, &p->streak, success,
				  now_ms - p->started_ms < p->check->start_period_ms, p->check->retries);
	n = snprintf(head, sizeof head, "%s %d\n%d %lld\n", rc_health_state_name(p->state), p->streak,
		     status, (long long)time(NULL));
	write_state(p, head, (size_t)n, p->len);
	end_probe(p);
	p->due_ms = now_ms + p->check->interval_ms;
	*became_unhealthy = before != RC_HEALTH_UNHEALTHY && p->state == RC_HEALTH_UNHEALTHY;
	return true;
}

void rc_prober_stop(struct rc_prober *p)
{
	if (!p->check || !p->pid)
		return;
	kill(p->pid, SIGKILL);
	while (waitpid(p->pid, NULL, 0) < 0 && errno == EINTR)
		;
	end_probe(p);
}
