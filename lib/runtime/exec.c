/* exec.c - a process in a running container; see exec.h. */
#include "runtime/exec.h"
#include "runtime/cgroups.h"
#include "runtime/child.h"
#include "base/cleanup.h"
#include "lifecycle/ctr.h"
#include "base/fs.h"
#include "runtime/defaults.h"
#include "runtime/run.h"
#include "runtime/secopt.h"
#include "runtime/spec.h"
#include "base/state.h"
#include "runtime/tty.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

/* The namespaces are joined in the order of enum rc_ns: the pid namespace
 * (by the parent, for its child), the others by the child, the mount
 * namespace last. */
#define NNS RC_NS_MAX

static const int forwarded[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2 };

/* Open the namespaces of pid; those it shares with us are skipped. */
static int open_ns(pid_t pid, int *fds, struct rc_err *e)
{
	for (size_t i = 0; i < NNS; i++) {
		char path[64], self[64];
		struct stat a, b;

		fds[i] = -1;
		snprintf(path, sizeof path, "/proc/%d/ns/%s", (int)pid, rc_ns_names[i].proc);
		snprintf(self, sizeof self, "/proc/self/ns/%s", rc_ns_names[i].proc);
		if (stat(path, &a) < 0) {
			if (errno == ENOENT && i == RC_NS_CGROUP)
				continue; /* a kernel without cgroup namespaces */
			return rc_errf(e, errno, "opening the container's %s namespace", rc_ns_names[i].oci);
		}
		if (stat(self, &b) == 0 && a.st_ino == b.st_ino && a.st_dev == b.st_dev)
			continue;
		fds[i] = open(path, O_RDONLY | O_CLOEXEC);
		if (fds[i] < 0)
			return rc_errf(e, errno, "opening the container's %s namespace", rc_ns_names[i].oci);
	}
	return 0;
}

/* In the child: the container's terminal, from its own devpts. */
static int open_pty(int sock, const struct winsize *ws, struct rc_err *e)
{
	int master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC), slave;

	if (master < 0 || grantpt(master) < 0 || unlockpt(master) < 0)
		return rc_errf(e, errno, "opening a pseudo-terminal in the container");
	slave = open(ptsname(master), O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (slave < 0)
		return rc_errf(e, errno, "opening the terminal %s", ptsname(master));
	if (ws)
		ioctl(slave, TIOCSWINSZ, ws);
	if (rc_tty_send_fd(sock, master, e) < 0 || rc_tty_attach(slave, e) < 0)
		return -1;
	close(master);
	return 0;
}

struct child_args {
	struct rc_child c;
	int go_rd, sock;
	int *ns;
	bool tty;
	struct winsize ws;
	bool has_ws;
};

static _Noreturn void fail(int fd, int status, const struct rc_err *e)
{
	struct rc_child_report rep = { .status = status };

	snprintf(rep.msg, sizeof rep.msg, "%s", e->msg);
	(void)!write(fd, &rep, sizeof rep);
	_exit(status);
}

static _Noreturn void child(struct child_args *a)
{
	struct rc_err e = { 0 };
	char go;

	prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
	if (read(a->go_rd, &go, 1) != 1)
		_exit(125);
	for (size_t i = 0; i < NNS; i++)
		if (i != RC_NS_PID && a->ns[i] >= 0 && setns(a->ns[i], rc_ns_names[i].clone_flag) < 0) {
			rc_errf(&e, errno, "joining the container's %s namespace", rc_ns_names[i].oci);
			fail(a->c.err_wr, 125, &e);
		}
	if (a->tty) {
		if (open_pty(a->sock, a->has_ws ? &a->ws : NULL, &e) < 0)
			fail(a->c.err_wr, 125, &e);
	} else if (a->c.null_fd >= 0) {
		dup2(a->c.null_fd, STDIN_FILENO);
	}
	rc_child_exec(&a->c);
}

