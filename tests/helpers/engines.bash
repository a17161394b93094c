# engines.bash - containerd, docker and podman started privately for
# tests/engines.bats, with rc-oci as their runtime, and the machine put back
# as it was after.
#
# Two runs may go on at once (two worktrees, a test beside a benchmark):
# every name a run makes on the machine carries its id, $ENG_ID (six hex
# digits of its directory's name), and the rest is undone by the last run
# out (the runs in progress are listed under $ENG_RUNS).
#
#   engines_begin DIR      take DIR (engines_use), register the run; the
#                          first run in remembers the machine (iptables,
#                          nftables tables, netns, cgroups, br_netfilter,
#                          the shared directories below); DIR holds
#                          everything the engines write
#   engines_use DIR        the run of DIR: ENG_DIR and the names below
#   containerd_start       containerd on DIR/ctrd.sock (own root and state,
#                          no CRI plugin), the test images imported into the
#                          namespace $CTR_NS (rce-ID: the runc shim's root is
#                          /run/containerd/runc/rce-ID, its cgroups /rce-ID)
#   dockerd_start [ARG]... dockerd on DIR/docker.sock (own data root, exec
#                          root, pidfile; its own containerd; cgroup parent
#                          rce-ID-docker) with --config-file DIR/daemon.json,
#                          which registers rc-oci as the runtime "rc"
#                          ("runtimes"; an ARG --add-runtime NAME=PATH goes
#                          there too), and ARGs, the test images loaded.
#                          Its containers are on a bridge of its own,
#                          $DOCKER_BRIDGE (rceIDd, a free 172.30.N.0/24), and
#                          it leaves iptables alone (--iptables=false:
#                          docker-proxy publishes the ports)
#   podman ARGS...         podman with rc-oci ($PODMAN_RUNTIME if set: a path,
#                          or "rc", registered in $CONTAINERS_CONF), own
#                          --root/--runroot/--tmpdir, file locks in its
#                          tmpdir, and CONTAINERS_CONF=DIR/containers.conf:
#                          the default network is $PODMAN_NET (CNI, in
#                          DIR/podman/cni) on the bridge rceIDp, a free
#                          172.30.N.0/24
#   engines_end            stop them, remove their containers, their bridges,
#                          CNI leases, cgroups and mounts; the last run out
#                          also undoes what they did to the machine as a
#                          whole: iptables chains and rules (CNI-*), the
#                          FORWARD policy, br_netfilter, nftables tables they
#                          made that hold no rule, cgroups, network
#                          namespaces, /run/docker, /etc/docker/key.json,
#                          /var/lib/cni, /run/containerd
#
# The client is /usr/bin/docker (another may come first on PATH). Published
# ports are on 127.0.0.1 only.
ENG_DIR=
ENG_ID=
ENG_RUNS=/run/rce-engines
DOCKER=/usr/bin/docker
CTR_NS=
DOCKER_BRIDGE=
PODMAN_BRIDGE=
PODMAN_NET=
RC_OCI=

engines_use() {
	ENG_DIR=$1
	ENG_ID=$(printf %s "$ENG_DIR" | md5sum | cut -c1-6)
	CTR_NS=rce-$ENG_ID
	DOCKER_BRIDGE=rce${ENG_ID}d
	PODMAN_BRIDGE=rce${ENG_ID}p
	PODMAN_NET=rce$ENG_ID
	RC_OCI=$BUILD/bin/rc-oci
	export CONTAINERS_CONF=$ENG_DIR/containers.conf
}

# The runs in progress (their marker's directory still there), under the lock.
engines_live() {
	local m
	for m in "$ENG_RUNS"/run.*; do
		[ -f "$m" ] || continue
		if [ -d "$(head -n1 "$m")" ]; then echo "$m"; else rm -f "$m"; fi
	done
}

# A 172.30.N.0/24 that no address on the machine nor any run claims.
engines_subnet() {
	local n used
	used=$( (ip -4 -o addr | awk '{ print $4 }'; cat "$ENG_RUNS"/run.* 2>/dev/null) |
		awk -F. '$1 == 172 && $2 == 30 { print $3 }')
	for n in $(shuf -i 2-253); do
		grep -qx "$n" <<<"$used" || { echo "172.30.$n"; return 0; }
	done
	return 1
}

