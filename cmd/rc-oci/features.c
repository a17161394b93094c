/* rc-oci features and spec. */
#include "rc-oci.h"
#include "oci/info.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>

static const char features_usage[] =
"Usage: rc-oci features\n"
"Print what rc-oci supports as JSON, in runc's format: the runtime-spec\n"
"versions, hooks, mount options, namespaces, capabilities, cgroup versions\n"
"and seccomp actions, operators and architectures.\n"
"\n"
"  -h, --help   show this help\n";

static const char spec_usage[] =
"Usage: rc-oci spec [OPTION]...\n"
"Write config.json into the bundle: docker's defaults, args [\"sh\"], a\n"
"terminal and root.path \"rootfs\". An existing config.json is kept (an error).\n"
"\n"
"  -b, --bundle DIR      the bundle (default: .)\n"
"      --rootless        refused (rc-oci runs as root only)\n"
"  -h, --help            show this help\n";

int oci_features(int argc, char **argv)
{
	struct rc_err e = { 0 };
	int i = oci_simple_args("features", features_usage, argc, argv);

	if (i < 0)
		return 2;
	if (i < argc)
		return oci_usage("features", "unexpected argument \"%s\"", argv[i]);
	return rc_oci_features(stdout, &e) < 0 ? oci_fail(&e) : 0;
}

int oci_spec(int argc, char **argv)
{
	static const struct option options[] = {
		{ "bundle", required_argument, NULL, 'b' }, { "rootless", no_argument, NULL, 'R' },
		{ "help", no_argument, NULL, 'h' }, { NULL, 0, NULL, 0 },
	};
	struct rc_err e = { 0 };
	const char *bundle = ".";
	int c;

	while ((c = getopt_long(argc, argv, "+b:h", options, NULL)) != -1) {
		switch (c) {
		case 'b': bundle = optarg; break;
		case 'R': return oci_usage("spec", "--rootless: rc-oci runs as root only");
		case 'h': fputs(spec_usage, stdout); return 0;
		default: fprintf(stderr, "Try '" PROG " spec --help' for more information.\n"); return 2;
		}
	}
	if (optind < argc)
		return oci_usage("spec", "unexpected argument \"%s\"", argv[optind]);
	return rc_oci_spec(bundle, &e) < 0 ? oci_fail(&e) : 0;
}
