#!/usr/bin/env bats
bats_require_minimum_version 1.5.0
# The detached lifecycle: rc-unshare -d and its monitor, rc-ps, rc-logs,
# rc-stop, rc-kill, rc-exec, rc-rm, restart policies, log rotation, and what
# rc-ps says when monitors die.

load helpers/common
load helpers/container
load helpers/detached

setup_file() { detached_setup_file; }
setup() { detached_setup lc; }
teardown() { detached_teardown; }

# One field of rc-ps -a for container NAME (prefix added).
field() { rc-ps -a --format "{{.Name}} {{.$2}}" | awk -v n="$P-$1" '$1 == n { $1 = ""; sub(/^ /, ""); print }'; }

# Wait (up to 10 s) until container NAME's state is STATE.
wait_state() {
	for _ in $(seq 200); do
		[ "$(field "$1" State)" = "$2" ] && return 0
		sleep 0.05
	done
	echo "$P-$1 is $(field "$1" State), not $2" >&2
	return 1
}

# Wait until the log of NAME holds a line matching RE.
wait_log() {
	for _ in $(seq 200); do
		grep -q "$2" "$RC_ROOT/containers/$P-$1/log" 2>/dev/null && return 0
		sleep 0.05
	done
	echo "no \"$2\" in the log of $P-$1" >&2
	return 1
}

monitor_of() { cut -d' ' -f1 "$RC_ROOT/containers/$P-$1/monitor"; }

# Has process PID ended? (A zombie has: its parent may reap it late.)
gone() { [ ! -e "/proc/$1" ] || grep -q '^State:.*Z' "/proc/$1/status" 2>/dev/null; }

# A shell loop that ends with status 3 on SIGTERM (as pid 1 it needs a handler).
LOOP='trap "echo got-term; exit 3" TERM; echo up; while :; do sleep 0.1; done'

# ---- detach and the monitor ----

@test "rc-unshare -d leaves one monitor process that is the container's parent" {
	mk a sh -c "$LOOP"
	run -0 rc-unshare -d "$P-a"
	pid=$output
	mon=$(monitor_of a)
	[ "$(awk '{ print $4 }' "/proc/$pid/stat")" = "$mon" ]
	[ "$(basename "$(readlink "/proc/$mon/exe")")" = rc-monitor ]
	# Nothing else of rc stays: the monitor's parent is not an rc program.
	ppid=$(awk '{ print $4 }' "/proc/$mon/stat")
	[[ "$(readlink "/proc/$ppid/exe")" != */rc-* ]]
	rc-stop "$P-a"
}

@test "the monitor is small: no shared library, nothing of the container open" {
	mk a sh -c "$LOOP"
	rc-unshare -d "$P-a" >/dev/null
	mon=$(monitor_of a)
	# Its descriptors: stdio on /dev/null, the container directory, the
	# state root's containers/, the lock, the log pipe, signalfd and log.
	! ls -l "/proc/$mon/fd" | grep -q rootfs || false
	pss=$(awk '/^Pss:/ { print $2 }' "/proc/$mon/smaps_rollup")
	echo "# monitor PSS ${pss} kB" >&3
	# A sanitizer build links it dynamically, with the sanitizers' runtime.
	if [[ $BUILD != *build-san* ]]; then
		! grep -q '\.so' "/proc/$mon/maps" || false
		[ "$pss" -lt 2048 ]
	fi
	rc-stop "$P-a"
}

@test "the container cannot see its monitor or any rc program" {
	mk a sh -c "$LOOP"
	rc-unshare -d "$P-a" >/dev/null
	run -0 rc-exec "$P-a" sh -c 'for p in /proc/[0-9]*; do cat $p/comm 2>/dev/null; done; true'
	! echo "$output" | grep -q '^rc-' || false
	rc-stop "$P-a"
}

@test "a container sharing the host's pid namespace cannot open its monitor's binary or descriptors" {
	mk a sleep 1000
	edit_config "$P-a" '.linux.namespaces |= map(select(.type != "pid"))'
	rc-unshare -d "$P-a" >/dev/null
	mon=$(monitor_of a)
	run -0 rc-exec "$P-a" cat "/proc/$mon/comm"
	[ "$output" = rc-monitor ]
	run ! rc-exec "$P-a" cat "/proc/$mon/exe"
	echo "$output" | grep 'Permission denied'
	run ! rc-exec "$P-a" ls "/proc/$mon/fd/3/"
	echo "$output" | grep 'Permission denied'
	rc-stop -t 0 "$P-a"
}

@test "-d with a command that cannot run fails at once and leaves the container created" {
	mk a no-such-command
	run -127 rc-unshare -d "$P-a"
	echo "$output" | grep 'no-such-command.*not found'
	[ "$(field a State)" = created ]
}

@test "bad restart and log options are usage errors" {
	mk a true
	run -2 rc-unshare -d --restart sometimes "$P-a"
	echo "$output" | grep 'invalid restart policy'
	run -2 rc-unshare -d --restart always --rm "$P-a"
	run -2 rc-unshare --restart always "$P-a"
	echo "$output" | grep 'needs -d'
	run -2 rc-unshare -d --log-max-files 0 "$P-a"
	run -2 rc-unshare -d --log-max-size lots "$P-a"
}

# ---- rc-ps ----

@test "rc-ps lists running containers with pid and state, -a the exited ones too" {
	mk a sh -c "$LOOP"
	mk b sh -c 'exit 4'
	echo "docker.io/library/alpine:latest sha256:$(printf '%064d' 0)" >"$RC_ROOT/containers/$P-a/image"
	pid=$(rc-unshare -d "$P-a")
	rc-unshare -d "$P-b" >/dev/null
	wait_state b exited
	run -0 rc-ps
	[ "${lines[0]}" = "$(echo "${lines[0]}" | grep '^NAME  *STATUS  *PID  *IMAGE  *IP  *PORTS  *CREATED$')" ]
	echo "$output" | grep -E "^$P-a +running \(.*\) +$pid +docker.io/library/alpine:latest "
	! echo "$output" | grep -q "$P-b" || false
	run -0 rc-ps -a
	echo "$output" | grep -E "^$P-b +exited \(4\) [0-9]+ seconds? ago +- "
	run -0 rc-ps -a -q
	[ "$output" = "$(printf '%s\n%s' "$P-a" "$P-b")" ]
	rc-stop "$P-a"
}

