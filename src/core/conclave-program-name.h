/* conclave-program-name.h — what to call a program from its command line.
 *
 * The script or module a command runs, as a teacher would name it: the
 * script rather than its interpreter (`python3 server.py` → server.py),
 * the module of `python3 -m chat` (chat), the program a wrapper ends in
 * (`sh -c 'exec python3 x.py'` → x.py, `env A=1 python3 x.py` → x.py),
 * never an option such as "-c" or "-m". Pure string work; no processes.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

char *conclave_program_name (const char * const *argv);

G_END_DECLS
