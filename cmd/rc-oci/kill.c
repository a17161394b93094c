/* rc-oci kill. */
#include "rc-oci.h"
#include "base/signals.h"
#include "oci/ops.h"

#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>

static const char usage[] =
"Usage: rc-oci kill [OPTION]... ID [SIGNAL]\n"
"Send SIGNAL (default TERM; a name, with or without SIG, or a number) to\n"
"the process of container ID, created or running.\n"
"\n"
"  -a, --all    signal every process in the container's cgroup\n"
"  -h, --help   show this help\n";

int oci_kill(int argc, char **argv)
{
	static const struct option options[] = {
		{ "all", no_argument, NULL, 'a' }, { "help", no_argument, NULL, 'h' }, { NULL, 0, NULL, 0 },
	};
	struct rc_err e = { 0 };
	bool all = false;
	int c, sig = SIGTERM;

	while ((c = getopt_long(argc, argv, "+ah", options, NULL)) != -1) {
		switch (c) {
		case 'a': all = true; break;
		case 'h': fputs(usage, stdout); return 0;
		default: fprintf(stderr, "Try '" PROG " kill --help' for more information.\n"); return 2;
		}
	}
	if (optind >= argc)
		return oci_usage("kill", "missing the container ID");
	if (optind + 2 < argc)
		return oci_usage("kill", "unexpected argument \"%s\"", argv[optind + 2]);
	if (optind + 1 < argc && rc_signal_parse(argv[optind + 1], &sig, &e) < 0)
		return oci_usage("kill", "%s", e.msg);
	return rc_oci_kill(oci_g.root, argv[optind], sig, all, &e) < 0 ? oci_fail(&e) : 0;
}
