/**
 * The OpenAPI document the app serves, linted by Redocly CLI with its recommended rules: no error, and no
 * warning but the ones listed here with the reason they stay.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { testApp } from "./helpers.ts";

/** Redocly CLI, pinned; run by this Deno (no Node needed), fetched from npm on first use. */
const REDOCLY = "npm:@redocly/cli@2.77.0";

/** Warnings of the recommended rules the document keeps, and why. */
const KEPT_WARNINGS: Record<string, string> = {
  "info-license": "the project has no license file, so the document names none rather than invent one",
};

interface LintProblem {
  ruleId: string;
  severity: "error" | "warn";
  message: string;
  location: { pointer: string }[];
}

/** Runs `redocly lint --format=json` on a document; its JSON report. */
async function lint(document: string): Promise<{ totals: { errors: number }; problems: LintProblem[] }> {
  const dir = await Deno.makeTempDir({ prefix: "openapi_lint_" });
  try {
    await Deno.writeTextFile(join(dir, "openapi.json"), document);
    const { stdout, stderr } = await new Deno.Command(Deno.execPath(), {
      // Outside the project's config and lock file: the CLI is a tool, not a dependency of the app.
      args: ["run", "-A", "--no-config", "--no-lock", REDOCLY, "lint", "--format=json", "openapi.json"],
      cwd: dir,
      env: { REDOCLY_TELEMETRY: "off", REDOCLY_SUPPRESS_UPDATE_NOTICE: "true", NO_COLOR: "1" },
      stdout: "piped",
      stderr: "piped",
    }).output();
    const report = new TextDecoder().decode(stdout);
    try {
      return JSON.parse(report);
    } catch {
      throw new Error(`redocly gave no JSON report:\n${report}\n${new TextDecoder().decode(stderr)}`);
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("[openapi] /api/v1/openapi.json lints clean with Redocly's recommended rules", async () => {
  const t = await testApp();
  try {
    const res = await t.app.request("/api/v1/openapi.json");
    assert.equal(res.status, 200);
    const report = await lint(await res.text());
    const describe = (p: LintProblem) => `${p.ruleId} at ${p.location[0]?.pointer}: ${p.message}`;
    assert.deepEqual(report.problems.filter((p) => p.severity === "error").map(describe), []);
    assert.equal(report.totals.errors, 0);
    const unexpected = report.problems.filter((p) => !(p.ruleId in KEPT_WARNINGS));
    assert.deepEqual(unexpected.map(describe), []);
  } finally {
    t.close();
  }
});
