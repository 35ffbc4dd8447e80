/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * wakeups.h - types shared by wakeups.bpf.c (kernel side) and wakeups.c (the
 * loader). One "iteration" of a thread is the stretch from a poll(2) return
 * to its next poll(2) call: glib's g_main_context_iterate polls, then
 * dispatches whatever woke it, then prepares and polls again. The BPF side
 * gives each iteration one key (why poll returned, what was read), so every
 * wake-up is counted exactly once.
 */
#ifndef SC_WAKEUPS_H
#define SC_WAKEUPS_H

/* What an fd is, as the loader found it in /proc/PID/fd (fd_cat map). */
enum wk_cat {
    WK_CAT_UNKNOWN = 0,  /* not in the map: opened after the last scan */
    WK_CAT_EVENTFD = 1,  /* a GMainContext's GWakeup (g_main_context_wakeup) */
    WK_CAT_UDP_PUB = 2,  /* ICE socket of a publisher handle */
    WK_CAT_UDP_SUB = 3,  /* ICE socket of a subscriber handle */
    WK_CAT_UDP_OTHER = 4, /* UDP socket with no known handle */
    WK_CAT_OTHER = 5,    /* TCP, unix, pipe, timerfd, ... */
    WK_CAT_MAX = 6,
};

/* Ready-fd bits of an iteration (wk_iter_key.ready). */
#define WK_R_EVENTFD_SELF (1u << 0)  /* eventfd ready, written by this thread inside glib
                                      * (not via g_main_context_wakeup: add/remove_poll) */
#define WK_R_EVENTFD_XTHR (1u << 1)  /* eventfd ready, written by another thread */
#define WK_R_EVENTFD_UNK (1u << 2)   /* eventfd ready, writer not seen */
#define WK_R_UDP_PUB (1u << 3)
#define WK_R_UDP_SUB (1u << 4)
#define WK_R_UDP_OTHER (1u << 5)
#define WK_R_OTHER (1u << 6)         /* other or unknown fd ready */
#define WK_R_TIMEOUT (1u << 7)       /* poll returned 0: a glib timeout is due */
#define WK_R_ERROR (1u << 8)         /* poll returned < 0 (EINTR) */
#define WK_R_NONBLOCK (1u << 9)      /* poll was called with timeout 0 */
#define WK_R_EVENTFD_SELFQ (1u << 10) /* eventfd ready, this thread called
                                       * g_main_context_wakeup (queued work) */

/* Datagram kinds, from the first two bytes (RFC 7983, RFC 5761). */
enum wk_kind {
    WK_K_STUN = 0,       /* first byte 0..3 */
    WK_K_DTLS = 1,       /* 20..63 */
    WK_K_RTP = 2,        /* 128..191, second byte not 192..223 */
    WK_K_RTCP_SR = 3,    /* first RTCP packet's PT 200 */
    WK_K_RTCP_RR = 4,    /* 201 */
    WK_K_RTCP_RTPFB = 5, /* 205: NACK, TWCC */
    WK_K_RTCP_PSFB = 6,  /* 206: PLI, FIR, REMB */
    WK_K_RTCP_OTHER = 7, /* 202..204, 207 */
    WK_K_OTHER = 8,
    WK_K_MAX = 9,
};
/* Datagram roles: bit (role * WK_K_MAX + kind) of wk_iter_key.read. */
enum wk_role { WK_ROLE_PUB = 0, WK_ROLE_SUB = 1, WK_ROLE_OTHER = 2, WK_ROLE_MAX = 3 };

struct wk_iter_key {
    unsigned int tid;
    unsigned int ready; /* WK_R_* */
    unsigned int read;  /* datagram kinds read (recvmsg) during the iteration */
    unsigned int pad;
};

struct wk_iter_val {
    unsigned long long count;
    unsigned long long busy_ns;  /* poll return -> next poll call, summed */
    unsigned long long nfds;     /* nfds of the poll that returned, summed */
    unsigned long long nready;   /* ready fds, summed */
    unsigned long long ndgrams;  /* datagrams read in the iteration, summed */
};

/* Per-thread counters of other blocking or I/O syscalls (tid_stat map). */
struct wk_tid_stat {
    unsigned long long polls;        /* poll returns */
    unsigned long long nfds_max;
    unsigned long long futex_waits;  /* FUTEX_WAIT(_BITSET) returns */
    unsigned long long nanosleeps;   /* clock_nanosleep returns */
    unsigned long long other_waits;  /* ppoll, epoll_wait, epoll_pwait, select returns */
    unsigned long long recv_eagain;  /* recvmsg on a UDP socket that found nothing */
    unsigned long long mmsg_calls;   /* recvmmsg/sendmmsg/recvfrom/sendto: not classified */
    unsigned long long bpf_calls;    /* bpf(2): the sealed transmitter's BPF_PROG_RUN */
};

struct wk_dgram_key {
    unsigned int tid;
    unsigned char dir;  /* 0 received, 1 sent */
    unsigned char role; /* wk_role */
    unsigned char kind; /* wk_kind */
    unsigned char pad;
};

struct wk_dgram_val {
    unsigned long long count;
    unsigned long long bytes;
};

/* Who wrote to which eventfd (efd_write map), and how. */
struct wk_efd_key {
    unsigned int writer_tid;
    int fd;
    unsigned int via_wakeup; /* 1: inside g_main_context_wakeup, 0: glib-internal */
};

#endif
