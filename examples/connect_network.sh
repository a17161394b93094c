#!/bin/sh
# connect_network.sh NAME [-p HOSTPORT:PORT]...   the original network step on
# the rc tools: a veth pair from the bridge into container NAME's namespace,
# an address, routes, NAT and published ports. Works before the container
# runs (the namespace is made and pinned) or while it runs. Prints its IP.
set -eu
if [ $# -lt 1 ]; then
	echo "usage: $0 NAME [-p HOSTPORT:PORT]..." >&2
	exit 2
fi
name=$1
shift
exec rc-net-up "$@" "$name"
