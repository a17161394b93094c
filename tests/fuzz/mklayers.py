#!/usr/bin/env python3
"""mklayers.py DIR - small layer tars for the fuzz-layer seed corpus: the
ordinary entry kinds, whiteouts and opaque directories, and the hostile
shapes (.. paths, absolute paths, writing through symlinks, hard links that
climb out) that rc_layer_apply must refuse or keep inside the root."""
import gzip
import io
import os
import sys
import tarfile


def entry(name, kind=tarfile.REGTYPE, data=b"", link="", mode=0o644, **kw):
    return (name, kind, data, link, mode, kw)


def write(path, entries, fmt=tarfile.GNU_FORMAT, compress=False):
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=fmt) as t:
        for name, kind, data, link, mode, kw in entries:
            ti = tarfile.TarInfo(name)
            ti.type = kind
            ti.mode = mode
            ti.linkname = link
            ti.mtime = 1700000000
            ti.size = len(data) if kind == tarfile.REGTYPE else 0
            for k, v in kw.items():
                setattr(ti, k, v)
            t.addfile(ti, io.BytesIO(data) if ti.size else None)
    raw = buf.getvalue()
    # drop the record padding past the end marker (two zero blocks)
    end = len(raw.rstrip(b"\0"))
    raw = raw[:(end + 511) // 512 * 512 + 1024]
    if compress:
        raw = gzip.compress(raw, mtime=0)
    with open(path, "wb") as f:
        f.write(raw)


D, F, L, H = tarfile.DIRTYPE, tarfile.REGTYPE, tarfile.SYMTYPE, tarfile.LNKTYPE
out = sys.argv[1]
os.makedirs(out, exist_ok=True)
basic = [
    entry("./", D, mode=0o755), entry("etc/", D, mode=0o755),
    entry("etc/hostname", data=b"box\n"), entry("etc/hosts", H, link="etc/hostname"),
    entry("bin", L, link="usr/bin", mode=0o777), entry("usr/bin/", D, mode=0o755),
    entry("usr/bin/tool", data=b"#!/bin/sh\n", mode=0o4755, uid=1000, gid=1000),
    entry("dev/null", tarfile.CHRTYPE, devmajor=1, devminor=3, mode=0o666),
    entry("run/fifo", tarfile.FIFOTYPE, mode=0o600),
    entry("tmp/", D, mode=0o1777),
]
write(f"{out}/basic.tar", basic)
write(f"{out}/basic.tar.gz", basic, compress=True)
write(f"{out}/pax-xattr.tar", [
    entry("etc/cap", data=b"x", pax_headers={"SCHILY.xattr.security.capability": "\x01\x00\x00\x02",
                                             "SCHILY.xattr.user.note": "v"}),
    entry("d" * 120 + "/" + "e" * 120, data=b"long"),
], fmt=tarfile.PAX_FORMAT)
write(f"{out}/whiteouts.tar", [
    entry("etc/.wh.passwd"), entry(".wh.bin"), entry("dir/.wh..wh..opq"),
    entry("dir/new", data=b"upper"), entry("usr/lib/.wh..wh.plnk"),
    entry("new/", D), entry("new/.wh..wh..opq"), entry("new/file", data=b"kept"),
])
write(f"{out}/opaque-root.tar", [entry(".wh..wh..opq"), entry("only", data=b"1")])
for i, name in enumerate(["etc/.wh..", "etc/.wh...", ".wh.", "../.wh.victim", "abs/.wh.victim"]):
    write(f"{out}/whiteout-out-{i}.tar", [entry(name)])
for i, name in enumerate(["../escape", "a/../../escape2", "abs/../../victim"]):
    write(f"{out}/dotdot-{i}.tar", [entry(name, data=b"x")])
write(f"{out}/absolute.tar", [entry("/abs-file", data=b"x"), entry("/etc/../../x", data=b"x")])
write(f"{out}/through-symlinks.tar", [
    entry("abs/victim", data=b"through /"), entry("up/victim", data=b"through .."),
    entry("evil", L, link="/mnt"), entry("evil/victim", data=b"x"),
    entry("evil2", L, link="../../../mnt/victim-dir"), entry("evil2/file", data=b"x"),
    entry("lib/x.so", data=b"merged usr"), entry("etc-up/shadow", data=b"x"),
])
# a layer stops at its first refused entry: one hostile hard link per layer
for i, target in enumerate(["../victim", "/mnt/victim", "abs/mnt/victim", "victim-link",
                            "up/victim", "etc", "up/../victim"]):
    write(f"{out}/hardlink-out-{i}.tar", [entry("dir/h", H, link=target)])
write(f"{out}/replace.tar", [
    entry("lib", data=b"a file where a symlink was"), entry("etc", L, link="/tmp"),
    entry("etc/new", data=b"under the new symlink"), entry("dir/sub", data=b"file over dir"),
    entry("usr/bin", D), entry("loop/x", data=b"x"),
])
write(f"{out}/root-entries.tar", [entry(".", D, mode=0o700), entry("/", D, mode=0o755), entry("./", L, link="x")])
