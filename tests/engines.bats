#!/usr/bin/env bats
# containerd, docker and podman, each started privately here, running their
# containers through rc-oci as they would through runc: containerd's runc
# shim with BinaryName (ctr --runc-binary: the option a Kubernetes
# RuntimeClass handler sets), dockerd with rc in daemon.json's "runtimes"
# (docker run --runtime rc), podman --runtime rc-oci and podman --runtime rc
# with rc in containers.conf's [engine.runtimes]. Images are the project's
# test images (no network). Everything the engines do to the machine is undone after the
# file (helpers/engines.bash); published ports are on 127.0.0.1.

load helpers/common
load helpers/engines

bats_require_minimum_version 1.5.0

setup_file() {
	build_test_images
	engines_begin "$(mktemp -d /tmp/rce.XXXXXX)"
	echo "$ENG_DIR" >"$BATS_FILE_TMPDIR/engdir"
	containerd_start
	dockerd_start
	podman_images
}

teardown_file() {
	ENG_DIR=$(cat "$BATS_FILE_TMPDIR/engdir" 2>/dev/null) || return 0
	engines_end
}

setup() {
	engines_use "$(cat "$BATS_FILE_TMPDIR/engdir")"
}

# A free port on 127.0.0.1 for a published port.
free_port() {
	local p
	for p in $(shuf -i 20000-29999 -n 50); do
		ss -Htln "sport = :$p" | grep -q . || { echo "$p"; return 0; }
	done
	return 1
}

wait_http() {
	local i
	for i in $(seq 100); do
		curl -fs --max-time 1 "http://127.0.0.1:$1/" && return 0
		sleep 0.1
	done
	return 1
}

# ==== containerd ================================================================

@test "containerd: ctr run --runc-binary rc-oci runs the container, with its exit status" {
	run ctr_ run --rm --runc-binary "$RC_OCI" docker.io/rc-test/alpine:latest c-run sh -c 'echo hello from pid $$; exit 3'
	[ "$status" -eq 3 ]
	[ "$output" = "hello from pid 1" ]
}

@test "containerd: exec, kill and delete of a detached task, through rc-oci" {
	ctr_ run -d --runc-binary "$RC_OCI" docker.io/rc-test/alpine:latest c-task sleep 1000
	[ "$(ctr_ task ls | awk '$1 == "c-task" { print $3 }')" = RUNNING ]
	pid=$(ctr_ task ls | awk '$1 == "c-task" { print $2 }')
	[[ $(cat /proc/$pid/cmdline | tr '\0' ' ') == "sleep 1000 " ]]
	# rc-oci's record of it, under the root the runc shim gives (/run/containerd/runc/NAMESPACE)
	[ "$(rc-oci --root /run/containerd/runc/$CTR_NS state c-task | jq -r '.status + " " + (.pid|tostring)')" = "running $pid" ]
	run ctr_ task exec --exec-id e1 c-task sh -c 'echo in $(hostname); exit 5'
	[ "$status" -eq 5 ]
	[ "$output" = "in $(hostname)" ] || [[ $output == in* ]]
	ctr_ task kill -s KILL c-task
	for i in $(seq 50); do [ "$(ctr_ task ls | awk '$1 == "c-task" { print $3 }')" = STOPPED ] && break; sleep 0.1; done
	[ "$(ctr_ task ls | awk '$1 == "c-task" { print $3 }')" = STOPPED ]
	ctr_ task delete c-task
	ctr_ container rm c-task
	[ -z "$(ctr_ container ls -q | grep -x c-task)" ]
}

@test "containerd: a terminal (-t), for the task and for an exec" {
	run script -qec "ctr -a $ENG_DIR/ctrd.sock -n $CTR_NS run -t --rm --runc-binary $RC_OCI docker.io/rc-test/alpine:latest c-tty sh -c 'tty; exit 4'" /dev/null
	[ "$status" -eq 4 ]
	[[ $output == *"/dev/pts/0"* ]]
	ctr_ run -d --runc-binary "$RC_OCI" docker.io/rc-test/alpine:latest c-tty2 sleep 1000
	run script -qec "ctr -a $ENG_DIR/ctrd.sock -n $CTR_NS task exec -t --exec-id e2 c-tty2 tty" /dev/null
	[[ $output == *"/dev/pts/"* ]]
	ctr_ task kill -s KILL c-tty2
	sleep 0.5
	ctr_ task delete c-tty2 && ctr_ container rm c-tty2
}

@test "containerd: --runc-systemd-cgroup: rc-oci places it at systemd's slice:prefix:name" {
	run ctr_ run --rm --runc-binary "$RC_OCI" --runc-systemd-cgroup --cgroup "machine.slice:rctest:c-sd" \
		docker.io/rc-test/alpine:latest c-sd sh -c 'grep :pids: /proc/self/cgroup'
	[ "$status" -eq 0 ]
	[ "$output" = "8:pids:/machine.slice/rctest-c-sd.scope" ] || [[ $output == *":pids:/machine.slice/rctest-c-sd.scope" ]]
}

