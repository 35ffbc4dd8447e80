package main

// CPU and BPF counters sampled at the edges of a measurement window.

import (
	"os"
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
	total, idle, steal, softirq, irq, system float64
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
	// Steal: our vCPU wanted to run and the host ran something else. Not
	// CPU this machine used, so it is not counted as busy.
	m.steal = v[7] / clkTck
	m.system = v[2] / clkTck
	m.irq = v[5] / clkTck
	m.softirq = v[6] / clkTck
	return m
}

// bpfStats sums run time and run count of the BPF programs the Janus
// process holds (its fds of type bpf-prog, whose fdinfo carries run_time_ns
// and run_cnt): the kernel path's programs and no one else's, however they
// are attached (tcx links are invisible to bpftool 7.1's "net show").
// kernel.bpf_stats_enabled must be 1 for the sums to move. ok is false when
// Janus holds no program.
func bpfStats(pid string) (runNs, runCnt uint64, ok bool) {
	dir := "/proc/" + pid + "/fdinfo"
	ents, err := os.ReadDir(dir)
	if err != nil {
		return 0, 0, false
	}
	seen := map[string]bool{}
	for _, e := range ents {
		b, err := os.ReadFile(dir + "/" + e.Name())
		if err != nil {
			continue
		}
		f := map[string]string{}
		for _, l := range strings.Split(string(b), "\n") {
			if k, v, found := strings.Cut(l, ":"); found {
				f[k] = strings.TrimSpace(v)
			}
		}
		id, isProg := f["prog_id"]
		if _, hasType := f["prog_type"]; !isProg || !hasType || seen[id] {
			continue // not a program fd (links carry prog_id too), or counted
		}
		seen[id] = true
		ns, _ := strconv.ParseUint(f["run_time_ns"], 10, 64)
		cnt, _ := strconv.ParseUint(f["run_cnt"], 10, 64)
		runNs += ns
		runCnt += cnt
		ok = true
	}
	return runNs, runCnt, ok
}
