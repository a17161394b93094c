#!/usr/bin/env bats
# rc-oci: runc's command line over rc's runtime. Each test has its own
# --root (state) and json --log; bundles are mkbundle's (config.json as
# rc-unpack writes it: docker's defaults). The engines driving rc-oci are
# tests/engines.bats.

load helpers/common
load helpers/oci

setup() {
	RC_ROOT=$BATS_TEST_TMPDIR/root
	export RC_ROOT
	oci_setup
	CG=rc-oci-test-$$-$BATS_TEST_NUMBER
}

teardown() {
	oci_cleanup
	local d
	for d in /sys/fs/cgroup/*/"$CG" /sys/fs/cgroup/*/system.slice/rc-oci-test-*; do
		[ -d "$d" ] && rmdir "$d"/* "$d" 2>/dev/null
	done
	ip netns del "rcoci$$" 2>/dev/null || true
	return 0
}

# ==== the command line ========================================================

@test "--version, --help and every command's --help; unknown commands and options are usage errors" {
	run rc-oci --version
	[ "$status" -eq 0 ]
	[[ ${lines[0]} == "rc-oci version "* ]]
	[[ $output == *"spec: 1.0.2"* ]]
	help=$(rc-oci --help)
	for v in create start run state list kill delete exec ps pause resume update features spec; do
		[[ $help == *"  $v "* ]]
		run rc-oci "$v" --help
		[ "$status" -eq 0 ]
		[[ ${lines[0]} == "Usage: rc-oci $v"* ]]
	done
	run rc-oci frobnicate x
	[ "$status" -eq 2 ]
	[[ $output == *'unknown command "frobnicate"'* ]]
	run rc-oci state
	[ "$status" -eq 2 ]
	[[ $output == *"missing the container ID"* ]]
	run rc-oci --log-format xml state x
	[ "$status" -eq 2 ]
}

@test "run: the process's output and exit status; the container is gone after" {
	make_bundle b sh -c 'echo hello from $(hostname); exit 3'
	edit_bundle b '.hostname = "box"'
	run oci run -b "$(bundle b)" c1
	[ "$status" -eq 3 ]
	[ "$output" = "hello from box" ]
	run oci state c1
	[ "$status" -eq 1 ]
	[ ! -e "$OCI_ROOT/c1" ]
}

@test "create leaves the process waiting before exec; start runs it with create's stdio" {
	make_bundle b sh -c 'echo started as $$ in $(pwd); sleep 1000'
	edit_bundle b '.process.cwd = "/tmp"'
	oci create -b "$(bundle b)" --pid-file "$BATS_TEST_TMPDIR/pid" c1 >"$BATS_TEST_TMPDIR/out" 2>&1
	pid=$(cat "$BATS_TEST_TMPDIR/pid")
	run oci state c1
	[ "$(jq -r .status <<<"$output")" = created ]
	[ "$(jq -r .pid <<<"$output")" = "$pid" ]
	[ "$(jq -r .bundle <<<"$output")" = "$(bundle b)" ]
	[ "$(jq -r .rootfs <<<"$output")" = "$(bundle b)/rootfs" ]
	[ "$(jq -r .ociVersion <<<"$output")" = 1.0.2 ]
	[[ $(jq -r .created <<<"$output") =~ ^20[0-9-]+T[0-9:.]+Z$ ]]
	# Waiting: not yet the command, and no output yet.
	[ ! -s "$BATS_TEST_TMPDIR/out" ]
	[ "$(readlink /proc/$pid/exe)" != /bin/busybox ]
	oci start c1
	[ "$(oci_status c1)" = running ]
	for i in $(seq 50); do [ -s "$BATS_TEST_TMPDIR/out" ] && break; sleep 0.1; done
	[ "$(cat "$BATS_TEST_TMPDIR/out")" = "started as 1 in /tmp" ]
	run oci start c1
	[ "$status" -eq 1 ]
	[[ $output == *"cannot start an already running container"* ]]
}

@test "a created container can be killed; it is stopped then, and delete removes it and its cgroup" {
	make_bundle b sleep 1000
	edit_bundle b ".linux.cgroupsPath = \"/$CG/c1\""
	oci create -b "$(bundle b)" c1
	[ -d "/sys/fs/cgroup/memory/$CG/c1" ]
	oci kill c1 KILL
	for i in $(seq 50); do [ "$(oci_status c1)" = stopped ] && break; sleep 0.1; done
	[ "$(oci_status c1)" = stopped ]
	[ "$(oci_pid c1)" = 0 ]
	run oci kill c1
	[ "$status" -eq 1 ]
	[[ $output == *"container not running"* ]]
	oci delete c1
	[ ! -e "/sys/fs/cgroup/memory/$CG/c1" ]
	[ ! -e "$OCI_ROOT/c1" ]
}

@test "kill: signal names and numbers; --all reaches every process of the cgroup" {
	make_bundle b sh -c 'trap "echo got USR1" USR1; sleep 1000 & while :; do wait; done'
	oci create -b "$(bundle b)" c1 >"$BATS_TEST_TMPDIR/out"
	oci start c1
	sleep 0.5
	oci kill c1 SIGUSR1
	oci kill c1 usr1
	for i in $(seq 50); do [ "$(grep -c 'got USR1' "$BATS_TEST_TMPDIR/out")" -ge 2 ] && break; sleep 0.1; done
	[ "$(grep -c 'got USR1' "$BATS_TEST_TMPDIR/out")" -eq 2 ]
	[ "$(oci ps --format json c1 | jq length)" -eq 2 ]
	oci kill --all c1 9
	for i in $(seq 50); do [ "$(oci_status c1)" = stopped ] && break; sleep 0.1; done
	[ "$(oci_status c1)" = stopped ]
	run oci kill c1 NOSUCHSIG
	[ "$status" -eq 2 ]
}

@test "delete refuses a running container without --force; --force kills it" {
	make_bundle b sleep 1000
	oci create -b "$(bundle b)" c1
	oci start c1
	pid=$(oci_pid c1)
	run oci delete c1
	[ "$status" -eq 1 ]
	[[ $output == *"cannot delete container c1 that is not stopped: running"* ]]
	oci delete --force c1
	[ ! -e "$OCI_ROOT/c1" ]
	[ ! -e "/proc/$pid" ] || [ "$(awk '{print $3}' /proc/$pid/stat)" = Z ]
}

@test "an unknown id is an error on stderr and a json line in --log; delete --force of one is not" {
	for verb in state start kill delete pause resume ps; do
		run oci "$verb" nosuch
		[ "$status" -eq 1 ]
		[ "$output" = 'rc-oci: container "nosuch" does not exist' ]
		[ "$(last_log_error)" = 'container "nosuch" does not exist' ]
	done
	tail -n1 "$OCI_LOG" | jq -e '.level == "error" and (.time | test("^20.*Z$"))'
	oci delete --force nosuch
	run oci exec nosuch true
	[ "$status" -eq 1 ]
	run oci state ../etc
	[ "$status" -eq 1 ]
	[[ $output == *"invalid container id"* ]]
}

@test "an id in use, a bundle without config, invalid JSON: errors, and nothing left behind" {
	make_bundle b sleep 1000
	oci create -b "$(bundle b)" c1
	run oci create -b "$(bundle b)" c1
	[ "$status" -eq 1 ]
	[[ $output == *"container with id exists: c1"* ]]
	[ "$(oci_status c1)" = created ]
	mkdir "$BATS_TEST_TMPDIR/empty"
	run oci create -b "$BATS_TEST_TMPDIR/empty" c2
	[ "$status" -eq 1 ]
	[[ $output == *"config.json"* ]]
	echo '{"root": ' >"$BATS_TEST_TMPDIR/empty/config.json"
	run oci create -b "$BATS_TEST_TMPDIR/empty" c2
	[ "$status" -eq 1 ]
	[[ $(last_log_error) == "config.json: not valid JSON"* ]]
	[ ! -e "$OCI_ROOT/c2" ]
}

@test "what the config asks that rc-oci does not do is refused, naming the field" {
	make_bundle b true
	# create's stdio is the process's: through a file, so that a create
	# that wrongly succeeds fails the test instead of holding run's pipe
	check() {
		edit_bundle b "$1"
		status=0
		oci create -b "$(bundle b)" c1 </dev/null >"$BATS_TEST_TMPDIR/out" 2>&1 || status=$?
		output=$(cat "$BATS_TEST_TMPDIR/out")
		echo "$1 -> $status $output"
		[ "$status" -eq 0 ] && oci delete --force c1
		[ "$status" -eq 1 ]
		[[ $output == *"$2"* ]]
		[ ! -e "$OCI_ROOT/c1" ]
		make_bundle b true
	}
	check '.linux.uidMappings = [{containerID: 0, hostID: 1000, size: 1}]' "linux.uidMappings"
	check '.linux.namespaces += [{type: "user"}]' "user namespaces are not supported"
	check '.linux.namespaces += [{type: "time"}]' "time namespaces are not supported"
	check '.process.apparmorProfile = "docker-default"' "process.apparmorProfile"
	check '.process.selinuxLabel = "system_u:system_r:container_t:s0"' "process.selinuxLabel"
	check '.linux.intelRdt = {closID: "x"}' "linux.intelRdt"
	check '.mounts += [{destination: "/x", type: "tmpfs", source: "tmpfs", options: ["tmpcopyup"]}]' "option tmpcopyup"
	check '.linux.namespaces |= map(select(.type != "uts")) | .hostname = "h"' "hostname"
	check '.linux.rootfsPropagation = "sideways"' "linux.rootfsPropagation"
	check '.hooks = {prestart: [{path: "relative"}]}' "hooks.prestart[0]"
	# hugetlb: refused only where the controller is not there (the
	# benchmarks mount it off the cgroup2 tree on this host, tests/README.md)
	if mountpoint -q /sys/fs/cgroup/hugetlb || grep -qw hugetlb /sys/fs/cgroup/cgroup.controllers 2>/dev/null; then
		echo "# hugetlb is mounted: hugepageLimits are applied, not refused" >&3
	else
		check '.linux.resources.hugepageLimits = [{pageSize: "2MB", limit: 1048576}]' "hugepageLimits"
	fi
	check '.linux.resources.unified = {"memory.high": "1000000"}' "linux.resources.unified"
	check '.linux.seccomp.listenerPath = "/run/x.sock"' "linux.seccomp.listenerPath"
}

@test "a command that is not there fails create, as runc's does" {
	make_bundle b no-such-command
	run oci create -b "$(bundle b)" c1
	[ "$status" -eq 1 ]
	[[ $output == *'exec: "no-such-command": executable file not found in $PATH'* ]]
	[ ! -e "$OCI_ROOT/c1" ]
}

# ==== state, list, ps, pause, update, features, spec =========================

@test "list shows every container, as a table, as JSON and quietly" {
	make_bundle b sleep 1000
	oci create -b "$(bundle b)" c1
	oci create -b "$(bundle b)" c2
	oci start c2
	run oci list
	[[ ${lines[0]} == ID*PID*STATUS*BUNDLE*CREATED*OWNER ]]
	[[ ${lines[1]} == c1*created*"$(bundle b)"* ]]
	[[ ${lines[2]} == c2*running* ]]
	[ "$(oci list --format json | jq -r 'map(.id + "=" + .status) | join(" ")')" = "c1=created c2=running" ]
	[ "$(oci list -q | tr '\n' ' ')" = "c1 c2 " ]
}

@test "ps lists the container's processes; pause and resume freeze and thaw them" {
	make_bundle b sleep 1000
	oci create -b "$(bundle b)" c1
	oci start c1
	pid=$(oci_pid c1)
	[ "$(oci ps --format json c1)" = "[$pid]" ]
	run oci ps c1
	[[ ${lines[0]} == UID*PID* ]]
	[[ ${lines[1]} == *" $pid "*"sleep 1000" ]]
	oci pause c1
	[ "$(oci_status c1)" = paused ]
	[ "$(awk '{print $3}' /proc/$pid/stat)" != S ] || grep -q FROZEN /sys/fs/cgroup/freezer/*/c1/freezer.state
	run oci pause c1
	[ "$status" -eq 1 ]
	run oci exec c1 true
	[[ $output == *"paused"* ]]
	oci resume c1
	[ "$(oci_status c1)" = running ]
	run oci resume c1
	[[ $output == *"container not paused"* ]]
}

