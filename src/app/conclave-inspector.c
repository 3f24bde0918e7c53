/* conclave-inspector.c — the selected node in detail (see the header).
 *
 * Refreshes its labels on the node's "changed" (one per batch) and appends
 * output lines as they come, keeping at most MAX_LINES on screen.
 */
#include "config.h"

#include <glib/gi18n.h>
#include <adwaita.h>

#include "conclave-display-text.h"
#include "conclave-fault-editor.h"
#include "conclave-inspector.h"
#include "conclave-roles.h"

#define MAX_LINES 2000

typedef enum {
  ROW_PID,
  ROW_PPID,
  ROW_CHILDREN,
  ROW_ADDRESSES,
  ROW_GROUP_ROLE,
  ROW_TERM,
  ROW_LEADER,
  ROW_VIEW,
  ROW_SENT,
  ROW_RECEIVED,
  ROW_DROPPED,
  ROW_LOST,
  ROW_GARBAGE,
  ROW_DELIVERED,
  ROW_LINES_LOST,
  N_ROWS
} Row;

static const struct {
  const char *id;
  const char *title;
} row_info[N_ROWS] = {
  [ROW_PID] = { "pid", N_("PID") },
  [ROW_PPID] = { "ppid", N_("Parent PID") },
  [ROW_CHILDREN] = { "children", N_("Children") },
  [ROW_ADDRESSES] = { "addresses", N_("Sockets") },
  [ROW_GROUP_ROLE] = { "group-role", N_("Role") },
  [ROW_TERM] = { "term", N_("Term") },
  [ROW_LEADER] = { "leader", N_("Leader") },
  [ROW_VIEW] = { "view", N_("View") },
  [ROW_SENT] = { "sent", N_("Sent") },
  [ROW_RECEIVED] = { "received", N_("Received") },
  [ROW_DROPPED] = { "dropped", N_("Dropped by faults") },
  [ROW_LOST] = { "lost", N_("Lost") },
  [ROW_GARBAGE] = { "garbage", N_("Garbage ignored") },
  [ROW_DELIVERED] = { "posts", N_("Posts delivered") },
  [ROW_LINES_LOST] = { "lines-lost", N_("Reports lost") },
};

struct _ConclaveInspector
{
  GtkWidget          parent_instance;

  ConclaveSession   *session;
  ConclaveNode      *node;
  AdwActionRow      *rows[N_ROWS];
  GtkLabel          *values[N_ROWS];   /* NULL for long values, shown as the subtitle */
  char              *output_text;      /* for conclave_inspector_get_value ("output") */

  GtkStack          *stack;
  GtkLabel          *name_label;
  GtkLabel          *role_label;
  GtkLabel          *state_label;
  GtkWidget         *crash_button;
  GtkWidget         *stop_button;
  GtkWidget         *pause_button;
  GtkWidget         *restart_button;
  GtkWidget         *remove_button;
  GtkWidget         *buttons;
  AdwPreferencesGroup *process_group;
  AdwPreferencesGroup *group_group;
  AdwPreferencesGroup *counters_group;
  AdwPreferencesGroup *delivered_group;
  GtkLabel          *delivered_label;
  GtkWidget         *fault_editor;
  GtkScrolledWindow *output_scroller;
  GtkTextView       *output_view;
  GtkEntry          *input_entry;
};

G_DEFINE_FINAL_TYPE (ConclaveInspector, conclave_inspector, GTK_TYPE_WIDGET)

static gboolean
is_long (Row row)
{
  return row == ROW_CHILDREN || row == ROW_ADDRESSES || row == ROW_VIEW;
}

static void
set_value (ConclaveInspector *self,
           Row                row,
           const char        *text)
{
  if (text == NULL || *text == '\0')
    text = "–";
  if (self->values[row] != NULL)
    gtk_label_set_text (self->values[row], text);
  else
    adw_action_row_set_subtitle (self->rows[row], text);
}

