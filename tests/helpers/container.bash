# container.bash - make containers for the rc-unshare tests without rc-unpack.
#   make_container NAME [CMD ARG...]   $RC_ROOT/containers/NAME as rc-unpack would
#   edit_config NAME JQ-FILTER         change its config.json
make_container() {
	local name=$1
	shift
	"$HELPERS/mkbundle" "$RC_ROOT/containers/$name" "$@"
}

edit_config() {
	local cfg=$RC_ROOT/containers/$1/config.json
	jq "$2" "$cfg" >"$cfg.new" && mv "$cfg.new" "$cfg"
}
