// The results table (plain text for the terminal, Markdown for the README) and the machine it ran on.
import { availableParallelism, cpus, release, totalmem } from "node:os";
import { readFileSync } from "node:fs";

export function machineInfo() {
  let cpu = cpus()[0]?.model ?? "unknown";
  try {
    cpu = /^model name\s*:\s*(.+)$/m.exec(readFileSync("/proc/cpuinfo", "utf8"))?.[1]?.trim() ?? cpu;
  } catch {
    // not Linux: os.cpus() it is
  }
  return {
    nproc: availableParallelism(),
    cpu,
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    os: `${process.platform} ${release()}`,
  };
}

export function formatValue(v, unit) {
  if (typeof v !== "number" || Number.isNaN(v)) return "—";
  switch (unit) {
    case "ms":
      return v >= 1000 ? `${(v / 1000).toFixed(2)} s` : `${v.toFixed(v >= 100 ? 0 : 1)} ms`;
    case "s":
      return `${v.toFixed(2)} s`;
    case "×":
      return `${v.toFixed(2)}×`;
    case "req/s":
      return `${Math.round(v).toLocaleString("en-US")}/s`;
    case "MB":
      return `${v.toFixed(1)} MB`;
    default:
      return Number.isInteger(v) ? v.toLocaleString("en-US") : v.toFixed(2);
  }
}

function cells(scenario, row) {
  const spread = row.n > 1 ? `${formatValue(row.min, row.unit)} – ${formatValue(row.max, row.unit)}` : row.n === 1 ? "(1 run)" : "";
  const value = formatValue(row.median, row.unit) + (row.note ? ` (${row.note})` : "");
  return [scenario, row.measure, value, spread, row.goal ?? "", row.status ?? ""];
}

const HEADER = ["Scenario", "Measure", "Median", "Spread (min – max)", "Goal", "Result"];

function tableRows(results) {
  return results.flatMap((s) => s.rows.map((row, i) => cells(i === 0 ? s.title : "", row)));
}

/** Fixed-width text table for the terminal. */
export function textTable(results) {
  const rows = [HEADER, ...tableRows(results)];
  const widths = HEADER.map((_, c) => Math.max(...rows.map((r) => [...r[c]].length)));
  const line = (r) =>
    r
      .map((cell, c) => cell + " ".repeat(widths[c] - [...cell].length))
      .join("  ")
      .trimEnd();
  return [line(rows[0]), widths.map((w) => "─".repeat(w)).join("  "), ...rows.slice(1).map(line)].join("\n");
}

/** The same table in Markdown (for README's Performance section). */
export function markdownTable(results) {
  const esc = (s) => s.replace(/\|/g, "\\|");
  const rows = tableRows(results);
  return [`| ${HEADER.join(" | ")} |`, `|${HEADER.map(() => "---").join("|")}|`, ...rows.map((r) => `| ${r.map(esc).join(" | ")} |`)].join(
    "\n",
  );
}