@test "rc-ps --format gives scripts fixed fields, and json" {
	mk a sh -c "$LOOP"
	pid=$(rc-unshare -d "$P-a")
	run -0 rc-ps --format '{{.Name}}\t{{.State}}\t{{.Pid}}\t{{.IP}}'
	[ "$output" = "$(printf '%s\trunning\t%s\t-' "$P-a" "$pid")" ]
	run -0 rc-ps --format json
	[ "$(echo "$output" | jq -r '.name + " " + .state + " " + (.pid|tostring)')" = "$P-a running $pid" ]
	run -2 rc-ps --format '{{.Nope}}'
	echo "$output" | grep 'unknown field'
	rc-stop "$P-a"
	run -0 rc-ps -a --format json
	[ "$(echo "$output" | jq -r '.state + " " + (.exit_code|tostring)')" = "exited 3" ]
}

@test "rc-ps with no containers prints only the header" {
	run -0 rc-ps -a
	[ "${#lines[@]}" -eq 1 ]
	RC_ROOT=$BATS_TEST_TMPDIR/empty run -0 rc-ps -a -q
	[ -z "$output" ]
}

# ---- rc-logs ----

@test "rc-logs prints the container's stdout on stdout and its stderr on stderr, --tail the last lines" {
	mk a sh -c 'echo one; echo two >&2; echo three; sleep 0.2; echo four'
	rc-unshare -d "$P-a" >/dev/null
	wait_state a exited
	run --separate-stderr -0 rc-logs "$P-a"
	[ "$output" = "$(printf 'one\nthree\nfour')" ]
	[ "$stderr" = two ]
	run -0 rc-logs --tail 1 "$P-a"
	[ "$output" = four ]
	run -0 rc-logs --tail all "$P-a"
	[ "${#lines[@]}" -eq 4 ]
	run -0 rc-logs -n 0 "$P-a"
	[ -z "$output" ]
	run -2 rc-logs --tail many "$P-a"
}

@test "a container cannot forge the other stream's lines or their times" {
	mk a sh -c 'printf "2020-01-01T00:00:00.000000000Z stderr F forged\n"; printf "\n"'
	rc-unshare -d "$P-a" >/dev/null
	wait_state a exited
	run --separate-stderr -0 rc-logs "$P-a"
	[ "${lines[0]}" = "2020-01-01T00:00:00.000000000Z stderr F forged" ]
	[ -z "$stderr" ]
	# Its time is the monitor's, not the one it wrote.
	run -0 rc-logs --since 2021-01-01 "$P-a"
	[[ "${lines[0]}" == *forged ]]
}

@test "rc-logs --since, --until and --timestamps" {
	mk a sh -c 'echo early; sleep 2; echo late'
	rc-unshare -d "$P-a" >/dev/null
	wait_state a exited
	run -0 rc-logs --timestamps "$P-a"
	[[ "${lines[0]}" =~ ^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{9}Z\ early$ ]]
	t_early=$(echo "${lines[0]}" | cut -d' ' -f1)
	t_late=$(echo "${lines[1]}" | cut -d' ' -f1)
	[[ "$t_early" < "$t_late" ]]
	# Each form of --since: the record's own time, Unix seconds, a duration.
	run -0 rc-logs --since "$t_late" "$P-a"
	[ "$output" = late ]
	run -0 rc-logs --until "$t_early" "$P-a"
	[ "$output" = early ]
	run -0 rc-logs --since "$(date -d "$t_late" +%s)" "$P-a"
	[ "$output" = late ]
	run -0 rc-logs --since 1h "$P-a"
	[ "$output" = "$(printf 'early\nlate')" ]
	run -0 rc-logs --since "$(date -d '+1 hour' +%Y-%m-%dT%H:%M:%S)" "$P-a"
	[ -z "$output" ]
	run -2 rc-logs --since yesterday "$P-a"
	[[ "$output" == *"--since: invalid time \"yesterday\""* ]]
}

@test "a log written by an older rc (bare output) reads on, mixed with records" {
	mk a sh -c 'echo new'
	printf 'old one\nold two\n' >"$RC_ROOT/containers/$P-a/log"
	rc-unshare -d "$P-a" >/dev/null
	wait_state a exited
	run -0 rc-logs "$P-a"
	[ "$output" = "$(printf 'old one\nold two\nnew')" ]
	run -0 rc-logs --since 1h "$P-a"
	[ "$output" = new ]
}

@test "rc-logs -f follows new output until the container ends" {
	mk a sh -c 'echo first; while [ ! -e /go ]; do sleep 0.05; done; echo second; sleep 0.3; echo third'
	rc-unshare -d "$P-a" >/dev/null
	wait_log a first
	rc-logs -f "$P-a" >"$BATS_TEST_TMPDIR/out" 3>&- &
	follower=$!
	sleep 0.3
	touch "$RC_ROOT/containers/$P-a/rootfs/go"
	wait "$follower"
	[ "$(cat "$BATS_TEST_TMPDIR/out")" = "$(printf 'first\nsecond\nthird')" ]
}

@test "rc-logs -f follows the log across rotations" {
	mk a sh -c 'while [ ! -e /go ]; do sleep 0.05; done; i=0; while [ $i -lt 30 ]; do echo "line $i, long enough to rotate soon"; i=$((i+1)); sleep 0.1; done'
	rc-unshare -d --log-max-size 200 --log-max-files 2 "$P-a" >/dev/null
	rc-logs -f "$P-a" >"$BATS_TEST_TMPDIR/out" 3>&- &
	follower=$!
	sleep 0.2
	touch "$RC_ROOT/containers/$P-a/rootfs/go"
	wait "$follower"
	[ -f "$RC_ROOT/containers/$P-a/log.1" ]
	[ "$(awk '{ print $2 }' "$BATS_TEST_TMPDIR/out" | tr -d , | tr '\n' ' ')" = "$(seq -s ' ' 0 29) " ]
}

