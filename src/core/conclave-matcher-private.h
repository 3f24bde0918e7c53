/* conclave-matcher-private.h — what the matcher's files share.
 *
 * The message table lives in conclave-matcher.c; the stream half
 * (conclave-matcher-streams.c) pairs TCP chunks in it. The port table
 * (conclave-matcher-ports.c) knows, from the events, which
 * process had a datagram socket on which port and when, and when each last
 * read from it. The matcher asks it which port an address names (sockets
 * on one machine are told apart by port, whatever address text either end
 * wrote), whether an address reaches a group (broadcast, multicast), when a
 * receiver's socket was bound, and why a message that never arrived did
 * not: nobody was bound there (unheard), nobody read (not read), or lost.
 * Never touches messages.
 */
#pragma once

#include "conclave-matcher.h"

G_BEGIN_DECLS

/* conclave-matcher.c: the message table, for the stream half. */
ConclaveMessage *_conclave_matcher_message_at      (ConclaveMatcher     *self,
                                                    guint64              index);
guint64          _conclave_matcher_message_new     (ConclaveMatcher     *self,
                                                    ConclaveMessage    **out);
void             _conclave_matcher_set_state       (ConclaveMatcher     *self,
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
/* Expiry watches it from now on (in send order). */
void             _conclave_matcher_track_in_flight (ConclaveMatcher     *self,
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

G_END_DECLS
