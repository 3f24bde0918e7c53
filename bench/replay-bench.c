/* replay-bench.c — what a big recording costs the window's replay: a
 * 1,000,000-event class (three group servers and two clients: hellos,
 * leader changes, heartbeats and posts, a leader crash and its restart)
 * saved as .jsonl.gz, then opened as the window opens it (trace read into a
 * store, a replay cluster fed to the end and rebased on its own store,
 * which replays it again once to keep checkpoints, the read store dropped)
 * and scrubbed as the scrubber does, through the same calls as
 * conclave_session_seek (forward: more feeding; backward, or far forward
 * past a checkpoint: a fresh replay of the kept recording, restored from
 * the checkpoint before the moment and fed on). Prints the open time,
 * frame times (mean, p95, worst, and CPU) and resident bytes per event
 * (VmRSS grown, and what holds it). Figures, not a test:
 *
 *   ninja -C _build bench/replay-bench && _build/bench/replay-bench [EVENTS [KEEP.jsonl.gz]]
 *
 * With KEEP the recording stays there (for `conclave-run --replay KEEP`).
 */
#include "config.h"

#include <glib/gstdio.h>
#include <malloc.h>
#include <stdlib.h>
#include <time.h>

#include "conclave-cluster.h"
#include "conclave-protocol.h"
#include "conclave-trace-file.h"

#define N_SERVERS 3
#define N_PROCS   5
#define STEP_NS   (G_GINT64_CONSTANT (3600000000000) / 1000000)   /* an hour per million */
#define N_FRAMES  60

typedef struct {
  ConclaveEventStore *store;
  GArray             *batch;
  guint32             kinds[3];
  guint32             role_leader, role_follower;
  guint32             names[N_PROCS];
  guint32             addrs[N_PROCS];
  guint32             procs[N_PROCS];   /* each node's current process */
  gint64              t;
  guint64             key;
} Class;

static void
add (Class *c, ConclaveEvent e)
{
  e.time_ns = (c->t += STEP_NS);
  g_array_append_val (c->batch, e);
  if (c->batch->len == 4096)
    {
      conclave_event_store_append (c->store, (ConclaveEvent *) c->batch->data, c->batch->len);
      g_array_set_size (c->batch, 0);
    }
}

/* A node's process starts: spawned by the controller, then says hello. */
static void
start (Class *c, guint n, gint pid)
{
  ConclaveIntern *intern = conclave_event_store_get_intern (c->store);
  ConclaveProcessInfo *info = conclave_event_store_add_process (c->store, pid);
  guint32 role = conclave_intern_add (intern, n < N_SERVERS ? "group-server" : "group-client");
  g_autofree char *argv = g_strdup_printf ("/usr/bin/conclave-node,%s", n < N_SERVERS ? "group-server" : "group-client");

  info->node = c->names[n];
  info->role = role;
  info->program = conclave_intern_add (intern, "conclave-node");
  info->ppid = getpid ();
  info->first_ns = c->t + STEP_NS;
  c->procs[n] = info->index;
  add (c, (ConclaveEvent) { .type = CONCLAVE_EVENT_SPAWN, .s = { c->names[n], 0, conclave_intern_add (intern, argv) }, .len = pid });
  add (c, (ConclaveEvent) { .type = CONCLAVE_EVENT_HELLO, .proc = info->index, .s = { role, c->names[n], info->program },
                            .len = pid, .num = getpid (), .lc = 1 });
  add (c, (ConclaveEvent) { .type = CONCLAVE_EVENT_SOCKET, .proc = info->index,
                            .s = { conclave_intern_add (intern, "bind"), c->addrs[n], 0 } });
}

static void
lead (Class *c, guint leader, gint64 term)
{
  for (guint n = 0; n < N_SERVERS; n++)
    add (c, (ConclaveEvent) { .type = CONCLAVE_EVENT_STATE, .proc = c->procs[n], .key = term,
                              .s = { n == leader ? c->role_leader : c->role_follower, c->names[leader] } });
}

static void
message (Class *c, guint from, guint to, guint kind)
{
  ConclaveEvent send = { .type = CONCLAVE_EVENT_SEND, .proc = c->procs[from], .proto = CONCLAVE_PROTO_UDP,
                         .key = ((guint64) (20000 + from) << 32) | ++c->key, .s = { c->kinds[kind], c->addrs[from], c->addrs[to] }, .len = 40 };
  ConclaveEvent recv = send;

  recv.type = CONCLAVE_EVENT_RECV;
  recv.proc = c->procs[to];
  add (c, send);
  add (c, recv);
}

