import type { Context } from "hono";
import { getCookie, setCookie } from "hono/cookie";
import type { Role } from "./data/types.ts";

/** Name of the cookie that holds the chosen role. */
export const ROLE_COOKIE = "helpdesk_role";
/** Name of the cookie that holds the optional display name used on messages. */
export const NAME_COOKIE = "helpdesk_name";

/** Reads the role a browser chose on the entry page, or null. */
export function roleFromCookie(c: Context): Role | null {
  const value = getCookie(c, ROLE_COOKIE);
  return value === "reporter" || value === "helpdesk" ? value : null;
}

/** Reads the display name a browser chose, or null. */
export function nameFromCookie(c: Context): string | null {
  const value = getCookie(c, NAME_COOKIE)?.trim();
  return value ? value : null;
}

/** Remembers the chosen role and display name (HttpOnly, SameSite=Lax, a year). */
export function rememberRole(c: Context, role: Role, name: string | null): void {
  const options = { path: "/", httpOnly: true, sameSite: "Lax", maxAge: 365 * 24 * 3600 } as const;
  setCookie(c, ROLE_COOKIE, role, options);
  if (name) setCookie(c, NAME_COOKIE, name, options);
  else setCookie(c, NAME_COOKIE, "", { ...options, maxAge: 0 });
}
