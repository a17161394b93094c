/* net.h - a container's network: what rc-net-up makes and rc-net-down undoes.
 *
 * State, under $RC_ROOT:
 *   net/lock                      flock held by every rc-net-up/-down
 *   net/bridges/BRIDGE/subnet     the bridge's subnet ("10.89.0.0/16")
 *   net/bridges/BRIDGE/owned      present when rc created the bridge
 *   net/bridges/BRIDGE/localnet   present when rc turned route_localnet on
 *                                 for a bridge it did not create
 *   net/bridges/BRIDGE/leases/IP  one lease per address (ipam.h)
 *   net/bridges/BRIDGE/hosts      the bridge's names, IP<TAB>NAME (hosts.h)
 *   net/ports/PROTO-PORT-HOSTIP   one reservation per published port (ports.h)
 *   containers/NAME/net.env       what was made for NAME, KEY=VALUE
 *   containers/NAME/{hostname,hosts,resolv.conf}  for rc-unshare to mount;
 *                                 hosts changed in place (hosts.h)
 */
#ifndef RC_NET_H
#define RC_NET_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>

#include "base/err.h"
#include "net/ports.h"

#define RC_NET_BRIDGE "rc0"
#define RC_NET_SUBNET "10.89.0.0/16"
#define RC_NET_IFNAME "eth0"

struct rc_net_opts {
	const char *root;            /* the state root (state.h) */
	const char *name;            /* the container */
	const char *bridge;          /* NULL: RC_NET_BRIDGE */
	const char *subnet;          /* NULL: the bridge's own, or RC_NET_SUBNET */
	struct in_addr ip;           /* s_addr 0: the lowest free address */
	const struct rc_port *ports;
	size_t nports;
};

/* Is name usable as a bridge name (1..15 of [A-Za-z0-9_.-])? */
bool rc_bridge_name_valid(const char *name);

/* The host end of container name's veth pair: "rc-NAME" when that fits in
 * 15 characters, else "rc" and 12 hex digits of a hash of the name. buf
 * holds 16 bytes. */
void rc_net_host_ifname(const char *name, char *buf);

/* Give container o->name its network; a failure undoes all of it. The
 * container's address in *ret_ip. */
int rc_net_up(const struct rc_net_opts *o, struct in_addr *ret_ip, struct rc_err *e);

/* Take it away again (the bridge and table too, when it was the last and
 * keep_bridge is not set). *ret_nothing tells that there was nothing to do. */
int rc_net_down(const char *root, const char *name, bool keep_bridge, bool *ret_nothing,
		struct rc_err *e);

#endif
