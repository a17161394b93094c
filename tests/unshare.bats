#!/usr/bin/env bats
bats_require_minimum_version 1.5.0
# rc-unshare: what the process inside really sees, its exit status and
# signals, its limits, and that nothing is left behind.

load helpers/common
load helpers/container

DOCKER_CAPS=$("$BUILD/tests/tools/rc-defaults" caps-mask)

setup() {
	RC_ROOT=$BATS_TEST_TMPDIR/root
	export RC_ROOT
	mkdir -p "$RC_ROOT/containers"
	make_container c1
}

teardown() {
	# Whatever a failed test left running.
	if [ -f "$RC_ROOT/containers/c1/pid" ]; then
		kill -9 "$(cat "$RC_ROOT/containers/c1/pid")" 2>/dev/null || true
		sleep 0.2
	fi
	for p in $(jobs -p); do kill -9 "$p" 2>/dev/null || true; done
}

# Nothing of container NAME may remain: pid file, netns pin, mounts, cgroups.
assert_clean() {
	local name=$1 dir=$RC_ROOT/containers/$1
	[ ! -e "$dir/pid" ]
	[ ! -e "$dir/netns" ]
	[ ! -e "$dir/netns.owner" ]
	! grep -q " $RC_ROOT" /proc/self/mountinfo
	! ls -d /sys/fs/cgroup/*/rc/"$(cgroup_leaf "$name")" 2>/dev/null
}

wait_for_file() {
	for _ in $(seq 100); do [ -s "$1" ] && return 0; sleep 0.05; done
	return 1
}

# ---- what the process sees ----

@test "the process is pid 1 and sees no host process" {
	run rc-unshare c1 -- ps -o pid,comm
	[ "$status" -eq 0 ]
	[ "$(echo "$output" | sed -n 2p | awk '{print $1}')" = 1 ]
	[ "$(echo "$output" | wc -l)" -eq 2 ]
	run rc-unshare c1 -- sh -c 'ls /proc | grep -c "^[0-9]"'
	[ "$output" -le 3 ]
}

@test "with --init the command is the child of a reaper at pid 1" {
	run rc-unshare --init c1 -- sh -c 'echo $$; cat /proc/$$/stat | cut -d" " -f4'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = 2 ]
	[ "${lines[1]}" = 1 ]
}

@test "the hostname is the container's name, the config's, or --hostname" {
	run rc-unshare c1 -- hostname
	[ "$output" = c1 ]
	edit_config c1 '.hostname = "fromconfig"'
	run rc-unshare c1 -- cat /etc/hostname
	[ "$output" = fromconfig ]
	run rc-unshare --hostname web c1 -- sh -c 'hostname; echo $HOSTNAME; grep -c web /etc/hosts'
	[ "${lines[0]}" = web ]
	[ "${lines[1]}" = web ]
	[ "${lines[2]}" = 1 ]
	[ "$(hostname)" != web ]
}

@test "the mount table has docker's /proc, /sys, /dev, /dev/pts, /dev/shm and /dev/mqueue" {
	run rc-unshare c1 -- cat /proc/self/mounts
	[ "$status" -eq 0 ]
	echo "$output" | grep -E '^proc /proc proc rw,nosuid,nodev,noexec'
	echo "$output" | grep -E '^sysfs /sys sysfs ro,nosuid,nodev,noexec'
	echo "$output" | grep -E '^tmpfs /dev tmpfs rw,nosuid,size=65536k,mode=755'
	echo "$output" | grep -E '^devpts /dev/pts devpts rw,nosuid,noexec,.*gid=5,mode=620,ptmxmode=666'
	echo "$output" | grep -E '^shm /dev/shm tmpfs rw,nosuid,nodev,noexec,.*size=65536k'
	echo "$output" | grep -E '^mqueue /dev/mqueue mqueue rw,nosuid,nodev,noexec'
	echo "$output" | grep -E ' /sys/fs/cgroup tmpfs ro,'
	echo "$output" | grep -E '^cgroup /sys/fs/cgroup/memory cgroup ro,.*memory'
}

@test "/dev holds exactly the standard devices and links" {
	run rc-unshare c1 -- sh -c 'cd /dev && ls | tr "\n" " "; echo; stat -c "%n %t:%T %a" null zero full random urandom tty; for l in ptmx fd stdin; do readlink $l; done'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "core fd full mqueue null ptmx pts random shm stderr stdin stdout tty urandom zero " ]
	echo "$output" | grep -x 'null 1:3 666'
	echo "$output" | grep -x 'urandom 1:9 666'
	echo "$output" | grep -x 'tty 5:0 666'
	echo "$output" | grep -x 'pts/ptmx'
	echo "$output" | grep -x '/proc/self/fd/0'
}

@test "CapEff, CapBnd and NoNewPrivs are docker's defaults; nothing inheritable or ambient" {
	run rc-unshare c1 -- grep -E '^(Cap|NoNewPrivs)' /proc/self/status
	[ "$status" -eq 0 ]
	echo "$output" | grep -x "CapEff:	$DOCKER_CAPS"
	echo "$output" | grep -x "CapPrm:	$DOCKER_CAPS"
	echo "$output" | grep -x "CapBnd:	$DOCKER_CAPS"
	echo "$output" | grep -x "CapInh:	0000000000000000"
	echo "$output" | grep -x "CapAmb:	0000000000000000"
	echo "$output" | grep -x "NoNewPrivs:	1"
}

@test "the process cannot mount" {
	run rc-unshare c1 -- rc-probe mount
	[ "$status" -eq 1 ]
	[ "$output" = "Operation not permitted" ]
}

@test "the process cannot load a kernel module" {
	run rc-unshare c1 -- rc-probe module
	[ "$status" -eq 1 ]
	[ "$output" != ok ]
	run rc-unshare c1 -- grep CapBnd /proc/self/status
	# CAP_SYS_MODULE is bit 16
	[ $(( 0x${output##*	} & (1 << 16) )) -eq 0 ]
}

@test "the process cannot change the host name" {
	before=$(hostname)
	run rc-unshare c1 -- rc-probe sethostname
	[ "$status" -eq 1 ]
	[ "$output" = "Operation not permitted" ]
	[ "$(hostname)" = "$before" ]
}

@test "a device node made inside cannot open the host's disk" {
	dev=$(mountpoint -d /)
	run rc-unshare c1 -- sh -c "mknod /tmp/disk b ${dev%%:*} ${dev##*:} && head -c 4 /tmp/disk"
	[ "$status" -ne 0 ]
	echo "$output" | grep 'Operation not permitted'
}

@test "the config's device rules are honoured: a device it allows opens" {
	probe='rm -f /tmp/fuse; mknod /tmp/fuse c 10 229 && { exec 3<>/tmp/fuse; } && echo opened'
	run rc-unshare c1 -- sh -c "$probe"
	[ "$status" -ne 0 ]
	echo "$output" | grep 'Operation not permitted'
	edit_config c1 '.linux.resources.devices += [{allow: true, type: "c", major: 10, minor: 229, access: "rw"}]'
	run rc-unshare c1 -- sh -c "$probe"
	[ "$status" -eq 0 ]
	[ "$output" = opened ]
}

@test "a config that only denies every device still has the standard ones" {
	edit_config c1 '.linux.resources.devices = [{allow: false, access: "rwm"}]'
	run rc-unshare c1 -- sh -c 'echo x >/dev/null && head -c 1 /dev/zero | wc -c && head -c 4 /tmp/disk'
	[ "${lines[0]}" = 1 ]
	dev=$(mountpoint -d /)
	run rc-unshare c1 -- sh -c "mknod /tmp/disk b ${dev%%:*} ${dev##*:} && head -c 4 /tmp/disk"
	[ "$status" -ne 0 ]
	echo "$output" | grep 'Operation not permitted'
}

@test "a device rule rc-unshare cannot read is a clear error" {
	edit_config c1 '.linux.resources.devices = [{allow: true, type: "x"}]'
	run rc-unshare c1 -- true
	[ "$status" -eq 125 ]
	echo "$output" | grep 'linux.resources.devices\[0\]: type must be a, c or b'
}

@test "the process cannot see the host's root" {
	echo secret >"$BATS_TEST_TMPDIR/host-only"
	run rc-unshare c1 -- sh -c "cat '$BATS_TEST_TMPDIR/host-only'; ls /; grep -c '' /proc/self/mountinfo"
	[ "$status" -eq 0 ]
	! echo "$output" | grep -q secret
	[ "$(echo "$output" | sed -n '/^bin$/,/^var$/p' | tr '\n' ' ')" = "$(ls "$RC_ROOT/containers/c1/rootfs" | tr '\n' ' ')" ]
	# no mount point of the host's is in the container's table
	run rc-unshare c1 -- sh -c 'cut -d" " -f5 /proc/self/mountinfo'
	! echo "$output" | grep -q "$RC_ROOT"
	! echo "$output" | grep -qx /work
}

@test "masked paths read empty" {
	run rc-unshare c1 -- sh -c 'for f in /proc/keys /proc/timer_list /proc/sched_debug; do [ -e $f ] && wc -c <$f; done; ls -A /sys/firmware | wc -l'
	[ "$status" -eq 0 ]
	[ "$(echo "$output" | sort -u)" = 0 ]
	[ "$(cat /proc/keys | wc -c)" -gt 0 ]
}

@test "read-only paths cannot be written" {
	run rc-unshare c1 -- sh -c 'echo 1 >/proc/sys/kernel/domainname'
	[ "$status" -ne 0 ]
	echo "$output" | grep -i 'read-only'
}

@test "the process gets no descriptor but stdio, even when the caller has more open" {
	exec 7</dev/null 8>"$BATS_TEST_TMPDIR/x"
	run rc-unshare c1 -- rc-probe fds
	exec 7<&- 8>&-
	[ "$status" -eq 0 ]
	[ "$output" = "0 1 2" ]
	run rc-unshare --init c1 -- sh -c 'ls /proc/1/fd'
	[ "$output" = "$(printf '0\n1\n2')" ]
}

@test "nothing of the host's rc-unshare is reachable from inside, even under --init" {
	run rc-unshare c1 -- readlink /proc/1/exe
	[ "$output" = /usr/local/bin/rc-probe ] || [ "$output" = /bin/busybox ]
	run rc-unshare --init c1 -- sh -c 'readlink /proc/1/exe; cat /proc/1/exe >/dev/null'
	[ "$status" -ne 0 ]
	echo "$output" | grep 'Permission denied'
	! echo "$output" | grep -q 'rc-unshare$'
}

@test "the working directory is inside the container" {
	run rc-unshare -w /var/www c1 -- rc-probe cwd
	[ "$output" = /var/www ]
}

SECCOMP='{defaultAction: "SCMP_ACT_ALLOW", architectures: ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"],
  syscalls: [{names: ["mkdir", "mkdirat"], action: "SCMP_ACT_ERRNO"},
             {names: ["chmod", "fchmodat"], action: "SCMP_ACT_ERRNO", errnoRet: 13},
             {names: ["no_such_syscall"], action: "SCMP_ACT_KILL"},
             {names: ["personality"], action: "SCMP_ACT_ERRNO",
              args: [{index: 0, value: 8, op: "SCMP_CMP_EQ"}, {index: 0, value: 9, op: "SCMP_CMP_EQ"}]}]}'

@test "the config's seccomp profile is applied" {
	edit_config c1 ".linux.seccomp = $SECCOMP"
	run rc-unshare c1 -- sh -c 'grep "^Seccomp:" /proc/self/status; mkdir /x; chmod 700 /tmp; touch /ok && echo touched'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "Seccomp:	2" ]
	echo "$output" | grep "mkdir: can't create directory '/x': Operation not permitted"
	echo "$output" | grep "chmod: /tmp: Permission denied"
	echo "$output" | grep -x touched
}

@test "a seccomp profile loads for a user without no_new_privs too" {
	edit_config c1 ".linux.seccomp = $SECCOMP | .process.noNewPrivileges = false | .process.user = {uid: 1000, gid: 1000}"
	run rc-unshare c1 -- sh -c 'grep -E "^(Seccomp|NoNewPrivs):" /proc/self/status; mkdir /tmp/x'
	[ "${lines[0]}" = "NoNewPrivs:	0" ]
	[ "${lines[1]}" = "Seccomp:	2" ]
	echo "$output" | grep 'Operation not permitted'
}

@test "a seccomp profile rc-unshare cannot apply is a clear error" {
	edit_config c1 '.linux.seccomp = {defaultAction: "SCMP_ACT_SOMETHING"}'
	run rc-unshare c1 -- true
	[ "$status" -eq 125 ]
	echo "$output" | grep 'seccomp: unsupported action SCMP_ACT_SOMETHING'
	assert_clean c1
}

# ---- environment, working directory, user ----

@test "environment and working directory come from the config" {
	edit_config c1 '.process.env += ["GREETING=hello"] | .process.cwd = "/etc"'
	run rc-unshare c1 -- sh -c 'echo $GREETING; pwd; echo $HOME; echo $PATH'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = hello ]
	[ "${lines[1]}" = /etc ]
	[ "${lines[2]}" = /root ]
	[ "${lines[3]}" = /usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin ]
}

@test "the umask and oom_score_adj are the config's (022 by default)" {
	run rc-unshare c1 -- sh -c 'umask; cat /proc/self/oom_score_adj'
	[ "${lines[0]}" = 0022 ]
	edit_config c1 '.process.user.umask = 63 | .process.oomScoreAdj = 500'
	run rc-unshare c1 -- sh -c 'umask; cat /proc/self/oom_score_adj'
	[ "${lines[0]}" = 0077 ]
	[ "${lines[1]}" = 500 ]
}

@test "-e, --env-file and -w override the config" {
	edit_config c1 '.process.env += ["GREETING=hello"]'
	printf '# comment\nFROMFILE=yes\n\nGREETING=file\n' >"$BATS_TEST_TMPDIR/env"
	export PASSED=through
	run rc-unshare --env-file "$BATS_TEST_TMPDIR/env" -e GREETING=bye -e PASSED -w /new/dir c1 -- \
		sh -c 'echo $GREETING $FROMFILE $PASSED; pwd'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "bye yes through" ]
	[ "${lines[1]}" = /new/dir ]
}

@test "the user is the config's uid and gid with its additional groups" {
	edit_config c1 '.process.user = {uid: 1000, gid: 1000, additionalGids: [10]}'
	run rc-unshare c1 -- sh -c 'id -u; id -g; id -G; grep CapEff /proc/self/status'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = 1000 ]
	[ "${lines[1]}" = 1000 ]
	[ "${lines[2]}" = "1000 10" ]
	[ "${lines[3]}" = "CapEff:	0000000000000000" ]
}

@test "-u names are resolved in the container's own passwd and group files" {
	echo 'rcuser:x:1234:1234:rc:/home/rcuser:/bin/sh' >>"$RC_ROOT/containers/c1/rootfs/etc/passwd"
	echo 'rcgroup:x:4321:rcuser' >>"$RC_ROOT/containers/c1/rootfs/etc/group"
	run rc-unshare -u rcuser c1 -- sh -c 'id -un; id -u; id -g; id -G; echo $HOME'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = rcuser ]
	[ "${lines[1]}" = 1234 ]
	[ "${lines[2]}" = 1234 ]
	[ "${lines[3]}" = "1234 4321" ]
	[ "${lines[4]}" = /home/rcuser ]
	run rc-unshare -u nobody:wheel c1 -- sh -c 'id -u; id -g'
	[ "${lines[0]}" = 65534 ]
	[ "${lines[1]}" = 10 ]
	run rc-unshare -u 4242:4343 c1 -- sh -c 'id -u; id -g'
	[ "${lines[0]}" = 4242 ]
	[ "${lines[1]}" = 4343 ]
}

@test "an unknown -u user is a clear error" {
	run rc-unshare -u nosuchuser c1 -- true
	[ "$status" -eq 125 ]
	echo "$output" | grep 'unable to find user nosuchuser'
	assert_clean c1
}

# ---- exit status and signals ----

@test "Alpine's /bin/sh runs and its exit status 42 comes back as 42" {
	run rc-unshare c1 -- /bin/sh -c 'echo alive; exit 42'
	[ "$status" -eq 42 ]
	[ "$output" = alive ]
}

@test "the configs that crun spec and runc spec write run too" {
	for tool in crun runc; do
		mkdir "$RC_ROOT/containers/$tool"
		mv "$RC_ROOT/containers/c1/rootfs" "$RC_ROOT/containers/$tool/"
		(cd "$RC_ROOT/containers/$tool" && $tool spec)
		edit_config "$tool" '.process.terminal = false | .process.args = ["sh", "-c", "hostname; grep CapEff /proc/self/status; ulimit -n"]'
		run rc-unshare "$tool"
		[ "$status" -eq 0 ]
		[ "${lines[0]}" = "$tool" ]
		[ "${lines[1]}" = "CapEff:	0000000020000420" ]
		[ "${lines[2]}" = 1024 ]
		mv "$RC_ROOT/containers/$tool/rootfs" "$RC_ROOT/containers/c1/"
	done
}

@test "the config's command runs when none is given" {
	edit_config c1 '.process.args = ["/bin/echo", "from", "config"]'
	run rc-unshare c1
	[ "$status" -eq 0 ]
	[ "$output" = "from config" ]
}

@test "a command that is not found exits 127 and one that cannot run 126, with a message" {
	run -127 rc-unshare c1 -- no-such-command
	[ "$status" -eq 127 ]
	echo "$output" | grep 'no-such-command.*not found'
	run rc-unshare c1 -- /etc/passwd
	[ "$status" -eq 126 ]
	echo "$output" | grep 'Permission denied'
	assert_clean c1
}

@test "SIGTERM sent to rc-unshare ends the container with 143" {
	rc-unshare --init c1 -- sleep 30 &
	pid=$!
	wait_for_file "$RC_ROOT/containers/c1/pid"
	sleep 0.2
	kill -TERM "$pid"
	status=0
	wait "$pid" || status=$?
	[ "$status" -eq 143 ]
	assert_clean c1
}

@test "SIGINT, SIGHUP, SIGUSR1 reach the container's process" {
	rc-unshare c1 -- sh -c 'trap "echo got-USR1" USR1; trap "echo got-HUP" HUP; trap "echo got-INT; exit 7" INT; echo ready; while :; do sleep 0.1; done' >"$BATS_TEST_TMPDIR/out" &
	pid=$!
	wait_for_file "$BATS_TEST_TMPDIR/out"
	kill -USR1 "$pid"; sleep 0.3
	kill -HUP "$pid"; sleep 0.3
	kill -INT "$pid"
	status=0
	wait "$pid" || status=$?
	[ "$status" -eq 7 ]
	grep got-USR1 "$BATS_TEST_TMPDIR/out"
	grep got-HUP "$BATS_TEST_TMPDIR/out"
	grep got-INT "$BATS_TEST_TMPDIR/out"
}

@test "-t gives the process a terminal with the caller's size" {
	run script -qec "stty rows 33 cols 91; rc-unshare -t c1 -- sh -c 'tty; stty size; [ -t 0 ] && echo stdin-tty; exit 3'" /dev/null
	[ "$status" -eq 3 ]
	echo "$output" | grep '^/dev/pts/0'
	echo "$output" | grep '^33 91'
	echo "$output" | grep 'stdin-tty'
}

@test "-t -i passes keystrokes and restores the caller's terminal" {
	cat >"$BATS_TEST_TMPDIR/drive" <<-'SH'
	stty -a | grep -o ' icanon' >before
	(sleep 1; printf 'echo typed-$((6*7))\r'; sleep 0.5; printf 'exit 4\r') | rc-unshare -t -i c1 -- /bin/sh
	echo "status=$?"
	stty -a | grep -o ' icanon' >after
	SH
	cd "$BATS_TEST_TMPDIR"
	run script -qec "sh ./drive" /dev/null
	echo "$output" | grep 'typed-42'
	echo "$output" | grep 'status=4'
	[ "$(cat before)" = "$(cat after)" ]
}

@test "-i passes stdin; without it the process reads nothing" {
	run sh -c 'echo piped | rc-unshare -i c1 -- cat'
	[ "$output" = piped ]
	run sh -c 'echo piped | rc-unshare c1 -- cat'
	[ "$status" -eq 0 ]
	[ "$output" = "" ]
}

# ---- limits ----

@test "a memory hog over --memory is killed with 137" {
	run rc-unshare --memory 32m c1 -- rc-probe hog
	[ "$status" -eq 137 ]
	assert_clean c1
}

@test "a fork bomb stops at --pids-limit" {
	run rc-unshare --pids-limit 20 c1 -- rc-probe forkbomb 200
	[ "$status" -eq 0 ]
	[ "$output" -le 20 ]
	[ "$output" -ge 10 ]
}

@test "the container's cgroup carries the memory, CPU and pids limits while it runs" {
	rc-unshare --memory 64m --cpus 0.5 --pids-limit 50 c1 -- sleep 5 &
	pid=$!
	wait_for_file "$RC_ROOT/containers/c1/pid"
	cpid=$(cat "$RC_ROOT/containers/c1/pid")
	[ "$(cat /sys/fs/cgroup/memory/rc/$(cgroup_leaf c1)/memory.limit_in_bytes)" = 67108864 ]
	[ "$(cat /sys/fs/cgroup/cpu/rc/$(cgroup_leaf c1)/cpu.cfs_quota_us)" = 50000 ]
	[ "$(cat /sys/fs/cgroup/cpu/rc/$(cgroup_leaf c1)/cpu.cfs_period_us)" = 100000 ]
	[ "$(cat /sys/fs/cgroup/pids/rc/$(cgroup_leaf c1)/pids.max)" = 50 ]
	grep -qx "$cpid" /sys/fs/cgroup/memory/rc/$(cgroup_leaf c1)/cgroup.procs
	kill -TERM "$pid"
	kill -9 "$cpid"
	wait "$pid" || true
	assert_clean c1
}

@test "the config's resources and rlimits apply" {
	edit_config c1 '.linux.resources.pids = {limit: 30} | .process.rlimits = [{type: "RLIMIT_NOFILE", soft: 512, hard: 1024}]'
	run rc-unshare c1 -- sh -c 'ulimit -n; ulimit -Hn; cat /sys/fs/cgroup/pids/pids.max'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = 512 ]
	[ "${lines[1]}" = 1024 ]
	[ "${lines[2]}" = 30 ]
}

@test "the config's namespaced sysctls apply inside only; others are refused" {
	host=$(cat /proc/sys/net/ipv4/ip_unprivileged_port_start)
	edit_config c1 '.linux.sysctl = {"net.ipv4.ip_unprivileged_port_start": "0", "kernel.shmmni": "1234"}'
	run rc-unshare c1 -- cat /proc/sys/net/ipv4/ip_unprivileged_port_start /proc/sys/kernel/shmmni
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = 0 ]
	[ "${lines[1]}" = 1234 ]
	[ "$(cat /proc/sys/net/ipv4/ip_unprivileged_port_start)" = "$host" ]
	run rc-unshare --net host c1 -- true
	[ "$status" -eq 125 ]
	echo "$output" | grep "shares the host's network namespace"
	[ "$(cat /proc/sys/net/ipv4/ip_unprivileged_port_start)" = "$host" ]
	edit_config c1 '.linux.sysctl = {"kernel.panic": "1"}'
	run rc-unshare c1 -- true
	[ "$status" -eq 125 ]
	echo "$output" | grep 'kernel.panic is not namespaced'
	assert_clean c1
}

@test "an rlimit above the hard limit is refused clearly" {
	hard=$(ulimit -Hn)
	edit_config c1 ".process.rlimits = [{type: \"RLIMIT_NOFILE\", soft: $((hard + 1)), hard: $((hard + 1))}]"
	run rc-unshare c1 -- true
	eff=$(sed -n 's/^CapEff:\t//p' /proc/self/status)
	# CAP_SYS_RESOURCE is bit 24: without it (as on the CI machines) the
	# hard limit cannot be raised.
	if [ $(( 0x$eff & (1 << 24) )) -ne 0 ]; then
		[ "$status" -eq 0 ]
	else
		[ "$status" -eq 125 ]
		echo "$output" | grep 'CAP_SYS_RESOURCE'
	fi
	assert_clean c1
}

# ---- lifetime and state ----

@test "-d prints the pid, keeps the pid file while running, appends output to the log" {
	echo "earlier" >"$RC_ROOT/containers/c1/log"
	run rc-unshare -d c1 -- sh -c 'echo started; sleep 1; echo done'
	[ "$status" -eq 0 ]
	pid=$output
	[ "$(cat "$RC_ROOT/containers/c1/pid")" = "$pid" ]
	kill -0 "$pid"
	for _ in $(seq 100); do [ -e "$RC_ROOT/containers/c1/pid" ] || break; sleep 0.05; done
	for _ in $(seq 50); do grep -q done "$RC_ROOT/containers/c1/log" && break; sleep 0.05; done
	sleep 0.2
	[ "$(rc-logs c1)" = "$(printf 'earlier\nstarted\ndone')" ]
	assert_clean c1
}

@test "-d reports a failure to start with its status, and leaves nothing behind" {
	run -127 rc-unshare -d c1 -- no-such-command
	echo "$output" | grep 'no-such-command.*not found'
	sleep 0.2
	assert_clean c1
}

@test "-d --rm removes the container once it ends" {
	run rc-unshare -d --rm c1 -- true
	[ "$status" -eq 0 ]
	for _ in $(seq 100); do [ -e "$RC_ROOT/containers/c1" ] || break; sleep 0.05; done
	[ ! -e "$RC_ROOT/containers/c1" ]
}

@test "a second rc-unshare of a running container is refused" {
	pid=$(rc-unshare -d c1 -- sleep 3)
	run rc-unshare c1 -- true
	[ "$status" -eq 125 ]
	echo "$output" | grep 'already running'
	kill -9 "$pid"
	for _ in $(seq 100); do [ -e "$RC_ROOT/containers/c1/pid" ] || break; sleep 0.05; done
	assert_clean c1
}

@test "the end of a container leaves no mount, cgroup or pid file behind" {
	run rc-unshare c1 -- true
	[ "$status" -eq 0 ]
	assert_clean c1
	# Besides the lifecycle's record of the run (ctr.h) and the seccomp filter
	# it got, kept for rc-exec and the next start (secopt.h).
	[ "$(ls "$RC_ROOT/containers/c1" | grep -vxE 'monitor|started|exit|finished|security|seccomp.bpf|options')" = "$(printf 'config.json\nrootfs')" ]
}

@test "what a killed rc-unshare left behind is cleaned up by the next run" {
	rc-unshare c1 -- sleep 30 &
	pid=$!
	wait_for_file "$RC_ROOT/containers/c1/pid"
	cpid=$(cat "$RC_ROOT/containers/c1/pid")
	kill -9 "$pid"
	wait "$pid" || true
	for _ in $(seq 100); do kill -0 "$cpid" 2>/dev/null || break; sleep 0.05; done
	! kill -0 "$cpid" 2>/dev/null
	[ -e "$RC_ROOT/containers/c1/pid" ]
	run rc-unshare --hostname fresh c1 -- cat /etc/hostname
	[ "$status" -eq 0 ]
	[ "$output" = fresh ]
	assert_clean c1
	[ "$(ls "$RC_ROOT/containers/c1" | grep -vxE 'pid|monitor|started|exit|finished|security|seccomp.bpf|options')" = "$(printf 'config.json\nrootfs')" ]
}

@test "--rm removes the container when it ends" {
	run rc-unshare --rm c1 -- true
	[ "$status" -eq 0 ]
	[ ! -e "$RC_ROOT/containers/c1" ]
	assert_clean c1
}

@test "-r runs a bare root filesystem with default settings" {
	run rc-unshare -r "$RC_ROOT/containers/c1/rootfs" -- sh -c 'echo $$; grep CapEff /proc/self/status'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = 1 ]
	[ "${lines[1]}" = "CapEff:	$DOCKER_CAPS" ]
	! ls /tmp/rc-unshare.* 2>/dev/null
}

@test "--read-only makes the root filesystem read-only" {
	run rc-unshare --read-only c1 -- touch /file
	[ "$status" -ne 0 ]
	echo "$output" | grep -i 'read-only'
	run rc-unshare --read-only c1 -- touch /dev/shm/ok
	[ "$status" -eq 0 ]
}

# ---- volumes and mount targets ----

@test "-v bind-mounts a host directory, read-only with :ro" {
	mkdir "$BATS_TEST_TMPDIR/vol"
	echo host-data >"$BATS_TEST_TMPDIR/vol/file"
	run rc-unshare -v "$BATS_TEST_TMPDIR/vol:/data" c1 -- sh -c 'cat /data/file; echo new >/data/new'
	[ "$status" -eq 0 ]
	[ "$output" = host-data ]
	[ "$(cat "$BATS_TEST_TMPDIR/vol/new")" = new ]
	run rc-unshare -v "$BATS_TEST_TMPDIR/vol:/data:ro" c1 -- sh -c 'echo x >/data/file'
	[ "$status" -ne 0 ]
	[ "$(cat "$BATS_TEST_TMPDIR/vol/file")" = host-data ]
}

@test "a symlink in the image cannot send a -v target outside the rootfs" {
	mkdir "$BATS_TEST_TMPDIR/vol" "$BATS_TEST_TMPDIR/victim"
	ln -s "$BATS_TEST_TMPDIR/victim" "$RC_ROOT/containers/c1/rootfs/escape"
	run rc-unshare -v "$BATS_TEST_TMPDIR/vol:/escape/x" c1 -- true
	[ "$status" -eq 0 ]
	[ -z "$(ls -A "$BATS_TEST_TMPDIR/victim")" ]
	[ -d "$RC_ROOT/containers/c1/rootfs/$BATS_TEST_TMPDIR/victim/x" ]
}

@test "/proc on a symlink planted by the image is refused" {
	rmdir "$RC_ROOT/containers/c1/rootfs/proc"
	ln -s /tmp "$RC_ROOT/containers/c1/rootfs/proc"
	run rc-unshare c1 -- true
	[ "$status" -eq 125 ]
	echo "$output" | grep 'proc.*/proc.*Too many levels of symbolic links'
	assert_clean c1
}

