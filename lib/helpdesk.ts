/**
 * The helpdesk's rules, shared by the JSON API and the pages: who may see and change what, the status
 * path, and how categories follow descriptions. Input arrives already validated by lib/schemas.ts.
 */
import type { Category } from "./categories.ts";
import { type Classifier, createClassifier, LOW_CONFIDENCE_THRESHOLD } from "./classifier/mod.ts";
import type { Config } from "./config.ts";
import {
  type Actor,
  addMessage,
  addMineEntry,
  countByStatusCategory,
  createTicket,
  createTicketLister,
  type Db,
  getHistoryEntry,
  getTicket,
  getTickets,
  type HistoryEntry,
  listCorrections,
  listHistory,
  listMessages,
  type ListSort,
  type Message,
  mineIds,
  mineVia,
  openStore,
  type Role,
  type Status,
  type ThreadRange,
  type Ticket,
  ticketChangeCount,
  type TicketLister,
  type TicketPage,
  type TicketRecord,
  updateTicket,
  watchTicket,
  watchTicketChanges,
} from "./data/mod.ts";
import { writeCorrection } from "./data/corrections.ts";
import { ConflictError, ForbiddenError, NotFoundError, TransitionError } from "./errors.ts";
import { type SearchField, type SearchHit, TicketIndex } from "./search/ticket_index.ts";

// The vocabulary routes need besides the rules, so they import lib/data for types only.
export { HISTORY_FIELDS, ROLES, STATUSES } from "./data/types.ts";

/** Everything the rules need: the classifier and a clock (the store is private to this module). */
export interface Helpdesk {
  classifier: Classifier;
  now: () => Date;
  /** Ticket lists, answered from memory while no ticket changed. */
  listTickets: TicketLister;
}

// The store of each helpdesk: routes reach it only through the rules below.
const stores = new WeakMap<Helpdesk, Db>();
// The search index of each helpdesk, derived from its store (lib/search/ticket_index.ts).
const indexes = new WeakMap<Helpdesk, TicketIndex>();

/** The store of a helpdesk, for the rule modules beside this one (lib/reporters.ts); routes never use it. */
export function storeOf(h: Helpdesk): Db {
  return stores.get(h)!;
}

/**
 * The one place that follows commits: every rule below that commits a change to a ticket, its description,
 * status or thread calls this after the commit succeeded, so the search index re-reads that ticket from the
 * store before the caller hears back (during the start-up build: once the build is done).
 */
async function committed(h: Helpdesk, id: string): Promise<void> {
  await indexes.get(h)!.refresh(id);
}

/** Builds the helpdesk on a store, teaching the classifier every stored staff correction. */
export async function createHelpdesk(
  db: Db,
  options: { now?: () => Date; searchIndexDelayMs?: number } = {},
): Promise<Helpdesk> {
  const corrections = await listCorrections(db);
  const helpdesk: Helpdesk = {
    classifier: createClassifier(corrections),
    now: options.now ?? (() => new Date()),
    listTickets: createTicketLister(db),
  };
  stores.set(helpdesk, db);
  indexes.set(helpdesk, new TicketIndex(db, options.searchIndexDelayMs));
  return helpdesk;
}

/**
 * How long the web app's process waits before building the search index: long enough to answer the first
 * pages after a start (a health check, the first visitor) before the build takes the CPU and the store.
 */
const SEARCH_INDEX_DELAY_MS = 300;

/** Opens the configured store as its one writer and builds the helpdesk on it (the web app's process). */
export async function openHelpdesk(config: Pick<Config, "kvPath" | "timeZone">): Promise<Helpdesk> {
  return await createHelpdesk(await openStore(config), { searchIndexDelayMs: SEARCH_INDEX_DELAY_MS });
}

/** The statuses a role may see. */
function visibleStatuses(role: Role): Status[] {
  return role === "helpdesk" ? ["open", "active", "closed"] : ["open", "active"];
}

/**
 * Who is asking: the role, the SHA-256 hash of the reporter key of the browser or script (null without one)
 * and the display name its changes are signed with.
 */
export interface Viewer {
  role: Role;
  reporterKeyHash: string | null;
  name: string | null;
}

/** A viewer, or only a role (no reporter key, no name). */
type Asker = Role | Viewer;

/** The viewer an asker stands for. */
function viewerOf(asker: Asker): Viewer {
  return typeof asker === "string" ? { role: asker, reporterKeyHash: null, name: null } : asker;
}

