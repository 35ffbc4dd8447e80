"""aiortc (Debian python3-aiortc 1.4) VideoRoom publisher and subscriber.

Media is generated, so a subscriber can tell publishers apart: each publisher
sends solid-colour frames of its own size. A subscriber counts frames that
aiortc has decrypted (SRTP) and decoded (VP8 / Opus) and remembers the size
and colour of the last video frame.
"""
import asyncio
import fractions
import time

import numpy
from aiortc import (MediaStreamTrack, RTCPeerConnection, RTCSessionDescription,
                    VideoStreamTrack)
from aiortc.mediastreams import AudioStreamTrack
from av import AudioFrame, VideoFrame

from janus_http import Session

# The DTLS/ICE/SRTP stack here is aiortc's; Janus negotiates
# SRTP_AES128_CM_SHA1_80 with it (the only profile aiortc offers).


class ColorVideoTrack(VideoStreamTrack):
    """Solid-colour frames (RGB) of a fixed size, ~30 fps, with a moving bar so
    that the encoder does not produce only empty frames."""

    def __init__(self, rgb, width, height):
        super().__init__()
        self.rgb = rgb
        self.width = width
        self.height = height
        self.n = 0

    async def recv(self):
        pts, time_base = await self.next_timestamp()
        img = numpy.empty((self.height, self.width, 3), numpy.uint8)
        img[:, :] = self.rgb
        x = (self.n * 4) % self.width
        img[:, x:x + 4] = (255 - self.rgb[0], 255 - self.rgb[1], 255 - self.rgb[2])
        self.n += 1
        frame = VideoFrame.from_ndarray(img, format="rgb24")
        frame.pts = pts
        frame.time_base = time_base
        return frame


class ToneAudioTrack(AudioStreamTrack):
    """A 440 Hz tone at 48 kHz mono, 20 ms frames."""

    def __init__(self):
        super().__init__()
        self.t = 0
        self.silent = False  # True: digital silence (RFC 6464 level 127)

    async def recv(self):
        # The base track paces 20 ms frames (at its own 8 kHz); the tone
        # fills each with 20 ms at 48 kHz, so the RTP clock runs at the
        # Opus rate (a recording's duration comes out right).
        await super().recv()
        n = 960
        t = numpy.arange(self.t, self.t + n)
        amplitude = 0 if self.silent else 8000
        pcm = (numpy.sin(2 * numpy.pi * 440 * t / 48000) * amplitude).astype(numpy.int16)
        out = AudioFrame.from_ndarray(pcm.reshape(1, -1), format="s16", layout="mono")
        out.sample_rate = 48000
        out.pts = self.t
        out.time_base = fractions.Fraction(1, 48000)
        self.t += n
        return out


def _wait_ice_gathering(pc):
    fut = asyncio.get_running_loop().create_future()

    @pc.on("icegatheringstatechange")
    def _():
        if pc.iceGatheringState == "complete" and not fut.done():
            fut.set_result(None)

    if pc.iceGatheringState == "complete":
        fut.set_result(None)
    return fut


class Participant:
    """A VideoRoom 'publisher' participant (joins the room; may publish)."""

    def __init__(self, room, display, session=None, pin=None):
        self.room = room
        self.display = display
        self.session = session
        self.pin = pin
        self.pc = None
        self.id = None
        self.private_id = None
        self.handle = None
        self.joined = None
        self.audio_track = None

    async def join(self):
        if self.session is None:
            self.session = await Session().create()
        self.handle = await self.session.attach()
        body = {"request": "join", "ptype": "publisher", "room": self.room, "display": self.display}
        if self.pin:
            body["pin"] = self.pin
        data, _ = await self.handle.request(body)
        if data.get("videoroom") != "joined":
            raise RuntimeError(f"join failed: {data}")
        self.joined = data
        self.id = data["id"]
        self.private_id = data.get("private_id")
        return data

    async def publish(self, rgb=(255, 0, 0), size=(320, 240), audio=True, video=True):
        self.pc = RTCPeerConnection()
        if video:
            self.pc.addTrack(ColorVideoTrack(rgb, *size))
        if audio:
            self.audio_track = ToneAudioTrack()
            self.pc.addTrack(self.audio_track)
        offer = await self.pc.createOffer()
        await self.pc.setLocalDescription(offer)
        await _wait_ice_gathering(self.pc)
        jsep = {"type": "offer", "sdp": self.pc.localDescription.sdp}
        data, ans = await self.handle.request({"request": "publish", "audio": audio, "video": video}, jsep)
        if data.get("configured") != "ok" or not ans:
            raise RuntimeError(f"publish failed: {data}")
        await self.pc.setRemoteDescription(RTCSessionDescription(sdp=ans["sdp"], type=ans["type"]))
        await self.wait_webrtcup()
        return data, ans

    async def wait_webrtcup(self, timeout=15):
        """A feed can be subscribed only once its PeerConnection is up."""
        loop = asyncio.get_running_loop()
        end = loop.time() + timeout
        while True:
            ev = await asyncio.wait_for(self.handle.core_events.get(), max(0.01, end - loop.time()))
            if ev.get("janus") == "webrtcup":
                return ev

    async def leave(self):
        """Leave the room explicitly, then drop the PeerConnection and handle."""
        try:
            await self.handle.request({"request": "leave"})
        except Exception:
            pass
        await self.close()

    async def close(self):
        if self.pc:
            await self.pc.close()
            self.pc = None
        if self.handle:
            await self.handle.detach()
            self.handle = None


