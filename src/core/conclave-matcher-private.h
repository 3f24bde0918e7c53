/* conclave-matcher-private.h — what the matcher's files share.
 *
 * The message table lives in conclave-matcher-messages.c; the stream half
 * (conclave-matcher-streams.c) pairs TCP chunks in it. The port table
 * (conclave-matcher-ports.c) knows, from the events, which
 * process had a datagram socket on which port and when, and when each last
 * read from it. The matcher asks it which port an address names (sockets
 * on one machine are told apart by port, whatever address text either end
 * wrote), whether an address reaches a group (broadcast, multicast), when a
 * receiver's socket was bound, and why a message that never arrived did
 * not: nobody was bound there (unheard), nobody read (not read), or lost.
 * Broadcast and multicast pairing is in conclave-matcher-group.c. The
 * ports never touch messages. Which message last delivered an id is in
 * conclave-matcher-delivered.c, a compact table kept in generations.
 */
#pragma once

#include "conclave-matcher.h"
#include "conclave-matcher-snapshot.h"

G_BEGIN_DECLS

/* conclave-matcher-messages.c: the message table, 8 bytes a message,
 * decoded from the events it was made from (see there). Read and written
 * by copy, never through a pointer into it. Its type and unref are in
 * conclave-matcher-snapshot.h, which hands the final table out. */
ConclaveMatcherMessages *_conclave_matcher_messages_new        (ConclaveEventStore      *store);
ConclaveMatcherMessages *_conclave_matcher_messages_ref        (ConclaveMatcherMessages *self);
/* A replay's table reading a recording's final one (see there). */
ConclaveMatcherMessages *_conclave_matcher_messages_lend       (ConclaveMatcherMessages *from,
                                                                ConclaveEventStore      *store,
                                                                guint64                  n);
gboolean                 _conclave_matcher_messages_equal      (ConclaveMatcherMessages *a,
                                                                ConclaveMatcherMessages *b);
/* One past the newest index; the oldest index not retired. */
guint64                  _conclave_matcher_messages_get_n      (ConclaveMatcherMessages *self);
guint64                  _conclave_matcher_messages_get_first  (ConclaveMatcherMessages *self);
gboolean                 _conclave_matcher_messages_is_retired (ConclaveMatcherMessages *self,
                                                                guint64                  index);
/* FALSE (m untouched) for an index retired or not made yet. */
gboolean                 _conclave_matcher_messages_get        (ConclaveMatcherMessages *self,
                                                                guint64                  index,
                                                                ConclaveMessage         *m);
/* Parts of it, reading less (FALSE as _get). */
gboolean                 _conclave_matcher_messages_get_state  (ConclaveMatcherMessages *self,
                                                                guint64                  index,
                                                                ConclaveMessageState    *state);
gboolean                 _conclave_matcher_messages_get_key    (ConclaveMatcherMessages *self,
                                                                guint64                  index,
                                                                guint64                 *key);
/* Writes m at index (nothing for a retired index). */
void                     _conclave_matcher_messages_put        (ConclaveMatcherMessages *self,
                                                                guint64                  index,
                                                                const ConclaveMessage   *m);
/* A new message, nothing sent or received yet: m is filled with it. */
guint64                  _conclave_matcher_messages_add        (ConclaveMatcherMessages *self,
                                                                ConclaveMessage         *m);
gsize                    _conclave_matcher_messages_get_memory (ConclaveMatcherMessages *self);
/* Chunks whose messages were all made before first_event go. */
void                     _conclave_matcher_messages_retire     (ConclaveMatcherMessages *self,
                                                                guint64                  first_event);

/* conclave-matcher.c: messages for the stream and group halves. A retired
 * index reads as a lost message with no events, and writes go nowhere. */
void             _conclave_matcher_message_get     (ConclaveMatcher     *self,
                                                    guint64              index,
                                                    ConclaveMessage     *m);
/* The key alone (FALSE for a retired index), for the delivered table. */
gboolean         _conclave_matcher_message_key     (ConclaveMatcher     *self,
                                                    guint64              index,
                                                    guint64             *key);
void             _conclave_matcher_message_put     (ConclaveMatcher     *self,
                                                    guint64              index,
                                                    const ConclaveMessage *m);
guint64          _conclave_matcher_message_new     (ConclaveMatcher     *self,
                                                    ConclaveMessage     *m);
void             _conclave_matcher_set_state       (ConclaveMatcher     *self,
                                                    guint64              index,
                                                    ConclaveMessage     *m,
                                                    ConclaveMessageState state,
                                                    gboolean             is_new);
void             _conclave_matcher_fill_send       (ConclaveMessage     *m,
                                                    const ConclaveEvent *e,
                                                    guint64              index);
void             _conclave_matcher_fill_recv       (ConclaveMessage     *m,
                                                    const ConclaveEvent *e,
                                                    guint64              index);
