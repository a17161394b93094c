/* tty.c - pseudo-terminal for the container; see tty.h. */
#include "tty.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <unistd.h>

int rc_tty_open(struct rc_tty *t, struct rc_err *e)
{
	char name[64];

	t->master = t->slave = -1;
	t->raw = false;
	t->master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (t->master < 0)
		return rc_errf(e, errno, "opening a pseudo-terminal");
	if (grantpt(t->master) < 0 || unlockpt(t->master) < 0 ||
	    ptsname_r(t->master, name, sizeof name) != 0) {
		int err = errno;
		close(t->master);
		t->master = -1;
		return rc_errf(e, err, "setting up the pseudo-terminal");
	}
	t->slave = open(name, O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (t->slave < 0) {
		int err = errno;
		close(t->master);
		t->master = -1;
		return rc_errf(e, err, "opening %s", name);
	}
	rc_tty_resize(t);
	return 0;
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
	if (t->slave >= 0)
		close(t->slave);
	t->master = t->slave = -1;
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
