#!/usr/bin/env bats
# rc-unpack IMAGE NAME: a container's rootfs from an image's layers, and its
# OCI runtime config.

load helpers/common

MKLAYER=$HELPERS/mklayer
CAP_NET_BIND=0100000200040000000000000000000000000000 # cap_net_bind_service=ep, v2

# The multi-layer image that exercises every layer rule, one layer each of
# gzip, zstd and plain tar.
build_rules_image() {
	local out=$1 w=$BATS_FILE_TMPDIR/rules-work long deep
	mkdir -p "$w"
	long=$(printf 'n%.0s' {1..150})
	deep=names/$(printf 'a%.0s' {1..70})/$(printf 'b%.0s' {1..70})/$(printf 'c%.0s' {1..70})/$(printf 'd%.0s' {1..70})
	"$MKLAYER" "$w/l1.tar" dir:./ dir:usr dir:usr/lib dir:usr/bin 'link:lib>usr/lib' 'link:bin>usr/bin' \
		file:usr/lib/libbase.so file:usr/bin/tool:0755 \
		dir:etc 'file:etc/passwd=root:x:0:0:root:/root:/bin/sh
app:x:1000:1000:app:/home/app:/bin/sh
' 'file:etc/group=root:x:0:
app:x:1000:
extra:x:2000:app
' \
		dir:del file:del/gone dir:del/dir dir:del/dir/sub file:del/dir/sub/f \
		dir:opq1 file:opq1/a dir:opq1/sub file:opq1/sub/b \
		dir:opq2 file:opq2/a dir:opq2/sub2 file:opq2/sub2/old \
		dir:tc file:tc/f2d dir:tc/d2l file:tc/d2l/child 'link:tc/l2f>../usr' dir:tc/d2f file:tc/d2f/child \
		dir:readd file:readd/x=first \
		dir:hard file:hard/orig=orig 'hard:hard/l1link>hard/orig' \
		dir:devs chr:devs/null:1:3 blk:devs/loop0:7:0 fifo:devs/fifo \
		dir:modes file:modes/suid:4755 file:modes/sgid:2755 dir:modes/sgiddir:2775 \
		dir:modes/sticky:1777 file:modes/owned:0640:1234:5678 \
		dir:xattrs xattr:user.comment=hello file:xattrs/user \
		xattr:security.capability=hex:$CAP_NET_BIND file:xattrs/ping:0755 \
		dir:names "file:names/$long" "dir:${deep%/*/*/*}" "dir:${deep%/*/*}" "dir:${deep%/*}" "dir:$deep" \
		"file:$deep/file" 'file:names/ünïcødé-日本語.txt' \
		mtime:1111111111 dir:times mtime:1234567890 file:times/f
	"$MKLAYER" "$w/l2.tar" file:lib/libnew.so file:bin/newtool:0755 \
		file:del/.wh.gone= file:del/.wh.dir= \
		file:opq1/.wh..wh..opq= file:opq1/new dir:opq1/sub file:opq1/sub/c \
		file:opq2/new2 dir:opq2/sub2 file:opq2/sub2/x file:opq2/.wh..wh..opq= \
		dir:tc/f2d file:tc/f2d/inside 'link:tc/d2l>../usr' 'file:tc/l2f=now a file' \
		'file:tc/d2f=now a file' file:readd/.wh.x= \
		'hard:hard/link2>hard/orig' 'hard:usr/lib/hl>lib/libbase.so'
	"$MKLAYER" "$w/l3.tar" file:readd/x=second dir:hard file:hard/new 'hard:hard/new-link>hard/new'
	gzip -kf "$w/l1.tar"
	zstd -qf "$w/l2.tar" -o "$w/l2.tar.zst"
	"$HELPERS/mkimage" --cmd '["/usr/bin/tool"]' "$out" rules \
		"$w/l1.tar.gz" "$w/l2.tar.zst" "$w/l3.tar" >/dev/null
	# the same layers for umoci 0.4, which cannot read zstd
	gzip -kf "$w/l2.tar"
	"$HELPERS/mkimage" --cmd '["/usr/bin/tool"]' "$out" rules-gz \
		"$w/l1.tar.gz" "$w/l2.tar.gz" "$w/l3.tar" >/dev/null
}

