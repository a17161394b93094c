/* stats.h - what a container uses, for rc-stats: memory, CPU time, pids
 * and block I/O from its cgroup (v2: one directory; v1: the memory,
 * cpuacct, pids and blkio hierarchies), network I/O from its network
 * namespace (/proc/PID/net/dev of its first process, through a pidfd
 * proven to be it). Each sample is a read of the kernel's files: there is
 * no daemon to ask. */
#ifndef RC_STATS_H
#define RC_STATS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

#include "base/err.h"
#include "lifecycle/ctr.h"

struct rc_stats {
	bool running;           /* false: nothing else was read */
	uint64_t mem_usage;     /* bytes in use, less the inactive file cache (as
				   docker counts it: what could not be reclaimed
				   at once) */
	uint64_t mem_limit;     /* its limit, or the host's memory when lower */
	uint64_t mem_cache;     /* page cache */
	uint64_t cpu_ns;        /* CPU time used since its cgroup was made */
	uint64_t pids;
	uint64_t blk_read, blk_write;   /* bytes */
	bool has_net;           /* in a network namespace of its own */
	uint64_t net_rx, net_tx;        /* bytes, every interface but lo */
	long long when_ns;      /* CLOCK_MONOTONIC of the sample */
};

/* The cgroup's part from a v2 directory (memory.current, memory.stat,
 * memory.max, cpu.stat, pids.current, io.stat). */
int rc_stats_cgroup_v2(const char *dir, struct rc_stats *s, struct rc_err *e);

/* ... or from v1 directories, one per controller (NULL: not mounted):
 * memory.usage_in_bytes, memory.stat, memory.limit_in_bytes, cpuacct.usage,
 * pids.current, blkio.throttle.io_service_bytes(_recursive). */
int rc_stats_cgroup_v1(const char *memory, const char *cpuacct, const char *pids,
		       const char *blkio, struct rc_stats *s, struct rc_err *e);

/* Bytes received and sent in /proc/net/dev's text, lo left out. */
int rc_stats_net_dev(const char *text, uint64_t *ret_rx, uint64_t *ret_tx);

/* The host's memory, in bytes (MemTotal). */
uint64_t rc_stats_host_memory(void);

/* One sample of container c, whose cgroup is rc/LEAF below base; running
 * false (and 0) when it does not run. */
int rc_stats_sample(const struct rc_ctr *c, const char *base, struct rc_stats *s,
		    struct rc_err *e);

/* The CPU used between two samples of one run, in percent of one CPU
 * (200: two busy CPUs); -1 when it cannot be told. */
double rc_stats_cpu_percent(const struct rc_stats *before, const struct rc_stats *after);

/* One line of rc-stats. */
struct rc_stats_row {
	char name[RC_NAME_MAX + 1];
	struct rc_stats s;
	double cpu;             /* rc_stats_cpu_percent, -1: unknown */
};

/* The table (NAME CPU % MEM USAGE / LIMIT MEM % CACHE NET I/O BLOCK I/O
 * PIDS; memory in binary units, I/O in decimal ones, as docker prints
 * them), or with json one object a line. */
int rc_stats_print(FILE *out, const struct rc_stats_row *rows, size_t n, bool json,
		   struct rc_err *e);

#endif
