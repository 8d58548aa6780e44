/**
 * What every analytics service has in common: the `{"error"}` shape, `GET /health`, the GET-only guard,
 * JSON 404s, strict query parsing, and opening the store read-only from the configuration.
 */
import { type Context, Hono } from "hono";
import type { z } from "zod";
import { loadConfig } from "../lib/config.ts";
import { type Db, openStore } from "../lib/data/mod.ts";
import { HelpdeskError, ValidationError } from "../lib/errors.ts";
import { firstIssue, unknownFieldError } from "../lib/schemas.ts";

/** Options every service factory takes; `now` lets tests pin the clock. */
export interface ServiceOptions {
  now?: () => Date;
}

const ALLOWED_METHODS = new Set(["GET", "HEAD"]);

/**
 * A service app with `/health`, a 405 for any method but GET/HEAD on its known paths, a JSON 404 for
 * unknown paths, and errors mapped to `{"error"}` answers. `paths` are the service's own GET endpoints.
 */
export function createServiceApp(paths: readonly string[]): Hono {
  const known = new Set(["/health", ...paths]);
  const app = new Hono();
  app.use(async (c, next) => {
    if (known.has(c.req.path) && !ALLOWED_METHODS.has(c.req.method)) {
      return c.json({ error: `method ${c.req.method} is not allowed here; use GET` }, 405, {
        Allow: "GET, HEAD",
      });
    }
    await next();
  });
  app.get("/health", (c) => c.json({ status: "ok" }));
  app.notFound((c) => c.json({ error: `no such endpoint: ${c.req.path}` }, 404));
  app.onError((error, c) => {
    if (error instanceof HelpdeskError) return c.json({ error: error.message }, error.status as 400);
    console.error(error);
    return c.json({ error: "the service failed to answer; see its log" }, 500);
  });
  return app;
}

/**
 * Reads the query string with `schema`, refusing repeated parameters (`?hours=1&hours=2` has no single
 * meaning) and turning the first validation issue into a ValidationError (400).
 */
export function parseQuery<T extends z.ZodType>(c: Context, schema: T): z.output<T> {
  const params = new URL(c.req.url).searchParams;
  const query: Record<string, string> = {};
  for (const [name, value] of params) {
    if (name in query) throw new ValidationError(`parameter ${name} is given more than once`);
    query[name] = value;
  }
  const parsed = schema.safeParse(query);
  if (!parsed.success) throw new ValidationError(firstIssue(parsed.error).message);
  return parsed.data;
}

/** The zod error option that names unknown query parameters: "unknown parameter a; this endpoint takes …". */
export function unknownParameterError(allowed: string) {
  return unknownFieldError({ noun: "parameter", allowed: `this endpoint takes ${allowed}` });
}

/** Opens the configured store read-only: services never write, the web app is the one writer. */
export async function openServiceDb(): Promise<Db> {
  return await openStore(loadConfig(), { readOnly: true });
}