@test "the log is rotated at its size cap and rc-logs reads across the files" {
	mk a sh -c 'i=0; while [ $i -lt 400 ]; do echo "line $i of the rotation test"; i=$((i+1)); done'
	rc-unshare -d --log-max-size 2k --log-max-files 3 "$P-a" >/dev/null
	wait_state a exited
	dir=$RC_ROOT/containers/$P-a
	[ -f "$dir/log.1" ]
	[ -f "$dir/log.2" ]
	[ ! -e "$dir/log.3" ]
	for f in "$dir"/log*; do [ "$(stat -c %s "$f")" -le 2048 ]; done
	run -0 rc-logs "$P-a"
	[ "${lines[-1]}" = "line 399 of the rotation test" ]
	# Whole lines, in order, with nothing lost in the files kept.
	first=$(echo "${lines[0]}" | awk '{ print $2 }')
	[ "$(echo "$output" | awk '{ print $2 }' | tr '\n' ' ')" = "$(seq -s ' ' "$first" 399) " ]
}

@test "with one log file the log is cut back at the cap" {
	mk a sh -c 'i=0; while [ $i -lt 200 ]; do echo "line $i"; i=$((i+1)); done'
	rc-unshare -d --log-max-size 1k --log-max-files 1 "$P-a" >/dev/null
	wait_state a exited
	[ "$(stat -c %s "$RC_ROOT/containers/$P-a/log")" -le 1024 ]
	[ ! -e "$RC_ROOT/containers/$P-a/log.1" ]
	run -0 rc-logs "$P-a"
	[ "${lines[-1]}" = "line 199" ]
}

# ---- rc-stop and rc-kill ----

@test "rc-stop sends SIGTERM and waits until the container is gone" {
	mk a sh -c "$LOOP"
	pid=$(rc-unshare -d "$P-a")
	wait_log a up
	run -0 rc-stop "$P-a"
	[ "$output" = "$P-a" ]
	gone "$pid"
	[ "$(field a State)" = exited ]
	[ "$(field a ExitCode)" = 3 ]
	grep -q got-term "$RC_ROOT/containers/$P-a/log"
	# Everything the container had is gone.
	[ ! -e "$RC_ROOT/containers/$P-a/pid" ]
	[ ! -e "$RC_ROOT/containers/$P-a/netns" ]
	! ls -d /sys/fs/cgroup/*/rc/"$(cgroup_leaf "$P-a")" 2>/dev/null || false
}

@test "rc-stop kills a process that ignores SIGTERM after the timeout" {
	mk a sh -c 'trap "" TERM; echo up; while :; do sleep 0.1; done'
	rc-unshare -d "$P-a" >/dev/null
	wait_log a up
	run -0 rc-stop -t 1 "$P-a"
	[ "$(field a ExitCode)" = 137 ]
}

@test "rc-stop uses the image's StopSignal" {
	mk a sh -c 'trap "exit 7" USR1; echo up; while :; do sleep 0.1; done'
	edit_config "$P-a" '.annotations["org.opencontainers.image.stopSignal"] = "SIGUSR1"'
	rc-unshare -d "$P-a" >/dev/null
	wait_log a up
	run -0 rc-stop -t 5 "$P-a"
	[ "$(field a ExitCode)" = 7 ]
}

@test "stopping a stopped container is a clear error" {
	mk a sh -c "$LOOP"
	rc-unshare -d "$P-a" >/dev/null
	wait_log a up
	rc-stop "$P-a"
	run -1 rc-stop "$P-a"
	[ "$output" = "rc-stop: container $P-a is not running" ]
	mk b true
	run -1 rc-stop "$P-b"
	echo "$output" | grep 'is not running'
}

@test "rc-kill sends a signal, SIGKILL by default" {
	mk a sh -c 'trap "echo got-usr1" USR1; echo up; while :; do sleep 0.1; done'
	rc-unshare -d "$P-a" >/dev/null
	wait_log a up
	run -0 rc-kill -s USR1 "$P-a"
	wait_log a got-usr1
	[ "$(field a State)" = running ]
	run -0 rc-kill "$P-a"
	wait_state a exited
	[ "$(field a ExitCode)" = 137 ]
	run -1 rc-kill "$P-a"
	echo "$output" | grep 'is not running'
	run -2 rc-kill -s NOSUCHSIG "$P-a"
	echo "$output" | grep 'invalid signal'
}

# ---- rc-exec ----

@test "rc-exec runs in the container's hostname, pid namespace and filesystem" {
	mk a sleep 1000
	rc-unshare -d --hostname inside "$P-a" >/dev/null
	echo marker >"$RC_ROOT/containers/$P-a/rootfs/only-here"
	run -0 rc-exec "$P-a" sh -c 'hostname; cat /only-here; cat /proc/1/cmdline | tr "\0" " "; echo; cat /etc/alpine-release >/dev/null && echo alpine'
	[ "${lines[0]}" = inside ]
	[ "${lines[1]}" = marker ]
	[ "${lines[2]}" = "sleep 1000 " ]
	[ "${lines[3]}" = alpine ]
	run -0 rc-exec "$P-a" sh -c 'echo $$'
	[ "$output" -gt 1 ] && [ "$output" -lt 100 ]
	rc-stop -t 1 "$P-a"
}

@test "rc-exec applies the container's cgroup, capabilities and no_new_privs" {
	mk a sleep 1000
	rc-unshare -d "$P-a" >/dev/null
	run -0 rc-exec "$P-a" sh -c 'grep -E "^(CapEff|NoNewPrivs)" /proc/self/status'
	[ "$output" = "$(printf 'CapEff:\t00000000a80425fb\nNoNewPrivs:\t1')" ]
	rc-exec "$P-a" sleep 30 &
	for _ in $(seq 100); do
		n=$(cat /sys/fs/cgroup/pids/rc/"$(cgroup_leaf "$P-a")"/cgroup.procs | wc -l)
		[ "$n" -ge 2 ] && break
		sleep 0.05
	done
	[ "$n" -ge 2 ]
	kill %1 || true
	rc-stop -t 1 "$P-a"
}

@test "rc-exec takes -u, -w and -e and returns the command's status" {
	mk a sleep 1000
	rc-unshare -d "$P-a" >/dev/null
	run -0 rc-exec -u nobody -w /tmp -e GREETING=hi "$P-a" sh -c 'id -un; pwd; echo $GREETING'
	[ "$output" = "$(printf 'nobody\n/tmp\nhi')" ]
	run -0 rc-exec "$P-a" sh -c 'id -un; pwd'
	[ "$output" = "$(printf 'root\n/')" ]
	# -e KEY alone: the caller's value, or no variable when the caller has none
	GREETING=from-caller run -0 rc-exec -e GREETING "$P-a" sh -c 'echo "${GREETING-unset}"'
	[ "$output" = from-caller ]
	run -0 env -u GREETING rc-exec -e GREETING "$P-a" sh -c 'echo "${GREETING-unset}"'
	[ "$output" = unset ]
	run -5 rc-exec "$P-a" sh -c 'exit 5'
	run -127 rc-exec "$P-a" no-such-command
	echo "$output" | grep 'not found'
	run -0 rc-exec -t "$P-a" tty
	echo "$output" | grep '^/dev/pts/'
	rc-stop -t 1 "$P-a"
	run -125 rc-exec "$P-a" true
	echo "$output" | grep 'is not running'
}

@test "rc-exec's defaults are rc-unshare's -e, -u and -w, as docker exec's are docker run's" {
	mk a sleep 1000
	V2=caller rc-unshare -d -e V1=run -e V2 -u nobody -w /tmp "$P-a" >/dev/null
	run -0 rc-exec "$P-a" sh -c 'echo $V1 $V2; id -un; pwd'
	[ "$output" = "$(printf 'run caller\nnobody\n/tmp')" ]
	run -0 rc-exec -e V1=exec -u root -w / "$P-a" sh -c 'echo $V1 $V2; id -un; pwd'
	[ "$output" = "$(printf 'exec caller\nroot\n/')" ]
	rc-stop -t 1 "$P-a"
}

# ---- rc-rm ----

@test "rc-rm refuses a running container, -f stops and removes it" {
	mk a sleep 1000
	pid=$(rc-unshare -d "$P-a")
	run -1 rc-rm "$P-a"
	echo "$output" | grep "container $P-a is running"
	kill -0 "$pid"
	run -0 rc-rm -f "$P-a"
	[ "$output" = "$P-a" ]
	[ ! -e "$RC_ROOT/containers/$P-a" ]
	gone "$pid"
	! ls -d /sys/fs/cgroup/*/rc/"$(cgroup_leaf "$P-a")" 2>/dev/null || false
}

