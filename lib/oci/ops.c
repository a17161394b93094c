/* ops.c - the verbs on an existing container; see ops.h. */
#include "oci/ops.h"
#include "base/cleanup.h"
#include "base/fs.h"
#include "lifecycle/ctr.h"
#include "oci/cgroup.h"
#include "oci/config.h"
#include "oci/hooks.h"
#include "oci/resources.h"
#include "oci/state.h"
#include "runtime/spec.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

int rc_oci_state(const char *root, const char *id, FILE *out, struct rc_err *e)
{
	_cleanup_oci_ctr_ struct rc_oci_ctr c = RC_OCI_CTR_INIT;
	json_auto_t *j = NULL;
	_cleanup_free_ char *text = NULL;

	if (rc_oci_ctr_open(root, id, &c, e) < 0)
		return -1;
	j = rc_oci_state_json(&c, rc_oci_ctr_status(&c));
	if (!j || !(text = json_dumps(j, JSON_INDENT(2))))
		return rc_errf(e, ENOMEM, "allocating");
	fprintf(out, "%s\n", text);
	return 0;
}

int rc_oci_list(const char *root, enum rc_oci_list_format f, FILE *out, struct rc_err *e)
{
	char **ids = NULL;
	json_auto_t *all = json_array();

	if (rc_oci_list_ids(root, &ids, e) < 0)
		return -1;
	if (f == RC_OCI_LIST_TABLE)
		fprintf(out, "%-12s %-8s %-10s %-40s %-32s %s\n", "ID", "PID", "STATUS", "BUNDLE", "CREATED", "OWNER");
	for (size_t i = 0; ids[i]; i++) {
		struct rc_oci_ctr c = RC_OCI_CTR_INIT;
		struct rc_err ignore = { 0 };
		if (rc_oci_ctr_open(root, ids[i], &c, &ignore) == 0 && c.pid) {
			enum rc_oci_status s = rc_oci_ctr_status(&c);
			if (f == RC_OCI_LIST_QUIET)
				fprintf(out, "%s\n", c.id);
			else if (f == RC_OCI_LIST_TABLE)
				fprintf(out, "%-12s %-8d %-10s %-40s %-32s %s\n", c.id, s == RC_OCI_STOPPED ? 0 : (int)c.pid,
					rc_oci_status_name(s), c.bundle, c.created, "root");
			else
				json_array_append_new(all, rc_oci_state_json(&c, s));
		}
		rc_oci_ctr_close(&c);
	}
	rc_strv_free(ids);
	if (f == RC_OCI_LIST_JSON) {
		_cleanup_free_ char *text = json_dumps(all, JSON_COMPACT);
		if (!text)
			return rc_errf(e, ENOMEM, "allocating");
		fprintf(out, "%s\n", text);
	}
	return 0;
}

int rc_oci_kill(const char *root, const char *id, int sig, bool all, struct rc_err *e)
{
	_cleanup_oci_ctr_ struct rc_oci_ctr c = RC_OCI_CTR_INIT;
	_cleanup_close_ int pfd = -1;
	enum rc_oci_status s;

	if (rc_oci_ctr_open(root, id, &c, e) < 0)
		return -1;
	s = rc_oci_ctr_status(&c);
	if (s == RC_OCI_STOPPED || s == RC_OCI_CREATING)
		return rc_errf(e, ESRCH, "container not running");
	if (all)
		return rc_oci_cgroup_kill(c.cgroups, sig, e);
	pfd = rc_oci_ctr_pidfd(&c, e);
	if (pfd < 0)
		return -1;
	if (rc_pidfd_signal(pfd, sig) < 0) {
		if (errno == ESRCH)
			return rc_errf(e, ESRCH, "container not running");
		return rc_errf(e, errno, "signalling container \"%s\"", id);
	}
	return 0;
}

/* Wait (up to timeout_ms) until the container's process has ended. */
static bool wait_gone(const struct rc_oci_ctr *c, int timeout_ms)
{
	struct rc_err ignore = { 0 };
	_cleanup_close_ int pfd = rc_oci_ctr_pidfd(c, &ignore);
	struct pollfd p = { pfd, POLLIN, 0 };

	if (pfd < 0)
		return true;
	while (poll(&p, 1, timeout_ms) < 0)
		if (errno != EINTR)
			return false;
	return p.revents != 0;
}

