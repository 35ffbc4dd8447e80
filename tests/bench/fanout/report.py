#!/usr/bin/env python3
"""Turn a fan-out benchmark run (results.jsonl) into results.csv, table.md
and two PNG charts; with --smoke, fail unless every mode delivered > 95 %.

    report.py RESULTS_DIR [--smoke] [--docs DIR]

--docs also copies the charts to DIR (docs/perf/ for docs/PERFORMANCE.md).
"""
import argparse
import csv
import json
import os
import shutil
import sys

MODES = ["stock-videoroom", "swiftcall-user", "swiftcall-kernel"]
COLUMNS = [
    ("n", "N"), ("delivered_ratio", "delivered"), ("copies_ratio", "extra copies"), ("seq_gaps", "seq gaps"), ("seq_dups", "dups"), ("seq_reuse", "seq reuse"),
    ("lat_p50_us", "p50 µs"), ("lat_p99_us", "p99 µs"),
    ("janus_cpu_pct", "Janus CPU %"), ("machine_cpu_pct", "machine CPU %"),
    ("softirq_cpu_pct", "softirq %"), ("client_cpu_pct", "client CPU %"),
    ("pub_send_cpu_pct", "of which pub. send %"),
    ("janus_us_per_fwd", "Janus µs/pkt"), ("bpf_ns_per_fwd", "BPF ns/pkt"),
    ("janus_bpf_us_per_fwd", "Janus+BPF µs/pkt"),
    ("sfu_us_per_fwd", "SFU µs/pkt (machine − subscribers)"),
]


def load(path):
    steps, meta = [], {}
    with open(path) as f:
        for line in f:
            line = line.strip()
            if not line.startswith("{"):
                continue
            r = json.loads(line)
            if r.get("meta"):
                meta[r["mode"]] = r
            elif "delivered_ratio" in r:
                steps.append(r)
            else:
                steps.append(r)  # a failed step: kept for the table
    return steps, meta


def kernel_fell_back(steps):
    ks = [s for s in steps if s["mode"] == "swiftcall-kernel" and "delivered_ratio" in s]
    return bool(ks) and all(s.get("bpf_ns_per_fwd", -1) <= 0 for s in ks)


def label(mode, steps):
    if mode == "swiftcall-kernel" and kernel_fell_back(steps):
        return "swiftcall-kernel (no BPF run time: fell back to user path)"
    return mode


def fmt(key, v):
    if v is None:
        return ""
    if key == "bpf_ns_per_fwd":
        return "NA" if v < 0 else f"{v:.0f}"
    if key == "pub_send_cpu_pct" and v < 0:
        return "NA"
    if key in ("lat_p50_us", "lat_p99_us"):
        if v >= 1_000_000:
            return "≥1 s"
        return "NA" if v < 0 else f"{v:.0f}"
    if key == "copies_ratio":
        return f"{v:.4f}"
    if key == "delivered_ratio":
        return f"{v:.4f}"
    if isinstance(v, float):
        return f"{v:.1f}" if abs(v) >= 10 else f"{v:.2f}"
    return str(v)


