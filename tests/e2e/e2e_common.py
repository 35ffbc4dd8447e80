"""Shared bits of the aiortc end-to-end tests."""
import asyncio
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "harness"))

from janus_http import Session  # noqa: E402

ROOM = int(os.environ.get("SC_ROOM", "1234"))


class Failure(Exception):
    pass


def check(cond, msg):
    if not cond:
        raise Failure(msg)


def run(coro):
    """Run a test coroutine; exit 0 on success, 1 with a clear line on failure.
    A test never hangs: the whole run is bounded by SC_TEST_TIMEOUT seconds."""
    timeout = float(os.environ.get("SC_TEST_TIMEOUT", "120"))
    try:
        asyncio.run(asyncio.wait_for(coro, timeout))
    except Failure as e:
        print(f"FAIL [{os.environ.get('SC_MODE')}]: {e}", flush=True)
        os._exit(1)
    except Exception as e:  # noqa: BLE001
        import traceback
        traceback.print_exc()
        print(f"FAIL [{os.environ.get('SC_MODE')}]: {type(e).__name__}: {e}", flush=True)
        os._exit(1)
    print(f"PASS [{os.environ.get('SC_MODE')}]", flush=True)
    # aiortc leaves daemon threads/transports behind; do not wait for them.
    os._exit(0)
