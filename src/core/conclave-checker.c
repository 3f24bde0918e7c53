/* conclave-checker.c — invariants of the server group, checked per event.
 *
 * Keeps only what the promises need: each server's current role and term,
 * each term's leader, who isolates whom, each sequence number's post and
 * each server's delivered requests. Never looks back through the store:
 * every event is seen once, in the order it arrived. Liveness too: a
 * group with a majority up that goes without a leader, or whose clients
 * post and hear nothing back, for several election timeouts is stalled;
 * its cause is the event that took the last live leader away (or, with
 * none ever, the group's first state), or the first post left waiting.
 */
#include "conclave-checker.h"

#include <stdarg.h>
#include <string.h>

typedef struct {
  guint32  node;        /* interned name */
  gboolean leader;
  gboolean paused;
  gboolean alive;
  gint64   term;
  guint32  election;    /* interned algorithm */
  gint64   since_ns;    /* leader since */
  guint64  since_event; /* the event it led (or woke as leader) from */
  guint32  timeout_ms;  /* its election timeout at tempo 1, 0: not reported */
  GHashTable *isolates; /* interned names it cannot reach */
  GHashTable *delivered;/* interned req → seqno (GINT) */
} Server;

typedef struct {
  guint32 req;          /* interned request id */
  guint64 event;        /* the first delivery's index */
} Slot;

struct _ConclaveChecker {
  ConclaveEventStore *store;
  GHashTable *servers;      /* interned node name → Server* */
  GHashTable *term_leader;  /* gint64* term → interned node name (raft) */
  GHashTable *slots;        /* seqno → Slot* */
  GHashTable *acked;        /* interned req → seqno */
  GHashTable *split;        /* "a|b" pairs already reported */
  GArray     *out;          /* violations to append */
  gint64      grace_ns;
  /* The verdict: counted here, never read back from the store, whose
   * oldest events retention drops; a reset keeps them. */
  guint       n_violations;
  GArray     *kinds;        /* Kind, in the order first seen */
  /* Liveness: since when (0: not now) the group has had no live leader
   * and a client's post has waited, and whether that stall was reported. */
  double      tempo;
  gint64      leaderless_ns;
  gint64      waiting_ns;
  gint64      last_post_ns;
  gboolean    stall_reported;
  /* What a stall points at (G_MAXUINT64: nothing yet): the event by which
   * the last live leader stopped leading (a state, crash, exit or pause),
   * the group's first state, the send that started the wait. */
  guint64     leader_lost_event;
  guint64     first_state_event;
  guint64     waiting_event;
};

/* A group is stalled after this many election timeouts without progress,
 * and never sooner than this many graces (30 heartbeats in the cluster):
 * bully and ring have short timeouts, but an election takes several. */
#define STALL_TIMEOUTS 5
#define STALL_GRACES   6

typedef struct {
  const char *what;         /* a literal: "two-leaders" … */
  guint       count;
} Kind;

static void
server_free (gpointer data)
{
  Server *s = data;

  g_hash_table_unref (s->isolates);
  g_hash_table_unref (s->delivered);
  g_free (s);
}

ConclaveChecker *
conclave_checker_new (ConclaveEventStore *store)
{
  ConclaveChecker *self = g_new0 (ConclaveChecker, 1);

  self->store = store;
  self->servers = g_hash_table_new_full (NULL, NULL, NULL, server_free);
  self->term_leader = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  self->slots = g_hash_table_new_full (NULL, NULL, NULL, g_free);
  self->acked = g_hash_table_new (NULL, NULL);
  self->split = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->out = g_array_new (FALSE, FALSE, sizeof (ConclaveEvent));
  self->kinds = g_array_new (FALSE, FALSE, sizeof (Kind));
  self->grace_ns = G_GINT64_CONSTANT (3000000000);
  self->tempo = 1.0;
  self->leader_lost_event = self->first_state_event = self->waiting_event = G_MAXUINT64;
  return self;
}

void
conclave_checker_free (ConclaveChecker *self)
{
  if (self == NULL)
    return;
  g_hash_table_unref (self->servers);
  g_hash_table_unref (self->term_leader);
  g_hash_table_unref (self->slots);
  g_hash_table_unref (self->acked);
  g_hash_table_unref (self->split);
  g_array_unref (self->out);
  g_array_unref (self->kinds);
  g_free (self);
}

