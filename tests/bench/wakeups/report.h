/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* report.h - the tables wakeups prints from its BPF maps. */
#ifndef SC_WAKEUPS_REPORT_H
#define SC_WAKEUPS_REPORT_H

#include <stdio.h>

struct report_maps {
    int iters, tid_stat, dgrams, efd, efd_write, fd_cat;
};

void report_print(FILE *out, int pid, const char *started, double secs, int split_self, const struct report_maps *m);

#endif
