/**
 * Compares two V8 heap snapshots (BENCH_HEAP_SNAPSHOT=1 in idle-subscribers): self size and count
 * by constructor (objects) or by kind (strings, arrays, closures by function name, …), the growth
 * from the first to the second, optionally divided by `per` (e.g. the number of subscribers added).
 *
 *   node --max-old-space-size=4096 --import tsx bench/heap-diff.ts BEFORE.heapsnapshot AFTER.heapsnapshot [per=1] [top=40] [KEY]
 *
 * With KEY (a row's label, e.g. "(array)" or "Object"), the rows are that kind's objects grouped by
 * their first retainer (`Owner.edge`), to see whose they are.
 */
import { readFileSync } from 'node:fs';

interface Snapshot {
  snapshot: { meta: { node_fields: string[]; node_types: [string[]]; edge_fields: string[]; edge_types: [string[]] } };
  nodes: number[];
  edges: number[];
  strings: string[];
}

function tally(path: string, only?: string): Map<string, { size: number; count: number }> {
  const s = JSON.parse(readFileSync(path, 'utf8')) as Snapshot;
  const f = s.snapshot.meta.node_fields;
  const [ti, ni, si, ei, w] = [f.indexOf('type'), f.indexOf('name'), f.indexOf('self_size'), f.indexOf('edge_count'), f.length];
  const types = s.snapshot.meta.node_types[0];
  const label = (i: number) => {
    const type = types[s.nodes[i + ti]];
    const name = s.strings[s.nodes[i + ni]];
    return type === 'object' || type === 'native'
      ? name
      : type === 'closure'
        ? `closure ${name || '(anonymous)'}`
        : type === 'hidden' || type === 'code'
          ? `${type} ${name.slice(0, 40)}`
          : `(${type})`;
  };
  // First retainer of every node (by node offset), when grouping one kind by owner.
  const owner = new Map<number, string>();
  if (only) {
    const ef = s.snapshot.meta.edge_fields;
    const [eti, eni, eto, ew] = [ef.indexOf('type'), ef.indexOf('name_or_index'), ef.indexOf('to_node'), ef.length];
    const etypes = s.snapshot.meta.edge_types[0];
    let e = 0;
    for (let i = 0; i < s.nodes.length; i += w) {
      for (let k = 0; k < s.nodes[i + ei]; k++, e += ew) {
        const to = s.edges[e + eto];
        if (owner.has(to) || label(to) !== only) continue;
        const et = etypes[s.edges[e + eti]];
        if (et === 'weak') continue;
        const edge = et === 'element' || et === 'hidden' ? `[${et}]` : s.strings[s.edges[e + eni]];
        owner.set(to, `${label(i)}.${edge}`);
      }
    }
  }
  const out = new Map<string, { size: number; count: number }>();
  for (let i = 0; i < s.nodes.length; i += w) {
    let key = label(i);
    if (only) {
      if (key !== only) continue;
      key = owner.get(i) ?? '(no retainer)';
    }
    const e = out.get(key) ?? { size: 0, count: 0 };
    e.size += s.nodes[i + si];
    e.count++;
    out.set(key, e);
  }
  return out;
}

const [a, b, perArg, topArg, only] = process.argv.slice(2);
if (!a || !b) {
  process.stderr.write('usage: bench/heap-diff.ts BEFORE.heapsnapshot AFTER.heapsnapshot [per] [top]\n');
  process.exit(2);
}
const per = Number(perArg ?? 1);
const top = Number(topArg ?? 40);
const [x, y] = [tally(a, only), tally(b, only)];
const rows = [...new Set([...x.keys(), ...y.keys()])].map((k) => {
  const [p, q] = [x.get(k) ?? { size: 0, count: 0 }, y.get(k) ?? { size: 0, count: 0 }];
  return { k, size: q.size - p.size, count: q.count - p.count };
});
rows.sort((r, s) => s.size - r.size);
const total = rows.reduce((t, r) => t + r.size, 0);
process.stdout.write(`growth ${(total / 1048576).toFixed(1)} MB; per ${per}: ${(total / per).toFixed(0)} B\n`);
process.stdout.write(`${'bytes/per'.padStart(10)} ${'count/per'.padStart(10)}  what\n`);
for (const r of rows.slice(0, top)) process.stdout.write(`${(r.size / per).toFixed(0).padStart(10)} ${(r.count / per).toFixed(2).padStart(10)}  ${r.k}\n`);
