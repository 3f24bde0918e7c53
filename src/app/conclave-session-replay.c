/* conclave-session-replay.c — the moment the views show: an opened
 * recording replayed up to the scrubber's time, or, in a live class, the
 * past while the processes go on.
 *
 * Part of ConclaveSession. The state at a time T is a replay cluster (see
 * conclave_cluster_new_replay) fed the recording's events up to T: its
 * nodes, crown, messages in flight, counters and store are what they were
 * then, so every view draws it as it draws a live cluster. Forward is more
 * feeding; back is a fresh replay from the start (of the recording as its
 * first replay made it: the file's store is dropped once that replay is
 * rebased on its own, so the events are held once). Never draws, never
 * starts a process; the live cluster is never changed by looking back.
 */
#include "config.h"

#include <glib/gi18n.h>

#include "conclave-leaders.h"
#include "conclave-session-private.h"
#include "conclave-trace-file.h"

#include <string.h>

static void
set_story (ConclaveSession *self)
{
  ConclaveCluster *shown = conclave_session_get_cluster (self);

  g_clear_pointer (&self->story, conclave_election_story_free);
  if (shown != NULL)
    self->story = conclave_election_story_new (conclave_cluster_get_store (shown));
}

void
_conclave_session_leave_replay (ConclaveSession *self)
{
  if (self->past != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->past, self);
      g_clear_object (&self->past);
    }
  g_clear_object (&self->recording);
  g_clear_pointer (&self->recording_problem, g_free);
  g_clear_pointer (&self->recording_hosts, g_ptr_array_unref);
  self->cursor_ns = G_MAXINT64;
}

gboolean
conclave_session_is_replay (ConclaveSession *self)
{
  g_return_val_if_fail (CONCLAVE_IS_SESSION (self), FALSE);
  return self->recording != NULL;
}

ConclaveCluster *
conclave_session_get_live_cluster (ConclaveSession *self)
{
  g_return_val_if_fail (CONCLAVE_IS_SESSION (self), NULL);
  return self->recording == NULL ? self->cluster : NULL;
}

gboolean
conclave_session_is_following (ConclaveSession *self)
{
  g_return_val_if_fail (CONCLAVE_IS_SESSION (self), TRUE);
  return self->recording == NULL && self->past == NULL;
}

const char *
conclave_session_get_replay_problem (ConclaveSession *self)
{
  g_return_val_if_fail (CONCLAVE_IS_SESSION (self), NULL);
  return self->recording_problem;
}

/* A replay shows the hosts of the LAN the events ran on: the recording's
 * header's, or the live class's. */
static void
give_hosts (ConclaveSession *self, ConclaveCluster *replay)
{
  g_autoptr(GPtrArray) live = self->recording == NULL && self->cluster != NULL
                              ? conclave_cluster_list_hosts (self->cluster) : NULL;

  conclave_cluster_set_recorded_hosts (replay, self->recording != NULL ? self->recording_hosts : live);
}

ConclaveCluster *
conclave_session_dup_whole_cluster (ConclaveSession *self)
{
  ConclaveCluster *whole;

  g_return_val_if_fail (CONCLAVE_IS_SESSION (self), NULL);

  /* Live, or a recording shown to its end: the cluster there is. */
  if (self->cluster == NULL || self->recording == NULL ||
      conclave_cluster_get_replay_position (self->cluster) >= conclave_event_store_get_end (self->recording))
    return self->cluster != NULL ? g_object_ref (self->cluster) : NULL;
  if ((whole = conclave_cluster_new_replay (self->recording, NULL, NULL)) != NULL)
    {
      give_hosts (self, whole);
      conclave_cluster_replay_to (whole, G_MAXUINT64);
    }
  return whole;
}

/* The events the moments come from: the recording, or the live store. */
static ConclaveEventStore *
source (ConclaveSession *self)
{
  if (self->recording != NULL)
    return self->recording;
  return self->cluster != NULL ? conclave_cluster_get_store (self->cluster) : NULL;
}

gint64
conclave_session_get_now_ns (ConclaveSession *self)
{
  g_return_val_if_fail (CONCLAVE_IS_SESSION (self), 0);
  if (self->cursor_ns != G_MAXINT64)
    return self->cursor_ns;
  return g_get_monotonic_time () * 1000;
}

