/* lan-main.c — conclave-lan: `bridge HOSTS [RESOLV]` (the helper) or `enter PID …`.
 *
 * Started by the controller (core/conclave-lan.c), never by a user. It
 * must never be installed setuid: everything it does is allowed to an
 * ordinary user in the user namespace it makes.
 */
#include "lan.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void
lan_say (const char *format, ...)
{
  va_list args;

  va_start (args, format);
  vprintf (format, args);
  va_end (args);
  putchar ('\n');
  fflush (stdout);
}

int
main (int argc, char **argv)
{
  if (argc >= 3 && strcmp (argv[1], "bridge") == 0)
    return lan_bridge_main (argc - 1, argv + 1);
  if (argc >= 4 && strcmp (argv[1], "enter") == 0)
    return lan_enter_main (argc - 1, argv + 1);
  fprintf (stderr, "usage: conclave-lan bridge HOSTS-FILE [RESOLV-FILE] | enter PID PROGRAM [ARG…]\n"
                   "(started by Conclave for --network lan)\n");
  return 2;
}
