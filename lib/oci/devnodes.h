/* devnodes.h - an OCI config's linux.devices: device nodes made in the
 * container's filesystem (docker's --device), before pivot_root.
 *
 * Each path is resolved inside the rootfs (base/safepath.h: no symlink of
 * the image leads out of it), missing directories are made, a node already
 * there (the /dev tmpfs's own /dev/null, say) is replaced, and the node gets
 * the config's mode, owner and group. The device cgroup still decides what
 * the container may open (linux.resources.devices).
 */
#ifndef RC_OCI_DEVNODES_H
#define RC_OCI_DEVNODES_H

#include <stddef.h>

#include "base/err.h"
#include "oci/config.h"

int rc_oci_devnodes_make(int rootfd, const struct rc_oci_devnode *d, size_t n, struct rc_err *e);

#endif
