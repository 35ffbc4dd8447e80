// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * wakeups - count a process's event-loop wake-ups per thread and per cause.
 *
 *   wakeups -p PID [-d SEC] [-r ROLES] [-n]
 *
 * Loads wakeups.bpf.o (skeleton), keeps its fd_cat map in step with
 * /proc/PID/fd once a second (handles come and go), and after SEC seconds
 * prints the tables of report.c. ROLES: "<port> publisher|subscriber <id>"
 * lines (roles.py); without it every UDP socket is "udp?". -n: no uprobe on
 * g_main_context_wakeup (a uprobe trap per call costs the stock VideoRoom,
 * which calls it once per relayed packet, several % of a core).
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "fdmap.h"
#include "report.h"
#include "wakeups.h"
#include "wakeups.skel.h"

static volatile sig_atomic_t stop;
static void on_signal(int sig) { (void)sig; stop = 1; }

static void put_cat(int fd, unsigned int cat, void *arg)
{
    int map_fd = *(int *)arg;
    bpf_map_update_elem(map_fd, &fd, &cat, BPF_ANY);
}

/* The libglib the process mapped (its path in /proc/PID/maps). */
static int find_glib(int pid, char *path, size_t len)
{
    char maps[64], line[512];
    snprintf(maps, sizeof(maps), "/proc/%d/maps", pid);
    FILE *f = fopen(maps, "r");
    if (!f)
        return -1;
    int found = -1;
    while (found && fgets(line, sizeof(line), f)) {
        char *p = strchr(line, '/');
        if (p && strstr(p, "/libglib-2.0.so")) {
            p[strcspn(p, "\n")] = 0;
            snprintf(path, len, "%s", p);
            found = 0;
        }
    }
    fclose(f);
    return found;
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static int usage(void)
{
    fprintf(stderr, "usage: wakeups -p PID [-d SEC] [-r ROLES] [-n]\n");
    return 2;
}

int main(int argc, char **argv)
{
    int pid = 0, secs = 10, opt, no_uprobe = 0;
    const char *roles_path = NULL;
    while ((opt = getopt(argc, argv, "p:d:r:n")) != -1) {
        switch (opt) {
        case 'n': no_uprobe = 1; break;
        case 'p': pid = atoi(optarg); break;
        case 'd': secs = atoi(optarg); break;
        case 'r': roles_path = optarg; break;
        default: return usage();
        }
    }
    if (pid <= 0 || secs <= 0)
        return usage();

    static struct roles roles;
    if (roles_path && roles_load(&roles, roles_path) < 0) {
        fprintf(stderr, "wakeups: cannot read %s: %s\n", roles_path, strerror(errno));
        return 1;
    }

    struct wakeups_bpf *skel = wakeups_bpf__open();
    if (!skel) {
        fprintf(stderr, "wakeups: open failed\n");
        return 1;
    }
    skel->rodata->targ_tgid = (unsigned int)pid;
    if (wakeups_bpf__load(skel)) {
        fprintf(stderr, "wakeups: load failed (root? BTF?)\n");
        wakeups_bpf__destroy(skel);
        return 1;
    }
    int cat_fd = bpf_map__fd(skel->maps.fd_cat);
    // The fd map first, so the first iterations are classified too.
    int nfd = fdmap_scan(pid, &roles, put_cat, &cat_fd);
    if (nfd < 0) {
        fprintf(stderr, "wakeups: cannot read /proc/%d/fd\n", pid);
        wakeups_bpf__destroy(skel);
        return 1;
    }
    if (wakeups_bpf__attach(skel)) {
        fprintf(stderr, "wakeups: attach failed\n");
        wakeups_bpf__destroy(skel);
        return 1;
    }
    // Without this uprobe every eventfd wake-up by the loop itself is
    // "glib-internal"; with it, those Janus asked for are told apart.
    char glib[256];
    struct bpf_link *wk_link = NULL;
    if (!no_uprobe && find_glib(pid, glib, sizeof(glib)) == 0) {
        LIBBPF_OPTS(bpf_uprobe_opts, uo, .func_name = "g_main_context_wakeup");
        wk_link = bpf_program__attach_uprobe_opts(skel->progs.wk_ctx_wakeup, pid, glib, 0, &uo);
    }
    if (!wk_link)
        fprintf(stderr, "wakeups: no uprobe on g_main_context_wakeup: self wake-ups not split\n");
    signal(SIGINT, on_signal);
    signal(SIGTERM, on_signal);
    fprintf(stderr, "wakeups: tracing pid %d for %d s (%d fds, %d role ports)\n", pid, secs, nfd,
            roles.n);

    time_t wall = time(NULL);
    char started[32];
    strftime(started, sizeof(started), "%Y-%m-%dT%H:%M:%SZ", gmtime(&wall));
    double t0 = now_s();
    while (!stop && now_s() - t0 < secs) {
        sleep(1);
        fdmap_scan(pid, &roles, put_cat, &cat_fd);
    }
    // Detach before reading, so the tables are one consistent window.
    bpf_link__destroy(wk_link);
    wakeups_bpf__detach(skel);
    double elapsed = now_s() - t0;

    struct report_maps maps = {
        .iters = bpf_map__fd(skel->maps.iters),
        .tid_stat = bpf_map__fd(skel->maps.tid_stat),
        .dgrams = bpf_map__fd(skel->maps.dgrams),
        .efd = bpf_map__fd(skel->maps.efd),
        .efd_write = bpf_map__fd(skel->maps.efd_write),
        .fd_cat = cat_fd,
    };
    report_print(stdout, pid, started, elapsed, wk_link != NULL, &maps);
    wakeups_bpf__destroy(skel);
    return 0;
}
