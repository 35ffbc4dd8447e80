"""A leg handed back from the kernel transmitter after 2^15 or more packets
still decrypts: the Janus core's libsrtp continues at the leg's ROC.

Why: while a transmitter serves a leg, the leg's SRTP index moves on and
the core's outbound libsrtp stream sees none of it. Handed back, the core
would guess the ROC from the last sequence number it protected itself;
after 32768 or more packets that guess is wrong, every packet fails the
subscriber's SRTP check, and the keystream of an index the transmitter
already used may be used again. So the plugin sets the core's ROC for the
leg's next index before it relays to it (janus::set_outbound_roc).

The publisher is the bench's pion client: "jump 20000" on its stdin leaps
its video sequence numbers (every receiver follows a leap under 2^15), so
the leg's index runs ~80000 ahead in seconds instead of 15 minutes. One
aiortc subscriber, served by the kernel during the leaps, is then forced to
the user path (configure datapath=user). Asserted: the leg's index crossed
a ROC boundary the core never saw; after the hand-over its video packets
arrive and decrypt (the wire and the decrypted log agree) and it decodes.

  tests/harness/with-janus.sh --mode compat --datapath kernel -- \\
      /usr/bin/python3 test_roc_handover.py LOADCLIENT
"""
import asyncio
import time

from e2e_common import ROOM, check, run
from kernel_common import (close_all, loadclient_arg, make_clips, plugin_info, set_path,
                           start_pion_publisher, stop_pion_publisher, video_ssrc, wait_path)
from rtc_clients import Subscriber


def video_leg(streams):
    return next(st for st in streams if st["type"] == "video")


async def main(client):
    media = make_clips()
    proc, feed = await start_pion_publisher(client, media)
    sub = Subscriber(ROOM)
    sub.record_wire = True
    try:
        await sub.subscribe([feed])
        check(await sub.wait_frames(video=20, timeout=30), f"no video before the leaps ({sub.video_frames})")
        before = video_leg(await wait_path(sub, "kernel", timeout=20))
        # Four leaps of 20000, each a few packets apart (a receiver follows a
        # leap under 2^15): the leg's index runs 80000 on while the kernel
        # serves it.
        for _ in range(4):
            proc.stdin.write("jump 20000\n")
            proc.stdin.flush()
            await asyncio.sleep(0.4)
        await asyncio.sleep(0.6)
        during = video_leg((await plugin_info(sub))["streams"])
        check(during["path"] == "kernel", f"the leg left the kernel during the leaps: {during['path_reason']}")
        ran = during["last_out_index"] - before["last_out_index"]
        print(f"kernel-served index {before['last_out_index']:#x} -> {during['last_out_index']:#x} (+{ran})")
        check(ran > 65536, f"the leg's index moved only {ran} while on the kernel: no ROC boundary to hand over")

        ssrc = await video_ssrc(sub)
        t_switch = time.monotonic()
        await set_path(sub, "user")
        await wait_path(sub, "user")
        frames = sub.video_frames
        await asyncio.sleep(4)
        after = video_leg((await plugin_info(sub))["streams"])
        wire = [seq for s, seq, t in sub.wire_rtp if s == ssrc and t > t_switch + 0.5]
        decrypted_total = sum(1 for s, _ in sub.decrypted_rtp if s == ssrc)
        wire_total = sum(1 for s, _, _ in sub.wire_rtp if s == ssrc)
        relayed = after["packets_out"] - during["packets_out"]
        print(f"after the hand-over: the plugin relayed {relayed}, {len(wire)} video packets arrived; "
              f"video {wire_total} on the wire, {decrypted_total} decrypted; frames +{sub.video_frames - frames}")
        check(relayed > 100 and len(wire) > 100, f"the user path sent {relayed}, {len(wire)} arrived")
        check(wire_total - decrypted_total <= 5,
              f"{wire_total - decrypted_total} of {wire_total} video packets failed SRTP: the core's ROC is stale")
        check(sub.video_frames > frames + 30, f"only {sub.video_frames - frames} frames decoded after the hand-over")
    finally:
        await close_all([sub])
        stop_pion_publisher(proc, media)


if __name__ == "__main__":
    run(main(loadclient_arg()))