@test "rc-rm removes exited and created containers" {
	mk a true
	mk b true
	rc-unshare -d "$P-a" >/dev/null
	wait_state a exited
	run -0 rc-rm "$P-a" "$P-b"
	[ ! -e "$RC_ROOT/containers/$P-a" ]
	[ ! -e "$RC_ROOT/containers/$P-b" ]
}

@test "rc-rm takes the container's network down" {
	HOST=$P-host
	ip netns add "$HOST"
	ip -n "$HOST" link set lo up
	mk a sleep 1000
	nsenter --net="/run/netns/$HOST" rc-net-up -p 8080:80 "$P-a" >/dev/null
	nsenter --net="/run/netns/$HOST" rc-unshare -d "$P-a" >/dev/null
	hostif=$(. "$RC_ROOT/containers/$P-a/net.env" && echo "$HOST_IF")
	ip -n "$HOST" link show "$hostif"
	run -0 nsenter --net="/run/netns/$HOST" rc-rm -f "$P-a"
	! ip -n "$HOST" link show "$hostif" 2>/dev/null || false
	[ -z "$(ls "$RC_ROOT/net/ports")" ]
	[ ! -e "$RC_ROOT/containers/$P-a" ]
}

# ---- restart policies ----

@test "--restart on-failure:N restarts a failing container N times, then it stays exited" {
	mk a sh -c 'echo run; exit 1'
	rc-unshare -d --restart on-failure:2 "$P-a" >/dev/null
	mon=$(monitor_of a)
	for _ in $(seq 200); do gone "$mon" && break; sleep 0.05; done
	[ "$(field a State)" = exited ]
	[ "$(field a ExitCode)" = 1 ]
	[ "$(field a Restarts)" = 2 ]
	[ "$(rc-logs "$P-a" | grep -c '^run$')" = 3 ]
}

@test "--restart on-failure does not restart a container that succeeded" {
	mk a sh -c 'echo run; exit 0'
	rc-unshare -d --restart on-failure "$P-a" >/dev/null
	wait_state a exited
	sleep 0.3
	[ "$(field a Restarts)" = 0 ]
	[ "$(rc-logs "$P-a" | grep -c '^run$')" = 1 ]
}

@test "--restart no (the default) leaves a failed container exited" {
	mk a sh -c 'echo run; exit 1'
	rc-unshare -d "$P-a" >/dev/null
	wait_state a exited
	sleep 0.3
	[ "$(field a Restarts)" = 0 ]
	[ "$(rc-logs "$P-a" | grep -c '^run$')" = 1 ]
}

@test "--restart always restarts whatever the status, keeps its pid file fresh, and rc-stop ends it" {
	mk a sh -c 'echo run; sleep 0.2; exit 0'
	rc-unshare -d --restart always "$P-a" >/dev/null
	mon=$(monitor_of a)
	for _ in $(seq 200); do [ "$(field a Restarts)" -ge 2 ] && break; sleep 0.05; done
	[ "$(field a Restarts)" -ge 2 ]
	# One monitor (the same process) across the restarts.
	[ "$(monitor_of a)" = "$mon" ]
	run -0 rc-stop "$P-a"
	gone "$mon"
	[ "$(field a State)" = exited ]
	n=$(rc-logs "$P-a" | grep -c '^run$')
	sleep 0.5
	[ "$(rc-logs "$P-a" | grep -c '^run$')" = "$n" ]
}

