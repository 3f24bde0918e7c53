/* conclave-events-view.c — the event log widget (see the header).
 *
 * Owns the lazy list model and the filter controls; the columns format only
 * the rows GtkColumnView asks for. Keeps following the newest event while
 * the user is at the bottom, and stops the moment they scroll up.
 */
#include "config.h"

#include <glib/gi18n.h>

#include "conclave-event-format.h"
#include "conclave-event-item.h"
#include "conclave-event-list.h"
#include "conclave-events-view.h"
#include "conclave-palette-widget.h"

typedef enum {
  COLUMN_TIME,
  COLUMN_NODE,
  COLUMN_PID,
  COLUMN_EVENT,
  COLUMN_DETAILS,
} Column;

struct _ConclaveEventsView
{
  GtkWidget          parent_instance;

  ConclaveSession   *session;
  ConclaveEventList *list;
  GtkStringList     *node_names;
  gint64             origin_ns;
  gboolean           following;
  guint              scroll_id;

  GtkSearchEntry    *search_entry;
  GtkDropDown       *node_dropdown;
  GtkDropDown       *category_dropdown;
  GtkLabel          *count_label;
  GtkScrolledWindow *scroller;
  GtkColumnView     *column_view;
  GtkLabel          *order_label;
  GHashTable        *bound;        /* GtkListItem* → its label, every cell bound now */
};

G_DEFINE_FINAL_TYPE (ConclaveEventsView, conclave_events_view, GTK_TYPE_WIDGET)

/* The session holds the cluster; the view only asks. */
static inline ConclaveCluster *
cluster_of (ConclaveEventsView *self)
{
  return self->session != NULL ? conclave_session_get_cluster (self->session) : NULL;
}

static gint64
origin (ConclaveEventsView    *self,
        ConclaveEventStore  *store)
{
  /* Times count from the first event ever seen, so they do not jump when
   * retention drops old events. */
  if (self->origin_ns == 0 && conclave_event_store_get_end (store) > 0)
    self->origin_ns = conclave_event_store_get_min_time (store);
  return self->origin_ns;
}

static PangoAttrList *
kind_attributes (ConclaveEventStore  *store,
                 const ConclaveEvent *event)
{
  const char *kind;
  PangoAttrList *attrs;
  PangoAttribute *color, *weight;
  ConclaveRgba rgba;

  if (!CONCLAVE_EVENT_IS_MESSAGE (event->type) || conclave_event_kind (event) == 0)
    return NULL;
  kind = conclave_event_store_str (store, conclave_event_kind (event));
  conclave_palette_kind_text (kind, conclave_palette_is_dark (), &rgba);
  attrs = pango_attr_list_new ();
  color = pango_attr_foreground_new (rgba.red * 65535, rgba.green * 65535, rgba.blue * 65535);
  weight = pango_attr_weight_new (PANGO_WEIGHT_BOLD);
  color->end_index = weight->end_index = strlen (kind);
  pango_attr_list_insert (attrs, color);
  pango_attr_list_insert (attrs, weight);
  return attrs;
}

static void
setup_cell (GtkSignalListItemFactory *factory,
            GtkListItem              *list_item,
            gpointer                  user_data)
{
  Column column = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (factory), "column"));
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), column == COLUMN_PID || column == COLUMN_TIME ? 1 : 0);
  gtk_label_set_single_line_mode (GTK_LABEL (label), TRUE);
  if (column == COLUMN_DETAILS)
    gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  if (column == COLUMN_TIME || column == COLUMN_PID)
    gtk_widget_add_css_class (label, "numeric");
  g_object_set_data (G_OBJECT (label), "first-column", GINT_TO_POINTER (column == COLUMN_TIME));
  gtk_list_item_set_child (list_item, label);
}

/* While a message's causes or effects are lit, the other rows are dimmed. */
static gboolean
cell_lit (ConclaveEventsView *self,
          GtkListItem        *list_item)
{
  ConclaveEventItem *item = gtk_list_item_get_item (list_item);
  const ConclaveEvent *event = item ? conclave_event_item_get_event (item) : NULL;

  return self->session == NULL || event == NULL ||
         conclave_causal_highlight_event_lit (conclave_session_get_highlight (self->session), event->proc,
                                              conclave_event_item_get_index (item));
}

