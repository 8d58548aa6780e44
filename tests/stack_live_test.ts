/**
 * Live and concurrent use on the real stack (`main.ts`, real HTTP, many clients at once): open streams miss
 * nothing, message posts never conflict, records never fall behind their threads, backups restore exactly.
 */
import assert from "node:assert/strict";
import { call, pool, readEvents, runCli, startStack } from "./stack_helpers.ts";

Deno.test("[stack] an open stream gets all 200 messages posted 20 at a time, once and in order; a reconnect gets exactly the rest", async () => {
  const stack = await startStack();
  try {
    const ticket =
      (await call(stack.base, "reporter", "POST", "/tickets", { description: "Wifi down in B2" })).body;
    const url = `${stack.base}/tickets/${ticket.id}/events?after=0`;
    const cookie = { cookie: "helpdesk_role=helpdesk" };
    const seen: number[] = [];
    let cut: () => void = () => {};
    const halfway = new Promise<void>((resolve) => cut = resolve);
    // The first reader leaves after 60 messages; the second resumes with Last-Event-ID, as EventSource does.
    const first = readEvents(await fetch(url, { headers: cookie }), (e) => {
      if (e.event !== "message") return;
      seen.push(Number(e.id));
      if (seen.length === 60) {
        cut();
        return true;
      }
    });
    const posts = pool(
      200,
      20,
      (i) => call(stack.base, "reporter", "POST", `/tickets/${ticket.id}/messages`, { text: `m${i}` }),
    );
    await halfway;
    await first;
    const resumed = readEvents(
      await fetch(url, { headers: { ...cookie, "last-event-id": String(seen.at(-1)) } }),
      (e) => {
        if (e.event === "message") seen.push(Number(e.id));
        return seen.length === 200;
      },
    );
    const answers = await posts;
    assert.deepEqual(answers.filter((a) => a.status !== 201), []);
    await resumed;
    assert.deepEqual(seen, Array.from({ length: 200 }, (_, i) => i + 1));
  } finally {
    await stack.stop();
  }
});

Deno.test("[stack] 500 concurrent message posts on one ticket all answer 201", async () => {
  const stack = await startStack();
  try {
    const ticket =
      (await call(stack.base, "reporter", "POST", "/tickets", { description: "Heating off in C3" })).body;
    const answers = await pool(
      500,
      500,
      (i) =>
        call(stack.base, i % 2 ? "helpdesk" : "reporter", "POST", `/tickets/${ticket.id}/messages`, {
          text: `m${i}`,
        }),
    );
    assert.deepEqual(answers.map((a) => a.status).filter((s) => s !== 201), []);
    const thread =
      (await call(stack.base, "helpdesk", "GET", `/tickets/${ticket.id}/messages`)).body.messages;
    assert.deepEqual(thread.map((m: { seq: number }) => m.seq), Array.from({ length: 500 }, (_, i) => i + 1));
  } finally {
    await stack.stop();
  }
});

Deno.test("[stack] 30 clients on 10 tickets: no record behind its thread, verify agrees, and export → import → export is identical, also for an export taken while writing", async () => {
  const stack = await startStack();
  try {
    const tickets = await pool(
      10,
      10,
      (i) =>
        call(stack.base, "reporter", "POST", "/tickets", {
          description: `Broken thing number ${i} in hall ${i}`,
        }),
    );
    const ids = tickets.map((t) => t.body.id as string);
    let writing = true;
    const writers = pool(30, 30, async (client) => {
      let n = 0;
      while (writing || n < 20) {
        const id = ids[(client + n) % ids.length];
        const res = await call(
          stack.base,
          client % 3 ? "reporter" : "helpdesk",
          "POST",
          `/tickets/${id}/messages`,
          {
            text: `client ${client} says ${n++}`,
            // Some staff messages are internal notes, so the round trip below carries them too.
            ...(client % 6 === 0 && n % 2 === 0 ? { internal: true } : {}),
          },
        );
        assert.equal(res.status, 201, JSON.stringify(res.body));
        if (n % 7 === 0) {
          await call(stack.base, "reporter", "POST", "/tickets", {
            description: `Lamp ${client}/${n} flickers`,
          });
        }
      }
    });
    const during = `${stack.dir}/during.jsonl`;
    const exported = await runCli("export", [during], stack.kvPath);
    assert.equal(exported.code, 0, exported.stderr);
    const verified = await runCli("verify", [], stack.kvPath);
    writing = false;
    await writers;
    assert.equal(verified.code, 0, verified.stdout + verified.stderr);

    for (const id of ids) {
      const ticket = (await call(stack.base, "helpdesk", "GET", `/tickets/${id}`)).body;
      const thread = (await call(stack.base, "helpdesk", "GET", `/tickets/${id}/messages`)).body.messages;
      // Internal notes do not move updatedAt (docs/staff.md): the visible messages bound it.
      const newest = thread.filter((m: { internal: boolean }) => !m.internal)
        .map((m: { createdAt: string }) => m.createdAt).sort().at(-1);
      assert.ok(
        ticket.updatedAt >= (newest ?? ""),
        `${id}: updatedAt ${ticket.updatedAt} < newest message ${newest}`,
      );
    }
    const after = `${stack.dir}/after.jsonl`;
    assert.equal((await runCli("export", [after], stack.kvPath)).code, 0);
    for (const file of [during, after]) {
      const copy = `${stack.dir}/copy-${file.split("/").at(-1)}.sqlite3`;
      const imported = await runCli("import", [file], copy);
      assert.equal(imported.code, 0, imported.stdout + imported.stderr);
      const again = `${file}.again`;
      assert.equal((await runCli("export", [again], copy)).code, 0);
      const original = await Deno.readTextFile(file);
      assert.ok(original.split("\n").length > 10);
      assert.equal(await Deno.readTextFile(again), original, `${file} did not come back identical`);
    }
  } finally {
    await stack.stop();
  }
});
