#!/usr/bin/env bats
# rc-unshare side by side with crun: one bundle, run by both, and what the
# process sees compared. The differences that remain are written down in
# man/rc-unshare.1 (COMPARED WITH CRUN) and filtered here by name only.

load helpers/common
load helpers/container

PROBE='grep -E "^(Cap|NoNewPrivs|Seccomp)" /proc/self/status; echo "host=$(hostname)"; id; echo ---env; env | sort; echo ---mounts; cat /proc/self/mounts; echo ---dev; ls /dev'

setup_file() {
	# crun 1.8 refuses a hybrid host whose cgroup2 tree has a controller;
	# moving hugetlb to v1 is the harmless work-around (tests/README.md).
	if ! mountpoint -q /sys/fs/cgroup/hugetlb; then
		mkdir -p /sys/fs/cgroup/hugetlb
		mount -t cgroup -o hugetlb cgroup /sys/fs/cgroup/hugetlb
		touch "$BATS_FILE_TMPDIR/mounted-hugetlb"
	fi
}

teardown_file() {
	if [ -e "$BATS_FILE_TMPDIR/mounted-hugetlb" ]; then
		umount /sys/fs/cgroup/hugetlb || true
	fi
}

setup() {
	RC_ROOT=$BATS_TEST_TMPDIR/root
	export RC_ROOT
	make_container cmp sh -c "$PROBE"
	edit_config cmp '.hostname = "cmp"'
	ID=rc-cmp-$$-$BATS_TEST_NUMBER
}

teardown() {
	crun delete -f "$ID" 2>/dev/null || true
}

run_both() {
	(cd "$RC_ROOT/containers/cmp" && crun run "$ID") >"$BATS_TEST_TMPDIR/crun.out" 2>&1
	rc-unshare cmp >"$BATS_TEST_TMPDIR/rc.out" 2>&1
}

section() { sed -n "/^---$2\$/,/^---/p" "$1" | grep -v '^---'; }

@test "capabilities, NoNewPrivs, hostname and ids are the same as under crun" {
	run_both
	diff <(sed '/^---env/,$d' "$BATS_TEST_TMPDIR/crun.out") <(sed '/^---env/,$d' "$BATS_TEST_TMPDIR/rc.out")
}

@test "the environment is the same as under crun, plus docker's HOSTNAME" {
	run_both
	diff <(section "$BATS_TEST_TMPDIR/crun.out" env) \
		<(section "$BATS_TEST_TMPDIR/rc.out" env | grep -v '^HOSTNAME=cmp$')
	section "$BATS_TEST_TMPDIR/rc.out" env | grep -x 'HOSTNAME=cmp'
}

@test "/dev is the same as under crun" {
	run_both
	diff <(section "$BATS_TEST_TMPDIR/crun.out" dev) <(section "$BATS_TEST_TMPDIR/rc.out" dev)
}

@test "the standard mounts have the same types and options as under crun" {
	run_both
	for m in /proc /sys /dev /dev/pts /dev/shm /dev/mqueue /sys/fs/cgroup/memory /sys/fs/cgroup/pids; do
		a=$(section "$BATS_TEST_TMPDIR/crun.out" mounts | awk -v m="$m" '$2 == m {print $3, $4}')
		b=$(section "$BATS_TEST_TMPDIR/rc.out" mounts | awk -v m="$m" '$2 == m {print $3, $4}')
		echo "$m: crun '$a' rc '$b'"
		[ -n "$a" ]
		[ "$a" = "$b" ]
	done
}

@test "the same paths are mounted as under crun, but for docker's /etc files" {
	run_both
	diff <(section "$BATS_TEST_TMPDIR/crun.out" mounts | awk '{print $2}' | sort) \
		<(section "$BATS_TEST_TMPDIR/rc.out" mounts | awk '{print $2}' |
		  grep -vxE '/etc/(hostname|hosts|resolv.conf)' | sort)
}

@test "masked and read-only paths are read-only under both" {
	run_both
	for p in /proc/keys /proc/timer_list /proc/acpi /sys/firmware /proc/sys /proc/irq /proc/bus /proc/fs; do
		for f in crun rc; do
			section "$BATS_TEST_TMPDIR/$f.out" mounts | awk -v m="$p" '$2 == m {print $4}' | grep -E '^ro,'
		done
	done
}

@test "a seccomp profile has the same effect as under crun" {
	edit_config cmp '.linux.seccomp = {defaultAction: "SCMP_ACT_ALLOW", syscalls: [{names: ["mkdir", "mkdirat"], action: "SCMP_ACT_ERRNO", errnoRet: 1}]}
		| .process.args = ["sh", "-c", "grep ^Seccomp: /proc/self/status; mkdir /x; echo status=$?"]'
	run_both
	cat "$BATS_TEST_TMPDIR/crun.out"
	grep -x 'status=1' "$BATS_TEST_TMPDIR/crun.out"
	diff "$BATS_TEST_TMPDIR/crun.out" "$BATS_TEST_TMPDIR/rc.out"
}

@test "docker's default profile, as rc-unpack writes it, has the same effect as under crun" {
	calls="userns clone-userns clone3 keyctl add_key io_uring userfaultfd bpf perf_event_open kcmp pidfd_getfd personality vsock alg mount"
	edit_config cmp ".process.args = [\"sh\", \"-c\", \"for c in $calls; do echo \$c \$(rc-syscall \$c); done; unshare -U true; echo \$?\"]"
	[ "$(jq -r .linux.seccomp.defaultAction "$RC_ROOT/containers/cmp/config.json")" = SCMP_ACT_ERRNO ]
	run_both
	cat "$BATS_TEST_TMPDIR/crun.out"
	grep -x 'keyctl EPERM' "$BATS_TEST_TMPDIR/crun.out"
	grep -x 'clone3 ENOSYS' "$BATS_TEST_TMPDIR/crun.out"
	diff "$BATS_TEST_TMPDIR/crun.out" "$BATS_TEST_TMPDIR/rc.out"
}
