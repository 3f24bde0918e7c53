/* node-pool-server.c — chapter 3: the lecture's Pool server, which squares numbers.
 *
 * As in the lecture's script: the parent binds the UDP socket and calls
 * recvfrom; each request goes to the pool (`apply_async`), and a worker
 * answers the client itself, from the shared server socket, with its own
 * PID on the message. The pool is N pre-forked workers and one task queue,
 * a datagram socketpair as multiprocessing.Pool has its pipe: the parent
 * writes a `task` ("7 for 127.0.0.1:40123"), and whichever worker is idle
 * takes it; a busy worker stops reading until it has replied. A worker
 * that dies is replaced, as the Pool does. The parent never waits for a
 * worker, and a worker never reads the server socket.
 */
#include "node-child.h"
#include "node-control.h"
#include "node-loop.h"
#include "node-net.h"
#include "node-options.h"
#include "node-report.h"
#include "node-roles.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

/* Largest number whose square fits in 64 bits. */
#define SQUARE_MAX 3037000499LL
#define TASK_FOR " for "

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
  int fd;                      /* the server socket, shared with the workers */
  struct sockaddr_in local;
  int tasks[2];                /* the task queue: [0] the parent writes, [1] workers read */
  char queue_src[32];          /* the queue's names in reports */
  char queue_dst[40];
  guint watch;                 /* worker: on tasks[1] while idle */
  guint served;
} Pool;

/* A request a worker is busy with. */
typedef struct {
  Pool *pool;
  NodeLink link;               /* the server socket, to the client */
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

/* "127.0.0.1:40123" → addr; FALSE if it is not one. */
static gboolean
parse_address (const char *text, struct sockaddr_in *addr)
{
  const char *colon = strrchr (text, ':');
  g_autofree char *ip = NULL;
  guint64 port;

  if (colon == NULL || !g_ascii_string_to_unsigned (colon + 1, 10, 1, 65535, &port, NULL))
    return FALSE;
  ip = g_strndup (text, colon - text);
  memset (addr, 0, sizeof *addr);
  addr->sin_family = AF_INET;
  addr->sin_port = htons ((guint16) port);
  return inet_pton (AF_INET, ip, &addr->sin_addr) == 1;
}

static void
square (Job *job, const char *text)
{
  gint64 x;

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
}

/* A worker took a task off the queue: "<request> for <client address>". */
static void
on_task (const NodeLink *link, const NodeWireMsg *msg, gpointer data)
{
  Pool *pool = data;
  g_autofree char *text = node_printable (msg->payload, msg->payload_len);
  char *for_ = g_strrstr (text, TASK_FOR);
  Job *job;

  if (for_ == NULL)
    return;
  *for_ = '\0';
  job = g_new0 (Job, 1);
  job->pool = pool;
  job->link.proto = NODE_PROTO_UDP;
  job->link.fd = pool->fd;
  job->link.local = pool->local;
  if (!parse_address (for_ + strlen (TASK_FOR), &job->link.peer))
    {
      job_free (job);
      return;
    }
  square (job, text);
  printf ("Worker %ld took “%s” from the queue\n", (long) getpid (), text);
  /* busy: the other workers take the next tasks */
  node_loop_remove_fd (pool->watch);
  pool->watch = 0;
  node_loop_add_tempo_timer (opt_work_ms, job_done, job, job_free);
}

static void
on_task_ready (int fd, short revents, gpointer data)
{
  Pool *pool = data;

  node_net_unix_read (fd, pool->queue_src, pool->queue_dst, 1, on_task, pool);
}

static void
worker_listen (Pool *pool)
{
  if (pool->watch == 0)
    pool->watch = node_loop_add_fd (pool->tasks[1], POLLIN, on_task_ready, pool);
}

static int
worker_main (gpointer data)
{
  Pool *pool = data;

  pool->watch = 0;
  pool->served = 0;
  close (pool->tasks[0]);
  pool->tasks[0] = -1;
  printf ("Worker %ld (child of %ld) is ready\n", (long) getpid (), (long) getppid ());
  worker_listen (pool);
  return node_loop_run ();
}

/* ---- the parent ---- */

static Pool *the_pool;

/* recvfrom in the parent, then apply_async: the request goes to the queue. */
static void
on_request (const NodeLink *link, const NodeWireMsg *msg, gpointer data)
{
  Pool *pool = data;
  g_autofree char *text = node_printable (msg->payload, msg->payload_len);
  g_autofree char *task = NULL;
  char client[NODE_ADDR_LEN];

  node_addr_format (&link->peer, client);
  printf ("Received “%s” from %s; handing it to the pool\n", text, client);
  task = g_strdup_printf ("%s" TASK_FOR "%s", text, client);
  node_net_unix_send (pool->tasks[0], pool->queue_src, pool->queue_dst, "task", task);
}

static void
on_datagram (int fd, short revents, gpointer data)
{
  Pool *pool = data;

  node_net_udp_read (fd, &pool->local, G_MAXINT, on_request, pool);
}

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

static gboolean
open_queue (Pool *pool)
{
  if (socketpair (AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, pool->tasks) < 0)
    {
      fprintf (stderr, "Server could not make its task queue: %s\n", g_strerror (errno));
      return FALSE;
    }
  g_snprintf (pool->queue_src, sizeof pool->queue_src, "unix:%ld", (long) getpid ());
  g_snprintf (pool->queue_dst, sizeof pool->queue_dst, "unix:%ld:tasks", (long) getpid ());
  return TRUE;
}

int
node_pool_server_main (int argc, char **argv)
{
  g_autoptr(GError) error = NULL;
  Pool pool = { .tasks = { -1, -1 } };
  int code;

  node_options_parse ("pool-server",
                      "Chapter 3: a UDP server that receives each request and hands it to a pool "
                      "of pre-forked worker processes; a worker squares the number and answers.",
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
  if (!open_queue (&pool))
    return node_finish (1);
  printf ("Server up and running at 127.0.0.1:%u with %d worker processes\n",
          node_options_port (), opt_workers);
  the_pool = &pool;
  node_child_set_reaped_func (on_reaped);
  for (int i = 0; i < opt_workers; i++)
    start_worker (NULL);
  node_loop_add_fd (pool.fd, POLLIN, on_datagram, &pool);
  code = node_loop_run ();
  node_child_stop_all (1000);
  return node_finish (code);
}
