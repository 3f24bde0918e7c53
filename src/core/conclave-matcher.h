/* conclave-matcher.h — pairs sends with receives into messages.
 *
 * Fed every appended event (in arrival order, so a receive may come before
 * its send); keeps one ConclaveMessage per (send, receive) pair: a broadcast
 * with three receivers is three messages sharing one send. Keys are the
 * message ids conclave-node puts in datagrams, or payload hashes paired
 * among equal (source port, destination port, hash): FIFO for unicast, and
 * with every receiver for a broadcast or multicast destination. In flight
 * too long → lost, unheard (nobody was bound at the destination) or not
 * read (nobody there read); a late receive still delivers it (flag LATE).
 * Messages are kept as 8-byte slots naming their events and read back
 * into a ConclaveMessage the caller owns (conclave-matcher-messages.c).
 * Plain data; no GObject, no signals: the cluster tells observers once per
 * batch.
 */
#pragma once

#include "conclave-event-store.h"

G_BEGIN_DECLS

typedef enum {
  CONCLAVE_MESSAGE_IN_FLIGHT = 0,
  CONCLAVE_MESSAGE_DELIVERED,
  CONCLAVE_MESSAGE_DROPPED,
  CONCLAVE_MESSAGE_LOST,
  CONCLAVE_MESSAGE_UNSENT,      /* a receive whose send has not been reported (yet) */
  CONCLAVE_MESSAGE_UNHEARD,     /* never arrived: no socket was bound at its destination */
  CONCLAVE_MESSAGE_NOT_READ,    /* never arrived: bound there, but nobody read after it */
  CONCLAVE_MESSAGE_N_STATES
} ConclaveMessageState;

typedef enum {
  CONCLAVE_MESSAGE_FLAG_LATE      = 1 << 0,  /* received after it was declared lost */
  CONCLAVE_MESSAGE_FLAG_DUPLICATE = 1 << 1,  /* second receive by the same process */
} ConclaveMessageFlags;

typedef struct {
  guint64 key;
  guint64 send_index;   /* absolute event index, G_MAXUINT64 if none */
  guint64 recv_index;   /* G_MAXUINT64 if none (drop: the drop event's index) */
  gint64  send_ns;
  gint64  recv_ns;      /* 0 until received / dropped / lost */
  guint32 src_proc;
  guint32 dst_proc;     /* 0 until known */
  guint32 kind;         /* interned */
  guint8  state;        /* ConclaveMessageState */
  guint8  flags;
  guint16 pad;
} ConclaveMessage;

typedef struct _ConclaveMatcher ConclaveMatcher;

ConclaveMatcher       *conclave_matcher_new              (ConclaveEventStore *store);
void                   conclave_matcher_free             (ConclaveMatcher    *self);
/* Feed events [first, end) of the store. Returns how many messages changed. */
guint                  conclave_matcher_feed             (ConclaveMatcher    *self,
                                                          guint64             first,
                                                          guint64             end);
/* Declares in-flight messages older than the timeout lost, unheard or not
 * read; appends a LOST event for each to the store (flags UNHEARD,
 * NOT_READ). Returns how many. */
guint                  conclave_matcher_expire           (ConclaveMatcher    *self,
                                                          gint64              now_ns);
/* What an expiry forgets at now_ns (keys nothing waits on any more, quiet
 * streams, old ports, answered messages), declaring nothing lost: for a
 * replay, whose losses are the recording's, between them. */
void                   conclave_matcher_tidy             (ConclaveMatcher    *self,
                                                          gint64              now_ns);
void                   conclave_matcher_set_loss_timeout (ConclaveMatcher    *self,
                                                          gint64              timeout_ns);
/* Messages ever made (one past the newest index), and the oldest index the
 * store's retention left (older ones: conclave_matcher_get_message() NULL). */
guint64                conclave_matcher_get_n_messages   (ConclaveMatcher    *self);
guint64                conclave_matcher_get_first_message (ConclaveMatcher   *self);
/* Fills `message` with message `index` and returns it, or NULL (message
 * untouched) if there is none. Messages are decoded from their events, not
 * kept whole: there is no pointer into the table to hold on to. */
const ConclaveMessage *conclave_matcher_get_message      (ConclaveMatcher    *self,
                                                          guint64             index,
                                                          ConclaveMessage    *message);
/* Messages whose send or receive time lies in [from_ns, to_ns); `message`
 * is valid during the call only. */
typedef gboolean (*ConclaveMessageFunc) (const ConclaveMessage *message, guint64 index, gpointer user_data);
void                   conclave_matcher_foreach_in_range (ConclaveMatcher    *self,
                                                          gint64              from_ns,
                                                          gint64              to_ns,
                                                          ConclaveMessageFunc func,
                                                          gpointer            user_data);
/* Bytes the message table holds (for the benchmarks). */
gsize                  conclave_matcher_get_memory       (ConclaveMatcher    *self);
/* Totals of the first five states (IN_FLIGHT … UNSENT), for summaries. */
void                   conclave_matcher_count            (ConclaveMatcher    *self,
                                                          guint64             counts[5]);
/* Messages in one state (any ConclaveMessageState). */
guint64                conclave_matcher_count_state      (ConclaveMatcher      *self,
                                                          ConclaveMessageState  state);
/* The processes (guint32 each) with a datagram socket open on the port of
 * `address` (interned): the receivers of a broadcast or multicast sent
 * there now, joined or not (conclave-matcher-ports.c); NULL where
 * `address` is no broadcast or multicast address. */
GArray                *conclave_matcher_list_listeners   (ConclaveMatcher      *self,
                                                          guint32               address);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ConclaveMatcher, conclave_matcher_free)

G_END_DECLS
