#!/usr/bin/env bash
# bench-net: one container's network set up and torn down, three ways, paired
# in one run, inside throwaway network namespaces (a "host" and the
# container's), so the machine's own network is never touched:
#   rc      rc-net-up -p 8080:80 NAME; rc-net-down NAME  (libmnl + libnftnl)
#   script  the same wiring by a shell script calling ip(8) and nft(8), one
#           command per step, the way the original scripts did it
#   cni     the CNI bridge plugin (host-local IPAM, ipMasq, hairpin) and the
#           portmap plugin, run directly with CNI_* variables and JSON on stdin
# Each wires a bridge with a /16 gateway, a veth into the container's
# namespace with address, lo, eth0 and default route, masquerade and one
# published port, and takes it all away again. Medians of ROUNDS rounds.
# rc is timed in both of its flows: the container's namespace made by
# someone else and joined (c1, pinned before the run, as rc-unshare pins
# one), and made by rc-net-up itself (c2: `rc-net-up NAME; rc-unshare NAME`),
# whose veth rc-net-down leaves to the kernel to take away with the
# namespace. The floor is the cost of starting two programs that do
# nothing, which a cycle of two programs cannot go below.
# Then throughput: wrk against busybox httpd in the container, through the
# published port (host 127.0.0.1:8080 and gateway:8080) and straight at the
# container's address. Each way has its own bridge and subnet (rc 10.89/16,
# script 10.90/16, CNI 10.91/16). The CNI bridge plugin leaves its bridge
# in place on DEL, so after the first round its cycle no longer makes one;
# rc and the script make and remove theirs every time.
#   ROUNDS (default 21)  WRK_SECONDS (default 4)  WRK_RUNS (default 3)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
BUILD=${BUILD:-$here/../../build}
export PATH="$BUILD/bin:$PATH"
ROUNDS=${ROUNDS:-21}
WRK_SECONDS=${WRK_SECONDS:-4}
WRK_RUNS=${WRK_RUNS:-3}
CNI_PATH=${CNI_PATH:-/usr/lib/cni}

if [ "${1:-}" != inside ]; then
	for tool in rc-net-up rc-net-down ip nft wrk jq busybox "$CNI_PATH/bridge" "$CNI_PATH/portmap" "$CNI_PATH/host-local"; do
		command -v "$tool" >/dev/null || { echo "bench-net: $tool is missing" >&2; exit 1; }
	done
	tag=rcb-$$
	work=$(mktemp -d)
	cleanup() {
		[ -n "${httpd:-}" ] && kill "$httpd" 2>/dev/null
		umount -l "$work/root/containers/c1/netns" 2>/dev/null || true
		umount -l "$work/root/containers/c2/netns" 2>/dev/null || true
		ip netns del "$tag-c" 2>/dev/null || true
		ip netns del "$tag-host" 2>/dev/null || true
		rm -rf "$work"
	}
	trap cleanup EXIT
	ip netns add "$tag-host"
	ip netns add "$tag-c"
	ip -n "$tag-host" link set lo up
	# The container's namespace, pinned where rc looks for it.
	mkdir -p "$work/root/containers/c1" "$work/root/containers/c2" "$work/www"
	touch "$work/root/containers/c1/netns"
	mount --bind "/run/netns/$tag-c" "$work/root/containers/c1/netns"
	echo "hello from the container" >"$work/www/index.html"
	export WORK=$work CNS=$tag-c RC_ROOT=$work/root
	nsenter --net="/run/netns/$tag-host" "$0" inside
	exit
fi

# ---- from here on, inside the host namespace ----

cns=/run/netns/$CNS

rc_cycle() {
	rc-net-up -p 8080:80 c1 >/dev/null
	rc-net-down c1
}

# The bridge and table stay, as the CNI bridge plugin leaves its bridge:
# made before the timed cycle and removed after it, untimed.
rckeep_cycle() {
	rc-net-up -p 8080:80 c1 >/dev/null
	rc-net-down --keep-bridge c1
}
rckeep_before() { rc-net-up c1 >/dev/null; rc-net-down --keep-bridge c1; }
rckeep_after() { rc-net-up c1 >/dev/null; rc-net-down c1; }

