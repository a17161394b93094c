#!/usr/bin/env bats
bats_require_minimum_version 1.5.0
# The `docker run` options people use, as rc-unshare takes them: what each
# changes inside the container, and that a malformed value is a usage error.

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
	local d=$RC_ROOT/containers/c1 m
	m=$(cut -d' ' -f1 "$d/monitor" 2>/dev/null) || m=
	case $(readlink "/proc/$m/exe" 2>/dev/null) in
	*/rc-monitor|*/rc-unshare) kill -9 "$m" 2>/dev/null || true; sleep 0.1 ;;
	esac
	mountpoint -q "$d/netns" 2>/dev/null && umount -l "$d/netns"
	rmdir /sys/fs/cgroup/*/rc/"$(cgroup_leaf c1)" 2>/dev/null || true
}

# The bit of capability NAME in a CapXxx mask.
cap_bit() { capsh --explain="$1" | sed -n 's/.*\[\([0-9]*\)\].*/\1/p;q'; }
has_cap() { [ $(( 0x$1 & (1 << $2) )) -ne 0 ]; }

# This process's own permitted set: all --privileged can give.
OWN_CAPS=$(awk '/^CapPrm/ { print $2 }' /proc/self/status)

# ---- capabilities ----

@test "--cap-add and --cap-drop change the capability sets, in docker's spellings" {
	run -0 rc-unshare --cap-add NET_ADMIN --cap-drop chown --cap-add cap_sys_ptrace c1 -- \
		grep -E '^Cap(Eff|Bnd|Prm)' /proc/self/status
	want=$(printf '%016x' $(( (0x$DOCKER_CAPS | (1 << 12) | (1 << 19)) & ~1 )))
	[ "$output" = "$(printf 'CapPrm:\t%s\nCapEff:\t%s\nCapBnd:\t%s' "$want" "$want" "$want")" ]
	# what a dropped capability was for is refused
	run -1 rc-unshare --cap-drop CHOWN c1 -- sh -c 'touch /f && chown 1 /f'
	echo "$output" | grep 'Operation not permitted'
	run -0 rc-unshare c1 -- sh -c 'touch /f && chown 1 /f'
}

@test "--cap-drop ALL keeps only what --cap-add gives, --cap-add ALL all but the dropped" {
	run -0 rc-unshare --cap-drop ALL --cap-add KILL c1 -- grep CapEff /proc/self/status
	[ "$output" = "$(printf 'CapEff:\t%016x' $(( 1 << 5 )))" ]
	run -0 rc-unshare --cap-add all --cap-drop NET_RAW c1 -- grep CapBnd /proc/self/status
	[ "$output" = "$(printf 'CapBnd:\t%016x' $(( 0x$OWN_CAPS & ~(1 << 13) )))" ]
}

@test "--cap-add SYS_ADMIN also gets the syscalls docker's profile gives with it" {
	run ! rc-unshare c1 -- mount -t tmpfs none /mnt
	echo "$output" | grep 'permission denied'
	run -0 rc-unshare --cap-add SYS_ADMIN c1 -- sh -c 'mount -t tmpfs none /mnt && grep -c " /mnt " /proc/mounts'
	[ "$output" = 1 ]
	# a filter the config chose itself stays as it is
	edit_config c1 '.linux.seccomp.syscalls += [{"names": ["mount"], "action": "SCMP_ACT_ERRNO", "errnoRet": 38}]'
	run ! rc-unshare --cap-add SYS_ADMIN c1 -- mount -t tmpfs none /mnt
	echo "$output" | grep -i 'not implemented'
}

@test "rc-exec gives its processes the container's capabilities and limits" {
	rc-unshare -d --cap-add NET_ADMIN --cap-drop CHOWN --ulimit nofile=321:654 c1 -- sleep 1000 >/dev/null
	run -0 rc-exec c1 sh -c 'grep CapEff /proc/self/status; ulimit -n; ulimit -Hn'
	want=$(printf '%016x' $(( (0x$DOCKER_CAPS | (1 << 12)) & ~1 )))
	[ "$output" = "$(printf 'CapEff:\t%s\n321\n654' "$want")" ]
	run -0 rc-exec --privileged c1 grep CapEff /proc/self/status
	[ "$output" = "$(printf 'CapEff:\t%s' "$OWN_CAPS")" ]
	rc-stop -t 0 c1
}

