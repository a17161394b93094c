/* lifecycle.c - rc-ps, rc-stop, rc-kill and rc-rm; see lifecycle.h. */
#include "lifecycle/lifecycle.h"
#include "image/rootfs.h"
#include "runtime/cgroups.h"
#include "base/cleanup.h"
#include "base/fs.h"
#include "net/net.h"
#include "net/netns.h"
#include "base/state.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <time.h>
#include <unistd.h>

int rc_ctr_stop_signal(int dirfd, int *ret, struct rc_err *e)
{
	_cleanup_free_ char *text = NULL;
	json_auto_t *cfg = NULL;
	const char *sig;

	*ret = SIGTERM;
	if (rc_read_file_at(dirfd, RC_FILE_CONFIG, 16 << 20, &text, NULL, e) < 0)
		return rc_err_prefix(e, "reading the stop signal");
	cfg = json_loads(text, 0, NULL);
	sig = json_string_value(json_object_get(json_object_get(cfg, "annotations"),
						"org.opencontainers.image.stopSignal"));
	if (sig && rc_signal_parse(sig, ret, e) < 0)
		return rc_err_prefix(e, "config.json's stop signal");
	return 0;
}

int rc_ctr_kill(const char *root, const char *name, int sig, struct rc_err *e)
{
	_cleanup_ctr_ struct rc_ctr c = RC_CTR_INIT;
	_cleanup_close_ int pfd = -1;
	pid_t pid;

	if (rc_ctr_open(root, name, &c, e) < 0)
		return -1;
	pfd = rc_ctr_pidfd(c.dir_fd, name, &pid, e);
	if (pfd < 0)
		return -1;
	if (rc_pidfd_signal(pfd, sig) < 0)
		return rc_errf(e, errno == ESRCH ? 0 : errno, errno == ESRCH ?
			       "container %s is not running" : "signalling container %s", name);
	return 0;
}

/* Send the container (or, while it waits to restart, its monitor) sig,
 * through a pidfd of the very process: never to a pid reused since. */
static void signal_ctr(int fd, int sig)
{
	struct rc_ctr_status st;
	_cleanup_close_ int pfd = -1;
	pid_t pid;

	rc_ctr_status(fd, &st);
	if (st.state == RC_CTR_RUNNING)
		pfd = rc_ctr_pidfd(fd, "", &pid, NULL);
	else if (st.state == RC_CTR_RESTARTING && (pfd = rc_ctr_monitor_pidfd(fd, &pid)) >= 0)
		sig = SIGTERM;
	if (pfd >= 0)
		rc_pidfd_signal(pfd, sig);
}

/* Tell the monitor not to restart, signal, escalate to SIGKILL after
 * timeout seconds, and wait for the monitor to be gone. */
static int stop_fd(int fd, const char *name, int sig, int timeout, struct rc_err *e)
{
	if (rc_ctr_mark(fd, RC_FILE_STOPPING, e) < 0)
		return rc_err_prefix(e, "stopping %s", name);
	signal_ctr(fd, sig);
	if (rc_ctr_wait(fd, timeout * 1000) == 0)
		return 0;
	signal_ctr(fd, SIGKILL);
	if (rc_ctr_wait(fd, 30 * 1000) == 0)
		return 0;
	return rc_errf(e, 0, "container %s did not end after SIGKILL", name);
}

int rc_ctr_stop(const char *root, const char *name, int timeout, bool *ret_was_running,
		struct rc_err *e)
{
	_cleanup_ctr_ struct rc_ctr c = RC_CTR_INIT;
	struct rc_ctr_status st;
	int sig, fd;

	*ret_was_running = false;
	if (rc_ctr_open(root, name, &c, e) < 0)
		return -1;
	fd = c.dir_fd;
	rc_ctr_status(fd, &st);
	if (st.state != RC_CTR_RUNNING && st.state != RC_CTR_RESTARTING)
		return 0;
	*ret_was_running = true;
	if (rc_ctr_stop_signal(fd, &sig, e) < 0)
		return -1;
	return stop_fd(fd, name, sig, timeout, e);
}