# The same with the namespace made by rc-net-up (c2 has none pinned).
rcnew_cycle() {
	rc-net-up -p 8080:80 c2 >/dev/null
	rc-net-down --keep-bridge c2
}
rcnew_before() { rckeep_before; }
rcnew_after() { rckeep_after; }

floor_cycle() {
	/bin/true
	/bin/true
}

script_up() {
	ip link add rcs0 type bridge
	ip addr add 10.90.0.1/16 dev rcs0
	ip link set rcs0 up
	echo 1 >/proc/sys/net/ipv4/ip_forward
	echo 1 >/proc/sys/net/ipv4/conf/rcs0/route_localnet
	ip link add rcs-c1 type veth peer name eth0 netns "$CNS"
	ip link set rcs-c1 master rcs0
	ip link set rcs-c1 up
	ip -n "$CNS" link set lo up
	ip -n "$CNS" addr add 10.90.0.2/16 dev eth0
	ip -n "$CNS" link set eth0 up
	ip -n "$CNS" route add default via 10.90.0.1
	nft add table ip rcs
	nft add chain ip rcs prerouting_raw '{ type filter hook prerouting priority raw; }'
	nft add chain ip rcs prerouting '{ type nat hook prerouting priority dstnat; }'
	nft add chain ip rcs output '{ type nat hook output priority -100; }'
	nft add chain ip rcs postrouting '{ type nat hook postrouting priority srcnat; }'
	nft add chain ip rcs forward '{ type filter hook forward priority filter; }'
	nft add rule ip rcs postrouting ip saddr 10.90.0.0/16 oifname != rcs0 masquerade
	nft add rule ip rcs postrouting ip saddr 10.90.0.0/16 oifname rcs0 ct status dnat masquerade
	nft add rule ip rcs postrouting ip saddr 127.0.0.0/8 oifname rcs0 masquerade
	nft add rule ip rcs prerouting_raw ip daddr 127.0.0.0/8 iifname rcs0 drop
	nft add rule ip rcs prerouting_raw ip saddr 127.0.0.0/8 iifname rcs0 drop
	nft add rule ip rcs forward oifname rcs0 iifname != rcs0 'ct state & (established | related) == 0' 'ct status & dnat == 0' drop
	nft add rule ip rcs prerouting fib daddr type local tcp dport 8080 dnat to 10.90.0.2:80
	nft add rule ip rcs output fib daddr type local tcp dport 8080 dnat to 10.90.0.2:80
}

script_down() {
	nft delete table ip rcs
	ip link del rcs-c1
	ip link del rcs0
}

script_cycle() {
	script_up
	script_down
}

cni_conf() {
	cat <<JSON
{"cniVersion":"1.0.0","name":"rcbench","type":"bridge","bridge":"cni-rcb0",
 "isGateway":true,"ipMasq":true,"hairpinMode":true,
 "ipam":{"type":"host-local","subnet":"10.91.0.0/16","dataDir":"$WORK/cni-ipam",
         "routes":[{"dst":"0.0.0.0/0"}]}}
JSON
}

portmap_conf() {
	# $1: the bridge plugin's result, which portmap takes as prevResult
	jq -c --argjson prev "$1" '. + {prevResult: $prev}' <<JSON
{"cniVersion":"1.0.0","name":"rcbench","type":"portmap","snat":true,
 "capabilities":{"portMappings":true},
 "runtimeConfig":{"portMappings":[{"hostPort":8080,"containerPort":80,"protocol":"tcp"}]}}
JSON
}

cni() {
	# cni COMMAND PLUGIN < config
	CNI_COMMAND=$1 CNI_CONTAINERID=bench-c1 CNI_NETNS=$cns CNI_IFNAME=eth0 \
		CNI_PATH=$CNI_PATH "$CNI_PATH/$2"
}

