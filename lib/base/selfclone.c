/* selfclone.c - re-execute from a sealed in-memory copy; see selfclone.h. */
#include "base/selfclone.h"
#include "base/cleanup.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/memfd.h>
#include <stdbool.h>
#include <sys/mman.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef MFD_EXEC
#define MFD_EXEC 0x0010U
#endif

#define SEALS (F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE)

extern char **environ;

/* Whether /proc/self/exe is already a copy sealed against every change. */
static bool running_sealed(void)
{
	_cleanup_close_ int fd = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
	int seals = fd >= 0 ? fcntl(fd, F_GET_SEALS) : -1;

	return seals >= 0 && (seals & SEALS) == SEALS;
}

static int copy_self(int to, struct rc_err *e)
{
	_cleanup_close_ int from = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
	struct stat st;
	off_t off = 0;

	if (from < 0 || fstat(from, &st) < 0)
		return rc_errf(e, errno, "opening our own binary");
	while (off < st.st_size) {
		ssize_t n = sendfile(to, from, &off, (size_t)(st.st_size - off));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return rc_errf(e, n < 0 ? errno : EIO, "copying our own binary");
	}
	return 0;
}

int rc_self_clone(char **argv, struct rc_err *e)
{
	_cleanup_close_ int fd = -1;

	if (running_sealed())
		return 0;
	/* Where memfds may not be executed unless asked for (vm.memfd_noexec),
	 * MFD_EXEC asks; older kernels refuse the flag itself. */
	fd = memfd_create(program_invocation_short_name, MFD_CLOEXEC | MFD_ALLOW_SEALING | MFD_EXEC);
	if (fd < 0 && errno == EINVAL)
		fd = memfd_create(program_invocation_short_name, MFD_CLOEXEC | MFD_ALLOW_SEALING);
	if (fd < 0)
		return rc_errf(e, errno, "creating a sealed copy of our binary");
	if (copy_self(fd, e) < 0)
		return -1;
	if (fcntl(fd, F_ADD_SEALS, SEALS) < 0)
		return rc_errf(e, errno, "sealing the copy of our binary");
	syscall(SYS_execveat, fd, "", argv, environ, AT_EMPTY_PATH);
	return rc_errf(e, errno, "executing the sealed copy of our binary");
}