engines_begin() {
	local d b m lock
	engines_use "$1"
	mkdir -p "$ENG_DIR" "$ENG_RUNS"
	exec {lock}>"$ENG_RUNS.lock"
	flock "$lock"
	b=$ENG_RUNS/before
	if [ -z "$(engines_live)" ]; then
		rm -rf "$b"
		mkdir -p "$b"
		iptables-save >"$b/iptables" 2>/dev/null || true
		nft list tables >"$b/tables" 2>/dev/null || true
		ls /run/netns 2>/dev/null | sort >"$b/netns"
		find /sys/fs/cgroup -mindepth 2 -maxdepth 2 -type d | sort >"$b/cgroups"
		iptables -S FORWARD 2>/dev/null | awk '$1 == "-P" { print $3 }' >"$b/forward"
		[ -d /sys/module/br_netfilter ] && touch "$b/had_br_netfilter"
		# what the engines make outside their own directories: containerd's
		# shims (sockets, fifos, the runc roots), CNI's leases, dockerd's
		# plugin directory and its identity key
		: >"$b/dirs"
		for d in /run/containerd /var/lib/cni /run/docker /etc/docker/key.json; do
			[ -e "$d" ] && echo "$d" >>"$b/dirs"
		done
	fi
	# the marker first: the docker subnet is claimed when podman's is picked
	m=$ENG_RUNS/run.$ENG_ID
	echo "$ENG_DIR" >"$m"
	d=$(engines_subnet) && echo "$d.1/24" >"$ENG_DIR/docker.net" && echo "$d.1 docker" >>"$m"
	d=$(engines_subnet) && echo "$d.1/24" >"$ENG_DIR/podman.net" && echo "$d.1 podman" >>"$m"
	flock -u "$lock"
	exec {lock}>&-
	[ -s "$ENG_DIR/docker.net" ] && [ -s "$ENG_DIR/podman.net" ] || { echo "engines: no free 172.30.N.0/24" >&2; return 1; }
	engines_podman_conf
	return 0
}

