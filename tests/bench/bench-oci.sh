#!/usr/bin/env bash
# rc-oci against crun and runc on the same bundle, and as the runtime of the
# engines.
#
# The bundle (always): the Alpine bundle of mkbundle running /bin/true, with
# docker's seccomp profile in its config. One cycle is `create`, `start` and
# `delete --force` of one container with the runtime's own command line and
# a private --root; the runtimes run in turn in every round (paired), RUNS
# rounds. Printed: the median wall time of a cycle and of each step, and the
# peak RSS of a cycle (the largest maximum RSS of its three invocations under
# /usr/bin/time, median of MEMRUNS cycles), each with its ratio to crun's.
#
# The engines (only those named in ENGINES, e.g. ENGINES="podman docker ctr";
# minutes long): the same command, the same image, the engine unchanged and
# only the runtime swapped, in one run.
#   podman run --rm IMAGE /bin/true     --runtime rc-oci | crun | runc
#   docker run --rm IMAGE /bin/true     each in dockerd's daemon.json
#   ctr run --rm IMAGE ID /bin/true     --runc-binary for each (the runc
#                                       shim's BinaryName)
# IMAGE is the Alpine test image; ERUNS rounds. Peak memory is measured in
# separate rounds (MEMRUNS), each runtime behind a wrapper that runs it under
# /usr/bin/time: the largest maximum RSS of any of its invocations (create,
# start, state, kill, delete...) during a run. The engines are started
# privately and the machine is put back after, as tests/engines.bats does
# (helpers/engines.bash).
#
# crun needs hugetlb off the cgroup2 tree on this hybrid host
# (tests/README.md), mounted here and unmounted after. Output:
# $BUILD/bench/oci/summary.txt.
#   RUNS (100)  MEMRUNS (5)  ENGINES ("")  ERUNS (10)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/../.." && pwd)
BUILD=${BUILD:-$src/build}
RUNS=${RUNS:-100}
MEMRUNS=${MEMRUNS:-5}
ENGINES=${ENGINES:-}
ERUNS=${ERUNS:-10}
OUT=$BUILD/bench/oci
export PATH="$BUILD/bin:$PATH"
HELPERS=$src/tests/helpers
TEST_IMAGES=$BUILD/test-images
. "$HELPERS/engines.bash"

mkdir -p "$OUT"
work=$(mktemp -d /tmp/rco.XXXXXX)   # short: docker's sockets live below
runtimes=(rc-oci crun runc)
declare -A bin=([rc-oci]=$BUILD/bin/rc-oci [crun]=$(command -v crun) [runc]=$(command -v runc))
mounted_hugetlb=
cleanup() {
	trap - EXIT INT TERM
	set +e
	[ -z "$ENGINES" ] || engines_end
	for r in "${runtimes[@]}"; do
		"${bin[$r]}" --root "$work/root-$r" delete --force "rco-$$" >/dev/null 2>&1
	done
	[ -n "$mounted_hugetlb" ] && umount /sys/fs/cgroup/hugetlb
	rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

if [ -d /sys/fs/cgroup/unified ] && ! mountpoint -q /sys/fs/cgroup/hugetlb; then
	mkdir -p /sys/fs/cgroup/hugetlb
	mount -t cgroup -o hugetlb cgroup /sys/fs/cgroup/hugetlb && mounted_hugetlb=1
fi

# The memory wrappers: the runtime under /usr/bin/time, one line per call.
mkdir -p "$work/mem"
for r in "${runtimes[@]}"; do
	printf '#!/bin/sh\nexec /usr/bin/time -a -o %s -f "%%M %%C" %s "$@"\n' "$work/mem/$r.kb" "${bin[$r]}" \
		>"$work/mem/$r"
	chmod 0755 "$work/mem/$r"
done

median() { tr ' ' '\n' | grep -v '^$' | sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }
us() { echo $((${2/./} - ${1/./})); }

# ==== the bundle ===============================================================
bundle=$work/bundle
"$HELPERS/mkbundle" "$bundle" /bin/true
id=rco-$$
# One cycle of runtime $1; the step times (us) appended to bt[$1/step].
declare -A bt
cycle() {
	local r=$1 rt=("${bin[$1]}" --root "$work/root-$1") t0 t1 t2 t3
	t0=$EPOCHREALTIME
	"${rt[@]}" create --bundle "$bundle" "$id" </dev/null >/dev/null 2>&1
	t1=$EPOCHREALTIME
	"${rt[@]}" start "$id"
	t2=$EPOCHREALTIME
	"${rt[@]}" delete --force "$id"
	t3=$EPOCHREALTIME
	bt[$r/create]+="$(us "$t0" "$t1") "
	bt[$r/start]+="$(us "$t1" "$t2") "
	bt[$r/delete]+="$(us "$t2" "$t3") "
	bt[$r/cycle]+="$(us "$t0" "$t3") "
}
# The peak RSS (KiB) of one cycle: its largest invocation.
cycle_mem() {
	local rt=("${bin[$1]}" --root "$work/root-$1") f=$work/cycle.kb
	: >"$f"
	/usr/bin/time -a -o "$f" -f %M "${rt[@]}" create --bundle "$bundle" "$id" </dev/null >/dev/null 2>&1
	/usr/bin/time -a -o "$f" -f %M "${rt[@]}" start "$id"
	/usr/bin/time -a -o "$f" -f %M "${rt[@]}" delete --force "$id"
	sort -n "$f" | tail -n1
}
for r in "${runtimes[@]}"; do cycle "$r"; done # warm up
bt=()
for ((i = 0; i < RUNS; i++)); do
	for r in "${runtimes[@]}"; do cycle "$r"; done
done
declare -A bm
for ((i = 0; i < MEMRUNS; i++)); do
	for r in "${runtimes[@]}"; do bm[$r]+="$(cycle_mem "$r") "; done
done
{
	printf 'rc-oci, crun and runc on the same bundle: create, start and delete --force of /bin/true, %s paired rounds (median), %s for memory\n' "$RUNS" "$MEMRUNS"
	printf '%-8s %10s %10s %10s %10s %8s %14s %8s\n' runtime "cycle(ms)" "create" "start" "delete" "x crun" "peak RSS(KiB)" "x crun"
	for r in "${runtimes[@]}"; do
		awk -v r="$r" -v c="$(echo "${bt[$r/cycle]}" | median)" -v cc="$(echo "${bt[crun/cycle]}" | median)" \
			-v a="$(echo "${bt[$r/create]}" | median)" -v s="$(echo "${bt[$r/start]}" | median)" \
			-v d="$(echo "${bt[$r/delete]}" | median)" \
			-v m="$(echo "${bm[$r]}" | median)" -v mc="$(echo "${bm[crun]}" | median)" \
			'BEGIN { printf "%-8s %10.2f %10.2f %10.2f %10.2f %8.2f %14d %8.2f\n", r, c / 1000, a / 1000, s / 1000, d / 1000, c / cc, m, m / mc }'
	done
	echo "cycle: create + start + delete --force, wall time of the runtime's commands; x crun: ratio to crun."
	echo "peak RSS: the largest maximum RSS of the cycle's three invocations (GNU time's %M), median."
} | tee "$OUT/summary.txt"
[ -n "$ENGINES" ] || exit 0

# ==== the engines ==============================================================
"$HELPERS/build-images" "$TEST_IMAGES"
engines_begin "$work/eng"
for e in $ENGINES; do
	case $e in
	podman) podman_images ;;
	docker) dockerd_start --add-runtime "crun=${bin[crun]}" --add-runtime "rc-mem=$work/mem/rc-oci" \
		--add-runtime "crun-mem=$work/mem/crun" --add-runtime "runc-mem=$work/mem/runc" ;;
	ctr) containerd_start ;;
	*) echo "bench-oci: unknown engine $e" >&2; exit 2 ;;
	esac
