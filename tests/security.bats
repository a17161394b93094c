#!/usr/bin/env bats
bats_require_minimum_version 1.5.0
# Attacks on rc by a hostile image or a hostile container: each test does
# what the attacker would do and checks that it gets nowhere.

load helpers/common
load helpers/container

setup() {
	RC_ROOT=$BATS_TEST_TMPDIR/root
	export RC_ROOT
	mkdir -p "$RC_ROOT/containers"
	HOSTBIN=$BATS_TEST_TMPDIR/hostbin
	HOSTDIR=$BATS_TEST_TMPDIR/hostdir
	mkdir -p "$HOSTBIN" "$HOSTDIR"
	touch "$HOSTDIR/HOST-DIR-MARKER"
	install -m 0755 "$BUILD/tests/helpers/host-marker" "$HOSTBIN/marker"
}

teardown() {
	local d m
	for d in "$RC_ROOT"/containers/*/; do
		[ -f "$d/monitor" ] || continue
		m=$(cut -d' ' -f1 "$d/monitor")
		case $(readlink "/proc/$m/exe" 2>/dev/null) in
		*/rc-monitor | */rc-unshare) kill -9 "$m" 2>/dev/null || true ;;
		esac
	done
	sleep 0.1
	for d in "$RC_ROOT"/containers/*/; do
		[ -d "$d" ] || continue
		mountpoint -q "$d/netns" 2>/dev/null && umount -l "$d/netns"
		rmdir /sys/fs/cgroup/*/rc/"$(cgroup_leaf "$(basename "$d")")" 2>/dev/null || true
	done
	for p in $(jobs -p); do kill -9 "$p" 2>/dev/null || true; done
}

# A path that leaves the container through descriptor N of the process that
# resolves it, to the host's directory DIR.
climb() { echo "/proc/self/fd/$1/../../../../../../../../../../../..$2"; }

# The host-marker ran (anywhere): its message or its status.
marker_ran() { [[ $output == *"host binary ran"* ]] || [ "$status" -eq 42 ]; }

# A process listed a directory of the host's: the marker file in HOSTDIR,
# or a working directory outside its root ("(unreachable)/...").
cwd_escaped() { [[ $output == *HOST-DIR-MARKER* || $output == *unreachable* ]]; }
LS_CWD=(/bin/sh -c 'pwd; ls')

# ---- exec path and working directory (CVE-2024-21626, CVE-2019-5736) ----

@test "an exec path through any descriptor 3-64 never runs a host binary" {
	make_container box
	for n in $(seq 3 64); do
		run rc-unshare box -- "$(climb "$n" "$HOSTBIN")/marker"
		if marker_ran; then echo "fd $n: $output"; false; fi
		[ "$status" -ge 125 ]
	done
}

@test "a PATH through any descriptor 3-64 never finds a host binary" {
	make_container box
	for n in $(seq 3 64); do
		run rc-unshare -e PATH="$(climb "$n" "$HOSTBIN")" box -- marker
		if marker_ran; then echo "fd $n: $output"; false; fi
		[ "$status" -eq 127 ]
	done
}

@test "a working directory through any descriptor 3-64 is never made or entered on the host" {
	make_container box
	for n in $(seq 3 64); do
		run rc-unshare -w "$(climb "$n" "$HOSTDIR")/made-$n" box -- /bin/true
		[ ! -e "$HOSTDIR/made-$n" ] || { echo "fd $n made a host directory"; false; }
		run rc-unshare -w "$(climb "$n" "$HOSTDIR")" box -- "${LS_CWD[@]}"
		if cwd_escaped; then echo "fd $n: $output"; false; fi
	done
}

