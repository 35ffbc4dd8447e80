// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * fdmap.c - classify a process's fds from /proc: /proc/PID/fd gives the
 * socket inode or "anon_inode:[eventfd]", /proc/PID/net/udp (the process's
 * own network namespace) the socket's local port, and the roles file
 * (Janus admin API, roles.py) which ICE handle owns that port.
 */
#include "fdmap.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "wakeups.h"

int roles_load(struct roles *roles, const char *path)
{
    roles->n = 0;
    FILE *f = fopen(path, "r");
    if (!f)
        return -1;
    char line[256], role[32];
    unsigned int port;
    while (fgets(line, sizeof(line), f) && roles->n < FDMAP_MAX_ROLES) {
        if (sscanf(line, "%u %31s", &port, role) != 2)
            continue;
        int cat = strcmp(role, "publisher") == 0 ? WK_CAT_UDP_PUB
                : strcmp(role, "subscriber") == 0 ? WK_CAT_UDP_SUB : WK_CAT_UDP_OTHER;
        roles->r[roles->n].port = port;
        roles->r[roles->n].role = cat;
        roles->n++;
    }
    fclose(f);
    return roles->n;
}

/* inode -> local UDP port, from one /proc/PID/net/udp{,6} file. */
struct udp_sock {
    unsigned long inode;
    unsigned int port;
};

static int read_udp(int pid, const char *file, struct udp_sock *out, int max, int n)
{
    char path[64], line[512];
    snprintf(path, sizeof(path), "/proc/%d/net/%s", pid, file);
    FILE *f = fopen(path, "r");
    if (!f)
        return n;
    if (!fgets(line, sizeof(line), f)) { /* header */
        fclose(f);
        return n;
    }
    while (n < max && fgets(line, sizeof(line), f)) {
        /* sl local_address rem_address st tx:rx tr:tm retrnsmt uid timeout inode */
        char local[64];
        unsigned long inode;
        if (sscanf(line, "%*s %63s %*s %*s %*s %*s %*s %*s %*s %lu", local, &inode) != 2)
            continue;
        char *colon = strrchr(local, ':');
        if (!colon)
            continue;
        out[n].inode = inode;
        out[n].port = (unsigned int)strtoul(colon + 1, NULL, 16);
        n++;
    }
    fclose(f);
    return n;
}

static unsigned int cat_of_udp(unsigned int port, const struct roles *roles)
{
    for (int i = 0; i < roles->n; i++)
        if (roles->r[i].port == port)
            return (unsigned int)roles->r[i].role;
    return WK_CAT_UDP_OTHER;
}

int fdmap_scan(int pid, const struct roles *roles,
               void (*put)(int fd, unsigned int cat, void *arg), void *arg)
{
    enum { MAX_UDP = 8192 };
    static struct udp_sock udp[MAX_UDP];
    int nudp = read_udp(pid, "udp", udp, MAX_UDP, 0);
    nudp = read_udp(pid, "udp6", udp, MAX_UDP, nudp);

    char dir[64];
    snprintf(dir, sizeof(dir), "/proc/%d/fd", pid);
    DIR *d = opendir(dir);
    if (!d)
        return -1;
    int count = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.')
            continue;
        char link[400], target[128];
        snprintf(link, sizeof(link), "%s/%s", dir, e->d_name);
        ssize_t len = readlink(link, target, sizeof(target) - 1);
        if (len <= 0)
            continue;
        target[len] = 0;
        int fd = atoi(e->d_name);
        unsigned int cat = WK_CAT_OTHER;
        unsigned long inode;
        if (strcmp(target, "anon_inode:[eventfd]") == 0) {
            cat = WK_CAT_EVENTFD;
        } else if (sscanf(target, "socket:[%lu]", &inode) == 1) {
            for (int i = 0; i < nudp; i++)
                if (udp[i].inode == inode) {
                    cat = cat_of_udp(udp[i].port, roles);
                    break;
                }
        }
        put(fd, cat, arg);
        count++;
    }
    closedir(d);
    return count;
}
