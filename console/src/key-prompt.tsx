/** The API key prompt (shown when the server has keys configured and this tab has none that works). */
import { type FormEvent, useEffect, useRef, useState } from 'react';

export function KeyPrompt({ error, onKey }: { error: string | null; onKey(key: string): void }) {
  const [key, setKey] = useState('');
  const input = useRef<HTMLInputElement>(null);
  useEffect(() => input.current?.focus(), []);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (key.trim()) onKey(key.trim());
  };
  return (
    <main className="center">
      <form className="card key-prompt" onSubmit={submit}>
        <h1>Sign in</h1>
        <p>This server needs an API key. It is kept in this browser tab only (sessionStorage).</p>
        <label htmlFor="api-key">API key</label>
        <input id="api-key" name="api-key" type="password" autoComplete="off" ref={input} value={key} onChange={(e) => setKey(e.target.value)} aria-describedby={error ? 'key-error' : undefined} />
        {error && (
          <p id="key-error" role="alert" className="error">
            {error}
          </p>
        )}
        <button type="submit">Sign in</button>
      </form>
    </main>
  );
}
