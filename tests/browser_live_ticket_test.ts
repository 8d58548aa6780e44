/**
 * The ticket page is live as a whole, in headless Chromium against the real server: a reporter's open page
 * and a staff colleague's page follow status, replies, closing and description changes without a reload;
 * "changed since you opened it" shows only when the field the person is editing changed.
 */
import assert from "node:assert/strict";
import AxeBuilder from "@axe-core/playwright";
import type { BrowserContext, Page } from "playwright-core";
import { BROWSER_TEST, callApi, enterAs, fileTicketIn, withBrowser } from "./browser_helpers.ts";

const CONFLICT = "changed since you opened it";

/** Counts, on every page of the context, each moment the conflict warning is in the document. */
async function watchForConflicts(context: BrowserContext) {
  await context.addInitScript((text: string) => {
    const w = window as unknown as { __conflicts: number };
    w.__conflicts = 0;
    document.addEventListener("DOMContentLoaded", () => {
      const check = () => {
        if (document.body.textContent?.includes(text)) w.__conflicts++;
      };
      check();
      new MutationObserver(check).observe(document.body, {
        subtree: true,
        childList: true,
        characterData: true,
      });
    });
  }, CONFLICT);
}

const conflictsSeen = (page: Page) =>
  page.evaluate(() => (window as unknown as { __conflicts: number }).__conflicts);

/** Marks the current document, so a later check can tell that the page was never reloaded. */
const markDocument = (page: Page) =>
  page.evaluate(() => (window as unknown as { __same: boolean }).__same = true);
const sameDocument = (page: Page) =>
  page.evaluate(() => (window as unknown as { __same?: boolean }).__same === true);

/** Collects uncaught errors and console errors of a page, except the network log of `expected` answers. */
function collectErrors(page: Page, errors: string[], expected?: RegExp) {
  page.on("pageerror", (e) => errors.push(`${page.url()}: ${e.message}`));
  page.on("console", (m) => {
    if (m.type() === "error" && !expected?.test(m.text())) errors.push(`${page.url()}: ${m.text()}`);
  });
}

async function axe(page: Page, label: string) {
  const result = await new AxeBuilder({ page }).analyze();
  const summary = result.violations.map((v) =>
    `${v.id}: ${v.help} (${v.nodes.map((n) => n.target).join(" ")})`
  );
  assert.deepEqual(summary, [], `${label} has accessibility violations`);
}

/** A colleague's change through the API, with the ticket's current version. */
async function changeAs(
  url: string,
  role: "reporter" | "helpdesk",
  id: string,
  change: Record<string, string>,
) {
  const current = await callApi(url, "helpdesk", "GET", `/tickets/${id}`);
  const res = await callApi(url, role, "PATCH", `/tickets/${id}`, change, {
    "if-match": `"${current.body.version}"`,
  });
  assert.equal(res.status, 200, JSON.stringify(res.body));
  return res.body;
}

const idOf = (ticketUrl: string) => ticketUrl.split("/").pop()!;
const lastChange = (page: Page) =>
  page.locator(".ticket__times div", { hasText: "Last change" }).locator("time").getAttribute("datetime");

