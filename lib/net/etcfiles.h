/* etcfiles.h - the container's /etc/hostname, /etc/hosts, /etc/resolv.conf.
 *
 * rc-net-up writes them into the container directory; rc-unshare bind-mounts
 * them over the rootfs's own.
 */
#ifndef RC_ETCFILES_H
#define RC_ETCFILES_H

#include <netinet/in.h>
#include <stdbool.h>
#include <sys/types.h>

#include "base/err.h"
#include "net/netns.h"

/* The container's resolv.conf made from the host's (host, may be NULL):
 * its search, domain and options lines, and its nameservers, except those
 * on loopback (a local stub resolver such as systemd-resolved's 127.0.0.53,
 * which the container cannot reach); when that leaves none, the servers of
 * upstream (the stub's own upstream file, may be NULL), and when there are
 * none there either, public ones (8.8.8.8, 8.8.4.4) as docker does.
 * Returns a new string, NULL when out of memory. */
char *rc_resolv_conf_make(const char *host, const char *upstream);

/* Write hostname (name), hosts (localhost; the bridge's names, name's
 * among them, are rc_hosts_join's, hosts.h) and resolv.conf (from
 * /etc/resolv.conf and /run/systemd/resolve/resolv.conf) into cdirfd. */
int rc_etc_write(int cdirfd, const char *name, struct rc_err *e);

/* Remove the three files again. */
void rc_etc_remove(int cdirfd);

/* rc-unshare's defaults, for a container rc-net-up has not written files
 * for. Which of hostname, hosts, resolv.conf it wrote is remembered (to be
 * removed later, unless something such as rc-net-up has replaced them
 * since) and also recorded in etc.owner, so a run that was killed before
 * it could clean up is cleaned up by the next one. */
struct rc_etc {
	bool made[3];
	ino_t ino[3];
};
extern const char *const rc_etc_files[3];

/* Write the missing files into dirfd: hostname, hosts with localhost and
 * the hostname, resolv.conf as rc_resolv_conf_make (host mode: copies of the
 * host's). */
int rc_etc_prepare(int dirfd, const char *hostname, enum rc_net_mode mode,
		   struct rc_etc *ret, struct rc_err *e);
/* Remove the files rc_etc_prepare wrote. */
void rc_etc_cleanup(int dirfd, const struct rc_etc *etc);

/* docker's --add-host NAME:IP (or NAME=IP; IP in [] or not; IP may be
 * host-gateway: the bridge's address from net.env) and --dns IP: checked,
 * with status 2 when malformed. */
int rc_add_host_check(const char *arg, struct rc_err *e);
int rc_dns_check(const char *arg, struct rc_err *e);

/* Add them to the container's files in dirfd, whoever wrote those: "IP\tNAME"
 * lines appended to hosts (each once), and the nameservers of resolv.conf
 * replaced by dns (its search and options lines kept). Run at every start,
 * it changes a file only once; etc's record of the files rc-unshare made
 * follows the rewrite. */
int rc_etc_extra(int dirfd, char *const *add_hosts, char *const *dns, struct rc_etc *etc,
		 struct rc_err *e);

#endif
