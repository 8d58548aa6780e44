/**
 * Search and similar tickets in headless Chromium: typing a new ticket shows a similar open one (a link to
 * it), searching on /tickets marks the words, both pages pass axe; screenshots `search-*` at 1280 and 390.
 */
import assert from "node:assert/strict";
import AxeBuilder from "@axe-core/playwright";
import type { Page } from "playwright-core";
import { BROWSER_TEST, callApi, enterAs, SCREENSHOT_DIR, withBrowser } from "./browser_helpers.ts";

async function noViolations(page: Page, label: string) {
  const result = await new AxeBuilder({ page }).analyze();
  const summary = result.violations.map((v) =>
    `${v.id}: ${v.help} (${v.nodes.map((n) => n.target).join(" ")})`
  );
  assert.deepEqual(summary, [], `${label} has accessibility violations`);
}

Deno.test(
  "[browser] typing a new ticket shows a similar open one; searching /tickets marks the words",
  BROWSER_TEST,
  withBrowser(async (browser, url) => {
    const filed = await callApi(url, "reporter", "POST", "/tickets", {
      description: "The projector in lecture hall B2 shows no picture from the HDMI input",
    });
    await callApi(url, "reporter", "POST", "/tickets", {
      description: "Wifi drops in the library reading room",
    });
    await callApi(url, "reporter", "POST", "/tickets", { description: "The radiator in room E104 is cold" });
    const context = await browser.newContext();
    const page = await enterAs(context, url, "Reporter", "Ana");
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));

    for (const [label, width] of [["desktop", 1280], ["phone", 390]] as const) {
      await page.setViewportSize({ width, height: 900 });
      await page.goto(url + "/tickets/new");
      await page.getByLabel("What is the problem?").pressSequentially(
        "No picture from the projector in hall B2",
      );
      const hint = page.getByRole("region", { name: "Is it one of these? Add a message instead" });
      await hint.waitFor({ timeout: 5000 });
      const link = hint.getByRole("link", { name: /projector in lecture hall B2/ });
      assert.equal(await link.getAttribute("href"), `/tickets/${filed.body.id}`);
      await noViolations(page, `new ticket form with similar tickets (${label})`);
      await page.screenshot({ path: `${SCREENSHOT_DIR}search-similar-${label}.png`, fullPage: true });

      await page.goto(url + "/tickets");
      await page.getByLabel("Search").fill("projctor hdmi");
      await page.getByRole("button", { name: "Filter" }).click();
      await page.waitForURL(/q=projctor/);
      const marks = await page.locator(".search-results mark").allTextContents();
      assert.deepEqual(marks, ["projector", "HDMI"], "the words found, marked as written (typo and case)");
      assert.equal(await page.getByLabel("Search").inputValue(), "projctor hdmi");
      await noViolations(page, `search results (${label})`);
      await page.screenshot({ path: `${SCREENSHOT_DIR}search-results-${label}.png`, fullPage: true });
    }

    // Clicking the suggestion leads to the ticket, where the person can add a message.
    await page.goto(url + "/tickets/new");
    await page.getByLabel("What is the problem?").fill("projector hall B2 no picture");
    await page.getByRole("link", { name: /projector in lecture hall B2/ }).click();
    await page.waitForURL(`${url}/tickets/${filed.body.id}`);
    await page.getByLabel("Write a message").waitFor();

    // Staff see similar open tickets on the ticket page.
    const staffContext = await browser.newContext();
    const staff = await enterAs(staffContext, url, "Helpdesk staff", "Sam");
    const twin = await callApi(url, "reporter", "POST", "/tickets", {
      description: "Projector in hall B2 is dark",
    });
    await staff.goto(`${url}/tickets/${twin.body.id}`);
    const similar = staff.getByRole("region", { name: "Similar open tickets" });
    assert.equal(await similar.getByRole("link").first().getAttribute("href"), `/tickets/${filed.body.id}`);
    await noViolations(staff, "staff ticket page with similar tickets");
    await staff.setViewportSize({ width: 1280, height: 900 });
    await staff.screenshot({ path: `${SCREENSHOT_DIR}search-staff-ticket-desktop.png`, fullPage: true });
    assert.deepEqual(errors, []);
  }),
);
