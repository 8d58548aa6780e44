/** Script and HTML in a description or a message never execute in any page. */
import assert from "node:assert/strict";
import { BROWSER_TEST, withBrowser } from "./browser_helpers.ts";

const PAYLOAD = `<script>window.__xss = 1</script><img src=x onerror="window.__xss = 2">` +
  `</textarea><svg onload="window.__xss = 3"></svg>"'><iframe srcdoc="<script>parent.__xss=4</script>">`;

Deno.test(
  "[browser] script in descriptions and messages never runs",
  BROWSER_TEST,
  withBrowser(async (browser, url) => {
    const headers = { "content-type": "application/json", "x-helpdesk-role": "reporter" };
    const ticket = await (await fetch(`${url}/api/v1/tickets`, {
      method: "POST",
      headers,
      body: JSON.stringify({ description: PAYLOAD }),
    })).json();
    const sent = await fetch(`${url}/api/v1/tickets/${ticket.id}/messages`, {
      method: "POST",
      headers,
      body: JSON.stringify({ text: PAYLOAD, authorName: `<b onmouseover="window.__xss=5">x</b>` }),
    });
    assert.equal(sent.status, 201);
    await sent.body?.cancel();

    for (const role of ["reporter", "helpdesk"]) {
      const context = await browser.newContext();
      await context.addCookies([{ name: "helpdesk_role", value: role, url: url }]);
      const page = await context.newPage();
      const dialogs: string[] = [];
      page.on("dialog", (d) => {
        dialogs.push(d.message());
        d.dismiss();
      });
      for (const path of ["/tickets", `/tickets/${ticket.id}`]) {
        await page.goto(url + path);
        await page.waitForLoadState("networkidle").catch(() => {});
        assert.equal(
          await page.evaluate(() => (window as unknown as { __xss?: number }).__xss),
          undefined,
          path,
        );
      }
      // The payload is shown as text.
      assert.match(await page.locator(".ticket__description").textContent() ?? "", /<script>window.__xss/);
      // And a message arriving live is shown as text too.
      await page.locator(".live-dot").waitFor();
      await fetch(`${url}/api/v1/tickets/${ticket.id}/messages`, {
        method: "POST",
        headers,
        body: JSON.stringify({ text: PAYLOAD + role }),
      }).then((r) => r.body?.cancel());
      await page.locator(".bubble", { hasText: "iframe srcdoc" }).nth(1).waitFor();
      assert.equal(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss), undefined);
      assert.deepEqual(dialogs, []);
      await context.close();
    }
  }),
);
