/* conclave-message-card.c — one message explained (see the header).
 *
 * Everything shown is read from the store and the matcher when the
 * highlight changes or the cluster reports a batch (a message in flight
 * may arrive meanwhile); nothing is kept but the rows. The payload is what
 * the sender reported: at most the first 64 bytes, non-printable ones as
 * '.', so the card says how much of it that is.
 */
#include "config.h"

#include <glib/gi18n.h>
#include <adwaita.h>

#include "conclave-event-format.h"
#include "conclave-message-card.h"
#include "conclave-protocol.h"
#include "conclave-message-fields.h"

typedef enum {
  ROW_KIND,
  ROW_SENDER,
  ROW_RECEIVER,
  ROW_SENT,
  ROW_RECEIVED,
  ROW_LATENCY,
  ROW_LAMPORT,
  ROW_TRANSPORT,
  ROW_TEXT,
  ROW_HEX,
  N_ROWS
} Row;

static const struct {
  const char *id;
  const char *title;
} row_info[N_ROWS] = {
  { "kind", N_("Kind") },
  { "sender", N_("Sender") },
  { "receiver", N_("Receiver") },
  { "sent", N_("Sent") },
  { "received", N_("Received") },
  { "latency", N_("Latency") },
  { "lamport", N_("Lamport Clock") },
  { "transport", N_("Transport") },
  { "text", N_("As Text") },
  { "hex", N_("As Hex") },
};

struct _ConclaveMessageCard
{
  GtkWidget            parent_instance;

  ConclaveSession     *session;
  ConclaveCausalHighlight *highlight;
  AdwActionRow        *rows[N_ROWS];
  GPtrArray           *field_rows;     /* AdwActionRow*, in fields_group */
  GPtrArray           *field_keys;     /* char*, one per field row */
  guint64              shown_message;  /* what the rows show: matcher index … */
  guint8               shown_state;    /* … and its state then */

  GtkLabel            *title_label;
  GtkLabel            *route_label;
  GtkLabel            *cone_label;
  GtkWidget           *cone_box;
  GtkWidget           *causes_button;
  GtkWidget           *effects_button;
  AdwPreferencesGroup *message_group;
  AdwPreferencesGroup *fields_group;
  AdwPreferencesGroup *payload_group;
};

G_DEFINE_FINAL_TYPE (ConclaveMessageCard, conclave_message_card, GTK_TYPE_WIDGET)

static void
set_row (ConclaveMessageCard *self,
         Row                  row,
         const char          *value,
         const char          *subtitle)
{
  GtkWidget *suffix = g_object_get_data (G_OBJECT (self->rows[row]), "value");

  gtk_widget_set_visible (GTK_WIDGET (self->rows[row]), value != NULL);
  if (suffix != NULL)
    {
      gtk_label_set_text (GTK_LABEL (suffix), value ? value : "");
      adw_action_row_set_subtitle (self->rows[row], subtitle ? subtitle : "");
    }
  else
    adw_action_row_set_subtitle (self->rows[row], value ? value : "");
}

/* "s1, PID 4711" for the process of an event, else of `proc`. */
static char *
describe_process (ConclaveEventStore *store,
                  guint32             proc)
{
  ConclaveProcessInfo *info = proc ? conclave_event_store_get_process (store, proc) : NULL;
  const char *node = info && info->node ? conclave_event_store_str (store, info->node) : NULL;

  if (info == NULL)
    return NULL;
  /* Translators: a process on the message card: "s1, PID 4711" */
  return node ? g_strdup_printf (_("%s, PID %d"), node, info->pid) : g_strdup_printf (_("PID %d"), info->pid);
}

static const char *
fate (const ConclaveMessage *message)
{
  switch (message->state)
    {
    case CONCLAVE_MESSAGE_IN_FLIGHT:
      return _("Not yet: still in flight");
    case CONCLAVE_MESSAGE_DROPPED:
      return _("Dropped by a fault");
    case CONCLAVE_MESSAGE_LOST:
      return _("Never: lost");
    case CONCLAVE_MESSAGE_UNHEARD:
      return _("Never: nobody was listening");
    case CONCLAVE_MESSAGE_NOT_READ:
      return _("Never: nobody read it");
    default:
      return NULL;
    }
}