/* Relay the terminal and signals until the process ends. */
static int wait_child(pid_t pid, int sfd, struct rc_tty *t, bool interactive)
{
	bool in_open = interactive && t->master >= 0, out_open = t->master >= 0;
	char buf[8192];
	ssize_t n;
	int ws = 0;

	for (;;) {
		struct pollfd p[3] = { { sfd, POLLIN, 0 }, { out_open ? t->master : -1, POLLIN, 0 },
				       { in_open ? STDIN_FILENO : -1, POLLIN, 0 } };
		struct signalfd_siginfo si;

		if (poll(p, 3, -1) < 0)
			continue;
		if (p[1].revents) {
			n = read(t->master, buf, sizeof buf);
			if (n <= 0 || rc_write_all(STDOUT_FILENO, buf, (size_t)n) < 0)
				out_open = false;
		}
		if (p[2].revents) {
			n = read(STDIN_FILENO, buf, sizeof buf);
			if (n <= 0 || rc_write_all(t->master, buf, (size_t)n) < 0)
				in_open = false;
		}
		if (!(p[0].revents & POLLIN) || read(sfd, &si, sizeof si) != sizeof si)
			continue;
		if (si.ssi_signo == SIGWINCH)
			rc_tty_resize(t);
		else if (si.ssi_signo == SIGCHLD && waitpid(pid, &ws, WNOHANG) == pid)
			break;
		else if (si.ssi_signo != SIGCHLD)
			kill(pid, (int)si.ssi_signo);
	}
	if (out_open) {
		fcntl(t->master, F_SETFL, O_NONBLOCK);
		while ((n = read(t->master, buf, sizeof buf)) > 0)
			if (rc_write_all(STDOUT_FILENO, buf, (size_t)n) < 0)
				break;
	}
	return WIFEXITED(ws) ? WEXITSTATUS(ws) : 128 + WTERMSIG(ws);
}

static int apply_opts(const struct rc_exec_opts *o, struct rc_spec *s, struct rc_err *e)
{
	rc_strv_free(s->args);
	s->args = NULL;
	for (size_t i = 0; o->cmd[i]; i++)
		if (rc_strv_push(&s->args, o->cmd[i], e) < 0)
			return -1;
	for (size_t i = 0; o->env && o->env[i]; i++)
		if (rc_env_set(&s->env, o->env[i], e) < 0)
			return -1;
	if (o->workdir) {
		if (o->workdir[0] != '/')
			return rc_errf(e, 0, "the working directory must be an absolute path: %s", o->workdir);
		free(s->cwd);
		if (!(s->cwd = strdup(o->workdir)))
			return rc_errf(e, ENOMEM, "allocating");
	}
	if (o->tty)
		s->terminal = true;
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

static int run(const struct rc_exec_opts *o, int dirfd, pid_t cpid, struct rc_spec *spec,
	       int *ret_status, struct rc_err *e)
{
	struct rc_run r = { .name = o->name, .dir_fd = -1, .containers_fd = -1, .spec = spec,
			    .user = o->user, .tty = o->tty, .interactive = o->interactive };
	struct child_args a = { .c = { .r = &r, .go_rd = -1, .err_wr = -1, .null_fd = -1,
				       .tty_sock = -1 }, .go_rd = -1, .sock = -1, .tty = o->tty };
	_cleanup_close_ int go_wr = -1, err_rd = -1, sfd = -1, sock = -1, own_pidns = -1;
	struct rc_tty t = { -1, false, { 0 } };
	struct rc_ctr_status st;
	struct rc_child_report rep;
	int ns[NNS], p[2], ret = -1;
	sigset_t mask, old;
	pid_t pid;
	ssize_t n;

	for (size_t i = 0; i < NNS; i++)
		ns[i] = -1;
	a.ns = ns;
	if (open_ns(cpid, ns, e) < 0)
		goto out;
	/* The namespaces are those of the container only if it still runs. */
	rc_ctr_status(dirfd, &st);
	if (st.state != RC_CTR_RUNNING || st.pid != cpid) {
		rc_errf(e, 0, "container %s is not running", o->name);
		goto out;
	}
	if (build_seccomp(spec, dirfd, &a.c.seccomp, e) < 0)
		goto out;
	if (o->tty) {
		int sp[2];
		if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sp) < 0) {
			rc_errf(e, errno, "creating a socket pair");
			goto out;
		}
		sock = sp[0];
		a.sock = sp[1];
		a.has_ws = rc_tty_caller_size(&a.ws);
	} else if (!o->interactive) {
		a.c.null_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	}
	if (pipe2(p, O_CLOEXEC) < 0) {
		rc_errf(e, errno, "creating a pipe");
		goto out;
	}
	a.go_rd = p[0], go_wr = p[1];
	if (pipe2(p, O_CLOEXEC) < 0) {
		rc_errf(e, errno, "creating a pipe");
		goto out;
	}
	err_rd = p[0], a.c.err_wr = p[1];
	/* Our child is born in the container's pid namespace; we are not, and
	 * our later children (a sanitizer's helper threads) are not either. */
	own_pidns = open("/proc/self/ns/pid", O_RDONLY | O_CLOEXEC);
	if (own_pidns < 0) {
		rc_errf(e, errno, "opening our pid namespace");
		goto out;
	}
	if (ns[RC_NS_PID] >= 0 && setns(ns[RC_NS_PID], CLONE_NEWPID) < 0) {
		rc_errf(e, errno, "joining the container's pid namespace");
		goto out;
	}
	sigemptyset(&mask);
	for (size_t i = 0; i < sizeof forwarded / sizeof *forwarded; i++)
		sigaddset(&mask, forwarded[i]);
	sigaddset(&mask, SIGCHLD);
	sigaddset(&mask, SIGWINCH);
	sigprocmask(SIG_BLOCK, &mask, &old);
	signal(SIGPIPE, SIG_IGN);
	sfd = signalfd(-1, &mask, SFD_CLOEXEC);
	pid = fork();
	if (pid < 0) {
		rc_errf(e, errno, "starting the process");
		goto out_sig;
	}
	if (pid == 0)
		child(&a);
	if (ns[RC_NS_PID] >= 0 && setns(own_pidns, CLONE_NEWPID) < 0)
		rc_warn("rc-exec", "returning to our pid namespace: %s", strerror(errno));
	close(a.go_rd), a.go_rd = -1;
	close(a.c.err_wr), a.c.err_wr = -1;
	if (a.sock >= 0)
		close(a.sock), a.sock = -1;
	char leaf[RC_CGROUP_LEAF_MAX];
	rc_cgroup_leaf(o->root, o->name, leaf);
	if (rc_cgroup_join(RC_CGROUP_BASE, leaf, pid, e) < 0 || write(go_wr, "g", 1) != 1) {
		if (!e->msg[0])
			rc_errf(e, errno, "starting the process");
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		goto out_sig;
	}
	if (sock >= 0)
		t.master = rc_tty_recv_fd(sock);
	n = read(err_rd, &rep, sizeof rep);
	if (n > 0) {
		waitpid(pid, NULL, 0);
		rep.msg[sizeof rep.msg - 1] = '\0';
		rc_errf(e, 0, "%s", rep.msg);
		rc_err_status(e, rep.status >= 125 && rep.status <= 127 ? rep.status : 125);
		goto out_sig;
	}
	if (t.master >= 0 && o->interactive && rc_tty_raw(&t, e) < 0)
		rc_warn("rc-exec", "%s", e->msg);
	*ret_status = wait_child(pid, sfd, &t, o->interactive);
	ret = 0;
