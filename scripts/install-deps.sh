#!/usr/bin/env bash
# install-deps.sh — install everything SwiftCall needs to build, run and test
# on Debian 12, as root. Idempotent: only missing packages are installed (and
# `apt-get update` runs only then); npm modules are installed into
# tests/browser from its package-lock.json only when they are missing or stale.
#
#   scripts/install-deps.sh            Debian packages + npm modules
#   scripts/install-deps.sh --no-npm   Debian packages only
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

packages=(
    # the gateway, its public headers and the stock demos
    janus janus-dev janus-demos
    # build: plugin (C++20) against Janus/jansson/glib/OpenSSL/libnice/libsrtp2
    g++ cmake pkg-config libjansson-dev libglib2.0-dev libssl-dev libnice-dev libsrtp2-dev catch2
    # the sealer bench compares OpenSSL with nettle (tests/bench/sealer)
    nettle-dev
    # Janus source package fetch for the internal headers (apt-get source, tar)
    dpkg-dev xz-utils ca-certificates
    # kernel data plane
    libbpf-dev bpftool clang llvm
    # fuzz tests (tests/fuzz): libFuzzer/ASan/UBSan runtimes of that clang, not a clang dependency
    libclang-rt-dev
    # test harness: namespaces/veth, HTTP probes
    iproute2 curl procps
    # real WebRTC clients: aiortc (Debian's /usr/bin/python3), Chromium + playwright-core
    python3 python3-aiortc python3-av python3-numpy chromium
    # benchmark client: pion/webrtc v3 built offline in GOPATH mode; the
    # fan-out bench's clip (GStreamer vp8enc/opusenc) and plots (the bench
    # smoke test runs in ctest)
    golang-go golang-github-pion-webrtc.v3-dev
    gstreamer1.0-tools gstreamer1.0-plugins-base gstreamer1.0-plugins-good python3-matplotlib
    # recordings: janus-pp-rec turns .mjr into media files, ffprobe checks them
    janus-tools ffmpeg
)

[ "$(id -u)" = 0 ] || { echo "install-deps: run as root" >&2; exit 1; }

missing=()
for p in "${packages[@]}"; do
    if [ "$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null)" != "install ok installed" ]; then
        missing+=("$p")
    fi
done
# node/npm: Debian's nodejs + npm, unless a node with its own npm is already
# installed (e.g. a nodejs package that bundles npm and conflicts with Debian's).
command -v node >/dev/null || missing+=(nodejs)
command -v npm >/dev/null || missing+=(npm)
if [ ${#missing[@]} -gt 0 ]; then
    echo "install-deps: installing ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}"
else
    echo "install-deps: all ${#packages[@]} Debian packages present"
fi

# Janus's Debian package enables its systemd unit; in containers without
# systemd as PID 1 nothing starts it, and our harness runs its own instance.

if [ "${1:-}" != "--no-npm" ]; then
    browser=$repo/tests/browser
    stamp=$browser/node_modules/.package-lock.json
    if [ ! -d "$browser/node_modules/playwright-core" ] || [ "$browser/package-lock.json" -nt "$stamp" ]; then
        echo "install-deps: npm ci in tests/browser"
        (cd "$browser" && npm ci --no-audit --no-fund --loglevel=error)
    else
        echo "install-deps: playwright-core present in tests/browser/node_modules"
    fi
fi
