/* test-group-log.c — the group server's payloads and its persistent log,
 * on their own: parsing what peers send, the state file surviving a
 * restart, delivery in order and once, retries recognised. */
#include "node-group-log.h"
#include "node-group-msg.h"

#include <glib/gstdio.h>
#include <string.h>

/* ---- payloads ---- */

static void
test_msg_parse (void)
{
  const char *payload = "from=s2 term=7 idx=3 text=hello to you  all";
  GroupMsg msg;

  g_assert_true (group_msg_parse (payload, strlen (payload), &msg));
  g_assert_cmpstr (group_msg_get (&msg, "from"), ==, "s2");
  g_assert_cmpuint (group_msg_get_u64 (&msg, "term", 0), ==, 7);
  g_assert_cmpstr (group_msg_get (&msg, "text"), ==, "hello to you  all");
  g_assert_null (group_msg_get (&msg, "leader"));
  g_assert_cmpuint (group_msg_get_u64 (&msg, "from", 99), ==, 99);  /* not a number */
  group_msg_clear (&msg);
}

static void
test_msg_rejects (void)
{
  const char *bad[] = {
    "term=3",                     /* no sender */
    "from=S1 term=3",             /* not a node name */
    "from=s1 term",               /* a word without = */
    "from=s1 =3",                 /* an empty key */
    "from=s1 term=3 term=4",      /* a key twice */
    "from=s1 from=s2",
  };
  GroupMsg msg;

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_test_message ("%s", bad[i]);
      g_assert_false (group_msg_parse (bad[i], strlen (bad[i]), &msg));
      g_assert_null (msg.buf);
    }
  /* A NUL inside is not text. */
  g_assert_false (group_msg_parse ("from=s1\0x=1", 11, &msg));
}

static void
test_msg_sender (void)
{
  char name[8];

  g_assert_true (group_msg_sender ("from=c12 req=c12:1", 18, name, sizeof name));
  g_assert_cmpstr (name, ==, "c12");
  g_assert_false (group_msg_sender ("term=1 from=s1", 14, name, sizeof name));  /* not first */
  g_assert_false (group_msg_sender ("from=a-very-long-name", 21, name, sizeof name));
  g_assert_false (group_msg_sender ("from", 4, name, sizeof name));
}

/* ---- the log ---- */

typedef struct {
  char *dir;
  char *path;
} Fixture;

static void
setup (Fixture *f, gconstpointer data)
{
  f->dir = g_dir_make_tmp ("group-log-XXXXXX", NULL);
  f->path = g_build_filename (f->dir, "s1.state", NULL);
}

static void
teardown (Fixture *f, gconstpointer data)
{
  g_unlink (f->path);
  g_rmdir (f->dir);
  g_free (f->path);
  g_free (f->dir);
}

static void
append_post (GroupLog *log, guint64 term, const char *req, const char *text)
{
  GroupEntry e = { term, (char *) "s1", group_log_next_seq (log), 1000, (char *) req, (char *) "c1", (char *) text };

  group_log_append (log, &e);
}

static void
record (const GroupEntry *e, guint64 index, gpointer data)
{
  g_ptr_array_add (data, g_strdup_printf ("%" G_GUINT64_FORMAT "=%s#%" G_GUINT64_FORMAT, index, e->req, e->seq));
}

static char *
delivered_text (GPtrArray *delivered)
{
  g_ptr_array_add (delivered, NULL);
  return g_strjoinv (" ", (char **) delivered->pdata);
}

static void
test_log_survives_restart (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GroupLog) log = group_log_new (f->path, &error);
  g_autoptr(GroupLog) again = NULL;
  g_autoptr(GPtrArray) delivered = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *text = NULL;
  GroupEntry opening = { 2, (char *) "s1", 0, 5, NULL, NULL, (char *) "" };

  g_assert_no_error (error);
  group_log_set_term (log, 2, "s3");
  group_log_add_member (log, "s3", 3);
  group_log_append (log, &opening);
  append_post (log, 2, "c1:1", "first post");
  append_post (log, 2, "c1:2", "line\nbreak");   /* a peer's newline stays out of the journal */
  append_post (log, 2, "c1:3", "");
  group_log_truncate (log, 4);
  append_post (log, 3, "c1:3", "again");
  group_log_commit (log, 3, NULL, NULL);
  g_clear_pointer (&log, group_log_free);

  again = group_log_new (f->path, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (group_log_term (again), ==, 2);
  g_assert_cmpstr (group_log_voted_for (again), ==, "s3");
  g_assert_cmpuint (GPOINTER_TO_UINT (g_hash_table_lookup (group_log_members (again), "s3")), ==, 3);
  g_assert_cmpuint (group_log_last_index (again), ==, 4);
  g_assert_cmpuint (group_log_last_term (again), ==, 3);
  g_assert_cmpstr (group_log_get (again, 3)->text, ==, "line break");
  g_assert_true (group_log_matches (again, 4, 3, "s1"));
  g_assert_false (group_log_matches (again, 4, 2, "s1"));
  g_assert_cmpuint (group_log_commit_index (again), ==, 3);
  /* The new process delivers what is safe again, the opening entry not at all. */
  group_log_commit (again, group_log_commit_index (again), record, delivered);
  text = delivered_text (delivered);
  g_assert_cmpstr (text, ==, "2=c1:1#1 3=c1:2#2");
}

