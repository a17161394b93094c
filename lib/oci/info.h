/* info.h - what rc-oci tells about itself: `features` (the JSON runc
 * prints, for engines that ask what a runtime supports) and `spec` (a
 * config.json to start a bundle from). */
#ifndef RC_OCI_INFO_H
#define RC_OCI_INFO_H

#include <stdio.h>

#include "base/err.h"

int rc_oci_features(FILE *out, struct rc_err *e);

/* BUNDLE/config.json with docker's defaults (defaults.h), args ["sh"],
 * a terminal and root.path "rootfs", as `runc spec` starts one; an
 * existing file is an error. */
int rc_oci_spec(const char *bundle, struct rc_err *e);

#endif