@test "update changes the memory, CPU and pids limits in the cgroup" {
	make_bundle b sleep 1000
	edit_bundle b ".linux.cgroupsPath = \"/$CG/c1\""
	oci create -b "$(bundle b)" c1
	oci update --memory 64m --pids-limit 50 --cpu-quota 20000 --cpu-period 100000 c1
	[ "$(cat /sys/fs/cgroup/memory/$CG/c1/memory.limit_in_bytes)" = $((64 << 20)) ]
	[ "$(cat /sys/fs/cgroup/pids/$CG/c1/pids.max)" = 50 ]
	[ "$(cat /sys/fs/cgroup/cpu/$CG/c1/cpu.cfs_quota_us)" = 20000 ]
	echo '{"memory": {"limit": 33554432}, "cpu": {"shares": 512}, "pids": {"limit": -1}}' | oci update --resources - c1
	[ "$(cat /sys/fs/cgroup/memory/$CG/c1/memory.limit_in_bytes)" = 33554432 ]
	[ "$(cat /sys/fs/cgroup/cpu/$CG/c1/cpu.shares)" = 512 ]
	[ "$(cat /sys/fs/cgroup/pids/$CG/c1/pids.max)" = max ]
	run oci update --memory lots c1
	[ "$status" -eq 2 ]
}

