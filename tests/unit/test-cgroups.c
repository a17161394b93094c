/* Unit tests for lib/cgroups.c: the v2 backend against a fake cgroupfs
 * directory, and the limit parsers. (The v1 backend is exercised for real
 * by tests/unshare.bats on this machine.) */
#include "runtime/cgroups.h"
#include "base/fs.h"
#include "tap.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

static char *slurp(const char *dir, const char *file)
{
	char path[4096], *data = NULL;

	snprintf(path, sizeof path, "%s/%s", dir, file);
	if (rc_read_file_at(AT_FDCWD, path, 4096, &data, NULL, NULL) < 0)
		return NULL;
	return data;
}

int main(void)
{
	char base[] = "/tmp/rc-cgtest.XXXXXX", dir[4096];
	struct rc_limits lim = { 64 << 20, 128 << 20, 50000, 100000, 77 };
	struct rc_cgroup *cg = NULL;
	struct rc_err e = { 0 };
	int64_t v;
	uint64_t period;
	char *s;
	FILE *f;

	TAP_PLAN(29);

	if (!mkdtemp(base))
		return 1;
	f = fopen(strcat(strcpy(dir, base), "/cgroup.controllers"), "w");
	fputs("cpuset cpu io memory hugetlb pids\n", f);
	fclose(f);
	ok(rc_cgroup_version(base) == 1, "a plain directory is not cgroup2");
	ok(rc_cgroup_create(base, 2, "web", &lim, NULL, &cg, &e) == 0, "creating rc/web on a v2 tree");
	snprintf(dir, sizeof dir, "%s/rc/web", base);
	is_str(rc_cgroup_path(cg), dir, "the cgroup is rc/NAME");
	is_str((s = slurp(base, "cgroup.subtree_control")), "+pids", "controllers are enabled at the root (last write)");
	free(s);
	is_str((s = slurp(dir, "memory.max")), "67108864", "memory.max");
	free(s);
	ok((s = slurp(dir, "memory.swap.max")) == NULL, "memory.swap.max only where the kernel has it");
	free(s);
	is_str((s = slurp(dir, "cpu.max")), "50000 100000", "cpu.max is quota and period");
	free(s);
	is_str((s = slurp(dir, "pids.max")), "77", "pids.max");
	free(s);
	ok(rc_cgroup_enter(cg, 1234, &e) == 0, "entering writes cgroup.procs");
	is_str((s = slurp(dir, "cgroup.procs")), "1234", "the pid is in cgroup.procs");
	free(s);
	/* A real cgroupfs removes its files with the directory. */
	for (const char *const *n = (const char *const[]){ "memory.max", "cpu.max", "pids.max", "cgroup.procs", NULL }; *n; n++) {
		char p[4200];
		snprintf(p, sizeof p, "%s/%s", dir, *n);
		unlink(p);
	}
	ok(rc_cgroup_destroy(cg, &e) == 0 && access(dir, F_OK) < 0, "destroying removes rc/NAME");

	ok(rc_parse_bytes("512m", &v, &e) == 0 && v == 512LL << 20, "512m");
	ok(rc_parse_bytes("1g", &v, &e) == 0 && v == 1LL << 30, "1g");
	ok(rc_parse_bytes("1.5GiB", &v, &e) == 0 && v == 3LL << 29, "1.5GiB");
	ok(rc_parse_bytes("100000", &v, &e) == 0 && v == 100000, "plain bytes");
	ok(rc_parse_bytes("64MB", &v, &e) == 0 && v == 64LL << 20, "64MB is binary, as docker");
	ok(rc_parse_bytes("lots", &v, &e) < 0 && rc_parse_bytes("12q", &v, &e) < 0 &&
	   rc_parse_bytes("-5m", &v, &e) < 0 && rc_parse_bytes("", &v, &e) < 0, "junk is refused");
	ok(rc_parse_cpus("1.5", &v, &period, &e) == 0 && v == 150000 && period == 100000, "1.5 CPUs");
	ok(rc_parse_cpus("0.5", &v, &period, &e) == 0 && v == 50000, "0.5 CPUs");
	ok(rc_parse_cpus("0", &v, &period, &e) < 0 && rc_parse_cpus("-1", &v, &period, &e) < 0, "zero or negative CPUs are refused");
	ok(rc_parse_cpus("two", &v, &period, &e) < 0 && rc_parse_cpus("1x", &v, &period, &e) < 0, "junk CPUs are refused");
	ok(rc_parse_cpus("0.001", &v, &period, &e) < 0, "below 0.01 CPUs is refused");

	/* OOM kills on v2: oom_kill in rc/NAME's memory.events. */
	snprintf(dir, sizeof dir, "%s/rc/oomer", base);
	mkdir(dir, 0755);
	f = fopen(strcat(dir, "/memory.events"), "w");
	fputs("low 0\nhigh 0\nmax 12\noom 3\noom_kill 2\noom_group_kill 0\n", f);
	fclose(f);
	ok(rc_cgroup_oom_kills(base, 2, "oomer") == 2, "v2: the OOM kills are memory.events' oom_kill");
	snprintf(dir, sizeof dir, "%s/rc/oomer", base);
	ok(rc_cgroup_keyed(dir, "memory.events", "oom") == 3 && rc_cgroup_keyed(dir, "memory.events", "nope") == -1,
	   "a key is matched whole, not as the start of another");
	ok(rc_cgroup_oom_kills(base, 2, "nosuch") == 0, "no cgroup, no OOM kill");
	unlink(strcat(dir, "/memory.events"));
	snprintf(dir, sizeof dir, "%s/rc/oomer", base);
	rmdir(dir);

	/* The real v2 backend on this machine's cgroup2 tree, when it has one
	 * (a hybrid host mounts it at /sys/fs/cgroup/unified). */
	const char *v2 = rc_cgroup_version("/sys/fs/cgroup") == 2 ? "/sys/fs/cgroup" :
			 rc_cgroup_version("/sys/fs/cgroup/unified") == 2 ? "/sys/fs/cgroup/unified" : NULL;
	if (!v2 || geteuid() != 0) {
		for (int i = 0; i < 4; i++)
			printf("ok %d - # skip no cgroup2 tree or not root\n", ++tap_n);
	} else {
		char name[64], procs[4200], *got;
		struct rc_limits none = { -1, -1, -1, 0, -1 };
		pid_t kid = fork();

		if (kid == 0) {
			pause();
			_exit(0);
		}
		snprintf(name, sizeof name, "unit-%d", (int)getpid());
		e.msg[0] = 0;
		ok(rc_cgroup_create(v2, 0, name, &none, NULL, &cg, &e) == 0, "a real cgroup2 rc/NAME is made (%s)", e.msg);
		ok(cg && rc_cgroup_enter(cg, kid, &e) == 0, "a process enters it");
		snprintf(procs, sizeof procs, "%s/cgroup.procs", rc_cgroup_path(cg));
		got = NULL;
		rc_read_file_at(AT_FDCWD, procs, 4096, &got, NULL, NULL);
		ok(got && atoi(got) == kid, "and is listed in its cgroup.procs");
		free(got);
		kill(kid, SIGKILL);
		waitpid(kid, NULL, 0);
		snprintf(procs, sizeof procs, "%s", rc_cgroup_path(cg));
		ok(rc_cgroup_destroy(cg, &e) == 0 && access(procs, F_OK) < 0, "it is removed when the process is gone");
	}

	snprintf(dir, sizeof dir, "%s/rc", base);
	unlink(strcat(dir, "/cgroup.subtree_control"));
	snprintf(dir, sizeof dir, "%s/rc", base);
	rmdir(dir);
	rc_rm_rf_at(AT_FDCWD, base, &e);
	return tap_done();
}
