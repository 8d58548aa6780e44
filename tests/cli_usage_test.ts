import assert from "node:assert/strict";

const ROOT = new URL("..", import.meta.url).pathname;

const USAGE = {
  export: "usage: deno task export [FILE]   (JSON lines; standard output without FILE)",
  import: "usage: deno task import FILE   (JSON lines, as written by deno task export)",
  verify: "usage: deno task verify [--repair]",
  seed: "usage: deno task seed [--tickets N] [--seed INTEGER] [--now ISO-TIME] [--force]",
  eval_classifier: "usage: deno task eval:classifier [FILE]   (CSV with columns text,label[,source]; " +
    "the held-out campus corpus without FILE)",
};

/** Runs one CLI with `args` against a store that must stay untouched. */
async function run(cli: string, args: string[], kvPath: string) {
  const { code, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--config", `${ROOT}deno.json`, `cli/${cli}.ts`, ...args],
    cwd: ROOT,
    env: { HELPDESK_KV: kvPath },
    stdin: "null",
  }).output();
  return { code, stdout: new TextDecoder().decode(stdout), stderr: new TextDecoder().decode(stderr) };
}

Deno.test("[cli] a command line that does not fit the usage exits 2 with the usage line alone", async () => {
  const dir = await Deno.makeTempDir({ prefix: "cli_usage_" });
  try {
    const kvPath = `${dir}/kv.sqlite3`;
    const cases: [keyof typeof USAGE, string[]][] = [
      ["export", ["a.jsonl", "b.jsonl"]],
      ["export", ["--out=x"]],
      ["export", ["-"]],
      ["export", ["--", "x"]],
      ["import", []],
      ["import", ["a.jsonl", "b.jsonl"]],
      ["import", ["--help"]],
      ["import", ["-x"]],
      ["verify", ["extra"]],
      ["verify", ["--repair=1"]],
      ["verify", ["-r"]],
      ["verify", ["--repair", "extra"]],
      ["seed", ["extra"]],
      ["seed", ["--bogus"]],
      ["seed", ["--help"]],
      ["seed", ["--tickets"]],
      ["seed", ["--force=1"]],
      ["seed", ["--tickets", "0"]],
      ["seed", ["--seed", "1.5"]],
      ["seed", ["--now", "yesterday"]],
      ["eval_classifier", ["a.csv", "b.csv"]],
      ["eval_classifier", ["--help"]],
      ["eval_classifier", ["-"]],
    ];
    await Promise.all(cases.map(async ([cli, args]) => {
      const { code, stdout, stderr } = await run(cli, args, kvPath);
      const what = `${cli} ${args.join(" ")}`;
      assert.equal(code, 2, `${what}: ${stderr}`);
      assert.equal(stderr, USAGE[cli] + "\n", what);
      assert.equal(stdout, "", what);
    }));
    // Nothing ran, so no store was even created.
    await assert.rejects(Deno.stat(kvPath), Deno.errors.NotFound);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
