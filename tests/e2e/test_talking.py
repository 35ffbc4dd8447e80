"""Talking events (issue 14 item 6), as the stock VideoRoom sends them.

A room with audiolevel_event (audio_active_packets 25, audio_level_average
30) and an aiortc publisher whose tone carries the RFC 6464 audio level
(about 15 dBov; silence is 127):

* every participant, the speaker too, gets `talking` with the speaker's id,
  mindex, mid and `audio-level-dBov-avg` below 30; listparticipants and the
  publishers list say `talking: true`;
* the tone goes silent: `stopped-talking`, and `talking: false`;
* the speaker's own `audio_level_average` (configure) wins over the room's:
  at 5 the same tone is not talking;
* a room without audiolevel_event sends no such event, and still lists
  `talking: false` for a publisher whose audio carries the level (stock).

tests/harness/with-janus.sh --mode compat -- /usr/bin/python3 test_talking.py
"""
import asyncio

from e2e_common import check, run
from janus_http import Session
from kernel_common import plugin_info
from rtc_clients import Participant

TALK_ROOM = 880201
QUIET_ROOM = 880202


async def talking_of(admin, room, pid):
    d, _ = await admin.request({"request": "listparticipants", "room": room})
    entry = next(p for p in d["participants"] if p["id"] == pid)
    return entry.get("talking")


async def no_event(handle, kinds, seconds):
    try:
        ev, _ = await handle.next_event(lambda e: e.get("videoroom") in kinds, timeout=seconds)
    except asyncio.TimeoutError:
        return None
    return ev


async def main():
    session = await Session().create()
    admin = await session.attach()
    peers = []
    try:
        d, _ = await admin.request({"request": "create", "room": TALK_ROOM, "audiolevel_event": True,
                                    "audio_active_packets": 25, "audio_level_average": 30})
        check(d.get("videoroom") == "created", f"create: {d}")
        d, _ = await admin.request({"request": "list"})
        entry = next(r for r in d["list"] if r["room"] == TALK_ROOM)
        check(entry.get("audiolevel_event") is True and entry.get("audio_active_packets") == 25
              and entry.get("audio_level_average") == 30, f"list entry: {entry}")

        listener = Participant(TALK_ROOM, "listener")
        speaker = Participant(TALK_ROOM, "speaker")
        peers += [listener, speaker]
        await listener.join()
        await speaker.join()
        await speaker.publish(rgb=(10, 200, 90))

        for who in (listener, speaker):
            ev, _ = await who.handle.next_event(lambda e: e.get("videoroom") == "talking", timeout=15)
            check(ev.get("id") == speaker.id and ev.get("room") == TALK_ROOM
                  and isinstance(ev.get("mindex"), int) and isinstance(ev.get("mid"), str)
                  and ev.get("audio-level-dBov-avg", 127) < 30, f"{who.display} got {ev}")
        check(await talking_of(admin, TALK_ROOM, speaker.id) is True,
              "listparticipants must say the speaker is talking")
        # handle_info carries stock's publisher keys (admin tools read them).
        info = await plugin_info(speaker)
        check(info.get("type") == "publisher" and info.get("room") == TALK_ROOM
              and info.get("id") == speaker.id and info.get("private_id") == speaker.private_id
              and info.get("display") == "speaker" and isinstance(info.get("bitrate"), int),
              f"handle_info publisher keys: {info}")
        audio = next(st for st in info["streams"] if st.get("type") == "audio")
        check(isinstance(audio.get("mindex"), int) and audio.get("codec") == "opus"
              and audio.get("talking") is True and 0 <= audio.get("audio-level-dBov", -1) < 30,
              f"handle_info audio stream: {audio}")

        speaker.audio_track.silent = True
        for who in (listener, speaker):
            ev, _ = await who.handle.next_event(
                lambda e: e.get("videoroom") == "stopped-talking", timeout=15)
            check(ev.get("id") == speaker.id and ev.get("audio-level-dBov-avg", 0) >= 30,
                  f"{who.display} got {ev}")
        check(await talking_of(admin, TALK_ROOM, speaker.id) is False,
              "listparticipants must say the speaker stopped talking")

        # The speaker's own threshold: its tone (~15 dBov) is not below 5.
        d, _ = await speaker.handle.request({"request": "configure", "audio_level_average": 5})
        check(d.get("configured") == "ok", f"configure audio_level_average: {d}")
        speaker.audio_track.silent = False
        ev = await no_event(listener.handle, ("talking",), 4)
        check(ev is None, f"talking with the publisher's own audio_level_average 5: {ev}")
        d, _ = await speaker.handle.request({"request": "configure", "audio_level_average": 30})
        ev, _ = await listener.handle.next_event(lambda e: e.get("videoroom") == "talking", timeout=15)
        check(ev.get("id") == speaker.id, f"talking again at 30: {ev}")

        # No audiolevel_event: no events, but the field is there (stock).
        d, _ = await admin.request({"request": "create", "room": QUIET_ROOM})
        check(d.get("videoroom") == "created", f"create quiet room: {d}")
        quiet_listener = Participant(QUIET_ROOM, "quiet-listener")
        quiet_speaker = Participant(QUIET_ROOM, "quiet-speaker")
        peers += [quiet_listener, quiet_speaker]
        await quiet_listener.join()
        await quiet_speaker.join()
        await quiet_speaker.publish(rgb=(90, 90, 200))
        ev = await no_event(quiet_listener.handle, ("talking", "stopped-talking"), 4)
        check(ev is None, f"a room without audiolevel_event sent {ev}")
        check(await talking_of(admin, QUIET_ROOM, quiet_speaker.id) is False,
              "listparticipants must list talking: false for a publisher with audio levels")
    finally:
        for p in peers:
            await p.close()
        await session.destroy()


if __name__ == "__main__":
    run(main())