@test "malformed capability options are usage errors" {
	run -2 rc-unshare --cap-add NOPE c1 true
	[[ $output == *'--cap-add: unknown capability "NOPE"'* ]]
	run -2 rc-unshare --cap-drop '' c1 true
	run -2 rc-unshare --cap-add 12 c1 true
}

# ---- --privileged ----

@test "--privileged: every capability, no seccomp, no masks, /sys writable, the host's devices" {
	run -0 rc-unshare --privileged c1 -- sh -c '
		grep -E "^(CapEff|Seccomp|NoNewPrivs):" /proc/self/status
		grep -E " /sys (sysfs|tmpfs) " /proc/mounts
		grep -cE " /proc/(timer_list|keys|sys|irq) " /proc/mounts
		ls /dev/fuse /dev/loop-control && true </dev/fuse && echo fuse-opens'
	echo "$output" | grep -x "CapEff:	$OWN_CAPS"
	echo "$output" | grep -x 'Seccomp:	0'
	echo "$output" | grep -x 'NoNewPrivs:	0'
	echo "$output" | grep -E '^sysfs /sys sysfs rw,'
	echo "$output" | grep -x 0
	echo "$output" | grep -x fuse-opens
	# and without it
	run -0 rc-unshare c1 -- sh -c '
		grep -E "^(Seccomp|NoNewPrivs):" /proc/self/status
		grep -E " /sys (sysfs|tmpfs) " /proc/mounts
		grep -cE " /proc/(timer_list|keys|sys|irq) " /proc/mounts
		ls /dev/fuse 2>/dev/null || echo no-fuse'
	echo "$output" | grep -x 'Seccomp:	2'
	echo "$output" | grep -E '^sysfs /sys sysfs ro,'
	echo "$output" | grep -x 4
	echo "$output" | grep -x no-fuse
}

# ---- --ulimit ----

@test "--ulimit sets a resource limit, soft and hard" {
	run -0 rc-unshare --ulimit nofile=100:200 --ulimit nproc=50 --ulimit core=0 c1 -- \
		sh -c 'ulimit -n; ulimit -Hn; ulimit -u; ulimit -Hu; ulimit -c'
	[ "$output" = "$(printf '100\n200\n50\n50\n0')" ]
	run -0 rc-unshare c1 -- sh -c 'ulimit -n'
	[ "$output" = 1024 ]
	run -2 rc-unshare --ulimit nofile=200:100 c1 true
	echo "$output" | grep 'soft limit is above the hard limit'
	run -2 rc-unshare --ulimit bogus=1 c1 true
	echo "$output" | grep 'unknown limit'
	run -2 rc-unshare --ulimit nofile c1 true
	run -2 rc-unshare --ulimit nofile=lots c1 true
	run -2 rc-unshare --ulimit nofile=1:2:3 c1 true
}

# ---- --tmpfs ----

@test "--tmpfs mounts a tmpfs, nosuid,nodev,noexec unless its options say otherwise" {
	run -0 rc-unshare --read-only --tmpfs /run --tmpfs /scratch:size=1m,mode=1770,exec c1 -- sh -c '
		grep -E " /(run|scratch) " /proc/mounts
		echo data >/scratch/f && cat /scratch/f
		touch /other 2>/dev/null || echo root-read-only'
	echo "$output" | grep -E '^tmpfs /run tmpfs rw,nosuid,nodev,noexec,'
	echo "$output" | grep -E '^tmpfs /scratch tmpfs rw,nosuid,nodev,relatime,size=1024k,mode=1770'
	echo "$output" | grep -x data
	echo "$output" | grep -x root-read-only
	# it is the container's alone: nothing reached the root filesystem
	[ ! -e "$RC_ROOT/containers/c1/rootfs/scratch/f" ]
	# one at a config mount's place replaces it
	run -0 rc-unshare --tmpfs /dev/shm:size=2m c1 -- grep ' /dev/shm ' /proc/mounts
	[ "${#lines[@]}" -eq 1 ]
	echo "$output" | grep 'size=2048k'
}

@test "malformed --tmpfs values are usage errors" {
	run -2 rc-unshare --tmpfs run c1 true
	echo "$output" | grep 'absolute path'
	run -2 rc-unshare --tmpfs / c1 true
	run -2 rc-unshare --tmpfs /run:bogus c1 true
	echo "$output" | grep 'unknown option "bogus"'
	run -2 rc-unshare --tmpfs /run:bind c1 true
	run -2 rc-unshare --tmpfs /run:size= c1 true
}

# ---- --device ----

