// Standard multi-class metrics, computed from (actual, predicted) pairs over the three categories.

import { CATEGORIES, type Category } from "../categories.ts";

/** Precision, recall and F1 of one category, with how many tickets truly belong to it. */
interface ClassMetrics {
  precision: number;
  recall: number;
  f1: number;
  support: number;
}

/** Accuracy, macro-F1, per-category metrics and the confusion matrix of one evaluation. */
export interface Evaluation {
  total: number;
  correct: number;
  accuracy: number;
  macroF1: number;
  perClass: Record<Category, ClassMetrics>;
  /** `confusion[actual][predicted]`, indexed in {@link CATEGORIES} order. */
  confusion: number[][];
}

/** One scored ticket: its true category and the one the classifier chose. */
interface Outcome {
  actual: Category;
  predicted: Category;
}

/** Computes accuracy, macro-F1, per-category precision/recall/F1 and the confusion matrix. */
export function evaluate(outcomes: Iterable<Outcome>): Evaluation {
  const confusion = CATEGORIES.map(() => CATEGORIES.map(() => 0));
  let total = 0;
  for (const { actual, predicted } of outcomes) {
    confusion[CATEGORIES.indexOf(actual)][CATEGORIES.indexOf(predicted)]++;
    total++;
  }
  const correct = CATEGORIES.reduce((sum, _, c) => sum + confusion[c][c], 0);
  const perClass = {} as Record<Category, ClassMetrics>;
  CATEGORIES.forEach((category, c) => {
    const truePositives = confusion[c][c];
    const predictedCount = confusion.reduce((sum, row) => sum + row[c], 0);
    const support = confusion[c].reduce((sum, n) => sum + n, 0);
    // An empty denominator means "nothing to get wrong" for neither metric, so it counts as 0, like
    // scikit-learn's zero_division=0; that keeps a never-predicted class from looking perfect.
    const precision = ratio(truePositives, predictedCount);
    const recall = ratio(truePositives, support);
    const f1 = ratio(2 * precision * recall, precision + recall);
    perClass[category] = { precision, recall, f1, support };
  });
  const macroF1 = CATEGORIES.reduce((sum, category) => sum + perClass[category].f1, 0) / CATEGORIES.length;
  return { total, correct, accuracy: ratio(correct, total), macroF1, perClass, confusion };
}

function ratio(numerator: number, denominator: number): number {
  return denominator === 0 ? 0 : numerator / denominator;
}
