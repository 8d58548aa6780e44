import assert from "node:assert/strict";
import fc from "fast-check";
import {
  changeTicket,
  compareSearchIndexWithStore,
  createHelpdesk,
  fileTicket,
  type Helpdesk,
  postMessage,
  searchTickets,
  viewTicket,
} from "../helpdesk.ts";
import { importTickets } from "../data/import.ts";
import { listMessages } from "../data/messages.ts";
import type { Message, TicketRecord } from "../data/types.ts";
import { memoryDb } from "../data/testing.ts";
import { TicketIndex } from "./ticket_index.ts";
import { contentTermsOf, termsOf, typosAllowed } from "./normalize.ts";

/** Words the random tickets are made of: some share prefixes, some differ by one letter, some carry accents. */
const WORDS = [
  "projector",
  "projectors",
  "radiator",
  "heating",
  "wifi",
  "library",
  "printer",
  "painter",
  "cold",
  "hall",
  "Café",
  "cafe",
  "naïve",
  "E104",
  "B2",
  "water",
  "leak",
  "the",
  "ＦＵＬＬ",
];

const words = fc.array(fc.constantFrom(...WORDS), { minLength: 2, maxLength: 6 }).map((w) => w.join(" "));

const operation = fc.oneof(
  fc.record({ kind: fc.constant("file" as const), text: words }),
  fc.record({ kind: fc.constant("edit" as const), pick: fc.nat(), text: words }),
  fc.record({
    kind: fc.constant("message" as const),
    pick: fc.nat(),
    text: words,
    role: fc.constantFrom("reporter" as const, "helpdesk" as const),
  }),
  fc.record({ kind: fc.constant("advance" as const), pick: fc.nat() }),
);

type Operation = typeof operation extends fc.Arbitrary<infer T> ? T : never;

/** Applies one random operation through the rules, as a person would; refusals are part of the game. */
async function apply(h: Helpdesk, ids: string[], op: Operation) {
  if (op.kind === "file") {
    ids.push((await fileTicket(h, { description: op.text })).id);
    return;
  }
  if (ids.length === 0) return;
  const id = ids[op.pick % ids.length];
  const ticket = await viewTicket(h, "helpdesk", id);
  if (ticket.status === "closed") return;
  if (op.kind === "edit") {
    await changeTicket(h, "helpdesk", id, { version: ticket.version }, { description: op.text });
  } else if (op.kind === "message") {
    await postMessage(h, op.role, id, { text: op.text, authorName: null });
  } else {
    const status = ticket.status === "open" ? "active" : "closed";
    await changeTicket(h, "helpdesk", id, { version: ticket.version }, { status });
  }
}