Deno.test(
  "[browser] a reporter's open page follows staff live: Active, the reply, Closed; a colleague's buttons follow the status",
  BROWSER_TEST,
  withBrowser(async (browser, url) => {
    const errors: string[] = [];
    const reporterContext = await browser.newContext();
    await watchForConflicts(reporterContext);
    const reporter = await enterAs(reporterContext, url, "Reporter", "Ana");
    collectErrors(reporter, errors);
    const streams: string[] = [];
    reporter.on("request", (r) => r.url().includes("/events") && streams.push(r.url()));
    const ticketUrl = await fileTicketIn(reporter, "The radiator in room E104 is cold since Monday");
    await reporter.locator(".live-dot").waitFor();
    await markDocument(reporter);

    // Two staff pages on the same ticket: Sam acts, Kim's page has to follow.
    const sam = await enterAs(await browser.newContext(), url, "Helpdesk staff", "Sam");
    const kim = await enterAs(await browser.newContext(), url, "Helpdesk staff", "Kim");
    for (const page of [sam, kim]) {
      collectErrors(page, errors);
      await page.goto(ticketUrl);
      await page.locator(".live-dot").waitFor();
      await markDocument(page);
    }
    assert.equal(await kim.getByRole("button", { name: "Start work" }).count(), 1);

    await sam.getByRole("button", { name: "Start work" }).click();
    for (const page of [sam, kim, reporter]) {
      await page.locator(".ticket__badges .badge--status-active").waitFor({ timeout: 5000 });
      await page.locator(".ticket__times dt", { hasText: "Active since" }).waitFor();
    }
    // Kim's page no longer offers "Start work"; it offers the next step instead.
    await kim.getByRole("button", { name: "Close ticket" }).waitFor({ timeout: 5000 });
    assert.equal(await kim.getByRole("button", { name: "Start work" }).count(), 0);
    assert.equal(await kim.locator("form.status-action input[name=from]").getAttribute("value"), "active");
    assert.equal(await reporter.locator("form.status-action").count(), 0, "reporters get no status button");

    // Sam replies; the reporter's thread and "Last change" follow.
    await sam.getByLabel("Write a message").fill("A technician is on the way");
    await sam.getByRole("button", { name: "Send message" }).click();
    const reply = reporter.locator(".bubble", { hasText: "A technician is on the way" });
    await reply.waitFor({ timeout: 5000 });
    assert.match(await reply.textContent() ?? "", /Sam/);
    await kim.locator(".bubble", { hasText: "A technician is on the way" }).waitFor({ timeout: 5000 });
    const afterReply = await callApi(url, "helpdesk", "GET", `/tickets/${idOf(ticketUrl)}`);
    await reporter.waitForFunction(
      (iso) =>
        [...document.querySelectorAll(".ticket__times div")].find((d) =>
          d.textContent?.includes("Last change")
        )
          ?.querySelector("time")?.getAttribute("datetime") === iso,
      afterReply.body.updatedAt,
      { timeout: 5000 },
    );
    assert.equal(await lastChange(reporter), afterReply.body.updatedAt);

    // Kim closes from the button that followed the status.
    await kim.getByRole("button", { name: "Close ticket" }).click();
    for (const page of [sam, kim, reporter]) {
      await page.locator(".ticket__badges .badge--status-closed").waitFor({ timeout: 5000 });
      await page.getByText("its conversation is read-only").waitFor({ timeout: 5000 });
      await page.locator(".ticket__times dt", { hasText: "Closed" }).waitFor();
      assert.equal(await page.locator("form.thread__form").count(), 0);
      assert.equal(await page.locator("form.editor").count(), 0);
      assert.equal(await page.locator("form.status-action").count(), 0, "no status action once closed");
      assert.equal(await page.locator(".live-dot").count(), 0);
    }
    await reporter.getByText("This ticket is closed; it can no longer be edited.").waitFor();
    for (const page of [sam, kim, reporter]) {
      assert.ok(await sameDocument(page), `${page.url()} was reloaded`);
    }

    // The stream ended with the closing; the page does not reconnect (EventSource would retry after ~3 s).
    await reporter.waitForTimeout(4500);
    assert.equal(streams.length, 1, `event stream requests: ${streams.join(", ")}`);
    assert.match(streams[0], /\/events\?after=0$/);

    assert.equal(await conflictsSeen(reporter), 0, "the reporter never saw a conflict warning");
    assert.equal(await reporter.getByText(CONFLICT).count(), 0);
    await axe(reporter, "the reporter's closed ticket page after live changes");
    await axe(kim, "the staff ticket page after live changes");
    assert.deepEqual(errors, []);
  }),
);

