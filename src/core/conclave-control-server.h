/* conclave-control-server.h — the controller's end of the control channel.
 *
 * Listens on a Unix socket in a private 0700 directory, accepts one
 * connection per process and reads lines on its own thread (never on the
 * main loop), parses them (conclave-line-parser) and hands batches of
 * records to the main context through the "events" signal. Counts, per
 * connection, lines, sequence gaps, overflow reports and malformed lines.
 * Identity comes from the kernel (SO_PEERCRED): a hello naming another pid
 * than the peer's, or from another user, is refused with an ERROR event and
 * the connection closed; nothing else it sent counts. Fair and bounded:
 * each connection gets a turn of at most TURN_BUDGET bytes, at most
 * max-connections at once (one more gets an ERROR and is closed), and out
 * of descriptors it pauses accepting instead of spinning. A line cut off by
 * the end of its connection is an ERROR; a refused line is not also "lost".
 * Never blocks on a slow or dead process.
 *
 * Signals (main context): "events" (ConclaveEventBatch *), once per batch;
 * "closed" (guint conn) when a process's connection ends.
 */
#pragma once

#include <gio/gio.h>
#include "conclave-event.h"
#include "conclave-intern.h"

G_BEGIN_DECLS

#define CONCLAVE_CONTROL_MAX_CONNECTIONS 4096

#define CONCLAVE_TYPE_CONTROL_SERVER (conclave_control_server_get_type ())
G_DECLARE_FINAL_TYPE (ConclaveControlServer, conclave_control_server, CONCLAVE, CONTROL_SERVER, GObject)

/* A parsed batch, delivered on the main context that created the server.
 * events[i].proc is the connection id (not yet a process index); the
 * receiver (the cluster) maps it. Valid only during the signal. */
typedef struct {
  const ConclaveEvent *events;
  guint                n_events;
} ConclaveEventBatch;

ConclaveControlServer *conclave_control_server_new        (ConclaveIntern *intern,
                                                           GError        **error);
const char            *conclave_control_server_get_path   (ConclaveControlServer *self);
/* Sends one command line (a JSON object, without newline) to a connection.
 * FALSE if it is gone or its socket is full. Thread: main. */
gboolean               conclave_control_server_send       (ConclaveControlServer *self,
                                                           guint32                conn,
                                                           const char            *line);
/* Is the connection's peer (as the kernel named it when we accepted) the
 * process pid, a descendant of it, or in its process group? A peer that
 * had already ended when we accepted cannot be refuted and counts as TRUE.
 * Thread: main; answers until the "closed" signal for conn was emitted. */
gboolean               conclave_control_server_peer_belongs_to (ConclaveControlServer *self,
                                                                guint32                conn,
                                                                gint                   pid);
/* Ends a connection whose process is not who it says (its lines in flight
 * may still arrive; the caller ignores them). Thread: main. */
void                   conclave_control_server_refuse     (ConclaveControlServer *self,
                                                           guint32                conn);
void                   conclave_control_server_close      (ConclaveControlServer *self);
/* At most this many connections at once (default CONCLAVE_CONTROL_MAX_CONNECTIONS);
 * one more is closed at once with an ERROR event. */
void                   conclave_control_server_set_max_connections (ConclaveControlServer *self,
                                                                    guint                  max);
/* Totals since start. */
guint64                conclave_control_server_get_lines  (ConclaveControlServer *self);
guint64                conclave_control_server_get_errors (ConclaveControlServer *self);
guint64                conclave_control_server_get_lost   (ConclaveControlServer *self);

G_END_DECLS
