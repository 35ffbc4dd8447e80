"""One subscriber PeerConnection carrying two publishers' feeds (multistream
`streams` with two feeds): both videos are decoded, each with its own
publisher's colour and size. Then `pause` stops the media and `start`
resumes it on the same PeerConnection.

tests/harness/with-janus.sh -- /usr/bin/python3 test_pause_multifeed.py
"""
import asyncio
import time

from e2e_common import ROOM, check, run
from rtc_clients import Participant, Subscriber


class TwoFeedSubscriber(Subscriber):
    """Counts decoded video frames per track and keeps each track's last look."""

    def __init__(self, room):
        super().__init__(room)
        self.per_track = {}

    async def _consume(self, track):
        if track.kind != "video":
            return await super()._consume(track)
        key = id(track)
        self.per_track[key] = [0, None]
        while True:
            try:
                frame = await track.recv()
            except Exception:
                return
            self.video_frames += 1
            st = self.per_track[key]
            st[0] += 1
            if st[0] % 5 == 1:
                img = frame.to_ndarray(format="rgb24")
                st[1] = (frame.width, frame.height, tuple(int(v) for v in img.reshape(-1, 3).mean(axis=0)))


async def counts_over(sub, seconds):
    v, a = sub.video_frames, sub.audio_frames
    await asyncio.sleep(seconds)
    return sub.video_frames - v, sub.audio_frames - a


async def main():
    a = Participant(ROOM, "multi-a")
    b = Participant(ROOM, "multi-b")
    await a.join()
    await a.publish(rgb=(220, 20, 20), size=(320, 240))
    await b.join()
    await b.publish(rgb=(20, 20, 220), size=(176, 144))
    sub = TwoFeedSubscriber(ROOM)
    try:
        await sub.subscribe([a.id, b.id])
        kinds = sorted((s.get("feed_id"), s.get("type")) for s in sub.streams)
        check(len(sub.streams) == 4, f"attached.streams should list 2 x (audio, video), got {kinds}")
        end = time.monotonic() + 25
        while time.monotonic() < end:
            looks = sorted(st[1] for st in sub.per_track.values() if st[1])
            if len(looks) == 2 and all(st[0] > 30 for st in sub.per_track.values()):
                break
            await asyncio.sleep(0.3)
        looks = {st[1][:2]: st[1][2] for st in sub.per_track.values() if st[1]}
        print(f"tracks: {[(st[0], st[1]) for st in sub.per_track.values()]}")
        check(set(looks) == {(320, 240), (176, 144)}, f"expected a 320x240 and a 176x144 video, got {looks}")
        check(looks[(320, 240)][0] > 150 and looks[(320, 240)][2] < 80, f"feed A colour {looks[(320, 240)]}")
        check(looks[(176, 144)][2] > 150 and looks[(176, 144)][0] < 80, f"feed B colour {looks[(176, 144)]}")
        check(all(st[0] > 30 for st in sub.per_track.values()), "a feed decoded fewer than 30 frames")

        data, _ = await sub.handle.request({"request": "pause"})
        check(data.get("paused") == "ok", f"pause answer {data}")
        await asyncio.sleep(0.7)
        v, au = await counts_over(sub, 2.0)
        print(f"paused: {v} video, {au} audio frames in 2 s")
        check(v <= 3 and au <= 5, f"media still flows while paused: {v} video, {au} audio frames in 2 s")

        data, _ = await sub.handle.request({"request": "start"})
        check(data.get("started") == "ok", f"start (resume) answer {data}")
        await asyncio.sleep(1.5)
        v, au = await counts_over(sub, 2.0)
        print(f"resumed: {v} video, {au} audio frames in 2 s")
        check(v >= 20 and au >= 50, f"media did not resume: {v} video, {au} audio frames in 2 s")
    finally:
        await sub.close()
        await a.close()
        await b.close()


if __name__ == "__main__":
    run(main())
