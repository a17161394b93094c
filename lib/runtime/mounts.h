/* mounts.h - the container's filesystem: an ordered list of mount
 * operations in the container's own mount namespace, ending in pivot_root.
 *
 *  1. the host's mounts become private (nothing propagates either way);
 *  2. the rootfs is bind-mounted onto itself (pivot_root needs a mount);
 *  3. the config's mounts, in order, each target resolved inside the
 *     rootfs (base/safepath.h) and mounted through its descriptor,
 *     so a symlink in the image can never send a mount outside; /proc and
 *     /sys must be real directories; a tmpfs at /dev gets the standard
 *     device nodes and links; cgroup mounts follow the host's version;
 *  4. masked paths covered by the container's /dev/null (checked to be
 *     the real char device 1:3) or an empty read-only tmpfs;
 *  5. read-only paths bind-mounted read-only onto themselves;
 *  6. pivot_root into the rootfs; the old root is detached and gone;
 *  7. the root remounted read-only when the config says so.
 */
#ifndef RC_MOUNTS_H
#define RC_MOUNTS_H

#include "base/err.h"
#include "runtime/spec.h"

struct rc_fs {
	const char *rootfs;          /* absolute host path of the root filesystem */
	const char *bundle;          /* relative bind sources resolve here */
	const struct rc_spec *spec;  /* mounts, masked/readonly paths, root.readonly */
};

/* Run steps 1-7 in the calling process, which must be alone in a fresh
 * mount namespace (and a fresh pid namespace for /proc to be its own). */
int rc_fs_setup(const struct rc_fs *fs, struct rc_err *e);

#endif
