/* rc-stats - what containers use: memory, CPU, pids, network and block I/O. */
#include "base/err.h"
#include "base/state.h"
#include "lifecycle/ctr.h"
#include "lifecycle/lifecycle.h"
#include "lifecycle/stats.h"
#include "runtime/cgroups.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define PROG "rc-stats"

static const char usage[] =
"Usage: rc-stats [OPTION]... [NAME]...\n"
"Show what the running containers (or the containers NAME...) use, read from\n"
"their cgroups (v1 or v2) and network namespaces: a table refreshed every\n"
"second until interrupted (on a terminal, the screen cleared each time), or\n"
"printed once with --no-stream.\n"
"\n"
"Columns: NAME; CPU % (of one CPU, over the last second); MEM USAGE / LIMIT\n"
"(what it uses less the inactive file cache, as docker counts it; its limit,\n"
"or the host's memory); MEM %; CACHE (its page cache); NET I/O (received /\n"
"sent, every interface but lo; -- when it shares the host's network); BLOCK\n"
"I/O (read / written); PIDS. A container that is not running shows --.\n"
"\n"
"      --no-stream      print once (after a second's sample) and exit\n"
"      --format FORMAT  json: one object a line, in bytes and nanoseconds (name,\n"
"                       running, cpu_percent, cpu_ns, mem_usage, mem_limit,\n"
"                       mem_percent, mem_cache, pids, net_rx, net_tx,\n"
"                       block_read, block_write, when_ns; null when unknown)\n"
"      --root DIR       state directory (default $RC_ROOT or " RC_DEFAULT_ROOT ")\n"
"  -h, --help           show this help and exit\n"
"  -V, --version        show the version and exit\n";

/* The containers of this round: those named, or every running one. */
static int names_of(const char *root, char **named, size_t nnamed, char ***ret, size_t *ret_n,
		    struct rc_err *e)
{
	struct rc_ps_row *rows = NULL;
	size_t n = 0;
	char **v;

	if (nnamed) {
		*ret = named;
		*ret_n = nnamed;
		return 0;
	}
	if (rc_ps_list(root, false, &rows, &n, e) < 0)
		return -1;
	v = calloc(n + 1, sizeof *v);
	for (size_t i = 0; v && i < n; i++)
		if (!(v[i] = strdup(rows[i].name))) {
			for (size_t j = 0; j < i; j++)
				free(v[j]);
			free(v);
			v = NULL;
		}
	free(rows);
	if (!v)
		return rc_errf(e, ENOMEM, "listing containers");
	*ret = v;
	*ret_n = n;
	return 0;
}

/* Sample each container, its CPU use against its last sample in prev. */
static int sample(const char *root, char **names, size_t n, const struct rc_stats_row *prev,
		  size_t nprev, struct rc_stats_row *rows, struct rc_err *e)
{
	for (size_t i = 0; i < n; i++) {
		_cleanup_ctr_ struct rc_ctr c = RC_CTR_INIT;
		struct rc_stats_row *r = &rows[i];

		memset(r, 0, sizeof *r);
		snprintf(r->name, sizeof r->name, "%s", names[i]);
		r->cpu = -1;
		if (rc_ctr_open(root, names[i], &c, e) < 0) {
			if (!prev)
				return -1; /* a NAME that does not exist */
			continue; /* removed since: "--" */
		}
		if (rc_stats_sample(&c, RC_CGROUP_BASE, &r->s, e) < 0)
			return -1;
		for (size_t j = 0; j < nprev; j++)
			if (!strcmp(prev[j].name, r->name))
				r->cpu = rc_stats_cpu_percent(&prev[j].s, &r->s);
	}
	return 0;
}

static void free_names(char **names, size_t n, char **named)
{
	if (names == named)
		return;
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
}

/* Rounds a second apart until interrupted (once with no_stream). */
static int run(const char *root, char **named, size_t nnamed, bool no_stream, bool json,
	       struct rc_err *e)
{
	struct rc_stats_row *prev = NULL, *rows = NULL;
	size_t nprev = 0;
	bool tty = isatty(STDOUT_FILENO) && !no_stream && !json;
	int r = 0;

	for (int round = 0; r == 0; round++) {
		char **names = NULL;
		size_t n = 0;

		if (names_of(root, named, nnamed, &names, &n, e) < 0)
			return -1;
		rows = calloc(n + 1, sizeof *rows);
		if (!rows) {
			free_names(names, n, named);
			r = rc_errf(e, ENOMEM, "allocating");
			break;
		}
		r = sample(root, names, n, round ? prev : NULL, nprev, rows, e);
		free_names(names, n, named);
		if (r == 0 && round > 0) {
			if (tty)
				fputs("\033[2J\033[H", stdout);
			r = rc_stats_print(stdout, rows, n, json, e);
			if (r == 0 && !json && !tty && !no_stream)
				putchar('\n');
		}
		free(prev);
		prev = rows;
		nprev = n;
		if (r < 0 || (no_stream && round > 0))
			break;
		nanosleep(&(struct timespec){ 1, 0 }, NULL);
	}
	free(prev);
	return r;
}

int main(int argc, char **argv)
{
	enum { OPT_NO_STREAM = 256, OPT_FORMAT, OPT_ROOT };
	static const struct option opts[] = {
		{ "no-stream", no_argument, NULL, OPT_NO_STREAM },
		{ "format", required_argument, NULL, OPT_FORMAT },
		{ "root", required_argument, NULL, OPT_ROOT },
		{ "help", no_argument, NULL, 'h' }, { "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	const char *root = NULL;
	struct rc_err e = { 0 };
	bool no_stream = false, json = false;
	int c;

	while ((c = getopt_long(argc, argv, "hV", opts, NULL)) != -1) {
		switch (c) {
		case OPT_NO_STREAM: no_stream = true; break;
		case OPT_FORMAT:
			if (strcmp(optarg, "json")) {
				fprintf(stderr, PROG ": --format: unknown format \"%s\" (json)\n", optarg);
				return 2;
			}
			json = true;
			break;
		case OPT_ROOT: root = optarg; break;
		case 'h': fputs(usage, stdout); return 0;
		case 'V': puts(PROG " " RC_VERSION); return 0;
		default:
			fprintf(stderr, "Try '" PROG " --help' for more information.\n");
			return 2;
		}
	}
	for (int i = optind; i < argc; i++)
		if (rc_name_check(argv[i], &e) < 0) {
			rc_err_print(PROG, &e);
			return 2;
		}
	if (run(rc_root(root), argv + optind, (size_t)(argc - optind), no_stream, json, &e) < 0) {
		rc_err_print(PROG, &e);
		return e.status ? e.status : 1;
	}
	return 0;
}
