"""Janus killed with SIGKILL while the kernel serves subscribers.

SwiftCall attaches its TC program with tcx links owned by the Janus process,
so the kernel drops them when the process dies, however it dies. Checked:
before the kill the program is attached in Janus's namespace and legs are
served; after it no SwiftCall program is attached there, the program itself
is gone from the kernel, and although the publisher keeps sending to Janus's
address no clone leaves for any subscriber.

  tests/harness/with-janus.sh --mode compat --datapath kernel -- /usr/bin/python3 test_kernel_sigkill.py
"""
import asyncio
import json
import os
import signal
import socket
import struct
import subprocess
import time

from e2e_common import ROOM, check, run
from janus_http import admin
from rtc_clients import Participant, Subscriber

ETH_P_ALL = 0x0003


def swiftcall_attachments():
    """(interface, prog id) of SwiftCall programs on TC in Janus's namespace."""
    out = subprocess.run(["ip", "netns", "exec", os.environ["SC_NS_JANUS"], "bpftool", "-j", "net", "show"],
                         check=True, capture_output=True, text=True).stdout
    found = []
    for section in json.loads(out or "[]"):
        for hook in ("tc", "tcx"):
            for entry in section.get(hook, []) or []:
                if "swiftcall" in entry.get("name", ""):
                    found.append((entry.get("devname"), entry.get("id") or entry.get("prog_id")))
    return found


def program_exists(prog_id):
    r = subprocess.run(["bpftool", "prog", "show", "id", str(prog_id)], capture_output=True, text=True)
    return r.returncode == 0


def count_udp(seconds):
    """UDP packets seen on the client namespace's interfaces: (from Janus, to Janus)."""
    janus = socket.inet_aton(os.environ["SC_JANUS_IP"])
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
    s.settimeout(0.2)
    from_janus = to_janus = 0
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        try:
            frame, addr = s.recvfrom(65535)
        except socket.timeout:
            continue
        if len(frame) < 14 + 20 or struct.unpack("!H", frame[12:14])[0] != 0x0800:
            continue
        ip = frame[14:]
        if ip[9] != 17:
            continue
        if ip[12:16] == janus and addr[2] != socket.PACKET_OUTGOING:
            from_janus += 1
        elif ip[16:20] == janus and addr[2] == socket.PACKET_OUTGOING:
            to_janus += 1
    s.close()
    return from_janus, to_janus


async def main():
    pub = Participant(ROOM, "sigkill-pub")
    await pub.join()
    await pub.publish(rgb=(200, 30, 30), size=(320, 240))
    subs = [Subscriber(ROOM) for _ in range(2)]
    try:
        await asyncio.gather(*(s.subscribe([pub.id]) for s in subs))
        await asyncio.gather(*(s.wait_frames(20, 40, timeout=40) for s in subs))
        end = time.monotonic() + 15
        while True:
            reply = await admin("message_plugin", plugin=os.environ.get("SC_PACKAGE", "janus.plugin.swiftcall"),
                                request={"request": "datapath"})
            legs = reply["response"]["datapath"]["legs"]
            if len(legs) == 4 and all(leg["packets"] > 0 for leg in legs):
                break
            check(time.monotonic() < end, f"kernel legs not serving: {legs}")
            await asyncio.sleep(0.3)
        attached = swiftcall_attachments()
        check(attached, "no SwiftCall program attached in Janus's namespace while legs are served")
        prog_ids = {p for _, p in attached if p}
        check(prog_ids, f"no program id in bpftool's listing: {attached}")
        before, _ = await asyncio.to_thread(count_udp, 1.0)
        check(before > 50, f"only {before} packets from Janus in 1 s before the kill")

        os.kill(int(os.environ["SC_JANUS_PID"]), signal.SIGKILL)
        await asyncio.sleep(1.0)
        after, to_janus = await asyncio.to_thread(count_udp, 2.0)
        print(f"before kill: {before} packets/s from Janus; after: {after} in 2 s while "
              f"{to_janus} went to Janus; attached {swiftcall_attachments()}")
        check(to_janus > 50, f"the publisher sent only {to_janus} packets after the kill: test proves nothing")
        check(after == 0, f"{after} packets still left Janus's address after SIGKILL")
        check(not swiftcall_attachments(), f"SwiftCall still attached after SIGKILL: {swiftcall_attachments()}")
        for p in prog_ids:
            check(not program_exists(p), f"program {p} still loaded after SIGKILL")
    finally:
        # Janus may be dead: closing must not hang on its HTTP API.
        for peer in subs + [pub]:
            try:
                await asyncio.wait_for(peer.close(), 5)
            except Exception:  # noqa: BLE001
                pass


if __name__ == "__main__":
    run(main())
