#!/usr/bin/env bats
bats_require_minimum_version 1.5.0
# Attacks on rc by a hostile image or a hostile container: each test does
# what the attacker would do and checks that it gets nowhere. One section
# per subject, each headed below.

load helpers/common
load helpers/container

setup_file() {
	build_test_images
}

setup() {
	RC_ROOT=$BATS_TEST_TMPDIR/root
	export RC_ROOT
	mkdir -p "$RC_ROOT/containers"
	HOSTBIN=$BATS_TEST_TMPDIR/hostbin
	HOSTDIR=$BATS_TEST_TMPDIR/hostdir
	mkdir -p "$HOSTBIN" "$HOSTDIR"
	touch "$HOSTDIR/HOST-DIR-MARKER"
	install -m 0755 "$BUILD/tests/helpers/host-marker" "$HOSTBIN/marker"
	case $BATS_TEST_DESCRIPTION in
	seccomp:*)
		make_container c1
		# c2: the same container with a config that carries no seccomp
		# profile, as rc-unpack wrote them before docker's profile was
		# part of the config
		cp -a "$RC_ROOT/containers/c1" "$RC_ROOT/containers/c2"
		edit_config c2 'del(.linux.seccomp)'
		;;
	esac
}

teardown() {
	local d m
	# Whatever a failed test left running: monitors, and their containers.
	for d in "$RC_ROOT"/containers/*/; do
		[ -f "$d/pid" ] && kill -9 "$(cat "$d/pid")" 2>/dev/null
		[ -f "$d/monitor" ] || continue
		m=$(cut -d' ' -f1 "$d/monitor")
		case $(readlink "/proc/$m/exe" 2>/dev/null) in
		*/rc-monitor | */rc-unshare) kill -9 "$m" 2>/dev/null || true ;;
		esac
	done
	sleep 0.2
	for d in "$RC_ROOT"/containers/*/; do
		[ -d "$d" ] || continue
		mountpoint -q "$d/netns" 2>/dev/null && umount -l "$d/netns"
		rmdir /sys/fs/cgroup/*/rc/"$(cgroup_leaf "$(basename "$d")")" 2>/dev/null || true
	done
	for p in $(jobs -p); do kill -9 "$p" 2>/dev/null || true; done
	unmount_rootfs
}

wait_for_file() {
	for _ in $(seq 100); do [ -s "$1" ] && return 0; sleep 0.05; done
	return 1
}

# ==== exec paths and working directories: the runtime's descriptors ===========

# A path that leaves the container through descriptor N of the process that
# resolves it, to the host's directory DIR.
climb() { echo "/proc/self/fd/$1/../../../../../../../../../../../..$2"; }

# The host-marker ran (anywhere): its message or its status.
marker_ran() { [[ $output == *"host binary ran"* ]] || [ "$status" -eq 42 ]; }

# A process listed a directory of the host's: the marker file in HOSTDIR,
# or a working directory outside its root ("(unreachable)/...").
cwd_escaped() { [[ $output == *HOST-DIR-MARKER* || $output == *unreachable* ]]; }
LS_CWD=(/bin/sh -c 'pwd; ls')

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

# ==== files of the image that rc reads on the host ============================

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
	# Without a filter: docker's profile refuses keyctl itself.
	run rc-unshare --security-opt seccomp=unconfined box -- /usr/local/bin/rc-probe keyring
	[ "$status" -eq 0 ]
	[ -n "$output" ]
	[ "$output" != "$host" ]
	rc-unshare --security-opt seccomp=unconfined -d box -- /bin/sleep 1000 >/dev/null
	run rc-exec box /usr/local/bin/rc-probe keyring
	[ "$status" -eq 0 ]
	[ "$output" != "$host" ]
	rc-rm -f box
}

# ==== pids ====================================================================

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

# ==== cgroups =================================================================

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

# ==== smaller items ===========================================================

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

# ==== seccomp: docker's default profile ======================================
#
# rc-syscall (tests/helpers/rc-syscall.c) makes one raw system call and
# prints "ok" or the errno's name. refused CALL ERRNO checks that CALL fails
# with ERRNO in c1 (docker's profile in the config, as rc-unpack writes it)
# and in c2 (no profile in the config: rc-unshare applies the default), and
# that with --security-opt seccomp=unconfined it gets past the filter (the
# kernel's own answer, which is never ERRNO for these calls).