@test "a masked path is covered only by the real /dev/null" {
	# Without a /dev tmpfs the image's own /dev/null would be used: a
	# regular file there must not mask anything.
	edit_config c1 'del(.mounts[] | select(.destination | startswith("/dev")))'
	mkdir -p "$RC_ROOT/containers/c1/rootfs/dev"
	echo fake >"$RC_ROOT/containers/c1/rootfs/dev/null"
	run rc-unshare c1 -- true
	[ "$status" -eq 125 ]
	echo "$output" | grep 'not the null device'
	assert_clean c1
}

# ---- network ----

@test "the container gets its own network namespace with only lo, pinned while it runs" {
	rc-unshare c1 -- sh -c 'ip -o link | cut -d: -f2 | tr -d " "; sleep 2' >"$BATS_TEST_TMPDIR/out" &
	pid=$!
	wait_for_file "$BATS_TEST_TMPDIR/out"
	[ "$(cat "$BATS_TEST_TMPDIR/out")" = lo ]
	[ "$(stat -f -c %T "$RC_ROOT/containers/c1/netns")" = nsfs ]
	cpid=$(cat "$RC_ROOT/containers/c1/pid")
	[ "$(readlink /proc/$cpid/ns/net)" = "$(nsenter --net="$RC_ROOT/containers/c1/netns" readlink /proc/self/ns/net)" ]
	wait "$pid"
	assert_clean c1
}

