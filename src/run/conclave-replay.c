/* conclave-replay.c — the core run over a recording (see conclave-replay.h).
 *
 * The trace is read into a store (the recording), then replayed by the
 * core's replay cluster (conclave_cluster_new_replay), the one replay the
 * window scrubs too: its store, matcher and leader intervals are what the
 * summary reads. A recorded `lost` marks a moment the live matcher
 * expired messages; the replay's matcher expires then and writes its own.
 * Never starts a process, never writes the file.
 */
#include "config.h"

#include "conclave-cluster-models.h"
#include "conclave-replay.h"

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
  conclave_cluster_replay_to (cluster, G_MAXUINT64);
  self->recorded_losses = count_losses (self->recording);
  self->losses = count_losses (conclave_cluster_get_store (cluster));
  /* How each process ended is read from the events (cluster NULL): the
   * runner's kills at its shutdown came after the live summary. */
  self->view = (ConclaveRunView) { conclave_cluster_get_store (cluster), conclave_cluster_get_matcher (cluster),
                                   conclave_cluster_get_leaders (cluster), NULL };
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

/* ---- how the live cluster named and judged processes ---------------------- */

/* A child: forked by a process of the same node that the store knows. */
static ConclaveProcessInfo *
parent_of (ConclaveEventStore *store, ConclaveProcessInfo *info)
{
  ConclaveProcessInfo *parent = info->ppid > 0 ? conclave_event_store_find_process (store, info->ppid) : NULL;

  return parent != NULL && parent != info ? parent : NULL;
}

char *
conclave_replay_process_name (ConclaveEventStore *store, ConclaveProcessInfo *info)
{
  ConclaveProcessInfo *parent = parent_of (store, info);
  const char *node = conclave_event_store_str (store, info->node) ?: "";

  if (parent != NULL)
    {
      g_autofree char *above = conclave_replay_process_name (store, parent);
      return g_strdup_printf ("%s/%d", above, info->pid);
    }
  return g_strdup (node);
}

/* The controller's `exited` for a top-level process, as the live summary
 * saw it: one the teacher asked for (crash, stop, remove, restart) or one
 * it did on its own (no signal). The runner's kills at shutdown (SIGKILL,
 * unasked, after its summary) are not. */
static char *
recorded_end (ConclaveEventStore *store, ConclaveProcessInfo *info, gint64 until_ns)
{
  gboolean asked = FALSE;

  for (guint64 i = conclave_event_store_get_first (store); i < conclave_event_store_get_end (store); i++)
    {
      const ConclaveEvent *e = conclave_event_store_get (store, i);

      if (!CONCLAVE_EVENT_IS_CONTROLLER (e->type) || conclave_event_node (e) != info->node ||
          e->time_ns < info->first_ns || e->time_ns >= until_ns)
        continue;
      if (e->type == CONCLAVE_EVENT_CRASH || e->type == CONCLAVE_EVENT_STOP ||
          e->type == CONCLAVE_EVENT_REMOVE || e->type == CONCLAVE_EVENT_RESTART)
        asked = TRUE;
      else if (e->type == CONCLAVE_EVENT_EXITED && conclave_event_exited_signal (e) > 0 && asked)
        return g_strdup_printf ("crashed (signal %u)", conclave_event_exited_signal (e));
      else if (e->type == CONCLAVE_EVENT_EXITED && conclave_event_exited_signal (e) == 0)
        return g_strdup_printf ("exited (%d)", conclave_event_exited_code (e));
    }
  return NULL;
}

char *
conclave_replay_process_end (ConclaveEventStore *store, ConclaveProcessInfo *info)
{
  const char *state = "running";
  ConclaveProcessInfo *next = NULL;
  char *end;

  if (parent_of (store, info) != NULL)
    return g_strdup (state);
  /* A later process of the same node is its restart. */
  for (guint i = info->index + 1; next == NULL && i < conclave_event_store_get_n_processes (store); i++)
    {
      ConclaveProcessInfo *other = conclave_event_store_get_process (store, i);
      if (other->node == info->node && parent_of (store, other) == NULL)
        next = other;
    }
  if ((end = recorded_end (store, info, next ? next->first_ns : G_MAXINT64)) != NULL)
    return end;
  if (next != NULL)
    return g_strdup ("replaced");
  for (guint64 i = conclave_event_store_get_first (store); i < conclave_event_store_get_end (store); i++)
    {
      const ConclaveEvent *e = conclave_event_store_get (store, i);

      if (e->type == CONCLAVE_EVENT_PAUSE && conclave_event_node (e) == info->node)
        state = "paused";
      else if (e->type == CONCLAVE_EVENT_RESUME && conclave_event_node (e) == info->node)
        state = "running";
    }
  return g_strdup (state);
}
