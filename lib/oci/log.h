/* log.h - rc-oci's messages, as runc gives them to the engines.
 *
 * An error goes to stderr ("rc-oci: what was being done: why") and, with
 * --log FILE, to that file too; a warning or a debug line (--debug) only to
 * the file when there is one (rc-oci's stderr may be the container's own,
 * which the engine shows as the container's output), else to stderr. The
 * file is text ("time=... level=error msg=...") or, with --log-format json,
 * one JSON object a line, {"level":"error","msg":"...","time":"RFC 3339"}:
 * containerd and podman read the last error back from it and show it as
 * the runtime's. Each line is appended with one write(2) to the file
 * opened anew, so concurrent rc-oci calls never interleave.
 */
#ifndef RC_OCI_LOG_H
#define RC_OCI_LOG_H

#include <stdbool.h>

#include "base/err.h"

enum rc_oci_log_format { RC_OCI_LOG_TEXT, RC_OCI_LOG_JSON };

/* Where later messages go (path NULL: stderr only); warnings from lib/
 * (rc_warn) are routed here too. */
void rc_oci_log_setup(const char *path, enum rc_oci_log_format fmt, bool debug);

/* One message at level "error", "warning", "info" or "debug" (dropped
 * without --debug). */
void rc_oci_log(const char *level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* A failure: "rc-oci: msg" on stderr, and level error in the log. */
void rc_oci_log_error(const struct rc_err *e);

#endif