@test "containerd: a command that is not there is containerd's error, with rc-oci's message" {
	run ctr_ run --rm --runc-binary "$RC_OCI" docker.io/rc-test/alpine:latest c-none no-such-command
	[ "$status" -ne 0 ]
	[[ $output == *'exec: "no-such-command": executable file not found in $PATH'* ]]
}

# ==== docker ===================================================================

@test "docker: run --runtime rc -d -p: httpd answers through the published port; logs, exec, stop, rm" {
	port=$(free_port)
	docker_ run -d --name d-web --runtime rc -p "127.0.0.1:$port:80" rc-test/httpd
	[ "$(docker_ inspect -f '{{.HostConfig.Runtime}}' d-web)" = rc ]
	run wait_http "$port"
	[ "$status" -eq 0 ]
	[ "$output" = "<h1>hello from rc</h1>" ]
	run docker_ logs d-web
	[[ $output == *"response:200"* ]]
	run docker_ exec d-web sh -c 'hostname; echo $((6 * 7))'
	[ "${lines[0]}" = "$(docker_ inspect -f '{{.Config.Hostname}}' d-web)" ]
	[ "${lines[1]}" = 42 ]
	run docker_ exec d-web sh -c 'exit 9'
	[ "$status" -eq 9 ]
	# busybox httpd as pid 1 ignores SIGTERM: docker kills it after -t
	docker_ stop -t 1 d-web
	[ "$(docker_ inspect -f '{{.State.Status}} {{.State.ExitCode}}' d-web)" = "exited 137" ]
	docker_ rm d-web
	run curl -fs --max-time 1 "http://127.0.0.1:$port/"
	[ "$status" -ne 0 ]
}

@test "docker: exec -it through a pty, and run --rm -it" {
	docker_ run -d --name d-tty --runtime rc rc-test/alpine sleep 1000
	run script -qec "$DOCKER -H unix://$ENG_DIR/docker.sock exec -it d-tty sh -c 'tty; exit 6'" /dev/null
	[ "$status" -eq 6 ]
	[[ $output == *"/dev/pts/0"* ]]
	docker_ rm -f d-tty
	run script -qec "$DOCKER -H unix://$ENG_DIR/docker.sock run --rm -it --runtime rc --name d-rm rc-test/alpine sh -c 'tty; exit 3'" /dev/null
	[ "$status" -eq 3 ]
	[[ $output == *"/dev/pts/0"* ]]
	run docker_ inspect d-rm
	[ "$status" -ne 0 ]
}

@test "docker: kill, and a command that is not there (docker's 127)" {
	docker_ run -d --name d-kill --runtime rc rc-test/alpine sleep 1000
	docker_ kill d-kill
	[ "$(docker_ inspect -f '{{.State.Status}} {{.State.ExitCode}}' d-kill)" = "exited 137" ]
	docker_ rm d-kill
	run -127 docker_ run --rm --runtime rc rc-test/alpine no-such-command
	[ "$status" -eq 127 ]
	[[ $output == *'exec: "no-such-command": executable file not found in $PATH'* ]]
}

@test "docker: --pid=host, --network container:X and --memory" {
	docker_ run -d --name d-net --runtime rc rc-test/alpine sleep 1000
	ip=$(docker_ inspect -f '{{.NetworkSettings.IPAddress}}' d-net)
	[ -n "$ip" ]
	run docker_ run --rm --runtime rc --pid=host --network container:d-net --memory 64m rc-test/alpine \
		sh -c 'cat /proc/1/comm; ip -4 -o addr show eth0 | awk "{ print \$4 }"; cat /sys/fs/cgroup/memory/memory.limit_in_bytes'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "$(cat /proc/1/comm)" ]
	[ "${lines[1]%/*}" = "$ip" ]
	[ "${lines[2]}" = 67108864 ]
	docker_ rm -f d-net
}