/* Kill whatever is left in the cgroup and wait for it to be empty. */
static void empty_cgroup(const struct rc_oci_ctr *c)
{
	struct rc_err ignore = { 0 };

	for (int tries = 0; tries < 200; tries++) {
		_cleanup_free_ pid_t *pids = NULL;
		size_t n = 0;
		if (rc_oci_cgroup_pids(c->cgroups, &pids, &n, &ignore) < 0 || n == 0)
			return;
		if (tries == 0)
			rc_oci_cgroup_kill(c->cgroups, SIGKILL, &ignore);
		nanosleep(&(struct timespec){ 0, 10 * 1000 * 1000 }, NULL);
	}
}

static int delete_ctr(struct rc_oci_ctr *c, bool force, struct rc_err *e)
{
	enum rc_oci_status s = rc_oci_ctr_status(c);
	struct rc_oci_config cfg = { 0 };
	_cleanup_free_ char *text = NULL, *state = NULL;
	bool hooks;

	if ((s == RC_OCI_RUNNING || s == RC_OCI_PAUSED) && !force)
		return rc_errf(e, 0, "cannot delete container %s that is not stopped: %s", c->id,
			       rc_oci_status_name(s));
	if (s == RC_OCI_CREATED || s == RC_OCI_RUNNING || s == RC_OCI_PAUSED) {
		_cleanup_close_ int pfd = rc_oci_ctr_pidfd(c, e);
		if (pfd >= 0)
			rc_pidfd_signal(pfd, SIGKILL);
		if (s == RC_OCI_PAUSED)
			rc_oci_cgroup_freeze(c->cgroups, false, e);
		if (!wait_gone(c, 10000))
			return rc_errf(e, EBUSY, "container \"%s\": its process did not end", c->id);
	}
	hooks = rc_read_file_at(c->dir_fd, RC_OCI_CONFIG, 16 << 20, &text, NULL, e) == 0 &&
		rc_oci_config_parse(text, &cfg, e) == 0 && cfg.hooks.n[RC_HOOK_POSTSTOP];
	if (hooks)
		state = rc_oci_hook_state(c, "stopped");
	empty_cgroup(c);
	if (rc_oci_cgroup_remove(c->cgroups, e) < 0) {
		rc_oci_config_free(&cfg);
		return -1;
	}
	if (rc_oci_ctr_remove(c, e) < 0) {
		rc_oci_config_free(&cfg);
		return -1;
	}
	if (hooks && state)
		rc_oci_hooks_run(&cfg.hooks, RC_HOOK_POSTSTOP, state, true, e);
	rc_oci_config_free(&cfg);
	return 0;
}

int rc_oci_delete(const char *root, const char *id, bool force, struct rc_err *e)
{
	_cleanup_oci_ctr_ struct rc_oci_ctr c = RC_OCI_CTR_INIT;

	if (rc_oci_ctr_open(root, id, &c, e) < 0)
		return force && e->code == ENOENT ? 0 : -1;
	if (rc_oci_ctr_lock(&c, e) < 0)
		return -1;
	/* A create that died before it had a process: only its directory. */
	if (!c.pid)
		return rc_oci_ctr_remove(&c, e);
	return delete_ctr(&c, force, e);
}

int rc_oci_pause(const char *root, const char *id, bool pause, struct rc_err *e)
{
	_cleanup_oci_ctr_ struct rc_oci_ctr c = RC_OCI_CTR_INIT;
	enum rc_oci_status s;

	if (rc_oci_ctr_open(root, id, &c, e) < 0 || rc_oci_ctr_lock(&c, e) < 0)
		return -1;
	s = rc_oci_ctr_status(&c);
	if (pause && s != RC_OCI_RUNNING && s != RC_OCI_CREATED)
		return rc_errf(e, 0, "container not running");
	if (!pause && s != RC_OCI_PAUSED)
		return rc_errf(e, 0, "container not paused");
	return rc_oci_cgroup_freeze(c.cgroups, pause, e);
}

