/* test-keep.c — keeping a session: save-trace after a live chapter writes
 * the whole store, plain and gzip-compressed, with a header; both files
 * load back to the same events and the same messages as the live store
 * held when it was saved; the teacher is told where it went, or why not;
 * a short class closes without a question; a long one asks before it is
 * closed, replaced by an opened recording or by a new class.
 */
#include "config.h"

#include <adwaita.h>
#include <glib/gstdio.h>

#include "conclave-matcher.h"
#include "conclave-save.h"
#include "conclave-session.h"
#include "conclave-trace-file.h"
#include "ui-test-utils.h"

static ConclaveCluster *
cluster (UiFixture *f)
{
  return conclave_session_get_cluster (f->session);
}

static gboolean
some_replies (gpointer data)
{
  return ui_test_n_delivered (cluster (data)) >= 6;
}

static void
on_notice (ConclaveSession *session, const char *text, GPtrArray *notices)
{
  g_ptr_array_add (notices, g_strdup (text));
}

/* What a saved file holds, next to what the live store held. */
typedef struct {
  guint64 events;
  guint64 sends;
  guint64 messages;
  guint64 delivered;
} Counts;

static void
count_store (ConclaveEventStore *store, ConclaveMatcher *matcher, Counts *c)
{
  c->events = conclave_event_store_get_end (store) - conclave_event_store_get_first (store);
  c->sends = 0;
  for (guint64 i = conclave_event_store_get_first (store); i < conclave_event_store_get_end (store); i++)
    c->sends += conclave_event_store_get (store, i)->type == CONCLAVE_EVENT_SEND;
  c->messages = conclave_matcher_get_n_messages (matcher);
  c->delivered = conclave_matcher_count_state (matcher, CONCLAVE_MESSAGE_DELIVERED);
}

