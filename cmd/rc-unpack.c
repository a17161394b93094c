/* rc-unpack IMAGE NAME - make container NAME from an image in the store:
 * $RC_ROOT/containers/NAME/{rootfs/,config.json,image}, rootfs being an
 * overlay of the image's shared layers (or, with --copy, a full copy).
 * Prints NAME. */
#include "base/err.h"
#include "base/state.h"
#include "image/unpack.h"

#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PROG "rc-unpack"

static volatile sig_atomic_t cancelled;

static void on_signal(int sig)
{
	cancelled = sig;
}

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: " PROG " [OPTION]... IMAGE NAME\n"
		"Make container NAME from IMAGE, an image in the store: its root filesystem\n"
		"$RC_ROOT/containers/NAME/rootfs, an overlay mount of the image's layers (each\n"
		"extracted once into $RC_ROOT/layers and shared) over NAME's own upper/ and\n"
		"work/, an OCI runtime config.json, and the image's reference and digest in\n"
		"$RC_ROOT/containers/NAME/image. Where overlayfs cannot be used, it says so\n"
		"and makes a full copy of the layers applied in order instead.\n"
		"IMAGE is a reference (alpine, docker.io/library/alpine:latest, name@sha256:...)\n"
		"or a manifest digest (sha256:...). Prints NAME.\n"
		"\n"
		"  -f, --force      replace an existing container NAME (not a running one)\n"
		"      --copy       a full copy of the layers in rootfs, not an overlay\n"
		"      --root DIR   state directory (default $RC_ROOT, else " RC_DEFAULT_ROOT ")\n"
		"  -h, --help       show this help and exit\n"
		"  -V, --version    show the version and exit\n"
		"\n"
		"Exit status: 0 success, 1 failure, 2 usage error.\n");
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "force", no_argument, NULL, 'f' },
		{ "copy", no_argument, NULL, 'c' },
		{ "root", required_argument, NULL, 'r' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ 0 },
	};
	struct rc_unpack_opts opts = { .cancel = &cancelled };
	struct sigaction sa = { .sa_handler = on_signal }; /* no SA_RESTART: reads stop */
	const char *root_opt = NULL;
	struct rc_err e = { 0 };
	int c;

	while ((c = getopt_long(argc, argv, "frhV", longopts, NULL)) != -1) {
		switch (c) {
		case 'f': opts.force = true; break;
		case 'c': opts.copy = true; break;
		case 'r': root_opt = optarg; break;
		case 'h': usage(stdout); return 0;
		case 'V': printf(PROG " %s\n", RC_VERSION); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (argc - optind != 2) {
		fprintf(stderr, PROG ": expected IMAGE and NAME\n");
		usage(stderr);
		return 2;
	}
	if (!argv[optind][0] || strpbrk(argv[optind], " \t\n")) {
		fprintf(stderr, PROG ": invalid image reference '%s'\n", argv[optind]);
		return 2;
	}
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	if (rc_unpack(rc_root(root_opt), argv[optind], argv[optind + 1], &opts, &e) < 0) {
		rc_err_print(PROG, &e);
		if (cancelled) { /* die of the signal, as an interrupted program should */
			signal((int)cancelled, SIG_DFL);
			raise((int)cancelled);
		}
		return e.status ? e.status : 1;
	}
	printf("%s\n", argv[optind + 1]);
	return 0;
}
