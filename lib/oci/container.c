/* container.c - create, start, run; see container.h. */
#include "oci/container.h"
#include "base/cleanup.h"
#include "base/fs.h"
#include "lifecycle/ctr.h"
#include "oci/cgroup.h"
#include "oci/config.h"
#include "oci/devnodes.h"
#include "oci/hooks.h"
#include "oci/ops.h"
#include "oci/sock.h"
#include "oci/state.h"
#include "runtime/child.h"
#include "runtime/clone.h"
#include "runtime/launch.h"
#include "runtime/secopt.h"
#include "runtime/sysfilter.h"
#include "runtime/tty.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

/* What create and its child say to each other on the sync socket, beyond
 * the go byte and the failure report of launch.h: */
#define SYNC_HOOKS 'H'  /* child: filesystem built, run prestart/createRuntime */
#define SYNC_READY 'R'  /* child: waiting for start */

/* What the child's ops need (child.h), set up before the clone. */
struct oci_child {
	const struct rc_oci_config *cfg;
	int sync;                  /* the child's end of the sync socket */
	int start;                 /* the listening start socket */
	bool hooks;                /* any hook runs before start */
	char *creating, *created;  /* the hooks' states, sent by create */
};

/* ---- in the child -------------------------------------------------------- */

static int send_byte(int fd, char b, struct rc_err *e)
{
	while (write(fd, &b, 1) != 1)
		if (errno != EINTR)
			return rc_errf(e, errno, "telling rc-oci create");
	return 0;
}

