"""kick, as the stock VideoRoom does it (issue 15): the kicked publisher gets
`leaving: ok, reason: kicked` and its PeerConnection is closed; its handle
is in no room (configure 426, join 425 "create a new handle"); a second
kick is 428; in a room with
require_pvtid its own subscriptions stop getting media and cannot be
configured (433); other participants are unaffected. Every expected answer
was first observed on the stock VideoRoom (`--mode stock`). The room secret guards
kick (429 missing, 433 wrong).

tests/harness/with-janus.sh -- /usr/bin/python3 test_kick.py
(--mode stock runs the same script against the stock VideoRoom.)
"""
import asyncio

from e2e_common import check, run
from janus_http import Session
from rtc_clients import Participant, Subscriber

KROOM = 870001
SECRET = "k-secret"


async def frames_in(sub, seconds):
    before = sub.video_frames
    await asyncio.sleep(seconds)
    return sub.video_frames - before


async def main():
    admin_session = await Session().create()
    admin = await admin_session.attach()
    d, _ = await admin.request({"request": "create", "room": KROOM, "secret": SECRET,
                                "require_pvtid": True, "publishers": 6})
    check(d.get("videoroom") == "created", f"create: {d}")
    victim = Participant(KROOM, "kick-me")
    other = Participant(KROOM, "stays")
    subs = []
    try:
        await victim.join()
        await victim.publish(rgb=(200, 30, 30))
        await other.join()
        await other.publish(rgb=(30, 200, 30))
        # The victim's own subscription (same private_id) and a bystander's.
        own = Subscriber(KROOM, private_id=victim.private_id)
        bystander = Subscriber(KROOM, private_id=other.private_id)
        watcher = Subscriber(KROOM, private_id=other.private_id)
        subs = [own, bystander, watcher]
        await own.subscribe([other.id])
        await bystander.subscribe([other.id])
        await watcher.subscribe([victim.id])
        await asyncio.gather(own.wait_frames(20, 0), bystander.wait_frames(20, 0),
                             watcher.wait_frames(20, 0))

        d, _ = await admin.request({"request": "kick", "room": KROOM, "id": victim.id})
        check(d.get("error_code") == 429, f"kick without the secret: {d}")
        d, _ = await admin.request({"request": "kick", "room": KROOM, "id": victim.id, "secret": "x"})
        check(d.get("error_code") == 433, f"kick with a wrong secret: {d}")
        d, _ = await admin.request({"request": "kick", "room": KROOM, "id": victim.id, "secret": SECRET})
        check(d.get("videoroom") == "success", f"kick: {d}")
        ev, _ = await victim.handle.next_event(lambda e: e.get("leaving") == "ok", timeout=10)
        check(ev.get("reason") == "kicked", f"kicked publisher's event: {ev}")
        ev, _ = await other.handle.next_event(lambda e: "kicked" in e or "leaving" in e, timeout=10)
        print(f"other publisher saw {ev}")
        check(ev.get("kicked") == victim.id or ev.get("leaving") == victim.id,
              f"other publisher not told of the kick: {ev}")

        d, _ = await admin.request({"request": "kick", "room": KROOM, "id": victim.id, "secret": SECRET})
        print(f"second kick: {d}")
        check(d.get("error_code") == 428, f"second kick of a user no longer in the room: {d}")

        # The kicked handle can neither publish nor join again.
        d, _ = await victim.handle.request({"request": "configure", "bitrate": 100000})
        print(f"kicked handle configure: {d}")
        check(d.get("error_code") == 426, f"configure on the kicked handle: {d}")
        d, _ = await victim.handle.request({"request": "join", "ptype": "publisher", "room": KROOM})
        print(f"kicked handle join: {d}")
        check(d.get("error_code") == 425, f"join on the kicked handle: {d}")

        # Its own subscription (require_pvtid) gets no more media and refuses
        # configure; the bystander's is unaffected.
        await asyncio.sleep(1.0)
        own_frames = await frames_in(own, 2.0)
        by_frames = await frames_in(bystander, 2.0)
        print(f"after the kick: own subscription {own_frames} frames in 2 s, bystander {by_frames}")
        check(own_frames < 5, f"the kicked user's subscription still decodes ({own_frames} frames)")
        check(by_frames >= 20, f"the bystander stopped decoding ({by_frames} frames)")
        d, _ = await own.handle.request({"request": "configure", "substream": 0})
        print(f"kicked user's subscription configure: {d}")
        check(d.get("error_code") == 433, f"configure on the kicked user's subscription: {d}")
        watched = await frames_in(watcher, 2.0)
        check(watched < 5, f"the kicked publisher's feed still decodes ({watched} frames)")
    finally:
        for s in subs:
            await s.close()
        await victim.close()
        await other.close()
        await admin.request({"request": "destroy", "room": KROOM, "secret": SECRET})
        await admin_session.destroy()
    print("kick: all checks passed")


if __name__ == "__main__":
    run(main())