static void
assert_file_holds (const char *path, const Counts *live)
{
  g_autoptr(ConclaveEventStore) store = conclave_event_store_new ();
  g_autoptr(ConclaveMatcher) matcher = conclave_matcher_new (store);
  g_autoptr(ConclaveTraceReader) reader = NULL;
  g_autoptr(GError) error = NULL;
  guint bad = 99;
  Counts loaded;

  g_assert_true (conclave_trace_load (store, path, &bad, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (bad, ==, 0);
  conclave_matcher_feed (matcher, 0, conclave_event_store_get_end (store));
  count_store (store, matcher, &loaded);
  g_test_message ("%s: %" G_GUINT64_FORMAT " events, %" G_GUINT64_FORMAT " messages", path,
                  loaded.events, loaded.messages);
  g_assert_cmpuint (loaded.events, ==, live->events);
  g_assert_cmpuint (loaded.sends, ==, live->sends);
  g_assert_cmpuint (loaded.messages, ==, live->messages);
  g_assert_cmpuint (loaded.delivered, ==, live->delivered);

  /* The header names the class. */
  g_clear_object (&store);
  store = conclave_event_store_new ();
  reader = conclave_trace_reader_new (store, path, &error);
  g_assert_no_error (error);
  while (conclave_trace_reader_next (reader, &(ConclaveEvent) { 0 }))
    ;
  g_assert_cmpuint (conclave_trace_reader_get_header (reader)->format, ==, 1);
  g_assert_cmpstr (conclave_trace_reader_get_header (reader)->scenario, ==, "chapter-2");
  g_assert_cmpfloat (conclave_trace_reader_get_header (reader)->tempo, ==, 0.5);
  g_assert_cmpstr (conclave_trace_reader_get_header (reader)->version, ==, PACKAGE_VERSION);
}

static GtkMenuButton *
find_main_menu (GtkWidget *widget)
{
  if (GTK_IS_MENU_BUTTON (widget) &&
      g_strcmp0 (gtk_menu_button_get_icon_name (GTK_MENU_BUTTON (widget)), "open-menu-symbolic") == 0)
    return GTK_MENU_BUTTON (widget);
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    {
      GtkMenuButton *found = find_main_menu (child);
      if (found)
        return found;
    }
  return NULL;
}

/* The main menu offers Save…, bound to the action Ctrl+S runs. */
static void
assert_menu_saves (UiFixture *f)
{
  GtkMenuButton *button = find_main_menu (GTK_WIDGET (f->window));
  GMenuModel *menu;
  gboolean found = FALSE;
  g_auto(GStrv) accels = gtk_application_get_accels_for_action (GTK_APPLICATION (f->app),
                                                                "app.save-trace-dialog");

  g_assert_nonnull (button);
  menu = gtk_menu_button_get_menu_model (button);
  for (int s = 0; s < g_menu_model_get_n_items (menu); s++)
    {
      GMenuModel *section = g_menu_model_get_item_link (menu, s, G_MENU_LINK_SECTION);
      for (int i = 0; section && i < g_menu_model_get_n_items (section); i++)
        {
          g_autofree char *action = NULL;
          if (g_menu_model_get_item_attribute (section, i, G_MENU_ATTRIBUTE_ACTION, "s", &action))
            found |= g_strcmp0 (action, "app.save-trace-dialog") == 0;
        }
      g_clear_object (&section);
    }
  g_assert_true (found);
  g_assert_cmpstr (accels[0], ==, "<Control>s");
  gtk_menu_button_popup (button);
  ui_test_run_for (300);
  ui_test_screenshot (GTK_WIDGET (gtk_menu_button_get_popover (button)), "keep-main-menu");
  gtk_menu_button_popdown (button);
}

/* Saves with the action and counts the live store at that moment (the
 * action runs to its end; no event arrives in between). */
static void
save (UiFixture *f, const char *path, Counts *live)
{
  ConclaveCluster *c = cluster (f);

  ui_test_activate (f->app, "save-trace", g_variant_new_string (path));
  count_store (conclave_cluster_get_store (c), conclave_cluster_get_matcher (c), live);
}

static void
test_save_trace (UiFixture *f, gconstpointer data)
{
  g_autofree char *dir = g_dir_make_tmp ("conclave-keep-XXXXXX", NULL);
  g_autofree char *plain = g_build_filename (dir, "class.jsonl", NULL);
  g_autofree char *gz = g_build_filename (dir, "class.jsonl.gz", NULL);
  g_autofree char *missing = g_build_filename (dir, "no-such-folder", "class.jsonl", NULL);
  g_autoptr(GPtrArray) notices = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *head = NULL;
  Counts live_plain, live_gz;

  assert_menu_saves (f);
  g_signal_connect (f->session, "notice", G_CALLBACK (on_notice), notices);
  ui_test_start_chapter (f->app, "chapter-2", 0.5);
  g_assert_true (ui_test_wait (some_replies, f, 30000));
  ui_test_run_for (2000);

  save (f, plain, &live_plain);
  ui_test_run_for (500);  /* the class goes on: the second file holds more */
  save (f, gz, &live_gz);
  g_assert_cmpuint (live_gz.events, >=, live_plain.events);
  g_assert_cmpuint (live_plain.messages, >=, 6);

  g_assert_cmpuint (notices->len, ==, 2);
  g_assert_nonnull (strstr (notices->pdata[0], plain));
  g_assert_nonnull (strstr (notices->pdata[1], gz));
  g_assert_true (g_file_get_contents (gz, &head, NULL, NULL));
  g_assert_cmpint ((guchar) head[0], ==, 0x1f);  /* gzip */
  g_assert_cmpint ((guchar) head[1], ==, 0x8b);
  assert_file_holds (plain, &live_plain);
  assert_file_holds (gz, &live_gz);

  /* Where it cannot be written: a notice saying so, nothing else. */
  ui_test_activate (f->app, "save-trace", g_variant_new_string (missing));
  g_assert_cmpuint (notices->len, ==, 3);
  g_test_message ("%s", (char *) notices->pdata[2]);
  g_assert_nonnull (strstr (notices->pdata[2], "no-such-folder"));
  g_assert_false (g_file_test (missing, G_FILE_TEST_EXISTS));

  /* Saved, and shorter than a minute: closing asks nothing. */
  g_assert_false (conclave_save_is_unsaved (f->session));
  g_assert_false (conclave_save_ask_on_close (f->window));
  g_signal_handlers_disconnect_by_func (f->session, on_notice, notices);
  g_unlink (plain);
  g_unlink (gz);
  g_rmdir (dir);
}

static AdwMessageDialog *
question (ConclaveWindow *window)
{
  GListModel *toplevels = gtk_window_get_toplevels ();  /* not ours */

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWindow) w = g_list_model_get_item (toplevels, i);
      if (ADW_IS_MESSAGE_DIALOG (w) && gtk_window_get_transient_for (w) == GTK_WINDOW (window) &&
          gtk_widget_get_visible (GTK_WIDGET (w)))
        return ADW_MESSAGE_DIALOG (w);
    }
  return NULL;
}

