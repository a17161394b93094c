/* link.h - network links over rtnetlink: bridges, veth pairs, up, delete.
 *
 * Each call works in the namespace of the socket it is given (netlink.h).
 * Failures carry the kernel's errno in e->code, so callers can tell a
 * missing link (ENODEV) from a real failure.
 */
#ifndef RC_LINK_H
#define RC_LINK_H

#include <stdbool.h>

#include "base/err.h"
#include "net/netlink.h"

/* The index and MTU of link name; ENODEV in e->code when there is none. */
int rc_link_get(struct rc_nl *nl, const char *name, int *ret_index,
		unsigned int *ret_mtu, struct rc_err *e);

/* Create bridge name, down, with the kernel's default settings. */
int rc_link_add_bridge(struct rc_nl *nl, const char *name, struct rc_err *e);

/* Create a veth pair: name here, enslaved to master (0: none), and its peer
 * peer_name created straight in the network namespace peer_nsfd; both with
 * mtu (0: the default) and both still down. */
int rc_link_add_veth(struct rc_nl *nl, const char *name, int master, unsigned int mtu,
		     const char *peer_name, int peer_nsfd, struct rc_err *e);

/* Bring link ifindex up. */
int rc_link_set_up(struct rc_nl *nl, int ifindex, struct rc_err *e);

/* Put bridge port ifindex in hairpin mode: the bridge may send a frame back
 * out of the port it came in on, which a container reaching its own
 * published port needs when the bridge hands frames to netfilter
 * (br_netfilter). */
int rc_link_set_hairpin(struct rc_nl *nl, int ifindex, struct rc_err *e);

/* Delete link name; a missing one is fine when missing_ok. */
int rc_link_del(struct rc_nl *nl, const char *name, bool missing_ok, struct rc_err *e);

/* What a retired link's name starts with: "rcx" and 8 hex digits of its
 * index. */
#define RC_LINK_RETIRED_PREFIX "rcx"

/* Retire link name (a missing one is fine) instead of deleting it, for a
 * veth whose other end is in a network namespace about to go away, which
 * takes the pair with it: the kernel does that asynchronously, while
 * deleting it now waits for RCU grace periods (most of what rc-net-down
 * costs). The link is taken down, off its bridge, and renamed to
 * RC_LINK_RETIRED_PREFIX and its index, so that its name is free for a new
 * link at once (deleted now after all when that name is taken). */
int rc_link_retire(struct rc_nl *nl, const char *name, struct rc_err *e);

/* Delete links names[0..n) (missing ones skipped) in one kernel operation:
 * the kernel waits for its RCU grace periods once for all of them instead
 * of once per link, which is most of what deleting a link costs. They are
 * put in a link group of their own, one no other link is in, and the
 * group is deleted. */
int rc_link_del_many(struct rc_nl *nl, const char *const *names, size_t n, struct rc_err *e);

/* How many links have the link at index master as their master (the ports
 * of a bridge), whoever made them. */
int rc_link_count_ports(struct rc_nl *nl, int master, unsigned int *ret_count,
			struct rc_err *e);

#endif