static void
dim_cell (ConclaveEventsView *self,
          GtkListItem        *list_item,
          GtkLabel           *label)
{
  if (cell_lit (self, list_item))
    gtk_widget_remove_css_class (GTK_WIDGET (label), "causal-dimmed");
  else
    gtk_widget_add_css_class (GTK_WIDGET (label), "causal-dimmed");
}

static void
on_highlight_changed (ConclaveEventsView *self)
{
  GHashTableIter iter;
  gpointer item, label;

  g_hash_table_iter_init (&iter, self->bound);
  while (g_hash_table_iter_next (&iter, &item, &label))
    dim_cell (self, item, label);
}

static void
unbind_cell (GtkSignalListItemFactory *factory,
             GtkListItem              *list_item,
             ConclaveEventsView       *self)
{
  g_hash_table_remove (self->bound, list_item);
}

static void
bind_cell (GtkSignalListItemFactory *factory,
           GtkListItem              *list_item,
           ConclaveEventsView         *self)
{
  Column column = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (factory), "column"));
  GtkLabel *label = GTK_LABEL (gtk_list_item_get_child (list_item));
  ConclaveEventItem *item = gtk_list_item_get_item (list_item);
  ConclaveEventStore *store = conclave_event_item_get_store (item);
  const ConclaveEvent *event = conclave_event_item_get_event (item);
  g_autofree char *text = NULL;
  g_autoptr(PangoAttrList) attrs = NULL;
  const char *node;
  gint pid;

  switch (column)
    {
    case COLUMN_TIME:
      text = conclave_event_format_time (event->time_ns, origin (self, store));
      break;
    case COLUMN_NODE:
      node = conclave_event_format_node (store, event, NULL);
      text = g_strdup (node ? node : "");
      break;
    case COLUMN_PID:
      conclave_event_format_node (store, event, &pid);
      text = pid > 0 ? g_strdup_printf ("%d", pid) : g_strdup ("");
      break;
    case COLUMN_EVENT:
      text = g_strdup (conclave_event_format_type (event));
      break;
    case COLUMN_DETAILS:
    default:
      text = conclave_event_format_details (store, event);
      attrs = kind_attributes (store, event);
      break;
    }
  gtk_label_set_text (label, text);
  gtk_label_set_attributes (label, attrs);
  g_hash_table_insert (self->bound, list_item, label);
  dim_cell (self, list_item, label);
  if (conclave_event_in_category (event, CONCLAVE_EVENT_CATEGORY_PROBLEMS))
    gtk_widget_add_css_class (GTK_WIDGET (label), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (label), "error");
}

static void
add_column (ConclaveEventsView *self,
            Column            column,
            const char       *title,
            int               width)
{
  GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();
  g_autoptr(GtkColumnViewColumn) view_column = NULL;

  g_object_set_data (G_OBJECT (factory), "column", GINT_TO_POINTER (column));
  g_signal_connect (factory, "setup", G_CALLBACK (setup_cell), NULL);
  g_signal_connect_object (factory, "bind", G_CALLBACK (bind_cell), self, 0);
  g_signal_connect_object (factory, "unbind", G_CALLBACK (unbind_cell), self, 0);
  view_column = gtk_column_view_column_new (title, factory);
  gtk_column_view_column_set_resizable (view_column, TRUE);
  if (width > 0)
    gtk_column_view_column_set_fixed_width (view_column, width);
  else
    gtk_column_view_column_set_expand (view_column, TRUE);
  gtk_column_view_append_column (self->column_view, view_column);
}

static void
update_count (ConclaveEventsView *self)
{
  guint shown = g_list_model_get_n_items (G_LIST_MODEL (self->list));
  g_autofree char *text = NULL;

  if (conclave_event_list_get_scanning (self->list))
    text = g_strdup_printf (_("%u found so far…"), shown);
  else
    text = g_strdup_printf (ngettext ("%u event", "%u events", shown), shown);
  gtk_label_set_text (self->count_label, text);
  gtk_label_set_text (self->order_label, _("Causal order"));
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->order_label),
                               _("Each message’s send is listed above its receive, each process’s "
                                 "events in the order it reported them, everything else by time; "
                                 "a filter keeps this order. "
                                 "Click a message’s row to explain it; "
                                 "double-click a row to see it on the timeline."));
}

