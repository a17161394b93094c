/* ipam.h - IPv4 subnets and the address leases of a bridge.
 *
 * Leases are files named after the address (e.g. "10.89.0.2") in a lease
 * directory, holding the container's name. The caller holds the network
 * lock (net.h) around every lease change, so parallel calls never hand out
 * one address twice. Addresses are struct in_addr (network byte order).
 */
#ifndef RC_IPAM_H
#define RC_IPAM_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/err.h"

/* The netmask of a prefix length, in network byte order. */
in_addr_t rc_prefix_mask(int prefix);

/* Do net a/alen and net b/blen share any address? */
bool rc_cidr_overlap(struct in_addr a, int alen, struct in_addr b, int blen);

/* Parse a subnet "A.B.C.D/N" with N in 8..30 and no host bits set. Fails
 * with exit status 2 (usage) on malformed input. */
int rc_subnet_parse(const char *s, struct in_addr *ret_net, int *ret_prefix,
		    struct rc_err *e);

/* The gateway of a subnet: its first address. */
struct in_addr rc_subnet_gateway(struct in_addr net);

/* Is addr a container address of net/prefix: inside it, and neither the
 * network, the gateway nor the broadcast address? */
bool rc_subnet_host(struct in_addr net, int prefix, struct in_addr addr);

/* The lowest container address of net/prefix not in used[0..n) (host byte
 * order; the array gets sorted). -1 when the subnet is full. */
int rc_ipam_pick(struct in_addr net, int prefix, uint32_t *used, size_t n,
		 struct in_addr *ret);

/* Lease an address to name in the lease directory dirfd: want when its
 * s_addr is not 0 (refused when taken or not a host of the subnet), else
 * the lowest free one. */
int rc_ipam_lease(int dirfd, struct in_addr net, int prefix, struct in_addr want,
		  const char *name, struct in_addr *ret, struct rc_err *e);

/* Give addr back; a lease already gone is fine. */
int rc_ipam_release(int dirfd, struct in_addr addr, struct rc_err *e);

/* How many leases dirfd holds, or -1 when it cannot be read. */
long rc_ipam_count(int dirfd);

#endif
