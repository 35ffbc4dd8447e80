#!/usr/bin/env python3
"""Where Janus's CPU goes per forwarded packet, from run.sh --perf.

  attribute.py OUT_DIR

For each perf-<mode>.data in OUT_DIR (perf record --call-graph dwarf of the
Janus process during the measurement window) every sample is given to one
cause: a plugin cause if one of its functions is anywhere on the stack (the
sealer runs under the core's receive callback), else the library of the
leaf-most frame outside the kernel and libc. The shares are then turned into µs per
forwarded packet with that mode's Janus µs/pkt from results.jsonl (the last
step). Writes OUT_DIR/attribution.md and prints it.
"""
import json
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

# The plugin's own work, found anywhere in a sample's stack (it runs under
# the core's receive callback), highest priority first.
PLUGIN_CAUSES = [
    ("plugin: sealer (SRTP seal of each leg)", r"SrtpSealer::seal|SealedLeg::fill"),
    ("plugin: transmitter (BPF_PROG_RUN: clone, veth xmit, delivery softirq)",
     r"Transmitter::transmit"),
    ("plugin: fan-out decision, rewrite, batch", r"swiftcall::(core|fanout)::Fanout::forward|SealedSender::"),
    ("plugin: other (NACK, SR, mirror, requests)", r"swiftcall::"),
]
# Otherwise: the library of the leaf-most frame that is not the kernel or
# libc (their work is charged to whoever called them). Debian's janus has
# no symbols for its static functions, hence libraries.
LIBRARY_CAUSES = [
    ("core: SRTP/SRTCP (libsrtp2, OpenSSL)", r"libsrtp2|libcrypto|libssl"),
    ("libnice: ICE, STUN consent, socket reads", r"libnice"),
    ("glib main loop: prepare/check/poll/dispatch", r"libglib|libgio|libgobject"),
    ("core: Janus itself (RTCP, timers, relay, queues)", r"/janus\b|\(/usr/bin/janus\)"),
]
SKIPPED = re.compile(r"kernel\.kallsyms|libc\.so|libc-|ld-linux|\[unknown\]\)?$|libpthread")


def samples(data):
    """Yields the frames ("symbol (dso)") of each sample, leaf first."""
    out = subprocess.run(["perf", "script", "-i", str(data), "-F", "ip,sym,dso"],
                         capture_output=True, text=True, check=True).stdout
    frames = []
    for line in out.splitlines():
        if not line.strip():
            if frames:
                yield frames
            frames = []
        else:
            frames.append(line.strip().split(None, 1)[-1])
    if frames:
        yield frames


def cause_of(frames, plugin, library):
    stack = "\n".join(frames)
    for cause, pat in plugin:
        if pat.search(stack):
            return cause
    for frame in frames:
        if SKIPPED.search(frame):
            continue
        for cause, pat in library:
            if pat.search(frame):
                return cause
    return "other (kernel or libc only, unknown frames)"


def attribute(data):
    plugin = [(c, re.compile(p)) for c, p in PLUGIN_CAUSES]
    library = [(c, re.compile(p)) for c, p in LIBRARY_CAUSES]
    counts = Counter()
    total = 0
    for frames in samples(data):
        total += 1
        counts[cause_of(frames, plugin, library)] += 1
    return total, counts


def janus_us_per_pkt(out_dir, label):
    last = None
    for line in (out_dir / "results.jsonl").read_text().splitlines():
        r = json.loads(line)
        if r.get("mode") == label and not r.get("meta") and r.get("janus_us_per_fwd"):
            last = r
    return last


def main():
    out_dir = Path(sys.argv[1])
    lines = []
    for data in sorted(out_dir.glob("perf-*.data")):
        label = data.stem[len("perf-"):]
        step = janus_us_per_pkt(out_dir, label)
        total, counts = attribute(data)
        if not total or not step:
            lines.append(f"{label}: no samples or no result\n")
            continue
        us = step["janus_us_per_fwd"]
        lines.append(f"### {label}, N = {step['n']}: Janus {us:.2f} µs per forwarded packet, {total} samples\n")
        lines.append("| cause | share | µs per forwarded packet |")
        lines.append("|---|---:|---:|")
        for cause, n in counts.most_common():
            lines.append(f"| {cause} | {100 * n / total:.1f} % | {us * n / total:.2f} |")
        lines.append("")
    text = "\n".join(lines)
    (out_dir / "attribution.md").write_text(text)
    print(text)


if __name__ == "__main__":
    main()
