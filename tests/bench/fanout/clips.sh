#!/usr/bin/env bash
# The load client's media, encoded with GStreamer (Debian gstreamer1.0-tools
# and -plugins-good): one file per VP8 frame, one per 20 ms Opus packet.
#
#   clips.sh DIR [FRAMES] [--simulcast]
#
# DIR/v*.vp8: 640x480 30 fps CBR 1.5 Mbps, a keyframe every 30 frames;
# DIR/a*.opus: 48 kbps. --simulcast adds the same scene as three layers,
# DIR/q (160x120, 150 kbps), DIR/h (320x240, 500 kbps), DIR/f (640x480,
# 1.5 Mbps), keyframes aligned: what a browser's simulcast sends. A folder
# already holding its last frame is left as it is.
set -euo pipefail
dir=${1:?usage: clips.sh DIR [FRAMES] [--simulcast]}
frames=${2:-300}
simulcast=0
for a in "$@"; do [ "$a" = --simulcast ] && simulcast=1; done
[[ $frames =~ ^[0-9]+$ ]] || frames=300
last=$(printf '%05d' $((frames - 1)))

vp8() {  # folder width height bitrate
    mkdir -p "$1"
    [ -f "$1/v$last.vp8" ] && return 0
    gst-launch-1.0 -q videotestsrc pattern=smpte horizontal-speed=5 num-buffers="$frames" \
        ! video/x-raw,width="$2",height="$3",framerate=30/1 \
        ! vp8enc target-bitrate="$4" end-usage=cbr keyframe-max-dist=30 deadline=1 threads=1 \
        ! multifilesink location="$1/v%05d.vp8"
}

vp8 "$dir" 640 480 1500000
audio_last=$(printf '%05d' $((frames * 5 / 3 - 1)))
if [ ! -f "$dir/a$audio_last.opus" ]; then
    gst-launch-1.0 -q audiotestsrc wave=pink-noise num-buffers=$((frames * 5 / 3)) samplesperbuffer=960 \
        ! audio/x-raw,rate=48000,channels=2 ! opusenc bitrate=48000 frame-size=20 \
        ! multifilesink location="$dir/a%05d.opus"
fi
if [ $simulcast = 1 ]; then
    vp8 "$dir/q" 160 120 150000
    vp8 "$dir/h" 320 240 500000
    vp8 "$dir/f" 640 480 1500000
fi
