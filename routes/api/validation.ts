import type { Context } from "hono";
import type { ZodError } from "zod";
import { firstIssue } from "../../lib/schemas.ts";

/** Turns a failed request validation into the API's error shape: 400 naming the field at fault. */
export function validationHook(
  result: { success: true } | { success: false; error: ZodError; target: string },
  c: Context,
): Response | undefined {
  if (result.success) return undefined;
  const { message, field } = firstIssue(result.error);
  return c.json(field ? { error: message, field } : { error: message }, 400);
}
