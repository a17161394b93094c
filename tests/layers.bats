#!/usr/bin/env bats
# One copy of each layer: the layer store ($RC_ROOT/layers), containers'
# overlay root filesystems, and rc-images, rc-rmi and rc-gc.
# (unpack.bats runs every layer rule and hostile layer over the overlay,
# and unpack-copy.bats over the full copy.)

bats_require_minimum_version 1.5.0
load helpers/common

setup_file() {
	build_test_images
}

teardown() {
	local p
	for p in ${BG_PIDS:-}; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done
	unmount_rootfs
	if [ -n "${NESTED:-}" ]; then
		umount -l "$NESTED/merged" 2>/dev/null || true
	fi
	true
}

rootfs() { echo "$RC_ROOT/containers/$1/rootfs"; }
is_overlay() { [ "$(findmnt -n -o FSTYPE --mountpoint "$(rootfs "$1")")" = overlay ]; }
diff_ids() { # image -> its config's diff_ids, one a line
	local m c
	m=$(jq -r --arg r "$1" '.manifests[] | select(.annotations["org.opencontainers.image.ref.name"] == $r) | .digest' "$RC_ROOT/images/index.json")
	c=$(jq -r .config.digest "$RC_ROOT/images/blobs/sha256/${m#sha256:}")
	jq -r '.rootfs.diff_ids[]' "$RC_ROOT/images/blobs/sha256/${c#sha256:}"
}
layer_dir() { echo "$RC_ROOT/layers/sha256/${1#sha256:}/diff"; }
tree() { "$HELPERS/treelist" "$@"; }

# The same tree, stacked and copied.
same_as_copy() { # image
	rc-unpack "$1" ov >/dev/null
	rc-unpack --copy "$1" cp >/dev/null
	is_overlay ov
	not is_overlay cp
	tree "$(rootfs ov)" >"$BATS_TEST_TMPDIR/ov.list"
	tree "$(rootfs cp)" >"$BATS_TEST_TMPDIR/cp.list"
	diff -u "$BATS_TEST_TMPDIR/cp.list" "$BATS_TEST_TMPDIR/ov.list"
}

# ---- the layer store and the overlay ----------------------------------

@test "a container's rootfs is an overlay of the layer store, with its own upper and work" {
	store_layout "$TEST_IMAGES/oci"
	run rc-unpack httpd c1
	[ "$status" -eq 0 ] && [ "$output" = c1 ]
	is_overlay c1
	[ "$(cat "$RC_ROOT/containers/c1/layers")" = "$(diff_ids httpd)" ]
	[ -d "$RC_ROOT/containers/c1/upper" ] && [ -d "$RC_ROOT/containers/c1/work" ]
	[ -z "$(ls -A "$RC_ROOT/containers/c1/upper")" ]
	for d in $(diff_ids httpd); do [ -d "$(layer_dir "$d")" ]; done
	[ "$(ls "$RC_ROOT/layers/sha256" | wc -l)" -eq 2 ]
	[ "$(cat "$(rootfs c1)/var/www/index.html")" = "<h1>hello from rc</h1>" ]
	[ "$(stat -c %a "$RC_ROOT/layers")" = 700 ]
}

