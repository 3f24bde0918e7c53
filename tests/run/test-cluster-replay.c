/* test-cluster-replay.c — a replay cluster (conclave_cluster_new_replay)
 * fed a live cluster's store is that cluster: the same events in the same
 * order with the same strings, the same messages, the same nodes with the
 * same PIDs, states and counters, the forked children too; fed only up
 * to a moment, it is the cluster as it was then (a crashed client still
 * running before its crash). Real conclave-node processes, chapter 2.
 * Where the replay's matcher declares more losses than were recorded, its
 * indices part from the source's: every event is still found where it
 * went, and a verdict's cause points at the same event, also after the
 * store went through a trace file (saved or recorded, damaged or old).
 * The faults the teacher set are the replay's at their moment.
 * A replay rebased on its own store (what the window keeps of an opened
 * recording: one copy of the events) and replayed again to any moment is
 * the replay of the recording to that moment: every node's state, role,
 * term, leader and counters, the messages in flight, the leader intervals
 * and every event alike, at many random moments of chapter 4 with its
 * leader crashed.
 */
#include "conclave-cluster.h"
#include "cluster-test-wait.h"
#include "conclave-leaders.h"
#include "conclave-trace-file.h"

#include <glib/gstdio.h>
#include <string.h>

#include "store-test-util.h"


static gboolean
five_replies (ConclaveCluster *cluster)
{
  return conclave_matcher_count_state (conclave_cluster_get_matcher (cluster), CONCLAVE_MESSAGE_DELIVERED) >= 10;
}

static gboolean
c1_crashed (ConclaveCluster *cluster)
{
  ConclaveNode *c1 = conclave_cluster_lookup (cluster, "c1");

  return c1 != NULL && conclave_node_get_state (c1) == CONCLAVE_NODE_CRASHED;
}

/* c1's process, as the store knows it (NULL before it said hello). */
static ConclaveProcessInfo *
c1_process (ConclaveCluster *cluster)
{
  ConclaveNode *c1 = conclave_cluster_lookup (cluster, "c1");

  return conclave_event_store_find_process (conclave_cluster_get_store (cluster), conclave_node_get_pid (c1));
}

static gboolean
c1_disconnected (ConclaveCluster *cluster)
{
  return c1_crashed (cluster) && !c1_process (cluster)->connected;
}

static void
assert_same_events (ConclaveEventStore *live, ConclaveEventStore *replay)
{
  guint64 r = 0, n = 0;

  for (guint64 i = 0; i < conclave_event_store_get_end (live); i++)
    {
      const ConclaveEvent *a = conclave_event_store_get (live, i);
      const ConclaveEvent *b;

      if (a->type == CONCLAVE_EVENT_LOST)
        continue;   /* the replay's matcher makes its own */
      while ((b = conclave_event_store_get (replay, r++)) != NULL && b->type == CONCLAVE_EVENT_LOST)
        ;
      g_assert_nonnull (b);
      g_assert_cmpint (b->type, ==, a->type);
      g_assert_cmpint (b->time_ns, ==, a->time_ns);
      for (guint s = 0; s < G_N_ELEMENTS (a->s); s++)
        g_assert_cmpstr (conclave_event_store_str (replay, b->s[s]), ==, conclave_event_store_str (live, a->s[s]));
      if (a->proc != 0)
        g_assert_cmpint (conclave_event_store_get_process (replay, b->proc)->pid, ==,
                         conclave_event_store_get_process (live, a->proc)->pid);
      n++;
    }
  g_test_message ("%" G_GUINT64_FORMAT " events alike", n);
  g_assert_cmpuint (n, >, 50);
  /* Each process said as many lines, as many of them malformed. */
  for (guint i = 1; i < conclave_event_store_get_n_processes (live); i++)
    {
      ConclaveProcessInfo *p = conclave_event_store_get_process (live, i);
      ConclaveProcessInfo *q = conclave_event_store_find_process (replay, p->pid);

      g_assert_nonnull (q);
      g_assert_cmpuint (q->lines, ==, p->lines);
      g_assert_cmpuint (q->errors, ==, p->errors);
      g_assert_cmpint (q->ppid, ==, p->ppid);
      g_assert_cmpint (q->first_ns, ==, p->first_ns);
    }
}

