/* rc-net-down - take a container's network away, exactly what rc-net-up made. */
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>

#include "base/err.h"
#include "net/net.h"
#include "base/state.h"

#define PROG "rc-net-down"

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: " PROG " [OPTION]... NAME\n"
		"Undo what rc-net-up made for container NAME: its veth, its nftables rules,\n"
		"its address lease, its published ports, net.env and the network namespace\n"
		"rc-net-up pinned. With the last container of a bridge, the bridge and\n"
		"table ip rc go too. A container without a network is not an error.\n"
		"\n"
		"      --keep-bridge     keep the bridge and table ip rc, even when empty\n"
		"      --root DIR        state directory (default $RC_ROOT or " RC_DEFAULT_ROOT ")\n"
		"  -h, --help            show this help and exit\n"
		"  -V, --version         show the version and exit\n");
}

int main(int argc, char **argv)
{
	enum { OPT_KEEP = 256, OPT_ROOT };
	static const struct option opts[] = {
		{ "keep-bridge", no_argument, NULL, OPT_KEEP },
		{ "root", required_argument, NULL, OPT_ROOT },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	struct rc_err e = { 0 };
	const char *root = NULL;
	bool keep = false, nothing;
	int c;

	while ((c = getopt_long(argc, argv, "hV", opts, NULL)) != -1) {
		switch (c) {
		case OPT_KEEP: keep = true; break;
		case OPT_ROOT: root = optarg; break;
		case 'h': usage(stdout); return 0;
		case 'V': printf(PROG " " RC_VERSION "\n"); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (optind != argc - 1) {
		usage(stderr);
		return 2;
	}
	if (rc_net_down(rc_root(root), argv[optind], keep, &nothing, &e) < 0) {
		rc_err_print(PROG, &e);
		return e.status ? e.status : 1;
	}
	if (nothing)
		rc_warn("container %s has no network: nothing to do", argv[optind]);
	return 0;
}
