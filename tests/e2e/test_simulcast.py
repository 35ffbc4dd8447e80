"""A simulcast publisher whose subscribers are served by the sealed
transmitter and switch substreams.

The publisher is the fan-out bench's pion client (-publish-only -simulcast):
VP8 in three layers, 160x120 (q), 320x240 (h) and 640x480 (f), the same
scene, keyframes every second, plus Opus. Two aiortc subscribers decode it,
one asking for substream 2, one for substream 0.

Asserts: each decodes its layer's size; the `substream` events say which
layer each gets; after configure {substream} each decodes the new size.
Against SwiftCall (datapath kernel): every leg is on the kernel path with
the sealed transmitter, the video legs say why (layer chosen in user
space), over a 3 s window the transmitter sent the subscriber's video and
the user path next to none, also after the switch, and the transmit
program dropped nothing; with every 15th packet to one subscriber dropped
on its link, the plugin answers its NACKs from what the leg sealed (no
delta maps a simulcast leg back to the publisher), the lost packets come
back and every packet decrypts. Against the stock VideoRoom the same sizes and
events (the parity oracle).

  tests/harness/with-janus.sh --mode compat --datapath kernel -- \\
      /usr/bin/python3 test_simulcast.py LOADCLIENT
"""
import asyncio
import os
import subprocess
import time

from e2e_common import ROOM, check, run
from kernel_common import (build_loss_filter, client_dev, close_all, datapath, loadclient_arg, make_clips,
                           plugin_info, start_pion_publisher, stop_pion_publisher, tc, video_continuity,
                           video_ssrc)
from rtc_clients import Subscriber

HERE = os.path.dirname(os.path.abspath(__file__))
SIZES = {0: (160, 120), 1: (320, 240), 2: (640, 480)}
STOCK = os.environ.get("SC_MODE") == "stock"


async def decoded_size(sub, size, timeout=10):
    """Waits until sub decodes frames of `size`; returns its frame count then."""
    end = time.monotonic() + timeout
    while True:
        last = sub.last_video
        if last and (last[0], last[1]) == size:
            return sub.video_frames
        check(time.monotonic() < end, f"decoding {last[:2] if last else None}, not {size}, after {timeout} s")
        await asyncio.sleep(0.2)


async def substream_event(sub, substream, timeout=10):
    data, _ = await sub.handle.next_event(lambda d: d.get("substream") == substream, timeout)
    return data


async def legs(sub):
    return {st["type"]: st for st in (await plugin_info(sub))["streams"]}


async def sealed_window(subs, seconds=3):
    """Per subscriber: the video leg's kernel-served and user-path packets
    over the window; every leg must be on the kernel path throughout."""
    before = [await legs(s) for s in subs]
    await asyncio.sleep(seconds)
    out = []
    for i, s in enumerate(subs):
        now = await legs(s)
        for kind, st in now.items():
            check(st["path"] == "kernel", f"subscriber {i} {kind} leg on {st['path']}: {st['path_reason']}")
        v0, v1 = before[i]["video"], now["video"]
        check("sealed transmitter (simulcast" in v1["path_reason"],
              f"subscriber {i} video leg: {v1['path_reason']}")
        out.append((v1["skipped_for_kernel"] - v0["skipped_for_kernel"], v1["packets_out"] - v0["packets_out"]))
    return out


async def loss_phase(sub, drop_every=15):
    """Drops every drop_every-th packet Janus sends `sub` for 5 s."""
    dev = client_dev()
    port = int((await plugin_info(sub))["transport"]["ice"]["remote"].rsplit(":", 1)[1])
    obj = build_loss_filter(port, drop_every)
    tc("qdisc", "add", "dev", dev, "clsact")
    try:
        tc("filter", "add", "dev", dev, "ingress", "bpf", "direct-action", "obj", obj, "sec", "tc")
        frames = sub.video_frames
        t_from = time.monotonic()
        await asyncio.sleep(5)
        t_to = time.monotonic() - 1.0  # the last second's losses may still be in flight
        await asyncio.sleep(1.0)
    finally:
        subprocess.run(["tc", "qdisc", "del", "dev", dev, "clsact"], capture_output=True)
    video = (await legs(sub))["video"]
    received, late, missing = video_continuity(sub, await video_ssrc(sub), t_from, t_to)
    print(f"loss on the low subscriber's link (1 in {drop_every}): {received} video packets, {late} came "
          f"back late, missing {missing}; NACKs answered {video['nacks_answered']}, "
          f"unanswered {video['nacks_unanswered']}; frames +{sub.video_frames - frames}")
    check(video["path"] == "kernel", f"the lossy leg left the kernel path: {video['path_reason']}")
    check(video["nacks_answered"] >= 5, f"only {video['nacks_answered']} NACKs answered")
    check(late >= 5, f"only {late} dropped video packets came back")
    check(len(missing) <= 2, f"video packets never recovered: {missing}")
    check(sub.video_frames >= frames + 60, f"only {sub.video_frames - frames} frames decoded during the loss")
    wire, dec = len(sub.wire_rtp), len(sub.decrypted_rtp)
    check(wire - dec <= 5, f"{wire - dec} of {wire} packets did not decrypt")