static void
assert_same_node (ConclaveNode *live, ConclaveNode *replay)
{
  const ConclaveNodeCounters *a = conclave_node_get_counters (live);
  const ConclaveNodeCounters *b = conclave_node_get_counters (replay);

  g_assert_nonnull (replay);
  g_assert_cmpstr (conclave_node_get_role (replay), ==, conclave_node_get_role (live));
  g_assert_cmpint (conclave_node_get_kind (replay), ==, conclave_node_get_kind (live));
  g_assert_cmpint (conclave_node_get_pid (replay), ==, conclave_node_get_pid (live));
  g_assert_cmpint (conclave_node_get_state (replay), ==, conclave_node_get_state (live));
  g_assert_cmpuint (b->sent, ==, a->sent);
  g_assert_cmpuint (b->received, ==, a->received);
  g_assert_cmpuint (g_list_model_get_n_items (conclave_node_get_children (replay)), ==,
                    g_list_model_get_n_items (conclave_node_get_children (live)));
}

/* The index of the CRASH event about c1. */
static guint64
crash_index (ConclaveEventStore *store)
{
  for (guint64 i = 0; i < conclave_event_store_get_end (store); i++)
    {
      const ConclaveEvent *e = conclave_event_store_get (store, i);
      if (e->type == CONCLAVE_EVENT_CRASH && g_strcmp0 (conclave_event_store_str (store, e->s[0]), "c1") == 0)
        return i;
    }
  g_assert_not_reached ();
}

static void
test_chapter_2 (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ConclaveScenario) scenario = conclave_scenario_lookup ("chapter-2", &error);
  g_autoptr(ConclaveCluster) live = conclave_cluster_new (&error);
  g_autoptr(ConclaveCluster) replay = NULL;
  g_autoptr(ConclaveCluster) before = NULL;
  ConclaveEventStore *store;
  ConclaveMatcher *a, *b;

  g_assert_no_error (error);
  g_assert_true (conclave_cluster_start_scenario (live, scenario, &error));
  conclave_cluster_set_tempo (live, 0.05);
  wait_until (live, five_replies, 20, "replies");
  g_assert_true (conclave_cluster_crash (live, "c1"));
  wait_until (live, c1_disconnected, 10, "c1 to crash and its connection to close");
  conclave_cluster_shutdown (live);
  store = conclave_cluster_get_store (live);

  replay = conclave_cluster_new_replay (store, "class.jsonl", &error);
  g_assert_no_error (error);
  g_assert_true (conclave_cluster_is_replay (replay));
  g_assert_cmpuint (conclave_cluster_replay_to (replay, G_MAXUINT64), ==, conclave_event_store_get_end (store));
  assert_same_events (store, conclave_cluster_get_store (replay));
  a = conclave_cluster_get_matcher (live);
  b = conclave_cluster_get_matcher (replay);
  g_assert_cmpuint (conclave_matcher_count_state (b, CONCLAVE_MESSAGE_DELIVERED), ==,
                    conclave_matcher_count_state (a, CONCLAVE_MESSAGE_DELIVERED));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (replay)), ==, g_list_model_get_n_items (G_LIST_MODEL (live)));
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (live)); i++)
    {
      g_autoptr(ConclaveNode) node = g_list_model_get_item (G_LIST_MODEL (live), i);
      assert_same_node (node, conclave_cluster_lookup (replay, conclave_node_get_name (node)));
    }
  /* Its lifeline ends where it crashed. */
  g_assert_false (c1_process (replay)->connected);
  /* A replay runs nothing: commands fail. */
  g_assert_false (conclave_cluster_crash (replay, "s1"));

  /* Up to the crash: c1 runs. */
  before = conclave_cluster_new_replay (store, NULL, &error);
  g_assert_no_error (error);
  conclave_cluster_replay_to (before, crash_index (store));
  g_assert_cmpint (conclave_node_get_state (conclave_cluster_lookup (before, "c1")), ==, CONCLAVE_NODE_RUNNING);
  g_assert_true (c1_process (before)->connected);
  g_assert_cmpuint (conclave_cluster_get_replay_position (before), ==, crash_index (store));
  conclave_cluster_replay_to (before, G_MAXUINT64);
  g_assert_cmpint (conclave_node_get_state (conclave_cluster_lookup (before, "c1")), ==, CONCLAVE_NODE_CRASHED);
}

#define SEC (G_GINT64_CONSTANT (1000000000))

/* Two sends never received, one loss recorded at 10 s (our matcher
 * declares both), then a state (the cause) and its verdict, and a verdict
 * from a file (no cause). */
