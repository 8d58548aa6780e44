/**
 * The staff queue and internal notes in headless Chromium against the real server: a ticket a reporter files
 * in another browser appears in an open staff queue without a reload (filters, sort and scroll kept); the
 * table sorts and filters by links; staff post an internal note and the reporter's open ticket page never
 * shows it. Axe finds nothing on the queue or the thread. Screenshots: tests/screenshots/queue-*.png.
 */
import assert from "node:assert/strict";
import AxeBuilder from "@axe-core/playwright";
import type { Page } from "playwright-core";
import {
  BROWSER_TEST,
  callApi,
  enterAs,
  fileTicketIn,
  SCREENSHOT_DIR,
  withBrowser,
} from "./browser_helpers.ts";

async function axe(page: Page, label: string) {
  const result = await new AxeBuilder({ page }).analyze();
  const summary = result.violations.map((v) =>
    `${v.id}: ${v.help} (${v.nodes.map((n) => n.target).join(" ")})`
  );
  assert.deepEqual(summary, [], `${label} has accessibility violations`);
}

function collectErrors(page: Page, errors: string[]) {
  page.on("pageerror", (e) => errors.push(`${page.url()}: ${e.message}`));
  page.on("console", (m) => {
    if (m.type() === "error") errors.push(`${page.url()}: ${m.text()}`);
  });
}

const DESCRIPTIONS = [
  "The radiator in room E104 is cold since Monday",
  "Projector in lecture hall B2 flickers every few minutes",
  "Wifi eduroam drops in the library reading room",
  "Printer on floor 2 of the main building jams on every job",
  "Water leaking from the ceiling in corridor C3",
  "Cannot log in to the course platform with my student account",
  "The coffee machine in the canteen charged me twice",
  "Lights in seminar room A1 stay off",
];

Deno.test(
  "[browser] a reporter's new ticket appears in an open staff queue without a reload; sorting and filters keep working",
  BROWSER_TEST,
  withBrowser(async (browser, url) => {
    for (const [i, description] of DESCRIPTIONS.entries()) {
      const { body } = await callApi(url, "reporter", "POST", "/tickets", { description });
      if (i % 3 === 0) {
        await callApi(url, "helpdesk", "POST", `/tickets/${body.id}/messages`, { text: "On it" });
      }
      if (i % 4 === 1) {
        await callApi(url, "helpdesk", "POST", `/tickets/${body.id}/messages`, {
          text: "Ask facilities first",
          internal: true,
        });
      }
    }
    const staffContext = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const staff = await enterAs(staffContext, url, "Helpdesk staff", "Dana");
    const errors: string[] = [];
    collectErrors(staff, errors);
    // Filters and sort as a person sets them: waiting on the helpdesk, latest activity first.
    await staff.getByLabel("Waiting on").selectOption("helpdesk");
    await staff.getByLabel("Sort").selectOption("updated");
    await staff.getByRole("button", { name: "Filter" }).click();
    await staff.waitForURL(/waiting=helpdesk/);
    assert.match(staff.url(), /sort=updated/);
    await staff.locator(".live-dot").waitFor();
    const before = await staff.locator(".queue__row").count();
    assert.equal(before, DESCRIPTIONS.length - 3, "tickets staff answered wait on the reporter");
    await axe(staff, "the staff queue");
    await staff.evaluate(() => (window as unknown as { __same: boolean }).__same = true);
    await staff.evaluate(() => scrollTo(0, 120));
    const scrolled = await staff.evaluate(() => scrollY);

    const reporterContext = await browser.newContext();
    const reporter = await enterAs(reporterContext, url, "Reporter");
    await fileTicketIn(reporter, "Smoke alarm beeping in dorm block D, room 12");
    const newRow = staff.locator(".queue__row", { hasText: "Smoke alarm beeping" });
    await newRow.waitFor({ timeout: 10_000 });
    assert.equal(
      await staff.locator(".queue__row").first().textContent().then((t) => /Smoke alarm/.test(t!)),
      true,
    );
    assert.equal(
      await staff.evaluate(() => (window as unknown as { __same?: boolean }).__same),
      true,
      "no reload",
    );
    assert.match(staff.url(), /waiting=helpdesk&sort=updated|sort=updated&waiting=helpdesk/);
    assert.equal(await staff.evaluate(() => scrollY), scrolled, "scroll kept");
    await staff.locator("[role=status]", { hasText: "1 new ticket" }).waitFor({ state: "attached" });
    assert.equal(await staff.getByLabel("Waiting on").inputValue(), "helpdesk");
    await staff.evaluate(() => scrollTo(0, 0));
    await staff.screenshot({ path: `${SCREENSHOT_DIR}queue-desktop.png`, fullPage: true });

    // A staff reply elsewhere takes the ticket out of "waiting on helpdesk" live.
    const id = (await newRow.locator("a").getAttribute("href"))!.split("/").pop()!;
    await callApi(url, "helpdesk", "POST", `/tickets/${id}/messages`, {
      text: "Facilities are on their way",
    });
    await newRow.waitFor({ state: "detached", timeout: 10_000 });

    // The sortable headers are links; keyboard users reach them and they work without JavaScript.
    await staff.getByRole("link", { name: /^Opened/ }).focus();
    await staff.keyboard.press("Enter");
    await staff.waitForURL((u) => !u.search.includes("sort=updated"));
    assert.match(staff.url(), /waiting=helpdesk/, "sorting keeps the filter");
    assert.equal(
      await staff.locator("th[aria-sort=descending]").textContent().then((t) => t!.startsWith("Opened")),
      true,
    );
    const opened = await staff.locator(".queue__row time").evaluateAll((els) =>
      els.filter((_, i) => i % 2 === 0).map((e) => e.getAttribute("datetime")!)
    );
    assert.deepEqual(opened, [...opened].sort().reverse(), "newest opened first");
    // A count chip filters by status; its link keeps the other filters.
    await staff.getByRole("link", { name: /^Open \d+/ }).click();
    await staff.waitForURL(/status=open/);
    assert.match(staff.url(), /waiting=helpdesk/);
    await axe(staff, "the filtered queue");

    const phoneContext = await browser.newContext({ viewport: { width: 390, height: 844 } });
    const phone = await enterAs(phoneContext, url, "Helpdesk staff");
    await phone.goto(`${url}/tickets?sort=updated`);
    await phone.locator(".queue__row").first().waitFor();
    await axe(phone, "the queue on a phone");
    await phone.screenshot({ path: `${SCREENSHOT_DIR}queue-phone.png`, fullPage: false });
    assert.deepEqual(errors, []);
    await phoneContext.close();
    await reporterContext.close();
    await staffContext.close();
  }),
);

