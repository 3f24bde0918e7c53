/* conclave-session.c — the session model the views observe: the cluster of
 * the chapter on screen, the selection, presentation mode, canvas
 * positions, the violation banner and the frame pace.
 *
 * One owner per fact: a view that wants to select a node asks the session,
 * and every view hears it. Must never draw, and never keep a node or an
 * event of an earlier cluster once a new one started.
 */
#include "config.h"

#include <glib/gi18n.h>

#include "conclave-session-private.h"

/* How long an ended child stays on screen so the class sees it go (at
 * tempo 1 and slower; faster tempos shorten it). */
#define CHILD_LINGER_MS 3000

typedef struct {
  double x, y;
} Position;

G_DEFINE_FINAL_TYPE (ConclaveSession, conclave_session, G_TYPE_OBJECT)

enum { PROP_0, PROP_CLUSTER, PROP_SELECTED, PROP_PRESENTATION, PROP_VIOLATION, PROP_N_VIOLATIONS,
       PROP_FOCUSED_EVENT, N_PROPS };
static GParamSpec *properties[N_PROPS];

enum { CHANGED, NOTICE, N_SIGNALS };
static guint signals[N_SIGNALS];

/* ---- watchers ------------------------------------------------------------ */

static void
watcher_gone (gpointer data, GObject *where_the_view_was)
{
  Watcher *watcher = data;

  watcher->view = NULL;  /* its weak reference is gone already */
  g_ptr_array_remove_fast (watcher->session->watchers, watcher);
}

static void
watcher_free (gpointer data)
{
  Watcher *watcher = data;

  if (watcher->view != NULL)
    g_object_weak_unref (watcher->view, watcher_gone, watcher);
  g_free (watcher);
}

typedef enum { FACT_CLUSTER, FACT_SELECTED, FACT_PRESENTATION, FACT_CHANGED, FACT_FOCUSED } Fact;

static void
tell_watcher (ConclaveSession *self,
              Watcher         *w,
              Fact             fact,
              ConclaveCluster *old)
{
  const ConclaveSessionWatch *watch = w->watch;

  if (fact == FACT_CLUSTER && watch->cluster != NULL)
    watch->cluster (w->view, old);
  else if (fact == FACT_SELECTED && watch->selected != NULL)
    watch->selected (w->view, self->selected);
  else if (fact == FACT_PRESENTATION && watch->presentation != NULL)
    watch->presentation (w->view, self->presentation);
  else if (fact == FACT_CHANGED && watch->changed != NULL)
    watch->changed (w->view);
  else if (fact == FACT_FOCUSED && watch->focused != NULL)
    watch->focused (w->view, self->focused_event);
}

/* Every view first, then whoever listens to the property or signal; old:
 * the cluster that ended, for FACT_CLUSTER. */
static void
tell_about (ConclaveSession *self,
            Fact             fact,
            ConclaveCluster *old)
{
  static const guint props[] = { PROP_CLUSTER, PROP_SELECTED, PROP_PRESENTATION, 0, PROP_FOCUSED_EVENT };

  if (fact == FACT_CHANGED)
    self->dirty = FALSE;
  for (guint i = 0; i < self->watchers->len; i++)
    tell_watcher (self, g_ptr_array_index (self->watchers, i), fact, old);
  if (fact == FACT_CHANGED)
    g_signal_emit (self, signals[CHANGED], 0);
  else
    g_object_notify_by_pspec (G_OBJECT (self), properties[props[fact]]);
}

void
_conclave_session_tell_cluster (ConclaveSession *self,
                                ConclaveCluster *old)
{
  tell_about (self, FACT_CLUSTER, old);
}

static void
tell (ConclaveSession *self,
      Fact             fact)
{
  tell_about (self, fact, NULL);
}