def write_csv(steps, path):
    keys = []
    for s in steps:
        for k in s:
            if k not in keys:
                keys.append(k)
    with open(path, "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=keys)
        w.writeheader()
        for s in steps:
            w.writerow(s)


def ratios(steps):
    """Per N, each SwiftCall mode against the stock VideoRoom."""
    stock = {s["n"]: s for s in steps if s["mode"] == "stock-videoroom" and "delivered_ratio" in s}
    rows = []
    for s in steps:
        if s["mode"] == "stock-videoroom" or "delivered_ratio" not in s or s["n"] not in stock:
            continue
        b = stock[s["n"]]
        def div(a, c):
            return a / c if c > 0 else float("nan")
        rows.append((s["mode"], s["n"], div(s["sfu_us_per_fwd"], b["sfu_us_per_fwd"]),
                     div(s["janus_bpf_us_per_fwd"], b["janus_bpf_us_per_fwd"]),
                     s["lat_p99_us"] - b["lat_p99_us"], s["delivered_ratio"] - b["delivered_ratio"]))
    return rows


def write_md(steps, meta, path):
    out = []
    for mode in MODES:
        ms = [s for s in steps if s["mode"] == mode]
        if not ms:
            continue
        out.append(f"### {label(mode, steps)}\n")
        dl = meta.get(mode, {}).get("datapath_log")
        if dl:
            out.append(f"Plugin log: `{dl}`\n")
        out.append("| " + " | ".join(h for _, h in COLUMNS) + " |")
        out.append("|" + "---|" * len(COLUMNS))
        for s in ms:
            if "delivered_ratio" not in s:
                out.append(f"| {s['n']} | {s.get('stop', 'failed')} |" + " |" * (len(COLUMNS) - 2))
                continue
            out.append("| " + " | ".join(fmt(k, s.get(k)) for k, _ in COLUMNS) + " |")
        stops = [s["stop"] for s in ms if s.get("stop")]
        if stops:
            out.append(f"\nSweep stopped: {stops[-1]}.")
        out.append("")
    rr = ratios(steps)
    if rr:
        out.append("### Against the stock VideoRoom (same N)\n")
        out.append("| mode | N | SFU CPU/pkt ratio (headline) | Janus+BPF CPU/pkt ratio | Δ p99 µs | Δ delivered |")
        out.append("|---|---|---|---|---|---|")
        for mode, n, sr, jr, dp99, dd in rr:
            out.append(f"| {label(mode, steps)} | {n} | {sr:.2f} | {jr:.2f} | {dp99:+.0f} | {dd:+.4f} |")
        out.append("")
    text = "\n".join(out)
    with open(path, "w") as f:
        f.write(text)
    return text


def plot(steps, outdir):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    styles = {"stock-videoroom": ("tab:gray", "o"), "swiftcall-user": ("tab:blue", "s"),
              "swiftcall-kernel": ("tab:orange", "^")}
    good = [s for s in steps if "delivered_ratio" in s]

    fig, axes = plt.subplots(1, 2, figsize=(11, 4.2))
    for mode in MODES:
        ms = sorted((s for s in good if s["mode"] == mode), key=lambda s: s["n"])
        if not ms:
            continue
        c, m = styles[mode]
        n = [s["n"] for s in ms]
        axes[0].plot(n, [s["sfu_us_per_fwd"] for s in ms], marker=m, color=c, label=label(mode, steps))
        axes[1].plot(n, [s["janus_bpf_us_per_fwd"] for s in ms], marker=m, color=c, label=label(mode, steps))
    axes[0].set_title("SFU: whole machine minus the subscribers\n(kernel work wherever accounted; shared machine)")
    axes[1].set_title("Janus process + BPF program run time\n(excludes delivery of kernel clones)")
    for ax in axes:
        ax.set_xlabel("subscribers N")
        ax.set_ylabel("µs of CPU per packet per subscriber")
        ax.set_xscale("log")
        ax.set_ylim(bottom=0)
        ax.grid(True, alpha=0.3)
        ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(os.path.join(outdir, "cpu_per_packet.png"), dpi=110)
    plt.close(fig)

    fig, ax = plt.subplots(figsize=(7, 4.2))
    for mode in MODES:
        ms = sorted((s for s in good if s["mode"] == mode and s["lat_p50_us"] >= 0), key=lambda s: s["n"])
        if not ms:
            continue
        c, m = styles[mode]
        n = [s["n"] for s in ms]
        ax.plot(n, [s["lat_p50_us"] / 1000 for s in ms], marker=m, color=c, linestyle="--",
                label=label(mode, steps) + " p50")
        ax.plot(n, [s["lat_p99_us"] / 1000 for s in ms], marker=m, color=c, label=label(mode, steps) + " p99")
    ax.set_title("Forwarding latency, publisher send → subscriber receive")
    ax.set_xlabel("subscribers N")
    ax.set_ylabel("ms")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(os.path.join(outdir, "latency.png"), dpi=110)
    plt.close(fig)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("dir")
    ap.add_argument("--smoke", action="store_true")
    ap.add_argument("--docs")
    a = ap.parse_args()
    steps, meta = load(os.path.join(a.dir, "results.jsonl"))
    if not steps:
        print("report: no results", file=sys.stderr)
        return 1
    write_csv(steps, os.path.join(a.dir, "results.csv"))
    print(write_md(steps, meta, os.path.join(a.dir, "table.md")))
    plot(steps, a.dir)
    if a.docs:
        os.makedirs(a.docs, exist_ok=True)
        for p in ("cpu_per_packet.png", "latency.png"):
            shutil.copy(os.path.join(a.dir, p), os.path.join(a.docs, p))
    if a.smoke:
        # Each packet must reach each subscriber exactly once: a second copy
        # (e.g. from both the kernel and the user path) fails as loss does.
        def verdict(s):
            r = s.get("delivered_ratio")
            if r is None:
                return s.get("stop", "no result")
            if r <= 0.95:
                return f"delivered {r:.4f} <= 0.95"
            c = s.get("copies_ratio", max(0.0, r - 1))
            if s.get("seq_reuse", 0) > 0:
                return f"{s['seq_reuse']} packets reused a sequence number with other content (SRTP keystream reuse)"
            if c > 0.01 or s.get("seq_dups", 0) > 0:
                return (f"extra copies {c:.4f} of the expected packets under new sequence numbers, "
                        f"{s.get('seq_dups', 0)} same-sequence duplicates")
            return None
        bad = [f"{s['mode']} N={s['n']}: {verdict(s)}" for s in steps if verdict(s)]
        seen = {s["mode"] for s in steps}
        bad += [f"{m}: no result" for m in meta if m not in seen]
        print(f"smoke: {len(steps) - len([s for s in steps if verdict(s)])} passed, {len(bad)} failed")
        for b in bad:
            print(f"smoke: FAIL {b}", file=sys.stderr)
        return 1 if bad else 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
