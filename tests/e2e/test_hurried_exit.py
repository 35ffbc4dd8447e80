"""Janus told to stop three times while the kernel serves subscribers.

On the third SIGINT/SIGTERM Janus calls exit(1) from its signal handler
("Ok, leaving immediately..."), without destroying its plugins. exit() runs
static destructors while the plugin's worker thread and Janus's loop threads
still run. Until the plugin's singleton was made immortal, that destructed a
joinable std::thread: "terminate called without an active exception",
SIGABRT and a core dump (seen in CI as /usr/bin/janus's core).

Checked: legs are served, three spaced SIGTERMs end the process within 10 s,
without the plugin's destroy() (so the test reached the exit path), and
nothing aborted: no "terminate called", and no core file where
Janus runs.

  tests/harness/with-janus.sh --mode compat --datapath kernel -- /usr/bin/python3 test_hurried_exit.py
"""
import asyncio
import os
import signal
import time

from e2e_common import check, run
from kernel_common import close_all, datapath, start_room


def alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie (already exited, not yet reaped by its parent) counts as gone.
    with open(f"/proc/{pid}/stat") as f:
        return f.read().rsplit(")", 1)[1].split()[0] != "Z"


async def main():
    pid = int(os.environ["SC_JANUS_PID"])
    state = os.environ["SC_STATE"]
    # stderr (where libstdc++ reports a terminate) and Janus's own log.
    outputs = [os.path.join(state, "janus.stdout"), os.path.join(state, "janus.log")]
    cwd = os.readlink(f"/proc/{pid}/cwd")
    cores_before = {f for f in os.listdir(cwd) if f.startswith("core")}
    pub, subs = await start_room("hurried-pub", (200, 30, 30), 2)
    try:
        end = time.monotonic() + 15
        while True:
            legs = (await datapath())["legs"]
            if len(legs) == 4 and all(leg["packets"] > 0 for leg in legs):
                break
            check(time.monotonic() < end, f"kernel legs not serving: {legs}")
            await asyncio.sleep(0.3)
        # Spaced, so the kernel does not merge them into one pending signal,
        # and quick, so the third comes before a clean stop could finish.
        for _ in range(3):
            os.kill(pid, signal.SIGTERM)
            await asyncio.sleep(0.005)
        end = time.monotonic() + 10
        while alive(pid):
            check(time.monotonic() < end, "Janus still running 10 s after three SIGTERMs")
            await asyncio.sleep(0.1)
        out = ""
        for path in outputs:
            with open(path, errors="replace") as f:
                out += f.read()
        tail = "\n".join(out.splitlines()[-8:])
        print(f"Janus's last lines:\n{tail}")
        # Its logger thread may not flush "leaving immediately" before exit();
        # a clean stop would have destroyed the plugin and said goodbye.
        check("[SwiftCall] destroyed" not in out and "Bye!" not in out,
              "Janus stopped cleanly, not from its signal handler: test proves nothing")
        check("terminate called" not in out, "a C++ destructor ran std::terminate at exit")
        cores = {f for f in os.listdir(cwd) if f.startswith("core")} - cores_before
        check(not cores, f"Janus dumped core at exit: {sorted(cores)} in {cwd}")
    finally:
        await close_all(subs + [pub])  # Janus is gone: never waits on its API


if __name__ == "__main__":
    run(main())
