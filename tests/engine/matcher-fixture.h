/* matcher-fixture.h — the store-and-matcher fixture the matcher tests share
 * (datagrams in test-matcher.c, streams in test-stream-matcher.c). */
#pragma once

#include "conclave-matcher.h"

#define MS (G_GINT64_CONSTANT (1000000))

typedef struct {
  ConclaveEventStore *store;
  ConclaveMatcher    *matcher;
} Fixture;

/* For g_array_sort of ConclaveEvents: by time. */
static inline gint
by_time (gconstpointer a, gconstpointer b)
{
  const ConclaveEvent *x = a, *y = b;

  return x->time_ns < y->time_ns ? -1 : x->time_ns > y->time_ns;
}

static void
setup (Fixture *f, gconstpointer data)
{
  f->store = conclave_event_store_new ();
  f->matcher = conclave_matcher_new (f->store);
  conclave_matcher_set_loss_timeout (f->matcher, 100 * MS);
}

static void
teardown (Fixture *f, gconstpointer data)
{
  conclave_matcher_free (f->matcher);
  g_object_unref (f->store);
}
