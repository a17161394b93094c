# engines.bash - containerd, docker and podman started privately for
# tests/engines.bats, with rc-oci as their runtime, and the machine put back
# as it was after.
#
#   engines_begin DIR      remember the machine (iptables, nftables tables,
#                          links, netns, cgroups, br_netfilter); DIR holds
#                          everything the engines write
#   containerd_start       containerd on DIR/ctrd.sock (own root and state,
#                          no CRI plugin), the test images imported into the
#                          namespace $CTR_NS (rc-test: the runc shim's root is
#                          /run/containerd/runc/rc-test, no other containerd's)
#   dockerd_start [ARG]... dockerd on DIR/docker.sock (own data root, exec
#                          root, pidfile; its own containerd), with
#                          --add-runtime rc=rc-oci and ARGs, the test images
#                          loaded. Its containers are on a bridge of its own,
#                          $DOCKER_BRIDGE (not docker0, which another dockerd
#                          on the machine may make and remove), and it leaves
#                          iptables alone (--iptables=false: docker-proxy
#                          publishes the ports)
#   podman ARGS...         podman with rc-oci ($PODMAN_RUNTIME if set), own
#                          --root/--runroot/--tmpdir
#   engines_end            stop them, remove their containers, and undo what
#                          they did to the machine: $DOCKER_BRIDGE and
#                          cni-podman0,
#                          their iptables chains and rules, the FORWARD policy,
#                          br_netfilter, nftables tables they made that hold
#                          no rule, cgroups, network namespaces, mounts
#
# The client is /usr/bin/docker (another may come first on PATH). Published
# ports are on 127.0.0.1 only.
ENG_DIR=
DOCKER=/usr/bin/docker
CTR_NS=rc-test
DOCKER_BRIDGE=rce-docker0
DOCKER_BRIDGE_ADDR=172.30.254.1/24
RC_OCI=

engines_begin() {
	ENG_DIR=$1
	RC_OCI=$BUILD/bin/rc-oci
	mkdir -p "$ENG_DIR"
	iptables-save >"$ENG_DIR/iptables.before" 2>/dev/null || true
	nft list tables >"$ENG_DIR/tables.before" 2>/dev/null || true
	ip -br link | awk '{ print $1 }' | sed 's/@.*//' | sort >"$ENG_DIR/links.before"
	ls /run/netns 2>/dev/null | sort >"$ENG_DIR/netns.before"
	find /sys/fs/cgroup -mindepth 2 -maxdepth 2 -type d | sort >"$ENG_DIR/cgroups.before"
	iptables -S FORWARD 2>/dev/null | awk '$1 == "-P" { print $3 }' >"$ENG_DIR/forward.before"
	[ -d /sys/module/br_netfilter ] && touch "$ENG_DIR/had_br_netfilter"
	# what the engines make outside their own directories: containerd's
	# shims (sockets, fifos, the runtime root of ctr's tasks in $CTR_NS)
	# (containerd's namespace dir), CNI's leases, dockerd's plugin directory
	# and its identity key
	for d in /run/containerd /run/containerd/runc/$CTR_NS /var/lib/cni /run/docker /etc/docker/key.json; do
		[ -e "$d" ] && echo "$d" >>"$ENG_DIR/dirs.before"
	done
	return 0
}

# The test images as an OCI layout (build-images), and as an archive ctr imports.
engines_images() {
	"$HELPERS/build-images" "$TEST_IMAGES"
}

