/**
 * The import side of the export line format (lib/wire.ts writes it): one ticket per line, as the API shows
 * it (a `version` is ignored) plus its `categoryConfidence`, with its `messages` array. Parsing applies the same text rules as the app and
 * checks that the times tell a possible story.
 */
import { z } from "zod";
import type { Category } from "../lib/categories.ts";
import type { ImportItem } from "../lib/data/import.ts";
import { HISTORY_FIELDS, type HistoryEntry, type Message, type TicketRecord } from "../lib/data/types.ts";
import { historyProblem } from "../lib/data/history.ts";
import { ValidationError } from "../lib/errors.ts";
import { recordOf } from "../lib/wire.ts";
import { INVALID_UTF8_MARK } from "./read_lines.ts";
import {
  authorNameSchema,
  categorySchema,
  descriptionSchema,
  internalSchema,
  messageTextSchema,
  roleSchema,
  statusSchema,
  ticketIdSchema,
  ULID_PATTERN,
  unknownFieldError,
} from "../lib/schemas.ts";

// An unknown key is named in the API's words ("unknown field a, b"); a line or a message in it that is not
// an object says so.
const unknownField = unknownFieldError({ notObject: "must be a JSON object" });

const isoTime = z.iso.datetime({ error: "must be an ISO 8601 time in UTC, e.g. 2026-03-10T09:00:00.000Z" })
  // Counters keep times as unsigned integers, so nothing before 1970 can be stored.
  .refine((s) => Date.parse(s) >= 0, "must not be before 1970")
  .transform((s) => new Date(s).toISOString());

const messageIdSchema = z.string({ error: "must be a message id (a ULID)" })
  .regex(ULID_PATTERN, "must be a message id (a ULID)");

const messageLineSchema = z.strictObject({
  id: messageIdSchema,
  ticketId: ticketIdSchema.optional(),
  // Export writes each message's position; the position in the array is what counts, so it must agree.
  seq: z.number({ error: "seq must be the message's position: 1, 2, 3…" }).int().positive().optional(),
  authorRole: roleSchema,
  authorName: authorNameSchema,
  // Lines written before internal notes existed have none: every such message is visible.
  internal: internalSchema,
  text: messageTextSchema,
  createdAt: isoTime,
}, { error: unknownField });

const historyLineSchema = z.strictObject({
  // Export writes each entry's number; the position in the array is what counts, so it must agree.
  seq: z.number({ error: "seq must be the entry's position: 1, 2, 3…" }).int().positive().optional(),
  at: isoTime,
  actorRole: roleSchema,
  actorName: authorNameSchema,
  field: z.enum(HISTORY_FIELDS, { error: `field must be one of ${HISTORY_FIELDS.join(", ")}` }),
  from: z.string({ error: "from must be text or null" }).max(10_000).nullable(),
  to: z.string({ error: "to must be text or null" }).max(10_000).nullable(),
}, { error: unknownField });

const ticketLineSchema = z.strictObject({
  id: ticketIdSchema,
  description: descriptionSchema,
  category: categorySchema.optional(),
  categorySource: z.enum(["auto", "staff"], { error: "categorySource must be auto or staff" }).optional(),
  categoryConfidence: z.number({ error: "categoryConfidence must be a number" }).min(0).max(1).nullable()
    .optional(),
  status: statusSchema,
  openedAt: isoTime,
  activatedAt: isoTime.nullable().default(null),
  closedAt: isoTime.nullable().default(null),
  updatedAt: isoTime,
  // An API answer carries a version; it is ignored, since the store gives every write a new one.
  version: z.unknown().optional(),
  messages: z.array(messageLineSchema, { error: "messages must be an array" }).default([]),
  history: z.array(historyLineSchema, { error: "history must be an array" }).max(10_000).optional(),
}, { error: unknownField });

/** A valid line: the ticket with everything but a missing category filled in, and its messages. */
interface ParsedLine {
  ticket: Omit<TicketRecord, "category" | "categorySource" | "categoryConfidence">;
  category?: Category;
  categorySource?: TicketRecord["categorySource"];
  categoryConfidence?: number | null;
  messages: Message[];
  history: HistoryEntry[];
}

/**
 * Parses and checks one line. `now` is the latest time a line may mention. Throws ValidationError with a
 * message naming the field at fault.
 */
export function parseTicketLine(text: string, now: Date): ParsedLine {
  if (text.startsWith(INVALID_UTF8_MARK)) {
    throw new ValidationError(
      `not valid UTF-8 (at ${text.slice(INVALID_UTF8_MARK.length)} of the line); save the file as UTF-8`,
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new ValidationError(`not valid JSON (${(error as Error).message})`);
  }
  const parsed = ticketLineSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ValidationError(
      issue.path.length ? `${fieldPath(issue.path)}: ${issue.message}` : issue.message,
    );
  }
  const line = parsed.data;
  const problem = storyProblem(line, now.getTime());
  if (problem) throw new ValidationError(problem);
  return {
    ticket: {
      id: line.id,
      description: line.description,
      status: line.status,
      openedAt: line.openedAt,
      activatedAt: line.activatedAt,
      closedAt: line.closedAt,
      updatedAt: line.updatedAt,
    },
    category: line.category,
    categorySource: line.categorySource,
    categoryConfidence: line.categoryConfidence,
    messages: line.messages.map((m, i) => ({
      id: m.id,
      ticketId: line.id,
      seq: i + 1,
      authorRole: m.authorRole,
      authorName: m.authorName,
      internal: m.internal,
      text: m.text,
      createdAt: m.createdAt,
    })),
    history: (line.history ?? []).map((e, i) => ({
      seq: i + 1,
      at: e.at,
      actorRole: e.actorRole,
      actorName: e.actorName,
      field: e.field,
      from: e.from,
      to: e.to,
    })),
  };
}

