/* conclave-preferences-window.c — binds the preference rows to GSettings.
 *
 * Enum keys map to combo rows by position in the same order as the schema's
 * nicks below. Writes settings only; never touches the cluster.
 */
#include "config.h"

#include "conclave-preferences-window.h"
#include "conclave-tempo.h"

struct _ConclavePreferencesWindow
{
  AdwPreferencesWindow  parent_instance;
  GSettings            *settings;

  GtkAdjustment        *tempo_adjustment;
  GtkAdjustment        *loss_adjustment;
  GtkAdjustment        *retention_adjustment;
  AdwComboRow          *election_row;
  AdwComboRow          *layout_row;
  GtkSwitch            *presentation_switch;
};

G_DEFINE_FINAL_TYPE (ConclavePreferencesWindow, conclave_preferences_window, ADW_TYPE_PREFERENCES_WINDOW)

static const char * const election_nicks[] = { "bully", "ring", "raft", NULL };
static const char * const layout_nicks[] = { "logical", "real-time", NULL };

static gboolean
nick_to_position (GValue   *value,
                  GVariant *variant,
                  gpointer  user_data)
{
  const char * const *nicks = user_data;
  const char *nick = g_variant_get_string (variant, NULL);

  for (guint i = 0; nicks[i] != NULL; i++)
    if (g_str_equal (nicks[i], nick))
      {
        g_value_set_uint (value, i);
        return TRUE;
      }
  return FALSE;
}

static GVariant *
position_to_nick (const GValue       *value,
                  const GVariantType *expected_type,
                  gpointer            user_data)
{
  const char * const *nicks = user_data;
  guint position = g_value_get_uint (value);

  if (position >= g_strv_length ((char **) nicks))
    return NULL;
  return g_variant_new_string (nicks[position]);
}

static void
bind_enum (ConclavePreferencesWindow *self,
           const char                *key,
           AdwComboRow               *row,
           const char * const        *nicks)
{
  g_settings_bind_with_mapping (self->settings, key, row, "selected", G_SETTINGS_BIND_DEFAULT,
                                nick_to_position, position_to_nick, (gpointer) nicks, NULL);
}

static void
conclave_preferences_window_dispose (GObject *object)
{
  ConclavePreferencesWindow *self = CONCLAVE_PREFERENCES_WINDOW (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), CONCLAVE_TYPE_PREFERENCES_WINDOW);
  g_clear_object (&self->settings);
  G_OBJECT_CLASS (conclave_preferences_window_parent_class)->dispose (object);
}

static void
conclave_preferences_window_class_init (ConclavePreferencesWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = conclave_preferences_window_dispose;
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/conclave/Conclave/conclave-preferences-window.ui");
  gtk_widget_class_bind_template_child (widget_class, ConclavePreferencesWindow, tempo_adjustment);
  gtk_widget_class_bind_template_child (widget_class, ConclavePreferencesWindow, loss_adjustment);
  gtk_widget_class_bind_template_child (widget_class, ConclavePreferencesWindow, retention_adjustment);
  gtk_widget_class_bind_template_child (widget_class, ConclavePreferencesWindow, election_row);
  gtk_widget_class_bind_template_child (widget_class, ConclavePreferencesWindow, layout_row);
  gtk_widget_class_bind_template_child (widget_class, ConclavePreferencesWindow, presentation_switch);
}

/* The setting is the timer scale; the row shows the speed, its inverse. */
static gboolean
speed_from_scale (GValue   *value,
                  GVariant *variant,
                  gpointer  user_data)
{
  g_value_set_double (value, conclave_tempo_speed (g_variant_get_double (variant)));
  return TRUE;
}

static GVariant *
scale_from_speed (const GValue       *value,
                  const GVariantType *type,
                  gpointer            user_data)
{
  return g_variant_new_double (conclave_tempo_scale_for (g_value_get_double (value)));
}

static void
conclave_preferences_window_init (ConclavePreferencesWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
conclave_preferences_window_new (GSettings *settings)
{
  ConclavePreferencesWindow *self;

  g_return_val_if_fail (G_IS_SETTINGS (settings), NULL);

  self = g_object_new (CONCLAVE_TYPE_PREFERENCES_WINDOW, NULL);
  self->settings = g_object_ref (settings);
  g_settings_bind_with_mapping (settings, "tempo", self->tempo_adjustment, "value", G_SETTINGS_BIND_DEFAULT,
                                speed_from_scale, scale_from_speed, NULL, NULL);
  g_settings_bind (settings, "loss-timeout-ms", self->loss_adjustment, "value", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (settings, "retention-events", self->retention_adjustment, "value", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (settings, "presentation-mode", self->presentation_switch, "active", G_SETTINGS_BIND_DEFAULT);
  bind_enum (self, "election", self->election_row, election_nicks);
  bind_enum (self, "timeline-layout", self->layout_row, layout_nicks);
  return GTK_WIDGET (self);
}
