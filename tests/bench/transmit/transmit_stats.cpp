#include "transmit_stats.h"

#include <dirent.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace txbench {

uint64_t thread_cpu_ns() {
    timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return static_cast<uint64_t>(ts.tv_sec) * 1000000000ull + static_cast<uint64_t>(ts.tv_nsec);
}

uint64_t machine_busy_ns() {
    std::ifstream f("/proc/stat");
    std::string cpu;
    uint64_t user, nice, sys, idle, iowait, irq, soft;
    f >> cpu >> user >> nice >> sys >> idle >> iowait >> irq >> soft;
    if (!f || cpu != "cpu") throw std::runtime_error("parse /proc/stat");
    return (user + nice + sys + irq + soft) *
           (1000000000ull / static_cast<uint64_t>(sysconf(_SC_CLK_TCK)));
}

namespace {

std::string find_ksoftirqd(int cpu) {
    const std::string want = "ksoftirqd/" + std::to_string(cpu);
    DIR* d = opendir("/proc");
    if (!d) throw std::runtime_error("opendir /proc");
    std::string path;
    while (dirent* e = readdir(d)) {
        std::string pid = e->d_name;
        if (pid.find_first_not_of("0123456789") != std::string::npos) continue;
        std::ifstream c("/proc/" + pid + "/comm");
        std::string comm;
        if (std::getline(c, comm) && comm == want) {
            path = "/proc/" + pid + "/schedstat";
            break;
        }
    }
    closedir(d);
    if (path.empty()) throw std::runtime_error("no " + want + " thread");
    return path;
}

uint64_t tv_us(const timeval& t) {
    return static_cast<uint64_t>(t.tv_sec) * 1000000ull + static_cast<uint64_t>(t.tv_usec);
}

}  // namespace

ClockReader::ClockReader(int cpu) : cpu_(cpu), ksoftirqd_(find_ksoftirqd(cpu)) {}

Clocks ClockReader::now() const {
    Clocks c;
    {
        std::ifstream f(ksoftirqd_);
        if (!(f >> c.ksoftirqd_ns)) throw std::runtime_error("read " + ksoftirqd_);
    }
    {
        std::ifstream f("/proc/stat");
        const std::string want = "cpu" + std::to_string(cpu_);
        std::string line;
        while (std::getline(f, line)) {
            std::istringstream s(line);
            std::string name;
            uint64_t user, nice, sys, idle, iowait, irq, soft;
            if (!(s >> name) || name != want) continue;
            s >> user >> nice >> sys >> idle >> iowait >> irq >> soft;
            c.softirq_ticks = soft;
        }
    }
    rusage r{};
    getrusage(RUSAGE_THREAD, &r);
    c.user_us = tv_us(r.ru_utime);
    c.sys_us = tv_us(r.ru_stime);
    c.thread_ns = thread_cpu_ns();
    return c;
}

Clocks operator-(const Clocks& a, const Clocks& b) {
    return {a.thread_ns - b.thread_ns, a.user_us - b.user_us, a.sys_us - b.sys_us,
            a.ksoftirqd_ns - b.ksoftirqd_ns, a.softirq_ticks - b.softirq_ticks};
}

double median(std::vector<double> v) {
    if (v.empty()) return 0;
    std::sort(v.begin(), v.end());
    size_t k = v.size() / 2;
    return v.size() % 2 ? v[k] : (v[k - 1] + v[k]) / 2;
}

namespace {

const char* phase_what(const std::string& p) {
    if (p == "deliver") return "peer up (GRO on), one bound UDP socket per leg in the peer ns";
    if (p == "xdpdrop") return "peer has a native XDP program that counts and drops";
    if (p == "tcdrop") return "peer has a TC ingress program that counts and drops";
    return "";
}

bool bad_cell(const Cell& c) { return c.failed || !c.error.empty() || c.delivered < c.asked; }

double spread(const std::vector<double>& v) {
    if (v.size() < 2) return 0;
    auto [lo, hi] = std::minmax_element(v.begin(), v.end());
    double m = median(v);
    return m > 0 ? (*hi - *lo) / m * 100 : 0;
}

}  // namespace

