/**
 * One walk over an operation's variable values, for the checks that bound them before anything is
 * coerced or resolved (reject-nul.ts: NUL in strings; list-items.ts: list length). Iterative (an
 * explicit stack, so 100,000 levels of nesting cost no call stack), parents before children, and the
 * path (`$f.cameraIds[1]`) is built only for the value found.
 */

/** The first value (in walk order) that `matches` (given its key: `$name` for a variable, a field name or an index), with its path; null when none does. */
export function findInVariables(variables: unknown, matches: (value: unknown, key: string | number) => boolean): { path: string; value: unknown } | null {
  type Entry = { v: unknown; key: string | number; parent: Entry | null };
  const stack: Entry[] = [];
  if (variables && typeof variables === 'object') for (const [k, v] of Object.entries(variables)) stack.push({ v, key: `$${k}`, parent: null });
  while (stack.length) {
    const e = stack.pop()!;
    if (matches(e.v, e.key)) return { path: pathOf(e), value: e.v };
    if (Array.isArray(e.v)) e.v.forEach((v, i) => stack.push({ v, key: i, parent: e }));
    else if (e.v && typeof e.v === 'object') for (const [k, v] of Object.entries(e.v)) stack.push({ v, key: k, parent: e });
  }
  return null;
}

function pathOf(e: { key: string | number; parent: unknown }): string {
  const keys: Array<string | number> = [];
  for (let x: typeof e | null = e; x; x = x.parent as typeof e | null) keys.push(x.key);
  return keys
    .reverse()
    .map((k, i) => (typeof k === 'number' ? `[${k}]` : i === 0 ? k : `.${k}`))
    .join('');
}
