/**
 * A frappe-charts bar chart of one analytics answer. The server renders only an empty, aria-hidden box —
 * the numbers are in the accessible table next to it — and the browser draws the chart into it, so the
 * page is complete without JavaScript and the chart is an enhancement.
 */
import { useEffect, useRef } from "preact/hooks";
// The ESM build by path: the package's "main" is CommonJS and its "browser" build is UMD.
import { Chart } from "frappe-charts/dist/frappe-charts.min.esm.js";
import { defineIsland } from "../lib/islands/define_island.tsx";

/** Props of the chart: labels along the x axis and one or more series of values. */
interface AnalyticsChartProps {
  labels: string[];
  datasets: { name: string; values: number[] }[];
  /** Unit shown after a value in the tooltip, e.g. "hours". */
  unit: string;
  /** Extra words for some labels in the tooltip, e.g. "no ticket closed" for an empty month. */
  notes?: Record<string, string>;
}

/** Colours on white with at least 3:1 contrast for graphics (WCAG 1.4.11). */
const COLORS = ["#1f4fd1", "#b45309", "#0f766e"];

interface FrappeChart {
  unbindWindowEvents?: () => void;
}

/** The chart box; the chart itself appears once the browser runs the island. */
function AnalyticsChart(props: AnalyticsChartProps) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!box.current) return;
    const notes = props.notes ?? {};
    const chart = new (Chart as unknown as new (parent: HTMLElement, options: unknown) => FrappeChart)(
      box.current,
      {
        type: "bar",
        height: 260,
        data: { labels: props.labels, datasets: props.datasets },
        colors: COLORS,
        // frappe animates by swapping its SVG for a copy for a moment; a redraw in that moment (a resize)
        // then removes an element that is not there and throws. The chart appears at once instead.
        animate: 0,
        barOptions: { spaceRatio: 0.35 },
        // Series labels thin out on narrow screens instead of overlapping.
        axisOptions: { xIsSeries: props.labels.length > 6 ? 1 : 0, xAxisMode: "tick", yAxisMode: "span" },
        tooltipOptions: {
          formatTooltipX: (label: string) => notes[label] ? `${label} (${notes[label]})` : label,
          // frappe also formats while it sets up, before values exist.
          formatTooltipY: (value: number | undefined) =>
            typeof value === "number"
              ? `${value.toLocaleString("en", { maximumFractionDigits: 1 })} ${props.unit}`
              : "",
        },
      },
    );
    return () => chart.unbindWindowEvents?.();
  }, []);
  // The table beside the chart carries the same numbers for assistive technology.
  return <div class="chart" ref={box} aria-hidden="true"></div>;
}

/** The AnalyticsChart island: rendered on the server with its hydration marker, hydrated in the browser. */
export default defineIsland("AnalyticsChart", AnalyticsChart);
