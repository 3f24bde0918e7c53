/* conclave-group-stats.c — what a chapter 4 run amounts to, from its events.
 *
 * One pass in store order, keeping only the current leader, each node's
 * last heartbeat and the sets of request ids. Must never change the store.
 */
#include "config.h"

#include "conclave-group-stats.h"
#include "conclave-display-text.h"

#include <stdlib.h>
#include <string.h>

#define ELECTIONS_LISTED 12

typedef struct {
  ConclaveEventStore *store;
  ConclaveGroupStats *stats;
  GHashTable *last_heartbeat;   /* node → gint64* */
  GHashTable *leading;          /* nodes that say they lead */
  GHashTable *sent, *acked, *delivered;  /* request ids */
  guint32     leader;           /* the latest leader */
  gint64      term;
  gint64      first_spawn_ns;
  guint32     leader_word;
} Pass;

static guint32
node_of (Pass *p, const ConclaveEvent *e)
{
  ConclaveProcessInfo *info = e->proc ? conclave_event_store_get_process (p->store, e->proc) : NULL;

  return info ? info->node : 0;
}

static const char *
str (Pass *p, guint32 id)
{
  return conclave_event_store_str (p->store, id);
}

/* "from=c1 req=c1:7 text=…" → "c1:7" (interned), 0 if none. */
static guint32
req_of_preview (Pass *p, const ConclaveEvent *e)
{
  const char *preview = str (p, conclave_event_preview (e));
  const char *req = preview ? strstr (preview, " req=") : NULL;

  if (req == NULL)
    return 0;
  req += 5;
  return conclave_intern_add_len (conclave_event_store_get_intern (p->store), req, strcspn (req, " "));
}

static void
on_send (Pass *p, const ConclaveEvent *e)
{
  const char *kind = str (p, conclave_event_kind (e));
  guint32 req;

  if (g_strcmp0 (kind, "heartbeat") == 0)
    {
      gint64 *t = g_new (gint64, 1);
      *t = e->time_ns;
      g_hash_table_insert (p->last_heartbeat, GUINT_TO_POINTER (node_of (p, e)), t);
    }
  else if (g_strcmp0 (kind, "post") == 0 && (req = req_of_preview (p, e)) != 0)
    g_hash_table_add (p->sent, GUINT_TO_POINTER (req));
}

static void
new_leader (Pass *p, const ConclaveEvent *e, guint32 node)
{
  gint64 *heartbeat = p->leader ? g_hash_table_lookup (p->last_heartbeat, GUINT_TO_POINTER (p->leader)) : NULL;
  ConclaveElection election = { heartbeat ? *heartbeat : p->first_spawn_ns, e->time_ns, node, p->leader,
                                conclave_event_state_term (e) };

  g_array_append_val (p->stats->elections, election);
  p->leader = node;
  p->term = conclave_event_state_term (e);
  for (guint i = 0; i < p->stats->failovers->len; i++)
    {
      ConclaveFailover *f = &g_array_index (p->stats->failovers, ConclaveFailover, i);
      if (f->leader_ns == 0 && f->node != node)
        f->leader_ns = e->time_ns;
    }
}

static void
on_state (Pass *p, const ConclaveEvent *e)
{
  guint32 node = node_of (p, e);

  p->stats->election = conclave_event_state_election (e);
  if (conclave_event_state_role (e) != p->leader_word)
    {
      g_hash_table_remove (p->leading, GUINT_TO_POINTER (node));
      return;
    }
  g_hash_table_add (p->leading, GUINT_TO_POINTER (node));
  if (node != p->leader || conclave_event_state_term (e) != p->term)
    new_leader (p, e, node);
}

static void
on_crash (Pass *p, const ConclaveEvent *e)
{
  ConclaveFailover f = { e->time_ns, conclave_event_node (e), 0, 0 };

  if (!g_hash_table_remove (p->leading, GUINT_TO_POINTER (conclave_event_node (e))))
    return;
  g_array_append_val (p->stats->failovers, f);
}

static void
on_acked (Pass *p, const ConclaveEvent *e)
{
  g_hash_table_add (p->acked, GUINT_TO_POINTER (conclave_event_acked_request (e)));
  for (guint i = 0; i < p->stats->failovers->len; i++)
    {
      ConclaveFailover *f = &g_array_index (p->stats->failovers, ConclaveFailover, i);
      if (f->ack_ns == 0 && e->time_ns > f->crash_ns)
        f->ack_ns = e->time_ns;
    }
}

static void
visit (Pass *p, const ConclaveEvent *e)
{
  switch ((ConclaveEventType) e->type)
    {
    case CONCLAVE_EVENT_SPAWN:
      if (p->first_spawn_ns == 0)
        p->first_spawn_ns = e->time_ns;
      break;
    case CONCLAVE_EVENT_SEND: on_send (p, e); break;
    case CONCLAVE_EVENT_STATE: on_state (p, e); break;
    case CONCLAVE_EVENT_CRASH: on_crash (p, e); break;
    case CONCLAVE_EVENT_EXITED: g_hash_table_remove (p->leading, GUINT_TO_POINTER (conclave_event_node (e))); break;
    case CONCLAVE_EVENT_ACKED: on_acked (p, e); break;
    case CONCLAVE_EVENT_DELIVER:
      g_hash_table_add (p->delivered, GUINT_TO_POINTER (conclave_event_deliver_request (e)));
      break;
    default: break;
    }
}

