/* tty.c - pseudo-terminal for the container; see tty.h. */
#include "runtime/tty.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/ioctl.h>
#include <unistd.h>

int rc_tty_open(const struct winsize *ws, bool console, int *ret_master, int *ret_slave,
		struct rc_err *e)
{
	char name[64];
	int master, slave, fd;

	master = open("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (master < 0)
		return rc_errf(e, errno, "opening /dev/ptmx in the container");
	if (unlockpt(master) < 0 || ptsname_r(master, name, sizeof name) != 0) {
		int err = errno;
		close(master);
		return rc_errf(e, err, "setting up the pseudo-terminal");
	}
	slave = open(name, O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (slave < 0) {
		int err = errno;
		close(master);
		return rc_errf(e, err, "opening %s", name);
	}
	if (ws)
		ioctl(master, TIOCSWINSZ, ws);
	if (console) {
		/* /dev/console is the terminal, as in docker. */
		fd = open("/dev/console", O_WRONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
		if (fd >= 0)
			close(fd);
		if (fd < 0 || mount(name, "/dev/console", NULL, MS_BIND, NULL) < 0) {
			int err = errno;
			close(master);
			close(slave);
			return rc_errf(e, err, "bind-mounting %s on /dev/console", name);
		}
	}
	*ret_master = master;
	*ret_slave = slave;
	return 0;
}

int rc_tty_send_fd(int sock, int fd, struct rc_err *e)
{
	char byte = 't';
	union { struct cmsghdr h; char buf[CMSG_SPACE(sizeof(int))]; } ctl = { 0 };
	struct iovec iov = { &byte, 1 };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1,
			      .msg_control = ctl.buf, .msg_controllen = sizeof ctl.buf };
	struct cmsghdr *c = CMSG_FIRSTHDR(&msg);

	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(c), &fd, sizeof fd);
	if (sendmsg(sock, &msg, MSG_NOSIGNAL) < 0)
		return rc_errf(e, errno, "passing the terminal to rc-unshare");
	return 0;
}

int rc_tty_recv_fd(int sock)
{
	char byte;
	union { struct cmsghdr h; char buf[CMSG_SPACE(sizeof(int))]; } ctl;
	struct iovec iov = { &byte, 1 };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1,
			      .msg_control = ctl.buf, .msg_controllen = sizeof ctl.buf };
	struct cmsghdr *c;
	int fd;

	if (recvmsg(sock, &msg, MSG_CMSG_CLOEXEC) <= 0)
		return -1;
	c = CMSG_FIRSTHDR(&msg);
	if (!c || c->cmsg_type != SCM_RIGHTS)
		return -1;
	memcpy(&fd, CMSG_DATA(c), sizeof fd);
	return fd;
}

bool rc_tty_caller_size(struct winsize *ws)
{
	return ioctl(STDIN_FILENO, TIOCGWINSZ, ws) == 0;
}

int rc_tty_raw(struct rc_tty *t, struct rc_err *e)
{
	struct termios raw;

	if (!isatty(STDIN_FILENO))
		return 0;
	if (tcgetattr(STDIN_FILENO, &t->saved) < 0)
		return rc_errf(e, errno, "reading the terminal settings");
	raw = t->saved;
	cfmakeraw(&raw);
	if (tcsetattr(STDIN_FILENO, TCSANOW, &raw) < 0)
		return rc_errf(e, errno, "putting the terminal in raw mode");
	t->raw = true;
	return 0;
}

void rc_tty_resize(struct rc_tty *t)
{
	struct winsize ws;

	if (t->master >= 0 && ioctl(STDIN_FILENO, TIOCGWINSZ, &ws) == 0)
		ioctl(t->master, TIOCSWINSZ, &ws);
}

void rc_tty_close(struct rc_tty *t)
{
	if (t->raw)
		tcsetattr(STDIN_FILENO, TCSADRAIN, &t->saved);
	t->raw = false;
	if (t->master >= 0)
		close(t->master);
	t->master = -1;
}

int rc_tty_attach(int slave, struct rc_err *e)
{
	if (setsid() < 0)
		return rc_errf(e, errno, "starting a session");
	if (ioctl(slave, TIOCSCTTY, 0) < 0)
		return rc_errf(e, errno, "setting the controlling terminal");
	for (int fd = 0; fd < 3; fd++)
		if (dup2(slave, fd) < 0)
			return rc_errf(e, errno, "attaching the terminal");
	if (slave > 2)
		close(slave);
	return 0;
}
