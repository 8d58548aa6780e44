/**
 * How failures reach a person or a script: domain errors are typed (lib/errors.ts), and each channel maps
 * them once — `/api` to `{"error", "field"}` JSON in routes/api/mod.ts, pages to an HTML page in
 * routes/app.tsx. This module turns the errors Hono's own middleware throws into the same types.
 */
import type { MiddlewareHandler } from "hono";
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
