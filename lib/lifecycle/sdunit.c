/* sdunit.c - a container's systemd unit; see sdunit.h. */
#include "lifecycle/sdunit.h"
#include "base/cleanup.h"
#include "lifecycle/ctr.h"
#include "lifecycle/lifecycle.h"
#include "lifecycle/monitor.h"
#include "lifecycle/options.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

/* Time rc-stop may still wait once it has sent SIGKILL (lifecycle.c). */
#define STOP_AFTER_KILL 30

void rc_sdunit_name(const char *name, char *buf, size_t len)
{
	snprintf(buf, len, "rc-%s.service", name);
}

/* One word of a command line (exec) or a path list as systemd reads it:
 * quoted when it holds more than plain characters, its specifiers (%) and
 * in a command line its variables ($) kept literal. */
static void word(FILE *out, const char *w, bool exec)
{
	bool plain = *w != '\0';

	for (const char *p = w; *p; p++)
		if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789/._:+@=,-", *p))
			plain = false;
	if (plain) {
		fputs(w, out);
		return;
	}
	fputc('"', out);
	for (const unsigned char *p = (const unsigned char *)w; *p; p++) {
		if (*p == '"' || *p == '\\')
			fprintf(out, "\\%c", *p);
		else if (*p == '%')
			fputs("%%", out);
		else if (*p == '$' && exec)
			fputs("$$", out);
		else if (*p < 0x20 || *p == 0x7f)
			fprintf(out, "\\x%02x", *p);
		else
			fputc(*p, out);
	}
	fputc('"', out);
}

static void command(FILE *out, const char *key, const char *bindir, const char *prog,
		    const char *root, const char *name, bool pidfile)
{
	char path[PATH_MAX + 16];

	snprintf(path, sizeof path, "%s/%s", bindir, prog);
	fprintf(out, "%s=%s", key, !strcmp(key, "ExecStop") ? "-" : "");
	word(out, path, true);
	fputs(" --root ", out);
	word(out, root, true);
	if (pidfile)
		fprintf(out, " --pidfile %%t/rc-%s.pid", name);
	fprintf(out, " %s\n", name);
}

/* The container's restart policy, as recorded (options.h): "no" when none. */
static int policy(int dirfd, char *buf, size_t len, struct rc_restart_policy *p, struct rc_err *e)
{
	char **opts = NULL;
	const char *v;

	if (rc_options_read(dirfd, &opts, e) < 0)
		return -1;
	v = rc_options_get(opts, "restart");
	snprintf(buf, len, "%s", v ? v : "no");
	rc_options_free(opts);
	return rc_restart_parse(buf, p, e);
}

int rc_sdunit_write(const char *root, const char *name, const char *bindir, FILE *out,
		    struct rc_err *e)
{
	_cleanup_ctr_ struct rc_ctr c = RC_CTR_INIT;
	struct rc_restart_policy p;
	char abs[PATH_MAX], pol[64];
	int timeout;

	if (!realpath(root, abs))
		return rc_errf(e, errno, "state directory %s", root);
	if (rc_ctr_open(abs, name, &c, e) < 0)
		return -1;
	if (policy(c.dir_fd, pol, sizeof pol, &p, e) < 0 || rc_ctr_stop_timeout(c.dir_fd, &timeout, e) < 0)
		return rc_err_prefix(e, "container %s", name);
	fprintf(out, "# Container %s, written by rc-systemd(1): write it again after starting\n"
		     "# the container with other options. Its restart policy (%s) is its\n"
		     "# monitor's; systemd starts it %s and stops it.\n",
		name, pol, p.when == RC_RESTART_NO ? "when asked (policy no: not at boot)" : "at boot");
	fputs("[Unit]\nDescription=", out);
	fprintf(out, "rc container %s\n", name);
	fputs("Documentation=man:rc-systemd(1) man:rc-start(1)\n"
	      "Wants=network-online.target\nAfter=network-online.target\n", out);
	fputs("RequiresMountsFor=", out);
	word(out, c.bundle, false);
	fputs("\n\n[Service]\nType=forking\n", out);
	fprintf(out, "PIDFile=%%t/rc-%s.pid\n", name);
	command(out, "ExecStart", bindir, "rc-start", abs, name, true);
	command(out, "ExecStop", bindir, "rc-stop", abs, name, false);
	if (timeout < 0)
		fputs("TimeoutStopSec=infinity\n", out);
	else
		fprintf(out, "TimeoutStopSec=%d\n", timeout + STOP_AFTER_KILL);
	if (p.when != RC_RESTART_NO)
		fputs("Restart=on-failure\nRestartSec=1\n\n[Install]\nWantedBy=multi-user.target\n", out);
	if (ferror(out))
		return rc_errf(e, EIO, "writing the unit");
	return 0;
}
