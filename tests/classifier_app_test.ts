/** Categories through the app: tickets get the classifier's category; staff corrections stick, teach, and persist. */
import assert from "node:assert/strict";
import { createHelpdesk } from "../lib/helpdesk.ts";
import { createApp } from "../routes/app.tsx";
import { api, FAKE_MANIFEST, NO_SERVICES, testApp } from "./helpers.ts";

const CORRECTED = [
  "card reader next to the lecture hall door doesn't read my card, I can't get in",
  "badge scanner at the staff entrance shows an error and the door stays locked",
  "the access reader on the lab door flashes red for everyone",
  "keypad access on the server room door fails with every code",
];
const UNSEEN = "the RFID reader on the studio door has a red light and won't open";

Deno.test("[classifier] tickets filed through the API get the category their text describes", async () => {
  const t = await testApp();
  const cases: [string, string][] = [
    ["The elevator in building C is stuck between floors", "facility_management"],
    ["cant log in to the learning platform, password reset link broken", "technical_it"],
    ["The registrar's staff were rude to me at the counter", "services_complaints"],
    ["no power in room B12 since this morning", "facility_management"],
    ["no network in room B12 since this morning", "technical_it"],
  ];
  for (const [description, category] of cases) {
    const ticket = await (await api(t.app, "reporter", "POST", "/tickets", { description })).json();
    assert.equal(ticket.category, category, description);
  }
  t.close();
});

Deno.test("[classifier] staff corrections teach the live classifier and survive a restart", async () => {
  const t = await testApp();
  const before = await (await api(t.app, "reporter", "POST", "/tickets", { description: UNSEEN })).json();
  assert.equal(before.category, "technical_it", "the shipped model gets door readers wrong");

  for (const description of CORRECTED) {
    const ticket = await (await api(t.app, "reporter", "POST", "/tickets", { description })).json();
    if (ticket.category === "facility_management") continue;
    const res = await api(t.app, "helpdesk", "PATCH", `/tickets/${ticket.id}`, {
      category: "facility_management",
    }, {
      "if-match": ticket.version,
    });
    assert.equal(res.status, 200);
  }
  const after = await (await api(t.app, "reporter", "POST", "/tickets", { description: UNSEEN })).json();
  assert.equal(after.category, "facility_management", "learned without a restart");

  // A new process builds its classifier from the stored corrections.
  const restarted = createApp({
    helpdesk: await createHelpdesk(t.db),
    manifest: FAKE_MANIFEST,
    serviceUrls: NO_SERVICES,
  });
  const again = await (await api(restarted, "reporter", "POST", "/tickets", { description: UNSEEN })).json();
  assert.equal(again.category, "facility_management");
  const printer = await (await api(restarted, "reporter", "POST", "/tickets", {
    description: "the card reader on the printer doesn't recognise my card",
  })).json();
  assert.equal(printer.category, "technical_it", "printing card readers stay IT");
  t.close();
});