done

# One run of /bin/true under engine $1 with runtime $2 (mem: its wrapper).
n=0
one() {
	local e=$1 r=$2 mem=${3:-} path name=$2
	n=$((n + 1))
	path=${bin[$r]}
	[ -z "$mem" ] || path=$work/mem/$r
	[ "$r" != rc-oci ] || name=rc
	case $e in
	podman)
		PODMAN_RUNTIME=$path podman run --rm --ulimit nofile=20000:20000 --ulimit nproc=32768:32768 \
			localhost/rc-test/alpine:latest /bin/true ;;
	docker) docker_ run --rm --runtime "$name${mem:+-mem}" rc-test/alpine /bin/true ;;
	ctr) ctr_ run --rm --runc-binary "$path" docker.io/rc-test/alpine:latest "rco-$n" /bin/true ;;
	esac
}

declare -A times peak peakx
for e in $ENGINES; do
	for r in "${runtimes[@]}"; do one "$e" "$r" >/dev/null; done # warm up
	for ((i = 0; i < ERUNS; i++)); do
		for r in "${runtimes[@]}"; do
			t0=$EPOCHREALTIME
			one "$e" "$r" >/dev/null
			t1=$EPOCHREALTIME
			times[$e/$r]+="$(( (${t1/./} - ${t0/./}) )) "
		done
	done
	for r in "${runtimes[@]}"; do
		: >"$work/mem/$r.kb"
		for ((i = 0; i < MEMRUNS; i++)); do one "$e" "$r" mem >/dev/null; done
		peak[$e/$r]=$(awk 'BEGIN { m = 0 } $1 > m { m = $1 } END { print m }' "$work/mem/$r.kb")
		# create's rusage counts its children: docker's libnetwork-setkey hook is dockerd's binary
		peakx[$e/$r]=$(awk 'BEGIN { m = 0 } !/ create / && $1 > m { m = $1 } END { print m }' "$work/mem/$r.kb")
		cp "$work/mem/$r.kb" "$OUT/calls-$e-$r.txt"
	done
done

{
	echo
	printf 'rc-oci, crun and runc as the runtime of %s: %s /bin/true runs each (median), %s for memory\n' "$ENGINES" "$ERUNS" "$MEMRUNS"
	printf '%-8s %-8s %12s %10s %16s %10s %18s\n' engine runtime "median(ms)" "x crun" "peak RSS(KiB)" "x crun" "but create(KiB)"
	for e in $ENGINES; do
		mc=$(echo "${times[$e/crun]}" | median)
		for r in "${runtimes[@]}"; do
			m=$(echo "${times[$e/$r]}" | median)
			awk -v e="$e" -v r="$r" -v m="$m" -v mc="$mc" -v p="${peak[$e/$r]}" -v pc="${peak[$e/crun]}" \
				-v px="${peakx[$e/$r]}" \
				'BEGIN { printf "%-8s %-8s %12.1f %10.2f %16d %10.2f %18d\n", e, r, m / 1000, m / mc, p, pc ? p / pc : 0, px }'
		done
	done
	echo
	echo "median: wall time of the client command (engine included) per run; x crun: ratio to crun under the same engine."
	echo "peak RSS: the largest maximum RSS of one runtime invocation (calls-ENGINE-RUNTIME.txt lists them);"
	echo "a create's counts the hooks it runs (docker's libnetwork-setkey is dockerd's own binary): but create leaves it out."
} | tee -a "$OUT/summary.txt"