setup_file() {
	build_test_images
	RULES=$BATS_FILE_TMPDIR/rules-oci
	build_rules_image "$RULES"
	export RULES
}

# Put an OCI layout's images into a fresh store.
store_layout() {
	mkdir -p "$RC_ROOT"
	rm -rf "$RC_ROOT/images"
	cp -a "$1" "$RC_ROOT/images"
}

# An image of crafted layers, each a list of mklayer specs separated by --.
#   crafted_image TAG SPEC... [-- SPEC...]...
crafted_image() {
	local tag=$1 n=0 specs=() layers=()
	shift
	local dir=$BATS_TEST_TMPDIR/layers-$tag
	mkdir -p "$dir"
	while :; do
		if [ $# -eq 0 ] || [ "$1" = -- ]; then
			n=$((n + 1))
			"$MKLAYER" "$dir/$n.tar" "${specs[@]}"
			layers+=("$dir/$n.tar")
			specs=()
			[ $# -eq 0 ] && break
			shift
			continue
		fi
		specs+=("$1")
		shift
	done
	mkdir -p "$RC_ROOT"
	"$HELPERS/mkimage" --cmd '["/bin/sh"]' "$RC_ROOT/images" "$tag" "${layers[@]}" >/dev/null
}

rootfs() { echo "$RC_ROOT/containers/$1/rootfs"; }

# Nothing of container NAME and no temporary directory is left.
no_container() {
	[ ! -e "$RC_ROOT/containers/$1" ]
	[ -z "$(find "$RC_ROOT/containers" -mindepth 1 -maxdepth 1 -name ".$1.tmp-*" 2>/dev/null)" ]
}

# ---- the layer rules ----------------------------------------------------

@test "the rules image has one layer each of gzip, zstd and plain tar" {
	m=$(jq -r '.manifests[] | select(.annotations["org.opencontainers.image.ref.name"]=="rules") | .digest' "$RULES/index.json")
	run jq -r '.layers[].mediaType' "$RULES/blobs/sha256/${m#sha256:}"
	[ "${lines[0]}" = application/vnd.oci.image.layer.v1.tar+gzip ]
	[ "${lines[1]}" = application/vnd.oci.image.layer.v1.tar+zstd ]
	[ "${lines[2]}" = application/vnd.oci.image.layer.v1.tar ]
}

@test "rc-unpack prints NAME and makes rootfs, config.json and image" {
	store_layout "$RULES"
	run rc-unpack rules c1
	[ "$status" -eq 0 ]
	[ "$output" = c1 ]
	[ -d "$RC_ROOT/containers/c1/rootfs/usr/lib" ]
	jq -e . "$RC_ROOT/containers/c1/config.json" >/dev/null
	m=$(jq -r '.manifests[0].digest' "$RC_ROOT/images/index.json")
	[ "$(cat "$RC_ROOT/containers/c1/image")" = "rules $m" ]
}

@test "a later layer writes through a merged-/usr symlink into usr/" {
	store_layout "$RULES"
	rc-unpack rules c1
	r=$(rootfs c1)
	[ -L "$r/lib" ] && [ "$(readlink "$r/lib")" = usr/lib ]
	[ -L "$r/bin" ] && [ "$(readlink "$r/bin")" = usr/bin ]
	[ -f "$r/usr/lib/libnew.so" ] && [ -x "$r/usr/bin/newtool" ]
}

@test "whiteouts remove a lower file and a lower directory tree" {
	store_layout "$RULES"
	rc-unpack rules c1
	r=$(rootfs c1)
	[ -d "$r/del" ]
	[ ! -e "$r/del/gone" ] && [ ! -e "$r/del/dir" ]
	[ -z "$(ls -A "$r/del")" ]
}

@test "an opaque directory keeps only this layer's entries when the marker comes first" {
	store_layout "$RULES"
	rc-unpack rules c1
	r=$(rootfs c1)
	[ "$(cd "$r/opq1" && find . | sort | xargs)" = ". ./new ./sub ./sub/c" ]
}

@test "an opaque directory keeps only this layer's entries when the marker comes last" {
	store_layout "$RULES"
	rc-unpack rules c1
	r=$(rootfs c1)
	[ "$(cd "$r/opq2" && find . | sort | xargs)" = ". ./new2 ./sub2 ./sub2/x" ]
}

@test "whiteout files themselves never appear in the rootfs" {
	store_layout "$RULES"
	rc-unpack rules c1
	[ -z "$(find "$(rootfs c1)" -name '.wh.*')" ]
}

@test "a later layer turns a file into a directory and a directory into a symlink" {
	store_layout "$RULES"
	rc-unpack rules c1
	r=$(rootfs c1)
	[ -d "$r/tc/f2d" ] && [ -f "$r/tc/f2d/inside" ]
	[ -L "$r/tc/d2l" ] && [ "$(readlink "$r/tc/d2l")" = ../usr ]
	[ -f "$r/tc/l2f" ] && [ ! -L "$r/tc/l2f" ] && [ "$(cat "$r/tc/l2f")" = "now a file" ]
	[ -f "$r/tc/d2f" ] && [ "$(cat "$r/tc/d2f")" = "now a file" ]
}

@test "a file removed by one layer is re-added by the next" {
	store_layout "$RULES"
	rc-unpack rules c1
	[ "$(cat "$(rootfs c1)/readd/x")" = second ]
}

@test "hard links share an inode, within a layer, across layers and through a symlink" {
	store_layout "$RULES"
	rc-unpack rules c1
	r=$(rootfs c1)
	[ "$(stat -c %i "$r/hard/orig")" = "$(stat -c %i "$r/hard/l1link")" ]
	[ "$(stat -c %i "$r/hard/orig")" = "$(stat -c %i "$r/hard/link2")" ]
	[ "$(stat -c %i "$r/usr/lib/libbase.so")" = "$(stat -c %i "$r/usr/lib/hl")" ]
	[ "$(stat -c %i "$r/hard/new")" = "$(stat -c %i "$r/hard/new-link")" ]
	[ "$(stat -c %h "$r/hard/orig")" = 3 ]
}

@test "character and block devices and fifos are made" {
	store_layout "$RULES"
	rc-unpack rules c1
	r=$(rootfs c1)
	[ "$(stat -c '%F %t,%T' "$r/devs/null")" = "character special file 1,3" ]
	[ "$(stat -c '%F %t,%T' "$r/devs/loop0")" = "block special file 7,0" ]
	[ -p "$r/devs/fifo" ]
}

@test "setuid, setgid and sticky bits and numeric owners are kept" {
	store_layout "$RULES"
	rc-unpack rules c1
	r=$(rootfs c1)
	[ "$(stat -c %a "$r/modes/suid")" = 4755 ]
	[ "$(stat -c %a "$r/modes/sgid")" = 2755 ]
	[ "$(stat -c %a "$r/modes/sgiddir")" = 2775 ]
	[ "$(stat -c %a "$r/modes/sticky")" = 1777 ]
	[ "$(stat -c '%a %u %g' "$r/modes/owned")" = "640 1234 5678" ]
}

@test "extended attributes are kept, security.capability included" {
	store_layout "$RULES"
	rc-unpack rules c1
	r=$(rootfs c1)
	run python3 -c 'import os,sys; print(os.getxattr(sys.argv[1], "user.comment").decode())' "$r/xattrs/user"
	[ "$output" = hello ]
	run getcap "$r/xattrs/ping"
	[[ $output == *cap_net_bind_service=ep* ]]
}

@test "long and non-ASCII names are kept" {
	store_layout "$RULES"
	rc-unpack rules c1
	r=$(rootfs c1)
	[ -f "$r/names/$(printf 'n%.0s' {1..150})" ]
	deep=names/$(printf 'a%.0s' {1..70})/$(printf 'b%.0s' {1..70})/$(printf 'c%.0s' {1..70})/$(printf 'd%.0s' {1..70})/file
	[ ${#deep} -gt 255 ]
	[ -f "$r/$deep" ]
	[ -f "$r/names/ünïcødé-日本語.txt" ]
}

@test "file and directory times are kept, a directory's despite what is made in it" {
	store_layout "$RULES"
	rc-unpack rules c1
	r=$(rootfs c1)
	[ "$(stat -c %Y "$r/times/f")" = 1234567890 ]
	[ "$(stat -c %Y "$r/times")" = 1111111111 ]
}

@test "a whiteout in the same layer as its target leaves the target alone" {
	crafted_image same dir:s file:s/lower file:s/other -- file:s/y file:s/.wh.y= file:s/.wh.lower= \
		file:s/.wh.other= file:s/other=again
	rc-unpack same c1
	r=$(rootfs c1)
	[ -f "$r/s/y" ] && [ ! -e "$r/s/lower" ] && [ "$(cat "$r/s/other")" = again ]
}

@test "an opaque marker at the root empties everything lower layers made" {
	crafted_image opqroot dir:a file:a/f file:top -- file:.wh..wh..opq= file:mine
	rc-unpack opqroot c1
	[ "$(cd "$(rootfs c1)" && find . | sort | xargs)" = ". ./mine" ]
}

@test "the rootfs equals the one umoci unpack makes from the same layers" {
	store_layout "$RULES"
	rc-unpack rules c1
	# umoci 0.4 reads no zstd: it gets the same image with layer 2 gzipped
	umoci unpack --image "$RC_ROOT/images:rules-gz" "$BATS_TEST_TMPDIR/umoci" >/dev/null
	"$HELPERS/treelist" "$(rootfs c1)" >"$BATS_TEST_TMPDIR/rc.list"
	"$HELPERS/treelist" "$BATS_TEST_TMPDIR/umoci/rootfs" >"$BATS_TEST_TMPDIR/umoci.list"
	[ "$(wc -l <"$BATS_TEST_TMPDIR/rc.list")" -gt 50 ]
	diff -u "$BATS_TEST_TMPDIR/umoci.list" "$BATS_TEST_TMPDIR/rc.list"
}

@test "the Alpine rootfs equals the one umoci unpack makes, times included" {
	store_layout "$TEST_IMAGES/oci"
	rc-unpack httpd c1
	umoci unpack --image "$RC_ROOT/images:httpd" "$BATS_TEST_TMPDIR/umoci" >/dev/null
	"$HELPERS/treelist" "$(rootfs c1)" --times >"$BATS_TEST_TMPDIR/rc.list"
	"$HELPERS/treelist" "$BATS_TEST_TMPDIR/umoci/rootfs" --times >"$BATS_TEST_TMPDIR/umoci.list"
	diff -u "$BATS_TEST_TMPDIR/umoci.list" "$BATS_TEST_TMPDIR/rc.list"
}

@test "the userspace path walk (no openat2) unpacks the same rootfs" {
	store_layout "$RULES"
	rc-unpack rules c1
	RC_NO_OPENAT2=1 rc-unpack rules c2
	"$HELPERS/treelist" "$(rootfs c1)" --times >"$BATS_TEST_TMPDIR/a.list"
	"$HELPERS/treelist" "$(rootfs c2)" --times >"$BATS_TEST_TMPDIR/b.list"
	diff -u "$BATS_TEST_TMPDIR/a.list" "$BATS_TEST_TMPDIR/b.list"
}

# ---- hostile layers: nothing outside the rootfs changes --------------------

# A victim outside the rootfs; far more ".." than needed still end at "/".
UP=../../../../../../../../../../../../../../../..
setup_victim() {
	VICTIM=$BATS_TEST_TMPDIR/victim
	mkdir -p "$VICTIM/dir"
	echo untouched >"$VICTIM/secret"
	echo untouched >"$VICTIM/dir/inner"
	chmod 0600 "$VICTIM/secret"
	"$HELPERS/treelist" "$VICTIM" --times >"$BATS_TEST_TMPDIR/victim.before"
}
victim_untouched() {
	"$HELPERS/treelist" "$VICTIM" --times >"$BATS_TEST_TMPDIR/victim.after"
	diff -u "$BATS_TEST_TMPDIR/victim.before" "$BATS_TEST_TMPDIR/victim.after"
}

@test "an entry with .. that climbs out is refused, naming it" {
	setup_victim
	crafted_image evil dir:ok "file:$UP$VICTIM/secret=pwned"
	run rc-unpack evil c1
	[ "$status" -eq 1 ]
	[[ $output == *"entry '$UP$VICTIM/secret'"*"outside the root"* ]]
	no_container c1
	victim_untouched
}

@test "an absolute path is confined to the rootfs" {
	setup_victim
	crafted_image evil "file:$VICTIM/secret=pwned"
	rc-unpack evil c1
	[ "$(cat "$(rootfs c1)$VICTIM/secret")" = pwned ]
	victim_untouched
}

@test "writing through a symlink to outside from the same layer stays inside" {
	setup_victim
	crafted_image evil "link:abs>$VICTIM" "file:abs/secret=pwned" \
		"link:rel>$UP$VICTIM" "file:rel/dir/inner=pwned" "dir:abs/dir:0777"
	rc-unpack evil c1
	r=$(rootfs c1)
	[ "$(cat "$r$VICTIM/secret")" = pwned ] && [ "$(cat "$r$VICTIM/dir/inner")" = pwned ]
	victim_untouched
}

@test "writing through a symlink to outside from a lower layer stays inside" {
	setup_victim
	crafted_image evil "link:abs>$VICTIM" "link:file>$VICTIM/secret" -- \
		"file:abs/secret=pwned" "xattr:user.x=y" "dir:abs/dir:0777:1:1" "file:abs/new"
	rc-unpack evil c1
	r=$(rootfs c1)
	[ "$(cat "$r$VICTIM/secret")" = pwned ] && [ -f "$r$VICTIM/new" ]
	[ "$(stat -c '%a %u' "$r$VICTIM/dir")" = "777 1" ]
	victim_untouched
}

@test "an entry over a symlink to outside replaces the symlink, not its target" {
	setup_victim
	crafted_image evil "link:f>$VICTIM/secret" "link:d>$VICTIM/dir" -- \
		"file:f:0777:1:1=pwned" "dir:d:0777:1:1"
	rc-unpack evil c1
	r=$(rootfs c1)
	[ -f "$r/f" ] && [ ! -L "$r/f" ] && [ -d "$r/d" ] && [ ! -L "$r/d" ]
	victim_untouched
}

@test "owner, mode and xattrs of a symlink entry never reach its target" {
	setup_victim
	crafted_image evil "xattr:trusted.x=y" "link:s>$VICTIM/secret" \
		"xattr:trusted.y=z" "link:t>$UP$VICTIM/secret"
	rc-unpack evil c1
	[ -L "$(rootfs c1)/s" ]
	victim_untouched
}

@test "a hard link to a target outside is refused" {
	setup_victim
	crafted_image evil "hard:h>$UP$VICTIM/secret"
	run rc-unpack evil c1
	[ "$status" -eq 1 ]
	[[ $output == *"entry 'h'"*"outside the root"* ]]
	no_container c1
	victim_untouched
}

@test "a hard link through a symlink to outside finds no target inside" {
	setup_victim
	crafted_image evil "link:esc>$VICTIM" -- "hard:h>esc/secret"
	run rc-unpack evil c1
	[ "$status" -eq 1 ]
	[[ $output == *"entry 'h'"*"hard link target 'esc/secret'"* ]]
	no_container c1
	victim_untouched
}

@test "an absolute hard link target is looked up inside the rootfs" {
	setup_victim
	crafted_image evil "hard:h>$VICTIM/secret"
	run rc-unpack evil c1
	[ "$status" -eq 1 ]
	[[ $output == *"entry 'h'"* ]]
	no_container c1
	victim_untouched
}

@test "a hard link to a symlink that points outside links the symlink itself" {
	setup_victim
	crafted_image evil "link:esc>$VICTIM/secret" -- "hard:h>esc"
	rc-unpack evil c1
	[ -L "$(rootfs c1)/h" ]
	[ "$(stat -c %h "$VICTIM/secret")" = 1 ]
	victim_untouched
}

@test "a whiteout that climbs out is refused" {
	setup_victim
	crafted_image evil dir:a -- "file:a/$UP$VICTIM/.wh.secret="
	run rc-unpack evil c1
	[ "$status" -eq 1 ]
	[[ $output == *"outside the root"* ]]
	no_container c1
	victim_untouched
}

@test "a whiteout named .wh.. is refused" {
	setup_victim
	crafted_image evil dir:a file:a/f -- "file:a/.wh..="
	run rc-unpack evil c1
	[ "$status" -eq 1 ]
	[[ $output == *"entry 'a/.wh..'"*"whiteout"* ]]
	no_container c1
}

@test "whiteouts and an opaque marker under a symlink to outside stay inside" {
	setup_victim
	crafted_image evil "link:esc>$VICTIM" "link:esc2>$UP$VICTIM/dir" -- \
		"file:esc/.wh.secret=" "file:esc/.wh.dir=" "file:esc2/.wh..wh..opq="
	rc-unpack evil c1
	victim_untouched
}

@test "an entry named . or / cannot replace the root directory" {
	setup_victim
	for spec in "link:.>$VICTIM" "link:/>$VICTIM" "link:./>$UP$VICTIM" "hard:.>etc" "chr:/:1:3"; do
		rm -rf "$RC_ROOT"
		crafted_image evil dir:etc -- "$spec"
		run rc-unpack evil c1
		[ "$status" -eq 1 ]
		[[ $output == *"cannot replace the root directory"* ]]
		no_container c1
	done
	victim_untouched
}

@test "a root directory entry with an odd mode and owner changes only the rootfs" {
	setup_victim
	crafted_image evil dir:./:0700:1234:1234 file:f -- dir:/:0777:4321:4321
	mkdir -p "$RC_ROOT/containers"
	before=$(stat -c '%a %u %g' "$RC_ROOT/containers")
	rc-unpack evil c1
	[ "$(stat -c '%a %u %g' "$(rootfs c1)")" = "777 4321 4321" ]
	[ "$(stat -c '%a %u %g' "$RC_ROOT/containers/c1")" = "700 0 0" ]
	[ "$(stat -c '%a %u %g' "$RC_ROOT/containers")" = "$before" ]
	victim_untouched
}

@test "hostile layers are confined by the userspace path walk too" {
	setup_victim
	crafted_image evil "link:abs>$VICTIM" "link:rel>$UP$VICTIM/dir" -- \
		"file:abs/secret=pwned" "file:rel/inner=pwned" "file:abs/.wh.dir=" "hard:h>abs/secret"
	RC_NO_OPENAT2=1 rc-unpack evil c1
	r=$(rootfs c1)
	[ "$(cat "$r$VICTIM/secret")" = pwned ] && [ "$(cat "$r$VICTIM/dir/inner")" = pwned ]
	[ "$(stat -c %i "$r/h")" = "$(stat -c %i "$r$VICTIM/secret")" ]
	victim_untouched
}
