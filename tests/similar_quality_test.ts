/**
 * How well similar-ticket search finds the same problem worded differently: on the team's own paraphrase
 * pairs (tests/fixtures/similar_pairs.json, kept apart from classifier data), filed beside same-category
 * distractors, the filed ticket must be among the first three suggestions for at least 80 % of the reports.
 * Run it alone to see the figure: `deno test -A tests/similar_quality_test.ts`.
 */
import assert from "node:assert/strict";
import { createHelpdesk, fileTicket, similarTickets } from "../lib/helpdesk.ts";
import { memoryDb } from "./helpers.ts";

interface Fixture {
  pairs: { category: string; ticket: string; report: string }[];
  distractors: { category: string; description: string }[];
}

const fixture: Fixture = JSON.parse(
  await Deno.readTextFile(new URL("./fixtures/similar_pairs.json", import.meta.url)),
);

/** The share of reports whose ticket is among the first three similar tickets, and the misses. */
async function similarTop3(): Promise<{ share: number; misses: string[]; total: number }> {
  const db = await memoryDb();
  try {
    const h = await createHelpdesk(db);
    const ids = new Map<string, string>();
    for (const pair of fixture.pairs) {
      ids.set(pair.ticket, (await fileTicket(h, { description: pair.ticket })).id);
    }
    for (const d of fixture.distractors) await fileTicket(h, { description: d.description });
    const misses: string[] = [];
    for (const pair of fixture.pairs) {
      const found = await similarTickets(h, "reporter", pair.report);
      if (!found.slice(0, 3).some((t) => t.id === ids.get(pair.ticket))) misses.push(pair.report);
    }
    return { share: 1 - misses.length / fixture.pairs.length, misses, total: fixture.pairs.length };
  } finally {
    db.kv.close();
  }
}

Deno.test("[similar] the right ticket is in the top 3 for at least 80 % of the paraphrase pairs", async () => {
  assert.ok(fixture.pairs.length >= 40, "the fixed set has at least 40 pairs");
  for (const category of ["facility_management", "technical_it", "services_complaints"]) {
    assert.ok(fixture.pairs.some((p) => p.category === category), `pairs cover ${category}`);
    assert.ok(fixture.distractors.some((d) => d.category === category), `distractors cover ${category}`);
  }
  const { share, misses, total } = await similarTop3();
  console.log(`similar tickets: top-3 hit rate ${(share * 100).toFixed(1)} % of ${total} pairs`);
  if (misses.length) console.log(`missed: ${misses.map((m) => JSON.stringify(m)).join(", ")}`);
  assert.ok(share >= 0.8, `top-3 hit rate ${(share * 100).toFixed(1)} % is below 80 %`);
});
