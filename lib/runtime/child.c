/* child.c - the container's first process; see child.h. */
#include "runtime/child.h"
#include "runtime/caps.h"
#include "base/cleanup.h"
#include "base/fs.h"
#include "runtime/defaults.h"
#include "runtime/mounts.h"
#include "net/netns.h"
#include "runtime/tty.h"
#include "runtime/users.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef CLOSE_RANGE_CLOEXEC
#define CLOSE_RANGE_CLOEXEC (1U << 2)
#endif

static _Noreturn void child_fail(int fd, int status, const struct rc_err *e)
{
	struct rc_child_report rep = { .status = status };

	snprintf(rep.msg, sizeof rep.msg, "%s", e->msg);
	(void)!write(fd, &rep, sizeof rep);
	_exit(status);
}

/* Look cmd up in the container's PATH as execvp would, telling "not
 * found" (127) from "found but cannot be run" (126). */
static int find_command(const char *cmd, const char *path, char *out, size_t len, struct rc_err *e)
{
	bool denied = false;

	if (strchr(cmd, '/')) {
		snprintf(out, len, "%s", cmd);
		return 0;
	}
	for (const char *p = path; ; ) {
		const char *colon = strchr(p, ':');
		size_t n = colon ? (size_t)(colon - p) : strlen(p);
		struct stat st;

		snprintf(out, len, "%.*s/%s", (int)n, n ? p : ".", cmd);
		if (stat(out, &st) == 0 && S_ISREG(st.st_mode)) {
			if (access(out, X_OK) == 0)
				return 0;
			denied = true;
		}
		if (!colon)
			break;
		p = colon + 1;
	}
	if (denied) {
		rc_errf(e, EACCES, "exec: \"%s\"", cmd);
		return rc_err_status(e, 126);
	}
	rc_errf(e, 0, "exec: \"%s\": executable file not found in $PATH", cmd);
	return rc_err_status(e, 127);
}

/* The config's sysctls, written through the host's /proc before the
 * container's own is mounted: the files under /proc/sys/net and the IPC
 * ones act on the namespaces of the writer, which are the container's. */
static int set_sysctls(char *const *kv, struct rc_err *e)
{
	for (size_t i = 0; kv && kv[i]; i++) {
		char path[512];
		const char *eq = strchr(kv[i], '=');
		size_t n = snprintf(path, sizeof path, "/proc/sys/");
		_cleanup_close_ int fd = -1;

		for (const char *k = kv[i]; k < eq && n < sizeof path - 1; k++)
			path[n++] = *k == '.' ? '/' : *k;
		path[n] = '\0';
		fd = open(path, O_WRONLY | O_CLOEXEC | O_NOFOLLOW);
		if (fd < 0 || rc_write_all(fd, eq + 1, strlen(eq + 1)) < 0)
			return rc_errf(e, errno, "setting sysctl %.*s", (int)(eq - kv[i]), kv[i]);
	}
	return 0;
}

static int set_oom_score_adj(int v, struct rc_err *e)
{
	char buf[16];
	_cleanup_close_ int fd = open("/proc/self/oom_score_adj", O_WRONLY | O_CLOEXEC);
	int n = snprintf(buf, sizeof buf, "%d", v);

	if (fd < 0 || rc_write_all(fd, buf, (size_t)n) < 0)
		return rc_errf(e, errno, "setting oom_score_adj to %d", v);
	return 0;
}

static int set_rlimits(const struct rc_spec *s, struct rc_err *e)
{
	for (size_t i = 0; i < s->nrlimits; i++) {
		struct rlimit rl = { s->rlimits[i].soft, s->rlimits[i].hard };
		if (setrlimit(s->rlimits[i].resource, &rl) < 0) {
			struct rlimit cur;
			getrlimit(s->rlimits[i].resource, &cur);
			if (errno == EPERM && rl.rlim_max > cur.rlim_max)
				return rc_errf(e, errno,
					       "setting resource limit %d to %llu:%llu (the hard limit here is %llu "
					       "and raising it needs CAP_SYS_RESOURCE)",
					       s->rlimits[i].resource, (unsigned long long)rl.rlim_cur,
					       (unsigned long long)rl.rlim_max, (unsigned long long)cur.rlim_max);
			return rc_errf(e, errno, "setting resource limit %d", s->rlimits[i].resource);
		}
	}
	return 0;
}