/** Tells whether the ticket is in the viewer's My tickets (a reporter's own, filed or added by its link). */
async function isOwn(h: Helpdesk, viewer: Viewer, id: string): Promise<boolean> {
  if (viewer.role !== "reporter" || viewer.reporterKeyHash === null) return false;
  return await mineVia(storeOf(h), viewer.reporterKeyHash, id) !== null;
}

/**
 * Who may see a ticket, in one place: staff see every ticket; a reporter sees open and active tickets, and
 * closed tickets only when they are in their My tickets (`own`).
 */
function maySee(viewer: Viewer, status: Status, own: boolean): boolean {
  return visibleStatuses(viewer.role).includes(status) || own;
}

/** Tells whether staff should check a ticket's category: chosen automatically with low confidence. */
export function needsCategoryCheck(ticket: TicketRecord): boolean {
  return ticket.categorySource === "auto" && (ticket.categoryConfidence ?? 1) < LOW_CONFIDENCE_THRESHOLD;
}

/**
 * Files a new ticket; its category comes from the classifier. Its history starts with `created` by the
 * asker, and a reporter's key gets it in their My tickets, both in the ticket's own commit.
 */
export async function fileTicket(
  h: Helpdesk,
  input: { description: string },
  asker: Asker = "reporter",
): Promise<Ticket> {
  const viewer = viewerOf(asker);
  const { category, confidence } = h.classifier.classify(input.description);
  const keyHash = viewer.role === "reporter" ? viewer.reporterKeyHash : null;
  const ticket = await createTicket(storeOf(h), {
    description: input.description,
    category,
    categoryConfidence: confidence,
    openedAt: h.now(),
    actor: { role: viewer.role, name: viewer.name },
    alsoWrite: keyHash === null ? undefined : (op, record) => addMineEntry(op, keyHash, record.id, "filed"),
  });
  await committed(h, ticket.id);
  return ticket;
}

/**
 * Reads a ticket the asker may see; a closed ticket does not exist for a reporter unless it is in their
 * My tickets.
 */
export async function viewTicket(h: Helpdesk, asker: Asker, id: string): Promise<Ticket> {
  const viewer = viewerOf(asker);
  const ticket = await getTicket(storeOf(h), id);
  if (!ticket) throw new NotFoundError();
  if (!maySee(viewer, ticket.status, ticket.status === "closed" && await isOwn(h, viewer, id))) {
    throw new NotFoundError();
  }
  return ticket;
}

/** The campus time zone the helpdesk's analytics count days and months in. */
export function timeZoneOf(h: Helpdesk): string {
  return stores.get(h)!.timeZone;
}

/** Lists the tickets a role may see, newest first (or latest activity first), optionally filtered. */
export function browseTickets(
  h: Helpdesk,
  asker: Asker,
  query: {
    /** One status, or "unclosed" for open and active together. */
    status?: Status | "unclosed";
    category?: Category;
    waiting?: Role;
    sort?: ListSort;
    limit: number;
    cursor?: string;
    /** Only tickets opened at or after this time (ms). */
    openedAfter?: number;
    /** Only tickets opened before this time (ms). */
    openedBefore?: number;
  },
): Promise<TicketPage> {
  const visible = visibleStatuses(viewerOf(asker).role);
  const statuses = query.status === "unclosed"
    ? visible.filter((s) => s !== "closed")
    : query.status
    ? visible.filter((s) => s === query.status)
    : visible;
  if (statuses.length === 0) return Promise.resolve({ tickets: [], cursor: null });
  const opened = query.openedAfter !== undefined || query.openedBefore !== undefined
    ? { after: query.openedAfter, before: query.openedBefore }
    : undefined;
  return h.listTickets({
    statuses,
    category: query.category,
    waiting: query.waiting,
    sort: query.sort,
    limit: query.limit,
    cursor: query.cursor,
    opened,
  });
}

/** Tells whether a role may receive a message: internal notes are for staff only. */
export function mayReceive(role: Role, message: Pick<Message, "internal">): boolean {
  return role === "helpdesk" || !message.internal;
}

/** How many messages of a ticket's thread a role may receive (reporters: without internal notes). */
export function visibleMessageCount(role: Role, ticket: Ticket): number {
  return role === "helpdesk" ? ticket.messageCount : ticket.messageCount - ticket.noteCount;
}

/** Ticket counts per status and category, from counters (no scan), for the staff queue. */
export function queueCounts(h: Helpdesk, role: Role): ReturnType<typeof countByStatusCategory> {
  if (role !== "helpdesk") throw new ForbiddenError("Only helpdesk staff can see the queue's counts.");
  return countByStatusCategory(storeOf(h));
}

