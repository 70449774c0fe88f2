/**
 * A unified diff of two texts by lines (`-` before, `+` after, `context` unchanged lines around each
 * change, `@@ -line,count +line,count @@` hunk heads), to show what changed in an API report.
 * Longest common subsequence over the lines between the common head and tail: reports are a few
 * thousand lines and change in a few places.
 */
type Op = [' ' | '-' | '+', string];

function middleOps(a: string[], b: string[]): Op[] {
  const n = a.length;
  const m = b.length;
  // Past ~16M cells (two rewritten files of 4,000 lines), all of one, then all of the other.
  if (n * m > 16_000_000) return [...a.map((l): Op => ['-', l]), ...b.map((l): Op => ['+', l])];
  // lcs[i * (m + 1) + j]: the longest common subsequence of a[i..] and b[j..].
  const lcs = new Uint32Array((n + 1) * (m + 1));
  for (let i = n - 1; i >= 0; i--)
    for (let j = m - 1; j >= 0; j--) lcs[i * (m + 1) + j] = a[i] === b[j] ? lcs[(i + 1) * (m + 1) + j + 1] + 1 : Math.max(lcs[(i + 1) * (m + 1) + j], lcs[i * (m + 1) + j + 1]);
  const ops: Op[] = [];
  let i = 0;
  let j = 0;
  while (i < n && j < m) {
    if (a[i] === b[j]) {
      ops.push([' ', a[i++]]);
      j++;
    } else if (lcs[(i + 1) * (m + 1) + j] >= lcs[i * (m + 1) + j + 1]) ops.push(['-', a[i++]]);
    else ops.push(['+', b[j++]]);
  }
  while (i < n) ops.push(['-', a[i++]]);
  while (j < m) ops.push(['+', b[j++]]);
  return ops;
}

/** '' when the texts are equal. */
export function unifiedLineDiff(before: string, after: string, context = 3): string {
  if (before === after) return '';
  const a = before.split('\n');
  const b = after.split('\n');
  let head = 0;
  while (head < a.length && head < b.length && a[head] === b[head]) head++;
  let tail = 0;
  while (tail < a.length - head && tail < b.length - head && a[a.length - 1 - tail] === b[b.length - 1 - tail]) tail++;
  const ops: Op[] = [...a.slice(0, head).map((l): Op => [' ', l]), ...middleOps(a.slice(head, a.length - tail), b.slice(head, b.length - tail)), ...a.slice(a.length - tail).map((l): Op => [' ', l])];
  // Hunks: runs of changes closer than 2 × context lines apart, with their context.
  const changed = ops.flatMap(([kind], k) => (kind === ' ' ? [] : [k]));
  const hunks: Array<[number, number]> = [];
  for (const k of changed) {
    const last = hunks.at(-1);
    if (last && k - last[1] <= 2 * context + 1) last[1] = k;
    else hunks.push([k, k]);
  }
  const out: string[] = [];
  for (const [first, last] of hunks) {
    const start = Math.max(0, first - context);
    const end = Math.min(ops.length - 1, last + context);
    // Line numbers (1-based) where the hunk starts in each text: the ops before it that each text has.
    const preceding = ops.slice(0, start);
    const aStart = preceding.filter(([kind]) => kind !== '+').length + 1;
    const bStart = preceding.filter(([kind]) => kind !== '-').length + 1;
    const hunk = ops.slice(start, end + 1);
    out.push(`@@ -${aStart},${hunk.filter(([kind]) => kind !== '+').length} +${bStart},${hunk.filter(([kind]) => kind !== '-').length} @@`);
    for (const [kind, line] of hunk) out.push(`${kind}${line}`);
  }
  return out.join('\n');
}