static ConclaveEventStore *
source_with_losses (guint64 *cause)
{
  ConclaveEventStore *store = conclave_event_store_new ();
  ConclaveIntern *intern = conclave_event_store_get_intern (store);
  ConclaveProcessInfo *info = conclave_event_store_add_process (store, 4242);
  guint32 role = conclave_intern_add (intern, "group-server"), node = conclave_intern_add (intern, "s1");
  guint32 kind = conclave_intern_add (intern, "heartbeat"), addr = conclave_intern_add (intern, "127.0.0.1:7001");
  ConclaveEvent events[] = {
    { .type = CONCLAVE_EVENT_HELLO, .time_ns = 1 * SEC, .proc = info->index, .s = { role, node }, .len = 4242 },
    { .type = CONCLAVE_EVENT_SEND, .time_ns = 2 * SEC, .proc = info->index, .key = 0x109280000001, .s = { kind, addr, addr } },
    { .type = CONCLAVE_EVENT_SEND, .time_ns = 3 * SEC, .proc = info->index, .key = 0x109280000002, .s = { kind, addr, addr } },
    { .type = CONCLAVE_EVENT_LOST, .time_ns = 10 * SEC, .proc = info->index, .key = 0x109280000001, .s = { kind, addr, addr } },
    { .type = CONCLAVE_EVENT_STATE, .time_ns = 11 * SEC, .proc = info->index, .key = 1,
      .s = { conclave_intern_add (intern, "leader"), node } },
    { .type = CONCLAVE_EVENT_VIOLATION, .time_ns = 12 * SEC, .key = 4,
      .s = { conclave_intern_add (intern, "split-brain"), 0, 0, conclave_intern_add (intern, "two leaders") } },
    { .type = CONCLAVE_EVENT_VIOLATION, .time_ns = 13 * SEC,
      .s = { conclave_intern_add (intern, "split-brain"), 0, 0, conclave_intern_add (intern, "from a file") } },
  };

  info->node = node;
  info->role = role;
  conclave_event_store_append (store, events, G_N_ELEMENTS (events));
  *cause = 4;
  return store;
}

static void
test_indices_part (void)
{
  guint64 cause;
  g_autoptr(ConclaveEventStore) source = source_with_losses (&cause);
  g_autoptr(GError) error = NULL;
  g_autoptr(ConclaveCluster) replay = conclave_cluster_new_replay (source, NULL, &error);
  ConclaveEventStore *ours;
  const ConclaveEvent *verdict, *first_verdict = NULL, *late_verdict = NULL;
  guint64 first_at = 0, late_at = 0, losses = 0;

  g_assert_no_error (error);
  g_assert_cmpuint (conclave_cluster_replay_own_index (replay, 0), ==, G_MAXUINT64);  /* not fed yet */
  conclave_cluster_replay_to (replay, G_MAXUINT64);
  ours = conclave_cluster_get_store (replay);
  for (guint64 i = 0; i < conclave_event_store_get_end (ours); i++)
    losses += conclave_event_store_get (ours, i)->type == CONCLAVE_EVENT_LOST;
  g_assert_cmpuint (losses, ==, 2);   /* one recorded, both ours */
  g_assert_cmpuint (conclave_event_store_get_end (ours), ==, conclave_event_store_get_end (source) + 1);
  /* Every event but the recorded loss is where the map says, the same. */
  for (guint64 i = 0; i < conclave_event_store_get_end (source); i++)
    {
      const ConclaveEvent *a = conclave_event_store_get (source, i);
      guint64 at = conclave_cluster_replay_own_index (replay, i);
      const ConclaveEvent *b = conclave_event_store_get (ours, at);

      if (a->type == CONCLAVE_EVENT_LOST)
        continue;
      g_assert_nonnull (b);
      g_assert_cmpint (b->type, ==, a->type);
      g_assert_cmpint (b->time_ns, ==, a->time_ns);
      if (a->type == CONCLAVE_EVENT_VIOLATION && first_verdict == NULL)
        first_verdict = b, first_at = at;
      else if (a->type == CONCLAVE_EVENT_VIOLATION)
        late_verdict = b, late_at = at;
    }
  g_assert_cmpuint (conclave_cluster_replay_own_index (replay, 5), !=, 5);  /* they did part */
  /* The verdict's cause: the same state, at our index. */
  verdict = first_verdict;
  g_assert_nonnull (verdict);
  g_assert_cmpuint (verdict->key, ==, conclave_cluster_replay_own_index (replay, cause));
  g_assert_cmpint (conclave_event_store_get (ours, verdict->key)->type, ==, CONCLAVE_EVENT_STATE);
  g_assert_cmpint (conclave_event_store_get (ours, verdict->key)->time_ns, ==, 11 * SEC);
  g_assert_cmpuint (first_at, >, verdict->key);
  /* No cause recorded: the verdict itself. */
  g_assert_nonnull (late_verdict);
  g_assert_cmpuint (late_verdict->key, ==, late_at);
}

