// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * wakeups.bpf.c - counts the wake-ups of one process's event loops and why
 * each happened (tests/bench/wakeups/README.md).
 *
 * glib's loop threads block in poll(2) (g_poll). At each poll return we read
 * the pollfd array back from user memory and note which kinds of fd were
 * ready (fd_cat, filled by the loader from /proc/PID/fd); while the thread
 * dispatches we note what each recvmsg on an ICE socket read (first bytes:
 * STUN, DTLS, RTP, RTCP by packet type); at the next poll call the whole
 * iteration is counted once under that key. Eventfd writes are traced too,
 * so a wake-up by the loop's own GWakeup can be told apart by who wrote it.
 *
 * Plain syscall tracepoints, no CO-RE: the layouts used are the stable
 * user ABI (struct pollfd, struct user_msghdr, struct iovec).
 */
#include <linux/bpf.h>
#include <linux/types.h>

#include <bpf/bpf_helpers.h>

#include "wakeups.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

const volatile __u32 targ_tgid = 0;

/* Syscall tracepoint contexts (events/syscalls/.../format). */
struct sys_enter_ctx {
    __u64 common;
    __s64 nr;
    __u64 args[6];
};
struct sys_exit_ctx {
    __u64 common;
    __s64 nr;
    __s64 ret;
};

struct wk_pollfd {
    __s32 fd;
    __s16 events;
    __s16 revents;
};
/* Enough for the stock VideoRoom at N = 800 on 2 loops (~400 sockets each);
 * larger sets are read only this far and counted as truncated by nfds_max. */
#define WK_MAX_FDS 1024

struct wk_user_msghdr {
    __u64 name;
    __s32 namelen;
    __s32 pad;
    __u64 iov;
    __u64 iovlen;
};
struct wk_iovec {
    __u64 base;
    __u64 len;
};

struct iter_state {
    __u64 ufds;      /* pollfd array of the poll in progress */
    __u64 t_exit;    /* when the last poll returned */
    __u32 nfds;      /* nfds of the poll in progress */
    __u32 nonblock;  /* it was called with timeout 0 */
    __u32 valid;     /* an iteration is open (a poll has returned) */
    __u32 ready;     /* WK_R_* of the open iteration */
    __u32 read;      /* kinds read in the open iteration */
    __u32 nready;
    __u32 last_nfds;
    __u32 ndgrams;
};

struct recv_state {
    __u64 msg;
    __s32 fd;
    __u32 role;
};

struct efd_state {
    __u32 owner;  /* the thread that polls this eventfd */
    __u32 flags;  /* bit 0: written by owner inside glib, bit 1: by another
                   * thread, bit 2: by owner via g_main_context_wakeup */
};

struct {
    __uint(type, BPF_MAP_TYPE_HASH);
    __uint(max_entries, 8192);
    __type(key, __s32);
    __type(value, __u32);
} fd_cat SEC(".maps");

struct {
    __uint(type, BPF_MAP_TYPE_HASH);
    __uint(max_entries, 1024);
    __type(key, __u32);
    __type(value, struct iter_state);
} iter SEC(".maps");

struct {
    __uint(type, BPF_MAP_TYPE_HASH);
    __uint(max_entries, 16384);
    __type(key, struct wk_iter_key);
    __type(value, struct wk_iter_val);
} iters SEC(".maps");

struct {
    __uint(type, BPF_MAP_TYPE_HASH);
    __uint(max_entries, 1024);
    __type(key, __u32);
    __type(value, struct wk_tid_stat);
} tid_stat SEC(".maps");

struct {
    __uint(type, BPF_MAP_TYPE_HASH);
    __uint(max_entries, 1024);
    __type(key, __u32);
    __type(value, struct recv_state);
} recv_in SEC(".maps");

struct {
    __uint(type, BPF_MAP_TYPE_HASH);
    __uint(max_entries, 8192);
    __type(key, struct wk_dgram_key);
    __type(value, struct wk_dgram_val);
} dgrams SEC(".maps");

struct {
    __uint(type, BPF_MAP_TYPE_HASH);
    __uint(max_entries, 256);
    __type(key, __s32);
    __type(value, struct efd_state);
} efd SEC(".maps");

