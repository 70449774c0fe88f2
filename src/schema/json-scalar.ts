/**
 * Values of the JSON scalar: any JSON value nested at most JSON_MAX_DEPTH levels deep. Checked with
 * an explicit stack (never recursion), so a 100,000-level variable is refused, not a stack overflow
 * in whatever later walks it (serialisation, the database, a vendor call).
 */
import { GraphQLError } from 'graphql';

/** Levels of objects/arrays a JSON argument may nest: `{}` is one level, `{"a":[1]}` two. */
export const JSON_MAX_DEPTH = 32;

export function parseJsonScalar(value: unknown): unknown {
  const stack: Array<{ v: unknown; depth: number }> = [{ v: value, depth: 0 }];
  while (stack.length) {
    const { v, depth } = stack.pop()!;
    if (v === null || typeof v !== 'object') continue;
    if (depth >= JSON_MAX_DEPTH) {
      throw new GraphQLError(`JSON: nested deeper than ${JSON_MAX_DEPTH} levels`, { extensions: { code: 'BAD_USER_INPUT' } });
    }
    for (const child of Array.isArray(v) ? v : Object.values(v)) if (child !== null && typeof child === 'object') stack.push({ v: child, depth: depth + 1 });
  }
  return value;
}