/** The store-wide ticket change counter now, as a string: the queue's version, read before its rows. */
export async function queueVersion(h: Helpdesk, role: Role): Promise<string> {
  if (role !== "helpdesk") throw new ForbiddenError("Only helpdesk staff can follow the queue.");
  return String(await ticketChangeCount(storeOf(h)));
}

/** The store-wide ticket change counter now and after every ticket commit, for the staff queue's stream. */
export function followQueue(h: Helpdesk, role: Role): ReadableStream<bigint> {
  if (role !== "helpdesk") throw new ForbiddenError("Only helpdesk staff can follow the queue.");
  return watchTicketChanges(storeOf(h));
}

/** A change to a ticket: any of its description, category and status. */
export interface TicketChange {
  description?: string;
  category?: Category;
  status?: Status;
}

const NEXT_STATUS: Record<Status, Status | null> = { open: "active", active: "closed", closed: null };

/** Why a status step outside open → active → closed is refused, in words staff understand. */
function transitionRefusal(from: Status, to: Status): string {
  if (from === "open" && to === "closed") return "An open ticket cannot be closed before work starts.";
  if (from === "active" && to === "open") return "An active ticket cannot go back to open.";
  return `A ${from} ticket cannot become ${to}; the path is open → active → closed.`;
}

/**
 * What the client saw before asking for a change: the ticket's version (API, If-Match), or the values of the
 * fields it is changing (plain HTML forms, so a message posted meanwhile does not refuse an unrelated edit).
 */
type Precondition = { version: string } | {
  saw: Partial<Pick<Ticket, "description" | "category" | "status">>;
};

/**
 * Changes a ticket as `role`, refusing it when the ticket changed since the client saw it. Reporters may
 * change only the description; staff also move the status one step along open → active → closed and correct
 * the category, which then sticks through later description changes and teaches the classifier.
 */
export async function changeTicket(
  h: Helpdesk,
  asker: Asker,
  id: string,
  precondition: Precondition,
  change: TicketChange,
): Promise<Ticket> {
  const viewer = viewerOf(asker);
  const role = viewer.role;
  // Whether the ticket is the reporter's own does not change with its state, so it is read once.
  const own = await isOwn(h, viewer, id);
  if (role === "reporter" && change.status !== undefined) {
    throw new ForbiddenError("Only helpdesk staff can change a ticket's status.");
  }
  if (role === "reporter" && change.category !== undefined) {
    throw new ForbiddenError("Only helpdesk staff can change a ticket's category.");
  }
  const at = h.now().toISOString();
  let corrected: { text: string; category: Category } | null = null;
  const updated = await updateTicket(storeOf(h), id, (current) => {
    // The change may be retried on fresher data; only the attempt that commits may leave a correction.
    corrected = null;
    if (!maySee(viewer, current.status, own)) throw new NotFoundError();
    if ("saw" in precondition) {
      for (const [field, value] of Object.entries(precondition.saw)) {
        if (current[field as keyof Ticket] !== value) throw new ConflictError();
      }
    }
    if (current.status === "closed") {
      throw new ConflictError("This ticket is closed and can no longer be changed.");
    }
    const { version: _, ...next }: Ticket = { ...current };
    let changed = false;
    if (change.description !== undefined && change.description !== current.description) {
      next.description = change.description;
      if (current.categorySource === "auto") {
        const { category, confidence } = h.classifier.classify(change.description);
        next.category = category;
        next.categoryConfidence = confidence;
      }
      changed = true;
    }
    if (
      change.category !== undefined &&
      (change.category !== current.category || next.categorySource === "auto")
    ) {
      next.category = change.category;
      next.categorySource = "staff";
      next.categoryConfidence = null;
      corrected = { text: next.description, category: change.category };
      changed = true;
    }
    if (change.status !== undefined && change.status !== current.status) {
      if (NEXT_STATUS[current.status] !== change.status) {
        throw new TransitionError(transitionRefusal(current.status, change.status));
      }
      next.status = change.status;
      if (change.status === "active") next.activatedAt = at;
      if (change.status === "closed") next.closedAt = at;
      changed = true;
    }
    if (!changed) return null;
    next.updatedAt = at;
    return next satisfies TicketRecord;
  }, {
    expectedVersion: "version" in precondition ? precondition.version : null,
    mustSee: (current) => {
      if (!maySee(viewer, current.status, own)) throw new NotFoundError();
    },
    actor: { role, name: viewer.name } satisfies Actor,
    alsoWrite: (op) => {
      if (corrected) writeCorrection(op, { ticketId: id, ...corrected, correctedAt: at });
    },
  });
  const learned = corrected as { text: string; category: Category } | null;
  if (learned) h.classifier.learn({ ticketId: id, ...learned });
  await committed(h, id);
  return updated;
}

