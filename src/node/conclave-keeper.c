/* conclave-keeper.c — ends what a controller started, once it is gone.
 *
 * The controller (the window or conclave-run) starts one keeper beside its
 * nodes, with the control socket's path as its argument and a pipe as its
 * stdin, whose other end only the controller holds. However the controller
 * ends — quits, crashes, SIGKILL — the kernel closes that pipe; the keeper
 * then kills every process that carries the controller's tag
 * (conclave-tagged.h), again and again until none is left (a process may
 * fork while we look), and removes the controller's runtime directory:
 * nothing of the class survives it, not even a double-forked daemon of a
 * student's program that left every process group behind. It ignores the
 * signals of a terminal and of a process group, and must never kill
 * anything untagged.
 */
#include "conclave-tagged.h"

#include <errno.h>
#include <libgen.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define ROUNDS 100          /* at 20 ms: two seconds at most */

static void
nap_ms (long ms)
{
  struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

  while (nanosleep (&ts, &ts) < 0 && errno == EINTR)
    ;
}

/* The socket's private directory, with the nodes' state in it. */
static void
remove_runtime_dir (const char *control)
{
  char dir[4096];

  if (strlen (control) >= sizeof dir)
    return;
  strcpy (dir, control);
  ctagged_remove_dir (dirname (dir));
}

int
main (int argc, char *argv[])
{
  char buf[256];
  ssize_t n;

  if (argc != 2 || argv[1][0] != '/')
    {
      fprintf (stderr, "usage: %s CONTROL-SOCKET-PATH (stdin: the controller's pipe)\n", argv[0]);
      return 2;
    }
  signal (SIGINT, SIG_IGN);
  signal (SIGHUP, SIG_IGN);
  signal (SIGTERM, SIG_IGN);
  signal (SIGQUIT, SIG_IGN);
  signal (SIGPIPE, SIG_IGN);
  setsid ();   /* out of the controller's group and terminal */

  while ((n = read (STDIN_FILENO, buf, sizeof buf)) != 0)
    if (n < 0 && errno != EINTR)
      break;

  for (int round = 0; round < ROUNDS; round++)
    {
      if (ctagged_signal (argv[1], NULL, SIGKILL) == 0)
        break;
      nap_ms (20);
    }
  remove_runtime_dir (argv[1]);
  return 0;
}
