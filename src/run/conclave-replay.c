/* conclave-replay.c — the core run over a recording (see conclave-replay.h).
 *
 * The trace is read into a store (the recording), then replayed by the
 * core's replay cluster (conclave_cluster_new_replay), the one replay the
 * window scrubs too: its nodes, store, matcher and leader intervals are
 * what the summary reads, as the live summary read the live cluster's. A recorded `lost` marks a moment the live matcher
 * expired messages; the replay's matcher expires then and writes its own.
 * Never starts a process, never writes the file.
 */
#include "config.h"

#include "conclave-cluster-models.h"
#include "conclave-replay.h"

#include <signal.h>
#include <string.h>

#define BATCH 4096

struct _ConclaveReplay {
  ConclaveEventStore  *recording;
  ConclaveCluster     *cluster;
  ConclaveRunView      view;
  ConclaveTraceHeader  header;
  guint                n_bad;
  char                *first_problem;
  guint                recorded_losses;
  guint                losses;
};

static void
read_all (ConclaveEventStore *store, ConclaveTraceReader *reader)
{
  g_autoptr(GArray) batch = g_array_sized_new (FALSE, FALSE, sizeof (ConclaveEvent), BATCH);
  ConclaveEvent e;

  while (conclave_trace_reader_next (reader, &e))
    {
      g_array_append_val (batch, e);
      if (batch->len == BATCH)
        {
          conclave_event_store_append (store, (ConclaveEvent *) (gpointer) batch->data, batch->len);
          g_array_set_size (batch, 0);
        }
    }
  conclave_event_store_append (store, (ConclaveEvent *) (gpointer) batch->data, batch->len);
}

static guint
count_losses (ConclaveEventStore *store)
{
  guint n = 0;

  for (guint64 i = conclave_event_store_get_first (store); i < conclave_event_store_get_end (store); i++)
    n += conclave_event_store_get (store, i)->type == CONCLAVE_EVENT_LOST;
  return n;
}

/* An end no one asked for: no crash, stop, restart or removal of the
 * node since it was spawned. */
static gboolean
unasked_end (ConclaveEventStore *store, guint64 exited)
{
  guint32 node = conclave_event_node (conclave_event_store_get (store, exited));

  for (guint64 i = exited; i-- > conclave_event_store_get_first (store);)
    {
      const ConclaveEvent *e = conclave_event_store_get (store, i);

      if (!CONCLAVE_EVENT_IS_CONTROLLER (e->type) || conclave_event_node (e) != node)
        continue;
      if (e->type == CONCLAVE_EVENT_SPAWN)
        return TRUE;
      if (e->type == CONCLAVE_EVENT_CRASH || e->type == CONCLAVE_EVENT_STOP ||
          e->type == CONCLAVE_EVENT_RESTART || e->type == CONCLAVE_EVENT_REMOVE)
        return FALSE;
    }
  return TRUE;
}

/* Where the class ended: a trace conclave-run wrote before it stopped the
 * recording at its summary ends with the kills of its shutdown (SIGKILL,
 * unasked, after the summary), which the live summary never saw. */
static guint64
end_of_class (ConclaveEventStore *store)
{
  guint64 end = conclave_event_store_get_end (store);

  while (end > conclave_event_store_get_first (store))
    {
      const ConclaveEvent *e = conclave_event_store_get (store, end - 1);

      if (e->type != CONCLAVE_EVENT_EXITED || conclave_event_exited_signal (e) != SIGKILL || !unasked_end (store, end - 1))
        break;
      end--;
    }
  return end;
}

ConclaveReplay *
conclave_replay_new (const char *path, GError **error)
{
  g_autoptr(ConclaveEventStore) store = conclave_event_store_new ();
  g_autoptr(ConclaveTraceReader) reader = conclave_trace_reader_new (store, path, error);
  g_autofree char *title = g_path_get_basename (path);
  ConclaveCluster *cluster;
  ConclaveReplay *self;

  if (reader == NULL)
    return NULL;
  read_all (store, reader);
  if ((cluster = conclave_cluster_new_replay (store, title, error)) == NULL)
    return NULL;
  self = g_new0 (ConclaveReplay, 1);
  self->recording = g_steal_pointer (&store);
  self->cluster = cluster;
  conclave_trace_reader_finish (reader, &self->n_bad, &self->first_problem);
  conclave_trace_header_copy (&self->header, conclave_trace_reader_get_header (reader));
  conclave_cluster_set_recorded_hosts (cluster, self->header.hosts);
  conclave_cluster_replay_to (cluster, end_of_class (self->recording));
  self->recorded_losses = count_losses (self->recording);
  self->losses = count_losses (conclave_cluster_get_store (cluster));
  /* The replay cluster's nodes, as the live summary read the live one's. */
  self->view = conclave_run_view_of_cluster (cluster);
  return self;
}

void
conclave_replay_free (ConclaveReplay *self)
{
  if (self == NULL)
    return;
  g_object_unref (self->cluster);
  g_object_unref (self->recording);
  conclave_trace_header_clear (&self->header);
  g_free (self->first_problem);
  g_free (self);
}

const ConclaveRunView *
conclave_replay_get_view (ConclaveReplay *self)
{
  return &self->view;
}

const ConclaveTraceHeader *
conclave_replay_get_header (ConclaveReplay *self)
{
  return &self->header;
}

guint
conclave_replay_get_problems (ConclaveReplay *self, const char **first)
{
  if (first)
    *first = self->first_problem;
  return self->n_bad;
}

guint
conclave_replay_get_recorded_losses (ConclaveReplay *self)
{
  return self->recorded_losses;
}

guint
conclave_replay_get_losses (ConclaveReplay *self)
{
  return self->losses;
}
