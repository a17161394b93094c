/* netns.h - the container's network identity, shared with rc-net-up:
 *
 *   containers/NAME/netns        bind mount of the network namespace; rc-unshare
 *                                joins it when it is a mounted nsfs, else makes
 *                                one and pins it there (recording netns.owner so
 *                                that only the maker removes it)
 *   containers/NAME/hostname, hosts, resolv.conf
 *                                bind-mounted onto /etc in the container; when
 *                                absent rc-unshare writes defaults and removes
 *                                them again when the container ends
 */
#ifndef RC_NETNS_H
#define RC_NETNS_H

#include <stdbool.h>
#include <sys/types.h>

#include "err.h"

enum rc_net_mode { RC_NET_DEFAULT, RC_NET_HOST, RC_NET_NONE };

/* Open dirfd/"netns" when it is a mounted network namespace; -1 (no error)
 * when there is none, < -1 on error. */
int rc_netns_open_pinned(int dirfd, struct rc_err *e);

/* Pin the network namespace of pid at dirfd/"netns" and record that
 * rc-unshare made it. */
int rc_netns_pin(int dirfd, pid_t pid, struct rc_err *e);

/* Remove the pin if rc-unshare made it (netns.owner); leave rc-net-up's. */
int rc_netns_unpin(int dirfd, struct rc_err *e);

/* Bring up lo in the calling process's network namespace. */
int rc_netns_lo_up(struct rc_err *e);

/* Which of hostname, hosts, resolv.conf rc-unshare wrote (to remove later,
 * unless something, such as rc-net-up, has replaced them since). The names
 * are also recorded in etc.owner, so a run that was killed before it could
 * clean up is cleaned up by the next one. */
struct rc_etc {
	bool made[3];
	ino_t ino[3];
};
extern const char *const rc_etc_files[3];

/* Write the missing identity files into dirfd with defaults for hostname
 * (host mode: copies of the host's). */
int rc_etc_prepare(int dirfd, const char *hostname, enum rc_net_mode mode,
		   struct rc_etc *ret, struct rc_err *e);
/* Remove the files rc_etc_prepare wrote. */
void rc_etc_cleanup(int dirfd, const struct rc_etc *etc);

/* resolv.conf text for the container from the host's: the host's own,
 * unless it points at a 127.0.0.x stub (unreachable from the container),
 * then the stub's upstream servers or public resolvers. Caller frees. */
char *rc_resolv_conf_for(const char *host_text, const char *upstream_text);

#endif
