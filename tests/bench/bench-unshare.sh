#!/usr/bin/env bash
# Start-to-exit latency of /bin/true in the Alpine container, and peak
# memory: rc-unshare against crun run and runc run on the same bundle, and
# against the original script's `unshare ... chroot ROOTFS /bin/true`.
# The bundle's config.json is rc-unpack's, with docker's seccomp profile, so
# every runtime compiles and loads the same filter; the same runs without a
# filter (a config without one, and rc-unshare --security-opt
# seccomp=unconfined) show what it costs. rc-unshare keeps the compiled
# filter in the container directory: "rc-unshare (compile)" removes it before
# each run, the cost of a container's first start. All run in turn in every
# round (paired), RUNS rounds; medians and ratios to rc-unshare are printed.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
BUILD=${BUILD:-$here/../../build}
RUNS=${RUNS:-200}
MEMRUNS=${MEMRUNS:-20}
export PATH="$BUILD/bin:$PATH"

work=$(mktemp -d /tmp/rc-bench-unshare.XXXXXX)
mounted_hugetlb=
cleanup() {
	rm -rf "$work"
	[ -n "$mounted_hugetlb" ] && umount /sys/fs/cgroup/hugetlb 2>/dev/null || true
}
trap cleanup EXIT
export RC_ROOT=$work/root
bundle=$RC_ROOT/containers/bench
"$here/../helpers/mkbundle" "$bundle" /bin/true
rootfs=$bundle/rootfs
# the same container without a filter in its config
plain=$RC_ROOT/containers/plain
mkdir -p "$plain"
ln -s "$rootfs" "$plain/rootfs"
jq 'del(.linux.seccomp)' "$bundle/config.json" >"$plain/config.json"

# crun 1.8 needs hugetlb off the cgroup2 tree on this hybrid host (tests/README.md).
if [ -d /sys/fs/cgroup/unified ] && ! mountpoint -q /sys/fs/cgroup/hugetlb; then
	mkdir -p /sys/fs/cgroup/hugetlb
	mount -t cgroup -o hugetlb cgroup /sys/fs/cgroup/hugetlb && mounted_hugetlb=1
fi

names=(rc-unshare "rc-unshare (compile)" crun runc "rc-unshare (no filter)" "crun (no filter)"
	unshare-chroot)
cmd_of() {
	case $1 in
	rc-unshare) echo "$BUILD/bin/rc-unshare bench -- /bin/true" ;;
	"rc-unshare (compile)") echo "$here/uncached $bundle/seccomp.bpf $BUILD/bin/rc-unshare bench -- /bin/true" ;;
	crun) echo "crun run --bundle $bundle rc-bench-$$" ;;
	runc) echo "runc run --bundle $bundle rc-bench-$$" ;;
	"rc-unshare (no filter)") echo "$BUILD/bin/rc-unshare --security-opt seccomp=unconfined plain -- /bin/true" ;;
	"crun (no filter)") echo "crun run --bundle $plain rc-bench-$$" ;;
	unshare-chroot) echo "unshare --fork --pid --mount --uts --ipc --net --mount-proc chroot $rootfs /bin/true" ;;
	esac
}
declare -A cmds
for n in "${names[@]}"; do cmds[$n]=$(cmd_of "$n"); done
run_one() { ${cmds[$1]}; }

for n in "${names[@]}"; do run_one "$n" >/dev/null; done # warm caches
declare -A times
for ((i = 0; i < RUNS; i++)); do
	for n in "${names[@]}"; do
		t0=$EPOCHREALTIME
		run_one "$n" >/dev/null
		t1=$EPOCHREALTIME
		times[$n]+="$(( (${t1/./} - ${t0/./}) )) "
	done
done

declare -A mem
for ((i = 0; i < MEMRUNS; i++)); do
	for n in "${names[@]}"; do
		kb=$( { /usr/bin/time -f '%M' ${cmds[$n]} >/dev/null; } 2>&1 | tail -n1)
		mem[$n]+="$kb "
	done
done

median() { tr ' ' '\n' | grep -v '^$' | sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }

printf '%-24s %12s %10s %14s %10s\n' runtime "median(ms)" "x rc" "peak RSS(KiB)" "x rc"
rc_t=$(echo "${times[rc-unshare]}" | median)
rc_m=$(echo "${mem[rc-unshare]}" | median)
for n in "${names[@]}"; do
	t=$(echo "${times[$n]}" | median)
	m=$(echo "${mem[$n]}" | median)
	awk -v n="$n" -v t="$t" -v m="$m" -v rt="$rc_t" -v rm="$rc_m" \
		'BEGIN { printf "%-24s %12.2f %10.2f %14d %10.2f\n", n, t / 1000, t / rt, m, m / rm }'
done
echo "($RUNS paired rounds for latency, $MEMRUNS for memory; peak RSS is GNU time's %M:"
echo " the largest resident set of the runtime and the processes it waited for)"
