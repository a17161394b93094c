#!/bin/sh
# create_container.sh IMAGE NAME - the original first step on the rc tools:
# fetch IMAGE into the store and make container NAME from it (a rootfs and an
# OCI config.json under $RC_ROOT/containers/NAME). Prints NAME.
set -eu
if [ $# -ne 2 ]; then
	echo "usage: $0 IMAGE NAME" >&2
	exit 2
fi
image=$1 name=$2
# rc-pull prints the reference it resolved, with its digest ...
ref=$(rc-pull --quiet "$image")
# ... which names exactly the image rc-unpack is to use.
rc-unpack "$ref" "$name"
