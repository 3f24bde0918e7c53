/* export-bench.c — what exporting a big run costs: a 1,000,000-event
 * recording (10 processes, 500,000 delivered messages over 100 s) drawn as
 * the whole run's timeline into SVG, PDF and PNG, and written as a ShiViz
 * log; printed as seconds and file sizes, with what the painter drew (arrows
 * one by one, or bins). Figures, not a test:
 *
 *   ninja -C _build bench/export-bench && _build/bench/export-bench [EVENTS [DIR]]
 *
 * With DIR the files stay there, to be looked at.
 */
#include "config.h"

#include <glib/gstdio.h>
#include <stdlib.h>

#include "conclave-export.h"
#include "conclave-shiviz.h"

#define N_PROCS  10
#define SPAN_NS  (100 * G_GINT64_CONSTANT (1000000000))
#define BATCH    4096

typedef struct {
  ConclaveEventStore *store;
  ConclaveMatcher    *matcher;
  ConclaveLeaders    *leaders;
  GArray             *batch;
} Recording;

static void
flush (Recording *r)
{
  guint64 first = conclave_event_store_get_end (r->store);

  conclave_event_store_append (r->store, (ConclaveEvent *) r->batch->data, r->batch->len);
  conclave_matcher_feed (r->matcher, first, first + r->batch->len);
  conclave_leaders_feed (r->leaders, first, first + r->batch->len);
  g_array_set_size (r->batch, 0);
}

static void
add_processes (Recording *r)
{
  ConclaveIntern *intern = conclave_event_store_get_intern (r->store);

  for (int i = 0; i < N_PROCS; i++)
    {
      ConclaveProcessInfo *info = conclave_event_store_add_process (r->store, 1000 + i);
      g_autofree char *name = g_strdup_printf ("%c%d", i < N_PROCS / 2 ? 's' : 'c', i % (N_PROCS / 2) + 1);

      info->node = conclave_intern_add (intern, name);
      info->role = conclave_intern_add (intern, i < N_PROCS / 2 ? "group-server" : "group-client");
      info->first_ns = 1;
      info->last_ns = SPAN_NS;
    }
}

/* Pairs of send and receive between random processes, in time order. */
static void
record (Recording *r,
        guint      n_events)
{
  ConclaveIntern *intern = conclave_event_store_get_intern (r->store);
  guint32 kinds[] = { conclave_intern_add (intern, "heartbeat"), conclave_intern_add (intern, "append"),
                      conclave_intern_add (intern, "append-ack"), conclave_intern_add (intern, "post") };
  guint32 addr = conclave_intern_add (intern, "127.0.0.1:7000");
  g_autoptr(GRand) rand = g_rand_new_with_seed (42);

  for (guint i = 0; i < n_events / 2; i++)
    {
      gint64 t = 1 + (gint64) ((double) SPAN_NS * i / (n_events / 2));
      guint32 src = g_rand_int_range (rand, 1, N_PROCS + 1);
      guint32 dst = src % N_PROCS + 1;
      ConclaveEvent send = {
        .type = CONCLAVE_EVENT_SEND, .proc = src, .time_ns = t, .proto = CONCLAVE_PROTO_UDP,
        .key = ((guint64) src << 32) | i, .s = { kinds[i % 4], addr, addr },
      };
      ConclaveEvent recv = send;

      recv.type = CONCLAVE_EVENT_RECV;
      recv.proc = dst;
      recv.time_ns = t + 200000;
      g_array_append_val (r->batch, send);
      g_array_append_val (r->batch, recv);
      if (r->batch->len >= BATCH)
        flush (r);
    }
  flush (r);
}

static void
measure (const char   *what,
         const char   *path,
         double        seconds,
         gboolean      ok,
         const GError *error)
{
  GStatBuf st = { 0 };

  if (!ok)
    {
      g_printerr ("%s: %s\n", what, error->message);
      exit (1);
    }
  g_stat (path, &st);
  g_print ("%-8s %7.2f s  %10.1f KiB\n", what, seconds, st.st_size / 1024.0);
}

static gboolean
export_picture (Recording   *r,
                const char  *path,
                GError     **error)
{
  g_autoptr(ConclaveTimelinePainter) painter = conclave_timeline_painter_new ();
  gboolean ok;

  conclave_timeline_painter_set_recording (painter, r->store, r->matcher, r->leaders);
  ok = conclave_export_timeline_run (painter, path, 1600, error);
  g_print ("         drawn: %u arrows, %u messages binned into %u bars, %u rows\n",
           painter->stats.arrows, painter->stats.binned, painter->stats.bins, painter->stats.rows);
  return ok;
}

int
main (int argc, char *argv[])
{
  guint n_events = argc > 1 ? (guint) g_ascii_strtoull (argv[1], NULL, 10) : 1000000;
  gboolean keep = argc > 2;
  g_autofree char *dir = keep ? g_strdup (argv[2]) : g_dir_make_tmp ("conclave-export-bench-XXXXXX", NULL);
  const char *names[] = { "run.svg", "run.pdf", "run.png", "run.shiviz" };
  g_autoptr(GError) error = NULL;
  Recording r;
  gint64 start;

  r.store = conclave_event_store_new ();
  r.matcher = conclave_matcher_new (r.store);
  r.leaders = conclave_leaders_new (r.store);
  r.batch = g_array_new (FALSE, FALSE, sizeof (ConclaveEvent));
  start = g_get_monotonic_time ();
  add_processes (&r);
  record (&r, n_events);
  g_print ("%" G_GUINT64_FORMAT " events, %u processes, recorded in %.2f s\n",
           conclave_event_store_get_end (r.store), N_PROCS, (g_get_monotonic_time () - start) / 1e6);
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *path = g_build_filename (dir, names[i], NULL);
      gboolean ok;

      start = g_get_monotonic_time ();
      if (i < 3)
        ok = export_picture (&r, path, &error);
      else
        ok = conclave_shiviz_write (r.store, r.matcher, path, &error);
      measure (names[i] + 4, path, (g_get_monotonic_time () - start) / 1e6, ok, error);
      if (!keep)
        g_unlink (path);
    }
  if (!keep)
    g_rmdir (dir);
  conclave_leaders_free (r.leaders);
  conclave_matcher_free (r.matcher);
  g_object_unref (r.store);
  g_array_unref (r.batch);
  return 0;
}
