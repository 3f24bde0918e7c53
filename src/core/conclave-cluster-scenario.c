/* conclave-cluster-scenario.c — scenarios and fault schedules on a cluster.
 *
 * Part of ConclaveCluster (see conclave-cluster.c). Starts a scenario's
 * nodes at their times and applies its faults through the same node
 * operations a click would use; owns no processes itself.
 */
#include "config.h"

#include "conclave-cluster-private.h"

/* ---- scenarios ----------------------------------------------------------- */

typedef struct {
  ConclaveCluster *self;
  gpointer         item;   /* ConclaveScenarioNode* or ConclaveScenarioFault* */
} Timed;

static ConclaveNode *
fault_target (ConclaveCluster *self, const char *target)
{
  g_autoptr(GPtrArray) servers = g_ptr_array_new ();

  if (g_strcmp0 (target, "leader") == 0)
    {
      for (guint i = 0; i < self->nodes->len; i++)
        if (conclave_node_is_leader (self->nodes->pdata[i]) &&
            conclave_node_get_state (self->nodes->pdata[i]) == CONCLAVE_NODE_RUNNING)
          return self->nodes->pdata[i];
      return NULL;
    }
  if (g_strcmp0 (target, "random-server") == 0)
    {
      for (guint i = 0; i < self->nodes->len; i++)
        if (conclave_node_is_server (self->nodes->pdata[i]) &&
            conclave_node_get_state (self->nodes->pdata[i]) == CONCLAVE_NODE_RUNNING)
          g_ptr_array_add (servers, self->nodes->pdata[i]);
      return servers->len ? servers->pdata[g_random_int_range (0, (gint) servers->len)] : NULL;
    }
  return conclave_cluster_lookup (self, target);
}

static void
apply_fault_to (ConclaveCluster *self, const ConclaveScenarioFault *f, ConclaveNode *node)
{
  const char *name = conclave_node_get_name (node);
  g_autoptr(GError) error = NULL;

  switch (f->action)
    {
    case CONCLAVE_FAULT_CRASH: conclave_cluster_crash (self, name); break;
    case CONCLAVE_FAULT_STOP: conclave_cluster_stop (self, name); break;
    case CONCLAVE_FAULT_PAUSE: conclave_cluster_pause (self, name); break;
    case CONCLAVE_FAULT_RESUME: conclave_cluster_resume (self, name); break;
    case CONCLAVE_FAULT_RESTART:
      if (!conclave_cluster_restart (self, name, &error))
        g_warning ("Scenario: cannot restart %s: %s", name, error->message);
      break;
    case CONCLAVE_FAULT_ISOLATE: conclave_faults_isolate (self->faults, name); break;
    case CONCLAVE_FAULT_HEAL: conclave_faults_rejoin (self->faults, name); break;
    case CONCLAVE_FAULT_DROP: conclave_faults_set_drop (self->faults, name, f->value); break;
    case CONCLAVE_FAULT_DELAY: conclave_faults_set_delay (self->faults, name, (guint) f->value); break;
    case CONCLAVE_FAULT_HOLD: conclave_hold_set_node (self->hold, name, TRUE); break;
    case CONCLAVE_FAULT_RELEASE: conclave_hold_set_node (self->hold, name, FALSE); break;
    default: break;
    }
}

/* ---- faults that name the leader before there is one -------------------- */

/* "crashing the first leader elected": what a waiting fault will do. */
static const char *
fault_doing (ConclaveFaultAction action)
{
  static const char * const doing[] = {
    "crashing", "stopping", "pausing", "resuming", "restarting",
    "isolating", "healing", "dropping messages of", "delaying messages of",
    "holding the messages of", "releasing the messages of",
  };

  return (guint) action < G_N_ELEMENTS (doing) ? doing[action] : "applying the fault to";
}

typedef struct {
  ConclaveScenarioFault fault;     /* a copy */
  guint                 due_ms;    /* since the start, when it was due */
  gint64                since_us;  /* monotonic time it was due */
  gboolean              applied;
} Waiting;

static void
waiting_free (gpointer data, GClosure *closure)
{
  Waiting *w = data;

  if (!w->applied)
    g_message ("%s:leader due at %.1f s never applied: no leader was elected before the end",
               conclave_fault_action_to_string (w->fault.action), w->due_ms / 1000.0);

  g_free (w->fault.target);
  g_free (w);
}

