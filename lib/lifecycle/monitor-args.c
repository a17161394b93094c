/* monitor-args.c - rc-monitor's command line, both ways; see monitor.h. */
#include "lifecycle/monitor.h"
#include "base/state.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { O_NAME = 256, O_PID, O_DIRFD, O_CFD, O_LOCK, O_LOGRD, O_LOGWR, O_STATUS, O_CGBASE,
       O_CGROUP, O_PINNED, O_ETC, O_RM, O_RESTART, O_RESTARTS, O_MAXSIZE, O_MAXFILES,
       O_ERRRD, O_ERRWR, O_STOPSIG, O_HARG, O_HINTERVAL, O_HTIMEOUT, O_HSTART, O_HRETRIES };

/* In the enum's order: take() names an option by its value. */
static const struct option options[] = {
	{ "name", required_argument, NULL, O_NAME }, { "pid", required_argument, NULL, O_PID },
	{ "dir-fd", required_argument, NULL, O_DIRFD },
	{ "containers-fd", required_argument, NULL, O_CFD },
	{ "lock-fd", required_argument, NULL, O_LOCK }, { "log-fd", required_argument, NULL, O_LOGRD },
	{ "log-wr", required_argument, NULL, O_LOGWR },
	{ "start-status", required_argument, NULL, O_STATUS },
	{ "cgroup-base", required_argument, NULL, O_CGBASE },
	{ "cgroup", required_argument, NULL, O_CGROUP }, { "pinned", no_argument, NULL, O_PINNED },
	{ "etc", required_argument, NULL, O_ETC }, { "rm", no_argument, NULL, O_RM },
	{ "restart", required_argument, NULL, O_RESTART },
	{ "restarts", required_argument, NULL, O_RESTARTS },
	{ "log-max-size", required_argument, NULL, O_MAXSIZE },
	{ "log-max-files", required_argument, NULL, O_MAXFILES },
	{ "err-fd", required_argument, NULL, O_ERRRD }, { "err-wr", required_argument, NULL, O_ERRWR },
	{ "stop-signal", required_argument, NULL, O_STOPSIG },
	{ "health-arg", required_argument, NULL, O_HARG },
	{ "health-interval", required_argument, NULL, O_HINTERVAL },
	{ "health-timeout", required_argument, NULL, O_HTIMEOUT },
	{ "health-start-period", required_argument, NULL, O_HSTART },
	{ "health-retries", required_argument, NULL, O_HRETRIES },
	{ NULL, 0, NULL, 0 },
};

/* ---- building it (rc-unshare) ---- */

struct vec {
	char **v;
	size_t n, cap;
	bool failed;
};

static void push(struct vec *a, const char *s)
{
	char *c = a->failed ? NULL : strdup(s);

	if (c && a->n + 2 > a->cap) {
		size_t cap = a->cap ? 2 * a->cap : 64;
		char **v = realloc(a->v, cap * sizeof *v);
		if (!v) {
			free(c);
			c = NULL;
		} else {
			a->v = v;
			a->cap = cap;
		}
	}
	if (!c) {
		a->failed = true;
		return;
	}
	a->v[a->n++] = c;
	a->v[a->n] = NULL;
}

static void push_opt(struct vec *a, const char *opt, const char *val)
{
	push(a, opt);
	push(a, val);
}

static void push_num(struct vec *a, const char *opt, long long v)
{
	char buf[32];

	snprintf(buf, sizeof buf, "%lld", v);
	push_opt(a, opt, buf);
}

static void push_policy(struct vec *a, const struct rc_restart_policy *p)
{
	char buf[32];

	if (p->when == RC_RESTART_ALWAYS)
		snprintf(buf, sizeof buf, "always");
	else if (p->when == RC_RESTART_ON_FAILURE && p->max)
		snprintf(buf, sizeof buf, "on-failure:%d", p->max);
	else
		snprintf(buf, sizeof buf, p->when == RC_RESTART_ON_FAILURE ? "on-failure" : "no");
	push_opt(a, "--restart", buf);
}

