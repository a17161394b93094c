/* ports.h - published ports: -p [HOSTIP:]HOSTPORT:CTRPORT[/tcp|udp].
 *
 * A published port is reserved by a file in a ports directory named
 * "PROTO-HOSTPORT-HOSTIP" (HOSTIP 0.0.0.0 for every address of the host)
 * and holding the container's name; the caller holds the network lock.
 */
#ifndef RC_PORTS_H
#define RC_PORTS_H

#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>

#include "base/err.h"

struct rc_port {
	struct in_addr host_ip;   /* INADDR_ANY: every address of the host */
	uint16_t host_port;
	uint16_t ctr_port;
	uint8_t proto;            /* IPPROTO_TCP or IPPROTO_UDP */
};

#define RC_PORT_STR_MAX 48

/* Parse one -p argument. Malformed input fails with exit status 2. */
int rc_port_parse(const char *s, struct rc_port *ret, struct rc_err *e);

/* Write p as -p would take it, canonically ("127.0.0.1:8080:80/tcp",
 * "8080:80/udp"); buf holds RC_PORT_STR_MAX bytes. Returns buf. */
char *rc_port_format(const struct rc_port *p, char *buf);

/* Would a and b take the same host port: one protocol, one port, and the
 * same host address or either on every address? */
int rc_port_clash(const struct rc_port *a, const struct rc_port *b);

/* Reserve ports[0..n) for name in the ports directory dirfd, all or none:
 * refused when one clashes with another's reservation or with another of
 * the list. */
int rc_ports_reserve(int dirfd, const struct rc_port *ports, size_t n,
		     const char *name, struct rc_err *e);

/* Drop the reservations of ports[0..n); missing ones are fine. */
void rc_ports_release(int dirfd, const struct rc_port *ports, size_t n);

#endif