struct {
    __uint(type, BPF_MAP_TYPE_HASH);
    __uint(max_entries, 4096);
    __type(key, struct wk_efd_key);
    __type(value, __u64);
} efd_write SEC(".maps");

/* Threads inside g_main_context_wakeup: their next eventfd write is an
 * explicit wake-up (Janus queued work), not glib's own add/remove_poll. */
struct {
    __uint(type, BPF_MAP_TYPE_HASH);
    __uint(max_entries, 1024);
    __type(key, __u32);
    __type(value, __u32);
} in_wakeup SEC(".maps");

/* The pollfd copy: too big for the 512-byte stack. */
struct pollbuf {
    struct wk_pollfd fds[WK_MAX_FDS];
};
struct {
    __uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
    __uint(max_entries, 1);
    __type(key, __u32);
    __type(value, struct pollbuf);
} pollbuf SEC(".maps");

static __always_inline int mine(__u32 *tid)
{
    __u64 id = bpf_get_current_pid_tgid();
    if ((__u32)(id >> 32) != targ_tgid)
        return 0;
    *tid = (__u32)id;
    return 1;
}

static __always_inline struct wk_tid_stat *stat_of(__u32 tid)
{
    struct wk_tid_stat *s = bpf_map_lookup_elem(&tid_stat, &tid);
    if (s)
        return s;
    struct wk_tid_stat zero = {};
    bpf_map_update_elem(&tid_stat, &tid, &zero, BPF_NOEXIST);
    return bpf_map_lookup_elem(&tid_stat, &tid);
}

static __always_inline __u32 cat_of(__s32 fd)
{
    __u32 *c = bpf_map_lookup_elem(&fd_cat, &fd);
    return c ? *c : WK_CAT_UNKNOWN;
}

static __always_inline int role_of_cat(__u32 cat)
{
    switch (cat) {
    case WK_CAT_UDP_PUB: return WK_ROLE_PUB;
    case WK_CAT_UDP_SUB: return WK_ROLE_SUB;
    case WK_CAT_UDP_OTHER: return WK_ROLE_OTHER;
    default: return -1;
    }
}

static __always_inline __u32 kind_of(const __u8 b[2])
{
    if (b[0] <= 3)
        return WK_K_STUN;
    if (b[0] >= 20 && b[0] <= 63)
        return WK_K_DTLS;
    if (b[0] >= 128 && b[0] <= 191) {
        if (b[1] < 192 || b[1] > 223)
            return WK_K_RTP;
        switch (b[1]) {
        case 200: return WK_K_RTCP_SR;
        case 201: return WK_K_RTCP_RR;
        case 205: return WK_K_RTCP_RTPFB;
        case 206: return WK_K_RTCP_PSFB;
        default: return WK_K_RTCP_OTHER;
        }
    }
    return WK_K_OTHER;
}

/* Close the open iteration of a thread: count it under its key. */
static __always_inline void close_iter(__u32 tid, struct iter_state *st, __u64 now)
{
    if (!st->valid)
        return;
    struct wk_iter_key k = { .tid = tid, .ready = st->ready, .read = st->read };
    struct wk_iter_val *v = bpf_map_lookup_elem(&iters, &k);
    if (!v) {
        struct wk_iter_val zero = {};
        bpf_map_update_elem(&iters, &k, &zero, BPF_NOEXIST);
        v = bpf_map_lookup_elem(&iters, &k);
        if (!v)
            return;
    }
    __sync_fetch_and_add(&v->count, 1);
    __sync_fetch_and_add(&v->busy_ns, now - st->t_exit);
    __sync_fetch_and_add(&v->nfds, st->last_nfds);
    __sync_fetch_and_add(&v->nready, st->nready);
    __sync_fetch_and_add(&v->ndgrams, st->ndgrams);
    st->valid = 0;
}