@test "a restarted container that cannot start any more is recorded as exited" {
	mk a sh -c 'echo run; exit 1'
	rc-unshare -d --restart on-failure:3 "$P-a" >/dev/null
	# Take its command away: the restarts fail with 127.
	rm "$RC_ROOT/containers/$P-a/rootfs/bin/busybox"
	mon=$(monitor_of a)
	for _ in $(seq 200); do gone "$mon" && break; sleep 0.05; done
	[ "$(field a State)" = exited ]
	[ "$(field a ExitCode)" = 127 ]
	grep -q 'not found\|No such file' "$RC_ROOT/containers/$P-a/log"
}

# ---- healthchecks ----

# Wait (up to 10 s) until container NAME's health is STATE.
wait_health() {
	for _ in $(seq 200); do
		[ "$(field "$1" Health)" = "$2" ] && return 0
		sleep 0.05
	done
	echo "$P-$1's health is $(field "$1" Health), not $2" >&2
	cat "$RC_ROOT/containers/$P-$1/health" >&2 || true
	return 1
}

# The processes in container NAME's pids cgroup.
ctr_procs() { cat /sys/fs/cgroup/pids/rc/"$(cgroup_leaf "$P-$1")"/cgroup.procs; }

@test "--health-cmd: starting, healthy, unhealthy after the retries, healthy again; rc-ps shows it" {
	mk a sleep 1000
	# The start period keeps it starting for a second (its failures do not
	# count), long enough for rc-ps on a loaded machine; then two failures.
	rc-unshare -d --health-cmd 'test -e /ok' --health-interval 200ms --health-retries 2 \
		--health-start-period 1s "$P-a" >/dev/null
	[[ "$(field a 'Health}} {{.Status')" == "starting running ("*") (health: starting)" ]]
	wait_health a unhealthy
	[[ "$(field a Status)" == *") (unhealthy)" ]]
	# STATE FAILING_STREAK: two failures in a row (or more, by now).
	read -r state streak <"$RC_ROOT/containers/$P-a/health"
	[ "$state" = unhealthy ] && [ "$streak" -ge 2 ]
	touch "$RC_ROOT/containers/$P-a/rootfs/ok"
	wait_health a healthy
	[[ "$(field a Status)" == *") (healthy)" ]]
	[ "$(rc-ps --format json | jq -r "select(.name == \"$P-a\") | .health")" = healthy ]
	# Still running: no restart policy, no restart.
	[ "$(field a State)" = running ]
	[ "$(field a Restarts)" = 0 ]
	rc-stop -t 1 "$P-a"
	[ "$(field a Health)" = - ]
}

@test "a healthcheck runs inside the container, as its process, holding nothing of the monitor's" {
	mk a sleep 1000
	edit_config "$P-a" '.process.user.uid = 1234'
	rc-unshare -d --health-interval 100ms --health-cmd \
		'hostname; id -u; tr "\0" " " </proc/1/cmdline; echo; ls /proc/self/fd | sort -n | tr "\n" " "' \
		"$P-a" >/dev/null
	wait_health a healthy
	out=$(tail -n +3 "$RC_ROOT/containers/$P-a/health")
	echo "$out"
	[ "$(echo "$out" | sed -n 1p)" = "$P-a" ]
	[ "$(echo "$out" | sed -n 2p)" = 1234 ]
	[ "$(echo "$out" | sed -n 3p)" = "sleep 1000 " ]
	# stdin, stdout, stderr and ls's own directory: no lock, log or state descriptor.
	[ "$(echo "$out" | sed -n 4p)" = "0 1 2 3 " ]
	rc-stop -t 1 "$P-a"
}

@test "a hanging healthcheck is killed at its timeout and counts as a failure" {
	mk a sleep 1000
	rc-unshare -d --health-cmd 'echo probing; sleep 1000' --health-interval 100ms \
		--health-timeout 300ms --health-retries 1 "$P-a" >/dev/null
	wait_health a unhealthy
	sed -n 2p "$RC_ROOT/containers/$P-a/health" | grep -q '^-1 '
	grep -q 'Health check exceeded timeout (300ms)' "$RC_ROOT/containers/$P-a/health"
	# Each probe's process is gone once it has been killed.
	for _ in $(seq 100); do [ "$(ctr_procs a | wc -l)" -le 2 ] && break; sleep 0.05; done
	[ "$(ctr_procs a | wc -l)" -le 2 ]
	rc-stop -t 1 "$P-a"
}

@test "a healthcheck's output is capped, and one that leaves a process holding its output does not stall the monitor" {
	mk a sleep 1000
	rc-unshare -d --health-interval 100ms --health-cmd \
		'head -c 100000 /dev/zero | tr "\0" x; sleep 1000 >/dev/stdout &' "$P-a" >/dev/null
	wait_health a healthy
	dir=$RC_ROOT/containers/$P-a
	[ "$(stat -c %s "$dir/health")" -le $((4096 + 64)) ]
	# Probes go on: the file is rewritten after the first.
	before=$(stat -c %Y.%y "$dir/health")
	for _ in $(seq 100); do [ "$(stat -c %Y.%y "$dir/health")" != "$before" ] && break; sleep 0.05; done
	[ "$(stat -c %Y.%y "$dir/health")" != "$before" ]
	rc-stop -t 1 "$P-a"
}

@test "an unhealthy container is restarted when its policy restarts it" {
	mk a sh -c 'echo run; exec sleep 1000'
	rc-unshare -d --restart always --health-cmd 'test -e /ok' --health-interval 100ms \
		--health-retries 1 "$P-a" >/dev/null
	mon=$(monitor_of a)
	for _ in $(seq 200); do [ "$(field a Restarts)" -ge 1 ] && break; sleep 0.05; done
	[ "$(field a Restarts)" -ge 1 ]
	rc-logs "$P-a" 2>&1 | grep -q "rc-monitor: container $P-a is unhealthy: stopping it to restart it"
	# One monitor across the restarts, and each run starts again.
	[ "$(monitor_of a)" = "$mon" ]
	touch "$RC_ROOT/containers/$P-a/rootfs/ok"
	wait_health a healthy
	n=$(field a Restarts)
	sleep 0.5
	[ "$(field a Restarts)" = "$n" ]
	rc-stop -t 1 "$P-a"
}

@test "an unhealthy container whose stop signal it ignores is killed after 10 s, and on-failure:N stops restarting it" {
	mk a sh -c 'trap "" TERM; echo run; while :; do sleep 0.1; done'
	rc-unshare -d --restart on-failure:1 --health-cmd false --health-interval 100ms \
		--health-retries 1 "$P-a" >/dev/null
	for _ in $(seq 400); do [ "$(field a Restarts)" = 1 ] && break; sleep 0.05; done
	[ "$(field a Restarts)" = 1 ]
	# The restart it was allowed is used: unhealthy again, it runs on.
	wait_health a unhealthy
	sleep 0.5
	[ "$(field a State)" = running ]
	[ "$(rc-logs "$P-a" | grep -c '^run$')" = 2 ]
	rc-stop -t 1 "$P-a"
}

@test "the image's HEALTHCHECK runs; --no-healthcheck turns it off" {
	mk a sleep 1000
	edit_config "$P-a" '.annotations["rc.healthcheck"] = "{\"Test\":[\"CMD\",\"/bin/sh\",\"-c\",\"exit 3\"],\"Interval\":100000000,\"Retries\":1}"'
	rc-unshare -d "$P-a" >/dev/null
	wait_health a unhealthy
	sed -n 2p "$RC_ROOT/containers/$P-a/health" | grep -q '^3 '
	rc-stop -t 1 "$P-a"
	rc-unshare -d --no-healthcheck "$P-a" >/dev/null
	sleep 0.5
	[ ! -e "$RC_ROOT/containers/$P-a/health" ]
	[ "$(field a Health)" = - ]
	[[ "$(field a Status)" == "running ("*")" ]]
	rc-stop -t 1 "$P-a"
}

@test "healthcheck options: -d needed, bad durations and conflicts refused" {
	mk a sleep 1000
	run -2 rc-unshare --health-cmd true "$P-a"
	[[ "$output" == *"--health-* options need -d"* ]]
	run -2 rc-unshare -d --health-interval 30 --health-cmd true "$P-a"
	[[ "$output" == *"--health-interval: invalid duration \"30\""* ]]
	run -2 rc-unshare -d --no-healthcheck --health-cmd true "$P-a"
	[[ "$output" == *"--no-healthcheck conflicts with --health-* options"* ]]
	[ "$(field a State)" = created ]
}

# ---- OOM kills ----

@test "a container the kernel killed for memory shows exited (137, OOM killed); a new run clears it" {
	mk a sh -c 'echo up; dd if=/dev/zero of=/dev/null bs=64M count=1'
	rc-unshare -d -m 16m "$P-a" >/dev/null
	wait_state a exited
	[ "$(field a ExitCode)" = 137 ]
	[[ "$(field a Status)" == "exited (137, OOM killed) "*" ago" ]]
	[ "$(field a OOMKilled)" = true ]
	[ "$(cat "$RC_ROOT/containers/$P-a/oom")" -ge 1 ]
	[ "$(rc-ps -a --format json | jq -r "select(.name == \"$P-a\") | .oom_killed")" = true ]
	# Enough memory: no OOM record.
	rc-unshare -d -m 256m "$P-a" >/dev/null
	wait_state a exited
	[ "$(field a ExitCode)" = 0 ]
	[[ "$(field a Status)" == "exited (0) "* ]]
	[ ! -e "$RC_ROOT/containers/$P-a/oom" ]
}

@test "a foreground container killed for memory is recorded too; one killed by a signal is not OOM killed" {
	mk a sh -c 'dd if=/dev/zero of=/dev/null bs=64M count=1'
	run -137 rc-unshare -m 16m "$P-a"
	[ "$(field a OOMKilled)" = true ]
	mk b sh -c 'sleep 100 & kill -9 $!; wait $!'
	run -137 rc-unshare -m 16m "$P-b"
	[ "$(field b OOMKilled)" = false ]
	[[ "$(field b Status)" == "exited (137) "* ]]
}

# ---- no daemon: monitors die, machines reboot ----

@test "SIGKILL of one monitor leaves the other containers running and rc-ps honest" {
	mk a sleep 1000
	mk b sleep 1000
	pa=$(rc-unshare -d "$P-a")
	pb=$(rc-unshare -d "$P-b")
	kill -9 "$(monitor_of a)"
	for _ in $(seq 100); do gone "$pa" && break; sleep 0.05; done
	gone "$pa"
	[ "$(field a State)" = exited ]
	[ "$(field b State)" = running ]
	kill -0 "$pb"
	run -0 rc-exec "$P-b" true
	run -0 rc-ps -q
	[ "$output" = "$P-b" ]
	rc-stop -t 1 "$P-b"
}

@test "after a simulated reboot rc-ps shows every container exited and each starts again" {
	mk a sleep 1000
	mk b sleep 1000
	pa=$(rc-unshare -d "$P-a")
	pb=$(rc-unshare -d "$P-b")
	kill -9 "$(monitor_of a)" "$(monitor_of b)" "$pa" "$pb"
	for _ in $(seq 100); do gone "$pa" && gone "$pb" && break; sleep 0.05; done
	[ "$(field a State)" = exited ]
	[ "$(field b State)" = exited ]
	run -0 rc-ps -q
	[ -z "$output" ]
	# A stale pid file is never trusted.
	[ -f "$RC_ROOT/containers/$P-a/pid" ]
	run -1 rc-kill "$P-a"
	run -0 rc-unshare -d "$P-a"
	[ "$(field a State)" = running ]
	[ "$(field a Pid)" = "$output" ]
	rc-stop -t 1 "$P-a"
}

# ---- rc-start and rc-restart ----

@test "rc-start starts a stopped container again with the options it was started with" {
	mk a sh -c "$LOOP"
	rc-unshare -d --hostname h1 -e FOO=bar -m 64m --restart on-failure:3 "$P-a" >/dev/null
	wait_log a up
	rc-stop "$P-a"
	[ "$(stat -c %a "$RC_ROOT/containers/$P-a/options")" = 600 ]
	run -0 rc-start "$P-a"
	[ "$output" = "$P-a" ]
	[ "$(field a State)" = running ]
	run -0 rc-exec "$P-a" sh -c 'hostname; echo $FOO'
	[ "$output" = "$(printf 'h1\nbar')" ]
	[ "$(cat /sys/fs/cgroup/memory/rc/"$(cgroup_leaf "$P-a")"/memory.limit_in_bytes)" = $((64 << 20)) ]
	# and its restart policy: a failure is restarted
	rc-kill "$P-a"
	for _ in $(seq 200); do [ "$(field a Restarts)" = 1 ] && break; sleep 0.05; done
	[ "$(field a Restarts)" = 1 ]
	wait_state a running
	rc-stop "$P-a"
}

@test "rc-start refuses a running container" {
	mk a sh -c "$LOOP"
	pid=$(rc-unshare -d "$P-a")
	run -1 rc-start "$P-a"
	[ "$output" = "rc-start: container $P-a is already running (rc-restart restarts it)" ]
	[ "$(field a Pid)" = "$pid" ]
	run -1 rc-start nosuch
	[ "$output" = "rc-start: no such container: nosuch" ]
	run -2 rc-start
	run -2 rc-start -i "$P-a"
	rc-stop "$P-a"
}

@test "a container run in the foreground starts again in the background, with -e KEY's value then" {
	mk a true
	X=from-the-caller rc-unshare -e X "$P-a" -- sh -c 'echo "x=$X"; exit 6' || [ $? -eq 6 ]
	run -0 rc-start "$P-a"
	wait_state a exited
	[ "$(field a ExitCode)" = 6 ]
	rc-logs "$P-a" | grep -x 'x=from-the-caller'
	tr '\0' '\n' <"$RC_ROOT/containers/$P-a/options" | grep -x -- '--env=X=from-the-caller'
}

@test "rc-start runs a container never started yet with its config's command" {
	mk a sh -c 'echo from-config'
	run -0 rc-start "$P-a"
	wait_state a exited
	rc-logs "$P-a" | grep -x from-config
}

@test "rc-start -a runs in the foreground with its status, and leaves the record alone" {
	mk a true
	rc-unshare -d --restart on-failure:1 "$P-a" -- sh -c 'echo out; exit 4' >/dev/null
	wait_state a exited
	cp "$RC_ROOT/containers/$P-a/options" "$BATS_TEST_TMPDIR/before"
	run -4 rc-start -a "$P-a"
	[ "$output" = out ]
	cmp "$BATS_TEST_TMPDIR/before" "$RC_ROOT/containers/$P-a/options"
	run -2 rc-start -a "$P-a" "$P-a"
	run -2 rc-start -a --pidfile "$BATS_TEST_TMPDIR/pid" "$P-a"
}

@test "rc-start brings containers back after a simulated reboot, with their options" {
	mk a sh -c "$LOOP"
	mk b sh -c "$LOOP"
	pa=$(rc-unshare -d --hostname ha "$P-a")
	pb=$(rc-unshare -d -e B=2 "$P-b")
	# what a reboot leaves: no process, no mount, no cgroup; the files stay
	kill -9 "$(monitor_of a)" "$(monitor_of b)" "$pa" "$pb"
	for _ in $(seq 100); do gone "$pa" && gone "$pb" && break; sleep 0.05; done
	for c in a b; do
		umount -l "$RC_ROOT/containers/$P-$c/netns"
		for _ in $(seq 50); do rmdir /sys/fs/cgroup/*/rc/"$(cgroup_leaf "$P-$c")" 2>/dev/null && break; sleep 0.05; done
	done
	[ -f "$RC_ROOT/containers/$P-a/pid" ]
	[ "$(field a State)" = exited ]
	run -2 rc-start --pidfile "$BATS_TEST_TMPDIR/a.pid" "$P-a" "$P-b"
	run -0 rc-start --pidfile "$BATS_TEST_TMPDIR/a.pid" "$P-a"
	run -0 rc-start "$P-b"
	[ "$(field a State)" = running ]
	[ "$(field b State)" = running ]
	[ "$(cat "$BATS_TEST_TMPDIR/a.pid")" = "$(monitor_of a)" ]
	[ "$(rc-exec "$P-a" hostname)" = ha ]
	[ "$(rc-exec "$P-b" sh -c 'echo $B')" = 2 ]
	rc-stop "$P-a" "$P-b"
}

@test "rc-restart stops a running container and starts it, and starts a stopped one" {
	mk a sh -c "$LOOP"
	pid=$(rc-unshare -d -e V=1 "$P-a")
	wait_log a up
	run -0 rc-restart "$P-a"
	[ "$output" = "$P-a" ]
	[ "$(grep -c got-term "$RC_ROOT/containers/$P-a/log")" = 1 ]
	gone "$pid"
	[ "$(field a State)" = running ]
	[ "$(field a Pid)" != "$pid" ]
	[ "$(rc-exec "$P-a" sh -c 'echo $V')" = 1 ]
	rc-stop "$P-a"
	run -0 rc-restart "$P-a"
	[ "$(field a State)" = running ]
	rc-stop "$P-a"
	run -2 rc-restart -t soon "$P-a"
}

@test "--stop-signal and --stop-timeout are what rc-stop uses, -t overrides the timeout" {
	mk a sh -c 'trap "exit 7" USR1; echo up; while :; do sleep 0.1; done'
	rc-unshare -d --stop-signal SIGUSR1 "$P-a" >/dev/null
	wait_log a up
	run -0 rc-stop "$P-a"
	[ "$(field a ExitCode)" = 7 ]
	# Ignores SIGTERM and ends by itself after 3 s: within the default 10 s
	# it ends with its own status, with --stop-timeout 1 it is killed.
	mk b sh -c 'trap "" TERM; echo up; sleep 3; exit 5'
	rc-unshare -d "$P-b" >/dev/null
	wait_log b up
	rc-stop "$P-b"
	[ "$(field b ExitCode)" = 5 ]
	rc-unshare -d --stop-timeout 1 "$P-b" >/dev/null
	wait_log b up
	rc-stop "$P-b"
	[ "$(field b ExitCode)" = 137 ]
	rc-unshare -d --stop-timeout 100 "$P-b" >/dev/null
	wait_log b up
	rc-stop -t 0 "$P-b"
	[ "$(field b ExitCode)" = 137 ]
	run -2 rc-unshare -d --stop-timeout soon "$P-b"
	echo "$output" | grep -- '--stop-timeout'
	run -2 rc-unshare -d --stop-signal SIGNOPE "$P-b"
	echo "$output" | grep -- '--stop-signal'
}

# ---- rc-ps --filter ----

@test "rc-ps --filter selects by name, status and label" {
	mk web sh -c "$LOOP"
	mk db sh -c "$LOOP"
	mk job true
	rc-unshare -d --label app=shop --label tier=front "$P-web" >/dev/null
	rc-unshare -d --label app=shop --label tier=back --label primary "$P-db" >/dev/null
	rc-unshare -d --label app=batch "$P-job" >/dev/null
	wait_state job exited
	[ "$(rc-ps -q --filter label=app=shop | tr '\n' ' ')" = "$P-db $P-web " ]
	[ "$(rc-ps -q -f label=app | tr '\n' ' ')" = "$P-db $P-web " ]
	[ "$(rc-ps -q -a -f label=app | tr '\n' ' ')" = "$P-db $P-job $P-web " ]
	[ "$(rc-ps -q -f label=app=shop -f label=tier=back)" = "$P-db" ]
	[ "$(rc-ps -q -f label=primary)" = "$P-db" ]
	[ -z "$(rc-ps -q -f label=app=nope)" ]
	# a status filter lists stopped containers without -a
	[ "$(rc-ps -q -f status=exited)" = "$P-job" ]
	[ "$(rc-ps -q -f status=exited -f status=running | wc -l)" = 3 ]
	[ "$(rc-ps -q -f 'name=-(web|job)$' -a | tr '\n' ' ')" = "$P-job $P-web " ]
	[ "$(rc-ps -q -f name=we -f status=running)" = "$P-web" ]
	run -2 rc-ps -f status=paused
	echo "$output" | grep 'status is created, running, restarting or exited'
	run -2 rc-ps -f colour=red
	run -2 rc-ps -f name
	run -2 rc-ps -f 'name=('
	run -2 rc-unshare -d --label =x "$P-job"
	rc-stop "$P-web" "$P-db"
}

# ---- names ----

@test "unknown and malformed names give clear errors" {
	for prog in rc-stop rc-kill rc-rm rc-logs rc-start rc-restart; do
		run -1 "$prog" nosuch
		[ "$output" = "$prog: no such container: nosuch" ]
		run -2 "$prog" '../x'
		echo "$output" | grep 'invalid'
	done
	run -125 rc-exec nosuch true
	[ "$output" = "rc-exec: no such container: nosuch" ]
	run -2 rc-exec
	run -2 rc-stop
}

@test "every lifecycle program has --help and --version" {
	for prog in rc-ps rc-stop rc-kill rc-logs rc-exec rc-rm rc-monitor rc-start rc-restart; do
		run -0 "$prog" --help
		echo "$output" | grep -q '^Usage:'
		run -0 "$prog" --version
		[ "$output" = "$prog 0.1.0" ]
		run -2 "$prog" --no-such-option
	done
}

# ---- many ----

@test "20 containers started in parallel all come up with distinct names, addresses and ports" {
	HOST=$P-host
	ip netns add "$HOST"
	ip -n "$HOST" link set lo up
	for i in $(seq 20); do mk "w$i" /usr/local/bin/busybox httpd -f -p 80 -h /var/www; done
	pids=()
	for i in $(seq 20); do
		( nsenter --net="/run/netns/$HOST" rc-net-up -p "$((8100 + i)):80" "$P-w$i" >/dev/null &&
		  nsenter --net="/run/netns/$HOST" rc-unshare -d "$P-w$i" >/dev/null ) 3>&- &
		pids+=($!)
	done
	for p in "${pids[@]}"; do wait "$p"; done
	run -0 rc-ps --format '{{.Name}} {{.State}} {{.IP}} {{.Ports}}'
	[ "${#lines[@]}" -eq 20 ]
	[ "$(echo "$output" | awk '$2 == "running"' | wc -l)" -eq 20 ]
	[ "$(echo "$output" | awk '{ print $1 }' | sort -u | wc -l)" -eq 20 ]
	[ "$(echo "$output" | awk '{ print $3 }' | grep -c '^10\.89\.')" -eq 20 ]
	[ "$(echo "$output" | awk '{ print $3 }' | sort -u | wc -l)" -eq 20 ]
	[ "$(echo "$output" | awk '{ print $4 }' | sort -u | wc -l)" -eq 20 ]
	for i in $(seq 20); do
		for _ in $(seq 50); do
			out=$(nsenter --net="/run/netns/$HOST" curl -s --max-time 2 "http://127.0.0.1:$((8100 + i))/") && break
			sleep 0.1
		done
		[ "$out" = '<h1>hello from rc</h1>' ]
	done
	names=$(rc-ps -q)
	nsenter --net="/run/netns/$HOST" rc-rm -f $names >/dev/null
	[ -z "$(rc-ps -a -q)" ]
}