/* Decide uid, gid and groups: -u resolved in the container's own files,
 * else the config's; HOME from the passwd entry when env lacks it. */
static int resolve_user(const struct rc_run *r, struct rc_user *u, struct rc_err *e)
{
	_cleanup_close_ int root = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	_cleanup_fclose_ FILE *pw = rc_user_open_db(root, "/etc/passwd");
	_cleanup_fclose_ FILE *gr = rc_user_open_db(root, "/etc/group");
	const struct rc_spec *s = r->spec;

	if (r->user) {
		if (rc_user_resolve(r->user, pw, gr, u, e) < 0)
			return -1;
	} else {
		if (rc_user_lookup_uid(s->uid, pw, gr, u, e) < 0)
			return -1;
		u->gid = s->gid;
		free(u->gids); /* the config's groups are the whole list */
		u->gids = NULL;
		u->ngids = 0;
	}
	if (s->ngids && !r->user) {
		gid_t *n = realloc(u->gids, (u->ngids + s->ngids) * sizeof *n);
		if (!n)
			return rc_errf(e, ENOMEM, "allocating");
		memcpy(n + u->ngids, s->gids, s->ngids * sizeof *n);
		u->gids = n;
		u->ngids += s->ngids;
	}
	return 0;
}

static int fill_env(const struct rc_run *r, const struct rc_user *u, struct rc_err *e)
{
	struct rc_spec *s = r->spec;
	char *kv = NULL;
	int rr = 0;

	if (!rc_env_get(s->env, "PATH"))
		rr = rc_env_set(&s->env, "PATH=" RC_DEFAULT_PATH, e);
	if (!rr && !rc_env_get(s->env, "HOSTNAME") && s->hostname) {
		if (asprintf(&kv, "HOSTNAME=%s", s->hostname) < 0)
			return rc_errf(e, ENOMEM, "allocating");
		rr = rc_env_set(&s->env, kv, e);
		free(kv);
	}
	if (!rr && r->tty && !rc_env_get(s->env, "TERM"))
		rr = rc_env_set(&s->env, "TERM=xterm", e);
	if (!rr && !rc_env_get(s->env, "HOME")) {
		if (asprintf(&kv, "HOME=%s", u->home[0] ? u->home : "/") < 0)
			return rc_errf(e, ENOMEM, "allocating");
		rr = rc_env_set(&s->env, kv, e);
		free(kv);
	}
	return rr;
}

static int change_user(const struct rc_spec *s, const struct rc_user *u, struct rc_err *e)
{
	if (rc_caps_bound(s->cap_bnd, e) < 0)
		return -1;
	if (prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0)
		return rc_errf(e, errno, "keeping capabilities across the user change");
	if (setgroups(u->ngids, u->gids) < 0)
		return rc_errf(e, errno, "setting supplementary groups");
	if (setresgid(u->gid, u->gid, u->gid) < 0)
		return rc_errf(e, errno, "setting gid %u", (unsigned)u->gid);
	if (setresuid(u->uid, u->uid, u->uid) < 0)
		return rc_errf(e, errno, "setting uid %u", (unsigned)u->uid);
	if (prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0) < 0)
		return rc_errf(e, errno, "clearing keep-capabilities");
	if (rc_caps_set(s->cap_eff, s->cap_prm, s->cap_inh, s->cap_amb, e) < 0)
		return -1;
	if (s->no_new_privs && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return rc_errf(e, errno, "setting no_new_privs");
	return 0;
}

/* The working directory, made if missing, and checked to be inside the
 * container: a descriptor leaked from the host (runc's CVE-2024-21626)
 * would show up as a cwd outside the root. */
