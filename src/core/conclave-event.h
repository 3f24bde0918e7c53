/* conclave-event.h — the compact event record every part of the core shares.
 *
 * One record per thing that happened, fixed size (56 bytes), strings interned
 * (see conclave-intern.h). Plain data: hot, stored by the million, never a
 * GObject. Meaning of the generic fields per type is in the table below and
 * must stay in step with src/common/PROTOCOL.md.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum {
  CONCLAVE_EVENT_NONE = 0,
  /* reported by processes */
  CONCLAVE_EVENT_HELLO,
  CONCLAVE_EVENT_SOCKET,
  CONCLAVE_EVENT_SEND,
  CONCLAVE_EVENT_RECV,
  CONCLAVE_EVENT_DROP,
  CONCLAVE_EVENT_FORK,
  CONCLAVE_EVENT_REAP,
  CONCLAVE_EVENT_EXIT,
  CONCLAVE_EVENT_STATE,
  CONCLAVE_EVENT_DELIVER,
  CONCLAVE_EVENT_ACKED,
  CONCLAVE_EVENT_GARBAGE,
  CONCLAVE_EVENT_REWRITE,
  CONCLAVE_EVENT_LOG,
  CONCLAVE_EVENT_OVERFLOW,
  /* added by the controller */
  CONCLAVE_EVENT_SPAWN,
  CONCLAVE_EVENT_CRASH,
  CONCLAVE_EVENT_STOP,
  CONCLAVE_EVENT_PAUSE,
  CONCLAVE_EVENT_RESUME,
  CONCLAVE_EVENT_RESTART,
  CONCLAVE_EVENT_REMOVE,
  CONCLAVE_EVENT_EXITED,
  CONCLAVE_EVENT_FAULT,
  CONCLAVE_EVENT_ERROR,
  CONCLAVE_EVENT_LOST,
  CONCLAVE_EVENT_VIOLATION,
  CONCLAVE_EVENT_OUTPUT,     /* a line a node printed (controller: from its pipes) */
  /* reported by processes (step mode): it arrived and waits to be released */
  CONCLAVE_EVENT_HELD,
  CONCLAVE_EVENT_N_TYPES
} ConclaveEventType;

typedef enum {
  CONCLAVE_PROTO_NONE = 0,
  CONCLAVE_PROTO_UDP,
  CONCLAVE_PROTO_TCP,
  CONCLAVE_PROTO_UNIX,   /* a socketpair inside one node: a pool's task queue */
} ConclaveProto;

typedef enum {
  CONCLAVE_EVENT_FLAG_KEY_IS_HASH = 1 << 0, /* key is a payload hash, not a message id */
  CONCLAVE_EVENT_FLAG_DIR_RECV    = 1 << 1, /* drop: eaten at the receiver */
  CONCLAVE_EVENT_FLAG_ISOLATED    = 1 << 2, /* drop: reason isolated (else fault) */
  CONCLAVE_EVENT_FLAG_WARNING     = 1 << 3, /* log: level warning */
  CONCLAVE_EVENT_FLAG_HAS_OFFSET  = 1 << 4, /* send/recv: num is a stream offset */
  CONCLAVE_EVENT_FLAG_UNHEARD     = 1 << 5, /* lost: no socket was bound at dst */
  CONCLAVE_EVENT_FLAG_NOT_READ    = 1 << 6, /* lost: bound, but never read there */
  CONCLAVE_EVENT_FLAG_BY_HAND     = 1 << 7, /* drop: reason held (dropped from the hold queue) */
} ConclaveEventFlags;

