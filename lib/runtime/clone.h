/* clone.h - a child in new namespaces, or born in a pid namespace to share.
 *
 * clone3(2) makes the namespaces named by flags. A pid namespace cannot be
 * joined by the process itself (setns(CLONE_NEWPID) only places its later
 * children): to share one (an OCI config's pid namespace path: docker's
 * --pid=container:X, a Kubernetes pod's shared process namespace), the
 * caller enters it for its children just around the clone and returns to
 * its own at once, so that nothing else it starts is born there.
 */
#ifndef RC_CLONE_H
#define RC_CLONE_H

#include <stdint.h>
#include <sys/types.h>

#include "base/err.h"

/* Like fork(), with clone3's flags (CLONE_NEW*); pidns >= 0: a namespace
 * descriptor the child is born in (flags must not hold CLONE_NEWPID).
 * Returns the child's pid in the parent, 0 in the child, -1 on failure. */
pid_t rc_clone(uint64_t flags, int pidns, struct rc_err *e);

#endif
