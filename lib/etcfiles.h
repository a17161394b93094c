/* etcfiles.h - the container's /etc/hostname, /etc/hosts, /etc/resolv.conf.
 *
 * rc-net-up writes them into the container directory; rc-unshare bind-mounts
 * them over the rootfs's own.
 */
#ifndef RC_ETCFILES_H
#define RC_ETCFILES_H

#include <netinet/in.h>

#include "err.h"

/* The container's resolv.conf made from the host's (host, may be NULL):
 * its search, domain and options lines, and its nameservers, except those
 * on loopback (a local stub resolver such as systemd-resolved's 127.0.0.53,
 * which the container cannot reach); when that leaves none, the servers of
 * upstream (the stub's own upstream file, may be NULL), and when there are
 * none there either, public ones (8.8.8.8, 8.8.4.4) as docker does.
 * Returns a new string, NULL when out of memory. */
char *rc_resolv_conf_make(const char *host, const char *upstream);

/* Write hostname (name), hosts (localhost and name at ip) and resolv.conf
 * (from /etc/resolv.conf and /run/systemd/resolve/resolv.conf) into cdirfd. */
int rc_etc_write(int cdirfd, const char *name, struct in_addr ip, struct rc_err *e);

/* Remove the three files again. */
void rc_etc_remove(int cdirfd);

#endif