/* Each batch: is there a leader now? Then the fault falls on it, once. */
static void
on_changed_while_waiting (ConclaveCluster *self, gpointer data)
{
  Waiting *w = data;
  ConclaveNode *leader = fault_target (self, "leader");
  guint now_ms;

  if (leader == NULL)
    return;
  now_ms = w->due_ms + (guint) ((g_get_monotonic_time () - w->since_us) / 1000);
  g_message ("%.1f s: %s %s (leader, term %" G_GUINT64_FORMAT ")", now_ms / 1000.0,
             conclave_fault_action_to_string (w->fault.action), conclave_node_get_name (leader),
             conclave_node_get_term (leader));
  apply_fault_to (self, &w->fault, leader);
  w->applied = TRUE;
  g_signal_handlers_disconnect_matched (self, G_SIGNAL_MATCH_DATA, 0, 0, NULL, NULL, w);  /* frees w */
}

/* No leader at the fault's time: it waits for the first one elected,
 * until the cluster's timers are cancelled (clear, shutdown: a run's
 * duration bounds it), which it then says. */
static void
wait_for_leader (ConclaveCluster *self, const ConclaveScenarioFault *f, guint due_ms)
{
  Waiting *w = g_new0 (Waiting, 1);

  w->fault = *f;
  w->fault.target = g_strdup (f->target);
  w->due_ms = due_ms;
  w->since_us = g_get_monotonic_time ();
  g_message ("%.1f s: no leader yet; %s the first leader elected", due_ms / 1000.0,
             fault_doing (f->action));
  g_signal_connect_data (self, "changed", G_CALLBACK (on_changed_while_waiting), w, waiting_free, 0);
}

static void
stop_waiting (ConclaveCluster *self)
{
  g_signal_handlers_disconnect_matched (self, G_SIGNAL_MATCH_FUNC, 0, 0, NULL,
                                        on_changed_while_waiting, NULL);
}

static void
apply_fault (ConclaveCluster *self, const ConclaveScenarioFault *f, guint due_ms)
{
  ConclaveNode *node;

  if (f->action == CONCLAVE_FAULT_HEAL && (f->target == NULL || g_strcmp0 (f->target, "all") == 0))
    {
      conclave_faults_heal (self->faults);
      return;
    }
  /* hold:all is the window's Hold Messages: nodes started later hold too */
  if ((f->action == CONCLAVE_FAULT_HOLD || f->action == CONCLAVE_FAULT_RELEASE) && g_strcmp0 (f->target, "all") == 0)
    {
      conclave_hold_set_all (self->hold, f->action == CONCLAVE_FAULT_HOLD);
      return;
    }
  if (g_strcmp0 (f->target, "all") == 0)
    {
      g_autoptr(GPtrArray) all = g_ptr_array_new_with_free_func (g_object_unref);
      for (guint i = 0; i < self->nodes->len; i++)
        g_ptr_array_add (all, g_object_ref (self->nodes->pdata[i]));
      for (guint i = 0; i < all->len; i++)
        apply_fault_to (self, f, all->pdata[i]);
      return;
    }
  if ((node = fault_target (self, f->target)) != NULL)
    apply_fault_to (self, f, node);
  else if (g_strcmp0 (f->target, "leader") == 0)
    wait_for_leader (self, f, due_ms);
  else
    g_message ("Scenario fault at %u ms: no node matches “%s”", f->at_ms, f->target ? f->target : "");
}

/* Faults given on a command line run through the same path as a scenario's. */
void
conclave_cluster_apply_fault (ConclaveCluster *self, const ConclaveScenarioFault *fault)
{
  g_return_if_fail (CONCLAVE_IS_CLUSTER (self));
  g_return_if_fail (fault != NULL);
  apply_fault (self, fault, fault->at_ms);
}

static void
start_scenario_node (ConclaveCluster *self, const ConclaveScenarioNode *n)
{
  g_autoptr(GError) error = NULL;

  if (g_strcmp0 (n->role, "exec") == 0)
    conclave_cluster_add_program (self, n->name, (const char * const *) n->args, NULL,
                                  g_str_has_prefix (n->name, "s"), &error);
  else
    conclave_cluster_add_node (self, n->name, n->role, (const char * const *) n->args, &error);
  if (error)
    g_warning ("Scenario: cannot start %s: %s", n->name, error->message);
}

static void
forget_timer (ConclaveCluster *self)
{
  GSource *current = g_main_current_source ();

  for (guint i = 0; i < self->timers->len; i++)
    if (self->timers->pdata[i] == current)
      {
        g_ptr_array_remove_index_fast (self->timers, i);
        return;
      }
}

static gboolean
run_timed_node (gpointer data)
{
  Timed *t = data;
  ConclaveCluster *self = t->self;

  start_scenario_node (self, t->item);
  forget_timer (self);  /* frees t */
  return G_SOURCE_REMOVE;
}