/* As its button does: the answer, then the dialog closes. */
static void
answer (ConclaveWindow *window, const char *response)
{
  AdwMessageDialog *dialog = question (window);

  adw_message_dialog_response (dialog, response);
  gtk_window_close (GTK_WINDOW (dialog));
}

static gboolean
asked (gpointer window)
{
  return question (window) != NULL;
}

static gboolean
window_gone (gpointer app)
{
  return gtk_application_get_windows (app) == NULL;
}

/* Two log lines a minute apart stand for a class of more than a minute:
 * what is asked depends on the recording, not on a clock. */
static void
make_long_class (ConclaveSession *session)
{
  ConclaveEventStore *store = conclave_cluster_get_store (conclave_session_get_cluster (session));
  gint64 now = g_get_monotonic_time () * 1000;
  guint32 text = conclave_intern_add (conclave_event_store_get_intern (store), "a minute of class");
  ConclaveEvent lines[2] = {
    { .type = CONCLAVE_EVENT_LOG, .time_ns = now, .s[3] = text },
    { .type = CONCLAVE_EVENT_LOG, .time_ns = now + 30 * G_GINT64_CONSTANT (1000000000), .s[3] = text },
  };

  conclave_event_store_append (store, lines, 2);
  g_assert_false (conclave_save_is_unsaved (session));  /* half a minute: no question */
  lines[0].time_ns = now + 61 * G_GINT64_CONSTANT (1000000000);
  conclave_event_store_append (store, lines, 1);
  g_assert_true (conclave_save_is_unsaved (session));
}

/* Never saved: closing asks; Cancel keeps the window, Discard closes it. */
static void
test_ask_before_close (void)
{
  ConclaveApplication *app = NULL;
  ConclaveWindow *window = ui_test_window_new (&app);

  make_long_class (conclave_window_get_session (window));
  gtk_window_close (GTK_WINDOW (window));
  g_assert_true (ui_test_wait (asked, window, 5000));
  ui_test_screenshot (GTK_WIDGET (question (window)), "keep-ask-before-close");
  answer (window, "cancel");
  ui_test_run_for (200);
  g_assert_nonnull (gtk_application_get_windows (GTK_APPLICATION (app)));
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (window)));

  gtk_window_close (GTK_WINDOW (window));
  g_assert_true (ui_test_wait (asked, window, 5000));
  answer (window, "discard");
  g_assert_true (ui_test_wait (window_gone, app, 5000));
}

static GtkFileChooser *
file_chooser (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();  /* not ours */

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWindow) w = g_list_model_get_item (toplevels, i);
      if (GTK_IS_FILE_CHOOSER (w) && gtk_widget_get_visible (GTK_WIDGET (w)))
        return GTK_FILE_CHOOSER (w);
    }
  return NULL;
}

static gboolean
choosing (gpointer data)
{
  return file_chooser () != NULL;
}

/* Save in the question: the file chooser (suggesting conclave.jsonl.gz
 * here, with no chapter), then the file is written with every event, and
 * the window closes. */