@test "docker: daemon.json's \"runtimes\" registers rc (no --add-runtime), and run --runtime rc goes through rc-oci" {
	[ "$(jq -r .runtimes.rc.path "$ENG_DIR/daemon.json")" = "$RC_OCI" ]
	run grep -c -- --add-runtime "/proc/$(cat "$ENG_DIR/docker/pid")/cmdline"
	[ "$output" = 0 ]
	[[ $(tr '\0' ' ' <"/proc/$(cat "$ENG_DIR/docker/pid")/cmdline") == *"--config-file $ENG_DIR/daemon.json "* ]]
	[ "$(docker_ info --format '{{json .Runtimes}}' | jq -r .rc.path)" = "$RC_OCI" ]
	docker_ run -d --name d-json --runtime rc rc-test/alpine sleep 1000
	cid=$(docker_ inspect -f '{{.Id}}' d-json)
	pid=$(docker_ inspect -f '{{.State.Pid}}' d-json)
	# rc-oci's record (runc's state.json has no .pid), under the root dockerd gives its shim
	st=$(echo "$ENG_DIR"/docker/exec/runtime-*/moby/"$cid"/state.json)
	[ -f "$st" ]
	[ "$(jq -r '.id + " " + (.pid|tostring)' "$st")" = "$cid $pid" ]
	[ "$(rc-oci --root "${st%/*/state.json}" state "$cid" | jq -r '.status + " " + (.pid|tostring)')" = "running $pid" ]
	docker_ rm -f d-json
	[ ! -e "$st" ]
	run docker_ run --rm --runtime rc rc-test/alpine sh -c 'echo from rc; exit 4'
	[ "$status" -eq 4 ]
	[ "$output" = "from rc" ]
}

# ==== podman ===================================================================

@test "podman: run -d -p: httpd answers through the published port; exec, stop, rm" {
	port=$(free_port)
	podman run -d --name p-web --ulimit nofile=20000:20000 --ulimit nproc=32768:32768 \
		-p "127.0.0.1:$port:80" localhost/rc-test/httpd
	[ "$(podman inspect -f '{{.OCIRuntime}}' p-web)" = "$RC_OCI" ] || [[ $(podman inspect -f '{{.OCIRuntime}}' p-web) == *rc-oci ]]
	run wait_http "$port"
	[ "$output" = "<h1>hello from rc</h1>" ]
	run podman exec p-web sh -c 'echo $((6 * 7)); exit 8'
	[ "$status" -eq 8 ]
	[ "$output" = 42 ]
	podman stop -t 1 p-web
	[ "$(podman inspect -f '{{.State.Status}}' p-web)" = exited ]
	podman rm p-web
	run podman inspect p-web
	[ "$status" -ne 0 ]
}

@test "podman: exec -it through a pty, and run --rm -it" {
	podman run -d --name p-tty --ulimit nofile=20000:20000 --ulimit nproc=32768:32768 localhost/rc-test/alpine sleep 1000
	run script -qec "podman --root $ENG_DIR/podman/root --runroot $ENG_DIR/podman/run --tmpdir $ENG_DIR/podman/tmp --runtime $RC_OCI exec -it p-tty sh -c 'tty; exit 6'" /dev/null
	[ "$status" -eq 6 ]
	[[ $output == *"/dev/pts/0"* ]]
	podman rm -f -t 0 p-tty
	# run -it with stdin at its end, not through script(1): script sends its
	# child an EOF (^D) as soon as its own stdin ends, and podman could take
	# it before its terminal was raw; then about one run in ten printed
	# nothing although conmon's log of the container held /dev/pts/0 every
	# time (the output was lost after conmon, between podman and script)
	run podman run --rm -it --name p-rm --ulimit nofile=20000:20000 --ulimit nproc=32768:32768 \
		localhost/rc-test/alpine sh -c 'tty; exit 3' </dev/null
	[ "$status" -eq 3 ]
	[[ $output == *"/dev/pts/0"* ]]
	run podman inspect p-rm
	[ "$status" -ne 0 ]
}

@test "podman: containers.conf's [engine.runtimes] registers rc, and --runtime rc goes through rc-oci" {
	[ "$CONTAINERS_CONF" = "$ENG_DIR/containers.conf" ]
	grep -A1 -x '\[engine.runtimes\]' "$CONTAINERS_CONF" | grep -qx "rc = \[\"$RC_OCI\"\]"
	PODMAN_RUNTIME=rc podman run -d --name p-conf --ulimit nofile=20000:20000 --ulimit nproc=32768:32768 \
		localhost/rc-test/alpine sleep 1000
	[ "$(podman inspect -f '{{.OCIRuntime}}' p-conf)" = rc ]
	id=$(podman inspect -f '{{.Id}}' p-conf)
	pid=$(podman inspect -f '{{.State.Pid}}' p-conf)
	# podman gives no --root: rc-oci's default, /run/rc-oci (runc's state.json has no .pid)
	[ "$(jq -r '.id + " " + (.pid|tostring)' "/run/rc-oci/$id/state.json")" = "$id $pid" ]
	[ "$(rc-oci state "$id" | jq -r '.status + " " + (.pid|tostring)')" = "running $pid" ]
	PODMAN_RUNTIME=rc podman rm -f -t 0 p-conf
	[ ! -e "/run/rc-oci/$id" ]
	PODMAN_RUNTIME=rc run podman run --rm --ulimit nofile=20000:20000 --ulimit nproc=32768:32768 \
		localhost/rc-test/alpine sh -c 'echo from rc; exit 4'
	[ "$status" -eq 4 ]
	[ "$output" = "from rc" ]
}
