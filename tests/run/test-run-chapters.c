/* test-run-chapters.c — what `conclave-run CHAPTER --trace` shows is the lecture.
 *
 * Chapter 3: the parent receives every request and hands it to the pool
 * (a `task` on the task queue); the worker that took the task squares the
 * number and answers from its own PID; workers are the server's children;
 * each client's numbers are its own series; a killed worker is replaced.
 * Chapter 4 (raft, bully, ring): every `state` that makes a node candidate
 * says why, and after the leader's crash someone stands because the
 * leader's heartbeats stopped. Read from the trace file as a user would,
 * and loaded into a store: the leader intervals end at the crash, and the
 * causal order lists no receive above its send. A crash of the leader due
 * before the first election waits for one, says so, and falls on it.
 */
#include "conclave-causal.h"
#include "conclave-leaders.h"
#include "conclave-trace-file.h"

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#define WAIT_US (20 * G_USEC_PER_SEC)

typedef struct {
  GPtrArray *events;   /* JsonObject*, in file order */
} Trace;

static void
trace_clear (Trace *t)
{
  g_clear_pointer (&t->events, g_ptr_array_unref);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Trace, trace_clear)

static void
trace_load (Trace *t, const char *path)
{
  g_autofree char *text = NULL;
  g_auto(GStrv) lines = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (g_file_get_contents (path, &text, NULL, &error));
  g_assert_no_error (error);
  t->events = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
  lines = g_strsplit (text, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_autoptr(JsonNode) node = NULL;

      if (lines[i][0] == '\0')
        continue;
      node = json_from_string (lines[i], &error);
      g_assert_no_error (error);
      g_ptr_array_add (t->events, json_object_ref (json_node_get_object (node)));
    }
}

static const char *
str (JsonObject *e, const char *name)
{
  return json_object_get_string_member_with_default (e, name, NULL);
}

static gint64
num (JsonObject *e, const char *name)
{
  return json_object_get_int_member_with_default (e, name, -1);
}

static gboolean
is (JsonObject *e, const char *ev, const char *kind)
{
  return g_strcmp0 (str (e, "ev"), ev) == 0 && (kind == NULL || g_strcmp0 (str (e, "kind"), kind) == 0);
}

/* The event `ev` with message id `id`, or NULL. */
static JsonObject *
find_by_id (Trace *t, const char *ev, const char *id)
{
  for (guint i = 0; i < t->events->len; i++)
    if (is (t->events->pdata[i], ev, NULL) && g_strcmp0 (str (t->events->pdata[i], "id"), id) == 0)
      return t->events->pdata[i];
  return NULL;
}

/* ppid of `pid` as its hello said, -1 if no hello. */
static gint64
hello_ppid (Trace *t, gint64 pid)
{
  for (guint i = 0; i < t->events->len; i++)
    if (is (t->events->pdata[i], "hello", NULL) && num (t->events->pdata[i], "pid") == pid)
      return num (t->events->pdata[i], "ppid");
  return -1;
}

static void
run (const char * const *argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocess) p = g_subprocess_newv (argv, G_SUBPROCESS_FLAGS_STDOUT_SILENCE, &error);

  g_assert_no_error (error);
  g_assert_true (g_subprocess_wait_check (p, NULL, &error));
  g_assert_no_error (error);
}

/* ---- the core's models on a real trace ---- */

typedef struct {
  ConclaveEventStore *store;
  ConclaveMatcher    *matcher;
} Loaded;

static void
loaded_clear (Loaded *l)
{
  g_clear_pointer (&l->matcher, conclave_matcher_free);
  g_clear_object (&l->store);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Loaded, loaded_clear)

