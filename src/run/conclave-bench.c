/* conclave-bench.c — figures for the ingest path (not a test; prints numbers).
 *
 *   conclave-bench ingest [--writers K] [--seconds S] [--events E] [--retention N]
 *
 * K writer processes (fork()ed, each with its own control connection, as
 * every node has) write send/recv lines in the reporter's format as fast as
 * the socket takes them, for S seconds (or until they wrote E lines in all). The controller is the real thing: a
 * ConclaveCluster (control server thread, parser, store, matcher, node
 * models). Printed: events/s stored, loss (sequence gaps and missing lines),
 * us of controller CPU per event, bytes per stored event, and the real
 * resident size (/proc/self/status: VmRSS now, VmHWM the peak) per event
 * ingested, beyond what the process held before the writers started. With
 * --retention N the store keeps the newest N events (default: all), and
 * everything fed by it must keep no more. CONCLAVE_BENCH_MALLOC_STATS=1
 * also prints glibc's malloc_stats() (heap kept vs. in use) to stderr.
 */
#include "config.h"

#include "conclave-bench-failover.h"
#include "conclave-cluster.h"
#include "conclave-protocol.h"
#include "conclave-line-parser.h"

#include <errno.h>
#include <malloc.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static gint64
mono_ns (void)
{
  struct timespec ts;
  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (gint64) ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* CPU time of the calling thread, in ns. */
static gint64
thread_cpu_ns (void)
{
  struct timespec ts;
  clock_gettime (CLOCK_THREAD_CPUTIME_ID, &ts);
  return (gint64) ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static int
connect_control (const char *path)
{
  struct sockaddr_un addr = { .sun_family = AF_UNIX };
  int fd = socket (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

  g_strlcpy (addr.sun_path, path, sizeof addr.sun_path);
  if (fd < 0 || connect (fd, (struct sockaddr *) &addr, sizeof addr) < 0)
    return -1;
  return fd;
}

static gboolean
write_all (int fd, const char *buf, gsize len)
{
  while (len > 0)
    {
      ssize_t n = write (fd, buf, len);
      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        return FALSE;
      buf += n;
      len -= (gsize) n;
    }
  return TRUE;
}

/* A writer: a pair of sends and receives per message, like two nodes would
 * report, batched into 16 KiB writes. Prints how many lines it wrote. */
static G_GNUC_NORETURN void
run_writer (const char *path, guint index, gint64 until_ns, guint64 max_lines, int result_fd)
{
  int fd = connect_control (path);
  char buf[16384 + 1024];
  gsize used = 0;
  guint64 seq = 0, msg = 0;
  pid_t pid = getpid ();
  static const char * const previews[] = { "Hi server!", "Hi client! Nice to connect with you!", "7", "49", "heartbeat" };

  prctl (PR_SET_PDEATHSIG, SIGKILL);
  if (fd < 0)
    _exit (1);
  used = (gsize) g_snprintf (buf, sizeof buf,
                             "{\"ev\":\"" CONCLAVE_EV_HELLO "\",\"seq\":0,\"t\":%" G_GINT64_FORMAT ",\"v\":1,\"pid\":%d,\"ppid\":%d,"
                             "\"node\":\"w%u\",\"role\":\"bench-writer\",\"program\":\"conclave-bench\"}\n",
                             mono_ns (), pid, getppid (), index);
  seq = 1;
  while (mono_ns () < until_ns && seq < max_lines)
    {
      for (guint i = 0; i < 32 && seq < max_lines; i++, msg++)
        {
          const char *ev = (msg & 1) ? CONCLAVE_EV_RECV : CONCLAVE_EV_SEND;
          used += (gsize) g_snprintf (buf + used, sizeof buf - used,
                                      "{\"ev\":\"%s\",\"seq\":%" G_GUINT64_FORMAT ",\"t\":%" G_GINT64_FORMAT ","
                                      "\"proto\":\"udp\",\"src\":\"127.0.0.1:%u\",\"dst\":\"127.0.0.1:10001\","
                                      "\"len\":%u,\"kind\":\"request\",\"preview\":\"%s\",\"id\":\"%d:%" G_GUINT64_FORMAT "\",\"lc\":%" G_GUINT64_FORMAT "}\n",
                                      ev, seq++, mono_ns (), 40000 + index, 10 + (guint) (msg % 50),
                                      previews[msg % G_N_ELEMENTS (previews)], pid, msg / 2, msg);
          if (used > 16384)
            break;
        }
      if (!write_all (fd, buf, used))
        _exit (2);
      used = 0;
    }
  if (write (result_fd, &seq, sizeof seq) != sizeof seq)
    _exit (3);
  close (fd);
  _exit (0);
}

/* A "VmRSS:" or "VmHWM:" figure of /proc/self/status, in bytes (0 if none). */
static guint64
proc_status_bytes (const char *field)
{
  g_autofree char *status = NULL;
  const char *line;

  if (!g_file_get_contents ("/proc/self/status", &status, NULL, NULL) || !(line = strstr (status, field)))
    return 0;
  return g_ascii_strtoull (line + strlen (field), NULL, 10) * 1024;
}

static void
bench_ingest (guint writers, double seconds, guint64 events, guint64 retention)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ConclaveCluster) cluster = conclave_cluster_new (&error);
  g_autoptr(GArray) pids = g_array_new (FALSE, FALSE, sizeof (pid_t));
  ConclaveEventStore *store;
  int pipefd[2];
  gint64 start_ns, until_ns, end_ns, deadline;
  guint64 written = 0, stored, seq_lost;
  struct rusage before, after;
  double cpu_s, wall_s, main_s;
  gint64 main_cpu_ns;
  guint64 counts[5];
  gsize memory;
  guint64 rss_before, rss, hwm, ingested, live_messages;
  gsize matcher_bytes;

  if (cluster == NULL)
    g_error ("%s", error->message);
  store = conclave_cluster_get_store (cluster);
  conclave_event_store_set_retention (store, retention);
  if (pipe2 (pipefd, O_CLOEXEC | O_NONBLOCK) < 0)
    g_error ("pipe: %s", g_strerror (errno));

  rss_before = proc_status_bytes ("VmRSS:");
  getrusage (RUSAGE_SELF, &before);
  main_cpu_ns = thread_cpu_ns ();
  start_ns = mono_ns ();
  until_ns = start_ns + (gint64) (seconds * 1e9);
  for (guint i = 0; i < writers; i++)
    {
      pid_t pid = fork ();
      if (pid == 0)
        run_writer (conclave_cluster_get_control_path (cluster), i, until_ns, events / writers, pipefd[1]);
      g_array_append_val (pids, pid);
    }
  close (pipefd[1]);

  /* Run the controller until every writer reported and every line is in. */
  for (guint done = 0; done < writers;)
    {
      guint64 n;
      while (g_main_context_iteration (NULL, FALSE))
        ;
      if (read (pipefd[0], &n, sizeof n) == sizeof n)
        {
          written += n;
          done++;
        }
      else if (mono_ns () >= until_ns + 10 * (gint64) 1000000000)
        break;  /* a writer that never reports */
      else
        g_main_context_iteration (NULL, TRUE);  /* the cluster's timers wake it */
    }
  deadline = mono_ns () + 20 * (gint64) 1000000000;
  while (conclave_event_store_get_end (store) < written && mono_ns () < deadline)
    g_main_context_iteration (NULL, TRUE);
  end_ns = mono_ns ();
  getrusage (RUSAGE_SELF, &after);
  main_s = (double) (thread_cpu_ns () - main_cpu_ns) / 1e9;
  rss = proc_status_bytes ("VmRSS:");
  hwm = proc_status_bytes ("VmHWM:");
  ingested = conclave_event_store_get_end (store);
  /* Only the writers: the cluster's keeper lives as long as the cluster. */
  for (guint i = 0; i < pids->len; i++)
    waitpid (g_array_index (pids, pid_t, i), NULL, 0);

  stored = 0;
  seq_lost = 0;
  for (guint64 i = conclave_event_store_get_first (store); i < conclave_event_store_get_end (store); i++)
    {
      const ConclaveEvent *e = conclave_event_store_get (store, i);
      if (e->type == CONCLAVE_EVENT_OVERFLOW)
        seq_lost += (guint64) conclave_event_overflow_dropped (e);
      else if (e->type != CONCLAVE_EVENT_SPAWN)
        stored++;
    }
  conclave_matcher_count (conclave_cluster_get_matcher (cluster), counts);
  /* Kept, not ever made: the retention retires the old ones. */
  live_messages = conclave_matcher_get_n_messages (conclave_cluster_get_matcher (cluster)) -
                  conclave_matcher_get_first_message (conclave_cluster_get_matcher (cluster));
  matcher_bytes = conclave_matcher_get_memory (conclave_cluster_get_matcher (cluster));
  memory = conclave_event_store_get_memory (store);
  wall_s = (double) (end_ns - start_ns) / 1e9;
  cpu_s = (double) (after.ru_utime.tv_sec - before.ru_utime.tv_sec + after.ru_stime.tv_sec - before.ru_stime.tv_sec) +
          (double) (after.ru_utime.tv_usec - before.ru_utime.tv_usec + after.ru_stime.tv_usec - before.ru_stime.tv_usec) / 1e6;

  g_print ("ingest: %u writer processes, up to %.1f s of writing (%.2f s until all stored)\n", writers, seconds, wall_s);
  g_print ("  lines written        %" G_GUINT64_FORMAT "\n", written);
  g_print ("  events stored        %" G_GUINT64_FORMAT " of %" G_GUINT64_FORMAT " ingested (retention %" G_GUINT64_FORMAT ")\n",
           stored, ingested, conclave_event_store_get_retention (store));
  g_print ("  loss                 %" G_GUINT64_FORMAT " (sequence gaps %" G_GUINT64_FORMAT ", missing %" G_GINT64_FORMAT ")\n",
           seq_lost + (written > ingested ? written - ingested : 0), seq_lost,
           (gint64) written - (gint64) ingested);
  g_print ("  events/s stored      %.0f\n", (double) ingested / wall_s);
  g_print ("  controller CPU       %.2f s, %.2f us per event (parser thread %.2f + main thread %.2f)\n",
           cpu_s, cpu_s * 1e6 / (double) MAX (ingested, 1), (cpu_s - main_s) * 1e6 / (double) MAX (ingested, 1),
           main_s * 1e6 / (double) MAX (ingested, 1));
  g_print ("  bytes per event      %.1f (store %.1f MiB incl. strings and process table)\n",
           (double) memory / (double) MAX (stored, 1), (double) memory / 1048576.0);
  g_print ("  messages paired      %" G_GUINT64_FORMAT " delivered, %" G_GUINT64_FORMAT " in flight"
           " (+%.1f bytes a message in the matcher, %.1f per event)\n",
           counts[CONCLAVE_MESSAGE_DELIVERED], counts[CONCLAVE_MESSAGE_IN_FLIGHT],
           (double) matcher_bytes / (double) MAX (live_messages, 1), (double) matcher_bytes / (double) MAX (stored, 1));
  g_print ("  real RSS             %.1f MiB (peak %.1f, %.1f before the writers): %.1f bytes per event ingested,"
           " %.1f per event kept\n",
           (double) rss / 1048576.0, (double) hwm / 1048576.0, (double) rss_before / 1048576.0,
           (double) (rss - MIN (rss, rss_before)) / (double) MAX (ingested, 1),
           (double) (rss - MIN (rss, rss_before)) / (double) MAX (stored, 1));
  if (g_getenv ("CONCLAVE_BENCH_MALLOC_STATS"))
    malloc_stats ();
  conclave_cluster_shutdown (cluster);
}

/* The inverse (what a recorded trace costs per event): the same lines as
 * events, written back as trace lines. */
static void
bench_write (ConclaveLineParser *parser, ConclaveIntern *intern, GPtrArray *lines, guint n)
{
  g_autoptr(GArray) events = g_array_sized_new (FALSE, FALSE, sizeof (ConclaveEvent), lines->len);
  g_autoptr(GString) out = g_string_sized_new (512);
  gint64 t0;
  double write_s;

  for (guint i = 0; i < lines->len; i++)
    {
      const char *line = lines->pdata[i];
      ConclaveEvent e;

      conclave_line_parser_parse (parser, line, strlen (line), &e, NULL);
      g_array_append_val (events, e);
    }
  t0 = mono_ns ();
  for (guint i = 0; i < n; i++)
    {
      g_string_truncate (out, 0);
      conclave_event_to_json_line (&g_array_index (events, ConclaveEvent, i % events->len),
                                   intern, "s1", 4242, out);
    }
  write_s = (double) (mono_ns () - t0) / 1e9;
  g_print ("  trace line  %.2f us per event written back (%.0f events/s)\n",
           write_s * 1e6 / n, n / write_s);
}

/* The parser alone: the same send/recv lines through the fast path and
 * through json-glib, one core, no I/O. */
static void
bench_parse (void)
{
  g_autoptr(ConclaveIntern) intern = conclave_intern_new ();
  g_autoptr(ConclaveLineParser) parser = conclave_line_parser_new (intern);
  g_autoptr(GPtrArray) lines = g_ptr_array_new_with_free_func (g_free);
  const guint n = 200000;
  double fast_s = 0, ref_s = 0;
  gint64 t0;

  for (guint i = 0; i < 1000; i++)
    g_ptr_array_add (lines, g_strdup_printf (
      "{\"ev\":\"%s\",\"seq\":%u,\"t\":%" G_GINT64_FORMAT ",\"proto\":\"udp\",\"src\":\"127.0.0.1:%u\","
      "\"dst\":\"127.0.0.1:10001\",\"len\":%u,\"kind\":\"request\",\"preview\":\"Hi server! %u\",\"id\":\"%u:%u\",\"lc\":%u}",
      i & 1 ? CONCLAVE_EV_RECV : CONCLAVE_EV_SEND, i, mono_ns (), 40000 + i % 7, 10 + i % 50, i % 20, 4000 + i % 3, i / 2, i));

  for (int pass = 0; pass < 2; pass++)
    {
      t0 = mono_ns ();
      for (guint i = 0; i < n; i++)
        {
          const char *line = lines->pdata[i % lines->len];
          ConclaveEvent e;
          if (pass == 0)
            conclave_line_parser_parse (parser, line, strlen (line), &e, NULL);
          else
            conclave_line_parser_parse_reference (parser, line, strlen (line), &e, NULL);
        }
      if (pass == 0)
        fast_s = (double) (mono_ns () - t0) / 1e9;
      else
        ref_s = (double) (mono_ns () - t0) / 1e9;
    }
  g_print ("parse: %u send/recv lines, one thread\n", n);
  g_print ("  fast path   %.2f us per line (%.0f lines/s)\n", fast_s * 1e6 / n, n / fast_s);
  g_print ("  json-glib   %.2f us per line (%.0f lines/s)\n", ref_s * 1e6 / n, n / ref_s);
  g_print ("  ratio       %.1fx\n", ref_s / fast_s);
  bench_write (parser, intern, lines, n);
}

int
main (int argc, char *argv[])
{
  int writers = 2;
  double seconds = 3.0;
  gint64 retention = 0, events = 0;
  g_autoptr(GError) error = NULL;
  GOptionEntry entries[] = {
    { "writers", 'k', 0, G_OPTION_ARG_INT, &writers, "Writer processes (default 2)", "K" },
    { "seconds", 's', 0, G_OPTION_ARG_DOUBLE, &seconds, "How long they write (default 3)", "S" },
    { "events", 'e', 0, G_OPTION_ARG_INT64, &events, "Stop after E lines in all (default: no limit)", "E" },
    { "retention", 'r', 0, G_OPTION_ARG_INT64, &retention, "Events the store keeps (default all)", "N" },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("ingest|parse|failover — measure the control channel, or a group's failover");

  if (argc >= 2 && strcmp (argv[1], "failover") == 0)
    return conclave_bench_failover (argc - 1, argv + 1);
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("conclave-bench: %s\n", error->message);
      return 2;
    }
  if (argc == 2 && strcmp (argv[1], "parse") == 0)
    {
      bench_parse ();
      return 0;
    }
  if (argc < 2 || strcmp (argv[1], "ingest") != 0 || writers < 1 || writers > 64 || seconds <= 0 || retention < 0 || events < 0)
    {
      g_printerr ("Usage: conclave-bench ingest [--writers K] [--seconds S] [--events E] [--retention N]\n"
                  "       conclave-bench parse\n"
                  "       conclave-bench failover [--rounds N] [--classroom-rounds M] [--election E|all]\n");
      return 2;
    }
  bench_ingest ((guint) writers, seconds, events > 0 ? (guint64) events : G_MAXUINT64,
                retention > 0 ? (guint64) retention : G_MAXUINT64);
  return 0;
}
