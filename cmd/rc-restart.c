/* rc-restart - stop containers and start them again. */
#include "base/cli.h"
#include "base/err.h"
#include "base/state.h"
#include "lifecycle/lifecycle.h"
#include "lifecycle/start.h"

#include <stdio.h>

#define PROG "rc-restart"

static const char usage[] =
"Usage: rc-restart [OPTION]... NAME...\n"
"Restart each container NAME, as docker restart does: stop it as rc-stop\n"
"does when it runs, then start it as rc-start does, in the background with\n"
"the options it was started with. Prints each NAME restarted.\n"
"\n"
"  -t, --time SECONDS  seconds to wait for it to stop before SIGKILL (default:\n"
"                      its --stop-timeout, else 10)\n"
"      --root DIR      state directory (default $RC_ROOT or " RC_DEFAULT_ROOT ")\n"
"  -h, --help          show this help and exit\n"
"  -V, --version       show the version and exit\n"
"\n"
"Exit status: 0 when every NAME was restarted, 1 when one could not be\n"
"stopped or started, 2 for a usage error.\n";

static int restart_one(const char *root, const char *name, void *arg, struct rc_err *e)
{
	return rc_ctr_restart(root, name, *(int *)arg, e);
}

int main(int argc, char **argv)
{
	return rc_cli_timeout_main(PROG, usage, RC_STOP_TIMEOUT_CTR, argc, argv, restart_one);
}
