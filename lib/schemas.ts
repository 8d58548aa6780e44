/** Input rules shared by the JSON API, the form posts and the importer, so every door checks the same way. */
import { z } from "zod";
import { CATEGORIES } from "./categories.ts";
import { ROLES, STATUSES } from "./data/types.ts";
import { MAX_NAME, MAX_TEXT } from "./limits.ts";
import { termsOf } from "./search/normalize.ts";

// C0 controls other than tab, newline and carriage return never belong in a ticket.
// deno-lint-ignore no-control-regex
const CONTROL_CHARS = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;

// Every message is a sentence a person can act on, shown as it is on pages and sent as it is by the API.
const text = (noun: string, missing: string) =>
  z.string({ error: (issue) => issue.input === undefined ? missing : `${noun} must be text.` })
    .trim()
    .min(1, missing)
    .max(MAX_TEXT, `${noun} can be at most ${MAX_TEXT.toLocaleString("en")} characters.`)
    .refine((s) => s.isWellFormed(), `${noun} contains broken Unicode.`)
    .refine((s) => !CONTROL_CHARS.test(s), `${noun} contains control characters.`);

/** A ticket description as stored and imported: trimmed, 1–5000 characters. */
export const descriptionSchema = text("The description", "Please describe the problem.");

// Scripts written without spaces between words, where four characters already say something.
const UNSPACED = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}\p{Script=Thai}]/gu;

/**
 * Tells whether a description says enough for the helpdesk to act on: two words ("Wifi down"), or ten
 * letters, or four characters of a script written without spaces. Below that the classifier sees almost
 * no known features and answers near chance, and staff would have to ask what is meant.
 */
function describesEnough(description: string): boolean {
  const words = description.match(/[\p{L}\p{N}]{2,}/gu)?.length ?? 0;
  const letters = description.match(/\p{L}/gu)?.length ?? 0;
  const unspaced = description.match(UNSPACED)?.length ?? 0;
  return words >= 2 || letters >= 10 || unspaced >= 4;
}

/** A description a person files or edits: as stored, and enough to act on. */
export const ticketDescriptionSchema = descriptionSchema.refine(
  describesEnough,
  "Please describe the problem in a few more words (at least two words), so the helpdesk can act on it.",
);

/** A message text: trimmed, 1–5000 characters. */
export const messageTextSchema = text("The message", "Please write a message.");

/** An optional author display name; blank means none. */
export const authorNameSchema = z.string({ error: "The name must be text." })
  .trim()
  .max(MAX_NAME, `The name can be at most ${MAX_NAME} characters.`)
  .refine(
    (s) => s.isWellFormed() && !CONTROL_CHARS.test(s),
    "The name contains control characters or broken Unicode.",
  )
  .transform((s) => s === "" ? null : s)
  .nullable()
  .optional()
  .transform((s) => s ?? null);

/** Longest search query, in characters: enough for any sentence someone searches with. */
export const MAX_QUERY = 200;

/** A search query: trimmed, 1–200 characters, with at least one letter or digit to look for. */
export const searchQuerySchema = z.string({ error: "The search must be text." })
  .trim()
  .min(1, "Type a word to search for.")
  .max(MAX_QUERY, `The search can be at most ${MAX_QUERY} characters.`)
  .refine((s) => s.isWellFormed(), "The search contains broken Unicode.")
  .refine((s) => !CONTROL_CHARS.test(s), "The search contains control characters.")
  .refine((s) => termsOf(s).length > 0, "The search needs at least one letter or digit.");

/** A text to find similar tickets for: checked like a description, 1–5000 characters. */
export const similarTextSchema = text(
  "The text",
  "Give the text to compare, e.g. a new ticket's description.",
);

/** A category id. */
export const categorySchema = z.enum(CATEGORIES, {
  error: `The category must be one of ${CATEGORIES.join(", ")}.`,
});

/** A status id. */
export const statusSchema = z.enum(STATUSES, { error: `The status must be one of ${STATUSES.join(", ")}.` });

/** A role id. */
export const roleSchema = z.enum(ROLES, { error: `The role must be one of ${ROLES.join(", ")}.` });

/** A ULID as ids are written: 26 characters of Crockford's base 32, upper case. */
export const ULID_PATTERN = /^[0-9A-HJKMNP-TV-Z]{26}$/;

/** A ticket id: a ULID. */
export const ticketIdSchema = z.string().regex(ULID_PATTERN, "That is not a ticket id.");

/** Whom a list's tickets wait for (`waiting=`): the helpdesk or the reporter. */
export const waitingSchema = z.enum(ROLES, {
  error: `waiting must be one of ${ROLES.join(", ")}.`,
});

/** A list order (`sort=`): newest opened first, or latest activity first. */
export const listSortSchema = z.enum(["opened", "updated"], {
  error: "sort must be opened (newest first) or updated (latest activity first).",
});

