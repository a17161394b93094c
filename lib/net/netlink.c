/* netlink.c - a small libmnl client; see netlink.h. */
#include "net/netlink.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "base/cleanup.h"

int rc_nl_open(struct rc_nl *nl, int bus, struct rc_err *e)
{
	memset(nl, 0, sizeof *nl);
	nl->buf = malloc(RC_NL_BUFSIZE);
	if (!nl->buf)
		return rc_errf(e, ENOMEM, "opening a netlink socket");
	nl->sock = mnl_socket_open2(bus, SOCK_CLOEXEC);
	if (!nl->sock || mnl_socket_bind(nl->sock, 0, MNL_SOCKET_AUTOPID) < 0) {
		int saved = errno;
		rc_nl_close(nl);
		return rc_errf(e, saved, "opening a netlink socket");
	}
	nl->portid = mnl_socket_get_portid(nl->sock);
	nl->seq = (uint32_t)time(NULL);
	return 0;
}

int rc_nl_open_in(struct rc_nl *nl, int bus, int nsfd, struct rc_err *e)
{
	_cleanup_close_ int self = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
	int r;

	if (self < 0)
		return rc_errf(e, errno, "opening the current network namespace");
	if (setns(nsfd, CLONE_NEWNET) < 0)
		return rc_errf(e, errno, "entering the container's network namespace");
	r = rc_nl_open(nl, bus, e);
	/* Without the way back every later step would act on the wrong host. */
	if (setns(self, CLONE_NEWNET) < 0)
		abort();
	return r;
}

void rc_nl_close(struct rc_nl *nl)
{
	if (nl->sock)
		mnl_socket_close(nl->sock);
	free(nl->buf);
	nl->sock = NULL;
	nl->buf = NULL;
}

struct nlmsghdr *rc_nl_msg(struct rc_nl *nl, uint16_t type, uint16_t flags)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(nl->buf);

	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | flags;
	nlh->nlmsg_seq = ++nl->seq;
	return nlh;
}

int rc_nl_talk(struct rc_nl *nl, struct nlmsghdr *nlh, mnl_cb_t cb, void *data)
{
	uint32_t seq = nlh->nlmsg_seq;
	ssize_t n;
	int r;

	if (mnl_socket_sendto(nl->sock, nlh, nlh->nlmsg_len) < 0)
		return -errno;
	for (;;) {
		n = mnl_socket_recvfrom(nl->sock, nl->buf, RC_NL_BUFSIZE);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		r = mnl_cb_run(nl->buf, (size_t)n, seq, nl->portid, cb, data);
		if (r < 0)
			return -errno;
		if (r == MNL_CB_STOP)
			return 0;
	}
}

/* Read what is already queued on the socket and throw it away: after a
 * failed batch the kernel may have queued acks we no longer wait for, and
 * they must not be taken for the answers to the next request. */
static void drain(struct rc_nl *nl)
{
	while (recv(mnl_socket_get_fd(nl->sock), nl->buf, RC_NL_BUFSIZE, MSG_DONTWAIT) > 0)
		;
}

int rc_nl_batch(struct rc_nl *nl, const void *buf, size_t len, unsigned int n)
{
	int first = 0;

	if (mnl_socket_sendto(nl->sock, buf, len) < 0)
		return -errno;
	/* The kernel answers a batch all at once, after processing all of it;
	 * an error may come without the other acks (a rejected batch), so stop
	 * at the first one. */
	while (n > 0 && !first) {
		ssize_t got = mnl_socket_recvfrom(nl->sock, nl->buf, RC_NL_BUFSIZE);
		const struct nlmsghdr *h = (const struct nlmsghdr *)nl->buf;
		int left;

		if (got < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		left = (int)got;
		for (; mnl_nlmsg_ok(h, left); h = mnl_nlmsg_next(h, &left)) {
			const struct nlmsgerr *err;

			if (h->nlmsg_type != NLMSG_ERROR)
				continue;
			err = mnl_nlmsg_get_payload(h);
			if (err->error && !first)
				first = err->error;
			if (n > 0)
				n--;
		}
	}
	if (first)
		drain(nl);
	return first;
}
