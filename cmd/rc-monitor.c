/* rc-monitor - the small process that stays with a detached container.
 * Started by rc-unshare -d (never by hand); see lib/monitor.h. */
#include "base/err.h"
#include "lifecycle/monitor.h"
#include "base/state.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PROG "rc-monitor"

static const char usage[] =
"Usage: rc-monitor --name NAME --pid PID --dir-fd FD --lock-fd FD --log-fd FD\n"
"                  --log-wr FD [OPTION]... -- RC-UNSHARE-ARGUMENTS...\n"
"The monitor of one detached container: rc-unshare -d starts the container and\n"
"then becomes rc-monitor, which copies the container's output into its log,\n"
"reaps it, records its exit, cleans up after it and applies the restart policy.\n"
"It is not meant to be run by hand.\n"
"\n"
"      --containers-fd FD   the containers directory (for --rm)\n"
"      --start-status N     with --pid 0: the status of a start that failed\n"
"      --cgroup-base DIR    where the container's cgroup lives\n"
"      --cgroup LEAF        its cgroup below rc/ (default: NAME)\n"
"      --pinned             rc-unshare pinned the network namespace\n"
"      --etc MASK:INO:INO:INO  the /etc files rc-unshare wrote\n"
"      --rm                 remove the container directory at the end\n"
"      --restart POLICY     no, on-failure[:N] or always\n"
"      --restarts N         restarts done so far\n"
"      --log-max-size BYTES, --log-max-files N   the log's cap and rotation\n"
"      --help, --version\n";

int main(int argc, char **argv)
{
	struct rc_monitor m;
	struct rc_err e = { 0 };

	if (argc == 2 && !strcmp(argv[1], "--help")) {
		fputs(usage, stdout);
		return 0;
	}
	if (argc == 2 && !strcmp(argv[1], "--version")) {
		puts(PROG " " RC_VERSION);
		return 0;
	}
	if (rc_monitor_from_argv(argc, argv, &m, &e) < 0) {
		rc_err_print(PROG, &e);
		fprintf(stderr, "Try 'rc-monitor --help' for more information.\n");
		return 2;
	}
	rc_monitor_main(&m);
}
