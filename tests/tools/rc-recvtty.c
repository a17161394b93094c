/* rc-recvtty - the other end of an OCI runtime's --console-socket, as an
 * engine's shim is, for the tests.
 *
 *   rc-recvtty [-i INPUT] [-n] SOCKET
 *
 * Listens on the unix socket SOCKET (made anew), takes one connection,
 * receives the terminal's master with SCM_RIGHTS (exactly one descriptor,
 * as containerd and conmon insist), prints "pty: NAME ROWSxCOLS" on stderr
 * (NAME: what the runtime sent beside it), writes INPUT (C escapes \n \r
 * \003 are read) to it, and copies what comes out to stdout until the
 * terminal's other end is closed by everyone. -n: exit once the descriptor
 * is received (the test checks it, not the output).
 */
#include <errno.h>
#include <stdbool.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/un.h>
#include <unistd.h>

static size_t unescape(const char *in, char *out)
{
	size_t n = 0;

	while (*in) {
		if (*in != '\\' || !in[1]) {
			out[n++] = *in++;
			continue;
		}
		in++;
		if (*in == 'n')
			out[n++] = '\n', in++;
		else if (*in == 'r')
			out[n++] = '\r', in++;
		else if (*in >= '0' && *in <= '7') {
			int v = 0;
			for (int k = 0; k < 3 && *in >= '0' && *in <= '7'; k++)
				v = v * 8 + (*in++ - '0');
			out[n++] = (char)v;
		} else
			out[n++] = *in++;
	}
	return n;
}

static int recv_master(int conn, char *name, size_t len)
{
	union { struct cmsghdr h; char buf[CMSG_SPACE(sizeof(int))]; } ctl;
	struct iovec iov = { name, len - 1 };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl.buf,
			      .msg_controllen = sizeof ctl.buf };
	struct cmsghdr *c;
	ssize_t n = recvmsg(conn, &msg, 0);
	int fd;

	if (n < 0)
		return -1;
	name[n] = '\0';
	c = CMSG_FIRSTHDR(&msg);
	if (!c || c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS ||
	    c->cmsg_len != CMSG_LEN(sizeof(int)) || msg.msg_controllen != CMSG_SPACE(sizeof(int))) {
		errno = EPROTO;
		return -1;
	}
	memcpy(&fd, CMSG_DATA(c), sizeof fd);
	return fd;
}

int main(int argc, char **argv)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	const char *input = NULL;
	bool only_fd = false;
	char name[4096], buf[4096];
	struct winsize ws = { 0 };
	int opt, lfd, conn, master;

	while ((opt = getopt(argc, argv, "i:n")) != -1) {
		if (opt == 'i')
			input = optarg;
		else if (opt == 'n')
			only_fd = true;
		else
			return 2;
	}
	if (optind + 1 != argc || strlen(argv[optind]) >= sizeof sa.sun_path) {
		fprintf(stderr, "usage: rc-recvtty [-i INPUT] [-n] SOCKET\n");
		return 2;
	}
	snprintf(sa.sun_path, sizeof sa.sun_path, "%s", argv[optind]);
	unlink(sa.sun_path);
	lfd = socket(AF_UNIX, SOCK_STREAM, 0);
	if (lfd < 0 || bind(lfd, (struct sockaddr *)&sa, sizeof sa) < 0 || listen(lfd, 1) < 0) {
		perror("rc-recvtty: listening");
		return 1;
	}
	conn = accept(lfd, NULL, NULL);
	master = conn < 0 ? -1 : recv_master(conn, name, sizeof name);
	if (master < 0) {
		perror("rc-recvtty: receiving the terminal");
		return 1;
	}
	ioctl(master, TIOCGWINSZ, &ws);
	fprintf(stderr, "pty: %s %ux%u\n", name, ws.ws_row, ws.ws_col);
	if (only_fd)
		return 0;
	if (input) {
		char raw[4096];
		size_t n = unescape(input, raw);
		if (write(master, raw, n) != (ssize_t)n) {
			perror("rc-recvtty: writing the input");
			return 1;
		}
	}
	for (;;) {
		ssize_t n = read(master, buf, sizeof buf);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) /* EIO: no one holds the other end any more */
			break;
		fwrite(buf, 1, (size_t)n, stdout);
		fflush(stdout);
	}
	return 0;
}
