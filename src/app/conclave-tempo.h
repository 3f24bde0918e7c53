/* conclave-tempo.h — the tempo as the class hears it: a speed ("0.25× —
 * four times slower"), and how long a message's flight takes on the canvas
 * at that speed.
 *
 * The core keeps the tempo as the scale of every protocol timer (4 = each
 * timer four times longer); the window names it by speed, the inverse.
 * Plain functions; they never touch a cluster or a widget.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* How fast the protocol runs: 1 / timer scale. */
double  conclave_tempo_speed        (double scale);
/* The timer scale for a speed, snapped so labels read 0.25× and not 0.2477×. */
double  conclave_tempo_scale_for    (double speed);
/* "0.25×": the short label. */
char   *conclave_tempo_label        (double scale);
/* "0.25× — four times slower", "2× — twice as fast", "1× — normal speed". */
char   *conclave_tempo_describe     (double scale);
/* How long a message's dot travels from sender to receiver on the canvas:
 * proportional to the timer scale (a heartbeat at 0.25× travels four times
 * longer than at 1×), never shorter than a frame pair can show. */
gint64  conclave_tempo_flight_ns    (double scale);

G_END_DECLS