@test "features is JSON naming the hooks, namespaces and seccomp actions; spec writes a config once" {
	run oci features
	[ "$status" -eq 0 ]
	jq -e '.hooks | index("createContainer") and index("poststop")' <<<"$output"
	jq -e '.linux.namespaces | index("pid") and index("network")' <<<"$output"
	jq -e '.linux.seccomp.enabled and (.linux.seccomp.actions | index("SCMP_ACT_ERRNO"))' <<<"$output"
	jq -e '.linux.capabilities | index("CAP_SYS_ADMIN")' <<<"$output"
	mkdir "$BATS_TEST_TMPDIR/s"
	oci spec -b "$BATS_TEST_TMPDIR/s"
	jq -e '.process.args == ["sh"] and .process.terminal and .root.path == "rootfs"' "$BATS_TEST_TMPDIR/s/config.json"
	run oci spec -b "$BATS_TEST_TMPDIR/s"
	[ "$status" -eq 1 ]
	[[ $output == *"exists"* ]]
}

# ==== exec ===================================================================

@test "exec runs in the container's namespaces, root and cgroup, with its status" {
	make_bundle b sleep 1000
	edit_bundle b '.hostname = "box"'
	oci create -b "$(bundle b)" c1
	oci start c1
	run oci exec c1 sh -c 'hostname; tr "\\0" " " </proc/1/cmdline; echo; readlink /proc/self/ns/mnt; readlink /proc/1/ns/mnt; exit 7'
	[ "$status" -eq 7 ]
	[ "${lines[0]}" = box ]
	[ "${lines[1]}" = "sleep 1000 " ]
	[ "${lines[2]}" = "${lines[3]}" ]
	run oci exec --cwd /tmp -e FOO=bar -u 1000:1001 c1 sh -c 'echo $(pwd) $FOO $(id -u):$(id -g)'
	[ "$output" = "/tmp bar 1000:1001" ]
	pid=$(oci_pid c1)
	oci exec -d --pid-file "$BATS_TEST_TMPDIR/epid" c1 sleep 1000
	[ "$(cat /proc/$(cat "$BATS_TEST_TMPDIR/epid")/cgroup)" = "$(cat /proc/$pid/cgroup)" ]
	run oci exec c1 no-such-command
	[ "$status" -eq 1 ]
	[[ $output == *"executable file not found"* ]]
}