gboolean
conclave_session_get_time_range (ConclaveSession *self,
                                 gint64          *start_ns,
                                 gint64          *end_ns)
{
  ConclaveEventStore *store;

  g_return_val_if_fail (CONCLAVE_IS_SESSION (self), FALSE);

  store = source (self);
  if (store == NULL || conclave_event_store_get_end (store) == conclave_event_store_get_first (store))
    return FALSE;
  *start_ns = conclave_event_store_get_min_time (store);
  *end_ns = self->recording != NULL ? conclave_event_store_get_max_time (store)
                                    : MAX (g_get_monotonic_time () * 1000, conclave_event_store_get_max_time (store));
  return TRUE;
}

/* ---- the shown cluster -------------------------------------------------------- */

typedef struct {
  char  *name;
  double x, y;
} Placed;

static void
placed_free (gpointer data)
{
  g_free (((Placed *) data)->name);
  g_free (data);
}

/* Where the teacher put the nodes, by name: a fresh replay has new node
 * objects for the same nodes. */
static GPtrArray *
remember_places (ConclaveSession *self)
{
  GPtrArray *places = g_ptr_array_new_with_free_func (placed_free);
  GHashTableIter iter;
  gpointer node, position;

  g_hash_table_iter_init (&iter, self->positions);
  while (g_hash_table_iter_next (&iter, &node, &position))
    {
      Placed *placed = g_new (Placed, 1);
      placed->name = g_strdup (conclave_node_get_name (node));
      memcpy (&placed->x, position, 2 * sizeof (double));
      g_ptr_array_add (places, placed);
    }
  return places;
}

static void
restore (ConclaveSession *self, GPtrArray *places, const char *selected)
{
  ConclaveCluster *shown = conclave_session_get_cluster (self);

  for (guint i = 0; i < places->len; i++)
    {
      Placed *placed = places->pdata[i];
      ConclaveNode *node = conclave_cluster_lookup (shown, placed->name);
      if (node != NULL)
        conclave_session_set_position (self, node, placed->x, placed->y);
    }
  if (selected != NULL)
    conclave_session_set_selected (self, conclave_cluster_lookup (shown, selected));
}

static char *
selected_name (ConclaveSession *self)
{
  if (self->selected == NULL || conclave_node_get_parent (self->selected) != NULL)
    return NULL;
  return g_strdup (conclave_node_get_name (self->selected));
}

/* A fresh replay of the source in place of the shown one (the recording's
 * cluster, or the live class's past), fed up to `end`. */
static gboolean
replace_shown (ConclaveSession *self, guint64 end, GError **error)
{
  g_autoptr(ConclaveCluster) old = conclave_session_get_cluster (self) ? g_object_ref (conclave_session_get_cluster (self)) : NULL;
  g_autofree char *title = NULL;
  ConclaveCluster *cluster;
  g_autoptr(GPtrArray) places = NULL;
  g_autofree char *selected = NULL;

  if (old != NULL)
    g_object_get (old, "title", &title, NULL);
  /* Into the past of a live class: its banner waits for the present. */
  if (self->recording == NULL && self->past == NULL)
    {
      self->live_violation = self->violation;
      self->live_n_violations = self->n_violations;
    }
  /* A replay's own store and moments (the recording's, once opened). */
  cluster = old != NULL && conclave_cluster_is_replay (old) ? conclave_cluster_new_replay_again (old, error)
                                                            : conclave_cluster_new_replay (source (self), title, error);
  if (cluster == NULL)
    return FALSE;
  give_hosts (self, cluster);
  places = remember_places (self);
  selected = selected_name (self);
  _conclave_session_forget_picture (self);
  if (old != NULL && old != self->cluster)
    g_signal_handlers_disconnect_by_data (old, self);
  if (self->recording != NULL)
    {
      if (self->cluster != NULL)
        g_signal_handlers_disconnect_by_data (self->cluster, self);
      g_set_object (&self->cluster, cluster);
    }
  else
    g_set_object (&self->past, cluster);
  g_object_unref (cluster);
  _conclave_session_connect (self, cluster);
  conclave_cluster_replay_to (cluster, end);
  set_story (self);
  _conclave_session_tell_cluster (self, old);
  /* Once the views look at the new cluster: its nodes, where they were. */
  restore (self, places, selected);
  return TRUE;
}

