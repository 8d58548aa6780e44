/**
 * `/t/<token>`: a ticket's private link. Opened in any browser it adds the ticket to that browser's My
 * tickets (making it a reporter with a key when it has no role yet) and goes to the ticket. A malformed or
 * unknown token is a plain 404 that stores and sets nothing.
 */
import { Hono } from "hono";
import type { Helpdesk } from "../../lib/helpdesk.ts";
import { NotFoundError } from "../../lib/errors.ts";
import { openPrivateLink, privateLinkExists } from "../../lib/reporters.ts";
import { rememberRole } from "../role.ts";
import { ensureReporterKey, pageReporterKey, viewerWithKey } from "../reporter.ts";
import type { PageEnv } from "./env.ts";

/** The private link route. */
export function privateLinkPages(h: Helpdesk) {
  return new Hono<PageEnv>().get("/t/:token", async (c) => {
    const token = c.req.param("token");
    // Checked before any cookie is set, so a wrong link leaves the browser as it was.
    if (!await privateLinkExists(h, token)) throw new NotFoundError("This link does not open any ticket.");
    // A browser with no role yet comes in as a reporter; a broken key is refused before any cookie is set.
    const role = c.get("role") ?? "reporter";
    const key = role === "reporter" ? pageReporterKey(c) ?? ensureReporterKey(c) : null;
    if (c.get("role") === null) rememberRole(c, role, null);
    const ticketId = await openPrivateLink(h, await viewerWithKey(role, key, c.get("name")), token);
    return c.redirect(`/tickets/${ticketId}`, 303);
  });
}