/* The file's lines: the header (if any), then one per event. */
static GPtrArray *
file_lines (const char *path)
{
  g_autofree char *text = NULL;
  g_auto(GStrv) lines = NULL;
  GPtrArray *kept = g_ptr_array_new_with_free_func (g_free);

  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  lines = g_strsplit (text, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    if (lines[i][0] != '\0')
      g_ptr_array_add (kept, g_strdup (lines[i]));
  return kept;
}

static void
write_lines (const char *path, GPtrArray *lines)
{
  g_autoptr(GString) text = g_string_new (NULL);

  for (guint i = 0; i < lines->len; i++)
    g_string_append_printf (text, "%s\n", (char *) lines->pdata[i]);
  g_assert_true (g_file_set_contents (path, text->str, (gssize) text->len, NULL));
}

/* The first verdict of a loaded file and the event its key names (NULL:
 * it names none but itself). */
static const ConclaveEvent *
loaded_cause (const char *path, ConclaveEventStore **out)
{
  ConclaveEventStore *store = conclave_event_store_new ();
  g_autoptr(GError) error = NULL;

  *out = store;
  g_assert_true (conclave_trace_load (store, path, NULL, NULL, &error));
  g_assert_no_error (error);
  for (guint64 i = 0; i < conclave_event_store_get_end (store); i++)
    {
      const ConclaveEvent *e = conclave_event_store_get (store, i);

      if (e->type == CONCLAVE_EVENT_VIOLATION)
        return e->key != 0 && e->key < i ? conclave_event_store_get (store, e->key) : NULL;
    }
  g_assert_not_reached ();
}

static void
assert_cause_is_state (const ConclaveEvent *cause)
{
  g_assert_nonnull (cause);
  g_assert_cmpint (cause->type, ==, CONCLAVE_EVENT_STATE);
  g_assert_cmpint (cause->time_ns, ==, 11 * SEC);
}

static guint32
copy_string (ConclaveEventStore *to, ConclaveEventStore *from, guint32 id)
{
  return id ? conclave_intern_add (conclave_event_store_get_intern (to), conclave_event_store_str (from, id)) : 0;
}

/* Event i of `from` appended to `to`, with its strings and process. */
static void
copy_event (ConclaveEventStore *to, ConclaveEventStore *from, guint64 i)
{
  ConclaveEvent e = *conclave_event_store_get (from, i);

  for (guint s = 0; s < G_N_ELEMENTS (e.s); s++)
    e.s[s] = copy_string (to, from, e.s[s]);
  if (e.proc != 0)
    {
      ConclaveProcessInfo *p = conclave_event_store_get_process (from, e.proc);
      ConclaveProcessInfo *q = conclave_event_store_find_process (to, p->pid);

      if (q == NULL)
        {
          q = conclave_event_store_add_process (to, p->pid);
          q->node = copy_string (to, from, p->node);
          q->role = copy_string (to, from, p->role);
        }
      e.proc = q->index;
    }
  conclave_event_store_append (to, &e, 1);
}

/* A verdict's cause survives the file: saved, recorded, with a damaged
 * line before it; a file without causes (or whose cause line broke)
 * names none, and the replay shows the verdict itself. */
static void
test_cause_in_file (void)
{
  guint64 cause;
  g_autoptr(ConclaveEventStore) source = source_with_losses (&cause);
  g_autofree char *dir = g_dir_make_tmp ("conclave-cause-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "class.jsonl", NULL);
  g_autofree char *recorded = g_build_filename (dir, "recorded.jsonl", NULL);
  ConclaveTraceHeader header = { .format = 1, .tempo = 1 };
  g_autoptr(ConclaveEventStore) loaded = NULL, again = NULL, old = NULL, broken = NULL, live = NULL;
  g_autoptr(ConclaveCluster) replay = NULL;
  g_autoptr(GPtrArray) lines = NULL;
  g_autoptr(GError) error = NULL;
  ConclaveTraceRecorder *recorder;
  const ConclaveEvent *verdict = NULL;

  g_assert_true (conclave_trace_save (source, path, &header, &error));
  g_assert_no_error (error);
  assert_cause_is_state (loaded_cause (path, &loaded));
  /* Its replay points at that state, at the replay's own index. */
  replay = conclave_cluster_new_replay (loaded, NULL, &error);
  g_assert_no_error (error);
  conclave_cluster_replay_to (replay, G_MAXUINT64);
  for (guint64 i = 0; verdict == NULL && i < conclave_event_store_get_end (conclave_cluster_get_store (replay)); i++)
    if (conclave_event_store_get (conclave_cluster_get_store (replay), i)->type == CONCLAVE_EVENT_VIOLATION)
      verdict = conclave_event_store_get (conclave_cluster_get_store (replay), i);
  g_assert_nonnull (verdict);
  assert_cause_is_state (conclave_event_store_get (conclave_cluster_get_store (replay), verdict->key));

  /* A damaged line before the cause: the cause is still the state. */
  lines = file_lines (path);
  g_assert_cmpuint (lines->len, ==, 1 + 7);   /* the header, seven events */
  g_assert_nonnull (strstr (lines->pdata[6], "\"cause\":1"));   /* the verdict, one event after its cause */
  g_ptr_array_insert (lines, 2, g_strdup ("{\"ev\":\"send\",\"t\":"));
  write_lines (path, lines);
  assert_cause_is_state (loaded_cause (path, &again));
  /* The cause's own line damaged: no cause. */
  g_ptr_array_remove_index (lines, 2);
  g_free (lines->pdata[5]);
  lines->pdata[5] = g_strdup ("{\"ev\":\"state\",\"t\":11000000000,\"role\":1}");
  write_lines (path, lines);
  g_assert_null (loaded_cause (path, &broken));
  /* An old file (no cause written): none, as before. */
  g_ptr_array_unref (lines);
  g_assert_true (conclave_trace_save (source, path, &header, &error));
  lines = file_lines (path);
  g_free (lines->pdata[6]);
  lines->pdata[6] = g_strdup ("{\"ev\":\"violation\",\"t\":12000000000,\"what\":\"split-brain\",\"text\":\"two leaders\"}");
  write_lines (path, lines);
  g_assert_null (loaded_cause (path, &old));

  /* Recorded as it happens, from the store's fourth event on: the file
   * starts there, the cause is still one event back. */
  live = conclave_event_store_new ();
  for (guint64 i = 0; i < 3; i++)
    copy_event (live, source, i);
  recorder = conclave_trace_recorder_new (live, recorded, &error);
  g_assert_no_error (error);
  for (guint64 i = 3; i < conclave_event_store_get_end (source); i++)
    copy_event (live, source, i);
  conclave_trace_recorder_free (recorder);
  g_clear_object (&again);
  assert_cause_is_state (loaded_cause (recorded, &again));

  g_unlink (path);
  g_unlink (recorded);
  g_rmdir (dir);
}

/* s1 and s2 up; at 5 s s1 is cut off from s2, loses 30 % and waits 50 ms;
 * at 8 s s1 restarts (its new process gets the settings again: live
 * records that FAULT too); at 9 s healed. */
static ConclaveEventStore *
source_with_faults (void)
{
  ConclaveEventStore *store = conclave_event_store_new ();
  ConclaveIntern *intern = conclave_event_store_get_intern (store);
  guint32 s1 = conclave_intern_add (intern, "s1"), s2 = conclave_intern_add (intern, "s2");
  guint32 role = conclave_intern_add (intern, "udp-server");
  guint32 argv = conclave_intern_add (intern, "/usr/bin/conclave-node,udp-server");
  guint32 p1 = conclave_event_store_add_process (store, 501)->index, p2 = conclave_event_store_add_process (store, 502)->index;
  guint32 p3 = conclave_event_store_add_process (store, 503)->index;
  ConclaveEvent events[] = {
    { .type = CONCLAVE_EVENT_SPAWN, .time_ns = 1 * SEC, .s = { s1, 0, argv }, .len = 501 },
    { .type = CONCLAVE_EVENT_HELLO, .time_ns = 1 * SEC + 1, .proc = p1, .s = { role, s1 }, .len = 501, .num = 1 },
    { .type = CONCLAVE_EVENT_SPAWN, .time_ns = 2 * SEC, .s = { s2, 0, argv }, .len = 502 },
    { .type = CONCLAVE_EVENT_HELLO, .time_ns = 2 * SEC + 1, .proc = p2, .s = { role, s2 }, .len = 502, .num = 1 },
    { .type = CONCLAVE_EVENT_FAULT, .time_ns = 5 * SEC, .proc = p1, .s = { s1, s2 }, .num = 50, .lc = 300, .len = 501 },
    { .type = CONCLAVE_EVENT_CRASH, .time_ns = 7 * SEC, .proc = p1, .s = { s1 }, .len = 501 },
    { .type = CONCLAVE_EVENT_EXITED, .time_ns = 7 * SEC + 1, .proc = p1, .s = { s1 }, .num = -1, .lc = 9, .len = 501 },
    { .type = CONCLAVE_EVENT_SPAWN, .time_ns = 8 * SEC, .s = { s1, 0, argv }, .len = 503 },
    { .type = CONCLAVE_EVENT_HELLO, .time_ns = 8 * SEC + 1, .proc = p3, .s = { role, s1 }, .len = 503, .num = 1 },
    { .type = CONCLAVE_EVENT_FAULT, .time_ns = 8 * SEC + 2, .proc = p3, .s = { s1, s2 }, .num = 50, .lc = 300, .len = 503 },
    { .type = CONCLAVE_EVENT_FAULT, .time_ns = 9 * SEC, .proc = p3, .s = { s1 }, .num = 0, .lc = 0, .len = 503 },
  };

  conclave_event_store_append (store, events, G_N_ELEMENTS (events));
  return store;
}

static guint
count_type (ConclaveEventStore *store, ConclaveEventType type)
{
  guint n = 0;

  for (guint64 i = conclave_event_store_get_first (store); i < conclave_event_store_get_end (store); i++)
    n += conclave_event_store_get (store, i)->type == type;
  return n;
}

/* The cluster view and inspector of a replay show the faults of the
 * moment, as live did: cut off, loss and delay while they lasted, none
 * before or after; nothing is recorded anew (the restart's own FAULT is
 * the recording's). */
static void
test_faults_of_the_moment (void)
{
  g_autoptr(ConclaveEventStore) source = source_with_faults ();
  g_autoptr(GError) error = NULL;
  g_autoptr(ConclaveCluster) replay = conclave_cluster_new_replay (source, NULL, &error);
  ConclaveFaults *faults;
  const char * const *isolated;

  g_assert_no_error (error);
  faults = conclave_cluster_get_faults (replay);
  conclave_cluster_replay_to (replay, 4);   /* before the fault */
  g_assert_null (conclave_faults_get_isolated (faults, "s1"));
  g_assert_false (conclave_faults_is_partitioned (faults));
  conclave_cluster_replay_to (replay, 5);   /* the fault */
  isolated = conclave_faults_get_isolated (faults, "s1");
  g_assert_nonnull (isolated);
  g_assert_cmpstr (isolated[0], ==, "s2");
  g_assert_null (isolated[1]);
  g_assert_true (conclave_faults_is_partitioned (faults));
  g_assert_cmpfloat (conclave_faults_get_drop (faults, "s1"), ==, 0.3);
  g_assert_cmpuint (conclave_faults_get_delay (faults, "s1"), ==, 50);
  conclave_cluster_replay_to (replay, 10);  /* restarted: the same */
  g_assert_cmpfloat (conclave_faults_get_drop (faults, "s1"), ==, 0.3);
  g_assert_true (conclave_faults_is_partitioned (faults));
  conclave_cluster_replay_to (replay, G_MAXUINT64);  /* healed */
  g_assert_null (conclave_faults_get_isolated (faults, "s1"));
  g_assert_cmpfloat (conclave_faults_get_drop (faults, "s1"), ==, 0);
  g_assert_false (conclave_faults_is_partitioned (faults));
  g_assert_cmpuint (count_type (conclave_cluster_get_store (replay), CONCLAVE_EVENT_FAULT), ==, 3);
}

/* ---- a rebased replay, replayed again, is the recording's replay ---------- */

static gboolean
led_and_served (ConclaveCluster *cluster)
{
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (cluster)); i++)
    {
      g_autoptr(ConclaveNode) node = g_list_model_get_item (G_LIST_MODEL (cluster), i);
      if (g_strcmp0 (conclave_node_get_group_role (node), "leader") == 0 && conclave_node_get_n_delivered (node) > 2)
        return TRUE;
    }
  return FALSE;
}

