"""A publisher leaves and re-joins: the other participants see `unpublished`
and `leaving` for the old feed and a `publishers` event for the new one, and
subscribers can subscribe to the new feed and decode it (new colour).

tests/harness/with-janus.sh -- /usr/bin/python3 test_rejoin.py
"""
import asyncio

from e2e_common import ROOM, check, run
from rtc_clients import Participant, Subscriber

N = 3


def has_publisher(feed):
    return lambda d: any(p.get("id") == feed for p in d.get("publishers", []))


async def decode(subs, label, rgb_ok, size):
    before = [(s.video_frames, s.audio_frames) for s in subs]
    await asyncio.gather(*(s.wait_frames(b[0] + 30, b[1] + 50, timeout=30) for s, b in zip(subs, before)))
    for i, s in enumerate(subs):
        print(f"{label} subscriber {i}: video {s.video_frames} audio {s.audio_frames} last {s.last_video}")
        check(s.video_frames >= 30 and s.audio_frames >= 50, f"{label}: subscriber {i} decoded too little")
        check(s.last_video and s.last_video[:2] == size and rgb_ok(s.last_video[2]),
              f"{label}: subscriber {i} last frame {s.last_video}, expected {size} of the right colour")


async def main():
    watchers = [Participant(ROOM, f"watcher-{i}") for i in range(N)]
    await asyncio.gather(*(w.join() for w in watchers))
    pub = Participant(ROOM, "rejoin-pub")
    await pub.join()
    await pub.publish(rgb=(220, 20, 20), size=(320, 240))
    old = pub.id
    # A second publish while the PeerConnection is up: 434, as stock.
    data, _ = await pub.handle.request({"request": "publish", "audio": True})
    check(data.get("error_code") == 434, f"second publish answer {data}")
    for i, w in enumerate(watchers):
        await w.handle.next_event(has_publisher(old), timeout=10)
    subs = [Subscriber(ROOM) for _ in range(N)]
    subs2 = []
    try:
        await asyncio.gather(*(s.subscribe([old]) for s in subs))
        await decode(subs, "first feed", lambda c: c[0] > 150 and c[1] < 80, (320, 240))

        # Unpublish first (others get `unpublished`), then leave (`leaving`);
        # the stock VideoRoom sends only `leaving` for a publisher that leaves
        # while still publishing.
        data, _ = await pub.handle.request({"request": "unpublish"})
        check(data.get("unpublished") == "ok", f"unpublish answer {data}")
        for i, w in enumerate(watchers):
            await w.handle.next_event(lambda d: d.get("unpublished") == old, timeout=10)
        await asyncio.sleep(0.5)
        counts = [s.video_frames for s in subs]
        await asyncio.sleep(1.5)
        for i, (s, c) in enumerate(zip(subs, counts)):
            check(s.video_frames - c < 5, f"subscriber {i} still decodes the unpublished feed ({s.video_frames - c} frames)")
        await pub.leave()
        for i, w in enumerate(watchers):
            await w.handle.next_event(lambda d: d.get("leaving") == old, timeout=10)
            print(f"watcher {i}: saw unpublished and leaving for {old}")

        pub2 = Participant(ROOM, "rejoin-pub")
        await pub2.join()
        await pub2.publish(rgb=(20, 200, 20), size=(240, 160))
        new = pub2.id
        check(new != old, "re-joined publisher got the same id")
        for i, w in enumerate(watchers):
            d, _ = await w.handle.next_event(has_publisher(new), timeout=10)
            p = next(p for p in d["publishers"] if p["id"] == new)
            check(p.get("display") == "rejoin-pub", f"watcher {i}: new publisher display {p.get('display')}")
            kinds = sorted(s.get("type") for s in p.get("streams", []))
            check(kinds == ["audio", "video"], f"watcher {i}: new publisher streams {kinds}")
        for s in subs:
            await s.close()
        subs2 = [Subscriber(ROOM) for _ in range(N)]
        await asyncio.gather(*(s.subscribe([new]) for s in subs2))
        await decode(subs2, "re-joined feed", lambda c: c[1] > 150 and c[0] < 80, (240, 160))
        await pub2.close()
    finally:
        for s in subs + subs2:
            await s.close()
        for w in watchers:
            await w.close()
        await pub.close()


if __name__ == "__main__":
    run(main())
