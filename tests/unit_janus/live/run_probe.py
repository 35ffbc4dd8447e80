#!/usr/bin/python3
"""aiortc peer for the bridge probe (see run_probe.sh).

Connects to janus.plugin.scjbprobe, completes ICE + DTLS-SRTP, then checks
that what the bridge read inside Janus agrees with two independent sources:
aiortc's own DTLS key export (the SRTP master keys, per direction) and
Janus's admin API handle_info (SRTP profile, DTLS role, SSRCs, mids).
Exit 0 when everything matches; prints the evidence either way.
"""
import argparse
import asyncio
import json
import os
import random
import sys
import urllib.request

import aiortc.rtcdtlstransport as dtls_module
from OpenSSL import SSL
from aiortc import RTCPeerConnection, RTCSessionDescription
from aiortc.mediastreams import AudioStreamTrack, VideoStreamTrack

# Capture the SRTP master key+salt aiortc derives, by direction.
captured = {}
_Policy = dtls_module.Policy


class CapturingPolicy(_Policy):
    def __init__(self, key=None, ssrc_type=_Policy.SSRC_UNDEFINED, ssrc_value=0):
        direction = "rx" if ssrc_type == _Policy.SSRC_ANY_INBOUND else "tx"
        captured[direction] = bytes(key).hex()
        super().__init__(key=key, ssrc_type=ssrc_type, ssrc_value=ssrc_value)


dtls_module.Policy = CapturingPolicy

# aiortc offers only SRTP_AES128_CM_SHA1_80; to exercise the GCM profiles
# Janus also negotiates, offer another one in the DTLS handshake and export
# the keying material ourselves (aiortc's own SRTP then fails, which does not
# matter: only the keys are compared).
PROFILES = {  # name: (master key, master salt) lengths, RFC 3711 / RFC 7714
    "SRTP_AES128_CM_SHA1_80": (16, 14),
    "SRTP_AEAD_AES_128_GCM": (16, 12),
    "SRTP_AEAD_AES_256_GCM": (32, 12),
}
offered_profile = ["SRTP_AES128_CM_SHA1_80"]
connections = []
_create_ctx = dtls_module.RTCCertificate._create_ssl_context
_export = SSL.Connection.export_keying_material


def create_ctx(self):
    ctx = _create_ctx(self)
    ctx.set_tlsext_use_srtp(offered_profile[0].encode())
    return ctx


def export(self, label, olen, context=None):
    connections.append(self)
    return _export(self, label, olen, context)


dtls_module.RTCCertificate._create_ssl_context = create_ctx
SSL.Connection.export_keying_material = export


def expected_janus_keys(janus_role):
    """RFC 5764 §4.2 split of the peer's own export, from Janus's side."""
    key, salt = PROFILES[offered_profile[0]]
    m = _export(connections[-1], b"EXTRACTOR-dtls_srtp", 2 * (key + salt))
    client = (m[:key] + m[2 * key:2 * key + salt]).hex()
    server = (m[key:2 * key] + m[2 * key + salt:]).hex()
    return (client, server) if janus_role == "client" else (server, client)


def call(url, body=None, timeout=10):
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(url, data=data, headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=timeout) as resp:
        return json.loads(resp.read())


def tx():
    return "%08x" % random.getrandbits(32)


class Janus:
    def __init__(self, url, admin_url, admin_secret):
        self.url, self.admin_url, self.secret = url, admin_url, admin_secret
        self.session = call(url, {"janus": "create", "transaction": tx()})["data"]["id"]
        self.handle = call(f"{url}/{self.session}", {
            "janus": "attach", "plugin": "janus.plugin.scjbprobe", "transaction": tx()})["data"]["id"]

    def message(self, body, jsep=None):
        msg = {"janus": "message", "body": body, "transaction": tx()}
        if jsep:
            msg["jsep"] = jsep
        return call(f"{self.url}/{self.session}/{self.handle}", msg)

    def poll_jsep(self, deadline_s=10):
        for _ in range(deadline_s):
            ev = call(f"{self.url}/{self.session}?maxev=1&rid={tx()}", timeout=15)
            if ev.get("jsep"):
                return ev["jsep"]
        raise RuntimeError("no answer from the probe plugin")

    def handle_info(self):
        return call(f"{self.admin_url}/{self.session}/{self.handle}", {
            "janus": "handle_info", "transaction": tx(), "admin_secret": self.secret})["info"]

    def destroy(self):
        call(f"{self.url}/{self.session}", {"janus": "destroy", "transaction": tx()})


def check(results, name, ok, detail):
    results.append((name, bool(ok), detail))


async def run(args):
    janus = Janus(args.url, args.admin_url, args.admin_secret)
    pc = RTCPeerConnection()
    try:
        return await exchange(args, janus, pc)
    finally:
        await pc.close()