static const char *leader_name;

static gboolean
another_led_and_served (ConclaveCluster *cluster)
{
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (cluster)); i++)
    {
      g_autoptr(ConclaveNode) node = g_list_model_get_item (G_LIST_MODEL (cluster), i);
      if (g_strcmp0 (conclave_node_get_group_role (node), "leader") == 0 && conclave_node_get_n_delivered (node) > 2 &&
          g_strcmp0 (conclave_node_get_name (node), leader_name) != 0 && conclave_node_get_state (node) == CONCLAVE_NODE_RUNNING)
        return TRUE;
    }
  return FALSE;
}

static gboolean
a_loss (ConclaveCluster *cluster)
{
  ConclaveEventStore *store = conclave_cluster_get_store (cluster);

  for (guint64 i = conclave_event_store_get_first (store); i < conclave_event_store_get_end (store); i++)
    if (conclave_event_store_get (store, i)->type == CONCLAVE_EVENT_LOST)
      return another_led_and_served (cluster);
  return FALSE;
}

static char *
leader_of (ConclaveCluster *cluster)
{
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (cluster)); i++)
    {
      g_autoptr(ConclaveNode) node = g_list_model_get_item (G_LIST_MODEL (cluster), i);
      if (g_strcmp0 (conclave_node_get_group_role (node), "leader") == 0)
        return g_strdup (conclave_node_get_name (node));
    }
  g_assert_not_reached ();
}

