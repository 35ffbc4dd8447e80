// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * report.c - turn wakeups.bpf.c's maps into markdown tables.
 *
 * Each loop iteration has one key (what was ready, what was read). The
 * "cause" table gives every iteration to ONE cause by a fixed priority
 * (data read > eventfd > socket ready but empty > timer), so the column sums
 * to the wake-ups; the "present" column counts every iteration in which the
 * cause occurred at all, so a reader can see the overlap the priority hides.
 */
#include "report.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/bpf.h>

#include "wakeups.h"

#define MAX_ITERS 16384
#define MAX_TIDS 1024
#define MAX_DGRAMS 8192
#define MAX_EFD 4096

struct iter_row {
    struct wk_iter_key k;
    struct wk_iter_val v;
};
struct tid_row {
    unsigned int tid;
    struct wk_tid_stat s;
    unsigned long long iters;
    unsigned long long busy_ns;
    unsigned long long nfds;
};
struct dgram_row {
    struct wk_dgram_key k;
    struct wk_dgram_val v;
};
struct efd_row {
    struct wk_efd_key k;
    unsigned long long n;
};

static struct iter_row iters[MAX_ITERS];
static struct tid_row tids[MAX_TIDS];
static struct dgram_row dgrams[MAX_DGRAMS];
static struct efd_row efds[MAX_EFD];

/* Reads a whole hash map into rows: key at 0, value at val_off. */
static int dump(int fd, void *rows, size_t row_size, size_t key_size, size_t val_off, int max)
{
    unsigned char key[64], next[64];
    int n = 0;
    void *prev = NULL;
    while (n < max && bpf_map_get_next_key(fd, prev, next) == 0) {
        unsigned char *row = (unsigned char *)rows + row_size * (size_t)n;
        memcpy(row, next, key_size);
        if (bpf_map_lookup_elem(fd, next, row + val_off) == 0)
            n++;
        memcpy(key, next, key_size);
        prev = key;
    }
    return n;
}

static const char *comm_of(int pid, unsigned int tid)
{
    static char buf[64];
    char path[64];
    snprintf(path, sizeof(path), "/proc/%d/task/%u/comm", pid, tid);
    FILE *f = fopen(path, "r");
    if (!f || !fgets(buf, sizeof(buf), f))
        snprintf(buf, sizeof(buf), "(gone)");
    if (f)
        fclose(f);
    buf[strcspn(buf, "\n")] = 0;
    return buf;
}

static const char *kind_names[WK_K_MAX] = {
    "STUN", "DTLS", "RTP", "RTCP SR", "RTCP RR", "RTCP RTPFB", "RTCP PSFB", "RTCP other", "other",
};
static const char *role_names[WK_ROLE_MAX] = { "pub", "sub", "udp?" };

static int has(unsigned int read, int role, int kind)
{
    return (read >> (role * WK_K_MAX + kind)) & 1;
}
static int has_rtcp(unsigned int read, int role)
{
    for (int k = WK_K_RTCP_SR; k <= WK_K_RTCP_OTHER; k++)
        if (has(read, role, k))
            return 1;
    return 0;
}

/* The causes, in priority order; present() says whether an iteration has it. */
enum cause {
    C_PUB_RTP, C_PUB_RTCP, C_SUB_RR, C_SUB_SR, C_SUB_RTPFB, C_SUB_PSFB, C_SUB_RTCP_OTHER,
    C_STUN_SUB, C_STUN_PUB, C_DTLS, C_OTHER_DGRAM, C_EFD_XTHR, C_EFD_SELFQ, C_EFD_SELF, C_EFD_UNK,
    C_SOCK_EMPTY, C_OTHER_FD, C_TIMEOUT, C_NONBLOCK_EMPTY, C_ERROR, C_MAX
};
static const char *cause_names[C_MAX] = {
    "publisher RTP read",
    "publisher RTCP read (no RTP)",
    "subscriber RTCP RR",
    "subscriber RTCP SR",
    "subscriber RTCP RTPFB (NACK/TWCC)",
    "subscriber RTCP PSFB (PLI/FIR/REMB)",
    "subscriber RTCP other",
    "STUN on a subscriber socket (consent/keepalive)",
    "STUN on a publisher socket",
    "DTLS",
    "other datagram (incl. subscriber RTP, unknown UDP)",
    "eventfd written by another thread (cross-thread wake-up)",
    "eventfd: this loop called g_main_context_wakeup (queued work for itself)",
    "eventfd: glib's own write in this loop (add/remove_poll; no work queued)",
    "eventfd ready, writer not seen",
    "socket ready, nothing read",
    "other fd ready",
    "glib timer (poll timed out)",
    "poll(timeout 0), nothing ready (a source was already due)",
    "poll error (EINTR)",
};