Deno.test(
  "[browser] staff post an internal note; the reporter's open ticket page never shows it",
  BROWSER_TEST,
  withBrowser(async (browser, url) => {
    const reporterContext = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const reporter = await enterAs(reporterContext, url, "Reporter", "Ana");
    const errors: string[] = [];
    collectErrors(reporter, errors);
    const ticketUrl = await fileTicketIn(reporter, "The door of lab 3 does not lock any more");
    await reporter.goto(ticketUrl);
    await reporter.locator(".live-dot").waitFor();
    await reporter.evaluate(() => {
      const w = window as unknown as { __sawNote: boolean };
      w.__sawNote = false;
      new MutationObserver(() => {
        if (document.body.textContent?.includes("locksmith")) w.__sawNote = true;
      }).observe(document.body, { subtree: true, childList: true, characterData: true });
    });

    const staffContext = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const staff = await enterAs(staffContext, url, "Helpdesk staff", "Dana");
    collectErrors(staff, errors);
    await staff.goto(ticketUrl);
    await staff.locator(".live-dot").waitFor();
    await staff.getByLabel("Internal note").check();
    await staff.getByLabel("Write an internal note").fill("Call the locksmith, key 4711 is in the drawer");
    await staff.getByRole("button", { name: "Add internal note" }).click();
    const note = staff.locator(".bubble--internal");
    await note.waitFor();
    assert.match((await note.textContent())!, /Internal note — only staff see this/);
    assert.equal(
      await staff.getByLabel("Internal note").isChecked(),
      false,
      "the toggle resets after sending",
    );
    await staff.getByLabel("Write a message").fill("We are sending someone today.");
    await staff.getByRole("button", { name: "Send message" }).click();

    // The reporter's page receives the reply live, and never the note.
    await reporter.locator(".bubble", { hasText: "We are sending someone today." }).waitFor({
      timeout: 10_000,
    });
    assert.equal(await reporter.locator(".bubble--internal").count(), 0);
    assert.equal(
      await reporter.evaluate(() => (window as unknown as { __sawNote: boolean }).__sawNote),
      false,
    );
    await reporter.reload();
    assert.doesNotMatch(await reporter.content(), /locksmith/);
    assert.equal(await reporter.locator("input[name=internal]").count(), 0);
    await axe(staff, "the staff thread with a note");
    await axe(reporter, "the reporter's thread");
    await staff.screenshot({ path: `${SCREENSHOT_DIR}queue-note-desktop.png`, fullPage: true });
    const phone = await staffContext.newPage();
    await phone.setViewportSize({ width: 390, height: 844 });
    await phone.goto(ticketUrl);
    await phone.locator(".bubble--internal").scrollIntoViewIfNeeded();
    await phone.screenshot({ path: `${SCREENSHOT_DIR}queue-note-phone.png` });
    assert.deepEqual(errors, []);
    await staffContext.close();
    await reporterContext.close();
  }),
);

Deno.test(
  "[browser] without JavaScript the queue is a plain page: sort links and filters work",
  BROWSER_TEST,
  withBrowser(async (browser, url) => {
    for (const description of DESCRIPTIONS.slice(0, 4)) {
      await callApi(url, "reporter", "POST", "/tickets", { description });
    }
    const context = await browser.newContext({
      javaScriptEnabled: false,
      viewport: { width: 1280, height: 900 },
    });
    const page = await enterAs(context, url, "Helpdesk staff");
    assert.equal(await page.locator(".queue__row").count(), 4);
    assert.equal(await page.locator(".live-dot").count(), 0, "no live badge without JavaScript");
    await page.getByRole("link", { name: /^Last activity/ }).click();
    await page.waitForURL(/sort=updated/);
    assert.match((await page.locator("th[aria-sort=descending]").textContent())!, /^Last activity/);
    await page.getByLabel("Waiting on").selectOption("reporter");
    await page.getByRole("button", { name: "Filter" }).click();
    await page.waitForURL(/waiting=reporter/);
    assert.match(page.url(), /sort=updated/, "the form keeps the sort");
    assert.match((await page.locator(".empty").textContent())!, /Nothing matches/);
    await context.close();
  }),
);