static void
assert_same_store (ConclaveEventStore *a, ConclaveEventStore *b)
{
  g_assert_cmpuint (conclave_event_store_get_end (b), ==, conclave_event_store_get_end (a));
  for (guint64 i = 0; i < conclave_event_store_get_end (a); i++)
    {
      const ConclaveEvent *x = conclave_event_store_get (a, i), *y = conclave_event_store_get (b, i);

      g_assert_cmpint (y->type, ==, x->type);
      g_assert_cmpint (y->time_ns, ==, x->time_ns);
      g_assert_cmpuint (y->key, ==, x->key);
      g_assert_cmpint (y->flags, ==, x->flags);
      for (guint s = 0; s < G_N_ELEMENTS (x->s); s++)
        g_assert_cmpstr (conclave_event_store_str (b, y->s[s]), ==, conclave_event_store_str (a, x->s[s]));
      g_assert_cmpint (y->proc != 0 ? conclave_event_store_get_process (b, y->proc)->pid : 0, ==,
                       x->proc != 0 ? conclave_event_store_get_process (a, x->proc)->pid : 0);
    }
}

/* Every message: its state, times, key and kind; the in-flight ones are
 * the cluster view's arrows. Returns how many are in flight. */
static guint
assert_same_messages (ConclaveCluster *a, ConclaveCluster *b)
{
  ConclaveMatcher *x = conclave_cluster_get_matcher (a), *y = conclave_cluster_get_matcher (b);
  guint in_flight = 0;

  g_assert_cmpuint (conclave_matcher_get_n_messages (y), ==, conclave_matcher_get_n_messages (x));
  for (guint64 i = conclave_matcher_get_first_message (x); i < conclave_matcher_get_n_messages (x); i++)
    {
      ConclaveMessage m_data, n_data;
      const ConclaveMessage *m = conclave_matcher_get_message (x, i, &m_data), *n = conclave_matcher_get_message (y, i, &n_data);

      g_assert_cmpint (n->state, ==, m->state);
      g_assert_cmpint (n->flags, ==, m->flags);
      g_assert_cmpint (n->send_ns, ==, m->send_ns);
      g_assert_cmpint (n->recv_ns, ==, m->recv_ns);
      g_assert_cmpuint (n->key, ==, m->key);
      g_assert_cmpstr (conclave_event_store_str (conclave_cluster_get_store (b), n->kind), ==,
                       conclave_event_store_str (conclave_cluster_get_store (a), m->kind));
      in_flight += m->state == CONCLAVE_MESSAGE_IN_FLIGHT;
    }
  for (guint s = 0; s < CONCLAVE_MESSAGE_N_STATES; s++)
    g_assert_cmpuint (conclave_matcher_count_state (y, s), ==, conclave_matcher_count_state (x, s));
  return in_flight;
}