static void
record (ConclaveEventStore *store, guint n_events)
{
  ConclaveIntern *intern = conclave_event_store_get_intern (store);
  Class c = { .store = store, .batch = g_array_new (FALSE, FALSE, sizeof (ConclaveEvent)) };
  const char *kinds[] = { "heartbeat", "append", "post" };
  guint leader = 0;
  gint64 term = 1;

  for (guint i = 0; i < G_N_ELEMENTS (kinds); i++)
    c.kinds[i] = conclave_intern_add (intern, kinds[i]);
  c.role_leader = conclave_intern_add (intern, "leader");
  c.role_follower = conclave_intern_add (intern, "follower");
  for (guint n = 0; n < N_PROCS; n++)
    {
      g_autofree char *name = g_strdup_printf ("%c%u", n < N_SERVERS ? 's' : 'c', n < N_SERVERS ? n + 1 : n - N_SERVERS + 1);
      g_autofree char *addr = g_strdup_printf ("127.0.0.1:%u", 7001 + n);
      c.names[n] = conclave_intern_add (intern, name);
      c.addrs[n] = conclave_intern_add (intern, addr);
      start (&c, n, 20000 + n);
    }
  lead (&c, leader, term);
  while (conclave_event_store_get_end (store) + c.batch->len + 16 < n_events)
    {
      guint64 at = conclave_event_store_get_end (store) + c.batch->len;
      guint f = (leader + 1 + at % 2) % N_SERVERS;

      /* Every 100,000 events the leader crashes, comes back, another leads. */
      if (at / 100000 != (at + 12) / 100000)
        {
          add (&c, (ConclaveEvent) { .type = CONCLAVE_EVENT_EXITED, .s = { c.names[leader] }, .lc = 9,
                                     .len = (guint32) conclave_event_store_get_process (store, c.procs[leader])->pid });
          start (&c, leader, 30000 + (gint) (at / 1000));
          leader = (leader + 1) % N_SERVERS;
          lead (&c, leader, ++term);
        }
      message (&c, leader, f, 0);
      message (&c, 3 + at % 2, leader, 2);
      message (&c, leader, f, 1);
    }
  conclave_event_store_append (store, (ConclaveEvent *) c.batch->data, c.batch->len);
  g_array_unref (c.batch);
}

static gsize
rss_bytes (void)
{
  g_autofree char *status = NULL;
  const char *line;

  if (!g_file_get_contents ("/proc/self/status", &status, NULL, NULL) || (line = strstr (status, "VmRSS:")) == NULL)
    return 0;
  return (gsize) g_ascii_strtoull (line + 6, NULL, 10) * 1024;
}

/* VmRSS grown since before the open, per event, and where the bytes are:
 * the events (records, chunk tables, strings) of the kept recording and
 * of the shown replay's store when it is another (scrubbed back), and the
 * matcher's message table. */
static void
print_resident (const char *when, ConclaveCluster *shown, gsize rss_before, guint64 n)
{
  ConclaveEventStore *store = conclave_cluster_get_store (shown);
  ConclaveEventStore *source = conclave_cluster_get_replay_source (shown);
  ConclaveMatcher *matcher = conclave_cluster_get_matcher (shown);
  double messages = (double) conclave_matcher_get_memory (matcher);

  gsize checkpoint_bytes;
  guint checkpoints = conclave_cluster_replay_count_checkpoints (shown, &checkpoint_bytes);

  g_print ("resident %s: %.1f bytes/event (VmRSS); of it: recording %.1f, shown replay's store %.1f, "
           "its messages %.1f (the recording's final table, read but for the chunks its moment changes), "
           "%u checkpoints %.2f\n", when, (double) (rss_bytes () - rss_before) / n,
           (double) conclave_event_store_get_memory (source) / n,
           store == source ? 0.0 : (double) conclave_event_store_get_memory (store) / n, messages / n,
           checkpoints, (double) checkpoint_bytes / n);
}