static gboolean
run_timed_fault (gpointer data)
{
  Timed *t = data;
  ConclaveCluster *self = t->self;

  apply_fault (self, t->item, (guint) (((ConclaveScenarioFault *) t->item)->at_ms * self->tempo));
  forget_timer (self);
  return G_SOURCE_REMOVE;
}

static void
timed_free (gpointer data)
{
  g_free (data);
}

static void
schedule (ConclaveCluster *self, guint at_ms, GSourceFunc func, gpointer item)
{
  Timed *t = g_new0 (Timed, 1);
  GSource *source = g_timeout_source_new (at_ms);

  t->self = self;
  t->item = item;
  g_source_set_callback (source, func, t, timed_free);
  g_source_attach (source, NULL);
  g_ptr_array_add (self->timers, source);  /* owns the ref */
}

void
_conclave_cluster_cancel_timers (ConclaveCluster *self)
{
  for (guint i = 0; i < self->timers->len; i++)
    g_source_destroy (self->timers->pdata[i]);
  g_ptr_array_set_size (self->timers, 0);
  stop_waiting (self);  /* a fault waiting for a leader is due no more either */
}

gboolean
conclave_cluster_start_scenario (ConclaveCluster *self, ConclaveScenario *scenario, GError **error)
{
  g_return_val_if_fail (CONCLAVE_IS_CLUSTER (self), FALSE);
  g_return_val_if_fail (scenario != NULL, FALSE);

  /* Someone else (a program run by hand) holds our ports: none of ours can,
   * as none runs. Take free ones rather than fail at the first bind. */
  if (self->nodes->len == 0 && !_conclave_cluster_ports_free (self->base_port))
    conclave_cluster_set_base_port (self, _conclave_cluster_choose_base_port ());
  conclave_cluster_clear (self);
  /* A LAN scenario brings its LAN; any other runs on the network chosen. */
  if (scenario->network == CONCLAVE_NETWORK_LAN &&
      !conclave_cluster_set_network (self, CONCLAVE_NETWORK_LAN, error))
    return FALSE;
  g_clear_pointer (&self->scenario, conclave_scenario_unref);
  self->scenario = conclave_scenario_ref (scenario);
  _conclave_cluster_set_title (self, scenario->title);
  if (scenario->tempo > 0)
    conclave_cluster_set_tempo (self, scenario->tempo);
  if (scenario->leader_pattern != NULL &&
      !conclave_cluster_set_leader_pattern (self, scenario->leader_pattern, error))
    return FALSE;
  /* Every node on its host before the first starts: each finds all the
   * others by name from the beginning. */
  for (guint i = 0; self->lan != NULL && i < scenario->nodes->len; i++)
    conclave_lan_set_host (self->lan, ((ConclaveScenarioNode *) scenario->nodes->pdata[i])->name,
                           ((ConclaveScenarioNode *) scenario->nodes->pdata[i])->host);

  for (guint i = 0; i < scenario->nodes->len; i++)
    {
      ConclaveScenarioNode *n = scenario->nodes->pdata[i];
      if (n->start_ms == 0)
        start_scenario_node (self, n);
      else
        schedule (self, (guint) (n->start_ms * self->tempo), run_timed_node, n);
    }
  for (guint i = 0; i < scenario->faults->len; i++)
    {
      ConclaveScenarioFault *f = scenario->faults->pdata[i];
      schedule (self, (guint) (f->at_ms * self->tempo), run_timed_fault, f);
    }
  return TRUE;
}

ConclaveScenario *
conclave_cluster_get_scenario (ConclaveCluster *self)
{
  g_return_val_if_fail (CONCLAVE_IS_CLUSTER (self), NULL);
  return self->scenario;
}

void
conclave_cluster_clear (ConclaveCluster *self)
{
  g_return_if_fail (CONCLAVE_IS_CLUSTER (self));

  _conclave_cluster_cancel_timers (self);
  /* Nothing killed now is to start again ("exited" comes within kill_all). */
  g_hash_table_remove_all (self->restarting);
  conclave_supervisor_kill_all (self->supervisor);
  while (self->nodes->len > 0)
    _conclave_cluster_remove_now (self, self->nodes->pdata[self->nodes->len - 1]);
  g_hash_table_remove_all (self->crashing);
  g_hash_table_remove_all (self->removing);
  /* A new run: new logs from term 0, and nothing the checker could
   * confuse with the old run's terms and sequence numbers. */
  _conclave_cluster_wipe_state (self);
  conclave_checker_reset (self->checker);
  if (self->frozen)
    conclave_cluster_freeze_all (self, FALSE);
}