void
conclave_checker_reset (ConclaveChecker *self)
{
  g_return_if_fail (self != NULL);

  g_hash_table_remove_all (self->servers);
  g_hash_table_remove_all (self->term_leader);
  g_hash_table_remove_all (self->slots);
  g_hash_table_remove_all (self->acked);
  g_hash_table_remove_all (self->split);
  self->leaderless_ns = 0;
  self->waiting_ns = 0;
  self->last_post_ns = 0;
  self->stall_reported = FALSE;
  self->leader_lost_event = self->first_state_event = self->waiting_event = G_MAXUINT64;
}

void
conclave_checker_set_tempo (ConclaveChecker *self, double tempo)
{
  g_return_if_fail (self != NULL && tempo > 0);
  self->tempo = tempo;
}

void
conclave_checker_set_grace (ConclaveChecker *self, gint64 grace_ns)
{
  self->grace_ns = grace_ns;
}

guint
conclave_checker_get_n_violations (ConclaveChecker *self)
{
  return self->n_violations;
}

static const char *
str (ConclaveChecker *self, guint32 id)
{
  return conclave_event_store_str (self->store, id) ?: "?";
}

static void
count_kind (ConclaveChecker *self, const char *what)
{
  Kind kind = { what, 1 };

  for (guint i = 0; i < self->kinds->len; i++)
    if (strcmp (g_array_index (self->kinds, Kind, i).what, what) == 0)
      {
        g_array_index (self->kinds, Kind, i).count++;
        return;
      }
  g_array_append_val (self->kinds, kind);
}

guint
conclave_checker_get_n_kinds (ConclaveChecker *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->kinds->len;
}

const char *
conclave_checker_get_kind (ConclaveChecker *self, guint i, guint *count)
{
  g_return_val_if_fail (self != NULL && i < self->kinds->len, NULL);
  if (count != NULL)
    *count = g_array_index (self->kinds, Kind, i).count;
  return g_array_index (self->kinds, Kind, i).what;
}

G_GNUC_PRINTF (5, 6)
static void
violation (ConclaveChecker *self, const char *what, gint64 t, guint64 cause, const char *format, ...)
{
  ConclaveIntern *intern = conclave_event_store_get_intern (self->store);
  ConclaveEvent e = { 0 };
  g_autofree char *text = NULL;
  va_list args;

  va_start (args, format);
  text = g_strdup_vprintf (format, args);
  va_end (args);
  e.type = CONCLAVE_EVENT_VIOLATION;
  e.time_ns = t;
  e.key = cause;
  e.s[0] = conclave_intern_add (intern, what);
  e.s[3] = conclave_intern_add (intern, text);
  g_array_append_val (self->out, e);
  self->n_violations++;
  count_kind (self, what);
}

static Server *
server_for (ConclaveChecker *self, guint32 node)
{
  Server *s;

  if (node == 0)
    return NULL;
  s = g_hash_table_lookup (self->servers, GUINT_TO_POINTER (node));
  if (s == NULL)
    {
      s = g_new0 (Server, 1);
      s->node = node;
      s->alive = TRUE;
      s->isolates = g_hash_table_new (NULL, NULL);
      s->delivered = g_hash_table_new (NULL, NULL);
      g_hash_table_insert (self->servers, GUINT_TO_POINTER (node), s);
    }
  return s;
}

/* The node an event belongs to: its process's node name. */
static Server *
server_of_event (ConclaveChecker *self, const ConclaveEvent *e)
{
  ConclaveProcessInfo *info = e->proc ? conclave_event_store_get_process (self->store, e->proc) : NULL;

  return info ? server_for (self, info->node) : NULL;
}

static gboolean
can_reach (Server *a, Server *b)
{
  return !g_hash_table_contains (a->isolates, GUINT_TO_POINTER (b->node)) &&
         !g_hash_table_contains (b->isolates, GUINT_TO_POINTER (a->node));
}

