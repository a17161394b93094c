#!/usr/bin/env bats
bats_require_minimum_version 1.5.0
# rc-stats against the kernel's own numbers: each figure it prints is
# checked against the container's cgroup files (this machine's cgroup v1
# hierarchies; v2 is checked on a fake tree in tests/unit/test-stats.c) and
# /proc/PID/net/dev of its process, read directly. Networks only inside a
# namespace the test makes.

load helpers/common
load helpers/container
load helpers/detached

setup_file() { detached_setup_file; }
setup() { detached_setup st; }
teardown() { detached_teardown; }

# The container's directory in the v1 hierarchy of controller CTRL.
cg() { echo "/sys/fs/cgroup/$2/rc/$(cgroup_leaf "$P-$1")"; }

# A key of a "key value" cgroup file.
key() { awk -v k="$2" '$1 == k { print $2 }' "$1"; }

# One field of rc-stats' JSON for container NAME.
stat_of() { jq -r --arg n "$P-$1" "select(.name == \$n) | .$2" <<<"$STATS"; }

# Wait until file FILE exists in container NAME's root filesystem.
wait_file() {
	for _ in $(seq 200); do [ -e "$RC_ROOT/containers/$P-$1/rootfs/$2" ] && return 0; sleep 0.05; done
	return 1
}

@test "rc-stats' memory, CPU time, pids and block I/O are the cgroup's own numbers" {
	mk a sh -c 'dd if=/dev/zero of=/data bs=1M count=8 oflag=direct 2>/dev/null; sync; touch /ready; sleep 1 & sleep 1000'
	rc-unshare -d -m 96m "$P-a" >/dev/null
	wait_file a ready
	mem=$(cg a memory) cpu=$(cg a cpuacct) pids=$(cg a pids) blk=$(cg a blkio)
	usage0=$(( $(cat "$mem/memory.usage_in_bytes") - $(key "$mem/memory.stat" total_inactive_file) ))
	cpu0=$(cat "$cpu/cpuacct.usage")
	STATS=$(rc-stats --no-stream --format json "$P-a")
	echo "$STATS"
	usage1=$(( $(cat "$mem/memory.usage_in_bytes") - $(key "$mem/memory.stat" total_inactive_file) ))
	cpu1=$(cat "$cpu/cpuacct.usage")
	[ "$(stat_of a running)" = true ]
	[ "$(stat_of a mem_limit)" = "$(cat "$mem/memory.limit_in_bytes")" ]
	[ "$(stat_of a mem_limit)" = $((96 << 20)) ]
	[ "$(stat_of a mem_cache)" = "$(key "$mem/memory.stat" total_cache)" ]
	# What the kernel counts may move while we look (its per-CPU charge
	# caches are drained at any time): between the reads before and after.
	u=$(stat_of a mem_usage)
	{ [ "$u" -ge "$usage0" ] && [ "$u" -le "$usage1" ]; } || { [ "$u" -le "$usage0" ] && [ "$u" -ge "$usage1" ]; }
	c=$(stat_of a cpu_ns)
	[ "$c" -ge "$cpu0" ] && [ "$c" -le "$cpu1" ]
	[ "$c" -gt 0 ]
	[ "$(stat_of a pids)" = "$(cat "$pids/pids.current")" ]
	f=$blk/blkio.throttle.io_service_bytes_recursive
	[ "$(stat_of a block_write)" = "$(awk '$2 == "Write" { s += $3 } END { print s + 0 }' "$f")" ]
	[ "$(stat_of a block_read)" = "$(awk '$2 == "Read" { s += $3 } END { print s + 0 }' "$f")" ]
	# Its own network namespace with lo only: nothing counted, but counted.
	[ "$(stat_of a net_rx)" = 0 ] && [ "$(stat_of a net_tx)" = 0 ]
}

@test "rc-stats' network I/O is the container's own interfaces', lo left out" {
	HOST=$P-host
	ip netns add "$HOST"
	ip -n "$HOST" link set lo up
	mk a /usr/local/bin/busybox httpd -f -p 80 -h /var/www
	nsenter --net="/run/netns/$HOST" rc-net-up "$P-a" >/dev/null
	pid=$(nsenter --net="/run/netns/$HOST" rc-unshare -d "$P-a")
	ip=$(. "$RC_ROOT/containers/$P-a/net.env" && echo "$IP")
	for _ in $(seq 50); do
		nsenter --net="/run/netns/$HOST" curl -s --max-time 2 "http://$ip/" >/dev/null && break
		sleep 0.1
	done
	# Traffic on lo, which is not counted.
	rc-exec "$P-a" wget -q -O /dev/null http://127.0.0.1/ || true
	# Bytes received and sent, every interface but lo, read directly.
	net() { awk -F'[: ]+' -v f="$1" '$2 != "lo" && $2 != "face" && NF > 10 { s += $f } END { print s }' "/proc/$pid/net/dev"; }
	rx0=$(net 3) tx0=$(net 11)
	STATS=$(rc-stats --no-stream --format json "$P-a")
	echo "$STATS"
	rx1=$(net 3) tx1=$(net 11)
	[ "$rx0" -gt 0 ] && [ "$tx0" -gt 0 ]
	# The last packets of the exchange may still be on their way: between.
	r=$(stat_of a net_rx) t=$(stat_of a net_tx)
	[ "$r" -ge "$rx0" ] && [ "$r" -le "$rx1" ]
	[ "$t" -ge "$tx0" ] && [ "$t" -le "$tx1" ]
}

@test "rc-stats shows every running container's table; -- for what is not running or the host's network" {
	mk busy sh -c 'while :; do :; done'
	mk idle sleep 1000
	mk hostnet sleep 1000
	mk stopped true
	rc-unshare -d "$P-busy" >/dev/null
	rc-unshare -d "$P-idle" >/dev/null
	rc-unshare -d --net host "$P-hostnet" >/dev/null
	run -0 rc-stats --no-stream
	echo "$output"
	[[ "${lines[0]}" == "NAME "*"CPU %"*"MEM USAGE / LIMIT"*"MEM %"*"CACHE"*"NET I/O"*"BLOCK I/O"*"PIDS" ]]
	[ "${#lines[@]}" -eq 4 ]
	[[ "$(echo "$output" | grep "^$P-hostnet ")" == *" -- "* ]]
	STATS=$(rc-stats --no-stream --format json "$P-busy" "$P-idle" "$P-hostnet" "$P-stopped")
	echo "$STATS"
	[ "$(stat_of stopped running)" = false ]
	[ "$(stat_of stopped mem_usage)" = null ]
	[ "$(stat_of hostnet net_rx)" = null ]
	# A second's CPU: some for the busy loop, none for sleep.
	awk -v c="$(stat_of busy cpu_percent)" 'BEGIN { exit !(c > 0) }'
	[ "$(stat_of idle cpu_percent)" = 0 ] || [ "$(stat_of idle cpu_percent)" = 0.0 ]
}

@test "rc-stats streams a table a second until interrupted; bad input is refused" {
	mk a sleep 1000
	rc-unshare -d "$P-a" >/dev/null
	run -124 timeout 3.5 rc-stats "$P-a"
	[ "$(echo "$output" | grep -c '^NAME ')" -ge 2 ]
	run -1 rc-stats --no-stream nosuch
	[ "$output" = "rc-stats: no such container: nosuch" ]
	run -2 rc-stats --no-stream '../x'
	run -2 rc-stats --format yaml
	run -0 rc-stats --help
	[[ "$output" == Usage:* ]]
	run -0 rc-stats --version
	[ "$output" = "rc-stats 0.1.0" ]
}
