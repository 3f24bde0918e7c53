/* orphan-forker.c — test helper: a process that forks like a server does.
 *
 * Usage: orphan-forker [CHILDREN [GRANDCHILDREN]]   (defaults 2 and 1)
 * Forks CHILDREN children, each of which forks GRANDCHILDREN children of its
 * own. Every one of them sets PR_SET_PDEATHSIG as conclave-node does in its
 * forked children, reports that it is set up, and then waits forever. When
 * all are set up the forker prints "ready N" (N = processes forked) and waits
 * too. Used by test-orphans through orphan-controller; plain libc only.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <unistd.h>

static void
wait_forever (void)
{
  for (;;)
    pause ();
}

/* Die with the parent, like a node's child; tell the forker we are set up. */
static void
become_descendant (pid_t parent,
                   int   ready_fd)
{
  prctl (PR_SET_PDEATHSIG, SIGKILL);
  /* The parent may have died before the line above: then no signal comes. */
  if (getppid () != parent)
    _exit (1);
  if (write (ready_fd, "x", 1) != 1)
    _exit (1);
}

static void
fork_children (int    n,
               int    ready_fd,
               void (*then) (int, int),
               int    arg)
{
  pid_t self = getpid ();

  for (int i = 0; i < n; i++)
    {
      pid_t pid = fork ();

      if (pid < 0)
        {
          perror ("fork");
          exit (1);
        }
      if (pid == 0)
        {
          become_descendant (self, ready_fd);
          if (then != NULL)
            then (arg, ready_fd);
          wait_forever ();
        }
    }
}

static void
fork_grandchildren (int n,
                    int ready_fd)
{
  fork_children (n, ready_fd, NULL, 0);
}

int
main (int argc, char *argv[])
{
  int children = argc > 1 ? atoi (argv[1]) : 2;
  int grandchildren = argc > 2 ? atoi (argv[2]) : 1;
  int expected = children + children * grandchildren;
  int ready[2];
  int got = 0;

  if (children < 0 || grandchildren < 0 || pipe (ready) != 0)
    {
      fprintf (stderr, "usage: orphan-forker [CHILDREN [GRANDCHILDREN]]\n");
      return 2;
    }

  fork_children (children, ready[1], fork_grandchildren, grandchildren);
  while (got < expected)
    {
      char buffer[64];
      ssize_t n = read (ready[0], buffer, sizeof buffer);

      if (n <= 0)
        break;
      got += (int) n;
    }
  printf ("ready %d\n", got);
  fflush (stdout);
  wait_forever ();
}
