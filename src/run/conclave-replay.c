/* conclave-replay.c — the core run over a recording (see conclave-replay.h).
 *
 * Events go into the store in batches, each batch fed to the matcher and
 * the leader intervals as the live cluster fed them. A recorded `lost`
 * marks a moment the live matcher expired messages: the replay flushes
 * what came before and lets its own matcher expire then, skipping the
 * recorded copies. Never starts a process, never writes a file.
 */
#include "config.h"

#include "conclave-replay.h"

#include <string.h>

#define BATCH 4096

struct _ConclaveReplay {
  ConclaveEventStore  *store;
  ConclaveMatcher     *matcher;
  ConclaveLeaders     *leaders;
  ConclaveRunView      view;
  ConclaveTraceHeader  header;
  GArray              *batch;
  guint64              fed;       /* events the models have seen */
  guint                n_bad;
  char                *first_problem;
  guint                recorded_losses;
  guint                losses;
};

static void
feed_models (ConclaveReplay *self)
{
  guint64 end = conclave_event_store_get_end (self->store);

  conclave_matcher_feed (self->matcher, self->fed, end);
  conclave_leaders_feed (self->leaders, self->fed, end);
  self->fed = end;
}

/* Between recorded losses the matcher forgets old keys after each batch,
 * as the live one did at its expiry ticks. */
static void
flush (ConclaveReplay *self)
{
  gint64 last_ns = self->batch->len > 0 ? g_array_index (self->batch, ConclaveEvent, self->batch->len - 1).time_ns : 0;

  conclave_event_store_append (self->store, (ConclaveEvent *) (gpointer) self->batch->data, self->batch->len);
  g_array_set_size (self->batch, 0);
  feed_models (self);
  if (last_ns != 0)
    conclave_matcher_tidy (self->matcher, last_ns);
}

/* The recorded losses of one expiry share its moment: the first one
 * makes the matcher expire, the others are its copies. */
static void
expire_at (ConclaveReplay *self, gint64 *last_expiry, const ConclaveEvent *lost)
{
  guint64 before;

  self->recorded_losses++;
  if (lost->time_ns == *last_expiry)
    return;
  *last_expiry = lost->time_ns;
  flush (self);
  before = conclave_event_store_get_end (self->store);
  self->losses += conclave_matcher_expire (self->matcher, lost->time_ns);
  if (conclave_event_store_get_end (self->store) > before)
    feed_models (self);
}

static void
read_all (ConclaveReplay *self, ConclaveTraceReader *reader)
{
  gint64 last_expiry = G_MININT64;
  ConclaveEvent e;

  while (conclave_trace_reader_next (reader, &e))
    {
      if (e.type == CONCLAVE_EVENT_LOST)
        {
          expire_at (self, &last_expiry, &e);
          continue;
        }
      g_array_append_val (self->batch, e);
      if (self->batch->len == BATCH)
        flush (self);
    }
  flush (self);
}

ConclaveReplay *
conclave_replay_new (const char *path, GError **error)
{
  g_autoptr(ConclaveEventStore) store = conclave_event_store_new ();
  g_autoptr(ConclaveTraceReader) reader = conclave_trace_reader_new (store, path, error);
  const ConclaveTraceHeader *header;
  ConclaveReplay *self;

  if (reader == NULL)
    return NULL;
  self = g_new0 (ConclaveReplay, 1);
  self->store = g_steal_pointer (&store);
  self->matcher = conclave_matcher_new (self->store);
  self->leaders = conclave_leaders_new (self->store);
  self->batch = g_array_sized_new (FALSE, FALSE, sizeof (ConclaveEvent), BATCH);
  read_all (self, reader);
  conclave_trace_reader_finish (reader, &self->n_bad, &self->first_problem);
  header = conclave_trace_reader_get_header (reader);
  self->header.format = header->format;
  self->header.scenario = g_strdup (header->scenario);
  self->header.election = g_strdup (header->election);
  self->header.version = g_strdup (header->version);
  self->header.tempo = header->tempo;
  self->view = (ConclaveRunView) { self->store, self->matcher, self->leaders, NULL };
  return self;
}

void
conclave_replay_free (ConclaveReplay *self)
{
  if (self == NULL)
    return;
  conclave_leaders_free (self->leaders);
  conclave_matcher_free (self->matcher);
  g_object_unref (self->store);
  g_array_unref (self->batch);
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
