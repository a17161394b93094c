/* mounts.h - the container's filesystem: an ordered list of mount
 * operations in the container's own mount namespace, ending in pivot_root.
 *
 *  1. the host's mounts become private (nothing propagates either way), or
 *     what root_propagation says (rc-oci: rslave unless the config says);
 *  2. the rootfs is bind-mounted onto itself (pivot_root needs a mount);
 *  3. the config's mounts, in order, each target resolved inside the
 *     rootfs (base/safepath.h) and mounted through its descriptor,
 *     so a symlink in the image can never send a mount outside; /proc and
 *     /sys must be real directories; a tmpfs at /dev gets the standard
 *     device nodes and links; cgroup mounts follow the host's version;
 *  4. masked paths covered by the container's /dev/null (checked to be
 *     the real char device 1:3) or an empty read-only tmpfs;
 *  5. read-only paths bind-mounted read-only onto themselves;
 *  6. the caller's before_pivot, if any (rc-oci: device nodes, hooks);
 *  7. pivot_root into the rootfs; the old root is detached and gone (or,
 *     with no_pivot, the rootfs moved onto / and chroot'ed into);
 *  8. the root remounted read-only when the config says so, and given
 *     root_propagation.
 *
 * A cgroup mount in a container without a cgroup namespace of its own
 * shows, where cgroup_dirs names the container's cgroups, only those
 * (bind mounts of them, as runc does), not the host's whole tree.
 */
#ifndef RC_MOUNTS_H
#define RC_MOUNTS_H

#include "base/err.h"
#include "runtime/spec.h"

struct rc_fs {
	const char *rootfs;          /* absolute host path of the root filesystem */
	const char *bundle;          /* relative bind sources resolve here */
	const struct rc_spec *spec;  /* mounts, masked/readonly paths, root.readonly */
	/* rc-oci's (zero for rc-unshare): */
	unsigned long root_propagation; /* MS_{PRIVATE,SLAVE,SHARED,UNBINDABLE}[|MS_REC], 0: rprivate */
	bool no_pivot;               /* MS_MOVE and chroot: a rootfs on ramfs (weaker) */
	const char *const *cgroup_dirs; /* the container's cgroup directories, NULL-terminated */
	int (*before_pivot)(void *arg, int rootfd, struct rc_err *e);
	void *arg;
};

/* Run steps 1-7 in the calling process, which must be alone in a fresh
 * mount namespace (and a fresh pid namespace for /proc to be its own). */
int rc_fs_setup(const struct rc_fs *fs, struct rc_err *e);

#endif
