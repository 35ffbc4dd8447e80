"""moderate (issue 15), as the stock VideoRoom does it: a moderator with the
room secret mutes one stream (mid) of a publisher for every subscriber, and
unmutes it. Muted video stops reaching both subscribers while audio goes
on, and comes back after the unmute. On SwiftCall the muted stream's legs
leave the kernel (path reason names the moderator), so kernel-served
subscribers are muted too (ctest runs this with datapath=kernel as well).
Every participant, the moderated one included, gets the `moderation` event.
Every answer was first observed on the stock VideoRoom (`--mode stock`).

tests/harness/with-janus.sh --mode compat -- /usr/bin/python3 test_moderate.py
"""
import asyncio
import os

from e2e_common import check, run
from janus_http import Session
from kernel_common import plugin_info, wait_path
from rtc_clients import Participant, Subscriber

MROOM = 870101
SECRET = "m-secret"
STOCK = os.environ.get("SC_MODE") == "stock"
KERNEL = os.environ.get("SC_DATAPATH") == "kernel"  # set by ctest's datapath=kernel entry


async def gained(subs, seconds):
    before = [(s.video_frames, s.audio_frames) for s in subs]
    await asyncio.sleep(seconds)
    return [(s.video_frames - v, s.audio_frames - a) for s, (v, a) in zip(subs, before)]


async def main():
    session = await Session().create()
    admin = await session.attach()
    d, _ = await admin.request({"request": "create", "room": MROOM, "secret": SECRET, "publishers": 4})
    check(d.get("videoroom") == "created", f"create: {d}")
    speaker = Participant(MROOM, "speaker")
    listener = Participant(MROOM, "listener")
    subs = [Subscriber(MROOM), Subscriber(MROOM)]
    try:
        await speaker.join()
        await speaker.publish(rgb=(200, 120, 20))
        await listener.join()
        for s in subs:
            await s.subscribe([speaker.id])
        await asyncio.gather(*(s.wait_frames(20, 20, timeout=30) for s in subs))
        if KERNEL:
            for s in subs:
                await wait_path(s, "kernel")
        # The publisher's own mids, from a subscriber's view of the feed.
        video_mid = next(st["feed_mid"] for st in subs[0].streams if st.get("type") == "video")

        base = {"request": "moderate", "room": MROOM, "id": speaker.id, "mid": video_mid}
        d, _ = await admin.request(base)
        check(d.get("error_code") == 429, f"moderate without mute: {d}")
        d, _ = await admin.request({**base, "mute": True})
        check(d.get("error_code") == 429, f"moderate without the secret: {d}")
        d, _ = await admin.request({**base, "mute": True, "secret": "wrong"})
        check(d.get("error_code") == 433, f"moderate with a wrong secret: {d}")
        d, _ = await admin.request({**base, "mute": True, "secret": SECRET, "id": 424242})
        check(d.get("error_code") == 428, f"moderate an unknown user: {d}")
        d, _ = await admin.request({**base, "mute": True, "secret": SECRET, "mid": "77"})
        check(d.get("error_code") == 428, f"moderate an unknown mid: {d}")

        d, _ = await admin.request({**base, "mute": True, "secret": SECRET})
        check(d.get("videoroom") == "success", f"moderate mute: {d}")
        for who in (speaker, listener):
            ev, _ = await who.handle.next_event(lambda e: "moderation" in e, timeout=10)
            check(ev.get("moderation") == "muted" and ev.get("id") == speaker.id
                  and ev.get("mid") == video_mid, f"{who.display} got {ev}")
        if not STOCK:
            for s in subs:
                streams = (await plugin_info(s))["streams"]
                leg = next(st for st in streams if st["mid"] == s.sub_mid("video"))
                check(leg["path"] == "user" and "moderator" in leg["path_reason"],
                      f"a muted leg must be on the user path, with the reason: {leg}")
        await asyncio.sleep(1)  # what was in flight
        muted = await gained(subs, 3)
        check(all(v <= 2 and a >= 50 for v, a in muted),
              f"muted video: want no video and ongoing audio, got (video, audio) {muted}")

        d, _ = await admin.request({**base, "mute": False, "secret": SECRET})
        check(d.get("videoroom") == "success", f"moderate unmute: {d}")
        ev, _ = await speaker.handle.next_event(lambda e: "moderation" in e, timeout=10)
        check(ev.get("moderation") == "unmuted", f"unmute event: {ev}")
        back = [0, 0]
        loop = asyncio.get_running_loop()
        end = loop.time() + 20
        start = [s.video_frames for s in subs]
        while loop.time() < end:
            back = [s.video_frames - f for s, f in zip(subs, start)]
            if min(back) >= 20:
                break
            await asyncio.sleep(0.3)
        check(min(back) >= 20, f"video did not come back after the unmute: {back} frames")
        if KERNEL:
            for s in subs:
                await wait_path(s, "kernel")  # and the legs went back to the kernel
    finally:
        for s in subs:
            await s.close()
        await speaker.close()
        await listener.close()
        await session.destroy()


if __name__ == "__main__":
    run(main())
