/* libarchive.c - libarchive through dlopen; see libarchive.h. */
#include "image/libarchive.h"

#include <dlfcn.h>
#include <errno.h>
#include <stdbool.h>

/* The soname of libarchive 3 (the same since 3.0, 2011): the file a
 * -larchive link would have recorded as NEEDED. */
#define LIBARCHIVE_SONAME "libarchive.so.13"

#define RC_LIBARCHIVE_DEFINE(name) __typeof__(name) *sym_##name;
RC_LIBARCHIVE_FUNCS(RC_LIBARCHIVE_DEFINE)
#undef RC_LIBARCHIVE_DEFINE

static bool loaded;

int rc_libarchive_load(struct rc_err *e)
{
	void *dl;

	if (loaded)
		return 0;
	/* Kept open for the life of the process: the pointers point into it. */
	dl = dlopen(LIBARCHIVE_SONAME, RTLD_NOW | RTLD_LOCAL);
	if (!dl)
		return rc_errf(e, 0, "cannot load %s (libarchive, to read layers): %s",
			       LIBARCHIVE_SONAME, dlerror());
	/* A library without one of them is refused whole: none of the
	 * pointers is left set, and the library stays open (the message of
	 * dlerror would not survive a dlclose). */
#define RC_LIBARCHIVE_SYM(name)                                                   \
	if (!(sym_##name = (__typeof__(name) *)dlsym(dl, #name))) {                  \
		rc_errf(e, 0, "%s has no %s: %s", LIBARCHIVE_SONAME, #name, dlerror()); \
		goto missing;                                                        \
	}
	RC_LIBARCHIVE_FUNCS(RC_LIBARCHIVE_SYM)
#undef RC_LIBARCHIVE_SYM
	loaded = true;
	return 0;

missing:
#define RC_LIBARCHIVE_UNSET(name) sym_##name = NULL;
	RC_LIBARCHIVE_FUNCS(RC_LIBARCHIVE_UNSET)
#undef RC_LIBARCHIVE_UNSET
	return -1;
}
