/**
 * Small helpers for node:http handlers: bounded body reading, JSON parsing with a useful error,
 * and JSON / error answers in the `{ error: { code, message } }` shape of `errors.ts`.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { AppError, badInput, errorBody, isAppError, tooLarge } from '../errors.ts';

/** The part of a pino-like logger that `sendError` uses. */
export interface ErrorLogger {
  error(obj: Record<string, unknown>, msg?: string): void;
}

/**
 * Stop consuming a request body we gave up on: unpipe it and let the remaining bytes flow
 * into the void, so the socket keeps moving and the handler can still answer (Node would
 * dump it after the answer anyway). Nothing is buffered. The server's `requestTimeout`
 * bounds how long an endless body can keep the socket busy.
 */
export function discardBody(req: IncomingMessage): void {
  req.unpipe();
  if (!req.readableEnded && !req.destroyed) req.resume();
}

/**
 * Read the whole request body, at most `maxBytes`.
 * Rejects with PAYLOAD_TOO_LARGE before reading when Content-Length already says too much,
 * and as soon as the streamed bytes pass the limit (the rest is discarded, never buffered).
 * Rejects with BAD_USER_INPUT when the client goes away before the body ends.
 */
export function readBody(req: IncomingMessage, maxBytes: number): Promise<Buffer> {
  return new Promise<Buffer>((resolve, reject) => {
    if (req.readableEnded || req.destroyed) {
      reject(badInput('request body was already consumed or the client went away'));
      return;
    }
    const declared = req.headers['content-length'];
    if (declared !== undefined && Number(declared) > maxBytes) {
      discardBody(req);
      reject(tooLarge(`body of ${declared} bytes exceeds ${maxBytes} bytes`));
      return;
    }
    const chunks: Buffer[] = [];
    let total = 0;
    const cleanup = () => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      req.off('close', onClose);
    };
    const onData = (chunk: Buffer) => {
      total += chunk.length;
      if (total > maxBytes) {
        cleanup();
        chunks.length = 0;
        discardBody(req);
        reject(tooLarge(`body exceeds ${maxBytes} bytes`));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      cleanup();
      resolve(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, total));
    };
    const onError = (err: Error) => {
      cleanup();
      reject(badInput(`request body could not be read: ${err.message}`));
    };
    const onClose = () => {
      cleanup();
      reject(badInput('request body ended early (client closed the connection)'));
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
    req.on('close', onClose);
  });
}

/**
 * Read and parse a JSON body. A syntax error becomes BAD_USER_INPUT naming the position and
 * the problem, e.g. `invalid JSON at position 6: unexpected '}'`.
 */
export async function readJsonBody(req: IncomingMessage, maxBytes: number): Promise<unknown> {
  const buf = await readBody(req, maxBytes);
  return parseJsonText(buf.toString('utf8'));
}

/** `JSON.parse` with a BAD_USER_INPUT error that says where and what is wrong. */
export function parseJsonText(input: string): unknown {
  const text = input.charCodeAt(0) === 0xfeff ? input.slice(1) : input;
  if (text.trim() === '') throw badInput('invalid JSON: the body is empty');
  try {
    return JSON.parse(text);
  } catch (e) {
    const found = locateJsonError(text);
    if (found) throw badInput(`invalid JSON at position ${found.pos}: ${found.problem}`);
    throw badInput(`invalid JSON: ${(e as Error).message}`);
  }
}

/**
 * Find the first syntax error in `text` (called only after JSON.parse failed, because V8's
 * messages do not always carry a position). Returns null when it cannot tell.
 */
export function locateJsonError(text: string): { pos: number; problem: string } | null {
  let i = 0;
  class Bad {
    constructor(
      readonly pos: number,
      readonly problem: string,
    ) {}
  }
  const fail = (what = 'unexpected'): never => {
    if (i >= text.length) throw new Bad(i, 'unexpected end of input');
    throw new Bad(i, `${what} ${JSON.stringify(text[i])}`);
  };
  const ws = () => {
    while (i < text.length && ' \t\n\r'.includes(text[i])) i++;
  };
  const expect = (lit: string) => {
    for (const ch of lit) text[i] === ch ? i++ : fail();
  };
  const str = () => {
    i++; // opening quote
    for (;;) {
      if (i >= text.length) fail();
      const c = text.charCodeAt(i);
      if (c === 0x22) return void i++;
      if (c < 0x20) fail('control character');
      if (c === 0x5c) {
        i++;
        if (text[i] === 'u') {
          i++;
          for (let k = 0; k < 4; k++) /[0-9a-fA-F]/.test(text[i] ?? '') ? i++ : fail('bad escape');
        } else if (i < text.length && '"\\/bfnrt'.includes(text[i])) i++;
        else fail('bad escape');
      } else i++;
    }
  };
  const num = () => {
    const m = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i, i + 400));
    if (!m || m[0] === '' || m[0] === '-') fail();
    i += m![0].length;
  };
  const value = (): void => {
    ws();
    const c = text[i];
    if (c === '{') {
      i++;
      ws();
      if (text[i] === '}') return void i++;
      for (;;) {
        ws();
        if (text[i] !== '"') fail('expected a property name, found');
        str();
        ws();
        expect(':');
        value();
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === '}') return void i++;
        fail("expected ',' or '}', found");
      }
    } else if (c === '[') {
      i++;
      ws();
      if (text[i] === ']') return void i++;
      for (;;) {
        value();
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === ']') return void i++;
        fail("expected ',' or ']', found");
      }
    } else if (c === '"') str();
    else if (c === 't') expect('true');
    else if (c === 'f') expect('false');
    else if (c === 'n') expect('null');
    else if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) num();
    else fail();
  };
  try {
    value();
    ws();
    if (i < text.length) fail('unexpected data after the JSON value:');
    return null;
  } catch (e) {
    if (e instanceof Bad) return { pos: e.pos, problem: e.problem };
    return null; // e.g. RangeError on absurd nesting: fall back to V8's message
  }
}

/** Answer with a JSON body. Does nothing when the response was already sent. */
export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  if (res.headersSent || res.writableEnded || res.destroyed) return;
  const payload = Buffer.from(JSON.stringify(body));
  res.statusCode = status;
  res.setHeader('content-type', 'application/json; charset=utf-8');
  res.setHeader('content-length', payload.length);
  // A body we stopped reading must not leave the connection in an unknown state for reuse.
  if (res.req && !res.req.complete) res.setHeader('connection', 'close');
  res.end(payload);
}

/**
 * Answer an error. An AppError answers its status and `{ error: { code, message } }`;
 * anything else answers 500 INTERNAL with a masked message carrying an id, and the details
 * (stack included) go to `log` under that id. When the response has already started, the
 * status can no longer change: the connection is destroyed so the client sees a failure,
 * not a truncated success.
 */
export function sendError(res: ServerResponse, err: unknown, log?: ErrorLogger): void {
  let appErr: AppError;
  if (isAppError(err)) {
    appErr = err;
    if (appErr.status >= 500) log?.error({ err, code: appErr.code }, appErr.message);
  } else {
    const errorId = randomUUID();
    log?.error({ err, errorId }, 'unhandled error in HTTP handler');
    appErr = new AppError('INTERNAL', `internal error (id ${errorId})`);
  }
  if (res.writableEnded || res.destroyed) return;
  if (res.headersSent) {
    res.destroy();
    return;
  }
  sendJson(res, appErr.status, errorBody(appErr));
}
