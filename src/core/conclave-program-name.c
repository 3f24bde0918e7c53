/* conclave-program-name.c — what to call a program from its command line.
 *
 * Looks through the wrappers a course project is started with (a shell's
 * -c, exec, env, a pyenv-style interpreter) to the script or module that
 * is the program. Never runs or reads anything.
 */
#include "conclave-program-name.h"

#include <string.h>

#define MAX_DEPTH 4

static gboolean
is_shell (const char *base)
{
  return g_strcmp0 (base, "sh") == 0 || g_strcmp0 (base, "bash") == 0 || g_strcmp0 (base, "dash") == 0;
}

static char *name_of (const char * const *argv, guint depth);

/* `sh -c 'exec python3 x.py; …'`: the first command of the string. */
static char *
name_of_shell_command (const char *command, guint depth)
{
  g_auto(GStrv) words = NULL;
  g_autofree char *first = g_strndup (command, strcspn (command, ";&|\n"));

  if (!g_shell_parse_argv (first, NULL, &words, NULL))
    return NULL;
  return name_of ((const char * const *) words, depth + 1);
}

static char *
name_of_python (const char * const *argv, const char *base)
{
  for (guint i = 1; argv[i] != NULL; i++)
    {
      if (strcmp (argv[i], "-m") == 0 && argv[i + 1] != NULL)
        return g_strdup (argv[i + 1]);
      if (strcmp (argv[i], "-c") == 0)
        return g_strdup_printf ("%s -c", base);
      if (argv[i][0] != '-')
        return g_path_get_basename (argv[i]);
    }
  return g_strdup (base);
}

static char *
name_of (const char * const *argv, guint depth)
{
  g_autofree char *base = NULL;
  guint i = 0;

  while (argv[i] != NULL && (strcmp (argv[i], "exec") == 0 || strchr (argv[i], '=') != NULL))
    i++;   /* `exec prog`, `A=1 prog` */
  if (argv[i] == NULL || depth > MAX_DEPTH)
    return NULL;
  argv += i;
  base = g_path_get_basename (argv[0]);
  if (strcmp (base, "env") == 0 && argv[1] != NULL)
    return name_of (argv + 1, depth + 1);
  if (is_shell (base))
    {
      for (i = 1; argv[i] != NULL; i++)
        if (strcmp (argv[i], "-c") == 0 && argv[i + 1] != NULL)
          return name_of_shell_command (argv[i + 1], depth);
        else if (argv[i][0] != '-')
          return g_path_get_basename (argv[i]);
      return g_steal_pointer (&base);
    }
  if (g_str_has_prefix (base, "python") || g_str_has_prefix (base, "pypy"))
    return name_of_python (argv, base);
  return g_steal_pointer (&base);
}

char *
conclave_program_name (const char * const *argv)
{
  char *name;

  g_return_val_if_fail (argv != NULL, NULL);

  name = argv[0] != NULL ? name_of (argv, 0) : NULL;
  return name != NULL ? name : g_strdup (argv[0] != NULL ? argv[0] : "");
}