ConclaveGroupStats *
conclave_group_stats_new (ConclaveEventStore *store, gint64 from_ns)
{
  g_autoptr(ConclaveGroupStats) stats = g_new0 (ConclaveGroupStats, 1);
  Pass p = { store, stats };

  stats->elections = g_array_new (FALSE, FALSE, sizeof (ConclaveElection));
  stats->failovers = g_array_new (FALSE, FALSE, sizeof (ConclaveFailover));
  p.last_heartbeat = g_hash_table_new_full (NULL, NULL, NULL, g_free);
  p.leading = g_hash_table_new (NULL, NULL);
  p.sent = g_hash_table_new (NULL, NULL);
  p.acked = g_hash_table_new (NULL, NULL);
  p.delivered = g_hash_table_new (NULL, NULL);
  p.leader_word = conclave_intern_add (conclave_event_store_get_intern (store), "leader");
  for (guint64 i = conclave_event_store_get_first (store); i < conclave_event_store_get_end (store); i++)
    {
      const ConclaveEvent *e = conclave_event_store_get (store, i);
      if (e->time_ns >= from_ns)
        visit (&p, e);
    }
  stats->posts_sent = g_hash_table_size (p.sent);
  stats->posts_acked = g_hash_table_size (p.acked);
  stats->posts_delivered = g_hash_table_size (p.delivered);
  g_hash_table_unref (p.last_heartbeat);
  g_hash_table_unref (p.leading);
  g_hash_table_unref (p.sent);
  g_hash_table_unref (p.acked);
  g_hash_table_unref (p.delivered);
  if (stats->election == 0)
    return NULL;
  return g_steal_pointer (&stats);
}

void
conclave_group_stats_free (ConclaveGroupStats *stats)
{
  if (stats == NULL)
    return;
  g_array_unref (stats->elections);
  g_array_unref (stats->failovers);
  g_free (stats);
}

static int
compare_doubles (const void *a, const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return (x > y) - (x < y);
}

double
conclave_quantile (double *values, guint n, double q)
{
  guint rank;

  if (n == 0)
    return 0;
  qsort (values, n, sizeof (double), compare_doubles);
  rank = (guint) (q * n + 0.999999);
  return values[CLAMP (rank, 1, n) - 1];
}

/* "median 210 ms, p95 290 ms, max 300 ms" of the values (ms), sorted here. */
static char *
spread (double *ms, guint n)
{
  if (n == 0)
    return g_strdup ("none");
  return g_strdup_printf ("median %.0f ms, p95 %.0f ms, max %.0f ms", conclave_quantile (ms, n, 0.5),
                          conclave_quantile (ms, n, 0.95), conclave_quantile (ms, n, 1.0));
}

static void
print_elections (ConclaveGroupStats *stats, ConclaveEventStore *store)
{
  g_autofree double *ms = g_new0 (double, stats->elections->len + 1);
  g_autofree char *summary = NULL;
  guint n = 0;

  for (guint i = 1; i < stats->elections->len; i++)  /* the first one is the start */
    {
      ConclaveElection *e = &g_array_index (stats->elections, ConclaveElection, i);
      ms[n++] = (double) (e->at_ns - e->since_ns) / 1e6;
    }
  summary = spread (ms, n);
  g_print ("  %-12s %u after the first; from the old leader's last heartbeat to a new leader: %s\n",
           "elections", n, summary);
  for (guint i = 0; i < MIN (stats->elections->len, ELECTIONS_LISTED); i++)
    {
      ConclaveElection *e = &g_array_index (stats->elections, ConclaveElection, i);
      g_autofree char *leader = conclave_display_text (conclave_event_store_str (store, e->leader) ?: "?");
      g_autofree char *previous = conclave_display_text (e->previous ? conclave_event_store_str (store, e->previous) : "");

      g_print ("    %s leads term %" G_GINT64_FORMAT ", %.0f ms %s %s\n", leader,
               e->term, (double) (e->at_ns - e->since_ns) / 1e6, e->previous ? "after the last heartbeat of" : "after the start",
               previous);
    }
  if (stats->elections->len > ELECTIONS_LISTED)
    g_print ("    ... and %u more\n", stats->elections->len - ELECTIONS_LISTED);
}

static void
print_failovers (ConclaveGroupStats *stats)
{
  g_autofree double *to_leader = g_new0 (double, stats->failovers->len + 1);
  g_autofree double *to_ack = g_new0 (double, stats->failovers->len + 1);
  g_autofree char *leader_text = NULL, *ack_text = NULL;
  guint n_leader = 0, n_ack = 0;

  for (guint i = 0; i < stats->failovers->len; i++)
    {
      ConclaveFailover *f = &g_array_index (stats->failovers, ConclaveFailover, i);
      if (f->leader_ns > 0)
        to_leader[n_leader++] = (double) (f->leader_ns - f->crash_ns) / 1e6;
      if (f->ack_ns > 0)
        to_ack[n_ack++] = (double) (f->ack_ns - f->crash_ns) / 1e6;
    }
  leader_text = spread (to_leader, n_leader);
  ack_text = spread (to_ack, n_ack);
  g_print ("  %-12s %u crashes of the leader\n", "failovers", stats->failovers->len);
  g_print ("    crash -> new leader:              %s\n", leader_text);
  g_print ("    crash -> next acknowledged post:  %s\n", ack_text);
}

void
conclave_group_stats_print (ConclaveGroupStats *stats, ConclaveEventStore *store)
{
  g_autofree char *election = conclave_display_text (conclave_event_store_str (store, stats->election) ?: "?");

  g_print ("\nServer group (%s election)\n", election);
  print_elections (stats, store);
  print_failovers (stats);
  g_print ("  %-12s sent %u, acknowledged %u, delivered %u\n", "posts",
           stats->posts_sent, stats->posts_acked, stats->posts_delivered);
}