static int present(const struct wk_iter_key *k, int c)
{
    unsigned int r = k->read, d = k->ready;
    switch (c) {
    case C_PUB_RTP: return has(r, WK_ROLE_PUB, WK_K_RTP);
    case C_PUB_RTCP: return has_rtcp(r, WK_ROLE_PUB);
    case C_SUB_RR: return has(r, WK_ROLE_SUB, WK_K_RTCP_RR);
    case C_SUB_SR: return has(r, WK_ROLE_SUB, WK_K_RTCP_SR);
    case C_SUB_RTPFB: return has(r, WK_ROLE_SUB, WK_K_RTCP_RTPFB);
    case C_SUB_PSFB: return has(r, WK_ROLE_SUB, WK_K_RTCP_PSFB);
    case C_SUB_RTCP_OTHER: return has(r, WK_ROLE_SUB, WK_K_RTCP_OTHER);
    case C_STUN_SUB: return has(r, WK_ROLE_SUB, WK_K_STUN);
    case C_STUN_PUB: return has(r, WK_ROLE_PUB, WK_K_STUN) || has(r, WK_ROLE_OTHER, WK_K_STUN);
    case C_DTLS:
        return has(r, WK_ROLE_PUB, WK_K_DTLS) || has(r, WK_ROLE_SUB, WK_K_DTLS) ||
               has(r, WK_ROLE_OTHER, WK_K_DTLS);
    case C_OTHER_DGRAM: {
        unsigned int known = 0;
        for (int k = WK_K_STUN; k <= WK_K_RTCP_OTHER; k++)
            if (k != WK_K_RTP)
                known |= 1u << (WK_ROLE_SUB * WK_K_MAX + k);
        for (int k = 0; k < WK_K_MAX - 1; k++)
            known |= 1u << (WK_ROLE_PUB * WK_K_MAX + k);
        known |= 1u << (WK_ROLE_OTHER * WK_K_MAX + WK_K_STUN);
        known |= 1u << (WK_ROLE_OTHER * WK_K_MAX + WK_K_DTLS);
        return (r & ~known) != 0;
    }
    case C_EFD_XTHR: return (d & WK_R_EVENTFD_XTHR) != 0;
    case C_EFD_SELFQ: return (d & WK_R_EVENTFD_SELFQ) != 0;
    case C_EFD_SELF: return (d & WK_R_EVENTFD_SELF) != 0;
    case C_EFD_UNK: return (d & WK_R_EVENTFD_UNK) != 0;
    case C_SOCK_EMPTY: return (d & (WK_R_UDP_PUB | WK_R_UDP_SUB | WK_R_UDP_OTHER)) && !r;
    case C_OTHER_FD: return (d & WK_R_OTHER) != 0;
    case C_TIMEOUT: return (d & WK_R_TIMEOUT) && !(d & WK_R_NONBLOCK);
    case C_NONBLOCK_EMPTY: return (d & WK_R_TIMEOUT) && (d & WK_R_NONBLOCK);
    case C_ERROR: return (d & WK_R_ERROR) != 0;
    }
    return 0;
}

static int primary(const struct wk_iter_key *k)
{
    for (int c = 0; c < C_MAX; c++)
        if (present(k, c))
            return c;
    return C_ERROR;
}

static struct tid_row *tid_row(int *ntids, unsigned int tid)
{
    for (int i = 0; i < *ntids; i++)
        if (tids[i].tid == tid)
            return &tids[i];
    if (*ntids >= MAX_TIDS)
        return NULL;
    struct tid_row *t = &tids[(*ntids)++];
    memset(t, 0, sizeof(*t));
    t->tid = tid;
    return t;
}

static int by_iters(const void *a, const void *b)
{
    const struct tid_row *x = a, *y = b;
    if (x->iters != y->iters)
        return x->iters < y->iters ? 1 : -1;
    return x->s.polls < y->s.polls ? 1 : x->s.polls > y->s.polls ? -1 : 0;
}