cni_cycle() {
	local res
	res=$(cni_conf | cni ADD bridge)
	portmap_conf "$res" | cni ADD portmap >/dev/null
	portmap_conf "$res" | cni DEL portmap >/dev/null
	cni_conf | cni DEL bridge >/dev/null
}

median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

# Warm up each once (module loading, caches), then ROUNDS paired rounds. The
# clock is read in place: $(...) would fork a subshell, a cost that would
# land inside the interval timed.
rc_cycle
script_cycle
cni_cycle
ways="floor rc rckeep rcnew script cni"
for way in $ways; do : >"$WORK/$way"; done
for _ in $(seq "$ROUNDS"); do
	for way in $ways; do
		case $way in rckeep|rcnew) "${way}_before" ;; esac
		t0=${EPOCHREALTIME/./}
		"${way}_cycle"
		t1=${EPOCHREALTIME/./}
		echo $((10#$t1 - 10#$t0)) >>"$WORK/$way"
		case $way in rckeep|rcnew) "${way}_after" ;; esac
	done
done
fl=$(median <"$WORK/floor")
rc=$(median <"$WORK/rc")
rk=$(median <"$WORK/rckeep")
rn=$(median <"$WORK/rcnew")
sc=$(median <"$WORK/script")
cn=$(median <"$WORK/cni")
printf 'net up+down cycle, median of %d (ms):\n' "$ROUNDS"
awk -v f="$fl" -v r="$rc" -v k="$rk" -v n="$rn" -v s="$sc" -v c="$cn" 'BEGIN {
	printf "  floor: two programs doing nothing (/bin/true x2)   %8.2f\n", f / 1000
	printf "  rc-net-up + rc-net-down (bridge made and removed)  %8.2f\n", r / 1000
	printf "  the same with --keep-bridge (bridge stays)         %8.2f\n", k / 1000
	printf "  the same, namespace made by rc-net-up (bridge stays) %6.2f\n", n / 1000
	printf "  shell script, ip + nft (bridge made and removed)   %8.2f   rc is %.1fx faster\n", s / 1000, s / r
	printf "  CNI bridge + portmap (bridge stays)                %8.2f   rc --keep-bridge is %.1fx faster\n", c / 1000, c / k
}'

# ---- throughput ----
ip=$(rc-net-up -p 8080:80 c1)
nsenter --net="$cns" busybox httpd -f -p 80 -h "$WORK/www" </dev/null >/dev/null 2>&1 &
httpd=$!
trap 'kill $httpd 2>/dev/null; rc-net-down c1' EXIT
for _ in $(seq 50); do
	busybox wget -q -O /dev/null "http://$ip/" 2>/dev/null && break
	sleep 0.1
done
wrk_rps() {
	wrk -t 2 -c 64 -d "${WRK_SECONDS}s" "$1" | awk '/^Requests\/sec/ { print int($2) }'
}
: >"$WORK/w-direct"
: >"$WORK/w-lo"
: >"$WORK/w-gw"
for _ in $(seq "$WRK_RUNS"); do
	wrk_rps "http://$ip:80/" >>"$WORK/w-direct"
	wrk_rps "http://127.0.0.1:8080/" >>"$WORK/w-lo"
	wrk_rps "http://10.89.0.1:8080/" >>"$WORK/w-gw"
done
d=$(median <"$WORK/w-direct")
l=$(median <"$WORK/w-lo")
g=$(median <"$WORK/w-gw")
printf 'wrk against busybox httpd, -t2 -c64, %ss, median of %d (requests/s):\n' "$WRK_SECONDS" "$WRK_RUNS"
awk -v d="$d" -v l="$l" -v g="$g" 'BEGIN {
	printf "  straight at %-16s    %8d\n", "the container", d
	printf "  published, 127.0.0.1:8080       %8d   %.0f%% of direct\n", l, 100 * l / d
	printf "  published, gateway:8080         %8d   %.0f%% of direct\n", g, 100 * g / d
}'