Deno.test(
  "[browser] editing while others change the ticket: a status change is no conflict, a description change is",
  BROWSER_TEST,
  withBrowser(async (browser, url) => {
    const errors: string[] = [];
    const context = await browser.newContext();
    const reporter = await enterAs(context, url, "Reporter", "Ana");
    collectErrors(reporter, errors);

    // 1. The reporter types; staff only start work. No warning; the save goes through.
    const first = await callApi(url, "reporter", "POST", "/tickets", {
      description: "Projector in A12 does not detect HDMI",
    });
    await reporter.goto(`${url}/tickets/${first.body.id}`);
    await reporter.locator(".live-dot").waitFor();
    const typed = "Projector in A12 does not detect HDMI from laptops";
    await reporter.getByLabel("Description").fill(typed);
    await changeAs(url, "helpdesk", first.body.id, { status: "active" });
    await reporter.locator(".ticket__badges .badge--status-active").waitFor({ timeout: 5000 });
    assert.equal(await reporter.getByText(CONFLICT).count(), 0);
    assert.equal(await reporter.getByLabel("Description").inputValue(), typed, "the draft is untouched");
    await reporter.getByRole("button", { name: "Save changes" }).click();
    await reporter.getByText("Saved.").waitFor();
    assert.equal(await reporter.getByText(CONFLICT).count(), 0);
    let stored = await callApi(url, "reporter", "GET", `/tickets/${first.body.id}`);
    assert.equal(stored.body.description, typed);
    assert.equal(stored.body.status, "active");
    await reporter.locator(".ticket__description", { hasText: "from laptops" }).waitFor();

    // 2. The status change races the save (this page hears nothing live): the stale save is refused, the
    // editor sees that the description is unchanged in the latest ticket and retries once with its version.
    const second = await callApi(url, "reporter", "POST", "/tickets", {
      description: "Door to lab 3 does not lock",
    });
    const racer = await context.newPage();
    // Chromium logs the refused save (the 409) as a failed load; it is this case's point.
    collectErrors(racer, errors, /^Failed to load resource: .* 409 \(Conflict\)$/);
    await racer.route("**/events*", (route) => route.fulfill({ status: 204 }));
    const patches: number[] = [];
    racer.on("response", (r) => r.request().method() === "PATCH" && patches.push(r.status()));
    await racer.goto(`${url}/tickets/${second.body.id}`);
    await racer.getByLabel("Description").fill("Door to lab 3 does not lock at night");
    await changeAs(url, "helpdesk", second.body.id, { status: "active" });
    await racer.getByRole("button", { name: "Save changes" }).click();
    await racer.getByText("Saved.").waitFor();
    assert.deepEqual(patches, [409, 200]);
    assert.equal(await racer.getByText(CONFLICT).count(), 0);
    // The header learned the new status from the refetch.
    await racer.locator(".ticket__badges .badge--status-active").waitFor();
    stored = await callApi(url, "reporter", "GET", `/tickets/${second.body.id}`);
    assert.equal(stored.body.description, "Door to lab 3 does not lock at night");
    await racer.close();

    // 3. The reporter types; someone else changes the description: the warning shows both texts, the draft stays.
    const third = await callApi(url, "reporter", "POST", "/tickets", {
      description: "Wi-Fi in the library keeps dropping",
    });
    await reporter.goto(`${url}/tickets/${third.body.id}`);
    await reporter.locator(".live-dot").waitFor();
    const mine = "Wi-Fi in the library drops every 10 minutes on the 2nd floor";
    await reporter.getByLabel("Description").fill(mine);
    await changeAs(url, "reporter", third.body.id, {
      description: "Wi-Fi in the library is down completely",
    });
    await reporter.getByText(`This ticket was ${CONFLICT}.`).waitFor({ timeout: 5000 });
    assert.match(await reporter.locator(".alert__current").first().textContent() ?? "", /down completely/);
    assert.equal(await reporter.getByLabel("Description").inputValue(), mine, "the draft is kept");
    await reporter.locator(".ticket__description", { hasText: "down completely" }).waitFor();
    await axe(reporter, "the ticket page showing a conflict");
    await reporter.getByRole("button", { name: "Keep my text" }).click();
    await reporter.getByRole("button", { name: "Save changes" }).click();
    await reporter.getByText("Saved.").waitFor();
    stored = await callApi(url, "reporter", "GET", `/tickets/${third.body.id}`);
    assert.equal(stored.body.description, mine);

    // 4. Not typing: another description change is followed silently, in the header and in the editor.
    await changeAs(url, "reporter", third.body.id, { description: "Wi-Fi in the library works again?" });
    await reporter.locator(".ticket__description", { hasText: "works again?" }).waitFor({ timeout: 5000 });
    await reporter.waitForFunction(() =>
      (document.querySelector("#description") as HTMLTextAreaElement).value ===
        "Wi-Fi in the library works again?"
    );
    assert.equal(await reporter.getByText(CONFLICT).count(), 0);

    // 5. Closed while typing: the editor says so and keeps the typed text visible, read-only.
    const unsaved = "Wi-Fi in the library works again, thanks";
    await reporter.getByLabel("Description").fill(unsaved);
    await changeAs(url, "helpdesk", third.body.id, { status: "active" });
    await changeAs(url, "helpdesk", third.body.id, { status: "closed" });
    await reporter.getByText("This ticket is closed; it can no longer be edited.").waitFor({ timeout: 5000 });
    const kept = reporter.getByLabel(/Your unsaved text/);
    assert.equal(await kept.inputValue(), unsaved);
    assert.equal(await kept.getAttribute("readonly"), "");
    assert.equal(await reporter.getByText(CONFLICT).count(), 0);
    await axe(reporter, "a ticket closed while the reporter was typing");
    assert.deepEqual(errors, []);
  }),
);