/* The teacher picked a row: the session's focused event, which the
 * timeline scrolls to and highlights. */
static void
on_selection_changed (ConclaveEventsView *self)
{
  guint64 index = conclave_events_view_get_selected_event (self);
  ConclaveEventStore *store = cluster_of (self) ? conclave_cluster_get_store (cluster_of (self)) : NULL;
  const ConclaveEvent *event = store && index != G_MAXUINT64 ? conclave_event_store_get (store, index) : NULL;

  if (index == G_MAXUINT64 || self->session == NULL)
    return;
  conclave_session_set_focused_event (self->session, index);
  /* A message's row opens its card. */
  if (event != NULL && CONCLAVE_EVENT_IS_MESSAGE (event->type))
    gtk_widget_activate_action (GTK_WIDGET (self), "win.explain-event", "t", index);
}

/* A row activated (double-click, Enter): the timeline, showing it. */
static void
on_activate (ConclaveEventsView *self,
             guint               position)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "win.show-view", "s", "timeline");
}

static void
on_filter_changed (ConclaveEventsView *self)
{
  guint node_position = gtk_drop_down_get_selected (self->node_dropdown);
  guint category = gtk_drop_down_get_selected (self->category_dropdown);
  const char *node = NULL;

  if (node_position != GTK_INVALID_LIST_POSITION && node_position > 0)
    node = gtk_string_list_get_string (self->node_names, node_position);
  if (category == GTK_INVALID_LIST_POSITION)
    category = CONCLAVE_EVENT_CATEGORY_ALL;
  conclave_event_list_set_filter (self->list, node, category,
                                  gtk_editable_get_text (GTK_EDITABLE (self->search_entry)));
  update_count (self);
}

static void
update_node_names (ConclaveEventsView *self)
{
  guint position = gtk_drop_down_get_selected (self->node_dropdown);
  g_autofree char *selected = NULL;
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  guint n = cluster_of (self) ? g_list_model_get_n_items (G_LIST_MODEL (cluster_of (self))) : 0;
  guint reselect = 0;

  if (position != GTK_INVALID_LIST_POSITION && position > 0)
    selected = g_strdup (gtk_string_list_get_string (self->node_names, position));
  g_ptr_array_add (names, g_strdup (_("All Nodes")));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(ConclaveNode) node = g_list_model_get_item (G_LIST_MODEL (cluster_of (self)), i);

      if (g_strcmp0 (selected, conclave_node_get_name (node)) == 0)
        reselect = names->len;
      g_ptr_array_add (names, g_strdup (conclave_node_get_name (node)));
    }
  g_ptr_array_add (names, NULL);
  g_signal_handlers_block_by_func (self->node_dropdown, on_filter_changed, self);
  gtk_string_list_splice (self->node_names, 0,
                          g_list_model_get_n_items (G_LIST_MODEL (self->node_names)),
                          (const char * const *) names->pdata);
  gtk_drop_down_set_selected (self->node_dropdown, reselect);
  g_signal_handlers_unblock_by_func (self->node_dropdown, on_filter_changed, self);
  /* The selected node went away: show everything again. */
  if (selected != NULL && reselect == 0)
    on_filter_changed (self);
}

/* Following the newest event: on until the user scrolls up, on again once
 * they are back at the bottom. GtkListView moves its adjustment itself as
 * rows come and go, so only the user's own scrolling turns it off. */
static gboolean
on_scroll (GtkEventControllerScroll *controller,
           double                    dx,
           double                    dy,
           ConclaveEventsView       *self)
{
  if (dy < 0)
    self->following = FALSE;
  return FALSE;
}

static void
on_value_changed (GtkAdjustment      *adjustment,
                  ConclaveEventsView *self)
{
  if (gtk_adjustment_get_value (adjustment) >=
      gtk_adjustment_get_upper (adjustment) - gtk_adjustment_get_page_size (adjustment) - 2)
    self->following = TRUE;
}

