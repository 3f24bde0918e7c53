/* fuzz-datagram.c — what conclave-node does with a datagram from anyone.
 *
 * The wire header (with and without the group's MAC) and then the group's
 * key=value payload. The first input byte picks the mode: even, the rest is
 * a datagram as it arrives; odd, the rest is signed here with the right MAC
 * first, so the fuzzer gets past it. Checked: a signed message parses
 * exactly when its unsigned form does, one wrong MAC digit rejects it; an
 * accepted header written back by node_wire_format parses to the same
 * message; a payload that parses names a sender, the same one the cheap
 * sender check (node-net's isolation) reads.
 */
#include "fuzz-target.h"

#include "conclave-protocol.h"
#include "node-group-msg.h"
#include "node-wire.h"

#include <string.h>

#define KEY "fuzz-group-key"

static GBytes *
sign (const char *rest, gsize len)
{
  g_autoptr(GHmac) hmac = g_hmac_new (G_CHECKSUM_SHA256, (const guchar *) KEY, strlen (KEY));
  GString *out = g_string_new (CONCLAVE_WIRE_MAGIC " #");

  g_hmac_update (hmac, (const guchar *) rest, (gssize) len);
  g_string_append_len (out, g_hmac_get_string (hmac), NODE_WIRE_MAC_HEX);
  g_string_append_c (out, ' ');
  g_string_append_len (out, rest, (gssize) len);
  return g_string_free_to_bytes (out);
}

static void
assert_same_msg (const NodeWireMsg *a, const NodeWireMsg *b)
{
  g_assert_cmpint (a->pid, ==, b->pid);
  g_assert_cmpuint (a->n, ==, b->n);
  g_assert_cmpuint (a->lc, ==, b->lc);
  g_assert_cmpstr (a->kind, ==, b->kind);
  g_assert_cmpmem (a->payload, a->payload_len, b->payload, b->payload_len);
}

static void
check_payload (const NodeWireMsg *wire)
{
  GroupMsg msg;
  char sender[64];
  gboolean parsed = group_msg_parse (wire->payload, wire->payload_len, &msg);
  gboolean cheap = group_msg_sender (wire->payload, wire->payload_len, sender, sizeof sender);

  if (!parsed)
    return;
  g_assert_true (group_msg_valid_name (group_msg_get (&msg, "from")));
  if (wire->payload_len >= 5 && memcmp (wire->payload, "from=", 5) == 0)
    {
      g_assert_true (cheap);
      g_assert_cmpstr (sender, ==, group_msg_get (&msg, "from"));
    }
  for (guint i = 0; i < msg.n; i++)
    {
      g_assert_null (strchr (msg.keys[i], ' '));
      g_assert_true (strcmp (msg.keys[i], "text") == 0 || strchr (msg.values[i], ' ') == NULL);
      (void) group_msg_get_u64 (&msg, msg.keys[i], 0);
    }
  group_msg_clear (&msg);
}

static void
check_round_trip (const NodeWireMsg *msg)
{
  g_autoptr(GBytes) again = node_wire_format (msg);
  gsize len;
  const char *data = g_bytes_get_data (again, &len);
  NodeWireMsg back;

  if (!node_wire_parse (data, len, &back))
    g_error ("node_wire_format wrote a message node_wire_parse rejects");
  assert_same_msg (msg, &back);
}

static void
fuzz_signed (const char *rest, gsize len)
{
  g_autoptr(GBytes) signed_msg = sign (rest, len);
  g_autoptr(GString) plain_text = g_string_new (CONCLAVE_WIRE_MAGIC " ");
  g_autofree char *forged = NULL;
  NodeWireMsg with_key, without_key;
  gboolean ok_with, ok_without;
  gsize signed_len;
  const char *signed_data = g_bytes_get_data (signed_msg, &signed_len);

  g_string_append_len (plain_text, rest, (gssize) len);
  node_wire_set_key (NULL);
  ok_without = node_wire_parse (plain_text->str, plain_text->len, &without_key);
  node_wire_set_key (KEY);
  ok_with = node_wire_parse (signed_data, signed_len, &with_key);
  g_assert_cmpint (ok_with, ==, ok_without);
  if (ok_with)
    {
      assert_same_msg (&with_key, &without_key);
      check_round_trip (&with_key);
      check_payload (&with_key);
    }
  /* One digit of the MAC wrong: never accepted. */
  forged = g_memdup2 (signed_data, signed_len);
  forged[strlen (CONCLAVE_WIRE_MAGIC) + 2] ^= 1;
  g_assert_false (node_wire_parse (forged, signed_len, &with_key));
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  NodeWireMsg msg;

  fuzz_setup ();
  if (size == 0)
    return 0;
  if (data[0] & 1)
    {
      fuzz_signed ((const char *) data + 1, size - 1);
      return 0;
    }
  /* As it arrives: with the key a forger does not know, and without one. */
  node_wire_set_key (KEY);
  if (node_wire_parse ((const char *) data + 1, size - 1, &msg))
    g_error ("a datagram nobody signed passed the MAC check");
  node_wire_set_key (NULL);
  if (node_wire_parse ((const char *) data + 1, size - 1, &msg))
    {
      check_round_trip (&msg);
      check_payload (&msg);
    }
  return 0;
}