@test "config.json's args, env PATH and cwd through descriptors 3-64 reach nothing of the host" {
	make_container box
	local cfg=$RC_ROOT/containers/box/config.json
	cp "$cfg" "$BATS_TEST_TMPDIR/config.orig"
	for n in $(seq 3 64); do
		jq --arg a "$(climb "$n" "$HOSTBIN")/marker" '.process.args = [$a]' \
			"$BATS_TEST_TMPDIR/config.orig" >"$cfg"
		run rc-unshare box
		if marker_ran; then echo "args, fd $n: $output"; false; fi
		jq --arg p "PATH=$(climb "$n" "$HOSTBIN")" '.process.args = ["marker"] | .process.env = [$p]' \
			"$BATS_TEST_TMPDIR/config.orig" >"$cfg"
		run rc-unshare box
		if marker_ran; then echo "PATH, fd $n: $output"; false; fi
		jq --arg c "$(climb "$n" "$HOSTDIR")/cfg-made-$n" '.process.args = ["/bin/true"] | .process.cwd = $c' \
			"$BATS_TEST_TMPDIR/config.orig" >"$cfg"
		run rc-unshare box
		[ ! -e "$HOSTDIR/cfg-made-$n" ] || { echo "cwd, fd $n made a host directory"; false; }
		jq --arg c "$(climb "$n" "$HOSTDIR")" '.process.args = ["/bin/ls"] | .process.cwd = $c' \
			"$BATS_TEST_TMPDIR/config.orig" >"$cfg"
		run rc-unshare box
		if cwd_escaped; then echo "cwd, fd $n: $output"; false; fi
	done
}

@test "an image whose Entrypoint and WorkingDir climb through descriptors runs nothing of the host" {
	local fixture=$RC_SRC/tests/fixtures/alpine-minirootfs-3.20.3-x86_64.tar.gz
	mkdir -p "$RC_ROOT"
	for n in 3 4 5 6 7 8; do
		"$HELPERS/mkimage" --entrypoint "[\"$(climb "$n" "$HOSTBIN")/marker\"]" \
			"$RC_ROOT/images" "ep$n" "$fixture" >/dev/null
		"$HELPERS/mkimage" --cmd '["/bin/true"]' --workdir "$(climb "$n" "$HOSTDIR")/img-made-$n" \
			"$RC_ROOT/images" "wd$n" "$fixture" >/dev/null
		"$HELPERS/mkimage" --cmd '["/bin/ls"]' --workdir "$(climb "$n" "$HOSTDIR")" \
			"$RC_ROOT/images" "ls$n" "$fixture" >/dev/null
	done
	for n in 3 4 5 6 7 8; do
		rc-unpack "ep$n" "ep$n" >/dev/null
		run rc-unshare "ep$n"
		if marker_ran; then echo "Entrypoint, fd $n: $output"; false; fi
		rc-unpack "wd$n" "wd$n" >/dev/null
		run rc-unshare "wd$n"
		[ ! -e "$HOSTDIR/img-made-$n" ] || { echo "WorkingDir, fd $n made a host directory"; false; }
		rc-unpack "ls$n" "ls$n" >/dev/null
		run rc-unshare "ls$n"
		if cwd_escaped; then echo "WorkingDir, fd $n: $output"; false; fi
	done
}

@test "rc-exec's exec path and working directory through descriptors 3-64 reach nothing of the host" {
	make_container box
	rc-unshare -d box -- /bin/sleep 1000 >/dev/null
	for n in $(seq 3 64); do
		run rc-exec box "$(climb "$n" "$HOSTBIN")/marker"
		if marker_ran; then echo "exec, fd $n: $output"; false; fi
		run rc-exec -e PATH="$(climb "$n" "$HOSTBIN")" box marker
		if marker_ran; then echo "PATH, fd $n: $output"; false; fi
		run rc-exec -w "$(climb "$n" "$HOSTDIR")/exec-made-$n" box /bin/true
		[ ! -e "$HOSTDIR/exec-made-$n" ] || { echo "cwd, fd $n made a host directory"; false; }
		run rc-exec -w "$(climb "$n" "$HOSTDIR")" box "${LS_CWD[@]}"
		if cwd_escaped; then echo "cwd, fd $n: $output"; false; fi
	done
	rc-rm -f box
}

@test "the container's process holds no descriptor but stdio, and /proc/self/exe is its own binary" {
	make_container box
	run rc-unshare box -- /usr/local/bin/rc-probe fds
	[ "$status" -eq 0 ]
	[ "$output" = "0 1 2" ]
	rc-unshare -d box -- /bin/sleep 1000 >/dev/null
	run rc-exec box /usr/local/bin/rc-probe fds
	[ "$output" = "0 1 2" ]
	run rc-exec box /bin/sh -c 'readlink /proc/self/exe; readlink /proc/1/exe'
	[ "${lines[0]}" = /bin/busybox ]
	[ "${lines[1]}" = /bin/busybox ]
	rc-rm -f box
}

