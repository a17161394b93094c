/* rc-oci start. */
#include "rc-oci.h"
#include "oci/container.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

static const char usage[] =
"Usage: rc-oci start ID\n"
"Let the process of created container ID run its command: the\n"
"startContainer hooks run in the container, the process execs, and the\n"
"poststart hooks run once it has.\n"
"\n"
"  -h, --help   show this help\n";

int oci_simple_args(const char *verb, const char *help, int argc, char **argv)
{
	static const struct option options[] = { { "help", no_argument, NULL, 'h' }, { NULL, 0, NULL, 0 } };
	int c;

	while ((c = getopt_long(argc, argv, "+h", options, NULL)) != -1) {
		if (c == 'h') {
			fputs(help, stdout);
			exit(0);
		}
		fprintf(stderr, "Try '" PROG " %s --help' for more information.\n", verb);
		return -1;
	}
	return optind;
}

int oci_start(int argc, char **argv)
{
	struct rc_err e = { 0 };
	int i = oci_simple_args("start", usage, argc, argv);
	const char *id = i < 0 ? NULL : oci_one_id("start", argc, argv, i);

	if (!id)
		return 2;
	return rc_oci_start(oci_g.root, id, &e) < 0 ? oci_fail(&e) : 0;
}
