/* rc-rm - remove containers. */
#include "base/cli.h"
#include "base/err.h"
#include "lifecycle/lifecycle.h"
#include "base/state.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#define PROG "rc-rm"

static const char usage[] =
"Usage: rc-rm [OPTION]... NAME...\n"
"Remove each container NAME: its network (as rc-net-down does) and its\n"
"directory $RC_ROOT/containers/NAME with its root filesystem (unmounted first\n"
"when it is an overlay; the shared layers stay), state and logs.\n"
"A running container is refused unless -f is given. Prints each NAME removed.\n"
"\n"
"  -f, --force     kill a running container (SIGKILL) first\n"
"      --root DIR  state directory (default $RC_ROOT or " RC_DEFAULT_ROOT ")\n"
"  -h, --help      show this help and exit\n"
"  -V, --version   show the version and exit\n"
"\n"
"Exit status: 0 when every NAME was removed, 1 otherwise, 2 for a usage error.\n";

static int rm_one(const char *root, const char *name, void *arg, struct rc_err *e)
{
	return rc_ctr_rm(root, name, *(bool *)arg, e);
}

int main(int argc, char **argv)
{
	enum { OPT_ROOT = 256 };
	static const struct option opts[] = {
		{ "force", no_argument, NULL, 'f' },
		{ "root", required_argument, NULL, OPT_ROOT },
		{ "help", no_argument, NULL, 'h' }, { "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	const char *root = NULL;
	bool force = false;
	int c;

	while ((c = getopt_long(argc, argv, "fhV", opts, NULL)) != -1) {
		switch (c) {
		case 'f': force = true; break;
		case OPT_ROOT: root = optarg; break;
		case 'h': fputs(usage, stdout); return 0;
		case 'V': puts(PROG " " RC_VERSION); return 0;
		default:
			fprintf(stderr, "Try '" PROG " --help' for more information.\n");
			return 2;
		}
	}
	return rc_cli_each_name(PROG, argc, argv, optind, root, rm_one, &force);
}
