/* rc-oci update. */
#include "rc-oci.h"
#include "base/cleanup.h"
#include "base/fs.h"
#include "oci/ops.h"
#include "runtime/cgroups.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char usage[] =
"Usage: rc-oci update [OPTION]... ID\n"
"Change the resource limits of container ID in its cgroup.\n"
"\n"
"  -r, --resources FILE        a linux.resources object as JSON ('-': stdin)\n"
"      --memory SIZE           memory.limit (b, k, m, g units)\n"
"      --memory-swap SIZE      memory.swap (memory and swap together; -1: none)\n"
"      --memory-reservation SIZE  memory.reservation\n"
"      --cpu-shares N          cpu.shares\n"
"      --cpu-quota N           cpu.quota (us per period; -1: none)\n"
"      --cpu-period N          cpu.period (us)\n"
"      --cpuset-cpus LIST      cpu.cpus (\"0-2,4\")\n"
"      --cpuset-mems LIST      cpu.mems\n"
"      --pids-limit N          pids.limit (-1: none)\n"
"      --blkio-weight N        blockIO.weight (10 to 1000)\n"
"  -h, --help                  show this help\n";

enum { O_MEM = 256, O_SWAP, O_RES, O_SHARES, O_QUOTA, O_PERIOD, O_CPUS, O_MEMS, O_PIDS, O_BLKIO };

static const struct option options[] = {
	{ "resources", required_argument, NULL, 'r' },
	{ "memory", required_argument, NULL, O_MEM },
	{ "memory-swap", required_argument, NULL, O_SWAP },
	{ "memory-reservation", required_argument, NULL, O_RES },
	{ "cpu-shares", required_argument, NULL, O_SHARES },
	{ "cpu-quota", required_argument, NULL, O_QUOTA },
	{ "cpu-period", required_argument, NULL, O_PERIOD },
	{ "cpuset-cpus", required_argument, NULL, O_CPUS },
	{ "cpuset-mems", required_argument, NULL, O_MEMS },
	{ "pids-limit", required_argument, NULL, O_PIDS },
	{ "blkio-weight", required_argument, NULL, O_BLKIO },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

/* Set res.group.key (made as needed) to v. */
static void set(json_t *res, const char *group, const char *key, json_t *v)
{
	json_t *g = json_object_get(res, group);

	if (!g)
		json_object_set_new(res, group, g = json_object());
	json_object_set_new(g, key, v);
}

static int number(const char *opt, const char *arg, bool bytes, json_t **ret)
{
	struct rc_err e = { 0 };
	int64_t v = 0;
	char *end;

	if (!strcmp(arg, "-1")) {
		*ret = json_integer(-1);
		return 0;
	}
	if (bytes) {
		if (rc_parse_bytes(arg, &v, &e) < 0)
			return oci_usage("update", "--%s: %s", opt, e.msg);
	} else {
		errno = 0;
		v = strtoll(arg, &end, 10);
		if (errno || *end || end == arg)
			return oci_usage("update", "--%s: not a number: \"%s\"", opt, arg);
	}
	*ret = json_integer(v);
	return 0;
}

int oci_update(int argc, char **argv)
{
	json_auto_t *res = json_object();
	_cleanup_free_ char *text = NULL;
	const char *file = NULL, *id;
	struct rc_err e = { 0 };
	json_t *v = NULL;
	int c, opt_index;

	while ((c = getopt_long(argc, argv, "+r:h", options, &opt_index)) != -1) {
		static const struct { int c; const char *group, *key; bool bytes; } map[] = {
			{ O_MEM, "memory", "limit", true }, { O_SWAP, "memory", "swap", true },
			{ O_RES, "memory", "reservation", true }, { O_SHARES, "cpu", "shares", false },
			{ O_QUOTA, "cpu", "quota", false }, { O_PERIOD, "cpu", "period", false },
			{ O_PIDS, "pids", "limit", false }, { O_BLKIO, "blockIO", "weight", false },
		};
		if (c == 'r') {
			file = optarg;
			continue;
		}
		if (c == 'h') {
			fputs(usage, stdout);
			return 0;
		}
		if (c == O_CPUS || c == O_MEMS) {
			set(res, "cpu", c == O_CPUS ? "cpus" : "mems", json_string(optarg));
			continue;
		}
		size_t i;
		for (i = 0; i < sizeof map / sizeof *map && map[i].c != c; i++)
			;
		if (i == sizeof map / sizeof *map) {
			fprintf(stderr, "Try '" PROG " update --help' for more information.\n");
			return 2;
		}
		if (number(options[opt_index].name, optarg, map[i].bytes, &v))
			return 2;
		set(res, map[i].group, map[i].key, v);
	}
	if (!(id = oci_one_id("update", argc, argv, optind)))
		return 2;
	if (file && json_object_size(res))
		return oci_usage("update", "--resources and the other options do not go together");
	if (file) {
		if (rc_read_file_at(AT_FDCWD, strcmp(file, "-") ? file : "/dev/stdin", 1 << 20, &text, NULL, &e) < 0)
			return oci_fail(&e);
	} else if (!(text = json_dumps(res, JSON_COMPACT))) {
		rc_errf(&e, ENOMEM, "allocating");
		return oci_fail(&e);
	}
	return rc_oci_update(oci_g.root, id, text, &e) < 0 ? oci_fail(&e) : 0;
}
