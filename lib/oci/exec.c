/* exec.c - rc-oci exec; see exec.h. */
#include "oci/exec.h"
#include "base/cleanup.h"
#include "base/fs.h"
#include "lifecycle/ctr.h"
#include "oci/config.h"
#include "oci/sock.h"
#include "oci/state.h"
#include "runtime/child.h"
#include "runtime/clone.h"
#include "runtime/exec.h"
#include "runtime/launch.h"
#include "runtime/secopt.h"
#include "runtime/sysfilter.h"
#include "runtime/tty.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

static json_t *strings(char *const *v)
{
	json_t *a = json_array();

	for (size_t i = 0; a && v && v[i]; i++)
		json_array_append_new(a, json_string(v[i]));
	return a;
}

/* The config's process with the command line's changes, as JSON text. */
static char *process_from_options(const struct rc_oci_exec *o, json_t *config)
{
	json_t *p = json_deep_copy(json_object_get(config, "process"));
	json_t *caps, *env, *user;
	char *text;

	if (!p)
		p = json_object();
	json_object_set_new(p, "args", strings(o->args));
	if (o->cwd)
		json_object_set_new(p, "cwd", json_string(o->cwd));
	json_object_set_new(p, "terminal", json_boolean(o->tty));
	if (o->no_new_privs)
		json_object_set_new(p, "noNewPrivileges", json_true());
	env = json_object_get(p, "env");
	if (!json_is_array(env))
		json_object_set_new(p, "env", env = json_array());
	for (size_t i = 0; o->env && o->env[i]; i++) {
		size_t k = strcspn(o->env[i], "="), j;
		json_t *v;
		json_array_foreach(env, j, v)
			if (!strncmp(json_string_value(v) ?: "", o->env[i], k) && (json_string_value(v)[k] == '=')) {
				json_array_remove(env, j);
				break;
			}
		json_array_append_new(env, json_string(o->env[i]));
	}
	user = json_object_get(p, "user");
	if (!json_is_object(user))
		json_object_set_new(p, "user", user = json_object());
	if (o->user) {
		unsigned long uid = strtoul(o->user, NULL, 10);
		const char *colon = strchr(o->user, ':');
		json_object_set_new(user, "uid", json_integer((json_int_t)uid));
		if (colon)
			json_object_set_new(user, "gid", json_integer((json_int_t)strtoul(colon + 1, NULL, 10)));
	}
	if (o->ngids) {
		json_t *g = json_array();
		for (size_t i = 0; i < o->ngids; i++)
			json_array_append_new(g, json_integer(o->gids[i]));
		json_object_set_new(user, "additionalGids", g);
	}
	caps = json_object_get(p, "capabilities");
	if (o->caps && !json_is_object(caps))
		json_object_set_new(p, "capabilities", caps = json_object());
	for (size_t i = 0; o->caps && o->caps[i]; i++)
		for (const char *const *set = (const char *const[]){ "bounding", "effective", "permitted", NULL }; *set; set++) {
			json_t *a = json_object_get(caps, *set);
			if (!json_is_array(a))
				json_object_set_new(caps, *set, a = json_array());
			json_array_append_new(a, json_string(o->caps[i]));
		}
	text = json_dumps(p, JSON_COMPACT);
	json_decref(p);
	return text;
}

static int load_process(const struct rc_oci_exec *o, struct rc_oci_config *cfg, struct rc_err *e)
{
	_cleanup_free_ char *text = NULL;

	if (o->process) {
		const char *path = strcmp(o->process, "-") ? o->process : "/dev/stdin";
		if (rc_read_file_at(AT_FDCWD, path, 16 << 20, &text, NULL, e) < 0)
			return rc_err_prefix(e, "--process");
	} else {
		if (!o->args || !o->args[0])
			return rc_errf(e, 0, "a command or --process is needed");
		if (!(text = process_from_options(o, cfg->json)))
			return rc_errf(e, ENOMEM, "allocating");
	}
	return rc_oci_config_set_process(cfg, text, e);
}

/* Every directory of the container's cgroup, or none (rc-exec's rule:
 * a process outside some of its limits is worse than no process). */