void
conclave_session_watch (ConclaveSession            *self,
                        gpointer                    view,
                        const ConclaveSessionWatch *watch)
{
  Watcher *watcher;

  g_return_if_fail (CONCLAVE_IS_SESSION (self));
  g_return_if_fail (G_IS_OBJECT (view));

  watcher = g_new0 (Watcher, 1);
  watcher->session = self;
  watcher->view = view;
  watcher->watch = watch;
  g_object_weak_ref (view, watcher_gone, watcher);
  g_ptr_array_add (self->watchers, watcher);
  tell_watcher (self, watcher, FACT_CLUSTER, NULL);
  tell_watcher (self, watcher, FACT_SELECTED, NULL);
  tell_watcher (self, watcher, FACT_PRESENTATION, NULL);
}

void
conclave_session_unwatch (ConclaveSession *self,
                          gpointer         view)
{
  g_return_if_fail (CONCLAVE_IS_SESSION (self));

  for (guint i = self->watchers->len; i > 0; i--)
    if (((Watcher *) g_ptr_array_index (self->watchers, i - 1))->view == view)
      g_ptr_array_remove_index_fast (self->watchers, i - 1);
}

/* ---- pace ---------------------------------------------------------------- */

static void
on_update (GdkFrameClock   *clock,
           ConclaveSession *self)
{
  if (self->dirty)
    tell (self, FACT_CHANGED);
}

void
_conclave_session_cluster_changed (ConclaveSession *self)
{
  self->dirty = TRUE;
  if (self->clock != NULL)
    gdk_frame_clock_request_phase (self->clock, GDK_FRAME_CLOCK_PHASE_UPDATE);
  else
    tell (self, FACT_CHANGED);
}

void
conclave_session_catch_up (ConclaveSession *self)
{
  g_return_if_fail (CONCLAVE_IS_SESSION (self));
  on_update (self->clock, self);
}

void
conclave_session_set_frame_clock (ConclaveSession *self,
                                  GdkFrameClock   *clock)
{
  g_return_if_fail (CONCLAVE_IS_SESSION (self));

  if (self->clock == clock)
    return;
  if (self->clock != NULL)
    g_clear_signal_handler (&self->update_id, self->clock);
  g_set_object (&self->clock, clock);
  if (clock != NULL)
    self->update_id = g_signal_connect (clock, "update", G_CALLBACK (on_update), self);
  if (self->dirty)
    _conclave_session_cluster_changed (self);
}

/* ---- the banner ---------------------------------------------------------- */

/* The banner speaks of the cluster shown (its index is into that one's
 * store); a live class's verdicts while its past is shown wait for the
 * return to the present. */
static void
on_violation (ConclaveCluster *cluster,
              guint64          index,
              ConclaveSession *self)
{
  if (cluster != conclave_session_get_cluster (self))
    {
      self->live_violation = index;
      self->live_n_violations++;
      return;
    }
  self->violation = index;
  self->n_violations++;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_VIOLATION]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_VIOLATIONS]);
}

void
conclave_session_dismiss_banner (ConclaveSession *self)
{
  g_return_if_fail (CONCLAVE_IS_SESSION (self));

  if (self->n_violations == 0)
    return;
  self->n_violations = 0;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_VIOLATIONS]);
}

guint64
conclave_session_get_violation (ConclaveSession *self)
{
  g_return_val_if_fail (CONCLAVE_IS_SESSION (self), G_MAXUINT64);
  return self->violation;
}

guint
conclave_session_get_n_violations (ConclaveSession *self)
{
  g_return_val_if_fail (CONCLAVE_IS_SESSION (self), 0);
  return self->n_violations;
}

/* ---- ended children ------------------------------------------------------ */

static gboolean
forget_child (gpointer data)
{
  ConclaveNode *child = data;
  ConclaveNode *parent = conclave_node_get_parent (child);

  if (parent != NULL)
    conclave_node_remove_child (parent, child);
  return G_SOURCE_REMOVE;
}

gint64
conclave_session_get_child_linger_ns (ConclaveSession *self)
{
  double tempo;

  g_return_val_if_fail (CONCLAVE_IS_SESSION (self), 0);

  tempo = self->cluster != NULL && self->recording == NULL ? conclave_cluster_get_tempo (self->cluster) : 1.0;
  return (gint64) (CHILD_LINGER_MS * MIN (tempo, 1.0)) * 1000000;
}

