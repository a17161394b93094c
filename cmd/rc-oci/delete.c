/* rc-oci delete. */
#include "rc-oci.h"
#include "oci/ops.h"

#include <getopt.h>
#include <stdio.h>

static const char usage[] =
"Usage: rc-oci delete [OPTION]... ID\n"
"Remove container ID once created or stopped: what is left of its\n"
"processes, its cgroup and its state; then run its poststop hooks.\n"
"\n"
"  -f, --force  a running container too (killed first); no error when\n"
"               there is no such container\n"
"  -h, --help   show this help\n";

int oci_delete(int argc, char **argv)
{
	static const struct option options[] = {
		{ "force", no_argument, NULL, 'f' }, { "help", no_argument, NULL, 'h' }, { NULL, 0, NULL, 0 },
	};
	struct rc_err e = { 0 };
	bool force = false;
	const char *id;
	int c;

	while ((c = getopt_long(argc, argv, "+fh", options, NULL)) != -1) {
		switch (c) {
		case 'f': force = true; break;
		case 'h': fputs(usage, stdout); return 0;
		default: fprintf(stderr, "Try '" PROG " delete --help' for more information.\n"); return 2;
		}
	}
	if (!(id = oci_one_id("delete", argc, argv, optind)))
		return 2;
	return rc_oci_delete(oci_g.root, id, force, &e) < 0 ? oci_fail(&e) : 0;
}
