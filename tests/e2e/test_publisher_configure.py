"""Publisher configure, as the stock VideoRoom does it (issue 14 §8): a
display change is announced to the other participants
({"videoroom": "event", "id", "display"}); a publish-time audiocodec /
videocodec must be one the room allows (430 "Video codec unavailable in
this room"), compared case-insensitively, and is then the codec used. A
publisher whose PeerConnection is not up yet is no feed (428 to a
subscriber, "publisher": false in listparticipants). In a
notify_joining room a join is announced ("joining") and the joined answer
lists the participants who do not publish ("attendees"). A subscriber's
stream list carries each feed's current display name ("feed_display"). Every
answer was first observed on the stock VideoRoom (`--mode stock`).

tests/harness/with-janus.sh --mode compat -- /usr/bin/python3 test_publisher_configure.py
"""
import asyncio

from aiortc import RTCPeerConnection

from e2e_common import ROOM, check, run
from janus_http import Session
from rtc_clients import ColorVideoTrack, Participant, ToneAudioTrack, _wait_ice_gathering


JOIN_ROOM = 880301


async def offer_with_media():
    pc = RTCPeerConnection()
    pc.addTrack(ColorVideoTrack((10, 200, 10), 320, 240))
    pc.addTrack(ToneAudioTrack())
    await pc.setLocalDescription(await pc.createOffer())
    await _wait_ice_gathering(pc)
    return pc, {"type": "offer", "sdp": pc.localDescription.sdp}


async def main():
    alice = Participant(ROOM, "alice")
    watcher = Participant(ROOM, "watcher")
    wrong = Participant(ROOM, "wrong-codec")
    h264 = Participant(ROOM, "h264")
    dana = Participant(ROOM, "dana")
    pcs = []
    joiners = []
    try:
        await alice.join()
        await watcher.join()
        d, _ = await alice.handle.request({"request": "configure", "display": "alicia"})
        check(d.get("configured") == "ok", f"configure display: {d}")
        ev, _ = await watcher.handle.next_event(lambda e: "display" in e, timeout=10)
        check(ev.get("videoroom") == "event" and ev.get("id") == alice.id
              and ev.get("display") == "alicia", f"display change announced as {ev}")

        # ROOM allows vp8,h264 (harness jcfg): vp9 is refused...
        await wrong.join()
        pc, jsep = await offer_with_media()
        pcs.append(pc)
        d, answer = await wrong.handle.request({"request": "publish", "videocodec": "vp9"}, jsep)
        check(d.get("error_code") == 430 and answer is None,
              f"publish with a codec the room does not allow: {d}")
        # ...H264 (any case) is taken, and the answer uses it.
        await h264.join()
        pc, jsep = await offer_with_media()
        pcs.append(pc)
        d, answer = await h264.handle.request({"request": "publish", "videocodec": "H264"}, jsep)
        check(d.get("configured") == "ok" and answer, f"publish with videocodec H264: {d}")
        video = answer["sdp"].split("m=video", 1)[1].split("m=", 1)[0]
        check("H264/90000" in video and "VP8/90000" not in video,
              f"the answer's video should be H.264 only:\n{video}")

        # h264 published with an offer whose answer it never applied: no
        # PeerConnection, so not a feed yet (stock: "No such feed", 428, and
        # "publisher": false in listparticipants, until its media is up).
        s = await Session().create()
        h = await s.attach()
        d, offer = await h.request({"request": "join", "ptype": "subscriber", "room": ROOM,
                                    "streams": [{"feed": h264.id}]})
        check(d.get("error_code") == 428 and offer is None,
              f"subscribing to a publisher whose PeerConnection is not up: {d}")
        d, _ = await h.request({"request": "listparticipants", "room": ROOM})
        entry = [p for p in d.get("participants", []) if p.get("id") == h264.id]
        check(len(entry) == 1 and entry[0].get("publisher") is False and "talking" not in entry[0],
              f"listparticipants entry of a publisher whose PeerConnection is not up: {entry}")
        await s.destroy()

        # A subscriber's stream list names each feed's publisher
        # ("feed_display"), as it is now: after a rename, the new name.
        await dana.join()
        await dana.publish(rgb=(200, 30, 30))

        async def feed_displays():
            s = await Session().create()
            h = await s.attach()
            d, offer = await h.request({"request": "join", "ptype": "subscriber", "room": ROOM,
                                        "streams": [{"feed": dana.id}]})
            check(d.get("videoroom") == "attached" and offer, f"subscriber join: {d}")
            await s.destroy()
            return [st.get("feed_display") for st in d.get("streams", [])]
        shown = await feed_displays()
        check(len(shown) == 2 and all(x == "dana" for x in shown), f"feed_display before the rename: {shown}")
        d, _ = await dana.handle.request({"request": "configure", "display": "dana-renamed"})
        check(d.get("configured") == "ok", f"configure display: {d}")
        shown = await feed_displays()
        check(len(shown) == 2 and all(x == "dana-renamed" for x in shown),
              f"feed_display after the rename: {shown}")

        # notify_joining: "joining" to the others, "attendees" in joined.
        session = await Session().create()
        admin = await session.attach()
        d, _ = await admin.request({"request": "create", "room": JOIN_ROOM, "notify_joining": True})
        check(d.get("videoroom") == "created", f"create: {d}")
        first = Participant(JOIN_ROOM, "first")
        second = Participant(JOIN_ROOM, "second")
        joiners = [first, second]
        await first.join()
        joined = await second.join()
        check([(a.get("id"), a.get("display")) for a in joined.get("attendees", [])]
              == [(first.id, "first")], f"attendees in joined: {joined}")
        ev, _ = await first.handle.next_event(lambda e: "joining" in e, timeout=10)
        check(ev.get("joining") == {"id": second.id, "display": "second"} and ev.get("room") == JOIN_ROOM,
              f"joining event: {ev}")
        await session.destroy()
    finally:
        for p in joiners:
            await p.close()
        for pc in pcs:
            await pc.close()
        for p in (alice, watcher, wrong, h264, dana):
            await p.close()


if __name__ == "__main__":
    run(main())
