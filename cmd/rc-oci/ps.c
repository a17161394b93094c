/* rc-oci ps. */
#include "rc-oci.h"
#include "oci/ops.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>

static const char usage[] =
"Usage: rc-oci ps [OPTION]... ID [PS OPTION]...\n"
"List the processes of container ID: the lines of ps(1) (run with PS\n"
"OPTIONs, default -ef) that are processes of its cgroup.\n"
"\n"
"  -f, --format FORMAT   table (default) or json: the pids, as an array\n"
"  -h, --help            show this help\n";

int oci_ps(int argc, char **argv)
{
	static const struct option options[] = {
		{ "format", required_argument, NULL, 'f' }, { "help", no_argument, NULL, 'h' }, { NULL, 0, NULL, 0 },
	};
	struct rc_err e = { 0 };
	bool json = false;
	int c;

	while ((c = getopt_long(argc, argv, "+f:h", options, NULL)) != -1) {
		switch (c) {
		case 'f':
			if (strcmp(optarg, "table") && strcmp(optarg, "json"))
				return oci_usage("ps", "--format: table or json, not \"%s\"", optarg);
			json = !strcmp(optarg, "json");
			break;
		case 'h': fputs(usage, stdout); return 0;
		default: fprintf(stderr, "Try '" PROG " ps --help' for more information.\n"); return 2;
		}
	}
	if (optind >= argc)
		return oci_usage("ps", "missing the container ID");
	if (json && optind + 1 < argc)
		return oci_usage("ps", "ps options do not go with --format json");
	return rc_oci_ps(oci_g.root, argv[optind], json, argv + optind + 1, stdout, &e) < 0 ? oci_fail(&e) : 0;
}
