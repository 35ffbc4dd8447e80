#!/usr/bin/env python3
"""roles.py ADMIN_URL SECRET [--wait-handles K] [--timeout SEC]

Prints "<local port> publisher|subscriber <handle id>" for every ICE handle
of a Janus, from its admin API (handle_info: the selected pair's local port;
the plugin's own role field: stock VideoRoom "type", SwiftCall "role").
This is how wakeups tells a publisher's socket from a subscriber's: the
port is the one thing both the admin API and /proc/PID/net/udp show.

--wait-handles K: first wait until K handles have a selected pair (the load
client's N subscribers + 1 publisher are up), at most --timeout seconds.
"""
import json
import sys
import time
import urllib.request


def call(url, secret, body):
    body = dict(body, transaction="wk", admin_secret=secret)
    req = urllib.request.Request(url, data=json.dumps(body).encode(), method="POST")
    with urllib.request.urlopen(req, timeout=5) as r:
        return json.load(r)


def roles(url, secret):
    out = []
    for s in call(url, secret, {"janus": "list_sessions"}).get("sessions", []):
        for h in call(f"{url}/{s}", secret, {"janus": "list_handles"}).get("handles", []):
            try:
                info = call(f"{url}/{s}/{h}", secret, {"janus": "handle_info"}).get("info", {})
            except OSError:
                continue  # the handle went away
            ps = info.get("plugin_specific") or {}
            role = ps.get("role") or ps.get("type") or "unknown"
            pair = ((info.get("webrtc") or {}).get("ice") or {}).get("selected-pair") or ""
            # "127.0.41.1:29379 [host,udp] <-> 127.0.41.2:43947 [host,udp]"
            local = pair.split(" ", 1)[0]
            if ":" not in local:
                continue
            out.append((int(local.rsplit(":", 1)[1]), role, h))
    return out


def main():
    args = sys.argv[1:]
    if len(args) < 2:
        sys.exit(__doc__)
    url, secret = args[0], args[1]
    want, timeout = 0, 300.0
    if "--wait-handles" in args:
        want = int(args[args.index("--wait-handles") + 1])
    if "--timeout" in args:
        timeout = float(args[args.index("--timeout") + 1])
    deadline = time.monotonic() + timeout
    while True:
        try:
            got = roles(url, secret)
        except OSError:
            got = []
        if len(got) >= want or time.monotonic() > deadline:
            break
        time.sleep(1)
    for port, role, h in sorted(got):
        print(port, role, h)
    if len(got) < want:
        print(f"roles.py: only {len(got)} of {want} handles up", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