/* The list view inside the column view owns "list.scroll-to-item"
 * (GtkColumnView itself gets a scroll_to only in GTK 4.12). */
static GtkWidget *
inner_list_view (ConclaveEventsView *self)
{
  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->column_view));
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (GTK_IS_LIST_VIEW (child))
      return child;
  return NULL;
}

/* The newest row while following, else the selected one (picked while
 * the log was hidden, where a list cannot scroll). */
static gboolean
scroll_into_view (gpointer data)
{
  ConclaveEventsView *self = data;
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->list));
  guint selected = gtk_single_selection_get_selected (GTK_SINGLE_SELECTION (gtk_column_view_get_model (self->column_view)));
  GtkWidget *list_view = inner_list_view (self);

  self->scroll_id = 0;
  if (n == 0 || list_view == NULL || !gtk_widget_get_mapped (list_view))
    return G_SOURCE_REMOVE;
  if (self->following)
    gtk_widget_activate_action (list_view, "list.scroll-to-item", "u", n - 1);
  else if (selected != GTK_INVALID_LIST_POSITION)
    gtk_widget_activate_action (list_view, "list.scroll-to-item", "u", selected);
  return G_SOURCE_REMOVE;
}

static void
on_rows_changed (ConclaveEventsView *self)
{
  update_count (self);
  if (self->following && self->scroll_id == 0)
    self->scroll_id = g_idle_add (scroll_into_view, self);
}

static void
on_map (ConclaveEventsView *self)
{
  update_count (self);
  if (self->scroll_id == 0)
    self->scroll_id = g_idle_add (scroll_into_view, self);
}

/* A new cluster is a new log: no event of the old run, times from 0. */
static void
set_cluster (gpointer         view,
             ConclaveCluster *old)
{
  ConclaveEventsView *self = view;
  ConclaveCluster *cluster = cluster_of (self);

  if (old != NULL)
    g_signal_handlers_disconnect_by_data (old, self);
  self->origin_ns = 0;
  conclave_event_list_set_cluster (self->list, cluster);
  if (cluster != NULL)
    g_signal_connect_object (cluster, "items-changed", G_CALLBACK (update_node_names), self,
                             G_CONNECT_SWAPPED);
  update_node_names (self);
  update_count (self);
}

static void
on_cluster_changed (gpointer view)
{
  conclave_event_list_sync (CONCLAVE_EVENTS_VIEW (view)->list);
}

/* An event picked elsewhere (a message clicked on the timeline) is
 * selected here too, and scrolled to, if the filters show it. */
static void
on_focused (gpointer view,
            guint64  index)
{
  ConclaveEventsView *self = view;
  GtkSelectionModel *selection = gtk_column_view_get_model (self->column_view);
  GtkWidget *list_view = inner_list_view (self);
  guint position;

  if (index == G_MAXUINT64 || index == conclave_events_view_get_selected_event (self))
    return;
  conclave_event_list_sync (self->list);
  position = conclave_event_list_find (self->list, index);
  if (position == G_MAXUINT)
    return;
  self->following = FALSE;
  gtk_selection_model_select_item (selection, position, TRUE);
  if (list_view != NULL)
    gtk_widget_activate_action (list_view, "list.scroll-to-item", "u", position);
}

void
conclave_events_view_set_session (ConclaveEventsView *self,
                                  ConclaveSession    *session)
{
  static const ConclaveSessionWatch watch = { set_cluster, NULL, NULL, on_cluster_changed, on_focused };

  g_return_if_fail (CONCLAVE_IS_EVENTS_VIEW (self));
  g_return_if_fail (CONCLAVE_IS_SESSION (session));
  g_return_if_fail (self->session == NULL);

  self->session = g_object_ref (session);
  g_signal_connect_object (conclave_session_get_highlight (session), "changed",
                           G_CALLBACK (on_highlight_changed), self, G_CONNECT_SWAPPED);
  conclave_session_watch (session, self, &watch);
}

