/* sysfilter.h - the container's seccomp filter: an OCI linux.seccomp
 * object compiled through libseccomp into the BPF program the kernel loads.
 *
 * The filter is compiled in rc-unshare before the container is cloned (so a
 * bad profile is reported before anything starts) and loaded by the
 * container's process as its last step before exec, with seccomp(2) itself:
 * the child runs no libseccomp code. Compiling docker's profile for three
 * architectures takes libseccomp several milliseconds, more than the rest of
 * a start, so the program is kept in the container directory and reused
 * while the profile, the libseccomp version and the machine stay the same.
 */
#ifndef RC_SYSFILTER_H
#define RC_SYSFILTER_H

#include "base/err.h"

struct rc_seccomp;

/* Compile an OCI linux.seccomp object (JSON text): defaultAction,
 * defaultErrnoRet, architectures, syscalls[names, action, errnoRet, args].
 * Unknown syscall names are skipped (they may be newer than libseccomp). */
int rc_seccomp_build(const char *json, struct rc_seccomp **ret, struct rc_err *e);

/* The same, through the cache dirfd/name: used when it holds this profile
 * (the same text), compiled by this libseccomp for this machine, and its
 * program is whole; written after a compile otherwise. dirfd < 0: no
 * cache. */
int rc_seccomp_build_cached(const char *json, int dirfd, const char *name, struct rc_seccomp **ret,
			    struct rc_err *e);

/* Install the filter on the calling process (no_new_privs, or
 * CAP_SYS_ADMIN, as seccomp(2) requires). */
int rc_seccomp_load(struct rc_seccomp *f, struct rc_err *e);

void rc_seccomp_free(struct rc_seccomp *f);

#endif
