"""The kernel path with real peers: one aiortc publisher (VP8 + Opus) and N
aiortc subscribers whose legs the sealed transmitter serves.

Asserts, per subscriber: it decodes audio and video; every one of its legs
reports path "kernel"; over a 3 s window the kernel sent (nearly) all its
packets and the user path next to none; Janus's own sockets sent a tenth or
less of that (RTCP, STUN: sealed datagrams never cross the UDP layer); the
Sender Reports subscribers get count the kernel's packets; the kernel's
per-leg counters rise, and one transmit run carries many legs. Then one
subscriber leaves: its legs go and the others keep decoding.

  tests/harness/with-janus.sh --mode compat --datapath kernel -- /usr/bin/python3 test_kernel_path.py [N]
"""
import asyncio
import os
import subprocess
import sys
import time

from e2e_common import check, run
from kernel_common import close_all, datapath, handle_info, plugin_info, start_room

MIN_VIDEO = 40
MIN_AUDIO = 75


def janus_udp_out():
    """UDP datagrams sent by sockets in Janus's namespace (/proc/net/snmp)."""
    out = subprocess.run(["ip", "netns", "exec", os.environ["SC_NS_JANUS"], "cat", "/proc/net/snmp"],
                         check=True, capture_output=True, text=True).stdout
    head, values = [line.split() for line in out.splitlines() if line.startswith("Udp:")][:2]
    return int(values[head.index("OutDatagrams")])


async def main(n):
    dp = await datapath()
    check(dp.get("available"), f"kernel datapath not available: {dp.get('reason')}")
    # aiortc numbers opus 96 and VP8 97, the subscribers get 111 and 96:
    # the kernel rewrites payload types per leg.
    pub, subs = await start_room("kernel-pub", (30, 30, 200), n, video=MIN_VIDEO, audio=MIN_AUDIO)
    try:
        # Every leg starts on the user path until the mirror has aligned it
        # (about a second); then the kernel carries it. Wait for that, then
        # compare what each path sent over a 3 s window.
        async def snapshot(i, s):
            info = await handle_info(s.session.id, s.handle.id)
            streams = info["plugin_specific"]["streams"]
            janus_out = sum(m.get("stats", {}).get("out", {}).get("packets", 0)
                            for m in (info.get("webrtc", {}).get("media") or {}).values())
            return {"paths": [(st["mid"], st["path"], st["path_reason"]) for st in streams],
                    "user": sum(st["packets_out"] for st in streams),
                    "kernel": sum(st["skipped_for_kernel"] for st in streams),
                    "janus_out": janus_out}

        end = time.monotonic() + 15
        while True:
            first = [await snapshot(i, s) for i, s in enumerate(subs)]
            if all(p == "kernel" for snap in first for _, p, _ in snap["paths"]):
                break
            not_yet = [(i, snap["paths"]) for i, snap in enumerate(first)
                       if any(p != "kernel" for _, p, _ in snap["paths"])]
            check(time.monotonic() < end, f"legs not on the kernel path after 15 s: {not_yet}")
            await asyncio.sleep(0.5)
        frames = [s.video_frames for s in subs]
        udp_before = janus_udp_out()
        await asyncio.sleep(3)
        udp_sent = janus_udp_out() - udp_before
        kernel_total = 0
        for i, s in enumerate(subs):
            snap = await snapshot(i, s)
            check(all(p == "kernel" for _, p, _ in snap["paths"]),
                  f"subscriber {i} legs left the kernel path: {snap['paths']}")
            user = snap["user"] - first[i]["user"]
            kernel = snap["kernel"] - first[i]["kernel"]
            janus_out = snap["janus_out"] - first[i]["janus_out"]
            print(f"subscriber {i}: video {s.video_frames}, audio {s.audio_frames}; in 3 s on the kernel "
                  f"path: kernel-served {kernel}, user path {user}, core SR counters +{janus_out}; last {s.last_video}")
            check(s.video_frames >= frames[i] + 20, f"subscriber {i} decoded only {s.video_frames - frames[i]} "
                  "video frames in 3 s on the kernel path")
            check(s.audio_frames >= MIN_AUDIO, f"subscriber {i} decoded {s.audio_frames} audio frames")
            check(kernel > 150 and user <= kernel // 50,
                  f"subscriber {i}: kernel served {kernel}, user path {user}: the kernel is not doing the fan-out")
            kernel_total += kernel
            w, h, rgb = s.last_video
            check((w, h) == (320, 240) and rgb[2] > 120 and rgb[0] < 90,
                  f"subscriber {i} decoded {w}x{h} colour {rgb}, not the publisher's blue")
        # What Janus sent through its own sockets (RTCP, STUN, user path) in
        # those 3 s, against what the kernel sent: sealed datagrams never pass
        # the UDP layer, so the namespace's UDP OutDatagrams exclude them.
        print(f"Janus's sockets sent {udp_sent} UDP datagrams in 3 s; the kernel served {kernel_total}")
        check(udp_sent * 10 < kernel_total,
              f"Janus's sockets sent {udp_sent} datagrams while the kernel served {kernel_total}")
        # Sender Reports count what the kernel sent (the core's own counters
        # would only know the user path's first packets).
        await asyncio.sleep(1.5)
        for i, s in enumerate(subs):
            received = sent = 0
            for r in s.pc.getReceivers():
                if r.track.kind != "video":
                    continue
                for st in (await r.getStats()).values():
                    if st.type == "inbound-rtp":
                        received = st.packetsReceived
                    elif st.type == "remote-outbound-rtp":
                        sent = st.packetsSent
            check(received > 100 and sent >= 0.5 * received,  # SRs lag by up to ~2 s
                  f"subscriber {i}: SR says {sent} video packets sent, {received} received")
        print(f"Sender Reports: subscriber 0 SR count {sent}, received {received}")
        dp = await datapath()
        legs = {leg["leg"]: leg for leg in dp["legs"]}
        check(len(legs) == 2 * n, f"{len(legs)} legs in the kernel, expected {2 * n}")
        check(all(leg["packets"] > 0 and leg["errors"] == 0 for leg in legs.values()),
              f"a kernel leg sent nothing or failed: {list(legs.values())}")
        frames = sum(leg["packets"] for leg in legs.values())
        check(dp["transmitter"] == "sealed", f"transmitter {dp['transmitter']}, expected sealed")
        # One transmit run per publisher packet carries all n legs of its
        # stream: far fewer kernel entries than frames, none refused.
        sealed = dp["sealed"]
        print(f"sealed: {frames} frames in {sealed['runs']} transmit runs; {sealed['results']}")
        check(sealed["runs"] * (n // 2) <= frames,
              f"{sealed['runs']} transmit runs for {frames} frames: legs are not batched")
        check(sealed["ring_full"] == 0 and sealed["run_errors"] == 0,
              f"sealed transmitter lost frames: {sealed}")
        check(sealed["results"]["sent"] >= frames and
              all(v == 0 for k, v in sealed["results"].items() if k != "sent"),
              f"the transmit program dropped frames: {sealed['results']}")
        check(all(not leg["drops"] for leg in legs.values()), f"a leg dropped frames: {list(legs.values())}")

        # Departure: the leaver's legs go; the others go on.
        leaver = subs.pop()
        leaver_legs = [st["kernel_leg"] for st in (await plugin_info(leaver))["streams"]]
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
        await close_all(subs + [pub])


if __name__ == "__main__":
    run(main(int(sys.argv[1]) if len(sys.argv) > 1 else 10))