static void
check_state (ConclaveChecker *self, const ConclaveEvent *e, guint64 index)
{
  Server *s = server_of_event (self, e);
  gboolean leader = g_strcmp0 (str (self, e->s[0]), "leader") == 0;
  const char *election = conclave_event_store_str (self->store, e->s[3]);

  if (s == NULL)
    return;
  if (self->first_state_event == G_MAXUINT64)
    self->first_state_event = index;
  if (!leader && s->leader && s->alive && !s->paused)
    self->leader_lost_event = index;  /* it stepped down */
  s->term = conclave_event_state_term (e);
  s->election = e->s[3];
  if (conclave_event_state_timeout_ms (e) > 0)
    s->timeout_ms = conclave_event_state_timeout_ms (e);
  if (leader && !s->leader)
    {
      s->since_ns = e->time_ns;
      s->since_event = index;
    }
  s->leader = leader;
  s->alive = TRUE;
  if (!leader || g_strcmp0 (election, "raft") != 0)
    return;

  /* Raft: one leader per term, ever. */
  {
    gpointer other = g_hash_table_lookup (self->term_leader, &s->term);
    if (other == NULL)
      g_hash_table_insert (self->term_leader, g_memdup2 (&s->term, sizeof s->term), GUINT_TO_POINTER (s->node));
    else if (GPOINTER_TO_UINT (other) != s->node)
      violation (self, "two-leaders", e->time_ns, index, "%s and %s both led term %" G_GINT64_FORMAT,
                 str (self, GPOINTER_TO_UINT (other)), str (self, s->node), s->term);
  }
}

static void
check_deliver (ConclaveChecker *self, const ConclaveEvent *e, guint64 index)
{
  Server *s = server_of_event (self, e);
  Slot *slot;
  gpointer seen;
  gint seqno = e->num;

  if (s == NULL)
    return;
  if (g_hash_table_lookup_extended (s->delivered, GUINT_TO_POINTER (e->s[0]), NULL, &seen) &&
      GPOINTER_TO_INT (seen) != seqno)
    violation (self, "duplicate", e->time_ns, index, "%s delivered request %s twice (at %d and %d)",
               str (self, s->node), str (self, e->s[0]), GPOINTER_TO_INT (seen), seqno);
  g_hash_table_insert (s->delivered, GUINT_TO_POINTER (e->s[0]), GINT_TO_POINTER (seqno));

  slot = g_hash_table_lookup (self->slots, GINT_TO_POINTER (seqno));
  if (slot == NULL)
    {
      slot = g_new0 (Slot, 1);
      slot->req = e->s[0];
      slot->event = index;
      g_hash_table_insert (self->slots, GINT_TO_POINTER (seqno), slot);
    }
  else if (slot->req != e->s[0])
    {
      gpointer acked_at;
      gboolean was_acked = g_hash_table_lookup_extended (self->acked, GUINT_TO_POINTER (slot->req), NULL, &acked_at) &&
                           GPOINTER_TO_INT (acked_at) == seqno;
      violation (self, was_acked ? "lost-post" : "log-disagreement", e->time_ns, index,
                 "%s delivered %s at sequence number %d, where %s was delivered before%s",
                 str (self, s->node), str (self, e->s[0]), seqno, str (self, slot->req),
                 was_acked ? " and acknowledged to its client" : "");
    }
}

static void
check_acked (ConclaveChecker *self, const ConclaveEvent *e, guint64 index)
{
  Slot *slot = g_hash_table_lookup (self->slots, GINT_TO_POINTER (e->num));

  g_hash_table_insert (self->acked, GUINT_TO_POINTER (e->s[0]), GINT_TO_POINTER (e->num));
  self->waiting_ns = 0;  /* served: a post waiting from now on starts a new wait */
  if (slot != NULL && slot->req != e->s[0])
    violation (self, "lost-post", e->time_ns, index,
               "a client was told %s is safe at sequence number %d, but the log holds %s there",
               str (self, e->s[0]), e->num, str (self, slot->req));
}