static void
on_child_changed (ConclaveNode    *child,
                  GParamSpec      *pspec,
                  ConclaveSession *self)
{
  if (conclave_node_get_state (child) < CONCLAVE_NODE_EXITED)
    return;
  g_signal_handlers_disconnect_by_func (child, on_child_changed, self);
  g_timeout_add_full (G_PRIORITY_DEFAULT, (guint) (conclave_session_get_child_linger_ns (self) / 1000000),
                      forget_child, g_object_ref (child), g_object_unref);
}

/* A program that ended on its own with a failure says why, in a toast:
 * "Address already in use: port 10001 is held by s1 of …", not "exited (1)". */
static void
on_node_state (ConclaveNode    *node,
               GParamSpec      *pspec,
               ConclaveSession *self)
{
  g_autofree char *why = NULL;
  g_autofree char *text = NULL;

  if (self->cluster == NULL || conclave_cluster_is_replay (self->cluster) ||
      conclave_node_get_state (node) != CONCLAVE_NODE_EXITED ||
      conclave_node_get_exit_code (node) == 0)
    return;
  why = conclave_cluster_explain_failure (self->cluster, node);
  text = why != NULL
    ? g_strdup_printf (_("%s exited (%d): %s"), conclave_node_get_name (node), conclave_node_get_exit_code (node), why)
    : g_strdup_printf (_("%s exited (%d)"), conclave_node_get_name (node), conclave_node_get_exit_code (node));
  conclave_session_notice (self, text);
}

static void
on_node_added (ConclaveCluster *cluster,
               ConclaveNode    *node,
               ConclaveSession *self)
{
  if (conclave_node_get_kind (node) == CONCLAVE_NODE_KIND_CHILD)
    g_signal_connect_object (node, "notify::state", G_CALLBACK (on_child_changed), self, 0);
  else
    g_signal_connect_object (node, "notify::state", G_CALLBACK (on_node_state), self, 0);
}

/* ---- the cluster --------------------------------------------------------- */

static void
on_node_removed (ConclaveCluster *cluster,
                 ConclaveNode    *node,
                 ConclaveSession *self)
{
  ConclaveNode *selected = self->selected;

  g_hash_table_remove (self->positions, node);
  /* A removed node (or a child of a removed node) cannot stay selected. */
  for (; selected != NULL; selected = conclave_node_get_parent (selected))
    if (selected == node)
      {
        conclave_session_set_selected (self, NULL);
        return;
      }
}

static void
apply_limits_to (ConclaveSession *self,
                 ConclaveCluster *cluster)
{
  if (cluster == NULL || self->settings == NULL)
    return;
  conclave_event_store_set_retention (conclave_cluster_get_store (cluster),
                                      g_settings_get_uint (self->settings, "retention-events"));
  conclave_matcher_set_loss_timeout (conclave_cluster_get_matcher (cluster),
                                     (gint64) g_settings_get_uint (self->settings, "loss-timeout-ms")
                                     * G_TIME_SPAN_MILLISECOND * 1000);
}

static void
on_settings_changed (GSettings       *settings,
                     const char      *key,
                     ConclaveSession *self)
{
  if (g_str_equal (key, "retention-events") || g_str_equal (key, "loss-timeout-ms"))
    {
      apply_limits_to (self, self->cluster);
      apply_limits_to (self, self->past);
    }
  else if (g_str_equal (key, "show-unheard"))
    _conclave_session_cluster_changed (self);   /* the views draw again, with or without them */
}

gboolean
conclave_session_get_show_unheard (ConclaveSession *self)
{
  g_return_val_if_fail (CONCLAVE_IS_SESSION (self), TRUE);
  return self->settings == NULL || g_settings_get_boolean (self->settings, "show-unheard");
}

void
_conclave_session_drop_cluster (ConclaveSession *self)
{
  _conclave_session_leave_replay (self);
  if (self->cluster == NULL)
    return;
  g_signal_handlers_disconnect_by_data (self->cluster, self);
  conclave_cluster_shutdown (self->cluster);
  g_clear_pointer (&self->story, conclave_election_story_free);
  g_clear_object (&self->cluster);
}