// A cursor of the activity order: the last ticket's updatedAt in ms, a dot, and its id.
const UPDATED_CURSOR = /^\d{1,15}\.[0-9A-HJKMNP-TV-Z]{26}$/;

/** A list cursor: a ticket id, or `updatedMs.id` in the activity order. */
export const listCursorSchema = z.string().refine(
  (s) => ULID_PATTERN.test(s) || UPDATED_CURSOR.test(s),
  "cursor must be the cursor of the previous page.",
);

/**
 * The first problem of a list query's combination of parameters, as `{message, field}`, or null: a closed
 * ticket waits for nobody, and a cursor belongs to the order it was made in.
 */
export function listQueryProblem(
  query: {
    status?: string;
    waiting?: string;
    sort?: string;
    cursor?: string;
    openedAfter?: unknown;
    openedBefore?: unknown;
  },
): { message: string; field: string } | null {
  const openedField = query.openedAfter !== undefined
    ? "openedAfter"
    : query.openedBefore !== undefined
    ? "openedBefore"
    : null;
  if (openedField && (query.waiting || query.sort === "updated")) {
    return {
      message: `${openedField} works in the default order (newest opened first) and cannot be combined ` +
        "with waiting or sort=updated.",
      field: openedField,
    };
  }
  if (query.waiting && query.status === "closed") {
    return {
      message: "waiting cannot be combined with status=closed: a closed ticket waits for nobody.",
      field: "waiting",
    };
  }
  if (query.cursor && (query.sort === "updated") !== UPDATED_CURSOR.test(query.cursor)) {
    return {
      message: "cursor belongs to another sort order; start again from the first page.",
      field: "cursor",
    };
  }
  return null;
}

/** What a strict object's `error` option may add to the "unknown field" message. */
interface UnknownFieldOptions {
  /** What the keys are called in the message; "field" unless given. */
  noun?: string;
  /** What the input may contain, appended after a semicolon, e.g. "this endpoint takes hours or days". */
  allowed?: string;
  /** The message when the input is not an object at all; zod's own when not given. */
  notObject?: string;
}

/**
 * The `error` option of a `z.strictObject` that names the unknown keys ("unknown field a, b"), so every
 * door refuses an unexpected key with the same words; any other issue keeps its own message.
 */
export function unknownFieldError(options: UnknownFieldOptions = {}) {
  const { noun = "field", allowed, notObject } = options;
  return (issue: { code?: string; keys?: string[] }) =>
    issue.code === "unrecognized_keys"
      ? `Unknown ${noun} ${issue.keys!.join(", ")}${allowed ? `; ${allowed}` : ""}.`
      : issue.code === "invalid_type"
      ? notObject
      : undefined;
}

// A JSON body that is not an object (null, an array, a string) is refused with one message.
const bodyError = unknownFieldError({ notObject: "The body must be a JSON object." });

/** A status filter of a ticket list: one status, or "unclosed" for open and active together. */
export const listStatusSchema = z.enum([...STATUSES, "unclosed"], {
  error: `The status must be one of ${STATUSES.join(", ")} or unclosed (open and active).`,
});

/**
 * A time bound of a ticket list (`openedAfter`, `openedBefore`): ISO 8601 with a zone (Z or ±hh:mm), as
 * milliseconds.
 */
export function openedTimeSchema(name: string) {
  return z.iso.datetime({
    offset: true,
    error: `Give ${name} as an ISO 8601 time with a zone, e.g. ${name}=2026-03-01T00:00:00Z`,
  }).transform((iso) => Date.parse(iso));
}

/** Body of a new ticket. */
export const newTicketSchema = z.strictObject({ description: ticketDescriptionSchema }, { error: bodyError });

/** Body of a ticket change: any of description, category, status, at least one. */
export const ticketPatchSchema = z.strictObject({
  description: ticketDescriptionSchema.optional(),
  category: categorySchema.optional(),
  status: statusSchema.optional(),
}, { error: bodyError }).refine(
  (p) => Object.keys(p).length > 0,
  "Nothing to change: send description, category or status.",
);

/** Whether a message is an internal note (staff only); not given means a visible message. */
export const internalSchema = z.boolean({ error: "internal must be true or false." }).optional()
  .transform((v) => v ?? false);

/** Body of a new message. */
export const newMessageSchema = z.strictObject({
  text: messageTextSchema,
  authorName: authorNameSchema,
  internal: internalSchema,
}, { error: bodyError });

/** Turns the first zod issue into a message and the field it names. */
export function firstIssue(error: z.ZodError): { message: string; field?: string } {
  const issue = error.issues[0];
  const field = issue.path.length > 0 ? String(issue.path[0]) : undefined;
  return { message: issue.message, field };
}
