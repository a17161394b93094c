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
#define RC_LIBARCHIVE_SYM(name)                                                         \
	if (!(sym_##name = (__typeof__(name) *)dlsym(dl, #name))) {                        \
		dlclose(dl);                                                               \
		return rc_errf(e, 0, "%s has no %s: %s", LIBARCHIVE_SONAME, #name, dlerror()); \
	}
	RC_LIBARCHIVE_FUNCS(RC_LIBARCHIVE_SYM)
#undef RC_LIBARCHIVE_SYM
	loaded = true;
	return 0;
}