out_sig:
	sigprocmask(SIG_SETMASK, &old, NULL);
out:
	rc_tty_close(&t);
	for (size_t i = 0; i < NNS; i++)
		if (ns[i] >= 0)
			close(ns[i]);
	if (a.go_rd >= 0)
		close(a.go_rd);
	if (a.c.err_wr >= 0)
		close(a.c.err_wr);
	if (a.c.null_fd >= 0)
		close(a.c.null_fd);
	if (a.sock >= 0)
		close(a.sock);
	rc_seccomp_free(a.c.seccomp);
	return ret;
}

int rc_exec(const struct rc_exec_opts *o, int *ret_status, struct rc_err *e)
{
	_cleanup_close_ int fd = -1;
	struct rc_spec spec = { 0 };
	struct rc_ctr_status st;
	int r;

	rc_err_status(e, 125);
	fd = rc_ctr_open(o->root, o->name, e);
	if (fd < 0)
		return -1;
	rc_ctr_status(fd, &st);
	if (st.state != RC_CTR_RUNNING)
		return rc_errf(e, 0, "container %s is not running", o->name);
	if (rc_spec_load(fd, "config.json", &spec, e) < 0)
		return rc_err_prefix(e, "container %s", o->name);
	if (rc_security_restore(fd, &spec, e) < 0) {
		rc_spec_free(&spec);
		return rc_err_prefix(e, "container %s", o->name);
	}
	/* Before anything of the container's can see us. */
	prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
	r = apply_opts(o, &spec, e);
	if (r == 0)
		r = run(o, fd, st.pid, &spec, ret_status, e);
	rc_spec_free(&spec);
	return r;
}
