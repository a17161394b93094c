/* rc-stop - stop running containers. */
#include "base/cli.h"
#include "base/err.h"
#include "lifecycle/lifecycle.h"
#include "base/state.h"

#include <stdio.h>

#define PROG "rc-stop"

static const char usage[] =
"Usage: rc-stop [OPTION]... NAME...\n"
"Stop each running container NAME: send it its stop signal (rc-unshare's\n"
"--stop-signal, else the image's StopSignal, else SIGTERM), then SIGKILL when\n"
"it has not ended after the timeout; wait until it is gone. A stopped container is not restarted by its\n"
"restart policy. Prints each NAME stopped.\n"
"\n"
"  -t, --time SECONDS  seconds to wait before SIGKILL (default: its\n"
"                      --stop-timeout, else 10)\n"
"      --root DIR      state directory (default $RC_ROOT or " RC_DEFAULT_ROOT ")\n"
"  -h, --help          show this help and exit\n"
"  -V, --version       show the version and exit\n"
"\n"
"Exit status: 0 when every NAME was stopped, 1 when one was not running or\n"
"could not be stopped, 2 for a usage error.\n";

static int stop_one(const char *root, const char *name, void *arg, struct rc_err *e)
{
	bool was;

	if (rc_ctr_stop(root, name, *(int *)arg, &was, e) < 0)
		return -1;
	if (!was)
		return rc_errf(e, 0, "container %s is not running", name);
	return 0;
}

int main(int argc, char **argv)
{
	return rc_cli_timeout_main(PROG, usage, RC_STOP_TIMEOUT_CTR, argc, argv, stop_one);
}
