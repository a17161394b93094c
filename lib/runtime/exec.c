/* exec.c - a process in a running container; see exec.h. */
#include "runtime/exec.h"
#include "base/cleanup.h"
#include "base/state.h"
#include "lifecycle/ctr.h"
#include "lifecycle/options.h"
#include "runtime/cgroups.h"
#include "runtime/child.h"
#include "runtime/clone.h"
#include "runtime/defaults.h"
#include "runtime/launch.h"
#include "runtime/run.h"
#include "runtime/secopt.h"
#include "runtime/spec.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

int rc_exec_open_ns(pid_t pid, int *fds, struct rc_err *e)
{
	for (int k = 0; k < RC_NS_MAX; k++) {
		char path[64], self[64];
		struct stat a, b;

		fds[k] = -1;
		snprintf(path, sizeof path, "/proc/%d/ns/%s", (int)pid, rc_ns_names[k].proc);
		snprintf(self, sizeof self, "/proc/self/ns/%s", rc_ns_names[k].proc);
		if (stat(path, &a) < 0) {
			if (errno == ENOENT && k == RC_NS_CGROUP)
				continue; /* a kernel without cgroup namespaces */
			return rc_errf(e, errno, "opening the container's %s namespace", rc_ns_names[k].proc);
		}
		if (stat(self, &b) == 0 && a.st_ino == b.st_ino && a.st_dev == b.st_dev)
			continue;
		fds[k] = open(path, O_RDONLY | O_CLOEXEC);
		if (fds[k] < 0)
			return rc_errf(e, errno, "opening the container's %s namespace", rc_ns_names[k].proc);
	}
	return 0;
}

static void close_ns(int *fds)
{
	for (int k = 0; k < RC_NS_MAX; k++)
		if (fds[k] >= 0)
			close(fds[k]), fds[k] = -1;
}

/* The container's namespaces, through its verified pidfd: they count only
 * if its process outlived their opening (else the pid may be another's). */
static int container_ns(const struct rc_exec_opts *o, const struct rc_ctr *ctr, int *fds,
			struct rc_err *e)
{
	_cleanup_close_ int pfd = -1;
	pid_t cpid;

	for (int k = 0; k < RC_NS_MAX; k++)
		fds[k] = -1;
	pfd = rc_ctr_pidfd(ctr->dir_fd, o->name, &cpid, e);
	if (pfd < 0 || rc_exec_open_ns(cpid, fds, e) < 0)
		return -1;
	if (!rc_pidfd_alive(pfd))
		return rc_errf(e, 0, "container %s is not running", o->name);
	return 0;
}

/* The filter the container's first process got (secopt.h). */
static int build_seccomp(const struct rc_spec *spec, int dirfd, struct rc_seccomp **ret,
			 struct rc_err *e)
{
	_cleanup_free_ char *text = NULL;

	*ret = NULL;
	if (rc_spec_seccomp(spec, &text, e) < 0)
		return -1;
	if (text && rc_seccomp_build_cached(text, dirfd, RC_SECCOMP_CACHE, ret, e) < 0)
		return rc_err_prefix(e, "the seccomp filter");
	return 0;
}

static int run(const struct rc_exec_opts *o, const struct rc_ctr *ctr, struct rc_spec *spec,
	       const char *user, int *ret_status, struct rc_err *e)
{
	struct rc_run r = { .name = o->name, .dir_fd = -1, .containers_fd = -1, .spec = spec,
			    .user = user, .tty = o->ov.tty, .interactive = o->ov.interactive };
	struct rc_launch l = RC_LAUNCH_INIT;
	struct rc_child c = { .r = &r, .l = &l };
	int ret = -1;
	pid_t pid;

	if (container_ns(o, ctr, c.ns_fd, e) < 0)
		goto out;
	if (build_seccomp(spec, ctr->dir_fd, &c.seccomp, e) < 0)
		goto out;
	if (rc_launch_prepare(&l, o->ov.tty, o->ov.interactive, e) < 0)
		goto out;
	/* A child born in the container's pid namespace; rc-exec itself
	 * stays in its own, and so do its later children (rc_clone). */
	pid = rc_clone(0, c.ns_fd[RC_NS_PID], e);
	if (pid < 0)
		goto out;
	if (pid == 0)
		rc_child_exec(&c);
	rc_launch_forked(&l);
	if (rc_cgroup_join(RC_CGROUP_BASE, ctr->cgroup, pid, e) < 0) {
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		goto out;
	}
	if (rc_launch_go(&l, pid, e) < 0)
		goto out;
	if (l.tty.master >= 0 && o->ov.interactive && rc_tty_raw(&l.tty, e) < 0)
		rc_err_warn(e);
	*ret_status = rc_launch_wait(&l, pid, o->ov.interactive);
	ret = 0;
out:
	rc_launch_close(&l);
	close_ns(c.ns_fd);
	rc_seccomp_free(c.seccomp);
	return ret;
}

/* What rc-unshare's command line gave the container's process and a
 * config cannot say (options.h): its variables, working directory and
 * user are every exec'd process's defaults too, as under docker exec. */
static int apply_recorded(int dirfd, struct rc_spec *spec, char **user, struct rc_err *e)
{
	char **opts = NULL;
	const char *v;
	size_t pos = 0;
	int r = 0;

	if (rc_options_read(dirfd, &opts, e) < 0)
		return -1;
	while (r == 0 && (v = rc_options_next(opts, "env", &pos)))
		r = strchr(v, '=') ? rc_env_set(&spec->env, v, e) : 0;
	if (r == 0 && (v = rc_options_get(opts, "workdir"))) {
		char *cwd = strdup(v);
		if (!cwd)
			r = rc_errf(e, ENOMEM, "allocating");
		else
			free(spec->cwd), spec->cwd = cwd;
	}
	if (r == 0 && (v = rc_options_get(opts, "user")) && !(*user = strdup(v)))
		r = rc_errf(e, ENOMEM, "allocating");
	rc_options_free(opts);
	return r;
}

int rc_exec(const struct rc_exec_opts *o, int *ret_status, struct rc_err *e)
{
	_cleanup_ctr_ struct rc_ctr c = RC_CTR_INIT;
	struct rc_spec spec = { 0 };
	struct rc_ctr_status st;
	_cleanup_free_ char *user = NULL;
	int r;

	rc_err_status(e, 125);
	if (rc_ctr_open(o->root, o->name, &c, e) < 0)
		return -1;
	rc_ctr_status(c.dir_fd, &st);
	if (st.state != RC_CTR_RUNNING)
		return rc_errf(e, 0, "container %s is not running", o->name);
	if (rc_spec_load(c.dir_fd, RC_FILE_CONFIG, &spec, e) < 0)
		return rc_err_prefix(e, "container %s", o->name);
	if (rc_security_restore(c.dir_fd, &spec, e) < 0 || apply_recorded(c.dir_fd, &spec, &user, e) < 0) {
		rc_spec_free(&spec);
		return rc_err_prefix(e, "container %s", o->name);
	}
	/* Before anything of the container's can see us. */
	prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
	r = rc_overrides_apply(&o->ov, &spec, NULL, e);
	if (r == 0)
		r = run(o, &c, &spec, o->ov.user ? o->ov.user : user, ret_status, e);
	rc_spec_free(&spec);
	return r;
}