static int join_cgroup(char *const *dirs, pid_t pid, struct rc_err *e)
{
	char buf[32];
	int n = snprintf(buf, sizeof buf, "%d", (int)pid);

	for (size_t i = 0; dirs && dirs[i]; i++) {
		_cleanup_close_ int dfd = open(dirs[i], O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		_cleanup_close_ int fd = dfd >= 0 ? openat(dfd, "cgroup.procs", O_WRONLY | O_CLOEXEC) : -1;
		if (fd < 0 || rc_write_all(fd, buf, (size_t)n) < 0)
			return rc_errf(e, errno, "joining the container's cgroup %s", dirs[i]);
	}
	return 0;
}

struct exec_state {
	struct rc_oci_ctr ctr;
	struct rc_oci_config cfg;
	struct rc_launch l;
	struct rc_run r;
	struct rc_child c;
};

static int run(const struct rc_oci_exec *o, struct exec_state *s, int *ret_status, struct rc_err *e)
{
	const struct rc_spec *sp = &s->cfg.spec;
	_cleanup_close_ int pfd = -1;
	pid_t pid;

	if (sp->terminal && !o->console_socket && o->detach)
		return rc_errf(e, 0, "a terminal with -d needs a --console-socket to receive it");
	if (!sp->terminal && o->console_socket)
		return rc_errf(e, 0, "--console-socket given, but the process has no terminal");
	pfd = rc_oci_ctr_pidfd(&s->ctr, e);
	if (pfd < 0 || rc_exec_open_ns(s->ctr.pid, s->c.ns_fd, e) < 0)
		return -1;
	if (!rc_pidfd_alive(pfd))
		return rc_errf(e, 0, "container not running");
	if (rc_oci_config_seccomp(&s->cfg, s->ctr.root_fd, &s->c.seccomp, e) < 0)
		return -1;
	if (rc_launch_prepare(&s->l, sp->terminal && !o->console_socket, true, e) < 0)
		return -1;
	if (o->console_socket && (s->l.tty_sock = rc_oci_sock_connect(o->console_socket, e)) < 0)
		return -1;
	if (s->cfg.has_console_size) {
		s->l.has_ws = true;
		s->l.ws = (struct winsize){ .ws_row = s->cfg.console_rows, .ws_col = s->cfg.console_cols };
	}
	s->r = (struct rc_run){ .name = o->id, .dir_fd = -1, .containers_fd = -1, .spec = &s->cfg.spec,
				.tty = sp->terminal };
	s->c.r = &s->r;
	s->c.l = &s->l;
	s->c.detached = o->detach;
	s->c.plain_env = true;
	s->c.preserve_fds = o->preserve_fds;
	s->c.keep_fd[0] = s->c.keep_fd[1] = -1;
	pid = rc_clone(0, s->c.ns_fd[RC_NS_PID], e);
	if (pid < 0)
		return -1;
	if (pid == 0)
		rc_child_exec(&s->c);
	rc_launch_forked(&s->l);
	if (join_cgroup(s->ctr.cgroups, pid, e) < 0) {
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		return -1;
	}
	if (rc_launch_go(&s->l, pid, e) < 0)
		return rc_err_status(e, 1);
	if (o->pid_file) {
		char buf[32];
		int n = snprintf(buf, sizeof buf, "%d", (int)pid);
		if (rc_write_file_nosync_at(AT_FDCWD, o->pid_file, buf, (size_t)n, 0644, e) < 0) {
			kill(pid, SIGKILL);
			return rc_err_prefix(e, "--pid-file");
		}
	}
	if (o->detach)
		return 0;
	if (s->l.tty.master >= 0 && rc_tty_raw(&s->l.tty, e) < 0)
		rc_err_warn(e);
	*ret_status = rc_launch_wait(&s->l, pid, true);
	return 0;
}

int rc_oci_exec(const struct rc_oci_exec *o, int *ret_status, struct rc_err *e)
{
	struct exec_state s = { .ctr = RC_OCI_CTR_INIT, .l = RC_LAUNCH_INIT };
	_cleanup_free_ char *text = NULL;
	enum rc_oci_status st;
	int r = -1;

	*ret_status = 0;
	for (int k = 0; k < RC_NS_MAX; k++)
		s.c.ns_fd[k] = -1;
	/* Before anything of the container's can see us. */
	prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
	for (int fd = 3; fd < 3 + o->preserve_fds; fd++)
		if (fcntl(fd, F_GETFD) < 0)
			return rc_errf(e, errno, "--preserve-fds %d: descriptor %d is not open", o->preserve_fds, fd);
	if (rc_oci_ctr_open(o->root, o->id, &s.ctr, e) < 0)
		goto out;
	st = rc_oci_ctr_status(&s.ctr);
	if (st == RC_OCI_STOPPED || st == RC_OCI_CREATING) {
		rc_errf(e, 0, "cannot exec in a stopped container");
		goto out;
	}
	if (st == RC_OCI_PAUSED && !o->ignore_paused) {
		rc_errf(e, 0, "cannot exec in a paused container (use --ignore-paused to override)");
		goto out;
	}
	if (rc_read_file_at(s.ctr.dir_fd, RC_OCI_CONFIG, 16 << 20, &text, NULL, e) < 0 ||
	    rc_oci_config_parse(text, &s.cfg, e) < 0 || load_process(o, &s.cfg, e) < 0)
		goto out;
	r = run(o, &s, ret_status, e);
out:
	rc_launch_close(&s.l);
	for (int k = 0; k < RC_NS_MAX; k++)
		if (s.c.ns_fd[k] >= 0)
			close(s.c.ns_fd[k]);
	rc_seccomp_free(s.c.seccomp);
	rc_oci_config_free(&s.cfg);
	rc_oci_ctr_close(&s.ctr);
	return r;
}
