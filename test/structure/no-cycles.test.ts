/**
 * No import cycles anywhere in src/, type-only imports included (a type cycle still ties the files
 * together: neither can be understood, moved or split without the other). Found with Tarjan's
 * strongly connected components; a failure prints one cycle of each component.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SRC, importsOf, rel, sourceFiles } from './import-graph.ts';

/** For each strongly connected component with a cycle: one cycle through it, first file repeated at the end. */
function findCycles(graph: ReadonlyMap<string, readonly string[]>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const components: string[][] = [];
  const edges = (v: string) => (graph.get(v) ?? []).filter((w) => graph.has(w));
  // Iterative Tarjan: src/ is deep enough that recursion is a needless risk.
  for (const root of graph.keys()) {
    if (index.has(root)) continue;
    const work: Array<{ v: string; next: number }> = [{ v: root, next: 0 }];
    index.set(root, index.size);
    low.set(root, index.get(root)!);
    stack.push(root);
    onStack.add(root);
    while (work.length) {
      const top = work[work.length - 1];
      const out = edges(top.v);
      if (top.next < out.length) {
        const w = out[top.next++];
        if (!index.has(w)) {
          index.set(w, index.size);
          low.set(w, index.get(w)!);
          stack.push(w);
          onStack.add(w);
          work.push({ v: w, next: 0 });
        } else if (onStack.has(w)) low.set(top.v, Math.min(low.get(top.v)!, index.get(w)!));
        continue;
      }
      work.pop();
      if (work.length) low.set(work[work.length - 1].v, Math.min(low.get(work[work.length - 1].v)!, low.get(top.v)!));
      if (low.get(top.v) === index.get(top.v)) {
        const component: string[] = [];
        let w: string;
        do {
          w = stack.pop()!;
          onStack.delete(w);
          component.push(w);
        } while (w !== top.v);
        if (component.length > 1 || edges(top.v).includes(top.v)) components.push(component);
      }
    }
  }
  return components.map((c) => cycleWithin(c, edges));
}

/** The shortest cycle from the component's first file back to itself (breadth-first, inside the component). */
function cycleWithin(component: string[], edges: (v: string) => string[]): string[] {
  const members = new Set(component);
  const start = [...component].sort()[0];
  const parent = new Map<string, string>();
  const queue = [start];
  while (queue.length) {
    const v = queue.shift()!;
    for (const w of edges(v)) {
      if (!members.has(w)) continue;
      if (w === start) {
        const path = [v];
        while (path[0] !== start) path.unshift(parent.get(path[0])!);
        return [...path, start];
      }
      if (!parent.has(w)) {
        parent.set(w, v);
        queue.push(w);
      }
    }
  }
  return [start, start]; // unreachable for a strongly connected component
}

/** src/'s import graph: file → the files of src/ it imports. */
function srcGraph(): Map<string, string[]> {
  const files = sourceFiles(SRC);
  return new Map(files.map((f) => [f, importsOf(f, readFileSync(f, 'utf8')).flatMap((i) => (i.file ? [i.file] : []))]));
}

describe('import cycles', () => {
  it('there are none in src/ (type-only imports included)', () => {
    const graph = srcGraph();
    expect(graph.size).toBeGreaterThan(100);
    const cycles = findCycles(graph).map((c) => c.map(rel).join(' → '));
    expect(cycles, 'break each cycle: move the shared type to the lower layer (e.g. src/core/ports.ts) or pass it in').toEqual([]);
  });

  it('the check itself finds each cycle and prints it, self-imports too, and passes a cycle-free graph', () => {
    const g = (edges: Record<string, string[]>) => new Map(Object.entries(edges));
    expect(findCycles(g({ a: ['b'], b: ['c', 'x'], c: ['a'], x: [], d: ['e'], e: ['d'], s: ['s'] }))).toEqual(
      expect.arrayContaining([
        ['a', 'b', 'c', 'a'],
        ['d', 'e', 'd'],
        ['s', 's'],
      ]),
    );
    expect(findCycles(g({ a: ['b'], b: ['c', 'x'], c: ['a'], x: [], d: ['e'], e: ['d'], s: ['s'] }))).toHaveLength(3);
    expect(findCycles(g({ a: ['b', 'c'], b: ['c'], c: ['outside'], d: ['a'] }))).toEqual([]);
  });

  it('reads type-only imports, re-exports and import() types as edges', () => {
    const file = `${SRC}/core/x.ts`;
    const text = ["import type { A } from './a.ts';", "export * from './b.ts';", "type C = import('./c.ts').C;", "import { z } from 'zod';"].join('\n');
    expect(importsOf(file, text).map((i) => (i.file ? rel(i.file) : i.spec))).toEqual(['src/core/a.ts', 'src/core/b.ts', 'src/core/c.ts', 'zod']);
  });
});
