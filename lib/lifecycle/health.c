/* health.c - the monitor's healthcheck prober; see health.h. */
#include "lifecycle/health.h"
#include "base/fs.h"
#include "base/state.h"
#include "base/timefmt.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* Room in front of the output for the health file's first lines. */
#define HEAD_ROOM 128

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

/* Replace dirfd/health with buf, atomically. Only the container's monitor
 * (and rc-unshare before it) writes it, one at a time: a fixed temporary
 * name will do. Shallow on the stack on purpose: the deepest frame the
 * monitor ever runs sets how many stack pages it keeps, and the log's copy
 * buffer should be that frame (base/fs's writer keeps a 4 KiB name). */
static void put_file(int dirfd, const char *buf, size_t len)
{
	static const char tmp[] = RC_FILE_HEALTH ".tmp";
	int fd = openat(dirfd, tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0644);

	bool done;

	if (fd < 0)
		return;
	done = rc_write_all(fd, buf, len) == 0;
	done &= close(fd) == 0;
	if (done)
		renameat(dirfd, tmp, dirfd, RC_FILE_HEALTH);
	else
		unlinkat(dirfd, tmp, 0);
}

static void write_state(struct rc_prober *p, const char *head, size_t hlen, size_t out_len)
{
	/* One atomic write of the lines and the output after them. */
	memcpy(p->page + HEAD_ROOM - hlen, head, hlen);
	put_file(p->dir_fd, p->page + HEAD_ROOM - hlen, hlen + out_len);
}