static void print_threads(FILE *out, int pid, double secs, int ntids)
{
    fprintf(out, "## Threads\n\n"
                 "busy = poll return to next poll call (wall time), %% of the window. "
                 "Other columns: returns per second of other blocking calls, and calls "
                 "this tool does not classify.\n\n"
                 "| tid | thread | poll returns/s | nfds avg | nfds max | busy %% | futex waits/s "
                 "| clock_nanosleep/s | ppoll/epoll/select/s | recvmsg EAGAIN/s "
                 "| recvmmsg/sendmmsg/recvfrom/sendto /s | bpf()/s |\n"
                 "|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    for (int i = 0; i < ntids; i++) {
        struct tid_row *t = &tids[i];
        const struct wk_tid_stat *s = &t->s;
        if (!s->polls && !s->futex_waits && !s->nanosleeps && !s->other_waits && !s->bpf_calls)
            continue;
        fprintf(out, "| %u | %s | %.1f | %.1f | %llu | %.1f | %.1f | %.1f | %.1f | %.1f | %.1f | %.1f |\n",
                t->tid, comm_of(pid, t->tid), s->polls / secs,
                t->iters ? (double)t->nfds / t->iters : 0.0, s->nfds_max,
                100.0 * t->busy_ns / 1e9 / secs, s->futex_waits / secs, s->nanosleeps / secs,
                s->other_waits / secs, s->recv_eagain / secs, s->mmsg_calls / secs,
                s->bpf_calls / secs);
    }
    fprintf(out, "\n");
}

static void print_causes(FILE *out, int pid, double secs, const struct tid_row *t, int niters)
{
    double n[C_MAX] = {0}, any[C_MAX] = {0}, busy[C_MAX] = {0}, dg[C_MAX] = {0};
    double nonblock = 0;
    for (int i = 0; i < niters; i++) {
        const struct iter_row *r = &iters[i];
        if (r->k.tid != t->tid)
            continue;
        if (r->k.ready & WK_R_NONBLOCK)
            nonblock += r->v.count;
        int p = primary(&r->k);
        n[p] += r->v.count;
        busy[p] += r->v.busy_ns;
        dg[p] += r->v.ndgrams;
        for (int c = 0; c < C_MAX; c++)
            if (present(&r->k, c))
                any[c] += r->v.count;
    }
    /* A poll(timeout 0) never sleeps: glib calls it when a source's
     * prepare() already said it is due. Counted, but shown apart. */
    fprintf(out, "### %s (tid %u): %.1f poll returns/s = %.1f from blocking polls + %.1f from "
                 "poll(timeout 0); nfds avg %.1f\n\n", comm_of(pid, t->tid), t->tid,
            t->iters / secs, (t->iters - nonblock) / secs, nonblock / secs,
            t->iters ? (double)t->nfds / t->iters : 0.0);
    fprintf(out, "| cause (each poll return once, by priority) | /s | share | present in, /s "
                 "| avg busy µs | datagrams read per wake-up |\n"
                 "|---|---:|---:|---:|---:|---:|\n");
    for (int c = 0; c < C_MAX; c++) {
        if (!n[c] && !any[c])
            continue;
        fprintf(out, "| %s | %.1f | %.1f %% | %.1f | %.1f | %.2f |\n", cause_names[c], n[c] / secs,
                100.0 * n[c] / (double)t->iters, any[c] / secs, n[c] ? busy[c] / n[c] / 1e3 : 0.0,
                n[c] ? dg[c] / n[c] : 0.0);
    }
    fprintf(out, "\n");
}

static void print_dgrams(FILE *out, int pid, double secs, int ndg)
{
    fprintf(out, "## Datagrams on ICE sockets, per thread\n\n"
                 "| thread | dir | socket | kind | /s | avg bytes |\n|---|---|---|---|---:|---:|\n");
    for (int i = 0; i < ndg; i++) {
        const struct dgram_row *d = &dgrams[i];
        if (d->k.role >= WK_ROLE_MAX || d->k.kind >= WK_K_MAX)
            continue;
        fprintf(out, "| %s (%u) | %s | %s | %s | %.1f | %.0f |\n", comm_of(pid, d->k.tid), d->k.tid,
                d->k.dir ? "sent" : "recv", role_names[d->k.role], kind_names[d->k.kind],
                d->v.count / secs, d->v.count ? (double)d->v.bytes / d->v.count : 0.0);
    }
    fprintf(out, "\n(sent: bytes are the first iovec's length)\n\n");
}