static void
show_ends (ConclaveMessageCard   *self,
           ConclaveEventStore    *store,
           const ConclaveMessage *message,
           const ConclaveEvent   *send)
{
  gint64 origin = conclave_event_store_get_min_time (store);
  g_autofree char *sender = describe_process (store, message->src_proc);
  g_autofree char *receiver = describe_process (store, message->dst_proc);
  g_autofree char *sent = conclave_event_format_time (message->send_ns, origin);
  g_autofree char *sent_at = g_strdup_printf (_("%s s"), sent);
  gboolean arrived = message->state == CONCLAVE_MESSAGE_DELIVERED ||
                     (message->state == CONCLAVE_MESSAGE_DROPPED && message->recv_index != G_MAXUINT64);
  g_autofree char *received = arrived ? conclave_event_format_time (message->recv_ns, origin) : NULL;
  g_autofree char *received_at = received ? g_strdup_printf (_("%s s"), received) : NULL;
  g_autofree char *latency = arrived ? conclave_event_format_duration (message->recv_ns - message->send_ns) : NULL;

  set_row (self, ROW_SENDER, sender ? sender : _("Not reported"),
           send ? conclave_event_store_str (store, conclave_event_src (send)) : NULL);
  set_row (self, ROW_RECEIVER, receiver ? receiver : _("Nobody yet"),
           send ? conclave_event_store_str (store, conclave_event_dst (send)) : NULL);
  set_row (self, ROW_SENT, sent_at, NULL);
  set_row (self, ROW_RECEIVED, message->state == CONCLAVE_MESSAGE_DELIVERED ? received_at : fate (message),
           message->state == CONCLAVE_MESSAGE_DROPPED ? received_at : NULL);
  set_row (self, ROW_LATENCY, latency, arrived ? _("Receive time minus send time") : NULL);
}

static char *
hex_dump (const char *text)
{
  GString *hex = g_string_new (NULL);

  for (gsize i = 0; text[i] != '\0'; i++)
    g_string_append_printf (hex, "%02x%s", (guchar) text[i], text[i + 1] == '\0' ? "" : (i % 8 == 7 ? "\n" : " "));
  return g_string_free (hex, FALSE);
}

static void
clear_fields (ConclaveMessageCard *self)
{
  for (guint i = 0; i < self->field_rows->len; i++)
    adw_preferences_group_remove (self->fields_group, g_ptr_array_index (self->field_rows, i));
  g_ptr_array_set_size (self->field_rows, 0);
  g_ptr_array_set_size (self->field_keys, 0);
}

static void
add_field (ConclaveMessageCard        *self,
           const ConclaveMessageField *field)
{
  g_autofree char *text = field->cut ? g_strconcat (field->value, "…", NULL) : g_strdup (field->value);
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *value = gtk_label_new (text);

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), field->key);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), field->meaning ? field->meaning : "");
  adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 0);
  gtk_label_set_selectable (GTK_LABEL (value), TRUE);
  gtk_label_set_wrap (GTK_LABEL (value), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (value), PANGO_WRAP_WORD_CHAR);
  /* A short value stays whole; a long one (members) wraps at 16. */
  gtk_label_set_width_chars (GTK_LABEL (value), MIN ((int) g_utf8_strlen (text, -1), 16));
  gtk_label_set_max_width_chars (GTK_LABEL (value), 16);
  gtk_label_set_xalign (GTK_LABEL (value), 1);
  gtk_widget_add_css_class (value, "numeric");
  g_object_set_data (G_OBJECT (row), "value", value);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), value);
  adw_preferences_group_add (self->fields_group, row);
  g_ptr_array_add (self->field_rows, row);
  g_ptr_array_add (self->field_keys, g_strdup (field->key));
}

