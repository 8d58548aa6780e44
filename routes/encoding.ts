/**
 * What a request body may be: JSON on the API and URL-encoded forms on pages, in UTF-8, decoded strictly.
 * Bytes that are not UTF-8 are refused naming the field they are in, never replaced with "�" and stored.
 */
import type { MiddlewareHandler } from "hono";
import { HelpdeskError, ValidationError } from "../lib/errors.ts";
import { isApiRequest } from "./errors.ts";

const strict = new TextDecoder("utf-8", { fatal: true });
const encoder = new TextEncoder();
const lenient = new TextDecoder("utf-8");
const METHODS_WITH_BODY = new Set(["POST", "PUT", "PATCH", "DELETE"]);

/** A body of the wrong kind or character set (415). */
class UnsupportedBodyError extends HelpdeskError {
  /** Says what to send instead. */
  constructor(message: string) {
    super(message, 415);
  }
}

/** Decodes percent-escapes of a form value to bytes, so their UTF-8 can be checked before it is decoded. */
function formBytes(encoded: string): Uint8Array {
  const bytes: number[] = [];
  const plain = encoded.replaceAll("+", " ");
  for (let i = 0; i < plain.length; i++) {
    const code = plain.charCodeAt(i);
    if (code === 0x25 && /^[0-9a-fA-F]{2}$/.test(plain.slice(i + 1, i + 3))) {
      bytes.push(parseInt(plain.slice(i + 1, i + 3), 16));
      i += 2;
    } else bytes.push(...encoder.encode(plain[i]));
  }
  return new Uint8Array(bytes);
}

/** The first field of a URL-encoded form whose value (or name) is not UTF-8, or null. */
function badFormField(body: string): string | null {
  for (const pair of body.split("&")) {
    const [name = "", value = ""] = pair.split("=", 2);
    try {
      strict.decode(formBytes(name));
    } catch {
      return "a field name";
    }
    try {
      strict.decode(formBytes(value));
    } catch {
      return strict.decode(formBytes(name));
    }
  }
  return null;
}

/** The first JSON field whose text is not UTF-8 (its bytes decode to "�"), or null when none can be named. */
function badJsonField(bytes: Uint8Array): string | null {
  try {
    const parsed = JSON.parse(lenient.decode(bytes));
    if (parsed && typeof parsed === "object") {
      for (const [key, value] of Object.entries(parsed)) {
        if (typeof value === "string" && value.includes("\uFFFD")) return key;
      }
    }
  } catch { /* not JSON either: the body as a whole is at fault */ }
  return null;
}

/**
 * Checks the body of every request that has one: its media type (JSON for /api, a URL-encoded form for
 * pages), its character set (UTF-8 or none), and its bytes (valid UTF-8, field by field for forms).
 */
export const strictBodies: MiddlewareHandler = async (c, next) => {
  if (!METHODS_WITH_BODY.has(c.req.method) || c.req.raw.body === null) return await next();
  const type = (c.req.header("content-type") ?? "").toLowerCase();
  const [media, ...params] = type.split(";").map((part) => part.trim());
  const charset = params.find((p) => p.startsWith("charset="))?.slice(8).replace(/"/g, "");
  if (charset && charset !== "utf-8" && charset !== "utf8") {
    throw new UnsupportedBodyError(`the body is in ${charset}; send it as UTF-8`);
  }
  const api = isApiRequest(c);
  const expected = api ? "application/json" : "application/x-www-form-urlencoded";
  const bytes = new Uint8Array(await c.req.arrayBuffer());
  if (bytes.length === 0 && media === "") return await next();
  if (media !== expected) {
    throw new UnsupportedBodyError(
      `the body is ${media || "of no declared type"}; ${
        api ? "the API takes" : "forms are sent as"
      } ${expected}`,
    );
  }
  let text: string;
  try {
    text = strict.decode(bytes);
  } catch {
    const field = api ? badJsonField(bytes) : null;
    throw new ValidationError(
      field ? `${field} is not valid UTF-8 text` : "the request body is not valid UTF-8",
      field ?? undefined,
    );
  }
  if (!api) {
    const field = badFormField(text);
    if (field) throw new ValidationError(`${field} is not valid UTF-8 text`, field);
  }
  await next();
};
