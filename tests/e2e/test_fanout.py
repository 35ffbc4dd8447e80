"""One aiortc publisher (VP8 + Opus, generated media) fanned out to N aiortc
subscribers; every subscriber must decrypt and decode both audio and video.

Run inside a harness namespace: tests/harness/with-janus.sh -- /usr/bin/python3 test_fanout.py [N]
"""
import asyncio
import sys

from e2e_common import ROOM, check, run
from rtc_clients import Participant, Subscriber

MIN_VIDEO = 40   # ~1.5 s of 30 fps, after ICE + DTLS + keyframe
MIN_AUDIO = 75   # 1.5 s of 20 ms Opus frames


async def main(n):
    pub = Participant(ROOM, "fanout-pub")
    await pub.join()
    await pub.publish(rgb=(200, 30, 30), size=(320, 240))
    subs = [Subscriber(ROOM, private_id=None) for _ in range(n)]
    try:
        await asyncio.gather(*(s.subscribe([pub.id]) for s in subs))
        await asyncio.gather(*(s.wait_frames(MIN_VIDEO, MIN_AUDIO, timeout=30) for s in subs))
        for i, s in enumerate(subs):
            print(f"subscriber {i}: video frames {s.video_frames}, audio frames {s.audio_frames}, last {s.last_video}")
            check(s.video_frames >= MIN_VIDEO, f"subscriber {i} decoded {s.video_frames} video frames (< {MIN_VIDEO})")
            check(s.audio_frames >= MIN_AUDIO, f"subscriber {i} decoded {s.audio_frames} audio frames (< {MIN_AUDIO})")
            w, h, rgb = s.last_video
            check((w, h) == (320, 240), f"subscriber {i} got {w}x{h}, expected 320x240")
            check(rgb[0] > 120 and rgb[1] < 90 and rgb[2] < 90, f"subscriber {i} colour {rgb} is not the publisher's red")
    finally:
        for s in subs:
            await s.close()
        await pub.close()


if __name__ == "__main__":
    run(main(int(sys.argv[1]) if len(sys.argv) > 1 else 3))
