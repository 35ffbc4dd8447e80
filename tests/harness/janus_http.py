"""Minimal Janus HTTP API client (sessions, handles, long-poll events).

Runs inside the client namespace (see scripts/janus-env.sh); stdlib only so
that it works with Debian's /usr/bin/python3. The long poll runs on a daemon
thread and hands events to the asyncio loop, so a test never waits on a
blocked HTTP request at shutdown.
"""
import asyncio
import json
import os
import random
import string
import threading
import urllib.error
import urllib.request


def _tx():
    return "".join(random.choice(string.ascii_letters) for _ in range(12))


class JanusError(Exception):
    def __init__(self, code, reason, reply=None):
        super().__init__(f"janus error {code}: {reason}")
        self.code = code
        self.reason = reason
        self.reply = reply


def http_post(url, payload, timeout=10):
    """POST payload (dict, or raw str/bytes sent verbatim) and return the JSON reply."""
    if isinstance(payload, (dict, list)):
        data = json.dumps(payload).encode()
    elif isinstance(payload, str):
        data = payload.encode()
    else:
        data = payload
    req = urllib.request.Request(url, data=data, method="POST",
                                 headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=timeout) as r:
        return json.loads(r.read().decode())


def http_get(url, timeout=40):
    with urllib.request.urlopen(url, timeout=timeout) as r:
        return json.loads(r.read().decode())


def default_url():
    return os.environ["SC_JANUS_URL"]


def default_package():
    return os.environ.get("SC_PACKAGE", "janus.plugin.videoroom")


class Handle:
    def __init__(self, session, handle_id, package):
        self.session = session
        self.id = handle_id
        self.package = package
        self.url = f"{session.url}/{handle_id}"
        self.events = asyncio.Queue()   # unsolicited plugin events: (data, jsep)
        self.core_events = asyncio.Queue()  # webrtcup, media, hangup, slowlink...
        self._waiting = {}              # transaction -> future

    def _dispatch(self, ev):
        kind = ev.get("janus")
        tx = ev.get("transaction")
        if kind == "event":
            data = ev.get("plugindata", {}).get("data", {})
            item = (data, ev.get("jsep"))
            fut = self._waiting.pop(tx, None) if tx else None
            if fut and not fut.done():
                fut.set_result(item)
            else:
                self.events.put_nowait(item)
        else:
            self.core_events.put_nowait(ev)

    async def post(self, msg, timeout=10):
        msg = dict(msg)
        msg.setdefault("transaction", _tx())
        return await asyncio.to_thread(http_post, self.url, msg, timeout)

    async def request(self, body, jsep=None, timeout=15):
        """Send a plugin message; return plugindata.data of the synchronous
        answer or of the asynchronous event carrying the same transaction.
        Returns (data, jsep)."""
        tx = _tx()
        fut = asyncio.get_running_loop().create_future()
        self._waiting[tx] = fut
        msg = {"janus": "message", "transaction": tx, "body": body}
        if jsep is not None:
            msg["jsep"] = jsep
        reply = await asyncio.to_thread(http_post, self.url, msg, timeout)
        kind = reply.get("janus")
        if kind == "success":
            self._waiting.pop(tx, None)
            return reply.get("plugindata", {}).get("data", {}), reply.get("jsep")
        if kind == "error":
            self._waiting.pop(tx, None)
            err = reply.get("error", {})
            raise JanusError(err.get("code"), err.get("reason"), reply)
        if kind != "ack":
            self._waiting.pop(tx, None)
            raise RuntimeError(f"unexpected reply {reply}")
        return await asyncio.wait_for(fut, timeout)

    async def next_event(self, pred=lambda d: True, timeout=15):
        """Next unsolicited plugin event whose data satisfies pred (others are dropped)."""
        loop = asyncio.get_running_loop()
        end = loop.time() + timeout
        while True:
            left = end - loop.time()
            if left <= 0:
                raise asyncio.TimeoutError("no matching event")
            data, jsep = await asyncio.wait_for(self.events.get(), left)
            if pred(data):
                return data, jsep

    async def trickle_done(self):
        return await self.post({"janus": "trickle", "candidate": {"completed": True}})

    async def detach(self):
        try:
            await self.post({"janus": "detach"})
        except Exception:
            pass

    async def hangup(self):
        return await self.post({"janus": "hangup"})


class Session:
    def __init__(self, url=None):
        self.url = None
        self.base = url or default_url()
        self.handles = {}
        self._stop = threading.Event()
        self._thread = None
        self._loop = None

    async def create(self):
        reply = await asyncio.to_thread(http_post, self.base, {"janus": "create", "transaction": _tx()})
        if reply.get("janus") != "success":
            raise RuntimeError(f"create failed: {reply}")
        self.id = reply["data"]["id"]
        self.url = f"{self.base}/{self.id}"
        self._loop = asyncio.get_running_loop()
        self._thread = threading.Thread(target=self._poll, daemon=True)
        self._thread.start()
        return self

    async def attach(self, package=None):
        package = package or default_package()
        reply = await asyncio.to_thread(http_post, self.url,
                                        {"janus": "attach", "plugin": package, "transaction": _tx()})
        if reply.get("janus") != "success":
            err = reply.get("error", {})
            raise JanusError(err.get("code"), err.get("reason"), reply)
        h = Handle(self, reply["data"]["id"], package)
        self.handles[h.id] = h
        return h

    def _poll(self):
        while not self._stop.is_set():
            try:
                evs = http_get(f"{self.url}?maxev=20&rid={random.randint(0, 1 << 30)}", timeout=40)
            except Exception:
                if self._stop.is_set():
                    return
                self._stop.wait(0.2)
                continue
            if isinstance(evs, dict):
                evs = [evs]
            for ev in evs:
                if ev.get("janus") == "keepalive":
                    continue
                self._loop.call_soon_threadsafe(self._route, ev)

    def _route(self, ev):
        h = self.handles.get(ev.get("sender"))
        if h:
            h._dispatch(ev)

    async def destroy(self):
        self._stop.set()
        if self.url:
            try:
                await asyncio.to_thread(http_post, self.url, {"janus": "destroy", "transaction": _tx()}, 5)
            except Exception:
                pass


async def admin(verb, /, **fields):
    """Admin API call (needs SC_ADMIN_URL and SC_ADMIN_SECRET); fields may
    include "request" (message_plugin's body)."""
    msg = {"janus": verb, "transaction": _tx(), "admin_secret": os.environ["SC_ADMIN_SECRET"]}
    msg.update(fields)
    url = os.environ["SC_ADMIN_URL"]
    if "session_id" in fields and "handle_id" in fields:
        url = f"{url}/{fields['session_id']}/{fields['handle_id']}"
        msg.pop("session_id")
        msg.pop("handle_id")
    return await asyncio.to_thread(http_post, url, msg)
