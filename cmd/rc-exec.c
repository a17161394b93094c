/* rc-exec - run a command in a running container. */
#include "base/err.h"
#include "runtime/exec.h"
#include "runtime/overrides.h"
#include "runtime/spec.h"
#include "base/state.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PROG "rc-exec"

static const char usage[] =
"Usage: rc-exec [OPTION]... NAME [--] CMD [ARG]...\n"
"Run CMD as a new process in running container NAME: in all its namespaces\n"
"(so with its root filesystem, host name, network and process view), in its\n"
"cgroup, with its environment, user, capabilities, no_new_privs and seccomp\n"
"filter, and exit with CMD's status.\n"
"\n"
"  -i, --interactive        pass stdin to the process\n"
"  -t, --tty                give the process a pseudo-terminal of the container's\n"
"  -u, --user USER[:GROUP]  user and group, resolved in the container's files\n"
"  -w, --workdir DIR        working directory inside the container\n"
"  -e, --env KEY[=VAL]      set an environment variable (KEY alone: the caller's value)\n"
"      --env-file FILE      read KEY=VAL lines from FILE\n"
"      --privileged         every capability for the process\n"
"      --root DIR           state directory (default $RC_ROOT or " RC_DEFAULT_ROOT ")\n"
"  -h, --help               show this help and exit\n"
"  -V, --version            show the version and exit\n"
"\n"
"Exit status: CMD's own (128+N when killed by signal N); 125 when rc-exec\n"
"fails (NAME unknown or not running), 126 when CMD cannot be run, 127 when it\n"
"is not found; 2 for a usage error.\n";

int main(int argc, char **argv)
{
	enum { OPT_ROOT = 256 };
	static const struct option opts[] = {
		{ "interactive", no_argument, NULL, 'i' }, { "tty", no_argument, NULL, 't' },
		{ "user", required_argument, NULL, 'u' }, { "workdir", required_argument, NULL, 'w' },
		{ "env", required_argument, NULL, 'e' }, { "env-file", required_argument, NULL, RC_OPT_ENV_FILE },
		{ "privileged", no_argument, NULL, RC_OPT_PRIVILEGED },
		{ "root", required_argument, NULL, OPT_ROOT },
		{ "help", no_argument, NULL, 'h' }, { "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	struct rc_exec_opts o = { .ov = RC_OVERRIDES_INIT };
	struct rc_err e = { 0 };
	const char *root = NULL;
	int c, r, status = 0;

	/* '+': options end at NAME; CMD's own options are its. */
	while ((c = getopt_long(argc, argv, "+itu:w:e:hV", opts, NULL)) != -1) {
		r = rc_overrides_opt(&o.ov, c, optarg, &e);
		if (r < 0) {
			rc_err_print(PROG, &e);
			if (e.status == 2)
				fprintf(stderr, "Try '" PROG " --help' for more information.\n");
			rc_overrides_free(&o.ov);
			return e.status == 2 ? 2 : 125;
		}
		if (r > 0)
			continue;
		switch (c) {
		case OPT_ROOT: root = optarg; break;
		case 'h': fputs(usage, stdout); return 0;
		case 'V': puts(PROG " " RC_VERSION); return 0;
		default:
			fprintf(stderr, "Try '" PROG " --help' for more information.\n");
			return 2;
		}
	}
	if (optind < argc)
		o.name = argv[optind++];
	if (optind < argc && !strcmp(argv[optind], "--"))
		optind++;
	if (!o.name || optind == argc) {
		fprintf(stderr, PROG ": %s\nTry '" PROG " --help' for more information.\n",
			o.name ? "missing CMD" : "missing container NAME and CMD");
		rc_overrides_free(&o.ov);
		return 2;
	}
	o.root = rc_root(root);
	o.ov.cmd = argv + optind;
	if (rc_exec(&o, &status, &e) < 0) {
		rc_err_print(PROG, &e);
		status = e.status ? e.status : 125;
	}
	rc_overrides_free(&o.ov);
	return status;
}
