"""Janus killed with SIGKILL while the kernel serves subscribers.

SwiftCall's transmit program is run by Janus (BPF_PROG_RUN), never attached:
the only references to it are Janus's file descriptors, so the kernel frees
it when the process dies, however it dies. Checked: before the kill Janus
holds the program and no BPF link at all, and legs are served; after it the
program is gone from the kernel, and although the publisher keeps sending to
Janus's address no datagram leaves for any subscriber.

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

from e2e_common import check, run
from kernel_common import close_all, datapath, start_room

ETH_P_ALL = 0x0003


def janus_bpf_objects(pid):
    """From Janus's own file descriptors (/proc/PID/fdinfo): the BPF links it
    holds as [(link type, prog id)] and the programs it holds. bpftool 7.1
    (Debian 12) cannot list tcx attachments per namespace; fdinfo names
    exactly the objects this process owns."""
    links, progs = [], set()
    fddir = f"/proc/{pid}/fdinfo"
    for fd in os.listdir(fddir):
        try:
            with open(os.path.join(fddir, fd)) as f:
                info = dict(line.rstrip("\n").split(":\t", 1) for line in f if ":\t" in line)
        except OSError:
            continue
        if "link_type" in info and "prog_id" in info:
            links.append((info["link_type"].strip(), int(info["prog_id"])))
        elif "prog_type" in info and "prog_id" in info:
            progs.add(int(info["prog_id"]))
    return links, progs


def link_prog_ids():
    """Program ids of every BPF link in the kernel (all namespaces)."""
    out = subprocess.run(["bpftool", "-j", "link", "show"], check=True, capture_output=True, text=True).stdout
    return {link.get("prog_id") for link in json.loads(out or "[]")}


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
    pub, subs = await start_room("sigkill-pub", (200, 30, 30), 2)
    try:
        end = time.monotonic() + 15
        while True:
            dp = await datapath()
            legs = dp["legs"]
            if len(legs) == 4 and all(leg["packets"] > 0 for leg in legs):
                break
            check(time.monotonic() < end, f"kernel legs not serving: {legs}")
            await asyncio.sleep(0.3)
        links, progs = janus_bpf_objects(int(os.environ["SC_JANUS_PID"]))
        # Run, never attached: Janus holds the program and no link at all,
        # so no interface carries our code.
        check(dp["transmitter"] == "sealed", f"transmitter {dp['transmitter']}")
        check(progs and not links, f"Janus holds programs {progs} and links {links}")
        before, _ = await asyncio.to_thread(count_udp, 1.0)
        check(before > 50, f"only {before} packets from Janus in 1 s before the kill")

        os.kill(int(os.environ["SC_JANUS_PID"]), signal.SIGKILL)
        await asyncio.sleep(1.0)
        after, to_janus = await asyncio.to_thread(count_udp, 2.0)
        print(f"before kill: programs {progs}, links {links}, {before} packets/s from Janus; after: {after} in 2 s "
              f"while {to_janus} went to Janus")
        check(to_janus > 50, f"the publisher sent only {to_janus} packets after the kill: test proves nothing")
        check(after == 0, f"{after} packets still left Janus's address after SIGKILL")
        for p in progs:
            check(p not in link_prog_ids(), f"program {p} still attached by a link after SIGKILL")
            check(not program_exists(p), f"program {p} still loaded after SIGKILL")
    finally:
        await close_all(subs + [pub])  # Janus is dead: never waits on its API


if __name__ == "__main__":
    run(main())
