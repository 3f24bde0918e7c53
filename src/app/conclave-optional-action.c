/* conclave-optional-action.c — a stateless GAction with an optional "s" parameter.
 *
 * See the header for why. Must never check the parameter beyond its type:
 * what the string means is the handler's business.
 */
#include "conclave-optional-action.h"

struct _ConclaveOptionalAction
{
  GObject   parent_instance;
  char     *name;
  gboolean  enabled;
};

enum {
  PROP_0,
  PROP_NAME,
  PROP_PARAMETER_TYPE,
  PROP_ENABLED,
  PROP_STATE_TYPE,
  PROP_STATE,
  N_PROPS
};

enum { SIGNAL_ACTIVATE, N_SIGNALS };
static guint signals[N_SIGNALS];

static void action_iface_init (GActionInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (ConclaveOptionalAction, conclave_optional_action, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_ACTION, action_iface_init))

static const char *
get_name (GAction *action)
{
  return CONCLAVE_OPTIONAL_ACTION (action)->name;
}

static const GVariantType *
get_parameter_type (GAction *action)
{
  return G_VARIANT_TYPE_STRING;
}

static const GVariantType *
get_state_type (GAction *action)
{
  return NULL;
}

static GVariant *
get_state_hint (GAction *action)
{
  return NULL;
}

static gboolean
get_enabled (GAction *action)
{
  return CONCLAVE_OPTIONAL_ACTION (action)->enabled;
}

static GVariant *
get_state (GAction *action)
{
  return NULL;
}

static void
change_state (GAction  *action,
              GVariant *value)
{
}

static void
activate (GAction  *action,
          GVariant *parameter)
{
  ConclaveOptionalAction *self = CONCLAVE_OPTIONAL_ACTION (action);

  if (!self->enabled)
    return;
  /* Anything but a string (or nothing) is a caller's mistake: ignore it
   * rather than pass a wrong type on. */
  if (parameter != NULL && !g_variant_is_of_type (parameter, G_VARIANT_TYPE_STRING))
    {
      g_warning ("Action %s takes a string, not %s", self->name,
                 g_variant_get_type_string (parameter));
      return;
    }
  g_signal_emit (self, signals[SIGNAL_ACTIVATE], 0, parameter);
}

static void
action_iface_init (GActionInterface *iface)
{
  iface->get_name = get_name;
  iface->get_parameter_type = get_parameter_type;
  iface->get_state_type = get_state_type;
  iface->get_state_hint = get_state_hint;
  iface->get_enabled = get_enabled;
  iface->get_state = get_state;
  iface->change_state = change_state;
  iface->activate = activate;
}

static void
conclave_optional_action_get_property (GObject    *object,
                                       guint       prop_id,
                                       GValue     *value,
                                       GParamSpec *pspec)
{
  ConclaveOptionalAction *self = CONCLAVE_OPTIONAL_ACTION (object);

  switch (prop_id)
    {
    case PROP_NAME:
      g_value_set_string (value, self->name);
      break;
    case PROP_PARAMETER_TYPE:
      g_value_set_boxed (value, G_VARIANT_TYPE_STRING);
      break;
    case PROP_ENABLED:
      g_value_set_boolean (value, self->enabled);
      break;
    case PROP_STATE_TYPE:
      g_value_set_boxed (value, NULL);
      break;
    case PROP_STATE:
      g_value_set_variant (value, NULL);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
conclave_optional_action_set_property (GObject      *object,
                                       guint         prop_id,
                                       const GValue *value,
                                       GParamSpec   *pspec)
{
  ConclaveOptionalAction *self = CONCLAVE_OPTIONAL_ACTION (object);

  switch (prop_id)
    {
    case PROP_NAME:
      g_free (self->name);
      self->name = g_value_dup_string (value);
      break;
    case PROP_ENABLED:
      conclave_optional_action_set_enabled (self, g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
conclave_optional_action_finalize (GObject *object)
{
  ConclaveOptionalAction *self = CONCLAVE_OPTIONAL_ACTION (object);

  g_free (self->name);
  G_OBJECT_CLASS (conclave_optional_action_parent_class)->finalize (object);
}

static void
conclave_optional_action_class_init (ConclaveOptionalActionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->get_property = conclave_optional_action_get_property;
  object_class->set_property = conclave_optional_action_set_property;
  object_class->finalize = conclave_optional_action_finalize;

  /* GAction's interface properties; "name" and "enabled" are writable here
   * because GAction declares them read-only and we set them at construction. */
  g_object_class_override_property (object_class, PROP_NAME, "name");
  g_object_class_override_property (object_class, PROP_PARAMETER_TYPE, "parameter-type");
  g_object_class_override_property (object_class, PROP_ENABLED, "enabled");
  g_object_class_override_property (object_class, PROP_STATE_TYPE, "state-type");
  g_object_class_override_property (object_class, PROP_STATE, "state");

  signals[SIGNAL_ACTIVATE] =
    g_signal_new ("activate",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST | G_SIGNAL_MUST_COLLECT,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_VARIANT);
}

static void
conclave_optional_action_init (ConclaveOptionalAction *self)
{
  self->enabled = TRUE;
}

ConclaveOptionalAction *
conclave_optional_action_new (const char *name)
{
  ConclaveOptionalAction *self;

  g_return_val_if_fail (g_action_name_is_valid (name), NULL);

  self = g_object_new (CONCLAVE_TYPE_OPTIONAL_ACTION, NULL);
  self->name = g_strdup (name);
  return self;
}

void
conclave_optional_action_set_enabled (ConclaveOptionalAction *self,
                                      gboolean                enabled)
{
  g_return_if_fail (CONCLAVE_IS_OPTIONAL_ACTION (self));

  enabled = !!enabled;
  if (self->enabled == enabled)
    return;
  self->enabled = enabled;
  g_object_notify (G_OBJECT (self), "enabled");
}
