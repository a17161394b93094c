/* rc-systemd - a systemd unit that brings a container back after a reboot. */
#include "base/cleanup.h"
#include "base/err.h"
#include "base/fs.h"
#include "base/state.h"
#include "lifecycle/monitor.h"
#include "lifecycle/sdunit.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PROG "rc-systemd"

static const char usage[] =
"Usage: rc-systemd [OPTION]... NAME\n"
"Write a systemd unit, rc-NAME.service, that starts container NAME with\n"
"rc-start (as it was last started, its monitor as the service's main\n"
"process) and stops it with rc-stop: with a restart policy other than no,\n"
"an enabled unit brings the container back at boot, as docker's daemon does.\n"
"The unit goes to stdout, or with --dir into DIR.\n"
"\n"
"  -d, --dir DIR    write DIR/rc-NAME.service (e.g. /etc/systemd/system) and\n"
"                   print its path\n"
"      --root DIR   state directory (default $RC_ROOT or " RC_DEFAULT_ROOT ")\n"
"  -h, --help       show this help and exit\n"
"  -V, --version    show the version and exit\n"
"\n"
"Then: systemctl daemon-reload; systemctl enable --now rc-NAME.\n"
"Exit status: 0 on success, 1 when NAME is unknown or the unit cannot be\n"
"written, 2 for a usage error.\n";

/* The unit's text, for stdout or a file. */
static int unit_text(const char *root, const char *name, char **ret, size_t *len, struct rc_err *e)
{
	char self[PATH_MAX], *slash;
	FILE *out;
	int r;

	if (rc_sibling_path(PROG, self, sizeof self, e) < 0)
		return -1;
	slash = strrchr(self, '/');
	*slash = '\0';
	out = open_memstream(ret, len);
	if (!out)
		return rc_errf(e, ENOMEM, "allocating");
	r = rc_sdunit_write(root, name, self, out, e);
	if (fclose(out) != 0 && r == 0)
		r = rc_errf(e, ENOMEM, "writing the unit");
	return r;
}

int main(int argc, char **argv)
{
	enum { OPT_ROOT = 256 };
	static const struct option opts[] = {
		{ "dir", required_argument, NULL, 'd' }, { "root", required_argument, NULL, OPT_ROOT },
		{ "help", no_argument, NULL, 'h' }, { "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	const char *root = NULL, *dir = NULL, *name;
	_cleanup_free_ char *text = NULL;
	struct rc_err e = { 0 };
	char file[RC_NAME_MAX + 16];
	size_t len = 0;
	int c;

	while ((c = getopt_long(argc, argv, "d:hV", opts, NULL)) != -1) {
		switch (c) {
		case 'd': dir = optarg; break;
		case OPT_ROOT: root = optarg; break;
		case 'h': fputs(usage, stdout); return 0;
		case 'V': puts(PROG " " RC_VERSION); return 0;
		default:
			fprintf(stderr, "Try '" PROG " --help' for more information.\n");
			return 2;
		}
	}
	if (argc - optind != 1) {
		fprintf(stderr, PROG ": %s\nTry '" PROG " --help' for more information.\n",
			optind == argc ? "missing container NAME" : "one NAME at a time");
		return 2;
	}
	name = argv[optind];
	if (rc_name_check(name, &e) < 0) {
		rc_err_print(PROG, &e);
		return 2;
	}
	if (unit_text(rc_root(root), name, &text, &len, &e) < 0) {
		rc_err_print(PROG, &e);
		return 1;
	}
	if (!dir) {
		fwrite(text, 1, len, stdout);
		return fflush(stdout) == 0 ? 0 : 1;
	}
	rc_sdunit_name(name, file, sizeof file);
	_cleanup_close_ int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0 || rc_write_file_at(dfd, file, text, len, 0644, &e) < 0) {
		if (dfd < 0)
			rc_errf(&e, errno, "unit directory %s", dir);
		rc_err_print(PROG, &e);
		return 1;
	}
	printf("%s/%s\n", dir, file);
	return 0;
}
