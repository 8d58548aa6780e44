/**
 * How failures reach a person or a script: domain errors are typed (lib/errors.ts), and each channel maps
 * them once — `/api` to `{"error", "field"}` JSON in routes/api/mod.ts, pages to an HTML page in
 * routes/app.tsx. This module turns the errors Hono's own middleware throws into the same types.
 */
import type { Context, MiddlewareHandler } from "hono";
import { csrf } from "hono/csrf";
import { HTTPException } from "hono/http-exception";
import { HelpdeskError } from "../lib/errors.ts";

/** A form or call sent from another site, refused by the cross-site check (403). */
class CrossSiteError extends HelpdeskError {
  /** Says why, in words a person understands. */
  constructor() {
    super("this form was sent from another site, so it was refused", 403);
  }
}

/** Hono's CSRF check, whose refusal becomes a CrossSiteError; any other error passes through as it is. */
export function crossSiteCheck(): MiddlewareHandler {
  const check = csrf();
  return async (c, next) => {
    // A forged request rides on the victim's cookies, and browsers send Origin with every cross-site POST:
    // a request with neither is a script's, and hears what is wrong with its body (strictBodies), not
    // "another site".
    if (!c.req.header("origin") && !c.req.header("cookie")) return await next();
    let passed = false;
    try {
      await check(c, async () => {
        passed = true;
        await next();
      });
    } catch (error) {
      if (!passed && error instanceof HTTPException) throw new CrossSiteError();
      throw error;
    }
  };
}

/** The expected refusal an error stands for, or null when it is a bug (answered with 500). */
export function refusalOf(error: unknown): HelpdeskError | null {
  if (error instanceof HelpdeskError) return error;
  // Hono's middleware (body limit, malformed input) throws HTTPExceptions for what the client sent.
  if (error instanceof HTTPException && error.status < 500) {
    return new HelpdeskError(error.message || "the request was refused", error.status);
  }
  return null;
}

/** Whether a request belongs to the JSON API, whose every answer (refusals included) is JSON. */
export function isApiRequest(c: Context): boolean {
  return c.req.path === "/api" || c.req.path.startsWith("/api/");
}

/** The JSON API's answer to a refusal: `{"error", "field"?}` with its status. */
export function sendApiError(c: Context, refusal: HelpdeskError): Response {
  const body = refusal.field ? { error: refusal.message, field: refusal.field } : { error: refusal.message };
  return c.json(body, refusal.status as 400);
}

/** Refuses a request for a host name the app does not serve (a DNS-rebinding page, a wrong proxy). */
export function allowedHostCheck(allowed: readonly string[]): MiddlewareHandler {
  const names = new Set(allowed.map((h) => h.toLowerCase()));
  return async (c, next) => {
    const host = new URL(c.req.url).hostname.toLowerCase();
    if (!names.has(host) && !names.has(`[${host}]`)) {
      throw new HelpdeskError(
        `this server does not answer to the host name "${host}"; add it to HELPDESK_ALLOWED_HOSTS to serve it`,
        421,
      );
    }
    await next();
  };
}

/**
 * Answers a known path asked with a method it does not take with 405 and `Allow` (OPTIONS: 204 and `Allow`),
 * instead of a 404 that says the resource is not there. `routes` is read at request time, when all exist.
 */
export function methodCheck(routes: () => readonly { method: string; path: string }[]): MiddlewareHandler {
  let patterns: { method: string; pattern: RegExp }[] | null = null;
  return async (c, next) => {
    patterns ??= routes().filter((r) => r.method !== "ALL").map((r) => ({
      method: r.method,
      pattern: new RegExp(`^${r.path.replace(/[.+?^${}()|[\]\\]/g, "\\$&").replace(/:[^/]+/g, "[^/]+")}$`),
    }));
    const methods = new Set(patterns.filter((p) => p.pattern.test(c.req.path)).map((p) => p.method));
    if (methods.has("GET")) methods.add("HEAD");
    const method = c.req.method === "HEAD" ? "GET" : c.req.method;
    if (methods.size === 0 || methods.has(method)) return await next();
    const allow = [...methods].sort().join(", ");
    if (c.req.method === "OPTIONS") return c.body(null, 204, { Allow: allow });
    c.header("Allow", allow);
    throw new HelpdeskError(`${c.req.method} is not allowed here; this address takes ${allow}`, 405);
  };
}

/**
 * Marks every answer that depends on who asks (the role cookie, the role header) as private to that
 * browser, so no shared cache hands one person's page to another.
 */
export const privateAnswers: MiddlewareHandler = async (c, next) => {
  await next();
  if (!c.res.headers.has("cache-control")) c.header("Cache-Control", "private, no-cache");
  // A reporter's key and name headers change the answer too (My tickets, own closed tickets).
  const vary = "Cookie, X-Helpdesk-Role, X-Helpdesk-Reporter-Key, X-Helpdesk-Name";
  c.header("Vary", isApiRequest(c) ? vary : "Cookie", { append: true });
};
