"""autoupdate (issue 14, item 5), as the stock VideoRoom does it: when a
feed goes away, each subscriber that had its streams gets a new offer at
once, an `updated` event with no transaction, unless it joined with
"autoupdate": false; then it gets nothing, and its next update offers even
if that update changes nothing else. The remaining feed keeps decoding
after the subscriber applies the new offer. Every answer was first observed
on the stock VideoRoom (`--mode stock`).

tests/harness/with-janus.sh --mode compat -- /usr/bin/python3 test_autoupdate.py
"""
import asyncio

from aiortc import RTCPeerConnection, RTCSessionDescription

from e2e_common import ROOM, check, run
from janus_http import Session
from rtc_clients import Participant, Subscriber, _wait_ice_gathering


async def answer(pc, handle, jsep):
    await pc.setRemoteDescription(RTCSessionDescription(sdp=jsep["sdp"], type=jsep["type"]))
    await pc.setLocalDescription(await pc.createAnswer())
    await _wait_ice_gathering(pc)
    d, _ = await handle.request({"request": "start"},
                                {"type": "answer", "sdp": pc.localDescription.sdp})
    check(d.get("started") == "ok", f"start: {d}")


async def main():
    red = Participant(ROOM, "red")
    blue = Participant(ROOM, "blue")
    auto = Subscriber(ROOM)
    manual_session = None
    manual_pc = None
    try:
        await red.join()
        await red.publish(rgb=(220, 20, 20))
        await blue.join()
        await blue.publish(rgb=(20, 20, 220), size=(240, 160))
        await auto.subscribe([red.id, blue.id])
        check(await auto.wait_frames(20, 20, timeout=30), "the subscriber does not decode")

        # The same subscription with autoupdate off.
        manual_session = await Session().create()
        manual = await manual_session.attach()
        d, offer = await manual.request({"request": "join", "ptype": "subscriber", "room": ROOM,
                                         "autoupdate": False,
                                         "streams": [{"feed": red.id}, {"feed": blue.id}]})
        check(d.get("videoroom") == "attached" and offer, f"join with autoupdate false: {d}")
        manual_pc = RTCPeerConnection()
        await answer(manual_pc, manual, offer)

        d, _ = await blue.handle.request({"request": "unpublish"})
        check(d.get("unpublished") == "ok", f"unpublish: {d}")

        d, offer = await auto.handle.next_event(lambda e: e.get("videoroom") == "updated", timeout=10)
        check(offer and offer.get("type") == "offer", f"autoupdate: an 'updated' without an offer: {d}")
        gone = [s for s in d.get("streams", []) if s.get("active") is False]
        check(len(gone) == 2, f"want blue's audio and video inactive in the update: {d.get('streams')}")
        check(all(s.get("feed_id") != blue.id for s in d.get("streams", []) if s.get("active")),
              f"blue is still listed as active: {d.get('streams')}")
        await answer(auto.pc, auto.handle, offer)
        before = auto.video_frames
        await asyncio.sleep(2)
        check(auto.video_frames - before >= 10,
              f"red stopped decoding after the autoupdate ({auto.video_frames - before} frames in 2 s)")

        # autoupdate off: nothing is offered...
        try:
            d, _ = await manual.next_event(lambda e: e.get("videoroom") == "updated", timeout=3)
            check(False, f"autoupdate false, yet an update came: {d}")
        except asyncio.TimeoutError:
            pass
        # ...until the next update, which offers though it changes nothing.
        d, offer = await manual.request({"request": "update", "unsubscribe": [{"feed": 424242}]})
        check(d.get("videoroom") == "updated" and offer and offer.get("type") == "offer",
              f"the update after a skipped autoupdate must offer: {d} {offer}")
        await answer(manual_pc, manual, offer)
    finally:
        if manual_pc:
            await manual_pc.close()
        if manual_session:
            await manual_session.destroy()
        await auto.close()
        await red.close()
        await blue.close()


if __name__ == "__main__":
    run(main())