refused() {
	local call=$1 want=$2 c
	for c in c1 c2; do
		run rc-unshare "$c" -- rc-syscall "$call"
		echo "$call in $c: $output"
		[ "$output" = "$want" ]
	done
	run rc-unshare --security-opt seccomp=unconfined c2 -- rc-syscall "$call"
	echo "$call unconfined: $output"
	[ "$output" != "$want" ]
	[ "$status" -le 1 ]
}

@test "seccomp: no user namespace: unshare -U, unshare(CLONE_NEWUSER), clone(CLONE_NEWUSER)" {
	for c in c1 c2; do
		run rc-unshare "$c" -- unshare -U sh -c 'echo inside'
		echo "$output"
		[ "$status" -ne 0 ]
		[[ $output == *"Operation not permitted"* ]]
	done
	run rc-unshare --security-opt seccomp=unconfined c2 -- unshare -U sh -c 'echo inside'
	[ "$output" = inside ]
	refused userns EPERM
	refused clone-userns EPERM
}

@test "seccomp: clone3 answers ENOSYS, so that the C library falls back to clone" {
	refused clone3 ENOSYS
}

@test "seccomp: no kernel keyring: keyctl, add_key" {
	refused keyctl EPERM
	refused add_key EPERM
}

@test "seccomp: no io_uring" {
	refused io_uring EPERM
}

@test "seccomp: no userfaultfd" {
	refused userfaultfd EPERM
}

@test "seccomp: no bpf, no perf_event_open" {
	refused bpf EPERM
	refused perf_event_open EPERM
}

@test "seccomp: no kcmp or pidfd_getfd without CAP_SYS_PTRACE" {
	refused kcmp EPERM
	refused pidfd_getfd EPERM
}

@test "seccomp: personality cannot turn off address randomisation" {
	refused personality EPERM
}

@test "seccomp: no AF_VSOCK or AF_ALG sockets" {
	refused vsock EPERM
	refused alg EPERM
}

@test "seccomp: the profile in rc-unpack's config was resolved for its capabilities: adding CAP_SYS_ADMIN does not allow mount" {
	edit_config c1 '.process.capabilities |= map_values(. + ["CAP_SYS_ADMIN"])'
	run rc-unshare c1 -- rc-syscall mount
	[ "$output" = EPERM ]
	run rc-unshare --security-opt seccomp=unconfined c1 -- rc-syscall mount
	[ "$output" = ok ]
}

@test "seccomp: nor adding CAP_DAC_READ_SEARCH open_by_handle_at (docker's 'shocker' escape)" {
	edit_config c1 '.process.capabilities |= map_values(. + ["CAP_DAC_READ_SEARCH"])'
	run rc-unshare c1 -- rc-syscall open_by_handle
	[ "$output" = EPERM ]
	run rc-unshare --security-opt seccomp=unconfined c1 -- rc-syscall open_by_handle
	[ "$output" = ok ]
}

@test "seccomp: without a profile in the config, rc-unshare resolves the default for the container's capabilities" {
	edit_config c2 '.process.capabilities |= map_values(. + ["CAP_SYS_ADMIN"])'
	run rc-unshare c2 -- rc-syscall mount
	[ "$output" = ok ] # docker's profile allows mount with CAP_SYS_ADMIN
	run rc-unshare c2 -- rc-syscall keyctl
	[ "$output" = EPERM ]
}

@test "seccomp: a bare root filesystem (-r) gets the default profile too" {
	run rc-unshare -r "$RC_ROOT/containers/c1/rootfs" -- rc-syscall userns
	[ "$output" = EPERM ]
}

@test "seccomp: a container rc-unpack made refuses unshare -U, keyctl and io_uring" {
	rm -rf "$RC_ROOT/images"
	cp -a "$TEST_IMAGES/oci" "$RC_ROOT/images"
	rc-unpack alpine u1
	install -m 0755 "$BUILD/tests/helpers/rc-syscall" "$RC_ROOT/containers/u1/rootfs/usr/local/bin/"
	[ "$(jq -r .linux.seccomp.defaultAction "$RC_ROOT/containers/u1/config.json")" = SCMP_ACT_ERRNO ]
	run rc-unshare u1 -- sh -c 'unshare -U true; rc-syscall keyctl; rc-syscall io_uring'
	[[ $output == *"unshare: unshare(0x10000000): Operation not permitted"* ]]
	[ "${lines[1]}" = EPERM ]
	[ "${lines[2]}" = EPERM ]
}

