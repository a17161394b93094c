/* rc-pull - fetch an image from a registry into the content store. */
#include "image/auth.h"
#include "base/err.h"
#include "image/manifest.h"
#include "image/pull.h"
#include "image/ref.h"
#include "base/state.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define PROG "rc-pull"

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: " PROG " [OPTION]... IMAGE\n"
		"Fetch IMAGE from its registry into the content store $RC_ROOT/images and\n"
		"print the resolved reference with its manifest digest.\n"
		"\n"
		"IMAGE is a docker-style reference: alpine, user/app:1.2,\n"
		"registry.example:5000/team/app:tag, name@sha256:<digest>.\n"
		"\n"
		"  -p, --platform OS/ARCH[/VARIANT]  image to pick from a multi-platform index\n"
		"                                    (default: this machine's)\n"
		"      --creds USER:PASS   registry credentials (default: the `auths` of\n"
		"                          $DOCKER_CONFIG/config.json or ~/.docker/config.json)\n"
		"      --creds-file FILE   USER:PASS from the first line of FILE (-: standard\n"
		"                          input), out of sight of ps\n"
		"      --insecure          allow plain HTTP and unverified TLS for this registry\n"
		"                          (loopback registries may use HTTP without it)\n"
		"  -j, --jobs N            download up to N layers at once (default 3)\n"
		"  -q, --quiet             no progress, only errors\n"
		"      --root DIR          state directory (default $RC_ROOT or " RC_DEFAULT_ROOT ")\n"
		"  -h, --help              show this help and exit\n"
		"      --version           show the version and exit\n"
		"\n"
		"Exit status: 0 pulled, 1 failed, 2 usage error (bad option or reference).\n");
}

static int usage_error(const char *fmt, const char *arg)
{
	fprintf(stderr, PROG ": ");
	fprintf(stderr, fmt, arg);
	fprintf(stderr, "\nTry '" PROG " --help' for more information.\n");
	return 2;
}

int main(int argc, char **argv)
{
	enum { OPT_ROOT = 256, OPT_CREDS, OPT_CREDS_FILE, OPT_INSECURE, OPT_VERSION };
	static const struct option opts[] = {
		{ "platform", required_argument, NULL, 'p' },
		{ "creds", required_argument, NULL, OPT_CREDS },
		{ "creds-file", required_argument, NULL, OPT_CREDS_FILE },
		{ "insecure", no_argument, NULL, OPT_INSECURE },
		{ "jobs", required_argument, NULL, 'j' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "root", required_argument, NULL, OPT_ROOT },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, OPT_VERSION },
		{ NULL, 0, NULL, 0 },
	};
	struct rc_pull_opts o = { 0 };
	struct rc_platform platform;
	struct rc_ref ref;
	struct rc_err e = { 0 };
	const char *root = NULL;
	bool quiet = false;
	char resolved[RC_REF_STR_MAX];
	int c;

	while ((c = getopt_long(argc, argv, "p:j:qh", opts, NULL)) != -1) {
		switch (c) {
		case 'p':
			if (rc_platform_parse(optarg, &platform, &e) < 0)
				return usage_error("%s", e.msg);
			o.platform = &platform;
			break;
		case OPT_CREDS:
			if (rc_creds_parse(optarg, &o.creds, &e) < 0)
				return usage_error("%s", e.msg);
			/* Out of /proc/PID/cmdline from now on (--creds-file is better). */
			explicit_bzero(optarg, strlen(optarg));
			break;
		case OPT_CREDS_FILE:
			if (rc_creds_read(optarg, &o.creds, &e) < 0) {
				rc_err_print(PROG, &e);
				return e.status ? e.status : 1;
			}
			break;
		case OPT_INSECURE:
			o.insecure = true;
			break;
		case 'j': {
			char *end;
			long n = strtol(optarg, &end, 10);
			if (*optarg == '\0' || *end || n < 1 || n > 64)
				return usage_error("invalid --jobs '%s': expected 1 to 64", optarg);
			o.jobs = (unsigned)n;
			break;
		}
		case 'q':
			quiet = true;
			break;
		case OPT_ROOT:
			root = optarg;
			break;
		case 'h':
			usage(stdout);
			return 0;
		case OPT_VERSION:
			printf(PROG " " RC_VERSION "\n");
			return 0;
		default:
			fprintf(stderr, "Try '" PROG " --help' for more information.\n");
			return 2;
		}
	}
	if (optind != argc - 1)
		return usage_error("%s", optind == argc ? "missing IMAGE" : "more than one IMAGE");
	if (rc_ref_parse(argv[optind], &ref, &e) < 0)
		return usage_error("%s", e.msg);
	o.root = rc_root(root);
	o.progress = !quiet && isatty(STDERR_FILENO);
	if (rc_pull(&ref, &o, resolved, sizeof resolved, &e) < 0) {
		rc_err_print(PROG, &e);
		return e.status ? e.status : 1;
	}
	printf("%s\n", resolved);
	return fflush(stdout) == 0 ? 0 : 1;
}
