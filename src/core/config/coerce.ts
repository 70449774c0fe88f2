/**
 * Config values from `${VAR}` are strings. Where a schema expects a number or a boolean, a string
 * that is one (`"4001"`, `"2.5"`, `"true"`, `"false"`) is read as one: `tcpPort: ${FF_PORT}` works.
 * Guided by the schema's own issues (so adapters' schemas need nothing): parse, convert the strings
 * at "expected number/boolean" issues, parse again. A string that is no such value is refused
 * with a message that shows it (`expected a number, got "abc"`).
 */
import type { z } from 'zod';

type Scalar = 'number' | 'boolean';
type Path = PropertyKey[];

export type ConfigParseResult<T> = { success: true; data: T } | { success: false; issues: { path: Path; message: string }[] };

const isScalar = (expected: unknown): expected is Scalar => expected === 'number' || expected === 'boolean';
const NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

export function parseCoercingStrings<T extends z.ZodType>(schema: T, value: unknown): ConfigParseResult<z.output<T>> {
  let input = value;
  for (;;) {
    const r = schema.safeParse(input);
    if (r.success) return { success: true, data: r.data };
    let converted = false;
    for (const { path, expected } of scalarIssues(r.error.issues)) {
      const text = valueAt(input, path);
      const scalar = typeof text === 'string' ? scalarOf(text, expected) : undefined;
      if (scalar === undefined) continue;
      input = withValueAt(input, path, scalar);
      converted = true; // each round turns at least one string into a scalar, so this ends
    }
    if (!converted) return { success: false, issues: r.error.issues.map((issue) => ({ path: issue.path as Path, message: messageOf(issue, input) })) };
  }
}

/** `text` as the scalar a schema expects, or undefined when it is not one. */
function scalarOf(text: string, expected: Scalar): number | boolean | undefined {
  const t = text.trim();
  if (expected === 'number') return NUMBER.test(t) ? Number(t) : undefined;
  return t === 'true' ? true : t === 'false' ? false : undefined;
}

/** Where the schema expected a number or a boolean, including inside a union's alternatives. */
function scalarIssues(issues: readonly z.core.$ZodIssue[], base: Path = []): { path: Path; expected: Scalar }[] {
  const out: { path: Path; expected: Scalar }[] = [];
  for (const issue of issues) {
    const path = [...base, ...(issue.path as Path)];
    if (issue.code === 'invalid_type' && isScalar(issue.expected)) out.push({ path, expected: issue.expected });
    else if (issue.code === 'invalid_union') for (const alternative of issue.errors) out.push(...scalarIssues(alternative, path));
  }
  return out;
}

function messageOf(issue: z.core.$ZodIssue, input: unknown): string {
  const text = valueAt(input, issue.path as Path);
  if (issue.code === 'invalid_type' && isScalar(issue.expected) && typeof text === 'string') return `expected a ${issue.expected}, got ${JSON.stringify(text)}`;
  return issue.message;
}

function valueAt(root: unknown, path: Path): unknown {
  let v = root;
  for (const key of path) v = v !== null && typeof v === 'object' ? (v as Record<PropertyKey, unknown>)[key] : undefined;
  return v;
}

/** A copy of `root` with `value` at `path` (containers along the path copied, the caller's left alone). */
function withValueAt(root: unknown, path: Path, value: unknown): unknown {
  if (!path.length) return value;
  const [key, ...rest] = path;
  const copy = (Array.isArray(root) ? [...root] : { ...(root as object) }) as Record<PropertyKey, unknown>;
  copy[key] = withValueAt(copy[key], rest, value);
  return copy;
}