@test "a script, a symlinked command and a relative PATH entry still run" {
	make_container box
	printf '#!/bin/sh\necho script ran\n' >"$RC_ROOT/containers/box/rootfs/usr/local/bin/hello"
	chmod 0755 "$RC_ROOT/containers/box/rootfs/usr/local/bin/hello"
	run rc-unshare box -- hello
	[ "$status" -eq 0 ]
	[ "$output" = "script ran" ]
	run rc-unshare box -- /usr/local/bin/hello
	[ "$output" = "script ran" ]
	# /bin/ls is a symlink to busybox; an absolute symlink resolves in the root
	ln -s /bin/busybox "$RC_ROOT/containers/box/rootfs/usr/local/bin/printf"
	run rc-unshare box -- printf 'via %s' symlink
	[ "$output" = "via symlink" ]
	run rc-unshare -w /usr -e PATH=bin box -- env
	[ "$status" -eq 0 ]
	[[ $output == *"PATH=bin"* ]]
	# A non-executable file is found but cannot run: 126; nothing at all: 127.
	chmod 0644 "$RC_ROOT/containers/box/rootfs/usr/local/bin/hello"
	run rc-unshare box -- hello
	[ "$status" -eq 126 ]
	run rc-unshare box -- no-such-command
	[ "$status" -eq 127 ]
}

# ---- files of the image that rc reads on the host --------------------------

# An image: the Alpine fixture, then one layer of SPECs (mklayer's).
image_with() {
	local tag=$1
	shift
	mkdir -p "$RC_ROOT"
	"$HELPERS/mklayer" "$BATS_TEST_TMPDIR/$tag.tar" "$@"
	"$HELPERS/mkimage" --cmd '["/bin/true"]' "$RC_ROOT/images" "$tag" \
		"$RC_SRC/tests/fixtures/alpine-minirootfs-3.20.3-x86_64.tar.gz" "$BATS_TEST_TMPDIR/$tag.tar" >/dev/null
}

@test "rc-unpack refuses an image whose /etc/passwd is a FIFO, and does not hang on it" {
	image_with fifo dir:etc fifo:etc/passwd
	run timeout 20 rc-unpack fifo c1
	[ "$status" -eq 1 ]
	[[ $output == *"/etc/passwd: not a regular file"* ]]
	[ ! -e "$RC_ROOT/containers/c1" ]
}

@test "rc-unpack refuses an image whose /etc/group is a device node, never reading the device" {
	image_with dev dir:etc chr:etc/group:1:5
	run timeout 20 rc-unpack dev c1
	[ "$status" -eq 1 ]
	[[ $output == *"/etc/group: not a regular file"* ]]
	[ ! -e "$RC_ROOT/containers/c1" ]
}

@test "rc-unshare and rc-exec -u refuse a container whose /etc/passwd became a FIFO" {
	make_container box
	rc-unshare -d box -- /bin/sleep 1000 >/dev/null
	rm "$RC_ROOT/containers/box/rootfs/etc/passwd"
	mkfifo "$RC_ROOT/containers/box/rootfs/etc/passwd"
	run timeout 20 rc-exec -u nobody box /bin/true
	[ "$status" -eq 125 ]
	[[ $output == *"/etc/passwd: not a regular file"* ]]
	rc-rm -f box
	make_container box2
	rm "$RC_ROOT/containers/box2/rootfs/etc/passwd"
	mkfifo "$RC_ROOT/containers/box2/rootfs/etc/passwd"
	run timeout 20 rc-unshare box2 -- /bin/true
	[ "$status" -eq 125 ]
	[[ $output == *"/etc/passwd: not a regular file"* ]]
}