static double
cpu_ms (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_THREAD_CPUTIME_ID, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int
compare_doubles (gconstpointer a, gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return (x > y) - (x < y);
}

static void
print_frames (const char *what, GArray *ms)
{
  double sum = 0;

  g_array_sort (ms, compare_doubles);
  for (guint i = 0; i < ms->len; i++)
    sum += g_array_index (ms, double, i);
  g_print ("%-9s %3u frames: mean %7.1f ms  p95 %7.1f ms  worst %7.1f ms  (%.0f frames/s at the mean)\n",
           what, ms->len, sum / ms->len, g_array_index (ms, double, (guint) (ms->len * 0.95)),
           g_array_index (ms, double, ms->len - 1), 1000.0 / (sum / ms->len));
}

/* What the session does to show index `end` (conclave_session_seek):
 * forward, feed; back (or far forward past a checkpoint), a fresh replay
 * of the kept recording (conclave_cluster_new_replay_again), which starts
 * from the checkpoint before `end` and is fed up to it. */
static double
seek (ConclaveCluster **shown, guint64 end)
{
  gint64 start = g_get_monotonic_time ();

  if (conclave_cluster_replay_needs_again (*shown, end))
    {
      ConclaveCluster *again = conclave_cluster_new_replay_again (*shown, NULL);

      g_object_unref (*shown);
      *shown = again;
    }
  conclave_cluster_replay_to (*shown, end);
  return (g_get_monotonic_time () - start) / 1000.0;
}

/* A drag moves the scrubber a pixel or so a frame: 1/600 of the
 * recording. Back from the end (the dearest place to go back to), forward
 * from the middle, and jumps anywhere. */
#define DRAG_STEP(end) ((end) / 600)
static guint64 back_from_end (guint i, guint64 end, GRand *rand)  { return end - (i + 1) * DRAG_STEP (end); }
static guint64 on_from_middle (guint i, guint64 end, GRand *rand) { return end / 2 + (i + 1) * DRAG_STEP (end); }
static guint64 random_seek (guint i, guint64 end, GRand *rand)    { return g_rand_int_range (rand, 0, (gint32) end); }

static void
scrub (ConclaveCluster **shown, const char *what, guint64 end, guint64 (*where) (guint, guint64, GRand *))
{
  g_autoptr(GArray) ms = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) cpu = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GRand) rand = g_rand_new_with_seed (7);

  /* Where the drag starts is no frame of it. */
  if (where != random_seek)
    seek (shown, where (0, end, rand) + DRAG_STEP (end) * (where == back_from_end ? 1 : -1));
  for (guint i = 0; i < N_FRAMES; i++)
    {
      double c = cpu_ms ();
      double t = seek (shown, where (i, end, rand));

      c = cpu_ms () - c;
      g_array_append_val (ms, t);
      g_array_append_val (cpu, c);
    }
  print_frames (what, ms);
  /* The machine may be shared: what the frames cost this thread. */
  print_frames ("  CPU", cpu);
}

int
main (int argc, char *argv[])
{
  guint n_events = argc > 1 ? (guint) g_ascii_strtoull (argv[1], NULL, 10) : 1000000;
  g_autofree char *dir = g_dir_make_tmp ("conclave-replay-bench-XXXXXX", NULL);
  g_autofree char *path = argc > 2 ? g_strdup (argv[2]) : g_build_filename (dir, "class.jsonl.gz", NULL);
  g_autoptr(GError) error = NULL;
  ConclaveEventStore *loaded = conclave_event_store_new ();
  ConclaveEventStore *kept;
  g_autoptr(ConclaveCluster) shown = NULL;
  ConclaveEventStore *written = conclave_event_store_new ();
  ConclaveTraceHeader header = { .format = 1, .scenario = (char *) "chapter-4", .tempo = 1, .election = (char *) "raft" };
  gsize rss_before;
  gint64 start;
  g_autofree char *problem = NULL;
  guint n_bad = 0;
  guint64 n;

  record (written, n_events);
  if (!conclave_trace_save (written, path, &header, &error))
    g_error ("%s", error->message);
  g_object_unref (written);
  malloc_trim (0);
  rss_before = rss_bytes ();

  start = g_get_monotonic_time ();
  /* As the window opens it: the file read into a store, a replay fed to
   * the end and rebased on its own store, the file's store dropped. */
  if (!conclave_trace_load (loaded, path, &n_bad, &problem, &error) ||
      (shown = conclave_cluster_new_replay (loaded, "class.jsonl.gz", &error)) == NULL)
    g_error ("%s", error->message);
  conclave_cluster_replay_to (shown, G_MAXUINT64);
  conclave_cluster_replay_rebase (shown);
  g_clear_object (&loaded);
  kept = conclave_cluster_get_store (shown);
  n = conclave_event_store_get_end (kept);
  g_print ("%" G_GUINT64_FORMAT " events (%u bad lines): opened in %.2f s\n", n, n_bad,
           (g_get_monotonic_time () - start) / 1e6);
  malloc_trim (0);   /* what is held, not what the reader's parsing left free */
  if (problem != NULL)
    g_print ("first bad line: %s\n", problem);
  print_resident ("after open", shown, rss_before, n);
  scrub (&shown, "backward", n, back_from_end);
  scrub (&shown, "forward", n, on_from_middle);
  scrub (&shown, "random", n, random_seek);
  malloc_trim (0);
  print_resident ("after scrubbing", shown, rss_before, n);
  if (argc <= 2)
    g_unlink (path);
  g_rmdir (dir);
  return 0;
}
