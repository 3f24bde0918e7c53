/* conclave-scrubber.h — the time scrubber across the window's bottom.
 *
 * A slider over the session's recorded time, play/pause (Space), a speed
 * from 0.1× to 10×, step to the previous or next event (Left, Right),
 * jump to the next crash, election or violation, and, in a live class
 * scrubbed back, "Live" to return to the present. A damaged recording's
 * problem shows above it. Moves only the session's cursor
 * (conclave_session_seek); never reads the store itself, never draws a
 * view.
 */
#pragma once

#include <gtk/gtk.h>

#include "conclave-session.h"

G_BEGIN_DECLS

#define CONCLAVE_TYPE_SCRUBBER (conclave_scrubber_get_type ())
G_DECLARE_FINAL_TYPE (ConclaveScrubber, conclave_scrubber, CONCLAVE, SCRUBBER, GtkWidget)

GtkWidget *conclave_scrubber_new         (void);
void       conclave_scrubber_set_session (ConclaveScrubber *self,
                                          ConclaveSession  *session);
/* Playing (Space toggles it); speed: 0.1 to 10, 1 = as recorded. */
gboolean   conclave_scrubber_get_playing (ConclaveScrubber *self);
void       conclave_scrubber_set_playing (ConclaveScrubber *self,
                                          gboolean          playing);
double     conclave_scrubber_get_speed   (ConclaveScrubber *self);
void       conclave_scrubber_set_speed   (ConclaveScrubber *self,
                                          double            speed);
/* The slider (for tests and the accessibility tree). */
GtkRange  *conclave_scrubber_get_range   (ConclaveScrubber *self);

G_END_DECLS
