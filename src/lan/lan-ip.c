/* lan-ip.c — configuring links with iproute2's `ip`, not hand-made netlink.
 *
 * One `ip -batch -` per namespace and step: the commands go in on a pipe.
 * Must never run a shell.
 */
#include "lan.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

static const char *
ip_program (void)
{
  static const char * const places[] = { "/usr/sbin/ip", "/sbin/ip", "/usr/bin/ip", "/bin/ip" };

  for (size_t i = 0; i < sizeof places / sizeof places[0]; i++)
    if (access (places[i], X_OK) == 0)
      return places[i];
  return "ip";   /* execvp finds it on PATH, or says it is missing */
}

static void
run_child (pid_t netns_pid, int input)
{
  char path[64];
  int fd;

  prctl (PR_SET_PDEATHSIG, SIGKILL);
  if (netns_pid > 0)
    {
      snprintf (path, sizeof path, "/proc/%d/ns/net", (int) netns_pid);
      fd = open (path, O_RDONLY | O_CLOEXEC);
      if (fd < 0 || setns (fd, CLONE_NEWNET) != 0)
        {
          fprintf (stderr, "conclave-lan: cannot enter %s: %s\n", path, strerror (errno));
          _exit (126);
        }
    }
  dup2 (input, STDIN_FILENO);
  execlp (ip_program (), "ip", "-batch", "-", (char *) NULL);
  fprintf (stderr, "conclave-lan: cannot run ip (iproute2): %s\n", strerror (errno));
  _exit (127);
}

int
lan_ip (pid_t netns_pid, const char *commands)
{
  int fds[2];
  int status = 0;
  int short_write = 0;
  pid_t pid;
  size_t len = strlen (commands);

  if (pipe2 (fds, O_CLOEXEC) != 0)
    return -1;
  pid = fork ();
  if (pid < 0)
    {
      close (fds[0]);
      close (fds[1]);
      return -1;
    }
  if (pid == 0)
    run_child (netns_pid, fds[0]);
  close (fds[0]);
  /* A few hundred bytes: less than a pipe holds, so this never blocks. */
  if (write (fds[1], commands, len) != (ssize_t) len)
    short_write = 1;
  close (fds[1]);
  while (waitpid (pid, &status, 0) < 0 && errno == EINTR)
    ;
  return !short_write && WIFEXITED (status) && WEXITSTATUS (status) == 0 ? 0 : -1;
}
