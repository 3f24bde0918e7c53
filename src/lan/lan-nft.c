/* lan-nft.c — the nftables table that sends a faulted host's datagrams to
 * the helper's queue.
 *
 * In the host's own network namespace (the caller enters it): UDP leaving
 * by eth0 (hook output) and arriving by eth0 (hook input) goes to NFQUEUE
 * LAN_QUEUE; what a host sends itself over lo does not. Not on the bridge:
 * the kernel refuses the NFQUEUE target in the bridge family.
 *
 * Rules are written in nft's own language and run with libnftables
 * (nft_run_cmd_from_buffer). One piece cannot be: the kernel Conclave is
 * made for has no nft `queue` expression (CONFIG_NFT_QUEUE off) but has
 * the xtables NFQUEUE target, which nft reaches through nft_compat; nft's
 * language cannot write an xtables target, so that one rule (a lone
 * NFQUEUE target in chain `toqueue`) is built with libnftnl, the library
 * nft itself is built on, and sent with libmnl. The table exists only
 * while the host has a fault: a clean host has no hook and no cost.
 * Never touches any table but its own.
 */
#include "lan.h"

#ifdef HAVE_LAN_FAULTS

#include <errno.h>
#include <libmnl/libmnl.h>
#include <libnftnl/expr.h>
#include <libnftnl/rule.h>
#include <libnftnl/common.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/xt_NFQUEUE.h>
#include <nftables/libnftables.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define TABLE "conclave"


/* Runs nft commands; on failure `error` (if not NULL) gets nft's own words.
 * A fresh context each time: one that saw the table go keeps it in its
 * cache and refuses rules for the new one. */
static int
run (const char *commands, char *error, size_t size)
{
  struct nft_ctx *nft = nft_ctx_new (NFT_CTX_DEFAULT);
  int rc;

  if (nft == NULL)
    {
      if (error != NULL)
        snprintf (error, size, "libnftables could not start");
      return -1;
    }
  nft_ctx_buffer_error (nft);
  rc = nft_run_cmd_from_buffer (nft, commands);
  if (rc != 0 && error != NULL)
    {
      const char *said = nft_ctx_get_error_buffer (nft);
      const char *first = said != NULL ? strstr (said, "Error: ") : NULL;
      size_t len = first != NULL ? strcspn (first + 7, "\n") : 0;

      snprintf (error, size, "%.*s", (int) len, first != NULL ? first + 7 : "nftables failed");
    }
  nft_ctx_free (nft);
  return rc == 0 ? 0 : -1;
}

/* The NFQUEUE target rule, through nft_compat (see the top). */
static int
add_queue_rule (char *error, size_t size)
{
  char buf[MNL_SOCKET_BUFFER_SIZE];
  struct mnl_socket *nl = mnl_socket_open (NETLINK_NETFILTER);
  struct nftnl_rule *rule = nftnl_rule_alloc ();
  struct nftnl_expr *target = nftnl_expr_alloc ("target");
  struct xt_NFQ_info_v3 *info = calloc (1, sizeof *info);
  struct mnl_nlmsg_batch *batch;
  uint32_t seq = (uint32_t) time (NULL);
  struct nlmsghdr *nlh;
  int rc = -1;

  if (nl == NULL || rule == NULL || target == NULL || info == NULL || mnl_socket_bind (nl, 0, MNL_SOCKET_AUTOPID) < 0)
    goto out;
  info->queuenum = LAN_QUEUE;
  info->queues_total = 1;
  info->flags = NFQ_FLAG_BYPASS;   /* nobody reading: pass, never stall the LAN */
  nftnl_expr_set_str (target, NFTNL_EXPR_TG_NAME, "NFQUEUE");
  nftnl_expr_set_u32 (target, NFTNL_EXPR_TG_REV, 3);
  nftnl_expr_set (target, NFTNL_EXPR_TG_INFO, info, sizeof *info);   /* the expression owns it */
  info = NULL;
  nftnl_rule_set_u32 (rule, NFTNL_RULE_FAMILY, NFPROTO_IPV4);
  nftnl_rule_set_str (rule, NFTNL_RULE_TABLE, TABLE);
  nftnl_rule_set_str (rule, NFTNL_RULE_CHAIN, "toqueue");
  nftnl_rule_add_expr (rule, target);
  target = NULL;

  batch = mnl_nlmsg_batch_start (buf, sizeof buf);
  nftnl_batch_begin (mnl_nlmsg_batch_current (batch), seq++);
  mnl_nlmsg_batch_next (batch);
  nlh = nftnl_rule_nlmsg_build_hdr (mnl_nlmsg_batch_current (batch), NFT_MSG_NEWRULE, NFPROTO_IPV4,
                                    NLM_F_APPEND | NLM_F_CREATE | NLM_F_ACK, seq);
  nftnl_rule_nlmsg_build_payload (nlh, rule);
  mnl_nlmsg_batch_next (batch);
  nftnl_batch_end (mnl_nlmsg_batch_current (batch), seq + 1);
  mnl_nlmsg_batch_next (batch);
  if (mnl_socket_sendto (nl, mnl_nlmsg_batch_head (batch), mnl_nlmsg_batch_size (batch)) >= 0)
    {
      ssize_t n = mnl_socket_recvfrom (nl, buf, sizeof buf);

      rc = n >= 0 ? mnl_cb_run (buf, (size_t) n, 0, mnl_socket_get_portid (nl), NULL, NULL) : -1;
      rc = rc < 0 ? -1 : 0;
    }
  mnl_nlmsg_batch_stop (batch);
out:
  if (rc != 0)
    snprintf (error, size, "the kernel refused an NFQUEUE rule: %s", strerror (errno));
  free (info);
  if (target != NULL)
    nftnl_expr_free (target);
  if (rule != NULL)
    nftnl_rule_free (rule);
  if (nl != NULL)
    mnl_socket_close (nl);
  return rc;
}

int
lan_nft_add (char *error, size_t size)
{
  static const char commands[] =
    "add table ip " TABLE "\n"
    "add chain ip " TABLE " toqueue\n"
    "add chain ip " TABLE " out { type filter hook output priority 0; policy accept; }\n"
    "add chain ip " TABLE " in { type filter hook input priority 0; policy accept; }\n";
  static const char rules[] =
    "add rule ip " TABLE " out oifname \"" LAN_DEVICE "\" ip protocol udp jump toqueue\n"
    "add rule ip " TABLE " in iifname \"" LAN_DEVICE "\" ip protocol udp jump toqueue\n";

  if (run (commands, error, size) != 0)
    return -1;
  /* The target first: a jump to an empty chain would let datagrams by. */
  if (add_queue_rule (error, size) != 0 || run (rules, error, size) != 0)
    {
      lan_nft_remove ();
      return -1;
    }
  return 0;
}

void
lan_nft_remove (void)
{
  run ("delete table ip " TABLE "\n", NULL, 0);
}

#endif /* HAVE_LAN_FAULTS */