static void print_efd(FILE *out, int pid, double secs, int nefd, int efd_map)
{
    fprintf(out, "## eventfd writes: writer -> loop that polls it\n\n"
                 "| writer | eventfd | polled by | how | writes/s |\n|---|---:|---|---|---:|\n");
    for (int i = 0; i < nefd; i++) {
        const struct efd_row *e = &efds[i];
        struct { unsigned int owner, flags; } st = {0, 0};
        char owner[80] = "(no poller seen)";
        if (bpf_map_lookup_elem(efd_map, &e->k.fd, &st) == 0)
            snprintf(owner, sizeof(owner), "%s (%u)", comm_of(pid, st.owner), st.owner);
        fprintf(out, "| %s (%u) | %d | %s | %s | %.1f |\n", comm_of(pid, e->k.writer_tid),
                e->k.writer_tid, e->k.fd, owner,
                e->k.via_wakeup ? "g_main_context_wakeup" : "glib-internal", e->n / secs);
    }
    fprintf(out, "\n");
}

static void print_keys(FILE *out, double secs, const struct tid_row *t, int niters)
{
    fprintf(out, "<details><summary>raw iteration keys, tid %u</summary>\n\n"
                 "| ready (hex WK_R_*) | read (hex bits) | /s | avg nfds | avg ready fds |\n"
                 "|---|---|---:|---:|---:|\n", t->tid);
    for (int i = 0; i < niters; i++) {
        const struct iter_row *r = &iters[i];
        if (r->k.tid != t->tid || r->v.count / secs < 0.5)
            continue;
        fprintf(out, "| 0x%03x | 0x%08x | %.1f | %.1f | %.2f |\n", r->k.ready, r->k.read,
                r->v.count / secs, (double)r->v.nfds / r->v.count,
                (double)r->v.nready / r->v.count);
    }
    fprintf(out, "\n</details>\n\n");
}

void report_print(FILE *out, int pid, const char *started, double secs, int split_self,
                  const struct report_maps *m)
{
    int niters = dump(m->iters, iters, sizeof(iters[0]), sizeof(struct wk_iter_key),
                      offsetof(struct iter_row, v), MAX_ITERS);
    int ndg = dump(m->dgrams, dgrams, sizeof(dgrams[0]), sizeof(struct wk_dgram_key),
                   offsetof(struct dgram_row, v), MAX_DGRAMS);
    int nefd = dump(m->efd_write, efds, sizeof(efds[0]), sizeof(struct wk_efd_key),
                    offsetof(struct efd_row, n), MAX_EFD);
    static struct stat_row { unsigned int tid; struct wk_tid_stat s; } stats[MAX_TIDS];
    int nst = dump(m->tid_stat, stats, sizeof(stats[0]), sizeof(unsigned int),
                   offsetof(struct stat_row, s), MAX_TIDS);

    int ntids = 0;
    for (int i = 0; i < nst; i++) {
        struct tid_row *t = tid_row(&ntids, stats[i].tid);
        if (t)
            t->s = stats[i].s;
    }
    for (int i = 0; i < niters; i++) {
        struct tid_row *t = tid_row(&ntids, iters[i].k.tid);
        if (!t)
            continue;
        t->iters += iters[i].v.count;
        t->busy_ns += iters[i].v.busy_ns;
        t->nfds += iters[i].v.nfds;
    }
    qsort(tids, (size_t)ntids, sizeof(tids[0]), by_iters);

    fprintf(out, "# wake-ups of pid %d over %.2f s from %s\n\n", pid, secs, started);
    if (!split_self)
        fprintf(out, "(no uprobe on g_main_context_wakeup: every self wake-up shows as "
                     "glib-internal)\n\n");
    print_threads(out, pid, secs, ntids);
    fprintf(out, "## Wake-ups per poll(2) thread, by cause\n\n");
    for (int i = 0; i < ntids; i++)
        if (tids[i].iters)
            print_causes(out, pid, secs, &tids[i], niters);
    print_dgrams(out, pid, secs, ndg);
    print_efd(out, pid, secs, nefd, m->efd);
    for (int i = 0; i < ntids; i++)
        if (tids[i].iters / secs >= 1.0)
            print_keys(out, secs, &tids[i], niters);
}
