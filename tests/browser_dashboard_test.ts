/**
 * The staff dashboard in a browser, against the four real services over an imported history: the overview
 * shows all four analyses, each detail opens from it, switching analysis redraws at once (no second click),
 * a number leads to exactly its tickets, a CSV downloads, a bad period is refused next to its field, the
 * chart sits above the controls on a phone, and one stopped service is unavailable on its own. Axe finds
 * nothing on any of these pages.
 */
import assert from "node:assert/strict";
import AxeBuilder from "@axe-core/playwright";
import type { Page } from "playwright-core";
import { openStore } from "../lib/data/mod.ts";
import { fillTickets } from "../bench/fixtures.ts";
import { createActiveByCategoryService } from "../services/active_by_category/app.ts";
import { createBacklogService } from "../services/backlog/app.ts";
import { createResolutionTimeService } from "../services/resolution_time/app.ts";
import { createUnclosedService } from "../services/unclosed/app.ts";
import { BROWSER_TEST, launchBrowser, SCREENSHOT_DIR, startWebApp } from "./browser_helpers.ts";

function serve(app: { fetch: (req: Request) => Response | Promise<Response> }) {
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, app.fetch);
  return { server, url: `http://127.0.0.1:${server.addr.port}` };
}

/**
 * Waits until every chart on the page has drawn at least one bar or dot with a size: frappe draws its data
 * a moment after the chart appears.
 */
async function chartsDrawn(page: Page) {
  await page.waitForFunction(() =>
    [...document.querySelectorAll(".chart")].every((chart) =>
      [...chart.querySelectorAll("rect.bar, circle")].some((shape) =>
        Number(shape.getAttribute("height") ?? shape.getAttribute("r")) > 0
      )
    )
  );
}

async function axe(page: Page, label: string) {
  const { violations } = await new AxeBuilder({ page }).analyze();
  assert.deepEqual(violations.map((v) => `${v.id}: ${v.help} (${v.nodes[0]?.target})`), [], label);
}

