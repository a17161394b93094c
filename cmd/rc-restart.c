/* rc-restart - stop containers and start them again. */
#include "base/cli.h"
#include "base/err.h"
#include "base/state.h"
#include "lifecycle/lifecycle.h"
#include "lifecycle/start.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#define PROG "rc-restart"

static const char usage[] =
"Usage: rc-restart [OPTION]... NAME...\n"
"Restart each container NAME, as docker restart does: stop it as rc-stop\n"
"does when it runs, then start it as rc-start does, in the background with\n"
"the options it was started with. Prints each NAME restarted.\n"
"\n"
"  -t, --time SECONDS  seconds to wait for it to stop before SIGKILL (default:\n"
"                      its --stop-timeout, else 10)\n"
"      --root DIR      state directory (default $RC_ROOT or " RC_DEFAULT_ROOT ")\n"
"  -h, --help          show this help and exit\n"
"  -V, --version       show the version and exit\n"
"\n"
"Exit status: 0 when every NAME was restarted, 1 when one could not be\n"
"stopped or started, 2 for a usage error.\n";

static int restart_one(const char *root, const char *name, void *arg, struct rc_err *e)
{
	return rc_ctr_restart(root, name, *(int *)arg, e);
}

int main(int argc, char **argv)
{
	enum { OPT_ROOT = 256 };
	static const struct option opts[] = {
		{ "time", required_argument, NULL, 't' }, { "timeout", required_argument, NULL, 't' },
		{ "root", required_argument, NULL, OPT_ROOT },
		{ "help", no_argument, NULL, 'h' }, { "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	const char *root = NULL;
	int c, timeout = RC_STOP_TIMEOUT_CTR;
	char *end;

	while ((c = getopt_long(argc, argv, "t:hV", opts, NULL)) != -1) {
		switch (c) {
		case 't':
			timeout = (int)strtol(optarg, &end, 10);
			if (*end || end == optarg || timeout < 0) {
				fprintf(stderr, PROG ": invalid timeout \"%s\"\n", optarg);
				return 2;
			}
			break;
		case OPT_ROOT: root = optarg; break;
		case 'h': fputs(usage, stdout); return 0;
		case 'V': puts(PROG " " RC_VERSION); return 0;
		default:
			fprintf(stderr, "Try '" PROG " --help' for more information.\n");
			return 2;
		}
	}
	return rc_cli_each_name(PROG, argc, argv, optind, root, restart_one, &timeout);
}