@test "an existing pinned network namespace is joined and left in place" {
	touch "$RC_ROOT/containers/c1/netns"
	unshare --net="$RC_ROOT/containers/c1/netns" true
	nsenter --net="$RC_ROOT/containers/c1/netns" ip link add rctest0 type veth peer name rctest1
	run rc-unshare c1 -- sh -c 'ip -o link | grep -c rctest'
	[ "$output" = 2 ]
	[ "$(stat -f -c %T "$RC_ROOT/containers/c1/netns")" = nsfs ]
	umount "$RC_ROOT/containers/c1/netns"
	rm "$RC_ROOT/containers/c1/netns"
}

@test "a pin left by a killed rc-unshare is replaced, not joined" {
	touch "$RC_ROOT/containers/c1/netns"
	unshare --net="$RC_ROOT/containers/c1/netns" true
	echo rc-unshare >"$RC_ROOT/containers/c1/netns.owner"
	old=$(nsenter --net="$RC_ROOT/containers/c1/netns" readlink /proc/self/ns/net)
	run rc-unshare c1 -- readlink /proc/self/ns/net
	[ "$status" -eq 0 ]
	[ "$output" != "$old" ]
	assert_clean c1
}

@test "--net none has only lo and --net host sees the host's links" {
	run rc-unshare --net none c1 -- sh -c 'ip -o link | wc -l'
	[ "$output" = 1 ]
	[ ! -e "$RC_ROOT/containers/c1/netns" ]
	run rc-unshare --net host c1 -- sh -c 'ip -o link | wc -l'
	[ "$output" = "$(ip -o link | wc -l)" ]
}

