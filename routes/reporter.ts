/**
 * The reporter key of a browser (`helpdesk_reporter` cookie, HttpOnly) or of a script
 * (`X-Helpdesk-Reporter-Key`), and the viewer every rule call is made for. A malformed key is refused
 * where it is used, never replaced silently, so nothing is stored for it.
 */
import type { Context } from "hono";
import { getCookie, setCookie } from "hono/cookie";
import type { Role } from "../lib/data/types.ts";
import { ValidationError } from "../lib/errors.ts";
import type { Viewer } from "../lib/helpdesk.ts";
import { reporterKeyHash } from "../lib/reporters.ts";
import { authorNameSchema } from "../lib/schemas.ts";
import { isSecretShape, newSecret } from "../lib/secrets.ts";
import { nameFromCookie } from "./role.ts";

/** Name of the cookie that holds the browser's reporter key. */
const REPORTER_COOKIE = "helpdesk_reporter";
/** The header a script sends its reporter key in. */
const REPORTER_HEADER = "x-helpdesk-reporter-key";
// Browsers drop cookies older than 400 days; the key lives as long as a browser allows.
const KEY_MAX_AGE = 400 * 24 * 3600;

/** The browser's reporter key as sent (valid or not), or null without one. */
function cookieKey(c: Context): string | null {
  return getCookie(c, REPORTER_COOKIE) ?? null;
}

/** Sets the reporter key cookie: HttpOnly, SameSite=Lax, Secure over https, for as long as browsers keep it. */
function setKeyCookie(c: Context, key: string): void {
  setCookie(c, REPORTER_COOKIE, key, {
    path: "/",
    httpOnly: true,
    sameSite: "Lax",
    secure: new URL(c.req.url).protocol === "https:",
    maxAge: KEY_MAX_AGE,
  });
}

/**
 * The browser's reporter key, making and setting a new one when it has none or a malformed one (entering as
 * a reporter, or opening a private link); an existing valid key is kept, so My tickets stay.
 */
export function ensureReporterKey(c: Context): string {
  const existing = cookieKey(c);
  if (existing !== null && isSecretShape(existing)) return existing;
  const key = newSecret();
  setKeyCookie(c, key);
  return key;
}

/** The reporter key a page request carries: the cookie, refused when malformed (null without one). */
export function pageReporterKey(c: Context): string | null {
  const key = cookieKey(c);
  if (key !== null && !isSecretShape(key)) {
    throw new ValidationError(
      "the reporter key kept in your browser (helpdesk_reporter cookie) is not valid; " +
        "enter as a reporter again on the entry page to get a new one",
      REPORTER_COOKIE,
    );
  }
  return key;
}

/** The viewer of a page: its role, its reporter key's hash (reporters only) and its display name. */
export function pageViewer(c: Context, role: Role, name: string | null): Promise<Viewer> {
  return viewerWithKey(role, role === "reporter" ? pageReporterKey(c) : null, name);
}

/** The viewer with a known (valid) reporter key, e.g. one just made for this request. */
export async function viewerWithKey(role: Role, key: string | null, name: string | null): Promise<Viewer> {
  return { role, reporterKeyHash: key === null ? null : await reporterKeyHash(key, REPORTER_COOKIE), name };
}

/**
 * The reporter key of an API call: the X-Helpdesk-Reporter-Key header, or else the browser's cookie;
 * either is refused with 400 when it is not a key.
 */
export function apiReporterKey(c: Context): { key: string; field: string } | null {
  const header = c.req.header(REPORTER_HEADER);
  if (header !== undefined) return { key: header, field: "X-Helpdesk-Reporter-Key" };
  const cookie = cookieKey(c);
  return cookie === null ? null : { key: cookie, field: REPORTER_COOKIE };
}

/** The name an API call signs changes with: the X-Helpdesk-Name header, else the browser's name cookie. */
function apiName(c: Context): string | null {
  const header = c.req.header("x-helpdesk-name");
  if (header === undefined) {
    // A browser's broken name cookie signs nothing rather than refusing every call (as on pages).
    try {
      return nameFromCookie(c);
    } catch {
      return null;
    }
  }
  const name = authorNameSchema.safeParse(header);
  if (!name.success) {
    throw new ValidationError(`X-Helpdesk-Name: ${name.error.issues[0].message}`, "X-Helpdesk-Name");
  }
  return name.data;
}

/** The viewer of an API call (the role comes from `apiRole`). */
export async function apiViewer(c: Context, role: Role): Promise<Viewer> {
  const sent = role === "reporter" ? apiReporterKey(c) : null;
  return {
    role,
    reporterKeyHash: sent === null ? null : await reporterKeyHash(sent.key, sent.field),
    name: apiName(c),
  };
}