@test "seccomp: rc-exec applies the filter the container's first process got" {
	rc-unshare -d c2 -- sleep 60 >/dev/null
	run rc-exec c2 rc-syscall userns
	[ "$output" = EPERM ]
	run rc-exec c2 grep ^Seccomp: /proc/self/status
	[ "$output" = "Seccomp:	2" ]
	rc-stop c2 >/dev/null
	# the same container run unconfined: so are the processes rc-exec adds
	rc-unshare -d --security-opt seccomp=unconfined c2 -- sleep 60 >/dev/null
	run rc-exec c2 rc-syscall userns
	[ "$output" = ok ]
	run rc-exec c2 grep ^Seccomp: /proc/self/status
	[ "$output" = "Seccomp:	0" ]
	rc-stop c2 >/dev/null
}

@test "seccomp: a profile file in docker's format is resolved for the container's capabilities" {
	cat >"$BATS_TEST_TMPDIR/p.json" <<-'EOF'
	{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [
	  {"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO", "errnoRet": 13, "excludes": {"caps": ["CAP_SYS_ADMIN"]}},
	  {"names": ["keyctl"], "action": "SCMP_ACT_ERRNO", "errnoRet": 1}]}
	EOF
	run rc-unshare --security-opt seccomp="$BATS_TEST_TMPDIR/p.json" c1 -- sh -c 'mkdir /x; rc-syscall keyctl; rc-syscall userns'
	[[ ${lines[0]} == *"Permission denied"* ]]
	[ "${lines[1]}" = EPERM ]
	[ "${lines[2]}" = ok ] # the file replaces the config's profile
	edit_config c1 '.process.capabilities |= map_values(. + ["CAP_SYS_ADMIN"])'
	run rc-unshare --security-opt seccomp="$BATS_TEST_TMPDIR/p.json" c1 -- sh -c 'mkdir /x && echo made'
	[ "$output" = made ]
}

@test "seccomp: a changed profile is compiled again, and a damaged compiled one is not used" {
	run rc-unshare c1 -- rc-syscall keyctl
	[ "$output" = EPERM ]
	[ -s "$RC_ROOT/containers/c1/seccomp.bpf" ]
	edit_config c1 '.linux.seccomp.syscalls += [{names: ["keyctl"], action: "SCMP_ACT_ALLOW"}]'
	run rc-unshare c1 -- rc-syscall keyctl
	[ "$output" = ok ]
	# cut the kept program short, then flip a byte in it: neither is loaded
	edit_config c1 'del(.linux.seccomp.syscalls[-1])'
	rc-unshare c1 -- true
	f=$RC_ROOT/containers/c1/seccomp.bpf
	size=$(stat -c %s "$f")
	truncate -s $((size - 8)) "$f"
	run rc-unshare c1 -- rc-syscall keyctl
	[ "$output" = EPERM ]
	[ "$(stat -c %s "$f")" = "$size" ]
	printf '\377' | dd of="$f" bs=1 seek=$((size - 3)) conv=notrunc 2>/dev/null
	run rc-unshare c1 -- rc-syscall keyctl
	[ "$output" = EPERM ]
	run rc-unshare c1 -- rc-syscall userns
	[ "$output" = EPERM ]
}

@test "seccomp: --security-opt no-new-privileges sets no_new_privs, for rc-exec too" {
	edit_config c2 '.process.noNewPrivileges = false'
	run rc-unshare c2 -- grep ^NoNewPrivs: /proc/self/status
	[ "$output" = "NoNewPrivs:	0" ]
	run rc-unshare --security-opt no-new-privileges c2 -- grep ^NoNewPrivs: /proc/self/status
	[ "$output" = "NoNewPrivs:	1" ]
	rc-unshare -d --security-opt no-new-privileges:true c2 -- sleep 60 >/dev/null
	run rc-exec c2 grep ^NoNewPrivs: /proc/self/status
	[ "$output" = "NoNewPrivs:	1" ]
	rc-stop c2 >/dev/null
}

@test "seccomp: --security-opt mistakes are usage errors; a missing profile file fails the start" {
	run rc-unshare --security-opt seccomp c1 -- true
	[ "$status" -eq 2 ]
	[[ $output == *"--security-opt seccomp: expected seccomp=unconfined or seccomp=FILE"* ]]
	run rc-unshare --security-opt apparmor=myprofile c1 -- true
	[ "$status" -eq 2 ]
	[[ $output == *"not supported"* ]]
	run rc-unshare --security-opt seccomp=/nonexistent c1 -- true
	[ "$status" -eq 125 ]
	[[ $output == *"--security-opt seccomp=/nonexistent: opening /nonexistent: No such file or directory"* ]]
	run rc-unshare --security-opt apparmor=unconfined --security-opt label=disable c1 -- true
	[ "$status" -eq 0 ]
}