static char *
children_text (ConclaveNode *node)
{
  GListModel *children = conclave_node_get_children (node);
  guint n = children ? g_list_model_get_n_items (children) : 0;
  g_autoptr(GString) text = g_string_new (NULL);
  guint ended = 0;

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(ConclaveNode) child = g_list_model_get_item (children, i);
      ConclaveNodeState state = conclave_node_get_state (child);

      if (state == CONCLAVE_NODE_EXITED || state == CONCLAVE_NODE_CRASHED)
        {
          ended++;
          continue;
        }
      g_string_append_printf (text, "%s%d", text->len ? ", " : "", conclave_node_get_pid (child));
    }
  if (ended > 0)
    {
      g_autofree char *more = g_strdup_printf (ngettext ("%u ended", "%u ended", ended), ended);

      g_string_append_printf (text, "%s%s", text->len ? " · " : "", more);
    }
  return g_string_free (g_steal_pointer (&text), FALSE);
}

static const char *
state_text (ConclaveNode *node)
{
  switch (conclave_node_get_state (node))
    {
    case CONCLAVE_NODE_STARTING:
      return _("Starting");
    case CONCLAVE_NODE_RUNNING:
      return _("Running");
    case CONCLAVE_NODE_PAUSED:
      return _("Paused");
    case CONCLAVE_NODE_EXITED:
      return _("Exited");
    case CONCLAVE_NODE_CRASHED:
      return _("Crashed");
    default:
      return "";
    }
}

static void
update_state (ConclaveInspector *self)
{
  ConclaveNodeState state = conclave_node_get_state (self->node);
  gboolean alive = state != CONCLAVE_NODE_EXITED && state != CONCLAVE_NODE_CRASHED;
  gboolean paused = state == CONCLAVE_NODE_PAUSED;
  const char *classes[] = { "running", "paused", "ended", NULL };

  gtk_label_set_text (self->state_label, state_text (self->node));
  for (guint i = 0; classes[i] != NULL; i++)
    gtk_widget_remove_css_class (GTK_WIDGET (self->state_label), classes[i]);
  gtk_widget_add_css_class (GTK_WIDGET (self->state_label),
                            paused ? "paused" : alive ? "running" : "ended");

  gtk_widget_set_sensitive (self->crash_button, alive);
  gtk_widget_set_sensitive (self->stop_button, alive);
  gtk_widget_set_sensitive (self->pause_button, alive);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (self->pause_button),
                                  paused ? "app.resume-node" : "app.pause-node");
  gtk_button_set_icon_name (GTK_BUTTON (self->pause_button),
                            paused ? "media-playback-start-symbolic" : "media-playback-pause-symbolic");
  gtk_widget_set_tooltip_text (self->pause_button, paused ? _("Resume (SIGCONT)") : _("Pause (SIGSTOP)"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->pause_button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, paused ? _("Resume") : _("Pause"),
                                  -1);
}

static void
update_group (ConclaveInspector *self)
{
  const char *group_role = conclave_node_get_group_role (self->node);
  const char * const *view = conclave_node_get_view (self->node);
  g_autofree char *view_text = view ? g_strjoinv (", ", (char **) view) : NULL;
  /* Term 0: none known (a program's own leader, named by its output). */
  g_autofree char *term = conclave_node_get_term (self->node)
                          ? g_strdup_printf ("%" G_GUINT64_FORMAT, conclave_node_get_term (self->node))
                          : g_strdup ("–");

  gtk_widget_set_visible (GTK_WIDGET (self->group_group), group_role != NULL && *group_role != '\0');
  set_value (self, ROW_GROUP_ROLE, group_role);
  set_value (self, ROW_TERM, term);
  set_value (self, ROW_LEADER, conclave_node_get_leader (self->node));
  set_value (self, ROW_VIEW, view_text);
}

static void
set_count_with_children (ConclaveInspector *self,
                         Row                row,
                         guint64            own,
                         guint64            by_children,
                         gboolean           has_children)
{
  g_autofree char *own_text = g_strdup_printf ("%'" G_GUINT64_FORMAT, own);
  g_autofree char *children_text = NULL;
  g_autofree char *text = NULL;

  if (!has_children)
    {
      set_value (self, row, own_text);
      return;
    }
  children_text = g_strdup_printf ("%'" G_GUINT64_FORMAT, by_children);
  /* Translators: a counter of a server and of the children it forked,
   * e.g. "0 · by children 42". */
  text = g_strdup_printf (_("%s · by children %s"), own_text, children_text);
  set_value (self, row, text);
}

