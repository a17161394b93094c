/* rc-unshare - run a container's process in new namespaces inside its rootfs. */
#include "runtime/cgroups.h"
#include "base/cleanup.h"
#include "base/err.h"
#include "image/rootfs.h"
#include "lifecycle/logfile.h"
#include "lifecycle/monitor.h"
#include "net/netns.h"
#include "runtime/run.h"
#include "runtime/spec.h"
#include "base/state.h"

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
"isolation, and exit with its status.\n"
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
"      --pids-limit N       process limit\n"
"      --read-only          mount the root filesystem read-only\n"
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
"      --rm                 remove containers/NAME when the container ends\n"
"  -r, --root-dir DIR       run a bare root filesystem with default settings\n"
"      --root DIR           state directory (default $RC_ROOT or " RC_DEFAULT_ROOT ")\n"
"      --help               show this help\n"
"      --version            show the version\n"
"\n"
"Exit status: the process's own (128+N when killed by signal N); 125 when\n"
"rc-unshare fails, 126 when the command cannot be run, 127 when it is not\n"
"found; 2 for a usage error.\n";

enum { OPT_ENV_FILE = 256, OPT_HOSTNAME, OPT_CPUS, OPT_PIDS, OPT_RO, OPT_NET, OPT_INIT,
       OPT_RM, OPT_ROOT, OPT_HELP, OPT_VERSION, OPT_RESTART, OPT_LOG_SIZE, OPT_LOG_FILES };

static const struct option options[] = {
	{ "env", required_argument, NULL, 'e' },
	{ "env-file", required_argument, NULL, OPT_ENV_FILE },
	{ "workdir", required_argument, NULL, 'w' },
	{ "user", required_argument, NULL, 'u' },
	{ "hostname", required_argument, NULL, OPT_HOSTNAME },
	{ "volume", required_argument, NULL, 'v' },
	{ "memory", required_argument, NULL, 'm' },
	{ "cpus", required_argument, NULL, OPT_CPUS },
	{ "pids-limit", required_argument, NULL, OPT_PIDS },
	{ "read-only", no_argument, NULL, OPT_RO },
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
	{ "root-dir", required_argument, NULL, 'r' },
	{ "root", required_argument, NULL, OPT_ROOT },
	{ "help", no_argument, NULL, OPT_HELP },
	{ "version", no_argument, NULL, OPT_VERSION },
	{ NULL, 0, NULL, 0 },
};

struct opts {
	char **env;          /* -e and --env-file, in order */
	char **volumes;
	const char *workdir, *user, *hostname, *root_dir, *root, *restart;
	int64_t log_max_size;
	int log_max_files;
	int64_t memory, cpu_quota, pids;
	uint64_t cpu_period;
	bool read_only, tty, interactive, init, detach, rm;
	enum rc_net_mode net;
	const char *name;
	char **cmd;
};

static int usage_error(const char *fmt, const char *arg)
{
	fprintf(stderr, PROG ": ");
	fprintf(stderr, fmt, arg);
	fprintf(stderr, "\nTry 'rc-unshare --help' for more information.\n");
	return 2;
}

/* KEY alone takes the caller's value, or is dropped when the caller has none. */
static int add_env(struct opts *o, const char *kv, struct rc_err *e)
{
	_cleanup_free_ char *full = NULL;
	const char *val;

	if (!*kv || *kv == '=')
		return rc_errf(e, 0, "invalid environment variable \"%s\"", kv);
	if (strchr(kv, '='))
		return rc_strv_push(&o->env, kv, e);
	val = getenv(kv);
	if (!val)
		return 0;
	if (asprintf(&full, "%s=%s", kv, val) < 0)
		return rc_errf(e, ENOMEM, "allocating");
	return rc_strv_push(&o->env, full, e);
}

static int read_env_file(struct opts *o, const char *path, struct rc_err *e)
{
	_cleanup_fclose_ FILE *f = fopen(path, "re");
	char line[8192];

	if (!f)
		return rc_errf(e, errno, "reading env file %s", path);
	while (fgets(line, sizeof line, f)) {
		char *p = line + strspn(line, " \t");
		p[strcspn(p, "\r\n")] = '\0';
		if (!*p || *p == '#')
			continue;
		if (add_env(o, p, e) < 0)
			return rc_err_prefix(e, "env file %s", path);
	}
	return 0;
}

