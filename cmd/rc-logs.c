/* rc-logs - print a detached container's output. */
#include "lifecycle/ctr.h"
#include "base/err.h"
#include "lifecycle/logfile.h"
#include "base/state.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#define PROG "rc-logs"

static const char usage[] =
"Usage: rc-logs [OPTION]... NAME\n"
"Print the output (stdout and stderr) that detached container NAME wrote to\n"
"$RC_ROOT/containers/NAME/log, oldest first, the rotated files log.N included.\n"
"\n"
"  -f, --follow    then keep printing new output, across rotations, until the\n"
"                  container has ended (for good: not while it restarts)\n"
"  -n, --tail N    only the last N lines\n"
"      --root DIR  state directory (default $RC_ROOT or " RC_DEFAULT_ROOT ")\n"
"  -h, --help      show this help and exit\n"
"  -V, --version   show the version and exit\n";

static bool alive(void *arg)
{
	struct rc_ctr_status st;

	rc_ctr_status(*(int *)arg, &st);
	return st.state == RC_CTR_RUNNING || st.state == RC_CTR_RESTARTING;
}

int main(int argc, char **argv)
{
	enum { OPT_ROOT = 256 };
	static const struct option opts[] = {
		{ "follow", no_argument, NULL, 'f' }, { "tail", required_argument, NULL, 'n' },
		{ "root", required_argument, NULL, OPT_ROOT },
		{ "help", no_argument, NULL, 'h' }, { "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	const char *root = NULL;
	struct rc_err e = { 0 };
	bool follow = false;
	long tail = -1;
	_cleanup_ctr_ struct rc_ctr ctr = RC_CTR_INIT;
	int c, fd;
	char *end;

	while ((c = getopt_long(argc, argv, "fn:hV", opts, NULL)) != -1) {
		switch (c) {
		case 'f': follow = true; break;
		case 'n':
			tail = strtol(optarg, &end, 10);
			if (*end || end == optarg || tail < 0) {
				fprintf(stderr, PROG ": invalid --tail \"%s\": expected a number of lines\n", optarg);
				return 2;
			}
			break;
		case OPT_ROOT: root = optarg; break;
		case 'h': fputs(usage, stdout); return 0;
		case 'V': puts(PROG " " RC_VERSION); return 0;
		default:
			fprintf(stderr, "Try '" PROG " --help' for more information.\n");
			return 2;
		}
	}
	if (optind != argc - 1) {
		fprintf(stderr, PROG ": expected one container NAME\nTry '" PROG " --help' for more information.\n");
		return 2;
	}
	if (rc_ctr_open(rc_root(root), argv[optind], &ctr, &e) < 0 ||
	    (fd = ctr.dir_fd, rc_log_dump(fd, tail, STDOUT_FILENO, &e) < 0) ||
	    (follow && rc_log_follow(fd, STDOUT_FILENO, alive, &fd, &e) < 0)) {
		rc_err_print(PROG, &e);
		return e.status ? e.status : 1;
	}
	return 0;
}
