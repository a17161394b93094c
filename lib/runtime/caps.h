/* caps.h - capability sets of the container process, through libcap. */
#ifndef RC_CAPS_H
#define RC_CAPS_H

#include <stdint.h>

#include "base/err.h"

/* Drop from the bounding set every capability not in bnd. Needs
 * CAP_SETPCAP, so call it before changing to the container's user. */
int rc_caps_bound(uint64_t bnd, struct rc_err *e);

/* Set effective, permitted and inheritable exactly, and the ambient set to
 * the part of amb within permitted & inheritable (the kernel's rule). */
int rc_caps_set(uint64_t eff, uint64_t prm, uint64_t inh, uint64_t amb, struct rc_err *e);

#endif
