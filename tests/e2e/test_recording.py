"""Recording (issue 15), as the stock VideoRoom does it, checked by what an
operator does with the files: janus-pp-rec turns each .mjr into a media file
and ffprobe reports its codec and duration.

* A room with lock_record and a secret: a publisher's `record: true` without
  the secret changes nothing (stock goes on with the configure), and
  enable_recording wants the secret (429 without `record`, 433 with a wrong
  secret). With it, both streams are recorded under stock's names
  (videoroom-<room>-user-<id>-<time>-<audio|video>-<mindex>.mjr) until
  enable_recording turns it off; the files play for as long as recording
  was on (±10 %), VP8 and Opus.
* A room created with `record: true`: a publisher's own `filename` names its
  files (<filename>-<kind>-<mindex>.mjr), written from the moment it is up.
* The subscriber keeps decoding throughout; with datapath=kernel its legs
  stay on the sealed transmitter while the publisher is recorded.
* SwiftCall only: a recording folder that cannot be written is a clear error
  at enable_recording (499), and the room goes on (stock answers success and
  logs an error per stream).

tests/harness/with-janus.sh --mode compat -- /usr/bin/python3 test_recording.py
"""
import asyncio
import glob
import json
import os
import shutil
import subprocess
import tempfile
import time

from e2e_common import check, run
from janus_http import Session
from kernel_common import plugin_info
from rtc_clients import Participant, Subscriber

STOCK = os.environ.get("SC_MODE") == "stock"
KERNEL = os.environ.get("SC_DATAPATH") == "kernel"
LOCKED_ROOM = 880101
RECORD_ROOM = 880102
SECRET = "rec-secret"
RECORD_SECONDS = 8.0


def probe(mjr, out_ext):
    """janus-pp-rec then ffprobe: (codec, duration in seconds)."""
    out = mjr[: -len(".mjr")] + out_ext
    conv = subprocess.run(["janus-pp-rec", mjr, out], capture_output=True, text=True, timeout=60)
    check(conv.returncode == 0 and os.path.exists(out),
          f"janus-pp-rec {mjr} failed ({conv.returncode}): {conv.stderr[-800:]}")
    info = subprocess.run(["ffprobe", "-v", "error", "-print_format", "json", "-show_format",
                           "-show_streams", out], capture_output=True, text=True, timeout=60)
    check(info.returncode == 0, f"ffprobe {out} failed: {info.stderr[-800:]}")
    parsed = json.loads(info.stdout)
    streams = parsed.get("streams", [])
    check(len(streams) == 1, f"{out}: want one stream, ffprobe says {streams}")
    return streams[0]["codec_name"], float(parsed["format"]["duration"])


def recordings(folder, pattern):
    return sorted(glob.glob(os.path.join(folder, pattern)))


async def decoding(sub, seconds=2.0):
    before = sub.video_frames
    await asyncio.sleep(seconds)
    return sub.video_frames - before


