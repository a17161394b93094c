/* tap.h - a tiny TAP producer for rc's C unit tests.
 *
 *   TAP_PLAN(n);  ok(cond, "what a user would notice");  return tap_done();
 */
#ifndef RC_TAP_H
#define RC_TAP_H

#include <stdio.h>
#include <string.h>

static int tap_n, tap_failed, tap_planned;

#define TAP_PLAN(n) (tap_planned = (n), printf("1..%d\n", (n)))

#define ok(cond, ...)                                                        \
	do {                                                                 \
		int ok_ = !!(cond);                                          \
		printf("%sok %d - ", ok_ ? "" : "not ", ++tap_n);            \
		printf(__VA_ARGS__);                                         \
		printf("\n");                                                \
		if (!ok_) {                                                  \
			tap_failed++;                                        \
			printf("#   failed: %s (%s:%d)\n", #cond, __FILE__, __LINE__); \
		}                                                            \
	} while (0)

#define is_str(got, want, ...)                                               \
	do {                                                                 \
		const char *g_ = (got), *w_ = (want);                        \
		ok(g_ && w_ && !strcmp(g_, w_), __VA_ARGS__);                \
		if (!(g_ && w_ && !strcmp(g_, w_)))                          \
			printf("#   got '%s', want '%s'\n", g_ ? g_ : "(null)", w_ ? w_ : "(null)"); \
	} while (0)

static inline int tap_done(void)
{
	if (tap_n != tap_planned)
		printf("# planned %d tests, ran %d\n", tap_planned, tap_n);
	return tap_failed || tap_n != tap_planned;
}

#endif