@test "a container does not share the caller's session keyring" {
	make_container box
	host=$("$BUILD/tests/helpers/rc-probe" keyring)
	[ -n "$host" ]
	run rc-unshare box -- /usr/local/bin/rc-probe keyring
	[ "$status" -eq 0 ]
	[ -n "$output" ]
	[ "$output" != "$host" ]
	rc-unshare -d box -- /bin/sleep 1000 >/dev/null
	run rc-exec box /usr/local/bin/rc-probe keyring
	[ "$status" -eq 0 ]
	[ "$output" != "$host" ]
	rc-rm -f box
}

# ---- pids ----------------------------------------------------------------

@test "a pid that now belongs to another process gets neither rc-kill's signal nor rc-exec's command" {
	make_container box
	rc-unshare -d box -- /bin/sleep 1000 >/dev/null
	real=$(cat "$RC_ROOT/containers/box/pid")
	sleep 1000 &
	other=$!
	# As if the container had ended and the kernel had given its pid to
	# another process before the monitor took the pid file away.
	echo "$other" >"$RC_ROOT/containers/box/pid"
	run rc-kill -s KILL box
	[ "$status" -eq 1 ]
	[[ $output == *"container box is not running"* ]]
	kill -0 "$other"
	run rc-exec box /bin/cat /etc/hostname
	[ "$status" -eq 125 ]
	[[ $output == *"container box is not running"* ]]
	kill -0 "$other"
	kill "$other"
	echo "$real" >"$RC_ROOT/containers/box/pid"
	run rc-kill -s KILL box
	[ "$status" -eq 0 ]
	rc-rm -f box
}

# ---- cgroups ---------------------------------------------------------------

@test "rc-exec refuses to run a process that could not join all of the container's cgroup" {
	make_container box
	rc-unshare -d box -- /bin/sleep 1000 >/dev/null
	# One hierarchy of the container's cgroup is gone (v1: pids; v2: all).
	leaf=$(cgroup_leaf box)
	if [ -d /sys/fs/cgroup/pids/rc ]; then dir=/sys/fs/cgroup/pids/rc/$leaf top=/sys/fs/cgroup/pids
	else dir=/sys/fs/cgroup/rc/$leaf top=/sys/fs/cgroup; fi
	for p in $(cat "$dir/cgroup.procs"); do echo "$p" >"$top/cgroup.procs"; done
	rmdir "$dir"
	run rc-exec box /bin/true
	[ "$status" -eq 125 ]
	[[ $output == *"joining the container's cgroup: $dir is missing"* ]]
	rc-rm -f box
}

# ---- smaller items -------------------------------------------------------

@test "rc-unpack refuses an image whose StopSignal no one could send" {
	mkdir -p "$RC_ROOT"
	"$HELPERS/mkimage" --cmd '["/bin/true"]' --stop-signal SIGNOPE "$RC_ROOT/images" badsig \
		"$RC_SRC/tests/fixtures/alpine-minirootfs-3.20.3-x86_64.tar.gz" >/dev/null
	run rc-unpack badsig c1
	[ "$status" -eq 1 ]
	[[ $output == *"the image's StopSignal: invalid signal \"SIGNOPE\""* ]]
	[ ! -e "$RC_ROOT/containers/c1" ]
	"$HELPERS/mkimage" --cmd '["/bin/true"]' --stop-signal SIGRTMIN+3 "$RC_ROOT/images" goodsig \
		"$RC_SRC/tests/fixtures/alpine-minirootfs-3.20.3-x86_64.tar.gz" >/dev/null
	run rc-unpack goodsig c2
	[ "$status" -eq 0 ]
}

@test "a fork bomb meets a default process limit of 2048; --pids-limit changes it" {
	make_container box
	run rc-unshare box -- /usr/local/bin/rc-probe forkbomb 3000
	[ "$status" -eq 0 ]
	[ "$output" -le 2048 ]
	[ "$output" -ge 2000 ]
	run rc-unshare --pids-limit 100 box -- /usr/local/bin/rc-probe forkbomb 3000
	[ "$output" -le 100 ]
	run rc-unshare --pids-limit -1 box -- /usr/local/bin/rc-probe forkbomb 3000
	[ "$output" -eq 3000 ]
	# A limit in config.json is the config's to set.
	edit_config box '.linux.resources.pids.limit = 500'
	run rc-unshare box -- /usr/local/bin/rc-probe forkbomb 3000
	[ "$output" -le 500 ]
}
