/* node-loop.c — the one poll() loop of a conclave-node process.
 *
 * Everything a node does happens in a callback from here, so faults (delays)
 * and tempo changes can act on any message without threads. Callbacks are
 * looked up by id at dispatch time: a callback may remove watches, add
 * timers, or even fork and wipe the table (node_loop_after_fork) safely.
 * This file must never block outside poll() and never print.
 */
#include "node-loop.h"

#include "conclave-report.h"
#include "node-control.h"

#include <errno.h>
#include <signal.h>
#include <sys/signalfd.h>
#include <unistd.h>

typedef struct {
  guint id;
  int fd;
  short events;
  NodeIoFunc func;
  gpointer data;
} Watch;

typedef struct {
  guint id;
  gint64 due_ns;
  NodeTimerFunc func;
  gpointer data;
  GDestroyNotify destroy;
  gboolean tempo;   /* follows tempo changes */
} Timer;

static GArray *watches;    /* of Watch */
static GPtrArray *timers;  /* of Timer*, few enough to scan */
static guint last_id;
static int signal_fd = -1;
static gboolean quit_requested;
static int quit_code;
static NodeChildFunc child_func;

static void
timer_free (gpointer p)
{
  Timer *timer = p;

  if (timer->destroy != NULL)
    timer->destroy (timer->data);
  g_free (timer);
}

