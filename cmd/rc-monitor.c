/* rc-monitor - the small process that stays with a detached container.
 * Started by rc-unshare -d (never by hand); see lib/monitor.h. */
#include "base/err.h"
#include "lifecycle/monitor.h"
#include "base/state.h"

#include <getopt.h>
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

static int num(const char *s)
{
	char *end;
	long v = strtol(s, &end, 10);

	if (*end || end == s) {
		fprintf(stderr, PROG ": not a number: %s\n", s);
		exit(2);
	}
	return (int)v;
}

int main(int argc, char **argv)
{
	enum { NAME = 256, PID, DIRFD, CFD, LOCK, LOGRD, LOGWR, STATUS, CG, PINNED, ETC, RM,
	       RESTART, RESTARTS, CGROUP, MAXSIZE, MAXFILES, HELP, VERSION };
	static const struct option opts[] = {
		{ "name", required_argument, NULL, NAME }, { "pid", required_argument, NULL, PID },
		{ "dir-fd", required_argument, NULL, DIRFD },
		{ "containers-fd", required_argument, NULL, CFD },
		{ "lock-fd", required_argument, NULL, LOCK }, { "log-fd", required_argument, NULL, LOGRD },
		{ "log-wr", required_argument, NULL, LOGWR },
		{ "start-status", required_argument, NULL, STATUS },
		{ "cgroup-base", required_argument, NULL, CG },
		{ "cgroup", required_argument, NULL, CGROUP }, { "pinned", no_argument, NULL, PINNED },
		{ "etc", required_argument, NULL, ETC }, { "rm", no_argument, NULL, RM },
		{ "restart", required_argument, NULL, RESTART },
		{ "restarts", required_argument, NULL, RESTARTS },
		{ "log-max-size", required_argument, NULL, MAXSIZE },
		{ "log-max-files", required_argument, NULL, MAXFILES },
		{ "help", no_argument, NULL, HELP }, { "version", no_argument, NULL, VERSION },
		{ NULL, 0, NULL, 0 },
	};
	struct rc_monitor m = { .pid = -1, .dir_fd = -1, .containers_fd = -1, .lock_fd = -1,
				.log_rd = -1, .log_wr = -1, .cgroup_base = "/sys/fs/cgroup",
				.log_max_files = 1 };
	struct rc_err e = { 0 };
	unsigned mask;
	unsigned long ino[3];
	int c;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case NAME: m.name = optarg; break;
		case PID: m.pid = num(optarg); break;
		case DIRFD: m.dir_fd = num(optarg); break;
		case CFD: m.containers_fd = num(optarg); break;
		case LOCK: m.lock_fd = num(optarg); break;
		case LOGRD: m.log_rd = num(optarg); break;
		case LOGWR: m.log_wr = num(optarg); break;
		case STATUS: m.start_status = num(optarg); break;
		case CG: m.cgroup_base = optarg; break;
		case CGROUP: m.cgroup = optarg; break;
		case PINNED: m.pinned = true; break;
		case ETC:
			if (sscanf(optarg, "%u:%lu:%lu:%lu", &mask, &ino[0], &ino[1], &ino[2]) != 4) {
				fprintf(stderr, PROG ": --etc: expected MASK:INO:INO:INO\n");
				return 2;
			}
			for (int i = 0; i < 3; i++) {
				m.etc.made[i] = mask & (1u << i);
				m.etc.ino[i] = ino[i];
			}
			break;
		case RM: m.remove = true; break;
		case RESTART:
			if (rc_restart_parse(optarg, &m.policy, &e) < 0) {
				rc_err_print(PROG, &e);
				return 2;
			}
			break;
		case RESTARTS: m.restarts = num(optarg); break;
		case MAXSIZE: m.log_max_size = strtoll(optarg, NULL, 10); break;
		case MAXFILES: m.log_max_files = num(optarg); break;
		case HELP: fputs(usage, stdout); return 0;
		case VERSION: puts(PROG " " RC_VERSION); return 0;
		default:
			fprintf(stderr, "Try 'rc-monitor --help' for more information.\n");
			return 2;
		}
	}
	if (!m.name || !rc_name_valid(m.name) || m.pid < 0 || m.dir_fd < 0 || m.lock_fd < 0 ||
	    m.log_rd < 0 || m.log_wr < 0) {
		fprintf(stderr, PROG ": started without its container (see --help)\n");
		return 2;
	}
	m.argv = argv + optind;
	rc_monitor_main(&m);
}
