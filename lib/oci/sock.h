/* sock.h - unix sockets by path, however long the path (through a
 * descriptor of its directory): the console socket the engine gives, and
 * the start socket of a created container. */
#ifndef RC_OCI_SOCK_H
#define RC_OCI_SOCK_H

#include "base/err.h"

/* A stream socket connected to path. */
int rc_oci_sock_connect(const char *path, struct rc_err *e);

/* A stream socket connected to dirfd/name. */
int rc_oci_sock_connect_at(int dirfd, const char *name, struct rc_err *e);

/* A stream socket bound at dirfd/name and listening. */
int rc_oci_sock_listen_at(int dirfd, const char *name, struct rc_err *e);

#endif
