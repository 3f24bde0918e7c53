/* conclave-welcome-page.c — chapter buttons built from the built-in
 * scenarios (conclave_scenario_list_builtin), titles through gettext.
 *
 * A scenario that fails to load is logged and left out, never shown broken.
 */
#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "conclave-scenario.h"
#include "conclave-welcome-page.h"

struct _ConclaveWelcomePage
{
  GtkWidget  parent_instance;
  GtkGrid   *chapters;
};

G_DEFINE_FINAL_TYPE (ConclaveWelcomePage, conclave_welcome_page, GTK_TYPE_WIDGET)

#define CARD_LINES 4

static GtkWidget *
make_label (const char *text,
            const char *css_class,
            gboolean    wrap)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_wrap (GTK_LABEL (label), wrap);
  if (css_class != NULL)
    gtk_widget_add_css_class (label, css_class);
  return label;
}

/* "chapter-2" and "chapter-1-tcp" → "Chapter 2", "Chapter 1"; NULL for a
 * scenario that is not a chapter of the lecture. */
static char *
chapter_caption (const char *id)
{
  g_autofree char *number = NULL;
  const char *digits;

  if (!g_str_has_prefix (id, "chapter-"))
    return NULL;
  digits = id + strlen ("chapter-");
  number = g_strndup (digits, strspn (digits, "0123456789"));
  if (*number == '\0')
    return NULL;
  /* Translators: caption of a chapter button on the welcome page */
  return g_strdup_printf (_("Chapter %s"), number);
}

/* title and description already translated */
static GtkWidget *
make_chapter_button (const char *id,
                     const char *title,
                     const char *description)
{
  g_autofree char *caption = chapter_caption (id);
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  GtkWidget *button = gtk_button_new ();

  if (caption != NULL)
    gtk_box_append (GTK_BOX (box), make_label (caption, "chapter-caption", FALSE));
  gtk_box_append (GTK_BOX (box), make_label (title, "title-3", TRUE));
  if (description != NULL && *description != '\0')
    {
      /* A step-mode preset's steps are long: on the card its start, as
       * tall as the others (the grid's rows are one height); all of it
       * in the tooltip. */
      GtkWidget *text = make_label (description, "dim-label", TRUE);

      gtk_label_set_lines (GTK_LABEL (text), CARD_LINES);
      gtk_label_set_ellipsize (GTK_LABEL (text), PANGO_ELLIPSIZE_END);
      gtk_box_append (GTK_BOX (box), text);
      gtk_widget_set_tooltip_text (button, description);
    }
  gtk_widget_set_valign (box, GTK_ALIGN_START);

  gtk_button_set_child (GTK_BUTTON (button), box);
  gtk_widget_add_css_class (button, "card");
  gtk_widget_add_css_class (button, "chapter-button");
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "app.start-scenario");
  gtk_actionable_set_action_target (GTK_ACTIONABLE (button), "s", id);
  gtk_accessible_update_property (GTK_ACCESSIBLE (button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, title,
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, description ? description : "",
                                  -1);
  return button;
}

static const char *
chapter_4_title (void)
{
  return _("Many servers, many clients");
}

static const char *
chapter_4_text (void)
{
  return _("Three servers elect a leader and replicate the posts of "
           "two clients; crash the leader and watch the group recover.");
}

/* Chapter 4's card shows its election on the card: three linked buttons
 * (win.election, a radio action) under the button that starts it, so the
 * class sees which election will run before it does. */
