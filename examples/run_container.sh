#!/bin/sh
# run_container.sh [-d] NAME [CMD [ARG]...]   run container NAME
# run_container.sh -r DIR [CMD [ARG]...]      run a bare root filesystem
# The original second step on the rc tools: the process in new namespaces,
# in the foreground with its status, or with -d in the background under its
# monitor (then the container's pid is printed; see rc-ps, rc-logs, rc-stop).
set -eu
if [ $# -eq 0 ]; then
	echo "usage: $0 [-d] NAME [CMD [ARG]...] | $0 -r DIR [CMD [ARG]...]" >&2
	exit 2
fi
exec rc-unshare "$@"
