/* rc-oci create and run. */
#include "rc-oci.h"
#include "oci/container.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char create_usage[] =
"Usage: rc-oci create [OPTION]... ID\n"
"Create container ID from the bundle: its namespaces, cgroup and filesystem\n"
"set up, the createRuntime and createContainer hooks run, and its process\n"
"waiting before exec, with this command's stdio, until 'rc-oci start ID'.\n"
"\n"
"  -b, --bundle DIR          the bundle (config.json and its root; default: .)\n"
"      --pid-file FILE       write the process's pid to FILE\n"
"      --console-socket SOCK send the terminal's master (process.terminal) to\n"
"                            the unix socket SOCK, with SCM_RIGHTS\n"
"      --preserve-fds N      pass descriptors 3 to 3+N-1 on to the process\n"
"      --no-pivot            MS_MOVE and chroot instead of pivot_root (ramfs)\n"
"      --no-new-keyring      keep the caller's session keyring\n"
"  -h, --help                show this help\n";

static const char run_usage[] =
"Usage: rc-oci run [OPTION]... ID\n"
"Create and start container ID. In the foreground, wait for its process,\n"
"relay its terminal (process.terminal without --console-socket), pass\n"
"signals on, delete the container when it ends and exit with its status.\n"
"\n"
"  -d, --detach              return once the process runs\n"
"      --keep                do not delete the container when it ends\n"
"  -b, --bundle DIR          the bundle (default: .)\n"
"      --pid-file FILE       write the process's pid to FILE\n"
"      --console-socket SOCK send the terminal's master to SOCK\n"
"      --preserve-fds N      pass descriptors 3 to 3+N-1 on to the process\n"
"      --no-pivot            MS_MOVE and chroot instead of pivot_root\n"
"      --no-new-keyring      keep the caller's session keyring\n"
"      --no-subreaper        accepted (rc-oci is no subreaper)\n"
"  -h, --help                show this help\n";

enum { OPT_PID = 256, OPT_CONSOLE, OPT_PRESERVE, OPT_NO_PIVOT, OPT_NO_KEYRING, OPT_KEEP, OPT_NO_SUBREAPER };

static const struct option options[] = {
	{ "bundle", required_argument, NULL, 'b' },
	{ "pid-file", required_argument, NULL, OPT_PID },
	{ "console-socket", required_argument, NULL, OPT_CONSOLE },
	{ "preserve-fds", required_argument, NULL, OPT_PRESERVE },
	{ "no-pivot", no_argument, NULL, OPT_NO_PIVOT },
	{ "no-new-keyring", no_argument, NULL, OPT_NO_KEYRING },
	{ "detach", no_argument, NULL, 'd' },
	{ "keep", no_argument, NULL, OPT_KEEP },
	{ "no-subreaper", no_argument, NULL, OPT_NO_SUBREAPER },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

static int parse(const char *verb, const char *help, bool run, int argc, char **argv,
		 struct rc_oci_create *o, bool *detach, bool *keep)
{
	int c;

	*o = (struct rc_oci_create){ .root = oci_g.root, .systemd = oci_g.systemd };
	while ((c = getopt_long(argc, argv, run ? "+b:dh" : "+b:h", options, NULL)) != -1) {
		switch (c) {
		case 'b': o->bundle = optarg; break;
		case OPT_PID: o->pid_file = optarg; break;
		case OPT_CONSOLE: o->console_socket = optarg; break;
		case OPT_PRESERVE: {
			char *end;
			long n = strtol(optarg, &end, 10);
			if (*end || end == optarg || n < 0 || n > 1024)
				return oci_usage(verb, "--preserve-fds: a number from 0 to 1024, not \"%s\"", optarg);
			o->preserve_fds = (int)n;
			break;
		}
		case OPT_NO_PIVOT: o->no_pivot = true; break;
		case OPT_NO_KEYRING: o->no_new_keyring = true; break;
		case 'd':
		case OPT_KEEP:
		case OPT_NO_SUBREAPER:
			if (!run)
				return oci_usage(verb, "unknown option \"%s\"", argv[optind - 1]);
			*detach = *detach || c == 'd';
			*keep = *keep || c == OPT_KEEP;
			break;
		case 'h':
			fputs(help, stdout);
			exit(0);
		default:
			fprintf(stderr, "Try '" PROG " %s --help' for more information.\n", verb);
			return 2;
		}
	}
	o->id = oci_one_id(verb, argc, argv, optind);
	return o->id ? 0 : 2;
}

int oci_create(int argc, char **argv)
{
	struct rc_oci_create o;
	struct rc_err e = { 0 };
	bool detach = false, keep = false;
	int r = parse("create", create_usage, false, argc, argv, &o, &detach, &keep);

	if (r)
		return r;
	return rc_oci_create(&o, &e) < 0 ? oci_fail(&e) : 0;
}

int oci_run(int argc, char **argv)
{
	struct rc_oci_create o;
	struct rc_err e = { 0 };
	bool detach = false, keep = false;
	int status = 0, r = parse("run", run_usage, true, argc, argv, &o, &detach, &keep);

	if (r)
		return r;
	if (rc_oci_run(&o, detach, keep, &status, &e) < 0)
		return oci_fail(&e);
	return status;
}
