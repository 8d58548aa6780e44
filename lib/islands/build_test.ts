import assert from "node:assert/strict";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { buildIslands } from "./build.ts";
import { MissingBuildError, readBuiltManifest } from "./build_cache.ts";
import type { IslandManifest } from "./manifest.ts";

// The repo's deno.json supplies the import map; the fixture lives in a temp dir outside the workspace.
const config = fileURLToPath(new URL("../../deno.json", import.meta.url));

/** Writes a tiny app: two islands sharing a component that lives outside the islands folder. */
async function writeFixture(): Promise<{ root: string; islandsDir: string; outDir: string }> {
  const root = await Deno.makeTempDir({ prefix: "islands_build_test_" });
  const islandsDir = join(root, "islands");
  await Deno.mkdir(islandsDir);
  await Deno.mkdir(join(root, "components"));
  await Deno.writeTextFile(
    join(root, "components", "Label.tsx"),
    `export function Label(props: { text: string }) { return <span class="label">{props.text}</span>; }\n`,
  );
  await Deno.writeTextFile(
    join(islandsDir, "Counter.tsx"),
    `import type { Signal } from "@preact/signals";
import { Label } from "../components/Label.tsx";
export default function Counter(props: { count: Signal<number> }) {
  return <button type="button" onClick={() => props.count.value++}><Label text="count" /> {props.count}</button>;
}
`,
  );
  await Deno.writeTextFile(
    join(islandsDir, "Greeting.tsx"),
    `import { useState } from "preact/hooks";
import { Label } from "../components/Label.tsx";
export default function Greeting(props: { name: string }) {
  const [open, setOpen] = useState(false);
  const more = () => import("../components/Label.tsx").then(() => setOpen(!open));
  return <p onClick={more}><Label text={props.name} />{open ? "!" : "?"}</p>;
}
`,
  );
  await Deno.writeTextFile(join(islandsDir, "Greeting_test.tsx"), `Deno.test("not an island", () => {});\n`);
  return { root, islandsDir, outDir: join(root, "static", "build") };
}

/** Every `import … from "x"`, `import "x"` and `import("x")` specifier in a minified chunk. */
function importSpecifiers(code: string): string[] {
  return [...code.matchAll(/\b(?:from|import)\s*\(?\s*"([^"]+)"/g)].map((match) => match[1]);
}

async function outputFiles(outDir: string): Promise<string[]> {
  const names: string[] = [];
  for await (const entry of Deno.readDir(outDir)) names.push(entry.name);
  return names.sort();
}

function fileOf(url: string): string {
  assert.match(url, /^\/static\/build\/[\w-]+\.js$/);
  return url.slice("/static/build/".length);
}

Deno.test("[islands] buildIslands writes hashed chunks whose imports all resolve in the output folder", async () => {
  const { root, islandsDir, outDir } = await writeFixture();
  const manifest = await buildIslands({ islandsDir, outDir, config });

  assert.deepEqual(Object.keys(manifest.islands), ["Counter", "Greeting"], "test files are not islands");
  assert.match(manifest.runtime, /^\/static\/build\/runtime-[0-9a-f]{12}\.js$/);
  assert.match(manifest.islands.Counter, /^\/static\/build\/Counter-[0-9a-f]{12}\.js$/);
  const files = await outputFiles(outDir);
  for (const url of [manifest.runtime, ...Object.values(manifest.islands)]) {
    assert.ok(files.includes(fileOf(url)), `${url} exists`);
  }
  let sharedPreact = 0;
  for (const file of files.filter((name) => name.endsWith(".js"))) {
    const code = await Deno.readTextFile(join(outDir, file));
    for (const specifier of importSpecifiers(code)) {
      assert.match(specifier, /^\.\/[\w-]+\.js$/, `${file} imports ${specifier} relatively`);
      assert.ok(files.includes(specifier.slice(2)), `${file} imports ${specifier}, which exists`);
    }
    // A regex from preact's core (unitless CSS properties) appears exactly once if preact is shared.
    if (code.includes("acit|ex(?:s|g|n|p|$)")) sharedPreact++;
  }
  assert.equal(sharedPreact, 1, "one copy of preact across all chunks");
  const runtime = await Deno.readTextFile(join(outDir, fileOf(manifest.runtime)));
  assert.match(runtime, /export\{\w+ as boot\}/);
  await Deno.remove(root, { recursive: true });
});

Deno.test("[islands] buildIslands skips an unchanged build and redoes a changed one", async () => {
  const { root, islandsDir, outDir } = await writeFixture();
  const first = await buildIslands({ islandsDir, outDir, config });
  const recordTime = async () => (await Deno.stat(join(outDir, "manifest.json"))).mtime?.getTime();
  const builtAt = await recordTime();

  const started = performance.now();
  const cached = await buildIslands({ islandsDir, outDir, config });
  const cachedMs = performance.now() - started;
  assert.deepEqual(cached, first);
  assert.equal(await recordTime(), builtAt, "the cached build wrote nothing");
  assert.ok(cachedMs < 1000, `a cached build is quick (${cachedMs.toFixed(0)} ms)`);

  // A component outside islands/ is part of the module graph, so editing it must rebuild.
  await Deno.writeTextFile(
    join(root, "components", "Label.tsx"),
    `export function Label(props: { text: string }) { return <em>{props.text}</em>; }\n`,
  );
  const changed: IslandManifest = await buildIslands({ islandsDir, outDir, config });
  assert.notEqual(changed.islands.Counter, first.islands.Counter);
  const files = await outputFiles(outDir);
  assert.ok(!files.includes(fileOf(first.islands.Counter)), "the previous build's files were removed");
  assert.ok(files.includes(fileOf(changed.islands.Counter)));
  await Deno.remove(root, { recursive: true });
});

Deno.test("[islands] readBuiltManifest returns what the build made, without building or writing", async () => {
  const { root, islandsDir, outDir } = await writeFixture();
  const built = await buildIslands({ islandsDir, outDir, config });
  const before = await outputFiles(outDir);
  // Sources changed since: a reader serves the build as made (building is the build step's job).
  await Deno.writeTextFile(join(islandsDir, "Counter.tsx"), "export default () => null;\n");
  assert.deepEqual(await readBuiltManifest(outDir), built);
  assert.deepEqual(await outputFiles(outDir), before, "nothing written");
  await Deno.remove(root, { recursive: true });
});

Deno.test("[islands] readBuiltManifest refuses a missing, damaged or partly copied build, naming what is missing", async () => {
  const { root, islandsDir, outDir } = await writeFixture();
  await assert.rejects(
    () => readBuiltManifest(outDir),
    (error: Error) => error instanceof MissingBuildError && /manifest\.json is missing/.test(error.message),
  );
  const manifest = await buildIslands({ islandsDir, outDir, config });
  const chunk = fileOf(manifest.islands.Greeting);
  await Deno.remove(join(outDir, chunk));
  await assert.rejects(
    () => readBuiltManifest(outDir),
    (error: Error) =>
      error instanceof MissingBuildError &&
      error.message.includes(`${chunk} listed in manifest.json is missing`),
  );
  await Deno.writeTextFile(join(outDir, "manifest.json"), "{ half a file");
  await assert.rejects(
    () => readBuiltManifest(outDir),
    (error: Error) => error instanceof MissingBuildError && /not a build manifest/.test(error.message),
  );
  await Deno.writeTextFile(join(outDir, "manifest.json"), "{}");
  await assert.rejects(() => readBuiltManifest(outDir), MissingBuildError);
  await Deno.remove(root, { recursive: true });
});
