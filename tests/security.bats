#!/usr/bin/env bats
bats_require_minimum_version 1.5.0
# Attacks from inside a container, each shown to fail. One section per
# subject, each headed below; every test performs the attack.

load helpers/common
load helpers/container

setup_file() {
	build_test_images
}

setup() {
	RC_ROOT=$BATS_TEST_TMPDIR/root
	export RC_ROOT
	make_container c1
	# c2: the same container with a config that carries no seccomp profile,
	# as rc-unpack wrote them before docker's profile was part of the config
	cp -a "$RC_ROOT/containers/c1" "$RC_ROOT/containers/c2"
	edit_config c2 'del(.linux.seccomp)'
}

teardown() {
	# Whatever a failed test left running.
	for c in c1 c2; do
		if [ -f "$RC_ROOT/containers/$c/pid" ]; then
			kill -9 "$(cat "$RC_ROOT/containers/$c/pid")" 2>/dev/null || true
		fi
	done
	sleep 0.2
}

wait_for_file() {
	for _ in $(seq 100); do [ -s "$1" ] && return 0; sleep 0.05; done
	return 1
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
