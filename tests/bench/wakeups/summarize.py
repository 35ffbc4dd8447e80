#!/usr/bin/env python3
"""summarize.py OUT [OUT...]

One markdown table per mode from a fan-out bench folder run with
--wakeups: each `hloop` thread's poll returns per second by cause (from
wakeups-<mode>.txt) and the same per 1000 forwarded packets (fwd_pps of
the mode's last step in results.jsonl, i.e. publisher pps x N). Several
folders: the same tables for each, one after the other (repeat runs).
"""
import json
import os
import re
import sys

HEAD = re.compile(r"^### (.+) \(tid (\d+)\): ([\d.]+) poll returns/s = ([\d.]+) from blocking "
                  r"polls \+ ([\d.]+) from poll\(timeout 0\); nfds avg ([\d.]+)")


def loops(path):
    """[(thread, total, blocking, nonblock, nfds, [(cause, per_s, share, busy_us, dgrams)])]"""
    out, cur = [], None
    for line in open(path):
        m = HEAD.match(line)
        if m:
            cur = (m[1], float(m[3]), float(m[4]), float(m[5]), float(m[6]), [])
            out.append(cur)
            continue
        if line.startswith("## "):
            cur = None
        if cur and line.startswith("| ") and not line.startswith("| cause"):
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
            if len(cells) == 6 and cells[1] != "---:":
                cur[5].append((cells[0], float(cells[1]), cells[2], float(cells[4]), float(cells[5])))
    return [l for l in out if l[0].startswith("hloop")]


def fwd_pps(out_dir):
    pps = {}
    for line in open(os.path.join(out_dir, "results.jsonl")):
        d = json.loads(line)
        if not d.get("meta") and "fwd_pps" in d:
            pps[d["mode"]] = (d["fwd_pps"], d["n"], d.get("delivered_ratio"))
    return pps


def main():
    for out_dir in sys.argv[1:]:
        pps = fwd_pps(out_dir)
        for name in sorted(os.listdir(out_dir)):
            if not (name.startswith("wakeups-") and name.endswith(".txt")):
                continue
            mode = name[len("wakeups-"):-4]
            fwd, n, delivered = pps.get(mode, (0, 0, None))
            print(f"#### {mode}, N = {n}: {fwd:.0f} forwarded packets/s, delivered {delivered:.4f}"
                  f" ({out_dir})\n")
            print("| loop | cause | wake-ups/s | share | per 1000 fwd pkts | avg busy µs |")
            print("|---|---|---:|---:|---:|---:|")
            for thread, total, blocking, nonblock, nfds, causes in loops(os.path.join(out_dir, name)):
                for cause, per_s, share, busy, _ in causes:
                    if per_s < 0.05:
                        continue
                    print(f"| {thread} | {cause} | {per_s:.1f} | {share} | "
                          f"{1000 * per_s / fwd if fwd else 0:.2f} | {busy:.0f} |")
                print(f"| **{thread}** | **all** (nfds {nfds:.0f}; {nonblock:.1f}/s of them "
                      f"poll(timeout 0)) | **{total:.1f}** | 100 % | "
                      f"**{1000 * total / fwd if fwd else 0:.2f}** | |")
            print()


if __name__ == "__main__":
    main()