@test "--device gives the host's device node with the permissions asked for" {
	run -0 rc-unshare --device /dev/fuse --device /dev/loop-control:/dev/lc:r c1 -- sh -c '
		stat -c "%n %t:%T %F" /dev/fuse /dev/lc
		true </dev/fuse && echo fuse-read
		true >/dev/fuse && echo fuse-write
		true </dev/lc && echo lc-read
		true >/dev/lc 2>/dev/null || echo lc-write-denied'
	echo "$output" | grep -x '/dev/fuse a:e5 character special file'
	echo "$output" | grep -x '/dev/lc a:ed character special file'
	echo "$output" | grep -x fuse-read
	echo "$output" | grep -x fuse-write
	echo "$output" | grep -x lc-read
	echo "$output" | grep -x lc-write-denied
	# without it, a node made inside cannot be opened
	run -0 rc-unshare c1 -- sh -c 'mknod /dev/fuse c 10 229 && { true </dev/fuse || echo denied; }'
	echo "$output" | grep -x denied
}

@test "--device of a directory gives every device below it" {
	mkdir "$BATS_TEST_TMPDIR/devs"
	mknod "$BATS_TEST_TMPDIR/devs/f" c 10 229
	mknod "$BATS_TEST_TMPDIR/devs/z" c 1 5
	run -0 rc-unshare --device "$BATS_TEST_TMPDIR/devs:/dev/mine" c1 -- sh -c 'ls /dev/mine; true </dev/mine/f && echo ok'
	[ "$output" = "$(printf 'f\nz\nok')" ]
}

@test "a --device destination through a symbolic link of the image stays inside the container" {
	hostdir=$BATS_TEST_TMPDIR/hostdir
	mkdir "$hostdir"
	ln -s "$hostdir" "$RC_ROOT/containers/c1/rootfs/escape"
	ln -s "$hostdir/node" "$RC_ROOT/containers/c1/rootfs/escape-node"
	run -0 rc-unshare --device /dev/fuse:/escape/fuse --device /dev/fuse:/escape-node c1 -- \
		sh -c 'stat -c "%n %t:%T" /escape/fuse'
	[ "$output" = "/escape/fuse a:e5" ]
	# made in the container's own tree, never in the host directory the link names
	[ -z "$(ls -A "$hostdir")" ]
	[ -c "$RC_ROOT/containers/c1/rootfs$hostdir/fuse" ]
	rm -f "$RC_ROOT/containers/c1/rootfs$hostdir/fuse"
}

@test "malformed --device values are usage errors, a missing device a failure" {
	run -2 rc-unshare --device fuse c1 true
	echo "$output" | grep -- '--device: expected'
	run -2 rc-unshare --device /dev/fuse:/dev/f:rwz c1 true
	run -2 rc-unshare --device /dev/fuse:dev/f c1 true
	run -2 rc-unshare --device /dev/fuse:/a:r:x c1 true
	run -125 rc-unshare --device /dev/no-such-device c1 true
	echo "$output" | grep 'device /dev/no-such-device: No such file'
	run -125 rc-unshare --device /etc/hostname c1 true
	echo "$output" | grep 'not a device'
}

# ---- --entrypoint and the command ----

# c1 as rc-unpack writes an image with Entrypoint ["/bin/echo","ep"] and Cmd ["cmd"].
image_with_entrypoint() {
	edit_config c1 '.process.args = ["/bin/echo","ep","cmd"] | .annotations["rc.image.entrypoint"] = "[\"/bin/echo\",\"ep\"]"'
}

@test "a command replaces the image's Cmd and keeps its Entrypoint, as docker run's" {
	image_with_entrypoint
	run -0 rc-unshare c1
	[ "$output" = "ep cmd" ]
	run -0 rc-unshare c1 -- one two
	[ "$output" = "ep one two" ]
	run -0 rc-unshare -d c1 -- in the background
	for _ in $(seq 100); do [ -s "$RC_ROOT/containers/c1/log" ] && break; sleep 0.05; done
	[ "$(rc-logs c1)" = "ep in the background" ]
}

@test "--entrypoint replaces the Entrypoint and drops the image's Cmd; \"\" leaves none" {
	image_with_entrypoint
	run -0 rc-unshare --entrypoint /bin/echo c1 -- hello
	[ "$output" = hello ]
	run -0 rc-unshare --entrypoint /bin/echo c1
	[ "$output" = "" ]
	run -0 rc-unshare --entrypoint '' c1 -- sh -c 'echo no entrypoint'
	[ "$output" = "no entrypoint" ]
	run -125 rc-unshare --entrypoint '' c1
	echo "$output" | grep 'no command'
	# docker takes the value as one word
	run -127 rc-unshare --entrypoint 'echo hi' c1
}

