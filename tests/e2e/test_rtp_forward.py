"""RTP forwarders (issue 15 item 2): rtp_forward, listforwarders and
stop_rtp_forward, as the stock VideoRoom answers them, and what the targets
receive. Every answer here was first observed on the stock VideoRoom
(`--mode stock`, with the same general options).

The plugin's general block has admin_key = "fwd-key" and lock_rtp_forward
(SC_PLUGIN_GENERAL, set by ctest), so a forwarder needs the admin key as
well as the room secret. Three targets in the client namespace:
  * audio, plain RTP, with the SSRC and payload type the request set;
  * video, plain RTP, with the publisher's;
  * video, SRTP (AES_CM_128_HMAC_SHA1_80, the request's key): every packet
    decrypts with libsrtp, and its plaintext is the plain video target's
    packet of the same sequence number, byte for byte, but for the SSRC and
    payload type the request set.
Each target gets a stream of consecutive sequence numbers with no
duplicates. On SwiftCall with datapath=kernel the forwarders move to the
kernel transmitter and keep delivering. stop_rtp_forward stops exactly one
target; a publisher that leaves takes its forwarders along.

  tests/harness/with-janus.sh --mode compat --datapath kernel -- /usr/bin/python3 test_rtp_forward.py
"""
import asyncio
import base64
import os
import socket
import struct
import time

import pylibsrtp

from e2e_common import check, run
from janus_http import Session
from rtc_clients import Participant

ROOM = 870301
SECRET = "f-secret"
ADMIN_KEY = "fwd-key"
STOCK = os.environ.get("SC_MODE") == "stock"
KERNEL = os.environ.get("SC_DATAPATH") == "kernel"
CLIENT_IP = os.environ["SC_CLIENT_IP"]
KEY = bytes(range(1, 31))  # 16 bytes of master key, 14 of salt


class Target:
    """A UDP socket in the client namespace that keeps every datagram."""

    def __init__(self):
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind((CLIENT_IP, 0))
        self.sock.setblocking(False)
        self.port = self.sock.getsockname()[1]
        self.packets = []  # (monotonic time, bytes)

    def drain(self):
        while True:
            try:
                self.packets.append((time.monotonic(), self.sock.recv(2048)))
            except BlockingIOError:
                return

    def since(self, t):
        return [p for (when, p) in self.packets if when >= t]


def header(p):
    pt = p[1] & 0x7F
    seq, ts, ssrc = struct.unpack("!HII", p[2:12])
    return pt, seq, ts, ssrc


def consecutive(packets, what):
    """Sequence numbers that go up by one (mod 2^16), none twice."""
    seqs = [header(p)[1] for p in packets]
    check(len(seqs) >= 20, f"{what}: only {len(seqs)} packets")
    check(len(set(seqs)) == len(seqs), f"{what}: {len(seqs) - len(set(seqs))} duplicate sequence numbers")
    gaps = sum(1 for a, b in zip(seqs, seqs[1:]) if (b - a) % 65536 != 1)
    check(gaps <= 2, f"{what}: {gaps} breaks in the sequence numbers {seqs[:40]}...")


async def collect(targets, seconds):
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        for t in targets:
            t.drain()
        await asyncio.sleep(0.02)
    for t in targets:
        t.drain()


async def list_forwarders(admin):
    d, _ = await admin.request({"request": "listforwarders", "room": ROOM, "secret": SECRET})
    check(d.get("videoroom") == "forwarders", f"listforwarders: {d}")
    return d