static void
update_counters (ConclaveInspector *self)
{
  const ConclaveNodeCounters *counters = conclave_node_get_counters (self->node);
  ConclaveNodeCounters children = { 0, };
  gboolean has_children = conclave_node_get_children_counters (self->node, &children) > 0;

  set_count_with_children (self, ROW_SENT, counters->sent, children.sent, has_children);
  set_count_with_children (self, ROW_RECEIVED, counters->received, children.received, has_children);
  set_count_with_children (self, ROW_DROPPED, counters->dropped, children.dropped, has_children);
  set_count_with_children (self, ROW_LOST, counters->lost, children.lost, has_children);
  set_count_with_children (self, ROW_GARBAGE, counters->garbage, children.garbage, has_children);
  set_count_with_children (self, ROW_DELIVERED, counters->delivered, 0, FALSE);
  set_count_with_children (self, ROW_LINES_LOST, counters->lines_lost + counters->errors, 0, FALSE);
  /* Only counters that apply: posts belong to a server group; garbage and
   * lost reports are shown once there are any. */
  gtk_widget_set_visible (GTK_WIDGET (self->rows[ROW_DELIVERED]),
                          g_strcmp0 (conclave_node_get_role (self->node), "group-server") == 0);
  gtk_widget_set_visible (GTK_WIDGET (self->rows[ROW_GARBAGE]), counters->garbage + children.garbage > 0);
  gtk_widget_set_visible (GTK_WIDGET (self->rows[ROW_LINES_LOST]), counters->lines_lost + counters->errors > 0);
}

/* Children report in their own batches; the parent's totals follow the
 * cluster's "changed", not only the parent's. */
static void
on_cluster_changed (gpointer view)
{
  ConclaveInspector *self = view;
  GListModel *children = self->node ? conclave_node_get_children (self->node) : NULL;

  if (children != NULL && g_list_model_get_n_items (children) > 0)
    update_counters (self);
}

#define DELIVERED_SHOWN 50

/* The newest posts the server delivered, one line each: "#7 c1: hello". */
static void
update_delivered (ConclaveInspector *self)
{
  guint n = conclave_node_get_n_delivered (self->node);
  const char *group_role = conclave_node_get_group_role (self->node);
  g_autoptr(GString) text = g_string_new (NULL);

  gtk_widget_set_visible (GTK_WIDGET (self->delivered_group),
                          n > 0 || (conclave_node_is_server (self->node) && group_role != NULL && *group_role));
  for (guint i = n > DELIVERED_SHOWN ? n - DELIVERED_SHOWN : 0; i < n; i++)
    {
      const ConclaveDeliveredPost *post = conclave_node_get_delivered (self->node, i);

      g_string_append_printf (text, "%s#%d %s: %s", text->len ? "\n" : "", post->seqno,
                              post->client ? post->client : "?", post->text ? post->text : "");
    }
  gtk_label_set_text (self->delivered_label, n > 0 ? text->str : _("Nothing delivered yet"));
}

static void
update (ConclaveInspector *self)
{
  ConclaveNode *parent = conclave_node_get_parent (self->node);
  const char * const *addresses = conclave_node_get_addresses (self->node);
  g_autofree char *addresses_text = addresses ? g_strjoinv ("\n", (char **) addresses) : NULL;
  g_autofree char *children = children_text (self->node);
  /* The program's PID when a wrapper forked it (the core's answer). */
  ConclaveCluster *cluster = self->session ? conclave_session_get_cluster (self->session) : NULL;
  gint program_pid = cluster ? conclave_cluster_get_program_pid (cluster, self->node)
                             : conclave_node_get_pid (self->node);
  g_autofree char *pid = g_strdup_printf ("%d", program_pid);
  g_autofree char *ppid = g_strdup_printf ("%d", conclave_node_get_ppid (self->node));
  g_autofree char *role = NULL;

  if (parent != NULL)
    role = g_strdup_printf (_("child of %s"), conclave_node_get_name (parent));
  else
    role = conclave_role_describe_node (self->node);
  gtk_label_set_text (self->name_label, conclave_node_get_name (self->node));
  gtk_label_set_text (self->role_label, role);
  set_value (self, ROW_PID, program_pid > 0 ? pid : NULL);
  set_value (self, ROW_PPID, conclave_node_get_ppid (self->node) > 0 ? ppid : NULL);
  set_value (self, ROW_CHILDREN, children);
  set_value (self, ROW_ADDRESSES, addresses_text);
  /* Children are the server's business: no controls of their own; a
   * recording runs no process to control. */
  gtk_widget_set_visible (self->buttons, parent == NULL && (self->session == NULL || !conclave_session_is_replay (self->session)));
  update_state (self);
  update_group (self);
  update_delivered (self);
  update_counters (self);
}

