/* nft.h - rc's nftables rules, in one table of its own: "ip rc".
 *
 * The table has five base chains: prerouting_raw (filter, raw) dropping
 * what comes in from a bridge from or to 127.0.0.0/8 and not tracking the
 * traffic between a bridge's containers, prerouting and
 * output (nat, dstnat) for the DNAT of published ports, postrouting (nat,
 * srcnat) for masquerade, forward (filter) dropping what is forwarded into
 * a bridge unless it is published or answers a container; and a ct
 * timeout object, RC_NFT_CT_TIMEOUT, that the DNAT of TCP ports and the
 * masquerade of what the containers open set. The filter chains only drop
 * (or skip tracking), never accept: a drop is final, an accept would end
 * only rc's chain and leave the packet to the other tables anyway. Every
 * rule carries a comment naming its owner, "bridge BRIDGE" or "container
 * NAME", which is how rc finds exactly its own rules again. Each call is
 * one atomic batch: it all happens or none of it does. Nothing outside
 * table "ip rc" is ever read or changed.
 */
#ifndef RC_NFT_H
#define RC_NFT_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>

#include "base/err.h"
#include "net/ports.h"

#define RC_NFT_TABLE "rc"

/* The table's ct timeout object, for the TCP connections to published
 * ports and those the containers open: the host's timeouts, with TIME_WAIT
 * and CLOSE at most these many seconds (nft.c says why). */
#define RC_NFT_CT_TIMEOUT "tcp"
#define RC_NFT_TIME_WAIT 10
#define RC_NFT_CLOSE 5

/* In the current network namespace: create the table and its chains when
 * missing, the rules of bridge (masquerade of net/prefix leaving through
 * another interface, hairpin and host-loopback masquerade onto the bridge,
 * the drops above) when missing or not those of this version, and for
 * container name the DNAT of each of ports[0..n) to ip, from the host's
 * addresses, its own output (127.0.0.1 included) and other containers
 * alike; a port published on a loopback address from the host's own
 * output only. */
int rc_nft_up(const char *bridge, struct in_addr net, int prefix, const char *name,
	      struct in_addr ip, const struct rc_port *ports, size_t n, struct rc_err *e);

/* Delete container name's rules; with drop_bridge, also bridge's rules,
 * and the table when no rule is left in it. A missing table is fine. */
int rc_nft_down(const char *bridge, const char *name, bool drop_bridge, struct rc_err *e);

#endif
