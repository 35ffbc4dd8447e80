// CPU and delivery bookkeeping for the transmit bench: the clocks a block of
// batches is measured with, per-cell accumulators (phase, size, n, mode) and
// the report.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <tuple>
#include <vector>

namespace txbench {

uint64_t thread_cpu_ns();  // CLOCK_THREAD_CPUTIME_ID

// user + nice + system + irq + softirq of all CPUs (/proc/stat "cpu"), in ns
// (USER_HZ ticks: coarse, so only over long blocks). Sees what no clock of
// ours does: IPIs and kworkers on the other CPU.
uint64_t machine_busy_ns();

// What one timed block cost. The kernel here has tick-based CPU accounting
// (FIELD-NOTES): softirq work that runs in this thread's context (at
// local_bh_enable inside the send syscall: veth receive, NAPI, the peer's
// XDP program) is already in thread_ns; what the kernel deferred to
// ksoftirqd on our CPU is counted separately.
struct Clocks {
    uint64_t thread_ns = 0;  // this thread: user + sys (+ softirq run in it)
    uint64_t user_us = 0;    // getrusage(RUSAGE_THREAD) split of the above
    uint64_t sys_us = 0;
    uint64_t ksoftirqd_ns = 0;   // ksoftirqd/<our cpu> run time
    uint64_t softirq_ticks = 0;  // /proc/stat softirq ticks of our CPU (coarse)
};

class ClockReader {
  public:
    explicit ClockReader(int cpu);
    Clocks now() const;

  private:
    int cpu_;
    std::string ksoftirqd_;
};

Clocks operator-(const Clocks& a, const Clocks& b);

struct Cell {
    std::vector<double> ns_per_leg;   // thread, per block (one per round)
    std::vector<double> all_per_leg;  // thread + ksoftirqd, per block
    Clocks total;
    uint64_t asked = 0, sent = 0, failed = 0, delivered = 0;
    std::string error;
};

// (phase, frame bytes, legs, mode)
using CellKey = std::tuple<std::string, size_t, uint32_t, std::string>;

double median(std::vector<double> v);

// Prints the tables and RESULT lines; returns how many cells had failed or
// undelivered legs (each also printed as a FAILED line).
int print_report(const std::map<CellKey, Cell>& cells, const std::vector<std::string>& modes,
                 const std::vector<std::string>& phases, const std::vector<size_t>& sizes,
                 const std::vector<uint32_t>& legs);

}  // namespace txbench