static void
test_save_before_close (void)
{
  ConclaveApplication *app = NULL;
  ConclaveWindow *window = ui_test_window_new (&app);
  ConclaveSession *session = conclave_window_get_session (window);
  g_autofree char *dir = g_dir_make_tmp ("conclave-keep-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "conclave.jsonl.gz", NULL);
  g_autofree char *was = g_get_current_dir ();
  g_autofree char *problem = NULL;
  guint bad = 99;
  g_autoptr(ConclaveEventStore) store = conclave_event_store_new ();
  g_autoptr(GPtrArray) notices = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (g_chdir (dir), ==, 0);
  make_long_class (session);
  gtk_window_close (GTK_WINDOW (window));
  g_assert_true (ui_test_wait (asked, window, 5000));
  answer (window, "save");
  g_assert_true (ui_test_wait (choosing, NULL, 5000));
  g_signal_connect (session, "notice", G_CALLBACK (on_notice), notices);
  ui_test_run_for (300);  /* the folder loads */
  /* What it suggests, where it suggests it: the folder we are in. */
  gtk_widget_activate (gtk_dialog_get_widget_for_response (GTK_DIALOG (file_chooser ()), GTK_RESPONSE_ACCEPT));
  g_assert_true (ui_test_wait (window_gone, app, 5000));
  g_assert_cmpuint (notices->len, ==, 1);
  g_test_message ("%s", (char *) notices->pdata[0]);
  /* The application's session outlives this window and its test. */
  g_signal_handlers_disconnect_by_data (session, notices);
  g_assert_true (conclave_trace_load (store, path, &bad, &problem, &error));
  g_assert_no_error (error);
  g_test_message ("%u bad: %s", bad, problem);
  g_assert_cmpuint (bad, ==, 0);
  g_assert_cmpuint (conclave_event_store_get_end (store), ==, 3);
  g_assert_cmpint (g_chdir (was), ==, 0);
  g_unlink (path);
  g_rmdir (dir);
}

/* A recording of three log lines, to open over the class on screen. */
static char *
write_recording (const char *dir)
{
  g_autoptr(ConclaveEventStore) store = conclave_event_store_new ();
  guint32 text = conclave_intern_add (conclave_event_store_get_intern (store), "recorded");
  ConclaveEvent lines[3] = {
    { .type = CONCLAVE_EVENT_LOG, .time_ns = 1000, .s[3] = text },
    { .type = CONCLAVE_EVENT_LOG, .time_ns = 2000, .s[3] = text },
    { .type = CONCLAVE_EVENT_LOG, .time_ns = 3000, .s[3] = text },
  };
  ConclaveTraceHeader header = { .format = 1 };
  char *path = g_build_filename (dir, "recorded.jsonl", NULL);
  g_autoptr(GError) error = NULL;

  conclave_event_store_append (store, lines, 3);
  g_assert_true (conclave_trace_save (store, path, &header, &error));
  g_assert_no_error (error);
  return path;
}

static guint64
n_events (ConclaveSession *session)
{
  return conclave_event_store_get_end (conclave_cluster_get_store (conclave_session_get_cluster (session)));
}

/* Opening a recording over a long unsaved class asks: Cancel keeps the
 * class, Discard opens the recording. */
static void
test_ask_before_open (void)
{
  ConclaveApplication *app = NULL;
  ConclaveWindow *window = ui_test_window_new (&app);
  ConclaveSession *session = conclave_window_get_session (window);
  g_autofree char *dir = g_dir_make_tmp ("conclave-keep-XXXXXX", NULL);
  g_autofree char *recording = write_recording (dir);

  make_long_class (session);
  ui_test_activate (app, "open-trace", g_variant_new_string (recording));
  g_assert_true (ui_test_wait (asked, window, 5000));
  ui_test_screenshot (GTK_WIDGET (question (window)), "keep-ask-before-open");
  g_assert_false (conclave_session_is_replay (session));
  answer (window, "cancel");
  ui_test_run_for (200);
  g_assert_false (conclave_session_is_replay (session));
  g_assert_cmpuint (n_events (session), ==, 3);   /* the long class, still on screen */
  g_assert_true (conclave_save_is_unsaved (session));

  ui_test_activate (app, "open-trace", g_variant_new_string (recording));
  g_assert_true (ui_test_wait (asked, window, 5000));
  answer (window, "discard");
  g_assert_true (conclave_session_is_replay (session));
  g_assert_cmpuint (n_events (session), ==, 3);
  g_assert_cmpint (conclave_event_store_get_min_time (conclave_cluster_get_store (conclave_session_get_cluster (session))), ==, 1000);
  /* A recording is kept already: opening another asks nothing. */
  ui_test_activate (app, "open-trace", g_variant_new_string (recording));
  ui_test_run_for (200);
  g_assert_null (question (window));
  ui_test_window_free (app, window);
  g_unlink (recording);
  g_rmdir (dir);
}

/* Save in the question before opening: the class is written, then the
 * recording opens. */
static void
test_save_before_open (void)
{
  ConclaveApplication *app = NULL;
  ConclaveWindow *window = ui_test_window_new (&app);
  ConclaveSession *session = conclave_window_get_session (window);
  g_autofree char *dir = g_dir_make_tmp ("conclave-keep-XXXXXX", NULL);
  g_autofree char *recording = write_recording (dir);
  g_autofree char *saved = g_build_filename (dir, "conclave.jsonl.gz", NULL);
  g_autofree char *was = g_get_current_dir ();
  g_autoptr(ConclaveEventStore) store = conclave_event_store_new ();
  guint bad = 99;

  g_assert_cmpint (g_chdir (dir), ==, 0);
  make_long_class (session);
  ui_test_activate (app, "open-trace", g_variant_new_string (recording));
  g_assert_true (ui_test_wait (asked, window, 5000));
  answer (window, "save");
  g_assert_true (ui_test_wait (choosing, NULL, 5000));
  g_assert_false (conclave_session_is_replay (session));
  ui_test_run_for (300);  /* the folder loads */
  gtk_widget_activate (gtk_dialog_get_widget_for_response (GTK_DIALOG (file_chooser ()), GTK_RESPONSE_ACCEPT));
  g_assert_true (ui_test_wait ((UiCondition) conclave_session_is_replay, session, 5000));
  g_assert_true (conclave_trace_load (store, saved, &bad, NULL, NULL));
  g_assert_cmpuint (bad, ==, 0);
  g_assert_cmpuint (conclave_event_store_get_end (store), ==, 3);
  g_assert_cmpint (conclave_event_store_get_min_time (conclave_cluster_get_store (conclave_session_get_cluster (session))), ==, 1000);
  g_assert_cmpint (g_chdir (was), ==, 0);
  ui_test_window_free (app, window);
  g_unlink (saved);
  g_unlink (recording);
  g_rmdir (dir);
}

static gboolean
has_nodes (gpointer session)
{
  return g_list_model_get_n_items (G_LIST_MODEL (conclave_session_get_cluster (session))) > 0;
}

/* New Class over a long unsaved class asks; Discard starts the new one. */
static void
test_ask_before_new_class (void)
{
  ConclaveApplication *app = NULL;
  ConclaveWindow *window = ui_test_window_new (&app);
  ConclaveSession *session = conclave_window_get_session (window);

  ui_test_start_chapter (app, "chapter-1", 0.05);
  g_assert_true (ui_test_wait (has_nodes, session, 10000));
  make_long_class (session);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.new-class", NULL));
  g_assert_true (ui_test_wait (asked, window, 5000));
  answer (window, "cancel");
  ui_test_run_for (200);
  g_assert_true (has_nodes (session));

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.new-class", NULL));
  g_assert_true (ui_test_wait (asked, window, 5000));
  answer (window, "discard");
  g_assert_false (has_nodes (session));
  g_assert_false (conclave_save_is_unsaved (session));
  ui_test_window_free (app, window);
}

int
main (int   argc,
      char *argv[])
{
  ui_test_init (&argc, &argv);
  g_test_add ("/keep/save-trace", UiFixture, NULL, ui_fixture_set_up, test_save_trace, ui_fixture_tear_down);
  g_test_add_func ("/keep/ask-before-close", test_ask_before_close);
  g_test_add_func ("/keep/save-before-close", test_save_before_close);
  g_test_add_func ("/keep/ask-before-open", test_ask_before_open);
  g_test_add_func ("/keep/save-before-open", test_save_before_open);
  g_test_add_func ("/keep/ask-before-new-class", test_ask_before_new_class);
  return g_test_run ();
}
