"""Shared bits of the kernel-path e2e tests: a room with one aiortc publisher
and N subscribers, the plugin's view of a subscriber (admin handle_info) and
of the kernel (admin message_plugin {"request": "datapath"}), and loss on one
subscriber's link (loss_filter.bpf.c on the client veth's TC ingress) with
what it did to that subscriber's video sequence."""
import asyncio
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

from e2e_common import ROOM, check
from janus_http import admin
from rtc_clients import Participant, Subscriber

CLIPS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "bench", "fanout", "clips.sh")


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


def client_dev():
    out = subprocess.run(["ip", "-o", "addr", "show", "to", os.environ["SC_CLIENT_IP"]],
                         check=True, capture_output=True, text=True).stdout.split()
    check(len(out) > 1, f"no interface holds {os.environ['SC_CLIENT_IP']}")
    return out[1].split("@")[0]


def tc(*args):
    subprocess.run(["tc", *args], check=True, capture_output=True, text=True)


def build_loss_filter(port, drop_every):
    """loss_filter.bpf.c compiled to drop every drop_every-th packet to port."""
    src = os.path.join(os.path.dirname(os.path.abspath(__file__)), "loss_filter.bpf.c")
    obj = os.path.join(os.environ["SC_STATE"], f"loss_filter_{port}.o")
    arch = subprocess.run(["gcc", "-print-multiarch"], capture_output=True, text=True).stdout.strip()
    r = subprocess.run(["clang", "-O2", "-g", "-target", "bpf", f"-I/usr/include/{arch or 'x86_64-linux-gnu'}",
                        f"-DLOSS_DPORT={port}", f"-DLOSS_EVERY={drop_every}", "-c", src, "-o", obj],
                       capture_output=True, text=True)
    check(r.returncode == 0, f"cannot build the loss filter: {r.stderr}")
    return obj


def video_continuity(sub, ssrc, t_from, t_to):
    """Video packets that first arrived in [t_from, t_to]: (received, late, missing)."""
    seqs = [(seq, t) for s, seq, t in sub.wire_rtp if s == ssrc]
    first_seen = {}
    highest, late = None, 0
    for seq, t in seqs:
        ext = seq if highest is None else highest + ((seq - highest + 0x8000) % 0x10000 - 0x8000)
        if highest is not None and ext < highest and ext not in first_seen:
            if t_from <= t <= t_to + 1.0:
                late += 1
        first_seen.setdefault(ext, t)
        highest = ext if highest is None else max(highest, ext)
    window = [e for e, t in first_seen.items() if t_from <= t <= t_to]
    lo, hi = min(window), max(window)
    missing = [e & 0xFFFF for e in range(lo, hi + 1) if e not in first_seen]
    return len(window), late, missing


async def set_path(sub, path):
    data, _ = await sub.handle.request({"request": "configure", "datapath": path})
    check(data.get("configured") == "ok", f"configure datapath={path} failed: {data}")


def continuity(log):
    """Per SSRC: (packets, duplicates, missing) over the extended sequence range."""
    out = {}
    per_ssrc = {}
    for ssrc, seq, *_ in log:
        per_ssrc.setdefault(ssrc, []).append(seq)
    for ssrc, seqs in per_ssrc.items():
        last, seen, dups = None, set(), 0
        for s in seqs:
            if last is None:
                e = s
            else:
                d = (s - (last & 0xFFFF) + 0x8000) % 0x10000 - 0x8000  # signed 16-bit step
                e = last + d
            last = max(last, e) if last is not None else e
            if e in seen:
                dups += 1
            seen.add(e)
        missing = (max(seen) - min(seen) + 1) - len(seen)
        out[ssrc] = (len(seqs), dups, missing)
    return out


def loadclient_arg():
    """The pion load client the test was given (argv[1], from CMake)."""
    check(len(sys.argv) > 1 and os.access(sys.argv[1], os.X_OK),
          f"usage: {os.path.basename(sys.argv[0])} LOADCLIENT (the fan-out bench client; got {sys.argv[1:]})")
    return sys.argv[1]


def make_clips(simulcast=False, frames=90):
    """A new folder with the pion publisher's media (tests/bench/fanout/clips.sh);
    stop_pion_publisher removes it."""
    folder = tempfile.mkdtemp(prefix="sc-pion-")
    subprocess.run(["bash", CLIPS, folder, str(frames)] + (["--simulcast"] if simulcast else []), check=True)
    return folder


async def start_pion_publisher(client, media, simulcast=False):
    """The fan-out bench's pion client as a publisher into ROOM (-publish-only):
    returns (process, feed id). Its stdin takes "jump N" lines."""
    proc = subprocess.Popen(
        [client, "-url", os.environ["SC_JANUS_URL"], "-plugin", os.environ.get("SC_PACKAGE", "janus.plugin.videoroom"),
         "-ip", os.environ["SC_CLIENT_IP"], "-media", media, "-publish-only", "-room", str(ROOM)]
        + (["-simulcast", media] if simulcast else []),
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    line = await asyncio.wait_for(asyncio.to_thread(proc.stdout.readline), 40)
    check(line, f"the pion publisher exited ({proc.poll()}) before publishing")
    return proc, json.loads(line)["feed"]


def stop_pion_publisher(proc, media):
    """Stops the publisher and removes its media folder (make_clips)."""
    try:
        proc.stdin.close()
        proc.wait(10)
    except (subprocess.TimeoutExpired, OSError):
        proc.kill()
    shutil.rmtree(media, ignore_errors=True)
