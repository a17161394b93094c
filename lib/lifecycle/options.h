/* options.h - the options a container was started with, in
 * containers/NAME/options, so that rc-start can start it again with them
 * (after rc-stop, a crash or a reboot) and other programs can read what
 * they need of them (rc-stop its stop signal and timeout, rc-ps its labels,
 * rc-systemd its restart policy).
 *
 * The file is an argument vector of rc-unshare's, each string NUL-terminated
 * as in /proc/PID/cmdline (exact for any argument, newlines included; `tr
 * '\0' '\n' <options` shows it): every option as one string of canonical
 * form, "--LONG" or "--LONG=VALUE", so that a reader finds one by its
 * prefix without knowing which options take a value; then "--"; then the
 * command given after it (nothing: the config's). What came from the
 * caller's environment or files is recorded as it was then: -e KEY as
 * --env=KEY=VALUE, --env-file as the variables it held (docker, too, keeps
 * what `docker run` resolved). Not recorded: NAME, --root (the directory
 * says both) and -r.
 *
 * rc-unshare writes it atomically (mode 0600: variables may be secrets)
 * under the container's lock, at every start but a restart by its monitor
 * (the same run). Plain libc.
 */
#ifndef RC_OPTIONS_H
#define RC_OPTIONS_H

#include <stddef.h>

#include "base/err.h"

/* Write argv (NULL-terminated) as dirfd's options file. */
int rc_options_write(int dirfd, char *const *argv, struct rc_err *e);

/* Read dirfd's options file into a NULL-terminated vector (free it with
 * rc_options_free); *ret is NULL when the container has none (never
 * started, or by an older rc). */
int rc_options_read(int dirfd, char ***ret, struct rc_err *e);
void rc_options_free(char **opts);

/* The value of the next option --LONG (given without the dashes) from
 * opts[*pos] on, before "--": "" for one without a value. NULL when there
 * is none; *pos is left after the one found. */
const char *rc_options_next(char *const *opts, const char *name, size_t *pos);

/* The value of its last occurrence (the one that counts), or NULL. */
const char *rc_options_get(char *const *opts, const char *name);

#endif
