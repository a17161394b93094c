/* safepath.h - paths resolved inside a root directory, as a container will
 * see them.
 *
 * A layer entry names a path in the container's filesystem. Before rc
 * touches it, the path is cleaned lexically (rc_path_clean) and every
 * directory on the way is resolved with the root as "/": symlinks are
 * followed, but an absolute target or a ".." starts again at, or stops at,
 * the root, so nothing outside it can be reached (merged-/usr images rely on
 * /lib -> usr/lib being followed). openat2(RESOLVE_IN_ROOT) does this in the
 * kernel; where it is missing a userspace walk does the same.
 *
 * The last component of a path is never followed by these functions:
 * callers act on it with *at() calls and AT_SYMLINK_NOFOLLOW / O_NOFOLLOW.
 */
#ifndef RC_SAFEPATH_H
#define RC_SAFEPATH_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "base/err.h"

/* Clean path lexically into out: leading "/" and "./" dropped, "//" and "."
 * squeezed, "x/.." removed. The result is relative ("" for the root itself).
 * Returns 0, or -1 when the path climbs above the root ("../x", "a/../../x")
 * or does not fit in n bytes. */
int rc_path_clean(const char *path, char *out, size_t n);

/* How a path may be resolved, beyond staying inside the root. */
enum {
	RC_SP_NO_XDEV = 1,      /* never cross a mount point (a layer being extracted) */
	RC_SP_NO_SYMLINKS = 2,  /* refuse any symlink on the way (mounts on /proc, /sys) */
};

/* Open path inside rootfd, following every symlink on the way, the last one
 * included (unless O_NOFOLLOW), without leaving the root: an absolute path
 * or symlink starts again at the root, ".." at the root stays there, and
 * /proc's magic links (/proc/self/fd/N, /proc/self/cwd) are refused. how is
 * a set of RC_SP_*; flags as openat(2) (O_CLOEXEC is added). Returns the
 * descriptor, or -1 with errno set (no message: callers know what they
 * were doing). */
int rc_sp_openat(int rootfd, const char *path, int flags, mode_t mode, unsigned how);

/* rc_sp_openat with RC_SP_NO_XDEV, for a path (cleaned, relative) of a
 * root filesystem being built. */
int rc_sp_open(int rootfd, const char *path, int flags, mode_t mode);

/* mkdir -p of path inside rootfd (missing directories made 0755, as docker
 * does, through dangling symlinks too, inside the root); returns an O_PATH
 * descriptor of the directory, or -1 with errno set. */
int rc_sp_mkdir_p(int rootfd, const char *path, unsigned how);

/* Read the regular file path inside rootfd (at most max bytes) into a
 * NUL-terminated buffer the caller frees. Anything but a regular file (a
 * FIFO that would hang the reader, a device node that would make the host
 * open the device) is refused with EINVAL before it is opened for reading;
 * a larger file with EFBIG. Returns 0, or -1 with errno set. */
int rc_sp_read_regular(int rootfd, const char *path, size_t max, char **ret_data,
		       size_t *ret_len);

/* Called with the inode of each directory rc_sp_open_parent makes. */
typedef void (*rc_sp_made_fn)(ino_t ino, void *arg);

/* Open the directory holding the last component of path (cleaned, relative,
 * not ""), resolved inside rootfd, as an O_PATH descriptor. When mkdirs is
 * set, missing directories on the way are created (mode 0755, root-owned,
 * as docker does), through dangling symlinks too, and made (may be NULL) is
 * told of each. *ret_name points at the last component within path.
 * Returns the descriptor or -1 with errno set. */
int rc_sp_open_parent(int rootfd, const char *path, bool mkdirs, const char **ret_name,
		      rc_sp_made_fn made, void *arg);

/* Use the userspace walk even where openat2 exists (tests of the fallback;
 * also selected by RC_NO_OPENAT2=1 in the environment). */
void rc_sp_force_fallback(bool on);

#endif
