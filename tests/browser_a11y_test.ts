/** axe-core on every page, as each role, with JavaScript on: zero violations. */
import assert from "node:assert/strict";
import AxeBuilder from "@axe-core/playwright";
import { BROWSER_TEST, withBrowser } from "./browser_helpers.ts";

Deno.test(
  "[browser] every page has zero axe-core violations",
  BROWSER_TEST,
  withBrowser(async (browser, url) => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const check = async (label: string) => {
      const result = await new AxeBuilder({ page }).analyze();
      const summary = result.violations.map((v) =>
        `${v.id}: ${v.help} (${v.nodes.map((n) => n.target).join(" ")})`
      );
      assert.deepEqual(summary, [], `${label} has accessibility violations`);
    };
    await page.goto(url + "/");
    await check("entry page");
    await page.getByRole("button", { name: /^Reporter/ }).click();
    await page.waitForURL(/\/tickets$/);
    await check("empty reporter list");
    await page.goto(url + "/tickets/new");
    await check("new ticket form");
    await page.getByRole("button", { name: "File ticket" }).evaluate((b) =>
      b.closest("form")!.setAttribute("novalidate", "")
    );
    await page.getByRole("button", { name: "File ticket" }).click();
    await page.locator("#description-error").waitFor();
    await check("new ticket form with an error");
    await page.getByLabel("What is the problem?").fill("The canteen food was cold again today");
    await page.getByRole("button", { name: "File ticket" }).click();
    await page.waitForURL(/\/tickets\/[0-9A-Z]{26}/);
    const ticketUrl = page.url().replace(/\?.*$/, "");
    await page.getByLabel("Write a message").fill("And the queue was 30 minutes");
    await page.getByRole("button", { name: "Send message" }).click();
    await page.locator(".bubble").first().waitFor();
    await check("reporter ticket page");
    await page.goto(url + "/tickets");
    await check("reporter list");
    await page.goto(url + "/?switch=1");
    await page.getByRole("button", { name: /^Helpdesk staff/ }).click();
    await page.waitForURL(/\/tickets$/);
    await check("staff list");
    await page.goto(ticketUrl);
    await check("staff ticket page");
    await page.goto(url + "/tickets/01JZZZZZZZZZZZZZZZZZZZZZZZ");
    await check("not found page");
  }),
);
