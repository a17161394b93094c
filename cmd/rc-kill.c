/* rc-kill - send a signal to running containers. */
#include "base/cli.h"
#include "base/err.h"
#include "lifecycle/lifecycle.h"
#include "base/state.h"

#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>

#define PROG "rc-kill"

static const char usage[] =
"Usage: rc-kill [OPTION]... NAME...\n"
"Send a signal (default SIGKILL) to the first process of each running\n"
"container NAME. Unlike rc-stop, this does not stop a restart policy: a\n"
"container that ends this way is restarted as if it had failed. Prints each\n"
"NAME signalled.\n"
"\n"
"  -s, --signal SIGNAL  a name (TERM, SIGHUP, RTMIN+1) or a number\n"
"      --root DIR       state directory (default $RC_ROOT or " RC_DEFAULT_ROOT ")\n"
"  -h, --help           show this help and exit\n"
"  -V, --version        show the version and exit\n"
"\n"
"Exit status: 0 when every NAME was signalled, 1 when one was not running,\n"
"2 for a usage error.\n";

static int kill_one(const char *root, const char *name, void *arg, struct rc_err *e)
{
	return rc_ctr_kill(root, name, *(int *)arg, e);
}

int main(int argc, char **argv)
{
	enum { OPT_ROOT = 256 };
	static const struct option opts[] = {
		{ "signal", required_argument, NULL, 's' },
		{ "root", required_argument, NULL, OPT_ROOT },
		{ "help", no_argument, NULL, 'h' }, { "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	const char *root = NULL;
	struct rc_err e = { 0 };
	int c, sig = SIGKILL;

	while ((c = getopt_long(argc, argv, "s:hV", opts, NULL)) != -1) {
		switch (c) {
		case 's':
			if (rc_signal_parse(optarg, &sig, &e) < 0) {
				rc_err_print(PROG, &e);
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
	return rc_cli_each_name(PROG, argc, argv, optind, root, kill_one, &sig);
}
