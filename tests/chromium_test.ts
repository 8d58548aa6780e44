/**
 * The browser tests find or fetch their own Chromium (tests/chromium.ts): the npm-shipped one launches and
 * renders text with real glyphs, and each way of failing says what to install or set.
 */
import assert from "node:assert/strict";
import { BROWSER_TEST, launchBrowser, SCREENSHOT_DIR } from "./browser_helpers.ts";
import { chromiumPath } from "./chromium.ts";

Deno.test("[browser] the npm-shipped Chromium launches headless and renders text", BROWSER_TEST, async () => {
  const path = await chromiumPath("npm-only");
  assert.match(path, /\/helpdesk-chromium-[^/]+\/chromium$/);
  assert.equal(await chromiumPath("npm-only"), path, "the result is cached");

  const browser = await launchBrowser("npm-only");
  try {
    const page = await browser.newPage();
    await page.goto(
      "data:text/html;charset=utf-8,<h1>ok</h1><p><span id=narrow>iiiiiiii</span> <span id=wide>WWWWWWWW</span></p>",
    );
    assert.equal(await page.locator("h1").textContent(), "ok");
    // A font was found: with none, every character is the same empty box and both runs are equally wide.
    const width = (id: string) => page.locator(`#${id}`).evaluate((e) => e.getBoundingClientRect().width);
    assert.ok((await width("wide")) > 2 * (await width("narrow")), "text is drawn with a real font");
    await Deno.mkdir(SCREENSHOT_DIR, { recursive: true });
    await page.screenshot({ path: `${SCREENSHOT_DIR}/chromium_npm.png` });
  } finally {
    await browser.close();
  }
});

/**
 * Runs chromiumPath() in a separate process with `env` (over the test's, whose own HELPDESK_CHROMIUM_SEARCH
 * does not apply there), so the test process's environment stays as it is.
 */
async function chromiumPathWith(env: Record<string, string>) {
  const { success, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
    args: [
      "eval",
      "--quiet",
      `import { chromiumPath } from "${import.meta.resolve("./chromium.ts")}";
      console.log(await chromiumPath());`,
    ],
    env: { HELPDESK_CHROMIUM_SEARCH: "auto", ...env },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  return { success, out: new TextDecoder().decode(stdout), err: new TextDecoder().decode(stderr) };
}

Deno.test("a HELPDESK_CHROMIUM that is not there is an error naming the variable and the path", async () => {
  const { success, err } = await chromiumPathWith({ HELPDESK_CHROMIUM: "/nonexistent/chromium" });
  assert.equal(success, false);
  assert.match(
    err,
    /HELPDESK_CHROMIUM is set to "\/nonexistent\/chromium", but that is not an executable file/,
  );
});

Deno.test("when npm cannot be reached either, the error says what to install or set, and why", async () => {
  const empty = await Deno.makeTempDir({ prefix: "helpdesk_chromium_test_" });
  try {
    const { success, err } = await chromiumPathWith({
      HELPDESK_CHROMIUM_SEARCH: "npm-only",
      TMPDIR: empty, // nothing unpacked yet
      DENO_DIR: `${empty}/deno`, // nothing downloaded yet
      NPM_CONFIG_REGISTRY: "http://127.0.0.1:9/", // and no registry
    });
    assert.equal(success, false);
    assert.match(
      err,
      /apt-get install chromium \(as root\), or set HELPDESK_CHROMIUM to a Chromium binary; fetching @sparticuz\/chromium from npm failed: \S/,
    );
  } finally {
    await Deno.remove(empty, { recursive: true });
  }
});