@test "hostname, hosts and resolv.conf from the container directory are used" {
	echo netup-host >"$RC_ROOT/containers/c1/hostname"
	printf '10.1.2.3\tnetup-host\n' >"$RC_ROOT/containers/c1/hosts"
	echo 'nameserver 10.9.9.9' >"$RC_ROOT/containers/c1/resolv.conf"
	run rc-unshare c1 -- cat /etc/hostname /etc/hosts /etc/resolv.conf
	[ "$output" = "$(printf 'netup-host\n10.1.2.3\tnetup-host\nnameserver 10.9.9.9')" ]
	[ -f "$RC_ROOT/containers/c1/hosts" ]
}

@test "without them rc-unshare writes defaults, removed again at the end" {
	run rc-unshare c1 -- sh -c 'cat /etc/hosts; grep -c nameserver /etc/resolv.conf'
	echo "$output" | grep -P '^127\.0\.0\.1\tlocalhost$'
	echo "$output" | grep -P '\tc1$'
	[ "${lines[-1]}" -ge 1 ]
	[ ! -e "$RC_ROOT/containers/c1/hosts" ]
}

@test "busybox httpd in the container serves a page" {
	pid=$(rc-unshare -d c1 -- /usr/local/bin/busybox httpd -f -p 80 -h /var/www)
	for _ in $(seq 100); do
		out=$(nsenter --net="$RC_ROOT/containers/c1/netns" curl -s --max-time 2 http://127.0.0.1:80/) && break
		sleep 0.05
	done
	kill -TERM "$pid" || true
	kill -9 "$pid" 2>/dev/null || true
	[ "$out" = '<h1>hello from rc</h1>' ]
	for _ in $(seq 100); do [ -e "$RC_ROOT/containers/c1/pid" ] || break; sleep 0.05; done
	assert_clean c1
}

# ---- bad input ----

@test "an unknown NAME is a clear error and creates nothing" {
	run rc-unshare nosuch -- true
	[ "$status" -eq 125 ]
	echo "$output" | grep 'no such container: nosuch'
	[ ! -e "$RC_ROOT/containers/nosuch" ]
}

@test "a malformed NAME is a usage error" {
	run rc-unshare '../etc' -- true
	[ "$status" -eq 2 ]
	echo "$output" | grep 'invalid container name'
}

@test "a missing rootfs is a clear error" {
	rm -rf "$RC_ROOT/containers/c1/rootfs"
	run rc-unshare c1 -- true
	[ "$status" -eq 125 ]
	echo "$output" | grep 'root filesystem.*No such file or directory'
	assert_clean c1
}

@test "a config.json that is not JSON is a clear error" {
	echo '{ not json' >"$RC_ROOT/containers/c1/config.json"
	run rc-unshare c1 -- true
	[ "$status" -eq 125 ]
	echo "$output" | grep 'config.json: not valid JSON'
	assert_clean c1
}

@test "a config.json naming a command that does not exist exits 127" {
	edit_config c1 '.process.args = ["/usr/bin/nothing-here"]'
	run -127 rc-unshare c1
	[ "$status" -eq 127 ]
	echo "$output" | grep 'nothing-here.*No such file or directory'
	assert_clean c1
}

@test "a -v source that does not exist is a clear error" {
	run rc-unshare -v /no/such/dir:/data c1 -- true
	[ "$status" -eq 125 ]
	echo "$output" | grep 'volume source /no/such/dir: No such file or directory'
	[ ! -e "$RC_ROOT/containers/c1/rootfs/data" ]
	assert_clean c1
}

@test "a malformed -v is a usage error" {
	run rc-unshare -v relative:/data c1 -- true
	[ "$status" -eq 2 ]
	echo "$output" | grep 'invalid volume'
	run rc-unshare -v /tmp c1 -- true
	[ "$status" -eq 2 ]
	run rc-unshare -v /tmp:/data:rx c1 -- true
	[ "$status" -eq 2 ]
}

@test "options may follow NAME, and a command without -- keeps its own options" {
	run rc-unshare c1 -e A=1 sh -c 'echo $A-$0' zero
	[ "$status" -eq 0 ]
	[ "$output" = 1-zero ]
	run rc-unshare c1 ls -d /etc
	[ "$output" = /etc ]
}

@test "a --memory, --cpus or --pids-limit that does not parse is a usage error" {
	run rc-unshare --memory lots c1 -- true
	[ "$status" -eq 2 ]
	echo "$output" | grep -- '--memory: invalid size "lots"'
	run rc-unshare --memory 12q c1 -- true
	[ "$status" -eq 2 ]
	run rc-unshare --cpus -1 c1 -- true
	[ "$status" -eq 2 ]
	run rc-unshare --pids-limit many c1 -- true
	[ "$status" -eq 2 ]
	assert_clean c1
}

@test "an unknown option or missing NAME is a usage error; --help and --version work" {
	run rc-unshare --bogus c1
	[ "$status" -eq 2 ]
	run rc-unshare
	[ "$status" -eq 2 ]
	run rc-unshare --help
	[ "$status" -eq 0 ]
	echo "$output" | grep '^Usage: rc-unshare'
	run rc-unshare --version
	[ "$output" = "rc-unshare 0.1.0" ]
}
