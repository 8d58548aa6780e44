/**
 * The full-text index of tickets (MiniSearch, in memory): one document per ticket with its description, the
 * texts of its thread's messages, and the texts of its internal notes in a field of their own, so a search
 * for a reporter never even looks at a note. It is derived from the store only: built from it at start-up,
 * and after every commit that touches a ticket the ticket is read back from the store and replaced as a
 * whole, so it cannot drift from what is stored (docs/search.md).
 */
import MiniSearch, { type SearchResult } from "minisearch";
import type { Category } from "../categories.ts";
import {
  allMessages,
  allTickets,
  type Db,
  getTicket,
  listMessages,
  type Message,
  type Status,
  type Ticket,
} from "../data/mod.ts";
import { contentTermsOf, typosAllowed } from "./normalize.ts";

/** The text fields of a ticket document; `notes` holds internal notes, which only staff search. */
export type SearchField = "description" | "messages" | "notes";

/** What a search result carries besides its id, so filters need no store read. */
interface IndexedTicket {
  id: string;
  status: Status;
  category: Category;
}

/** One hit: the ticket, its score (higher is better) and the indexed words that matched. */
export interface SearchHit extends IndexedTicket {
  score: number;
  terms: string[];
}

interface TicketDocument extends IndexedTicket {
  description: string;
  messages: string;
  notes: string;
}

/** Tells whether a message is an internal note (the field arrives with issue 10a; absent means not). */
function isNote(message: Message): boolean {
  return (message as { internal?: boolean }).internal === true;
}

function documentOf(ticket: Ticket, messages: readonly Message[]): TicketDocument {
  return {
    id: ticket.id,
    status: ticket.status,
    category: ticket.category,
    description: ticket.description,
    messages: messages.filter((m) => !isNote(m)).map((m) => m.text).join("\n"),
    notes: messages.filter(isNote).map((m) => m.text).join("\n"),
  };
}

const FIELDS: SearchField[] = ["description", "messages", "notes"];

function newMiniSearch(): MiniSearch<TicketDocument> {
  return new MiniSearch<TicketDocument>({
    fields: FIELDS,
    storeFields: ["status", "category"],
    tokenize: contentTermsOf,
    // contentTermsOf already folded every term; queries arrive as those terms, joined by spaces.
    processTerm: (term) => term,
    searchOptions: { tokenize: (query) => query.split(" "), processTerm: (term) => term },
  });
}

function hitOf(result: SearchResult): SearchHit {
  return {
    id: result.id as string,
    status: result.status as Status,
    category: result.category as Category,
    score: result.score,
    terms: result.terms,
  };
}

/**
 * Best score first; equal scores (the same words, equally often) newest first, so an answer and its pages
 * do not depend on the order tickets entered the index. Scores within a rounding error count as equal.
 */
function byRank(a: SearchHit, b: SearchHit): number {
  if (Math.abs(a.score - b.score) > 1e-9 * Math.max(a.score, b.score)) return b.score - a.score;
  return a.id < b.id ? 1 : a.id > b.id ? -1 : 0;
}

// How many of the best OR matches are ranked for similar tickets (ties within them newest first).
const SIMILAR_CANDIDATES = 50;

/** A search: which fields to look in and which tickets may appear. */
interface SearchOptions {
  fields: readonly SearchField[];
  accept: (ticket: IndexedTicket) => boolean;
}

/** Documents added per step of a build; the build yields to waiting requests between steps. */
const BUILD_STEP = 500;

/**
 * Reads the whole store into a fresh MiniSearch. Tickets and threads are read at once in two ordered passes
 * (the store serves both in parallel), then indexed a step at a time, so pages keep answering meanwhile.
 */
