/* node-options.h — command-line options of the conclave-node roles.
 *
 * One parser for every role, so --help, --port and the wording of errors
 * are the same everywhere. A bad argument ends the program with exit
 * status 2 and a message on stderr; nothing here ever touches the network.
 */
#pragma once

#include <glib.h>

/* Parses argv (argv[0] is the role name) with the role's entries plus
 * --port. Exits 0 after --help, 2 after a bad argument. */
void    node_options_parse   (const char *role, const char *summary,
                              const GOptionEntry *entries, int argc, char **argv);

/* Exits 2 with "conclave-node ROLE: MESSAGE" unless ok. */
void    node_options_require (gboolean ok, const char *message);

guint16 node_options_port    (void);
