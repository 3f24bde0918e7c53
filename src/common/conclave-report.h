/* conclave-report.h — the reporting end of the control channel.
 *
 * Plain libc (no GLib): linked into conclave-node and libconclave-trace.so.
 * Never blocks, never changes errno, never aborts the program it lives in;
 * a no-op when CONCLAVE_CONTROL is unset or the controller has gone.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* Connects to $CONCLAVE_CONTROL and sends `hello`. Returns 1 when connected
 * (or still connecting because the controller's backlog was full: the lines
 * wait in the pending buffer). Calling it again starts a new connection. */
int  creport_init (const char *role, const char *program);

/* In a forked child: drop the parent's connection, open our own, say hello
 * with our ppid. Safe to call when not connected. */
void creport_after_fork (void);

/* The program is about to close `fd` (the trace shim's close wrapper): if it
 * is the channel, reporting stops, and the number, once the program reuses
 * it, is never written to. Does not close anything itself. */
void creport_fd_closing (int fd);

/* 1 while a connection is open. */
int  creport_active (void);

/* The connection's fd, for poll() (commands arrive on it); -1 if none. */
int  creport_fd (void);

/* Monotonic nanoseconds. */
int64_t creport_now_ns (void);

/* ---- typed writers, one per event the processes report (PROTOCOL.md) ----
 *
 * Each adds `ev`, `seq` and `t` and escapes every string it is given, so
 * any name or text makes a valid line; each is a cheap no-op when nobody
 * listens. A line that would not fit in CONCLAVE_MAX_LINE is dropped whole
 * and counted like an overflow. */

/* One message (send, recv, drop). id_pid/id_n: the message id (id_pid == 0
 * means none); hash used when id_pid == 0 and has_hash. */
typedef struct {
  const char *proto;     /* "udp" or "tcp" */
  const char *src;       /* "127.0.0.1:10001" */
  const char *dst;
  size_t      len;
  const char *kind;      /* may be NULL: "data" */
  const void *payload;   /* preview is made from this */
  size_t      payload_len;
  pid_t       id_pid;
  uint32_t    id_n;
  int         has_hash;
  uint64_t    hash;
  uint32_t    lc;
  int64_t     off;       /* TCP stream offset, -1 if none */
  int64_t     t;         /* when it happened (creport_now_ns ()); 0 = now.
                          * A sender takes it before the send call, so a
                          * send never looks later than its receive. */
} CReportMsg;

void creport_send    (const CReportMsg *msg);
void creport_recv    (const CReportMsg *msg);
/* A fault ate it: at the receiver (else the sender), because of a
 * partition (else the drop probability). */
void creport_drop    (const CReportMsg *msg, int at_receiver, int isolated);
/* Step mode: it arrived and waits in the hold queue (`held`); the teacher
 * dropped it from there (a `drop` at the receiver, reason `held`). */
void creport_held    (const CReportMsg *msg);
void creport_drop_held (const CReportMsg *msg);
/* The `drop` line (seq 0, no newline) into buf, for a reporter that is no
 * connected process (conclave-lan speaks for the network through the
 * controller); 0 if it did not fit. Needs no connection. */
size_t creport_format_drop (char *buf, size_t size, const CReportMsg *msg, int at_receiver, int isolated);

/* op: bind listen connect accept close; proto: udp tcp; peer may be NULL. */
void creport_socket  (const char *op, const char *proto, const char *local, const char *peer);
void creport_fork    (long child);
/* `status` as waitpid() returned it. */
void creport_reap    (long child, int status);
void creport_exit    (int code);

typedef struct {
  const char        *role;       /* "leader", "follower", "candidate" */
  uint64_t           term;
  const char        *election;   /* "raft", "bully", "ring" */
  const char        *leader;     /* NULL: unknown */
  const char *const *view;       /* node names */
  size_t             n_view;
  const char        *why;        /* a candidate's reason to stand; NULL: none */
  double             timeout_ms; /* the running election timeout, ms at tempo 1; 0: none */
} CReportState;

void creport_state   (const CReportState *state);
void creport_deliver (uint64_t seqno, const char *req, const char *client, const char *text);
void creport_acked   (const char *req, uint64_t seqno);
/* `from` may be NULL. */
void creport_garbage (uint64_t count, const char *from);
void creport_rewrite (const char *what, const char *from, const char *to);
/* level: CONCLAVE_LEVEL_INFO or CONCLAVE_LEVEL_WARNING. */
void creport_log     (const char *level, const char *text);
void creport_logf    (const char *level, const char *format, ...) __attribute__ ((format (printf, 2, 3)));

/* Appends `s` as a JSON string (with quotes) to buf; returns bytes written,
 * truncating safely. Printable preview: at most CONCLAVE_PREVIEW_MAX bytes,
 * non-printable bytes as '.', valid JSON. */
size_t creport_json_string (char *buf, size_t size, const char *s, size_t len);

/* Reads whatever commands are waiting (non-blocking) and calls `cb` once per
 * complete line, without its newline: `len` bytes, NUL-terminated at
 * line[len]. The line itself may hold a NUL byte (not JSON: the command
 * reader rejects it). Returns -1 when the controller closed the connection
 * (reporting then stops), else 0. */
typedef void (*CReportCommandFunc) (const char *line, size_t len, void *data);
int  creport_read_commands (CReportCommandFunc cb, void *data);

/* Flush buffered lines if the socket accepts them (call when poll says POLLOUT
 * or now and then). */
void creport_flush (void);

/* At exit: flush, and wait for the controller to take what is still queued
 * (a slow controller would otherwise lose the process's last lines unseen
 * and uncounted): as long as it keeps taking lines, up to 10 s in all, and
 * at most `ms` once it takes nothing. Returns at once when nothing is
 * queued or nobody listens. The one place the reporter ever waits. */
void creport_drain (int ms);

/* Batching on (1) or off (0, the default): with it, an event is written
 * only once 16 KiB are waiting or 2 ms have passed since the last write;
 * the caller must call creport_flush() before it may wait (the trace shim
 * does before every receive), so nothing waits unseen for long. Saves a
 * system call and a wake-up of the controller per event. */
void creport_set_batching (int on);

/* Bytes accepted but not yet written (poll creport_fd() for POLLOUT and call
 * creport_flush() while this is non-zero). */
size_t creport_pending (void);

/* Lines dropped so far because the channel was full. */
uint64_t creport_dropped (void);

/* FNV-1a 64 of a payload, as used for `hash`. */
uint64_t creport_hash (const void *data, size_t len);

/* The same hash over a payload in pieces (scatter/gather I/O): start from
 * CREPORT_HASH_INIT and feed every piece in order. */
#define CREPORT_HASH_INIT 14695981039346656037ULL
uint64_t creport_hash_update (uint64_t h, const void *data, size_t len);
