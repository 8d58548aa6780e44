/** The web app: pages for people, the JSON API for scripts, static files; one Hono app, no server state. */
import { type Context, Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { NONCE, secureHeaders } from "hono/secure-headers";
import { serveStatic } from "hono/deno";
import { relative } from "node:path";
import { APP_ROOT } from "../lib/paths.ts";
import { type Helpdesk, timeZoneOf } from "../lib/helpdesk.ts";
import { HelpdeskError } from "../lib/errors.ts";
import type { IslandManifest } from "../lib/islands/manifest.ts";
import { createStaticBuildRoute } from "../lib/islands/mod.ts";
import { browserRole, requireRole, requireStaff } from "./role.ts";
import { strictBodies } from "./encoding.ts";
import {
  allowedHostCheck,
  crossSiteCheck,
  isApiRequest,
  methodCheck,
  privateAnswers,
  refusalOf,
  sendApiError,
} from "./errors.ts";
import { createApi } from "./api/mod.ts";
import type { PageEnv } from "./pages/env.ts";
import { entryPages } from "./pages/entry.tsx";
import { sendErrorPage } from "./pages/render.tsx";
import { ticketListPages } from "./pages/tickets.tsx";
import { ticketPages } from "./pages/ticket.tsx";
import { queuePages } from "./pages/queue.ts";
import { ticketEventPages } from "./pages/ticket_events.ts";
import { dashboardPages } from "./pages/dashboard.tsx";
import { privateLinkPages } from "./pages/private_link.tsx";
import { type Config, LOCAL_HOSTS } from "../lib/config.ts";

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
  /** Host names to answer to; this machine's own names unless given. */
  allowedHosts?: readonly string[];
}

/** Largest JSON body accepted: a 5000-character text in 4-byte characters, JSON-escaped, with room to spare. */
const MAX_API_BODY_BYTES = 64 * 1024;
/**
 * Largest form post accepted: an edit sends the description and the one it replaces, each up to 5000
 * characters of 4-byte UTF-8 percent-encoded to 12 bytes, so a valid edit always fits.
 */
const MAX_FORM_BODY_BYTES = 160 * 1024;

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
  app.use(allowedHostCheck(options.allowedHosts ?? LOCAL_HOSTS));
  app.use(browserRole);
  app.use(async (c, next) => {
    c.set("manifest", options.manifest);
    c.set("nonce", c.get("secureHeadersNonce" as never));
    await next();
  });
  app.use(methodCheck(() => app.routes));
  const tooLarge = (limit: number) => () => {
    throw new HelpdeskError(`the request body is larger than ${limit / 1024} KB`, 413);
  };
  app.use("/api/*", bodyLimit({ maxSize: MAX_API_BODY_BYTES, onError: tooLarge(MAX_API_BODY_BYTES) }));
  const formLimit = bodyLimit({ maxSize: MAX_FORM_BODY_BYTES, onError: tooLarge(MAX_FORM_BODY_BYTES) });
  app.use(async (c, next) => isApiRequest(c) ? await next() : await formLimit(c, next));
  app.use(crossSiteCheck());
  app.use(strictBodies);
  app.use(async (c, next) => {
    if (c.req.path.startsWith("/static/")) return await next();
    return await privateAnswers(c, next);
  });

  app.route("/api/v1", createApi(helpdesk));
  app.route("/static/build", createStaticBuildRoute(options.buildDir ?? "static/build"));
  app.use("/static/*", serveStatic({ root: relative(Deno.cwd(), APP_ROOT) || "./" }));

  app.route("/", entryPages);
  app.route("/", privateLinkPages(helpdesk));
  // Every other page needs a role; without one the person is sent to choose it.
  app.use("/tickets", requireRole);
  app.use("/tickets/*", requireRole);
  app.use("/dashboard", requireStaff("only helpdesk staff can see the dashboard"));
  app.use("/dashboard/*", requireStaff("only helpdesk staff can see the dashboard"));
  app.route("/", ticketListPages(helpdesk));
  // The queue's data and stream first: `/tickets/events` is not a ticket id.
  app.route("/", queuePages(helpdesk));
  app.route("/", ticketPages(helpdesk));
  app.route("/", ticketEventPages(helpdesk));
  app.route(
    "/",
    dashboardPages({ serviceUrls: options.serviceUrls, timeZone: timeZoneOf(helpdesk) }, options.fetchImpl),
  );

  // Each channel answers in its own format: JSON for the API, an HTML page for people.
  const refuse = (c: Context<PageEnv>, refusal: HelpdeskError) =>
    isApiRequest(c) ? sendApiError(c, refusal) : sendErrorPage(c, refusal);
  app.notFound((c) =>
    refuse(c, new HelpdeskError(isApiRequest(c) ? `no such endpoint: ${c.req.path}` : "page not found", 404))
  );
  app.onError((err, c) => {
    const refusal = refusalOf(err);
    if (refusal) return refuse(c, refusal);
    console.error(err);
    return refuse(c, new HelpdeskError("something went wrong on our side; please try again", 500));
  });
  return app;
}
