/* progress.h - docker-pull-like progress lines on a terminal.
 *
 *   a1b2c3d4e5f6: Waiting
 *   0f1e2d3c4b5a: Downloading  12.3MB/45.6MB
 *   9a8b7c6d5e4f: Already exists
 *
 * One line per item, redrawn in place (at most ten times a second for
 * byte counts, at once for a change of state). A disabled progress (stderr
 * not a terminal, or --quiet) prints nothing. Safe to update from several
 * threads.
 */
#ifndef RC_PROGRESS_H
#define RC_PROGRESS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

enum rc_progress_state {
	RC_PROGRESS_WAITING,
	RC_PROGRESS_DOWNLOADING,
	RC_PROGRESS_VERIFYING,
	RC_PROGRESS_DONE,
	RC_PROGRESS_EXISTS,
	RC_PROGRESS_FAILED,
};

struct rc_progress;

/* NULL when out of memory: every function below accepts NULL and does nothing. */
struct rc_progress *rc_progress_new(FILE *out, bool enabled);
void rc_progress_free(struct rc_progress *p);

/* Print a line above the items (e.g. "Pulling from ..."). */
void rc_progress_note(struct rc_progress *p, const char *text);

/* Add an item (labelled by the first 12 hex digits of its digest); returns
 * its index for rc_progress_set, or -1. */
int rc_progress_add(struct rc_progress *p, const char *digest, enum rc_progress_state st);

/* Change an item's state and byte counts (total < 0: unknown). */
void rc_progress_set(struct rc_progress *p, int item, enum rc_progress_state st, int64_t done,
		     int64_t total);

/* Draw the final state of every line. */
void rc_progress_finish(struct rc_progress *p);

#endif
