/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* GHASH for AES-GCM SRTP (RFC 7714): reserved for the GCM profiles. */
#ifndef SC_GHASH_BPF_H
#define SC_GHASH_BPF_H
#endif
