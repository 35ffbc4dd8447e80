package main

// CPU and BPF counters sampled at the edges of a measurement window.

import (
	"encoding/json"
	"os"
	"os/exec"
	"strconv"
	"strings"
)

const clkTck = 100 // USER_HZ on Linux/x86-64

// procCPUSeconds returns utime+stime of a process (all its threads).
func procCPUSeconds(pid string) float64 {
	b, err := os.ReadFile("/proc/" + pid + "/stat")
	if err != nil {
		return -1
	}
	s := string(b)
	f := strings.Fields(s[strings.LastIndexByte(s, ')')+2:])
	if len(f) < 13 {
		return -1
	}
	u, _ := strconv.ParseFloat(f[11], 64)
	k, _ := strconv.ParseFloat(f[12], 64)
	return (u + k) / clkTck
}

// machineCPU is the aggregate "cpu" line of /proc/stat in seconds.
type machineCPU struct {
	total, idle, softirq, irq, system float64
}

func readMachineCPU() machineCPU {
	b, err := os.ReadFile("/proc/stat")
	if err != nil {
		return machineCPU{}
	}
	line := strings.SplitN(string(b), "\n", 2)[0]
	f := strings.Fields(line)[1:]
	var v [10]float64
	for i := 0; i < len(f) && i < 10; i++ {
		v[i], _ = strconv.ParseFloat(f[i], 64)
	}
	// user nice system idle iowait irq softirq steal guest guest_nice;
	// guest time is already inside user.
	var m machineCPU
	for i := 0; i < 8; i++ {
		m.total += v[i]
	}
	m.total /= clkTck
	m.idle = (v[3] + v[4]) / clkTck
	m.system = v[2] / clkTck
	m.irq = v[5] / clkTck
	m.softirq = v[6] / clkTck
	return m
}

// bpfStats sums run time and run count of the BPF programs attached to the
// network devices of namespace netns (the Janus namespace: where the kernel
// path hooks TC), so that programs other tests load elsewhere on the machine
// are not counted. kernel.bpf_stats_enabled must be 1 for the sums to move.
// ok is false when nothing is attached there or bpftool is missing.
func bpfStats(netns string) (runNs, runCnt uint64, ok bool) {
	if netns == "" {
		return 0, 0, false
	}
	out, err := exec.Command("ip", "netns", "exec", netns, "bpftool", "-j", "net", "show").Output()
	if err != nil {
		return 0, 0, false
	}
	// [{"xdp":[...],"tc":[{"devname":..,"id":N,..}],"flow_dissector":[..],...}]
	var nets []map[string]json.RawMessage
	if json.Unmarshal(out, &nets) != nil {
		return 0, 0, false
	}
	ids := map[uint64]bool{}
	for _, n := range nets {
		for kind, raw := range n {
			if kind == "flow_dissector" || kind == "netfilter" {
				continue
			}
			var progs []struct {
				ID uint64 `json:"id"`
			}
			if json.Unmarshal(raw, &progs) == nil {
				for _, p := range progs {
					if p.ID > 0 {
						ids[p.ID] = true
					}
				}
			}
		}
	}
	for id := range ids {
		out, err := exec.Command("bpftool", "-j", "prog", "show", "id", strconv.FormatUint(id, 10)).Output()
		if err != nil {
			continue
		}
		var p struct {
			RunTimeNs uint64 `json:"run_time_ns"`
			RunCnt    uint64 `json:"run_cnt"`
		}
		if json.Unmarshal(out, &p) == nil {
			runNs += p.RunTimeNs
			runCnt += p.RunCnt
			ok = true
		}
	}
	return runNs, runCnt, ok
}