static void
assert_same_nodes (ConclaveCluster *a, ConclaveCluster *b)
{
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (b)), ==, g_list_model_get_n_items (G_LIST_MODEL (a)));
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (a)); i++)
    {
      g_autoptr(ConclaveNode) x = g_list_model_get_item (G_LIST_MODEL (a), i);
      g_autoptr(ConclaveNode) y = g_list_model_get_item (G_LIST_MODEL (b), i);

      g_assert_cmpstr (conclave_node_get_name (y), ==, conclave_node_get_name (x));
      assert_same_node (x, y);
      g_assert_cmpstr (conclave_node_get_group_role (y), ==, conclave_node_get_group_role (x));
      g_assert_cmpuint (conclave_node_get_term (y), ==, conclave_node_get_term (x));
      g_assert_cmpstr (conclave_node_get_leader (y), ==, conclave_node_get_leader (x));
      g_assert_cmpmem (conclave_node_get_counters (y), sizeof (ConclaveNodeCounters),
                       conclave_node_get_counters (x), sizeof (ConclaveNodeCounters));
    }
}

static void
assert_same_leaders (ConclaveEventStore *a, ConclaveEventStore *b)
{
  g_autoptr(ConclaveLeaders) x = conclave_leaders_new (a);
  g_autoptr(ConclaveLeaders) y = conclave_leaders_new (b);

  conclave_leaders_feed (x, conclave_event_store_get_first (a), conclave_event_store_get_end (a));
  conclave_leaders_feed (y, conclave_event_store_get_first (b), conclave_event_store_get_end (b));
  g_assert_cmpuint (conclave_leaders_get_n_intervals (y), ==, conclave_leaders_get_n_intervals (x));
  for (guint i = 0; i < conclave_leaders_get_n_intervals (x); i++)
    {
      const ConclaveLeaderInterval *l = conclave_leaders_get_interval (x, i), *m = conclave_leaders_get_interval (y, i);

      g_assert_cmpstr (conclave_event_store_str (b, m->node), ==, conclave_event_store_str (a, l->node));
      g_assert_cmpint (m->term, ==, l->term);
      g_assert_cmpint (m->start_ns, ==, l->start_ns);
      g_assert_cmpint (m->end_ns, ==, l->end_ns);
      g_assert_cmpint (m->end, ==, l->end);
    }
}