static gboolean
open_cluster (ConclaveSession *self,
              double           tempo)
{
  g_autoptr(GError) error = NULL;

  self->cluster = conclave_cluster_new (&error);
  g_clear_pointer (&self->error, g_free);
  if (self->cluster == NULL)
    {
      self->error = g_strdup (error->message);
      return FALSE;
    }
  if (self->base_port != 0)
    conclave_cluster_set_base_port (self->cluster, self->base_port);
  self->story = conclave_election_story_new (conclave_cluster_get_store (self->cluster));
  conclave_cluster_set_tempo (self->cluster, tempo);
  _conclave_session_connect (self, self->cluster);
  return TRUE;
}

/* The session hears what a cluster it shows says (live, or a replay). */
void
_conclave_session_connect (ConclaveSession *self,
                           ConclaveCluster *cluster)
{
  apply_limits_to (self, cluster);
  g_signal_connect_object (cluster, "changed", G_CALLBACK (_conclave_session_cluster_changed), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (cluster, "node-added", G_CALLBACK (on_node_added), self, 0);
  g_signal_connect_object (cluster, "node-removed", G_CALLBACK (on_node_removed), self, 0);
  g_signal_connect_object (cluster, "violation", G_CALLBACK (on_violation), self, 0);
}

void
_conclave_session_forget_picture (ConclaveSession *self)
{
  g_hash_table_remove_all (self->positions);
  conclave_session_set_selected (self, NULL);
  conclave_session_set_focused_event (self, G_MAXUINT64);
  self->violation = G_MAXUINT64;
  self->n_violations = 0;
  self->dirty = FALSE;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_VIOLATION]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_VIOLATIONS]);
}

gboolean
conclave_session_new_cluster (ConclaveSession *self)
{
  g_autoptr(ConclaveCluster) old = NULL;
  g_autoptr(GError) error = NULL;
  ConclaveNetwork network;
  double tempo;

  g_return_val_if_fail (CONCLAVE_IS_SESSION (self), FALSE);

  /* The tempo the teacher chose carries over to the next chapter, and so
   * does the network (the LAN chosen in the menu). */
  tempo = self->cluster != NULL && self->recording == NULL ? conclave_cluster_get_tempo (self->cluster)
          : self->settings != NULL ? g_settings_get_double (self->settings, "tempo") : 1.0;
  network = self->cluster != NULL && self->recording == NULL ? conclave_cluster_get_network (self->cluster)
            : CONCLAVE_NETWORK_LOOPBACK;
  /* The one the views show (the past, while the class is scrubbed back). */
  old = conclave_session_get_cluster (self) != NULL ? g_object_ref (conclave_session_get_cluster (self)) : NULL;
  _conclave_session_forget_picture (self);
  _conclave_session_drop_cluster (self);
  open_cluster (self, tempo);
  if (self->cluster != NULL && !conclave_cluster_set_network (self->cluster, network, &error))
    conclave_session_notice (self, error->message);
  tell_about (self, FACT_CLUSTER, old);
  return self->cluster != NULL;
}

ConclaveElectionStory *
conclave_session_get_story (ConclaveSession *self)
{
  g_return_val_if_fail (CONCLAVE_IS_SESSION (self), NULL);

  if (self->story != NULL)
    conclave_election_story_update (self->story);
  return self->story;
}

void
conclave_session_close (ConclaveSession *self)
{
  g_autoptr(ConclaveCluster) old = NULL;

  g_return_if_fail (CONCLAVE_IS_SESSION (self));

  if (self->cluster == NULL)
    return;
  old = g_object_ref (conclave_session_get_cluster (self));
  _conclave_session_forget_picture (self);
  _conclave_session_drop_cluster (self);
  tell_about (self, FACT_CLUSTER, old);
}

ConclaveCluster *
conclave_session_get_cluster (ConclaveSession *self)
{
  g_return_val_if_fail (CONCLAVE_IS_SESSION (self), NULL);
  return self->past != NULL ? self->past : self->cluster;
}

const char *
conclave_session_get_error (ConclaveSession *self)
{
  g_return_val_if_fail (CONCLAVE_IS_SESSION (self), NULL);
  return self->error;
}

