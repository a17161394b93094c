/* rc-logs - print a detached container's output. */
#include "lifecycle/ctr.h"
#include "base/err.h"
#include "lifecycle/logread.h"
#include "base/state.h"
#include "base/timefmt.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define PROG "rc-logs"

static const char usage[] =
"Usage: rc-logs [OPTION]... NAME\n"
"Print the output that detached container NAME wrote to\n"
"$RC_ROOT/containers/NAME/log, oldest first, the rotated files log.N included:\n"
"what it wrote to stdout on stdout, what it wrote to stderr on stderr.\n"
"\n"
"  -f, --follow         then keep printing new output, across rotations, until\n"
"                       the container has ended (for good: not while it restarts)\n"
"  -n, --tail N         only the last N lines (all: every line)\n"
"      --since TIME     only output written at TIME or later: an RFC 3339 time\n"
"                       (2006-01-02T15:04:05Z; without a zone: local time), a\n"
"                       date, Unix seconds, or a duration before now (10m, 1h30m)\n"
"      --until TIME     only output written at TIME or earlier (the same forms)\n"
"  -t, --timestamps     lead each line with the time the monitor read it\n"
"                       (RFC 3339 in UTC, nanoseconds)\n"
"      --root DIR       state directory (default $RC_ROOT or " RC_DEFAULT_ROOT ")\n"
"  -h, --help           show this help and exit\n"
"  -V, --version        show the version and exit\n"
"\n"
"Lines a container wrote under an older rc carry no time: --since and --until\n"
"leave them out.\n";

static bool alive(void *arg)
{
	struct rc_ctr_status st;

	rc_ctr_status(*(int *)arg, &st);
	return st.state == RC_CTR_RUNNING || st.state == RC_CTR_RESTARTING;
}

static int parse_time(const char *opt, const char *arg, struct timespec *ret)
{
	struct rc_err e = { 0 };
	struct timespec now;

	clock_gettime(CLOCK_REALTIME, &now);
	if (rc_time_parse(arg, &now, ret, &e) < 0) {
		fprintf(stderr, PROG ": %s: %s\nTry '" PROG " --help' for more information.\n", opt, e.msg);
		return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	enum { OPT_ROOT = 256, OPT_SINCE, OPT_UNTIL };
	static const struct option opts[] = {
		{ "follow", no_argument, NULL, 'f' }, { "tail", required_argument, NULL, 'n' },
		{ "since", required_argument, NULL, OPT_SINCE },
		{ "until", required_argument, NULL, OPT_UNTIL },
		{ "timestamps", no_argument, NULL, 't' },
		{ "root", required_argument, NULL, OPT_ROOT },
		{ "help", no_argument, NULL, 'h' }, { "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	const char *root = NULL;
	struct rc_err e = { 0 };
	struct rc_log_query q = { .tail = -1 };
	struct timespec since, until;
	bool follow = false;
	_cleanup_ctr_ struct rc_ctr ctr = RC_CTR_INIT;
	int c;
	char *end;

	while ((c = getopt_long(argc, argv, "fn:thV", opts, NULL)) != -1) {
		switch (c) {
		case 'f': follow = true; break;
		case 'n':
			if (!strcmp(optarg, "all")) {
				q.tail = -1;
				break;
			}
			errno = 0;
			q.tail = strtol(optarg, &end, 10);
			if (errno || *end || end == optarg || q.tail < 0) {
				fprintf(stderr, PROG ": invalid --tail \"%s\": expected a number of lines\n", optarg);
				return 2;
			}
			break;
		case OPT_SINCE:
			if (parse_time("--since", optarg, &since) < 0)
				return 2;
			q.since = &since;
			break;
		case OPT_UNTIL:
			if (parse_time("--until", optarg, &until) < 0)
				return 2;
			q.until = &until;
			break;
		case 't': q.timestamps = true; break;
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
	if (rc_ctr_open(rc_root(root), argv[optind], &ctr, &e) < 0) {
		rc_err_print(PROG, &e);
		return e.status ? e.status : 1;
	}
	if (follow) {
		q.alive = alive;
		q.arg = &ctr.dir_fd;
	}
	if (rc_log_read(ctr.dir_fd, &q, stdout, stderr, &e) < 0) {
		rc_err_print(PROG, &e);
		return 1;
	}
	return 0;
}
