/* node-pool-server.c — chapter 3: a process pool that squares numbers.
 *
 * The parent binds the UDP socket and pre-forks N workers that share it
 * (like the lecture's multiprocessing.Pool around one server socket). Every
 * idle worker waits on the socket; the kernel hands each datagram to one of
 * them, the others find nothing and keep waiting. A busy worker stops
 * reading until it has replied, so concurrent requests spread over the
 * pool, and the same few PIDs serve request after request. The parent only
 * keeps N workers alive. A worker must never block the others: it takes one
 * datagram at a time.
 */
#include "node-child.h"
#include "node-control.h"
#include "node-loop.h"
#include "node-net.h"
#include "node-options.h"
#include "node-report.h"
#include "node-roles.h"

#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

/* Largest number whose square fits in 64 bits. */
#define SQUARE_MAX 3037000499LL

static int opt_workers = 4;
static int opt_work_ms = 500;

static const GOptionEntry entries[] = {
  { "workers", 'w', 0, G_OPTION_ARG_INT, &opt_workers,
    "Worker processes in the pool, 1 to 64 (default 4)", "N" },
  { "work-ms", 0, 0, G_OPTION_ARG_INT, &opt_work_ms,
    "How long a worker works on a request at tempo 1 (default 500)", "MS" },
  { NULL }
};

typedef struct {
  int fd;
  struct sockaddr_in local;
  guint watch;
  guint served;
} Pool;

/* A request a worker is busy with. */
typedef struct {
  Pool *pool;
  NodeLink link;
  char *reply_kind;
  char *reply;
} Job;

static void worker_listen (Pool *pool);

static void
job_free (gpointer data)
{
  Job *job = data;

  g_free (job->reply_kind);
  g_free (job->reply);
  g_free (job);
}

static void
job_done (gpointer data)
{
  Job *job = data;
  char client[NODE_ADDR_LEN];

  node_addr_format (&job->link.peer, client);
  node_net_send (&job->link, job->reply_kind, job->reply);
  job->pool->served++;
  printf ("Worker %ld sent %s to %s (%u served so far)\n",
          (long) getpid (), job->reply, client, job->pool->served);
  worker_listen (job->pool);
}

static void
on_request (const NodeLink *link, const NodeWireMsg *msg, gpointer data)
{
  Pool *pool = data;
  g_autofree char *text = node_printable (msg->payload, msg->payload_len);
  Job *job = g_new0 (Job, 1);
  gint64 x;

  job->pool = pool;
  job->link = *link;
  if (g_ascii_string_to_signed (text, 10, -SQUARE_MAX, SQUARE_MAX, &x, NULL))
    {
      job->reply_kind = g_strdup ("square");
      job->reply = g_strdup_printf ("%" G_GINT64_FORMAT "*%" G_GINT64_FORMAT "=%" G_GINT64_FORMAT,
                                    x, x, x * x);
    }
  else
    {
      job->reply_kind = g_strdup ("error");
      job->reply = g_strdup_printf ("not a number I can square: %s", text);
    }
  printf ("Worker %ld received “%s” (%s)\n", (long) getpid (), text, msg->kind);
  /* busy: let the other workers take the next datagrams */
  node_loop_remove_fd (pool->watch);
  pool->watch = 0;
  node_loop_add_tempo_timer (opt_work_ms, job_done, job, job_free);
}

static void
on_datagram (int fd, short revents, gpointer data)
{
  Pool *pool = data;

  node_net_udp_read (fd, &pool->local, 1, on_request, pool);
}

static void
worker_listen (Pool *pool)
{
  if (pool->watch == 0)
    pool->watch = node_loop_add_fd (pool->fd, POLLIN, on_datagram, pool);
}

static int
worker_main (gpointer data)
{
  Pool *pool = data;

  pool->watch = 0;
  pool->served = 0;
  printf ("Worker %ld (child of %ld) is ready\n", (long) getpid (), (long) getppid ());
  worker_listen (pool);
  return node_loop_run ();
}

/* ---- the parent ---- */

static Pool *the_pool;

static void
start_worker (gpointer data)
{
  pid_t pid = node_child_spawn (worker_main, the_pool);

  if (pid > 0)
    printf ("Started worker %ld\n", (long) pid);
}

static void
on_reaped (pid_t pid, int status)
{
  if (WIFEXITED (status))
    printf ("Worker %ld ended (exit code %d); starting a new one\n", (long) pid, WEXITSTATUS (status));
  else
    printf ("Worker %ld was killed by signal %d; starting a new one\n", (long) pid, WTERMSIG (status));
  /* a moment later, so a worker that dies at once cannot make us spin */
  node_loop_add_tempo_timer (200, start_worker, NULL, NULL);
}

int
node_pool_server_main (int argc, char **argv)
{
  g_autoptr(GError) error = NULL;
  Pool pool = { 0 };
  int code;

  node_options_parse ("pool-server",
                      "Chapter 3: a UDP server with a pool of pre-forked worker processes "
                      "that square the numbers clients send.",
                      entries, argc, argv);
  node_options_require (opt_workers >= 1 && opt_workers <= 64, "--workers must be from 1 to 64");
  node_options_require (opt_work_ms >= 0, "--work-ms must be 0 or more");
  node_start ("pool-server");
  pool.fd = node_net_udp_open (node_options_port (), &pool.local, &error);
  if (pool.fd < 0)
    {
      fprintf (stderr, "Server could not start: %s\n", error->message);
      return node_finish (1);
    }
  printf ("Server up and running at 127.0.0.1:%u with %d worker processes\n",
          node_options_port (), opt_workers);
  the_pool = &pool;
  node_child_set_reaped_func (on_reaped);
  for (int i = 0; i < opt_workers; i++)
    start_worker (NULL);
  code = node_loop_run ();
  node_child_stop_all (1000);
  return node_finish (code);
}
