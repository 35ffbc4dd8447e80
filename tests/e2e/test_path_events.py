"""Janus event handlers learn every move of a leg between the kernel and the
user path (issue 5: path changes via notify_event).

Janus runs with its sample event handler posting plugin events to an HTTP
listener this test opens in the client namespace (janus-env --event-port).
One aiortc publisher, one subscriber: its legs go to the kernel, then the
subscriber pins them to the user path (configure datapath=user) and hands
them back (auto). Each move must arrive as a SwiftCall "path" event with
the leg's mid, the path and the reason.

  tests/harness/with-janus.sh --mode compat --datapath kernel --event-port 18089 -- /usr/bin/python3 test_path_events.py
"""
import asyncio
import http.server
import json
import os
import threading
import time

from e2e_common import check, run
from kernel_common import close_all, start_room, wait_path

EVENTS = []


class Collector(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        try:
            data = json.loads(body)
        except ValueError:
            data = None
        for item in data if isinstance(data, list) else [data]:
            if isinstance(item, dict):
                EVENTS.append(item)
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args):
        pass


def path_events(path):
    """SwiftCall's "path" events (the plugin's data inside Janus's envelope)."""
    out = []
    for e in EVENTS:
        data = (e.get("event") or {}).get("data") or {}
        if data.get("event") == "path" and data.get("path") == path:
            out.append(data)
    return out


async def wait_events(path, count, timeout=10):
    end = time.monotonic() + timeout
    while len(path_events(path)) < count:
        check(time.monotonic() < end, f"{len(path_events(path))} '{path}' path events after {timeout} s, "
                                      f"expected {count}; got {EVENTS[-5:]}")
        await asyncio.sleep(0.2)
    return path_events(path)


async def main():
    server = http.server.ThreadingHTTPServer((os.environ["SC_CLIENT_IP"], int(os.environ["SC_EVENT_PORT"])),
                                             Collector)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    pub, subs = await start_room("events-pub", (200, 30, 200), 1)
    sub = subs[0]
    try:
        await wait_path(sub, "kernel")
        kernel = await wait_events("kernel", 2)
        check({e["mid"] for e in kernel} == {st["mid"] for st in sub.streams},
              f"kernel path events for mids {[e['mid'] for e in kernel]}, subscriber has {sub.streams}")
        check(all(e["reason"].startswith("kernel:") for e in kernel), f"kernel events without reason: {kernel}")

        data, _ = await sub.handle.request({"request": "configure", "datapath": "user"})
        check(data.get("configured") == "ok", f"configure failed: {data}")
        user = await wait_events("user", 2)
        check(all("forced" in e["reason"] for e in user), f"user path events do not say why: {user}")

        data, _ = await sub.handle.request({"request": "configure", "datapath": "auto"})
        check(data.get("configured") == "ok", f"configure failed: {data}")
        await wait_events("kernel", 4)
        print(f"path events: {[(e['mid'], e['path'], e['reason']) for e in path_events('kernel') + path_events('user')]}")
    finally:
        server.shutdown()
        await close_all(subs + [pub])


if __name__ == "__main__":
    run(main())
