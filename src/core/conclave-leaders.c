/* conclave-leaders.c — who led when: leader intervals from the event store.
 *
 * One pass over events in arrival order; per process only what it needs
 * to end an interval at the right moment (its open interval, its last one,
 * when it died). Never draws, never touches GTK, never writes the store.
 */
#include "conclave-leaders.h"

#define NONE G_MAXUINT

typedef struct {
  guint             open;      /* interval index, NONE if not leading */
  guint             last;      /* the latest interval, NONE if none */
  gint64            dead_ns;   /* G_MAXINT64 while alive */
  ConclaveLeaderEnd dead_why;
} ProcLeading;

struct _ConclaveLeaders {
  ConclaveEventStore *store;
  GArray             *intervals;  /* ConclaveLeaderInterval */
  GArray             *procs;      /* ProcLeading by proc index */
  guint               changed;
};

ConclaveLeaders *
conclave_leaders_new (ConclaveEventStore *store)
{
  ConclaveLeaders *self = g_new0 (ConclaveLeaders, 1);

  g_return_val_if_fail (CONCLAVE_IS_EVENT_STORE (store), NULL);
  self->store = g_object_ref (store);
  self->intervals = g_array_new (FALSE, FALSE, sizeof (ConclaveLeaderInterval));
  self->procs = g_array_new (FALSE, FALSE, sizeof (ProcLeading));
  return self;
}

void
conclave_leaders_free (ConclaveLeaders *self)
{
  if (self == NULL)
    return;
  g_array_unref (self->intervals);
  g_array_unref (self->procs);
  g_object_unref (self->store);
  g_free (self);
}

void
conclave_leaders_reset (ConclaveLeaders *self)
{
  g_return_if_fail (self != NULL);
  g_array_set_size (self->intervals, 0);
  g_array_set_size (self->procs, 0);
}

static ProcLeading *
proc_leading (ConclaveLeaders *self, guint32 proc)
{
  while (self->procs->len <= proc)
    {
      ProcLeading fresh = { NONE, NONE, G_MAXINT64, CONCLAVE_LEADER_LEADING };
      g_array_append_val (self->procs, fresh);
    }
  return &g_array_index (self->procs, ProcLeading, proc);
}

static ConclaveLeaderInterval *
interval_at (ConclaveLeaders *self, guint i)
{
  return &g_array_index (self->intervals, ConclaveLeaderInterval, i);
}

/* Ends interval i at t (never before it began); an end already set is
 * only ever moved earlier: the earliest reason is the true one. */
static void
end_at (ConclaveLeaders *self, guint i, gint64 t_ns, ConclaveLeaderEnd why)
{
  ConclaveLeaderInterval *iv = interval_at (self, i);
  gint64 t = MAX (t_ns, iv->start_ns);
  ProcLeading *p = proc_leading (self, iv->proc);

  if (t >= iv->end_ns)
    return;
  iv->end_ns = t;
  iv->end = why;
  if (p->open == i)
    p->open = NONE;
  self->changed++;
}

static void
open_interval (ConclaveLeaders *self, const ConclaveEvent *e, guint64 index)
{
  ConclaveProcessInfo *info = conclave_event_store_get_process (self->store, e->proc);
  ProcLeading *p = proc_leading (self, e->proc);
  ConclaveLeaderInterval iv = {
    .proc = e->proc, .pid = info ? info->pid : 0, .node = info ? info->node : 0,
    .election = e->s[3], .term = conclave_event_state_term (e), .start_ns = e->time_ns,
    .end_ns = CONCLAVE_LEADER_OPEN, .start_index = index, .end = CONCLAVE_LEADER_LEADING,
  };

  g_array_append_val (self->intervals, iv);
  p->open = p->last = self->intervals->len - 1;
  self->changed++;
  if (p->dead_ns != G_MAXINT64)  /* its death was reported before this line arrived */
    end_at (self, p->open, p->dead_ns, p->dead_why);
}

static gboolean
is_raft (ConclaveLeaders *self, guint32 election)
{
  return g_strcmp0 (conclave_event_store_str (self->store, election), "raft") == 0;
}

/* A raft leader of `term` exists from t on: older raft terms are over. */
static void
end_older_terms (ConclaveLeaders *self, const ConclaveEvent *e)
{
  if (!is_raft (self, e->s[3]))
    return;
  for (guint i = 0; i < self->intervals->len; i++)
    {
      ConclaveLeaderInterval *iv = interval_at (self, i);

      if (iv->proc != e->proc && iv->term < conclave_event_state_term (e) && iv->end_ns > e->time_ns
          && iv->start_ns <= e->time_ns && is_raft (self, iv->election))
        end_at (self, i, e->time_ns, CONCLAVE_LEADER_NEWER_TERM);
    }
}