/* The hooks' state, as create sends it: a length and the JSON. */
static int recv_state(int fd, char **ret, struct rc_err *e)
{
	uint32_t len;
	size_t got = 0;

	if (read(fd, &len, sizeof len) != sizeof len || len > (16u << 20))
		return rc_errf(e, EPIPE, "waiting for rc-oci create's hooks");
	*ret = malloc(len + 1);
	if (!*ret)
		return rc_errf(e, ENOMEM, "allocating");
	while (got < len) {
		ssize_t n = read(fd, *ret + got, len - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return rc_errf(e, EPIPE, "waiting for rc-oci create's hooks");
		got += (size_t)n;
	}
	(*ret)[len] = '\0';
	return 0;
}

static int child_before_pivot(struct rc_child *c, int rootfd, struct rc_err *e)
{
	struct oci_child *oc = c->ops_arg;
	const struct rc_oci_config *cfg = oc->cfg;

	if (rc_oci_devnodes_make(rootfd, cfg->devices, cfg->ndevices, e) < 0)
		return -1;
	if (cfg->domainname && *cfg->domainname &&
	    setdomainname(cfg->domainname, strlen(cfg->domainname)) < 0)
		return rc_errf(e, errno, "setting the domain name %s", cfg->domainname);
	if (!oc->hooks)
		return 0;
	if (send_byte(oc->sync, SYNC_HOOKS, e) < 0 || recv_state(oc->sync, &oc->creating, e) < 0 ||
	    recv_state(oc->sync, &oc->created, e) < 0)
		return -1;
	return rc_oci_hooks_run(&cfg->hooks, RC_HOOK_CREATE_CONTAINER, oc->creating, false, e);
}

/* Tell create we are ready and wait for start; its connection becomes the
 * report channel, closed by the exec. */
static int child_before_exec(struct rc_child *c, struct rc_err *e)
{
	struct oci_child *oc = c->ops_arg;
	int conn;

	/* A process of a container sharing our pid namespace must not open
	 * /proc/PID/exe or /proc/PID/fd of us while we wait. */
	prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
	if (send_byte(oc->sync, SYNC_READY, e) < 0)
		return -1;
	close(oc->sync);
	c->keep_fd[0] = -1;
	while ((conn = accept4(oc->start, NULL, NULL, SOCK_CLOEXEC)) < 0)
		if (errno != EINTR)
			return rc_errf(e, errno, "waiting for start");
	close(oc->start);
	c->keep_fd[1] = -1;
	if (dup3(conn, c->l->report_wr, O_CLOEXEC) < 0)
		return rc_errf(e, errno, "taking start's connection");
	close(conn);
	if (oc->hooks && rc_oci_hooks_run(&oc->cfg->hooks, RC_HOOK_START_CONTAINER, oc->created, false, e) < 0)
		return -1;
	return 0;
}

static const struct rc_child_ops oci_ops = {
	.before_pivot = child_before_pivot,
	.before_exec = child_before_exec,
};

/* ---- in create --------------------------------------------------------------- */

struct create_state {
	const struct rc_oci_create *o;
	struct rc_oci_config cfg;
	struct rc_oci_ctr ctr;
	struct rc_cgroup *cg;
	struct rc_launch l;
	struct rc_run r;
	struct rc_child c;
	struct oci_child oc;
	struct rc_fs fs_opts;
	char bundle[PATH_MAX], rootfs[PATH_MAX];
	int sync;                  /* create's end */
	pid_t pid;
	bool made;                 /* ROOT/ID is ours to remove on failure */
};

static void create_init(struct create_state *s, const struct rc_oci_create *o)
{
	memset(s, 0, sizeof *s);
	s->o = o;
	s->ctr = (struct rc_oci_ctr)RC_OCI_CTR_INIT;
	s->l = (struct rc_launch)RC_LAUNCH_INIT;
	s->sync = s->oc.sync = s->oc.start = -1;
	for (int k = 0; k < RC_NS_MAX; k++)
		s->c.ns_fd[k] = -1;
}

/* Undo what a failed create made; keep nothing of a success but the
 * process. */
static void create_finish(struct create_state *s, bool failed)
{
	struct rc_err ignore = { 0 };

	if (failed && s->pid > 0) {
		kill(s->pid, SIGKILL);
		waitpid(s->pid, NULL, 0);
	}
	if (failed && s->cg)
		rc_cgroup_destroy(s->cg, &ignore);
	else
		rc_cgroup_forget(s->cg);
	s->cg = NULL;
	if (failed && s->made)
		rc_oci_ctr_remove(&s->ctr, &ignore);
	for (int k = 0; k < RC_NS_MAX; k++)
		if (s->c.ns_fd[k] >= 0)
			close(s->c.ns_fd[k]);
	if (s->sync >= 0)
		close(s->sync);
	if (s->oc.sync >= 0)
		close(s->oc.sync);
	if (s->oc.start >= 0)
		close(s->oc.start);
	rc_seccomp_free(s->c.seccomp);
	free(s->oc.creating);
	free(s->oc.created);
	rc_oci_ctr_close(&s->ctr);
	rc_oci_config_free(&s->cfg);
}

static int open_namespaces(struct create_state *s, struct rc_err *e)
{
	const struct rc_spec *sp = &s->cfg.spec;

	for (int k = 0; k < RC_NS_MAX; k++) {
		if (!sp->ns_path[k])
			continue;
		s->c.ns_fd[k] = open(sp->ns_path[k], O_RDONLY | O_CLOEXEC);
		if (s->c.ns_fd[k] < 0)
			return rc_errf(e, errno, "opening the %s namespace %s", rc_ns_names[k].oci, sp->ns_path[k]);
	}
	s->c.new_net = sp->ns[RC_NS_NET] && s->c.ns_fd[RC_NS_NET] < 0;
	return rc_child_check_sysctls(sp, sp->ns[RC_NS_NET], sp->ns[RC_NS_IPC], e);
}

static uint64_t clone_flags(const struct create_state *s)
{
	uint64_t f = 0;

	for (int k = 0; k < RC_NS_MAX; k++)
		if (s->cfg.spec.ns[k] && s->c.ns_fd[k] < 0 && k != RC_NS_CGROUP)
			f |= (uint64_t)rc_ns_names[k].clone_flag;
	return f;
}

/* Everything before the clone. */
static int prepare(struct create_state *s, bool foreground, struct rc_err *e)
{
	const struct rc_oci_create *o = s->o;
	const struct rc_spec *sp;
	int sv[2];

	for (int fd = 3; fd < 3 + o->preserve_fds; fd++)
		if (fcntl(fd, F_GETFD) < 0)
			return rc_errf(e, errno, "--preserve-fds %d: descriptor %d is not open", o->preserve_fds, fd);
	if (!realpath(o->bundle ? o->bundle : ".", s->bundle))
		return rc_errf(e, errno, "bundle %s", o->bundle ? o->bundle : ".");
	if (rc_oci_config_load(s->bundle, &s->cfg, e) < 0)
		return -1;
	sp = &s->cfg.spec;
	if (sp->terminal && !o->console_socket && !foreground)
		return rc_errf(e, 0, "process.terminal is set: a --console-socket is needed to receive the terminal");
	if (!sp->terminal && o->console_socket)
		return rc_errf(e, 0, "--console-socket given, but process.terminal is not set");
	if (rc_spec_rootfs(sp, s->bundle, s->rootfs, e) < 0)
		return -1;
	if (rc_oci_ctr_new(o->root, o->id, &s->ctr, e) < 0)
		return -1;
	s->made = true;
	if (rc_write_file_nosync_at(s->ctr.dir_fd, RC_OCI_CONFIG, s->cfg.text, strlen(s->cfg.text), 0600, e) < 0)
		return -1;
	if (!(s->ctr.bundle = strdup(s->bundle)) || !(s->ctr.rootfs = strdup(s->rootfs)))
		return rc_errf(e, ENOMEM, "allocating");
	json_decref(s->ctr.annotations);
	s->ctr.annotations = json_incref(s->cfg.annotations);
	s->ctr.systemd = o->systemd;
	if (rc_oci_config_seccomp(&s->cfg, s->ctr.root_fd, &s->c.seccomp, e) < 0 || open_namespaces(s, e) < 0)
		return -1;
	if (rc_oci_cgroup_create(&s->cfg, o->id, o->systemd, &s->cg, e) < 0 ||
	    rc_oci_cgroup_dirs(s->cg, &s->ctr.cgroups, e) < 0)
		return -1;
	s->ctr.cgroup_version = rc_cgroup_version_of(s->cg);
	/* Through the directory's descriptor: the id may make the path longer
	 * than a socket address holds. */
	if ((s->oc.start = rc_oci_sock_listen_at(s->ctr.dir_fd, RC_OCI_START, e)) < 0)
		return -1;
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
		return rc_errf(e, errno, "creating a socket pair");
	s->sync = sv[0];
	s->oc.sync = sv[1];
	/* A terminal relayed by run in the foreground, else the caller's stdio
	 * (or the terminal sent to the console socket). */
	if (rc_launch_prepare(&s->l, sp->terminal && !o->console_socket, true, e) < 0)
		return -1;
	if (o->console_socket && (s->l.tty_sock = rc_oci_sock_connect(o->console_socket, e)) < 0)
		return rc_err_prefix(e, "--console-socket");
	if (s->cfg.has_console_size) {
		s->l.has_ws = true;
		s->l.ws = (struct winsize){ .ws_row = s->cfg.console_rows, .ws_col = s->cfg.console_cols };
	}
	return 0;
}

static void setup_child(struct create_state *s, bool foreground)
{
	const struct rc_oci_config *cfg = &s->cfg;

	s->r = (struct rc_run){ .name = s->o->id, .dir_fd = -1, .containers_fd = -1, .bundle = s->bundle,
				.rootfs = s->rootfs, .spec = &s->cfg.spec, .tty = cfg->spec.terminal };
	s->oc.cfg = cfg;
	for (int k = RC_HOOK_PRESTART; k <= RC_HOOK_START_CONTAINER; k++)
		s->oc.hooks = s->oc.hooks || cfg->hooks.n[k];
	s->fs_opts = (struct rc_fs){ .root_propagation = cfg->root_propagation ? cfg->root_propagation
										 : MS_SLAVE | MS_REC,
				     .no_pivot = s->o->no_pivot,
				     .cgroup_dirs = (const char *const *)s->ctr.cgroups };
	s->c.r = &s->r;
	s->c.l = &s->l;
	s->c.detached = !foreground;
	s->c.keep_keyring = s->o->no_new_keyring;
	s->c.plain_env = true;
	s->c.preserve_fds = s->o->preserve_fds;
	s->c.keep_fd[0] = s->oc.sync;
	s->c.keep_fd[1] = s->oc.start;
	s->c.ops = &oci_ops;
	s->c.ops_arg = &s->oc;
	s->c.fs_opts = &s->fs_opts;
}

/* The child's failure report, once it has gone: its message, or a plain
 * one when it died without a word. */
static int child_failed(struct create_state *s, struct rc_err *e)
{
	struct rc_child_report rep;
	ssize_t n;

	while ((n = read(s->l.report_rd, &rep, sizeof rep)) < 0 && errno == EINTR)
		;
	waitpid(s->pid, NULL, 0);
	s->pid = 0;
	if (n <= 0)
		return rc_errf(e, 0, "the container's process ended during create");
	rep.msg[sizeof rep.msg - 1] = '\0';
	return rc_errf(e, 0, "%s", rep.msg);
}

static int send_state(struct create_state *s, const char *state, struct rc_err *e)
{
	uint32_t len = (uint32_t)strlen(state);

	if (rc_write_all(s->sync, &len, sizeof len) < 0 || rc_write_all(s->sync, state, len) < 0)
		return rc_errf(e, EPIPE, "sending the hooks' state");
	return 0;
}

/* Let the child go and see it through to its wait for start. */
static int supervise(struct create_state *s, struct rc_err *e)
{
	_cleanup_free_ char *creating = NULL;
	char b;

	if (write(s->l.go_wr, "g", 1) != 1)
		return rc_errf(e, errno, "starting the container's process");
	close(s->l.go_wr);
	s->l.go_wr = -1;
	for (;;) {
		ssize_t n = read(s->sync, &b, 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return child_failed(s, e);
		if (b == SYNC_READY)
			break;
		if (b != SYNC_HOOKS)
			return rc_errf(e, 0, "the container's process said '%c' during create", b);
		free(creating);
		if (!(creating = rc_oci_hook_state(&s->ctr, "creating")))
			return rc_errf(e, ENOMEM, "allocating");
		if (rc_oci_hooks_run(&s->cfg.hooks, RC_HOOK_PRESTART, creating, false, e) < 0 ||
		    rc_oci_hooks_run(&s->cfg.hooks, RC_HOOK_CREATE_RUNTIME, creating, false, e) < 0)
			return -1;
		_cleanup_free_ char *created = rc_oci_hook_state(&s->ctr, "created");
		if (!created || send_state(s, creating, e) < 0 || send_state(s, created, e) < 0)
			return -1;
	}
	/* The terminal, when run relays it. */
	if (s->l.tty_peer >= 0 && (s->l.tty.master = rc_tty_recv_fd(s->l.tty_peer)) < 0)
		return rc_errf(e, 0, "receiving the container's terminal");
	return 0;
}

static int write_pid_file(const char *path, pid_t pid, struct rc_err *e)
{
	char buf[32];
	int n = snprintf(buf, sizeof buf, "%d", (int)pid);

	if (rc_write_file_nosync_at(AT_FDCWD, path, buf, (size_t)n, 0644, e) < 0)
		return rc_err_prefix(e, "--pid-file");
	return 0;
}

static int do_create(struct create_state *s, bool foreground, struct rc_err *e)
{
	if (prepare(s, foreground, e) < 0)
		return -1;
	setup_child(s, foreground);
	s->pid = rc_clone(clone_flags(s), s->c.ns_fd[RC_NS_PID], e);
	if (s->pid < 0)
		return -1;
	if (s->pid == 0)
		rc_child_main(&s->c);
	rc_launch_forked(&s->l);
	close(s->oc.sync);
	close(s->oc.start);
	s->oc.sync = s->oc.start = -1;
	s->ctr.pid = s->pid;
	if (rc_cgroup_enter(s->cg, s->pid, e) < 0 || supervise(s, e) < 0)
		return -1;
	s->ctr.pid_start = rc_proc_starttime(s->pid);
	if (rc_oci_ctr_save(&s->ctr, e) < 0)
		return -1;
	if (s->o->pid_file && write_pid_file(s->o->pid_file, s->pid, e) < 0)
		return -1;
	return 0;
}

int rc_oci_create(const struct rc_oci_create *o, struct rc_err *e)
{
	struct create_state s;
	int r;

	create_init(&s, o);
	r = do_create(&s, false, e);
	rc_launch_close(&s.l);
	create_finish(&s, r < 0);
	return r;
}

/* ---- start ------------------------------------------------------------------ */

/* Connect to the waiting process and wait for its exec, or its reason. */
static int release(struct rc_oci_ctr *c, struct rc_err *e)
{
	struct rc_child_report rep;
	_cleanup_close_ int fd = rc_oci_sock_connect_at(c->dir_fd, RC_OCI_START, e);
	size_t got = 0;

	if (fd < 0)
		return rc_err_prefix(e, "starting container \"%s\"", c->id);
	/* From now on it runs, or fails. */
	unlinkat(c->dir_fd, RC_OCI_START, 0);
	while (got < sizeof rep) {
		ssize_t n = read(fd, (char *)&rep + got, sizeof rep - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	if (got == 0)
		return 0;
	if (got < sizeof rep)
		return rc_errf(e, 0, "starting container \"%s\": its process ended", c->id);
	rep.msg[sizeof rep.msg - 1] = '\0';
	return rc_errf(e, 0, "starting container \"%s\": %s", c->id, rep.msg);
}

static int start_ctr(struct rc_oci_ctr *c, struct rc_err *e)
{
	enum rc_oci_status st;
	_cleanup_free_ char *state = NULL;
	struct rc_oci_config cfg = { 0 };
	_cleanup_free_ char *text = NULL;

	if (rc_oci_ctr_lock(c, e) < 0)
		return -1;
	st = rc_oci_ctr_status(c);
	if (st == RC_OCI_RUNNING || st == RC_OCI_PAUSED)
		return rc_errf(e, 0, "cannot start an already running container");
	if (st == RC_OCI_STOPPED)
		return rc_errf(e, 0, "cannot start a container that has stopped");
	if (st != RC_OCI_CREATED)
		return rc_errf(e, 0, "cannot start a container that is still being created");
	if (release(c, e) < 0)
		return -1;
	/* poststart: failures are warnings (the runtime spec's rule). */
	if (rc_read_file_at(c->dir_fd, RC_OCI_CONFIG, 16 << 20, &text, NULL, e) < 0 ||
	    rc_oci_config_parse(text, &cfg, e) < 0) {
		rc_err_warn(e);
		return 0;
	}
	if (cfg.hooks.n[RC_HOOK_POSTSTART] && (state = rc_oci_hook_state(c, "running")))
		rc_oci_hooks_run(&cfg.hooks, RC_HOOK_POSTSTART, state, true, e);
	rc_oci_config_free(&cfg);
	return 0;
}

int rc_oci_start(const char *root, const char *id, struct rc_err *e)
{
	_cleanup_oci_ctr_ struct rc_oci_ctr c = RC_OCI_CTR_INIT;

	if (rc_oci_ctr_open(root, id, &c, e) < 0)
		return -1;
	return start_ctr(&c, e);
}

/* ---- run -------------------------------------------------------------------- */

int rc_oci_run(const struct rc_oci_create *o, bool detach, bool keep, int *ret_status, struct rc_err *e)
{
	struct create_state s;
	struct rc_err ignore = { 0 };
	int r;

	*ret_status = 0;
	create_init(&s, o);
	if (do_create(&s, !detach, e) < 0) {
		rc_launch_close(&s.l);
		create_finish(&s, true);
		return -1;
	}
	/* Created: from here on, delete undoes it. */
	r = start_ctr(&s.ctr, e);
	if (r == 0 && !detach) {
		if (s.l.tty.master >= 0 && rc_tty_raw(&s.l.tty, e) < 0)
			rc_err_warn(e);
		*ret_status = rc_launch_wait(&s.l, s.pid, true);
	}
	rc_launch_close(&s.l);
	if (r < 0) { /* still our child: a start that failed leaves it to us */
		kill(s.pid, SIGKILL);
		waitpid(s.pid, NULL, 0);
	}
	s.pid = 0;
	create_finish(&s, false);
	if (r < 0 || (!detach && !keep))
		rc_oci_delete(o->root, o->id, true, &ignore);
	return r;
}
