/* test-message-fields.c — the message card's reading of a payload: group
 * payloads split into their fields in order (text= keeping its spaces), a
 * key that means different things in different kinds explained per kind,
 * a preview cut short kept up to its last whole field, a payload that is
 * not key=value words (chapters 1–3, a program's bytes) left alone, and
 * every kind conclave-node sends given a line. No display.
 */
#include "config.h"

#include "conclave-message-fields.h"

static const ConclaveMessageField *
field (GPtrArray *fields, guint i)
{
  return g_ptr_array_index (fields, i);
}

static void
test_append (void)
{
  g_autoptr(GPtrArray) fields = conclave_message_fields_parse ("append",
    "from=s2 term=3 idx=4 seq=2 req=c1:7 commit=3 pterm=3 plead=s2 eterm=3 elead=s2 ts=812 client=c1 text=hello from c1",
    FALSE);
  const char *keys[] = { "from", "term", "idx", "seq", "req", "commit", "pterm", "plead", "eterm", "elead", "ts", "client", "text" };

  g_assert_nonnull (fields);
  g_assert_cmpuint (fields->len, ==, G_N_ELEMENTS (keys));
  for (guint i = 0; i < fields->len; i++)
    {
      g_assert_cmpstr (field (fields, i)->key, ==, keys[i]);
      g_assert_nonnull (field (fields, i)->meaning);
    }
  g_assert_cmpstr (field (fields, 1)->value, ==, "3");
  g_assert_cmpstr (field (fields, 4)->value, ==, "c1:7");
  g_assert_cmpstr (field (fields, 12)->value, ==, "hello from c1");
}

/* `last` in an append-ack is where the leader resumes; in a vote request
 * it is the candidate's last entry. */
static void
test_meaning_per_kind (void)
{
  g_autoptr(GPtrArray) ack = conclave_message_fields_parse ("append-ack", "from=s1 term=3 ok=0 last=2", FALSE);
  g_autoptr(GPtrArray) vote = conclave_message_fields_parse ("vote-request", "from=s2 term=4 last=5 lterm=3", FALSE);

  g_assert_nonnull (ack);
  g_assert_nonnull (vote);
  g_assert_cmpstr (field (ack, 3)->key, ==, "last");
  g_assert_cmpstr (field (vote, 2)->key, ==, "last");
  g_assert_cmpstr (field (ack, 3)->meaning, !=, field (vote, 2)->meaning);
  g_assert_cmpstr (field (ack, 1)->meaning, ==, field (vote, 1)->meaning);  /* term: the same everywhere */
  g_assert_cmpstr (field (ack, 0)->meaning, !=, field (vote, 0)->meaning);  /* from: a candidate in a vote request */
}

/* A preview of a long append stops after 64 bytes, in a key or a value:
 * the whole fields stay, a value it ends in is marked cut; uncut, the same
 * text is no list of fields. */
static void
test_cut (void)
{
  g_autoptr(GPtrArray) in_key = conclave_message_fields_parse ("append", "from=s2 term=1 idx=1 seq=0 req=- commit=0 pterm=0 plead=- ete", TRUE);
  g_autoptr(GPtrArray) in_value = conclave_message_fields_parse ("append", "from=s2 term=1 idx=1 seq=0 req=- commit=0 pterm=0 plead=- eterm=", TRUE);
  g_autoptr(GPtrArray) whole = conclave_message_fields_parse ("append", "from=s2 term=1 idx=1 seq=0 req=- commit=0 pterm=0 plead=- ete", FALSE);

  g_assert_nonnull (in_key);
  g_assert_cmpuint (in_key->len, ==, 8);
  g_assert_cmpstr (field (in_key, 7)->key, ==, "plead");
  g_assert_false (field (in_key, 7)->cut);  /* the cut fell in the next key */
  g_assert_nonnull (in_value);
  g_assert_cmpuint (in_value->len, ==, 9);
  g_assert_cmpstr (field (in_value, 8)->value, ==, "");
  g_assert_true (field (in_value, 8)->cut);
  g_assert_null (whole);
}

static void
test_not_fields (void)
{
  g_autoptr(GPtrArray) empty = NULL;
  const char *payloads[] = { "Hi client! Nice to connect with you!", "7*7=49", "HELLO 1 127.0.0.1 60137",
                             "from=s1 stray", "=3", "From=s1", "" };

  for (guint i = 0; i < G_N_ELEMENTS (payloads); i++)
    {
      g_autoptr(GPtrArray) fields = conclave_message_fields_parse ("data", payloads[i], FALSE);

      if (fields != NULL)
        g_error ("“%s” read as %u fields", payloads[i], fields->len);
    }
  g_assert_null (conclave_message_fields_parse ("data", NULL, FALSE));
  /* a key conclave-node never writes is shown, without a meaning */
  empty = conclave_message_fields_parse ("heartbeat", "from=s1 colour=blue", FALSE);
  g_assert_nonnull (empty);
  g_assert_null (field (empty, 1)->meaning);
}

static void
test_kinds (void)
{
  const char *kinds[] = { "hello", "reply", "request", "task", "square", "announce", "view", "heartbeat", "append",
                          "append-ack", "vote-request", "vote", "election", "answer", "coordinator", "sync",
                          "sync-ack", "fetch", "catch-up", "discover", "redirect", "post", "post-ack", "data" };

  for (guint i = 0; i < G_N_ELEMENTS (kinds); i++)
    if (conclave_message_kind_meaning (kinds[i]) == NULL)
      g_error ("no line on “%s”", kinds[i]);
  g_assert_null (conclave_message_kind_meaning ("gossip"));
  g_assert_null (conclave_message_kind_meaning (NULL));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/message-fields/append", test_append);
  g_test_add_func ("/message-fields/meaning-per-kind", test_meaning_per_kind);
  g_test_add_func ("/message-fields/cut", test_cut);
  g_test_add_func ("/message-fields/not-fields", test_not_fields);
  g_test_add_func ("/message-fields/kinds", test_kinds);
  return g_test_run ();
}
