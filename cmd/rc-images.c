/* rc-images - list the images in the store. */
#include "base/err.h"
#include "base/state.h"
#include "image/images.h"

#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PROG "rc-images"

static const char usage[] =
"Usage: rc-images [OPTION]...\n"
"List the images in the store ($RC_ROOT/images): for each, its reference, its\n"
"manifest digest, its size in the store (manifest, config and layer blobs, as\n"
"pulled) and the containers made from it.\n"
"\n"
"  -q, --quiet      print references only, one per line\n"
"      --no-trunc   print whole digests\n"
"      --root DIR   state directory (default $RC_ROOT or " RC_DEFAULT_ROOT ")\n"
"  -h, --help       show this help and exit\n"
"  -V, --version    show the version and exit\n"
"\n"
"Exit status: 0 success, 1 failure, 2 usage error.\n";

static void human(int64_t n, char *buf, size_t len)
{
	static const char *const units[] = { "B", "kB", "MB", "GB", "TB" };
	double v = (double)n;
	int u = 0;

	if (n < 0) {
		snprintf(buf, len, "?");
		return;
	}
	while (v >= 1000 && u < 4) {
		v /= 1000;
		u++;
	}
	snprintf(buf, len, u ? "%.1f%s" : "%.0f%s", v, units[u]);
}

int main(int argc, char **argv)
{
	enum { OPT_ROOT = 256, OPT_NO_TRUNC };
	static const struct option opts[] = {
		{ "quiet", no_argument, NULL, 'q' }, { "no-trunc", no_argument, NULL, OPT_NO_TRUNC },
		{ "root", required_argument, NULL, OPT_ROOT },
		{ "help", no_argument, NULL, 'h' }, { "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	const char *root = NULL;
	bool quiet = false, no_trunc = false;
	struct rc_image_row *rows;
	struct rc_err e = { 0 };
	size_t n, width = strlen("REFERENCE");
	int c;

	while ((c = getopt_long(argc, argv, "qhV", opts, NULL)) != -1) {
		switch (c) {
		case 'q': quiet = true; break;
		case OPT_NO_TRUNC: no_trunc = true; break;
		case OPT_ROOT: root = optarg; break;
		case 'h': fputs(usage, stdout); return 0;
		case 'V': puts(PROG " " RC_VERSION); return 0;
		default:
			fprintf(stderr, "Try '" PROG " --help' for more information.\n");
			return 2;
		}
	}
	if (optind < argc) {
		fprintf(stderr, PROG ": unexpected argument '%s'\n", argv[optind]);
		return 2;
	}
	if (rc_images_list(rc_root(root), &rows, &n, &e) < 0) {
		rc_err_print(PROG, &e);
		return 1;
	}
	for (size_t i = 0; i < n; i++)
		if (strlen(rows[i].ref) > width)
			width = strlen(rows[i].ref);
	if (!quiet)
		printf("%-*s  %-*s  %8s  %s\n", (int)width, "REFERENCE", no_trunc ? 71 : 19, "DIGEST",
		       "SIZE", "CONTAINERS");
	for (size_t i = 0; i < n; i++) {
		char size[32];

		if (quiet) {
			puts(rows[i].ref);
			continue;
		}
		human(rows[i].size, size, sizeof size);
		printf("%-*s  %-*.*s  %8s  %s\n", (int)width, rows[i].ref, no_trunc ? 71 : 19,
		       no_trunc ? 71 : 19, rows[i].manifest.digest, size,
		       rows[i].containers[0] ? rows[i].containers : "-");
	}
	free(rows);
	return 0;
}
