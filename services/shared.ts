/**
 * What every analytics service has in common: the `{"error"}` shape, `GET /health`, the GET-only guard,
 * JSON 404s, strict query parsing, and starting as a process: the store opened read-only from the
 * configuration, served on the service's port.
 */
import { type Context, Hono } from "hono";
import { z } from "zod";
import { type Config, loadConfig, SERVICES } from "../lib/config.ts";
import { type Db, openStore, StoreOpenError, TimeZoneMismatchError } from "../lib/data/mod.ts";
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
    if (error instanceof HelpdeskError) {
      // `field` names the parameter at fault, where one is, so the dashboard shows the message beside it.
      const body = error.field ? { error: error.message, field: error.field } : { error: error.message };
      return c.json(body, error.status as 400);
    }
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
    if (name in query) throw new ValidationError(`parameter ${name} is given more than once`, name);
    query[name] = value;
  }
  const parsed = schema.safeParse(query);
  if (!parsed.success) {
    const { message, field } = firstIssue(parsed.error);
    throw new ValidationError(message, field);
  }
  return parsed.data;
}

/** The answer formats every service speaks, by their `format` query value. */
const FORMATS = ["json", "csv"] as const;

/** The optional `format` parameter every service takes: json (the default) or csv. */
export const formatParameter = z.enum(FORMATS, { error: "format must be json or csv, e.g. format=csv" })
  .optional();

/** One CSV field: quoted when it holds a comma, quote or line break; null is an empty field. */
function csvField(value: string | number | null): string {
  if (value === null) return "";
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** A table as CSV text (RFC 4180: CRLF line ends, header row first). */
function toCsv(header: string[], rows: (string | number | null)[][]): string {
  return [header, ...rows].map((row) => row.map(csvField).join(",")).join("\r\n") + "\r\n";
}

/**
 * Sends `json` as JSON, or, for `format=csv`, the same numbers as a CSV download named `filename` with the
 * given header row and rows.
 */
export function sendAnswer(
  c: Context,
  format: typeof FORMATS[number] | undefined,
  json: unknown,
  csv: () => { filename: string; header: string[]; rows: (string | number | null)[][] },
): Response {
  if (format !== "csv") return c.json(json);
  const { filename, header, rows } = csv();
  return c.body(toCsv(header, rows), 200, {
    "Content-Type": "text/csv; charset=utf-8",
    "Content-Disposition": `attachment; filename="${filename}"`,
  });
}

/** The zod error option that names unknown query parameters: "unknown parameter a; this endpoint takes …". */
export function unknownParameterError(allowed: string) {
  return unknownFieldError({ noun: "parameter", allowed: `this endpoint takes ${allowed}` });
}

/** Ends a service's start-up with one line for the person starting it; a stack only for the unexpected. */
function cannotStart(name: string, error: unknown, expected: boolean): never {
  console.error(`${name} cannot start: ${error instanceof Error ? error.message : error}`);
  if (!expected && error instanceof Error && error.stack) console.error(error.stack);
  Deno.exit(1);
}

/**
 * Runs the service `key` as its own process (its `main.ts`, also its Deno Deploy entry): opens the configured
 * store read-only (services never write; the web app is the one writer) and serves `create(db)` on the
 * service's port. It calls Deno.serve itself rather than exporting a `deno serve` handler, so a plain
 * `deno run` of the entry serves, as a hosted runtime does. A bad setting, a store that cannot be opened or a
 * taken port is one line naming it, and exit code 1.
 */
export async function startService(key: typeof SERVICES[number]["key"], create: (db: Db) => Hono) {
  const service = SERVICES.find((s) => s.key === key)!;
  let config: Config;
  try {
    config = loadConfig();
  } catch (error) {
    cannotStart(service.name, error, true);
  }
  let db: Db;
  try {
    db = await openStore(config, { readOnly: true });
  } catch (error) {
    cannotStart(
      service.name,
      error,
      error instanceof StoreOpenError || error instanceof TimeZoneMismatchError,
    );
  }
  const app = create(db);
  const port = config.servicePorts[key];
  try {
    Deno.serve({
      hostname: config.hostname,
      port,
      onListen: ({ hostname, port }) => console.log(`${service.name} http://${hostname}:${port}/`),
    }, app.fetch);
  } catch (error) {
    if (!(error instanceof Deno.errors.AddrInUse)) throw error;
    const variable = service.portVariable;
    cannotStart(
      service.name,
      `port ${port} (${variable}) is already in use on ${config.hostname}: stop what uses it, or set ` +
        `${variable} to a free port`,
      true,
    );
  }
}
