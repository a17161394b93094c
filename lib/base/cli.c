/* cli.c - the NAME... loop of the lifecycle programs; see cli.h. */
#include "base/cli.h"
#include "base/state.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

int rc_cli_each_name(const char *prog, int argc, char **argv, int first, const char *root,
		     int (*fn)(const char *root, const char *name, void *arg, struct rc_err *e),
		     void *arg)
{
	int status = 0;

	if (first >= argc) {
		fprintf(stderr, "%s: missing container NAME\nTry '%s --help' for more information.\n",
			prog, prog);
		return 2;
	}
	for (int i = first; i < argc; i++) {
		struct rc_err e = { 0 };

		if (fn(rc_root(root), argv[i], arg, &e) < 0) {
			rc_err_print(prog, &e);
			status = e.status == 2 && status != 1 ? 2 : 1;
		} else {
			printf("%s\n", argv[i]);
		}
	}
	return status;
}

int rc_cli_timeout_main(const char *prog, const char *usage, int timeout, int argc, char **argv,
			int (*fn)(const char *root, const char *name, void *arg, struct rc_err *e))
{
	enum { OPT_ROOT = 256 };
	static const struct option opts[] = {
		{ "time", required_argument, NULL, 't' }, { "timeout", required_argument, NULL, 't' },
		{ "root", required_argument, NULL, OPT_ROOT },
		{ "help", no_argument, NULL, 'h' }, { "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	const char *root = NULL;
	char *end;
	int c;

	while ((c = getopt_long(argc, argv, "t:hV", opts, NULL)) != -1) {
		switch (c) {
		case 't':
			timeout = (int)strtol(optarg, &end, 10);
			if (*end || end == optarg || timeout < 0) {
				fprintf(stderr, "%s: invalid timeout \"%s\"\n", prog, optarg);
				return 2;
			}
			break;
		case OPT_ROOT: root = optarg; break;
		case 'h': fputs(usage, stdout); return 0;
		case 'V': printf("%s %s\n", prog, RC_VERSION); return 0;
		default:
			fprintf(stderr, "Try '%s --help' for more information.\n", prog);
			return 2;
		}
	}
	return rc_cli_each_name(prog, argc, argv, optind, root, fn, &timeout);
}