/* The fields of a conclave-node payload; a program's bytes in hex. */
static void
show_payload (ConclaveMessageCard *self,
              ConclaveEventStore  *store,
              const ConclaveEvent *send,
              const char          *kind)
{
  const char *preview = send && conclave_event_preview (send) ? conclave_event_store_str (store, conclave_event_preview (send)) : NULL;
  guint32 length = send ? conclave_event_length (send) : 0;
  /* A preview is the payload's first CONCLAVE_PREVIEW_MAX bytes; the
   * length counts the whole datagram (conclave-node's header too). */
  gboolean cut = preview != NULL && strlen (preview) >= CONCLAVE_PREVIEW_MAX && strlen (preview) < length;
  g_autoptr(GPtrArray) fields = conclave_message_fields_parse (kind, preview, cut);
  g_autofree char *hex = preview && fields == NULL ? hex_dump (preview) : NULL;
  g_autofree char *shown = NULL;

  clear_fields (self);
  for (guint i = 0; fields != NULL && i < fields->len; i++)
    add_field (self, g_ptr_array_index (fields, i));
  gtk_widget_set_visible (GTK_WIDGET (self->fields_group), fields != NULL);
  if (cut)
    /* Translators: how much of the payload the card shows: "the first 64 of 122 bytes; …" */
    shown = g_strdup_printf (_("The first %u of %u bytes, as reported; a byte that is not printable shows as “.”"),
                             (guint) strlen (preview), length);
  else if (preview != NULL)
    shown = g_strdup (_("All of it, as reported; a byte that is not printable shows as “.”"));
  set_row (self, ROW_TEXT, preview, NULL);
  set_row (self, ROW_HEX, hex, NULL);
  adw_preferences_group_set_description (self->payload_group, shown);
  gtk_widget_set_visible (GTK_WIDGET (self->payload_group), preview != NULL);
}

static void
show_identity (ConclaveMessageCard   *self,
               ConclaveEventStore    *store,
               const ConclaveMessage *message,
               const ConclaveEvent   *send,
               const char            *kind)
{
  g_autofree char *title = g_strdup_printf (_("Message “%s”"), kind ? kind : "?");
  g_autofree char *lamport = send && conclave_event_lamport (send) ? g_strdup_printf ("%u", conclave_event_lamport (send)) : NULL;
  g_autofree char *transport = NULL;
  const char *protos[] = { "?", "UDP", "TCP", _("Socket pair") };

  gtk_label_set_text (self->title_label, title);
  gtk_label_set_text (self->route_label, conclave_message_kind_meaning (kind));
  gtk_widget_set_visible (GTK_WIDGET (self->route_label), conclave_message_kind_meaning (kind) != NULL);
  set_row (self, ROW_KIND, kind ? kind : "?", NULL);
  set_row (self, ROW_LAMPORT, lamport ? lamport : _("None"),
           lamport ? _("The sender’s logical clock when it sent it") : _("A traced program carries no Lamport clock"));
  if (send != NULL)
    transport = g_strdup_printf (ngettext ("%s, %u byte", "%s, %u bytes", conclave_event_length (send)),
                                 protos[MIN (send->proto, G_N_ELEMENTS (protos) - 1)], conclave_event_length (send));
  set_row (self, ROW_TRANSPORT, transport, NULL);
}

static void
show_cone (ConclaveMessageCard *self)
{
  ConclaveHighlightMode mode = conclave_causal_highlight_get_mode (self->highlight);
  const ConclaveCausalCone *cone = conclave_causal_highlight_get_cone (self->highlight);
  guint n = cone ? (guint) MIN (conclave_causal_cone_get_size (cone), G_MAXUINT) : 0;
  g_autofree char *text = NULL;

  if (mode == CONCLAVE_HIGHLIGHT_CAUSES && cone == NULL)
    text = g_strdup (_("Its send is no longer kept, so its causes are not known."));
  else if (mode == CONCLAVE_HIGHLIGHT_CAUSES)
    text = g_strdup_printf (ngettext ("Lit: %u event happened before it was sent.",
                                      "Lit: %u events happened before it was sent.", n), n);
  else if (mode == CONCLAVE_HIGHLIGHT_EFFECTS && cone == NULL)
    text = g_strdup (_("It never arrived: nothing follows from it."));
  else if (mode == CONCLAVE_HIGHLIGHT_EFFECTS)
    text = g_strdup_printf (ngettext ("Lit: %u event happened after it arrived.",
                                      "Lit: %u events happened after it arrived.", n), n);
  gtk_label_set_text (self->cone_label, text ? text : "");
  gtk_widget_set_visible (self->cone_box, text != NULL);
  gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (self->causes_button), mode == CONCLAVE_HIGHLIGHT_CAUSES);
  gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (self->effects_button), mode == CONCLAVE_HIGHLIGHT_EFFECTS);
}

