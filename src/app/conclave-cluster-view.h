/* conclave-cluster-view.h — the cluster as the class sees it: servers as
 * rounded squares, clients as circles, forked children as satellites, every
 * message a dot travelling from sender to receiver.
 *
 * Shows a session's cluster ("changed" once per frame, from the session),
 * selection and canvas positions, and draws with
 * GtkSnapshot; reads only the messages of the last moment through the
 * matcher's range query. Never signals processes itself: its menu and keys
 * activate the application's actions.
 */
#pragma once

#include <gtk/gtk.h>

#include "conclave-cluster.h"
#include "conclave-faults.h"
#include "conclave-session.h"

G_BEGIN_DECLS

#define CONCLAVE_TYPE_CLUSTER_VIEW (conclave_cluster_view_get_type ())
G_DECLARE_FINAL_TYPE (ConclaveClusterView, conclave_cluster_view, CONCLAVE, CLUSTER_VIEW, GtkWidget)

/* Properties: cluster, selected (ConclaveNode), presentation (bool). */
GtkWidget       *conclave_cluster_view_new          (void);
/* Once: the view shows this session's cluster and selection from now on. */
void             conclave_cluster_view_set_session  (ConclaveClusterView *self,
                                                     ConclaveSession     *session);
/* The faults drawn on the nodes (isolation, drops, delays). */
void             conclave_cluster_view_set_faults   (ConclaveClusterView *self,
                                                     ConclaveFaults      *faults);
/* Where a node was drawn in the last frame (widget coordinates); FALSE if it
 * was not drawn. For tests and the popover. */
gboolean         conclave_cluster_view_get_node_area (ConclaveClusterView *self,
                                                      ConclaveNode        *node,
                                                      graphene_rect_t     *area);
/* Messages drawn in flight in the last frame (for tests and the benchmark). */
guint            conclave_cluster_view_get_n_drawn_messages (ConclaveClusterView *self);
/* Where the message's dot was drawn in the last frame; FALSE if it was not
 * (or was left out of a crowd). For tests. */
gboolean         conclave_cluster_view_get_message_point (ConclaveClusterView *self,
                                                          guint64              message,
                                                          graphene_point_t    *point);
/* Where the LAN's switch was drawn in the last frame; FALSE on loopback. */
gboolean         conclave_cluster_view_get_switch_area (ConclaveClusterView *self,
                                                        graphene_rect_t     *area);
/* Pairs of nodes with a line between them (who talked to whom). */
guint            conclave_cluster_view_get_n_links (ConclaveClusterView *self);
/* What it shows at the session's moment, drawn now (not its last frame,
 * which a moment just scrubbed to has not had yet) into cr, its words as
 * text (real <text> in an SVG): for Export Image. */
void             conclave_cluster_view_draw_now (ConclaveClusterView *self,
                                                 cairo_t             *cr);

G_END_DECLS