void
conclave_events_view_list_shown_rows (ConclaveEventsView *self,
                                      GArray             *lit,
                                      GArray             *dimmed)
{
  GHashTableIter iter;
  gpointer item, label;

  g_return_if_fail (CONCLAVE_IS_EVENTS_VIEW (self));

  g_hash_table_iter_init (&iter, self->bound);
  while (g_hash_table_iter_next (&iter, &item, &label))
    {
      ConclaveEventItem *event = gtk_list_item_get_item (item);
      guint64 index = event ? conclave_event_item_get_index (event) : G_MAXUINT64;
      GArray *into = gtk_widget_has_css_class (label, "causal-dimmed") ? dimmed : lit;

      /* one entry per row, from its first column */
      if (index != G_MAXUINT64 && into != NULL &&
          GPOINTER_TO_INT (g_object_get_data (G_OBJECT (gtk_list_item_get_child (item)), "first-column")))
        g_array_append_val (into, index);
    }
}

void
conclave_events_view_focus_search (ConclaveEventsView *self)
{
  g_return_if_fail (CONCLAVE_IS_EVENTS_VIEW (self));
  gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
}

/* Shows every event (the filters would hide it), stops following the
 * newest, selects the event at store index `index` and scrolls to it.
 * FALSE when the store no longer keeps it. */
gboolean
conclave_events_view_select_event (ConclaveEventsView *self,
                                   guint64             index)
{
  ConclaveEventStore *store;
  GtkSelectionModel *selection;
  GtkWidget *list_view;
  guint position;

  g_return_val_if_fail (CONCLAVE_IS_EVENTS_VIEW (self), FALSE);

  if (cluster_of (self) == NULL)
    return FALSE;
  store = conclave_cluster_get_store (cluster_of (self));
  if (index < conclave_event_store_get_first (store) || index >= conclave_event_store_get_end (store))
    return FALSE;
  gtk_editable_set_text (GTK_EDITABLE (self->search_entry), "");
  gtk_drop_down_set_selected (self->node_dropdown, 0);
  gtk_drop_down_set_selected (self->category_dropdown, CONCLAVE_EVENT_CATEGORY_ALL);
  on_filter_changed (self);
  conclave_event_list_sync (self->list);
  position = conclave_event_list_find (self->list, index);
  if (position == G_MAXUINT)
    return FALSE;
  self->following = FALSE;
  selection = gtk_column_view_get_model (self->column_view);
  gtk_selection_model_select_item (selection, position, TRUE);
  list_view = inner_list_view (self);
  if (list_view != NULL)
    gtk_widget_activate_action (list_view, "list.scroll-to-item", "u", position);
  return TRUE;
}

/* The store index of the selected row, G_MAXUINT64 when none. */
guint64
conclave_events_view_get_selected_event (ConclaveEventsView *self)
{
  GtkSelectionModel *selection;
  g_autoptr(ConclaveEventItem) item = NULL;
  guint position;

  g_return_val_if_fail (CONCLAVE_IS_EVENTS_VIEW (self), G_MAXUINT64);

  selection = gtk_column_view_get_model (self->column_view);
  position = gtk_single_selection_get_selected (GTK_SINGLE_SELECTION (selection));
  if (position == GTK_INVALID_LIST_POSITION)
    return G_MAXUINT64;
  item = g_list_model_get_item (G_LIST_MODEL (selection), position);
  return item ? conclave_event_item_get_index (item) : G_MAXUINT64;
}

GListModel *
conclave_events_view_get_model (ConclaveEventsView *self)
{
  g_return_val_if_fail (CONCLAVE_IS_EVENTS_VIEW (self), NULL);
  return G_LIST_MODEL (self->list);
}