static void
refresh (ConclaveMessageCard *self)
{
  ConclaveCluster *cluster = conclave_session_get_cluster (self->session);
  guint64 index = conclave_causal_highlight_get_message (self->highlight);
  ConclaveMessage message_data;
  const ConclaveMessage *message = NULL;
  ConclaveEventStore *store;
  const ConclaveEvent *send;
  const char *kind;

  if (cluster != NULL && index != G_MAXUINT64)
    message = conclave_matcher_get_message (conclave_cluster_get_matcher (cluster), index, &message_data);
  self->shown_message = message ? index : G_MAXUINT64;
  if (message == NULL)
    return;
  self->shown_state = message->state;
  store = conclave_cluster_get_store (cluster);
  send = conclave_event_store_get (store, message->send_index);
  kind = conclave_event_store_str (store, message->kind);
  show_identity (self, store, message, send, kind);
  show_ends (self, store, message, send);
  show_payload (self, store, send, kind);
  show_cone (self);
}

/* A batch: only a message whose fate changed (it arrived, was lost) is
 * shown again, so a selection in the card survives. */
static void
on_session_changed (gpointer view)
{
  ConclaveMessageCard *self = view;
  ConclaveCluster *cluster = conclave_session_get_cluster (self->session);
  ConclaveMessage message_data;
  const ConclaveMessage *message = NULL;

  if (cluster != NULL && self->shown_message != G_MAXUINT64)
    message = conclave_matcher_get_message (conclave_cluster_get_matcher (cluster), self->shown_message, &message_data);
  if (message != NULL && message->state != self->shown_state)
    refresh (self);
  else if (conclave_causal_highlight_get_mode (self->highlight) != CONCLAVE_HIGHLIGHT_NONE)
    show_cone (self);
}

void
conclave_message_card_set_session (ConclaveMessageCard *self,
                                   ConclaveSession     *session)
{
  static const ConclaveSessionWatch watch = { NULL, NULL, NULL, on_session_changed };

  g_return_if_fail (CONCLAVE_IS_MESSAGE_CARD (self));
  g_return_if_fail (CONCLAVE_IS_SESSION (session));
  g_return_if_fail (self->session == NULL);

  self->session = g_object_ref (session);
  self->highlight = g_object_ref (conclave_session_get_highlight (session));
  g_signal_connect_object (self->highlight, "changed", G_CALLBACK (refresh), self, G_CONNECT_SWAPPED);
  conclave_session_watch (session, self, &watch);
  refresh (self);
}

const char *
conclave_message_card_get_value (ConclaveMessageCard *self,
                                 const char          *row)
{
  g_return_val_if_fail (CONCLAVE_IS_MESSAGE_CARD (self), NULL);

  if (g_strcmp0 (row, "payload") == 0)
    return gtk_widget_get_visible (GTK_WIDGET (self->payload_group))
           ? adw_preferences_group_get_description (self->payload_group) : NULL;
  if (g_strcmp0 (row, "cone") == 0)
    return gtk_widget_get_visible (self->cone_box) ? gtk_label_get_text (self->cone_label) : NULL;
  for (guint i = 0; g_str_has_prefix (row, "field:") && i < self->field_keys->len; i++)
    if (g_str_equal (g_ptr_array_index (self->field_keys, i), row + 6))
      return gtk_label_get_text (g_object_get_data (g_ptr_array_index (self->field_rows, i), "value"));
  for (guint i = 0; i < N_ROWS; i++)
    if (g_str_equal (row_info[i].id, row) && gtk_widget_get_visible (GTK_WIDGET (self->rows[i])))
      return g_object_get_data (G_OBJECT (self->rows[i]), "value")
             ? gtk_label_get_text (g_object_get_data (G_OBJECT (self->rows[i]), "value"))
             : adw_action_row_get_subtitle (self->rows[i]);
  return NULL;
}

static void
show_action (GtkWidget  *widget,
             const char *action,
             GVariant   *parameter)
{
  ConclaveMessageCard *self = CONCLAVE_MESSAGE_CARD (widget);
  ConclaveHighlightMode mode = g_str_equal (g_variant_get_string (parameter, NULL), "causes")
                               ? CONCLAVE_HIGHLIGHT_CAUSES : CONCLAVE_HIGHLIGHT_EFFECTS;

  /* The lit button again: back to the plain picture. */
  if (conclave_causal_highlight_get_mode (self->highlight) == mode)
    mode = CONCLAVE_HIGHLIGHT_NONE;
  conclave_causal_highlight_set_mode (self->highlight, mode);
}