/** A ticket's thread (or a range of it), oldest first, for a role that may see the ticket. */
export async function readThread(
  h: Helpdesk,
  asker: Asker,
  id: string,
  range: ThreadRange = {},
): Promise<Message[]> {
  const viewer = viewerOf(asker);
  await viewTicket(h, viewer, id);
  return await threadFor(h, viewer.role, id, range);
}

/** A range of a ticket's thread as a role receives it (reporters: without internal notes); no visibility check. */
async function threadFor(h: Helpdesk, role: Role, id: string, range: ThreadRange = {}): Promise<Message[]> {
  const messages = await listMessages(storeOf(h), id, range);
  return messages.filter((m) => mayReceive(role, m));
}

/**
 * A range of a ticket's thread with no role check, for a live stream whose access was checked when it
 * opened: a reporter following a ticket that staff close meanwhile still receives the messages before it.
 * It includes internal notes: the stream skips them for reporters with `mayReceive`, one by one, so its
 * position in the thread still moves past them.
 */
export function followThread(h: Helpdesk, id: string, range: ThreadRange): Promise<Message[]> {
  return listMessages(storeOf(h), id, range);
}

/** The ticket's state now and after every change (null once it is gone), for a live stream. */
export function followTicket(h: Helpdesk, id: string): ReadableStream<Ticket | null> {
  return watchTicket(storeOf(h), id);
}

/**
 * Writes a message under a ticket the role may see; a closed ticket's thread is read-only. Only staff write
 * internal notes (refused before the ticket is looked up, so the refusal tells nothing about the ticket).
 */
export async function postMessage(
  h: Helpdesk,
  asker: Asker,
  id: string,
  input: { text: string; authorName: string | null; internal?: boolean },
): Promise<Message> {
  const viewer = viewerOf(asker);
  const internal = input.internal === true;
  if (internal && viewer.role !== "helpdesk") {
    throw new ForbiddenError("Only helpdesk staff can write internal notes.", "internal");
  }
  await viewTicket(h, viewer, id);
  const message = await addMessage(storeOf(h), id, {
    authorRole: viewer.role,
    authorName: input.authorName,
    internal,
    text: input.text,
    createdAt: h.now(),
  });
  await committed(h, id);
  return message;
}

/**
 * Compares the search index with a fresh build from the store after the writes in flight; equal means
 * every query answers alike.
 * @testHook The index tests prove that incremental updates never drift from a fresh build.
 */
export function compareSearchIndexWithStore(h: Helpdesk) {
  return indexes.get(h)!.compareWithStore();
}

/** A ticket found by a search, with the indexed words it matched (for highlighting). */
export interface TicketMatch {
  ticket: Ticket;
  terms: string[];
}

/** What a search asks: the words, optional filters, and a page (after the ticket `cursor`, `limit` long). */
interface TicketSearch {
  q: string;
  /** One status, or "unclosed" for open and active together. */
  status?: Status | "unclosed";
  category?: Category;
  limit: number;
  cursor?: string;
}

/** The fields a role's search looks in: internal notes are staff's only. */
function searchFields(role: Role): SearchField[] {
  return role === "helpdesk" ? ["description", "messages", "notes"] : ["description", "messages"];
}

/**
 * Loads the tickets of hits from the store and checks them again there, so an answer never shows a ticket
 * in a state the role may not see, even were the index a moment behind.
 */
async function loadHits(
  h: Helpdesk,
  hits: SearchHit[],
  accept: (t: Ticket) => boolean,
): Promise<TicketMatch[]> {
  const tickets = new Map((await getTickets(storeOf(h), hits.map((hit) => hit.id))).map((t) => [t.id, t]));
  return hits.flatMap((hit) => {
    const ticket = tickets.get(hit.id);
    return ticket && accept(ticket) ? [{ ticket, terms: hit.terms }] : [];
  });
}

/**
 * Searches the tickets a role may see for every word of `q` (prefixes and small typos allowed), best match
 * first, optionally only of one status and category; pages go on after the ticket named by `cursor`.
 */
