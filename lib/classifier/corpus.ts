// The shipped labelled corpora. JSON imports need no read permission and are bundled with the module.

import { type Category, isCategory } from "../categories.ts";
import trainData from "./corpus/train.json" with { type: "json" };
import heldOutData from "./corpus/heldout.json" with { type: "json" };

/** A ticket description with its correct category. */
export interface LabelledText {
  text: string;
  category: Category;
}

/** The hand-written training corpus the shipped model is counted from. */
export const TRAINING_SET: readonly LabelledText[] = checked(trainData, "train.json");

/** The hand-written held-out corpus, written separately and never trained on; used only to evaluate. */
export const HELD_OUT_SET: readonly LabelledText[] = checked(heldOutData, "heldout.json");

// JSON imports are typed loosely (category: string), so a typo in a label is caught at load, not silently
// counted as a fourth class.
function checked(rows: readonly { text: string; category: string }[], file: string): LabelledText[] {
  return rows.map((row, i) => {
    if (!isCategory(row.category)) throw new Error(`${file} row ${i}: unknown category "${row.category}"`);
    return { text: row.text, category: row.category };
  });
}
