#!/usr/bin/env bash
# Builds the load client (pion/webrtc v3 from Debian's golang-github-pion-*
# packages, GOPATH mode, offline) into OUT; --test also runs its unit tests.
#
#   build-loadclient.sh OUT [--test]
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
out=${1:?usage: build-loadclient.sh OUT [--test]}
command -v go >/dev/null || { echo "build-loadclient: go not found (Debian golang-go)" >&2; exit 1; }
gopath=$(dirname "$out")/.gopath-fanoutload
rm -rf "$gopath/src/fanoutload"
mkdir -p "$gopath/src/fanoutload"
cp "$here"/loadclient/*.go "$here"/loadclient/go.mod "$gopath/src/fanoutload/"
export GO111MODULE=off GOPATH=$gopath:/usr/share/gocode GOCACHE=${GOCACHE:-/tmp/scfan-gocache}
cd "$gopath/src/fanoutload"
go build -o "$out" .
[ "${2:-}" != --test ] || go test . >&2