/* Hash table functions for guint64 keys. */
guint            _conclave_matcher_key_hash        (gconstpointer        key);
gboolean         _conclave_matcher_key_equal       (gconstpointer        a,
                                                    gconstpointer        b);
/* A new message for send e, in flight: expiry watches it from now on. */
guint64          _conclave_matcher_send_in_flight  (ConclaveMatcher     *self,
                                                    const ConclaveEvent *e,
                                                    guint64              index);

/* conclave-matcher-streams.c: TCP chunks by byte ranges. */
typedef struct _ConclaveMatcherStreams ConclaveMatcherStreams;

ConclaveMatcherStreams *_conclave_matcher_streams_new      (void);
void                    _conclave_matcher_streams_free     (ConclaveMatcherStreams *self);
/* A shim's TCP send or receive: no key, an offset. */
gboolean                _conclave_matcher_streams_is_chunk (const ConclaveEvent    *e);
void                    _conclave_matcher_streams_feed     (ConclaveMatcherStreams *self,
                                                            ConclaveMatcher        *matcher,
                                                            const ConclaveEvent    *e,
                                                            guint64                 index);
/* Forgets quiet connections nothing on which waits for a partner. */
void                    _conclave_matcher_streams_forget   (ConclaveMatcherStreams *self,
                                                            gint64                  now_ns,
                                                            gint64                  loss_timeout_ns);

/* conclave-matcher-ports.c */
typedef struct _ConclaveMatcherPorts ConclaveMatcherPorts;

ConclaveMatcherPorts *_conclave_matcher_ports_new      (ConclaveEventStore   *store);
void                  _conclave_matcher_ports_free     (ConclaveMatcherPorts *self);
/* Socket, receive and process-end events update the table; others pass. */
void                  _conclave_matcher_ports_feed     (ConclaveMatcherPorts *self,
                                                        const ConclaveEvent  *e);
/* The port of an interned "a.b.c.d:port" / "[v6]:port" (0 if none). */
guint16               _conclave_matcher_ports_port     (ConclaveMatcherPorts *self,
                                                        guint32               address);
/* TRUE for a broadcast (255.255.255.255, x.y.z.255) or multicast address:
 * one send reaches every socket bound to its port. */
gboolean              _conclave_matcher_ports_is_group (ConclaveMatcherPorts *self,
                                                        guint32               address);
/* When proc's socket on port was bound (the newest one), or G_MININT64. */
gint64                _conclave_matcher_ports_bound_at (ConclaveMatcherPorts *self,
                                                        guint32               proc,
                                                        guint16               port);
/* Why a datagram sent to port at send_ns never arrived: UNHEARD (no socket
 * was bound there), NOT_READ (none of them read anything after it) or LOST. */
ConclaveMessageState  _conclave_matcher_ports_fate     (ConclaveMatcherPorts *self,
                                                        guint16               port,
                                                        gint64                send_ns);
/* Forgets sockets closed before `before_ns`. */
void                  _conclave_matcher_ports_trim     (ConclaveMatcherPorts *self,
                                                        gint64                before_ns);

/* conclave-matcher-delivered.c: id key → the message that last delivered
 * it (NONE if none kept), for a broadcast's next receiver or a duplicate. */
typedef struct _ConclaveMatcherDelivered ConclaveMatcherDelivered;
typedef gboolean (*ConclaveMatcherKeepFunc) (const ConclaveMessage *m, gpointer user_data);

ConclaveMatcherDelivered *_conclave_matcher_delivered_new    (void);
void                      _conclave_matcher_delivered_free   (ConclaveMatcherDelivered *self);
guint64                   _conclave_matcher_delivered_lookup (ConclaveMatcherDelivered *self,
                                                              ConclaveMatcher          *matcher,
                                                              guint64                   key);
/* time_ns: the receive's (an entry's age is its newest receive's). */
void                      _conclave_matcher_delivered_set    (ConclaveMatcherDelivered *self,
                                                              ConclaveMatcher          *matcher,
                                                              guint64                   key,
                                                              guint64                   index,
                                                              gint64                    time_ns);
/* Opens a new generation when the newest took entries for generation_ns;
 * drops the oldest ones whose entries are all older than before_ns, or
 * retired, but for those keep() (when not NULL) says to keep. */
void                      _conclave_matcher_delivered_age    (ConclaveMatcherDelivered *self,
                                                              ConclaveMatcher          *matcher,
                                                              gint64                    now_ns,
                                                              gint64                    generation_ns,
                                                              gint64                    before_ns,
                                                              ConclaveMatcherKeepFunc   keep,
                                                              gpointer                  user_data);
guint                     _conclave_matcher_delivered_size   (ConclaveMatcherDelivered *self);

/* ---- the matcher's state, for its files (never outside them) ------------ */

/* A hashed send to a broadcast or multicast address. */
typedef struct {
  guint64 msg;      /* its first message: the one the first receiver fills */
  gint64  send_ns;
} GroupSend;

