/**
 * The IVMS REST API (document §3) as pure routing: method + path in, a reply description out.
 *
 * Every application reply is the envelope `{status, code, description, message, uri, result}` sent
 * with HTTP 200, whatever `code` says (the document never shows an HTTP status and gives the
 * envelope as "the failure response"; the site-down reply is known to come with HTTP 200).
 * Quirks kept from the document: the start reply's `sesssionId` (three s), the archive keepalive
 * message without "!", `uri` without the path prefix for the stream calls, a relative `uri` for
 * channel/status. Paths that match no endpoint get a plain HTTP 404, wrong methods HTTP 405.
 */
import { channelJson, channelStatusJson, MAX_CHANNEL_ID, type SimChannel } from './channels.ts';
import type { StreamKind } from './hls.ts';

export interface Outcome {
  status: number;
  code: number;
  description: string;
  message: string;
}

export const OUTCOMES = {
  retrieved: { status: 2000, code: 200, description: 'OK', message: 'Successfully Retrieved!' },
  applied: { status: 2007, code: 200, description: 'OK', message: 'Successfully Applied!' },
  /** §3.11's sample: the archive keepalive says "Successfully Applied" without "!". */
  appliedArchive: { status: 2007, code: 200, description: 'OK', message: 'Successfully Applied' },
  siteDown: { status: 1504, code: 500, description: 'Internal Server Error', message: 'Cannot connect the site VMS server.' },
  badParams: { status: 3002, code: 422, description: 'Unprocessable Entity', message: 'Unable to process! Please check your request parameters!' },
  noChannel: { status: 3110, code: 404, description: 'Not Found', message: 'There is no channel or invalid channel id!' },
} satisfies Record<string, Outcome>;

export interface Envelope extends Outcome {
  uri: string;
  result: unknown[];
}

export function envelope(outcome: Outcome, uri: string, result: unknown[] = []): Envelope {
  return { ...outcome, uri, result };
}

export type RestReply =
  | { type: 'json'; body: Envelope }
  | { type: 'binary'; contentType: string; filename: string; body: Buffer; delayMs: number }
  | { type: 'plain'; httpStatus: number; text: string };

export interface StartedStream {
  sessionId: number;
  hlsURL: string;
}

/** What the routes need from the simulator. */
export interface RestBackend {
  /** e.g. http://127.0.0.1:PORT */
  baseUrl: string;
  prefix: string;
  archiveMethods: readonly string[];
  channels(): readonly SimChannel[];
  start(kind: StreamKind, channel: SimChannel, width: number, height: number, withAudio: boolean, startTs?: number): StartedStream;
  /** False when the session is unknown, of the other kind, stopped or expired. */
  keepalive(kind: StreamKind, sessionId: string): boolean;
  stop(kind: StreamKind, sessionId: string): boolean;
  eventMedia(eventId: number, what: 'snap' | 'clip'): { body: Buffer; delayMs: number } | undefined;
}

const LONG_RE = /^\d{1,18}$/;
const INT_RE = /^\d{1,9}$/;

const asShort = (s: string): number | undefined => (INT_RE.test(s) && Number(s) <= MAX_CHANNEL_ID ? Number(s) : undefined);
const asDimension = (s: string): number | undefined => (INT_RE.test(s) && Number(s) >= 1 && Number(s) <= 10_000 ? Number(s) : undefined);
const asAudioFlag = (s: string): boolean | undefined => (s === '0' ? false : s === '1' ? true : undefined);

/** Start timestamps in epoch ms (unverified; seconds are accepted too) up to a minute in the future. */
function asStartTimestamp(s: string, now: number): number | undefined {
  if (!LONG_RE.test(s)) return undefined;
  const n = Number(s);
  const ms = n < 1e11 ? n * 1000 : n;
  return ms <= now + 60_000 ? n : undefined;
}

const notFound: RestReply = { type: 'plain', httpStatus: 404, text: 'Not Found' };
const wrongMethod: RestReply = { type: 'plain', httpStatus: 405, text: 'Method Not Allowed' };

/**
 * Routes `path` (already without the query string). Returns undefined when the path is not under
 * `${prefix}/REST/local`, so the caller can try other handlers.
 */