static gboolean
found (const ConclaveEvent *event, guint64 index, gpointer user_data)
{
  *(guint64 *) user_data = index;
  return FALSE;
}

/* The moment time_ns is the events before the first one after it, in
 * arrival order: events arrive a little out of time order, and a cut
 * found by walking from where the scrubber was would depend on where
 * that was. The store's chunk bounds find it without a walk. */
static guint64
index_after (ConclaveEventStore *store, gint64 time_ns)
{
  guint64 index = conclave_event_store_get_end (store);

  if (time_ns < G_MAXINT64)
    conclave_event_store_foreach_in_range (store, time_ns + 1, G_MAXINT64, found, &index);
  return index;
}

void
conclave_session_follow (ConclaveSession *self)
{
  g_autoptr(ConclaveCluster) old = NULL;
  g_autoptr(GPtrArray) places = NULL;
  g_autofree char *selected = NULL;

  g_return_if_fail (CONCLAVE_IS_SESSION (self));

  if (self->recording != NULL || self->past == NULL)
    return;
  old = g_object_ref (self->past);
  places = remember_places (self);
  selected = selected_name (self);
  _conclave_session_forget_picture (self);
  _conclave_session_leave_replay (self);
  self->violation = self->live_violation;
  self->n_violations = self->live_n_violations;
  g_object_notify (G_OBJECT (self), "violation");
  g_object_notify (G_OBJECT (self), "n-violations");
  set_story (self);
  _conclave_session_tell_cluster (self, old);
  /* Once the views look at the new cluster: its nodes, where they were. */
  restore (self, places, selected);
  _conclave_session_cluster_changed (self);
}

void
conclave_session_seek (ConclaveSession *self,
                       gint64           time_ns)
{
  ConclaveEventStore *store;
  ConclaveCluster *shown;
  guint64 end;
  gint64 start, last;

  g_return_if_fail (CONCLAVE_IS_SESSION (self));

  if ((store = source (self)) == NULL || !conclave_session_get_time_range (self, &start, &last))
    return;
  if (self->recording == NULL && time_ns >= last)
    {
      conclave_session_follow (self);
      return;
    }
  time_ns = CLAMP (time_ns, start, last);
  shown = self->recording != NULL ? self->cluster : self->past;
  end = index_after (store, time_ns);
  self->cursor_ns = time_ns;
  if (shown == NULL || conclave_cluster_replay_needs_again (shown, end))
    replace_shown (self, end, NULL);
  else
    conclave_cluster_replay_to (shown, end);
  _conclave_session_cluster_changed (self);
}

/* ---- moments to step and jump to ---------------------------------------------- */

static gboolean
is_moment (ConclaveEventStore *store, const ConclaveEvent *e, ConclaveMoment kind)
{
  switch (kind)
    {
    case CONCLAVE_MOMENT_EVENT:
      return TRUE;
    case CONCLAVE_MOMENT_CRASH:
      return e->type == CONCLAVE_EVENT_EXITED && conclave_event_exited_signal (e) != 0;
    case CONCLAVE_MOMENT_VIOLATION:
      return e->type == CONCLAVE_EVENT_VIOLATION;
    case CONCLAVE_MOMENT_ELECTION:
    default:
      return FALSE;
    }
}

/* An election ends when someone starts to lead: the leader intervals'
 * starts, from the one owner of who led when. */
static gboolean
next_election (ConclaveEventStore *store, gint64 after_ns, gint64 *time_ns)
{
  g_autoptr(ConclaveLeaders) leaders = conclave_leaders_new (store);
  gboolean found = FALSE;

  conclave_leaders_feed (leaders, conclave_event_store_get_first (store), conclave_event_store_get_end (store));
  for (guint i = 0; i < conclave_leaders_get_n_intervals (leaders); i++)
    {
      const ConclaveLeaderInterval *l = conclave_leaders_get_interval (leaders, i);
      if (l->start_ns > after_ns && (!found || l->start_ns < *time_ns))
        {
          *time_ns = l->start_ns;
          found = TRUE;
        }
    }
  return found;
}