static void
load_store (Loaded *l, const char *path)
{
  g_autoptr(GError) error = NULL;
  guint bad = 99;

  l->store = conclave_event_store_new ();
  g_assert_true (conclave_trace_load (l->store, path, &bad, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (bad, ==, 0);
  l->matcher = conclave_matcher_new (l->store);
  conclave_matcher_feed (l->matcher, 0, conclave_event_store_get_end (l->store));
}

/* In causal order every delivered message's send is listed before its
 * receive; returns how many messages that checked. */
static guint
check_causal (Loaded *l)
{
  g_autoptr(GArray) order = conclave_causal_order (l->store, l->matcher, 0, conclave_event_store_get_end (l->store));
  g_autofree guint *position = g_new0 (guint, conclave_event_store_get_end (l->store));
  guint checked = 0;

  g_assert_cmpuint (order->len, ==, conclave_event_store_get_end (l->store));
  for (guint i = 0; i < order->len; i++)
    position[g_array_index (order, guint64, i)] = i;
  for (guint64 i = 0; i < conclave_matcher_get_n_messages (l->matcher); i++)
    {
      ConclaveMessage m_data;
      const ConclaveMessage *m = conclave_matcher_get_message (l->matcher, i, &m_data);

      if (m->state != CONCLAVE_MESSAGE_DELIVERED || m->send_index == G_MAXUINT64)
        continue;
      g_assert_cmpuint (position[m->send_index], <, position[m->recv_index]);
      checked++;
    }
  return checked;
}

/* The crashed leader's interval ends at the crash, and the next leader's
 * begins after it. */
static void
check_leaders (Loaded *l, const char *crashed)
{
  g_autoptr(ConclaveLeaders) leaders = conclave_leaders_new (l->store);
  const ConclaveEvent *crash = NULL;
  gboolean old_ended = FALSE, new_began = FALSE;

  conclave_leaders_feed (leaders, 0, conclave_event_store_get_end (l->store));
  for (guint64 i = 0; i < conclave_event_store_get_end (l->store) && crash == NULL; i++)
    if (conclave_event_store_get (l->store, i)->type == CONCLAVE_EVENT_CRASH)
      crash = conclave_event_store_get (l->store, i);
  g_assert_nonnull (crash);
  for (guint i = 0; i < conclave_leaders_get_n_intervals (leaders); i++)
    {
      const ConclaveLeaderInterval *iv = conclave_leaders_get_interval (leaders, i);
      gboolean was_crashed = g_strcmp0 (conclave_event_store_str (l->store, iv->node), crashed) == 0;

      if (was_crashed && iv->start_ns < crash->time_ns)
        {
          g_assert_cmpint (iv->end_ns, ==, crash->time_ns);
          g_assert_cmpint (iv->end, ==, CONCLAVE_LEADER_CRASHED);
          old_ended = TRUE;
        }
      else if (iv->start_ns > crash->time_ns)
        new_began |= !was_crashed;
      else
        g_assert_cmpint (iv->end_ns, <=, crash->time_ns);  /* nobody else led across the crash */
    }
  g_assert_true (old_ended);
  g_assert_true (new_began);
}

/* ---- chapter 3 ---- */

static gint64
parent_of (gint64 pid)
{
  g_autofree char *path = g_strdup_printf ("/proc/%" G_GINT64_FORMAT "/stat", pid);
  g_autofree char *stat = NULL;
  const char *end;
  char state;
  long ppid;

  if (!g_file_get_contents (path, &stat, NULL, NULL) || (end = strrchr (stat, ')')) == NULL
      || sscanf (end + 1, " %c %ld", &state, &ppid) != 2)
    return -1;
  return ppid;
}

static gboolean
is_pool_server (gint64 pid)
{
  g_autofree char *path = g_strdup_printf ("/proc/%" G_GINT64_FORMAT "/cmdline", pid);
  g_autofree char *cmdline = NULL;
  gsize len;

  return g_file_get_contents (path, &cmdline, &len, NULL) && len > strlen (cmdline) + 1
         && g_str_equal (cmdline + strlen (cmdline) + 1, "pool-server");
}

/* A pool worker below `ancestor` (a process whose parent is a pool-server
 * that descends from it), or 0. */
static gint64
find_worker (GPid ancestor)
{
  g_autoptr(GDir) dir = g_dir_open ("/proc", 0, NULL);
  const char *name;

  while ((name = g_dir_read_name (dir)) != NULL)
    {
      gint64 pid = g_ascii_strtoll (name, NULL, 10);
      gint64 parent = pid > 0 ? parent_of (pid) : -1;

      if (parent <= 0 || !is_pool_server (parent) || is_pool_server (pid) == FALSE)
        continue;
      for (gint64 up = parent_of (parent); up > 1; up = parent_of (up))
        if (up == ancestor)
          return pid;
    }
  return 0;
}

/* Chapter 3 with one worker killed while it runs: the killed worker's PID. */
static gint64
run_chapter3 (const char *trace)
{
  const char *argv[] = { g_getenv ("CONCLAVE_RUN_PROGRAM"), "chapter-3", "--duration", "5s",
                         "--tempo", "0.25", "--trace", trace, NULL };
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocess) p = g_subprocess_newv (argv, G_SUBPROCESS_FLAGS_STDOUT_SILENCE, &error);
  gint64 deadline = g_get_monotonic_time () + WAIT_US;
  GPid run_pid;
  gint64 victim = 0;

  g_assert_no_error (error);
  run_pid = g_ascii_strtoll (g_subprocess_get_identifier (p), NULL, 10);
  /* let the pool serve a little first */
  g_usleep (G_USEC_PER_SEC);
  while ((victim = find_worker (run_pid)) == 0 && g_get_monotonic_time () < deadline)
    g_usleep (20000);
  g_assert_cmpint (victim, >, 0);
  g_assert_cmpint (kill ((pid_t) victim, SIGKILL), ==, 0);
  g_assert_true (g_subprocess_wait_check (p, NULL, &error));
  g_assert_no_error (error);
  return victim;
}

static gint64
first_of (const char *client)
{
  return g_str_equal (client, "c1") ? 1 : g_str_equal (client, "c2") ? 101 : 201;
}

/* A client's requests: its own series, 1, 2, 3… from its first, each once
 * (a retry repeats a number: counted once). */
static void
check_series (Trace *t, const char *client)
{
  gboolean seen[100] = { FALSE };
  gint64 first = first_of (client), most = -1;
  guint n = 0;

  for (guint i = 0; i < t->events->len; i++)
    {
      JsonObject *e = t->events->pdata[i];
      gint64 x;

      if (!is (e, "send", "request") || g_strcmp0 (str (e, "node"), client) != 0)
        continue;
      x = g_ascii_strtoll (str (e, "preview"), NULL, 10) - first;
      g_assert_cmpint (x, >=, 0);
      g_assert_cmpint (x, <, 100);
      n += seen[x] ? 0 : 1;
      seen[x] = TRUE;
      most = MAX (most, x);
    }
  g_assert_cmpuint (n, >=, 3);
  /* contiguous: every number up to the largest was sent */
  g_assert_cmpint (n, ==, most + 1);
}

/* One square: sent by a worker (a child of the server) that took the task
 * for this very number and client off the queue, which the parent put
 * there after receiving the request; the square is right. */
static void
check_square (Trace *t, JsonObject *reply, gint64 server)
{
  gint64 worker = num (reply, "pid"), x, y, sq;
  const char *client;
  JsonObject *received;
  g_autofree char *expected_task = NULL;
  gboolean handed = FALSE;

  g_assert_cmpint (sscanf (str (reply, "preview"), "%" G_GINT64_FORMAT "*%" G_GINT64_FORMAT "=%" G_GINT64_FORMAT,
                           &x, &y, &sq), ==, 3);
  g_assert_cmpint (y, ==, x);
  g_assert_cmpint (sq, ==, x * x);
  g_assert_cmpint (worker, !=, server);
  g_assert_cmpint (hello_ppid (t, worker), ==, server);
  expected_task = g_strdup_printf ("%" G_GINT64_FORMAT " for %s", x, str (reply, "dst"));
  for (guint i = 0; i < t->events->len && !handed; i++)
    {
      JsonObject *task = t->events->pdata[i], *sent, *request;

      if (!is (task, "recv", "task") || num (task, "pid") != worker
          || g_strcmp0 (str (task, "preview"), expected_task) != 0)
        continue;
      g_assert_cmpstr (str (task, "proto"), ==, "unix");
      sent = find_by_id (t, "send", str (task, "id"));
      g_assert_nonnull (sent);
      g_assert_cmpint (num (sent, "pid"), ==, server);
      /* the parent received a request for x from this client before */
      for (guint j = 0; j < t->events->len && !handed; j++)
        {
          request = t->events->pdata[j];
          handed = is (request, "recv", "request") && num (request, "pid") == server
                   && num (request, "t") <= num (sent, "t")
                   && g_ascii_strtoll (str (request, "preview"), NULL, 10) == x
                   && g_strcmp0 (str (request, "src"), str (reply, "dst")) == 0;
        }
    }
  g_assert_true (handed);
  /* the client that got it asked for it: x is in its own series */
  received = find_by_id (t, "recv", str (reply, "id"));
  if (received != NULL)
    {
      client = str (received, "node");
      g_assert_cmpint (x, >=, first_of (client));
      g_assert_cmpint (x, <, first_of (client) + 100);
    }
}

static gint64
pool_server_pid (Trace *t)
{
  for (guint i = 0; i < t->events->len; i++)
    {
      JsonObject *e = t->events->pdata[i];

      if (is (e, "hello", NULL) && g_strcmp0 (str (e, "role"), "pool-server") == 0
          && hello_ppid (t, num (e, "ppid")) == -1)
        return num (e, "pid");
    }
  return 0;
}

/* The victim's death is reaped by the server and a new worker forked,
 * which then answers. */
static void
check_replaced (Trace *t, gint64 server, gint64 victim)
{
  gint64 successor = 0;
  gboolean reaped = FALSE, served = FALSE;

  for (guint i = 0; i < t->events->len; i++)
    {
      JsonObject *e = t->events->pdata[i];

      if (num (e, "pid") != server && num (e, "pid") != successor)
        continue;
      if (is (e, "reap", NULL) && num (e, "child") == victim)
        {
          g_assert_cmpint (num (e, "signal"), ==, SIGKILL);
          reaped = TRUE;
        }
      else if (reaped && successor == 0 && is (e, "fork", NULL))
        successor = num (e, "child");
      else if (successor != 0 && num (e, "pid") == successor && is (e, "send", "square"))
        served = TRUE;
    }
  g_assert_true (reaped);
  g_assert_cmpint (successor, >, 0);
  g_assert_cmpint (hello_ppid (t, successor), ==, server);
  g_assert_true (served);
}

static void
test_chapter3 (void)
{
  g_autofree char *dir = g_dir_make_tmp ("conclave-c3-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "c3.jsonl", NULL);
  g_auto(Trace) t = { 0 };
  g_auto(Loaded) loaded = { 0 };
  gint64 victim = run_chapter3 (path), server;
  guint squares = 0, parent_receives = 0, tasks = 0, last_receive = 0, last_task = 0;
  g_autoptr(GHashTable) workers = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);

  trace_load (&t, path);
  server = pool_server_pid (&t);
  g_assert_cmpint (server, >, 0);
  for (guint i = 0; i < t.events->len; i++)
    {
      JsonObject *e = t.events->pdata[i];

      if (is (e, "recv", "request"))
        {
          /* every request arrives at the parent, never at a worker */
          g_assert_cmpint (num (e, "pid"), ==, server);
          parent_receives++;
          last_receive = i;
        }
      else if (is (e, "send", "task") && num (e, "pid") == server)
        {
          tasks++;
          last_task = i;
        }
      else if (is (e, "send", "square"))
        {
          check_square (&t, e, server);
          g_hash_table_add (workers, g_memdup2 (&(gint64) { num (e, "pid") }, sizeof (gint64)));
          squares++;
        }
    }
  g_test_message ("%u requests received by the parent, %u tasks, %u squares by %u workers; worker %"
                  G_GINT64_FORMAT " killed", parent_receives, tasks, squares,
                  g_hash_table_size (workers), victim);
  g_assert_cmpuint (squares, >=, 10);
  /* Each request handed on, but the run may end between the parent's
   * last receive and its hand-off: then that receive is its last event. */
  if (tasks + 1 == parent_receives)
    g_assert_cmpuint (last_receive, >, last_task);
  else
    g_assert_cmpuint (tasks, ==, parent_receives);
  g_assert_cmpuint (g_hash_table_size (workers), >=, 2);
  check_series (&t, "c1");
  check_series (&t, "c2");
  check_series (&t, "c3");
  check_replaced (&t, server, victim);
  load_store (&loaded, path);
  g_assert_cmpuint (check_causal (&loaded), >=, 3 * squares);  /* request, task, square each */
  g_unlink (path);
  g_rmdir (dir);
}

/* ---- chapter 4 ---- */

static void
test_chapter4 (gconstpointer data)
{
  const char *scenario = data;
  g_autofree char *dir = g_dir_make_tmp ("conclave-c4-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "c4.jsonl", NULL);
  const char *argv[] = { g_getenv ("CONCLAVE_RUN_PROGRAM"), scenario, "--duration", "7s",
                         "--tempo", "0.2", "--fault", "3s:crash:leader", "--trace", path, NULL };
  g_auto(Trace) t = { 0 };
  g_auto(Loaded) loaded = { 0 };
  const char *crashed = NULL;
  guint candidates = 0, after_crash = 0;

  run (argv);
  trace_load (&t, path);
  for (guint i = 0; i < t.events->len; i++)
    {
      JsonObject *e = t.events->pdata[i];
      const char *why = str (e, "why");

      if (is (e, "crash", NULL))
        crashed = str (e, "node");
      if (!is (e, "state", NULL))
        continue;
      if (g_strcmp0 (str (e, "role"), "candidate") != 0)
        {
          g_assert_null (why);  /* a reason belongs to standing only */
          continue;
        }
      g_assert_nonnull (why);
      g_assert_cmpuint (strlen (why), >, 10);
      candidates++;
      if (crashed != NULL)
        {
          g_autofree char *silence = g_strdup_printf ("no heartbeat from %s for ", crashed);
          after_crash += g_str_has_prefix (why, silence);
        }
    }
  g_test_message ("%s: %u candidate states with a why; %u after %s crashed", scenario,
                  candidates, after_crash, crashed);
  g_assert_nonnull (crashed);
  g_assert_cmpuint (after_crash, >=, 1);
  load_store (&loaded, path);
  check_leaders (&loaded, crashed);
  g_assert_cmpuint (check_causal (&loaded), >=, 20);
  g_unlink (path);
  g_rmdir (dir);
}

/* conclave-run's standard output. */
static char *
run_output (const char * const *argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocess) p = g_subprocess_newv (argv, G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error);
  char *out = NULL;

  g_assert_no_error (error);
  g_assert_true (g_subprocess_communicate_utf8 (p, NULL, NULL, &out, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_successful (p));
  return out;
}

/* A crash of the leader due before the first election waits for it: the
 * run says so, then crashes the first leader elected, whose term a later
 * one follows; every candidate still says why it stood. A run that ends
 * before any election says the crash never happened, and crashes nobody. */
static void
test_leader_not_yet (void)
{
  g_autofree char *dir = g_dir_make_tmp ("conclave-c4-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "c4.jsonl", NULL);
  /* tempo 0.3: heartbeats every 300 ms, the first election after 0.9 s at
   * the earliest, so at 0.3 s there is no leader */
  const char *argv[] = { g_getenv ("CONCLAVE_RUN_PROGRAM"), "chapter-4", "--duration", "5s",
                         "--tempo", "0.3", "--fault", "300ms:crash:leader", "--trace", path, NULL };
  const char *too_short[] = { g_getenv ("CONCLAVE_RUN_PROGRAM"), "chapter-4", "--duration", "600ms",
                              "--fault", "200ms:crash:leader", NULL };
  g_autofree char *out = NULL, *expected = NULL, *short_out = run_output (too_short);
  g_auto(Trace) t = { 0 };
  g_auto(Loaded) loaded = { 0 };
  const char *crashed = NULL, *applied;
  gint64 crash_t = -1, crashed_term = -1, first_leader_t = -1, later_term = -1;
  guint candidates = 0;

  g_assert_nonnull (strstr (short_out, "0.2 s: no leader yet; crashing the first leader elected\n"));
  g_assert_nonnull (strstr (short_out, "crash:leader due at 0.2 s never applied"));
  g_assert_null (strstr (short_out, "(leader, term"));
  g_assert_null (strstr (short_out, "crashed (signal"));
  out = run_output (argv);
  g_assert_nonnull (strstr (out, "0.3 s: no leader yet; crashing the first leader elected\n"));
  trace_load (&t, path);
  for (guint i = 0; i < t.events->len; i++)
    {
      JsonObject *e = t.events->pdata[i];

      if (is (e, "crash", NULL) && crashed == NULL)
        {
          crashed = str (e, "node");
          crash_t = num (e, "t");
        }
      if (!is (e, "state", NULL))
        continue;
      if (g_strcmp0 (str (e, "role"), "candidate") == 0)
        {
          g_assert_nonnull (str (e, "why"));
          candidates++;
        }
      else if (g_strcmp0 (str (e, "role"), "leader") == 0 && crashed == NULL)
        {
          first_leader_t = first_leader_t < 0 ? num (e, "t") : first_leader_t;
          crashed_term = num (e, "term");   /* the last leader before the crash */
        }
      else if (g_strcmp0 (str (e, "role"), "leader") == 0 && later_term < 0)
        later_term = num (e, "term");
    }
  g_test_message ("first leader at %" G_GINT64_FORMAT " ns, crash of %s (term %" G_GINT64_FORMAT
                  ") at %" G_GINT64_FORMAT " ns, next leader's term %" G_GINT64_FORMAT,
                  first_leader_t, crashed, crashed_term, crash_t, later_term);
  g_assert_nonnull (crashed);
  g_assert_cmpint (first_leader_t, >, 0);
  g_assert_cmpint (crash_t, >, first_leader_t);
  g_assert_cmpint (crashed_term, >, 0);
  g_assert_cmpint (later_term, >, crashed_term);
  g_assert_cmpuint (candidates, >=, 2);
  expected = g_strdup_printf (": crash %s (leader, term %" G_GINT64_FORMAT ")\n", crashed, crashed_term);
  applied = strstr (out, expected);
  g_assert_nonnull (applied);
  g_assert_true (applied > strstr (out, "no leader yet"));
  load_store (&loaded, path);
  check_leaders (&loaded, crashed);
  g_unlink (path);
  g_rmdir (dir);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_assert_nonnull (g_getenv ("CONCLAVE_RUN_PROGRAM"));
  g_test_add_func ("/run-chapters/chapter-3", test_chapter3);
  g_test_add_data_func ("/run-chapters/chapter-4/raft", "chapter-4", test_chapter4);
  g_test_add_data_func ("/run-chapters/chapter-4/bully", "chapter-4-bully", test_chapter4);
  g_test_add_data_func ("/run-chapters/chapter-4/ring", "chapter-4-ring", test_chapter4);
  g_test_add_func ("/run-chapters/chapter-4/leader-not-yet", test_leader_not_yet);
  return g_test_run ();
}
