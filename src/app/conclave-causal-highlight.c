/* conclave-causal-highlight.c — the explained message and its lit cone (see
 * the header).
 *
 * Holds no reference on the session (the session owns it) and only
 * indices into the cluster's store and matcher, which a new cluster
 * makes meaningless: the session's "cluster" fact clears everything.
 */
#include "config.h"

#include "conclave-causal-highlight.h"
#include "conclave-session.h"

#define REFRESH_US (500 * G_TIME_SPAN_MILLISECOND)

struct _ConclaveCausalHighlight
{
  GObject               parent_instance;

  ConclaveSession      *session;       /* not a reference: it owns us */
  guint64               message;       /* matcher index; G_MAXUINT64: none */
  ConclaveHighlightMode mode;
  ConclaveCausalCone   *cone;
  guint64               cone_end;      /* the store's end when the cone was made */
  gint64                cone_made_us;
  gint64                cone_cost_us;  /* how long making it took */
};

enum {
  CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (ConclaveCausalHighlight, conclave_causal_highlight, G_TYPE_OBJECT)

static ConclaveCluster *
cluster_of (ConclaveCausalHighlight *self)
{
  return conclave_session_get_cluster (self->session);
}

static const ConclaveMessage *
explained (ConclaveCausalHighlight *self, ConclaveMessage *message_data)
{
  if (self->message == G_MAXUINT64 || cluster_of (self) == NULL)
    return NULL;
  return conclave_matcher_get_message (conclave_cluster_get_matcher (cluster_of (self)), self->message, message_data);
}

/* Causes start from the send, effects from the receive (a message that
 * never arrived has none). */
static void
make_cone (ConclaveCausalHighlight *self)
{
  ConclaveMessage message_data;
  const ConclaveMessage *message = explained (self, &message_data);
  ConclaveEventStore *store;
  guint64 origin;

  g_clear_pointer (&self->cone, conclave_causal_cone_free);
  if (message == NULL || self->mode == CONCLAVE_HIGHLIGHT_NONE)
    return;
  store = conclave_cluster_get_store (cluster_of (self));
  origin = self->mode == CONCLAVE_HIGHLIGHT_CAUSES ? message->send_index : message->recv_index;
  self->cone_end = conclave_event_store_get_end (store);
  self->cone_made_us = g_get_monotonic_time ();
  if (origin == G_MAXUINT64)
    return;
  self->cone = conclave_causal_cone_new (store, conclave_cluster_get_matcher (cluster_of (self)), origin,
                                         self->mode == CONCLAVE_HIGHLIGHT_CAUSES ? CONCLAVE_CAUSAL_PAST
                                                                                  : CONCLAVE_CAUSAL_FUTURE);
  self->cone_cost_us = g_get_monotonic_time () - self->cone_made_us;
}

static void
on_cluster (gpointer         view,
            ConclaveCluster *old)
{
  conclave_causal_highlight_clear (view);
}

/* New events may join a cone (effects grow in a live run; a late send
 * line adds a cause): made again, not more often than REFRESH_US, nor
 * than ten times what making it costs (a million events: about 75 ms). */
static void
on_changed (gpointer view)
{
  ConclaveCausalHighlight *self = view;

  if (self->mode == CONCLAVE_HIGHLIGHT_NONE || cluster_of (self) == NULL ||
      conclave_event_store_get_end (conclave_cluster_get_store (cluster_of (self))) == self->cone_end ||
      g_get_monotonic_time () - self->cone_made_us < MAX (REFRESH_US, 10 * self->cone_cost_us))
    return;
  make_cone (self);
  g_signal_emit (self, signals[CHANGED], 0);
}

ConclaveCausalHighlight *
conclave_causal_highlight_new (ConclaveSession *session)
{
  static const ConclaveSessionWatch watch = { on_cluster, NULL, NULL, on_changed };
  ConclaveCausalHighlight *self;

  g_return_val_if_fail (CONCLAVE_IS_SESSION (session), NULL);

  self = g_object_new (CONCLAVE_TYPE_CAUSAL_HIGHLIGHT, NULL);
  self->session = session;
  conclave_session_watch (session, self, &watch);
  return self;
}

gboolean
conclave_causal_highlight_explain_event (ConclaveCausalHighlight *self,
                                         guint64                  event)
{
  guint64 message;

  g_return_val_if_fail (CONCLAVE_IS_CAUSAL_HIGHLIGHT (self), FALSE);

  if (cluster_of (self) == NULL)
    return FALSE;
  message = conclave_causal_message_of_event (conclave_cluster_get_matcher (cluster_of (self)), event);
  if (message == G_MAXUINT64)
    return FALSE;
  if (message == self->message)  /* picked again (in another view): what is lit stays */
    return TRUE;
  self->message = message;
  self->mode = CONCLAVE_HIGHLIGHT_NONE;
  g_clear_pointer (&self->cone, conclave_causal_cone_free);
  g_signal_emit (self, signals[CHANGED], 0);
  return TRUE;
}

guint64
conclave_causal_highlight_get_message (ConclaveCausalHighlight *self)
{
  g_return_val_if_fail (CONCLAVE_IS_CAUSAL_HIGHLIGHT (self), G_MAXUINT64);
  return self->message;
}

void
conclave_causal_highlight_clear (ConclaveCausalHighlight *self)
{
  g_return_if_fail (CONCLAVE_IS_CAUSAL_HIGHLIGHT (self));

  if (self->message == G_MAXUINT64 && self->mode == CONCLAVE_HIGHLIGHT_NONE)
    return;
  self->message = G_MAXUINT64;
  self->mode = CONCLAVE_HIGHLIGHT_NONE;
  g_clear_pointer (&self->cone, conclave_causal_cone_free);
  g_signal_emit (self, signals[CHANGED], 0);
}

void
conclave_causal_highlight_set_mode (ConclaveCausalHighlight *self,
                                    ConclaveHighlightMode    mode)
{
  g_return_if_fail (CONCLAVE_IS_CAUSAL_HIGHLIGHT (self));

  if (self->message == G_MAXUINT64)
    mode = CONCLAVE_HIGHLIGHT_NONE;
  if (self->mode == mode)
    return;
  self->mode = mode;
  make_cone (self);
  g_signal_emit (self, signals[CHANGED], 0);
}

ConclaveHighlightMode
conclave_causal_highlight_get_mode (ConclaveCausalHighlight *self)
{
  g_return_val_if_fail (CONCLAVE_IS_CAUSAL_HIGHLIGHT (self), CONCLAVE_HIGHLIGHT_NONE);
  return self->mode;
}

const ConclaveCausalCone *
conclave_causal_highlight_get_cone (ConclaveCausalHighlight *self)
{
  g_return_val_if_fail (CONCLAVE_IS_CAUSAL_HIGHLIGHT (self), NULL);
  return self->cone;
}

gboolean
conclave_causal_highlight_event_lit (ConclaveCausalHighlight *self,
                                     guint32                  proc,
                                     guint64                  index)
{
  ConclaveMessage message_data;
  const ConclaveMessage *message;

  g_return_val_if_fail (CONCLAVE_IS_CAUSAL_HIGHLIGHT (self), TRUE);

  if (self->mode == CONCLAVE_HIGHLIGHT_NONE)
    return TRUE;
  if (self->cone != NULL && conclave_causal_cone_contains_in (self->cone, proc, index))
    return TRUE;
  message = explained (self, &message_data);
  return message != NULL && (message->send_index == index || message->recv_index == index);
}

gboolean
conclave_causal_highlight_message_lit (ConclaveCausalHighlight *self,
                                       const ConclaveMessage   *message,
                                       guint64                  message_index)
{
  g_return_val_if_fail (CONCLAVE_IS_CAUSAL_HIGHLIGHT (self), TRUE);

  if (self->mode == CONCLAVE_HIGHLIGHT_NONE || message_index == self->message)
    return TRUE;
  return self->cone != NULL && message != NULL && conclave_causal_cone_contains_message (self->cone, message);
}

static void
conclave_causal_highlight_finalize (GObject *object)
{
  ConclaveCausalHighlight *self = CONCLAVE_CAUSAL_HIGHLIGHT (object);

  g_clear_pointer (&self->cone, conclave_causal_cone_free);
  G_OBJECT_CLASS (conclave_causal_highlight_parent_class)->finalize (object);
}

static void
conclave_causal_highlight_class_init (ConclaveCausalHighlightClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = conclave_causal_highlight_finalize;
  signals[CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                   NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
conclave_causal_highlight_init (ConclaveCausalHighlight *self)
{
  self->message = G_MAXUINT64;
}
