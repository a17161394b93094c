/* rc-rmi - remove images from the store. */
#include "base/err.h"
#include "base/state.h"
#include "image/images.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>

#define PROG "rc-rmi"

static const char usage[] =
"Usage: rc-rmi [OPTION]... IMAGE...\n"
"Remove each IMAGE's reference from the store's index ($RC_ROOT/images/index.json):\n"
"a reference as rc-unpack takes it (alpine, docker.io/library/alpine:latest,\n"
"name@sha256:...), or a manifest digest (sha256:...), which removes every reference\n"
"to that manifest. Prints each reference removed. Containers made from IMAGE are\n"
"not changed (each has its own layers); the blobs and layers nothing references\n"
"any more stay until rc-gc removes them.\n"
"\n"
"      --root DIR   state directory (default $RC_ROOT or " RC_DEFAULT_ROOT ")\n"
"  -h, --help       show this help and exit\n"
"  -V, --version    show the version and exit\n"
"\n"
"Exit status: 0 when every IMAGE was removed, 1 otherwise, 2 for a usage error.\n";

static void removed(const char *ref, void *arg)
{
	(void)arg;
	printf("%s\n", ref);
}

int main(int argc, char **argv)
{
	enum { OPT_ROOT = 256 };
	static const struct option opts[] = {
		{ "root", required_argument, NULL, OPT_ROOT },
		{ "help", no_argument, NULL, 'h' }, { "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	const char *root = NULL;
	int c, status = 0;

	while ((c = getopt_long(argc, argv, "hV", opts, NULL)) != -1) {
		switch (c) {
		case OPT_ROOT: root = optarg; break;
		case 'h': fputs(usage, stdout); return 0;
		case 'V': puts(PROG " " RC_VERSION); return 0;
		default:
			fprintf(stderr, "Try '" PROG " --help' for more information.\n");
			return 2;
		}
	}
	if (optind >= argc) {
		fprintf(stderr, PROG ": expected IMAGE\nTry '" PROG " --help' for more information.\n");
		return 2;
	}
	for (int i = optind; i < argc; i++) {
		struct rc_err e = { 0 };

		if (!argv[i][0] || strpbrk(argv[i], " \t\n")) {
			fprintf(stderr, PROG ": invalid image reference '%s'\n", argv[i]);
			status = status ? status : 2;
			continue;
		}
		if (rc_images_remove(rc_root(root), argv[i], removed, NULL, &e) < 0) {
			rc_err_print(PROG, &e);
			status = 1;
		}
	}
	return status;
}
