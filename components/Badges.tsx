import { type Category, CATEGORY_LABELS } from "../lib/categories.ts";
import type { Status } from "../lib/data/types.ts";

/** Human labels of the statuses. */
export const STATUS_LABELS: Record<Status, string> = { open: "Open", active: "Active", closed: "Closed" };

/** A coloured badge naming a ticket's status. */
export function StatusBadge({ status }: { status: Status }) {
  return <span class={`badge badge--status-${status}`}>{STATUS_LABELS[status]}</span>;
}

/** A badge naming a ticket's category. */
export function CategoryBadge({ category }: { category: Category }) {
  return <span class={`badge badge--${category}`}>{CATEGORY_LABELS[category]}</span>;
}

/** A warning badge asking staff to check an automatically chosen category. */
export function CheckCategoryBadge() {
  return <span class="badge badge--check" title="The automatic category is uncertain">Check category</span>;
}
