/**
 * The staff dashboard in a browser, against the three real services: pick each analysis, change the period,
 * see a chart and its table; a stopped service shows as unavailable while the rest works; zero axe violations.
 */
import assert from "node:assert/strict";
import AxeBuilder from "@axe-core/playwright";
import { openStore } from "../lib/data/mod.ts";
import { createActiveByCategoryService } from "../services/active_by_category/app.ts";
import { createResolutionTimeService } from "../services/resolution_time/app.ts";
import { createUnclosedService } from "../services/unclosed/app.ts";
import { BROWSER_TEST, launchBrowser, SCREENSHOT_DIR, startWebApp } from "./browser_helpers.ts";

function serve(app: { fetch: (req: Request) => Response | Promise<Response> }) {
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, app.fetch);
  return { server, url: `http://127.0.0.1:${server.addr.port}` };
}

Deno.test(
  "[browser] staff pick each analysis and period; a stopped service shows unavailable",
  BROWSER_TEST,
  async () => {
    // The web app and the services share one in-memory store, as they share one KV file in production.
    const kv = await Deno.openKv(":memory:");
    const db = await openStore({ kv }, { readOnly: true });
    const unclosed = serve(createUnclosedService(db));
    const resolution = serve(createResolutionTimeService(db));
    const active = serve(createActiveByCategoryService(db));
    const web = await startWebApp({
      kv,
      serviceUrls: {
        unclosed: unclosed.url,
        resolutionTime: resolution.url,
        activeByCategory: active.url,
        backlog: "http://127.0.0.1:9",
      },
    });
    const browser = await launchBrowser();
    try {
      const headers = { "content-type": "application/json", "x-helpdesk-role": "helpdesk" };
      const descriptions = [
        "The wifi in the library is down",
        "Radiator in E104 is cold",
        "Canteen food was cold",
      ];
      for (const description of descriptions) {
        const ticket = await (await fetch(`${web.url}/api/v1/tickets`, {
          method: "POST",
          headers,
          body: JSON.stringify({ description }),
        })).json();
        if (description.startsWith("Canteen")) continue;
        const res = await fetch(`${web.url}/api/v1/tickets/${ticket.id}`, {
          method: "PATCH",
          headers: { ...headers, "if-match": ticket.version },
          body: JSON.stringify({ status: "active" }),
        });
        await res.body?.cancel();
      }

      const context = await browser.newContext();
      await context.addCookies([{ name: "helpdesk_role", value: "helpdesk", url: web.url }]);
      const page = await context.newPage();
      const errors: string[] = [];
      page.on("pageerror", (e) => errors.push(e.message));
      const axe = async (label: string) => {
        const { violations } = await new AxeBuilder({ page }).analyze();
        assert.deepEqual(violations.map((v) => `${v.id}: ${v.help}`), [], label);
      };

      await page.goto(web.url + "/dashboard");
      await page.locator(".chart svg").first().waitFor();
      assert.match(await page.locator("#analysis-title").textContent() ?? "", /Unclosed tickets/);
      await page.getByLabel("Number").fill("2");
      await page.getByLabel("Unit").selectOption("hours");
      await page.getByRole("button", { name: "Show analysis" }).click();
      await page.waitForURL(/amount=2/);
      assert.match(await page.locator("#analysis-title").textContent() ?? "", /2 hours/);
      await page.locator(".chart svg").first().waitFor();
      assert.match(await page.locator("table").first().textContent() ?? "", /3/);
      await axe("unclosed analysis");

      await page.getByLabel("Resolution time").check();
      await page.getByRole("button", { name: "Show analysis" }).click();
      await page.waitForURL(/analysis=resolution/);
      assert.match(await page.locator("#analysis-title").textContent() ?? "", /Resolution time/);
      await page.locator("table caption").first().waitFor();
      await axe("resolution analysis");

      await page.getByLabel("Active by category").check();
      await page.getByRole("button", { name: "Show analysis" }).click();
      await page.waitForURL(/analysis=active/);
      await page.locator(".chart svg").first().waitFor();
      const rows = await page.locator("table tbody tr").allTextContents();
      assert.ok(rows.some((r) => /Facility management\s*1/.test(r)), rows.join(" | "));
      assert.ok(rows.some((r) => /Technical IT\s*1/.test(r)), rows.join(" | "));
      assert.ok(rows.some((r) => /Services complaint\s*0/.test(r)), rows.join(" | "));
      await axe("active analysis");
      await Deno.mkdir(SCREENSHOT_DIR, { recursive: true });
      await page.screenshot({ path: `${SCREENSHOT_DIR}dashboard-desktop.png`, fullPage: true });

      // Stop one service: its analysis says unavailable, the others and the ticket pages keep working.
      await active.server.shutdown();
      await page.reload();
      await page.getByText("This analysis is unavailable right now.").waitFor();
      await page.goto(web.url + "/dashboard?analysis=unclosed");
      await page.locator(".chart svg").first().waitFor();
      await page.goto(web.url + "/tickets");
      assert.equal(await page.locator(".queue__row").count(), 3);
      assert.deepEqual(errors, []);
    } finally {
      await browser.close();
      await web.stop();
      for (const s of [unclosed, resolution, active]) await s.server.shutdown().catch(() => {});
    }
  },
);
