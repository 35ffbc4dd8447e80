#!/bin/sh
# Fetch and unpack Debian's source package `janus` at exactly the version of
# the installed gateway, so that plugin/janus/ compiles against the same
# internal headers (ice.h, dtls.h, ...) the running binary was built from.
#
# usage: fetch-janus-source.sh <cache-dir> [<debian-version>]
# Prints the unpacked tree (…/janus-gateway-<upstream>) on the last line.
# Idempotent: an already unpacked tree is reused without touching the network.
#
# No archive host is written here: when apt has no deb-src entry, one is
# derived at run time from the URIs of the existing deb entries.
set -eu

die() { echo "fetch-janus-source: $*" >&2; exit 1; }

[ $# -ge 1 ] || die "usage: $0 <cache-dir> [<debian-version>]"
cache=$1
version=${2:-$(dpkg-query -W -f='${Version}' janus 2>/dev/null || true)}
[ -n "$version" ] || die "package 'janus' is not installed and no version was given"

# 1:1.1.2-1 -> 1.1.2 (drop epoch and Debian revision)
upstream=${version#*:}
upstream=${upstream%-*}
tree=$cache/janus-gateway-$upstream

if [ -f "$tree/src/ice.h" ] && [ -f "$tree/src/dtls.h" ]; then
    echo "$tree"
    exit 0
fi

# Overridable for tests of this script only.
sources_dir=${SWIFTCALL_APT_SOURCES_DIR:-/etc/apt/sources.list.d}

has_deb_src() {
    grep -Eqs '^[[:space:]]*deb-src[[:space:]]' /etc/apt/sources.list "$sources_dir"/*.list && return 0
    grep -Eqs '^Types:.*deb-src' "$sources_dir"/*.sources && return 0
    return 1
}

# Same stanzas as debian.sources (URIs, suites, keyring), but for sources.
write_deb_src() {
    src=$sources_dir/debian.sources
    [ -r "$src" ] || die "no deb-src entry and no $src to derive one from"
    out=$sources_dir/swiftcall-janus-src.sources
    sed -e 's/^Types:.*$/Types: deb-src/' "$src" > "$out.tmp" || die "cannot write $out"
    mv "$out.tmp" "$out"
    echo "fetch-janus-source: wrote $out (derived from $src)" >&2
}

if ! has_deb_src; then
    [ "$(id -u)" = 0 ] || die "no deb-src entry in apt sources; run once as root or pass -DJANUS_SOURCE_DIR=<tree>"
    write_deb_src
    [ -z "${SWIFTCALL_APT_SOURCES_DIR:-}" ] || exit 0
    apt-get update -qq >&2 || die "apt-get update failed"
fi

mkdir -p "$cache"
orig=$cache/janus_$upstream.orig.tar.gz
if [ ! -f "$orig" ]; then
    # The Debian tarball may be missing from the mirror (404); the orig
    # tarball alone holds every header we need, so only its absence is fatal.
    (cd "$cache" && apt-get source --download-only "janus=$version" >&2) ||
        echo "fetch-janus-source: apt-get source reported an error; checking what arrived" >&2
    if [ ! -f "$orig" ] && [ -n "$(ls "$cache"/janus_"$upstream".orig.tar.* 2>/dev/null)" ]; then
        orig=$(ls "$cache"/janus_"$upstream".orig.tar.* | head -n 1)
    fi
    [ -f "$orig" ] || {
        # A stale package index is the usual cause: refresh once as root.
        [ "$(id -u)" = 0 ] && apt-get update -qq >&2 &&
            (cd "$cache" && apt-get source --download-only "janus=$version" >&2) || true
        [ -f "$orig" ] || die "could not download janus_$upstream.orig.tar.* (janus=$version) into $cache"
    }
fi

tmp=$(mktemp -d "$cache/.unpack.XXXXXX")
tar -xf "$orig" -C "$tmp" || { rm -rf "$tmp"; die "cannot unpack $orig"; }
top=$(ls "$tmp")
[ -f "$tmp/$top/src/ice.h" ] || { rm -rf "$tmp"; die "$orig has no src/ice.h"; }
rm -rf "$tree"
mv "$tmp/$top" "$tree"
rmdir "$tmp"
echo "$tree"