static int remove_leftovers(const struct rc_ctr *c, struct rc_err *e)
{
	/* What a monitor that was killed could not clean up. */
	if (rc_netns_unpin_owned(c->dir_fd, e) < 0)
		return -1;
	if (rc_cgroup_remove(RC_CGROUP_BASE, c->cgroup, e) < 0)
		return -1;
	return 0;
}

int rc_ctr_rm(const char *root, const char *name, bool force, struct rc_err *e)
{
	_cleanup_ctr_ struct rc_ctr c = RC_CTR_INIT;
	_cleanup_close_ int lock = -1;
	struct rc_ctr_status st;
	bool nothing;

	if (rc_ctr_open(root, name, &c, e) < 0)
		return -1;
	rc_ctr_status(c.dir_fd, &st);
	if (st.state == RC_CTR_RUNNING || st.state == RC_CTR_RESTARTING) {
		if (!force)
			return rc_errf(e, 0, "container %s is running: stop it first, or use -f", name);
		if (stop_fd(c.dir_fd, name, SIGKILL, 10, e) < 0)
			return -1;
	}
	/* The container's own lock: no rc-unshare may start it meanwhile. */
	lock = openat(c.dir_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (lock < 0 || flock(lock, LOCK_EX | LOCK_NB) < 0)
		return rc_errf(e, errno == EWOULDBLOCK ? 0 : errno, "container %s is in use", name);
	if (rc_net_down(root, name, false, &nothing, e) < 0)
		return rc_err_prefix(e, "removing %s's network", name);
	if (remove_leftovers(&c, e) < 0 || rc_rootfs_unmount(c.dir_fd, e) < 0 ||
	    rc_rm_rf_at(c.containers_fd, name, e) < 0)
		return rc_err_prefix(e, "removing %s", name);
	return 0;
}

/* ---- rc-ps ---- */

/* The value of key in KEY=VALUE text (single quotes dropped), into buf. */
static void env_value(const char *text, const char *key, char *buf, size_t len)
{
	size_t kl = strlen(key);

	buf[0] = '\0';
	for (const char *p = text; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL) {
		if (strncmp(p, key, kl) || p[kl] != '=')
			continue;
		const char *v = p + kl + 1;
		size_t n = strcspn(v, "\n");
		if (n >= 2 && v[0] == '\'' && v[n - 1] == '\'')
			v++, n -= 2;
		snprintf(buf, len, "%.*s", (int)n, v);
		return;
	}
}

static void fill_row(int fd, const char *name, struct rc_ps_row *row)
{
	_cleanup_free_ char *image = NULL, *env = NULL;
	struct rc_err e = { 0 };

	memset(row, 0, sizeof *row);
	snprintf(row->name, sizeof row->name, "%.63s", name);
	rc_ctr_status(fd, &row->st);
	if (rc_read_file_at(fd, RC_FILE_IMAGE, 4096, &image, NULL, &e) == 0)
		snprintf(row->image, sizeof row->image, "%.*s", (int)strcspn(image, " \n"), image);
	if (rc_read_file_at(fd, RC_FILE_NET_ENV, 65536, &env, NULL, &e) == 0) {
		env_value(env, "IP", row->ip, sizeof row->ip);
		env_value(env, "PORTS", row->ports, sizeof row->ports);
	}
}

static int by_name(const void *a, const void *b)
{
	return strcmp(((const struct rc_ps_row *)a)->name, ((const struct rc_ps_row *)b)->name);
}

int rc_ps_list(const char *root, bool all, struct rc_ps_row **ret, size_t *ret_n,
	       struct rc_err *e)
{
	struct rc_ps_row *rows = NULL;
	size_t n = 0;
	int cfd = rc_state_dir(root, "containers", false, e);
	DIR *d;
	struct dirent *de;

	*ret = NULL;
	*ret_n = 0;
	if (cfd < 0) {
		if (e->code == ENOENT)
			return 0; /* no container yet */
		return -1;
	}
	d = fdopendir(cfd);
	if (!d) {
		close(cfd);
		return rc_errf(e, errno, "listing %s/containers", root);
	}
	while ((de = readdir(d))) {
		_cleanup_close_ int fd = -1;
		struct rc_ps_row row, *nr;

		if (!rc_name_valid(de->d_name))
			continue;
		fd = openat(cfd, de->d_name, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
		if (fd < 0)
			continue;
		fill_row(fd, de->d_name, &row);
		if (!all && row.st.state != RC_CTR_RUNNING && row.st.state != RC_CTR_RESTARTING)
			continue;
		nr = realloc(rows, (n + 1) * sizeof *rows);
		if (!nr) {
			free(rows);
			closedir(d);
			return rc_errf(e, ENOMEM, "listing containers");
		}
		rows = nr;
		rows[n++] = row;
	}
	closedir(d);
	if (n)
		qsort(rows, n, sizeof *rows, by_name);
	*ret = rows;
	*ret_n = n;
	return 0;
}

void rc_ago(long long then, long long now, char *buf, size_t len)
{
	long long d = now - then;
	static const struct { long long secs; const char *unit; } units[] = {
		{ 86400, "day" }, { 3600, "hour" }, { 60, "minute" }, { 1, "second" },
	};

	if (d < 0)
		d = 0;
	for (size_t i = 0; i < 4; i++) {
		if (d >= units[i].secs || i == 3) {
			long long v = d / units[i].secs;
			snprintf(buf, len, "%lld %s%s ago", v, units[i].unit, v == 1 ? "" : "s");
			return;
		}
	}
}

void rc_ps_status(const struct rc_ps_row *row, long long now, char *buf, size_t len)
{
	const struct rc_ctr_status *s = &row->st;
	char ago[64];

	switch (s->state) {
	case RC_CTR_CREATED:
		snprintf(buf, len, "created");
		break;
	case RC_CTR_RUNNING:
		if (s->started) {
			rc_ago(s->started, now, ago, sizeof ago);
			ago[strlen(ago) - 4] = '\0'; /* " ago" */
			snprintf(buf, len, "running (%s)", ago);
		} else {
			snprintf(buf, len, "running");
		}
		break;
	case RC_CTR_RESTARTING:
		snprintf(buf, len, "restarting");
		break;
	case RC_CTR_EXITED:
		if (s->finished) {
			rc_ago(s->finished, now, ago, sizeof ago);
			snprintf(buf, len, "exited (%d) %s", s->exit_code, ago);
		} else {
			snprintf(buf, len, "exited (%d)", s->exit_code);
		}
		break;
	}
}

static void or_dash(const char *s, char *buf, size_t len)
{
	snprintf(buf, len, "%s", *s ? s : "-");
}

/* The fields of a row, as text, in the order of the table's columns. */
enum { F_NAME, F_STATUS, F_PID, F_IMAGE, F_IP, F_PORTS, F_CREATED, F_STATE, F_EXIT,
       F_RESTARTS, F_MAX };
static const char *const field_names[F_MAX] = {
	"Name", "Status", "Pid", "Image", "IP", "Ports", "Created", "State", "ExitCode", "Restarts",
};

static void row_fields(const struct rc_ps_row *r, long long now, char f[F_MAX][512])
{
	snprintf(f[F_NAME], 512, "%s", r->name);
	rc_ps_status(r, now, f[F_STATUS], 512);
	if (r->st.pid)
		snprintf(f[F_PID], 512, "%d", (int)r->st.pid);
	else
		snprintf(f[F_PID], 512, "-");
	or_dash(r->image, f[F_IMAGE], 512);
	or_dash(r->ip, f[F_IP], 512);
	or_dash(r->ports, f[F_PORTS], 512);
	if (r->st.created)
		rc_ago(r->st.created, now, f[F_CREATED], 512);
	else
		snprintf(f[F_CREATED], 512, "-");
	snprintf(f[F_STATE], 512, "%s", rc_ctr_state_name(r->st.state));
	snprintf(f[F_EXIT], 512, "%d", r->st.exit_code);
	snprintf(f[F_RESTARTS], 512, "%d", r->st.restarts);
}

static int print_json(FILE *out, const struct rc_ps_row *r, long long now, struct rc_err *e)
{
	char status[128];
	json_auto_t *o = NULL;
	_cleanup_free_ char *text = NULL;

	rc_ps_status(r, now, status, sizeof status);
	o = json_pack("{s:s, s:s, s:s, s:I, s:I, s:s, s:s, s:s, s:I, s:I, s:I, s:I, s:I}",
		      "name", r->name, "state", rc_ctr_state_name(r->st.state), "status", status,
		      "pid", (json_int_t)r->st.pid, "monitor", (json_int_t)r->st.monitor,
		      "image", r->image, "ip", r->ip, "ports", r->ports,
		      "created", (json_int_t)r->st.created, "started", (json_int_t)r->st.started,
		      "finished", (json_int_t)r->st.finished, "exit_code", (json_int_t)r->st.exit_code,
		      "restarts", (json_int_t)r->st.restarts);
	text = o ? json_dumps(o, JSON_COMPACT) : NULL;
	if (!text)
		return rc_errf(e, ENOMEM, "formatting JSON");
	fprintf(out, "%s\n", text);
	return 0;
}

/* {{.Field}} replaced, \t and \n unescaped. */
static int print_template(FILE *out, const char *fmt, char f[F_MAX][512], struct rc_err *e)
{
	for (const char *p = fmt; *p; ) {
		if (p[0] == '\\' && (p[1] == 't' || p[1] == 'n')) {
			fputc(p[1] == 't' ? '\t' : '\n', out);
			p += 2;
			continue;
		}
		if (strncmp(p, "{{", 2)) {
			fputc(*p++, out);
			continue;
		}
		const char *q = p + 2, *end = strstr(q, "}}");
		if (!end)
			return rc_errf(e, 0, "--format: unclosed {{ in \"%s\"", fmt);
		while (*q == ' ')
			q++;
		size_t n = (size_t)(end - q);
		while (n && q[n - 1] == ' ')
			n--;
		int k = -1;
		for (int i = 0; i < F_MAX; i++)
			if (q[0] == '.' && strlen(field_names[i]) == n - 1 &&
			    !strncasecmp(q + 1, field_names[i], n - 1))
				k = i;
		if (k < 0)
			return rc_errf(e, 0, "--format: unknown field \"%.*s\"", (int)n, q);
		fputs(f[k], out);
		p = end + 2;
	}
	fputc('\n', out);
	return 0;
}

int rc_ps_print(FILE *out, const struct rc_ps_row *rows, size_t n, bool quiet,
		const char *format, struct rc_err *e)
{
	long long now = (long long)time(NULL);
	static char f[F_MAX][512];
	int w[F_CREATED + 1];
	static const char *const heads[] = { "NAME", "STATUS", "PID", "IMAGE", "IP", "PORTS", "CREATED" };

	if (format && !strcmp(format, "json")) {
		for (size_t i = 0; i < n; i++)
			if (print_json(out, &rows[i], now, e) < 0)
				return -1;
		return 0;
	}
	if (format) {
		for (size_t i = 0; i < n; i++) {
			row_fields(&rows[i], now, f);
			if (print_template(out, format, f, e) < 0)
				return -1;
		}
		return 0;
	}
	if (quiet) {
		for (size_t i = 0; i < n; i++)
			fprintf(out, "%s\n", rows[i].name);
		return 0;
	}
	for (int k = 0; k <= F_CREATED; k++)
		w[k] = (int)strlen(heads[k]);
	for (size_t i = 0; i < n; i++) {
		row_fields(&rows[i], now, f);
		for (int k = 0; k <= F_CREATED; k++)
			if ((int)strlen(f[k]) > w[k])
				w[k] = (int)strlen(f[k]);
	}
	for (int k = 0; k <= F_CREATED; k++)
		fprintf(out, "%-*s%s", k < F_CREATED ? w[k] : 0, heads[k], k < F_CREATED ? "   " : "\n");
	for (size_t i = 0; i < n; i++) {
		row_fields(&rows[i], now, f);
		for (int k = 0; k <= F_CREATED; k++)
			fprintf(out, "%-*s%s", k < F_CREATED ? w[k] : 0, f[k], k < F_CREATED ? "   " : "\n");
	}
	return 0;
}