SEC("tracepoint/syscalls/sys_enter_poll")
int wk_enter_poll(struct sys_enter_ctx *ctx)
{
    __u32 tid;
    if (!mine(&tid))
        return 0;
    __u64 now = bpf_ktime_get_ns();
    struct iter_state *st = bpf_map_lookup_elem(&iter, &tid);
    if (!st) {
        struct iter_state zero = {};
        bpf_map_update_elem(&iter, &tid, &zero, BPF_NOEXIST);
        st = bpf_map_lookup_elem(&iter, &tid);
        if (!st)
            return 0;
    }
    close_iter(tid, st, now);
    st->ufds = ctx->args[0];
    st->nfds = (__u32)ctx->args[1];
    st->nonblock = (__s32)ctx->args[2] == 0;
    return 0;
}

struct scan_ctx {
    struct pollbuf *buf;
    __u32 tid;
    __u32 ready;
    __u32 nready;
};

static long scan_one(__u64 i, struct scan_ctx *c)
{
    if (i >= WK_MAX_FDS)
        return 1;
    struct wk_pollfd *p = &c->buf->fds[i];
    __u32 cat = cat_of(p->fd);
    if (cat == WK_CAT_EVENTFD) {
        /* Remember who polls this eventfd, so writes can be called own or
         * cross-thread. */
        struct efd_state *e = bpf_map_lookup_elem(&efd, &p->fd);
        if (!e) {
            struct efd_state fresh = { .owner = c->tid };
            bpf_map_update_elem(&efd, &p->fd, &fresh, BPF_NOEXIST);
        } else if (e->owner != c->tid) {
            e->owner = c->tid;
        }
    }
    if (!p->revents)
        return 0;
    c->nready++;
    switch (cat) {
    case WK_CAT_EVENTFD: {
        struct efd_state *e = bpf_map_lookup_elem(&efd, &p->fd);
        /* Cleared when glib reads (acknowledges) the eventfd, not here:
         * writes between this return and that read do not wake the loop. */
        __u32 f = e ? e->flags : 0;
        if (f & 1)
            c->ready |= WK_R_EVENTFD_SELF;
        if (f & 4)
            c->ready |= WK_R_EVENTFD_SELFQ;
        if (f & 2)
            c->ready |= WK_R_EVENTFD_XTHR;
        if (!f)
            c->ready |= WK_R_EVENTFD_UNK;
        break;
    }
    case WK_CAT_UDP_PUB: c->ready |= WK_R_UDP_PUB; break;
    case WK_CAT_UDP_SUB: c->ready |= WK_R_UDP_SUB; break;
    case WK_CAT_UDP_OTHER: c->ready |= WK_R_UDP_OTHER; break;
    default: c->ready |= WK_R_OTHER; break;
    }
    /* The eventfd scan above must see every entry, so no early stop. */
    return 0;
}

SEC("tracepoint/syscalls/sys_exit_poll")
int wk_exit_poll(struct sys_exit_ctx *ctx)
{
    __u32 tid;
    if (!mine(&tid))
        return 0;
    struct iter_state *st = bpf_map_lookup_elem(&iter, &tid);
    if (!st)
        return 0;
    __u32 zero = 0;
    struct pollbuf *buf = bpf_map_lookup_elem(&pollbuf, &zero);
    if (!buf)
        return 0;
    __u32 n = st->nfds;
    struct wk_tid_stat *s = stat_of(tid);
    if (s) {
        __sync_fetch_and_add(&s->polls, 1);
        if (n > s->nfds_max)
            s->nfds_max = n;
    }
    if (n > WK_MAX_FDS)
        n = WK_MAX_FDS;
    struct scan_ctx c = { .buf = buf, .tid = tid };
    if (n && bpf_probe_read_user(buf->fds, n * sizeof(struct wk_pollfd), (void *)st->ufds) == 0)
        bpf_loop(n, scan_one, &c, 0);
    if (ctx->ret == 0)
        c.ready |= WK_R_TIMEOUT;
    if (ctx->ret < 0)
        c.ready |= WK_R_ERROR;
    if (st->nonblock)
        c.ready |= WK_R_NONBLOCK;
    st->ready = c.ready;
    st->nready = c.nready;
    st->read = 0;
    st->ndgrams = 0;
    st->last_nfds = st->nfds;
    st->t_exit = bpf_ktime_get_ns();
    st->valid = 1;
    return 0;
}

