/* tty.h - the container's pseudo-terminal (-t): a pty pair sized like the
 * caller's terminal, the caller's terminal in raw mode while it runs and
 * restored after, and window size changes passed on. */
#ifndef RC_TTY_H
#define RC_TTY_H

#include <stdbool.h>
#include <sys/ioctl.h>
#include <termios.h>

#include "base/err.h"

struct rc_tty {
	int master;              /* kept by rc-unshare, -1 without -t */
	bool raw;                /* the caller's stdin was put in raw mode */
	struct termios saved;    /* its settings before */
};

/* In the container (after pivot_root, or once in its mount namespace): a
 * pty from the container's own devpts instance (so ttyname works inside),
 * sized ws (if non-NULL); with console, its slave bind-mounted on
 * /dev/console (the first process's terminal). */
int rc_tty_open(const struct winsize *ws, bool console, int *ret_master, int *ret_slave,
		struct rc_err *e);

/* Pass a descriptor over a unix socket, and receive it (-1 on failure). */
int rc_tty_send_fd(int sock, int fd, struct rc_err *e);
int rc_tty_recv_fd(int sock);

/* The caller's window size, when stdin is a terminal. */
bool rc_tty_caller_size(struct winsize *ws);

/* Put the caller's stdin (when a terminal) in raw mode. */
int rc_tty_raw(struct rc_tty *t, struct rc_err *e);

/* Copy the caller's window size to the pty (on SIGWINCH). */
void rc_tty_resize(struct rc_tty *t);

/* Restore the caller's terminal and close what is still open. */
void rc_tty_close(struct rc_tty *t);

/* Make the pty slave fd the controlling terminal and stdio of the calling
 * process (in the container, after setsid). */
int rc_tty_attach(int slave, struct rc_err *e);

#endif