static int parse_args(int argc, char **argv, struct opts *o)
{
	struct rc_err e = { 0 };
	int c;

	o->memory = o->cpu_quota = o->pids = -1;
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
		switch (c) {
		case 'e':
			if (add_env(o, optarg, &e) < 0)
				return usage_error("%s", e.msg);
			break;
		case OPT_ENV_FILE:
			if (read_env_file(o, optarg, &e) < 0) {
				rc_err_print(PROG, &e);
				return 125;
			}
			break;
		case 'w': o->workdir = optarg; break;
		case 'u': o->user = optarg; break;
		case OPT_HOSTNAME: o->hostname = optarg; break;
		case 'v':
			if (rc_strv_push(&o->volumes, optarg, &e) < 0)
				return 125;
			break;
		case 'm':
			if (rc_parse_bytes(optarg, &o->memory, &e) < 0)
				return usage_error("--memory: %s", e.msg);
			break;
		case OPT_CPUS:
			if (rc_parse_cpus(optarg, &o->cpu_quota, &o->cpu_period, &e) < 0)
				return usage_error("--cpus: %s", e.msg);
			break;
		case OPT_PIDS: {
			char *end;
			errno = 0;
			long long v = strtoll(optarg, &end, 10);
			if (errno || *end || end == optarg || v == 0 || v < -1)
				return usage_error("--pids-limit: invalid number \"%s\"", optarg);
			o->pids = v;
			break;
		}
		case OPT_RO: o->read_only = true; break;
		case OPT_NET:
			if (!strcmp(optarg, "host"))
				o->net = RC_NET_HOST;
			else if (!strcmp(optarg, "none"))
				o->net = RC_NET_NONE;
			else if (!strcmp(optarg, "default") || !strcmp(optarg, "bridge"))
				o->net = RC_NET_DEFAULT;
			else
				return usage_error("--net: unknown mode \"%s\" (default, none or host)", optarg);
			break;
		case 't': o->tty = true; break;
		case 'i': o->interactive = true; break;
		case OPT_INIT: o->init = true; break;
		case 'd': o->detach = true; break;
		case OPT_RM: o->rm = true; break;
		case OPT_RESTART: {
			struct rc_restart_policy p;
			if (rc_restart_parse(optarg, &p, &e) < 0)
				return usage_error("%s", e.msg);
			o->restart = optarg;
			break;
		}
		case OPT_LOG_SIZE:
			if (!strcmp(optarg, "0"))
				o->log_max_size = 0;
			else if (rc_parse_bytes(optarg, &o->log_max_size, &e) < 0)
				return usage_error("--log-max-size: %s", e.msg);
			break;
		case OPT_LOG_FILES: {
			char *end;
			long v = strtol(optarg, &end, 10);
			if (*end || end == optarg || v < 1 || v > 100)
				return usage_error("--log-max-files: expected 1 to 100, not \"%s\"", optarg);
			o->log_max_files = (int)v;
			break;
		}
		case 'r': o->root_dir = optarg; break;
		case OPT_ROOT: o->root = optarg; break;
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
	}
	if (!o->name && !o->root_dir)
		return usage_error("%s", "missing container NAME (or -r DIR)");
	if (o->name && o->root_dir)
		return usage_error("%s", "give either NAME or -r DIR, not both");
	if (o->restart && !o->detach)
		return usage_error("%s", "--restart needs -d (a monitor to restart it)");
	if (o->restart && o->rm && strcmp(o->restart, "no"))
		return usage_error("%s", "--restart and --rm cannot be used together");
	if (o->name && !rc_name_valid(o->name))
		return usage_error("invalid container name \"%s\": names are [A-Za-z0-9][A-Za-z0-9_.-]{0,63}", o->name);
	o->cmd = argv + optind;
	return 0;
}

/* -v SRC:DST[:ro|rw] as a recursive bind mount appended to the config's. */
static int add_volume(struct rc_spec *s, const char *v, struct rc_err *e)
{
	_cleanup_free_ char *copy = strdup(v);
	char *src, *dst, *mode;
	struct stat st;
	struct rc_mount *m;

	if (!copy)
		return rc_errf(e, ENOMEM, "allocating");
	src = copy;
	dst = strchr(src, ':');
	if (!dst) {
		rc_errf(e, 0, "invalid volume \"%s\": expected /SRC:/DST[:ro|rw]", v);
		return rc_err_status(e, 2);
	}
	*dst++ = '\0';
	mode = strchr(dst, ':');
	if (mode)
		*mode++ = '\0';
	if (src[0] != '/' || dst[0] != '/' || (mode && strcmp(mode, "ro") && strcmp(mode, "rw"))) {
		rc_errf(e, 0, "invalid volume \"%s\": expected /SRC:/DST[:ro|rw]", v);
		return rc_err_status(e, 2);
	}
	if (stat(src, &st) < 0)
		return rc_errf(e, errno, "volume source %s", src);
	m = realloc(s->mounts, (s->nmounts + 1) * sizeof *m);
	if (!m)
		return rc_errf(e, ENOMEM, "allocating");
	s->mounts = m;
	m = &s->mounts[s->nmounts];
	memset(m, 0, sizeof *m);
	m->source = strdup(src);
	m->dest = strdup(dst);
	m->type = strdup("bind");
	s->nmounts++;
	if (!m->source || !m->dest || !m->type)
		return rc_errf(e, ENOMEM, "allocating");
	m->bind = m->rec = true;
	if (mode && !strcmp(mode, "ro"))
		rc_mount_add_option(m, "ro");
	return 0;
}