async def main(client):
    if not STOCK:
        dp = await datapath()
        check(dp.get("available") and dp.get("transmitter") == "sealed",
              f"sealed transmitter not available: {dp.get('reason')} {dp.get('transmitter')}")
    media = make_clips(simulcast=True)
    proc, feed = await start_pion_publisher(client, media, simulcast=True)
    high, low = Subscriber(ROOM), Subscriber(ROOM)
    low.record_wire = True  # for the loss phase
    try:
        await high.subscribe([feed], substream=2)
        await low.subscribe([feed], substream=0)
        await asyncio.gather(substream_event(high, 2), substream_event(low, 0))
        await decoded_size(high, SIZES[2], timeout=20)
        await decoded_size(low, SIZES[0], timeout=20)
        print(f"subscribed: high decodes {high.last_video[:2]}, low {low.last_video[:2]}")
        if not STOCK:
            end = time.monotonic() + 15
            while True:
                now = [st for s in (high, low) for st in (await legs(s)).values()]
                if all(st["path"] == "kernel" for st in now):
                    break
                check(time.monotonic() < end, "legs not on the kernel path after 15 s: "
                      f"{[(st['type'], st['path'], st['path_reason']) for st in now]}")
                await asyncio.sleep(0.5)
            for i, (kernel, user) in enumerate(await sealed_window([high, low])):
                print(f"subscriber {i} video in 3 s: sealed {kernel}, user path {user}")
                check(kernel > 60 and user <= kernel // 50,
                      f"subscriber {i}: sealed {kernel}, user path {user}: the transmitter is not serving it")

        # Switch both: each gets its event, then decodes the new layer.
        for sub, to in ((high, 1), (low, 2)):
            d, _ = await sub.handle.request({"request": "configure", "substream": to})
            check(d.get("configured") == "ok", f"configure substream {to}: {d}")
        await asyncio.gather(substream_event(high, 1), substream_event(low, 2))
        for sub, to in ((high, 1), (low, 2)):
            frames = await decoded_size(sub, SIZES[to])
            await asyncio.sleep(1)
            check(sub.video_frames >= frames + 15 and sub.last_video[:2] == SIZES[to],
                  f"after the switch to {to}: {sub.video_frames - frames} frames, size {sub.last_video[:2]}")
        print(f"switched: high decodes {high.last_video[:2]}, low {low.last_video[:2]}")
        if not STOCK:
            for i, (kernel, user) in enumerate(await sealed_window([high, low])):
                print(f"subscriber {i} video in 3 s after the switch: sealed {kernel}, user path {user}")
                check(kernel > 60 and user <= kernel // 50,
                      f"subscriber {i} after the switch: sealed {kernel}, user path {user}")
            await loss_phase(low)
            dp = await datapath()
            sealed = dp["sealed"]
            check(sealed["ring_full"] == 0 and sealed["run_errors"] == 0 and
                  all(v == 0 for k, v in sealed["results"].items() if k != "sent"),
                  f"the sealed transmitter lost frames: {sealed}")
            check(all(not leg["drops"] and leg["errors"] == 0 for leg in dp["legs"]),
                  f"a leg dropped frames: {dp['legs']}")
    finally:
        await close_all([high, low])
        stop_pion_publisher(proc, media)


if __name__ == "__main__":
    run(main(loadclient_arg()))
