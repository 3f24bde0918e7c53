/* causal-fixture.h — crafted events for the causal tests (test-causal.c,
 * test-causal-cone.c): one event of a type, process (by PID), time and
 * message id appended to the fixture's store and fed to its matcher. */
#pragma once

#include <string.h>

#include "matcher-fixture.h"

#define US (G_GINT64_CONSTANT (1000))

static inline guint32
proc (Fixture *f, gint pid)
{
  ConclaveProcessInfo *info = conclave_event_store_find_process (f->store, pid);

  return (info ? info : conclave_event_store_add_process (f->store, pid))->index;
}

/* Appends one event and feeds the matcher; returns its index. */
static inline guint64
add (Fixture *f, ConclaveEventType type, gint pid, gint64 t_us, guint32 id)
{
  ConclaveIntern *intern = conclave_event_store_get_intern (f->store);
  ConclaveEvent e = {
    .type = type, .proc = proc (f, pid), .time_ns = t_us * US, .proto = CONCLAVE_PROTO_UDP,
    .key = id ? ((guint64) 1 << 32) | id : 0,
    .s = { conclave_intern_add (intern, "data"), conclave_intern_add (intern, "127.0.0.1:1"),
           conclave_intern_add (intern, "127.0.0.1:2") },
  };
  guint64 index = conclave_event_store_get_end (f->store);

  if (type == CONCLAVE_EVENT_LOG)
    memset (e.s, 0, sizeof e.s);
  conclave_event_store_append (f->store, &e, 1);
  conclave_matcher_feed (f->matcher, index, index + 1);
  return index;
}

