/* rc-start - start stopped containers again, with the options they were started with. */
#include "base/cli.h"
#include "base/err.h"
#include "base/state.h"
#include "lifecycle/start.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#define PROG "rc-start"

static const char usage[] =
"Usage: rc-start [OPTION]... NAME...\n"
"Start each container NAME again, as rc-unshare started it last: with the\n"
"options recorded in $RC_ROOT/containers/NAME/options (a container never\n"
"started yet: with none, so its config's command). As docker start, it runs\n"
"in the background under its monitor (rc-unshare -d) unless attached. After\n"
"rc-stop, after it ended, after a reboot. Prints each NAME started.\n"
"\n"
"  -a, --attach         run one NAME in the foreground, as rc-unshare without\n"
"                       -d (its output here, its exit status rc-start's); the\n"
"                       restart policy and log options, which need the\n"
"                       monitor, are left out\n"
"  -i, --interactive    with -a: pass stdin to the process\n"
"      --pidfile FILE   write the monitor's pid into FILE once it runs (for\n"
"                       a service manager: rc-systemd(1)); one NAME\n"
"      --root DIR       state directory (default $RC_ROOT or " RC_DEFAULT_ROOT ")\n"
"  -h, --help           show this help and exit\n"
"  -V, --version        show the version and exit\n"
"\n"
"Exit status: 0 when every NAME was started, 1 when one was running already\n"
"or did not start, 2 for a usage error; with -a, the container's own (as\n"
"rc-unshare's).\n";

static int start_one(const char *root, const char *name, void *arg, struct rc_err *e)
{
	return rc_ctr_start(root, name, arg, e);
}

int main(int argc, char **argv)
{
	enum { OPT_ROOT = 256, OPT_PIDFILE };
	static const struct option opts[] = {
		{ "attach", no_argument, NULL, 'a' }, { "interactive", no_argument, NULL, 'i' },
		{ "pidfile", required_argument, NULL, OPT_PIDFILE },
		{ "root", required_argument, NULL, OPT_ROOT },
		{ "help", no_argument, NULL, 'h' }, { "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	struct rc_start_opts o = { 0 };
	const char *root = NULL;
	struct rc_err e = { 0 };
	int c;

	while ((c = getopt_long(argc, argv, "aihV", opts, NULL)) != -1) {
		switch (c) {
		case 'a': o.attach = true; break;
		case 'i': o.interactive = true; break;
		case OPT_PIDFILE: o.pidfile = optarg; break;
		case OPT_ROOT: root = optarg; break;
		case 'h': fputs(usage, stdout); return 0;
		case 'V': puts(PROG " " RC_VERSION); return 0;
		default:
			fprintf(stderr, "Try '" PROG " --help' for more information.\n");
			return 2;
		}
	}
	if ((o.interactive && !o.attach) || (o.attach && o.pidfile) ||
	    ((o.attach || o.pidfile) && argc - optind > 1)) {
		fprintf(stderr, PROG ": %s\nTry '" PROG " --help' for more information.\n",
			o.interactive && !o.attach ? "-i needs -a" :
			o.attach && o.pidfile ? "--pidfile is for a detached start, not -a" :
			o.attach ? "-a attaches to one NAME" : "--pidfile takes one NAME");
		return 2;
	}
	if (o.attach && optind < argc) {
		rc_ctr_start(rc_root(root), argv[optind], &o, &e);
		rc_err_print(PROG, &e);
		return e.status ? e.status : 1;
	}
	return rc_cli_each_name(PROG, argc, argv, optind, root, start_one, &o);
}
