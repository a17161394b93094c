# oci.bash - rc-oci's tests: a private --root and json --log per test, and
# bundles made by mkbundle (the Alpine fixture, busybox, the test helpers).
#   oci ARGS...              rc-oci with the test's --root and --log
#   make_bundle NAME [CMD]   $BATS_TEST_TMPDIR/NAME, config.json as rc-unpack writes it
#   edit_bundle NAME FILTER  change its config.json with jq
#   set_args NAME ARG...     its process.args (any characters, newlines too)
#   bundle NAME              its path
#   last_log_error           the msg of the last error line of the --log
#   oci_pid ID, oci_status ID   from its state
#   oci_cleanup              delete every container of the test (teardown)
OCI_ROOT=
OCI_LOG=

oci_setup() {
	OCI_ROOT=$BATS_TEST_TMPDIR/oci-root
	OCI_LOG=$BATS_TEST_TMPDIR/oci-log.json
}

oci() {
	rc-oci --root "$OCI_ROOT" --log "$OCI_LOG" --log-format json "$@"
}

make_bundle() {
	local name=$1
	shift
	"$HELPERS/mkbundle" "$BATS_TEST_TMPDIR/$name" "$@" >/dev/null
}

edit_bundle() {
	local cfg=$BATS_TEST_TMPDIR/$1/config.json
	jq "$2" "$cfg" >"$cfg.new" && mv "$cfg.new" "$cfg"
}

set_args() {
	local cfg=$BATS_TEST_TMPDIR/$1/config.json args
	shift
	args=$(jq -nc '$ARGS.positional' --args -- "$@")
	jq --argjson a "$args" '.process.args = $a' "$cfg" >"$cfg.new" && mv "$cfg.new" "$cfg"
}

bundle() {
	echo "$BATS_TEST_TMPDIR/$1"
}

last_log_error() {
	jq -r 'select(.level == "error") | .msg' "$OCI_LOG" | tail -n1
}

oci_pid() {
	oci state "$1" | jq -r .pid
}

oci_status() {
	oci state "$1" | jq -r .status
}

oci_cleanup() {
	local id
	[ -d "$OCI_ROOT" ] || return 0
	for id in $(rc-oci --root "$OCI_ROOT" list -q 2>/dev/null); do
		rc-oci --root "$OCI_ROOT" delete --force "$id" >/dev/null 2>&1 || true
	done
	# A create that died half-way leaves only a directory.
	find "$OCI_ROOT" -mindepth 1 -maxdepth 1 -type d -exec rm -rf {} + 2>/dev/null || true
}
