/* conclave-tempo.c — naming the tempo by speed and pacing the canvas with
 * it (see conclave-tempo.h). Must never change the tempo itself: that is
 * the session's.
 */
#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "conclave-tempo.h"

#define FLIGHT_NS        (900 * G_TIME_SPAN_MILLISECOND * 1000)  /* at 1× */
#define FLIGHT_FLOOR_NS  (80 * G_TIME_SPAN_MILLISECOND * 1000)

double
conclave_tempo_speed (double scale)
{
  return scale > 0 ? 1.0 / scale : 1.0;
}

/* Two significant digits: 0.25, 0.5, 1.5, 12. */
static double
snap (double speed)
{
  double magnitude;

  if (!(speed > 0) || !isfinite (speed))
    return 1.0;
  magnitude = pow (10, floor (log10 (speed)) - 1);
  return round (speed / magnitude) * magnitude;
}

double
conclave_tempo_scale_for (double speed)
{
  return 1.0 / snap (speed);
}

char *
conclave_tempo_label (double scale)
{
  /* Translators: a speed, "0.25×" */
  return g_strdup_printf (_("%g×"), snap (conclave_tempo_speed (scale)));
}

static const char *
factor_words (double factor,
              gboolean slower)
{
  static const char *slower_words[] = {
    NULL, NULL,
    N_("half speed"), N_("three times slower"), N_("four times slower"),
    N_("five times slower"), N_("six times slower"), N_("seven times slower"),
    N_("eight times slower"), N_("nine times slower"), N_("ten times slower"),
  };
  static const char *faster_words[] = {
    NULL, NULL,
    N_("twice as fast"), N_("three times faster"), N_("four times faster"),
    N_("five times faster"), N_("six times faster"), N_("seven times faster"),
    N_("eight times faster"), N_("nine times faster"), N_("ten times faster"),
  };
  guint n = (guint) round (factor);

  if (fabs (factor - n) > 0.01 || n < 2 || n > 10)
    return NULL;
  return _(slower ? slower_words[n] : faster_words[n]);
}

char *
conclave_tempo_describe (double scale)
{
  double speed = snap (conclave_tempo_speed (scale));
  gboolean slower = speed < 1;
  double factor = slower ? 1 / speed : speed;
  g_autofree char *label = conclave_tempo_label (scale);
  const char *words;

  if (fabs (speed - 1) < 0.005)
    /* Translators: the tempo at the classroom pace */
    return g_strdup_printf (_("%s — normal speed"), label);
  words = factor_words (factor, slower);
  if (words != NULL)
    /* Translators: "0.25× — four times slower" */
    return g_strdup_printf (_("%s — %s"), label, words);
  if (slower)
    /* Translators: "0.3× — 3.3 times slower" */
    return g_strdup_printf (_("%s — %.2g times slower"), label, factor);
  /* Translators: "1.5× — 1.5 times faster" */
  return g_strdup_printf (_("%s — %.2g times faster"), label, factor);
}

gint64
conclave_tempo_flight_ns (double scale)
{
  return MAX ((gint64) (FLIGHT_NS * (scale > 0 ? scale : 1.0)), FLIGHT_FLOOR_NS);
}
