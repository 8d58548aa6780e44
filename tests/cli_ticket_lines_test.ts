import assert from "node:assert/strict";
import { ulid } from "ulid";
import { parseTicketLine } from "../cli/ticket_lines.ts";

const NOW = new Date("2026-06-01T00:00:00Z");

function line(messages: { id: string; createdAt: string }[]) {
  return JSON.stringify({
    id: ulid(Date.parse("2026-03-01T10:00:00Z")),
    description: "The projector in B2 is broken",
    category: "technical_it",
    status: "open",
    openedAt: "2026-03-01T10:00:00.000Z",
    updatedAt: "2026-03-02T10:00:00.000Z",
    messages: messages.map((m) => ({ ...m, authorRole: "reporter", authorName: null, text: "still broken" })),
  });
}

Deno.test("[cli] an import line whose message ids or times run against the thread's order is refused", () => {
  const early = { id: ulid(Date.parse("2026-03-01T11:00:00Z")), createdAt: "2026-03-01T11:00:00.000Z" };
  const late = { id: ulid(Date.parse("2026-03-01T12:00:00Z")), createdAt: "2026-03-01T12:00:00.000Z" };
  assert.equal(parseTicketLine(line([early, late]), NOW).messages.length, 2);
  assert.throws(
    () => parseTicketLine(line([late, early]), NOW),
    /messages\[1\]\.createdAt is before messages\[0\]\.createdAt; list a thread in time order/,
  );
  assert.throws(
    () => parseTicketLine(line([{ ...early, id: late.id }, { ...late, id: early.id }]), NOW),
    /messages\[1\]\.id is earlier than messages\[0\]\.id although it was written later/,
  );
  // Two messages of the same millisecond may come in either id order (several writers, one instant).
  const same = { id: ulid(Date.parse("2026-03-01T11:00:00Z")), createdAt: "2026-03-01T11:00:00.000Z" };
  assert.equal(parseTicketLine(line([same, early]), NOW).messages.length, 2);
});

Deno.test("[cli] deno task import refuses a line that is not UTF-8 by its number, and imports the rest", async () => {
  const { runCli } = await import("./stack_helpers.ts");
  const dir = await Deno.makeTempDir();
  const good = line([]);
  const latin1 = new TextEncoder().encode(
    good.replace("The projector in B2 is broken", "Le caf\u00e9 est ferm\u00e9"),
  );
  // Re-encode the accented letters as Latin-1 single bytes, the way an old export might be saved.
  const bytes = Uint8Array.from(
    [...new TextDecoder().decode(latin1)].map((ch) => ch.charCodeAt(0)).filter((code) => code < 256),
  );
  const file = `${dir}/tickets.jsonl`;
  await Deno.writeFile(
    file,
    new Uint8Array([...new TextEncoder().encode(line([]) + "\n"), ...bytes, 0x0a]),
  );
  const result = await runCli("import", [file], `${dir}/store.sqlite3`);
  assert.equal(result.code, 1, result.stdout + result.stderr);
  assert.match(result.stdout + result.stderr, /line 2: not valid UTF-8 \(at byte \d+ of the line\)/);
  assert.match(result.stdout, /1 ticket/);
});

Deno.test("[cli] an import line's history is checked: numbering, times, and that it ends where the ticket is", () => {
  const entry = (over: Record<string, unknown>) => ({
    at: "2026-03-01T10:00:00.000Z",
    actorRole: "reporter",
    actorName: "Ana",
    field: "created",
    from: null,
    to: "The projector in B2 is broken",
    ...over,
  });
  const withHistory = (history: unknown[]) => JSON.stringify({ ...JSON.parse(line([])), history });
  const changed = entry({
    at: "2026-03-01T11:00:00.000Z",
    field: "description",
    from: "The projector in B2 is broken",
    to: "The projector in B2 is broken",
  });
  assert.equal(parseTicketLine(withHistory([entry({}), changed]), NOW).history.length, 2);
  assert.deepEqual(parseTicketLine(line([]), NOW).history, []);
  const refusals: [unknown[], RegExp][] = [
    [[entry({ seq: 2 })], /history\[0\]\.seq must be 1/],
    [[entry({ field: "owner" })], /history\[0\]\.field: field must be one of created, description/],
    [[entry({ at: "2026-02-01T00:00:00.000Z" })], /history\[0\]\.at is before the ticket was opened/],
    [[entry({ at: "2026-04-01T00:00:00.000Z" })], /history\[0\]\.at is after the ticket's updatedAt/],
    [[entry({ to: "Something else entirely" })], /the history's last description is not the ticket's/],
    [[entry({}), { ...changed, from: "Not what it was" }], /history\[1\] changes description from a value/],
    [
      [entry({}), entry({ at: "2026-03-01T11:00:00.000Z" })],
      /history\[1\] says created but is not the first/,
    ],
    [
      [entry({ field: "status", from: "open", to: "closed" })],
      /the history's last status is not the ticket's/,
    ],
    [[entry({ extra: 1 })], /history\[0\]: Unknown field extra/],
  ];
  for (const [history, reason] of refusals) {
    assert.throws(() => parseTicketLine(withHistory(history), NOW), reason);
  }
});
