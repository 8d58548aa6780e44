/**
 * What a person does, in headless Chromium: a reporter files, edits and writes while a staff page sees the
 * message arrive live; staff activate and close; the same with JavaScript off; conflicts are shown.
 */
import assert from "node:assert/strict";
import { BROWSER_TEST, enterAs, fileTicketIn, SCREENSHOT_DIR, withBrowser } from "./browser_helpers.ts";

Deno.test(
  "[browser] a reporter files, edits and writes; the staff page sees the message live; staff activate and close",
  BROWSER_TEST,
  withBrowser(async (browser, url) => {
    const reporterContext = await browser.newContext();
    const reporter = await enterAs(reporterContext, url, "Reporter", "Ana");
    const errors: string[] = [];
    reporter.on("pageerror", (e) => errors.push(e.message));
    reporter.on("console", (m) => m.type() === "error" && errors.push(m.text()));

    const ticketUrl = await fileTicketIn(reporter, "The radiator in room E104 is cold since Monday");
    await reporter.getByText("Thanks, your ticket is filed").waitFor();
    assert.equal(await reporter.locator(".badge--facility_management").count() > 0, true);

    // The editor saves through the API without a page load.
    await reporter.getByLabel("Description").fill("The radiator in room E104 is cold since Monday morning");
    await reporter.getByRole("button", { name: "Save changes" }).click();
    await reporter.getByText("Saved.").waitFor();
    assert.equal(reporter.url().replace(/\?.*$/, ""), ticketUrl);

    const staffContext = await browser.newContext();
    const staff = await enterAs(staffContext, url, "Helpdesk staff", "Sam");
    await staff.goto(ticketUrl);
    await staff.locator(".live-dot").waitFor();
    await reporter.locator(".live-dot").waitFor();

    await reporter.getByLabel("Write a message").fill("It is really cold in here");
    await reporter.getByRole("button", { name: "Send message" }).click();
    // Arrives on the staff page without a reload.
    await staff.locator(".bubble", { hasText: "It is really cold in here" }).waitFor({ timeout: 5000 });
    assert.match(await staff.locator(".bubble").first().textContent() ?? "", /Ana/);

    await staff.getByLabel("Write a message").fill("A technician is on the way");
    await staff.getByRole("button", { name: "Send message" }).click();
    await reporter.locator(".bubble", { hasText: "A technician is on the way" }).waitFor({ timeout: 5000 });

    await staff.getByRole("button", { name: "Start work" }).click();
    await staff.locator(".ticket__badges .badge--status-active").waitFor();
    await staff.getByRole("button", { name: "Close ticket" }).click();
    await staff.locator(".ticket__badges .badge--status-closed").waitFor();
    await staff.getByText("its conversation is read-only").waitFor();
    // The reporter's open page learns live that the ticket closed.
    await reporter.getByText("its conversation is read-only").waitFor({ timeout: 5000 });

    await reporter.goto(url + "/tickets");
    assert.equal(
      await reporter.locator(".ticket-row").count(),
      0,
      "closed tickets are not listed for reporters",
    );
    assert.deepEqual(errors, []);
  }),
);

Deno.test(
  "[browser] with JavaScript off: file, edit, write, activate, close",
  BROWSER_TEST,
  withBrowser(async (browser, url) => {
    const reporterContext = await browser.newContext({ javaScriptEnabled: false });
    const reporter = await enterAs(reporterContext, url, "Reporter");
    const ticketUrl = await fileTicketIn(reporter, "Wi-Fi keeps dropping in the library");
    assert.equal(await reporter.locator("script").count(), 2, "island pages carry their scripts, unused");
    await reporter.getByLabel("Description").fill("Wi-Fi keeps dropping in the library, 2nd floor");
    await reporter.getByRole("button", { name: "Save changes" }).click();
    await reporter.waitForURL(ticketUrl);
    assert.match(await reporter.locator(".ticket__description").textContent() ?? "", /2nd floor/);
    await reporter.getByLabel("Write a message").fill("Still dropping");
    await reporter.getByRole("button", { name: "Send message" }).click();
    await reporter.locator(".bubble", { hasText: "Still dropping" }).waitFor();

    // An empty message comes back with its error next to the field.
    await reporter.getByLabel("Write a message").fill(" ");
    await reporter.locator("form.thread__form").evaluate((f) => f.setAttribute("novalidate", ""));
    await reporter.getByRole("button", { name: "Send message" }).click();
    await reporter.locator("#message-error").waitFor();

    const staff = await enterAs(
      await browser.newContext({ javaScriptEnabled: false }),
      url,
      "Helpdesk staff",
    );
    await staff.goto(ticketUrl);
    await staff.getByRole("button", { name: "Start work" }).click();
    await staff.locator(".ticket__badges .badge--status-active").waitFor();
    await staff.getByLabel("Category").selectOption("services_complaints");
    await staff.getByRole("button", { name: "Save changes" }).click();
    await staff.locator(".ticket__badges .badge--services_complaints").waitFor();
    await staff.getByRole("button", { name: "Close ticket" }).click();
    await staff.locator(".ticket__badges .badge--status-closed").waitFor();
    assert.equal(await staff.locator("form.thread__form").count(), 0);
  }),
);