static void
node_event (ConclaveChecker *self, const ConclaveEvent *e, guint64 index)
{
  Server *s = e->s[0] ? g_hash_table_lookup (self->servers, GUINT_TO_POINTER (e->s[0])) : NULL;

  if (s == NULL)
    return;
  switch ((ConclaveEventType) e->type)
    {
    case CONCLAVE_EVENT_EXITED:
    case CONCLAVE_EVENT_CRASH:
      if (s->leader && s->alive && !s->paused)
        self->leader_lost_event = index;
      s->alive = FALSE;
      s->leader = FALSE;
      break;
    case CONCLAVE_EVENT_PAUSE:
      if (s->leader && s->alive && !s->paused)
        self->leader_lost_event = index;
      s->paused = TRUE;
      break;
    case CONCLAVE_EVENT_RESUME:
      /* Asleep, it could not hear of a new leader: its grace starts now. */
      s->paused = FALSE;
      s->since_ns = e->time_ns;
      s->since_event = index;
      break;
    case CONCLAVE_EVENT_SPAWN: s->alive = TRUE; s->leader = FALSE; s->paused = FALSE; break;
    case CONCLAVE_EVENT_FAULT:
      {
        const char *list = conclave_event_store_str (self->store, e->s[1]);
        g_auto(GStrv) names = list ? g_strsplit (list, ",", -1) : NULL;
        ConclaveIntern *intern = conclave_event_store_get_intern (self->store);

        g_hash_table_remove_all (s->isolates);
        for (guint i = 0; names && names[i]; i++)
          g_hash_table_add (s->isolates, GUINT_TO_POINTER (conclave_intern_add (intern, names[i])));
        break;
      }
    default:
      break;
    }
}

/* A client sent a post: the group owes it an answer from now on. */
static void
note_post (ConclaveChecker *self, const ConclaveEvent *e, guint64 index)
{
  if (g_strcmp0 (conclave_event_store_str (self->store, conclave_event_kind (e)), "post") != 0)
    return;
  if (self->waiting_ns == 0)
    {
      self->waiting_ns = e->time_ns;
      self->waiting_event = index;
    }
  self->last_post_ns = e->time_ns;
}

static void
flush (ConclaveChecker *self)
{
  if (self->out->len == 0)
    return;
  conclave_event_store_append (self->store, (ConclaveEvent *) (gpointer) self->out->data, self->out->len);
  g_array_set_size (self->out, 0);
}

guint
conclave_checker_feed (ConclaveChecker *self, guint64 first, guint64 end)
{
  guint before = self->n_violations;

  g_return_val_if_fail (self != NULL, 0);

  first = MAX (first, conclave_event_store_get_first (self->store));
  for (guint64 i = first; i < end; i++)
    {
      const ConclaveEvent *e = conclave_event_store_get (self->store, i);

      switch ((ConclaveEventType) e->type)
        {
        case CONCLAVE_EVENT_STATE: check_state (self, e, i); break;
        case CONCLAVE_EVENT_DELIVER: check_deliver (self, e, i); break;
        case CONCLAVE_EVENT_ACKED: check_acked (self, e, i); break;
        case CONCLAVE_EVENT_SEND: note_post (self, e, i); break;
        case CONCLAVE_EVENT_EXITED:
        case CONCLAVE_EVENT_CRASH:
        case CONCLAVE_EVENT_PAUSE:
        case CONCLAVE_EVENT_RESUME:
        case CONCLAVE_EVENT_SPAWN:
        case CONCLAVE_EVENT_FAULT:
          node_event (self, e, i);
          break;
        default:
          break;
        }
    }
  flush (self);
  return self->n_violations - before;
}

/* Servers of the group (they report an election) up, and whether some live
 * leader is among them; a server counts as up when it is alive, awake and
 * reaches a majority of the group (itself included). */
static guint
count_up (ConclaveChecker *self, guint *n_servers, gboolean *has_leader, guint32 *timeout_ms)
{
  g_autoptr(GPtrArray) awake = g_ptr_array_new ();
  GHashTableIter iter;
  gpointer value;
  guint up = 0;

  *n_servers = 0;
  *has_leader = FALSE;
  *timeout_ms = 0;
  g_hash_table_iter_init (&iter, self->servers);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      Server *s = value;

      if (s->election == 0)
        continue;
      (*n_servers)++;
      *timeout_ms = MAX (*timeout_ms, s->timeout_ms);
      if (s->alive && !s->paused)
        g_ptr_array_add (awake, s);
      *has_leader |= s->leader && s->alive && !s->paused;
    }
  for (guint i = 0; i < awake->len; i++)
    {
      guint reach = 0;

      for (guint j = 0; j < awake->len; j++)
        reach += can_reach (awake->pdata[i], awake->pdata[j]);
      up += reach > *n_servers / 2;
    }
  return up;
}