/* Field use per type (s0..s3 are interned string ids, 0 = absent):
 *
 *  type            s0        s1        s2        s3        num        len    lc      key
 *  HELLO           role      node      program   -         ppid       pid    v       -
 *  SOCKET          op        local     peer      -         -          -      -       -
 *  SEND/RECV/DROP  kind      src       dst       preview   offset     len    lc      id or hash
 *  HELD            (as RECV: it arrived and waits in the receiver's hold queue)
 *  DROP            (also: flags DIR_RECV, ISOLATED, BY_HAND)
 *  FORK            -         -         -         -         child      -      -       -
 *  REAP            -         -         -         -         child      code   signal  -
 *  EXIT            -         -         -         -         code       -      -       -
 *  STATE           role      leader    view(,)   election  -          why    tmo     term
 *                  (why: an interned string id in `len`, 0 = absent;
 *                   tmo: election timeout in ms at tempo 1, 0 = none)
 *  DELIVER         req       client    -         text      seqno      -      -       -
 *  ACKED           req       -         -         -         seqno      -      -       -
 *  GARBAGE         -         from      -         -         count      -      -       -
 *  REWRITE         what      from      to        -         -          -      -       -
 *  LOG             -         -         -         text      -          -      -       -
 *  OVERFLOW        -         -         -         -         dropped    -      -       -
 *  SPAWN           node      -         argv      -         -          pid    -       -
 *  CRASH..REMOVE   node      -         -         -         -          -      -       -
 *  EXITED          node      -         -         -         code       -      signal  -
 *  FAULT           node      isolate(,) -        -         delay_ms   -      drop‰   -
 *  ERROR           -         -         -         reason    -          -      -       -
 *  LOST            kind      src       dst       preview   -          -      -       id or hash
 *  LOST            (also: flags UNHEARD, NOT_READ: why it never arrived)
 *  VIOLATION       what      -         -         text      -          -      -       -
 *  OUTPUT          node      stream    -         text      -          pid    -       -
 *
 * `proc` is the process the event belongs to (an index into the store's
 * process table; 0 = the controller itself).
 */
typedef struct {
  gint64  time_ns;   /* CLOCK_MONOTONIC */
  guint64 key;
  guint32 proc;
  guint32 seq;       /* the line's per-connection sequence number */
  guint32 s[4];
  guint32 len;
  guint32 lc;
  gint32  num;
  guint16 type;      /* ConclaveEventType */
  guint8  proto;     /* ConclaveProto */
  guint8  flags;     /* ConclaveEventFlags */
} ConclaveEvent;

G_STATIC_ASSERT (sizeof (ConclaveEvent) == 56);

/* Named fields. Outside the store and the parser, read an event only
 * through these: each names the field as the protocol does and checks the
 * type it belongs to (the table above is their only other copy, and
 * test-parser checks both against parsed lines). String fields return an
 * interned id (conclave_event_store_str), 0 when absent. */
#define CONCLAVE_EVENT_IS_CONTROLLER(t) (((t) >= CONCLAVE_EVENT_SPAWN && (t) <= CONCLAVE_EVENT_FAULT) || (t) == CONCLAVE_EVENT_OUTPUT)
#define CONCLAVE_EVENT_IS_MESSAGE(t) \
  ((t) == CONCLAVE_EVENT_SEND || (t) == CONCLAVE_EVENT_RECV || (t) == CONCLAVE_EVENT_DROP || (t) == CONCLAVE_EVENT_LOST \
   || (t) == CONCLAVE_EVENT_HELD)

#define CONCLAVE_EVENT_FIELD(ret, name, expr, check)                    \
  static inline ret conclave_event_##name (const ConclaveEvent *e)      \
  {                                                                     \
    g_assert (check);                                                   \
    return (ret) (expr);                                                \
  }