containerd_start() {
	local d=$ENG_DIR/ctrd i
	mkdir -p "$d"
	cat >"$d/config.toml" <<-EOT
	version = 2
	root = "$d/root"
	state = "$d/state"
	disabled_plugins = ["io.containerd.grpc.v1.cri"]
	[grpc]
	  address = "$ENG_DIR/ctrd.sock"
	[ttrpc]
	  address = "$ENG_DIR/ctrd.sock.ttrpc"
	[debug]
	  address = ""
	[metrics]
	  address = ""
	EOT
	containerd --config "$d/config.toml" >"$d/log" 2>&1 &
	echo $! >"$d/pid"
	for i in $(seq 100); do
		ctr -a "$ENG_DIR/ctrd.sock" -n "$CTR_NS" version >/dev/null 2>&1 && break
		kill -0 "$(cat "$d/pid")" 2>/dev/null || { cat "$d/log" >&2; return 1; }
		sleep 0.1
	done
	local img
	for img in alpine httpd; do
		skopeo copy -q "oci:$TEST_IMAGES/oci:$img" "oci-archive:$d/$img.tar:docker.io/rc-test/$img:latest"
		ctr -a "$ENG_DIR/ctrd.sock" -n "$CTR_NS" images import "$d/$img.tar" >/dev/null
	done
}

ctr_() {
	ctr -a "$ENG_DIR/ctrd.sock" -n "$CTR_NS" "$@"
}

containerd_stop() {
	local d=$ENG_DIR/ctrd pid c
	[ -f "$d/pid" ] || return 0
	for c in $(ctr_ task ls -q 2>/dev/null); do
		ctr_ task kill -s KILL "$c" >/dev/null 2>&1
		ctr_ task delete -f "$c" >/dev/null 2>&1
	done
	for c in $(ctr_ container ls -q 2>/dev/null); do ctr_ container rm "$c" >/dev/null 2>&1; done
	pid=$(cat "$d/pid")
	kill -TERM "$pid" 2>/dev/null
	for i in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
	kill -KILL "$pid" 2>/dev/null || true
	rm -f "$d/pid"
}

docker_() {
	"$DOCKER" -H "unix://$ENG_DIR/docker.sock" "$@"
}

dockerd_start() {
	local d=$ENG_DIR/docker i img
	mkdir -p "$d"
	if ! ip link show "$DOCKER_BRIDGE" >/dev/null 2>&1; then
		ip link add "$DOCKER_BRIDGE" type bridge
		ip addr add "$DOCKER_BRIDGE_ADDR" dev "$DOCKER_BRIDGE"
		ip link set "$DOCKER_BRIDGE" up
	fi
	dockerd --storage-driver=overlay2 --data-root "$d/data" --exec-root "$d/exec" \
		--pidfile "$d/dockerd.pid" -H "unix://$ENG_DIR/docker.sock" --add-runtime "rc=$RC_OCI" \
		--bridge "$DOCKER_BRIDGE" --iptables=false --ip-masq=false "$@" >"$d/log" 2>&1 &
	echo $! >"$d/pid"
	for i in $(seq 300); do
		docker_ version >/dev/null 2>&1 && break
		kill -0 "$(cat "$d/pid")" 2>/dev/null || { cat "$d/log" >&2; return 1; }
		sleep 0.1
	done
	for img in alpine httpd; do
		skopeo copy -q --dest-daemon-host "unix://$ENG_DIR/docker.sock" \
			"oci:$TEST_IMAGES/oci:$img" "docker-daemon:rc-test/$img:latest"
	done
}

dockerd_stop() {
	local d=$ENG_DIR/docker pid ids i
	[ -f "$d/pid" ] || return 0
	ids=$(docker_ ps -aq 2>/dev/null) || true
	# shellcheck disable=SC2086
	[ -z "$ids" ] || docker_ rm -f $ids >/dev/null 2>&1 || true
	pid=$(cat "$d/pid")
	kill -TERM "$pid" 2>/dev/null
	for i in $(seq 200); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
	kill -KILL "$pid" 2>/dev/null || true
	rm -f "$d/pid"
}

podman() {
	local d=$ENG_DIR/podman
	mkdir -p "$d/tmp"
	command podman --root "$d/root" --runroot "$d/run" --tmpdir "$d/tmp" --cgroup-manager=cgroupfs \
		--events-backend=file --runtime "${PODMAN_RUNTIME:-$RC_OCI}" "$@"
}