Deno.test(
  "[browser] the dashboard: overview, each detail, instant switching, numbers lead to tickets, CSV, one service down",
  BROWSER_TEST,
  async () => {
    // The web app and the services share one in-memory store, as they share one KV file in production.
    const kv = await Deno.openKv(":memory:");
    await fillTickets(await openStore({ kv }), 400, Date.now() - 60_000);
    const db = await openStore({ kv }, { readOnly: true });
    const backlogApp = createBacklogService(db);
    let backlogDelayMs = 0;
    const services = {
      unclosed: serve(createUnclosedService(db)),
      resolutionTime: serve(createResolutionTimeService(db)),
      activeByCategory: serve(createActiveByCategoryService(db)),
      // The backlog service can be slowed down, to look at the page while an answer is on its way.
      backlog: serve({
        fetch: async (req: Request) => {
          await new Promise((resolve) => setTimeout(resolve, backlogDelayMs));
          return backlogApp.fetch(req);
        },
      }),
    };
    const web = await startWebApp({
      kv,
      serviceUrls: {
        unclosed: services.unclosed.url,
        resolutionTime: services.resolutionTime.url,
        activeByCategory: services.activeByCategory.url,
        backlog: services.backlog.url,
      },
    });
    const browser = await launchBrowser();
    try {
      const context = await browser.newContext({
        acceptDownloads: true,
        viewport: { width: 1280, height: 900 },
      });
      await context.addCookies([{ name: "helpdesk_role", value: "helpdesk", url: web.url }]);
      const page = await context.newPage();
      const errors: string[] = [];
      page.on("pageerror", (e) => errors.push(e.message));
      await Deno.mkdir(SCREENSHOT_DIR, { recursive: true });

      // The overview: four cards, each with its chart.
      await page.goto(web.url + "/dashboard");
      assert.equal(await page.locator(".overview-card").count(), 4);
      await page.locator(".overview-card .chart svg").nth(3).waitFor();
      assert.equal(await page.locator(".overview-card .chart svg").count(), 4);
      await axe(page, "overview");
      await chartsDrawn(page);
      await page.screenshot({ path: `${SCREENSHOT_DIR}dashboard-overview-desktop.png`, fullPage: true });
      await page.setViewportSize({ width: 390, height: 844 });
      await chartsDrawn(page);
      await page.screenshot({ path: `${SCREENSHOT_DIR}dashboard-overview-phone.png`, fullPage: true });
      await axe(page, "overview on a phone");
      await page.setViewportSize({ width: 1280, height: 900 });

      // Each detail opens from the overview, with its own title, chart and table.
      const titles = {
        "Unclosed tickets": /Unclosed tickets opened in the last 7 days/,
        "Backlog trend": /Backlog over the last 30 days/,
        "Resolution time": /Resolution time by opening month/,
        "Active by category": /Active tickets by category/,
      };
      for (const [name, title] of Object.entries(titles)) {
        await page.goto(web.url + "/dashboard");
        await page.getByRole("link", { name: `Details: ${name}` }).click();
        await page.locator("#analysis-title").waitFor();
        assert.match(await page.locator("#analysis-title").textContent() ?? "", title, name);
        await chartsDrawn(page);
        assert.ok(await page.locator("table.data-table tbody tr").count() > 0, name);
        await axe(page, `${name} detail`);
      }
      await chartsDrawn(page);
      await page.screenshot({ path: `${SCREENSHOT_DIR}dashboard-detail-desktop.png`, fullPage: true });

      // Switching analysis redraws at once: no "Show analysis" click, and the old answer is gone at once —
      // even while the new one is still on its way (held back here for a second).
      backlogDelayMs = 1500;
      // Clicked and looked at from the page itself, in one go: the answer region as the click leaves it.
      const during = await page.evaluate(() => {
        (document.querySelector('input[name="analysis"][value="backlog"]') as HTMLInputElement).click();
        const region = document.getElementById("dashboard-result")!;
        return { text: region.textContent, tables: region.querySelectorAll("table, svg").length };
      });
      assert.deepEqual(
        during,
        { text: "Loading Backlog trend…", tables: 0 },
        "the old answer is gone at once",
      );
      await page.waitForURL(/analysis=backlog/);
      backlogDelayMs = 0;
      await page.locator(".chart svg").first().waitFor();
      assert.match(
        await page.locator("#analysis-title").textContent() ?? "",
        /Backlog over the last 30 days/,
      );
      assert.equal(await page.getByText("Active tickets by category").count(), 0);

      // A CSV of the analysis shown, through the web app.
      const [download] = await Promise.all([
        page.waitForEvent("download"),
        page.getByRole("link", { name: /Download CSV/ }).click(),
      ]);
      assert.equal(download.suggestedFilename(), "backlog-30-days.csv");
      const csv = await Deno.readTextFile(await download.path());
      const lines = csv.trim().split("\r\n");
      assert.equal(lines[0], "date,opened,closed,unclosedAtEnd");
      assert.equal(lines.length, 31);

      // A bad period: the service's rule shown next to the field, the form kept.
      await page.getByLabel("Days", { exact: true }).fill("367");
      await page.getByRole("button", { name: "Show analysis" }).click();
      await page.locator("#days-error").waitFor();
      assert.match(await page.locator("#days-error").textContent() ?? "", /1 to 366/);
      assert.equal(await page.getByLabel("Days", { exact: true }).getAttribute("aria-invalid"), "true");
      await axe(page, "refused period");

      // On a phone the chart comes before the controls.
      await page.setViewportSize({ width: 390, height: 844 });
      await page.goto(web.url + "/dashboard?analysis=active");
      await page.locator(".chart svg").first().waitFor();
      const chartTop = (await page.locator(".dashboard__result").boundingBox())!.y;
      const formTop = (await page.locator("#dashboard-form").boundingBox())!.y;
      assert.ok(chartTop < formTop, `chart at ${chartTop}, form at ${formTop}`);
      await chartsDrawn(page);
      await page.screenshot({ path: `${SCREENSHOT_DIR}dashboard-detail-phone.png`, fullPage: true });
      await page.setViewportSize({ width: 1280, height: 900 });

      // A number leads to exactly the tickets it counts.
      const itCell = page.locator("table.data-table tbody tr", { hasText: "Technical IT" }).locator("td a");
      const itCount = Number(await itCell.textContent());
      assert.ok(itCount > 0);
      await itCell.click();
      await page.waitForURL(/\/tickets\?status=active&category=technical_it$/);
      assert.equal(await page.locator(".queue__row").count(), Math.min(itCount, 25));
      assert.equal(await page.locator("#filter-status").inputValue(), "active");

      // The unclosed count of the chosen period leads to the unclosed tickets opened since its start.
      await page.goto(web.url + "/dashboard?analysis=unclosed&amount=30&unit=days");
      const big = page.locator(".big-number__value a");
      const unclosed = Number((await big.textContent())!.replace(/,/g, ""));
      await big.click();
      await page.waitForURL(/status=unclosed&openedAfter=/);
      assert.equal(await page.locator(".queue__row").count(), Math.min(unclosed, 25));
      await axe(page, "filtered list");

      // Without JavaScript the plain form does the same with its button.
      const plain = await browser.newContext({ javaScriptEnabled: false });
      await plain.addCookies([{ name: "helpdesk_role", value: "helpdesk", url: web.url }]);
      const noJs = await plain.newPage();
      await noJs.goto(web.url + "/dashboard?analysis=active");
      await noJs.getByRole("radio", { name: "Resolution time" }).check();
      await noJs.getByRole("button", { name: "Show analysis" }).click();
      await noJs.waitForURL(/analysis=resolution/);
      assert.match(
        await noJs.locator("#analysis-title").textContent() ?? "",
        /Resolution time by opening month/,
      );
      assert.ok(await noJs.locator("table.data-table tbody tr").count() > 0);
      await plain.close();

      // One service down: its card says so, the other three still answer.
      await services.backlog.server.shutdown();
      await page.goto(web.url + "/dashboard");
      const backlogCard = page.locator(".overview-card", { hasText: "Backlog trend" });
      await backlogCard.getByText("The backlog trend analysis is unavailable right now.").waitFor();
      assert.equal(await page.locator(".analysis-unavailable").count(), 1);
      assert.equal(await page.locator(".overview-card .chart svg").count(), 3);
      await axe(page, "overview with one service down");
      assert.deepEqual(errors, []);
    } finally {
      await browser.close();
      await web.stop();
      for (const { server } of Object.values(services)) await server.shutdown().catch(() => {});
    }
  },
);