static gboolean
output_at_bottom (ConclaveInspector *self)
{
  GtkAdjustment *adj = gtk_scrolled_window_get_vadjustment (self->output_scroller);

  return gtk_adjustment_get_value (adj) >= gtk_adjustment_get_upper (adj) - gtk_adjustment_get_page_size (adj) - 4;
}

static void
append_output_line (ConclaveInspector    *self,
                    ConclaveOutputStream  stream,
                    const char           *line)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->output_view);
  g_autofree char *shown = conclave_display_text (line);
  GtkTextIter end;

  gtk_text_buffer_get_end_iter (buffer, &end);
  if (stream == CONCLAVE_OUTPUT_STDERR)
    gtk_text_buffer_insert_with_tags_by_name (buffer, &end, shown, -1, "stderr", NULL);
  else
    gtk_text_buffer_insert (buffer, &end, shown, -1);
  gtk_text_buffer_insert (buffer, &end, "\n", 1);
  if (gtk_text_buffer_get_line_count (buffer) > MAX_LINES)
    {
      GtkTextIter start, cut;

      gtk_text_buffer_get_start_iter (buffer, &start);
      gtk_text_buffer_get_iter_at_line (buffer, &cut, gtk_text_buffer_get_line_count (buffer) - MAX_LINES);
      gtk_text_buffer_delete (buffer, &start, &cut);
    }
}

static void
scroll_output_to_end (ConclaveInspector *self)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->output_view);
  GtkTextIter end;

  gtk_text_buffer_get_end_iter (buffer, &end);
  gtk_text_view_scroll_to_iter (self->output_view, &end, 0, FALSE, 0, 1);
}

static void
on_output (ConclaveNode      *node,
           guint              stream,
           const char        *line,
           ConclaveInspector *self)
{
  gboolean follow = output_at_bottom (self);

  append_output_line (self, stream, line);
  if (follow)
    scroll_output_to_end (self);
}

static void
fill_output (ConclaveInspector *self)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->output_view);
  guint n = self->node ? conclave_node_get_n_output (self->node) : 0;

  gtk_text_buffer_set_text (buffer, "", 0);
  for (guint i = n > MAX_LINES ? n - MAX_LINES : 0; i < n; i++)
    {
      ConclaveOutputStream stream = CONCLAVE_OUTPUT_STDOUT;
      const char *line = conclave_node_get_output (self->node, i, &stream);

      if (line != NULL)
        append_output_line (self, stream, line);
    }
  scroll_output_to_end (self);
}

static void
set_targets (ConclaveInspector *self)
{
  GtkWidget *buttons[] = {
    self->crash_button, self->stop_button, self->pause_button, self->restart_button, self->remove_button,
  };
  GVariant *target = g_variant_ref_sink (g_variant_new_string (conclave_node_get_name (self->node)));

  for (guint i = 0; i < G_N_ELEMENTS (buttons); i++)
    gtk_actionable_set_action_target_value (GTK_ACTIONABLE (buttons[i]), target);
  g_variant_unref (target);
}

/* A line for the program's stdin (a chat client calling input()). */
static void
on_input_activate (ConclaveInspector *self)
{
  GtkEditable *entry = GTK_EDITABLE (self->input_entry);
  ConclaveCluster *cluster = self->session ? conclave_session_get_cluster (self->session) : NULL;
  g_autoptr(GError) error = NULL;

  if (self->node == NULL || cluster == NULL)
    return;
  if (!conclave_cluster_send_input (cluster, conclave_node_get_name (self->node),
                                    gtk_editable_get_text (entry), &error))
    {
      g_autofree char *message = g_strdup_printf (_("Cannot send the line to %s: %s"),
                                                  conclave_node_get_name (self->node), error->message);
      conclave_session_notice (self->session, message);
      return;
    }
  gtk_editable_set_text (entry, "");
}