static void
test_again (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ConclaveScenario) scenario = conclave_scenario_lookup ("chapter-4", &error);
  g_autoptr(ConclaveCluster) live = conclave_cluster_new (&error);
  g_autoptr(ConclaveCluster) opened = NULL;
  g_autofree char *leader = NULL;
  ConclaveEventStore *store, *kept;
  guint64 losses = 0, in_flight = 0, crashed_seen = 0;
  gint64 start, end;

  g_assert_no_error (error);
  g_assert_true (conclave_cluster_start_scenario (live, scenario, &error));
  wait_until (live, led_and_served, 30, "a leader serving posts");
  leader = leader_of (live);
  leader_name = leader;
  g_assert_true (conclave_cluster_crash (live, leader));
  wait_until (live, a_loss, 30, "another leader serving posts, a message to the crashed one lost");
  conclave_cluster_shutdown (live);
  store = conclave_cluster_get_store (live);

  /* Opened as the window opens it: fed to the end, rebased, the file's
   * store not used again. */
  opened = conclave_cluster_new_replay (store, "class.jsonl", &error);
  g_assert_no_error (error);
  /* Replays again start from checkpoints (test-replay-checkpoint.c). */
  conclave_cluster_replay_set_checkpoint_every (opened, 37);
  conclave_cluster_replay_to (opened, G_MAXUINT64);
  conclave_cluster_replay_rebase (opened);
  kept = conclave_cluster_get_store (opened);
  for (guint64 i = 0; i < conclave_event_store_get_end (kept); i++)
    losses += conclave_event_store_get (kept, i)->type == CONCLAVE_EVENT_LOST;
  g_test_message ("%" G_GUINT64_FORMAT " events, %" G_GUINT64_FORMAT " losses", conclave_event_store_get_end (kept), losses);
  g_assert_cmpuint (losses, >, 0);   /* the moments of loss are exercised */
  g_assert_cmpuint (conclave_cluster_replay_count_checkpoints (opened, NULL), >, 2);

  start = conclave_event_store_get_min_time (store);
  end = conclave_event_store_get_max_time (store);
  for (guint round = 0; round < 40; round++)
    {
      gint64 t = round == 0 ? end : start + (gint64) (g_test_rand_double () * (double) (end - start));
      g_autoptr(ConclaveCluster) truth = conclave_cluster_new_replay (store, NULL, &error);
      g_autoptr(ConclaveCluster) again = conclave_cluster_new_replay_again (opened, &error);
      ConclaveNode *crashed;

      g_assert_no_error (error);
      conclave_cluster_replay_to (truth, store_index_after (store, t));
      /* As a scrubber gets there: part of the way, then the rest. */
      conclave_cluster_replay_to (again, store_index_after (kept, t) / 2);
      conclave_cluster_replay_to (again, store_index_after (kept, t));
      assert_same_store (conclave_cluster_get_store (truth), conclave_cluster_get_store (again));
      assert_same_nodes (truth, again);
      in_flight += assert_same_messages (truth, again);
      assert_same_leaders (conclave_cluster_get_store (truth), conclave_cluster_get_store (again));
      g_assert_cmpuint (conclave_cluster_replay_own_index (again, store_index_after (kept, t) - 1), ==, store_index_after (kept, t) - 1);
      /* Its store holds no copy: it reads the recording's records. */
      g_assert_true (conclave_event_store_get (conclave_cluster_get_store (again), store_index_after (kept, t) - 1) ==
                     conclave_event_store_get (kept, store_index_after (kept, t) - 1));
      crashed = conclave_cluster_lookup (again, leader);
      crashed_seen += crashed != NULL && conclave_node_get_state (crashed) == CONCLAVE_NODE_CRASHED;
    }
  g_test_message ("%" G_GUINT64_FORMAT " in flight over the moments, the leader crashed at %" G_GUINT64_FORMAT,
                  in_flight, crashed_seen);
  g_assert_cmpuint (in_flight, >, 0);
  g_assert_cmpuint (crashed_seen, >, 0);
  g_assert_cmpuint (crashed_seen, <, 40);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/cluster-replay/chapter-2", test_chapter_2);
  g_test_add_func ("/cluster-replay/indices-part", test_indices_part);
  g_test_add_func ("/cluster-replay/cause-in-file", test_cause_in_file);
  g_test_add_func ("/cluster-replay/faults-of-the-moment", test_faults_of_the_moment);
  g_test_add_func ("/cluster-replay/again", test_again);
  return g_test_run ();
}