export function routeRest(method: string, rawPath: string, api: RestBackend, now = Date.now()): RestReply | undefined {
  const root = `${api.prefix}/REST/local/`;
  if (!rawPath.startsWith(root)) return undefined;
  const rest = rawPath.slice(root.length).replace(/\/$/, '');
  const parts = rest.split('/');
  const fullUri = `${api.baseUrl}${rawPath}`;
  const streamUri = `${api.baseUrl}/REST/local/${rest}`; // the document's stream-call samples omit the prefix
  const json = (outcome: Outcome, result: unknown[] = [], uri = fullUri): RestReply => ({ type: 'json', body: envelope(outcome, uri, result) });
  const getOnly = (reply: () => RestReply): RestReply => (method === 'GET' ? reply() : wrongMethod);
  const [head, a, b, c, d, e] = parts;

  if (head === 'channel' && parts.length === 1) {
    return getOnly(() => json(OUTCOMES.retrieved, api.channels().map(channelJson)));
  }
  if (head === 'channel' && parts.length === 2) {
    // §3.3 shows `"result": [{ 501 }]`, which is not JSON: the count is sent as `[501]`.
    if (a === 'count') return getOnly(() => json(OUTCOMES.retrieved, [api.channels().length]));
    if (a === 'status') return getOnly(() => json(OUTCOMES.retrieved, channelStatusJson(api.channels()), rawPath));
    return getOnly(() => {
      const id = asShort(a);
      if (id === undefined) return json(OUTCOMES.badParams);
      const index = api.channels().findIndex((ch) => ch.id === id);
      return index < 0 ? json(OUTCOMES.noChannel) : json(OUTCOMES.retrieved, [channelJson(api.channels()[index], index)]);
    });
  }
  if (head === 'event' && parts.length === 3 && (b === 'snap' || b === 'clip')) {
    return getOnly(() => {
      const media = LONG_RE.test(a) ? api.eventMedia(Number(a), b) : undefined;
      if (!media) return json(OUTCOMES.badParams);
      const snap = b === 'snap';
      // The document gives the content type as "NA": octet-stream, so clients must sniff the bytes.
      return { type: 'binary', contentType: 'application/octet-stream', filename: `${a}.${snap ? 'jpg' : 'ts'}`, body: media.body, delayMs: media.delayMs };
    });
  }
  const startReply = (kind: StreamKind, ch: string, w: string, h: string, audio: string, ts?: string): RestReply => {
    const channelId = asShort(ch);
    const width = asDimension(w);
    const height = asDimension(h);
    const withAudio = asAudioFlag(audio);
    const startTs = ts === undefined ? undefined : asStartTimestamp(ts, now);
    if (channelId === undefined || width === undefined || height === undefined || withAudio === undefined || (kind === 'archive' && startTs === undefined)) {
      return json(OUTCOMES.badParams, [], streamUri);
    }
    const channel = api.channels().find((x) => x.id === channelId);
    if (!channel) return json(OUTCOMES.noChannel, [], streamUri);
    const started = api.start(kind, channel, width, height, withAudio, startTs);
    return json(OUTCOMES.applied, [{ sesssionId: started.sessionId, hlsURL: started.hlsURL }], streamUri);
  };
  if (head === 'startlive' && parts.length === 5) return getOnly(() => startReply('live', a, b, c, d));
  if (head === 'startarchive' && parts.length === 6) {
    return api.archiveMethods.includes(method) ? startReply('archive', a, b, c, e, d) : wrongMethod;
  }
  const sessionCall = (kind: StreamKind, op: 'keepalive' | 'stop', sid: string): RestReply =>
    getOnly(() => {
      const ok = LONG_RE.test(sid) && (op === 'keepalive' ? api.keepalive(kind, sid) : api.stop(kind, sid));
      if (!ok) return json(OUTCOMES.badParams, [], streamUri);
      return json(op === 'keepalive' && kind === 'archive' ? OUTCOMES.appliedArchive : OUTCOMES.applied, [], streamUri);
    });
  if ((head === 'live' || head === 'archive') && a === 'keepalive' && parts.length === 3) return sessionCall(head, 'keepalive', b);
  if (head === 'stoplive' && parts.length === 2) return sessionCall('live', 'stop', a);
  if (head === 'stoparchive' && parts.length === 2) return sessionCall('archive', 'stop', a);
  return notFound;
}

/** Body for the 'invalid-json' fault: the document's own broken 1504 sample (no closing quote after "server."). */
export function brokenJsonBody(uri: string): string {
  return `{"status":1504,"code":500,"description":"Internal Server Error","message":"Cannot connect the site VMS server.,"uri":" ${uri}","result":[]}`;
}

/** Body for the 'http500' fault: a servlet container's error page. */
export function containerErrorPage(): string {
  return (
    '<!doctype html><html lang="en"><head><title>HTTP Status 500 – Internal Server Error</title></head>' +
    '<body><h1>HTTP Status 500 – Internal Server Error</h1><hr class="line" /><p><b>Type</b> Exception Report</p>' +
    '<p><b>Message</b> Request processing failed</p><hr class="line" /><h3>Apache Tomcat</h3></body></html>'
  );
}
