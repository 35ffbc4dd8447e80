"""A subscriber switches feeds: subscribed to publisher A (red 320x240), it
sends `switch` to publisher B (blue 240x160); afterwards it decodes B's frames
on the same PeerConnection, without renegotiation.

tests/harness/with-janus.sh -- /usr/bin/python3 test_switch.py
"""
import asyncio
import time

from e2e_common import ROOM, check, run
from rtc_clients import Participant, Subscriber


def is_red(c):
    return c[0] > 150 and c[2] < 80


def is_blue(c):
    return c[2] > 150 and c[0] < 80


async def wait_for(pred, timeout):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if pred():
            return True
        await asyncio.sleep(0.2)
    return False


async def main():
    a = Participant(ROOM, "switch-a")
    b = Participant(ROOM, "switch-b")
    await a.join()
    await a.publish(rgb=(220, 20, 20), size=(320, 240))
    await b.join()
    await b.publish(rgb=(20, 20, 220), size=(240, 160))
    # A late participant learns both feeds and their mids from `joined`.
    w = Participant(ROOM, "switch-watcher")
    joined = await w.join()
    feeds = {p["id"]: p for p in joined.get("publishers", [])}
    check(a.id in feeds and b.id in feeds, f"joined.publishers lacks A or B: {list(feeds)}")
    mid_b = {s["type"]: s["mid"] for s in feeds[b.id]["streams"]}
    sub = Subscriber(ROOM)
    try:
        await sub.subscribe([a.id])
        ok = await wait_for(lambda: sub.video_frames > 20 and sub.last_video and is_red(sub.last_video[2]), 20)
        check(ok, f"before switch: no red frames from A (frames {sub.video_frames}, last {sub.last_video})")
        check(sub.last_video[:2] == (320, 240), f"before switch: size {sub.last_video[:2]}")
        v0, a0 = sub.video_frames, sub.audio_frames
        data, _ = await sub.handle.request({"request": "switch", "streams": [
            {"feed": b.id, "mid": mid_b["video"], "sub_mid": sub.sub_mid("video")},
            {"feed": b.id, "mid": mid_b["audio"], "sub_mid": sub.sub_mid("audio")},
        ]})
        check(data.get("switched") == "ok", f"switch answer {data}")
        ok = await wait_for(lambda: sub.last_video and is_blue(sub.last_video[2])
                            and sub.last_video[:2] == (240, 160), 20)
        check(ok, f"after switch: no blue 240x160 frames from B (last {sub.last_video})")
        v1 = sub.video_frames
        await asyncio.sleep(1.5)
        print(f"video frames {v0} before switch, {sub.video_frames} now; audio {a0} -> {sub.audio_frames}; last {sub.last_video}")
        check(sub.video_frames - v1 >= 10, f"after switch: only {sub.video_frames - v1} frames in 1.5 s")
        check(sub.audio_frames - a0 >= 30, "after switch: audio stopped")
        check(is_blue(sub.last_video[2]), f"after switch: frames went back to {sub.last_video}")
    finally:
        await sub.close()
        await w.close()
        await a.close()
        await b.close()


if __name__ == "__main__":
    run(main())
