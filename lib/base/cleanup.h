/* cleanup.h - scope-bound release of resources (GCC/Clang cleanup attribute).
 *
 * A variable declared with one of these is released when it goes out of
 * scope, on every path. Hand ownership on with rc_steal_ptr()/rc_steal_fd().
 */
#ifndef RC_CLEANUP_H
#define RC_CLEANUP_H

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static inline void rc_freep(void *p) { free(*(void **)p); }
static inline void rc_closep(int *fd)
{
	if (*fd >= 0) {
		int saved = errno;
		close(*fd);
		errno = saved;
	}
}
static inline void rc_fclosep(FILE **f) { if (*f) fclose(*f); }

#define _cleanup_free_   __attribute__((cleanup(rc_freep)))
#define _cleanup_close_  __attribute__((cleanup(rc_closep)))
#define _cleanup_fclose_ __attribute__((cleanup(rc_fclosep)))

static inline void *rc_steal_ptr_(void **p) { void *v = *p; *p = NULL; return v; }
#define rc_steal_ptr(p) rc_steal_ptr_((void **)&(p))
static inline int rc_steal_fd(int *fd) { int v = *fd; *fd = -1; return v; }

#endif
