#!/usr/bin/env bats
# rc-unpack IMAGE NAME: a container's rootfs from an image's layers, and its
# OCI runtime config.

bats_require_minimum_version 1.5.0
load helpers/common

# The suite runs twice: as unpack.bats over overlayfs (rc-unpack's default:
# a rootfs stacked from the layer store), and as unpack-copy.bats (a link to
# this file) with --copy, the full copy. Both must make the same trees.
copy_mode() { [[ $BATS_TEST_FILENAME == *-copy.bats ]]; }
# (common.bash puts the build's programs first on PATH in every test: the
# --copy wrapper setup_file makes goes before them, here)
if copy_mode; then
	export PATH="$BATS_FILE_TMPDIR/copy-bin:$PATH"
fi

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
	if copy_mode; then
		mkdir -p "$BATS_FILE_TMPDIR/copy-bin"
		printf '#!/bin/sh\nexec "%s/rc-unpack" --copy "$@"\n' "$RC_BIN" \
			>"$BATS_FILE_TMPDIR/copy-bin/rc-unpack"
		chmod +x "$BATS_FILE_TMPDIR/copy-bin/rc-unpack"
	fi
	build_test_images
	RULES=$BATS_FILE_TMPDIR/rules-oci
	build_rules_image "$RULES"
	export RULES
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

@test "the suite tests what it means to: an overlay rootfs, or with --copy a full copy" {
	store_layout "$TEST_IMAGES/oci"
	rc-unpack httpd c1
	if copy_mode; then
		not mountpoint -q "$(rootfs c1)"
		[ ! -e "$RC_ROOT/containers/c1/layers" ]
	else
		[ "$(findmnt -n -o FSTYPE --mountpoint "$(rootfs c1)")" = overlay ]
		[ -f "$RC_ROOT/containers/c1/layers" ]
	fi
}

