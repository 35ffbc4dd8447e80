"""API abuse table: every malformed or hostile request in abuse_cases.json is
sent to the plugin over the Janus HTTP API and must get exactly the expected
answer (a VideoRoom `error_code`, a Janus core error, or success), and the
plugin must still work afterwards.

Each case: name, state (attached | publisher | subscriber: what the handle
has done before), body (or raw_message / raw), expect. "$ROOM", "$FEED" (a
live aiortc publisher), "$PINROOM" (a room with pin "sc-pin" and no
publishers), "$TOKENROOM" (secret "sc-secret", allowed tokens "tok-a" and
"tok-b"; the cases change its list in order), "$NEWROOM", "$BIG64K", "$NEST100/1000" are filled in
at run time. "swiftcall_expect" + "why" mark the few deliberate deviations
from the oracle that issue 2 asks for (oversized strings are rejected).

The expected answers were captured from the stock VideoRoom plugin (the
oracle) with `--capture`, so the table is right by construction; the same
table runs against SwiftCall.

  tests/harness/with-janus.sh --mode stock -- /usr/bin/python3 test_abuse.py --capture
  tests/harness/with-janus.sh --mode swiftcall -- /usr/bin/python3 test_abuse.py
"""
import asyncio
import json
import os
import sys

from e2e_common import ROOM, check, run
from janus_http import Session, _tx, http_post
from rtc_clients import Participant

sys.setrecursionlimit(20000)
TABLE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "abuse_cases.json")


def nest(depth, leaf=1):
    v = leaf
    for _ in range(depth):
        v = [v]
    return v


def expand(value, ctx):
    """Replace "$NAME" placeholders anywhere in a JSON value."""
    if isinstance(value, dict):
        return {k: expand(v, ctx) for k, v in value.items()}
    if isinstance(value, list):
        return [expand(v, ctx) for v in value]
    if isinstance(value, str) and value.startswith("$") and value[1:] in ctx:
        return ctx[value[1:]]()
    return value


async def classify(handle, tx, reply):
    kind = reply.get("janus")
    if kind == "error":
        return {"janus_error": reply.get("error", {}).get("code")}
    if kind == "success":
        data = reply.get("plugindata", {}).get("data", {})
    else:
        return {"unexpected": kind}
    if "error_code" in data:
        return {"error_code": data["error_code"]}
    return {"ok": data.get("videoroom")}


async def send_case(case, handle, ctx):
    tx = _tx()
    fut = None
    if "raw" in case:
        raw = case["raw"]
        if raw == "$RAWNEST5000":
            raw = '{"janus":"message","transaction":"%s","body":{"request":"list","x":%s1%s}}' % (
                tx, "[" * 5000, "]" * 5000)
        reply = await asyncio.to_thread(http_post, handle.url, raw)
    else:
        if "raw_message" in case:
            msg = dict(case["raw_message"])
        else:
            msg = {"janus": "message", "body": expand(case["body"], ctx)}
            if "jsep" in case:
                msg["jsep"] = case["jsep"]
        msg["transaction"] = tx
        fut = asyncio.get_running_loop().create_future()
        handle._waiting[tx] = fut
        reply = await asyncio.to_thread(http_post, handle.url, json.dumps(msg))
    if reply.get("janus") == "ack" and "raw" not in case:
        try:
            data, _ = await asyncio.wait_for(fut, 10)
        except asyncio.TimeoutError:
            return {"timeout": True}
        if "error_code" in data:
            return {"error_code": data["error_code"]}
        return {"ok": data.get("videoroom")}
    handle._waiting.pop(tx, None)
    return await classify(handle, tx, reply)


async def prepare(state, feed):
    s = await Session().create()
    h = await s.attach()
    if state == "publisher":
        d, _ = await h.request({"request": "join", "ptype": "publisher", "room": ROOM, "display": "abuse"})
        check(d.get("videoroom") == "joined", f"set-up join failed: {d}")
    elif state == "subscriber":
        d, _ = await h.request({"request": "join", "ptype": "subscriber", "room": ROOM, "streams": [{"feed": feed}]})
        check(d.get("videoroom") == "attached", f"set-up subscribe failed: {d}")
    return s, h


async def main(capture):
    cases = json.load(open(TABLE))
    pub = Participant(ROOM, "abuse-feed")
    await pub.join()
    await pub.publish()
    newroom = [880000]
    pinroom = 879999
    tokenroom = 879998
    s, h = await prepare("attached", None)
    d, _ = await h.request({"request": "create", "room": pinroom, "pin": "sc-pin"})
    check(d.get("videoroom") == "created", f"set-up create of the pin room failed: {d}")
    d, _ = await h.request({"request": "create", "room": tokenroom, "secret": "sc-secret",
                            "allowed": ["tok-a", "tok-b"]})
    check(d.get("videoroom") == "created", f"set-up create of the token room failed: {d}")
    await s.destroy()

    def next_room():
        newroom[0] += 1
        return newroom[0]

    ctx = {"ROOM": lambda: ROOM, "FEED": lambda: pub.id, "PINROOM": lambda: pinroom, "TOKENROOM": lambda: tokenroom, "NEWROOM": next_room,
           "NEST1000": lambda: nest(1000), "NEST100": lambda: nest(100, ROOM),
           "BIG64K": lambda: "A" * 65536}
    failures = []
    try:
        for case in cases:
            s, h = await prepare(case["state"], pub.id)
            try:
                got = await send_case(case, h, ctx)
            finally:
                await s.destroy()
            if capture:
                case["expect"] = got  # swiftcall_expect/why are kept as written
                print(f"captured {case['name']}: {got}")
                continue
            want = case.get("expect")
            # A documented, deliberate deviation from the oracle (field "why").
            if os.environ.get("SC_MODE") in ("swiftcall", "compat") and "swiftcall_expect" in case:
                want = case["swiftcall_expect"]
            status = "ok " if got == want else "BAD"
            print(f"{status} {case['name']}: expected {want}, got {got}")
            if got != want:
                failures.append(f"{case['name']} (request {json.dumps(case.get('body', case.get('raw_message', case.get('raw'))))[:200]}): expected {want}, got {got}")
        # Still alive and unharmed: the room survived the hostile destroys.
        s, h = await prepare("attached", None)
        d, _ = await h.request({"request": "exists", "room": ROOM})
        check(d.get("exists") is True, f"room {ROOM} is gone after the abuse table: {d}")
        d, _ = await h.request({"request": "list"})
        check(d.get("videoroom") == "success", f"list after the abuse table: {d}")
        await s.destroy()
    finally:
        await pub.close()
    if capture:
        with open(TABLE, "w") as f:
            f.write("[\n")
            f.write(",\n".join(" " + json.dumps(c, ensure_ascii=True) for c in cases))
            f.write("\n]\n")
        print(f"wrote {len(cases)} expectations to {TABLE}")
        return
    check(not failures, f"{len(failures)} of {len(cases)} cases differ:\n  " + "\n  ".join(failures))
    print(f"all {len(cases)} cases as expected")


if __name__ == "__main__":
    run(main("--capture" in sys.argv))
