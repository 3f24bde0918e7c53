/* conclave-proc.c — see the header. */
#include "config.h"

#include "conclave-proc.h"

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

gboolean
conclave_proc_stat_read (gint              pid,
                         ConclaveProcStat *stat)
{
  g_autofree char *path = g_strdup_printf ("/proc/%d/stat", pid);
  g_autofree char *contents = NULL;
  g_auto(GStrv) fields = NULL;
  const char *rest;

  g_return_val_if_fail (stat != NULL, FALSE);

  if (!g_file_get_contents (path, &contents, NULL, NULL))
    return FALSE;
  /* The command name is in parentheses and may itself hold ") ". */
  rest = strrchr (contents, ')');
  if (rest == NULL || rest[1] != ' ')
    return FALSE;
  fields = g_strsplit (rest + 2, " ", 21);
  /* fields[0] is field 3 of proc(5): state, ppid, pgrp, …, starttime is 22. */
  if (g_strv_length (fields) < 21)
    return FALSE;

  stat->pid = pid;
  stat->state = fields[0][0];
  stat->ppid = atoi (fields[1]);
  stat->pgrp = atoi (fields[2]);
  stat->start_time = g_ascii_strtoull (fields[19], NULL, 10);
  return TRUE;
}

GArray *
conclave_proc_list (void)
{
  GArray *list = g_array_new (FALSE, FALSE, sizeof (ConclaveProcStat));
  g_autoptr(GDir) dir = g_dir_open ("/proc", 0, NULL);
  const char *entry;

  if (dir == NULL)
    return list;
  while ((entry = g_dir_read_name (dir)) != NULL)
    {
      ConclaveProcStat stat;
      guint64 pid;

      if (!g_ascii_string_to_unsigned (entry, 10, 1, G_MAXINT, &pid, NULL))
        continue;
      /* It may have gone between readdir and open: that is fine. */
      if (conclave_proc_stat_read ((gint) pid, &stat))
        g_array_append_val (list, stat);
    }
  return list;
}

static int
pidfd_open_ (gint pid)
{
#ifdef SYS_pidfd_open
  return (int) syscall (SYS_pidfd_open, (pid_t) pid, 0);
#else
  errno = ENOSYS;
  return -1;
#endif
}

/* Gone, or only a zombie left: it will not run again. */
static gboolean
has_ended (gint pid)
{
  ConclaveProcStat stat;

  return !conclave_proc_stat_read (pid, &stat) || stat.state == 'Z' || stat.state == 'X';
}

/* Without pidfds (a kernel before 5.3): look again every millisecond. */
static gboolean
wait_by_looking (const GArray *pids,
                 gint64        deadline_us)
{
  for (;;)
    {
      guint i;

      for (i = 0; i < pids->len && has_ended (g_array_index (pids, gint, i)); i++)
        ;
      if (i == pids->len)
        return TRUE;
      if (g_get_monotonic_time () >= deadline_us)
        return FALSE;
      g_usleep (1000);
    }
}

gboolean
conclave_proc_wait_ended (const GArray *pids,
                          gint64        deadline_us)
{
  g_autoptr(GArray) fds = g_array_new (FALSE, FALSE, sizeof (struct pollfd));

  g_return_val_if_fail (pids != NULL, FALSE);

  for (guint i = 0; i < pids->len; i++)
    {
      struct pollfd p = { .fd = pidfd_open_ (g_array_index (pids, gint, i)), .events = POLLIN };

      if (p.fd >= 0)
        g_array_append_val (fds, p);
      else if (errno != ESRCH)
        {
          for (guint j = 0; j < fds->len; j++)
            close (g_array_index (fds, struct pollfd, j).fd);
          return wait_by_looking (pids, deadline_us);
        }
    }
  /* A pidfd turns readable when its process ends (reaped or not). */
  while (fds->len > 0)
    {
      gint64 left_ms = (deadline_us - g_get_monotonic_time () + 999) / 1000;
      int n;

      if (left_ms <= 0)
        break;
      n = poll ((struct pollfd *) fds->data, fds->len, (int) MIN (left_ms, G_MAXINT));
      if (n < 0 && errno != EINTR)
        break;
      for (guint j = fds->len; j > 0; j--)
        if (g_array_index (fds, struct pollfd, j - 1).revents != 0)
          {
            close (g_array_index (fds, struct pollfd, j - 1).fd);
            g_array_remove_index_fast (fds, j - 1);
          }
    }
  for (guint j = 0; j < fds->len; j++)
    close (g_array_index (fds, struct pollfd, j).fd);
  return fds->len == 0;
}