static int enter_cwd(const char *cwd, struct rc_err *e)
{
	char buf[PATH_MAX];

	if (cwd[0] != '/')
		return rc_errf(e, 0, "working directory %s is not an absolute path", cwd);
	if (rc_mkdir_p_at(AT_FDCWD, cwd, 0755, e) < 0)
		return rc_err_prefix(e, "creating the working directory");
	if (chdir(cwd) < 0)
		return rc_errf(e, errno, "entering the working directory %s", cwd);
	if (!getcwd(buf, sizeof buf) || buf[0] != '/')
		return rc_errf(e, errno ? errno : EPERM, "the working directory is outside the container");
	return 0;
}

/* --init: stay as pid 1, pass every signal on to the command and reap
 * whatever is orphaned, exiting with the command's status. */
static volatile pid_t init_child;

static void init_forward(int sig)
{
	if (init_child > 0)
		kill(init_child, sig);
}

static _Noreturn void init_reaper(pid_t child)
{
	struct sigaction sa = { .sa_handler = init_forward };
	int st;

	init_child = child;
	for (int sig = 1; sig < NSIG; sig++)
		if (sig != SIGCHLD && sig != SIGKILL && sig != SIGSTOP && sig < SIGRTMIN)
			sigaction(sig, &sa, NULL);
	for (;;) {
		pid_t p = wait(&st);
		if (p < 0 && errno == EINTR)
			continue;
		if (p < 0)
			_exit(0);
		if (p == child)
			_exit(WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st));
	}
}

static void reset_signals(void)
{
	sigset_t none;

	sigemptyset(&none);
	signal(SIGPIPE, SIG_DFL);
	sigprocmask(SIG_SETMASK, &none, NULL);
}

/* From resource limits to the command found in PATH; the descriptors
 * above stdio made close-on-exec. */
static void prepare_exec(struct rc_child *c, char *cmd, size_t len, struct rc_err *ep)
{
	const struct rc_run *r = c->r;
	struct rc_spec *s = r->spec;
	struct rc_user u = { 0 };
	struct rc_err e = { 0 };

	if (set_rlimits(s, &e) < 0 || resolve_user(r, &u, &e) < 0 || fill_env(r, &u, &e) < 0 ||
	    enter_cwd(s->cwd, &e) < 0)
		child_fail(c->err_wr, 125, &e);
	/* The filter goes on last, but without no_new_privs loading it needs
	 * CAP_SYS_ADMIN, which the user change may drop: then first (as runc). */
	if (c->seccomp && !s->no_new_privs && rc_seccomp_load(c->seccomp, &e) < 0)
		child_fail(c->err_wr, 125, &e);
	if (change_user(s, &u, &e) < 0)
		child_fail(c->err_wr, 125, &e);
	if (c->seccomp && s->no_new_privs && rc_seccomp_load(c->seccomp, &e) < 0)
		child_fail(c->err_wr, 125, &e);
	if (!s->args || !s->args[0]) {
		rc_errf(&e, 0, "no command given and the config has none");
		child_fail(c->err_wr, 125, &e);
	}
	if (find_command(s->args[0], rc_env_get(s->env, "PATH"), cmd, len, &e) < 0)
		child_fail(c->err_wr, e.status, &e);
	/* Nothing of the runtime survives exec but stdio (and the report
	 * pipe, which is close-on-exec like everything else). */
	if (syscall(SYS_close_range, 3U, ~0U, CLOSE_RANGE_CLOEXEC) < 0) {
		rc_errf(&e, errno, "closing the runtime's descriptors");
		child_fail(c->err_wr, 125, &e);
	}
	*ep = e;
}

_Noreturn void rc_child_exec(struct rc_child *c)
{
	struct rc_spec *s = c->r->spec;
	struct rc_err e = { 0 };
	char cmd[PATH_MAX];

	reset_signals();
	prepare_exec(c, cmd, sizeof cmd, &e);
	execve(cmd, s->args, s->env);
	int err = errno;
	rc_errf(&e, err, "exec: \"%s\"", s->args[0]);
	child_fail(c->err_wr, err == ENOENT ? 127 : 126, &e);
}

