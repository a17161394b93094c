/* hosts.h - the names of a bridge's containers, in each one's /etc/hosts.
 *
 * A bridge's names are kept per state root in net/bridges/BRIDGE/hosts,
 * one "IP<TAB>NAME" line per container of that root on the bridge, changed
 * only under the network lock (net.h). Each container's own
 * containers/NAME/hosts, which rc-unshare bind-mounts over /etc/hosts
 * (pinning its inode), carries them as slots that are changed in place,
 * so a running container sees names come and go without a restart:
 *
 *   10.89.0.3<TAB>web<spaces> # rc-net-up      a name, 96 bytes a line
 *   #<spaces>                 # rc-net-up      a free slot
 *
 * A slot is switched on or off by writing its first byte alone ('#' makes
 * it a comment), after the rest of the line has been written while it was
 * a comment; new slots are appended as comments first. So a resolver
 * reading the file at any moment sees each line whole, old or new, never
 * half of one or a name at a wrong address. Every other byte of the file,
 * whatever the container or its user wrote there, is left as it is.
 * Containers on other bridges, or of other state roots, are in other
 * lists and never see the names.
 */
#ifndef RC_HOSTS_H
#define RC_HOSTS_H

#include <netinet/in.h>

#include "base/err.h"

#define RC_HOSTS_SLOT 96
#define RC_HOSTS_MARK " # rc-net-up\n"

/* Add name at ip to the bridge's list in brfd (replacing an entry of that
 * name), write every name of the list into the container's hosts file in
 * cdirfd, and into those of the list's other containers, found in
 * containers_fd. */
int rc_hosts_join(int brfd, int containers_fd, int cdirfd, const char *name,
		  struct in_addr ip, struct rc_err *e);

/* Take name out of the list and out of the other containers' files. */
int rc_hosts_leave(int brfd, int containers_fd, const char *name, struct rc_err *e);

/* Make the slots of the hosts file open at fd hold exactly the names of
 * list (the text of a bridge's list), leaving every other line alone. */
int rc_hosts_sync_fd(int fd, const char *list, struct rc_err *e);

#endif