GtkWidget *
conclave_inspector_get_input_entry (ConclaveInspector *self)
{
  g_return_val_if_fail (CONCLAVE_IS_INSPECTOR (self), NULL);
  return GTK_WIDGET (self->input_entry);
}

/* The session's selection is the node shown. */
static void
set_node (gpointer      view,
          ConclaveNode *node)
{
  ConclaveInspector *self = view;

  if (self->node == node)
    return;
  if (self->node != NULL)
    g_signal_handlers_disconnect_by_data (self->node, self);
  g_set_object (&self->node, node);
  conclave_fault_editor_set_node (CONCLAVE_FAULT_EDITOR (self->fault_editor), node);
  gtk_stack_set_visible_child_name (self->stack, node ? "node" : "empty");
  if (node != NULL)
    {
      g_signal_connect_object (node, "changed", G_CALLBACK (update), self, G_CONNECT_SWAPPED);
      g_signal_connect_object (node, "output", G_CALLBACK (on_output), self, 0);
      set_targets (self);
      update (self);
    }
  fill_output (self);
}

ConclaveNode *
conclave_inspector_get_node (ConclaveInspector *self)
{
  g_return_val_if_fail (CONCLAVE_IS_INSPECTOR (self), NULL);
  return self->node;
}

const char *
conclave_inspector_get_value (ConclaveInspector *self,
                              const char        *row)
{
  g_return_val_if_fail (CONCLAVE_IS_INSPECTOR (self), NULL);

  if (g_strcmp0 (row, "state") == 0)
    return gtk_label_get_text (self->state_label);
  if (g_strcmp0 (row, "controls") == 0)
    return gtk_widget_get_visible (self->buttons) ? "shown" : NULL;
  if (g_strcmp0 (row, "isolated") == 0)
    return conclave_fault_editor_get_isolated (CONCLAVE_FAULT_EDITOR (self->fault_editor));
  if (g_strcmp0 (row, "delivered") == 0)
    return gtk_widget_get_visible (GTK_WIDGET (self->delivered_group))
           ? gtk_label_get_text (self->delivered_label) : NULL;
  if (g_strcmp0 (row, "output") == 0)
    {
      GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->output_view);
      GtkTextIter start, end;

      g_free (self->output_text);
      gtk_text_buffer_get_bounds (buffer, &start, &end);
      self->output_text = gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
      return self->output_text;
    }
  for (guint i = 0; i < N_ROWS; i++)
    if (g_strcmp0 (row_info[i].id, row) == 0 && gtk_widget_get_visible (GTK_WIDGET (self->rows[i])))
      return self->values[i] ? gtk_label_get_text (self->values[i])
                             : adw_action_row_get_subtitle (self->rows[i]);
  return NULL;
}

static void
add_rows (ConclaveInspector   *self,
          AdwPreferencesGroup *group,
          Row                  first,
          Row                  last)
{
  for (Row row = first; row <= last; row++)
    {
      GtkWidget *action_row = adw_action_row_new ();
      GtkWidget *value;

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (action_row), _(row_info[row].title));
      self->rows[row] = ADW_ACTION_ROW (action_row);
      adw_preferences_group_add (group, action_row);
      if (is_long (row))
        {
          /* Lists of sockets and PIDs read better under the title. */
          adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (action_row), 0);
          set_value (self, row, NULL);
          continue;
        }
      value = gtk_label_new ("–");
      gtk_label_set_selectable (GTK_LABEL (value), TRUE);
      gtk_label_set_xalign (GTK_LABEL (value), 1);
      gtk_widget_add_css_class (value, "numeric");
      adw_action_row_add_suffix (ADW_ACTION_ROW (action_row), value);
      self->values[row] = GTK_LABEL (value);
    }
}

