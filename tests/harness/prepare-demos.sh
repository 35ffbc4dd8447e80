#!/bin/sh
# prepare-demos.sh <dest> [janus-http-port] — a servable copy of Debian's stock
# Janus demos (janus-demos), unmodified except settings.js: Debian's copy does
# not define `token`/`apisecret` (the demos throw "token is not defined" on
# Start) and points at no ICE servers we may use. Symlinks into
# /usr/share/javascript (jquery, bootstrap, adapter...) are copied as files so
# the copy is self-contained; nothing is fetched from any network.
set -eu
dest=${1:?usage: prepare-demos.sh <dest> [port]}
port=${2:-8088}
src=/usr/share/janus/demos
[ -f "$src/videoroomtest.html" ] || { echo "prepare-demos: $src missing (apt-get install janus-demos)" >&2; exit 1; }
rm -rf "$dest"
mkdir -p "$dest"
cp -rL "$src/." "$dest/"
cat > "$dest/settings.js" <<JS
// Written by SwiftCall's prepare-demos.sh: Janus's REST API on the host that
// served this page; no token, no API secret, no STUN/TURN (host candidates).
var server = "http://" + window.location.hostname + ":$port/janus";
var iceServers = [];
var token = null;
var apisecret = null;
JS
