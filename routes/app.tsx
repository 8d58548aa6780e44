/** The web app: pages for people, the JSON API for scripts, static files; one Hono app, no server state. */
import { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { NONCE, secureHeaders } from "hono/secure-headers";
import { serveStatic } from "hono/deno";
import { relative } from "node:path";
import { APP_ROOT } from "../lib/paths.ts";
import type { Helpdesk } from "../lib/helpdesk.ts";
import { HelpdeskError } from "../lib/errors.ts";
import type { IslandManifest } from "../lib/islands/manifest.ts";
import { createStaticBuildRoute } from "../lib/islands/mod.ts";
import { browserRole, requireRole, requireStaff } from "./role.ts";
import { crossSiteCheck, refusalOf } from "./errors.ts";
import { createApi } from "./api/mod.ts";
import type { PageEnv } from "./pages/env.ts";
import { entryPages } from "./pages/entry.tsx";
import { sendErrorPage } from "./pages/render.tsx";
import { ticketListPages } from "./pages/tickets.tsx";
import { ticketPages } from "./pages/ticket.tsx";
import { ticketEventPages } from "./pages/ticket_events.ts";
import { dashboardPages } from "./pages/dashboard.tsx";
import type { Config } from "../lib/config.ts";

/** What the web app is built from. */
interface AppOptions {
  helpdesk: Helpdesk;
  /** Where the island chunks are, from buildIslands. */
  manifest: IslandManifest;
  /** Folder of the built island chunks. */
  buildDir?: string;
  /** Where the analytics services are. */
  serviceUrls: Config["serviceUrls"];
  /** How the dashboard calls the services (tests pass a fake). */
  fetchImpl?: typeof fetch;
}

/** Largest request body accepted: a 5000-character text in 4-byte characters, JSON-escaped, with room to spare. */
const MAX_BODY_BYTES = 64 * 1024;

/** Builds the web app. */
export function createApp(options: AppOptions) {
  const { helpdesk } = options;
  const app = new Hono<PageEnv>();

  app.use(secureHeaders({
    contentSecurityPolicy: {
      defaultSrc: ["'self'"],
      scriptSrc: ["'self'", NONCE],
      // Chart libraries set element styles; scripts stay strict, styles may be inline.
      styleSrc: ["'self'", "'unsafe-inline'"],
      imgSrc: ["'self'", "data:"],
      connectSrc: ["'self'"],
      objectSrc: ["'none'"],
      baseUri: ["'none'"],
      formAction: ["'self'"],
      frameAncestors: ["'none'"],
    },
    referrerPolicy: "same-origin",
    xFrameOptions: "DENY",
  }));
  app.use(bodyLimit({
    maxSize: MAX_BODY_BYTES,
    onError: (c) => c.json({ error: `request body is larger than ${MAX_BODY_BYTES / 1024} KB` }, 413),
  }));
  app.use(crossSiteCheck());

  app.route("/api/v1", createApi(helpdesk));
  app.route("/static/build", createStaticBuildRoute(options.buildDir ?? "static/build"));
  app.use("/static/*", serveStatic({ root: relative(Deno.cwd(), APP_ROOT) || "./" }));

  app.use(browserRole);
  app.use(async (c, next) => {
    c.set("manifest", options.manifest);
    c.set("nonce", c.get("secureHeadersNonce" as never));
    await next();
  });
  app.route("/", entryPages);
  // Every other page needs a role; without one the person is sent to choose it.
  app.use("/tickets", requireRole);
  app.use("/tickets/*", requireRole);
  app.use("/dashboard", requireStaff("only helpdesk staff can see the dashboard"));
  app.route("/", ticketListPages(helpdesk));
  app.route("/", ticketPages(helpdesk));
  app.route("/", ticketEventPages(helpdesk));
  app.route(
    "/",
    dashboardPages({ serviceUrls: options.serviceUrls }, options.fetchImpl),
  );

  app.notFound((c) => sendErrorPage(c, new HelpdeskError("page not found", 404)));
  app.onError((err, c) => {
    const refusal = refusalOf(err);
    if (refusal) return sendErrorPage(c, refusal);
    console.error(err);
    return sendErrorPage(c, new HelpdeskError("something went wrong on our side; please try again", 500));
  });
  return app;
}