@test "exec --process FILE -d --pid-file: the engines' way; the process outlives rc-oci" {
	make_bundle b sleep 1000
	oci create -b "$(bundle b)" c1
	oci start c1
	jq -n '{args: ["sh", "-c", "echo $GREETING > /tmp/out; sleep 1000"], env: ["GREETING=hi", "PATH=/bin:/usr/bin"],
		cwd: "/", user: {uid: 0, gid: 0}, terminal: false}' >"$BATS_TEST_TMPDIR/process.json"
	oci exec --process "$BATS_TEST_TMPDIR/process.json" -d --pid-file "$BATS_TEST_TMPDIR/epid" c1
	epid=$(cat "$BATS_TEST_TMPDIR/epid")
	[ -d "/proc/$epid" ]
	for i in $(seq 50); do [ -s "$(bundle b)/rootfs/tmp/out" ] && break; sleep 0.1; done
	[ "$(cat "$(bundle b)/rootfs/tmp/out")" = hi ]
	oci ps --format json c1 | jq -e "index($epid)"
	jq -n '{args: ["true"], cwd: "/", user: {uid: 0, gid: 0}, apparmorProfile: "x"}' >"$BATS_TEST_TMPDIR/bad.json"
	run oci exec --process "$BATS_TEST_TMPDIR/bad.json" c1
	[ "$status" -eq 1 ]
	[[ $output == *"apparmorProfile"* ]]
}

# ==== terminals ==============================================================

@test "process.terminal: the master comes to --console-socket with SCM_RIGHTS, sized by consoleSize" {
	make_bundle b sh
	edit_bundle b '.process.terminal = true | .process.consoleSize = {height: 30, width: 100}'
	"$BUILD/tests/tools/rc-recvtty" -i 'tty; stty size; exit 3\n' "$BATS_TEST_TMPDIR/tty.sock" >"$BATS_TEST_TMPDIR/tty.out" 2>"$BATS_TEST_TMPDIR/tty.err" &
	rpid=$!
	for i in $(seq 50); do [ -S "$BATS_TEST_TMPDIR/tty.sock" ] && break; sleep 0.1; done
	oci create -b "$(bundle b)" --console-socket "$BATS_TEST_TMPDIR/tty.sock" c1
	oci start c1
	wait "$rpid"
	cat "$BATS_TEST_TMPDIR/tty.out"
	grep -q '^/dev/pts/0' "$BATS_TEST_TMPDIR/tty.out"
	grep -q '^30 100' "$BATS_TEST_TMPDIR/tty.out"
	grep -q '30x100' "$BATS_TEST_TMPDIR/tty.err"
}

@test "a terminal without a console socket, or a console socket without a terminal, is an error" {
	make_bundle b sh
	edit_bundle b '.process.terminal = true'
	run oci create -b "$(bundle b)" c1
	[ "$status" -eq 1 ]
	[[ $output == *"--console-socket is needed"* ]]
	make_bundle b true
	run oci create -b "$(bundle b)" --console-socket /nonexistent c1
	[ "$status" -eq 1 ]
	[[ $output == *"process.terminal is not set"* ]]
	[ ! -e "$OCI_ROOT/c1" ]
}

@test "exec -t --console-socket gives the new process a terminal of the container's devpts" {
	make_bundle b sleep 1000
	oci create -b "$(bundle b)" c1
	oci start c1
	"$BUILD/tests/tools/rc-recvtty" -i 'tty; exit\n' "$BATS_TEST_TMPDIR/tty.sock" >"$BATS_TEST_TMPDIR/tty.out" 2>/dev/null &
	rpid=$!
	for i in $(seq 50); do [ -S "$BATS_TEST_TMPDIR/tty.sock" ] && break; sleep 0.1; done
	oci exec -t -d --console-socket "$BATS_TEST_TMPDIR/tty.sock" c1 sh
	wait "$rpid"
	grep -q '^/dev/pts/0' "$BATS_TEST_TMPDIR/tty.out"
}

@test "run in the foreground relays the terminal when there is no console socket" {
	make_bundle b sh -c 'tty; echo $TERM'
	edit_bundle b '.process.terminal = true | .process.env += ["TERM=xterm"]'
	run script -qec "rc-oci --root $OCI_ROOT run -b $(bundle b) c1" /dev/null
	[ "$status" -eq 0 ]
	[[ $output == *"/dev/pts/0"* ]]
}

# ==== hooks ==================================================================

# A hook on the host: its kind, what it read on stdin and where it ran.
write_hook() {
	cat >"$BATS_TEST_TMPDIR/hook.sh" <<-'EOS'
	#!/bin/sh
	cat >"$2/$1.state"
	echo "$(readlink /proc/self/ns/mnt) $(readlink /proc/self/ns/pid) $HOOKENV" >"$2/$1.ns"
	EOS
	chmod +x "$BATS_TEST_TMPDIR/hook.sh"
}

