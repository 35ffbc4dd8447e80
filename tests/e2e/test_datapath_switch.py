"""A mixed room and hand-over between the user and the kernel path.

One aiortc publisher (VP8 + Opus), three aiortc subscribers that log every
RTP packet as it crosses the wire (before SRTP) and after decryption:
  sub 0  pinned to the user path once decoding (configure datapath=user),
  sub 1  moved kernel -> user -> kernel -> user -> kernel mid-stream,
  sub 2  left on the kernel path.
All must decode. Per subscriber and SSRC the wire must show no duplicate
sequence number (kernel and user both sending a packet), no gap (neither
sending it) and every packet must decrypt (no keystream reuse, no stale
ROC). The lab links are lossless, so any gap is the hand-over's.

  tests/harness/with-janus.sh --mode compat -- /usr/bin/python3 test_datapath_switch.py
"""
import asyncio
import time

from e2e_common import check, run
from kernel_common import close_all, continuity, plugin_info, set_path, start_room, wait_path

MIN_VIDEO = 30
MIN_AUDIO = 60


async def streams_of(sub):
    return (await plugin_info(sub))["streams"]


def anomalies(log, ssrc, t0, switches):
    """Where duplicates and holes are: the arrival order around each one."""
    seqs = [(seq, t) for s, seq, *rest in log if s == ssrc for t in (rest[0] if rest else 0,)]
    seen, lines = {}, []
    for i, (seq, t) in enumerate(seqs):
        if seq in seen:
            lines.append(f"dup {seq} at +{t - t0:.3f}s (first at +{seen[seq] - t0:.3f}s): "
                         f"{[q for q, _ in seqs[max(0, i - 6):i + 4]]}")
        seen[seq] = t
    ordered = sorted(seen)
    for a, b in zip(ordered, ordered[1:]):
        if b - a > 1 and b - a < 1000:
            lines.append(f"hole {a + 1}..{b - 1} near +{seen[a] - t0:.3f}s")
    lines.append("switches: " + ", ".join(f"{what} +{t - t0:.3f}s" for what, t in switches))
    return "; ".join(lines)


async def main():
    pub, subs = await start_room("switch-pub", (30, 200, 30), 3, record_wire=True,
                                 video=MIN_VIDEO, audio=MIN_AUDIO)
    try:
        await set_path(subs[0], "user")
        await wait_path(subs[0], "user")
        kernel_before = await wait_path(subs[1], "kernel", timeout=15)
        await wait_path(subs[2], "kernel", timeout=15)

        # Hand-over under way: two round trips kernel -> user -> kernel.
        t0 = subs[1].wire_rtp[0][2] if subs[1].wire_rtp else time.monotonic()
        switches = []
        for round_ in range(2):
            switches.append(("to user", time.monotonic()))
            await set_path(subs[1], "user")
            user_start = await wait_path(subs[1], "user")
            check(all("forced" in st["path_reason"] for st in user_start),
                  f"user path reason does not say why: {user_start}")
            await asyncio.sleep(1.5)
            user_end = await streams_of(subs[1])
            sent = sum(b["packets_out"] - a["packets_out"] for a, b in zip(user_start, user_end))
            check(sent > 50, f"round {round_}: the user path sent only {sent} packets while forced")
            switches.append(("to auto", time.monotonic()))
            await set_path(subs[1], "auto")
            await wait_path(subs[1], "kernel")
            await asyncio.sleep(1.5)
        kernel_after = await wait_path(subs[1], "kernel")
        served = sum(b["skipped_for_kernel"] - a["skipped_for_kernel"]
                     for a, b in zip(kernel_before, kernel_after))
        check(served > 100, f"the kernel served only {served} packets of subscriber 1 across the rounds")
        await asyncio.sleep(0.5)

        frames = [s.video_frames for s in subs]
        await asyncio.sleep(1.5)
        for i, s in enumerate(subs):
            check(s.video_frames > frames[i] + 10, f"subscriber {i} stopped decoding video")
            check(s.audio_frames >= MIN_AUDIO, f"subscriber {i} decoded {s.audio_frames} audio frames")
        for i, s in enumerate(subs):
            wire = continuity(s.wire_rtp)
            dec = continuity(s.decrypted_rtp)
            print(f"subscriber {i}: wire {wire}, decrypted {dec}")
            check(len(wire) == 2, f"subscriber {i}: expected 2 SSRCs on the wire, got {wire}")
            for ssrc, (n, dups, missing) in wire.items():
                where = anomalies(s.wire_rtp, ssrc, t0, switches) if dups or missing else ""
                check(n > 100, f"subscriber {i} ssrc {ssrc}: only {n} packets")
                check(dups == 0, f"subscriber {i} ssrc {ssrc}: {dups} duplicate sequence numbers on the wire: {where}")
                check(missing == 0, f"subscriber {i} ssrc {ssrc}: {missing} sequence numbers never sent: {where}")
            for ssrc, (n, dups, missing) in dec.items():
                wn = wire[ssrc][0]
                # Packets that arrived before DTLS finished cannot decrypt.
                check(wn - n <= 5, f"subscriber {i} ssrc {ssrc}: {wn - n} of {wn} packets failed SRTP")
    finally:
        await close_all(subs + [pub])


if __name__ == "__main__":
    run(main())
