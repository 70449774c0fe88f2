/**
 * Routes refuse unauthenticated requests: the kit replays, over real HTTP, a route request that led
 * to a publish() (recorded by recorder.ts while the simulator delivered events), with its
 * credentials removed, and expects 401 or 403 and no publish from it.
 *
 * Removed: the `authorization` and `cookie` headers, every header and query parameter whose name
 * looks like a credential (/auth|token|secret|sig|key|password/i), the ones named in
 * `ConformanceOptions.credentials`, and user:password in the URL (a client sends that as an
 * Authorization header, removed anyway). The body is sent as recorded (a credential inside the body
 * is the adapter's business; name it in a header or query instead).
 */
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import { waitUntil } from './live.ts';
import { REPLAY_HEADER, type AdapterRecording, type RouteRequestRecord } from './recorder.ts';
import type { ConformanceCheck, ConformanceOptions } from './types.ts';

export interface RouteAuthCheckDeps {
  rec: AdapterRecording;
  type: string;
  id: string;
  timeoutMs: number;
  credentials?: ConformanceOptions['credentials'];
  live(): Promise<void>;
  appUrl(): string;
}

export const CREDENTIAL_NAME = /auth|token|secret|sig|key|password/i;
/** Sent by the HTTP client itself (recomputed for the replay). */
const HOP_BY_HOP = new Set(['host', 'connection', 'content-length', 'transfer-encoding', 'keep-alive', 'expect', 'te', 'upgrade', 'proxy-connection']);

export interface StrippedRequest {
  url: URL;
  headers: Array<[string, string]>;
  removed: string[];
}

/** The request without its credentials, and what was removed (`header X-Auth-Key`, `query token`). */
export function stripCredentials(r: Pick<RouteRequestRecord, 'url' | 'rawHeaders'>, appUrl: string, named: ConformanceOptions['credentials'] = {}): StrippedRequest {
  const headerNames = new Set((named.headers ?? []).map((h) => h.toLowerCase()));
  const queryNames = new Set(named.query ?? []);
  const removed: string[] = [];
  const url = new URL(r.url, appUrl);
  if (url.username || url.password) {
    removed.push('user:password in the URL');
    url.username = '';
    url.password = '';
  }
  for (const name of [...new Set(url.searchParams.keys())]) {
    if (queryNames.has(name) || CREDENTIAL_NAME.test(name)) {
      url.searchParams.delete(name);
      removed.push(`query parameter ${name}`);
    }
  }
  const headers: Array<[string, string]> = [];
  for (let i = 0; i + 1 < r.rawHeaders.length; i += 2) {
    const [name, value] = [r.rawHeaders[i], r.rawHeaders[i + 1]];
    const lower = name.toLowerCase();
    if (HOP_BY_HOP.has(lower) || lower === REPLAY_HEADER) continue;
    if (lower === 'authorization' || lower === 'cookie' || headerNames.has(lower) || CREDENTIAL_NAME.test(lower)) {
      if (!removed.includes(`header ${name}`)) removed.push(`header ${name}`);
      continue;
    }
    headers.push([name, value]);
  }
  return { url, headers, removed };
}

function send(method: string, url: URL, headers: Array<[string, string]>, body: Buffer, timeoutMs: number): Promise<{ status: number; body: string }> {
  const byName: Record<string, string | string[]> = {};
  for (const [name, value] of headers) {
    const had = byName[name];
    byName[name] = had === undefined ? value : [...(Array.isArray(had) ? had : [had]), value];
  }
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method, agent: false, headers: { ...byName, 'content-length': String(body.length), connection: 'close' } }, (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (c: Buffer) => {
        size += c.length;
        if (size <= 4096) chunks.push(c);
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8').slice(0, 300) }));
      res.on('error', reject);
    });
    req.setTimeout(timeoutMs, () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end(body);
  });
}

export function routeAuthCheck(deps: RouteAuthCheckDeps): ConformanceCheck {
  const { rec } = deps;
  return {
    name: 'routes: a request that led to an event is refused (401 or 403) when replayed without its credentials',
    run: async () => {
      await deps.live();
      const candidates = rec.routeRequests.filter((r) => !r.replay && r.publishes.length > 0 && r.body !== null && r.handlerDone);
      const original = candidates.findLast((r) => r.status !== undefined && r.status >= 200 && r.status < 300) ?? candidates.at(-1);
      if (!original)
        return {
          skipped: rec.routeRequests.some((r) => r.publishes.length && r.bodyTooLarge)
            ? 'every route request that led to a publish() had a body over 10 MB (not replayable)'
            : 'no request to its routes led to a publish() while the simulator delivered events (a poll or socket adapter)',
        };
      const { url, headers, removed } = stripCredentials(original, deps.appUrl(), deps.credentials);
      const marker = randomUUID();
      const what = `${original.method} ${original.path}`;
      const answer = await send(original.method, url, [...headers, [REPLAY_HEADER, marker]], original.body!, deps.timeoutMs);
      const replay = await waitUntil(
        () => rec.routeRequests.find((r) => r.replay === marker && r.handlerDone),
        deps.timeoutMs,
        `the handler of the replayed ${what} to finish`,
        () => `it answered ${answer.status}; ${rec.routeRequests.some((r) => r.replay === marker) ? 'the handler has not returned' : 'the request did not reach the route handler'}`,
      );
      await waitUntil(() => replay.publishes.every((p) => p.result !== undefined || p.error !== undefined), deps.timeoutMs, 'the publish() of the replayed request to settle');
      const without = removed.length
        ? `without ${removed.join(', ')}`
        : 'as the vendor sent it: it carried no credentials to remove (name them in ConformanceOptions.credentials if they have other names)';
      const stored = replay.publishes.filter((p) => p.error === undefined).length;
      if (answer.status >= 200 && answer.status < 300)
        throw new Error(
          `the route ${what} accepts a request without credentials: replayed ${without}, it answered ${answer.status}${stored ? ` and published ${stored} event(s)` : ''}. Check the vendor's credentials (ctx.config) before anything else and answer 401 or 403`,
        );
      if (replay.publishes.length)
        throw new Error(`the route ${what} called publish() for a request without credentials (replayed ${without}) before answering ${answer.status}: check the credentials before publishing`);
      if (answer.status !== 401 && answer.status !== 403)
        throw new Error(`the route ${what} answered ${answer.status} (${answer.body}) to a request without credentials (replayed ${without}): expected 401 or 403`);
    },
  };
}