void
node_loop_init (void)
{
  sigset_t set;

  watches = g_array_new (FALSE, FALSE, sizeof (Watch));
  timers = g_ptr_array_new_with_free_func (timer_free);
  sigemptyset (&set);
  sigaddset (&set, SIGTERM);
  sigaddset (&set, SIGINT);
  sigaddset (&set, SIGHUP);
  sigaddset (&set, SIGCHLD);
  sigprocmask (SIG_BLOCK, &set, NULL);
  signal_fd = signalfd (-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
  if (signal_fd < 0)
    g_error ("signalfd: %s", g_strerror (errno));
}

guint
node_loop_add_fd (int fd, short events, NodeIoFunc func, gpointer data)
{
  Watch watch = { ++last_id, fd, events, func, data };

  g_array_append_val (watches, watch);
  return watch.id;
}

void
node_loop_remove_fd (guint id)
{
  for (guint i = 0; i < watches->len; i++)
    if (g_array_index (watches, Watch, i).id == id)
      {
        g_array_remove_index (watches, i);
        return;
      }
}

guint
node_loop_add_timer (double ms, NodeTimerFunc func, gpointer data, GDestroyNotify destroy)
{
  Timer *timer = g_new0 (Timer, 1);

  timer->id = ++last_id;
  timer->due_ns = creport_now_ns () + (gint64) (MAX (ms, 0.0) * 1e6);
  timer->func = func;
  timer->data = data;
  timer->destroy = destroy;
  g_ptr_array_add (timers, timer);
  return timer->id;
}

guint
node_loop_add_tempo_timer (double ms_at_tempo_1, NodeTimerFunc func, gpointer data,
                           GDestroyNotify destroy)
{
  guint id = node_loop_add_timer (node_control_scale_ms (ms_at_tempo_1), func, data, destroy);

  ((Timer *) timers->pdata[timers->len - 1])->tempo = TRUE;
  return id;
}

void
node_loop_retempo (double factor)
{
  gint64 now = creport_now_ns ();

  for (guint i = 0; i < timers->len; i++)
    {
      Timer *timer = timers->pdata[i];

      if (timer->tempo && timer->due_ns > now)
        timer->due_ns = now + (gint64) ((double) (timer->due_ns - now) * factor);
    }
}

void
node_loop_cancel (guint id)
{
  for (guint i = 0; id != 0 && i < timers->len; i++)
    if (((Timer *) timers->pdata[i])->id == id)
      {
        g_ptr_array_remove_index_fast (timers, i);
        return;
      }
}

void
node_loop_set_child_func (NodeChildFunc func)
{
  child_func = func;
}

void
node_loop_quit (int code)
{
  if (!quit_requested)
    quit_code = code;
  quit_requested = TRUE;
}

gboolean
node_loop_quitting (void)
{
  return quit_requested;
}

void
node_loop_after_fork (void)
{
  g_array_set_size (watches, 0);
  g_ptr_array_set_size (timers, 0);
  quit_requested = FALSE;
  child_func = NULL;
}

static Timer *
earliest_timer (void)
{
  Timer *best = NULL;

  for (guint i = 0; i < timers->len; i++)
    {
      Timer *timer = timers->pdata[i];

      if (best == NULL || timer->due_ns < best->due_ns)
        best = timer;
    }
  return best;
}

static int
poll_timeout_ms (void)
{
  Timer *timer = earliest_timer ();
  gint64 wait_ns;

  if (creport_pending () > 0 && creport_fd () < 0)
    return 20;  /* still connecting: retry soon */
  if (timer == NULL)
    return -1;
  wait_ns = timer->due_ns - creport_now_ns ();
  return wait_ns <= 0 ? 0 : (int) MIN ((wait_ns + 999999) / 1000000, G_MAXINT);
}

/* Reads the signalfd; returns the number of SIGCHLDs seen. */
static int
read_signals (gboolean *terminate)
{
  struct signalfd_siginfo info;
  int children = 0;

  while (read (signal_fd, &info, sizeof info) == sizeof info)
    {
      if (info.ssi_signo == SIGCHLD)
        children++;
      else
        *terminate = TRUE;
    }
  return children;
}

static void
handle_signals (void)
{
  gboolean terminate = FALSE;

  if (read_signals (&terminate) > 0 && child_func != NULL)
    child_func ();
  if (terminate)
    node_loop_quit (0);
}

static void
handle_control (short revents)
{
  if (revents & POLLOUT)
    creport_flush ();
  if (revents & (POLLIN | POLLHUP | POLLERR))
    if (creport_read_commands (node_control_handle_line, NULL) < 0)
      node_control_channel_closed ();
}

static void
dispatch_watch (guint id, int fd, short revents)
{
  for (guint i = 0; i < watches->len; i++)
    {
      Watch *watch = &g_array_index (watches, Watch, i);

      if (watch->id == id && watch->fd == fd)
        {
          watch->func (fd, revents, watch->data);
          return;
        }
    }
}

static void
fire_due_timers (void)
{
  gint64 now = creport_now_ns ();
  Timer *timer;

  while (!quit_requested && (timer = earliest_timer ()) != NULL && timer->due_ns <= now)
    {
      guint index = 0;

      g_ptr_array_find (timers, timer, &index);
      g_ptr_array_steal_index_fast (timers, index);  /* freed after it ran */
      timer->func (timer->data);
      timer_free (timer);
    }
}

/* One poll() and everything it found ready. */
static void
iterate (void)
{
  g_autofree struct pollfd *fds = g_new0 (struct pollfd, watches->len + 2);
  g_autofree guint *ids = g_new0 (guint, watches->len + 2);
  guint n = 0;
  int control = creport_fd ();

  fds[n++] = (struct pollfd) { signal_fd, POLLIN, 0 };
  fds[n++] = (struct pollfd) { control, (short) (POLLIN | (creport_pending () ? POLLOUT : 0)), 0 };
  for (guint i = 0; i < watches->len; i++, n++)
    {
      Watch *watch = &g_array_index (watches, Watch, i);

      fds[n] = (struct pollfd) { watch->fd, watch->events, 0 };
      ids[n] = watch->id;
    }
  if (poll (fds, n, poll_timeout_ms ()) < 0 && errno != EINTR)
    g_error ("poll: %s", g_strerror (errno));
  if (fds[0].revents)
    handle_signals ();
  if (fds[1].revents)
    handle_control (fds[1].revents);
  else if (creport_pending () > 0)
    creport_flush ();
  for (guint i = 2; i < n && !quit_requested; i++)
    if (fds[i].revents)
      dispatch_watch (ids[i], fds[i].fd, fds[i].revents);
  fire_due_timers ();
}

int
node_loop_run (void)
{
  quit_requested = FALSE;
  while (!quit_requested)
    iterate ();
  return quit_code;
}

void
node_loop_drain (int ms)
{
  creport_drain (ms);
}

gboolean
node_loop_wait_child (int ms)
{
  struct pollfd pfd = { signal_fd, POLLIN, 0 };
  gboolean terminate = FALSE;

  if (poll (&pfd, 1, ms) <= 0)
    return FALSE;
  return read_signals (&terminate) > 0;
}
