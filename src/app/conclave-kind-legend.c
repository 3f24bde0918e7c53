/* conclave-kind-legend.c — the message kinds' legend (see the header).
 *
 * A GtkFlowBox of labels, one per kind, "● kind" with the dot in the
 * kind's colour, sorted by name so the legend reads the same in every
 * run. Must never walk the store: only the events each batch appended.
 */
#include "config.h"

#include <glib/gi18n.h>
#include <adwaita.h>

#include "conclave-kind-legend.h"
#include "conclave-palette-widget.h"

struct _ConclaveKindLegend
{
  GtkWidget        parent_instance;

  ConclaveSession *session;
  guint64          next_index;
  GHashTable      *kinds;       /* kind name → its GtkFlowBoxChild */
  GtkWidget       *box;         /* GtkBox: caption, flow box */
  GtkFlowBox      *flow;
};

G_DEFINE_FINAL_TYPE (ConclaveKindLegend, conclave_kind_legend, GTK_TYPE_WIDGET)

static char *
kind_markup (const char *kind)
{
  ConclaveRgba color;
  g_autofree char *escaped = g_markup_escape_text (kind, -1);

  conclave_palette_kind (kind, conclave_palette_is_dark (), &color);
  return g_strdup_printf ("<span foreground=\"#%02x%02x%02x\">●</span> %s",
                          (guint) (color.red * 255 + 0.5), (guint) (color.green * 255 + 0.5),
                          (guint) (color.blue * 255 + 0.5), escaped);
}

static void
add_kind (ConclaveKindLegend *self,
          const char         *kind)
{
  g_autofree char *markup = NULL;
  GtkWidget *label;

  if (kind == NULL || *kind == '\0' || g_hash_table_contains (self->kinds, kind))
    return;
  markup = kind_markup (kind);
  label = gtk_label_new (NULL);
  gtk_label_set_markup (GTK_LABEL (label), markup);
  g_object_set_data_full (G_OBJECT (label), "kind", g_strdup (kind), g_free);
  gtk_flow_box_append (self->flow, label);
  g_hash_table_insert (self->kinds, g_strdup (kind), gtk_widget_get_parent (label));
  gtk_widget_set_visible (self->box, TRUE);
}

static const char *
child_kind (GtkFlowBoxChild *child)
{
  return g_object_get_data (G_OBJECT (gtk_flow_box_child_get_child (child)), "kind");
}

static int
sort_by_name (GtkFlowBoxChild *a,
              GtkFlowBoxChild *b,
              gpointer         user_data)
{
  return g_strcmp0 (child_kind (a), child_kind (b));
}

static void
read_event (gpointer             view,
            ConclaveEventStore  *store,
            const ConclaveEvent *event)
{
  if (event->type == CONCLAVE_EVENT_SEND)
    add_kind (view, conclave_event_store_str (store, conclave_event_kind (event)));
}

/* The session holds the cluster; the view only asks. */
static inline ConclaveCluster *
cluster_of (ConclaveKindLegend *self)
{
  return self->session != NULL ? conclave_session_get_cluster (self->session) : NULL;
}

static void
on_cluster_changed (gpointer view)
{
  ConclaveKindLegend *self = view;

  if (cluster_of (self) != NULL)
    conclave_session_read_new_events (cluster_of (self), &self->next_index, read_event, self);
}

static void
clear (ConclaveKindLegend *self)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->flow))) != NULL)
    gtk_flow_box_remove (self->flow, child);
  g_hash_table_remove_all (self->kinds);
  gtk_widget_set_visible (self->box, FALSE);
  self->next_index = 0;
}

/* A new cluster is a new picture: no kind of the old run. */
static void
set_cluster (gpointer         view,
             ConclaveCluster *old)
{
  ConclaveKindLegend *self = view;

  clear (self);
  on_cluster_changed (self);
}

/* Dark mode changes every colour: the labels are made again. */
static void
on_dark_changed (ConclaveKindLegend *self)
{
  GHashTableIter iter;
  gpointer child;

  g_hash_table_iter_init (&iter, self->kinds);
  while (g_hash_table_iter_next (&iter, NULL, &child))
    {
      GtkWidget *label = gtk_flow_box_child_get_child (child);
      g_autofree char *markup = kind_markup (g_object_get_data (G_OBJECT (label), "kind"));

      gtk_label_set_markup (GTK_LABEL (label), markup);
    }
}

void
conclave_kind_legend_set_session (ConclaveKindLegend *self,
                                  ConclaveSession    *session)
{
  static const ConclaveSessionWatch watch = { set_cluster, NULL, NULL, on_cluster_changed };

  g_return_if_fail (CONCLAVE_IS_KIND_LEGEND (self));
  g_return_if_fail (CONCLAVE_IS_SESSION (session));
  g_return_if_fail (self->session == NULL);

  self->session = g_object_ref (session);
  conclave_session_watch (session, self, &watch);
}

GStrv
conclave_kind_legend_list_kinds (ConclaveKindLegend *self)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  g_return_val_if_fail (CONCLAVE_IS_KIND_LEGEND (self), NULL);

  for (guint i = 0; i < g_hash_table_size (self->kinds); i++)
    g_strv_builder_add (builder, child_kind (gtk_flow_box_get_child_at_index (self->flow, i)));
  return g_strv_builder_end (builder);
}

static void
conclave_kind_legend_dispose (GObject *object)
{
  ConclaveKindLegend *self = CONCLAVE_KIND_LEGEND (object);

  if (self->session != NULL)
    conclave_session_unwatch (self->session, self);
  g_clear_object (&self->session);
  g_clear_pointer (&self->box, gtk_widget_unparent);
  G_OBJECT_CLASS (conclave_kind_legend_parent_class)->dispose (object);
}

static void
conclave_kind_legend_finalize (GObject *object)
{
  ConclaveKindLegend *self = CONCLAVE_KIND_LEGEND (object);

  g_hash_table_unref (self->kinds);
  G_OBJECT_CLASS (conclave_kind_legend_parent_class)->finalize (object);
}

static void
conclave_kind_legend_class_init (ConclaveKindLegendClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = conclave_kind_legend_dispose;
  object_class->finalize = conclave_kind_legend_finalize;
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "kindlegend");
}

static void
conclave_kind_legend_init (ConclaveKindLegend *self)
{
  GtkWidget *caption = gtk_label_new (_("Messages:"));

  self->kinds = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 8);
  self->flow = GTK_FLOW_BOX (gtk_flow_box_new ());
  gtk_flow_box_set_selection_mode (self->flow, GTK_SELECTION_NONE);
  gtk_flow_box_set_max_children_per_line (self->flow, 40);
  gtk_flow_box_set_column_spacing (self->flow, 12);
  gtk_flow_box_set_row_spacing (self->flow, 0);
  gtk_flow_box_set_sort_func (self->flow, sort_by_name, NULL, NULL);
  gtk_widget_set_hexpand (GTK_WIDGET (self->flow), TRUE);
  gtk_widget_set_valign (caption, GTK_ALIGN_START);
  gtk_widget_add_css_class (caption, "dim-label");
  gtk_box_append (GTK_BOX (self->box), caption);
  gtk_box_append (GTK_BOX (self->box), GTK_WIDGET (self->flow));
  gtk_widget_set_parent (self->box, GTK_WIDGET (self));
  gtk_widget_set_visible (self->box, FALSE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Message colours"),
                                  -1);
  g_signal_connect_object (adw_style_manager_get_default (), "notify::dark",
                           G_CALLBACK (on_dark_changed), self, G_CONNECT_SWAPPED);
}
