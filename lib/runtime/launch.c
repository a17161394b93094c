/* launch.c - starting a process in a container, the parent's side; see
 * launch.h. */
#include "runtime/launch.h"
#include "base/fs.h"
#include "runtime/child.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

/* The signals a supervisor passes on to the container's process. */
static const int forwarded[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2 };

static void close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

static int make_pipe(int *rd, int *wr, struct rc_err *e)
{
	int p[2];

	if (pipe2(p, O_CLOEXEC) < 0)
		return rc_errf(e, errno, "creating a pipe");
	*rd = p[0];
	*wr = p[1];
	return 0;
}

/* Block the signals the signalfd reads. A shell starts background jobs
 * with SIGINT and SIGQUIT ignored; an ignored signal never reaches the
 * signalfd, so they are taken back. */
static int watch_signals(struct rc_launch *l, struct rc_err *e)
{
	sigset_t mask;

	sigemptyset(&mask);
	for (size_t i = 0; i < sizeof forwarded / sizeof *forwarded; i++) {
		sigaddset(&mask, forwarded[i]);
		signal(forwarded[i], SIG_DFL);
	}
	sigaddset(&mask, SIGCHLD);
	sigaddset(&mask, SIGWINCH);
	sigprocmask(SIG_BLOCK, &mask, &l->old_mask);
	l->masked = true;
	signal(SIGPIPE, SIG_IGN);
	l->sfd = signalfd(-1, &mask, SFD_CLOEXEC);
	if (l->sfd < 0)
		return rc_errf(e, errno, "creating a signalfd");
	return 0;
}

int rc_launch_prepare(struct rc_launch *l, bool tty, bool interactive, struct rc_err *e)
{
	if (tty) {
		int sp[2];
		if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sp) < 0)
			return rc_errf(e, errno, "creating a socket pair");
		l->tty_peer = sp[0];
		l->tty_sock = sp[1];
		l->has_ws = rc_tty_caller_size(&l->ws);
	} else if (!interactive) {
		l->null_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
		if (l->null_fd < 0)
			return rc_errf(e, errno, "opening /dev/null");
	}
	if (make_pipe(&l->go_rd, &l->go_wr, e) < 0 || make_pipe(&l->report_rd, &l->report_wr, e) < 0)
		return -1;
	return watch_signals(l, e);
}

void rc_launch_forked(struct rc_launch *l)
{
	close_fd(&l->go_rd);
	close_fd(&l->report_wr);
	close_fd(&l->tty_sock);
	close_fd(&l->null_fd);
}

int rc_launch_go(struct rc_launch *l, pid_t pid, struct rc_err *e)
{
	struct rc_child_report rep;
	ssize_t n;

	if (write(l->go_wr, "g", 1) != 1) {
		rc_errf(e, errno, "starting the process");
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		return rc_err_status(e, 125);
	}
	close_fd(&l->go_wr);
	if (l->tty_peer >= 0)
		l->tty.master = rc_tty_recv_fd(l->tty_peer); /* -1: it failed, see below */
	while ((n = read(l->report_rd, &rep, sizeof rep)) < 0 && errno == EINTR)
		;
	if (n <= 0)
		return 0;
	waitpid(pid, NULL, 0);
	rep.msg[sizeof rep.msg - 1] = '\0';
	rc_errf(e, 0, "%s", rep.msg);
	return rc_err_status(e, rep.status >= 125 && rep.status <= 127 ? rep.status : 125);
}

/* Copy what is readable on from to to; false at end of file or error. */
static bool pump(int from, int to)
{
	char buf[8192];
	ssize_t n = read(from, buf, sizeof buf);

	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return true;
	if (n <= 0)
		return false;
	return rc_write_all(to, buf, (size_t)n) == 0;
}

/* What the process wrote just before it ended. */
static void drain(int master)
{
	char buf[8192];
	ssize_t n;

	fcntl(master, F_SETFL, O_NONBLOCK);
	while ((n = read(master, buf, sizeof buf)) > 0)
		if (rc_write_all(STDOUT_FILENO, buf, (size_t)n) < 0)
			break;
}

int rc_launch_wait(struct rc_launch *l, pid_t pid, bool interactive)
{
	int master = l->tty.master, ws = 0;
	bool in_open = interactive && master >= 0, out_open = master >= 0;

	for (;;) {
		struct pollfd p[3] = { { l->sfd, POLLIN, 0 }, { out_open ? master : -1, POLLIN, 0 },
				       { in_open ? STDIN_FILENO : -1, POLLIN, 0 } };
		struct signalfd_siginfo si;

		if (poll(p, 3, -1) < 0)
			continue;
		if (p[1].revents && !pump(master, STDOUT_FILENO))
			out_open = false;
		if (p[2].revents && !pump(STDIN_FILENO, master))
			in_open = false;
		if (!(p[0].revents & POLLIN) || read(l->sfd, &si, sizeof si) != sizeof si)
			continue;
		if (si.ssi_signo == SIGWINCH)
			rc_tty_resize(&l->tty);
		else if (si.ssi_signo != SIGCHLD)
			kill(pid, (int)si.ssi_signo);
		else if (waitpid(pid, &ws, WNOHANG) == pid)
			break;
	}
	if (out_open)
		drain(master);
	return WIFEXITED(ws) ? WEXITSTATUS(ws) : 128 + WTERMSIG(ws);
}

void rc_launch_close(struct rc_launch *l)
{
	rc_launch_forked(l);
	close_fd(&l->go_wr);
	close_fd(&l->report_rd);
	close_fd(&l->tty_peer);
	close_fd(&l->sfd);
	rc_tty_close(&l->tty);
	if (l->masked)
		sigprocmask(SIG_SETMASK, &l->old_mask, NULL);
	l->masked = false;
}
