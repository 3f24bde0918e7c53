/* conclave-kind-legend.h — which colour is which message kind: a legend
 * of every kind sent in the session's cluster so far, each with its
 * colour (conclave_palette_kind) and name, wrapped over as many lines as
 * the width needs.
 *
 * Reads each new event once (from where the last batch stopped), like the
 * charts; a new cluster starts an empty legend.
 */
#pragma once

#include <gtk/gtk.h>

#include "conclave-session.h"

G_BEGIN_DECLS

#define CONCLAVE_TYPE_KIND_LEGEND (conclave_kind_legend_get_type ())
G_DECLARE_FINAL_TYPE (ConclaveKindLegend, conclave_kind_legend, CONCLAVE, KIND_LEGEND, GtkWidget)

/* Once: the legend lists this session's kinds from now on. */
void   conclave_kind_legend_set_session (ConclaveKindLegend *self,
                                         ConclaveSession    *session);
/* For tests: the kinds listed, in the order shown (by name). */
GStrv  conclave_kind_legend_list_kinds  (ConclaveKindLegend *self);

G_END_DECLS
