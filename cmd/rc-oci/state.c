/* rc-oci state and list. */
#include "rc-oci.h"
#include "oci/ops.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char state_usage[] =
"Usage: rc-oci state ID\n"
"Print the state of container ID as runc does: ociVersion, id, pid, status\n"
"(creating, created, running, paused or stopped), bundle, rootfs, created,\n"
"owner and annotations, as JSON.\n"
"\n"
"  -h, --help   show this help\n";

static const char list_usage[] =
"Usage: rc-oci list [OPTION]...\n"
"List the containers under --root.\n"
"\n"
"  -f, --format FORMAT   table (default) or json\n"
"  -q, --quiet           only the ids\n"
"  -h, --help            show this help\n";

int oci_state(int argc, char **argv)
{
	struct rc_err e = { 0 };
	int i = oci_simple_args("state", state_usage, argc, argv);
	const char *id = i < 0 ? NULL : oci_one_id("state", argc, argv, i);

	if (!id)
		return 2;
	return rc_oci_state(oci_g.root, id, stdout, &e) < 0 ? oci_fail(&e) : 0;
}

int oci_list(int argc, char **argv)
{
	static const struct option options[] = {
		{ "format", required_argument, NULL, 'f' }, { "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' }, { NULL, 0, NULL, 0 },
	};
	enum rc_oci_list_format f = RC_OCI_LIST_TABLE;
	struct rc_err e = { 0 };
	int c;

	while ((c = getopt_long(argc, argv, "+f:qh", options, NULL)) != -1) {
		switch (c) {
		case 'f':
			if (strcmp(optarg, "table") && strcmp(optarg, "json"))
				return oci_usage("list", "--format: table or json, not \"%s\"", optarg);
			if (f != RC_OCI_LIST_QUIET)
				f = strcmp(optarg, "json") ? RC_OCI_LIST_TABLE : RC_OCI_LIST_JSON;
			break;
		case 'q': f = RC_OCI_LIST_QUIET; break;
		case 'h': fputs(list_usage, stdout); return 0;
		default: fprintf(stderr, "Try '" PROG " list --help' for more information.\n"); return 2;
		}
	}
	if (optind < argc)
		return oci_usage("list", "unexpected argument \"%s\"", argv[optind]);
	return rc_oci_list(oci_g.root, f, stdout, &e) < 0 ? oci_fail(&e) : 0;
}
