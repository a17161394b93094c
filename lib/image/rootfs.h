/* rootfs.h - a container's root filesystem as an overlay of its image's
 * shared layers (layerstore.h) and a directory of its own for what it
 * changes:
 *
 *   containers/NAME/layers   the image's layers, one diff_id a line, lowest first
 *   containers/NAME/upper/   what the container changed (overlay upperdir)
 *   containers/NAME/work/    overlayfs's work directory
 *   containers/NAME/rootfs/  the overlay, mounted in the host's mount
 *                            namespace (an empty mountpoint after a reboot,
 *                            until rc_rootfs_mount mounts it again)
 *
 * A container with no layers file is a full copy (rc-unpack --copy, or
 * where overlayfs cannot be used): its rootfs/ holds the tree itself.
 */
#ifndef RC_ROOTFS_H
#define RC_ROOTFS_H

#include <stdbool.h>

#include "base/err.h"
#include "image/image.h"
#include "image/layerstore.h"

/* Whether the layer store's filesystem holds overlay markers (trusted.*
 * xattrs, 0/0 character devices). 0, or -1 with e saying why not. Whether
 * overlayfs mounts there is for rc_rootfs_create to find out. */
int rc_rootfs_overlay_usable(const struct rc_layers *ls, struct rc_err *e);

/* Whether stacking img's layers (all in ls) shows exactly the tree that
 * applying them one over another makes. They differ only for layers that
 * lean on the layers below them (layer.h notes: a directory the tar has no
 * entry for, made where a lower layer has something of its own; a
 * whiteout outside the layer's own directories over a lower entry). 0, or
 * -1 with e naming the first such entry. */
int rc_rootfs_check(const struct rc_layers *ls, const struct rc_image *img, struct rc_err *e);

/* Make the container's layers file, upper/, work/ and rootfs/ in bundle
 * (containers/DIR, DIR being its name in root's containers directory),
 * synced, and mount the overlay on rootfs/. */
int rc_rootfs_create(const struct rc_layers *ls, int bundle, const char *dir,
		     const struct rc_image *img, struct rc_err *e);

/* Mount containers/NAME/rootfs when NAME is an overlay container whose
 * rootfs is not mounted (as after a reboot); nothing for a full copy or a
 * rootfs already mounted. */
int rc_rootfs_mount(const char *root, const char *name, struct rc_err *e);

/* Unmount containers/DIR/rootfs when it is mounted (bundle: containers/DIR),
 * so that the container's directory can be removed. */
int rc_rootfs_unmount(int bundle, struct rc_err *e);

/* Whether bundle (containers/DIR) has an overlay rootfs (a layers file). */
bool rc_rootfs_is_overlay(int bundle);

#endif