static void
conclave_events_view_dispose (GObject *object)
{
  ConclaveEventsView *self = CONCLAVE_EVENTS_VIEW (object);

  if (cluster_of (self) != NULL)
    g_signal_handlers_disconnect_by_data (cluster_of (self), self);
  conclave_event_list_set_cluster (self->list, NULL);
  if (self->session != NULL)
    g_signal_handlers_disconnect_by_data (conclave_session_get_highlight (self->session), self);
  g_clear_object (&self->session);
  g_clear_handle_id (&self->scroll_id, g_source_remove);
  gtk_widget_dispose_template (GTK_WIDGET (self), CONCLAVE_TYPE_EVENTS_VIEW);
  /* Template children of a plain GtkWidget are ours to unparent. */
  for (GtkWidget *child; (child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL;)
    gtk_widget_unparent (child);
  g_clear_object (&self->list);
  g_clear_object (&self->node_names);
  g_clear_pointer (&self->bound, g_hash_table_unref);
  G_OBJECT_CLASS (conclave_events_view_parent_class)->dispose (object);
}

static void
conclave_events_view_class_init (ConclaveEventsViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = conclave_events_view_dispose;

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/conclave/Conclave/conclave-events-view.ui");
  gtk_widget_class_bind_template_child (widget_class, ConclaveEventsView, search_entry);
  gtk_widget_class_bind_template_child (widget_class, ConclaveEventsView, node_dropdown);
  gtk_widget_class_bind_template_child (widget_class, ConclaveEventsView, category_dropdown);
  gtk_widget_class_bind_template_child (widget_class, ConclaveEventsView, count_label);
  gtk_widget_class_bind_template_child (widget_class, ConclaveEventsView, scroller);
  gtk_widget_class_bind_template_child (widget_class, ConclaveEventsView, column_view);
  gtk_widget_class_bind_template_child (widget_class, ConclaveEventsView, order_label);
  gtk_widget_class_bind_template_callback (widget_class, on_filter_changed);
}

static void
init_categories (ConclaveEventsView *self)
{
  g_autoptr(GtkStringList) categories = gtk_string_list_new (NULL);

  for (guint i = 0; i < CONCLAVE_N_EVENT_CATEGORIES; i++)
    gtk_string_list_append (categories, conclave_event_category_label (i));
  gtk_drop_down_set_model (self->category_dropdown, G_LIST_MODEL (categories));
}

static void
conclave_events_view_init (ConclaveEventsView *self)
{
  GtkAdjustment *vadjustment;
  GtkEventController *scroll;
  g_autoptr(GtkSingleSelection) selection = NULL;

  gtk_widget_init_template (GTK_WIDGET (self));
  self->bound = g_hash_table_new (NULL, NULL);
  self->following = TRUE;
  self->list = conclave_event_list_new ();
  self->node_names = gtk_string_list_new (NULL);
  gtk_drop_down_set_model (self->node_dropdown, G_LIST_MODEL (self->node_names));
  init_categories (self);

  selection = gtk_single_selection_new (g_object_ref (G_LIST_MODEL (self->list)));
  gtk_single_selection_set_autoselect (selection, FALSE);
  gtk_single_selection_set_can_unselect (selection, TRUE);
  gtk_column_view_set_model (self->column_view, GTK_SELECTION_MODEL (selection));
  g_signal_connect_object (selection, "selection-changed", G_CALLBACK (on_selection_changed), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->column_view, "activate", G_CALLBACK (on_activate), self, G_CONNECT_SWAPPED);
  add_column (self, COLUMN_TIME, _("Time (s)"), 110);
  add_column (self, COLUMN_NODE, _("Node"), 70);
  add_column (self, COLUMN_PID, _("PID"), 80);
  add_column (self, COLUMN_EVENT, _("Event"), 110);
  add_column (self, COLUMN_DETAILS, _("Details"), -1);

  g_signal_connect_object (self->list, "items-changed", G_CALLBACK (on_rows_changed), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->list, "notify::scanning", G_CALLBACK (update_count), self,
                           G_CONNECT_SWAPPED);
  vadjustment = gtk_scrolled_window_get_vadjustment (self->scroller);
  g_signal_connect_object (vadjustment, "value-changed", G_CALLBACK (on_value_changed), self, 0);
  scroll = gtk_event_controller_scroll_new (GTK_EVENT_CONTROLLER_SCROLL_VERTICAL);
  gtk_event_controller_set_propagation_phase (scroll, GTK_PHASE_CAPTURE);
  g_signal_connect_object (scroll, "scroll", G_CALLBACK (on_scroll), self, 0);
  gtk_widget_add_controller (GTK_WIDGET (self->scroller), scroll);
  /* Rows added while the log was hidden: catch up when it shows. */
  g_signal_connect_object (self->column_view, "map", G_CALLBACK (on_map), self, G_CONNECT_SWAPPED);
  update_node_names (self);
  update_count (self);
}
