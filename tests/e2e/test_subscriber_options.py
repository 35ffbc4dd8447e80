"""Subscriber options, as the stock VideoRoom takes them (issue 14 §4, §8):
`crossrefid` in a join's `streams` is echoed in the streams list (`send`
there is ignored, as stock does); configure `send` false stops the media
and true resumes it; the stock options SwiftCall does not act on
yet (spatial_layer, ...) are typed as stock (430); and configure
`restart: true` answers `configured` with a new offer that restarts ICE
(the core's new ice-ufrag). aiortc cannot restart ICE, so the restarted
offer is checked, not answered. Every answer was first observed on the
stock VideoRoom (`--mode stock`).

tests/harness/with-janus.sh --mode compat -- /usr/bin/python3 test_subscriber_options.py
"""
import asyncio
import re

from aiortc import RTCPeerConnection, RTCSessionDescription

from e2e_common import ROOM, check, run
from janus_http import Session
from rtc_clients import Participant, _wait_ice_gathering


def ufrags(sdp):
    return set(re.findall(r"a=ice-ufrag:(\S+)", sdp))


async def main():
    red = Participant(ROOM, "red")
    session = None
    pc = None
    frames = {"video": 0}

    async def consume(track):
        while True:
            try:
                await track.recv()
            except Exception:
                return
            frames[track.kind] = frames.get(track.kind, 0) + 1

    try:
        await red.join()
        await red.publish(rgb=(220, 20, 20))
        session = await Session().create()
        h = await session.attach()

        d, _ = await h.request({"request": "join", "ptype": "subscriber", "room": ROOM,
                                "streams": [{"feed": red.id, "spatial_layer": "high"}]})
        check(d.get("error_code") == 430, f"spatial_layer of the wrong type: {d}")

        d, offer = await h.request({"request": "join", "ptype": "subscriber", "room": ROOM,
                                    "streams": [{"feed": red.id, "send": False, "crossrefid": "cam",
                                                 "temporal_layer": 1}]})
        check(d.get("videoroom") == "attached" and offer, f"join: {d}")
        streams = d.get("streams", [])
        check(streams and all(s.get("crossrefid") == "cam" for s in streams),
              f"crossrefid not echoed: {streams}")
        check(all(s.get("send") is True for s in streams), f"send in a join is not for join: {streams}")

        pc = RTCPeerConnection()

        @pc.on("track")
        def on_track(track):
            asyncio.ensure_future(consume(track))

        await pc.setRemoteDescription(RTCSessionDescription(sdp=offer["sdp"], type="offer"))
        await pc.setLocalDescription(await pc.createAnswer())
        await _wait_ice_gathering(pc)
        d, _ = await h.request({"request": "start"}, {"type": "answer", "sdp": pc.localDescription.sdp})
        check(d.get("started") == "ok", f"start: {d}")
        loop = asyncio.get_running_loop()

        async def frames_within(seconds, want):
            end = loop.time() + seconds
            start = frames["video"]
            while frames["video"] - start < want and loop.time() < end:
                await asyncio.sleep(0.2)
            return frames["video"] - start

        check(await frames_within(20, 20) >= 20, f"no video decoded: {frames}")
        d, _ = await h.request({"request": "configure", "send": False})
        check(d.get("configured") == "ok", f"configure send false: {d}")
        await asyncio.sleep(1)  # what was in flight
        stopped = await frames_within(3, 1000)
        check(stopped <= 2, f"configure send false, yet {stopped} video frames in 3 s")
        d, _ = await h.request({"request": "configure", "send": True})
        check(d.get("configured") == "ok", f"configure send true: {d}")
        resumed = await frames_within(20, 20)
        check(resumed >= 20, f"configure send true: only {resumed} video frames")

        d, restarted = await h.request({"request": "configure", "restart": True})
        check(d.get("configured") == "ok" and restarted and restarted.get("type") == "offer",
              f"configure restart: want 'configured' with an offer, got {d} {restarted}")
        old, new = ufrags(offer["sdp"]), ufrags(restarted["sdp"])
        check(new and not (old & new), f"the restart offer keeps the ICE ufrag: {old} -> {new}")
    finally:
        if pc:
            await pc.close()
        if session:
            await session.destroy()
        await red.close()


if __name__ == "__main__":
    run(main())