static void
on_state (ConclaveLeaders *self, const ConclaveEvent *e, guint64 index)
{
  ProcLeading *p = proc_leading (self, e->proc);
  const char *role = conclave_event_store_str (self->store, e->s[0]);

  if (g_strcmp0 (role, "leader") != 0)
    {
      /* Stepped down; perhaps before a newer term's leader was heard of. */
      if (p->last != NONE && interval_at (self, p->last)->start_ns <= e->time_ns)
        end_at (self, p->last, e->time_ns, CONCLAVE_LEADER_STEPPED_DOWN);
      return;
    }
  if (p->open != NONE)
    {
      if (interval_at (self, p->open)->term == conclave_event_state_term (e))
        return;  /* still the same reign (a view change) */
      end_at (self, p->open, e->time_ns, CONCLAVE_LEADER_NEXT_TERM);
    }
  open_interval (self, e, index);
  end_older_terms (self, e);
}

static void
proc_ended (ConclaveLeaders *self, guint32 proc, gint64 t_ns, ConclaveLeaderEnd why)
{
  ProcLeading *p = proc_leading (self, proc);

  if (t_ns < p->dead_ns)
    {
      p->dead_ns = t_ns;
      p->dead_why = why;
    }
  if (p->last != NONE)
    end_at (self, p->last, t_ns, why);
}

/* The controller's crash/exited: the node's process, or (from a trace
 * without pids) every process of that node that is not dead already. */
static void
node_ended (ConclaveLeaders *self, const ConclaveEvent *e, ConclaveLeaderEnd why)
{
  if (e->proc != 0)
    {
      proc_ended (self, e->proc, e->time_ns, why);
      return;
    }
  for (guint32 i = 1; i < conclave_event_store_get_n_processes (self->store); i++)
    {
      ConclaveProcessInfo *info = conclave_event_store_get_process (self->store, i);

      if (info != NULL && info->node == e->s[0] && proc_leading (self, i)->dead_ns == G_MAXINT64)
        proc_ended (self, i, e->time_ns, why);
    }
}

static void
feed_one (ConclaveLeaders *self, const ConclaveEvent *e, guint64 index)
{
  switch ((ConclaveEventType) e->type)
    {
    case CONCLAVE_EVENT_STATE:
      on_state (self, e, index);
      break;
    case CONCLAVE_EVENT_EXIT:
      proc_ended (self, e->proc, e->time_ns, CONCLAVE_LEADER_EXITED);
      break;
    case CONCLAVE_EVENT_CRASH:
      node_ended (self, e, CONCLAVE_LEADER_CRASHED);
      break;
    case CONCLAVE_EVENT_EXITED:
      node_ended (self, e, CONCLAVE_LEADER_EXITED);
      break;
    default:
      break;
    }
}

guint
conclave_leaders_feed (ConclaveLeaders *self, guint64 first, guint64 end)
{
  g_return_val_if_fail (self != NULL, 0);

  self->changed = 0;
  first = MAX (first, conclave_event_store_get_first (self->store));
  for (guint64 i = first; i < end; i++)
    {
      const ConclaveEvent *e = conclave_event_store_get (self->store, i);

      if (e != NULL)
        feed_one (self, e, i);
    }
  return self->changed;
}

guint
conclave_leaders_get_n_intervals (ConclaveLeaders *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->intervals->len;
}

const ConclaveLeaderInterval *
conclave_leaders_get_interval (ConclaveLeaders *self, guint i)
{
  g_return_val_if_fail (self != NULL, NULL);
  return i < self->intervals->len ? interval_at (self, i) : NULL;
}

const ConclaveLeaderInterval *
conclave_leaders_find (ConclaveLeaders *self, guint32 proc, gint64 t_ns)
{
  g_return_val_if_fail (self != NULL, NULL);
  for (guint i = self->intervals->len; i-- > 0;)
    {
      const ConclaveLeaderInterval *iv = interval_at (self, i);

      if (iv->proc == proc && iv->start_ns <= t_ns && t_ns < iv->end_ns)
        return iv;
    }
  return NULL;
}

void
conclave_leaders_foreach_in_range (ConclaveLeaders   *self,
                                   gint64             from_ns,
                                   gint64             to_ns,
                                   ConclaveLeaderFunc func,
                                   gpointer           user_data)
{
  g_return_if_fail (self != NULL && func != NULL);
  for (guint i = 0; i < self->intervals->len; i++)
    {
      const ConclaveLeaderInterval *iv = interval_at (self, i);

      if (iv->start_ns < to_ns && iv->end_ns > from_ns && !func (iv, user_data))
        return;
    }
}

const char *
conclave_leader_end_to_string (ConclaveLeaderEnd end)
{
  static const char * const names[] = {
    "leading", "stepped-down", "next-term", "newer-term", "crashed", "exited",
  };

  return (guint) end < G_N_ELEMENTS (names) ? names[end] : "unknown";
}
