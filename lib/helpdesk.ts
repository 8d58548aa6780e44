/**
 * The helpdesk's rules, shared by the JSON API and the pages: who may see and change what, the status
 * path, and how categories follow descriptions. Input arrives already validated by lib/schemas.ts.
 */
import type { Category } from "./categories.ts";
import { type Classifier, createClassifier, LOW_CONFIDENCE_THRESHOLD } from "./classifier/mod.ts";
import type { Config } from "./config.ts";
import {
  addMessage,
  createTicket,
  createTicketLister,
  type Db,
  getTicket,
  getTickets,
  listCorrections,
  listMessages,
  type Message,
  openStore,
  type Role,
  type Status,
  type ThreadRange,
  type Ticket,
  type TicketLister,
  type TicketPage,
  type TicketRecord,
  updateTicket,
  watchTicket,
} from "./data/mod.ts";
import { writeCorrection } from "./data/corrections.ts";
import { ConflictError, ForbiddenError, NotFoundError, TransitionError } from "./errors.ts";
import { type SearchField, type SearchHit, TicketIndex } from "./search/ticket_index.ts";

// The vocabulary routes need besides the rules, so they import lib/data for types only.
export { ROLES, STATUSES } from "./data/types.ts";

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

function storeOf(h: Helpdesk): Db {
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

/** Tells whether a role may see a ticket: the one visibility check of single tickets and search results. */
function mayView(role: Role, ticket: Pick<TicketRecord, "status">): boolean {
  return visibleStatuses(role).includes(ticket.status);
}

/** Tells whether staff should check a ticket's category: chosen automatically with low confidence. */
export function needsCategoryCheck(ticket: TicketRecord): boolean {
  return ticket.categorySource === "auto" && (ticket.categoryConfidence ?? 1) < LOW_CONFIDENCE_THRESHOLD;
}

/** Files a new ticket; its category comes from the classifier. */
export async function fileTicket(h: Helpdesk, input: { description: string }): Promise<Ticket> {
  const { category, confidence } = h.classifier.classify(input.description);
  const ticket = await createTicket(storeOf(h), {
    description: input.description,
    category,
    categoryConfidence: confidence,
    openedAt: h.now(),
  });
  await committed(h, ticket.id);
  return ticket;
}

/** Reads a ticket the role may see; a closed ticket does not exist for a reporter. */
export async function viewTicket(h: Helpdesk, role: Role, id: string): Promise<Ticket> {
  const ticket = await getTicket(storeOf(h), id);
  if (!ticket || !mayView(role, ticket)) throw new NotFoundError();
  return ticket;
}

/** Lists the tickets a role may see, newest first, optionally filtered. */
export function browseTickets(
  h: Helpdesk,
  role: Role,
  query: { status?: Status; category?: Category; limit: number; cursor?: string },
): Promise<TicketPage> {
  const visible = visibleStatuses(role);
  const statuses = query.status ? visible.filter((s) => s === query.status) : visible;
  if (statuses.length === 0) return Promise.resolve({ tickets: [], cursor: null });
  return h.listTickets({ statuses, category: query.category, limit: query.limit, cursor: query.cursor });
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
  role: Role,
  id: string,
  precondition: Precondition,
  change: TicketChange,
): Promise<Ticket> {
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
    if (!visibleStatuses(role).includes(current.status)) throw new NotFoundError();
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
      if (!visibleStatuses(role).includes(current.status)) throw new NotFoundError();
    },
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
  role: Role,
  id: string,
  range: ThreadRange = {},
): Promise<Message[]> {
  await viewTicket(h, role, id);
  return listMessages(storeOf(h), id, range);
}

/**
 * A range of a ticket's thread with no role check, for a live stream whose access was checked when it
 * opened: a reporter following a ticket that staff close meanwhile still receives the messages before it.
 */
export function followThread(h: Helpdesk, id: string, range: ThreadRange): Promise<Message[]> {
  return listMessages(storeOf(h), id, range);
}

/** The ticket's state now and after every change (null once it is gone), for a live stream. */
export function followTicket(h: Helpdesk, id: string): ReadableStream<Ticket | null> {
  return watchTicket(storeOf(h), id);
}

/** Writes a message under a ticket the role may see; a closed ticket's thread is read-only. */
export async function postMessage(
  h: Helpdesk,
  role: Role,
  id: string,
  input: { text: string; authorName: string | null },
): Promise<Message> {
  await viewTicket(h, role, id);
  const message = await addMessage(storeOf(h), id, {
    authorRole: role,
    authorName: input.authorName,
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
  status?: Status;
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
  role: Role,
  query: TicketSearch,
): Promise<{ matches: TicketMatch[]; cursor: string | null }> {
  const accept = (t: Pick<Ticket, "status" | "category">) =>
    mayView(role, t) && (!query.status || t.status === query.status) &&
    (!query.category || t.category === query.category);
  // When no closed ticket can be accepted, the index of unclosed tickets alone answers (far fewer to score).
  // Issue 9's "reporters also see their own closed tickets" makes this false for reporters.
  const unclosedOnly = !visibleStatuses(role).includes("closed") ||
    (query.status !== undefined && query.status !== "closed");
  const hits = await indexes.get(h)!.search(query.q, { fields: searchFields(role), accept, unclosedOnly });
  const start = query.cursor ? hits.findIndex((hit) => hit.id === query.cursor) + 1 : 0;
  // A cursor that no longer matches (its ticket changed) ends the list rather than starting it over.
  if (query.cursor && start === 0) return { matches: [], cursor: null };
  const page = hits.slice(start, start + query.limit);
  const matches = await loadHits(h, page, accept);
  const more = hits.length > start + query.limit;
  return { matches, cursor: more && page.length > 0 ? page[page.length - 1].id : null };
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
    t.status !== "closed" && mayView(role, t) && t.id !== exceptId;
  const hits = await indexes.get(h)!.similar(text, { accept, limit: SIMILAR_LIMIT });
  return (await loadHits(h, hits, accept)).map((match) => match.ticket);
}
