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
import { contentTermsOf, termsOf, typosAllowed } from "./normalize.ts";

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
    tokenize: termsOf,
    // termsOf already folded every term; queries go through the same tokenizer.
    processTerm: (term) => term,
    searchOptions: { processTerm: (term) => term },
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

/** A search: which fields to look in and which tickets may appear. */
interface SearchOptions {
  fields: readonly SearchField[];
  accept: (ticket: IndexedTicket) => boolean;
}

/** The search index of one store. */
export class TicketIndex {
  #search = newMiniSearch();
  #queues = new Map<string, Promise<void>>();
  #stale = new Set<string>();

  private constructor(private readonly db: Db) {}

  /** Builds the index from everything in the store: tickets and threads read in one ordered pass each. */
  static async build(db: Db): Promise<TicketIndex> {
    const index = new TicketIndex(db);
    const messages = allMessages(db);
    let pending = await messages.next();
    const batch: TicketDocument[] = [];
    for await (const ticket of allTickets(db)) {
      const thread: Message[] = [];
      // Threads come in ticket-id order like the tickets; a thread without a ticket (verify reports it) is skipped.
      while (!pending.done && pending.value.ticketId <= ticket.id) {
        if (pending.value.ticketId === ticket.id) thread.push(pending.value);
        pending = await messages.next();
      }
      batch.push(documentOf(ticket, thread));
      if (batch.length >= 1000) index.#search.addAll(batch.splice(0));
    }
    index.#search.addAll(batch);
    await messages.return(undefined);
    return index;
  }

  /** How many tickets the index holds. */
  get size(): number {
    return this.#search.documentCount;
  }

  /**
   * Replaces one ticket's document with what the store holds now (removes it when the ticket is gone).
   * Calls for one ticket run one after another and each reads the store when its turn comes, so the last one
   * always sees the last commit. A failed read leaves the ticket marked stale; the next search retries it.
   */
  refresh(id: string): Promise<void> {
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

  /** Re-reads every ticket whose refresh failed, before a search answers. */
  async #catchUp(): Promise<void> {
    if (this.#stale.size > 0) await Promise.all([...this.#stale].map((id) => this.refresh(id)));
  }

  /**
   * Tickets that contain every word of the query, each as a prefix or within a few typos, best first
   * (BM25, description counted double). An empty result when the query has no words.
   */
  async search(query: string, options: SearchOptions): Promise<SearchHit[]> {
    await this.#catchUp();
    const terms = termsOf(query);
    if (terms.length === 0) return [];
    return this.#search.search(terms.join(" "), {
      fields: [...options.fields],
      combineWith: "AND",
      prefix: true,
      fuzzy: (term) => typosAllowed(term),
      boost: { description: 2 },
      filter: (result) => options.accept(result as unknown as IndexedTicket),
    }).map(hitOf);
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
    }).slice(0, options.limit).map(hitOf);
  }

  /**
   * What the index holds, in a canonical form independent of the order documents were added or replaced in:
   * every ticket's stored fields, and every (term, field, ticket, frequency) posting. Two indexes with equal
   * contents answer every query alike.
   */
  contents(): { tickets: IndexedTicket[]; postings: string[] } {
    // MiniSearch's own serialisation, with its internal short ids mapped back to ticket ids.
    const json = this.#search.toJSON();
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
}