async def main():
    for tool in ("janus-pp-rec", "ffprobe"):
        check(shutil.which(tool), f"{tool} is missing (Debian janus-tools / ffmpeg): "
                                  "scripts/install-deps.sh installs them")
    base = tempfile.mkdtemp(prefix="sc-rec-")
    locked_dir = os.path.join(base, "locked")
    own_dir = os.path.join(base, "own")
    session = await Session().create()
    admin = await session.attach()
    peers = []
    try:
        d, _ = await admin.request({"request": "create", "room": LOCKED_ROOM, "secret": SECRET,
                                    "lock_record": True, "rec_dir": locked_dir})
        check(d.get("videoroom") == "created", f"create: {d}")
        d, _ = await admin.request({"request": "list"})
        entry = next(r for r in d["list"] if r["room"] == LOCKED_ROOM)
        check(entry.get("record") is False and entry.get("lock_record") is True
              and entry.get("rec_dir") == locked_dir, f"list entry: {entry}")

        speaker = Participant(LOCKED_ROOM, "speaker")
        peers.append(speaker)
        await speaker.join()
        await speaker.publish(rgb=(30, 160, 200))
        sub = Subscriber(LOCKED_ROOM)
        peers.append(sub)
        await sub.subscribe([speaker.id])
        await sub.wait_frames(20, 20, timeout=30)

        # lock_record: the publisher alone cannot start its recording.
        d, _ = await speaker.handle.request({"request": "configure", "record": True})
        check(d.get("configured") == "ok", f"configure record without the secret: {d}")
        await asyncio.sleep(2)
        check(not recordings(locked_dir, "*.mjr"),
              f"recording started without the room secret: {recordings(locked_dir, '*.mjr')}")

        d, _ = await admin.request({"request": "enable_recording", "room": LOCKED_ROOM,
                                    "secret": SECRET})
        check(d.get("error_code") == 429, f"enable_recording without record: {d}")
        d, _ = await admin.request({"request": "enable_recording", "room": LOCKED_ROOM,
                                    "record": True, "secret": "wrong"})
        check(d.get("error_code") == 433, f"enable_recording with a wrong secret: {d}")
        d, _ = await admin.request({"request": "enable_recording", "room": 999999,
                                    "record": True, "secret": SECRET})
        check(d.get("error_code") == 426, f"enable_recording of an unknown room: {d}")

        d, _ = await admin.request({"request": "enable_recording", "room": LOCKED_ROOM,
                                    "record": True, "secret": SECRET})
        check(d.get("videoroom") == "success" and d.get("record") is True, f"enable_recording: {d}")
        started = time.monotonic()
        if not STOCK:
            info = (await plugin_info(speaker))["streams"]
            check(all(st.get("recording_path", "").startswith(locked_dir)
                      and st.get("recording", "").startswith(f"videoroom-{LOCKED_ROOM}-")
                      for st in info),
                  f"handle_info must name each stream's recording (stock: its file name): {info}")
        await asyncio.sleep(RECORD_SECONDS / 2)
        check(await decoding(sub) >= 20, "the subscriber stopped decoding while recording")
        if KERNEL:
            legs = (await plugin_info(sub))["streams"]
            check(all(st["path"] == "kernel" for st in legs),
                  f"recording must not take legs off the sealed transmitter: "
                  f"{[(st['mid'], st['path'], st['path_reason']) for st in legs]}")
        await asyncio.sleep(max(0.0, RECORD_SECONDS - (time.monotonic() - started)))
        d, _ = await admin.request({"request": "enable_recording", "room": LOCKED_ROOM,
                                    "record": False, "secret": SECRET})
        check(d.get("videoroom") == "success" and d.get("record") is False, f"stop: {d}")
        recorded = time.monotonic() - started
        await asyncio.sleep(1)

        prefix = f"videoroom-{LOCKED_ROOM}-user-{speaker.id}-"
        video = recordings(locked_dir, prefix + "*-video-*.mjr")
        audio = recordings(locked_dir, prefix + "*-audio-*.mjr")
        check(len(video) == 1 and len(audio) == 1,
              f"want one video and one audio .mjr named as stock names them, got "
              f"{os.listdir(locked_dir)}")
        for mjr, ext, codec in ((video[0], ".webm", "vp8"), (audio[0], ".opus", "opus")):
            got, duration = probe(mjr, ext)
            check(got == codec, f"{mjr}: codec {got}, want {codec}")
            check(abs(duration - recorded) <= 0.1 * recorded,
                  f"{mjr}: {duration:.2f} s of media for {recorded:.2f} s of recording")
            print(f"{os.path.basename(mjr)}: {got}, {duration:.2f} s for {recorded:.2f} s")

        if not STOCK:
            # A folder nobody can write: refused, the room goes on.
            d, _ = await admin.request({"request": "edit", "room": LOCKED_ROOM, "secret": SECRET,
                                        "new_rec_dir": "/proc/sc-no-recordings-here"})
            check(d.get("videoroom") == "edited", f"edit new_rec_dir: {d}")
            d, _ = await admin.request({"request": "enable_recording", "room": LOCKED_ROOM,
                                        "record": True, "secret": SECRET})
            check(d.get("error_code") == 499 and "/proc/sc-no-recordings-here" in d.get("error", ""),
                  f"enable_recording into an unwritable folder: {d}")
            d, _ = await admin.request({"request": "list"})
            entry = next(r for r in d["list"] if r["room"] == LOCKED_ROOM)
            check(entry.get("record") is False, f"a refused enable_recording changed the room: {entry}")
            check(await decoding(sub) >= 20, "the room stopped after a refused recording")

        # A recorded room, and a publisher that names its own files.
        d, _ = await admin.request({"request": "create", "room": RECORD_ROOM, "record": True,
                                    "rec_dir": own_dir})
        check(d.get("videoroom") == "created", f"create record room: {d}")
        named = Participant(RECORD_ROOM, "named")
        peers.append(named)
        await named.join()
        d, _ = await named.handle.request({"request": "configure", "filename": "named-by-app"})
        check(d.get("configured") == "ok", f"configure filename: {d}")
        await named.publish(rgb=(220, 40, 40))
        await asyncio.sleep(4)
        await named.leave()
        peers.remove(named)
        await asyncio.sleep(1)
        own = recordings(own_dir, "named-by-app-*.mjr")
        kinds = sorted(os.path.basename(p).split("-")[-2] for p in own)
        check(kinds == ["audio", "video"], f"want named-by-app-audio/video-<mindex>.mjr, got "
                                           f"{os.listdir(own_dir) if os.path.isdir(own_dir) else 'no folder'}")
        for mjr in own:
            got, duration = probe(mjr, ".webm" if "-video-" in mjr else ".opus")
            check(got in ("vp8", "opus") and duration > 2.0, f"{mjr}: {got}, {duration:.2f} s")
    finally:
        for p in peers:
            await p.close()
        await session.destroy()
        if not os.environ.get("SC_KEEP_RECORDINGS"):
            shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    run(main())
