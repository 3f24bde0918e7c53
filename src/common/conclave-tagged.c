/* conclave-tagged.c — see the header. */
#include "conclave-tagged.h"
#include "conclave-protocol.h"

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

/* Longer environments are read this far: the tags come early (the
 * supervisor sets them), and the rest does not matter. */
#define ENVIRON_MAX (64 * 1024)

static char environ_buf[ENVIRON_MAX];

/* Whether NUL-separated entries env[0..len) hold `name=value` exactly. */
static int
has_entry (const char *env, size_t len, const char *name, const char *value)
{
  size_t name_len = strlen (name), value_len = strlen (value);

  for (size_t i = 0; i < len;)
    {
      const char *entry = env + i;
      size_t n = strnlen (entry, len - i);

      if (n == name_len + 1 + value_len && memcmp (entry, name, name_len) == 0
          && entry[name_len] == '=' && memcmp (entry + name_len + 1, value, value_len) == 0)
        return 1;
      i += n + 1;
    }
  return 0;
}

static int
is_tagged (const char *pid, const char *control, const char *node)
{
  char path[300];   /* "/proc/" NAME "/environ", NAME at most 255 bytes */
  ssize_t len;
  int fd;

  snprintf (path, sizeof path, "/proc/%s/environ", pid);
  if ((fd = open (path, O_RDONLY | O_CLOEXEC)) < 0)
    return 0;
  len = read (fd, environ_buf, sizeof environ_buf);
  close (fd);
  return len > 0 && has_entry (environ_buf, (size_t) len, CONCLAVE_ENV_CONTROL, control)
         && (node == NULL || has_entry (environ_buf, (size_t) len, CONCLAVE_ENV_NODE, node));
}

/* Calls found (pid, data) for each tagged process; how many. */
static int
each_tagged (const char *control, const char *node, void (*found) (pid_t, void *), void *data)
{
  DIR *proc;
  struct dirent *entry;
  pid_t self = getpid ();
  int n = 0;

  if (control == NULL || *control == '\0' || (proc = opendir ("/proc")) == NULL)
    return 0;
  while ((entry = readdir (proc)) != NULL)
    {
      char *end;
      long pid = strtol (entry->d_name, &end, 10);

      if (*end != '\0' || pid <= 0 || pid == self || !is_tagged (entry->d_name, control, node))
        continue;
      found ((pid_t) pid, data);
      n++;
    }
  closedir (proc);
  return n;
}

static void
signal_one (pid_t pid, void *data)
{
  kill (pid, *(int *) data);
}

int
ctagged_signal (const char *control, const char *node, int sig)
{
  return each_tagged (control, node, signal_one, &sig);
}

typedef struct {
  int *pids;
  int  max;
  int  n;
} PidList;

static void
list_one (pid_t pid, void *data)
{
  PidList *list = data;

  if (list->n < list->max)
    list->pids[list->n++] = pid;
}

int
ctagged_list (const char *control, const char *node, int *pids, int max)
{
  PidList list = { pids, max, 0 };

  each_tagged (control, node, list_one, &list);
  return list.n;
}

/* Unlinks what is in dir; with depth > 0, empties and removes its
 * subdirectories too. */
static void
empty_dir (const char *dir, int depth)
{
  DIR *d = opendir (dir);
  struct dirent *entry;
  char path[4096];

  if (d == NULL)
    return;
  while ((entry = readdir (d)) != NULL)
    {
      if (strcmp (entry->d_name, ".") == 0 || strcmp (entry->d_name, "..") == 0
          || (size_t) snprintf (path, sizeof path, "%s/%s", dir, entry->d_name) >= sizeof path)
        continue;
      if (unlink (path) < 0 && depth > 0)
        {
          empty_dir (path, depth - 1);
          rmdir (path);
        }
    }
  closedir (d);
}

int
ctagged_remove_dir (const char *dir)
{
  empty_dir (dir, 1);
  return rmdir (dir);
}