# podman's own containers.conf and its default network.
engines_podman_conf() {
	local net
	net=$(cat "$ENG_DIR/podman.net")
	mkdir -p "$ENG_DIR/podman/cni" "$ENG_DIR/podman/tmp"
	cat >"$CONTAINERS_CONF" <<-EOT
	[network]
	network_backend = "cni"
	network_config_dir = "$ENG_DIR/podman/cni"
	default_network = "$PODMAN_NET"
	[engine]
	lock_type = "file"
	events_logger = "file"
	cgroup_manager = "cgroupfs"
	[engine.runtimes]
	rc = ["$RC_OCI"]
	EOT
	cat >"$ENG_DIR/podman/cni/$PODMAN_NET.conflist" <<-EOT
	{
	  "cniVersion": "0.4.0",
	  "name": "$PODMAN_NET",
	  "plugins": [
	    { "type": "bridge", "bridge": "$PODMAN_BRIDGE", "isGateway": true, "ipMasq": true, "hairpinMode": true,
	      "ipam": { "type": "host-local", "routes": [{ "dst": "0.0.0.0/0" }],
	        "ranges": [[{ "subnet": "${net%.1/24}.0/24", "gateway": "${net%/24}" }]] } },
	    { "type": "portmap", "capabilities": { "portMappings": true } },
	    { "type": "firewall" },
	    { "type": "tuning" }
	  ]
	}
	EOT
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
		ip addr add "$(cat "$ENG_DIR/docker.net")" dev "$DOCKER_BRIDGE"
		ip link set "$DOCKER_BRIDGE" up
	fi
	# the runtimes in daemon.json (dockerd refuses --add-runtime beside it)
	local rts="\"rc\": { \"path\": \"$RC_OCI\" }" args=()
	while [ $# -gt 0 ]; do
		if [ "$1" = --add-runtime ]; then
			rts+=", \"${2%%=*}\": { \"path\": \"${2#*=}\" }"
			shift 2
		else
			args+=("$1")
			shift
		fi
	done
	echo "{ \"runtimes\": { $rts } }" | jq . >"$ENG_DIR/daemon.json"
	dockerd --config-file "$ENG_DIR/daemon.json" --storage-driver=overlay2 --data-root "$d/data" \
		--exec-root "$d/exec" --pidfile "$d/dockerd.pid" -H "unix://$ENG_DIR/docker.sock" \
		--cgroup-parent "rce-$ENG_ID-docker" --bridge "$DOCKER_BRIDGE" --iptables=false --ip-masq=false \
		"${args[@]}" >"$d/log" 2>&1 &
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
	CONTAINERS_CONF=$ENG_DIR/containers.conf command podman --root "$d/root" --runroot "$d/run" \
		--tmpdir "$d/tmp" --runtime "${PODMAN_RUNTIME:-$RC_OCI}" "$@"
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

# The chains PREFIX* in filter and nat, and the rules that jump to them,
# when there were none before the first run.
undo_chains() {
	local t rule chain
	grep -q -- "$1" "$ENG_RUNS/before/iptables" && return 0
	for t in filter nat; do
		iptables -t "$t" -S 2>/dev/null | grep -E "^-A .*$1" | sed 's/^-A/-D/' |
			while read -r rule; do eval "iptables -t $t $rule" || true; done
		for chain in $(iptables -t "$t" -S 2>/dev/null | awk -v p="^$1" '$1 == "-N" && $2 ~ p { print $2 }'); do
			iptables -t "$t" -F "$chain"
		done
		for chain in $(iptables -t "$t" -S 2>/dev/null | awk -v p="^$1" '$1 == "-N" && $2 ~ p { print $2 }'); do
			iptables -t "$t" -X "$chain" || true
		done
	done
	return 0
}

# What the engines did to the machine as a whole, undone by the last run out.
engines_undo_machine() {
	local b=$ENG_RUNS/before fam name policy d
	[ -d "$b" ] || return 0
	undo_chains CNI-
	policy=$(cat "$b/forward" 2>/dev/null)
	[ -z "$policy" ] || iptables -P FORWARD "$policy" || true
	if [ ! -e "$b/had_br_netfilter" ] && [ -d /sys/module/br_netfilter ]; then
		modprobe -r br_netfilter 2>/dev/null || rmmod br_netfilter 2>/dev/null || true
	fi
	nft list tables 2>/dev/null | while read -r _ fam name; do
		grep -qx "table $fam $name" "$b/tables" && continue
		if [ "$(nft -j list table "$fam" "$name" | jq '[.nftables[] | select(.rule)] | length')" = 0 ]; then
			nft delete table "$fam" "$name"
		fi
	done
	# only the engines' own (podman's netns-*, CNI's cni-*): other suites
	# running beside this one keep their rct-* namespaces
	for name in $(ls /run/netns 2>/dev/null); do
		case $name in netns-* | cni-*) ;; *) continue ;; esac
		grep -qx "$name" "$b/netns" || ip netns del "$name" 2>/dev/null || true
	done
	# cgroups the engines left (libpod_parent/...), deepest first
	find /sys/fs/cgroup -mindepth 2 -maxdepth 2 -type d | sort | comm -13 "$b/cgroups" - |
		while read -r d; do
			find "$d" -depth -type d -exec rmdir {} + 2>/dev/null || rm -rf "$d" 2>/dev/null || true
		done
	for d in /run/containerd /var/lib/cni /run/docker /etc/docker/key.json; do
		grep -qx "$d" "$b/dirs" 2>/dev/null || rm -rf --one-file-system "$d"
	done
	rm -rf "$b"
}

engines_end() {
	local d lock
	[ -n "$ENG_DIR" ] && [ -d "$ENG_DIR" ] || return 0
	engines_use "$ENG_DIR"
	podman_stop
	dockerd_stop
	containerd_stop
	# this run's own: its bridges, CNI leases, runc root, cgroups, mounts
	for d in "$DOCKER_BRIDGE" "$PODMAN_BRIDGE"; do
		ip link show "$d" >/dev/null 2>&1 && ip link del "$d"
	done
	rm -rf "/var/lib/cni/networks/$PODMAN_NET" "/var/lib/cni/results/$PODMAN_NET"-* "/run/containerd/runc/$CTR_NS"
	find /sys/fs/cgroup -mindepth 2 -maxdepth 2 -type d -name "rce-$ENG_ID*" |
		while read -r d; do
			find "$d" -depth -type d -exec rmdir {} + 2>/dev/null || true
		done
	findmnt -rn -o TARGET | grep "^$ENG_DIR/" | sort -r | xargs -r umount -l
	rm -rf --one-file-system "$ENG_DIR"
	mkdir -p "$ENG_RUNS"
	exec {lock}>"$ENG_RUNS.lock"
	flock "$lock"
	rm -f "$ENG_RUNS/run.$ENG_ID"
	[ -n "$(engines_live)" ] || engines_undo_machine
	flock -u "$lock"
	exec {lock}>&-
	return 0
}