_Noreturn void rc_child_main(struct rc_child *c)
{
	const struct rc_run *r = c->r;
	struct rc_spec *s = r->spec;
	struct rc_err e = { 0 };
	char cmd[PATH_MAX], go;
	struct rc_fs fs = { .rootfs = r->rootfs, .bundle = r->bundle, .spec = s };

	reset_signals();
	prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
	/* Not dumpable while the runtime's memory is ours: no process of the
	 * container may open /proc/1/exe or /proc/1/mem of us. */
	prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
	if (read(c->go_rd, &go, 1) != 1)
		_exit(125); /* the parent is gone */
	close(c->go_rd);

	for (int k = 0; k < RC_NS_MAX; k++)
		if (c->ns_fd[k] >= 0 && setns(c->ns_fd[k], rc_ns_names[k].clone_flag) < 0) {
			rc_errf(&e, errno, "joining the %s namespace", rc_ns_names[k].oci);
			child_fail(c->err_wr, 125, &e);
		}
	/* Now that the parent has moved us into our cgroup, that cgroup is
	 * the root of the new cgroup namespace. */
	if (s->ns[RC_NS_CGROUP] && c->ns_fd[RC_NS_CGROUP] < 0 && unshare(CLONE_NEWCGROUP) < 0 &&
	    errno != EINVAL) {
		rc_errf(&e, errno, "creating the cgroup namespace");
		child_fail(c->err_wr, 125, &e);
	}
	if (c->new_net && rc_netns_lo_up(&e) < 0)
		child_fail(c->err_wr, 125, &e);
	if (s->hostname && s->ns[RC_NS_UTS] && sethostname(s->hostname, strlen(s->hostname)) < 0) {
		rc_errf(&e, errno, "setting the hostname %s", s->hostname);
		child_fail(c->err_wr, 125, &e);
	}
	if (set_sysctls(s->sysctl, &e) < 0)
		child_fail(c->err_wr, 125, &e);
	umask(0);
	if (rc_fs_setup(&fs, &e) < 0) {
		rc_err_prefix(&e, "setting up the container's filesystem");
		child_fail(c->err_wr, 125, &e);
	}
	umask(s->umask);
	if (s->has_oom_score_adj && set_oom_score_adj(s->oom_score_adj, &e) < 0)
		child_fail(c->err_wr, 125, &e);
	if (c->tty_sock >= 0) {
		int master, slave;
		if (rc_tty_open_in_container(c->has_ws ? &c->ws : NULL, &master, &slave, &e) < 0 ||
		    rc_tty_send_fd(c->tty_sock, master, &e) < 0 || rc_tty_attach(slave, &e) < 0)
			child_fail(c->err_wr, 125, &e);
		close(master);
		close(c->tty_sock);
	}
	if (c->null_fd >= 0 && dup2(c->null_fd, STDIN_FILENO) < 0) {
		rc_errf(&e, errno, "redirecting stdin");
		child_fail(c->err_wr, 125, &e);
	}
	prepare_exec(c, cmd, sizeof cmd, &e);
	if (r->init) {
		pid_t pid = fork();
		if (pid < 0) {
			rc_errf(&e, errno, "starting the init process's child");
			child_fail(c->err_wr, 125, &e);
		}
		if (pid > 0) {
			/* The reaper lives on inside the container: it keeps no
			 * descriptor of the runtime's (a host directory among them). */
			syscall(SYS_close_range, 3U, ~0U, 0U);
			init_reaper(pid);
		}
		prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
	}
	execve(cmd, s->args, s->env);
	int err = errno;
	rc_errf(&e, err, "exec: \"%s\"", s->args[0]);
	child_fail(c->err_wr, err == ENOENT ? 127 : 126, &e);
}
