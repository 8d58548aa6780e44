/**
 * Who the request acts as: the role (and display name) a browser chose, kept in cookies, or the
 * `X-Helpdesk-Role` header of an API call. One middleware per channel sets it; the rest only reads it.
 */
import type { Context, MiddlewareHandler } from "hono";
import { getCookie, setCookie } from "hono/cookie";
import type { Role } from "../lib/data/types.ts";
import { ForbiddenError, ValidationError } from "../lib/errors.ts";
import { authorNameSchema, roleSchema } from "../lib/schemas.ts";
import type { ApiEnv } from "./api/env.ts";
import type { PageEnv } from "./pages/env.ts";

/** Name of the cookie that holds the chosen role. */
const ROLE_COOKIE = "helpdesk_role";
/** Name of the cookie that holds the optional display name used on messages. */
const NAME_COOKIE = "helpdesk_name";

function parseRole(value: string | undefined): Role | null {
  const role = roleSchema.safeParse(value);
  return role.success ? role.data : null;
}

/** Reads the role a browser chose on the entry page, or null. */
function roleFromCookie(c: Context): Role | null {
  return parseRole(getCookie(c, ROLE_COOKIE));
}

/**
 * Reads the display name a browser chose, or null; a cookie that breaks the name field's rules (too long,
 * control characters) is refused, so no path stores a name the form would not take.
 */
export function nameFromCookie(c: Context): string | null {
  const name = authorNameSchema.safeParse(getCookie(c, NAME_COOKIE) ?? "");
  if (!name.success) {
    throw new ValidationError(
      `the display name kept in your browser is not valid (${name.error.issues[0].message}); ` +
        "choose it again on the entry page",
      "authorName",
    );
  }
  return name.data;
}

/** Remembers the chosen role and display name (HttpOnly, SameSite=Lax, a year). */
export function rememberRole(c: Context, role: Role, name: string | null): void {
  const options = { path: "/", httpOnly: true, sameSite: "Lax", maxAge: 365 * 24 * 3600 } as const;
  setCookie(c, ROLE_COOKIE, role, options);
  if (name) setCookie(c, NAME_COOKIE, name, options);
  else setCookie(c, NAME_COOKIE, "", { ...options, maxAge: 0 });
}

/** Sets the page's role and name from the browser's cookies (null when it has not chosen yet). */
export const browserRole: MiddlewareHandler<PageEnv> = async (c, next) => {
  c.set("role", roleFromCookie(c));
  // A page still shows (so the entry page can fix it); only writing a message with it is refused.
  let name: string | null = null;
  try {
    name = nameFromCookie(c);
  } catch { /* shown as no name */ }
  c.set("name", name);
  await next();
};

/** Sends a browser without a role to the entry page; the routes after it run as `RolePageEnv`. */
export const requireRole: MiddlewareHandler<PageEnv> = async (c, next) => {
  if (!c.get("role")) return c.redirect("/", 303);
  await next();
};

/** Like `requireRole`, and refuses every role but helpdesk staff with 403 and `refusal`. */
export function requireStaff(refusal: string): MiddlewareHandler<PageEnv> {
  return async (c, next) => {
    const role = c.get("role");
    if (!role) return c.redirect("/", 303);
    if (role !== "helpdesk") throw new ForbiddenError(refusal);
    await next();
  };
}

/** The role of an API call: its `X-Helpdesk-Role` header, or else the browser's role cookie; 400 without one. */
export const apiRole: MiddlewareHandler<ApiEnv> = async (c, next) => {
  const header = c.req.header("x-helpdesk-role");
  // Matched exactly: "REPORTER" or " helpdesk" is not a role, and saying so once is clearer than guessing.
  const role = header === undefined ? roleFromCookie(c) : parseRole(header);
  if (!role) {
    throw new ValidationError(
      header === undefined
        ? "missing role: send the X-Helpdesk-Role header (reporter or helpdesk)"
        : `unknown role "${header}": X-Helpdesk-Role must be exactly reporter or helpdesk`,
      "X-Helpdesk-Role",
    );
  }
  c.set("role", role);
  await next();
};