export async function searchTickets(
  h: Helpdesk,
  asker: Asker,
  query: TicketSearch,
): Promise<{ matches: TicketMatch[]; cursor: string | null }> {
  const viewer = viewerOf(asker);
  const own = await ownTicketIds(h, viewer);
  const accept = (t: Pick<Ticket, "id" | "status" | "category">) =>
    maySee(viewer, t.status, own.has(t.id)) &&
    (query.status === "unclosed" ? t.status !== "closed" : !query.status || t.status === query.status) &&
    (!query.category || t.category === query.category);
  // When no closed ticket can be accepted, the index of unclosed tickets alone answers (far fewer to score):
  // a status other than closed, or a reporter with no ticket of their own (who sees no closed ticket).
  const unclosedOnly = (query.status !== undefined && query.status !== "closed") ||
    (!visibleStatuses(viewer.role).includes("closed") && own.size === 0);
  const hits = await indexes.get(h)!.search(query.q, {
    fields: searchFields(viewer.role),
    accept,
    unclosedOnly,
  });
  const start = query.cursor ? hits.findIndex((hit) => hit.id === query.cursor) + 1 : 0;
  // A cursor that no longer matches (its ticket changed) ends the list rather than starting it over.
  if (query.cursor && start === 0) return { matches: [], cursor: null };
  const page = hits.slice(start, start + query.limit);
  const matches = await loadHits(h, page, accept);
  const more = hits.length > start + query.limit;
  return { matches, cursor: more && page.length > 0 ? page[page.length - 1].id : null };
}

// A reporter's search includes their own closed tickets; one range read of their key's newest entries.
const OWN_TICKETS_SEARCHED = 1000;

/** The ids of a reporter's My tickets (none for staff or a reporter without a key), for filtering hits. */
async function ownTicketIds(h: Helpdesk, viewer: Viewer): Promise<Set<string>> {
  if (viewer.role !== "reporter" || viewer.reporterKeyHash === null) return new Set();
  return await mineIds(storeOf(h), viewer.reporterKeyHash, OWN_TICKETS_SEARCHED);
}

/** How many similar tickets are offered at most. */
const SIMILAR_LIMIT = 5;

/**
 * Like `similarTickets`, but null at once while the search index is still being built at start-up, for a
 * page that would rather leave the list out than keep the person waiting.
 */
export function similarTicketsIfReady(
  h: Helpdesk,
  role: Role,
  text: string,
  exceptId?: string,
): Promise<Ticket[] | null> {
  return indexes.get(h)!.built ? similarTickets(h, role, text, exceptId) : Promise.resolve(null);
}

/**
 * Up to five open or active tickets the role may see whose descriptions are most like `text`, most alike
 * first, leaving out the ticket `exceptId` (the one being looked at).
 */
export async function similarTickets(
  h: Helpdesk,
  role: Role,
  text: string,
  exceptId?: string,
): Promise<Ticket[]> {
  const accept = (t: Pick<Ticket, "id" | "status">) =>
    t.status !== "closed" && maySee(viewerOf(role), t.status, false) && t.id !== exceptId;
  const hits = await indexes.get(h)!.similar(text, { accept, limit: SIMILAR_LIMIT });
  return (await loadHits(h, hits, accept)).map((match) => match.ticket);
}

/** A ticket's history, oldest first, for an asker who may see the ticket. */
export async function readHistory(h: Helpdesk, asker: Asker, id: string): Promise<HistoryEntry[]> {
  const ticket = await viewTicket(h, asker, id);
  return listHistory(storeOf(h), id, ticket.historyCount);
}

/**
 * A ticket the asker may see with its thread and its history, for the ticket page: one visibility check,
 * then the thread and the history read side by side.
 */
export async function readTicketWhole(
  h: Helpdesk,
  asker: Asker,
  id: string,
): Promise<{ ticket: Ticket; messages: Message[]; history: HistoryEntry[] }> {
  const viewer = viewerOf(asker);
  const ticket = await viewTicket(h, viewer, id);
  const [messages, history] = await Promise.all([
    threadFor(h, viewer.role, id),
    listHistory(storeOf(h), id, ticket.historyCount),
  ]);
  return { ticket, messages, history };
}

/**
 * Puts back the description a ticket had before history entry `seq` (staff only): a new change, recorded
 * like any other and refused like any edit when the ticket changed since the precondition.
 */
export async function restoreDescription(
  h: Helpdesk,
  asker: Asker,
  id: string,
  seq: number,
  precondition: Precondition,
): Promise<Ticket> {
  const viewer = viewerOf(asker);
  if (viewer.role !== "helpdesk") {
    throw new ForbiddenError("Only helpdesk staff can restore an earlier description.");
  }
  await viewTicket(h, viewer, id);
  const entry = await getHistoryEntry(storeOf(h), id, seq);
  if (!entry || entry.field !== "description" || entry.from === null) {
    throw new NotFoundError("This ticket has no description change with that number.");
  }
  return changeTicket(h, viewer, id, precondition, { description: entry.from });
}
