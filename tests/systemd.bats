#!/usr/bin/env bats
bats_require_minimum_version 1.5.0
# rc-systemd: the unit it writes (its content, systemd-analyze verify), what
# its commands do when run as systemd runs them, and, where systemd is the
# machine's init, the unit under systemd itself.

load helpers/common
load helpers/container
load helpers/detached

setup_file() { detached_setup_file; }

setup() {
	detached_setup sd
	RUNDIR=$BATS_TEST_TMPDIR/run
	mkdir -p "$RUNDIR"
	UNIT=
}

teardown() {
	if [ -n "$UNIT" ]; then
		systemctl stop "$UNIT" 2>/dev/null || true
		rm -f "/run/systemd/system/$UNIT"
		systemctl daemon-reload 2>/dev/null || true
	fi
	detached_teardown
}

LOOP='trap "exit 3" TERM; while :; do sleep 0.1; done'

# The value of KEY in the unit text $1.
key() { sed -n "s/^$2=//p" <<<"$1"; }

# Run a command line of the unit as systemd would (%t is $RUNDIR; the words
# rc-systemd writes for these paths need no unquoting).
run_line() {
	local line=${1#-}
	line=${line//%t/$RUNDIR}
	eval "$line"
}

@test "the unit starts the container with rc-start, its monitor the main process, and stops it with rc-stop" {
	mk a sh -c "$LOOP"
	rc-unshare -d --restart always --stop-timeout 5 "$P-a" >/dev/null
	rc-stop "$P-a"
	run -0 rc-systemd "$P-a"
	unit=$output
	[ "$(key "$unit" Type)" = forking ]
	[ "$(key "$unit" PIDFile)" = "%t/rc-$P-a.pid" ]
	[ "$(key "$unit" ExecStart)" = "$BUILD/bin/rc-start --root $RC_ROOT --pidfile %t/rc-$P-a.pid $P-a" ]
	[ "$(key "$unit" ExecStop)" = "-$BUILD/bin/rc-stop --root $RC_ROOT $P-a" ]
	[ "$(key "$unit" TimeoutStopSec)" = 35 ]
	[ "$(key "$unit" Restart)" = on-failure ]
	[ "$(key "$unit" WantedBy)" = multi-user.target ]
	[ "$(key "$unit" RequiresMountsFor)" = "$RC_ROOT/containers/$P-a" ]
	# ExecStart as systemd runs it: it returns, and PIDFile names the monitor
	run_line "$(key "$unit" ExecStart)" >/dev/null
	mon=$(cat "$RUNDIR/rc-$P-a.pid")
	[ "$(basename "$(readlink "/proc/$mon/exe")")" = rc-monitor ]
	[ "$mon" = "$(cut -d' ' -f1 "$RC_ROOT/containers/$P-a/monitor")" ]
	pid=$(cat "$RC_ROOT/containers/$P-a/pid")
	[ "$(awk '{ print $4 }' "/proc/$pid/stat")" = "$mon" ]
	# the policy is the monitor's: a killed container comes back under the same main process
	rc-kill "$P-a" >/dev/null
	for _ in $(seq 200); do
		[ "$(cat "$RC_ROOT/containers/$P-a/pid" 2>/dev/null)" != "$pid" ] && [ -s "$RC_ROOT/containers/$P-a/pid" ] && break
		sleep 0.05
	done
	[ "$(rc-ps --format '{{.State}} {{.Restarts}}')" = "running 1" ]
	kill -0 "$mon"
	# ExecStop ends it and its monitor: the service's main process is gone
	run_line "$(key "$unit" ExecStop)" >/dev/null
	! kill -0 "$mon" 2>/dev/null || grep -q '^State:.*Z' "/proc/$mon/status"
	[ "$(rc-ps -a --format '{{.State}} {{.ExitCode}}')" = "exited 3" ]
}

@test "a container with no restart policy is not started at boot, nor restarted by systemd" {
	mk a sh -c "$LOOP"
	rc-unshare -d "$P-a" >/dev/null
	rc-stop "$P-a"
	run -0 rc-systemd "$P-a"
	[ -z "$(key "$output" Restart)" ]
	! grep -q '^\[Install\]' <<<"$output" || false
	[ "$(key "$output" TimeoutStopSec)" = 40 ]
	rc-unshare -d --stop-timeout -1 --restart on-failure:3 "$P-a" >/dev/null
	rc-stop -t 0 "$P-a"
	run -0 rc-systemd "$P-a"
	[ "$(key "$output" TimeoutStopSec)" = infinity ]
	[ "$(key "$output" WantedBy)" = multi-user.target ]
	grep -q 'restart policy (on-failure:3)' <<<"$output"
}

@test "systemd-analyze verify accepts the units, an odd state directory's quoted" {
	mk a sh -c "$LOOP"
	rc-unshare -d --restart always "$P-a" >/dev/null
	rc-stop "$P-a"
	rc-systemd "$P-a" >"$BATS_TEST_TMPDIR/rc-$P-a.service"
	run -0 systemd-analyze verify --man=no "$BATS_TEST_TMPDIR/rc-$P-a.service"
	[ -z "$output" ]
	odd="$BATS_TEST_TMPDIR/state dir %h \$HOME"
	mkdir -p "$odd"
	cp -a "$RC_ROOT/containers" "$odd/"
	RC_ROOT=$odd rc-systemd "$P-a" >"$BATS_TEST_TMPDIR/rc-odd.service"
	grep -Fx "ExecStart=$BUILD/bin/rc-start --root \"$BATS_TEST_TMPDIR/state dir %%h \$\$HOME\" --pidfile %t/rc-$P-a.pid $P-a" \
		"$BATS_TEST_TMPDIR/rc-odd.service"
	run -0 systemd-analyze verify --man=no "$BATS_TEST_TMPDIR/rc-odd.service"
	[ -z "$output" ]
	# and it would notice a broken one
	sed 's/^Type=forking/Type=forkng/' "$BATS_TEST_TMPDIR/rc-$P-a.service" >"$BATS_TEST_TMPDIR/rc-bad.service"
	run systemd-analyze verify --man=no "$BATS_TEST_TMPDIR/rc-bad.service"
	[[ $output == *"Failed to parse service type"* ]]
}

@test "--dir writes rc-NAME.service there; bad names and unknown containers are errors" {
	mk a true
	run -0 rc-systemd --dir "$BATS_TEST_TMPDIR" "$P-a"
	[ "$output" = "$BATS_TEST_TMPDIR/rc-$P-a.service" ]
	grep -q "^ExecStart=.*rc-start .* $P-a\$" "$BATS_TEST_TMPDIR/rc-$P-a.service"
	run -1 rc-systemd nosuch
	[ "$output" = "rc-systemd: no such container: nosuch" ]
	run -2 rc-systemd '../x'
	run -2 rc-systemd
	run -2 rc-systemd "$P-a" "$P-a"
	run -1 rc-systemd --dir "$BATS_TEST_TMPDIR/none" "$P-a"
	echo "$output" | grep 'unit directory'
	run -0 rc-systemd --help
	run -0 rc-systemd --version
	[ "$output" = "rc-systemd 0.1.0" ]
}

@test "under systemd, the unit starts, supervises and stops the container" {
	if [ ! -d /run/systemd/system ]; then
		skip "systemd is not this machine's init (PID 1 is $(cat /proc/1/comm)): the unit is tested by its content and commands above"
	fi
	mk a sh -c "$LOOP"
	rc-unshare -d --restart always "$P-a" >/dev/null
	rc-stop "$P-a"
	UNIT=rc-$P-a.service
	rc-systemd --dir /run/systemd/system "$P-a" >/dev/null
	systemctl daemon-reload
	systemctl start "$UNIT"
	[ "$(rc-ps --format '{{.State}}')" = running ]
	[ "$(systemctl show -p MainPID --value "$UNIT")" = "$(cut -d' ' -f1 "$RC_ROOT/containers/$P-a/monitor")" ]
	systemctl stop "$UNIT"
	[ "$(rc-ps -a --format '{{.State}}')" = exited ]
}