static void
close_action (GtkWidget  *widget,
              const char *action,
              GVariant   *parameter)
{
  conclave_causal_highlight_clear (CONCLAVE_MESSAGE_CARD (widget)->highlight);
}

/* Rows whose value is long (payload, hex) read better under the title;
 * the others show their value on the right. */
static void
add_rows (ConclaveMessageCard *self)
{
  for (Row row = 0; row < N_ROWS; row++)
    {
      GtkWidget *action_row = adw_action_row_new ();
      gboolean payload = row == ROW_TEXT || row == ROW_HEX;

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (action_row), _(row_info[row].title));
      adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (action_row), 0);
      self->rows[row] = ADW_ACTION_ROW (action_row);
      adw_preferences_group_add (payload ? self->payload_group : self->message_group, action_row);
      if (payload)
        {
          gtk_widget_add_css_class (action_row, "payload-row");
          continue;
        }
      {
        GtkWidget *value = gtk_label_new (NULL);

        /* Short values, whole on one line; the title and note wrap instead. */
        gtk_label_set_selectable (GTK_LABEL (value), TRUE);
        gtk_label_set_xalign (GTK_LABEL (value), 1);
        gtk_widget_add_css_class (value, "numeric");
        g_object_set_data (G_OBJECT (action_row), "value", value);
        adw_action_row_add_suffix (ADW_ACTION_ROW (action_row), value);
      }
    }
}

static void
conclave_message_card_dispose (GObject *object)
{
  ConclaveMessageCard *self = CONCLAVE_MESSAGE_CARD (object);

  if (self->highlight != NULL)
    g_signal_handlers_disconnect_by_data (self->highlight, self);
  g_clear_object (&self->highlight);
  g_clear_object (&self->session);
  gtk_widget_dispose_template (GTK_WIDGET (self), CONCLAVE_TYPE_MESSAGE_CARD);
  for (GtkWidget *child; (child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL;)
    gtk_widget_unparent (child);
  G_OBJECT_CLASS (conclave_message_card_parent_class)->dispose (object);
}

static void
conclave_message_card_finalize (GObject *object)
{
  ConclaveMessageCard *self = CONCLAVE_MESSAGE_CARD (object);

  g_ptr_array_unref (self->field_rows);
  g_ptr_array_unref (self->field_keys);
  G_OBJECT_CLASS (conclave_message_card_parent_class)->finalize (object);
}

static void
conclave_message_card_class_init (ConclaveMessageCardClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = conclave_message_card_dispose;
  object_class->finalize = conclave_message_card_finalize;
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "messagecard");
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/conclave/Conclave/conclave-message-card.ui");
  gtk_widget_class_bind_template_child (widget_class, ConclaveMessageCard, title_label);
  gtk_widget_class_bind_template_child (widget_class, ConclaveMessageCard, route_label);
  gtk_widget_class_bind_template_child (widget_class, ConclaveMessageCard, cone_label);
  gtk_widget_class_bind_template_child (widget_class, ConclaveMessageCard, cone_box);
  gtk_widget_class_bind_template_child (widget_class, ConclaveMessageCard, causes_button);
  gtk_widget_class_bind_template_child (widget_class, ConclaveMessageCard, effects_button);
  gtk_widget_class_bind_template_child (widget_class, ConclaveMessageCard, message_group);
  gtk_widget_class_bind_template_child (widget_class, ConclaveMessageCard, fields_group);
  gtk_widget_class_bind_template_child (widget_class, ConclaveMessageCard, payload_group);
  gtk_widget_class_install_action (widget_class, "card.show", "s", show_action);
  gtk_widget_class_install_action (widget_class, "card.close", NULL, close_action);
}

static void
conclave_message_card_init (ConclaveMessageCard *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->field_rows = g_ptr_array_new ();
  self->field_keys = g_ptr_array_new_with_free_func (g_free);
  self->shown_message = G_MAXUINT64;
  add_rows (self);
}