int print_report(const std::map<CellKey, Cell>& cells, const std::vector<std::string>& modes,
                 const std::vector<std::string>& phases, const std::vector<size_t>& sizes,
                 const std::vector<uint32_t>& legs) {
    int failed_cells = 0;
    const double tick_ns = 1e9 / static_cast<double>(sysconf(_SC_CLK_TCK));
    for (const auto& ph : phases) {
        std::printf("\n== phase %s: %s\n", ph.c_str(), phase_what(ph));
        std::printf(
            "ns of CPU per leg, median of rounds: thread (+ksoftirqd) [range %% of median]"
            " x = thread time / tc's, delivered/asked in thousands; ! = legs failed or"
            " lost (listed below)\n");
        for (size_t sz : sizes)
            for (uint32_t n : legs) {
                std::printf("%5zu B n=%-3u", sz, n);
                double tc = 0;
                auto t = cells.find({ph, sz, n, "tc"});
                if (t != cells.end()) tc = median(t->second.ns_per_leg);
                for (const auto& m : modes) {
                    auto it = cells.find({ph, sz, n, m});
                    if (it == cells.end()) {
                        std::printf(" | %-4s %29s", m.c_str(), "n/a");
                        continue;
                    }
                    const Cell& c = it->second;
                    double med = median(c.ns_per_leg);
                    double x = tc > 0 ? med / tc : 0;
                    std::printf(" | %-4s %6.0f (%6.0f) [%3.0f] x%4.2f %4llu/%-4llu%s", m.c_str(),
                                med, median(c.all_per_leg), spread(c.ns_per_leg), x,
                                static_cast<unsigned long long>(c.delivered / 1000),
                                static_cast<unsigned long long>(c.asked / 1000),
                                bad_cell(c) ? "!" : " ");
                }
                std::printf("\n");
            }
        // A cell with failures measured less work than it claims: name it.
        for (const auto& [k, c] : cells) {
            const auto& [p, sz, n, m] = k;
            if (p != ph || !bad_cell(c)) continue;
            failed_cells++;
            std::printf("FAILED %s %zu B n=%u %s: %llu of %llu legs failed, %llu delivered%s%s\n",
                        p.c_str(), sz, n, m.c_str(), static_cast<unsigned long long>(c.failed),
                        static_cast<unsigned long long>(c.asked),
                        static_cast<unsigned long long>(c.delivered),
                        c.error.empty() ? "" : "; last error: ", c.error.c_str());
        }
        for (const auto& [k, c] : cells) {
            const auto& [p, sz, n, m] = k;
            if (p != ph) continue;
            double legs_d = static_cast<double>(c.asked);
            std::printf(
                "RESULT phase=%s bytes=%zu legs=%u mode=%s thread_ns_per_leg=%.1f "
                "with_ksoftirqd_ns_per_leg=%.1f user_share=%.2f softirq_tick_ns_per_leg=%.1f "
                "asked=%llu sent=%llu failed=%llu delivered=%llu%s%s\n",
                p.c_str(), sz, n, m.c_str(), median(c.ns_per_leg), median(c.all_per_leg),
                c.total.user_us + c.total.sys_us
                    ? static_cast<double>(c.total.user_us) /
                          static_cast<double>(c.total.user_us + c.total.sys_us)
                    : 0,
                legs_d > 0 ? static_cast<double>(c.total.softirq_ticks) * tick_ns / legs_d : 0,
                static_cast<unsigned long long>(c.asked), static_cast<unsigned long long>(c.sent),
                static_cast<unsigned long long>(c.failed),
                static_cast<unsigned long long>(c.delivered),
                c.error.empty() ? "" : " error=", c.error.c_str());
        }
    }
    return failed_cells;
}

}  // namespace txbench