@test "hooks: each kind runs at its time and place, with the state on stdin" {
	write_hook
	make_bundle b sh -c 'sleep 1000'
	out=$BATS_TEST_TMPDIR/hooks
	mkdir "$out"
	h() { echo "{\"path\": \"$BATS_TEST_TMPDIR/hook.sh\", \"args\": [\"hook\", \"$1\", \"$out\"], \"env\": [\"HOOKENV=$1\"]}"; }
	# startContainer runs inside the container: its own copy of the hook.
	cp "$BATS_TEST_TMPDIR/hook.sh" "$(bundle b)/rootfs/hook.sh"
	mkdir "$(bundle b)/rootfs/hooks"
	edit_bundle b ".hooks = {prestart: [$(h prestart)], createRuntime: [$(h createRuntime)],
		createContainer: [$(h createContainer)],
		startContainer: [{path: \"/hook.sh\", args: [\"hook\", \"startContainer\", \"/hooks\"]}],
		poststart: [$(h poststart)], poststop: [$(h poststop)]}
		| .annotations = {\"org.example.key\": \"value\"}"
	oci create -b "$(bundle b)" c1
	pid=$(oci_pid c1)
	for k in prestart createRuntime createContainer; do
		[ -e "$out/$k.state" ]
		[ "$(jq -r '.id + " " + .status + " " + (.pid|tostring) + " " + .annotations["org.example.key"]' "$out/$k.state")" = "c1 creating $pid value" ]
	done
	[ ! -e "$out/startContainer.state" ] && [ ! -e "$(bundle b)/rootfs/hooks/startContainer.state" ]
	host_mnt=$(readlink /proc/self/ns/mnt)
	# prestart and createRuntime: rc-oci's namespaces; createContainer: the container's.
	[ "$(cut -d' ' -f1,3 "$out/prestart.ns")" = "$host_mnt prestart" ]
	[ "$(cut -d' ' -f1 "$out/createRuntime.ns")" = "$host_mnt" ]
	[ "$(cut -d' ' -f1 "$out/createContainer.ns")" = "$(readlink /proc/$pid/ns/mnt)" ]
	[ "$(cut -d' ' -f2 "$out/createContainer.ns")" = "$(readlink /proc/$pid/ns/pid)" ]
	oci start c1
	[ "$(jq -r .status "$(bundle b)/rootfs/hooks/startContainer.state")" = created ]
	[ "$(jq -r .status "$out/poststart.state")" = running ]
	[ ! -e "$out/poststop.state" ]
	oci delete --force c1
	[ "$(jq -r '.status + " " + .bundle' "$out/poststop.state")" = "stopped $(bundle b)" ]
}

@test "a failing prestart hook fails create with what it said, and leaves nothing behind" {
	make_bundle b true
	printf '#!/bin/sh\necho "no network for you" >&2\nexit 3\n' >"$BATS_TEST_TMPDIR/fail.sh"
	chmod +x "$BATS_TEST_TMPDIR/fail.sh"
	edit_bundle b ".hooks.prestart = [{path: \"$BATS_TEST_TMPDIR/fail.sh\"}] | .linux.cgroupsPath = \"/$CG/c1\""
	run oci create -b "$(bundle b)" c1
	[ "$status" -eq 1 ]
	[[ $output == *"hook prestart[0] $BATS_TEST_TMPDIR/fail.sh: exit status 3: no network for you"* ]]
	[ ! -e "$OCI_ROOT/c1" ]
	[ ! -e "/sys/fs/cgroup/memory/$CG/c1" ]
}

@test "a hook that outlives its timeout is killed and fails create" {
	make_bundle b true
	edit_bundle b '.hooks.createRuntime = [{path: "/bin/sleep", args: ["sleep", "30"], timeout: 1}]'
	SECONDS=0
	run oci create -b "$(bundle b)" c1
	[ "$status" -eq 1 ]
	[[ $output == *"timed out after 1 s"* ]]
	[ "$SECONDS" -lt 10 ]
}

@test "a failing poststop hook is a warning in the log; delete still succeeds" {
	make_bundle b true
	edit_bundle b '.hooks.poststop = [{path: "/bin/false"}]'
	oci create -b "$(bundle b)" c1
	oci delete --force c1
	[ ! -e "$OCI_ROOT/c1" ]
	jq -e 'select(.level == "warning") | .msg | test("hook poststop\\[0\\] /bin/false: exit status 1")' "$OCI_LOG"
}

# ==== config.json as the engines write it ===================================

@test "namespace paths: a network namespace of the host's, another container's pid namespace, none for the host's" {
	ip netns add "rcoci$$"
	make_bundle b sleep 1000
	oci create -b "$(bundle b)" c1
	oci start c1
	pid1=$(oci_pid c1)
	make_bundle j sh -c 'stat -L -c %i /proc/self/ns/net; tr "\\0" " " </proc/1/cmdline; echo; echo $$'
	edit_bundle j ".linux.namespaces |= map(if .type == \"network\" then .path = \"/run/netns/rcoci$$\"
		elif .type == \"pid\" then .path = \"/proc/$pid1/ns/pid\" else . end)"
	run oci run -b "$(bundle j)" c2
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "$(stat -L -c %i /run/netns/rcoci$$)" ]
	[ "${lines[1]}" = "sleep 1000 " ]   # c1's first process, seen from c2
	[ "${lines[2]}" != 1 ]  # c2 is not the namespace's first process
	# No pid namespace at all: the host's (docker --pid=host).
	make_bundle h sh -c 'cat /proc/1/comm; echo $$'
	edit_bundle h '.linux.namespaces |= map(select(.type != "pid"))'
	run oci run -b "$(bundle h)" c3
	[ "${lines[0]}" = "$(cat /proc/1/comm)" ]
	[ "${lines[1]}" -gt 1 ]
}

@test "a pid namespace path that is no namespace is an error, and nothing is left" {
	make_bundle b true
	edit_bundle b '.linux.namespaces |= map(if .type == "pid" then .path = "/nonexistent" else . end)'
	run oci create -b "$(bundle b)" c1
	[ "$status" -eq 1 ]
	[[ $output == *"/nonexistent"* ]]
	[ ! -e "$OCI_ROOT/c1" ]
}

@test "linux.cgroupsPath: absolute, relative to rc-oci's own cgroup, and systemd's slice:prefix:name" {
	make_bundle b sleep 1000
	edit_bundle b ".linux.cgroupsPath = \"/$CG/abs\""
	oci create -b "$(bundle b)" c1
	grep -q ":memory:/$CG/abs\$" /proc/$(oci_pid c1)/cgroup
	make_bundle r sleep 1000
	edit_bundle r ".linux.cgroupsPath = \"$CG-rel\""
	oci create -b "$(bundle r)" c2
	own=$(awk -F: '$2 == "pids" { print $3 }' /proc/self/cgroup)
	grep -q ":pids:${own%/}/$CG-rel\$" /proc/$(oci_pid c2)/cgroup
	oci delete --force c2
	make_bundle s sleep 1000
	edit_bundle s ".linux.cgroupsPath = \"system.slice:rc-oci-test:$CG\""
	rc-oci --root "$OCI_ROOT" --systemd-cgroup create -b "$(bundle s)" c3
	grep -q ":pids:/system.slice/rc-oci-test-$CG.scope\$" /proc/$(oci_pid c3)/cgroup
	oci delete --force c3
	[ ! -e "/sys/fs/cgroup/pids/system.slice/rc-oci-test-$CG.scope" ]
	edit_bundle b '.linux.cgroupsPath = "/../../escape"'
	run oci create -b "$(bundle b)" c4
	[[ $output == *"climbs out"* ]]
	edit_bundle b '.linux.cgroupsPath = "system.slice:x:y"'
	run oci create -b "$(bundle b)" c4
	[[ $output == *"--systemd-cgroup"* ]]
}

@test "linux.resources: memory, swap, cpu shares, quota and cpuset, pids, as docker writes them" {
	make_bundle b sleep 1000
	edit_bundle b ".linux.cgroupsPath = \"/$CG/c1\" | .linux.resources += {memory: {limit: 67108864, swap: 134217728,
		reservation: 33554432, disableOOMKiller: false}, cpu: {shares: 512, quota: 50000, period: 100000, cpus: \"0\"},
		pids: {limit: 99}, blockIO: {weight: 0}}"
	oci create -b "$(bundle b)" c1
	d=/sys/fs/cgroup
	[ "$(cat $d/memory/$CG/c1/memory.limit_in_bytes)" = 67108864 ]
	[ "$(cat $d/memory/$CG/c1/memory.soft_limit_in_bytes)" = 33554432 ]
	[ ! -e $d/memory/$CG/c1/memory.memsw.limit_in_bytes ] || [ "$(cat $d/memory/$CG/c1/memory.memsw.limit_in_bytes)" = 134217728 ]
	[ "$(cat $d/cpu/$CG/c1/cpu.shares)" = 512 ]
	[ "$(cat $d/cpu/$CG/c1/cpu.cfs_quota_us)" = 50000 ]
	[ "$(cat $d/cpuset/$CG/c1/cpuset.cpus)" = 0 ]
	[ "$(cat $d/pids/$CG/c1/pids.max)" = 99 ]
}

