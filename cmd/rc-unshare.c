/* rc-unshare - run a container's process in new namespaces inside its rootfs. */
#include "base/cleanup.h"
#include "base/err.h"
#include "base/signals.h"
#include "base/state.h"
#include "lifecycle/ctr.h"
#include "image/rootfs.h"
#include "lifecycle/logfile.h"
#include "lifecycle/monitor.h"
#include "runtime/healthcfg.h"
#include "net/etcfiles.h"
#include "runtime/overrides.h"
#include "runtime/run.h"
#include "runtime/spec.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define PROG "rc-unshare"

static const char usage[] =
"Usage: rc-unshare [OPTION]... NAME [--] [CMD [ARG]...]\n"
"       rc-unshare [OPTION]... -r DIR [--] [CMD [ARG]...]\n"
"Run container NAME ($RC_ROOT/containers/NAME: config.json and rootfs/) in new\n"
"mount, UTS, IPC, PID, network and cgroup namespaces, with docker's default\n"
"isolation, and exit with its status. CMD replaces the image's Cmd and keeps\n"
"its Entrypoint (the config's whole command when it does not say which is\n"
"which), as docker run does.\n"
"\n"
"  -e, --env KEY[=VAL]      set an environment variable (KEY alone: the caller's value)\n"
"      --env-file FILE      read KEY=VAL lines from FILE\n"
"  -w, --workdir DIR        working directory inside the container\n"
"  -u, --user USER[:GROUP]  user and group, names resolved in the container's\n"
"                           /etc/passwd and /etc/group\n"
"      --hostname NAME      the container's host name (default: config, else NAME)\n"
"  -v, --volume SRC:DST[:ro|rw]  bind-mount host path SRC at DST\n"
"  -m, --memory SIZE        memory limit (b, k, m, g units)\n"
"      --cpus N             CPU limit (e.g. 0.5)\n"
"      --pids-limit N       process limit (default: the config's, else 2048;\n"
"                           -1: none)\n"
"      --read-only          mount the root filesystem read-only\n"
"      --security-opt OPT   seccomp=unconfined|FILE, no-new-privileges\n"
"      --cap-add CAP        add a capability (CAP_NET_ADMIN, net_admin, ALL)\n"
"      --cap-drop CAP       drop a capability (ALL: every one but those added)\n"
"      --privileged         every capability and host device, no seccomp\n"
"                           filter, no masked paths, /sys writable (as docker)\n"
"      --ulimit NAME=SOFT[:HARD]  a resource limit (nofile, nproc, core, ...;\n"
"                           -1: unlimited)\n"
"      --tmpfs DST[:OPTS]   mount a tmpfs at DST (nosuid,nodev,noexec, then OPTS\n"
"                           such as size=64m,mode=1777,exec)\n"
"      --device HOST[:DST][:PERMS]  the host's device (or directory of them) at\n"
"                           DST, allowed with PERMS (of rwm, default rwm)\n"
"      --entrypoint CMD     run CMD instead of the image's Entrypoint (\"\": none),\n"
"                           with the command given as its arguments\n"

"      --dns IP             the container's name server (repeatable)\n"
"      --add-host NAME:IP   a line in its /etc/hosts (IP host-gateway: the\n"
"                           bridge's address, from rc-net-up)\n"
"      --net MODE           (or --network) default: an own namespace pinned at\n"
"                           containers/NAME/netns, or rc-net-up's; none; host\n"
"  -t, --tty                give the process a pseudo-terminal\n"
"  -i, --interactive        pass stdin to the process\n"
"      --init               run a small init as pid 1 that reaps and forwards signals\n"
"  -d, --detach             run in the background under a small monitor process:\n"
"                           print the pid, output to containers/NAME/log\n"
"      --restart POLICY     with -d: no (default), on-failure[:N] (at most N\n"
"                           times) or always; restarts back off from 100 ms\n"
"      --log-max-size SIZE  with -d: rotate the log at SIZE (default 10m; 0: never)\n"
"      --log-max-files N    with -d: log files kept, log.1... included (default 3)\n"
"      --health-cmd CMD     with -d: the healthcheck, run with /bin/sh -c in the\n"
"                           container by its monitor (default: the image's)\n"
"      --health-interval D, --health-timeout D, --health-start-period D\n"
"                           how often, how long, and how long after a start\n"
"                           failures do not count (30s, 30s, 0s; or the image's)\n"
"      --health-retries N   failures in a row that make it unhealthy (3)\n"
"      --no-healthcheck     run no healthcheck, not even the image's\n"
"      --rm                 remove containers/NAME when the container ends\n"
"      --stop-signal SIGNAL rc-stop's signal (default: the image's, else TERM)\n"
"      --stop-timeout SECS  rc-stop's wait before SIGKILL (default 10; -1: none)\n"
"      --label KEY[=VALUE]  a label, for rc-ps --filter label=KEY[=VALUE]\n"
"      --no-record          keep containers/NAME/options as they are (every\n"
"                           other start records its options there for rc-start)\n"
"  -r, --root-dir DIR       run a bare root filesystem with default settings\n"
"      --root DIR           state directory (default $RC_ROOT or " RC_DEFAULT_ROOT ")\n"
"      --help               show this help\n"
"      --version            show the version\n"
"\n"
"Exit status: the process's own (128+N when killed by signal N); 125 when\n"
"rc-unshare fails, 126 when the command cannot be run, 127 when it is not\n"
"found; 2 for a usage error.\n";

