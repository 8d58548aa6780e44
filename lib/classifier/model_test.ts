import assert from "node:assert/strict";
import fc from "fast-check";
import { extractFeatures } from "./features.ts";
import { CountTable, NaiveBayes } from "./model.ts";

function tinyBase(): CountTable {
  const table = new CountTable(2);
  table.add(extractFeatures("the heating is broken and the room is cold"), 0);
  table.add(extractFeatures("radiator leaking water"), 0);
  table.add(extractFeatures("wifi keeps dropping"), 1);
  table.add(extractFeatures("cannot log in to my email account"), 1);
  return table;
}

Deno.test("[classifier] naive Bayes probabilities sum to one and favour the matching class", () => {
  const model = new NaiveBayes(tinyBase());
  const heating = model.probabilities(extractFeatures("radiator cold"));
  assert.ok(Math.abs(heating[0] + heating[1] - 1) < 1e-12);
  assert.ok(heating[0] > heating[1]);
  const wifi = model.probabilities(extractFeatures("wifi dropping again"));
  assert.ok(wifi[1] > wifi[0]);
});

Deno.test("[classifier] unknown text gets uniform probabilities", () => {
  const model = new NaiveBayes(tinyBase());
  assert.deepEqual([...model.probabilities(extractFeatures(""))], [0.5, 0.5]);
  assert.deepEqual([...model.probabilities(extractFeatures("zzqx vvkpl"))], [0.5, 0.5]);
});

Deno.test("[classifier] learning changes only the learning model, never the shared base", () => {
  const base = tinyBase();
  const before = Float64Array.from(base.counts);
  const learner = new NaiveBayes(base);
  const bystander = new NaiveBayes(base);
  const text = extractFeatures("projector shows no signal");
  const bystanderBefore = bystander.probabilities(text);
  learner.learn(text, 0, 5);
  assert.ok(learner.probabilities(text)[0] > 0.9);
  assert.deepEqual([...bystander.probabilities(text)], [...bystanderBefore]);
  assert.deepEqual(base.counts, before);
});

Deno.test("[classifier] learning a text never lowers that class's probability for it", () => {
  fc.assert(
    fc.property(
      fc.string(),
      fc.integer({ min: 0, max: 1 }),
      fc.double({ min: 0.5, max: 20, noNaN: true }),
      (text, c, w) => {
        const model = new NaiveBayes(tinyBase());
        const vector = extractFeatures(text);
        const before = model.probabilities(vector)[c];
        model.learn(vector, c, w);
        assert.ok(model.probabilities(vector)[c] >= before - 1e-12);
      },
    ),
  );
});

Deno.test("[classifier] unlearning takes a document back exactly, whatever was learned around it", () => {
  const words = "wifi heating radiator email broken cold projector lift leaking dropping".split(" ");
  const text = fc.oneof(
    fc.string(),
    fc.array(fc.constantFrom(...words), { maxLength: 8 }).map((w) => w.join(" ")),
  );
  fc.assert(
    fc.property(
      fc.array(fc.tuple(text, fc.integer({ min: 0, max: 1 })), { maxLength: 6 }),
      text,
      (docs, probe) => {
        const base = tinyBase();
        const reference = new NaiveBayes(base);
        const model = new NaiveBayes(base);
        // The model learns everything (in reverse) and then unlearns every other document; the reference only
        // ever learns the documents kept, in order. Their probabilities must agree to the last bit.
        for (const [doc, c] of [...docs].reverse()) model.learn(extractFeatures(doc), c, 5);
        docs.forEach(([doc, c], i) => {
          if (i % 2 === 0) model.unlearn(extractFeatures(doc), c, 5);
          else reference.learn(extractFeatures(doc), c, 5);
        });
        for (const doc of [probe, ...docs.map(([doc]) => doc)]) {
          const vector = extractFeatures(doc);
          assert.deepEqual([...model.probabilities(vector)], [...reference.probabilities(vector)]);
        }
      },
    ),
  );
});

Deno.test("[classifier] unlearning a document never learned is refused and changes nothing", () => {
  const model = new NaiveBayes(tinyBase());
  const vector = extractFeatures("projector shows no signal");
  model.learn(vector, 0, 5);
  const before = [...model.probabilities(vector)];
  assert.throws(() => model.unlearn(vector, 1, 5), RangeError);
  assert.throws(() => model.unlearn(extractFeatures("lift stuck"), 0, 5), RangeError);
  assert.throws(() => model.learn(vector, 0, 0), RangeError);
  assert.deepEqual([...model.probabilities(vector)], before);
});
