/* sysfilter.h - the config's linux.seccomp syscall filter, through libseccomp.
 *
 * The filter is compiled in rc-unshare before the container is cloned (so a
 * bad profile is reported before anything starts) and loaded by the
 * container's process as its last step before exec.
 */
#ifndef RC_SYSFILTER_H
#define RC_SYSFILTER_H

#include "base/err.h"

struct rc_seccomp;

/* Compile an OCI linux.seccomp object (JSON text): defaultAction,
 * defaultErrnoRet, architectures, syscalls[names, action, errnoRet, args].
 * Unknown syscall names are skipped (they may be newer than libseccomp). */
int rc_seccomp_build(const char *json, struct rc_seccomp **ret, struct rc_err *e);

/* Install the filter on the calling process. */
int rc_seccomp_load(struct rc_seccomp *f, struct rc_err *e);

void rc_seccomp_free(struct rc_seccomp *f);

#endif
