/**
 * What the live classifier learned from staff corrections equals what a restart replays from the store:
 * categories corrected through the API (many times over on one ticket), then a second helpdesk built on the
 * same store, and the same classification, to the last bit of the confidence, for every probe text.
 */
import assert from "node:assert/strict";
import fc from "fast-check";
import type { Category } from "../lib/categories.ts";
import { createClassifier } from "../lib/classifier/mod.ts";
import { listCorrections } from "../lib/data/mod.ts";
import { createHelpdesk, type Helpdesk } from "../lib/helpdesk.ts";
import { createApp } from "../routes/app.tsx";
import { api, FAKE_MANIFEST, NO_SERVICES, testApp } from "./helpers.ts";

const CATEGORIES: Category[] = ["facility_management", "technical_it", "services_complaints"];

/** Campus-like sentences of all three kinds, none of them a ticket below. */
const PROBES = [
  // facility management
  "The radiator in seminar room E104 is cold and the window does not close",
  "Water is dripping from the ceiling next to the stairs in building C",
  "the card reader on the lab door flashes red and the door stays locked",
  "The lights in the underground car park are flickering since yesterday",
  // technical IT
  "I can't log in to the student portal, the password reset email never arrives",
  "Wi-Fi eduroam keeps dropping in the library on the second floor",
  "The printer in the computer pool says offline and my print job is stuck",
  "projector in A12 does not detect HDMI from my laptop",
  // services and complaints
  "The registrar's office staff were rude to me on the phone",
  "The canteen food was cold again and the queue took 30 minutes",
  "Nobody answered my email to the examination office for three weeks",
  "the cleaning staff threw away my poster from the notice board",
  // hard to call, and degenerate inputs
  "door",
  "",
];
const IT_PROBE = "I can't log in to the student portal, the password reset email never arrives";

type App = Awaited<ReturnType<typeof testApp>>["app"];
type Filed = { id: string; version: string; category: Category };

async function fileTicket(app: App, description: string): Promise<Filed> {
  const res = await api(app, "reporter", "POST", "/tickets", { description });
  assert.equal(res.status, 201);
  return await res.json();
}

/** Staff change a ticket's category (and optionally its description) at the version they last saw. */
async function correct(
  app: App,
  ticket: { id: string; version: string },
  change: { category: Category; description?: string },
): Promise<Filed> {
  const res = await api(app, "helpdesk", "PATCH", `/tickets/${ticket.id}`, change, {
    "if-match": ticket.version,
  });
  assert.equal(res.status, 200, await res.clone().text());
  return await res.json();
}

const classifyAll = (h: Pick<Helpdesk, "classifier">) => PROBES.map((text) => h.classifier.classify(text));

Deno.test("[classifier] 200 category toggles on one ticket and corrections on others: a restart classifies every probe exactly as the live classifier", async () => {
  const t = await testApp();
  const before = t.helpdesk.classifier.classify(IT_PROBE);
  assert.equal(before.category, "technical_it");

  // One ticket toggled through all three categories 200 times; the last toggle is the one that counts.
  let toggled = await fileTicket(
    t.app,
    "The projector in lecture hall B2 flickers and shows no picture from the HDMI cable",
  );
  let last: Category | undefined;
  for (let i = 0; i < 200; i++) {
    last = CATEGORIES[i % 3] === toggled.category ? CATEGORIES[(i + 1) % 3] : CATEGORIES[i % 3];
    const next = await correct(t.app, toggled, { category: last });
    assert.equal(next.category, last);
    toggled = next;
  }

  // A few other tickets, corrected once or twice; one has its description rewritten with the correction.
  const doors = await fileTicket(
    t.app,
    "badge scanner at the staff entrance shows an error and the door won't open",
  );
  await correct(t.app, doors, { category: "facility_management" });
  const rude = await fileTicket(t.app, "the IT helpdesk technician was very rude and hung up on me");
  const rudeOnce = await correct(t.app, rude, { category: "technical_it" });
  await correct(t.app, rudeOnce, { category: "services_complaints" });
  const rewritten = await fileTicket(t.app, "something is wrong in room 3.14");
  await correct(t.app, rewritten, {
    category: "facility_management",
    description: "the heating in room 3.14 makes a loud banging noise all night",
  });

  // The store keeps one correction per ticket, the latest.
  const stored = await listCorrections(t.db);
  assert.equal(stored.length, 4);
  assert.equal(stored.find((c) => c.ticketId === toggled.id)?.category, last);
  assert.equal(
    stored.find((c) => c.ticketId === rewritten.id)?.text,
    "the heating in room 3.14 makes a loud banging noise all night",
  );

  const live = classifyAll(t.helpdesk);
  const restarted = classifyAll(await createHelpdesk(t.db));
  assert.deepEqual(restarted, live);
  // Replaying the stored corrections in another order changes nothing either.
  assert.deepEqual(classifyAll({ classifier: createClassifier(stored.toReversed()) }), live);

  // 200 toggles count as one correction: an IT text stays IT, and sure of it.
  const after = t.helpdesk.classifier.classify(IT_PROBE);
  assert.equal(after.category, "technical_it");
  assert.ok(after.confidence > 0.9, `confidence ${after.confidence}`);
  // And a ticket filed now is IT, through the live app and through a restarted one.
  assert.equal((await fileTicket(t.app, IT_PROBE)).category, "technical_it");
  const restartedApp = createApp({
    helpdesk: await createHelpdesk(t.db),
    manifest: FAKE_MANIFEST,
    serviceUrls: NO_SERVICES,
  });
  assert.equal((await fileTicket(restartedApp, IT_PROBE)).category, "technical_it");
  t.close();
});

const DESCRIPTIONS = [
  "The wifi in the library keeps dropping every few minutes",
  "card reader next to the lecture hall door doesn't read my card",
  "The staff at the canteen counter were unfriendly again",
  "the vending machine on floor 2 took my money and the display is broken",
];
const REWRITES = [
  "the lecture hall door card reader blinks red and nothing opens",
  "printer in the library prints blank pages",
  "nobody at the student office picks up the phone",
];

Deno.test("[classifier] any sequence of category corrections over a few tickets: live and restarted classifiers agree exactly", async () => {
  const correction = fc.record({
    ticket: fc.nat({ max: DESCRIPTIONS.length - 1 }),
    category: fc.constantFrom(...CATEGORIES),
    rewrite: fc.option(fc.nat({ max: REWRITES.length - 1 }), { freq: 4 }),
  });
  await fc.assert(
    fc.asyncProperty(fc.array(correction, { minLength: 1, maxLength: 30 }), async (corrections) => {
      const t = await testApp();
      try {
        const tickets: Filed[] = [];
        for (const description of DESCRIPTIONS) tickets.push(await fileTicket(t.app, description));
        for (const { ticket, category, rewrite } of corrections) {
          const change = rewrite === null ? { category } : { category, description: REWRITES[rewrite] };
          tickets[ticket] = await correct(t.app, tickets[ticket], change);
        }
        const live = classifyAll(t.helpdesk);
        const restarted = classifyAll(await createHelpdesk(t.db));
        assert.deepEqual(restarted, live);
      } finally {
        t.close();
      }
    }),
    { numRuns: 60 },
  );
});
