/** The result rows of a run: printed as one table at the end, optionally written as JSON. */
import { writeFileSync } from 'node:fs';

export interface ResultRow {
  benchmark: string;
  /** Our figure, formatted with its unit. */
  ours: string;
  /** The bare floor measured in the same run ('—' when the quality bar defines none). */
  floor: string;
  /** ours ÷ floor (throughput: higher is better; latency: lower is better), or '—'. */
  ratio: string;
  target: string;
  pass: boolean | null;
  /** Raw numbers for the JSON file. */
  values?: Record<string, unknown>;
  note?: string;
}

export function ratio(ours: number, floor: number): string {
  return Number.isFinite(ours) && Number.isFinite(floor) && floor > 0 ? `${(ours / floor).toFixed(2)}×` : '—';
}

export function failedRow(benchmark: string, target: string, err: unknown): ResultRow {
  const message = err instanceof Error ? err.message : String(err);
  return { benchmark, ours: 'error', floor: '—', ratio: '—', target, pass: false, note: message.split('\n')[0] };
}

export function printTable(rows: ResultRow[], header: string): string {
  const head = ['benchmark', 'ours', 'floor', 'ratio', 'target', 'pass/fail'];
  const body = rows.map((r) => [r.benchmark, r.ours, r.floor, r.ratio, r.target, r.pass === null ? 'n/a' : r.pass ? 'PASS' : 'FAIL']);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
  const out = [header, line(head), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...body.map(line)];
  const notes = rows.filter((r) => r.note).map((r) => `  * ${r.benchmark}: ${r.note}`);
  if (notes.length) out.push('', 'Notes:', ...notes);
  return out.join('\n');
}

export function writeJson(path: string, meta: Record<string, unknown>, rows: ResultRow[]): void {
  writeFileSync(path, `${JSON.stringify({ ...meta, results: rows }, null, 2)}\n`);
}