void
conclave_session_set_base_port (ConclaveSession *self,
                                guint            base_port)
{
  g_return_if_fail (CONCLAVE_IS_SESSION (self));

  self->base_port = base_port;
  if (self->cluster != NULL)
    conclave_cluster_set_base_port (self->cluster, base_port);
}

/* ---- selection, presentation, positions ---------------------------------- */

ConclaveNode *
conclave_session_get_selected (ConclaveSession *self)
{
  g_return_val_if_fail (CONCLAVE_IS_SESSION (self), NULL);
  return self->selected;
}

void
conclave_session_set_selected (ConclaveSession *self,
                               ConclaveNode    *node)
{
  g_return_if_fail (CONCLAVE_IS_SESSION (self));
  g_return_if_fail (node == NULL || CONCLAVE_IS_NODE (node));

  if (g_set_object (&self->selected, node))
    tell (self, FACT_SELECTED);
}

gboolean
conclave_session_get_presentation (ConclaveSession *self)
{
  g_return_val_if_fail (CONCLAVE_IS_SESSION (self), FALSE);
  return self->presentation;
}

void
conclave_session_set_presentation (ConclaveSession *self,
                                   gboolean         presentation)
{
  g_return_if_fail (CONCLAVE_IS_SESSION (self));

  presentation = !!presentation;
  if (self->presentation == presentation)
    return;
  self->presentation = presentation;
  tell (self, FACT_PRESENTATION);
}

gboolean
conclave_session_get_position (ConclaveSession *self,
                               ConclaveNode    *node,
                               double          *x,
                               double          *y)
{
  Position *position;

  g_return_val_if_fail (CONCLAVE_IS_SESSION (self), FALSE);

  if ((position = g_hash_table_lookup (self->positions, node)) == NULL)
    return FALSE;
  *x = position->x;
  *y = position->y;
  return TRUE;
}

void
conclave_session_set_position (ConclaveSession *self,
                               ConclaveNode    *node,
                               double           x,
                               double           y)
{
  Position *position;

  g_return_if_fail (CONCLAVE_IS_SESSION (self));
  g_return_if_fail (CONCLAVE_IS_NODE (node));

  position = g_new (Position, 1);
  position->x = x;
  position->y = y;
  g_hash_table_insert (self->positions, g_object_ref (node), position);
}

void
conclave_session_notice (ConclaveSession *self,
                         const char      *text)
{
  g_return_if_fail (CONCLAVE_IS_SESSION (self));
  g_signal_emit (self, signals[NOTICE], 0, text);
}

void
conclave_session_read_new_events (ConclaveCluster          *cluster,
                                  guint64                  *next,
                                  ConclaveSessionEventFunc  func,
                                  gpointer                  view)
{
  ConclaveEventStore *store;
  guint64 end;

  g_return_if_fail (CONCLAVE_IS_CLUSTER (cluster));

  store = conclave_cluster_get_store (cluster);
  end = conclave_event_store_get_end (store);
  for (guint64 i = MAX (*next, conclave_event_store_get_first (store)); i < end; i++)
    {
      const ConclaveEvent *event = conclave_event_store_get (store, i);

      if (event != NULL)
        func (view, store, event);
    }
  *next = end;
}

ConclaveCausalHighlight *
conclave_session_get_highlight (ConclaveSession *self)
{
  g_return_val_if_fail (CONCLAVE_IS_SESSION (self), NULL);

  if (self->highlight == NULL)
    self->highlight = conclave_causal_highlight_new (self);
  return self->highlight;
}

guint64
conclave_session_get_focused_event (ConclaveSession *self)
{
  g_return_val_if_fail (CONCLAVE_IS_SESSION (self), G_MAXUINT64);
  return self->focused_event;
}

void
conclave_session_set_focused_event (ConclaveSession *self,
                                    guint64          index)
{
  g_return_if_fail (CONCLAVE_IS_SESSION (self));

  if (self->focused_event == index)
    return;
  self->focused_event = index;
  tell (self, FACT_FOCUSED);
}

/* ---- object -------------------------------------------------------------- */

