/* sock.c - unix sockets by long paths; see sock.h. */
#include "oci/sock.h"
#include "base/cleanup.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

/* dirfd/name as a socket address: through /proc/self/fd/N, which the
 * kernel resolves to the directory itself. */
static int address(int dirfd, const char *name, struct sockaddr_un *sa, struct rc_err *e)
{
	*sa = (struct sockaddr_un){ .sun_family = AF_UNIX };
	if ((size_t)snprintf(sa->sun_path, sizeof sa->sun_path, "/proc/self/fd/%d/%s", dirfd, name) >=
	    sizeof sa->sun_path)
		return rc_errf(e, ENAMETOOLONG, "socket %s", name);
	return 0;
}

int rc_oci_sock_connect_at(int dirfd, const char *name, struct rc_err *e)
{
	struct sockaddr_un sa;
	int fd;

	if (address(dirfd, name, &sa, e) < 0)
		return -1;
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return rc_errf(e, errno, "creating a socket");
	if (connect(fd, (struct sockaddr *)&sa, sizeof sa) < 0) {
		int err = errno;
		close(fd);
		return rc_errf(e, err, "connecting to %s", name);
	}
	return fd;
}

int rc_oci_sock_connect(const char *path, struct rc_err *e)
{
	char dir[PATH_MAX];
	const char *base = strrchr(path, '/');
	_cleanup_close_ int dfd = -1;
	int fd;

	snprintf(dir, sizeof dir, "%.*s", base ? (int)(base - path) : 1, base ? (base == path ? "/" : path) : ".");
	dfd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return rc_errf(e, errno, "connecting to %s", path);
	fd = rc_oci_sock_connect_at(dfd, base ? base + 1 : path, e);
	return fd < 0 ? rc_errf(e, e->code, "connecting to %s", path) : fd;
}

int rc_oci_sock_listen_at(int dirfd, const char *name, struct rc_err *e)
{
	struct sockaddr_un sa;
	int fd;

	if (address(dirfd, name, &sa, e) < 0)
		return -1;
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return rc_errf(e, errno, "creating a socket");
	if (bind(fd, (struct sockaddr *)&sa, sizeof sa) < 0 || listen(fd, 1) < 0) {
		int err = errno;
		close(fd);
		return rc_errf(e, err, "creating the socket %s", name);
	}
	return fd;
}
