"""The shape of the room views (issue 14 §9): `list` entries,
`listparticipants` entries and the create / edit / destroy answers carry
every key the stock VideoRoom 1.1.2 gives, with stock's types. The key sets
below were observed on the stock VideoRoom (`--mode stock` runs this same
test against it); SwiftCall may add keys, never drop one.

tests/harness/with-janus.sh --mode compat -- /usr/bin/python3 test_room_views.py
"""
from e2e_common import ROOM, check, run
from janus_http import Session
from rtc_clients import Participant

SHAPE_ROOM = 880201

# key -> type, as the stock VideoRoom answers for a room without options.
LIST_ENTRY = {
    "room": int, "description": str, "pin_required": bool, "is_private": bool,
    "max_publishers": int, "bitrate": int, "fir_freq": int, "require_pvtid": bool,
    "require_e2ee": bool, "dummy_publisher": bool, "notify_joining": bool,
    "audiocodec": str, "videocodec": str, "opus_fec": bool, "record": bool,
    "lock_record": bool, "num_participants": int, "audiolevel_ext": bool,
    "audiolevel_event": bool, "videoorient_ext": bool, "playoutdelay_ext": bool,
    "transport_wide_cc_ext": bool,
}
PUBLISHING = {"id": int, "display": str, "publisher": bool, "talking": bool}
JOINED = {"id": int, "display": str, "publisher": bool}


def check_shape(what, item, shape):
    missing = sorted(set(shape) - set(item))
    check(not missing, f"{what} lacks stock's keys {missing}: {item}")
    wrong = sorted(k for k, t in shape.items() if not isinstance(item[k], t)
                   or (t is int and isinstance(item[k], bool)))
    check(not wrong, f"{what}: {wrong} have the wrong type: {item}")


async def main():
    session = await Session().create()
    h = await session.attach()
    pub = Participant(ROOM, "pub")
    idle = Participant(ROOM, "idle")
    try:
        d, _ = await h.request({"request": "create", "room": SHAPE_ROOM, "secret": "s"})
        check_shape("created", d, {"videoroom": str, "room": int, "permanent": bool})
        d, _ = await h.request({"request": "edit", "room": SHAPE_ROOM, "secret": "s",
                                "new_description": "x"})
        check_shape("edited", d, {"videoroom": str, "room": int, "permanent": bool})

        d, _ = await h.request({"request": "list"})
        for entry in d.get("list", []):
            check_shape(f"list entry {entry.get('room')}", entry, LIST_ENTRY)
        check(any(e.get("room") == SHAPE_ROOM for e in d.get("list", [])), f"no room in {d}")

        await pub.join()
        await pub.publish()
        await idle.join()
        d, _ = await h.request({"request": "listparticipants", "room": ROOM})
        check_shape("participants", d, {"videoroom": str, "room": int, "participants": list})
        by_id = {p.get("id"): p for p in d["participants"]}
        check(pub.id in by_id and idle.id in by_id, f"participants: {d}")
        check_shape("a publishing participant", by_id[pub.id], PUBLISHING)
        check_shape("a joined participant", by_id[idle.id], JOINED)
        check(by_id[pub.id]["publisher"] is True and by_id[idle.id]["publisher"] is False,
              f"publisher flags: {d}")

        d, _ = await h.request({"request": "destroy", "room": SHAPE_ROOM, "secret": "s"})
        check_shape("destroyed", d, {"videoroom": str, "room": int, "permanent": bool})
    finally:
        await pub.close()
        await idle.close()
        await session.destroy()


if __name__ == "__main__":
    run(main())