@test "a config that does not say (another tool's, or edited since) has its whole command replaced" {
	edit_config c1 '.process.args = ["/bin/echo","ep","cmd"]'
	run -0 rc-unshare c1 -- echo whole
	[ "$output" = whole ]
	image_with_entrypoint
	edit_config c1 '.process.args = ["/bin/sh","-c","echo edited"]'
	run -0 rc-unshare c1
	[ "$output" = edited ]
	run -0 rc-unshare c1 -- echo whole
	[ "$output" = whole ]
	edit_config c1 '.annotations["rc.image.entrypoint"] = "nonsense"'
	run -125 rc-unshare c1 true
	echo "$output" | grep 'rc.image.entrypoint: not a JSON array'
}

# ---- --dns and --add-host ----

@test "--dns replaces the name servers and keeps search and options" {
	printf 'search example.org\nnameserver 10.1.1.1\noptions ndots:2\n' >"$RC_ROOT/containers/c1/resolv.conf"
	run -0 rc-unshare --dns 192.0.2.53 --dns 2001:db8::53 c1 -- cat /etc/resolv.conf
	[ "$output" = "$(printf 'nameserver 192.0.2.53\nnameserver 2001:db8::53\nsearch example.org\noptions ndots:2')" ]
	# written once, however often it starts
	run -0 rc-unshare --dns 192.0.2.53 --dns 2001:db8::53 c1 -- cat /etc/resolv.conf
	[ "$(echo "$output" | grep -c nameserver)" = 2 ]
	run -2 rc-unshare --dns example.org c1 true
	echo "$output" | grep -- '--dns: not an IP address'
}

@test "--add-host adds lines to /etc/hosts, host-gateway the bridge's address" {
	run -0 rc-unshare --add-host db:192.0.2.7 --add-host 'v6=[2001:db8::7]' --add-host cache:192.0.2.8 c1 -- cat /etc/hosts
	echo "$output" | grep -x '192.0.2.7	db'
	echo "$output" | grep -x '2001:db8::7	v6'
	echo "$output" | grep -x '192.0.2.8	cache'
	echo "$output" | grep -x '127.0.0.1	localhost'
	# rc-unshare's own hosts file is gone again
	[ ! -e "$RC_ROOT/containers/c1/hosts" ]
	# over rc-net-up's files, once however often it starts
	printf '127.0.0.1\tlocalhost\n10.89.0.9\tc1\n' >"$RC_ROOT/containers/c1/hosts"
	printf "IP='10.89.0.9'\nGATEWAY='10.89.0.1'\n" >"$RC_ROOT/containers/c1/net.env"
	rc-unshare --add-host host.docker.internal:host-gateway c1 true
	run -0 rc-unshare --add-host host.docker.internal:host-gateway c1 -- cat /etc/hosts
	[ "$output" = "$(printf '127.0.0.1\tlocalhost\n10.89.0.9\tc1\n10.89.0.1\thost.docker.internal')" ]
	rm "$RC_ROOT/containers/c1/net.env"
	run -125 rc-unshare --add-host gw:host-gateway c1 true
	echo "$output" | grep 'no network'
	run -2 rc-unshare --add-host db c1 true
	run -2 rc-unshare --add-host db:999.1.1.1 c1 true
	run -2 rc-unshare --add-host ':192.0.2.1' c1 true
}

# ---- recorded, and started again with them ----

@test "rc-start starts a container again with every option it was run with" {
	image_with_entrypoint
	rc-unshare -d --cap-add NET_ADMIN --ulimit nofile=77 --tmpfs /scratch --device /dev/fuse \
		--add-host db:192.0.2.7 --entrypoint /bin/sh c1 -- -c 'sleep 1000; exit' >/dev/null
	rc-stop -t 0 c1
	rc-start c1
	run -0 rc-exec c1 sh -c 'grep CapEff /proc/self/status; ulimit -n; grep -c " /scratch " /proc/mounts; ls /dev/fuse; grep db /etc/hosts; cat /proc/1/cmdline | tr "\0" " "'
	[ "$output" = "$(printf 'CapEff:\t%016x\n77\n1\n/dev/fuse\n192.0.2.7\tdb\n/bin/sh -c sleep 1000; exit ' $(( 0x$DOCKER_CAPS | (1 << 12) )))" ]
	rc-stop -t 0 c1
}
