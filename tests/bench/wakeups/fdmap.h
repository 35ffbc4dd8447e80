/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* fdmap.h - what each fd of a process is (eventfd, ICE socket of which role). */
#ifndef SC_WAKEUPS_FDMAP_H
#define SC_WAKEUPS_FDMAP_H

#define FDMAP_MAX_ROLES 4096

struct port_role {
    unsigned int port;
    int role;  /* WK_CAT_UDP_PUB or WK_CAT_UDP_SUB */
};

struct roles {
    struct port_role r[FDMAP_MAX_ROLES];
    int n;
};

/* Reads "<port> publisher|subscriber <handle id>" lines (roles.py). */
int roles_load(struct roles *roles, const char *path);

/* Calls put(fd, cat, arg) for every fd of pid; returns how many, or -1. */
int fdmap_scan(int pid, const struct roles *roles,
               void (*put)(int fd, unsigned int cat, void *arg), void *arg);

#endif
