/* conclave-welcome-page.h — the window's empty state: one large button per
 * chapter of the lecture, plus Add Server / Add Client.
 *
 * Buttons activate app.start-scenario / app.add-server; the page never
 * starts anything itself.
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define CONCLAVE_TYPE_WELCOME_PAGE (conclave_welcome_page_get_type ())
G_DECLARE_FINAL_TYPE (ConclaveWelcomePage, conclave_welcome_page, CONCLAVE, WELCOME_PAGE, GtkWidget)

G_END_DECLS