static GtkWidget *
make_chapter_4_card (GtkWidget *button)
{
  static const struct { const char *target; const char *label; const char *tooltip; } elections[] = {
    { "raft",  N_("Raft"),  N_("Raft-style majority vote with terms") },
    { "bully", N_("Bully"), N_("Bully: the highest identifier wins") },
    { "ring",  N_("Ring"),  N_("Ring (Chang–Roberts): the identifier goes round the ring") },
  };
  GtkWidget *card = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *row = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *linked = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 0);

  gtk_widget_remove_css_class (button, "card");
  gtk_widget_add_css_class (button, "flat");
  gtk_widget_set_vexpand (button, TRUE);
  gtk_widget_add_css_class (card, "card");
  gtk_widget_add_css_class (card, "chapter-4-card");
  gtk_widget_add_css_class (linked, "linked");
  gtk_widget_add_css_class (row, "election-choice");
  gtk_box_append (GTK_BOX (row), make_label (_("Election"), "dim-label", FALSE));
  for (guint i = 0; i < G_N_ELEMENTS (elections); i++)
    {
      GtkWidget *choice = gtk_toggle_button_new_with_label (_(elections[i].label));

      gtk_actionable_set_action_name (GTK_ACTIONABLE (choice), "win.election");
      gtk_actionable_set_action_target (GTK_ACTIONABLE (choice), "s", elections[i].target);
      gtk_widget_set_tooltip_text (choice, _(elections[i].tooltip));
      gtk_box_append (GTK_BOX (linked), choice);
    }
  gtk_box_append (GTK_BOX (row), linked);
  gtk_box_append (GTK_BOX (card), button);
  gtk_box_append (GTK_BOX (card), row);
  return card;
}

static void
add_chapters (ConclaveWelcomePage *self)
{
  g_auto(GStrv) ids = conclave_scenario_list_builtin ();
  gboolean chapter_4 = FALSE;
  guint placed = 0;

  for (guint i = 0; ids != NULL && ids[i] != NULL; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(ConclaveScenario) scenario = NULL;
      GtkWidget *button;

      /* Chapter 4's elections are one card; the choice on the card picks
       * which of them starts. (Its step-mode presets have cards of their own.) */
      if (g_str_equal (ids[i], "chapter-4-bully") || g_str_equal (ids[i], "chapter-4-ring"))
        continue;
      chapter_4 |= g_str_equal (ids[i], "chapter-4");
      scenario = conclave_scenario_lookup (ids[i], &error);
      if (scenario == NULL)
        {
          g_warning ("Built-in scenario %s does not load: %s", ids[i], error->message);
          continue;
        }
      /* The chapter 4 card names no election in its title: the choice on
       * the card does. */
      if (g_str_equal (ids[i], "chapter-4"))
        button = make_chapter_4_card (make_chapter_button ("chapter-4", chapter_4_title (), chapter_4_text ()));
      else
        button = make_chapter_button (scenario->id, _(scenario->title),
                                      scenario->description ? _(scenario->description) : NULL);
      gtk_grid_attach (self->chapters, button, placed % 2, placed / 2, 1, 1);
      placed++;
    }
  /* Until its scenario ships, the card is there and says so when started. */
  if (!chapter_4)
    gtk_grid_attach (self->chapters,
                     make_chapter_button ("chapter-4", chapter_4_title (), chapter_4_text ()),
                     placed % 2, placed / 2, 1, 1);
}

static void
conclave_welcome_page_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), CONCLAVE_TYPE_WELCOME_PAGE);
  /* Template children of a plain GtkWidget are ours to unparent. */
  for (GtkWidget *child; (child = gtk_widget_get_first_child (GTK_WIDGET (object))) != NULL;)
    gtk_widget_unparent (child);
  G_OBJECT_CLASS (conclave_welcome_page_parent_class)->dispose (object);
}

static void
conclave_welcome_page_class_init (ConclaveWelcomePageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = conclave_welcome_page_dispose;
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/conclave/Conclave/conclave-welcome-page.ui");
  gtk_widget_class_bind_template_child (widget_class, ConclaveWelcomePage, chapters);
  gtk_widget_class_set_css_name (widget_class, "welcome");
}

static void
conclave_welcome_page_init (ConclaveWelcomePage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  add_chapters (self);
}