static bool has_pid(const pid_t *pids, size_t n, long pid)
{
	for (size_t i = 0; i < n; i++)
		if (pids[i] == pid)
			return true;
	return false;
}

/* ps(1)'s output, its header and the lines whose PID column is one of pids. */
static int ps_table(const pid_t *pids, size_t n, char *const *ps_args, FILE *out, struct rc_err *e)
{
	char *argv[64] = { "ps" };
	size_t a = 1;
	FILE *f;
	int p[2], ws, col = -1;
	char line[8192];
	pid_t pid;

	if (!ps_args || !ps_args[0])
		argv[a++] = "-ef";
	for (size_t i = 0; ps_args && ps_args[i] && a < 63; i++)
		argv[a++] = ps_args[i];
	if (pipe2(p, O_CLOEXEC) < 0)
		return rc_errf(e, errno, "creating a pipe");
	pid = fork();
	if (pid == 0) {
		dup2(p[1], STDOUT_FILENO);
		execvp("ps", argv);
		_exit(127);
	}
	close(p[1]);
	if (pid < 0) {
		close(p[0]);
		return rc_errf(e, errno, "running ps");
	}
	f = fdopen(p[0], "r");
	for (bool first = true; f && fgets(line, sizeof line, f); first = false) {
		char copy[8192], *tok, *save;
		int i = 0;
		snprintf(copy, sizeof copy, "%s", line);
		if (first) {
			for (tok = strtok_r(copy, " \t\n", &save); tok; tok = strtok_r(NULL, " \t\n", &save), i++)
				if (!strcmp(tok, "PID"))
					col = i;
			fputs(line, out);
			continue;
		}
		for (tok = strtok_r(copy, " \t\n", &save); tok && i < col; tok = strtok_r(NULL, " \t\n", &save))
			i++;
		if (tok && has_pid(pids, n, strtol(tok, NULL, 10)))
			fputs(line, out);
	}
	if (f)
		fclose(f);
	else
		close(p[0]);
	waitpid(pid, &ws, 0);
	if (col < 0)
		return rc_errf(e, 0, "ps: no PID column in its output");
	return WIFEXITED(ws) && WEXITSTATUS(ws) == 0 ? 0 : rc_errf(e, 0, "ps failed");
}

int rc_oci_ps(const char *root, const char *id, bool json, char *const *ps_args, FILE *out,
	      struct rc_err *e)
{
	_cleanup_oci_ctr_ struct rc_oci_ctr c = RC_OCI_CTR_INIT;
	_cleanup_free_ pid_t *pids = NULL;
	size_t n;

	if (rc_oci_ctr_open(root, id, &c, e) < 0)
		return -1;
	if (rc_oci_ctr_status(&c) == RC_OCI_STOPPED)
		return rc_errf(e, 0, "container not running");
	if (rc_oci_cgroup_pids(c.cgroups, &pids, &n, e) < 0)
		return -1;
	if (!json)
		return ps_table(pids, n, ps_args, out, e);
	fputc('[', out);
	for (size_t i = 0; i < n; i++)
		fprintf(out, "%s%d", i ? "," : "", (int)pids[i]);
	fputs("]\n", out);
	return 0;
}

int rc_oci_update(const char *root, const char *id, const char *resources, struct rc_err *e)
{
	_cleanup_oci_ctr_ struct rc_oci_ctr c = RC_OCI_CTR_INIT;
	json_auto_t *res = NULL;
	json_error_t jerr;

	if (rc_oci_ctr_open(root, id, &c, e) < 0 || rc_oci_ctr_lock(&c, e) < 0)
		return -1;
	if (rc_oci_ctr_status(&c) == RC_OCI_STOPPED)
		return rc_errf(e, 0, "container not running");
	res = json_loads(resources, 0, &jerr);
	if (!json_is_object(res))
		return rc_errf(e, 0, "the resources: not a JSON object%s%s", res ? "" : ": ", res ? "" : jerr.text);
	/* Device rules are the cgroup's since create (cgroups.h). */
	json_object_del(res, "devices");
	return rc_oci_resources_apply(res, c.cgroups, c.cgroup_version, e);
}