int rc_monitor_to_argv(const struct rc_monitor *m, char ***ret, struct rc_err *e)
{
	struct vec a = { 0 };
	char etc[96];

	push(&a, "rc-monitor");
	push_opt(&a, "--name", m->name);
	push_num(&a, "--pid", m->pid);
	push_num(&a, "--dir-fd", m->dir_fd);
	push_num(&a, "--containers-fd", m->containers_fd);
	push_num(&a, "--lock-fd", m->lock_fd);
	push_num(&a, "--log-fd", m->log_rd);
	push_num(&a, "--log-wr", m->log_wr);
	push_num(&a, "--start-status", m->start_status);
	push_num(&a, "--restarts", m->restarts);
	push_opt(&a, "--cgroup-base", m->cgroup_base);
	push_opt(&a, "--cgroup", m->cgroup);
	push_policy(&a, &m->policy);
	push_num(&a, "--log-max-size", m->log_max_size);
	push_num(&a, "--log-max-files", m->log_max_files);
	push_num(&a, "--err-fd", m->err_rd);
	push_num(&a, "--err-wr", m->err_wr);
	if (m->pinned)
		push(&a, "--pinned");
	if (m->stop_signal)
		push_num(&a, "--stop-signal", m->stop_signal);
	if (m->health.argv && m->health.argv[0]) {
		for (char **p = m->health.argv; *p; p++)
			push_opt(&a, "--health-arg", *p);
		push_num(&a, "--health-interval", m->health.interval_ms);
		push_num(&a, "--health-timeout", m->health.timeout_ms);
		push_num(&a, "--health-start-period", m->health.start_period_ms);
		push_num(&a, "--health-retries", m->health.retries);
	}
	snprintf(etc, sizeof etc, "%u:%lu:%lu:%lu",
		 (unsigned)(m->etc.made[0] | m->etc.made[1] << 1 | m->etc.made[2] << 2),
		 (unsigned long)m->etc.ino[0], (unsigned long)m->etc.ino[1], (unsigned long)m->etc.ino[2]);
	push_opt(&a, "--etc", etc);
	if (m->remove)
		push(&a, "--rm");
	push(&a, "--");
	for (size_t i = 0; m->argv && m->argv[i]; i++)
		push(&a, m->argv[i]);
	if (a.failed) {
		rc_monitor_argv_free(a.v);
		return rc_errf(e, ENOMEM, "building the monitor's command line");
	}
	*ret = a.v;
	return 0;
}

void rc_monitor_argv_free(char **argv)
{
	for (size_t i = 0; argv && argv[i]; i++)
		free(argv[i]);
	free(argv);
}

/* ---- reading it back (rc-monitor) ---- */

static int num(const char *opt, const char *s, long long min, long long max, long long *ret,
	       struct rc_err *e)
{
	char *end;

	errno = 0;
	*ret = strtoll(s, &end, 10);
	if (errno || end == s || *end || *ret < min || *ret > max) {
		rc_errf(e, 0, "--%s: expected a number from %lld to %lld, not \"%s\"", opt, min, max, s);
		return rc_err_status(e, 2);
	}
	return 0;
}

static int parse_etc(const char *s, struct rc_etc *etc, struct rc_err *e)
{
	unsigned mask;
	unsigned long ino[3];
	char end;

	if (sscanf(s, "%u:%lu:%lu:%lu%c", &mask, &ino[0], &ino[1], &ino[2], &end) != 4 || mask > 7) {
		rc_errf(e, 0, "--etc: expected MASK:INO:INO:INO, not \"%s\"", s);
		return rc_err_status(e, 2);
	}
	for (int i = 0; i < 3; i++) {
		etc->made[i] = mask & (1u << i);
		etc->ino[i] = ino[i];
	}
	return 0;
}

/* One more word of the healthcheck's command (the vector lives as long as
 * the monitor). */
static int health_arg(struct rc_monitor *m, char *arg, struct rc_err *e)
{
	size_t n = 0;
	char **v;

	while (m->health.argv && m->health.argv[n])
		n++;
	v = realloc(m->health.argv, (n + 2) * sizeof *v);
	if (!v)
		return rc_errf(e, ENOMEM, "reading --health-arg");
	v[n] = arg;
	v[n + 1] = NULL;
	m->health.argv = v;
	return 0;
}

