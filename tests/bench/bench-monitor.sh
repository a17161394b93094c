#!/usr/bin/env bash
# bench-monitor: the memory a runtime keeps per detached container, next to
# the container itself: rc's rc-monitor against podman's conmon, in one run.
# N containers (default 20) each running `sleep`, from the same Alpine root
# filesystem, no network; then the PSS and RSS (from /proc/PID/smaps_rollup)
# of every rc-monitor, and of every conmon, summed and divided by N. PSS
# shares a page among the processes that map it, so it is what N monitors
# really cost together. Medians of ROUNDS rounds (default 3).
#   N (default 20)  ROUNDS (default 3)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/../.." && pwd)
BUILD=${BUILD:-$src/build}
export PATH="$BUILD/bin:$PATH"
N=${N:-20}
ROUNDS=${ROUNDS:-3}
for tool in rc-unshare rc-monitor rc-rm podman; do
	command -v "$tool" >/dev/null || { echo "bench-monitor: $tool is missing" >&2; exit 1; }
done

work=$(mktemp -d)
export RC_ROOT=$work/root
tag=rcbm$$
cleanup() {
	set +e
	for d in "$RC_ROOT"/containers/*; do [ -d "$d" ] && rc-rm -f "$(basename "$d")" >/dev/null 2>&1; done
	podman ps -aq --filter "name=^$tag-" | xargs -r podman rm -f -t 0 >/dev/null 2>&1
	rm -rf "$work"
}
trap cleanup EXIT
mkdir -p "$RC_ROOT/containers"
"$src/tests/helpers/mkbundle" "$work/template" sleep 100000 >/dev/null

# Sum of a smaps_rollup field (kB) over pids.
sum_kb() {
	local field=$1 total=0 p v
	shift
	for p in "$@"; do
		v=$(awk -v f="$field:" '$1 == f { print $2 }' "/proc/$p/smaps_rollup")
		total=$((total + v))
	done
	echo "$total"
}

median() { sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }

rc_round() {
	local i mons=()
	for i in $(seq "$N"); do
		cp -a "$work/template" "$RC_ROOT/containers/$tag-$i"
		rc-unshare -d --net none "$tag-$i" >/dev/null
	done
	sleep 1
	for i in $(seq "$N"); do mons+=("$(cut -d' ' -f1 "$RC_ROOT/containers/$tag-$i/monitor")"); done
	echo "$(( $(sum_kb Pss "${mons[@]}") / N )) $(( $(sum_kb Rss "${mons[@]}") / N ))"
	for i in $(seq "$N"); do rc-rm -f "$tag-$i" >/dev/null; done
}

podman_round() {
	local i mons=()
	for i in $(seq "$N"); do
		podman run -d --name "$tag-$i" --net none --ulimit nofile=20000:20000 \
			--ulimit nproc=32768:32768 --rootfs "$work/template/rootfs" sleep 100000 >/dev/null
	done
	sleep 1
	for i in $(seq "$N"); do mons+=("$(podman inspect --format '{{.State.ConmonPid}}' "$tag-$i")"); done
	echo "$(( $(sum_kb Pss "${mons[@]}") / N )) $(( $(sum_kb Rss "${mons[@]}") / N ))"
	podman rm -f -t 0 $(seq -f "$tag-%g" "$N") >/dev/null
}

: >"$work/rc" && : >"$work/podman"
for r in $(seq "$ROUNDS"); do
	rc_round >>"$work/rc"
	podman_round >>"$work/podman"
done
rc_pss=$(awk '{ print $1 }' "$work/rc" | median)
rc_rss=$(awk '{ print $2 }' "$work/rc" | median)
pm_pss=$(awk '{ print $1 }' "$work/podman" | median)
pm_rss=$(awk '{ print $2 }' "$work/podman" | median)
echo "per-container monitor memory, $N containers, median of $ROUNDS rounds"
printf '%-22s %10s %10s\n' monitor "PSS KiB" "RSS KiB"
printf '%-22s %10s %10s\n' "rc (rc-monitor)" "$rc_pss" "$rc_rss"
printf '%-22s %10s %10s\n' "podman (conmon)" "$pm_pss" "$pm_rss"
awk -v a="$rc_pss" -v b="$pm_pss" 'BEGIN { printf "rc-monitor PSS is %.2f of conmon'"'"'s (conmon / rc-monitor = %.1fx)\n", a / b, b / a }'
