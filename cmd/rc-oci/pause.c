/* rc-oci pause and resume. */
#include "rc-oci.h"
#include "oci/ops.h"

static const char pause_usage[] =
"Usage: rc-oci pause ID\n"
"Freeze every process of container ID (its cgroup's freezer).\n"
"\n"
"  -h, --help   show this help\n";

static const char resume_usage[] =
"Usage: rc-oci resume ID\n"
"Thaw the processes of paused container ID.\n"
"\n"
"  -h, --help   show this help\n";

static int freeze(const char *verb, const char *help, bool pause, int argc, char **argv)
{
	struct rc_err e = { 0 };
	int i = oci_simple_args(verb, help, argc, argv);
	const char *id = i < 0 ? NULL : oci_one_id(verb, argc, argv, i);

	if (!id)
		return 2;
	return rc_oci_pause(oci_g.root, id, pause, &e) < 0 ? oci_fail(&e) : 0;
}

int oci_pause(int argc, char **argv)
{
	return freeze("pause", pause_usage, true, argc, argv);
}

int oci_resume(int argc, char **argv)
{
	return freeze("resume", resume_usage, false, argc, argv);
}