/* The newest group send a receiving process paired with. */
typedef struct {
  guint32 proc;
  gint64  last_ns;
} Cursor;

/* A key something waits on: it exists only while something does (a send
 * for its receive, a receive for its send, a group send for its receivers),
 * and the key is the hash table's key too. Most keys are one message
 * paired at once: theirs is gone again in the same batch. */
typedef struct {
  guint64 key;
  GArray *sends;   /* guint64 message indices waiting for a receive, oldest first (NULL: none) */
  GArray *recvs;   /* guint64 message indices (UNSENT) waiting for a send (NULL: none) */
  GArray *group;   /* GroupSend, oldest first (NULL until the first) */
  GArray *cursors; /* Cursor per receiving process (NULL with group) */
} Waiting;

/* The matcher itself, for its own files. */
struct _ConclaveMatcher {
  ConclaveEventStore *store;
  ConclaveMatcherPorts *ports;
  gboolean            knows_sockets; /* a socket was reported: unheard can be told */
  gint64              trimmed_ns;
  ConclaveMatcherMessages *messages;
  GHashTable         *waiting;  /* guint64 key → Waiting*, only while something waits */
  ConclaveMatcherDelivered *delivered; /* id key → its last delivered message */
  gint64              swept_ns;  /* when waiting and delivered were last swept */
  ConclaveMatcherStreams *streams;
  GArray             *in_flight; /* guint64 message index, in send order */
  guint               in_flight_head;
  gint64              loss_timeout_ns;
  guint64             counts[CONCLAVE_MESSAGE_N_STATES];
  GHashTable         *held;      /* guint64 key → guint count: held (step mode), in flight, never lost */
  GHashTable         *held_at;   /* guint64 key mixed with the receiving proc → guint count */
};

static inline guint
queue_len (const GArray *queue)
{
  return queue ? queue->len : 0;
}

static inline void
queue_push (GArray **queue, guint64 v)
{
  if (*queue == NULL)
    *queue = g_array_new (FALSE, FALSE, sizeof (guint64));
  g_array_append_val (*queue, v);
}

static inline void
queue_remove (GArray **queue, guint i, guint n)
{
  g_array_remove_range (*queue, i, n);
  if ((*queue)->len == 0)
    g_clear_pointer (queue, g_array_unref);
}

static inline guint64
queue_pop (GArray **queue)
{
  guint64 v = g_array_index (*queue, guint64, 0);

  queue_remove (queue, 0, 1);
  return v;
}

/* Copies of the sub-tables' contents into fresh, empty ones (a replay's
 * checkpoint, conclave-matcher-snapshot.c). */
void _conclave_matcher_ports_copy      (ConclaveMatcherPorts     *self,
                                        ConclaveMatcherPorts     *from);
void _conclave_matcher_streams_copy    (ConclaveMatcherStreams   *self,
                                        ConclaveMatcherStreams   *from);
void _conclave_matcher_delivered_copy  (ConclaveMatcherDelivered *self,
                                        ConclaveMatcherDelivered *from);
gsize _conclave_matcher_delivered_bytes (ConclaveMatcherDelivered *self);
/* Calls func with every message a stream's chunk still waits with. */
void _conclave_matcher_streams_foreach_open (ConclaveMatcherStreams *self,
                                             void (*func) (guint64 msg, gpointer data),
                                             gpointer data);

/* conclave-matcher-held.c: messages a receiver holds (step mode). */
void       _conclave_matcher_held_init      (ConclaveMatcher       *self);
/* A HELD event, or a receive or a drop at the receiver that may end one. */
void       _conclave_matcher_held_feed      (ConclaveMatcher       *self,
                                             const ConclaveEvent   *e);
gboolean   _conclave_matcher_key_is_held    (ConclaveMatcher       *self,
                                             guint64                key);

/* conclave-matcher-group.c: broadcast and multicast. */
gboolean   _conclave_matcher_has_expired    (const ConclaveMessage *m);
gboolean   _conclave_matcher_has_group      (const Waiting         *w);
/* The oldest group send this receive can be, or NULL. */
GroupSend *_conclave_matcher_next_group_send (ConclaveMatcher      *self,
                                              Waiting              *w,
                                              const ConclaveEvent  *e);
void       _conclave_matcher_group_receive  (ConclaveMatcher       *self,
                                             Waiting               *w,
                                             const GroupSend       *g,
                                             const ConclaveEvent   *e,
                                             guint64                index,
                                             ConclaveMessageState   state);
void       _conclave_matcher_feed_group_send (ConclaveMatcher      *self,
                                              Waiting              *w,
                                              const ConclaveEvent  *e,
                                              guint64               index);
/* Forgets group sends older than before_ns; returns how many are left. */
guint      _conclave_matcher_group_trim     (Waiting               *w,
                                             gint64                 before_ns);

G_END_DECLS
