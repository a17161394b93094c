/* sdunit.h - a systemd unit for a container (rc-systemd), so that it comes
 * back after a reboot without a daemon of rc's.
 *
 * The unit runs the rc programs: ExecStart=rc-start --pidfile %t/rc-NAME.pid
 * (Type=forking: rc-start returns once the container runs, and the pid file
 * names its monitor, which systemd then supervises as the service's main
 * process), ExecStop=rc-stop. The container's restart policy stays its
 * monitor's, with docker's backoff and count; systemd adds what docker's
 * daemon does: a container whose policy is not "no" is started at boot
 * (WantedBy=multi-user.target once enabled), and its unit is restarted when
 * the start fails or the monitor itself dies (Restart=on-failure). The stop
 * timeout is the container's --stop-timeout, with room for rc-stop's wait
 * after SIGKILL.
 */
#ifndef RC_SDUNIT_H
#define RC_SDUNIT_H

#include <stdio.h>

#include "base/err.h"

/* The unit's file name: rc-NAME.service, into buf. */
void rc_sdunit_name(const char *name, char *buf, size_t len);

/* Write the unit for container NAME under root (made absolute) to out;
 * bindir is where the rc programs are. */
int rc_sdunit_write(const char *root, const char *name, const char *bindir, FILE *out,
		    struct rc_err *e);

#endif
