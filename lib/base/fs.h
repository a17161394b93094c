/* fs.h - small safe filesystem primitives shared by every program. */
#ifndef RC_FS_H
#define RC_FS_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "base/err.h"

/* Write len bytes atomically to dirfd/name: a temporary file in the same
 * directory, fsync, rename over name, fsync the directory. mode as open(2). */
int rc_write_file_at(int dirfd, const char *name, const void *data, size_t len,
		     mode_t mode, struct rc_err *e);

/* Sync the directory that holds dirfd/name (dirfd itself unless name has a
 * slash), so that a rename to name is durable. Best effort: a directory
 * that cannot be opened is left as it is. */
void rc_sync_parent_at(int dirfd, const char *name);

/* rc_write_file_at that syncs the file but not the directory: for a new
 * directory its writer syncs once, when it is complete and before it is
 * renamed into place (a container's bundle), instead of once per file. */
int rc_write_file_nodirsync_at(int dirfd, const char *name, const void *data, size_t len,
			       mode_t mode, struct rc_err *e);

/* rc_write_file_at without the fsyncs: still atomic (readers see the old
 * file or the new one), but not durable across a power loss. For state that
 * describes kernel objects, which do not survive a reboot either (address
 * leases, net.env): there a sync only costs time. */
int rc_write_file_nosync_at(int dirfd, const char *name, const void *data, size_t len,
			    mode_t mode, struct rc_err *e);

/* Read all of dirfd/name (at most max bytes) into a NUL-terminated buffer
 * that the caller frees. */
int rc_read_file_at(int dirfd, const char *name, size_t max, char **ret_data,
		    size_t *ret_len, struct rc_err *e);

/* mkdir -p for path (relative to dirfd, or absolute), each new directory
 * with mode. Existing directories are fine; an existing non-directory is
 * an error. */
int rc_mkdir_p_at(int dirfd, const char *path, mode_t mode, struct rc_err *e);

/* Remove dirfd/name and everything below it, without following symlinks
 * and without crossing into other mounts. A missing name is not an error. */
int rc_rm_rf_at(int dirfd, const char *name, struct rc_err *e);

/* Take an exclusive flock on dirfd/name (created if missing); returns the
 * locked descriptor, which the caller closes to release the lock. */
int rc_lock_at(int dirfd, const char *name, struct rc_err *e);

/* Close every descriptor numbered from or above, except those in keep
 * (negative entries are ignored). */
void rc_close_fds_except(int from, const int *keep, size_t nkeep);

/* Write all of buf to fd, retrying on EINTR and short writes. 0 or -errno. */
int rc_write_all(int fd, const void *buf, size_t len);

#endif