@test "without a cgroup namespace the container's cgroup mount shows its own cgroups only (runc's)" {
	make_bundle b sh -c 'cat /sys/fs/cgroup/memory/memory.limit_in_bytes; ls /sys/fs/cgroup/memory | grep -c "^rc$" || true; grep " /sys/fs/cgroup/memory " /proc/self/mounts | cut -d" " -f4'
	edit_bundle b ".linux.namespaces |= map(select(.type != \"cgroup\")) | .linux.cgroupsPath = \"/$CG/c1\"
		| .linux.resources.memory = {limit: 41943040}"
	run oci run -b "$(bundle b)" c1
	[ "${lines[0]}" = 41943040 ]
	[ "${lines[1]}" = 0 ]
	[[ ${lines[2]} == ro,* ]]
}

@test "linux.devices: the node is made with its mode and owner; the device rules decide what opens" {
	make_bundle b sh -c 'stat -c "%F %t:%T %a %u:%g" /dev/xfuse /dev/sub/xnull; echo x > /dev/sub/xnull && echo wrote; cat /dev/xfuse 2>&1'
	edit_bundle b '.linux.devices = [{path: "/dev/xfuse", type: "c", major: 10, minor: 229, fileMode: 384, uid: 1000, gid: 1001},
		{path: "/dev/sub/xnull", type: "c", major: 1, minor: 3}]
		| .linux.resources.devices += [{allow: false, type: "c", major: 10, minor: 229, access: "rwm"}]'
	run oci run -b "$(bundle b)" c1
	echo "$output"
	[ "${lines[0]}" = "character special file a:e5 600 1000:1001" ]
	[ "${lines[1]}" = "character special file 1:3 666 0:0" ]
	[ "${lines[2]}" = wrote ]
	[[ ${lines[3]} == *"Operation not permitted"* ]] # the device cgroup's say
}

