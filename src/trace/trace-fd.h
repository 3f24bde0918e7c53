/* trace-fd.h — what the shim knows of each file descriptor.
 *
 * A table indexed by fd: is it an internet socket (UDP or TCP), its local
 * and peer addresses as protocol strings, the byte offsets of its TCP
 * stream in both directions, and which loopback rewrites were already
 * reported for it. Lock-free: offsets move atomically; an address being
 * rewritten while another thread reads it can at worst be reported wrong
 * once, never read out of bounds (the last byte of every string stays NUL).
 * Never reports and never calls a wrapper.
 */
#pragma once

#include "trace-addr.h"

#include <stdint.h>

typedef enum {
  TRACE_FD_UNKNOWN = 0,  /* never seen (or closed): probe it before use */
  TRACE_FD_OTHER,        /* not a UDP or TCP socket: leave it alone */
  TRACE_FD_UDP,
  TRACE_FD_TCP,
} TraceFdKind;

typedef enum {
  TRACE_FD_REWROTE_BROADCAST = 1 << 0,
  TRACE_FD_REWROTE_MCAST_IF  = 1 << 1,
  TRACE_FD_REWROTE_MCAST_JOIN = 1 << 2,
  TRACE_FD_MCAST_READY       = 1 << 3,  /* IP_MULTICAST_IF/LOOP set on loopback */
  TRACE_FD_REWROTE_MCAST_LOOP = 1 << 4,
  TRACE_FD_AUTOBOUND_TOLD    = 1 << 5,  /* the kernel-chosen port was reported */
  TRACE_FD_REWROTE_BIND      = 1 << 6,
} TraceFdFlags;

typedef struct {
  char local[TRACE_ADDR_MAX];
  char peer[TRACE_ADDR_MAX];
} TraceFdAddrs;

/* The kind, without probing (UNKNOWN for fds never seen). For read/write,
 * which must stay free for files. */
TraceFdKind trace_fd_kind     (int fd);
/* The kind, probing an unknown fd once (inherited across exec, dup'd). */
TraceFdKind trace_fd_classify (int fd);
/* A socket we just created or accepted: starts afresh. */
void        trace_fd_track    (int fd, TraceFdKind kind);
void        trace_fd_forget   (int fd);

/* Re-reads the local (getsockname) or peer (getpeername) address. */
void        trace_fd_refresh_local (int fd);
void        trace_fd_refresh_peer  (int fd);
/* Sets the peer from an address the program gave (connect). */
void        trace_fd_set_peer      (int fd, const struct sockaddr *sa, socklen_t len);

/* Copies both addresses; a local address without a port yet (a UDP socket
 * before its first send) is looked up again. */
void        trace_fd_addrs    (int fd, TraceFdAddrs *out);
/* 1 if the local address has a port (the socket is bound). */
int         trace_fd_bound    (int fd);

/* Reserves n bytes of the outgoing (tx) or incoming stream; returns the
 * offset of the first. */
uint64_t    trace_fd_advance  (int fd, int tx, size_t n);

void        trace_fd_reset_offsets (int fd);

/* Sets flag; returns 1 if it was already set (so a rewrite is told once). */
int         trace_fd_test_and_set (int fd, TraceFdFlags flag);
