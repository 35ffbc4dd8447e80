#!/bin/sh
# prepare-demos.sh <dest> [janus-url] — a servable copy of Debian's stock
# Janus demos (janus-demos), unmodified except settings.js: Debian's copy does
# not define `token`/`apisecret` (the demos throw "token is not defined" on
# Start) and points at no ICE servers we may use. Symlinks into
# /usr/share/javascript (jquery, bootstrap, adapter...) are copied as files so
# the copy is self-contained; nothing is fetched from any network.
set -eu
dest=${1:?usage: prepare-demos.sh <dest> [janus-url]}
# Default: Janus's REST API on the host that served the page, port 8088.
url=${2:-}
src=/usr/share/janus/demos
[ -f "$src/videoroomtest.html" ] || { echo "prepare-demos: $src missing (apt-get install janus-demos)" >&2; exit 1; }
rm -rf "$dest"
mkdir -p "$dest"
cp -rL "$src/." "$dest/"
if [ -n "$url" ]; then
    server="\"$url\""
else
    server='"http://" + window.location.hostname + ":8088/janus"'
fi
cat > "$dest/settings.js" <<JS
// Written by SwiftCall's prepare-demos.sh: Janus's REST API, no token, no
// API secret, no STUN/TURN (host candidates on 127/8 only).
var server = $server;
var iceServers = [];
var token = null;
var apisecret = null;
JS