Deno.test(
  "[browser] screenshots of the live ticket page at desktop and phone width",
  BROWSER_TEST,
  withBrowser(async (browser, url) => {
    for (
      const [label, viewport] of [
        ["desktop", { width: 1280, height: 800 }],
        ["phone", { width: 390, height: 844 }],
      ] as const
    ) {
      const shot = (page: Page, name: string) =>
        page.screenshot({ path: `/tmp/live-ticket-${name}-${label}.png`, fullPage: true });
      const reporter = await enterAs(await browser.newContext({ viewport }), url, "Reporter", "Ana");
      const ticketUrl = await fileTicketIn(
        reporter,
        `Water is dripping from the ceiling in hall 2 (${label})`,
      );
      const id = idOf(ticketUrl);
      await reporter.locator(".live-dot").waitFor();
      await reporter.getByLabel("Write a message").fill("It is getting worse, there is a puddle now.");
      await reporter.getByRole("button", { name: "Send message" }).click();
      await callApi(url, "helpdesk", "POST", `/tickets/${id}/messages`, {
        text: "Thanks, facilities are on their way with a bucket.",
        authorName: "Sam",
      });
      await changeAs(url, "helpdesk", id, { status: "active" });
      await reporter.locator(".ticket__badges .badge--status-active").waitFor({ timeout: 5000 });
      await reporter.locator(".bubble", { hasText: "bucket" }).waitFor();
      await shot(reporter, "reporter-active");

      const staff = await enterAs(await browser.newContext({ viewport }), url, "Helpdesk staff", "Sam");
      await staff.goto(ticketUrl);
      await staff.locator(".live-dot").waitFor();
      await shot(staff, "staff-active");

      await reporter.getByLabel("Description").fill(
        "Water is dripping from the ceiling in hall 2, near the stage",
      );
      await changeAs(url, "reporter", id, {
        description: "Water drips from the ceiling in hall 2 and room 2.14",
      });
      await reporter.getByText(CONFLICT).first().waitFor({ timeout: 5000 });
      await shot(reporter, "reporter-conflict");

      await staff.getByRole("button", { name: "Close ticket" }).click();
      await reporter.getByText("This ticket is closed; it can no longer be edited.").waitFor({
        timeout: 5000,
      });
      await staff.locator(".ticket__badges .badge--status-closed").waitFor();
      await shot(reporter, "reporter-closed");
      await shot(staff, "staff-closed");
      await reporter.context().close();
      await staff.context().close();
    }
  }),
);
