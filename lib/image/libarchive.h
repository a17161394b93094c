/* libarchive.h - libarchive, loaded the first time a layer is read.
 *
 * Most runs of rc-unpack extract nothing (the layers are in the store
 * already) and no other program reads a tar: linked in, libarchive and the
 * libraries it pulls (libxml2, ICU, libstdc++, nettle and the compressors)
 * would be mapped and relocated at every start, most of a second
 * container's creation time. Loaded with dlopen instead, by its soname, so
 * the distribution's security updates of the library that parses hostile
 * layers still apply without rebuilding rc.
 *
 * Call the functions through their sym_ pointers, after rc_libarchive_load.
 */
#ifndef RC_LIBARCHIVE_H
#define RC_LIBARCHIVE_H

#include <archive.h>
#include <archive_entry.h>

#include "base/err.h"

/* X(name) for every libarchive function rc calls. */
#define RC_LIBARCHIVE_FUNCS(X)                                                         \
	X(archive_errno) X(archive_error_string) X(archive_set_error)                \
	X(archive_read_new) X(archive_read_free) X(archive_read_open)               \
	X(archive_read_next_header) X(archive_read_data) X(archive_read_data_block) \
	X(archive_read_support_format_tar) X(archive_read_support_format_raw)       \
	X(archive_read_support_format_empty) X(archive_read_support_filter_gzip)    \
	X(archive_read_support_filter_zstd)                                          \
	X(archive_entry_filetype) X(archive_entry_pathname) X(archive_entry_hardlink) \
	X(archive_entry_symlink) X(archive_entry_size) X(archive_entry_size_is_set)  \
	X(archive_entry_perm) X(archive_entry_uid) X(archive_entry_gid)              \
	X(archive_entry_rdevmajor) X(archive_entry_rdevminor)                        \
	X(archive_entry_mtime) X(archive_entry_mtime_nsec) X(archive_entry_atime)    \
	X(archive_entry_atime_nsec) X(archive_entry_atime_is_set)                    \
	X(archive_entry_xattr_reset) X(archive_entry_xattr_next)

#define RC_LIBARCHIVE_DECLARE(name) extern __typeof__(name) *sym_##name;
RC_LIBARCHIVE_FUNCS(RC_LIBARCHIVE_DECLARE)
#undef RC_LIBARCHIVE_DECLARE

/* Load the library and every function above, once per process (later
 * calls return at once). 0, or -1 saying which library or symbol is
 * missing. */
int rc_libarchive_load(struct rc_err *e);

#endif