async def exchange(args, janus, pc):
    pc.addTrack(AudioStreamTrack())
    pc.addTrack(VideoStreamTrack())
    await pc.setLocalDescription(await pc.createOffer())
    sdp = pc.localDescription.sdp
    if args.janus_role == "server":
        # Offer "active" so that Janus answers "passive" and is the DTLS server.
        sdp = sdp.replace("a=setup:actpass", "a=setup:active")
    janus.message({"request": "offer"}, {"type": "offer", "sdp": sdp})
    answer = janus.poll_jsep()
    await pc.setRemoteDescription(RTCSessionDescription(sdp=answer["sdp"], type="answer"))

    for _ in range(100):
        if pc.connectionState == "connected" and "rx" in captured:
            break
        await asyncio.sleep(0.1)
    await asyncio.sleep(1.0)  # let setup_media run inside Janus

    described = janus.message({"request": "describe"})["plugindata"]["data"]
    info = janus.handle_info()
    print(json.dumps({"probe": described, "aiortc_keys": captured,
                      "admin_webrtc": info.get("webrtc", {}).get("dtls")}, indent=1))

    results = []
    leg = described.get("leg", {})
    janus_local, janus_remote = expected_janus_keys(args.janus_role) if connections else ("", "")
    check(results, f"profile is the offered {offered_profile[0]}",
          leg.get("dtls", {}).get("srtp_profile") == offered_profile[0], leg.get("dtls"))
    check(results, "Janus local/remote key+salt == RFC 5764 split of the peer's export",
          (described.get("local_key", "") + described.get("local_salt", ""),
           described.get("remote_key", "") + described.get("remote_salt", "")) == (janus_local, janus_remote),
          (described.get("local_key"), janus_local))
    check(results, "core version supported", described.get("core_supported"), described.get("core_why"))
    check(results, "leg eligible", leg.get("kernel_eligible"), leg.get("why_not"))
    # What Janus sends is what aiortc receives, and vice versa.
    aiortc_srtp = offered_profile[0] == "SRTP_AES128_CM_SHA1_80"  # aiortc's own keys are CM-80 only
    check(results, "Janus local key+salt == aiortc rx", not aiortc_srtp or
          described.get("local_key", "") + described.get("local_salt", "") == captured.get("rx"),
          (described.get("local_key"), captured.get("rx")))
    check(results, "Janus remote key+salt == aiortc tx", not aiortc_srtp or
          described.get("remote_key", "") + described.get("remote_salt", "") == captured.get("tx"),
          (described.get("remote_key"), captured.get("tx")))
    admin_dtls = info["webrtc"]["dtls"]
    check(results, "profile matches admin API",
          leg.get("dtls", {}).get("srtp_profile") == admin_dtls.get("srtp-profile"),
          (leg.get("dtls", {}).get("srtp_profile"), admin_dtls.get("srtp-profile")))
    # The admin API names roles by SDP setup: active = DTLS client.
    admin_role = {"active": "client", "passive": "server"}.get(admin_dtls.get("dtls-role"))
    check(results, "DTLS role matches admin API and the requested role",
          leg.get("dtls", {}).get("role") == admin_role == args.janus_role,
          (leg.get("dtls", {}).get("role"), admin_dtls.get("dtls-role")))
    admin_media = info["webrtc"]["media"]
    for m in leg.get("media", []):
        am = admin_media.get(m["mid"], {})
        ssrc = am.get("ssrc", {})
        check(results, f"mid {m['mid']} SSRCs match admin API",
              ssrc.get("ssrc") == m["local_ssrc"] and ssrc.get("ssrc-peer") in (m["remote_ssrc"] or [None]),
              (m, ssrc))
    check(results, "media listed", len(leg.get("media", [])) == 2, leg.get("media"))
    ice = leg.get("ice", {})
    check(results, "pair is 127.0.1.1 -> 127.0.1.2 UDP",
          ice.get("local_base", "").startswith("127.0.1.1:") and ice.get("remote", "").startswith("127.0.1.2:")
          and ice.get("transport") == "udp", ice)
    check(results, "periodic check: pair unchanged", described.get("pair_changed") is False,
          described.get("pair_changed"))
    check(results, "periodic check: detects a different pair", described.get("pair_changed_vs_bogus") is True,
          described.get("pair_changed_vs_bogus"))
    via_admin = info.get("plugin_specific", {}).get("leg", {})
    check(results, "query_session (handle mutex held by Janus) describes the same leg",
          via_admin.get("kernel_eligible") is True and via_admin.get("ice") == leg.get("ice")
          and via_admin.get("dtls") == leg.get("dtls"), via_admin)
    check(results, "new-selected-pair-full signalled the pair in use",
          described.get("pair_changes", 0) >= 1 and described.get("signalled_pair_matches") is True,
          (described.get("pair_changes"), described.get("signalled_pair_matches")))

    janus.message({"request": "hammer"})
    await asyncio.sleep(0.5)
    await pc.close()  # the hangup races the hammer thread's reads
    await asyncio.sleep(1.0)
    after = janus.message({"request": "describe"})["plugindata"]["data"]
    print("hammer:", {k: v for k, v in after.items() if k.startswith("hammer")})
    check(results, "reads racing the hangup: eligible before, cleanly refused after",
          after.get("hammer_reads", 0) > 100 and after.get("hammer_eligible", 0) > 0
          and after.get("hammer_ineligible", 0) > 0 and after.get("hammer_last_why") == "no PeerConnection",
          {k: v for k, v in after.items() if k.startswith("hammer")})
    check(results, "after hangup: no leg, watch dropped",
          after.get("leg", {}).get("kernel_eligible") is False and after.get("watch_active") is False,
          (after.get("leg"), after.get("watch_active")))
    janus.destroy()

    failed = 0
    for name, ok, detail in results:
        print(("PASS " if ok else "FAIL ") + name + ("" if ok else f": {detail}"))
        failed += not ok
    return 1 if failed else 0


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--url", required=True)
    p.add_argument("--admin-url", required=True)
    p.add_argument("--admin-secret", default="scjb")
    p.add_argument("--janus-role", choices=["client", "server"], default="client")
    p.add_argument("--profile", choices=sorted(PROFILES), default="SRTP_AES128_CM_SHA1_80")
    args = p.parse_args()
    offered_profile[0] = args.profile
    rc = 1
    try:
        rc = asyncio.run(asyncio.wait_for(run(args), 60))
    except Exception as e:  # report, then leave without waiting for aiortc's threads
        print(f"FAIL probe run: {e!r}")
    sys.stdout.flush()
    os._exit(rc)


if __name__ == "__main__":
    main()