async function buildFrom(db: Db): Promise<MiniSearch<TicketDocument>> {
  const [tickets, threads] = await Promise.all([
    Array.fromAsync(allTickets(db)),
    (async () => {
      const byTicket = new Map<string, Message[]>();
      for await (const message of allMessages(db)) {
        const thread = byTicket.get(message.ticketId);
        if (thread) thread.push(message);
        else byTicket.set(message.ticketId, [message]);
      }
      return byTicket;
    })(),
  ]);
  const search = newMiniSearch();
  for (let at = 0; at < tickets.length; at += BUILD_STEP) {
    // A thread whose ticket is missing (verify reports it) is simply not indexed.
    search.addAll(tickets.slice(at, at + BUILD_STEP).map((t) => documentOf(t, threads.get(t.id) ?? [])));
    await new Promise((resolve) => setTimeout(resolve, 0));
  }
  return search;
}

/** Tells whether an error says the store was closed under a running read. */
function isClosed(error: unknown): boolean {
  return error instanceof Deno.errors.BadResource ||
    (error instanceof TypeError && /database is closed/i.test(error.message));
}

/** How long to wait before building again after a failed build (the store could not be read). */
const REBUILD_DELAY_MS = 1000;

/** The search index of one store. */
export class TicketIndex {
  #search = newMiniSearch();
  #ready: Promise<void>;
  #queues = new Map<string, Promise<void>>();
  #stale = new Set<string>();

