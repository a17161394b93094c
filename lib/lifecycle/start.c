/* start.c - rc-start and rc-restart; see start.h. */
#include "lifecycle/start.h"
#include "base/cleanup.h"
#include "base/fs.h"
#include "lifecycle/ctr.h"
#include "lifecycle/lifecycle.h"
#include "lifecycle/monitor.h"
#include "lifecycle/options.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

/* Recorded options a start in the foreground cannot take: they belong to
 * the monitor (rc-unshare refuses --restart without -d). */
static bool detached_only(const char *opt)
{
	static const char *const names[] = { "--detach", "--restart=", "--log-max-size=",
					     "--log-max-files=" };

	for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
		size_t n = strlen(names[i]);
		if (names[i][n - 1] == '=' ? !strncmp(opt, names[i], n) : !strcmp(opt, names[i]))
			return true;
	}
	return false;
}

/* rc-unshare's command line for NAME: the recorded options (the ones a
 * start of this kind cannot take left out), NAME, "--" and the command
 * recorded after the options' "--". */
static char **unshare_argv(const char *root, const char *name, char **opts,
			   const struct rc_start_opts *o, char *root_opt)
{
	size_t n = 0, k = 0, i;
	char **argv;

	while (opts && opts[n])
		n++;
	argv = calloc(n + 8, sizeof *argv);
	if (!argv)
		return NULL;
	argv[k++] = "rc-unshare";
	snprintf(root_opt, PATH_MAX + 8, "--root=%s", root);
	argv[k++] = root_opt;
	if (!o->attach)
		argv[k++] = "--detach";
	else
		argv[k++] = "--no-record"; /* what it leaves out stays recorded */
	if (o->attach && o->interactive)
		argv[k++] = "--interactive";
	for (i = 0; i < n && strcmp(opts[i], "--"); i++) {
		if (!strcmp(opts[i], "--detach") || (o->attach && detached_only(opts[i])) ||
		    (o->attach && !strcmp(opts[i], "--interactive")))
			continue;
		argv[k++] = opts[i];
	}
	argv[k++] = (char *)name;
	argv[k++] = "--";
	for (i++; i < n; i++)
		argv[k++] = opts[i];
	argv[k] = NULL;
	return argv;
}

/* Run argv (rc-unshare -d: it prints the pid, which rc-start does not)
 * and wait for it. */
static int run_detached(const char *path, char **argv, const char *name, struct rc_err *e)
{
	pid_t pid;
	int ws;

	fflush(NULL);
	pid = fork();
	if (pid < 0)
		return rc_errf(e, errno, "starting %s", path);
	if (pid == 0) {
		int null = open("/dev/null", O_WRONLY | O_CLOEXEC);
		if (null >= 0)
			dup2(null, STDOUT_FILENO);
		execv(path, argv);
		fprintf(stderr, "rc-start: executing %s: %s\n", path, strerror(errno));
		_exit(125);
	}
	while (waitpid(pid, &ws, 0) < 0)
		if (errno != EINTR)
			return rc_errf(e, errno, "waiting for rc-unshare");
	if (WIFEXITED(ws) && WEXITSTATUS(ws) == 0)
		return 0;
	return rc_errf(e, 0, "container %s did not start (rc-unshare %s %d)", name,
		       WIFEXITED(ws) ? "exited with status" : "was killed by signal",
		       WIFEXITED(ws) ? WEXITSTATUS(ws) : WTERMSIG(ws));
}

/* The monitor's pid, for a service manager that supervises it. */
static int write_pidfile(int dirfd, const char *path, struct rc_err *e)
{
	struct rc_ctr_status st;
	char buf[32];
	int n;

	rc_ctr_status(dirfd, &st);
	if (!st.monitor)
		return rc_errf(e, 0, "writing %s: the container has no monitor (it has ended already)",
			       path);
	n = snprintf(buf, sizeof buf, "%d\n", (int)st.monitor);
	return rc_write_file_nosync_at(AT_FDCWD, path, buf, (size_t)n, 0644, e);
}

int rc_ctr_start(const char *root, const char *name, const struct rc_start_opts *o,
		 struct rc_err *e)
{
	_cleanup_ctr_ struct rc_ctr c = RC_CTR_INIT;
	struct rc_ctr_status st;
	char path[PATH_MAX], root_opt[PATH_MAX + 8], **opts = NULL, **argv = NULL;
	int r = -1;

	if (rc_ctr_open(root, name, &c, e) < 0)
		return -1;
	rc_ctr_status(c.dir_fd, &st);
	if (st.state == RC_CTR_RUNNING || st.state == RC_CTR_RESTARTING)
		return rc_errf(e, 0, "container %s is already running (rc-restart restarts it)", name);
	if (rc_sibling_path("rc-unshare", path, sizeof path, e) < 0 ||
	    rc_options_read(c.dir_fd, &opts, e) < 0)
		return rc_err_prefix(e, "starting %s", name);
	argv = unshare_argv(root, name, opts, o, root_opt);
	if (!argv) {
		rc_errf(e, ENOMEM, "starting %s", name);
	} else if (o->attach) {
		fflush(NULL);
		execv(path, argv);
		rc_errf(e, errno, "executing %s", path);
	} else if (run_detached(path, argv, name, e) == 0) {
		r = o->pidfile ? write_pidfile(c.dir_fd, o->pidfile, e) : 0;
	}
	free(argv);
	rc_options_free(opts);
	return r;
}

int rc_ctr_restart(const char *root, const char *name, int timeout, struct rc_err *e)
{
	struct rc_start_opts o = { 0 };
	bool was;

	if (rc_ctr_stop(root, name, timeout, &was, e) < 0)
		return -1;
	return rc_ctr_start(root, name, &o, e);
}
