/* rc-oci - an OCI runtime with runc's command line, for docker, podman,
 * containerd and CRI-O: the global options, then one verb (a file each). */
#include "rc-oci.h"
#include "base/selfclone.h"
#include "oci/log.h"
#include "oci/state.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <seccomp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

struct oci_globals oci_g = { .root = RC_OCI_DEFAULT_ROOT };

static const char usage[] =
"Usage: rc-oci [GLOBAL OPTION]... COMMAND [OPTION]... [ID] [ARG]...\n"
"An OCI runtime with runc's command line: docker, podman, containerd and\n"
"CRI-O run their containers through it in place of runc.\n"
"\n"
"Commands:\n"
"  create    create a container: its process set up and waiting before exec\n"
"  start     let a created container's process run its command\n"
"  run       create and start, and in the foreground wait for it and delete it\n"
"  state     print a container's state as JSON\n"
"  list      list the containers\n"
"  kill      signal a container's process (--all: every process in it)\n"
"  delete    remove a created or stopped container (--force: any)\n"
"  exec      run one more process in a container\n"
"  ps        list a container's processes\n"
"  pause     freeze every process of a container\n"
"  resume    thaw them\n"
"  update    change a container's resource limits\n"
"  features  print what rc-oci supports, as JSON\n"
"  spec      write a config.json to start a bundle from\n"
"\n"
"Global options:\n"
"      --root DIR           where container state lives (default " RC_OCI_DEFAULT_ROOT ")\n"
"      --log FILE           also write errors and warnings to FILE\n"
"      --log-format FORMAT  text (default) or json: {\"level\",\"msg\",\"time\"} lines\n"
"      --debug              log debug messages too\n"
"      --systemd-cgroup     linux.cgroupsPath is systemd's SLICE:PREFIX:NAME\n"
"      --rootless false     accepted (rc-oci runs as root only)\n"
"  -h, --help               show this help (COMMAND --help: the command's)\n"
"  -v, --version            show the version\n"
"\n"
"Exit status: 0, or 1 with the error on stderr (and in --log); 2 for a\n"
"usage error; run and a foreground exec exit with the process's status.\n";

static const struct option options[] = {
	{ "root", required_argument, NULL, 'r' },
	{ "log", required_argument, NULL, 'l' },
	{ "log-format", required_argument, NULL, 'f' },
	{ "debug", no_argument, NULL, 'D' },
	{ "systemd-cgroup", no_argument, NULL, 's' },
	{ "rootless", required_argument, NULL, 'R' },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'v' },
	{ NULL, 0, NULL, 0 },
};

static const struct verb {
	const char *name;
	int (*fn)(int, char **);
	bool starts;             /* runs a process in a container */
} verbs[] = {
	{ "create", oci_create, true }, { "run", oci_run, true }, { "exec", oci_exec, true },
	{ "start", oci_start, false }, { "state", oci_state, false }, { "list", oci_list, false },
	{ "kill", oci_kill, false }, { "delete", oci_delete, false }, { "ps", oci_ps, false },
	{ "pause", oci_pause, false }, { "resume", oci_resume, false }, { "update", oci_update, false },
	{ "features", oci_features, false }, { "spec", oci_spec, false },
};

int oci_usage(const char *verb, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, PROG "%s%s: ", verb ? " " : "", verb ? verb : "");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nTry '" PROG "%s%s --help' for more information.\n", verb ? " " : "", verb ? verb : "");
	return 2;
}

int oci_fail(const struct rc_err *e)
{
	rc_oci_log_error(e);
	return 1;
}

const char *oci_one_id(const char *verb, int argc, char **argv, int optind)
{
	if (optind >= argc) {
		oci_usage(verb, "missing the container ID");
		return NULL;
	}
	if (optind + 1 < argc) {
		oci_usage(verb, "unexpected argument \"%s\"", argv[optind + 1]);
		return NULL;
	}
	return argv[optind];
}

static void version(void)
{
	const struct scmp_version *v = seccomp_version();

	printf(PROG " version " RC_VERSION "\nspec: " RC_OCI_VERSION "\nlibseccomp: %u.%u.%u\n",
	       v->major, v->minor, v->micro);
}

/* Closed stdio would be taken by the first file opened, and handed to the
 * container as its stdin or stdout: /dev/null stands in. */
static void ensure_stdio(void)
{
	for (int fd = 0; fd < 3; fd++)
		if (fcntl(fd, F_GETFD) < 0 && errno == EBADF && open("/dev/null", O_RDWR) != fd)
			_exit(1);
}

static int parse_globals(int argc, char **argv)
{
	int c;

	while ((c = getopt_long(argc, argv, "+hv", options, NULL)) != -1) {
		switch (c) {
		case 'r': oci_g.root = optarg; break;
		case 'l': oci_g.log = optarg; break;
		case 'f':
			if (strcmp(optarg, "json") && strcmp(optarg, "text"))
				return oci_usage(NULL, "--log-format: text or json, not \"%s\"", optarg);
			oci_g.log_json = !strcmp(optarg, "json");
			break;
		case 'D': oci_g.debug = true; break;
		case 's': oci_g.systemd = true; break;
		case 'R':
			if (strcmp(optarg, "false") && strcmp(optarg, "auto"))
				return oci_usage(NULL, "--rootless %s: rc-oci runs as root only", optarg);
			break;
		case 'h': fputs(usage, stdout); exit(0);
		case 'v': version(); exit(0);
		default: fprintf(stderr, "Try '" PROG " --help' for more information.\n"); return 2;
		}
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct rc_err e = { 0 };
	int r;

	ensure_stdio();
	/* Nothing of ours is for a container to open through /proc. */
	prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
	if ((r = parse_globals(argc, argv)) != 0)
		return r;
	rc_oci_log_setup(oci_g.log, oci_g.log_json ? RC_OCI_LOG_JSON : RC_OCI_LOG_TEXT, oci_g.debug);
	if (optind >= argc)
		return oci_usage(NULL, "missing a command");
	for (size_t i = 0; i < sizeof verbs / sizeof *verbs; i++) {
		if (strcmp(argv[optind], verbs[i].name))
			continue;
		/* What starts a container's process runs from a sealed copy of
		 * this binary, never the file itself (selfclone.h). */
		if (verbs[i].starts && rc_self_clone(argv, &e) < 0)
			return oci_fail(&e);
		rc_oci_log("debug", "%s %s", argv[optind], optind + 1 < argc ? argv[argc - 1] : "");
		argv += optind;
		argc -= optind;
		optind = 0;
		return verbs[i].fn(argc, argv);
	}
	return oci_usage(NULL, "unknown command \"%s\"", argv[optind]);
}
