/* rc-gc - remove the blobs, layers and leftovers that nothing references. */
#include "base/err.h"
#include "base/state.h"
#include "image/gc.h"

#include <getopt.h>
#include <stdio.h>

#define PROG "rc-gc"

static const char usage[] =
"Usage: rc-gc [OPTION]...\n"
"Remove from $RC_ROOT what nothing references: blobs no image in the store's index\n"
"references, extracted layers ($RC_ROOT/layers) that neither such an image nor a\n"
"container uses, and what pulls and unpacks that died left behind (partial\n"
"downloads in images/ingest, half-extracted layers). It waits for pulls and unpacks\n"
"under way (they hold the store's lock, images/gc.lock) and never touches what a\n"
"container or a pull uses. Prints what it removed.\n"
"\n"
"  -n, --dry-run    only count what would be removed\n"
"      --root DIR   state directory (default $RC_ROOT or " RC_DEFAULT_ROOT ")\n"
"  -h, --help       show this help and exit\n"
"  -V, --version    show the version and exit\n"
"\n"
"Exit status: 0 success, 1 failure, 2 usage error.\n";

int main(int argc, char **argv)
{
	enum { OPT_ROOT = 256 };
	static const struct option opts[] = {
		{ "dry-run", no_argument, NULL, 'n' },
		{ "root", required_argument, NULL, OPT_ROOT },
		{ "help", no_argument, NULL, 'h' }, { "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	struct rc_gc_opts o = { 0 };
	struct rc_gc_result res;
	const char *root = NULL;
	struct rc_err e = { 0 };
	int c;

	while ((c = getopt_long(argc, argv, "nhV", opts, NULL)) != -1) {
		switch (c) {
		case 'n': o.dry_run = true; break;
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
	if (rc_gc(rc_root(root), &o, &res, &e) < 0) {
		rc_err_print(PROG, &e);
		return 1;
	}
	printf("%s %u blobs (%lld bytes), %u layers, %u leftovers\n",
	       o.dry_run ? "would remove" : "removed", res.blobs, (long long)res.blob_bytes,
	       res.layers, res.leftovers);
	return 0;
}
