/**
 * multipart/form-data parsing on @fastify/busboy with every limit set and verified.
 *
 * busboy's defaults are unlimited, and when a limit is hit it truncates silently (a file
 * gets `truncated = true` and a `limit` event, a field gets `valueTruncated`, surplus parts
 * are skipped after a `partsLimit` / `filesLimit` / `fieldsLimit` event). Here each of those
 * becomes an error, the request is unpiped and the rest of its body discarded (never
 * buffered) so the handler can still answer 413/400.
 */
import type { IncomingMessage } from 'node:http';
import { Busboy, type BusboyFileStream, type BusboyInstance } from '@fastify/busboy';
import { AppError, badInput, tooLarge } from '../errors.ts';
import { discardBody } from './body.ts';

export interface MultipartLimits {
  /** Largest file part, in bytes. */
  maxFileBytes: number;
  /** Most file parts. */
  maxFiles: number;
  /** Most non-file parts. */
  maxFields: number;
  /** Most parts of either kind. */
  maxParts: number;
  /** Largest non-file part, in bytes. */
  maxFieldBytes: number;
}

export interface MultipartPart {
  name: string;
  /** As sent by the client: untrusted, may contain `../` or `C:\`. See `safeFilename`. */
  filename?: string;
  contentType?: string;
  data: Buffer;
  isFile: boolean;
}

/**
 * A part is text (a "field", decoded by busboy) only when it has no filename and a textual
 * type. busboy's own rule makes any part without a filename a field, unless its type is
 * application/octet-stream, so an `image/jpeg` part without a filename would be decoded as
 * UTF-8 and corrupted. Every other part is kept as raw bytes.
 */
function isPartAFile(_name: string | undefined, type: string | undefined, filename: string | undefined) {
  if (filename !== undefined) return true;
  const t = type ?? 'text/plain';
  return !(t.startsWith('text/') || t === 'application/json' || t.endsWith('+json'));
}

/**
 * Parse a multipart/form-data request into its parts, in body order.
 * Errors (all AppError): BAD_USER_INPUT when the request is not multipart, has no boundary,
 * is malformed or ends early; PAYLOAD_TOO_LARGE naming the part or the count limit.
 */
export function parseMultipart(req: IncomingMessage, limits: MultipartLimits): Promise<MultipartPart[]> {
  return new Promise<MultipartPart[]>((resolve, reject) => {
    const contentType = req.headers['content-type'];
    if (!contentType || !/^multipart\/form-data\s*(;|$)/i.test(contentType)) {
      discardBody(req);
      reject(badInput(`expected multipart/form-data, got ${contentType ? `"${contentType}"` : 'no content type'}`));
      return;
    }
    let bb: BusboyInstance;
    try {
      bb = Busboy({
        headers: { ...req.headers, 'content-type': contentType },
        preservePath: true, // filenames are returned as sent; callers use safeFilename
        isPartAFile,
        limits: {
          fileSize: limits.maxFileBytes,
          files: limits.maxFiles,
          fields: limits.maxFields,
          parts: limits.maxParts,
          fieldSize: limits.maxFieldBytes,
        },
      });
    } catch (e) {
      discardBody(req);
      reject(badInput(`invalid multipart request: ${(e as Error).message}`));
      return;
    }

    const parts: MultipartPart[] = [];
    let settled = false;
    let finished = false;
    let openFiles = 0;

    const done = (err?: AppError) => {
      if (settled) return;
      if (!err && (!finished || openFiles > 0)) return;
      settled = true;
      req.off('close', onClose);
      req.off('error', onReqError);
      if (err) {
        parts.length = 0; // release what was buffered
        discardBody(req);
        reject(err);
      } else resolve(parts);
    };
    const onClose = () => {
      if (!req.complete) done(badInput('multipart body ended early (client closed the connection)'));
    };
    const onReqError = (e: Error) => done(badInput(`multipart body could not be read: ${e.message}`));
    req.on('close', onClose);
    req.on('error', onReqError);

    bb.on('file', (name: string, file: BusboyFileStream, filename: string, _enc: string, mime: string) => {
      if (settled) return void file.resume();
      const part: MultipartPart = { name, filename, contentType: mime, data: EMPTY, isFile: true };
      parts.push(part);
      openFiles++;
      const chunks: Buffer[] = [];
      let size = 0;
      file.on('data', (chunk: Buffer) => {
        if (settled) return;
        size += chunk.length;
        chunks.push(chunk);
      });
      file.on('limit', () => {
        chunks.length = 0;
        done(fileTooLarge(name, limits.maxFileBytes, size));
      });
      file.on('error', (e: Error) => done(badInput(`part "${name}": ${e.message}`)));
      file.on('end', () => {
        openFiles--;
        if (settled) return;
        if (file.truncated) return done(fileTooLarge(name, limits.maxFileBytes, size));
        part.data = chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, size);
        done();
      });
    });

    bb.on('field', (name: string, value: string, _nameTrunc: boolean, valueTruncated: boolean, _e: string, mime: string) => {
      if (settled) return;
      if (valueTruncated) {
        done(tooLarge(`part "${name}": field exceeds ${limits.maxFieldBytes} bytes`));
        return;
      }
      parts.push({ name, contentType: mime, data: Buffer.from(value, 'utf8'), isFile: false });
    });

    bb.on('partsLimit', () => done(tooLarge(`too many parts: the limit is ${limits.maxParts}`)));
    bb.on('filesLimit', () => done(tooLarge(`too many files: the limit is ${limits.maxFiles}`)));
    bb.on('fieldsLimit', () => done(tooLarge(`too many fields: the limit is ${limits.maxFields}`)));
    bb.on('error', (e: Error) => done(badInput(`malformed multipart body: ${e.message}`)));
    bb.on('finish', () => {
      finished = true;
      done();
    });

    req.pipe(bb);
  });
}

const EMPTY = Buffer.alloc(0);

/** PAYLOAD_TOO_LARGE for a file part; details tell how much had been buffered (≤ limit). */
function fileTooLarge(part: string, limit: number, bufferedBytes: number): AppError {
  return new AppError('PAYLOAD_TOO_LARGE', `part "${part}": file exceeds ${limit} bytes`, { part, limit, bufferedBytes });
}

/**
 * A filename safe to show or store as a label: the last path component (both `/` and `\`
 * separators, so `../../etc/passwd` → `passwd`, `C:\x\y.jpg` → `y.jpg`), without control
 * characters, a drive prefix or leading dots, at most 255 characters. Empty input or a name
 * of only dots gives `''`. The media store is content-addressed, so this never becomes a path.
 */
export function safeFilename(name: string | undefined | null): string {
  if (!name) return '';
  // eslint-disable-next-line no-control-regex
  let s = name.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g, '');
  const cut = Math.max(s.lastIndexOf('/'), s.lastIndexOf('\\'));
  if (cut >= 0) s = s.slice(cut + 1);
  s = s
    .replace(/^[a-zA-Z]:/, '')
    .replace(/^\.+/, '')
    .trim();
  return s.slice(0, 255);
}
