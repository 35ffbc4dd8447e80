"""Bad peers next to kernel-served subscribers.

One aiortc publisher and two well-behaved aiortc subscribers on the kernel
path, then:
  * a subscriber whose SDP answer carries a wrong ICE password: ICE never
    completes, so it never gets a kernel leg (its legs say why);
  * one of the good subscribers turns hostile and sends authentic (SRTP
    protected) but abusive RTCP for 3 s: NACK storms asking for 1700 packets
    per compound packet, NACKs for unknown SSRCs, truncated and oversized
    blocks.
Asserted: the plugin's NACK answers stay within its per-leg budget, the
kernel legs stay up, both subscribers keep decoding, Janus stays alive and
no leg appears for the peer that never connected.

  tests/harness/with-janus.sh --mode compat --datapath kernel -- /usr/bin/python3 test_kernel_bad_peers.py
"""
import asyncio
import struct
import time

from aiortc import RTCPeerConnection, RTCSessionDescription

from e2e_common import ROOM, check, run
from janus_http import Session, admin
from kernel_common import close_all, datapath, handle_info, start_room, video_ssrc

BUDGET_PER_SECOND = 200  # NackResponder::kBudgetPerSecond


async def streams_of(session_id, handle_id):
    return (await handle_info(session_id, handle_id))["plugin_specific"]["streams"]


async def kernel_legs():
    return (await datapath())["legs"]


def nack_storm(media_ssrc):
    """A compound RR + Generic NACK with 100 FCI entries, every BLP bit set."""
    rr = struct.pack("!BBHI", 0x80, 201, 1, 0x11111111)
    fci = b"".join(struct.pack("!HH", (i * 17) & 0xFFFF, 0xFFFF) for i in range(100))
    nack = struct.pack("!BBHII", 0x81, 205, 2 + len(fci) // 4, 0x11111111, media_ssrc) + fci
    return rr + nack


async def never_connected_subscriber(feed):
    session = await Session().create()
    handle = await session.attach()
    data, jsep = await handle.request({"request": "join", "ptype": "subscriber", "room": ROOM,
                                       "streams": [{"feed": feed}]})
    pc = RTCPeerConnection()
    await pc.setRemoteDescription(RTCSessionDescription(sdp=jsep["sdp"], type=jsep["type"]))
    await pc.setLocalDescription(await pc.createAnswer())
    sdp = "\r\n".join(("a=ice-pwd:" + "x" * 24) if line.startswith("a=ice-pwd:") else line
                      for line in pc.localDescription.sdp.split("\r\n"))
    # Nobody will answer Janus's connectivity checks. (aiortc logs that its
    # own ICE start failed on the closed transport: expected.)
    await pc.close()
    data, _ = await handle.request({"request": "start"}, {"type": "answer", "sdp": sdp})
    return session, handle


async def main():
    pub, subs = await start_room("badpeer-pub", (30, 200, 200), 2)
    try:
        end = time.monotonic() + 15
        while len(await kernel_legs()) < 4:
            check(time.monotonic() < end, f"kernel legs not up: {await kernel_legs()}")
            await asyncio.sleep(0.3)

        ghost_session, ghost_handle = await never_connected_subscriber(pub.id)

        hostile = subs[0]
        ssrc = await video_ssrc(hostile)
        dtls = hostile.pc.getTransceivers()[0].receiver.transport
        before = [s.video_frames for s in subs]
        t0 = time.monotonic()
        sent = 0
        while time.monotonic() - t0 < 3.0:
            for payload in (nack_storm(ssrc), nack_storm(0xDEADBEEF),
                            struct.pack("!BBHI", 0x81, 205, 60, ssrc),            # length past the end
                            struct.pack("!BBHII", 0x81, 205, 1, 1, ssrc)[:8]):    # truncated FCI
                await dtls._send_rtp(payload)
                sent += 1
            await asyncio.sleep(0.02)
        await asyncio.sleep(1.0)

        streams = await streams_of(hostile.session.id, hostile.handle.id)
        answered = sum(st.get("nacks_answered", 0) for st in streams)
        unanswered = sum(st.get("nacks_unanswered", 0) for st in streams)
        ghost = await streams_of(ghost_session.id, ghost_handle.id)
        legs = await kernel_legs()
        print(f"hostile subscriber sent {sent} abusive RTCP packets: NACK answers {answered}, refused {unanswered}; "
              f"paths {[st['path'] for st in streams]}; ghost legs {[(st['path'], st['path_reason']) for st in ghost]}; "
              f"kernel legs {len(legs)}; frames {before} -> {[s.video_frames for s in subs]}")
        check(answered <= BUDGET_PER_SECOND * 5, f"{answered} NACK answers in ~4 s: over the budget")
        check(unanswered > 1000, f"the NACK storm was not refused ({unanswered} refused)")
        check(all(st["path"] == "kernel" for st in streams), f"the hostile subscriber's legs left the kernel: {streams}")
        check(all(st["path"] == "user" and "not up" in st["path_reason"] for st in ghost),
              f"a subscriber that never connected got: {ghost}")
        check(len(legs) == 4, f"{len(legs)} kernel legs, expected the 4 of the two connected subscribers")
        for i, s in enumerate(subs):
            check(s.video_frames > before[i] + 40, f"subscriber {i} stopped decoding during the abuse")
        info = await admin("info")
        check(info.get("janus") == "server_info", "Janus stopped answering")
    finally:
        await close_all(subs + [pub])


if __name__ == "__main__":
    run(main())
