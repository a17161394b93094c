/* Unit tests for lib/etcfiles.c: the container's resolv.conf. */
#include "net/etcfiles.h"
#include "tap.h"

#include <stdlib.h>
#include <string.h>

int main(void)
{
	char *s;

	TAP_PLAN(4);
	s = rc_resolv_conf_make("search example.org\nnameserver 10.0.0.2\noptions ndots:2\n", NULL);
	is_str(s, "search example.org\nnameserver 10.0.0.2\noptions ndots:2\n", "the host's servers are kept, in order");
	free(s);
	s = rc_resolv_conf_make("nameserver 127.0.0.53\noptions edns0\n", "nameserver 192.0.2.1\nnameserver 127.0.0.1\n");
	is_str(s, "options edns0\nnameserver 192.0.2.1\n", "a 127.x stub is replaced by its upstream servers");
	free(s);
	s = rc_resolv_conf_make("nameserver 127.0.0.53\n", NULL);
	ok(s && strstr(s, "nameserver 8.8.8.8\n") && !strstr(s, "127.0.0.53"), "with no upstream known, public resolvers");
	free(s);
	s = rc_resolv_conf_make(NULL, NULL);
	ok(s && strstr(s, "nameserver 8.8.8.8"), "no host file at all");
	free(s);
	return tap_done();
}
