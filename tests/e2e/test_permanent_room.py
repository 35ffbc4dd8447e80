"""Permanent rooms (issue 15): create / edit / destroy with "permanent": true
write the plugin's jcfg the way the stock VideoRoom writes its own, and
what was written is what Janus serves after a restart. Every answer here was
first observed on the stock VideoRoom (`--mode stock`, which writes
janus.plugin.videoroom.jcfg).

tests/harness/with-janus.sh --mode compat -- /usr/bin/python3 test_permanent_room.py
"""
import os
import subprocess

from e2e_common import ROOM, check, run
from janus_http import Session

KEPT = 880101      # created permanent, then edited permanent: survives
DROPPED = 880102   # created permanent, destroyed permanent: gone
PASSING = 880103   # created without permanent: gone after the restart
SECRET = "perm-secret"

HERE = os.path.dirname(os.path.abspath(__file__))
ENV_SH = os.path.join(HERE, "..", "..", "scripts", "janus-env.sh")


def jcfg_path():
    name = "janus.plugin.videoroom" if os.environ["SC_MODE"] == "stock" else "janus.plugin.swiftcall"
    return os.path.join(os.environ["SC_STATE"], "conf", name + ".jcfg")


def jcfg_text():
    with open(jcfg_path()) as f:
        return f.read()


def restart_janus():
    # The same instance (SC_PREFIX/SC_ID from the harness), same config.
    out = subprocess.run(["bash", ENV_SH, "restart"], capture_output=True, text=True, timeout=120)
    check(out.returncode == 0, f"janus-env restart failed: {out.stderr[-2000:]}")


async def request(handle, body):
    reply, _ = await handle.request(body)
    return reply


async def before_restart():
    session = await Session().create()
    h = await session.attach()
    d = await request(h, {"request": "create", "room": KEPT, "permanent": True,
                          "description": "kept", "secret": SECRET, "pin": "kept-pin",
                          "publishers": 5, "bitrate": 256000, "videocodec": "vp8,h264"})
    check(d.get("videoroom") == "created" and d.get("permanent") is True, f"create permanent: {d}")
    check(f"room-{KEPT}" in jcfg_text(), f"room-{KEPT} not written to {jcfg_path()}")

    d = await request(h, {"request": "create", "room": DROPPED, "permanent": True, "secret": SECRET})
    check(d.get("permanent") is True, f"create permanent: {d}")
    d = await request(h, {"request": "edit", "room": KEPT, "secret": SECRET, "permanent": True,
                          "new_description": "kept, edited"})
    check(d.get("videoroom") == "edited" and d.get("permanent") is True, f"edit permanent: {d}")
    check("kept, edited" in jcfg_text(), "the edit did not reach the jcfg")
    d = await request(h, {"request": "destroy", "room": DROPPED, "secret": SECRET, "permanent": True})
    check(d.get("videoroom") == "destroyed" and d.get("permanent") is True, f"destroy permanent: {d}")
    check(f"room-{DROPPED}" not in jcfg_text(), f"room-{DROPPED} still in the jcfg after destroy")

    # Without the flag nothing is written, and the answer says so.
    d = await request(h, {"request": "create", "room": PASSING, "secret": SECRET})
    check(d.get("videoroom") == "created" and d.get("permanent") is False, f"create: {d}")
    d = await request(h, {"request": "edit", "room": PASSING, "secret": SECRET, "new_description": "x"})
    check(d.get("videoroom") == "edited" and d.get("permanent") is False, f"edit: {d}")
    check(f"room-{PASSING}" not in jcfg_text(), "a non-permanent room was written")
    # A room from the jcfg destroyed without the flag comes back (stock).
    await session.destroy()


async def after_restart():
    session = await Session().create()
    h = await session.attach()
    for room, want in ((KEPT, True), (DROPPED, False), (PASSING, False), (ROOM, True)):
        d = await request(h, {"request": "exists", "room": room})
        check(d.get("exists") is want, f"after the restart, exists {room}: {d} (want {want})")
    listed = await request(h, {"request": "list"})
    kept = next((r for r in listed.get("list", []) if r.get("room") == KEPT), None)
    check(kept is not None, f"room {KEPT} not listed: {listed}")
    check(kept.get("description") == "kept, edited", f"description after restart: {kept}")
    check(kept.get("pin_required") is True, f"pin lost: {kept}")
    check(kept.get("max_publishers") == 5 and kept.get("bitrate") == 256000, f"limits lost: {kept}")
    check(kept.get("videocodec") == "vp8,h264", f"codecs lost: {kept}")
    # The secret came back too: a wrong one is refused, the right one works.
    d = await request(h, {"request": "destroy", "room": KEPT, "secret": "wrong"})
    check(d.get("error_code") == 433, f"destroy with a wrong secret after restart: {d}")
    d = await request(h, {"request": "destroy", "room": KEPT, "secret": SECRET, "permanent": True})
    check(d.get("videoroom") == "destroyed" and d.get("permanent") is True, f"destroy permanent: {d}")
    check(f"room-{KEPT}" not in jcfg_text(), f"room-{KEPT} still in the jcfg")
    check(f"room-{ROOM}" in jcfg_text(), "the configured room was lost from the jcfg")
    await session.destroy()


async def main():
    await before_restart()
    restart_janus()
    await after_restart()


if __name__ == "__main__":
    run(main())