/* One option into m. */
static int take(struct rc_monitor *m, int c, char *arg, struct rc_err *e)
{
	const char *name = options[c - O_NAME].name;
	long long v = 0;
	int r = 0;

	switch (c) {
	case O_NAME: m->name = arg; return 0;
	case O_CGBASE: m->cgroup_base = arg; return 0;
	case O_CGROUP: m->cgroup = arg; return 0;
	case O_PINNED: m->pinned = true; return 0;
	case O_RM: m->remove = true; return 0;
	case O_ETC: return parse_etc(arg, &m->etc, e);
	case O_HARG: return health_arg(m, arg, e);
	case O_RESTART: return rc_restart_parse(arg, &m->policy, e) < 0 ? rc_err_status(e, 2) : 0;
	case O_MAXSIZE:
		r = num(name, arg, 0, LLONG_MAX, &v, e);
		m->log_max_size = v;
		return r;
	case O_HINTERVAL: case O_HTIMEOUT:
		r = num(name, arg, 1, LLONG_MAX / 2, &v, e);
		*(c == O_HINTERVAL ? &m->health.interval_ms : &m->health.timeout_ms) = v;
		return r;
	case O_HSTART:
		r = num(name, arg, 0, LLONG_MAX / 2, &v, e);
		m->health.start_period_ms = v;
		return r;
	case O_STOPSIG:
		r = num(name, arg, 1, 64, &v, e);
		m->stop_signal = (int)v;
		return r;
	case O_PID: case O_STATUS: case O_RESTARTS: case O_MAXFILES: case O_HRETRIES:
		r = num(name, arg, 0, INT_MAX, &v, e);
		break;
	default: /* descriptors */
		r = num(name, arg, -1, INT_MAX, &v, e);
		break;
	}
	switch (c) {
	case O_PID: m->pid = (pid_t)v; break;
	case O_STATUS: m->start_status = (int)v; break;
	case O_RESTARTS: m->restarts = (int)v; break;
	case O_MAXFILES: m->log_max_files = (int)v; break;
	case O_HRETRIES: m->health.retries = (int)v; break;
	case O_ERRRD: m->err_rd = (int)v; break;
	case O_ERRWR: m->err_wr = (int)v; break;
	case O_DIRFD: m->dir_fd = (int)v; break;
	case O_CFD: m->containers_fd = (int)v; break;
	case O_LOCK: m->lock_fd = (int)v; break;
	case O_LOGRD: m->log_rd = (int)v; break;
	case O_LOGWR: m->log_wr = (int)v; break;
	}
	return r;
}

int rc_monitor_from_argv(int argc, char **argv, struct rc_monitor *m, struct rc_err *e)
{
	int c;

	*m = (struct rc_monitor){ .pid = -1, .dir_fd = -1, .containers_fd = -1, .lock_fd = -1,
				  .log_rd = -1, .log_wr = -1, .err_rd = -1, .err_wr = -1,
				  .cgroup_base = "/sys/fs/cgroup", .log_max_files = 1,
				  .health = { .interval_ms = RC_HEALTH_INTERVAL_MS,
					      .timeout_ms = RC_HEALTH_TIMEOUT_MS,
					      .retries = RC_HEALTH_RETRIES } };
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "", options, NULL)) != -1) {
		if (c == '?' || c == ':') {
			rc_errf(e, 0, "unknown option or missing value: %s", argv[optind - 1]);
			return rc_err_status(e, 2);
		}
		if (take(m, c, optarg, e) < 0)
			return -1;
	}
	if (!m->name || !rc_name_valid(m->name) || m->pid < 0 || m->dir_fd < 0 || m->lock_fd < 0 ||
	    m->log_rd < 0 || m->log_wr < 0) {
		rc_errf(e, 0, "started without its container (see --help)");
		return rc_err_status(e, 2);
	}
	if ((m->err_rd < 0) != (m->err_wr < 0)) {
		rc_errf(e, 0, "--err-fd and --err-wr go together");
		return rc_err_status(e, 2);
	}
	if (!m->cgroup)
		m->cgroup = m->name;
	m->argv = argv + optind;
	return 0;
}
