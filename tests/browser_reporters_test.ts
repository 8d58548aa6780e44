/**
 * Reporters without a login, as people do it in headless Chromium (axe on every page): A files, B edits,
 * A sees B's name in the history; a staff reply shows as unread in A's tab title and My tickets; staff close;
 * A still reads it under My tickets, B gets 404; A's private link in a third, fresh browser adds the ticket
 * to its My tickets.
 */
import assert from "node:assert/strict";
import AxeBuilder from "@axe-core/playwright";
import type { Page } from "playwright-core";
import { BROWSER_TEST, enterAs, fileTicketIn, SCREENSHOT_DIR, withBrowser } from "./browser_helpers.ts";

async function axe(page: Page, label: string) {
  const result = await new AxeBuilder({ page }).analyze();
  const summary = result.violations.map((v) =>
    `${v.id}: ${v.help} (${v.nodes.map((n) => n.target).join(" ")})`
  );
  assert.deepEqual(summary, [], `${label} has accessibility violations`);
}

/** Screenshots at desktop and phone widths, for people to look at. */
async function shoot(page: Page, name: string) {
  await Deno.mkdir(SCREENSHOT_DIR, { recursive: true });
  for (const [width, label] of [[1280, "desktop"], [390, "phone"]] as const) {
    await page.setViewportSize({ width, height: width === 1280 ? 900 : 844 });
    await page.screenshot({ path: `${SCREENSHOT_DIR}reporter-${name}-${label}.png`, fullPage: true });
  }
  await page.setViewportSize({ width: 1280, height: 900 });
}

Deno.test(
  "[browser] reporters without a login: My tickets, history with names, unread replies, own closed tickets, private link",
  BROWSER_TEST,
  withBrowser(async (browser, url) => {
    const errors: string[] = [];
    const watch = (page: Page) => {
      page.on("pageerror", (e) => errors.push(e.message));
      page.on("console", (m) => m.type() === "error" && !/404/.test(m.text()) && errors.push(m.text()));
      return page;
    };
    const contextA = await browser.newContext();
    const a = watch(await enterAs(contextA, url, "Reporter", "Ana"));
    const ticketUrl = await fileTicketIn(a, "The radiator in room E104 is cold since Monday");
    await a.getByText("Keep this link to come back from any device").waitFor();
    const link = (await a.locator("#private-link").inputValue()).trim();
    assert.match(link, /\/t\/[A-Za-z0-9_-]{43}$/);
    await axe(a, "ticket page right after filing");
    await shoot(a, "filed");

    // B, another reporter, rewrites A's description (saved through the API by the editor island).
    const contextB = await browser.newContext();
    const b = watch(await enterAs(contextB, url, "Reporter", "Ben"));
    await b.goto(ticketUrl);
    await b.getByLabel("Description").fill("lol nothing is broken");
    await b.getByRole("button", { name: "Save changes" }).click();
    await b.getByText("Saved.").waitFor();

    // A sees the change in the history with B's name, as a word diff.
    await a.reload();
    const history = a.locator(".history");
    await history.getByText("Ben (reporter)").waitFor();
    assert.match(await history.locator("del").allTextContents().then((t) => t.join(" ")), /radiator/);
    assert.match(await history.locator("ins").allTextContents().then((t) => t.join(" ")), /nothing/);
    // Times read naturally, with the exact time on hover.
    const time = history.locator("time[data-relative]").first();
    assert.match(await time.textContent() ?? "", /just now|minute/);
    assert.match(await time.getAttribute("title") ?? "", /\d{4}/);

    // Staff answer while A's ticket page is open: the tab title counts the reply, live.
    await a.locator(".live-dot").waitFor();
    const contextS = await browser.newContext();
    const staff = watch(await enterAs(contextS, url, "Helpdesk staff", "Sam"));
    await staff.goto(ticketUrl);
    await staff.getByRole("button", { name: /Restore the text before this change/ }).waitFor();
    await axe(staff, "staff ticket page with history");
    await shoot(staff, "staff-history");
    await staff.getByLabel("Write a message").fill("The valve was stuck; it is fixed now.");
    await staff.getByRole("button", { name: "Send message" }).click();
    await a.locator(".bubble", { hasText: "The valve was stuck" }).waitFor({ timeout: 5000 });
    await a.waitForFunction(() => document.title.startsWith("(1) Ticket"), null, { timeout: 5000 });

    // …and A's My tickets (another tab) marks it unread.
    const mine = watch(await contextA.newPage());
    await mine.goto(url + "/tickets?mine=1");
    await mine.locator(".badge--unread", { hasText: "1 new reply" }).waitFor();
    assert.match(await mine.title(), /^\(1\) My tickets/);
    await axe(mine, "My tickets with an unread reply");
    await shoot(mine, "my-tickets-unread");

    // Staff restore A's text, then close the ticket.
    await staff.getByRole("button", { name: /Restore the text before this change/ }).click();
    await staff.getByLabel("Description").waitFor();
    assert.equal(
      await staff.getByLabel("Description").inputValue(),
      "The radiator in room E104 is cold since Monday",
    );
    await staff.getByRole("button", { name: "Start work" }).click();
    await staff.locator(".ticket__badges .badge--status-active").waitFor();
    await staff.getByRole("button", { name: "Close ticket" }).click();
    await staff.locator(".ticket__badges .badge--status-closed").waitFor();

    // A still reads it, with the final reply, from My tickets.
    await mine.reload();
    await mine.getByRole("link", { name: /radiator in room E104/ }).click();
    await mine.waitForURL(ticketUrl);
    await mine.getByText("The valve was stuck; it is fixed now.").waitFor();
    await mine.getByText("its conversation is read-only").waitFor();
    await mine.locator(".history").getByText("Sam (helpdesk)").first().waitFor();
    await axe(mine, "own closed ticket");
    await shoot(mine, "own-closed");

    // B, who only edited it, gets 404.
    const gone = await b.goto(ticketUrl);
    assert.equal(gone!.status(), 404);

    // The private link in a third, fresh browser shows the ticket and adds it to that browser's My tickets.
    const contextC = await browser.newContext();
    const c = watch(await contextC.newPage());
    await c.goto(link);
    await c.waitForURL(ticketUrl);
    await c.getByText("The valve was stuck; it is fixed now.").waitFor();
    await c.getByRole("link", { name: "My tickets", exact: true }).click();
    await c.getByRole("link", { name: /radiator in room E104/ }).waitFor();
    await axe(c, "My tickets of a browser that opened the private link");
    await shoot(c, "linked-my-tickets");
    // A wrong link is a plain 404.
    assert.equal((await c.goto(url + "/t/" + "x".repeat(43)))!.status(), 404);

    assert.deepEqual(errors, []);
  }),
);
