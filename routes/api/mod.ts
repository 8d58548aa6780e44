/** The JSON API under /api/v1: role from header or cookie, the tickets resource, the OpenAPI document. */
import { OpenAPIHono } from "@hono/zod-openapi";
import type { Helpdesk } from "../../lib/helpdesk.ts";
import { refusalOf, sendApiError } from "../errors.ts";
import { apiRole } from "../role.ts";
import type { ApiEnv } from "./env.ts";
import { ticketsApi } from "./tickets.ts";
import { historyApi } from "./history.ts";

/** Builds the versioned JSON API over a helpdesk. */
export function createApi(h: Helpdesk) {
  const api = new OpenAPIHono<ApiEnv>();

  // The document is the same for every request: build it once, on first use (after all routes exist).
  let document: unknown = null;
  api.get("/openapi.json", (c) => {
    document ??= api.getOpenAPI31Document({
      openapi: "3.1.0",
      info: {
        title: "Campus Helpdesk API",
        version: "1.0.0",
        description: "Send X-Helpdesk-Role: reporter or helpdesk with every call (or the browser's role " +
          'cookie). Errors are {"error": "...", "field": "..."}.',
      },
      // The API is mounted at /api/v1 of the web app (routes/app.tsx), the folder this document is served from.
      servers: [{
        url: "/api/v1",
        description: "this web app's JSON API, on the host serving this document",
      }],
    });
    return c.json(document);
  });

  api.use("/tickets/*", apiRole);

  api.route("/tickets", ticketsApi(h));
  api.route("/tickets", historyApi(h));

  // A catch-all route, because a mounted app's notFound handler is not consulted by its parent.
  api.all("*", (c) => c.json({ error: `no such endpoint: ${c.req.method} ${c.req.path}` }, 404));
  api.onError((err, c) => {
    const refusal = refusalOf(err);
    if (refusal) return sendApiError(c, refusal);
    console.error(err);
    return c.json({ error: "internal error" }, 500);
  });
  return api;
}
