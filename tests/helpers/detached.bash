# detached.bash - the fixture of the suites that run detached containers
# (lifecycle.bats, stats.bats, systemd.bats): one bundle made once per file
# and copied for each container, names unique to the run (cgroups rc/NAME
# are machine-wide), and a teardown that leaves no monitor, pin or cgroup.
#   detached_setup_file        make $TEMPLATE (mkbundle is slow)
#   detached_setup PREFIX      a fresh $RC_ROOT; $P the names' prefix; HOST=
#   detached_teardown          kill monitors, unpin namespaces, remove
#                              cgroups, delete $HOST if the test made one
#   mk NAME [CMD ARG...]       container $P-NAME from the template, CMD its process

detached_setup_file() {
	TEMPLATE=$BATS_FILE_TMPDIR/template
	"$HELPERS/mkbundle" "$TEMPLATE" >/dev/null
	export TEMPLATE
}

detached_setup() {
	RC_ROOT=$BATS_TEST_TMPDIR/root
	export RC_ROOT
	mkdir -p "$RC_ROOT/containers"
	P=$1$$t$BATS_TEST_NUMBER
	HOST=
}

detached_teardown() {
	local d m
	for d in "$RC_ROOT"/containers/*/; do
		[ -d "$d" ] || continue
		m=$(cut -d' ' -f1 "$d/monitor" 2>/dev/null) || m=
		case $(readlink "/proc/$m/exe" 2>/dev/null) in
		*/rc-monitor|*/rc-unshare) kill -9 "$m" 2>/dev/null || true ;;
		esac
	done
	sleep 0.1
	for d in "$RC_ROOT"/containers/*/; do
		[ -d "$d" ] || continue
		mountpoint -q "$d/netns" 2>/dev/null && umount -l "$d/netns"
		rmdir /sys/fs/cgroup/*/rc/"$(cgroup_leaf "$(basename "$d")")" 2>/dev/null || true
	done
	if [ -n "$HOST" ]; then ip netns del "$HOST" 2>/dev/null || true; fi
}

mk() {
	local name=$P-$1
	shift
	cp -a "$TEMPLATE" "$RC_ROOT/containers/$name"
	[ $# -eq 0 ] || edit_config "$name" ".process.args = $(printf '%s\n' "$@" | jq -R . | jq -s -c .)"
}