void
conclave_inspector_set_session (ConclaveInspector *self,
                                ConclaveSession   *session)
{
  static const ConclaveSessionWatch watch = { NULL, set_node, NULL, on_cluster_changed };

  g_return_if_fail (CONCLAVE_IS_INSPECTOR (self));
  g_return_if_fail (CONCLAVE_IS_SESSION (session));
  g_return_if_fail (self->session == NULL);

  self->session = g_object_ref (session);
  conclave_fault_editor_set_session (CONCLAVE_FAULT_EDITOR (self->fault_editor), session);
  conclave_session_watch (session, self, &watch);
}

static void
conclave_inspector_dispose (GObject *object)
{
  ConclaveInspector *self = CONCLAVE_INSPECTOR (object);

  set_node (self, NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), CONCLAVE_TYPE_INSPECTOR);
  /* Template children of a plain GtkWidget are ours to unparent. */
  for (GtkWidget *child; (child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL;)
    gtk_widget_unparent (child);
  g_clear_object (&self->session);
  g_clear_pointer (&self->output_text, g_free);
  G_OBJECT_CLASS (conclave_inspector_parent_class)->dispose (object);
}

void
conclave_inspector_set_faults (ConclaveInspector *self,
                               ConclaveFaults    *faults)
{
  g_return_if_fail (CONCLAVE_IS_INSPECTOR (self));
  conclave_fault_editor_set_faults (CONCLAVE_FAULT_EDITOR (self->fault_editor), faults);
}

static void
conclave_inspector_class_init (ConclaveInspectorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = conclave_inspector_dispose;

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "inspector");
  g_type_ensure (CONCLAVE_TYPE_FAULT_EDITOR);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/conclave/Conclave/conclave-inspector.ui");
  gtk_widget_class_bind_template_child (widget_class, ConclaveInspector, stack);
  gtk_widget_class_bind_template_child (widget_class, ConclaveInspector, name_label);
  gtk_widget_class_bind_template_child (widget_class, ConclaveInspector, role_label);
  gtk_widget_class_bind_template_child (widget_class, ConclaveInspector, state_label);
  gtk_widget_class_bind_template_child (widget_class, ConclaveInspector, buttons);
  gtk_widget_class_bind_template_child (widget_class, ConclaveInspector, crash_button);
  gtk_widget_class_bind_template_child (widget_class, ConclaveInspector, stop_button);
  gtk_widget_class_bind_template_child (widget_class, ConclaveInspector, pause_button);
  gtk_widget_class_bind_template_child (widget_class, ConclaveInspector, restart_button);
  gtk_widget_class_bind_template_child (widget_class, ConclaveInspector, remove_button);
  gtk_widget_class_bind_template_child (widget_class, ConclaveInspector, process_group);
  gtk_widget_class_bind_template_child (widget_class, ConclaveInspector, group_group);
  gtk_widget_class_bind_template_child (widget_class, ConclaveInspector, counters_group);
  gtk_widget_class_bind_template_child (widget_class, ConclaveInspector, delivered_group);
  gtk_widget_class_bind_template_child (widget_class, ConclaveInspector, delivered_label);
  gtk_widget_class_bind_template_child (widget_class, ConclaveInspector, fault_editor);
  gtk_widget_class_bind_template_child (widget_class, ConclaveInspector, output_scroller);
  gtk_widget_class_bind_template_child (widget_class, ConclaveInspector, output_view);
  gtk_widget_class_bind_template_child (widget_class, ConclaveInspector, input_entry);
  gtk_widget_class_bind_template_callback (widget_class, on_input_activate);
}

static void
conclave_inspector_init (ConclaveInspector *self)
{
  GtkTextBuffer *buffer;

  gtk_widget_init_template (GTK_WIDGET (self));
  add_rows (self, self->process_group, ROW_PID, ROW_ADDRESSES);
  add_rows (self, self->group_group, ROW_GROUP_ROLE, ROW_VIEW);
  add_rows (self, self->counters_group, ROW_SENT, ROW_LINES_LOST);
  buffer = gtk_text_view_get_buffer (self->output_view);
  gtk_text_buffer_create_tag (buffer, "stderr", "foreground", "#e01b24", NULL);
  gtk_stack_set_visible_child_name (self->stack, "empty");
}
