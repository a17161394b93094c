/* rc-ps - list containers and their state. */
#include "base/err.h"
#include "lifecycle/lifecycle.h"
#include "base/state.h"
#include "lifecycle/psfilter.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#define PROG "rc-ps"

static const char usage[] =
"Usage: rc-ps [OPTION]...\n"
"List the running containers (with -a: all of them) from the state in\n"
"$RC_ROOT/containers, with no daemon to ask: a container whose monitor has\n"
"died is shown as exited.\n"
"\n"
"Columns: NAME STATUS PID IMAGE IP PORTS CREATED; STATUS is one of\n"
"  created, running (DURATION), restarting, exited (CODE) DURATION ago;\n"
"  a running container's healthcheck adds (health: starting), (healthy) or\n"
"  (unhealthy); exited (CODE, OOM killed) when the kernel killed any of its\n"
"  processes for memory in its last run.\n"
"\n"
"  -a, --all            show every container, not only running ones\n"
"  -q, --quiet          print names only, one per line\n"
"  -f, --filter KEY=VALUE\n"
"                       only the containers that match (repeatable):\n"
"                       name=RE (an extended regular expression, found\n"
"                       anywhere in the name), status=created|running|\n"
"                       restarting|exited (lists stopped ones without -a),\n"
"                       label=KEY[=VALUE] (rc-unshare --label); several names\n"
"                       or statuses: any, several labels: all\n"
"      --format FORMAT  'json': one JSON object per line (name, state, status,\n"
"                       pid, monitor, image, ip, ports, created, started,\n"
"                       finished, exit_code, restarts, health, oom_killed;\n"
"                       times in seconds since the epoch); or a template with\n"
"                       {{.Name}} {{.State}} {{.Status}} {{.Pid}} {{.Image}}\n"
"                       {{.IP}} {{.Ports}} {{.Created}} {{.ExitCode}}\n"
"                       {{.Restarts}} {{.Health}} {{.OOMKilled}}, \\t and \\n,\n"
"                       printed once per container; empty fields are '-'\n"
"      --root DIR       state directory (default $RC_ROOT or " RC_DEFAULT_ROOT ")\n"
"  -h, --help           show this help and exit\n"
"  -V, --version        show the version and exit\n";

int main(int argc, char **argv)
{
	enum { OPT_FORMAT = 256, OPT_ROOT };
	static const struct option opts[] = {
		{ "all", no_argument, NULL, 'a' }, { "quiet", no_argument, NULL, 'q' },
		{ "filter", required_argument, NULL, 'f' },
		{ "format", required_argument, NULL, OPT_FORMAT },
		{ "root", required_argument, NULL, OPT_ROOT },
		{ "help", no_argument, NULL, 'h' }, { "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	const char *root = NULL, *format = NULL;
	struct rc_ps_filter *filter = NULL;
	struct rc_err e = { 0 };
	struct rc_ps_row *rows;
	size_t n;
	bool all = false, quiet = false;
	int c, r;

	while ((c = getopt_long(argc, argv, "aqf:hV", opts, NULL)) != -1) {
		switch (c) {
		case 'a': all = true; break;
		case 'q': quiet = true; break;
		case 'f':
			if (rc_ps_filter_add(&filter, optarg, &e) < 0) {
				rc_err_print(PROG, &e);
				rc_ps_filter_free(filter);
				return e.status == 2 ? 2 : 1;
			}
			break;
		case OPT_FORMAT: format = optarg; break;
		case OPT_ROOT: root = optarg; break;
		case 'h': fputs(usage, stdout); return 0;
		case 'V': puts(PROG " " RC_VERSION); return 0;
		default:
			fprintf(stderr, "Try '" PROG " --help' for more information.\n");
			return 2;
		}
	}
	if (optind < argc) {
		fprintf(stderr, PROG ": unexpected argument \"%s\"\nTry '" PROG " --help' for more information.\n",
			argv[optind]);
		return 2;
	}
	if (rc_ps_list(rc_root(root), all || rc_ps_filter_has_status(filter), &rows, &n, &e) < 0) {
		rc_err_print(PROG, &e);
		rc_ps_filter_free(filter);
		return 1;
	}
	rc_ps_filter_rows(rc_root(root), filter, rows, &n);
	rc_ps_filter_free(filter);
	r = rc_ps_print(stdout, rows, n, quiet, format, &e);
	free(rows);
	if (r < 0) {
		rc_err_print(PROG, &e);
		return 2;
	}
	return 0;
}
