/** An operation's error, in words, with its code (FORBIDDEN tells the key lacks a scope). */
import type { RequestError } from '../lib/graphql.ts';

export function ErrorNote({ error }: { error: RequestError | Error | null }) {
  if (!error) return null;
  const code = 'code' in error ? error.code : undefined;
  return (
    <p role="alert" className="error">
      {code === 'FORBIDDEN' ? 'This API key may not do that: ' : ''}
      {error.message}
      {code && code !== 'FORBIDDEN' ? ` (${code})` : ''}
    </p>
  );
}