static void
test_log_bad_lines (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GroupLog) log = NULL;

  g_assert_true (g_file_set_contents (f->path,
                                      "term 4 -\n"
                                      "entry 1 4 s1 1 10 c1:1 c1 fine\n"
                                      "entry 7 4 s1 2 10 c1:2 c1 not the next index\n"
                                      "nonsense\n"
                                      "entry 2 4 S1 2 10 c1:2 c1 bad leader\n"
                                      "entry 2 4 s1 2 1", -1, NULL));  /* torn by a crash */
  log = group_log_new (f->path, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (group_log_term (log), ==, 4);
  g_assert_cmpuint (group_log_last_index (log), ==, 1);
}

static void
test_log_requests (Fixture *f, gconstpointer data)
{
  g_autoptr(GroupLog) log = group_log_new (NULL, NULL);
  g_autoptr(GPtrArray) delivered = g_ptr_array_new_with_free_func (g_free);
  guint64 where = 0;
  g_autofree char *client = NULL;
  guint64 n;

  g_assert_true (group_req_parse ("c1:12", &client, &n));
  g_assert_cmpstr (client, ==, "c1");
  g_assert_cmpuint (n, ==, 12);
  g_assert_false (group_req_parse ("c1:0", &client, &n));
  g_assert_false (group_req_parse ("c1", &client, &n));

  g_assert_cmpint (group_log_find_req (log, "c1:1", &where), ==, GROUP_REQ_NEW);
  append_post (log, 1, "c1:1", "a");
  append_post (log, 1, "c1:2", "b");
  g_assert_cmpint (group_log_find_req (log, "c1:2", &where), ==, GROUP_REQ_PENDING);
  g_assert_cmpuint (where, ==, 2);
  group_log_commit (log, 2, record, delivered);
  g_assert_cmpint (group_log_find_req (log, "c1:2", &where), ==, GROUP_REQ_DONE);
  g_assert_cmpuint (where, ==, 2);
  g_assert_cmpint (group_log_find_req (log, "c1:1", &where), ==, GROUP_REQ_STALE);
  g_assert_cmpint (group_log_find_req (log, "c1:3", &where), ==, GROUP_REQ_NEW);
  /* A second copy of a delivered request (appended by a leader that had
   * not seen the first) is not delivered again. */
  append_post (log, 2, "c1:2", "b");
  group_log_commit (log, 3, record, delivered);
  g_assert_cmpuint (delivered->len, ==, 2);
  /* Sessions of silent clients expire (the posts were appended at 1 s). */
  group_log_touch_session (log, "c1", 5 * G_GINT64_CONSTANT (1000000000));
  g_assert_cmpuint (group_log_expire_sessions (log, 4 * G_GINT64_CONSTANT (1000000000), NULL, NULL), ==, 0);
  g_assert_cmpuint (group_log_expire_sessions (log, 6 * G_GINT64_CONSTANT (1000000000), NULL, NULL), ==, 1);
  g_assert_cmpuint (group_log_n_sessions (log), ==, 0);
}

static void
test_log_undo (Fixture *f, gconstpointer data)
{
  g_autoptr(GroupLog) log = group_log_new (NULL, NULL);
  g_autoptr(GPtrArray) delivered = g_ptr_array_new_with_free_func (g_free);

  append_post (log, 1, "c1:1", "a");
  append_post (log, 1, "c2:1", "b");
  group_log_commit (log, 2, record, delivered);
  /* Only split brain gets here: another leader's entry wins at 2. */
  g_assert_cmpuint (group_log_truncate (log, 2), ==, 1);
  g_assert_cmpuint (group_log_commit_index (log), ==, 1);
  append_post (log, 2, "c3:1", "c");
  group_log_commit (log, 2, record, delivered);
  g_assert_cmpuint (delivered->len, ==, 3);
  g_assert_cmpstr (delivered->pdata[2], ==, "2=c3:1#2");
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/group-msg/parse", test_msg_parse);
  g_test_add_func ("/group-msg/rejects", test_msg_rejects);
  g_test_add_func ("/group-msg/sender", test_msg_sender);
  g_test_add ("/group-log/survives-restart", Fixture, NULL, setup, test_log_survives_restart, teardown);
  g_test_add ("/group-log/bad-lines", Fixture, NULL, setup, test_log_bad_lines, teardown);
  g_test_add ("/group-log/requests", Fixture, NULL, setup, test_log_requests, teardown);
  g_test_add ("/group-log/undo", Fixture, NULL, setup, test_log_undo, teardown);
  return g_test_run ();
}
