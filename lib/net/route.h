/* route.h - IPv4 addresses and routes over rtnetlink.
 *
 * Each call works in the namespace of the socket it is given (netlink.h).
 * Failures carry the kernel's errno in e->code.
 */
#ifndef RC_ROUTE_H
#define RC_ROUTE_H

#include <netinet/in.h>
#include <stdbool.h>

#include "base/err.h"
#include "net/netlink.h"

/* Add addr/prefix to link ifindex; an address already there is fine when
 * exist_ok. */
int rc_addr_add(struct rc_nl *nl, int ifindex, struct in_addr addr, int prefix,
		bool exist_ok, struct rc_err *e);

/* Add the default route through gw. */
int rc_route_add_default(struct rc_nl *nl, struct in_addr gw, struct rc_err *e);

/* Look for a route of the main table (the default route, and routes out
 * of link skip_ifindex, aside) whose destination overlaps net/prefix. Sets
 * *ret_found, and writes it as "DST/LEN" into ret_desc (at least 32 bytes)
 * when there is one. */
int rc_route_overlap(struct rc_nl *nl, struct in_addr net, int prefix, int skip_ifindex,
		     bool *ret_found, char *ret_desc, struct rc_err *e);

#endif