/** Edit distance, for checking that a fuzzy match stayed within its allowance. */
function distance(a: string, b: string): number {
  let row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const next = [i];
    for (let j = 1; j <= b.length; j++) {
      next[j] = Math.min(row[j] + 1, next[j - 1] + 1, row[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    row = next;
  }
  return row[b.length];
}

/** Tells whether a text has a word matching a query term: as a prefix, or within the allowed typos. */
function hasWordFor(text: string, term: string): boolean {
  return termsOf(text).some((word) => word.startsWith(term) || distance(word, term) <= typosAllowed(term));
}

Deno.test("[search] after any sequence of changes the index equals a fresh build and answers alike", async () => {
  await fc.assert(
    fc.asyncProperty(fc.array(operation, { maxLength: 14 }), words, async (ops, query) => {
      const db = await memoryDb();
      try {
        const h = await createHelpdesk(db);
        const ids: string[] = [];
        for (const op of ops) await apply(h, ids, op);
        const comparison = await compareSearchIndexWithStore(h);
        assert.ok(comparison.equal, JSON.stringify(comparison));
        // A second helpdesk on the same store builds its index fresh; both answer every role alike.
        const fresh = await createHelpdesk(db);
        for (const role of ["reporter", "helpdesk"] as const) {
          const q = query.split(" ").slice(0, 2).join(" ");
          const mine = await searchTickets(h, role, { q, limit: 100 });
          const theirs = await searchTickets(fresh, role, { q, limit: 100 });
          assert.deepEqual(mine.matches.map((m) => m.ticket.id), theirs.matches.map((m) => m.ticket.id));
          for (const { ticket } of mine.matches) {
            if (role === "reporter") assert.notEqual(ticket.status, "closed");
            const thread = await listMessages(db, ticket.id);
            const text = [ticket.description, ...thread.map((m) => m.text)].join(" ");
            for (const term of contentTermsOf(q)) {
              assert.ok(hasWordFor(text, term), `${ticket.id} has no word for "${term}": ${text}`);
            }
          }
        }
      } finally {
        db.kv.close();
      }
    }),
    { numRuns: 40 },
  );
});

Deno.test("[search] every word must match, as a prefix or with a small typo; accents, case and widths fold", async () => {
  const db = await memoryDb();
  try {
    const h = await createHelpdesk(db);
    const projector = await fileTicket(h, {
      description: "The projector in lecture hall B2 shows no picture",
    });
    const cafe = await fileTicket(h, { description: "The CAFÉ in the library is closed at lunch" });
    await fileTicket(h, { description: "The radiator in E104 is cold" });
    const ids = async (q: string) =>
      (await searchTickets(h, "helpdesk", { q, limit: 10 })).matches.map((m) => m.ticket.id);
    assert.deepEqual(await ids("projector b2"), [projector.id]);
    assert.deepEqual(await ids("proj"), [projector.id], "a prefix");
    assert.deepEqual(await ids("projcetor"), [projector.id], "a typo");
    assert.deepEqual(await ids("projector radiator"), [], "every word must match");
    assert.deepEqual(await ids("cafe"), [cafe.id], "accents and case fold");
    assert.deepEqual(await ids("ｃａｆｅ"), [cafe.id], "full-width letters fold (NFKC)");
    assert.deepEqual(await ids("cafe\u0301"), [cafe.id], "a combining accent folds");
    const radiator = (await ids("radiator"))[0];
    assert.deepEqual(await ids("the radiator"), [radiator], "a stop word is left out of the query");
    assert.deepEqual(await ids("the"), [], "stop words are not indexed");
  } finally {
    db.kv.close();
  }
});

Deno.test("[search] internal notes: found by staff only, and never matched for a reporter", async () => {
  const db = await memoryDb();
  try {
    const openedAt = "2026-03-10T09:00:00.000Z";
    const ticket: TicketRecord = {
      id: "01KKBFJYM0NEX01679A6G6BYXV",
      description: "The printer on floor 2 jams",
      category: "technical_it",
      categorySource: "auto",
      categoryConfidence: 0.9,
      status: "open",
      openedAt,
      activatedAt: null,
      closedAt: null,
      updatedAt: openedAt,
    };
    const message = (seq: number, text: string, internal: boolean) =>
      ({
        id: `01KKBFJYM0NEX01679A6G6BYX${seq}`,
        ticketId: ticket.id,
        seq,
        authorRole: "helpdesk",
        authorName: null,
        text,
        createdAt: openedAt,
        internal,
      }) as Message;
    await importTickets(db, [{
      ticket,
      messages: [message(1, "We ordered a new drum", false), message(2, "Vendor invoice overdue", true)],
    }]);
    const h = await createHelpdesk(db);
    const found = async (role: "reporter" | "helpdesk", q: string) =>
      (await searchTickets(h, role, { q, limit: 10 })).matches.map((m) => m.terms);
    assert.deepEqual(await found("helpdesk", "invoice"), [["invoice"]]);
    assert.deepEqual(await found("reporter", "invoice"), []);
    assert.deepEqual(await found("reporter", "printer invoice"), []);
    assert.deepEqual(await found("reporter", "drum"), [["drum"]]);
    assert.ok((await compareSearchIndexWithStore(h)).equal);
  } finally {
    db.kv.close();
  }
});

Deno.test("[search] a commit made while the index builds is in it once the build is done", async () => {
  const db = await memoryDb();
  try {
    const h = await createHelpdesk(db);
    const index = new TicketIndex(db);
    // Filed after the build started: the helpdesk's own index refreshes it; this one did not see it commit.
    const ticket = await fileTicket(h, { description: "Lift stuck on floor 3" });
    await index.refresh(ticket.id);
    const hits = await index.search("lift", { fields: ["description"], accept: () => true });
    assert.deepEqual(hits.map((hit) => hit.id), [ticket.id]);
    assert.ok((await index.compareWithStore()).equal);
  } finally {
    db.kv.close();
  }
});