static void
conclave_session_dispose (GObject *object)
{
  ConclaveSession *self = CONCLAVE_SESSION (object);

  conclave_session_set_frame_clock (self, NULL);
  g_ptr_array_set_size (self->watchers, 0);
  g_clear_object (&self->highlight);
  g_clear_object (&self->selected);
  g_hash_table_remove_all (self->positions);
  _conclave_session_drop_cluster (self);
  g_clear_object (&self->settings);
  G_OBJECT_CLASS (conclave_session_parent_class)->dispose (object);
}

static void
conclave_session_finalize (GObject *object)
{
  ConclaveSession *self = CONCLAVE_SESSION (object);

  g_ptr_array_unref (self->watchers);
  g_hash_table_unref (self->positions);
  g_free (self->error);
  g_free (self->working_folder);
  G_OBJECT_CLASS (conclave_session_parent_class)->finalize (object);
}

static void
conclave_session_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  ConclaveSession *self = CONCLAVE_SESSION (object);

  switch (prop_id)
    {
    case PROP_CLUSTER:
      g_value_set_object (value, conclave_session_get_cluster (self));
      break;
    case PROP_SELECTED:
      g_value_set_object (value, self->selected);
      break;
    case PROP_PRESENTATION:
      g_value_set_boolean (value, self->presentation);
      break;
    case PROP_VIOLATION:
      g_value_set_uint64 (value, self->violation);
      break;
    case PROP_N_VIOLATIONS:
      g_value_set_uint (value, self->n_violations);
      break;
    case PROP_FOCUSED_EVENT:
      g_value_set_uint64 (value, self->focused_event);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
conclave_session_set_property (GObject      *object,
                               guint         prop_id,
                               const GValue *value,
                               GParamSpec   *pspec)
{
  ConclaveSession *self = CONCLAVE_SESSION (object);

  switch (prop_id)
    {
    case PROP_SELECTED:
      conclave_session_set_selected (self, g_value_get_object (value));
      break;
    case PROP_PRESENTATION:
      conclave_session_set_presentation (self, g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
conclave_session_class_init (ConclaveSessionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = conclave_session_dispose;
  object_class->finalize = conclave_session_finalize;
  object_class->get_property = conclave_session_get_property;
  object_class->set_property = conclave_session_set_property;

  properties[PROP_CLUSTER] =
    g_param_spec_object ("cluster", NULL, NULL, CONCLAVE_TYPE_CLUSTER,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SELECTED] =
    g_param_spec_object ("selected", NULL, NULL, CONCLAVE_TYPE_NODE,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_PRESENTATION] =
    g_param_spec_boolean ("presentation", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_VIOLATION] =
    g_param_spec_uint64 ("violation", NULL, NULL, 0, G_MAXUINT64, G_MAXUINT64,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_N_VIOLATIONS] =
    g_param_spec_uint ("n-violations", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_FOCUSED_EVENT] =
    g_param_spec_uint64 ("focused-event", NULL, NULL, 0, G_MAXUINT64, G_MAXUINT64,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                   0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  signals[NOTICE] = g_signal_new ("notice", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
}

static void
conclave_session_init (ConclaveSession *self)
{
  self->live_violation = G_MAXUINT64;
  self->violation = G_MAXUINT64;
  self->focused_event = G_MAXUINT64;
  self->cursor_ns = G_MAXINT64;
  self->working_folder = g_get_current_dir ();
  self->watchers = g_ptr_array_new_with_free_func (watcher_free);
  self->positions = g_hash_table_new_full (NULL, NULL, g_object_unref, g_free);
}

ConclaveSession *
conclave_session_new (GSettings *settings)
{
  ConclaveSession *self = g_object_new (CONCLAVE_TYPE_SESSION, NULL);
  double tempo = settings != NULL ? g_settings_get_double (settings, "tempo") : 1.0;

  g_return_val_if_fail (settings == NULL || G_IS_SETTINGS (settings), NULL);

  if (settings != NULL)
    {
      self->settings = g_object_ref (settings);
      g_signal_connect_object (settings, "changed", G_CALLBACK (on_settings_changed), self, 0);
    }
  open_cluster (self, tempo);
  return self;
}