enum { OPT_HOSTNAME = 256, OPT_CPUS, OPT_PIDS, OPT_RO, OPT_NET, OPT_INIT,
       OPT_RM, OPT_ROOT, OPT_HELP, OPT_VERSION, OPT_RESTART, OPT_LOG_SIZE, OPT_LOG_FILES,
       OPT_SECURITY, OPT_STOP_SIGNAL, OPT_STOP_TIMEOUT, OPT_LABEL, OPT_NO_RECORD, OPT_CAP_ADD,
       OPT_CAP_DROP, OPT_ULIMIT, OPT_TMPFS, OPT_DEVICE, OPT_ENTRYPOINT, OPT_DNS, OPT_ADD_HOST };

static const struct option options[] = {
	{ "env", required_argument, NULL, 'e' },
	{ "env-file", required_argument, NULL, RC_OPT_ENV_FILE },
	{ "workdir", required_argument, NULL, 'w' },
	{ "user", required_argument, NULL, 'u' },
	{ "hostname", required_argument, NULL, OPT_HOSTNAME },
	{ "volume", required_argument, NULL, 'v' },
	{ "memory", required_argument, NULL, 'm' },
	{ "cpus", required_argument, NULL, OPT_CPUS },
	{ "pids-limit", required_argument, NULL, OPT_PIDS },
	{ "read-only", no_argument, NULL, OPT_RO },
	{ "security-opt", required_argument, NULL, OPT_SECURITY },
	{ "privileged", no_argument, NULL, RC_OPT_PRIVILEGED },
	{ "cap-add", required_argument, NULL, OPT_CAP_ADD },
	{ "cap-drop", required_argument, NULL, OPT_CAP_DROP },
	{ "ulimit", required_argument, NULL, OPT_ULIMIT },
	{ "tmpfs", required_argument, NULL, OPT_TMPFS },
	{ "device", required_argument, NULL, OPT_DEVICE },
	{ "entrypoint", required_argument, NULL, OPT_ENTRYPOINT },
	{ "dns", required_argument, NULL, OPT_DNS },
	{ "add-host", required_argument, NULL, OPT_ADD_HOST },
	{ "net", required_argument, NULL, OPT_NET },
	{ "network", required_argument, NULL, OPT_NET },
	{ "tty", no_argument, NULL, 't' },
	{ "interactive", no_argument, NULL, 'i' },
	{ "init", no_argument, NULL, OPT_INIT },
	{ "detach", no_argument, NULL, 'd' },
	{ "rm", no_argument, NULL, OPT_RM },
	{ "restart", required_argument, NULL, OPT_RESTART },
	{ "log-max-size", required_argument, NULL, OPT_LOG_SIZE },
	{ "log-max-files", required_argument, NULL, OPT_LOG_FILES },
	RC_HEALTH_LONG_OPTIONS,
	{ "stop-signal", required_argument, NULL, OPT_STOP_SIGNAL },
	{ "stop-timeout", required_argument, NULL, OPT_STOP_TIMEOUT },
	{ "label", required_argument, NULL, OPT_LABEL },
	{ "no-record", no_argument, NULL, OPT_NO_RECORD },
	{ "root-dir", required_argument, NULL, 'r' },
	{ "root", required_argument, NULL, OPT_ROOT },
	{ "help", no_argument, NULL, OPT_HELP },
	{ "version", no_argument, NULL, OPT_VERSION },
	{ NULL, 0, NULL, 0 },
};

struct opts {
	struct rc_overrides ov;
	struct rc_health_opts health;
	const char *root_dir, *root, *restart;
	int64_t log_max_size;
	int log_max_files;
	bool init, detach, rm, no_record;
	enum rc_net_mode net;
	const char *name;
	char **record;           /* the options, as containers/NAME/options keeps them */
	char **dns, **add_hosts;
};

