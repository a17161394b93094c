/* selfclone.h - run from a sealed copy of the program's own binary.
 *
 * A process of a container may get hold of the binary that started it
 * through /proc/PID/exe: most simply when the container's command is a
 * script whose interpreter is /proc/self/exe, or an ELF file naming an
 * interpreter the image provides, since the kernel resolves those while the
 * exec'ing process still runs the runtime's binary; the interpreter, the
 * image's code, then runs with the host binary as its executable and can
 * open it for writing as soon as no one executes it (runc's
 * CVE-2019-5736). A program that starts processes in containers therefore
 * first re-executes itself from an in-memory copy sealed against every
 * change (memfd, F_SEAL_WRITE and the others): what a container can reach
 * is that copy, which no one can write and which is gone with the process.
 */
#ifndef RC_SELFCLONE_H
#define RC_SELFCLONE_H

#include "base/err.h"

/* Unless the program already runs from such a copy, make one and execute
 * it with argv and the current environment; returns only on failure. */
int rc_self_clone(char **argv, struct rc_err *e);

#endif