Deno.test(
  "[browser] two people edit the same ticket: the second save shows the conflict and keeps the draft",
  BROWSER_TEST,
  withBrowser(async (browser, url) => {
    const a = await enterAs(await browser.newContext(), url, "Reporter");
    const ticketUrl = await fileTicketIn(a, "Projector in A12 does not detect HDMI");
    const b = await enterAs(await browser.newContext({ javaScriptEnabled: false }), url, "Reporter");
    await b.goto(ticketUrl);
    await a.getByLabel("Description").fill("Projector in A12 does not detect HDMI from laptops");
    await a.getByRole("button", { name: "Save changes" }).click();
    await a.getByText("Saved.").waitFor();

    await b.getByLabel("Description").fill("Projector in A12 is fine now?");
    await b.getByRole("button", { name: "Save changes" }).click();
    await b.getByText("This ticket was changed since you opened it.").waitFor();
    assert.equal(await b.getByLabel("Description").inputValue(), "Projector in A12 is fine now?");
    assert.match(await b.locator(".alert__current").textContent() ?? "", /from laptops/);

    // A hydrated editor with a draft learns of the other edit live and says so before saving.
    const c = await enterAs(await browser.newContext(), url, "Reporter");
    await c.goto(ticketUrl);
    await c.locator(".live-dot").waitFor();
    await c.getByLabel("Description").fill("Projector in A12: my own words");
    await a.getByLabel("Description").fill("Projector in A12: no HDMI signal");
    await a.getByRole("button", { name: "Save changes" }).click();
    await c.getByText("This ticket was changed since you opened it.").waitFor({ timeout: 5000 });
    await c.getByRole("button", { name: "Use the current version" }).click();
    assert.equal(await c.getByLabel("Description").inputValue(), "Projector in A12: no HDMI signal");
  }),
);

Deno.test(
  "[browser] screenshots of the main pages at desktop and phone width",
  BROWSER_TEST,
  withBrowser(async (browser, url) => {
    await Deno.mkdir(SCREENSHOT_DIR, { recursive: true });
    for (
      const [label, viewport] of [["desktop", { width: 1280, height: 900 }], ["phone", {
        width: 390,
        height: 844,
      }]] as const
    ) {
      const context = await browser.newContext({ viewport });
      const page = await context.newPage();
      await page.goto(url + "/");
      await page.screenshot({ path: `${SCREENSHOT_DIR}entry-${label}.png`, fullPage: true });
      const reporter = await enterAs(context, url, "Reporter", "Ana");
      const ticketUrl = await fileTicketIn(
        reporter,
        `Water is dripping from the ceiling in hall 2 (${label})`,
      );
      await reporter.getByLabel("Write a message").fill("It is getting worse, there is a puddle now.");
      await reporter.getByRole("button", { name: "Send message" }).click();
      await reporter.locator(".bubble").first().waitFor();
      await reporter.screenshot({ path: `${SCREENSHOT_DIR}ticket-reporter-${label}.png`, fullPage: true });
      const staff = await enterAs(context, url, "Helpdesk staff", "Sam");
      await staff.goto(ticketUrl);
      await staff.screenshot({ path: `${SCREENSHOT_DIR}ticket-staff-${label}.png`, fullPage: true });
      await staff.goto(url + "/tickets");
      await staff.screenshot({ path: `${SCREENSHOT_DIR}list-staff-${label}.png`, fullPage: true });
      await staff.goto(url + "/tickets/new");
      await staff.screenshot({ path: `${SCREENSHOT_DIR}new-${label}.png`, fullPage: true });
      await context.close();
    }
  }),
);