static int usage_error(const char *fmt, const char *arg)
{
	fprintf(stderr, PROG ": ");
	fprintf(stderr, fmt, arg);
	fprintf(stderr, "\nTry 'rc-unshare --help' for more information.\n");
	return 2;
}

/* rc-unshare's own options (the shared ones are overrides.h's). */
static int own_option(struct opts *o, int c, const char *arg)
{
	struct rc_overrides *ov = &o->ov;
	struct rc_err e = { 0 };

	switch (c) {
	case OPT_HOSTNAME: ov->hostname = arg; break;
	case 'v':
		if (rc_strv_push(&ov->volumes, arg, &e) < 0)
			return 125;
		break;
	case 'm':
		if (rc_parse_bytes(arg, &ov->memory, &e) < 0)
			return usage_error("--memory: %s", e.msg);
		break;
	case OPT_CPUS:
		if (rc_parse_cpus(arg, &ov->cpu_quota, &ov->cpu_period, &e) < 0)
			return usage_error("--cpus: %s", e.msg);
		break;
	case OPT_PIDS: {
		char *end;
		errno = 0;
		long long v = strtoll(arg, &end, 10);
		if (errno || *end || end == arg || v < -1)
			return usage_error("--pids-limit: invalid number \"%s\"", arg);
		ov->pids = v <= 0 ? -1 : v; /* docker: 0 and -1 are no limit */
		break;
	}
	case OPT_RO: ov->read_only = true; break;
	case OPT_CAP_ADD:
	case OPT_CAP_DROP:
		if (rc_overrides_cap(ov, c == OPT_CAP_DROP, arg, &e) < 0)
			return usage_error("%s", e.msg);
		break;
	case OPT_ULIMIT:
		if (rc_overrides_ulimit(ov, arg, &e) < 0)
			return e.status == 2 ? usage_error("%s", e.msg) : 125;
		break;
	case OPT_TMPFS:
		if (rc_overrides_tmpfs(ov, arg, &e) < 0)
			return e.status == 2 ? usage_error("%s", e.msg) : 125;
		break;
	case OPT_DEVICE:
		if (rc_overrides_device(ov, arg, &e) < 0)
			return e.status == 2 ? usage_error("%s", e.msg) : 125;
		break;
	case OPT_ENTRYPOINT: ov->entrypoint = arg; break;
	case OPT_DNS:
	case OPT_ADD_HOST:
		if ((c == OPT_DNS ? rc_dns_check(arg, &e) : rc_add_host_check(arg, &e)) < 0)
			return usage_error("%s", e.msg);
		if (rc_strv_push(c == OPT_DNS ? &o->dns : &o->add_hosts, arg, &e) < 0)
			return 125;
		break;
	case OPT_SECURITY:
		if (rc_strv_push(&ov->secopts, arg, &e) < 0)
			return 125;
		break;
	case OPT_NET:
		if (!strcmp(arg, "host"))
			o->net = RC_NET_HOST;
		else if (!strcmp(arg, "none"))
			o->net = RC_NET_NONE;
		else if (!strcmp(arg, "default") || !strcmp(arg, "bridge"))
			o->net = RC_NET_DEFAULT;
		else
			return usage_error("--net: unknown mode \"%s\" (default, none or host)", arg);
		break;
	case OPT_INIT: o->init = true; break;
	case 'd': o->detach = true; break;
	case OPT_RM: o->rm = true; break;
	case OPT_RESTART: {
		struct rc_restart_policy p;
		if (rc_restart_parse(arg, &p, &e) < 0)
			return usage_error("%s", e.msg);
		o->restart = arg;
		break;
	}
	case OPT_LOG_SIZE:
		if (!strcmp(arg, "0"))
			o->log_max_size = 0;
		else if (rc_parse_bytes(arg, &o->log_max_size, &e) < 0)
			return usage_error("--log-max-size: %s", e.msg);
		break;
	case OPT_LOG_FILES: {
		char *end;
		long v = strtol(arg, &end, 10);
		if (*end || end == arg || v < 1 || v > 100)
			return usage_error("--log-max-files: expected 1 to 100, not \"%s\"", arg);
		o->log_max_files = (int)v;
		break;
	}
	case OPT_STOP_SIGNAL: {
		int sig;
		if (rc_signal_parse(arg, &sig, &e) < 0)
			return usage_error("--stop-signal: %s", e.msg);
		break;
	}
	case OPT_STOP_TIMEOUT: {
		char *end;
		errno = 0;
		long v = strtol(arg, &end, 10);
		if (errno || *end || end == arg || v < -1 || v > 1000000)
			return usage_error("--stop-timeout: expected seconds (-1: no SIGKILL), not \"%s\"", arg);
		break;
	}
	case OPT_LABEL:
		if (!*arg || *arg == '=')
			return usage_error("--label: expected KEY[=VALUE], not \"%s\"", arg);
		break;
	case OPT_NO_RECORD: o->no_record = true; break;
	case 'r': o->root_dir = arg; break;
	case OPT_ROOT: o->root = arg; break;
	case OPT_HELP:
		fputs(usage, stdout);
		exit(0);
	case OPT_VERSION:
		puts(PROG " " RC_VERSION);
		exit(0);
	default:
		fprintf(stderr, "Try 'rc-unshare --help' for more information.\n");
		return 2;
	}
	return 0;
}