/* Liveness: with a majority up, no leader or no answer to a waiting post
 * for STALL_TIMEOUTS election timeouts (at least STALL_GRACES graces) is a
 * stalled group, reported once until it moves again. */
static void
check_stalled (ConclaveChecker *self, gint64 now_ns)
{
  guint n_servers, up;
  gboolean has_leader;
  guint32 timeout_ms;
  gint64 limit_ns, since_ns;

  up = count_up (self, &n_servers, &has_leader, &timeout_ms);
  limit_ns = MAX ((gint64) (STALL_TIMEOUTS * timeout_ms * 1e6 * self->tempo), STALL_GRACES * self->grace_ns);
  if (has_leader)
    self->leaderless_ns = 0;
  else if (self->leaderless_ns == 0)
    self->leaderless_ns = now_ns;
  /* A post nobody retries any more (its client is gone) waits for no one. */
  if (self->waiting_ns != 0 && now_ns - self->last_post_ns > limit_ns)
    self->waiting_ns = 0;
  if (n_servers == 0 || up <= n_servers / 2)
    {
      /* Nobody promises progress without a majority: the clocks start
       * again once it is back. */
      self->leaderless_ns = has_leader ? 0 : now_ns;
      self->waiting_ns = self->waiting_ns ? now_ns : 0;
      return;
    }
  since_ns = self->leaderless_ns ? self->leaderless_ns : self->waiting_ns;
  if (since_ns == 0)
    {
      self->stall_reported = FALSE;  /* it moves: a later stall is news */
      return;
    }
  if (self->stall_reported || now_ns - since_ns < limit_ns)
    return;
  self->stall_reported = TRUE;
  if (self->leaderless_ns != 0)
    violation (self, "stalled", now_ns,
               self->leader_lost_event != G_MAXUINT64 ? self->leader_lost_event : self->first_state_event,
               "no leader for %.1f s while %u of %u servers are up", (now_ns - since_ns) / 1e9, up, n_servers);
  else
    violation (self, "stalled", now_ns, self->waiting_event,
               "no post acknowledged for %.1f s while %u of %u servers are up",
               (now_ns - since_ns) / 1e9, up, n_servers);
}

/* Bully and ring promise one leader; two at once for longer than the news
 * takes to travel (the grace) is split brain, whether they can reach each
 * other (a bug) or sit on both sides of a partition (the algorithm's limit,
 * which the class is meant to see). Paused and dead leaders do not count.
 * Its cause is what made the later of the two lead (or wake as leader). */
guint
conclave_checker_tick (ConclaveChecker *self, gint64 now_ns)
{
  g_autoptr(GPtrArray) leaders = g_ptr_array_new ();
  GHashTableIter iter;
  gpointer value;
  guint before = self->n_violations;

  g_hash_table_iter_init (&iter, self->servers);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      Server *s = value;
      const char *election = conclave_event_store_str (self->store, s->election);
      if (s->leader && s->alive && !s->paused && election && strcmp (election, "raft") != 0)
        g_ptr_array_add (leaders, s);
    }
  for (guint i = 0; i < leaders->len; i++)
    for (guint j = i + 1; j < leaders->len; j++)
      {
        Server *a = leaders->pdata[i], *b = leaders->pdata[j];
        g_autofree char *pair = NULL;

        if (now_ns - MAX (a->since_ns, b->since_ns) < self->grace_ns)
          continue;
        pair = g_strdup_printf ("%u|%u|%" G_GINT64_FORMAT, MIN (a->node, b->node), MAX (a->node, b->node),
                                MAX (a->since_ns, b->since_ns));
        if (!g_hash_table_add (self->split, g_steal_pointer (&pair)))
          continue;
        violation (self, "split-brain", now_ns, a->since_ns >= b->since_ns ? a->since_event : b->since_event,
                   "%s and %s both lead %s",
                   str (self, a->node), str (self, b->node),
                   can_reach (a, b) ? "and can reach each other" : "on opposite sides of a partition");
      }
  check_stalled (self, now_ns);
  flush (self);
  return self->n_violations - before;
}
