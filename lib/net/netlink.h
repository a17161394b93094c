/* netlink.h - a small libmnl client: one socket, requests answered by an ack
 * or a dump, in the network namespace the socket was opened in.
 *
 * Netlink sockets stay bound to the namespace they were created in, so a
 * socket opened with rc_nl_open_in() configures that namespace for as long
 * as it lives, whatever namespace the process is in afterwards.
 */
#ifndef RC_NETLINK_H
#define RC_NETLINK_H

#include <libmnl/libmnl.h>
#include <stdint.h>

#include "base/err.h"

struct rc_nl {
	struct mnl_socket *sock;
	unsigned int portid;
	uint32_t seq;
	char *buf;          /* MNL_SOCKET_BUFFER_SIZE bytes for requests and replies */
};

#define RC_NL_BUFSIZE (MNL_SOCKET_BUFFER_SIZE * 4)

/* Open and bind a netlink socket of protocol bus (NETLINK_ROUTE,
 * NETLINK_NETFILTER) in the current network namespace. */
int rc_nl_open(struct rc_nl *nl, int bus, struct rc_err *e);

/* The same in the network namespace nsfd, returning to the current one. */
int rc_nl_open_in(struct rc_nl *nl, int bus, int nsfd, struct rc_err *e);

void rc_nl_close(struct rc_nl *nl);

/* Start a request in nl->buf: a header of type and flags (NLM_F_REQUEST and
 * NLM_F_ACK are added) with the next sequence number. */
struct nlmsghdr *rc_nl_msg(struct rc_nl *nl, uint16_t type, uint16_t flags);

/* Send the request in nl->buf and read replies until its ack or the end of
 * the dump, passing data messages to cb (may be NULL). Returns 0 or -errno
 * (the kernel's answer); the caller words the message. */
int rc_nl_talk(struct rc_nl *nl, struct nlmsghdr *nlh, mnl_cb_t cb, void *data);

/* Send a batch of len bytes at buf holding n messages that each ask for an
 * ack, and read the n acks. Returns 0, or the first error as -errno. */
int rc_nl_batch(struct rc_nl *nl, const void *buf, size_t len, unsigned int n);

#endif