async def main():
    session = await Session().create()
    admin = await session.attach()
    d, _ = await admin.request({"request": "create", "room": ROOM, "secret": SECRET, "publishers": 4,
                                "admin_key": ADMIN_KEY})
    check(d.get("videoroom") == "created", f"create: {d}")
    speaker = Participant(ROOM, "speaker")
    audio_t, video_t, srtp_t = Target(), Target(), Target()
    try:
        await speaker.join()
        await speaker.publish(rgb=(30, 160, 220))
        mids = {t.kind: t.mid for t in speaker.pc.getTransceivers()}
        base = {"request": "rtp_forward", "room": ROOM, "publisher_id": speaker.id, "host": CLIENT_IP}
        plain = {**base, "streams": [
            {"mid": mids["audio"], "port": audio_t.port, "ssrc": 1111, "pt": 111},
            {"mid": mids["video"], "port": video_t.port}]}

        # Access: the admin key (lock_rtp_forward), the room secret, the feed.
        d, _ = await admin.request({**plain, "secret": SECRET})
        check(d.get("error_code") == 429, f"rtp_forward without the admin key: {d}")
        d, _ = await admin.request({**plain, "secret": SECRET, "admin_key": "nope"})
        check(d.get("error_code") == 433, f"rtp_forward with a wrong admin key: {d}")
        d, _ = await admin.request({**plain, "admin_key": ADMIN_KEY, "secret": "nope"})
        check(d.get("error_code") == 433, f"rtp_forward with a wrong secret: {d}")
        d, _ = await admin.request({**plain, "admin_key": ADMIN_KEY, "secret": SECRET, "publisher_id": 4242})
        check(d.get("error_code") == 428, f"rtp_forward of an unknown publisher: {d}")
        d, _ = await admin.request({**plain, "admin_key": ADMIN_KEY, "secret": SECRET, "room": 999111})
        check(d.get("error_code") == 426, f"rtp_forward in an unknown room: {d}")
        d, _ = await admin.request({**plain, "admin_key": ADMIN_KEY, "secret": SECRET,
                                    "srtp_suite": 99, "srtp_crypto": base64.b64encode(KEY).decode()})
        check(d.get("error_code") == 430, f"rtp_forward with SRTP suite 99: {d}")
        d, _ = await admin.request({"request": "listforwarders", "room": ROOM})
        check(d.get("error_code") == 429, f"listforwarders without the secret: {d}")
        check(not (await list_forwarders(admin))["publishers"], "refused requests left forwarders behind")

        d, _ = await admin.request({**plain, "admin_key": ADMIN_KEY, "secret": SECRET})
        check(d.get("videoroom") == "rtp_forward" and d.get("publisher_id") == speaker.id, f"rtp_forward: {d}")
        fwd = {f["type"]: f for f in d["forwarders"]}
        check(len(d["forwarders"]) == 2 and set(fwd) == {"audio", "video"}, f"forwarders: {d['forwarders']}")
        check(fwd["audio"]["ssrc"] == 1111 and fwd["audio"]["pt"] == 111 and fwd["audio"]["port"] == audio_t.port
              and fwd["audio"]["host"] == CLIENT_IP and "srtp" not in fwd["audio"], f"audio forwarder: {fwd['audio']}")
        check("ssrc" not in fwd["video"] and "pt" not in fwd["video"], f"video forwarder: {fwd['video']}")
        d, _ = await admin.request({**base, "admin_key": ADMIN_KEY, "secret": SECRET,
                                    "srtp_suite": 80, "srtp_crypto": base64.b64encode(KEY).decode(),
                                    "streams": [{"mid": mids["video"], "port": srtp_t.port, "ssrc": 2222, "pt": 100}]})
        check(d.get("videoroom") == "rtp_forward" and len(d.get("forwarders", [])) == 1, f"SRTP rtp_forward: {d}")
        srtp_f = d["forwarders"][0]
        check(srtp_f.get("srtp") is True and srtp_f["ssrc"] == 2222 and srtp_f["pt"] == 100, f"SRTP forwarder: {srtp_f}")

        listed = await list_forwarders(admin)
        check(len(listed["publishers"]) == 1 and listed["publishers"][0]["publisher_id"] == speaker.id
              and listed["publishers"][0].get("display") == "speaker", f"listforwarders: {listed}")
        ids = {f["stream_id"] for f in listed["publishers"][0]["forwarders"]}
        check(ids == {fwd["audio"]["stream_id"], fwd["video"]["stream_id"], srtp_f["stream_id"]},
              f"listed ids {ids}")

        if KERNEL and not STOCK:
            end = time.monotonic() + 15
            while True:
                paths = [f.get("path") for f in (await list_forwarders(admin))["publishers"][0]["forwarders"]]
                if paths == ["kernel"] * 3:
                    break
                check(time.monotonic() < end, f"forwarders not on the kernel path: {paths}")
                for t in (audio_t, video_t, srtp_t):
                    t.drain()
                await asyncio.sleep(0.3)
        t0 = time.monotonic()
        await collect((audio_t, video_t, srtp_t), 4)
        audio, video, sealed = audio_t.since(t0), video_t.since(t0), srtp_t.since(t0)
        print(f"in 4 s: audio {len(audio)}, video {len(video)}, SRTP video {len(sealed)} packets")
        check(len(audio) >= 150, f"audio target got {len(audio)} packets in 4 s")
        check(all(header(p)[0] == 111 and header(p)[3] == 1111 for p in audio),
              f"audio: want PT 111 / SSRC 1111, got {set(header(p)[0::3] for p in audio)}")
        consecutive(audio, "audio")
        check(len({header(p)[3] for p in video}) == 1, "video: more than one SSRC")
        consecutive(video, "video")

        rx = pylibsrtp.Session(pylibsrtp.Policy(key=KEY, ssrc_type=pylibsrtp.Policy.SSRC_ANY_INBOUND,
                                                srtp_profile=pylibsrtp.Policy.SRTP_PROFILE_AES128_CM_SHA1_80))
        clear = []
        for p in sealed:
            try:
                clear.append(rx.unprotect(p))
            except pylibsrtp.Error as e:
                check(False, f"an SRTP forwarder packet does not decrypt: {e}")
        check(len(clear) >= 20, f"SRTP target got {len(clear)} packets")
        consecutive(clear, "SRTP video")
        by_seq = {header(p)[1]: p for p in video_t.since(t0 - 1)}
        matched = 0
        for p in clear:
            pt, seq, ts, ssrc = header(p)
            check(pt == 100 and ssrc == 2222, f"SRTP video: PT {pt} SSRC {ssrc}")
            same = by_seq.get(seq)
            if same is None:
                continue
            check(header(same)[2] == ts and same[12:] == p[12:] and same[0] == p[0],
                  f"SRTP video seq {seq}: not the plain video packet's bytes")
            matched += 1
        check(matched >= len(clear) // 2, f"only {matched} of {len(clear)} SRTP packets matched plain ones")

        d, _ = await admin.request({"request": "stop_rtp_forward", "room": ROOM, "publisher_id": speaker.id,
                                    "stream_id": fwd["video"]["stream_id"], "secret": SECRET})
        check(d.get("error_code") == 429, f"stop_rtp_forward without the admin key: {d}")
        d, _ = await admin.request({"request": "stop_rtp_forward", "room": ROOM, "publisher_id": speaker.id,
                                    "stream_id": 77, "secret": SECRET, "admin_key": ADMIN_KEY})
        check(d.get("error_code") == 428, f"stop_rtp_forward of an unknown stream: {d}")
        d, _ = await admin.request({"request": "stop_rtp_forward", "room": ROOM, "publisher_id": speaker.id,
                                    "stream_id": fwd["video"]["stream_id"], "secret": SECRET,
                                    "admin_key": ADMIN_KEY})
        check(d.get("videoroom") == "stop_rtp_forward" and d.get("stream_id") == fwd["video"]["stream_id"],
              f"stop_rtp_forward: {d}")
        await collect((audio_t, video_t, srtp_t), 0.5)  # what was in flight
        t1 = time.monotonic()
        await collect((audio_t, video_t, srtp_t), 2)
        check(not video_t.since(t1), f"stopped video target still got {len(video_t.since(t1))} packets")
        check(len(audio_t.since(t1)) >= 50 and len(srtp_t.since(t1)) >= 10,
              f"the other targets stopped too: audio {len(audio_t.since(t1))}, SRTP {len(srtp_t.since(t1))}")
        left = (await list_forwarders(admin))["publishers"][0]["forwarders"]
        check(len(left) == 2, f"after stop: {left}")

        await speaker.leave()
        await collect((audio_t, video_t, srtp_t), 0.5)
        t2 = time.monotonic()
        await collect((audio_t, video_t, srtp_t), 1.5)
        check(not audio_t.since(t2) and not srtp_t.since(t2), "targets still fed after the publisher left")
        check(not (await list_forwarders(admin))["publishers"], "forwarders listed after the publisher left")
    finally:
        await speaker.close()
        await session.destroy()


if __name__ == "__main__":
    run(main())