  /**
   * Starts building the index from the store in the background, so pages answer while it builds; searches
   * and refreshes wait for it. A commit made during the build is refreshed after it, reading the store
   * then, so it is never lost whether or not the build's pass saw it.
   */
  constructor(private readonly db: Db) {
    this.#ready = (async () => {
      for (;;) {
        try {
          this.#search = await buildFrom(db);
          this.#built = true;
          return;
        } catch (error) {
          // A store closed meanwhile (the process is stopping) will not come back: searches say so.
          if (isClosed(error)) {
            this.#failure = error;
            return;
          }
          console.error("search index: building from the store failed, trying again:", error);
          await new Promise((resolve) => setTimeout(resolve, REBUILD_DELAY_MS));
        }
      }
    })();
  }

  #built = false;
  #failure: unknown = null;

  /** Resolves once the index holds the whole store (or the store closed before it could). */
  ready(): Promise<void> {
    return this.#ready;
  }

  /** Tells whether the start-up build is done, for pages that would rather show nothing than wait for it. */
  get built(): boolean {
    return this.#built;
  }

  /**
   * Replaces one ticket's document with what the store holds now (removes it when the ticket is gone).
   * Calls for one ticket run one after another and each reads the store when its turn comes, so the last one
   * always sees the last commit. A failed read leaves the ticket marked stale; the next search retries it.
   */
  refresh(id: string): Promise<void> {
    // During the start-up build a write need not wait: the ticket is re-read once the build is done.
    if (!this.#built) {
      this.#stale.add(id);
      return Promise.resolve();
    }
    const previous = this.#queues.get(id) ?? Promise.resolve();
    const next = previous.then(async () => {
      try {
        const ticket = await getTicket(this.db, id);
        const thread = ticket ? await listMessages(this.db, id) : [];
        if (this.#search.has(id)) this.#search.discard(id);
        if (ticket) this.#search.add(documentOf(ticket, thread));
        this.#stale.delete(id);
      } catch (error) {
        this.#stale.add(id);
        console.error(`search index: ticket ${id} could not be re-read, retried on the next search:`, error);
      }
    });
    this.#queues.set(id, next);
    next.then(() => {
      if (this.#queues.get(id) === next) this.#queues.delete(id);
    });
    return next;
  }

  /** Waits for the build, then re-reads every ticket changed during it or whose refresh failed. */
  async #catchUp(): Promise<void> {
    await this.#ready;
    if (!this.#built) {
      throw new Error("the search index could not be built: the store closed", { cause: this.#failure });
    }
    if (this.#stale.size > 0) await Promise.all([...this.#stale].map((id) => this.refresh(id)));
  }

  /**
   * Tickets that contain every word of the query, each as a prefix or within a few typos, best first
   * (BM25, description counted double). Stop words are not indexed, so they are left out of the query; a
   * query of nothing else finds nothing.
   */
  async search(query: string, options: SearchOptions): Promise<SearchHit[]> {
    await this.#catchUp();
    const terms = contentTermsOf(query);
    if (terms.length === 0) return [];
    return this.#search.search(terms.join(" "), {
      fields: [...options.fields],
      combineWith: "AND",
      prefix: true,
      fuzzy: (term) => typosAllowed(term),
      boost: { description: 2 },
      filter: (result) => options.accept(result as unknown as IndexedTicket),
    }).map(hitOf).sort(byRank);
  }

  /**
   * The tickets whose descriptions are most like a text: any of its content words may match (BM25 weighs
   * rare words up), best first, at most `limit`.
   */
  async similar(text: string, options: { accept: (ticket: IndexedTicket) => boolean; limit: number }) {
    await this.#catchUp();
    const terms = contentTermsOf(text);
    if (terms.length === 0) return [];
    return this.#search.search(terms.join(" "), {
      fields: ["description"],
      combineWith: "OR",
      prefix: (term) => term.length >= 5,
      fuzzy: (term) => typosAllowed(term),
      filter: (result) => options.accept(result as unknown as IndexedTicket),
    }).slice(0, SIMILAR_CANDIDATES).map(hitOf).sort(byRank).slice(0, options.limit);
  }

  /**
   * What the index holds, in a canonical form independent of the order documents were added or replaced in:
   * every ticket's stored fields, and every (term, field, ticket, frequency) posting. Two indexes with equal
   * contents answer every query alike.
   */
  async contents(): Promise<IndexContents> {
    await this.#catchUp();
    await Promise.all(this.#queues.values());
    return contentsOf(this.#search);
  }

  /**
   * Tells whether the index holds exactly what a fresh build from the store holds now (wait for writes in
   * flight first); the differences, if any, as postings or tickets one side lacks.
   */
  async compareWithStore(): Promise<{ equal: boolean; onlyHere: string[]; onlyInStore: string[] }> {
    const here = await this.contents();
    const fresh = contentsOf(await buildFrom(this.db));
    const lines = (c: IndexContents) => [...c.tickets.map((t) => JSON.stringify(t)), ...c.postings];
    const mine = new Set(lines(here));
    const theirs = new Set(lines(fresh));
    const onlyHere = [...mine].filter((line) => !theirs.has(line));
    const onlyInStore = [...theirs].filter((line) => !mine.has(line));
    return { equal: onlyHere.length === 0 && onlyInStore.length === 0, onlyHere, onlyInStore };
  }
}

/** An index's contents in a canonical form: its tickets and its postings, each sorted. */
interface IndexContents {
  tickets: IndexedTicket[];
  postings: string[];
}

function contentsOf(search: MiniSearch<TicketDocument>): IndexContents {
  // MiniSearch's own serialisation, with its internal short ids mapped back to ticket ids.
  const json = search.toJSON();
  const idOf = new Map(Object.entries(json.documentIds).map(([short, id]) => [short, id as string]));
  const tickets = Object.entries(json.storedFields)
    .filter(([short]) => idOf.has(short))
    .map(([short, stored]) => ({ id: idOf.get(short)!, ...stored } as IndexedTicket))
    .sort((a, b) => a.id < b.id ? -1 : 1);
  const postings: string[] = [];
  for (const [term, byField] of json.index) {
    for (const [field, byDoc] of Object.entries(byField)) {
      for (const [short, frequency] of Object.entries(byDoc as Record<string, number>)) {
        if (idOf.has(short)) {
          postings.push(`${term}\t${FIELDS[Number(field)]}\t${idOf.get(short)}\t${frequency}`);
        }
      }
    }
  }
  return { tickets, postings: postings.sort() };
}
