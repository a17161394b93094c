/* tty.h - the container's pseudo-terminal (-t): a pty pair sized like the
 * caller's terminal, the caller's terminal in raw mode while it runs and
 * restored after, and window size changes passed on. */
#ifndef RC_TTY_H
#define RC_TTY_H

#include <stdbool.h>
#include <termios.h>

#include "err.h"

struct rc_tty {
	int master;              /* kept by rc-unshare */
	int slave;               /* given to the container as its stdio */
	bool raw;                /* the caller's stdin was put in raw mode */
	struct termios saved;    /* its settings before */
};

/* Open a pty pair; the slave gets the window size of the caller's stdin
 * when that is a terminal. */
int rc_tty_open(struct rc_tty *t, struct rc_err *e);

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
