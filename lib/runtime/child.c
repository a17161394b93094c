/* child.c - the container's first process; see child.h. */
#include "runtime/child.h"
#include "runtime/caps.h"
#include "base/cleanup.h"
#include "base/fs.h"
#include "base/safepath.h"
#include "runtime/defaults.h"
#include "runtime/mounts.h"
#include "net/netns.h"
#include "runtime/tty.h"
#include "runtime/users.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/keyctl.h>
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

_Noreturn void rc_child_fail(const struct rc_child *c, int status, const struct rc_err *e)
{
	struct rc_child_report rep = { .status = status };

	snprintf(rep.msg, sizeof rep.msg, "%s", e->msg);
	(void)!write(c->l->report_wr, &rep, sizeof rep);
	_exit(status);
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
	const struct rc_spec *s = r->spec;
	struct rc_accounts acc;
	int rr;

	if (root < 0)
		return rc_errf(e, errno, "opening the container's root");
	if (rc_accounts_read(root, &acc, e) < 0)
		return -1;
	rr = r->user ? rc_user_resolve(r->user, &acc, u, e) : rc_user_lookup_uid(s->uid, &acc, u, e);
	rc_accounts_free(&acc);
	if (rr < 0)
		return -1;
	if (!r->user) {
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

static int fill_env(const struct rc_child *c, const struct rc_user *u, struct rc_err *e)
{
	const struct rc_run *r = c->r;
	struct rc_spec *s = r->spec;
	char *kv = NULL;
	int rr = 0;

	if (c->plain_env) /* runc's: nothing but HOME is added */
		goto home;
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
home:
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

/* The working directory, made if missing (root-owned, 0755, as docker
 * does) and entered by descriptor, resolved inside the container's root: no
 * path, /proc/self/fd/N among them, can lead it out (runc's CVE-2024-21626).
 * getcwd() then proves the kernel agrees. */
static int enter_cwd(int rootfd, const char *cwd, struct rc_err *e)
{
	_cleanup_close_ int fd = -1;
	char buf[PATH_MAX];

	if (cwd[0] != '/')
		return rc_errf(e, 0, "working directory %s is not an absolute path", cwd);
	fd = rc_sp_mkdir_p(rootfd, cwd, 0);
	if (fd < 0)
		return rc_errf(e, errno, "entering the working directory %s", cwd);
	if (fchdir(fd) < 0)
		return rc_errf(e, errno, "entering the working directory %s", cwd);
	if (!getcwd(buf, sizeof buf) || buf[0] != '/')
		return rc_errf(e, errno ? errno : EPERM, "the working directory is outside the container");
	return 0;
}

/* Exec through fd. A script exec'd through a close-on-exec descriptor fails
 * with ENOENT (its interpreter would be handed /dev/fd/N, closed by then):
 * it runs again by the path its descriptor resolved to, inside the root,
 * with no descriptor of the runtime's left to climb through. Returns only
 * on failure, with errno set. */
static void exec_fd(int fd, char **argv, char **envp)
{
	char self[32], path[PATH_MAX];
	ssize_t n;

	syscall(SYS_execveat, fd, "", argv, envp, AT_EMPTY_PATH);
	if (errno != ENOENT)
		return;
	snprintf(self, sizeof self, "/proc/self/fd/%d", fd);
	n = readlink(self, path, sizeof path - 1);
	if (n <= 0 || path[0] != '/') {
		errno = ENOENT;
		return;
	}
	path[n] = '\0';
	execve(path, argv, envp);
}

/* cmd made absolute: a relative one is relative to the working directory. */
static int absolute(const char *cmd, char *out, size_t len)
{
	char cwd[PATH_MAX];

	if (cmd[0] == '/')
		return snprintf(out, len, "%s", cmd) < (int)len ? 0 : -1;
	if (!getcwd(cwd, sizeof cwd))
		return -1;
	return snprintf(out, len, "%s/%s", strcmp(cwd, "/") ? cwd : "", cmd) < (int)len ? 0 : -1;
}

/* Try one candidate; false when it is not there (ENOENT and the like).
 * dry: only whether it could run (*err 0), as the exec would find it. */
static bool try_exec(int rootfd, const char *cand, char **argv, char **envp, bool dry, int *err)
{
	char abs[PATH_MAX];
	_cleanup_close_ int fd = -1;
	struct stat st;

	if (absolute(cand, abs, sizeof abs) < 0) {
		*err = ENAMETOOLONG;
		return false;
	}
	fd = rc_sp_openat(rootfd, abs, O_PATH, 0, 0);
	if (fd < 0) {
		*err = errno;
		return errno == EACCES;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		*err = EACCES;
		return true;
	}
	if (dry) {
		*err = faccessat(fd, "", X_OK, AT_EMPTY_PATH | AT_EACCESS) < 0 ? errno : 0;
		return true;
	}
	exec_fd(fd, argv, envp);
	*err = errno;
	return true;
}

/* Exec the command, found inside the container's root as execvp would look
 * it up (a name without '/' in PATH) but by descriptor: an exec path, a
 * PATH entry or a symlink can never lead out of the root. Returns only on
 * failure: 127 when nothing was found, 126 when it cannot be run; dry:
 * 0 when there is something to run (rc-oci's create tells it early). */
static int exec_command(int rootfd, char **argv, char **envp, bool dry, struct rc_err *e)
{
	const char *cmd = argv[0], *path = rc_env_get(envp, "PATH");
	bool denied = false;
	int err = ENOENT;

	if (strchr(cmd, '/')) {
		try_exec(rootfd, cmd, argv, envp, dry, &err);
		if (dry && !err)
			return 0;
		rc_errf(e, err, "exec: \"%s\"", cmd);
		return err == ENOENT ? 127 : 126;
	}
	for (const char *p = path ? path : RC_DEFAULT_PATH; ; ) {
		const char *colon = strchr(p, ':');
		size_t n = colon ? (size_t)(colon - p) : strlen(p);
		char cand[PATH_MAX];

		if ((size_t)snprintf(cand, sizeof cand, "%.*s/%s", (int)n, n ? p : ".", cmd) < sizeof cand &&
		    try_exec(rootfd, cand, argv, envp, dry, &err)) {
			if (dry && !err)
				return 0;
			if (err != EACCES && err != ENOENT && err != ENOTDIR && err != ELOOP)
				break; /* found, and it failed for a reason of its own */
			denied = denied || err == EACCES;
		}
		if (!colon)
			break;
		p = colon + 1;
	}
	if (denied || (err != ENOENT && err != ENOTDIR && err != ELOOP && err != EACCES)) {
		rc_errf(e, denied ? EACCES : err, "exec: \"%s\"", cmd);
		return 126;
	}
	rc_errf(e, 0, "exec: \"%s\": executable file not found in $PATH", cmd);
	return 127;
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

/* From resource limits to the moment of exec: user, environment, working
 * directory, capabilities and the seccomp filter. Before any of it looks
 * at a path of the container's, every descriptor but stdio and the report
 * pipe is closed: nothing of the runtime's reaches the container. Returns
 * the container's root, to find the command in. */
static int prepare_exec(struct rc_child *c)
{
	const struct rc_run *r = c->r;
	struct rc_spec *s = r->spec;
	struct rc_user u = { 0 };
	struct rc_err e = { 0 };
	int rootfd, status;
	int keep[] = { c->l->report_wr, c->keep_fd[0], c->keep_fd[1] };

	if (set_rlimits(s, &e) < 0 || resolve_user(r, &u, &e) < 0 || fill_env(c, &u, &e) < 0)
		rc_child_fail(c, 125, &e);
	rc_close_fds_except(3 + c->preserve_fds, keep, 3);
	for (int fd = 3; fd < 3 + c->preserve_fds; fd++)
		fcntl(fd, F_SETFD, 0); /* handed to the process */
	rootfd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (rootfd < 0) {
		rc_errf(&e, errno, "opening the container's root");
		rc_child_fail(c, 125, &e);
	}
	if (enter_cwd(rootfd, s->cwd, &e) < 0)
		rc_child_fail(c, 125, &e);
	/* The filter goes on last, but without no_new_privs loading it needs
	 * CAP_SYS_ADMIN, which the user change may drop: then first (as runc). */
	if (c->seccomp && !s->no_new_privs && rc_seccomp_load(c->seccomp, &e) < 0)
		rc_child_fail(c, 125, &e);
	if (change_user(s, &u, &e) < 0)
		rc_child_fail(c, 125, &e);
	rc_user_free(&u);
	if (!s->args || !s->args[0]) {
		rc_errf(&e, 0, "no command given and the config has none");
		rc_child_fail(c, 125, &e);
	}
	if (c->ops && c->ops->before_exec) {
		/* A command that is not there is told now, not after a wait. */
		if ((status = exec_command(rootfd, s->args, s->env, true, &e)) != 0)
			rc_child_fail(c, status, &e);
		if (c->ops->before_exec(c, &e) < 0)
			rc_child_fail(c, 125, &e);
	}
	if (c->seccomp && s->no_new_privs && rc_seccomp_load(c->seccomp, &e) < 0)
		rc_child_fail(c, 125, &e);
	return rootfd;
}

/* The process's terminal (a pty of the container's, its master sent back
 * to the parent) or its stdin from /dev/null; first: the container's first
 * process, whose terminal is /dev/console too. */
static void take_stdio(const struct rc_child *c, bool first)
{
	const struct rc_launch *l = c->l;
	struct rc_err e = { 0 };
	int master, slave;

	if (l->tty_sock >= 0) {
		if (rc_tty_open(l->has_ws ? &l->ws : NULL, first, &master, &slave, &e) < 0 ||
		    rc_tty_send_fd(l->tty_sock, master, &e) < 0 || rc_tty_attach(slave, &e) < 0)
			rc_child_fail(c, 125, &e);
		close(master);
	} else if (l->null_fd >= 0 && dup2(l->null_fd, STDIN_FILENO) < 0) {
		rc_errf(&e, errno, "redirecting stdin");
		rc_child_fail(c, 125, &e);
	}
}

/* A session keyring of its own: the caller's keys (and the keys of every
 * other container) are not the container's to see or use. */
static int new_session_keyring(struct rc_err *e)
{
	if (syscall(SYS_keyctl, KEYCTL_JOIN_SESSION_KEYRING, NULL) < 0 && errno != ENOSYS)
		return rc_errf(e, errno, "joining a new session keyring");
	return 0;
}

/* Right after clone: the descriptors the parent held (containers/ and
 * containers/NAME among them, host directories) are closed; only what the
 * set-up still needs stays. */
static void close_runtime_fds(const struct rc_child *c)
{
	int keep[RC_NS_MAX + 5];
	size_t n = 0;

	keep[n++] = c->l->report_wr;
	keep[n++] = c->l->null_fd;
	keep[n++] = c->l->tty_sock;
	keep[n++] = c->keep_fd[0];
	keep[n++] = c->keep_fd[1];
	for (int k = 0; k < RC_NS_MAX; k++)
		keep[n++] = c->ns_fd[k];
	rc_close_fds_except(3 + c->preserve_fds, keep, n);
}

/* Wait for the parent's go (given once we are in the container's cgroup)
 * and join the namespaces we were given: setns(CLONE_NEWNS) also makes
 * the container's root ours. */
static void go_and_join(const struct rc_child *c)
{
	struct rc_err e = { 0 };
	char go;

	if (read(c->l->go_rd, &go, 1) != 1)
		_exit(125); /* the parent is gone */
	close(c->l->go_rd);
	for (int k = 0; k < RC_NS_MAX; k++)
		if (k != RC_NS_PID && c->ns_fd[k] >= 0 && setns(c->ns_fd[k], rc_ns_names[k].clone_flag) < 0) {
			rc_errf(&e, errno, "joining the container's %s namespace", rc_ns_names[k].proc);
			rc_child_fail(c, 125, &e);
		}
}

_Noreturn void rc_child_exec(struct rc_child *c)
{
	struct rc_spec *s = c->r->spec;
	struct rc_err e = { 0 };
	int rootfd, status;

	if (!c->detached)
		prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
	reset_signals();
	go_and_join(c);
	close_runtime_fds(c);
	if (!c->keep_keyring && new_session_keyring(&e) < 0)
		rc_child_fail(c, 125, &e);
	take_stdio(c, false);
	rootfd = prepare_exec(c);
	status = exec_command(rootfd, s->args, s->env, false, &e);
	rc_child_fail(c, status, &e);
}

static int fs_before_pivot(void *arg, int rootfd, struct rc_err *e)
{
	struct rc_child *c = arg;

	return c->ops->before_pivot(c, rootfd, e);
}

int rc_child_check_sysctls(const struct rc_spec *s, bool own_net, bool own_ipc, struct rc_err *e)
{
	for (char **kv = s->sysctl; kv && *kv; kv++) {
		bool net = !strncmp(*kv, "net.", 4);
		if ((net && !own_net) || (!net && !own_ipc))
			return rc_errf(e, 0, "sysctl %.*s: the container shares the host's %s namespace",
				       (int)strcspn(*kv, "="), *kv, net ? "network" : "IPC");
	}
	return 0;
}

_Noreturn void rc_child_main(struct rc_child *c)
{
	const struct rc_run *r = c->r;
	struct rc_spec *s = r->spec;
	struct rc_err e = { 0 };
	char go;
	int rootfd, status;
	struct rc_fs fs = { .rootfs = r->rootfs, .bundle = r->bundle, .spec = s };

	reset_signals();
	if (!c->detached)
		prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
	/* Not dumpable while the runtime's memory is ours: no process of the
	 * container may open /proc/1/exe or /proc/1/mem of us. */
	prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
	if (read(c->l->go_rd, &go, 1) != 1)
		_exit(125); /* the parent is gone */
	close(c->l->go_rd);
	close_runtime_fds(c);
	if (!c->keep_keyring && new_session_keyring(&e) < 0)
		rc_child_fail(c, 125, &e);
	if (c->fs_opts) {
		fs.root_propagation = c->fs_opts->root_propagation;
		fs.no_pivot = c->fs_opts->no_pivot;
		fs.cgroup_dirs = c->fs_opts->cgroup_dirs;
	}
	if (c->ops && c->ops->before_pivot) {
		fs.before_pivot = fs_before_pivot;
		fs.arg = c;
	}

	/* A pid namespace to share was entered at the clone (rc_clone). */
	for (int k = 0; k < RC_NS_MAX; k++)
		if (k != RC_NS_PID && c->ns_fd[k] >= 0 && setns(c->ns_fd[k], rc_ns_names[k].clone_flag) < 0) {
			rc_errf(&e, errno, "joining the %s namespace", rc_ns_names[k].oci);
			rc_child_fail(c, 125, &e);
		}
	/* Now that the parent has moved us into our cgroup, that cgroup is
	 * the root of the new cgroup namespace. */
	if (s->ns[RC_NS_CGROUP] && c->ns_fd[RC_NS_CGROUP] < 0 && unshare(CLONE_NEWCGROUP) < 0 &&
	    errno != EINVAL) {
		rc_errf(&e, errno, "creating the cgroup namespace");
		rc_child_fail(c, 125, &e);
	}
	if (c->new_net && rc_netns_lo_up(&e) < 0)
		rc_child_fail(c, 125, &e);
	if (s->hostname && s->ns[RC_NS_UTS] && sethostname(s->hostname, strlen(s->hostname)) < 0) {
		rc_errf(&e, errno, "setting the hostname %s", s->hostname);
		rc_child_fail(c, 125, &e);
	}
	if (set_sysctls(s->sysctl, &e) < 0)
		rc_child_fail(c, 125, &e);
	umask(0);
	if (rc_fs_setup(&fs, &e) < 0) {
		rc_err_prefix(&e, "setting up the container's filesystem");
		rc_child_fail(c, 125, &e);
	}
	umask(s->umask);
	if (s->has_oom_score_adj && set_oom_score_adj(s->oom_score_adj, &e) < 0)
		rc_child_fail(c, 125, &e);
	take_stdio(c, true);
	rootfd = prepare_exec(c);
	if (r->init) {
		pid_t pid = fork();
		if (pid < 0) {
			rc_errf(&e, errno, "starting the init process's child");
			rc_child_fail(c, 125, &e);
		}
		if (pid > 0) {
			/* The reaper lives on inside the container: it keeps no
			 * descriptor of the runtime's (a host directory among them). */
			syscall(SYS_close_range, 3U, ~0U, 0U);
			init_reaper(pid);
		}
		prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
	}
	status = exec_command(rootfd, s->args, s->env, false, &e);
	rc_child_fail(c, status, &e);
}
