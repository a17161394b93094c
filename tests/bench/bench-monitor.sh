#!/usr/bin/env bash
# bench-monitor: the memory a runtime keeps per detached container, next to
# the container itself: rc's rc-monitor against podman's conmon, in one run.
# N containers (default 20) each running `sleep`, from the same Alpine root
# filesystem, no network; then the PSS and RSS (from /proc/PID/smaps_rollup)
# of every rc-monitor, and of every conmon, summed and divided by N. PSS
# shares a page among the processes that map it, so it is what N monitors
# really cost together. Medians of ROUNDS rounds (default 3).
# rc is measured twice: without a healthcheck, and with one (--health-cmd
# true every 2 s), idle between probes, once every container has passed
# at least two probes: what a healthcheck costs the monitor when no probe runs.
# (podman runs healthchecks from systemd timers, not in conmon.)
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

# Until every container's health file records a probe's result (its second
# line), then another interval: two probes or more have run everywhere.
wait_probed() {
	local i t0=$SECONDS
	for i in $(seq "$N"); do
		until [ "$(wc -l <"$RC_ROOT/containers/$tag-$i/health" 2>/dev/null)" -ge 2 ]; do
			[ $((SECONDS - t0)) -lt 120 ] || { echo "bench-monitor: no probe ran" >&2; exit 1; }
			sleep 0.1
		done
	done
	sleep 2.5
}

# One round: N containers (rc-unshare's extra options in "$@").
rc_round() {
	local i mons=()
	for i in $(seq "$N"); do
		cp -a "$work/template" "$RC_ROOT/containers/$tag-$i"
		rc-unshare -d --net none "$@" "$tag-$i" >/dev/null
	done
	sleep 1
	[ $# -gt 0 ] && wait_probed
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

: >"$work/rc" && : >"$work/rch" && : >"$work/podman"
for r in $(seq "$ROUNDS"); do
	rc_round >>"$work/rc"
	rc_round --health-cmd true --health-interval 2s >>"$work/rch"
	podman_round >>"$work/podman"
done
rc_pss=$(awk '{ print $1 }' "$work/rc" | median)
rc_rss=$(awk '{ print $2 }' "$work/rc" | median)
rch_pss=$(awk '{ print $1 }' "$work/rch" | median)
rch_rss=$(awk '{ print $2 }' "$work/rch" | median)
pm_pss=$(awk '{ print $1 }' "$work/podman" | median)
pm_rss=$(awk '{ print $2 }' "$work/podman" | median)
echo "per-container monitor memory, $N containers, median of $ROUNDS rounds"
printf '%-34s %10s %10s\n' monitor "PSS KiB" "RSS KiB"
printf '%-34s %10s %10s\n' "rc (rc-monitor)" "$rc_pss" "$rc_rss"
printf '%-34s %10s %10s\n' "rc (rc-monitor), healthcheck idle" "$rch_pss" "$rch_rss"
printf '%-34s %10s %10s\n' "podman (conmon)" "$pm_pss" "$pm_rss"
awk -v a="$rc_pss" -v b="$pm_pss" 'BEGIN { printf "rc-monitor PSS is %.2f of conmon'"'"'s (conmon / rc-monitor = %.1fx)\n", a / b, b / a }'
awk -v a="$rc_pss" -v h="$rch_pss" 'BEGIN { printf "a healthcheck adds %d KiB PSS per monitor while idle (%.2fx)\n", h - a, h / a }'