static __always_inline void count_dgram(__u32 tid, __u8 dir, int role, __u32 kind, __u64 bytes)
{
    struct wk_dgram_key k = { .tid = tid, .dir = dir, .role = (__u8)role, .kind = (__u8)kind };
    struct wk_dgram_val *v = bpf_map_lookup_elem(&dgrams, &k);
    if (!v) {
        struct wk_dgram_val zero = {};
        bpf_map_update_elem(&dgrams, &k, &zero, BPF_NOEXIST);
        v = bpf_map_lookup_elem(&dgrams, &k);
        if (!v)
            return;
    }
    __sync_fetch_and_add(&v->count, 1);
    __sync_fetch_and_add(&v->bytes, bytes);
}

/* First two bytes of the first iovec of a user msghdr; 0 on success. */
static __always_inline int peek_msg(__u64 msg, __u8 b[2], __u64 *len)
{
    struct wk_user_msghdr h;
    struct wk_iovec iov;
    if (bpf_probe_read_user(&h, sizeof(h), (void *)msg) || !h.iovlen)
        return -1;
    if (bpf_probe_read_user(&iov, sizeof(iov), (void *)h.iov))
        return -1;
    *len = iov.len;
    return bpf_probe_read_user(b, 2, (void *)iov.base) ? -1 : 0;
}

SEC("tracepoint/syscalls/sys_enter_recvmsg")
int wk_enter_recvmsg(struct sys_enter_ctx *ctx)
{
    __u32 tid;
    if (!mine(&tid))
        return 0;
    __s32 fd = (__s32)ctx->args[0];
    int role = role_of_cat(cat_of(fd));
    if (role < 0)
        return 0;
    struct recv_state r = { .msg = ctx->args[1], .fd = fd, .role = (__u32)role };
    bpf_map_update_elem(&recv_in, &tid, &r, BPF_ANY);
    return 0;
}

SEC("tracepoint/syscalls/sys_exit_recvmsg")
int wk_exit_recvmsg(struct sys_exit_ctx *ctx)
{
    __u32 tid;
    if (!mine(&tid))
        return 0;
    struct recv_state *r = bpf_map_lookup_elem(&recv_in, &tid);
    if (!r)
        return 0;
    __u64 msg = r->msg;
    __u32 role = r->role;
    bpf_map_delete_elem(&recv_in, &tid);
    if (ctx->ret <= 0) {
        struct wk_tid_stat *s = stat_of(tid);
        if (s)
            __sync_fetch_and_add(&s->recv_eagain, 1);
        return 0;
    }
    __u8 b[2];
    __u64 cap;
    if (peek_msg(msg, b, &cap))
        return 0;
    __u32 kind = ctx->ret >= 2 ? kind_of(b) : WK_K_OTHER;
    count_dgram(tid, 0, (int)role, kind, (__u64)ctx->ret);
    struct iter_state *st = bpf_map_lookup_elem(&iter, &tid);
    if (st && st->valid && role < WK_ROLE_MAX) {
        st->read |= 1u << (role * WK_K_MAX + kind);
        st->ndgrams++;
    }
    return 0;
}

SEC("tracepoint/syscalls/sys_enter_sendmsg")
int wk_enter_sendmsg(struct sys_enter_ctx *ctx)
{
    __u32 tid;
    if (!mine(&tid))
        return 0;
    int role = role_of_cat(cat_of((__s32)ctx->args[0]));
    if (role < 0)
        return 0;
    __u8 b[2];
    __u64 len;
    if (peek_msg(ctx->args[1], b, &len))
        return 0;
    count_dgram(tid, 1, role, len >= 2 ? kind_of(b) : WK_K_OTHER, len);
    return 0;
}

