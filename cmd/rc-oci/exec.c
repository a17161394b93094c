/* rc-oci exec. */
#include "rc-oci.h"
#include "oci/exec.h"
#include "runtime/spec.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char usage[] =
"Usage: rc-oci exec [OPTION]... ID [--] COMMAND [ARG]...\n"
"       rc-oci exec [OPTION]... --process FILE ID\n"
"Run one more process in container ID: the container's process as its\n"
"config has it, with COMMAND and the options' changes, or the runtime-spec\n"
"process object in FILE. In the foreground rc-oci waits for it and exits\n"
"with its status.\n"
"\n"
"  -p, --process FILE        the process as JSON ('-': stdin)\n"
"  -d, --detach              return once it runs (its parent: the caller)\n"
"      --pid-file FILE       write its pid to FILE\n"
"      --console-socket SOCK send its terminal's master to SOCK (with -t)\n"
"  -t, --tty                 give it a terminal\n"
"      --cwd DIR             its working directory\n"
"  -e, --env KEY=VAL         set an environment variable\n"
"  -u, --user UID[:GID]      its user and group (numbers)\n"
"  -g, --additional-gids GID its supplementary groups (repeatable)\n"
"  -c, --cap CAP             add a capability (CAP_NET_ADMIN...)\n"
"      --no-new-privs        set no_new_privs\n"
"      --preserve-fds N      pass descriptors 3 to 3+N-1 on to it\n"
"      --ignore-paused       run it in a paused container too\n"
"  -h, --help                show this help\n";

enum { O_PID = 256, O_CONSOLE, O_CWD, O_NNP, O_PRESERVE, O_IGNORE_PAUSED, O_APPARMOR, O_LABEL };

static const struct option options[] = {
	{ "process", required_argument, NULL, 'p' },
	{ "detach", no_argument, NULL, 'd' },
	{ "pid-file", required_argument, NULL, O_PID },
	{ "console-socket", required_argument, NULL, O_CONSOLE },
	{ "tty", no_argument, NULL, 't' },
	{ "cwd", required_argument, NULL, O_CWD },
	{ "env", required_argument, NULL, 'e' },
	{ "user", required_argument, NULL, 'u' },
	{ "additional-gids", required_argument, NULL, 'g' },
	{ "cap", required_argument, NULL, 'c' },
	{ "no-new-privs", no_argument, NULL, O_NNP },
	{ "preserve-fds", required_argument, NULL, O_PRESERVE },
	{ "ignore-paused", no_argument, NULL, O_IGNORE_PAUSED },
	{ "apparmor", required_argument, NULL, O_APPARMOR },
	{ "process-label", required_argument, NULL, O_LABEL },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

static int option(struct rc_oci_exec *o, int c, const char *arg)
{
	struct rc_err e = { 0 };
	char *end;
	long v;

	switch (c) {
	case 'p': o->process = arg; break;
	case 'd': o->detach = true; break;
	case O_PID: o->pid_file = arg; break;
	case O_CONSOLE: o->console_socket = arg; break;
	case 't': o->tty = true; break;
	case O_CWD: o->cwd = arg; break;
	case 'e':
		if (!strchr(arg, '='))
			return oci_usage("exec", "--env: KEY=VALUE, not \"%s\"", arg);
		if (rc_strv_push(&o->env, arg, &e) < 0)
			return oci_fail(&e);
		break;
	case 'u':
		v = strtol(arg, &end, 10);
		if (end == arg || v < 0 || (*end && (*end != ':' || strtol(end + 1, &end, 10) < 0 || *end)))
			return oci_usage("exec", "--user: UID[:GID] as numbers, not \"%s\"", arg);
		o->user = arg;
		break;
	case 'g': {
		gid_t *n = realloc(o->gids, (o->ngids + 1) * sizeof *n);
		v = strtol(arg, &end, 10);
		if (!n || *end || end == arg || v < 0)
			return oci_usage("exec", "--additional-gids: a number, not \"%s\"", arg);
		o->gids = n;
		o->gids[o->ngids++] = (gid_t)v;
		break;
	}
	case 'c':
		if (rc_strv_push(&o->caps, arg, &e) < 0)
			return oci_fail(&e);
		break;
	case O_NNP: o->no_new_privs = true; break;
	case O_PRESERVE:
		v = strtol(arg, &end, 10);
		if (*end || end == arg || v < 0 || v > 1024)
			return oci_usage("exec", "--preserve-fds: a number from 0 to 1024, not \"%s\"", arg);
		o->preserve_fds = (int)v;
		break;
	case O_IGNORE_PAUSED: o->ignore_paused = true; break;
	case O_APPARMOR:
		if (*arg)
			return oci_usage("exec", "--apparmor: rc-oci does not apply AppArmor profiles");
		break;
	case O_LABEL:
		if (*arg)
			return oci_usage("exec", "--process-label: rc-oci does not apply SELinux labels");
		break;
	case 'h': fputs(usage, stdout); exit(0);
	default: fprintf(stderr, "Try '" PROG " exec --help' for more information.\n"); return 2;
	}
	return 0;
}

int oci_exec(int argc, char **argv)
{
	struct rc_oci_exec o = { .root = oci_g.root };
	struct rc_err e = { 0 };
	int c, r, status = 0;

	while ((c = getopt_long(argc, argv, "+p:dte:u:g:c:h", options, NULL)) != -1)
		if ((r = option(&o, c, optarg)) != 0)
			return r;
	if (optind >= argc)
		return oci_usage("exec", "missing the container ID");
	o.id = argv[optind++];
	if (optind < argc && !strcmp(argv[optind], "--"))
		optind++;
	o.args = argv + optind;
	if (o.process && o.args[0])
		return oci_usage("exec", "--process and a command do not go together");
	if (!o.process && !o.args[0])
		return oci_usage("exec", "a command or --process is needed");
	r = rc_oci_exec(&o, &status, &e);
	rc_strv_free(o.env);
	rc_strv_free(o.caps);
	free(o.gids);
	return r < 0 ? oci_fail(&e) : status;
}