@test "rc-unpack prints NAME and makes rootfs, config.json and image" {
	store_layout "$RULES"
	run --separate-stderr rc-unpack rules c1
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
	# (no times: a directory a whiteout changed has the time of the unpack)
	"$HELPERS/treelist" "$(rootfs c1)" >"$BATS_TEST_TMPDIR/a.list"
	"$HELPERS/treelist" "$(rootfs c2)" >"$BATS_TEST_TMPDIR/b.list"
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

# ---- images, names and the container's all-or-nothing appearance -------

@test "a short reference is normalised the docker way" {
	mkdir -p "$RC_ROOT"
	skopeo copy -q "oci:$TEST_IMAGES/oci:alpine" "oci:$RC_ROOT/images:docker.io/library/alpine:latest"
	run rc-unpack alpine c1
	[ "$status" -eq 0 ]
	read -r ref digest <"$RC_ROOT/containers/c1/image"
	[ "$ref" = docker.io/library/alpine:latest ]
	[ "$digest" = "$(jq -r '.manifests[0].digest' "$RC_ROOT/images/index.json")" ]
	rc-unpack docker.io/library/alpine c2
	rc-unpack library/alpine:latest c3
}

@test "an image is found by its manifest digest, and by name@digest" {
	store_layout "$TEST_IMAGES/oci"
	d=$(jq -r '.manifests[] | select(.annotations["org.opencontainers.image.ref.name"]=="alpine") | .digest' "$RC_ROOT/images/index.json")
	rc-unpack "$d" c1
	[ "$(cat "$RC_ROOT/containers/c1/image")" = "alpine $d" ]
	rc-unpack "example.com/whatever@$d" c2
	[ -x "$(rootfs c2)/bin/busybox" ]
}

@test "a Docker schema 2 image unpacks" {
	mkdir -p "$RC_ROOT"
	"$HELPERS/mkimage" --docker --cmd '["/bin/sh"]' "$RC_ROOT/images" docker.io/library/dk:1 \
		"$RC_SRC/tests/fixtures/alpine-minirootfs-3.20.3-x86_64.tar.gz" >/dev/null
	rc-unpack dk:1 c1
	[ -x "$(rootfs c1)/bin/busybox" ]
}

@test "an unknown image fails and makes no container" {
	store_layout "$TEST_IMAGES/oci"
	run rc-unpack nosuch c1
	[ "$status" -eq 1 ]
	[[ $output == "rc-unpack: image nosuch is not in the store"* ]]
	no_container c1
}

@test "an unknown or malformed digest fails" {
	store_layout "$TEST_IMAGES/oci"
	run rc-unpack sha256:0000000000000000000000000000000000000000000000000000000000000000 c1
	[ "$status" -eq 1 ]
	[[ $output == *"not in the store"* ]]
	run rc-unpack sha256:../../etc c1
	[ "$status" -eq 1 ]
	[[ $output == *"invalid digest"* ]]
	no_container c1
}

@test "an empty store fails with a clear message" {
	run rc-unpack alpine c1
	[ "$status" -eq 1 ]
	[[ $output == rc-unpack:*"image store"* ]]
}

@test "an invalid NAME is a usage error and touches nothing" {
	store_layout "$TEST_IMAGES/oci"
	for name in ../x a/b .hidden -x "" "$(printf 'x%.0s' {1..65})"; do
		run rc-unpack alpine "$name"
		[ "$status" -eq 2 ]
	done
	[ ! -e "$RC_ROOT/containers" ] || [ -z "$(ls -A "$RC_ROOT/containers")" ]
	[ ! -e "$RC_ROOT/x" ]
}

@test "usage errors: missing arguments and unknown options exit 2" {
	run rc-unpack alpine
	[ "$status" -eq 2 ]
	run rc-unpack --bogus alpine c1
	[ "$status" -eq 2 ]
	run rc-unpack "" c1
	[ "$status" -eq 2 ]
}

@test "--help and --version print to stdout and exit 0" {
	run rc-unpack --help
	[ "$status" -eq 0 ]
	[[ $output == Usage:\ rc-unpack* ]]
	run rc-unpack --version
	[ "$status" -eq 0 ]
	[[ $output =~ ^rc-unpack\ [0-9] ]]
}

@test "the man page documents every option of --help" {
	for opt in $(rc-unpack --help | grep -oE -- '--[a-z]+' | sort -u); do
		grep -q -- "${opt//-/\\\\-}" "$RC_SRC/man/rc-unpack.1"
	done
	man -l "$RC_SRC/man/rc-unpack.1" >/dev/null 2>&1 || groff -man -Tutf8 "$RC_SRC/man/rc-unpack.1" >/dev/null
}

@test "--root overrides RC_ROOT" {
	store_layout "$TEST_IMAGES/oci"
	mv "$RC_ROOT" "$BATS_TEST_TMPDIR/other"
	run rc-unpack --root "$BATS_TEST_TMPDIR/other" alpine c1
	[ "$status" -eq 0 ]
	[ -d "$BATS_TEST_TMPDIR/other/containers/c1/rootfs/bin" ]
	[ ! -e "$RC_ROOT" ]
}

@test "an existing NAME is refused without --force and left as it was" {
	store_layout "$TEST_IMAGES/oci"
	rc-unpack alpine c1
	touch "$RC_ROOT/containers/c1/rootfs/marker"
	run rc-unpack httpd c1
	[ "$status" -eq 1 ]
	[[ $output == *"container c1 already exists (use --force to replace it)"* ]]
	[ -e "$RC_ROOT/containers/c1/rootfs/marker" ]
	[[ $(cat "$RC_ROOT/containers/c1/image") == alpine\ * ]]
	[ "$(ls -A "$RC_ROOT/containers")" = c1 ]
}

@test "--force replaces an existing container and leaves nothing else behind" {
	store_layout "$TEST_IMAGES/oci"
	rc-unpack alpine c1
	touch "$RC_ROOT/containers/c1/rootfs/marker"
	run rc-unpack --force httpd c1
	[ "$status" -eq 0 ]
	[ ! -e "$RC_ROOT/containers/c1/rootfs/marker" ]
	[ -x "$RC_ROOT/containers/c1/rootfs/usr/local/bin/busybox" ]
	[[ $(cat "$RC_ROOT/containers/c1/image") == httpd\ * ]]
	[ "$(ls -A "$RC_ROOT/containers")" = c1 ]
}

@test "--force keeps the old container when the new one fails" {
	store_layout "$TEST_IMAGES/oci"
	rc-unpack alpine c1
	touch "$RC_ROOT/containers/c1/rootfs/marker"
	crafted_image evil "file:../../x=y"
	run rc-unpack --force evil c1
	[ "$status" -eq 1 ]
	[ -e "$RC_ROOT/containers/c1/rootfs/marker" ]
	[ "$(ls -A "$RC_ROOT/containers")" = c1 ]
}

@test "--force refuses to replace a running container" {
	store_layout "$TEST_IMAGES/oci"
	rc-unpack alpine c1
	sleep 1000 &
	pid=$!
	echo "$pid" >"$RC_ROOT/containers/c1/pid"
	run rc-unpack --force httpd c1
	kill "$pid"
	wait "$pid" || true
	[ "$status" -eq 1 ]
	[[ $output == *"container c1 is running (pid $pid)"* ]]
	[[ $(cat "$RC_ROOT/containers/c1/image") == alpine\ * ]]
}

@test "a corrupt layer blob in the store fails and leaves no container" {
	store_layout "$TEST_IMAGES/oci"
	m=$(jq -r '.manifests[] | select(.annotations["org.opencontainers.image.ref.name"]=="alpine") | .digest' "$RC_ROOT/images/index.json")
	l=$(jq -r '.layers[0].digest' "$RC_ROOT/images/blobs/sha256/${m#sha256:}")
	blob=$RC_ROOT/images/blobs/sha256/${l#sha256:}
	chmod u+w "$blob"
	# flip one byte of the gzip trailer: same size, different digest
	printf '\x00' | dd of="$blob" bs=1 seek=$(($(stat -c %s "$blob") - 5)) conv=notrunc 2>/dev/null
	run rc-unpack alpine c1
	[ "$status" -eq 1 ]
	[[ $output == *"layer 1/1"*"corrupt"* ]] || [[ $output == *"layer 1/1"* ]]
	no_container c1
}

@test "a corrupt manifest or config blob is detected" {
	store_layout "$TEST_IMAGES/oci"
	m=$(jq -r '.manifests[] | select(.annotations["org.opencontainers.image.ref.name"]=="alpine") | .digest' "$RC_ROOT/images/index.json")
	c=$(jq -r '.config.digest' "$RC_ROOT/images/blobs/sha256/${m#sha256:}")
	chmod u+w "$RC_ROOT/images/blobs/sha256/${c#sha256:}"
	echo ' ' >>"$RC_ROOT/images/blobs/sha256/${c#sha256:}"
	run rc-unpack alpine c1
	[ "$status" -eq 1 ]
	[[ $output == *"blob $c in the store is corrupt"* ]]
	no_container c1
}

# Rewrite image TAG's config with a jq filter (new config and manifest
# blobs, the tag moved to them).
edit_config() {
	local tag=$1 filter=$2 dir=$RC_ROOT/images m c mj cj md cd
	m=$(jq -r --arg t "$tag" '.manifests[] | select(.annotations["org.opencontainers.image.ref.name"]==$t) | .digest' "$dir/index.json")
	c=$(jq -r '.config.digest' "$dir/blobs/sha256/${m#sha256:}")
	cj=$(jq -c "$filter" "$dir/blobs/sha256/${c#sha256:}")
	cd=$(printf '%s' "$cj" | sha256sum | cut -d' ' -f1)
	printf '%s' "$cj" >"$dir/blobs/sha256/$cd"
	mj=$(jq -c --arg d "sha256:$cd" --argjson s "${#cj}" '.config.digest = $d | .config.size = $s' "$dir/blobs/sha256/${m#sha256:}")
	md=$(printf '%s' "$mj" | sha256sum | cut -d' ' -f1)
	printf '%s' "$mj" >"$dir/blobs/sha256/$md"
	jq -c --arg t "$tag" --arg d "sha256:$md" --argjson s "${#mj}" \
		'(.manifests[] | select(.annotations["org.opencontainers.image.ref.name"]==$t)) |= (.digest = $d | .size = $s)' \
		"$dir/index.json" >"$dir/index.json.new"
	mv "$dir/index.json.new" "$dir/index.json"
}

@test "a layer that does not match its diff_id fails and leaves no container" {
	store_layout "$TEST_IMAGES/oci"
	edit_config httpd '.rootfs.diff_ids[1] = "sha256:" + ("0" * 64)'
	run rc-unpack httpd c1
	[ "$status" -eq 1 ]
	[[ $output == *"layer 2/2"*"does not match the image config's diff_id"* ]]
	no_container c1
}

@test "a config whose diff_ids do not match the layers is refused" {
	store_layout "$TEST_IMAGES/oci"
	edit_config httpd '.rootfs.diff_ids |= .[:1]'
	run rc-unpack httpd c1
	[ "$status" -eq 1 ]
	[[ $output == *"1 diff_ids for 2 layers"* ]]
	no_container c1
}

@test "a missing layer blob is reported before anything is unpacked" {
	store_layout "$TEST_IMAGES/oci"
	m=$(jq -r '.manifests[] | select(.annotations["org.opencontainers.image.ref.name"]=="httpd") | .digest' "$RC_ROOT/images/index.json")
	l=$(jq -r '.layers[1].digest' "$RC_ROOT/images/blobs/sha256/${m#sha256:}")
	rm "$RC_ROOT/images/blobs/sha256/${l#sha256:}"
	run rc-unpack httpd c1
	[ "$status" -eq 1 ]
	[[ $output == *"layer 2 ($l) is not in the store"* ]]
	no_container c1
}

@test "an image index is refused with a hint to pull one platform" {
	store_layout "$TEST_IMAGES/oci"
	"$HELPERS/mkimage" --index "$RC_ROOT/images" multi alpine httpd
	run rc-unpack multi c1
	[ "$status" -eq 1 ]
	[[ $output == *"image index"* ]]
	no_container c1
}

@test "a layer of an unknown media type is refused" {
	store_layout "$TEST_IMAGES/oci"
	m=$(jq -r '.manifests[] | select(.annotations["org.opencontainers.image.ref.name"]=="alpine") | .digest' "$RC_ROOT/images/index.json")
	jq -c '.layers[0].mediaType = "application/x-bogus"' "$RC_ROOT/images/blobs/sha256/${m#sha256:}" >"$BATS_TEST_TMPDIR/m.json"
	d=sha256:$(sha256sum "$BATS_TEST_TMPDIR/m.json" | cut -d' ' -f1)
	cp "$BATS_TEST_TMPDIR/m.json" "$RC_ROOT/images/blobs/sha256/${d#sha256:}"
	jq --arg d "$d" --argjson s "$(stat -c %s "$BATS_TEST_TMPDIR/m.json")" \
		'.manifests += [{mediaType: "application/vnd.oci.image.manifest.v1+json", digest: $d, size: $s, annotations: {"org.opencontainers.image.ref.name": "bogus"}}]' \
		"$RC_ROOT/images/index.json" >"$BATS_TEST_TMPDIR/i.json"
	mv "$BATS_TEST_TMPDIR/i.json" "$RC_ROOT/images/index.json"
	run rc-unpack bogus c1
	[ "$status" -eq 1 ]
	[[ $output == *"layer 1: unsupported media type 'application/x-bogus'"* ]]
}

@test "a failure halfway through leaves no container and no temporary directory" {
	crafted_image evil dir:a file:a/f file:a/g -- file:b/ok dir:c file:c/x "hard:d>nowhere"
	run rc-unpack evil c1
	[ "$status" -eq 1 ]
	[[ $output == *"entry 'd'"* ]]
	no_container c1
	[ -z "$(ls -A "$RC_ROOT/containers")" ]
}

@test "SIGINT during unpacking leaves no container and no temporary directory" {
	# A layer holding a 4 GB file of zeros, slow to write out, but quick
	# to make: zstd frames concatenate, so one 64 MB frame of zeros is
	# repeated. Its diff_id is not computed (the unpack never gets there).
	# It is written to a tmpfs, so no disk has to take it.
	RC_ROOT=$(mktemp -d /dev/shm/rc-unpack-test.XXXXXX)
	SHM_ROOT=$RC_ROOT
	w=$BATS_TEST_TMPDIR/big
	mkdir -p "$w"
	python3 -c 'import sys, tarfile; t = tarfile.TarInfo("big"); t.size = 4 << 30; sys.stdout.buffer.write(t.tobuf(tarfile.USTAR_FORMAT))' | zstd -q >"$w/head.zst"
	head -c 64M /dev/zero | zstd -q -1 >"$w/zeros.zst"
	head -c 1024 /dev/zero | zstd -q >"$w/end.zst"
	cat "$w/head.zst" $(printf "$w/zeros.zst %.0s" {1..64}) "$w/end.zst" >"$w/big.tar.zst"
	mkdir -p "$RC_ROOT/images/blobs/sha256"
	echo '{"imageLayoutVersion":"1.0.0"}' >"$RC_ROOT/images/oci-layout"
	echo '{"schemaVersion":2,"manifests":[]}' >"$RC_ROOT/images/index.json"
	l=sha256:$(sha256sum "$w/big.tar.zst" | cut -d' ' -f1)
	cp "$w/big.tar.zst" "$RC_ROOT/images/blobs/sha256/${l#sha256:}"
	cj=$(jq -nc --arg d "sha256:$(printf '0%.0s' {1..64})" '{architecture: "amd64", os: "linux", config: {Cmd: ["/bin/sh"]}, rootfs: {type: "layers", diff_ids: [$d]}}')
	cd=$(printf '%s' "$cj" | sha256sum | cut -d' ' -f1)
	printf '%s' "$cj" >"$RC_ROOT/images/blobs/sha256/$cd"
	mj=$(jq -nc --arg c "sha256:$cd" --argjson cs "${#cj}" --arg l "$l" --argjson ls "$(stat -c %s "$w/big.tar.zst")" \
		'{schemaVersion: 2, mediaType: "application/vnd.oci.image.manifest.v1+json",
		  config: {mediaType: "application/vnd.oci.image.config.v1+json", digest: $c, size: $cs},
		  layers: [{mediaType: "application/vnd.oci.image.layer.v1.tar+zstd", digest: $l, size: $ls}]}')
	md=$(printf '%s' "$mj" | sha256sum | cut -d' ' -f1)
	printf '%s' "$mj" >"$RC_ROOT/images/blobs/sha256/$md"
	jq -c --arg d "sha256:$md" --argjson s "${#mj}" '.manifests = [{mediaType: "application/vnd.oci.image.manifest.v1+json", digest: $d, size: $s, annotations: {"org.opencontainers.image.ref.name": "big"}}]' \
		"$RC_ROOT/images/index.json" >"$w/index.json"
	mv "$w/index.json" "$RC_ROOT/images/index.json"

	rc-unpack big c1 2>"$BATS_TEST_TMPDIR/err" &
	pid=$!
	for _ in $(seq 600); do
		[ -n "$(find "$RC_ROOT/containers" "$RC_ROOT/layers/tmp" \
			-path '*/.c1.tmp-*/rootfs/big' -o -path '*/tmp/*/diff/big' 2>/dev/null)" ] && break
		sleep 0.05
	done
	kill -INT "$pid"
	status=0
	wait "$pid" || status=$?
	cat "$BATS_TEST_TMPDIR/err"
	[ "$status" -eq 130 ]
	grep -q 'Interrupted' "$BATS_TEST_TMPDIR/err"
	no_container c1
	[ -z "$(ls -A "$RC_ROOT/containers")" ]
	# nor a half-extracted layer
	[ -z "$(ls -A "$RC_ROOT/layers/tmp" 2>/dev/null)" ]
	[ -z "$(ls -A "$RC_ROOT/layers/sha256" 2>/dev/null)" ]
}

# ---- config.json ----------------------------------------------------------

cfg() { jq -c "$1" "$RC_ROOT/containers/${2:-c1}/config.json"; }

@test "config.json runs Entrypoint then Cmd with the image's Env and WorkingDir" {
	mkdir -p "$RC_ROOT"
	"$HELPERS/mkimage" --entrypoint '["/bin/echo","hi"]' --cmd '["there"]' --env FOO=bar \
		--env PATH=/custom/bin --workdir /srv --stop-signal SIGQUIT "$RC_ROOT/images" app \
		"$RC_SRC/tests/fixtures/alpine-minirootfs-3.20.3-x86_64.tar.gz" >/dev/null
	rc-unpack app c1
	[ "$(cfg .process.args)" = '["/bin/echo","hi","there"]' ]
	[ "$(cfg .process.env)" = '["HOSTNAME=c1","FOO=bar","PATH=/custom/bin","HOME=/root"]' ]
	[ "$(cfg .process.cwd)" = '"/srv"' ]
	[ "$(cfg .hostname)" = '"c1"' ]
	[ "$(cfg '.annotations["org.opencontainers.image.stopSignal"]')" = '"SIGQUIT"' ]
	[ "$(cfg .root)" = '{"path":"rootfs","readonly":false}' ]
}

@test "config.json defaults PATH and the working directory" {
	mkdir -p "$RC_ROOT"
	"$HELPERS/mkimage" --env FOO=bar --cmd '["/bin/sh"]' "$RC_ROOT/images" nopath \
		"$RC_SRC/tests/fixtures/alpine-minirootfs-3.20.3-x86_64.tar.gz" >/dev/null
	rc-unpack nopath c1
	[ "$(cfg .process.env)" = '["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin","HOSTNAME=c1","FOO=bar","HOME=/root"]' ]
	[ "$(cfg .process.cwd)" = '"/"' ]
	[ "$(cfg '.annotations | length')" = 0 ]
}

@test "config.json resolves a user name and its groups from the rootfs" {
	mkdir -p "$RC_ROOT"
	w=$BATS_TEST_TMPDIR/u
	"$MKLAYER" "$w.tar" dir:etc 'file:etc/passwd=root:x:0:0:root:/root:/bin/sh
app:x:1000:1001:app:/home/app:/bin/sh
' 'file:etc/group=root:x:0:
app:x:1001:
extra:x:2000:app,other
wheel:x:10:root
'
	"$HELPERS/mkimage" --user app --cmd '["id"]' "$RC_ROOT/images" u1 "$w.tar" >/dev/null
	"$HELPERS/mkimage" --user app:wheel --cmd '["id"]' "$RC_ROOT/images" u2 "$w.tar" >/dev/null
	"$HELPERS/mkimage" --user 4242:77 --cmd '["id"]' "$RC_ROOT/images" u3 "$w.tar" >/dev/null
	"$HELPERS/mkimage" --user nobody --cmd '["id"]' "$RC_ROOT/images" u4 "$w.tar" >/dev/null
	rc-unpack u1 c1
	[ "$(cfg .process.user)" = '{"uid":1000,"gid":1001,"additionalGids":[2000],"umask":18}' ]
	[[ $(cfg .process.env) == *'"HOME=/home/app"'* ]]
	rc-unpack u2 c2
	[ "$(cfg .process.user c2)" = '{"uid":1000,"gid":10,"additionalGids":[],"umask":18}' ]
	rc-unpack u3 c3
	[ "$(cfg .process.user c3)" = '{"uid":4242,"gid":77,"additionalGids":[],"umask":18}' ]
	run rc-unpack u4 c4
	[ "$status" -eq 1 ]
	[[ $output == *"unable to find user nobody"* ]]
	no_container c4
}

@test "a user name is resolved through /etc/passwd inside the rootfs, not the host's" {
	setup_victim
	printf 'evil:x:0:0::/:/bin/sh\n' >"$VICTIM/passwd"
	crafted_image pw dir:etc "link:etc/passwd>$UP$VICTIM/passwd"
	"$HELPERS/mkimage" --user evil --cmd '["id"]' "$RC_ROOT/images" pw2 "$BATS_TEST_TMPDIR/layers-pw/1.tar" >/dev/null
	run rc-unpack pw2 c2
	[ "$status" -eq 1 ]
	[[ $output == *"unable to find user evil"* ]]
}

@test "config.json has docker's capabilities, mounts, masked paths, namespaces, devices and seccomp profile" {
	store_layout "$TEST_IMAGES/oci"
	rc-unpack alpine c1
	defaults=$("$BUILD/tests/tools/rc-defaults" config)
	for f in .process.capabilities .process.noNewPrivileges .mounts .linux.namespaces \
		.linux.resources.devices .linux.maskedPaths .linux.readonlyPaths .linux.seccomp; do
		echo "$f"
		[ "$(cfg "$f")" = "$(jq -c "$f" <<<"$defaults")" ]
	done
	[ "$(cfg '.process.capabilities.inheritable')" = null ]
	# (that the table is docker's: tests/unit/test-defaults.c)
}

@test "config.json never asks for more open files than this host allows" {
	store_layout "$TEST_IMAGES/oci"
	hard=$(ulimit -Hn)
	rc-unpack alpine c1
	[ "$(cfg '.process.rlimits[] | select(.type=="RLIMIT_NOFILE") | .soft')" = 1024 ]
	h=$(cfg '.process.rlimits[] | select(.type=="RLIMIT_NOFILE") | .hard')
	[ "$hard" = unlimited ] || [ "$h" -le "$hard" ]
}

@test "an image without Entrypoint or Cmd unpacks with a warning" {
	mkdir -p "$RC_ROOT"
	"$MKLAYER" "$BATS_TEST_TMPDIR/l.tar" dir:etc
	"$HELPERS/mkimage" "$RC_ROOT/images" nocmd "$BATS_TEST_TMPDIR/l.tar" >/dev/null
	run rc-unpack nocmd c1
	[ "$status" -eq 0 ]
	[[ $output == *"warning: image nocmd has no Entrypoint or Cmd"* ]]
	[ "$(cfg .process.args)" = '[]' ]
}

# crun 1.8 refuses this machine's hybrid cgroups unless hugetlb moves to v1
# (see tests/README.md); undone at the end when this suite did it.
crun_setup() {
	if [ -d /sys/fs/cgroup/unified ] && ! mountpoint -q /sys/fs/cgroup/hugetlb; then
		mkdir -p /sys/fs/cgroup/hugetlb
		mount -t cgroup -o hugetlb cgroup /sys/fs/cgroup/hugetlb
		touch "$BATS_FILE_TMPDIR/mounted-hugetlb"
	fi
}

teardown() {
	unmount_rootfs
	if [ -n "${SHM_ROOT:-}" ]; then
		rm -rf "$SHM_ROOT"
	fi
}

teardown_file() {
	if [ -e "$BATS_FILE_TMPDIR/mounted-hugetlb" ]; then
		umount /sys/fs/cgroup/hugetlb || true
	fi
}

@test "crun runs the bundle as it stands" {
	crun_setup
	store_layout "$TEST_IMAGES/oci"
	mkdir -p "$RC_ROOT"
	"$HELPERS/mkimage" --user 1000:1000 --workdir /tmp --env GREETING=hello \
		--cmd '["/bin/sh","-c","echo $GREETING $(id -u):$(id -g) $(pwd) $(hostname); grep CapEff /proc/self/status"]' \
		"$RC_ROOT/images" run "$RC_SRC/tests/fixtures/alpine-minirootfs-3.20.3-x86_64.tar.gz" >/dev/null
	rc-unpack run c1
	id=rc-unpack-test-$$-$BATS_TEST_NUMBER
	run crun run --bundle "$RC_ROOT/containers/c1" "$id"
	crun delete -f "$id" 2>/dev/null || true
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "hello 1000:1000 /tmp c1" ]
	[[ ${lines[1]} == CapEff:* ]]
}

@test "crun runs the httpd image's busybox from the bundle" {
	crun_setup
	store_layout "$TEST_IMAGES/oci"
	rc-unpack httpd c1
	jq '.process.args = ["/usr/local/bin/busybox", "cat", "/var/www/index.html"]' \
		"$RC_ROOT/containers/c1/config.json" >"$BATS_TEST_TMPDIR/c.json"
	mv "$BATS_TEST_TMPDIR/c.json" "$RC_ROOT/containers/c1/config.json"
	id=rc-unpack-test-$$-$BATS_TEST_NUMBER
	run crun run --bundle "$RC_ROOT/containers/c1" "$id"
	crun delete -f "$id" 2>/dev/null || true
	[ "$status" -eq 0 ]
	[ "$output" = "<h1>hello from rc</h1>" ]
}

@test "temporary directories of killed unpacks are swept, live ones are not" {
	store_layout "$TEST_IMAGES/oci"
	mkdir -p "$RC_ROOT/containers/.old.tmp-abc123/rootfs/bin" "$RC_ROOT/containers/.live.tmp-def456"
	# this shell holds the live one's lock: no process to leave behind
	exec 4<"$RC_ROOT/containers/.live.tmp-def456"
	flock -x 4
	rc-unpack alpine c1 4<&-
	exec 4<&-
	[ ! -e "$RC_ROOT/containers/.old.tmp-abc123" ]
	[ -d "$RC_ROOT/containers/.live.tmp-def456" ]
}