/* g_wakeup_signal: write(eventfd, 8 bytes). */
SEC("tracepoint/syscalls/sys_enter_write")
int wk_enter_write(struct sys_enter_ctx *ctx)
{
    __u32 tid;
    if (!mine(&tid))
        return 0;
    __s32 fd = (__s32)ctx->args[0];
    if (cat_of(fd) != WK_CAT_EVENTFD)
        return 0;
    __u32 via = bpf_map_lookup_elem(&in_wakeup, &tid) != NULL;
    if (via)
        bpf_map_delete_elem(&in_wakeup, &tid);
    struct efd_state *e = bpf_map_lookup_elem(&efd, &fd);
    if (e)
        __sync_fetch_and_or(&e->flags, e->owner != tid ? 2u : via ? 4u : 1u);
    struct wk_efd_key k = { .writer_tid = tid, .fd = fd, .via_wakeup = via };
    __u64 *c = bpf_map_lookup_elem(&efd_write, &k);
    if (c) {
        __sync_fetch_and_add(c, 1);
    } else {
        __u64 one = 1;
        bpf_map_update_elem(&efd_write, &k, &one, BPF_NOEXIST);
    }
    return 0;
}

/* Attached by the loader to g_main_context_wakeup in the process's libglib. */
SEC("uprobe")
int wk_ctx_wakeup(void *ctx)
{
    __u32 tid;
    if (!mine(&tid))
        return 0;
    __u32 one = 1;
    bpf_map_update_elem(&in_wakeup, &tid, &one, BPF_ANY);
    return 0;
}

/* g_wakeup_acknowledge: read(eventfd) in g_main_context_check. */
SEC("tracepoint/syscalls/sys_enter_read")
int wk_enter_read(struct sys_enter_ctx *ctx)
{
    __u32 tid;
    if (!mine(&tid))
        return 0;
    __s32 fd = (__s32)ctx->args[0];
    if (cat_of(fd) != WK_CAT_EVENTFD)
        return 0;
    struct efd_state *e = bpf_map_lookup_elem(&efd, &fd);
    if (e)
        e->flags = 0;
    return 0;
}

/* The other ways a thread of the process sleeps or does I/O, counted per
 * thread so that a loop that does not use poll(2) is not missed. */
SEC("tracepoint/syscalls/sys_enter_futex")
int wk_enter_futex(struct sys_enter_ctx *ctx)
{
    __u32 tid;
    if (!mine(&tid))
        return 0;
    __u32 op = (__u32)ctx->args[1] & 127; /* FUTEX_CMD_MASK */
    if (op != 0 && op != 9)               /* FUTEX_WAIT, FUTEX_WAIT_BITSET */
        return 0;
    struct wk_tid_stat *s = stat_of(tid);
    if (s)
        __sync_fetch_and_add(&s->futex_waits, 1);
    return 0;
}

static __always_inline int count_field(int which)
{
    __u32 tid;
    if (!mine(&tid))
        return 0;
    struct wk_tid_stat *s = stat_of(tid);
    if (!s)
        return 0;
    switch (which) {
    case 0: __sync_fetch_and_add(&s->nanosleeps, 1); break;
    case 1: __sync_fetch_and_add(&s->other_waits, 1); break;
    case 2: __sync_fetch_and_add(&s->mmsg_calls, 1); break;
    default: __sync_fetch_and_add(&s->bpf_calls, 1); break;
    }
    return 0;
}

SEC("tracepoint/syscalls/sys_exit_clock_nanosleep")
int wk_nanosleep(void *ctx) { return count_field(0); }
SEC("tracepoint/syscalls/sys_exit_ppoll")
int wk_ppoll(void *ctx) { return count_field(1); }
SEC("tracepoint/syscalls/sys_exit_epoll_wait")
int wk_epoll_wait(void *ctx) { return count_field(1); }
SEC("tracepoint/syscalls/sys_exit_epoll_pwait")
int wk_epoll_pwait(void *ctx) { return count_field(1); }
SEC("tracepoint/syscalls/sys_exit_select")
int wk_select(void *ctx) { return count_field(1); }
SEC("tracepoint/syscalls/sys_enter_recvmmsg")
int wk_recvmmsg(void *ctx) { return count_field(2); }
SEC("tracepoint/syscalls/sys_enter_sendmmsg")
int wk_sendmmsg(void *ctx) { return count_field(2); }
SEC("tracepoint/syscalls/sys_enter_recvfrom")
int wk_recvfrom(void *ctx) { return count_field(2); }
SEC("tracepoint/syscalls/sys_enter_sendto")
int wk_sendto(void *ctx) { return count_field(2); }
SEC("tracepoint/syscalls/sys_enter_bpf")
int wk_bpf(void *ctx) { return count_field(3); }