podman_images() {
	local d=$ENG_DIR/podman img
	for img in alpine httpd; do
		skopeo copy -q "oci:$TEST_IMAGES/oci:$img" \
			"containers-storage:[overlay@$d/root+$d/run]localhost/rc-test/$img:latest"
	done
}

podman_stop() {
	[ -d "$ENG_DIR/podman/root" ] || return 0
	podman rm -f -t 0 -a >/dev/null 2>&1 || true
}

# The chains PREFIX* in filter and nat, and the rules that jump to them or
# name IFNAME, that the engines made; only when there were none before.
undo_chains() {
	local t rule chain
	grep -qE "$1|$2" "$ENG_DIR/iptables.before" && return 0
	for t in filter nat; do
		iptables -t "$t" -S 2>/dev/null | grep -E "^-A .*($1|$2)" | sed 's/^-A/-D/' |
			while read -r rule; do eval "iptables -t $t $rule" || true; done
		for chain in $(iptables -t "$t" -S 2>/dev/null | awk -v p="^$1" '$1 == "-N" && $2 ~ p { print $2 }'); do
			iptables -t "$t" -F "$chain"
		done
		for chain in $(iptables -t "$t" -S 2>/dev/null | awk -v p="^$1" '$1 == "-N" && $2 ~ p { print $2 }'); do
			iptables -t "$t" -X "$chain" || true
		done
	done
	if ! grep -qx "$2" "$ENG_DIR/links.before" && ip link show "$2" >/dev/null 2>&1; then
		ip link del "$2"
	fi
	return 0
}

engines_end() {
	local fam name policy d
	[ -n "$ENG_DIR" ] && [ -d "$ENG_DIR" ] || return 0
	podman_stop
	dockerd_stop
	containerd_stop
	if ! grep -qx "$DOCKER_BRIDGE" "$ENG_DIR/links.before" && ip link show "$DOCKER_BRIDGE" >/dev/null 2>&1; then
		ip link del "$DOCKER_BRIDGE"
	fi
	undo_chains CNI- cni-podman0
	policy=$(cat "$ENG_DIR/forward.before" 2>/dev/null)
	[ -z "$policy" ] || iptables -P FORWARD "$policy" || true
	if [ ! -e "$ENG_DIR/had_br_netfilter" ] && [ -d /sys/module/br_netfilter ]; then
		modprobe -r br_netfilter 2>/dev/null || rmmod br_netfilter 2>/dev/null || true
	fi
	nft list tables 2>/dev/null | while read -r _ fam name; do
		grep -qx "table $fam $name" "$ENG_DIR/tables.before" && continue
		if [ "$(nft -j list table "$fam" "$name" | jq '[.nftables[] | select(.rule)] | length')" = 0 ]; then
			nft delete table "$fam" "$name"
		fi
	done
	# only the engines' own (podman's netns-*, CNI's cni-*): other suites
	# running beside this one keep their rct-* namespaces
	for name in $(ls /run/netns 2>/dev/null); do
		case $name in netns-* | cni-*) ;; *) continue ;; esac
		grep -qx "$name" "$ENG_DIR/netns.before" || ip netns del "$name" 2>/dev/null || true
	done
	# cgroups the engines left (docker/, default/, libpod_parent/...), deepest first
	find /sys/fs/cgroup -mindepth 2 -maxdepth 2 -type d | sort | comm -13 "$ENG_DIR/cgroups.before" - |
		while read -r d; do
			find "$d" -depth -type d -exec rmdir {} + 2>/dev/null || rm -rf "$d" 2>/dev/null || true
		done
	findmnt -rn -o TARGET | grep "^$ENG_DIR/" | sort -r | xargs -r umount -l
	for d in /run/containerd/runc/$CTR_NS /run/containerd /var/lib/cni /run/docker /etc/docker/key.json; do
		grep -qx "$d" "$ENG_DIR/dirs.before" 2>/dev/null || rm -rf --one-file-system "$d"
	done
	rm -rf --one-file-system "$ENG_DIR"
	return 0
}