/* Option c in the record's canonical form (options.h): --LONG[=VALUE].
 * The environment is recorded once parsed (resolved, in order), and what
 * names the container (-r, --root) is not recorded. */
static int record_option(struct opts *o, int c, const char *arg, struct rc_err *e)
{
	_cleanup_free_ char *s = NULL;
	const struct option *lo;
	int n;

	if (c == 'e' || c == RC_OPT_ENV_FILE || c == 'r' || c == OPT_ROOT || c == OPT_NO_RECORD)
		return 0;
	for (lo = options; lo->name && lo->val != c; lo++)
		;
	if (!lo->name)
		return 0;
	n = lo->has_arg ? asprintf(&s, "--%s=%s", lo->name, arg) : asprintf(&s, "--%s", lo->name);
	if (n < 0)
		return rc_errf(e, ENOMEM, "allocating");
	return rc_strv_push(&o->record, s, e);
}

/* The record's end: the variables as resolved, "--" and the command. */
static int record_finish(struct opts *o, char **cmd, struct rc_err *e)
{
	for (size_t i = 0; o->ov.env && o->ov.env[i]; i++) {
		_cleanup_free_ char *s = NULL;
		if (asprintf(&s, "--env=%s", o->ov.env[i]) < 0)
			return rc_errf(e, ENOMEM, "allocating");
		if (rc_strv_push(&o->record, s, e) < 0)
			return -1;
	}
	if (rc_strv_push(&o->record, "--", e) < 0)
		return -1;
	for (size_t i = 0; cmd[i]; i++)
		if (rc_strv_push(&o->record, cmd[i], e) < 0)
			return -1;
	return 0;
}

static int parse_args(int argc, char **argv, struct opts *o)
{
	struct rc_err e = { 0 };
	int c, r;

	o->ov = (struct rc_overrides)RC_OVERRIDES_INIT;
	o->ov.run = true;
	o->log_max_size = RC_LOG_MAX_SIZE;
	o->log_max_files = RC_LOG_MAX_FILES;
	for (;;) {
		c = getopt_long(argc, argv, "+e:w:u:v:m:tidr:", options, NULL);
		if (c == -1) {
			/* The first operand is NAME (unless -r); options may follow it. */
			if (optind < argc && !o->name && !o->root_dir && strcmp(argv[optind - 1], "--")) {
				o->name = argv[optind++];
				if (optind < argc && !strcmp(argv[optind], "--")) {
					optind++;
					break;
				}
				if (optind < argc && argv[optind][0] == '-')
					continue;
			}
			break;
		}
		r = rc_overrides_opt(&o->ov, c, optarg, &e);
		if (r < 0 && e.status == 2)
			return usage_error("%s", e.msg);
		if (r < 0) {
			rc_err_print(PROG, &e);
			return 125;
		}
		if (r == 0 && (r = rc_health_opt(&o->health, c, optarg, &e)) < 0)
			return usage_error("%s", e.msg);
		if (r == 0 && (r = own_option(o, c, optarg)) != 0)
			return r;
		if (record_option(o, c, optarg, &e) < 0) {
			rc_err_print(PROG, &e);
			return 125;
		}
	}
	if (!o->name && !o->root_dir)
		return usage_error("%s", "missing container NAME (or -r DIR)");
	if (o->name && o->root_dir)
		return usage_error("%s", "give either NAME or -r DIR, not both");
	if (o->restart && !o->detach)
		return usage_error("%s", "--restart needs -d (a monitor to restart it)");
	if (o->health.any && !o->detach)
		return usage_error("%s", "--health-* options need -d (the monitor runs the healthcheck)");
	if (o->restart && o->rm && strcmp(o->restart, "no"))
		return usage_error("%s", "--restart and --rm cannot be used together");
	if (o->name && !rc_name_valid(o->name))
		return usage_error("invalid container name \"%s\": names are [A-Za-z0-9][A-Za-z0-9_.-]{0,63}", o->name);
	o->ov.cmd = argv + optind;
	if (o->name && record_finish(o, o->ov.cmd, &e) < 0) {
		rc_err_print(PROG, &e);
		return 125;
	}
	return 0;
}