void rc_health_begin(int dirfd)
{
	static const char head[] = "starting 0\n";

	put_file(dirfd, head, sizeof head - 1);
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

/* What a probe needs while it runs, mapped for its life only (nothing of
 * it stays on the monitor's stack or heap): its output, with room in front
 * for the health file's first lines, and the paths and words of its
 * command line. */
struct probe_mem {
	char head_room[HEAD_ROOM];
	char out[RC_HEALTH_OUTPUT_MAX];
	char exe[PATH_MAX];
	char root[PATH_MAX];
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t attr;
	sigset_t none, dflt;
	char *argv[];
};

static size_t probe_mem_size(const struct rc_health_check *c)
{
	size_t n = 0;

	while (c->argv[n])
		n++;
	return sizeof(struct probe_mem) + (n + 6) * sizeof(char *);
}

/* Decimal v after dst (of room for it), NUL-terminated; the end. No
 * printf on the probe's way: its frame is deeper than anything else the
 * monitor of a silent container runs. */
static char *put_num(char *dst, long long v)
{
	char tmp[24];
	int n = 0;
	unsigned long long u = v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v;

	do
		tmp[n++] = (char)('0' + u % 10);
	while (u /= 10);
	if (v < 0)
		*dst++ = '-';
	while (n)
		*dst++ = tmp[--n];
	*dst = '\0';
	return dst;
}

static char *put_str(char *dst, const char *s)
{
	size_t n = strlen(s);

	memcpy(dst, s, n + 1);
	return dst + n;
}

/* The state directory holding dirfd = ROOT/containers/NAME, into root. */
static bool state_root(const struct rc_prober *p, char *root, size_t len)
{
	char self[64];
	ssize_t n;
	char *slash;

	put_num(put_str(self, "/proc/self/fd/"), p->dir_fd);
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
		put_str(root, "/");
	return true;
}

/* rc-exec beside the running program. */
static bool exec_path(char *buf, size_t len)
{
	ssize_t n = readlink("/proc/self/exe", buf, len - 1);
	char *slash;

	if (n <= 0)
		return false;
	buf[n] = '\0';
	slash = strrchr(buf, '/');
	return slash && (size_t)(slash + 1 - buf) + sizeof "rc-exec" <= len &&
	       memcpy(slash + 1, "rc-exec", sizeof "rc-exec");
}

/* `rc-exec --root ROOT NAME -- CMD...` with its output into the pipe wr,
 * stdin /dev/null, nothing else of the monitor's open, and the signals the
 * monitor blocks and ignores back to normal. posix_spawn, not fork: the
 * child runs on a stack of its own until it execs, and the monitor's pages
 * are not copied. 0 or an errno. */
static int spawn(struct rc_prober *p, struct probe_mem *m, int wr)
{
	size_t n = 0;
	int err;

	if (!state_root(p, m->root, sizeof m->root) || !exec_path(m->exe, sizeof m->exe))
		return ENOENT;
	m->argv[0] = "rc-exec";
	m->argv[1] = "--root";
	m->argv[2] = m->root;
	m->argv[3] = (char *)p->name;
	m->argv[4] = "--";
	for (; p->check->argv[n]; n++)
		m->argv[5 + n] = p->check->argv[n];
	m->argv[5 + n] = NULL;
	sigemptyset(&m->none);
	sigemptyset(&m->dflt);
	sigaddset(&m->dflt, SIGPIPE);
	sigaddset(&m->dflt, SIGHUP);
	if ((err = posix_spawn_file_actions_init(&m->fa)))
		return err;
	if ((err = posix_spawnattr_init(&m->attr))) {
		posix_spawn_file_actions_destroy(&m->fa);
		return err;
	}
	err = posix_spawn_file_actions_addopen(&m->fa, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
	if (!err)
		err = posix_spawn_file_actions_adddup2(&m->fa, wr, STDOUT_FILENO);
	if (!err)
		err = posix_spawn_file_actions_adddup2(&m->fa, wr, STDERR_FILENO);
	if (!err)
		err = posix_spawn_file_actions_addclosefrom_np(&m->fa, 3);
	if (!err)
		err = posix_spawnattr_setsigmask(&m->attr, &m->none);
	if (!err)
		err = posix_spawnattr_setsigdefault(&m->attr, &m->dflt);
	if (!err)
		err = posix_spawnattr_setflags(&m->attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
	if (!err)
		err = posix_spawn(&p->pid, m->exe, &m->fa, &m->attr, m->argv, environ);
	posix_spawnattr_destroy(&m->attr);
	posix_spawn_file_actions_destroy(&m->fa);
	if (err)
		p->pid = 0;
	return err;
}

static void record(struct rc_prober *p, int status, long long now_ms);

static void start(struct rc_prober *p, long long now_ms)
{
	size_t size = probe_mem_size(p->check);
	struct probe_mem *m;
	int fds[2], err;

	p->due_ms = now_ms + p->check->interval_ms; /* should this one fail to start */
	if (pipe2(fds, O_CLOEXEC | O_NONBLOCK) < 0)
		return;
	m = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (m == MAP_FAILED) {
		close(fds[0]);
		close(fds[1]);
		return;
	}
	p->page = (char *)m;
	p->page_size = size;
	p->len = 0;
	p->timed_out = false;
	err = spawn(p, m, fds[1]);
	close(fds[1]);
	p->out = fds[0];
	if (err) {
		/* No rc-exec to run it with: a failure, said in its output. */
		p->len = (size_t)snprintf(m->out, sizeof m->out, "rc-monitor: starting rc-exec: %s\n",
					  strerror(err));
		record(p, err == ENOENT ? 127 : 126, now_ms);
		return;
	}
	p->deadline_ms = now_ms + p->check->timeout_ms;
}

bool rc_prober_tick(struct rc_prober *p, long long now_ms)
{
	if (!p->check)
		return false;
	if (p->pid && !p->timed_out && now_ms >= p->deadline_ms) {
		/* rc-exec's child inside dies with it (PR_SET_PDEATHSIG). */
		kill(p->pid, SIGKILL);
		p->timed_out = true;
	} else if (!p->pid && now_ms >= p->due_ms) {
		p->turned_unhealthy = false;
		start(p, now_ms);
		return p->turned_unhealthy; /* it could not be started */
	}
	return false;
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
		munmap(p->page, p->page_size);
	p->page = NULL;
	p->pid = 0;
}

/* The probe's result, in the state and the file; the probe is done. */
static void record(struct rc_prober *p, int status, long long now_ms)
{
	enum rc_health_state before = p->state;
	char head[96];
	int n;

	p->state = rc_health_next(p->state, &p->streak, status == 0,
				  now_ms - p->started_ms < p->check->start_period_ms, p->check->retries);
	char *e = put_str(put_num(put_str(put_str(head, rc_health_state_name(p->state)), " "), p->streak), "\n");
	e = put_str(put_num(put_str(put_num(e, status), " "), (long long)time(NULL)), "\n");
	n = (int)(e - head);
	write_state(p, head, (size_t)n, p->len);
	end_probe(p);
	p->due_ms = now_ms + p->check->interval_ms;
	p->turned_unhealthy = before != RC_HEALTH_UNHEALTHY && p->state == RC_HEALTH_UNHEALTHY;
}

bool rc_prober_reaped(struct rc_prober *p, pid_t pid, int ws, long long now_ms,
		      bool *became_unhealthy)
{
	int status;

	*became_unhealthy = false;
	if (!p->check || !p->pid || pid != p->pid)
		return false;
	/* What it wrote before it ended; a process of the container that
	 * still holds the pipe is not waited for. */
	rc_prober_read(p);
	status = WIFEXITED(ws) ? WEXITSTATUS(ws) : 128 + WTERMSIG(ws);
	if (p->timed_out) {
		status = -1;
		char *o = p->page + HEAD_ROOM;
		p->len = (size_t)(put_str(put_num(put_str(o, "Health check exceeded timeout ("),
						  p->check->timeout_ms), "ms)\n") - o);
	}
	record(p, status, now_ms);
	*became_unhealthy = p->turned_unhealthy;
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
