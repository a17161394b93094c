/* launch.h - the parent's side of starting a process in a container: for
 * rc-unshare its first process, for rc-exec one more.
 *
 * Before the fork (or clone): a go pipe the child waits on until the parent
 * has put it in its cgroup, a report pipe it writes its failure to (struct
 * rc_child_report; close-on-exec, so an empty read means its exec ran), the
 * socket its terminal comes back on (-t), /dev/null for its stdin (not -i),
 * and a signalfd for the signals passed on to it. After: the child's ends
 * closed, the go byte, the report read, and then the terminal relayed and
 * the signals passed on until the process ends.
 */
#ifndef RC_LAUNCH_H
#define RC_LAUNCH_H

#include <signal.h>
#include <stdbool.h>
#include <sys/ioctl.h>
#include <sys/types.h>

#include "base/err.h"
#include "runtime/tty.h"

struct rc_launch {
	/* the child's ends, -1 when not used */
	int go_rd, report_wr, tty_sock, null_fd;
	bool has_ws;
	struct winsize ws;         /* the caller's window size, for the child's pty */
	/* the parent's */
	int go_wr, report_rd, tty_peer, sfd;
	sigset_t old_mask;
	bool masked;
	struct rc_tty tty;         /* the pty master once the child sent it */
};

/* Everything before the fork; tty: a terminal comes back, interactive: the
 * caller's stdin is the child's (else /dev/null). */
int rc_launch_prepare(struct rc_launch *l, bool tty, bool interactive, struct rc_err *e);

/* In the parent, right after the fork: the child's ends closed. */
void rc_launch_forked(struct rc_launch *l);

/* Let the child go and wait until it has exec'd (0) or reported why it
 * could not (-1, e->status 125, 126 or 127; the child reaped). */
int rc_launch_go(struct rc_launch *l, pid_t pid, struct rc_err *e);

/* Relay the terminal (and stdin when interactive) and pass SIGINT, SIGTERM,
 * SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2 and window sizes on until pid ends;
 * its status (128+N for signal N). */
int rc_launch_wait(struct rc_launch *l, pid_t pid, bool interactive);

/* Close what is open and restore the signal mask. */
void rc_launch_close(struct rc_launch *l);

#define RC_LAUNCH_INIT { .go_rd = -1, .report_wr = -1, .tty_sock = -1, .null_fd = -1, \
			 .go_wr = -1, .report_rd = -1, .tty_peer = -1, .sfd = -1,      \
			 .tty = { -1, false, { 0 } } }

#endif