@test "process: user, additionalGids, umask, rlimits, oomScoreAdj, noNewPrivileges, capabilities, env" {
	make_bundle b sh -c 'id -u; id -G; umask; ulimit -n; cat /proc/self/oom_score_adj; grep -E "^(NoNewPrivs|CapEff)" /proc/self/status; echo $HOME $PATH'
	edit_bundle b '.process.user = {uid: 1000, gid: 1000, umask: 63, additionalGids: [10, 20]}
		| .process.rlimits = [{type: "RLIMIT_NOFILE", soft: 123, hard: 456}] | .process.oomScoreAdj = 200
		| .process.noNewPrivileges = true | .process.capabilities = {bounding: ["CAP_CHOWN"], effective: ["CAP_CHOWN"], permitted: ["CAP_CHOWN"]}
		| .process.env = ["PATH=/bin:/usr/bin"]'
	run oci run -b "$(bundle b)" c1
	echo "$output"
	[ "${lines[0]}" = 1000 ]
	[ "${lines[1]}" = "1000 10 20" ]
	[ "${lines[2]}" = 0077 ]
	[ "${lines[3]}" = 123 ]
	[ "${lines[4]}" = 200 ]
	[ "${lines[5]}" = "CapEff:	0000000000000000" ] # not root: no effective capabilities
	[ "${lines[6]}" = "NoNewPrivs:	1" ]
	# runc's environment: the config's, and HOME (no TERM, no HOSTNAME added)
	[ "${lines[7]}" = "/ /bin:/usr/bin" ]
}

