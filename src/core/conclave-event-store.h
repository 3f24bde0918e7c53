/* conclave-event-store.h — every event, append-only, in arrival order.
 *
 * Chunked arrays of ConclaveEvent (fixed-size records, stable indices), the
 * process table and the interned strings. Appends happen on the main thread
 * in batches; the store emits one "appended" signal per batch, never one per
 * event. Queries by time range use per-chunk bounds, so nothing walks the
 * whole store. Bounded by `retention`: the oldest chunks are dropped and
 * indices stay valid as absolute numbers (conclave_event_store_get_first()).
 * "retiring" (new_first) is emitted just before the events before new_first
 * go, while they can still be read.
 */
#pragma once

#include <glib-object.h>
#include "conclave-event.h"
#include "conclave-intern.h"

G_BEGIN_DECLS

/* One process that connected (or was spawned). Owned by the store. */
typedef struct {
  guint32 index;         /* its `proc` number in events */
  gint    pid;
  gint    ppid;
  guint32 node;          /* interned node name */
  guint32 role;          /* interned role */
  guint32 program;       /* interned program */
  gint64  first_ns;
  gint64  last_ns;
  guint64 lines;         /* lines received */
  guint64 lines_lost;    /* seq gaps + overflow reports */
  guint64 errors;        /* malformed lines */
  gboolean connected;
} ConclaveProcessInfo;

#define CONCLAVE_TYPE_EVENT_STORE (conclave_event_store_get_type ())
G_DECLARE_FINAL_TYPE (ConclaveEventStore, conclave_event_store, CONCLAVE, EVENT_STORE, GObject)

ConclaveEventStore  *conclave_event_store_new             (void);
ConclaveIntern      *conclave_event_store_get_intern     (ConclaveEventStore *self);
const char          *conclave_event_store_str             (ConclaveEventStore *self, guint32 id);

/* An empty store becomes a view of `base`'s events: the events appended
 * to it must be base's at the same indices (a replay of a rebased
 * recording makes them again), and they are read from base's chunks and
 * strings, not copied; one that differs makes the view a copy of what it
 * holds, from there on its own. Its process table stays its own. */
void                 conclave_event_store_share           (ConclaveEventStore *self,
                                                           ConclaveEventStore *base);
/* `self`, an empty store or a view of the same store as `view`, becomes
 * what the view `view` is now: its end, times and process table (a
 * replay's checkpoint keeps its store so, and restores it). FALSE if
 * `view` is no view (or holds copies). */
gboolean             conclave_event_store_copy_view       (ConclaveEventStore *self,
                                                           ConclaveEventStore *view);
/* Appends n events, emits "appended" (first_new, n_new) once. */
void                 conclave_event_store_append          (ConclaveEventStore  *self,
                                                           const ConclaveEvent *events,
                                                           guint                n);
/* Absolute index of the oldest retained event, and one past the newest. */
guint64              conclave_event_store_get_first       (ConclaveEventStore *self);
guint64              conclave_event_store_get_end         (ConclaveEventStore *self);
/* NULL when index was dropped by retention or is not there yet. */
const ConclaveEvent *conclave_event_store_get             (ConclaveEventStore *self,
                                                           guint64             index);
/* Calls func for each event with from_ns <= time_ns < to_ns, in arrival
 * order; stops early when func returns FALSE. */
typedef gboolean (*ConclaveEventFunc) (const ConclaveEvent *event, guint64 index, gpointer user_data);
void                 conclave_event_store_foreach_in_range (ConclaveEventStore *self,
                                                            gint64              from_ns,
                                                            gint64              to_ns,
                                                            ConclaveEventFunc   func,
                                                            gpointer            user_data);
gint64               conclave_event_store_get_min_time    (ConclaveEventStore *self);
gint64               conclave_event_store_get_max_time    (ConclaveEventStore *self);

void                 conclave_event_store_set_retention   (ConclaveEventStore *self, guint64 max_events);
guint64              conclave_event_store_get_retention   (ConclaveEventStore *self);
/* Bytes held by records, chunk tables and strings (for the benchmark). */
gsize                conclave_event_store_get_memory      (ConclaveEventStore *self);

/* Process table. */
ConclaveProcessInfo *conclave_event_store_add_process     (ConclaveEventStore *self, gint pid);
ConclaveProcessInfo *conclave_event_store_get_process     (ConclaveEventStore *self, guint32 index);
ConclaveProcessInfo *conclave_event_store_find_process    (ConclaveEventStore *self, gint pid);
guint                conclave_event_store_get_n_processes (ConclaveEventStore *self);

G_END_DECLS