function fieldPath(path: readonly PropertyKey[]): string {
  return path.map((part, i) =>
    typeof part === "number" ? `[${part}]` : i === 0 ? String(part) : `.${String(part)}`
  )
    .join("");
}

/** The first way the line's status and times contradict each other, or null when they tell a possible story. */
function storyProblem(line: z.output<typeof ticketLineSchema>, nowMs: number): string | null {
  const { status, activatedAt, closedAt } = line;
  if (status === "open" && (activatedAt || closedAt)) return "an open ticket has no activatedAt or closedAt";
  if (status === "active" && !activatedAt) return "an active ticket needs activatedAt";
  if (status === "active" && closedAt) return "an active ticket has no closedAt";
  if (status === "closed" && (!activatedAt || !closedAt)) {
    return "a closed ticket needs activatedAt and closedAt";
  }
  if (line.categorySource === "staff" && !line.category) return "categorySource staff needs a category";
  if (line.categorySource === "staff" && line.categoryConfidence != null) {
    return "a category set by staff has no categoryConfidence";
  }
  if (activatedAt && activatedAt < line.openedAt) return "activatedAt is before openedAt";
  if (closedAt && activatedAt && closedAt < activatedAt) return "closedAt is before activatedAt";
  const latest = [line.openedAt, activatedAt, closedAt].filter((t) => t !== null).sort().at(-1)!;
  if (line.updatedAt < latest) return "updatedAt is before another of the ticket's times";
  if (Date.parse(line.updatedAt) > nowMs) return "updatedAt is in the future";
  const history = line.history ?? [];
  for (const [i, entry] of history.entries()) {
    if (entry.seq !== undefined && entry.seq !== i + 1) {
      return `history[${i}].seq must be ${i + 1}, its position in the history`;
    }
    if (entry.at < line.openedAt) return `history[${i}].at is before the ticket was opened`;
    if (entry.at > line.updatedAt) return `history[${i}].at is after the ticket's updatedAt`;
  }
  if (history.length > 0) {
    // Where the line names a category, the history's last one must be it; a line without one is
    // classified on import, so only its description and status can be checked.
    const record = { ...line, category: line.category ?? lastValue(history, "category") } as TicketRecord;
    const problem = historyProblem(
      { ...record, historyCount: history.length },
      history.map((e, i) => ({ ...e, seq: i + 1 })),
    );
    if (problem) return problem.replace(/^history entry (\d+)/, (_, n) => `history[${Number(n) - 1}]`);
  }
  const ids = new Set<string>();
  for (const [i, m] of line.messages.entries()) {
    const where = `messages[${i}]`;
    if (m.ticketId !== undefined && m.ticketId !== line.id) {
      return `${where}.ticketId is not this ticket's id`;
    }
    if (m.seq !== undefined && m.seq !== i + 1) {
      return `${where}.seq must be ${i + 1}, its position in the thread`;
    }
    if (ids.has(m.id)) return `${where}.id appears twice`;
    ids.add(m.id);
    if (m.createdAt < line.openedAt) return `${where}.createdAt is before the ticket was opened`;
    if (closedAt && m.createdAt > closedAt) return `${where}.createdAt is after the ticket was closed`;
    // An internal note does not move updatedAt (lib/data/messages.ts), so only a visible message is bound by it.
    if (!m.internal && m.createdAt > line.updatedAt) {
      return `${where}.createdAt is after the ticket's updatedAt`;
    }
    if (Date.parse(m.createdAt) > nowMs) return `${where}.createdAt is in the future`;
    // The thread is shown in the order it is listed, so that order must be its time order; and a ULID
    // carries its own time, so a later message must not have an earlier id.
    const previous = line.messages[i - 1];
    if (previous && m.createdAt < previous.createdAt) {
      return `${where}.createdAt is before messages[${i - 1}].createdAt; list a thread in time order`;
    }
    if (previous && m.createdAt > previous.createdAt && m.id < previous.id) {
      return `${where}.id is earlier than messages[${i - 1}].id although it was written later`;
    }
  }
  return null;
}

/** The last value a history gives a field, or undefined when it never changes it. */
function lastValue(history: readonly { field: string; to: string | null }[], field: string): never {
  return history.findLast((e) => e.field === field)?.to as never;
}

/** Completes a parsed line into what the store keeps, given the category the classifier would pick. */
export function toImportItem(
  line: ParsedLine,
  classify: (text: string) => { category: Category; confidence: number },
): ImportItem {
  let ticket: TicketRecord;
  if (line.category) {
    // A category that came with the data was chosen by a person unless the line says otherwise.
    const categorySource = line.categorySource ?? "staff";
    ticket = {
      ...line.ticket,
      category: line.category,
      categorySource,
      categoryConfidence: categorySource === "staff" ? null : line.categoryConfidence ?? null,
    };
  } else {
    const { category, confidence } = classify(line.ticket.description);
    ticket = { ...line.ticket, category, categorySource: "auto", categoryConfidence: confidence };
  }
  return { ticket: recordOf(ticket), messages: line.messages, history: line.history };
}
