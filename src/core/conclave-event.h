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
  CONCLAVE_EVENT_N_TYPES
} ConclaveEventType;

typedef enum {
  CONCLAVE_PROTO_NONE = 0,
  CONCLAVE_PROTO_UDP,
  CONCLAVE_PROTO_TCP,
} ConclaveProto;

typedef enum {
  CONCLAVE_EVENT_FLAG_KEY_IS_HASH = 1 << 0, /* key is a payload hash, not a message id */
  CONCLAVE_EVENT_FLAG_DIR_RECV    = 1 << 1, /* drop: eaten at the receiver */
  CONCLAVE_EVENT_FLAG_ISOLATED    = 1 << 2, /* drop: reason isolated (else fault) */
  CONCLAVE_EVENT_FLAG_WARNING     = 1 << 3, /* log: level warning */
  CONCLAVE_EVENT_FLAG_HAS_OFFSET  = 1 << 4, /* send/recv: num is a stream offset */
  CONCLAVE_EVENT_FLAG_UNHEARD     = 1 << 5, /* lost: no socket was bound at dst */
  CONCLAVE_EVENT_FLAG_NOT_READ    = 1 << 6, /* lost: bound, but never read there */
} ConclaveEventFlags;

/* Field use per type (s0..s3 are interned string ids, 0 = absent):
 *
 *  type            s0        s1        s2        s3        num        len    lc      key
 *  HELLO           role      node      program   -         ppid       pid    v       -
 *  SOCKET          op        local     peer      -         -          -      -       -
 *  SEND/RECV/DROP  kind      src       dst       preview   offset     len    lc      id or hash
 *  DROP            (also: flags DIR_RECV, ISOLATED)
 *  FORK            -         -         -         -         child      -      -       -
 *  REAP            -         -         -         -         child      code   signal  -
 *  EXIT            -         -         -         -         code       -      -       -
 *  STATE           role      leader    view(,)   election  term       -      -       -
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

const char       *conclave_event_type_to_string   (ConclaveEventType  type);
ConclaveEventType conclave_event_type_from_string (const char        *name);
gboolean          conclave_event_type_is_message  (ConclaveEventType  type);

/* "1234:5" → (1234 << 32) | 5; FALSE when malformed. */
gboolean conclave_message_id_parse  (const char *text, guint64 *key);
/* 16 hex digits → 64-bit value; FALSE when malformed. */
gboolean conclave_hash_parse        (const char *text, guint64 *key);

G_END_DECLS