class Subscriber:
    """A VideoRoom subscriber that counts decoded frames per kind."""

    def __init__(self, room, session=None, private_id=None):
        self.room = room
        self.session = session
        self.private_id = private_id
        self.pc = None
        self.handle = None
        self.video_frames = 0
        self.audio_frames = 0
        self.last_video = None   # (width, height, mean rgb)
        self.video_log = []      # (time, width, height, mean rgb) for every 10th frame
        self.streams = []
        self._tasks = []
        # With record_wire: (ssrc, seq, arrival time) of every SRTP packet as
        # it arrived (before decryption), (ssrc, seq) of every one that decrypted.
        self.record_wire = False
        self.wire_rtp = []
        self.decrypted_rtp = []

    def _hook_wire(self):
        """Log RTP as it crosses the wire and after SRTP, to check sequence
        continuity: duplicates on the wire (two senders) or gaps show here,
        where aiortc's replay check would otherwise hide them."""
        hooked = set()
        for t in self.pc.getTransceivers():
            dtls = t.receiver.transport
            if id(dtls) in hooked:
                continue
            hooked.add(id(dtls))
            ice_recv = dtls.transport._recv
            handle = dtls._handle_rtp_data

            async def recv(_orig=ice_recv):
                data = await _orig()
                if len(data) >= 12 and 127 < data[0] < 192 and not 192 <= data[1] <= 223:
                    self.wire_rtp.append((int.from_bytes(data[8:12], "big"),
                                          int.from_bytes(data[2:4], "big"), time.monotonic()))
                return data

            async def decrypted(data, arrival_time_ms, _orig=handle):
                if len(data) >= 12:
                    self.decrypted_rtp.append((int.from_bytes(data[8:12], "big"),
                                               int.from_bytes(data[2:4], "big")))
                return await _orig(data, arrival_time_ms=arrival_time_ms)

            dtls.transport._recv = recv
            dtls._handle_rtp_data = decrypted

    async def subscribe(self, feeds, **stream_options):
        """feeds: list of publisher ids; subscribes to all their streams.
        stream_options (substream=0, ...) go into every stream of the join."""
        if self.session is None:
            self.session = await Session().create()
        self.handle = await self.session.attach()
        body = {"request": "join", "ptype": "subscriber", "room": self.room,
                "streams": [{"feed": f, **stream_options} for f in feeds]}
        if self.private_id is not None:
            body["private_id"] = self.private_id
        data, jsep = await self.handle.request(body)
        if data.get("videoroom") != "attached" or not jsep:
            raise RuntimeError(f"subscribe failed: {data}")
        self.streams = data.get("streams", [])
        self.pc = RTCPeerConnection()
        self.pc.on("track", self._on_track)
        await self.pc.setRemoteDescription(RTCSessionDescription(sdp=jsep["sdp"], type=jsep["type"]))
        answer = await self.pc.createAnswer()
        await self.pc.setLocalDescription(answer)
        if self.record_wire:
            self._hook_wire()
        await _wait_ice_gathering(self.pc)
        data, _ = await self.handle.request(
            {"request": "start"}, {"type": "answer", "sdp": self.pc.localDescription.sdp})
        if data.get("started") != "ok":
            raise RuntimeError(f"start failed: {data}")
        return data

    def _on_track(self, track: MediaStreamTrack):
        self._tasks.append(asyncio.ensure_future(self._consume(track)))

    async def _consume(self, track):
        while True:
            try:
                frame = await track.recv()
            except Exception:
                return
            if track.kind == "video":
                self.video_frames += 1
                if self.video_frames % 5 == 1:
                    img = frame.to_ndarray(format="rgb24")
                    mean = tuple(int(v) for v in img.reshape(-1, 3).mean(axis=0))
                    self.last_video = (frame.width, frame.height, mean)
                    self.video_log.append((time.monotonic(),) + self.last_video)
            else:
                self.audio_frames += 1

    def sub_mid(self, kind, feed=None):
        for s in self.streams:
            if s.get("type") == kind and (feed is None or s.get("feed_id") == feed):
                return s["mid"]
        raise KeyError((kind, feed))

    async def wait_frames(self, video=0, audio=0, timeout=20):
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            if self.video_frames >= video and self.audio_frames >= audio:
                return True
            await asyncio.sleep(0.2)
        return False

    async def close(self):
        for t in self._tasks:
            t.cancel()
        if self.pc:
            await self.pc.close()
            self.pc = None
        if self.handle:
            await self.handle.detach()
            self.handle = None
