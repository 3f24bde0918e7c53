/* lan-enter.c — `conclave-lan enter PID PROGRAM…`: a node onto its host.
 *
 * The supervisor starts this in place of the node's program (same pid,
 * same process group, PR_SET_PDEATHSIG already set); it joins the
 * namespaces of host PID (a process the helper keeps for that node) and
 * execs the program there. As the owner of the user namespace it may
 * join it; the capabilities that gives are gone again at exec for an
 * ordinary user (the namespace maps our own uid to itself, not to root).
 * It must never exec anything but the program it was given.
 */
#include "lan.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

static const struct {
  const char *name;
  int         type;
} namespaces[] = {
  { "user", CLONE_NEWUSER },   /* first: it gives the right to join the rest */
  { "mnt",  CLONE_NEWNS },
  { "uts",  CLONE_NEWUTS },
  { "net",  CLONE_NEWNET },
};

#define N_NAMESPACES (sizeof namespaces / sizeof namespaces[0])

static int
join (const char *host)
{
  int fds[N_NAMESPACES];
  char path[64];
  int failed = 0;

  for (size_t i = 0; i < N_NAMESPACES; i++)
    {
      snprintf (path, sizeof path, "/proc/%s/ns/%s", host, namespaces[i].name);
      fds[i] = open (path, O_RDONLY | O_CLOEXEC);
      if (fds[i] < 0)
        {
          fprintf (stderr, "conclave-lan: the host of this node is gone (%s: %s)\n", path, strerror (errno));
          failed = 1;
        }
    }
  for (size_t i = 0; i < N_NAMESPACES && !failed; i++)
    if (setns (fds[i], namespaces[i].type) != 0)
      {
        fprintf (stderr, "conclave-lan: cannot join the %s namespace of host %s: %s\n",
                 namespaces[i].name, host, strerror (errno));
        failed = 1;
      }
  for (size_t i = 0; i < N_NAMESPACES; i++)
    if (fds[i] >= 0)
      close (fds[i]);
  return failed ? -1 : 0;
}

int
lan_enter_main (int argc, char **argv)
{
  char cwd[PATH_MAX];
  pid_t parent = getppid ();
  int have_cwd = getcwd (cwd, sizeof cwd) != NULL;

  if (join (argv[1]) != 0)
    return 126;
  /* Joining a mount namespace moves us to its root. */
  if (have_cwd && chdir (cwd) != 0)
    fprintf (stderr, "conclave-lan: cannot go back to %s: %s\n", cwd, strerror (errno));
  /* A change of credentials may clear the parent-death signal: set it
   * again, and go if the controller died before it was set. */
  prctl (PR_SET_PDEATHSIG, SIGKILL);
  if (getppid () != parent)
    return 127;
  execvp (argv[2], argv + 2);
  fprintf (stderr, "conclave-lan: cannot run %s: %s\n", argv[2], strerror (errno));
  return 127;
}
