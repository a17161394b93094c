/* Unit tests for lifecycle/stats.c: the cgroup v2 and v1 readers against
 * fake cgroupfs directories (the live v1 tree is exercised by
 * tests/stats.bats), /proc/net/dev, CPU percent, and the table. */
#include "lifecycle/stats.h"
#include "base/fs.h"
#include "tap.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char base[] = "/tmp/rc-test-stats.XXXXXX";

/* base/sub/file holding text; returns base/sub (one buffer a call). */
static const char *put(const char *sub, const char *file, const char *text)
{
	static char pool[32][4096];
	static int k;
	char path[8300], *d = pool[k++ % 32];
	FILE *f;

	snprintf(d, 4096, "%s/%s", base, sub);
	mkdir(d, 0755);
	snprintf(path, sizeof path, "%s/%s", d, file);
	f = fopen(path, "w");
	fputs(text, f);
	fclose(f);
	return d;
}

static const char net_dev[] =
	"Inter-|   Receive                                                |  Transmit\n"
	" face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed\n"
	"    lo:    1000      10    0    0    0     0          0         0     1000      10    0    0    0     0       0          0\n"
	"  eth0:    4242      42    0    0    0     0          0         0     2121      21    0    0    0     0       0          0\n"
	"  eth1:      58       1    0    0    0     0          0         0       79       1    0    0    0     0       0          0\n";

int main(void)
{
	struct rc_stats s, a, b;
	struct rc_err e = { 0 };
	uint64_t rx, tx, host = rc_stats_host_memory();
	const char *v2, *mem, *cpu, *pids, *blk;
	char *out = NULL;
	size_t outlen = 0;
	FILE *f;

	TAP_PLAN(17);
	if (!mkdtemp(base))
		return 1;
	ok(host > 0, "the host's memory is known");

	/* v2: one directory. */
	put("v2", "memory.current", "10485760\n");
	put("v2", "memory.stat", "anon 4194304\nfile 6291456\nkernel 0\nactive_file 2097152\ninactive_file 4194304\n");
	put("v2", "memory.max", "67108864\n");
	put("v2", "cpu.stat", "usage_usec 1500000\nuser_usec 1000000\nsystem_usec 500000\n");
	put("v2", "pids.current", "7\n");
	v2 = put("v2", "io.stat", "8:0 rbytes=4096 wbytes=8192 rios=1 wios=2 dbytes=0 dios=0\n"
				  "253:1 rbytes=100 wbytes=0 rios=1 wios=0 dbytes=0 dios=0\n");
	memset(&s, 0, sizeof s);
	ok(rc_stats_cgroup_v2(v2, &s, &e) == 0, "v2 is read");
	ok(s.mem_usage == 10485760 - 4194304 && s.mem_limit == 67108864 && s.mem_cache == 6291456,
	   "v2 memory: current less inactive_file, memory.max, the file cache");
	ok(s.cpu_ns == 1500000000ULL && s.pids == 7, "v2 cpu.stat's usage_usec, pids.current");
	ok(s.blk_read == 4196 && s.blk_write == 8192, "v2 io.stat summed over its devices");
	put("v2", "memory.max", "max\n");
	memset(&s, 0, sizeof s);
	ok(rc_stats_cgroup_v2(v2, &s, &e) == 0 && s.mem_limit == host, "no limit: the host's memory");

	/* v1: a directory per controller. */
	mem = put("memory", "memory.usage_in_bytes", "20971520\n");
	put("memory", "memory.limit_in_bytes", "9223372036854771712\n");
	put("memory", "memory.stat", "cache 3145728\nrss 1048576\ninactive_file 1\n"
				     "total_cache 5242880\ntotal_rss 1048576\ntotal_inactive_file 2097152\n");
	cpu = put("cpuacct", "cpuacct.usage", "123456789\n");
	pids = put("pids", "pids.current", "3\n");
	blk = put("blkio", "blkio.throttle.io_service_bytes_recursive",
		  "254:0 Read 1024\n254:0 Write 2048\n254:0 Sync 2048\n254:0 Async 1024\n254:0 Discard 0\n"
		  "254:0 Total 3072\n8:0 Read 10\n8:0 Write 0\nTotal 3082\n");
	memset(&s, 0, sizeof s);
	ok(rc_stats_cgroup_v1(mem, cpu, pids, blk, &s, &e) == 0, "v1 is read");
	ok(s.mem_usage == 20971520 - 2097152 && s.mem_cache == 5242880 && s.mem_limit == host,
	   "v1 memory: usage less total_inactive_file, total_cache, unlimited is the host's");
	ok(s.cpu_ns == 123456789 && s.pids == 3, "v1 cpuacct.usage, pids.current");
	ok(s.blk_read == 1034 && s.blk_write == 2048, "v1 Read and Write summed, Total not counted twice");
	memset(&s, 0, sizeof s);
	ok(rc_stats_cgroup_v1(mem, NULL, NULL, NULL, &s, &e) == 0 && s.cpu_ns == 0 && s.pids == 0,
	   "a v1 controller that is not mounted reads as nothing");
	ok(rc_stats_cgroup_v1("/nonexistent", "/nonexistent", NULL, NULL, &s, &e) < 0,
	   "a cgroup that is gone is an error");

	ok(rc_stats_net_dev(net_dev, &rx, &tx) == 0 && rx == 4300 && tx == 2200,
	   "/proc/net/dev: every interface but lo");

	a = (struct rc_stats){ .running = true, .cpu_ns = 1000000000ULL, .when_ns = 5000000000LL };
	b = (struct rc_stats){ .running = true, .cpu_ns = 2500000000ULL, .when_ns = 6000000000LL };
	ok(rc_stats_cpu_percent(&a, &b) > 149.99 && rc_stats_cpu_percent(&a, &b) < 150.01,
	   "1.5 s of CPU in 1 s is 150%%");
	b.running = false;
	ok(rc_stats_cpu_percent(&a, &b) < 0, "no percent for one that stopped");

	f = open_memstream(&out, &outlen);
	struct rc_stats_row rows[2] = {
		{ .name = "web", .cpu = 12.345,
		  .s = { .running = true, .mem_usage = 1572864, .mem_limit = 67108864, .mem_cache = 0,
			 .pids = 4, .has_net = true, .net_rx = 1234, .net_tx = 648,
			 .blk_read = 0, .blk_write = 4096000 } },
		{ .name = "gone", .cpu = -1 },
	};
	rc_stats_print(f, rows, 2, false, &e);
	fclose(f);
	is_str(out, "NAME   CPU %    MEM USAGE / LIMIT   MEM %   CACHE   NET I/O         BLOCK I/O    PIDS\n"
		    "web    12.35%   1.5MiB / 64MiB      2.34%   0B      1.23kB / 648B   0B / 4.1MB   4\n"
		    "gone   --       --                  --      --      --              --           --\n",
	       "the table: memory in binary units, I/O in decimal ones, -- for what is not running");
	free(out);
	out = NULL;
	f = open_memstream(&out, &outlen);
	rc_stats_print(f, rows + 1, 1, true, &e);
	fclose(f);
	ok(out && strstr(out, "\"name\":\"gone\",\"running\":false,\"cpu_percent\":null") &&
	   strstr(out, "\"net_rx\":null"), "json: null for what is not known");
	free(out);
	rc_rm_rf_at(AT_FDCWD, base, &e);
	return tap_done();
}
