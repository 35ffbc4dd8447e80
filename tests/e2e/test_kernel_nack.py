"""Loss on a kernel-served leg: NACKs are answered and the subscriber recovers.

One aiortc publisher, two aiortc subscribers on the kernel path. The test
drops every 15th UDP packet Janus sends to subscriber 0, on the client
namespace's veth (loss_filter.bpf.c on TC ingress: this kernel has no netem,
u32 or gact). aiortc NACKs the missing video packets; the Janus core cannot answer
them (its buffer only holds what it sent itself), so SwiftCall must: it
rebuilds the sealed packet from its history and sends it on the leg's pair.

Asserted for subscriber 0, over the lossy period: the plugin answered NACKs;
video sequence numbers that were dropped came back (late, out of order) so
that at most a couple at the very end are missing; every packet that arrived
decrypted (an answer that was not byte-identical would still decrypt, so the
bytes are pinned by the sealed-sender bpf test); video keeps decoding.
Subscriber 1, without loss, is unaffected.

  tests/harness/with-janus.sh --mode compat --datapath kernel -- /usr/bin/python3 test_kernel_nack.py
"""
import asyncio
import subprocess
import time

from e2e_common import check, run
from kernel_common import (build_loss_filter, client_dev, close_all, plugin_info, start_room, tc,
                           video_continuity, video_ssrc, wait_path)

DROP_EVERY = 15


async def main():
    dev = client_dev()
    pub, subs = await start_room("nack-pub", (200, 200, 30), 2, record_wire=True)
    try:
        for s in subs:
            await wait_path(s, "kernel")
        remote = (await plugin_info(subs[0]))["transport"]["ice"]["remote"]
        port = int(remote.rsplit(":", 1)[1])
        obj = build_loss_filter(port, DROP_EVERY)
        tc("qdisc", "add", "dev", dev, "clsact")
        tc("filter", "add", "dev", dev, "ingress", "bpf", "direct-action", "obj", obj, "sec", "tc")
        before = [s.video_frames for s in subs]
        t_from = time.monotonic()
        await asyncio.sleep(6)
        t_to = time.monotonic() - 1.0  # the last second's losses may still be in flight
        await asyncio.sleep(1.0)
        tc("qdisc", "del", "dev", dev, "clsact")
        streams = (await plugin_info(subs[0]))["streams"]
        answered = sum(st.get("nacks_answered", 0) for st in streams)
        unanswered = sum(st.get("nacks_unanswered", 0) for st in streams)
        received, late, missing = video_continuity(subs[0], await video_ssrc(subs[0]), t_from, t_to)
        ref_received, ref_late, ref_missing = video_continuity(subs[1], await video_ssrc(subs[1]), t_from, t_to)
        print(f"subscriber 0 (1 in {DROP_EVERY} dropped): {received} video packets, {late} came back late, "
              f"missing {missing}; NACKs answered {answered}, unanswered {unanswered}; "
              f"frames {before[0]} -> {subs[0].video_frames}")
        print(f"subscriber 1 (no loss): {ref_received} video packets, missing {ref_missing}")
        check(all(st["path"] == "kernel" for st in streams), f"subscriber 0 left the kernel path: {streams}")
        check(answered >= 5, f"only {answered} NACKs answered by the plugin ({unanswered} not)")
        check(late >= 5, f"only {late} dropped video packets came back")
        check(len(missing) <= 2, f"video packets never recovered: {missing}")
        check(not ref_missing, f"subscriber 1 lost packets without any loss injected: {ref_missing}")
        check(subs[0].video_frames >= before[0] + 60, f"subscriber 0 decoded only "
              f"{subs[0].video_frames - before[0]} frames during the loss")
        wire = sum(1 for _ in subs[0].wire_rtp)
        dec = len(subs[0].decrypted_rtp)
        check(wire - dec <= 5, f"{wire - dec} of {wire} packets did not decrypt at subscriber 0")
    finally:
        subprocess.run(["tc", "qdisc", "del", "dev", dev, "clsact"], capture_output=True)
        await close_all(subs + [pub])


if __name__ == "__main__":
    run(main())