static int apply_opts(const struct opts *o, struct rc_spec *s, struct rc_limits *l, struct rc_err *e)
{
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
	if (o->hostname || !s->hostname) {
		char host[256] = "";
		const char *h = o->hostname ? o->hostname : o->name;
		if (!h && o->net == RC_NET_HOST && gethostname(host, sizeof host - 1) == 0)
			h = host;
		if (!h)
			h = "rc";
		free(s->hostname);
		if (!(s->hostname = strdup(h)))
			return rc_errf(e, ENOMEM, "allocating");
	}
	for (size_t i = 0; o->volumes && o->volumes[i]; i++)
		if (add_volume(s, o->volumes[i], e) < 0)
			return -1;
	if (o->cmd && o->cmd[0]) {
		rc_strv_free(s->args);
		s->args = NULL;
		for (size_t i = 0; o->cmd[i]; i++)
			if (rc_strv_push(&s->args, o->cmd[i], e) < 0)
				return -1;
	}
	if (o->read_only)
		s->root_ro = true;
	if (o->tty)
		s->terminal = true;
	if (o->net == RC_NET_HOST)
		s->ns[RC_NS_NET] = false;
	*l = (struct rc_limits){ s->mem_limit, s->mem_swap, s->cpu_quota, s->cpu_period, s->pids_limit };
	if (o->memory > 0) {
		l->memory = o->memory;
		l->memory_swap = 2 * o->memory; /* docker: as much swap as memory */
	}
	if (o->cpu_quota > 0) {
		l->cpu_quota = o->cpu_quota;
		l->cpu_period = o->cpu_period;
	}
	if (o->pids != -1)
		l->pids = o->pids;
	return 0;
}

int main(int argc, char **argv)
{
	struct opts o = { 0 };
	struct rc_spec spec = { 0 };
	struct rc_err e = { 0 };
	struct rc_run r = { .dir_fd = -1, .containers_fd = -1 };
	char bundle[PATH_MAX];
	char rootfs[PATH_MAX], name[64], leaf[RC_CGROUP_LEAF_MAX];
	int status = 0, rc;

	rc = parse_args(argc, argv, &o);
	if (rc)
		return rc;
	if (o.root_dir) {
		snprintf(name, sizeof name, "rootfs-%d", (int)getpid());
		r.name = r.cgroup = name;
		if (!realpath(o.root_dir, rootfs) || rc_spec_default(&spec, &e) < 0) {
			if (!e.msg[0])
				rc_errf(&e, errno, "root filesystem %s", o.root_dir);
			goto fail;
		}
	} else {
		const char *root = rc_root(o.root);
		_cleanup_free_ char *dir = NULL, *rp = NULL;
		struct stat st;

		r.name = o.name;
		rc_cgroup_leaf(root, o.name, leaf);
		r.cgroup = leaf;
		r.containers_fd = rc_state_dir(root, "containers", false, &e);
		if (r.containers_fd >= 0)
			r.dir_fd = openat(r.containers_fd, o.name, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
		if (r.dir_fd < 0 || asprintf(&dir, "%s/containers/%s", root, o.name) < 0 ||
		    !realpath(dir, bundle)) {
			rc_errf(&e, 0, "no such container: %s (no %s/containers/%s)", o.name, root, o.name);
			goto fail;
		}
		r.bundle = bundle;
		if (rc_spec_load(r.dir_fd, "config.json", &spec, &e) < 0) {
			rc_err_prefix(&e, "container %s", o.name);
			goto fail;
		}
		/* an overlay rootfs is not mounted after a reboot */
		if (rc_rootfs_mount(root, o.name, &e) < 0)
			goto fail;
		if (asprintf(&rp, "%s/%s", spec.root_path[0] == '/' ? "" : bundle, spec.root_path) < 0) {
			rc_errf(&e, ENOMEM, "allocating");
			goto fail;
		}
		errno = 0;
		if (!realpath(rp, rootfs) || stat(rootfs, &st) < 0 || !S_ISDIR(st.st_mode)) {
			rc_errf(&e, errno ? errno : ENOTDIR, "container %s: root filesystem %s", o.name, rp);
			goto fail;
		}
	}
	if (apply_opts(&o, &spec, &r.limits, &e) < 0)
		goto fail;
	r.rootfs = rootfs;
	r.spec = &spec;
	r.net = o.net;
	r.user = o.user;
	r.tty = o.tty || spec.terminal;
	r.interactive = o.interactive;
	r.init = o.init;
	r.detach = o.detach;
	r.remove = o.rm;
	r.restart = o.restart;
	r.log_max_size = o.log_max_size;
	r.log_max_files = o.log_max_files;
	r.argv = argv + 1;
	r.resume = getenv(RC_MONITOR_ENV);
	if (rc_run(&r, &status, &e) < 0)
		goto fail;
	if (o.detach)
		printf("%d\n", status), status = 0;
	rc_spec_free(&spec);
	rc_strv_free(o.env);
	rc_strv_free(o.volumes);
	return status;
fail:
	rc_err_print(PROG, &e);
	rc_spec_free(&spec);
	rc_strv_free(o.env);
	rc_strv_free(o.volumes);
	return e.status ? e.status : 125;
}
