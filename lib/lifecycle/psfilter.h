/* psfilter.h - rc-ps --filter, with docker ps's keys and meaning:
 *
 *   name=RE           the name matches the extended regular expression RE
 *                     anywhere (docker: a Go regexp, unanchored)
 *   status=STATE      created, running, restarting or exited
 *   label=KEY[=VALUE] the container has label KEY (with that value), from
 *                     rc-unshare --label (containers/NAME/options)
 *
 * Several values of name or of status: any may match; several labels: all
 * must. A status filter lists stopped containers without -a, as docker's.
 */
#ifndef RC_PSFILTER_H
#define RC_PSFILTER_H

#include <stdbool.h>
#include <stddef.h>

#include "base/err.h"
#include "lifecycle/lifecycle.h"

struct rc_ps_filter;

/* Add one KEY=VALUE to *f (allocated on first use); a malformed one fails
 * with status 2. */
int rc_ps_filter_add(struct rc_ps_filter **f, const char *spec, struct rc_err *e);

/* Whether f filters by status (then every container is a candidate). */
bool rc_ps_filter_has_status(const struct rc_ps_filter *f);

/* Keep the rows (of containers under root) that match, in order. */
void rc_ps_filter_rows(const char *root, const struct rc_ps_filter *f, struct rc_ps_row *rows,
		       size_t *n);

void rc_ps_filter_free(struct rc_ps_filter *f);

#endif