gboolean
conclave_session_find_moment (ConclaveSession *self,
                              ConclaveMoment   kind,
                              gboolean         forward,
                              gint64          *time_ns)
{
  ConclaveEventStore *store;
  ConclaveCluster *shown;
  guint64 first, end, p;

  g_return_val_if_fail (CONCLAVE_IS_SESSION (self), FALSE);

  if ((store = source (self)) == NULL)
    return FALSE;
  first = conclave_event_store_get_first (store);
  end = conclave_event_store_get_end (store);
  shown = self->recording != NULL ? self->cluster : self->past;
  p = shown != NULL ? MAX (conclave_cluster_get_replay_position (shown), first) : end;
  if (kind == CONCLAVE_MOMENT_ELECTION && forward)
    return next_election (store, conclave_session_get_now_ns (self), time_ns);
  if (forward)
    {
      for (guint64 i = p; i < end; i++)
        if (is_moment (store, conclave_event_store_get (store, i), kind))
          return (*time_ns = conclave_event_store_get (store, i)->time_ns), TRUE;
      return FALSE;
    }
  /* Back: to just before the newest shown one (it and its equals go). */
  for (guint64 i = p; i > first; i--)
    if (is_moment (store, conclave_event_store_get (store, i - 1), kind))
      return (*time_ns = conclave_event_store_get (store, i - 1)->time_ns - 1), TRUE;
  return FALSE;
}

/* ---- opening a recording ---------------------------------------------------- */

/* The reader names the file by its path ("/home/…/class.jsonl:57: why");
 * the teacher knows it by its name ("class.jsonl, line 57: why"). */
static char *
name_problem (const char *path, const char *name, const char *problem)
{
  gsize n = strlen (path);
  guint line;
  char *rest;

  if (problem == NULL)
    return g_strdup (_("unreadable lines"));
  if (strncmp (problem, path, n) != 0 || problem[n] != ':')
    return g_strdup (problem);
  line = (guint) g_ascii_strtoull (problem + n + 1, &rest, 10);
  if (rest == problem + n + 1 || rest[0] != ':')
    return g_strdup (problem);
  /* Translators: a damaged recording: "class.jsonl, line 57: not JSON: …". */
  return g_strdup_printf (_("%s, line %u: %s"), name, line, g_strchug (rest + 1));
}

gboolean
conclave_session_open_trace (ConclaveSession *self,
                             const char      *path,
                             GError         **error)
{
  g_autoptr(ConclaveEventStore) store = conclave_event_store_new ();
  g_autofree char *problem = NULL;
  g_autofree char *title = NULL;
  g_autoptr(ConclaveCluster) old = NULL;
  g_auto(ConclaveTraceHeader) header = { 0 };
  ConclaveCluster *cluster;
  guint n_bad = 0;

  g_return_val_if_fail (CONCLAVE_IS_SESSION (self), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  if (!conclave_trace_load_with_header (store, path, &header, &n_bad, &problem, error))
    return FALSE;
  title = g_filename_display_basename (path);
  /* Nothing to show: the class on screen stays. */
  if (conclave_event_store_get_end (store) == conclave_event_store_get_first (store))
    {
      g_autofree char *why = name_problem (path, title, problem);

      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, _("it holds no events (%s)"), why);
      return FALSE;
    }
  if ((cluster = conclave_cluster_new_replay (store, title, error)) == NULL)
    return FALSE;
  old = conclave_session_get_cluster (self) ? g_object_ref (conclave_session_get_cluster (self)) : NULL;
  _conclave_session_forget_picture (self);
  /* The class on screen ends (its processes shut down), as a new one would. */
  _conclave_session_drop_cluster (self);
  self->cluster = cluster;
  self->recording_problem = n_bad > 0 ? name_problem (path, title, problem) : NULL;
  self->recording_hosts = g_steal_pointer (&header.hosts);
  /* Not give_hosts: the recording is not this session's yet. */
  conclave_cluster_set_recorded_hosts (cluster, self->recording_hosts);
  _conclave_session_connect (self, cluster);
  conclave_cluster_replay_to (cluster, conclave_event_store_get_end (store));
  /* One copy of the events: the replay's store is the recording from now
   * on (every later replay makes the same events), the file's goes. */
  conclave_cluster_replay_rebase (cluster);
  self->recording = g_object_ref (conclave_cluster_get_store (cluster));
  g_clear_object (&store);
  self->cursor_ns = conclave_event_store_get_max_time (self->recording);
  set_story (self);
  _conclave_session_tell_cluster (self, old);
  if (self->recording_problem != NULL)
    conclave_session_notice (self, self->recording_problem);
  return TRUE;
}
