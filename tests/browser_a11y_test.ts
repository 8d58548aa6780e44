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

Deno.test(
  "[browser] a reporter can file a ticket and write a message with the keyboard alone",
  BROWSER_TEST,
  withBrowser(async (browser, url) => {
    const page = await (await browser.newContext()).newPage();
    await page.goto(url + "/");
    // Press Tab until the focused element matches the selector (and, if given, the text).
    const tabTo = async (selector: string, text = /.*/) => {
      for (let i = 0; i < 30; i++) {
        await page.keyboard.press("Tab");
        const focused = await page.evaluate(
          (s) => document.activeElement?.matches(s) ? document.activeElement.textContent ?? "" : null,
          selector,
        );
        if (focused !== null && text.test(focused)) return;
      }
      throw new Error(`Tab never reached ${selector} ${text}`);
    };
    await tabTo("button", /^Reporter/);
    await page.keyboard.press("Enter");
    await page.waitForURL(/\/tickets$/);
    await tabTo("a", /^New ticket$/);
    await page.keyboard.press("Enter");
    await page.waitForURL(/\/tickets\/new$/);
    await tabTo("textarea#description");
    await page.keyboard.type("The lights in corridor B are flickering");
    await tabTo("button", /^File ticket$/);
    await page.keyboard.press("Enter");
    await page.waitForURL(/\/tickets\/[0-9A-Z]{26}/);
    await page.locator(".live-dot").waitFor();
    await tabTo("textarea#message-text");
    await page.keyboard.type("It started this morning");
    await tabTo("button", /^Send message$/);
    await page.keyboard.press("Enter");
    await page.locator(".bubble", { hasText: "It started this morning" }).waitFor();
    // Focus is visible: the focused control gets an outline.
    await page.getByRole("button", { name: "Send message" }).focus();
    const outline = await page.evaluate(() => getComputedStyle(document.activeElement!).outlineStyle);
    assert.notEqual(outline, "none");
  }),
);
