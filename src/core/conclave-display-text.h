/* conclave-display-text.h — text from programs, made fit to show.
 *
 * Strings in events come from the programs under observation: a log line,
 * a message kind, a request id may hold terminal escape sequences or other
 * control characters, and nothing stops a program from sending them. Before
 * such text reaches a terminal (conclave-run's summary) or a label or text
 * view (Pango), control characters (U+0000–U+001F, U+007F, U+0080–U+009F)
 * become visible escapes ("\x1b", "\u009b") and bytes that are not UTF-8
 * become U+FFFD. Never used on text that is stored or written to a trace:
 * those keep what the program said.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* A newly allocated copy of text (NULL: ""), fit to show. */
char *conclave_display_text      (const char *text);
/* Takes text: returns it when it is fit to show, else frees it and returns
 * a fit copy. */
char *conclave_display_text_take (char       *text);

G_END_DECLS