/* send, recv, drop, lost, held */
CONCLAVE_EVENT_FIELD (guint32, kind,     e->s[0], CONCLAVE_EVENT_IS_MESSAGE (e->type))
CONCLAVE_EVENT_FIELD (guint32, src,      e->s[1], CONCLAVE_EVENT_IS_MESSAGE (e->type))
CONCLAVE_EVENT_FIELD (guint32, dst,      e->s[2], CONCLAVE_EVENT_IS_MESSAGE (e->type))
CONCLAVE_EVENT_FIELD (guint32, preview,  e->s[3], CONCLAVE_EVENT_IS_MESSAGE (e->type))
CONCLAVE_EVENT_FIELD (guint32, length,   e->len,  CONCLAVE_EVENT_IS_MESSAGE (e->type))
CONCLAVE_EVENT_FIELD (gint32,  offset,   e->num,  CONCLAVE_EVENT_IS_MESSAGE (e->type))
CONCLAVE_EVENT_FIELD (guint32, lamport,  e->lc,   CONCLAVE_EVENT_IS_MESSAGE (e->type))
/* hello */
CONCLAVE_EVENT_FIELD (guint32, hello_role,    e->s[0], e->type == CONCLAVE_EVENT_HELLO)
CONCLAVE_EVENT_FIELD (guint32, hello_node,    e->s[1], e->type == CONCLAVE_EVENT_HELLO)
CONCLAVE_EVENT_FIELD (guint32, hello_program, e->s[2], e->type == CONCLAVE_EVENT_HELLO)
CONCLAVE_EVENT_FIELD (gint,    hello_ppid,    e->num,  e->type == CONCLAVE_EVENT_HELLO)
CONCLAVE_EVENT_FIELD (gint,    hello_pid,     e->len,  e->type == CONCLAVE_EVENT_HELLO)
CONCLAVE_EVENT_FIELD (guint32, hello_version, e->lc,   e->type == CONCLAVE_EVENT_HELLO)
/* socket */
CONCLAVE_EVENT_FIELD (guint32, socket_op,    e->s[0], e->type == CONCLAVE_EVENT_SOCKET)
CONCLAVE_EVENT_FIELD (guint32, socket_local, e->s[1], e->type == CONCLAVE_EVENT_SOCKET)
CONCLAVE_EVENT_FIELD (guint32, socket_peer,  e->s[2], e->type == CONCLAVE_EVENT_SOCKET)
/* fork, reap, exit */
CONCLAVE_EVENT_FIELD (gint,    fork_child,  e->num, e->type == CONCLAVE_EVENT_FORK)
CONCLAVE_EVENT_FIELD (gint,    reap_child,  e->num, e->type == CONCLAVE_EVENT_REAP)
CONCLAVE_EVENT_FIELD (gint,    reap_code,   e->len, e->type == CONCLAVE_EVENT_REAP)
CONCLAVE_EVENT_FIELD (guint32, reap_signal, e->lc,  e->type == CONCLAVE_EVENT_REAP)
CONCLAVE_EVENT_FIELD (gint,    exit_code,   e->num, e->type == CONCLAVE_EVENT_EXIT)
/* state */
CONCLAVE_EVENT_FIELD (guint32, state_role,     e->s[0], e->type == CONCLAVE_EVENT_STATE)
CONCLAVE_EVENT_FIELD (guint32, state_leader,   e->s[1], e->type == CONCLAVE_EVENT_STATE)
CONCLAVE_EVENT_FIELD (guint32, state_view,     e->s[2], e->type == CONCLAVE_EVENT_STATE)
CONCLAVE_EVENT_FIELD (guint32, state_election, e->s[3], e->type == CONCLAVE_EVENT_STATE)
CONCLAVE_EVENT_FIELD (gint64,  state_term,     e->key,  e->type == CONCLAVE_EVENT_STATE) /* 0 .. G_MAXINT64 */
CONCLAVE_EVENT_FIELD (guint32, state_why,      e->len,  e->type == CONCLAVE_EVENT_STATE) /* why it stood as candidate */
CONCLAVE_EVENT_FIELD (guint32, state_timeout_ms, e->lc, e->type == CONCLAVE_EVENT_STATE) /* ms at tempo 1; 0: none runs */
/* deliver, acked */
CONCLAVE_EVENT_FIELD (guint32, deliver_request, e->s[0], e->type == CONCLAVE_EVENT_DELIVER)
CONCLAVE_EVENT_FIELD (guint32, deliver_client,  e->s[1], e->type == CONCLAVE_EVENT_DELIVER)
CONCLAVE_EVENT_FIELD (guint32, deliver_text,    e->s[3], e->type == CONCLAVE_EVENT_DELIVER)
CONCLAVE_EVENT_FIELD (gint32,  deliver_seqno,   e->num,  e->type == CONCLAVE_EVENT_DELIVER)
CONCLAVE_EVENT_FIELD (guint32, acked_request,   e->s[0], e->type == CONCLAVE_EVENT_ACKED)
CONCLAVE_EVENT_FIELD (gint32,  acked_seqno,     e->num,  e->type == CONCLAVE_EVENT_ACKED)
/* garbage, rewrite, log, overflow */
CONCLAVE_EVENT_FIELD (guint32, garbage_from,     e->s[1], e->type == CONCLAVE_EVENT_GARBAGE)
CONCLAVE_EVENT_FIELD (gint32,  garbage_count,    e->num,  e->type == CONCLAVE_EVENT_GARBAGE)
CONCLAVE_EVENT_FIELD (guint32, rewrite_what,     e->s[0], e->type == CONCLAVE_EVENT_REWRITE)
CONCLAVE_EVENT_FIELD (guint32, rewrite_from,     e->s[1], e->type == CONCLAVE_EVENT_REWRITE)
CONCLAVE_EVENT_FIELD (guint32, rewrite_to,       e->s[2], e->type == CONCLAVE_EVENT_REWRITE)
CONCLAVE_EVENT_FIELD (guint32, log_text,         e->s[3], e->type == CONCLAVE_EVENT_LOG)
CONCLAVE_EVENT_FIELD (gint32,  overflow_dropped, e->num,  e->type == CONCLAVE_EVENT_OVERFLOW)
/* the controller's own: spawn … fault name the node */
CONCLAVE_EVENT_FIELD (guint32, node,             e->s[0], CONCLAVE_EVENT_IS_CONTROLLER (e->type))
CONCLAVE_EVENT_FIELD (guint32, spawn_argv,       e->s[2], e->type == CONCLAVE_EVENT_SPAWN)
CONCLAVE_EVENT_FIELD (gint,    spawn_pid,        e->len,  e->type == CONCLAVE_EVENT_SPAWN)
CONCLAVE_EVENT_FIELD (gint32,  exited_code,      e->num,  e->type == CONCLAVE_EVENT_EXITED)
CONCLAVE_EVENT_FIELD (guint32, exited_signal,    e->lc,   e->type == CONCLAVE_EVENT_EXITED)
CONCLAVE_EVENT_FIELD (gint,    exited_pid,       e->len,  e->type == CONCLAVE_EVENT_EXITED)
CONCLAVE_EVENT_FIELD (guint32, fault_isolate,    e->s[1], e->type == CONCLAVE_EVENT_FAULT)
CONCLAVE_EVENT_FIELD (gint32,  fault_delay_ms,   e->num,  e->type == CONCLAVE_EVENT_FAULT)
CONCLAVE_EVENT_FIELD (guint32, fault_drop_permille, e->lc, e->type == CONCLAVE_EVENT_FAULT)
/* error, violation */
CONCLAVE_EVENT_FIELD (guint32, error_reason,     e->s[3], e->type == CONCLAVE_EVENT_ERROR)
CONCLAVE_EVENT_FIELD (guint32, violation_what,   e->s[0], e->type == CONCLAVE_EVENT_VIOLATION)
CONCLAVE_EVENT_FIELD (guint32, violation_text,   e->s[3], e->type == CONCLAVE_EVENT_VIOLATION)
/* output: stream is "stdout" or "stderr" (interned) */
CONCLAVE_EVENT_FIELD (guint32, output_stream,    e->s[1], e->type == CONCLAVE_EVENT_OUTPUT)
CONCLAVE_EVENT_FIELD (guint32, output_text,      e->s[3], e->type == CONCLAVE_EVENT_OUTPUT)
CONCLAVE_EVENT_FIELD (gint,    output_pid,       e->len,  e->type == CONCLAVE_EVENT_OUTPUT)

#undef CONCLAVE_EVENT_FIELD

const char       *conclave_event_type_to_string   (ConclaveEventType  type);
ConclaveEventType conclave_event_type_from_string (const char        *name);
gboolean          conclave_event_type_is_message  (ConclaveEventType  type);

/* "1234:5" → (1234 << 32) | 5; FALSE when malformed. */
gboolean conclave_message_id_parse  (const char *text, guint64 *key);
/* 16 hex digits → 64-bit value; FALSE when malformed. */
gboolean conclave_hash_parse        (const char *text, guint64 *key);

G_END_DECLS