@test "sysctl, masked and read-only paths, a read-only root, rootfsPropagation, tmpfs and bind mounts with their options" {
	mkdir "$BATS_TEST_TMPDIR/vol"
	echo data >"$BATS_TEST_TMPDIR/vol/f"
	make_bundle b
	set_args b sh -c 'cat /proc/sys/net/ipv4/ip_unprivileged_port_start; cat /proc/keys | wc -c; grep " /proc/sys " /proc/self/mounts | cut -d" " -f4 | cut -d, -f1;
		touch /x 2>/dev/null || echo root-ro; cat /vol/f; touch /vol/g 2>/dev/null || echo vol-ro;
		grep " /scratch " /proc/self/mounts | cut -d" " -f3,4; grep " / " /proc/self/mountinfo | grep -o "master:[0-9]*\|shared:[0-9]*" | head -1'
	edit_bundle b ".linux.sysctl = {\"net.ipv4.ip_unprivileged_port_start\": \"0\"} | .root.readonly = true
		| .mounts += [{destination: \"/vol\", type: \"bind\", source: \"$BATS_TEST_TMPDIR/vol\", options: [\"rbind\", \"ro\", \"rprivate\"]},
		  {destination: \"/scratch\", type: \"tmpfs\", source: \"tmpfs\", options: [\"noexec\", \"nosuid\", \"nodev\", \"size=1m\"]}]
		| .linux.rootfsPropagation = \"rprivate\""
	run oci run -b "$(bundle b)" c1
	echo "$output"
	[ "${lines[0]}" = 0 ]
	[ "${lines[1]}" = 0 ]
	[ "${lines[2]}" = ro ]
	[ "${lines[3]}" = root-ro ]
	[ "${lines[4]}" = data ]
	[ "${lines[5]}" = vol-ro ]
	[[ ${lines[6]} == "tmpfs rw,nosuid,nodev,noexec,relatime,size=1024k"* ]]
	[ -z "${lines[7]:-}" ] # rprivate: neither a master nor shared
	# A sysctl of the host's namespace is refused.
	edit_bundle b '.linux.namespaces |= map(select(.type != "network"))'
	run oci create -b "$(bundle b)" c2
	[[ $output == *"shares the host's network namespace"* ]]
}

@test "--preserve-fds hands descriptors 3.. to the process; no other descriptor of rc-oci's reaches it" {
	make_bundle b sh -c 'cat <&3; /usr/local/bin/rc-probe fds'
	echo "passed on" >"$BATS_TEST_TMPDIR/fd3"
	run oci run --preserve-fds 1 -b "$(bundle b)" c1 3<"$BATS_TEST_TMPDIR/fd3" 4<"$BATS_TEST_TMPDIR/fd3"
	[ "${lines[0]}" = "passed on" ]
	[ "${lines[1]}" = "0 1 2 3" ]
	run oci run --preserve-fds 60 -b "$(bundle b)" c1 3<"$BATS_TEST_TMPDIR/fd3"
	[ "$status" -eq 1 ]
	[[ $output == *"is not open"* ]]
}

@test "stdio closed by the caller is /dev/null to the process, never one of rc-oci's files" {
	make_bundle b sh -c 'readlink /proc/self/fd/0 >&2'
	run bash -c "exec 0<&-; rc-oci --root '$OCI_ROOT' run -b '$(bundle b)' c1"
	[ "$output" = /dev/null ]
}

# ==== attacks ================================================================

@test "the process holds no descriptor of rc-oci's but stdio, create's and exec's alike" {
	make_bundle b /usr/local/bin/rc-probe fds
	run oci run -b "$(bundle b)" c1
	[ "$output" = "0 1 2" ]
	make_bundle s sleep 1000
	oci create -b "$(bundle s)" c2
	oci start c2
	run oci exec c2 /usr/local/bin/rc-probe fds
	[ "$output" = "0 1 2" ]
	jq -n '{args: ["/usr/local/bin/rc-probe", "fds"], cwd: "/", user: {uid: 0, gid: 0}}' >"$BATS_TEST_TMPDIR/p.json"
	oci exec -d --process "$BATS_TEST_TMPDIR/p.json" c2 >"$BATS_TEST_TMPDIR/out"
	for i in $(seq 50); do [ -s "$BATS_TEST_TMPDIR/out" ] && break; sleep 0.1; done
	[ "$(cat "$BATS_TEST_TMPDIR/out")" = "0 1 2" ]
}

# The attack of runc's CVE-2019-5736: the container's command is a script
# whose interpreter is /proc/self/exe, so the kernel runs the runtime's own
# binary, whose ELF interpreter the image provides (rc-fakeld): the image's
# code then runs with the runtime's binary as its executable, keeps it open
# and writes it once no one runs it. Played against a copy of rc-oci.
attack_bundle() {
	make_bundle "$1" /evil
	local r=$(bundle "$1")/rootfs
	printf '#!/proc/self/exe\n' >"$r/evil"
	chmod 0755 "$r/evil"
	mkdir -p "$r/lib64"
	install -m 0755 "$BUILD/tests/helpers/rc-fakeld" "$r/lib64/ld-linux-x86-64.so.2"
	# the second stage: write through the kept descriptor for 3 s
	echo '{ for i in $(seq 30); do { echo PWNED >>/proc/self/fd/3; } 2>/dev/null && echo wrote && exit 0; sleep 0.1; done; echo failed; }' >"$r/attack"
}

@test "a container cannot reach rc-oci's binary through /proc/self/exe (CVE-2019-5736), at start or exec" {
	mkdir "$BATS_TEST_TMPDIR/bin"
	cp "$BUILD/bin/rc-oci" "$BATS_TEST_TMPDIR/bin/rc-oci"
	sum=$(sha256sum <"$BATS_TEST_TMPDIR/bin/rc-oci")
	attack_bundle a
	"$BATS_TEST_TMPDIR/bin/rc-oci" --root "$OCI_ROOT" create -b "$(bundle a)" c1 >"$BATS_TEST_TMPDIR/out" 2>&1
	"$BATS_TEST_TMPDIR/bin/rc-oci" --root "$OCI_ROOT" start c1
	for i in $(seq 60); do grep -qE '^(wrote|failed)$' "$BATS_TEST_TMPDIR/out" && break; sleep 0.1; done
	cat "$BATS_TEST_TMPDIR/out"
	grep -q '^loader ran: exe=/memfd:' "$BATS_TEST_TMPDIR/out"
	[ "$(sha256sum <"$BATS_TEST_TMPDIR/bin/rc-oci")" = "$sum" ]
	# exec: the same through a process added to a running container
	make_bundle s sleep 1000
	cp -a "$(bundle a)/rootfs/evil" "$(bundle a)/rootfs/attack" "$(bundle s)/rootfs/"
	mkdir -p "$(bundle s)/rootfs/lib64"
	cp "$(bundle a)/rootfs/lib64/ld-linux-x86-64.so.2" "$(bundle s)/rootfs/lib64/"
	oci create -b "$(bundle s)" c2
	oci start c2
	"$BATS_TEST_TMPDIR/bin/rc-oci" --root "$OCI_ROOT" exec c2 /evil >"$BATS_TEST_TMPDIR/out2" 2>&1 || true
	cat "$BATS_TEST_TMPDIR/out2"
	grep -q '^loader ran: exe=/memfd:' "$BATS_TEST_TMPDIR/out2"
	[ "$(sha256sum <"$BATS_TEST_TMPDIR/bin/rc-oci")" = "$sum" ]
}

@test "a container sharing the host's pid namespace cannot open a created container's waiting process" {
	make_bundle b sleep 1000
	oci create -b "$(bundle b)" c1
	pid=$(oci_pid c1)
	# Each of these works on a process of the same user that is dumpable.
	make_bundle h
	set_args h sh -c "readlink /proc/$pid/exe || echo exe denied; readlink /proc/$pid/fd/0 || echo fd denied;
		cat /proc/$pid/environ >/dev/null 2>&1 || echo environ denied; cut -d' ' -f1 /proc/$pid/stat"
	edit_bundle h '.linux.namespaces |= map(select(.type != "pid"))'
	run oci run -b "$(bundle h)" c2
	echo "$output"
	[ "$output" = "exe denied
fd denied
environ denied
$pid" ]
}
