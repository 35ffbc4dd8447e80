"""Subscription changes while an offer is out (issue 14, item 5), as the
stock VideoRoom does them: a subscriber's offer is out until its answer
arrives. A `subscribe` meanwhile is not offered at once: the answer is
`updating` (no JSEP), and the new offer follows as an `updated` event right
after the subscriber's answer, so two offers are never in flight. A change
that changes nothing (`unsubscribe` of a feed not subscribed) is acked as
`updated` with no offer. The subscriber then decodes both feeds on one
PeerConnection. Every answer was first observed on the stock VideoRoom
(`--mode stock`).

tests/harness/with-janus.sh --mode compat -- /usr/bin/python3 test_subscription_updates.py
"""
import asyncio

from aiortc import RTCPeerConnection, RTCSessionDescription

from e2e_common import ROOM, check, run
from janus_http import Session
from rtc_clients import Participant, _wait_ice_gathering


async def answer(pc, handle, jsep):
    await pc.setRemoteDescription(RTCSessionDescription(sdp=jsep["sdp"], type=jsep["type"]))
    await pc.setLocalDescription(await pc.createAnswer())
    await _wait_ice_gathering(pc)
    return await handle.request({"request": "start"},
                                {"type": "answer", "sdp": pc.localDescription.sdp})


async def main():
    red = Participant(ROOM, "red")
    blue = Participant(ROOM, "blue")
    session = None
    pc = None
    frames = {}  # track -> decoded frames

    async def consume(track):
        frames[track] = 0
        while True:
            try:
                await track.recv()
            except Exception:
                return
            frames[track] += 1

    try:
        await red.join()
        await red.publish(rgb=(220, 20, 20))
        await blue.join()
        await blue.publish(rgb=(20, 20, 220), size=(240, 160))

        session = await Session().create()
        h = await session.attach()
        d, first_offer = await h.request({"request": "join", "ptype": "subscriber", "room": ROOM,
                                          "streams": [{"feed": red.id}]})
        check(d.get("videoroom") == "attached" and first_offer, f"join: {d}")

        # The first offer is unanswered: the change is held back.
        d, jsep = await h.request({"request": "subscribe", "streams": [{"feed": blue.id}]})
        check(d.get("videoroom") == "updating" and jsep is None,
              f"subscribe with an offer out: want 'updating' and no JSEP, got {d} {jsep}")
        # Nothing to change: an ack, no offer.
        d, jsep = await h.request({"request": "update", "unsubscribe": [{"feed": 424242}]})
        check(d.get("videoroom") == "updated" and jsep is None and "streams" not in d,
              f"an update that changes nothing: want a bare 'updated', got {d} {jsep}")

        pc = RTCPeerConnection()

        @pc.on("track")
        def on_track(track):
            asyncio.ensure_future(consume(track))

        d, _ = await answer(pc, h, first_offer)
        check(d.get("started") == "ok", f"start: {d}")
        # The held-back offer follows the answer, with both feeds' streams.
        d, offer = await h.next_event(lambda e: e.get("videoroom") == "updated", timeout=10)
        check(offer and offer.get("type") == "offer", f"no offer after the answer: {d} {offer}")
        feeds = {s.get("feed_id") for s in d.get("streams", []) if s.get("active", True)}
        check({red.id, blue.id} <= feeds, f"updated streams lack a feed: {d.get('streams')}")
        check(offer["sdp"].count("m=video") == 2, "the new offer should carry two video m-lines")
        d, _ = await answer(pc, h, offer)
        check(d.get("started") == "ok", f"start after the update: {d}")

        # Both feeds decode on the one PeerConnection.
        loop = asyncio.get_running_loop()
        end = loop.time() + 30
        while loop.time() < end:
            video = [n for t, n in frames.items() if t.kind == "video"]
            if len(video) == 2 and min(video) >= 20:
                break
            await asyncio.sleep(0.3)
        video = [n for t, n in frames.items() if t.kind == "video"]
        check(len(video) == 2 and min(video) >= 20,
              f"want two decoding video tracks (>= 20 frames each), got {video}")

        # Answered now: a change is offered at once.
        d, jsep = await h.request({"request": "subscribe", "streams": [{"feed": blue.id}]})
        check(d.get("videoroom") == "updated" and jsep and jsep.get("type") == "offer",
              f"subscribe after the answer: want 'updated' with an offer, got {d} {jsep}")
    finally:
        if pc:
            await pc.close()
        if session:
            await session.destroy()
        await red.close()
        await blue.close()


if __name__ == "__main__":
    run(main())