/* The bundle: containers/NAME, or a bare root filesystem with docker's
 * defaults (-r DIR); its config, root filesystem and state handles. */
static int open_bundle(const struct opts *o, struct rc_ctr *ctr, struct rc_spec *spec,
		       char rootfs[static PATH_MAX], struct rc_err *e)
{
	if (o->root_dir) {
		if (!realpath(o->root_dir, rootfs))
			return rc_errf(e, errno, "root filesystem %s", o->root_dir);
		return rc_spec_default(spec, e);
	}
	if (rc_ctr_open(rc_root(o->root), o->name, ctr, e) < 0)
		return -1;
	/* An overlay root filesystem is not mounted after a reboot. */
	if (rc_rootfs_mount(rc_root(o->root), o->name, e) < 0)
		return -1;
	if (rc_spec_load(ctr->dir_fd, RC_FILE_CONFIG, spec, e) < 0 ||
	    rc_spec_rootfs(spec, ctr->bundle, rootfs, e) < 0)
		return rc_err_prefix(e, "container %s", o->name);
	return 0;
}

/* The host name: -h, else the config's, else NAME (with --net host: the
 * host's own). */
static const char *default_hostname(const struct opts *o, char host[static 256])
{
	if (o->name)
		return o->name;
	if (o->net == RC_NET_HOST && gethostname(host, 255) == 0)
		return host;
	return "rc";
}

static void opts_free(struct opts *o)
{
	rc_overrides_free(&o->ov);
	rc_strv_free(o->record);
	rc_strv_free(o->dns);
	rc_strv_free(o->add_hosts);
}

int main(int argc, char **argv)
{
	_cleanup_ctr_ struct rc_ctr ctr = RC_CTR_INIT;
	struct opts o = { 0 };
	struct rc_spec spec = { 0 };
	struct rc_err e = { 0 };
	struct rc_run r = { .dir_fd = -1, .containers_fd = -1 };
	struct rc_health_check health = { 0 };
	char rootfs[PATH_MAX], name[64], host[256] = "";
	int status = 0, rc;

	rc = parse_args(argc, argv, &o);
	if (rc) {
		opts_free(&o);
		return rc;
	}
	if (open_bundle(&o, &ctr, &spec, rootfs, &e) < 0)
		goto fail;
	if (!o.ov.hostname && !spec.hostname)
		o.ov.hostname = default_hostname(&o, host);
	if (rc_overrides_apply(&o.ov, &spec, &r.limits, &e) < 0)
		goto fail;
	if (o.net == RC_NET_HOST)
		spec.ns[RC_NS_NET] = false;
	if (o.root_dir) {
		snprintf(name, sizeof name, "rootfs-%d", (int)getpid());
		r.name = r.cgroup = name;
	} else {
		r.name = ctr.name;
		r.cgroup = ctr.cgroup;
		r.dir_fd = ctr.dir_fd;
		r.containers_fd = ctr.containers_fd;
		r.bundle = ctr.bundle;
	}
	r.rootfs = rootfs;
	r.spec = &spec;
	r.net = o.net;
	r.user = o.ov.user;
	r.tty = o.ov.tty || spec.terminal;
	r.interactive = o.ov.interactive;
	r.init = o.init;
	r.detach = o.detach;
	r.remove = o.rm;
	r.restart = o.restart;
	r.log_max_size = o.log_max_size;
	r.log_max_files = o.log_max_files;
	r.argv = argv + 1;
	r.options = o.no_record ? NULL : o.record;
	r.dns = o.dns;
	r.add_hosts = o.add_hosts;
	r.resume = getenv(RC_MONITOR_ENV);
	if (o.detach && rc_health_resolve(r.dir_fd, &o.health, &health, &e) < 0)
		goto fail;
	r.health = &health;
	if (rc_run(&r, &status, &e) < 0)
		goto fail;
	if (o.detach)
		printf("%d\n", status), status = 0;
	rc_spec_free(&spec);
	opts_free(&o);
	rc_health_check_free(&health);
	return status;
fail:
	rc_err_print(PROG, &e);
	rc_spec_free(&spec);
	opts_free(&o);
	rc_health_check_free(&health);
	return e.status ? e.status : 125;
}
