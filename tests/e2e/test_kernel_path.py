"""The kernel path with real peers: one aiortc publisher (VP8 + Opus) and N
aiortc subscribers whose legs the TC program serves.

Asserts, per subscriber: it decodes audio and video; every one of its legs
reports path "kernel"; the kernel sent (nearly) all its packets, i.e. the
user path forwarded only the few packets before the leg was aligned; Janus's
own outgoing RTP counters for its PeerConnection stay near zero; the kernel's
per-leg counters rise. Then one subscriber leaves: its legs leave the maps
and the others keep decoding.

  tests/harness/with-janus.sh --mode compat --datapath kernel -- /usr/bin/python3 test_kernel_path.py [N]
"""
import asyncio
import os
import sys

from e2e_common import ROOM, check, run
from janus_http import admin
from rtc_clients import Participant, Subscriber

MIN_VIDEO = 40
MIN_AUDIO = 75


async def plugin_info(sub):
    info = await admin("handle_info", session_id=sub.session.id, handle_id=sub.handle.id)
    return info["info"]


async def datapath():
    reply = await admin("message_plugin", plugin=os.environ.get("SC_PACKAGE", "janus.plugin.swiftcall"),
                        request={"request": "datapath"})
    return reply["response"]["datapath"]


async def main(n):
    dp = await datapath()
    check(dp.get("available"), f"kernel datapath not available: {dp.get('reason')}")
    pub = Participant(ROOM, "kernel-pub")
    await pub.join()
    # aiortc numbers opus 96 and VP8 97, the subscribers get 111 and 96:
    # the kernel rewrites payload types per leg.
    await pub.publish(rgb=(30, 30, 200), size=(320, 240))
    subs = [Subscriber(ROOM) for _ in range(n)]
    try:
        await asyncio.gather(*(s.subscribe([pub.id]) for s in subs))
        await asyncio.gather(*(s.wait_frames(MIN_VIDEO, MIN_AUDIO, timeout=40) for s in subs))
        # Let legs that came up last serve a while too.
        await asyncio.sleep(3)
        for i, s in enumerate(subs):
            info = await plugin_info(s)
            ps = info["plugin_specific"]
            paths = [(st["mid"], st["path"], st["path_reason"]) for st in ps["streams"]]
            check(all(p == "kernel" for _, p, _ in paths), f"subscriber {i} legs not all on the kernel path: {paths}")
            user_out = sum(st["packets_out"] for st in ps["streams"])
            kernel_out = sum(st["skipped_for_kernel"] for st in ps["streams"])
            print(f"subscriber {i}: video {s.video_frames}, audio {s.audio_frames}, "
                  f"user-path packets {user_out}, kernel-served {kernel_out}, last {s.last_video}")
            check(s.video_frames >= MIN_VIDEO, f"subscriber {i} decoded {s.video_frames} video frames")
            check(s.audio_frames >= MIN_AUDIO, f"subscriber {i} decoded {s.audio_frames} audio frames")
            check(kernel_out > 10 * max(user_out, 1),
                  f"subscriber {i}: kernel served {kernel_out}, user path {user_out}: the kernel is not doing the fan-out")
            w, h, rgb = s.last_video
            check((w, h) == (320, 240) and rgb[2] > 120 and rgb[0] < 90,
                  f"subscriber {i} decoded {w}x{h} colour {rgb}, not the publisher's blue")
            janus_out = 0
            for medium in (info.get("webrtc", {}).get("media") or {}).values():
                janus_out += medium.get("stats", {}).get("out", {}).get("packets", 0)
            check(janus_out <= user_out + 20,
                  f"subscriber {i}: Janus sent {janus_out} RTP packets itself (user path {user_out})")
        dp = await datapath()
        legs = {leg["leg"]: leg for leg in dp["legs"]}
        check(len(legs) == 2 * n, f"{len(legs)} legs in the kernel, expected {2 * n}")
        check(all(leg["packets"] > 0 and leg["errors"] == 0 for leg in legs.values()),
              f"a kernel leg sent nothing or failed: {list(legs.values())}")
        check(dp["counters"]["decline_auth"] == 0, f"the kernel rejected authentic packets: {dp['counters']}")

        # Departure: the leaver's legs leave the maps; the others go on.
        leaver = subs.pop()
        leaver_legs = [st["kernel_leg"] for st in (await plugin_info(leaver))["plugin_specific"]["streams"]]
        await leaver.close()
        await asyncio.sleep(1)
        dp = await datapath()
        remaining = {leg["leg"] for leg in dp["legs"]}
        check(not remaining & set(leaver_legs), f"legs {leaver_legs} of a departed subscriber still in the kernel")
        before = [s.video_frames for s in subs]
        await asyncio.sleep(2)
        for i, s in enumerate(subs):
            check(s.video_frames > before[i] + 20, f"subscriber {i} stopped decoding after another one left")
    finally:
        for s in subs:
            await s.close()
        await pub.close()


if __name__ == "__main__":
    run(main(int(sys.argv[1]) if len(sys.argv) > 1 else 10))
