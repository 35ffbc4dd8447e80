"""Shared bits of the kernel-path e2e tests: a room with one aiortc publisher
and N subscribers, the plugin's view of a subscriber (admin handle_info) and
of the kernel (admin message_plugin {"request": "datapath"})."""
import asyncio
import os
import time

from e2e_common import ROOM, check
from janus_http import admin
from rtc_clients import Participant, Subscriber


async def handle_info(session_id, handle_id):
    return (await admin("handle_info", session_id=session_id, handle_id=handle_id))["info"]


async def plugin_info(sub):
    """SwiftCall's query_session for a subscriber: streams, transport."""
    return (await handle_info(sub.session.id, sub.handle.id))["plugin_specific"]


async def datapath():
    """The live kernel view: availability, attached interfaces, legs, counters."""
    reply = await admin("message_plugin", plugin=os.environ.get("SC_PACKAGE", "janus.plugin.swiftcall"),
                        request={"request": "datapath"})
    return reply["response"]["datapath"]


async def wait_path(sub, path, timeout=15):
    """Waits until every leg of sub is on `path`; returns its streams."""
    end = time.monotonic() + timeout
    while True:
        streams = (await plugin_info(sub))["streams"]
        if all(st["path"] == path for st in streams):
            return streams
        check(time.monotonic() < end, f"legs not on the {path} path after {timeout} s: "
                                      f"{[(st['mid'], st['path'], st['path_reason']) for st in streams]}")
        await asyncio.sleep(0.3)


async def video_ssrc(sub):
    """The SSRC Janus sends this subscriber's video with (the bridge's view)."""
    media = (await plugin_info(sub))["transport"]["media"]
    return next(m["local_ssrc"] for m in media if m["type"] == "video")


async def start_room(display, rgb, subscribers, record_wire=False, video=20, audio=40):
    """One publisher (solid `rgb` 320x240 + tone) and decoding subscribers."""
    pub = Participant(ROOM, display)
    await pub.join()
    await pub.publish(rgb=rgb, size=(320, 240))
    subs = [Subscriber(ROOM) for _ in range(subscribers)]
    for s in subs:
        s.record_wire = record_wire
    await asyncio.gather(*(s.subscribe([pub.id]) for s in subs))
    await asyncio.gather(*(s.wait_frames(video, audio, timeout=40) for s in subs))
    return pub, subs


async def close_all(peers):
    """Closes every peer; never hangs on a Janus that is gone."""
    for peer in peers:
        try:
            await asyncio.wait_for(peer.close(), 5)
        except Exception:  # noqa: BLE001
            pass