@test "a second container extracts nothing: it works with the layer blobs zeroed" {
	store_layout "$TEST_IMAGES/oci"
	rc-unpack httpd c1
	# were a layer extracted again, its blob would not match its digest
	# one jq per blob: jq stops at the first file that is not JSON (a
	# layer), so the manifest would be read or not by the digests' order
	local digests='' b d f
	for b in "$RC_ROOT"/images/blobs/sha256/*; do
		digests+=" $(jq -r '.layers[]?.digest' "$b" 2>/dev/null || true)"
	done
	[ -n "${digests// /}" ]
	for d in $(printf '%s\n' $digests | sort -u); do
		f=$RC_ROOT/images/blobs/sha256/${d#sha256:}
		head -c "$(stat -c %s "$f")" /dev/zero >"$f.new" && mv "$f.new" "$f"
	done
	run rc-unpack httpd c2
	[ "$status" -eq 0 ] && [ "$output" = c2 ]
	is_overlay c2
	busybox=usr/local/bin/busybox
	[ "$(stat -c %i "$(rootfs c1)/$busybox")" = "$(stat -c %i "$(rootfs c2)/$busybox")" ]
	[ "$(stat -c %i "$(rootfs c1)/$busybox")" = "$(stat -c %i "$(layer_dir "$(diff_ids httpd | tail -n1)")/$busybox")" ]
	[ "$(du -s "$RC_ROOT/containers/c2/upper" | cut -f1)" -le 4 ]
	# and the copy, which does extract, sees the damage
	run rc-unpack --copy httpd c3
	[ "$status" -eq 1 ] && [[ $output == *"the blob is corrupt"* ]]
}

@test "a second container does not load libarchive; the first does, when it extracts" {
	store_layout "$TEST_IMAGES/oci"
	# LD_DEBUG=libs: the dynamic loader names every library it loads
	LD_DEBUG=libs rc-unpack httpd c1 2>"$BATS_TEST_TMPDIR/first" >/dev/null
	grep -q 'calling init: .*libarchive\.so' "$BATS_TEST_TMPDIR/first"
	LD_DEBUG=libs rc-unpack httpd c2 2>"$BATS_TEST_TMPDIR/second" >/dev/null
	grep -q 'calling init: .*libc\.so' "$BATS_TEST_TMPDIR/second"
	not grep -E 'calling init: .*(libarchive|libxml2|libicu[a-z]*|libcrypto)\.so' "$BATS_TEST_TMPDIR/second"
	is_overlay c2
}

@test "without libarchive, a first extraction fails saying so and leaves nothing half-done" {
	store_layout "$TEST_IMAGES/oci"
	local libs
	# every libarchive.so.13 the loader knows of (one per architecture)
	libs=$(ldconfig -p | awk '$1 == "libarchive.so.13" { print $NF }' | tr '\n' ' ')
	[ -n "$libs" ]
	# hidden in a mount namespace of this command only
	run unshare -m sh -c 'for l in $1; do mount --bind /dev/null "$l" || exit 9; done; shift; exec "$@"' \
		sh "$libs" rc-unpack httpd c1
	[ "$status" -eq 1 ]
	[[ $output == *"cannot load libarchive.so.13"* ]]
	[ ! -e "$RC_ROOT/containers/c1" ]
	[ -z "$(ls -A "$RC_ROOT/layers/sha256" 2>/dev/null)" ]
	[ -z "$(ls -A "$RC_ROOT/layers/tmp" 2>/dev/null)" ]
	# and with it back, the same command works
	rc-unpack httpd c1 >/dev/null
	is_overlay c1
}

@test "what a container changes goes to its upper directory, never to a shared layer" {
	store_layout "$TEST_IMAGES/oci"
	rc-unpack httpd c1
	rc-unpack httpd c2
	tree "$RC_ROOT/layers" --times >"$BATS_TEST_TMPDIR/before"
	r=$(rootfs c1)
	echo changed >"$r/var/www/index.html"
	rm "$r/etc/hostname"
	rm -r "$r/usr/local/bin"
	echo new >"$r/new-file"
	tree "$RC_ROOT/layers" --times >"$BATS_TEST_TMPDIR/after"
	diff -u "$BATS_TEST_TMPDIR/before" "$BATS_TEST_TMPDIR/after"
	[ "$(cat "$(rootfs c2)/var/www/index.html")" = "<h1>hello from rc</h1>" ]
	[ -f "$(rootfs c2)/etc/hostname" ] && [ -x "$(rootfs c2)/usr/local/bin/busybox" ]
	u=$RC_ROOT/containers/c1/upper
	[ "$(cat "$u/var/www/index.html")" = changed ] && [ -f "$u/new-file" ]
	[ "$(stat -c %t,%T "$u/etc/hostname")" = 0,0 ] # overlayfs's own whiteout
}

@test "whiteouts and opaque directories are stored the way overlayfs reads them" {
	crafted_image wh dir:a file:a/gone dir:a/sub file:a/sub/x dir:o file:o/old \
		-- dir:a file:a/.wh.gone= dir:o file:o/.wh..wh..opq= file:o/new
	rc-unpack wh c1
	top=$(layer_dir "$(diff_ids wh | tail -n1)")
	[ "$(stat -c %F:%t,%T "$top/a/gone")" = "character special file:0,0" ]
	[ "$(getfattr --only-values -n trusted.overlay.opaque "$top/o")" = y ]
	[ ! -e "$(rootfs c1)/a/gone" ] && [ -f "$(rootfs c1)/a/sub/x" ]
	[ "$(ls "$(rootfs c1)/o")" = new ]
}

@test "a docker-style image of every layer rule is stacked, and equals its full copy and umoci's unpack" {
	w=$BATS_TEST_TMPDIR/w
	mkdir -p "$w"
	# every directory has its own entry, hard links stay within their layer
	"$HELPERS/mklayer" "$w/1.tar" dir:./:0755 dir:usr dir:usr/lib file:usr/lib/libbase.so \
		dir:del file:del/gone dir:del/dir dir:del/dir/sub file:del/dir/sub/f \
		dir:opq1 file:opq1/a dir:opq1/sub file:opq1/sub/b dir:opq2 file:opq2/a \
		dir:tc file:tc/f2d dir:tc/d2l file:tc/d2l/child dir:tc/d2f file:tc/d2f/child \
		dir:readd file:readd/x=first dir:hard file:hard/orig 'hard:hard/l1link>hard/orig' \
		dir:devs chr:devs/null:1:3 blk:devs/loop0:7:0 fifo:devs/fifo \
		dir:modes file:modes/suid:4755 dir:modes/sgiddir:2775 dir:modes/sticky:1777 \
		file:modes/owned:0640:1234:5678 dir:xattrs xattr:user.comment=hello file:xattrs/user
	"$HELPERS/mklayer" "$w/2.tar" dir:del file:del/.wh.gone= file:del/.wh.dir= \
		dir:opq1 file:opq1/.wh..wh..opq= file:opq1/new dir:opq1/sub file:opq1/sub/c \
		dir:opq2 file:opq2/new2 file:opq2/.wh..wh..opq= \
		dir:tc dir:tc/f2d file:tc/f2d/inside 'link:tc/d2l>../usr' 'file:tc/d2f=now a file' \
		dir:readd file:readd/.wh.x= dir:hard file:hard/two 'hard:hard/two-link>hard/two'
	"$HELPERS/mklayer" "$w/3.tar" dir:readd file:readd/x=second dir:modes:0700 file:modes/late
	mkdir -p "$RC_ROOT"
	"$HELPERS/mkimage" --cmd '["/bin/sh"]' "$RC_ROOT/images" rules "$w/1.tar" "$w/2.tar" "$w/3.tar" >/dev/null
	run rc-unpack rules ov
	[ "$status" -eq 0 ] && [ "$output" = ov ] # no warning: stacked
	is_overlay ov
	rc-unpack --copy rules cp
	umoci unpack --image "$RC_ROOT/images:rules" "$BATS_TEST_TMPDIR/umoci" >/dev/null
	tree "$(rootfs ov)" >"$BATS_TEST_TMPDIR/ov.list"
	tree "$(rootfs cp)" >"$BATS_TEST_TMPDIR/cp.list"
	tree "$BATS_TEST_TMPDIR/umoci/rootfs" >"$BATS_TEST_TMPDIR/umoci.list"
	[ "$(wc -l <"$BATS_TEST_TMPDIR/ov.list")" -gt 30 ]
	diff -u "$BATS_TEST_TMPDIR/cp.list" "$BATS_TEST_TMPDIR/ov.list"
	diff -u "$BATS_TEST_TMPDIR/umoci.list" "$BATS_TEST_TMPDIR/ov.list"
}

@test "the Alpine and httpd images are stacked, equal to their full copies, times included" {
	store_layout "$TEST_IMAGES/oci"
	for img in alpine httpd; do
		rc-unpack "$img" "ov-$img" >/dev/null
		rc-unpack --copy "$img" "cp-$img" >/dev/null
		is_overlay "ov-$img"
		tree "$(rootfs "ov-$img")" --times >"$BATS_TEST_TMPDIR/ov.list"
		tree "$(rootfs "cp-$img")" --times >"$BATS_TEST_TMPDIR/cp.list"
		diff -u "$BATS_TEST_TMPDIR/cp.list" "$BATS_TEST_TMPDIR/ov.list"
	done
}

@test "a layer that leans on a lower one's symlink or hard link is copied, saying why" {
	# writes lib/x through the lower layer's lib -> usr/lib
	crafted_image thru dir:usr dir:usr/lib 'link:lib>usr/lib' -- file:lib/x
	run rc-unpack thru c1
	[ "$status" -eq 0 ]
	[[ $output == *"warning: overlayfs cannot be used: layer 2 has entries under /lib but no entry for it, where layer 1 has one of its own; making a full copy"* ]]
	not is_overlay c1
	[ -f "$(rootfs c1)/usr/lib/x" ] && [ -L "$(rootfs c1)/lib" ]
	# a hard link to a lower layer's file
	crafted_image hl dir:d file:d/f -- dir:d 'hard:d/g>d/f'
	run rc-unpack hl c2
	[ "$status" -eq 0 ]
	[[ $output == *"warning: overlayfs cannot be used: layer 2/2"*"hard link target 'd/f' is not in this layer"* ]]
	not is_overlay c2
	[ "$(stat -c %h "$(rootfs c2)/d/f")" = 2 ]
}

@test "a layer without directory entries of its own is stacked when nothing lower has them" {
	crafted_image bare file:a/b/c=one -- file:x/y=two file:a/b/d=three
	run rc-unpack bare c1
	[ "$status" -eq 0 ] && [ "$output" = c1 ]
	is_overlay c1
	same_as_copy bare
}

@test "a directory a layer has no entry for is stacked only over the same directory below" {
	# the same owner, mode and attributes as the one made for it: stacked
	crafted_image same dir:a file:a/one -- file:a/two
	run rc-unpack same c1
	[ "$output" = c1 ]
	is_overlay c1
	same_as_copy same
	# another mode, or an extended attribute of its own: copied, saying why
	crafted_image mode dir:a:0700 file:a/one -- file:a/two
	run rc-unpack mode c2
	[[ $output == *"warning: overlayfs cannot be used: layer 2 has entries under /a but no entry for it, where layer 1 has one of its own"* ]]
	not is_overlay c2
	[ "$(stat -c %a "$(rootfs c2)/a")" = 700 ]
	crafted_image xa xattr:user.k=v dir:a file:a/one -- file:a/two
	run rc-unpack xa c3
	[[ $output == *"warning: overlayfs cannot be used"* ]]
	[ "$(getfattr --only-values -n user.k "$(rootfs c3)/a")" = v ]
}

@test "an opaque root hides every lower layer from the mount" {
	crafted_image opqroot dir:a file:a/f file:top -- file:.wh..wh..opq= file:mine
	run rc-unpack opqroot c1
	[ "$output" = c1 ]
	is_overlay c1
	[ "$(cd "$(rootfs c1)" && find . | sort | xargs)" = ". ./mine" ]
	[ "$(findmnt -n -o OPTIONS --mountpoint "$(rootfs c1)" | grep -o 'lowerdir=[^,]*' | tr ':' '\n' | wc -l)" -eq 1 ]
}

@test "an image of 80 layers is stacked in one mount" {
	w=$BATS_TEST_TMPDIR/many
	mkdir -p "$w"
	layers=()
	for i in $(seq 80); do
		"$HELPERS/mklayer" "$w/$i.tar" dir:d "file:d/f$i=$i" "file:top=$i"
		layers+=("$w/$i.tar")
	done
	mkdir -p "$RC_ROOT"
	"$HELPERS/mkimage" --cmd '["/bin/sh"]' "$RC_ROOT/images" many "${layers[@]}" >/dev/null
	run rc-unpack many c1
	[ "$status" -eq 0 ] && [ "$output" = c1 ]
	is_overlay c1
	# the layers' own paths would not have fit in the page a mount's options get
	[ $(( 80 * (${#RC_ROOT} + 84) )) -gt 4096 ]
	[ "$(findmnt -n -o OPTIONS --mountpoint "$(rootfs c1)" | grep -o 'lowerdir=[^,]*' | tr ':' '\n' | wc -l)" -eq 80 ]
	[ "$(ls "$(rootfs c1)/d" | wc -l)" -eq 80 ]
	[ "$(cat "$(rootfs c1)/top")" = 80 ]
	same_as_copy many
}

@test "two rc-unpacks of one image at once extract each layer once, and both work" {
	store_layout "$TEST_IMAGES/oci"
	for round in 1 2 3; do
		rm -rf "$RC_ROOT/layers"
		rc-unpack httpd "a$round" >"$BATS_TEST_TMPDIR/a.out" 2>&1 &
		a=$!
		rc-unpack httpd "b$round" >"$BATS_TEST_TMPDIR/b.out" 2>&1 &
		b=$!
		wait "$a" || { cat "$BATS_TEST_TMPDIR/a.out"; false; }
		wait "$b" || { cat "$BATS_TEST_TMPDIR/b.out"; false; }
		[ "$(ls "$RC_ROOT/layers/sha256" | wc -l)" -eq 2 ]
		[ -z "$(ls -A "$RC_ROOT/layers/tmp")" ]
		[ "$(cat "$(rootfs "b$round")/var/www/index.html")" = "<h1>hello from rc</h1>" ]
		[ "$(cat "$(rootfs "a$round")/var/www/index.html")" = "<h1>hello from rc</h1>" ]
	done
}

@test "a half-extracted layer a killed unpack left is never used" {
	store_layout "$TEST_IMAGES/oci"
	d=$(diff_ids alpine)
	mkdir -p "$RC_ROOT/layers/tmp/${d#sha256:}/diff/etc" "$RC_ROOT/layers/sha256" "$RC_ROOT/layers/locks"
	echo half >"$RC_ROOT/layers/tmp/${d#sha256:}/diff/etc/only-file"
	rc-unpack alpine c1
	[ ! -e "$(rootfs c1)/etc/only-file" ] && [ -f "$(rootfs c1)/etc/alpine-release" ]
	[ -z "$(ls -A "$RC_ROOT/layers/tmp")" ]
}

# ---- hostile layers against the layer store -----------------------------

@test "a 0/0 character device in a layer is refused: it would be a forged whiteout" {
	# over the overlay it would hide the lower file; in a copy it would be a
	# device that means nothing
	crafted_image fake dir:a file:a/secret -- dir:a chr:a/secret:0:0
	run rc-unpack fake c1
	[ "$status" -eq 1 ]
	[[ $output == *"entry 'a/secret': a 0/0 character device is how overlayfs marks a whiteout: refused"* ]]
	[ ! -e "$RC_ROOT/containers/c1" ]
	run rc-unpack --copy fake c2
	[ "$status" -eq 1 ]
	[[ $output == *"0/0 character device"* ]]
	[ ! -e "$RC_ROOT/containers/c2" ]
}

@test "a layer's own trusted.overlay.* attributes are dropped: no forged opaque directory or redirect" {
	crafted_image forge dir:a file:a/lower dir:etc2 file:etc2/passwd=secret \
		-- xattr:trusted.overlay.opaque=y dir:a file:a/upper \
		xattr:trusted.overlay.redirect=/etc2 dir:r xattr:user.kept=1 file:r/f
	run rc-unpack forge c1
	[ "$status" -eq 0 ]
	[[ $output == *"warning: extended attribute trusted.overlay.opaque dropped from a"* ]]
	is_overlay c1
	[ -f "$(rootfs c1)/a/lower" ] && [ -f "$(rootfs c1)/a/upper" ]
	[ ! -e "$(rootfs c1)/r/passwd" ]
	top=$(layer_dir "$(diff_ids forge | tail -n1)")
	[ -z "$(getfattr --absolute-names -d -m '^trusted\.' "$top/a" "$top/r" 2>/dev/null)" ]
	[ "$(getfattr --only-values -n user.kept "$top/r/f")" = 1 ]
	rc-unpack --copy forge c2
	[ -z "$(getfattr --absolute-names -d -m '^trusted\.' "$(rootfs c2)/a" "$(rootfs c2)/r" 2>/dev/null)" ]
}

@test "an entry that climbs or a symlink to outside never leaves its layer directory" {
	victim=$BATS_TEST_TMPDIR/victim
	mkdir -p "$victim"
	crafted_image esc 'link:out>/../../../../../../../../..'"$victim" file:out/planted \
		'link:up>../../../../../../../..' file:up/tmp/planted2
	rc-unpack esc c1
	[ -z "$(ls -A "$victim")" ]
	top=$(layer_dir "$(diff_ids esc)")
	[ -f "$top$victim/planted" ] && [ -f "$top/tmp/planted2" ]
	[ ! -e "$RC_ROOT/layers/sha256/tmp" ] && [ ! -e /tmp/planted2 ]
}

# ---- reboot, rc-rm, --force, fallback ------------------------------------

@test "after a reboot (the mount gone), rc-unshare mounts the rootfs again" {
	store_layout "$TEST_IMAGES/oci"
	rc-unpack httpd c1
	umount "$(rootfs c1)"
	[ -z "$(ls -A "$(rootfs c1)")" ]
	run rc-unshare c1 -- cat /var/www/index.html
	[ "$status" -eq 0 ]
	[ "$output" = "<h1>hello from rc</h1>" ]
	is_overlay c1
	# mounted once, not once per run
	rc-unshare c1 -- true
	[ "$(findmnt -n --mountpoint "$(rootfs c1)" | wc -l)" -eq 1 ]
}

@test "after a reboot, rc-start mounts the rootfs again and runs the container with its options" {
	store_layout "$TEST_IMAGES/oci"
	rc-unpack httpd c1
	rc-unshare -e MARK=kept c1 -- sh -c 'echo "$MARK"; cat /var/www/index.html' >/dev/null
	umount "$(rootfs c1)"
	[ -z "$(ls -A "$(rootfs c1)")" ]
	run rc-start -a c1
	[ "$status" -eq 0 ]
	[ "$output" = "$(printf 'kept\n<h1>hello from rc</h1>')" ]
	is_overlay c1
}

@test "rc-rm unmounts the rootfs and removes only the container's own directories" {
	store_layout "$TEST_IMAGES/oci"
	rc-unpack httpd c1
	rc-unpack httpd c2
	echo x >"$(rootfs c1)/x"
	run rc-rm c1
	[ "$status" -eq 0 ]
	[ ! -e "$RC_ROOT/containers/c1" ]
	not findmnt -n --mountpoint "$RC_ROOT/containers/c1/rootfs" >/dev/null
	[ "$(ls "$RC_ROOT/layers/sha256" | wc -l)" -eq 2 ]
	[ "$(cat "$(rootfs c2)/var/www/index.html")" = "<h1>hello from rc</h1>" ]
	# one whose mount is gone (a reboot)
	umount "$(rootfs c2)"
	rc-rm c2
	[ ! -e "$RC_ROOT/containers/c2" ]
}

@test "--force replaces an overlay container and unmounts the old one" {
	store_layout "$TEST_IMAGES/oci"
	rc-unpack httpd c1
	echo old >"$(rootfs c1)/mark"
	rc-unpack --force alpine c1
	[ "$(findmnt -n --mountpoint "$(rootfs c1)" | wc -l)" -eq 1 ]
	[ ! -e "$(rootfs c1)/mark" ] && [ ! -e "$(rootfs c1)/var/www" ]
	[ "$(findmnt -rn -o TARGET | grep -c "$RC_ROOT/containers")" -eq 1 ]
}

@test "where the state root cannot hold an upper directory, rc-unpack says so and copies" {
	# an overlayfs cannot be the upper layer of another overlay
	NESTED=$BATS_TEST_TMPDIR/nested
	mkdir -p "$NESTED/lower" "$NESTED/upper" "$NESTED/work" "$NESTED/merged"
	mount -t overlay overlay -o "lowerdir=$NESTED/lower,upperdir=$NESTED/upper,workdir=$NESTED/work" "$NESTED/merged"
	RC_ROOT=$NESTED/merged/root
	store_layout "$TEST_IMAGES/oci"
	run rc-unpack httpd c1
	[ "$status" -eq 0 ]
	[[ $output == *"warning: overlayfs cannot be used: "*"; making a full copy"* ]]
	[ "${lines[-1]}" = c1 ]
	not is_overlay c1
	[ ! -e "$RC_ROOT/containers/c1/layers" ] && [ ! -e "$RC_ROOT/containers/c1/upper" ]
	[ "$(cat "$(rootfs c1)/var/www/index.html")" = "<h1>hello from rc</h1>" ]
}

@test "--copy makes a full copy: no mount, no layers" {
	store_layout "$TEST_IMAGES/oci"
	run rc-unpack --copy httpd c1
	[ "$output" = c1 ]
	not is_overlay c1
	[ ! -e "$RC_ROOT/containers/c1/layers" ]
	[ -z "$(ls -A "$RC_ROOT/layers/sha256" 2>/dev/null)" ]
	[ -x "$(rootfs c1)/usr/local/bin/busybox" ]
}

# ---- rc-images, rc-rmi ----------------------------------------------------

@test "rc-images lists reference, digest, size and the containers using each image" {
	store_layout "$TEST_IMAGES/oci"
	rc-unpack httpd web1
	rc-unpack httpd web2
	run rc-images
	[ "$status" -eq 0 ]
	[[ ${lines[0]} == "REFERENCE"*"DIGEST"*"SIZE"*"CONTAINERS" ]]
	m=$(jq -r '.manifests[] | select(.annotations["org.opencontainers.image.ref.name"] == "httpd") | .digest' "$RC_ROOT/images/index.json")
	size=$(( $(stat -c %s "$RC_ROOT/images/blobs/sha256/${m#sha256:}") + $(jq '[.config.size, .layers[].size] | add' "$RC_ROOT/images/blobs/sha256/${m#sha256:}") ))
	line=$(printf '%s\n' "${lines[@]}" | grep '^httpd ')
	[[ $line == *" ${m:0:19} "* ]]
	[[ $line == *"web1, web2" || $line == *"web2, web1" ]]
	human=$(awk -v n="$size" 'BEGIN { split("B kB MB GB", u); i = 1; while (n >= 1000 && i < 4) { n /= 1000; i++ } printf(i > 1 ? "%.1f%s" : "%d%s", n, u[i]) }')
	[[ $line == *" $human "* ]]
	[[ $(printf '%s\n' "${lines[@]}" | grep '^alpine ') == *" -" ]]
	run rc-images -q
	[ "$(printf '%s\n' "${lines[@]}" | sort | xargs)" = "alpine httpd" ]
	run rc-images --no-trunc
	[[ $output == *"$m"* ]]
}

@test "rc-images on a root without a store lists nothing" {
	run rc-images
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 1 ]
}

@test "rc-rmi removes a reference and leaves the containers made from it working" {
	store_layout "$TEST_IMAGES/oci"
	rc-unpack httpd c1
	run rc-rmi httpd
	[ "$status" -eq 0 ] && [ "$output" = httpd ]
	[ "$(rc-images -q)" = alpine ]
	run rc-unpack httpd c2
	[ "$status" -eq 1 ]
	umount "$(rootfs c1)"
	run rc-unshare c1 -- cat /var/www/index.html
	[ "$output" = "<h1>hello from rc</h1>" ]
	run rc-rmi httpd
	[ "$status" -eq 1 ]
	[[ $output == "rc-rmi: "*"httpd"*"not in the store"* ]]
}

@test "rc-rmi by digest removes every reference to the manifest, and a tag takes its alias along" {
	store_layout "$TEST_IMAGES/oci"
	m=$(jq -r '.manifests[] | select(.annotations["org.opencontainers.image.ref.name"] == "alpine") | .digest' "$RC_ROOT/images/index.json")
	jq --arg d "$m" '.manifests += [(.manifests[] | select(.digest == $d) | .annotations["org.opencontainers.image.ref.name"] = "other:1"),
		(.manifests[] | select(.digest == $d) | .annotations["org.opencontainers.image.ref.name"] = "docker.io/library/alpine@sha256:" + ("a" * 64))]' \
		"$RC_ROOT/images/index.json" >"$BATS_TEST_TMPDIR/i" && mv "$BATS_TEST_TMPDIR/i" "$RC_ROOT/images/index.json"
	[ "$(rc-images -q | sort | xargs)" = "alpine httpd other:1" ]
	run rc-rmi alpine
	[ "$output" = alpine ]
	# other:1 still tags it: the alias stays
	[ "$(jq -r '.manifests[].annotations["org.opencontainers.image.ref.name"]' "$RC_ROOT/images/index.json" | grep -c '@')" -eq 1 ]
	run rc-rmi "$m"
	[ "$status" -eq 0 ]
	[ "$(printf '%s\n' "${lines[@]}" | sort | xargs)" = "docker.io/library/alpine@sha256:$(printf 'a%.0s' {1..64}) other:1" ]
	[ "$(rc-images -q)" = httpd ]
}

@test "rc-rmi usage errors exit 2" {
	run rc-rmi
	[ "$status" -eq 2 ]
	run rc-rmi --bogus x
	[ "$status" -eq 2 ]
	run rc-rmi ''
	[ "$status" -eq 2 ]
}

# ---- rc-gc ----------------------------------------------------------------

count() { ls -A "$1" 2>/dev/null | wc -l; }

@test "rc-gc removes what no image nor container references, and keeps the rest" {
	store_layout "$TEST_IMAGES/oci"
	rc-unpack httpd c1
	rc-unpack alpine c2
	# leftovers: a partial download, a dead pull's staging, a half-extracted layer
	mkdir -p "$RC_ROOT/images/ingest/pull.dead01" "$RC_ROOT/layers/tmp/$(printf 'e%.0s' {1..64})"
	echo partial >"$RC_ROOT/images/ingest/$(printf 'f%.0s' {1..64})"
	run rc-gc
	[ "$status" -eq 0 ]
	[ "$output" = "removed 0 blobs (0 bytes), 0 layers, 3 leftovers" ]
	[ "$(count "$RC_ROOT/images/blobs/sha256")" -eq 6 ]
	rc-rmi httpd
	run rc-gc
	# httpd's manifest, config and busybox layer; the layer itself c1 still uses
	[[ $output == "removed 3 blobs ("*" bytes), 0 layers, 0 leftovers" ]]
	[ "$(count "$RC_ROOT/layers/sha256")" -eq 2 ]
	umount "$(rootfs c1)"
	run rc-unshare c1 -- cat /var/www/index.html
	[ "$output" = "<h1>hello from rc</h1>" ]
	rc-rm c1
	run rc-gc --dry-run
	[ "$output" = "would remove 0 blobs (0 bytes), 1 layers, 0 leftovers" ]
	[ "$(count "$RC_ROOT/layers/sha256")" -eq 2 ]
	run rc-gc
	[ "$output" = "removed 0 blobs (0 bytes), 1 layers, 0 leftovers" ]
	[ "$(count "$RC_ROOT/layers/sha256")" -eq 1 ] && [ "$(count "$RC_ROOT/layers/l")" -eq 1 ]
	# the alpine layer: the alpine image and c2 have it
	[ "$(cat "$(rootfs c2)/etc/alpine-release")" = 3.20.3 ]
	rc-unpack alpine c3
	is_overlay c3
}

@test "rc-gc waits for the store's lock that pulls and unpacks hold" {
	store_layout "$TEST_IMAGES/oci"
	echo orphan >"$RC_ROOT/images/blobs/sha256/$(printf 'c%.0s' {1..64})"
	exec 5>"$RC_ROOT/images/gc.lock"
	flock -s 5
	rc-gc >"$BATS_TEST_TMPDIR/gc.out" 5>&- &
	gc=$!
	BG_PIDS=$gc
	sleep 1
	kill -0 "$gc" # still waiting
	[ -f "$RC_ROOT/images/blobs/sha256/$(printf 'c%.0s' {1..64})" ]
	exec 5>&-
	wait "$gc"
	BG_PIDS=
	[ "$(cat "$BATS_TEST_TMPDIR/gc.out")" = "removed 1 blobs (7 bytes), 0 layers, 0 leftovers" ]
}

@test "rc-gc leaves alone an ingest file a live pull holds locked" {
	store_layout "$TEST_IMAGES/oci"
	f=$RC_ROOT/images/ingest/$(printf 'd%.0s' {1..64})
	mkdir -p "$RC_ROOT/images/ingest"
	echo downloading >"$f"
	exec 6<"$f"
	flock -x 6
	run rc-gc 6<&-
	exec 6<&-
	[ "$output" = "removed 0 blobs (0 bytes), 0 layers, 0 leftovers" ]
	[ -f "$f" ]
}

@test "rc-gc during a pull removes none of its blobs; during an unpack none of its layers" {
	load helpers/registry
	store_layout "$TEST_IMAGES/oci"
	rc-rmi httpd >/dev/null
	rc-gc >/dev/null # httpd's blobs are gone
	"$HELPERS/fake-registry" --layout "$TEST_IMAGES/oci" --port-file "$BATS_TEST_TMPDIR/port" \
		--slow-blobs 1 3>&- &
	BG_PIDS=$!
	for _ in $(seq 100); do [ -s "$BATS_TEST_TMPDIR/port" ] && break; sleep 0.05; done
	rc-pull -q "127.0.0.1:$(cat "$BATS_TEST_TMPDIR/port")/test/httpd:httpd" >"$BATS_TEST_TMPDIR/pull.out" 2>&1 3>&- &
	pull=$!
	for _ in $(seq 100); do compgen -G "$RC_ROOT/images/ingest/pull.*" >/dev/null && break; sleep 0.05; done
	compgen -G "$RC_ROOT/images/ingest/pull.*" >/dev/null
	run rc-gc
	[ "$status" -eq 0 ]
	[[ $output == "removed 0 blobs"* ]]
	# it waited for the pull: the pull records the image before it lets
	# go of the store's lock, so the image is there as rc-gc returns (the
	# pull's process itself may still be exiting: under ASan its leak check
	# runs after that)
	run rc-images -q
	[[ $output == *httpd* ]]
	wait "$pull" || { cat "$BATS_TEST_TMPDIR/pull.out"; false; }
	ref=$(rc-images -q | grep httpd)
	rc-unpack "$ref" c1
	[ "$(cat "$(rootfs c1)/var/www/index.html")" = "<h1>hello from rc</h1>" ]
}

# ---- programs -----------------------------------------------------------------

@test "the man pages of rc-images, rc-rmi and rc-gc document every option of --help" {
	for p in rc-images rc-rmi rc-gc; do
		run "$p" --help
		[ "$status" -eq 0 ]
		for opt in $(grep -oE -- '--[a-z-]+' <<<"$output" | sort -u); do
			grep -q -- "${opt//-/\\\\-}" "$RC_SRC/man/$p.1"
		done
		man -l "$RC_SRC/man/$p.1" >/dev/null 2>&1 || groff -man -Tutf8 "$RC_SRC/man/$p.1" >/dev/null
		run "$p" --version
		[ "$status" -eq 0 ] && [[ $output == "$p "* ]]
		run "$p" --bogus
		[ "$status" -eq 2 ]
	done
	run rc-images extra
	[ "$status" -eq 2 ]
	run rc-gc extra
	[ "$status" -eq 2 ]
}

@test "rc-gc without a store fails with a clear message" {
	run rc-gc
	[ "$status" -eq 1 ]
	[[ $output == "rc-gc: opening the image store"* ]]
}
