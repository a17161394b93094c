/* rc-stop - stop running containers. */
#include "err.h"
#include "lifecycle.h"
#include "state.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#define PROG "rc-stop"

static const char usage[] =
"Usage: rc-stop [OPTION]... NAME...\n"
"Stop each running container NAME: send it its stop signal (the image's\n"
"StopSignal, else SIGTERM), then SIGKILL when it has not ended after the\n"
"timeout; wait until it is gone. A stopped container is not restarted by its\n"
"restart policy. Prints each NAME stopped.\n"
"\n"
"  -t, --time SECONDS  seconds to wait before SIGKILL (default 10)\n"
"      --root DIR      state directory (default $RC_ROOT or " RC_DEFAULT_ROOT ")\n"
"  -h, --help          show this help and exit\n"
"  -V, --version       show the version and exit\n"
"\n"
"Exit status: 0 when every NAME was stopped, 1 when one was not running or\n"
"could not be stopped, 2 for a usage error.\n";

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
	int c, timeout = 10, status = 0;
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
	if (optind == argc) {
		fprintf(stderr, PROG ": missing container NAME\nTry '" PROG " --help' for more information.\n");
		return 2;
	}
	for (int i = optind; i < argc; i++) {
		struct rc_err e = { 0 };
		bool was;

		if (rc_ctr_stop(rc_root(root), argv[i], timeout, &was, &e) < 0) {
			rc_err_print(PROG, &e);
			status = e.status == 2 && status != 1 ? 2 : 1;
		} else if (!was) {
			fprintf(stderr, PROG ": container %s is not running\n", argv[i]);
			status = 1;
		} else {
			printf("%s\n", argv[i]);
		}
	}
	return status;
}
