#!/bin/sh
# teardown_network.sh NAME - undo exactly what connect_network.sh made for
# container NAME (the bridge too when it was the last one on it).
set -eu
if [ $# -ne 1 ]; then
	echo "usage: $0 NAME" >&2
	exit 2
fi
exec rc-net-down "$1"
