/**
 * One FF event by HTTP POST, the ways CAMMRA / AXIS LPV cameras send it. The body is built by hand
 * (own boundary, exact bytes) so tests and receivers see exactly what a camera would write.
 */
import http from 'node:http';
import https from 'node:https';
import { randomBytes } from 'node:crypto';
import { readBody } from '../kit/http.ts';
import type { FfJson } from './passes.ts';

/**
 * - `multipart-file`: JSON as a file part `event` (filename `event.json`), images as file parts
 *   `image` and `image2` (documented receivers' convention).
 * - `multipart-field`: JSON as a plain form field `event` (no filename), images as above.
 * - `json`: `application/json` body, images base64 in `ImageArray` (use_multipart off).
 * - `no-image`: skip_image_in_post: multipart with only the `event` file part.
 */
export type HttpMode = 'multipart-file' | 'multipart-field' | 'json' | 'no-image';
export const HTTP_MODES: readonly HttpMode[] = ['multipart-file', 'multipart-field', 'json', 'no-image'];

/** `x_auth_key`-style header (name configurable, default `X-Auth-Key`) or HTTP basic auth. */
export type HttpAuth = { kind: 'header'; name?: string; value: string } | { kind: 'basic'; user: string; password: string };

export interface PushImage {
  /** `vehicle` (or another configured first-image type) or `plate` (the crop). */
  kind: string;
  fileName: string;
  data: Buffer;
  format?: 'jpeg' | 'png';
}

export interface HttpPushRequest {
  url: string;
  mode: HttpMode;
  /** Fully stamped event JSON (packetCounter, profileID already set). */
  event: FfJson;
  /** First the configured image, then (with "send two images") the plate crop. */
  images?: PushImage[];
  auth?: HttpAuth;
  /** Content-Type of the JSON part; `null` = no Content-Type header on that part. Default application/json. */
  jsonPartContentType?: string | null;
  /** Content-Type of image parts, e.g. image/jpeg (default) or application/octet-stream. */
  imagePartContentType?: string;
  /** Part name of the second image (undocumented; default `image2`). */
  secondImagePartName?: string;
  boundary?: string;
  timeoutMs?: number;
  signal?: AbortSignal;
  headers?: Record<string, string>;
}

export interface HttpPushResult {
  status: number;
  body: string;
  headers: http.IncomingHttpHeaders;
  bytesSent: number;
}

export interface MultipartPart {
  name: string;
  filename?: string;
  contentType?: string | null;
  data: Buffer | string;
}

/** Serialises multipart/form-data parts with CRLF line ends and a closing `--boundary--`. */
export function buildMultipart(parts: MultipartPart[], boundary: string): Buffer {
  const chunks: Buffer[] = [];
  for (const part of parts) {
    let head = `--${boundary}\r\nContent-Disposition: form-data; name="${part.name}"`;
    if (part.filename !== undefined) head += `; filename="${part.filename.replace(/"/g, '%22')}"`;
    head += '\r\n';
    if (part.contentType) head += `Content-Type: ${part.contentType}\r\n`;
    chunks.push(Buffer.from(`${head}\r\n`, 'utf8'), Buffer.from(part.data), Buffer.from('\r\n'));
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return Buffer.concat(chunks);
}

function authHeaders(auth: HttpAuth | undefined): Record<string, string> {
  if (!auth) return {};
  if (auth.kind === 'header') return { [auth.name ?? 'X-Auth-Key']: auth.value };
  return { Authorization: `Basic ${Buffer.from(`${auth.user}:${auth.password}`, 'utf8').toString('base64')}` };
}

/** Builds headers and body for one POST without sending it. */
export function buildHttpRequest(req: HttpPushRequest): { headers: Record<string, string>; body: Buffer } {
  const images = req.mode === 'no-image' ? [] : (req.images ?? []).slice(0, 2);
  const json = JSON.stringify(req.event);
  const base = { Accept: '*/*', ...authHeaders(req.auth), ...req.headers };
  if (req.mode === 'json') {
    const payload: FfJson = { ...req.event };
    if (images.length > 0) {
      payload.ImageArray = images.map((img) => ({
        ImageType: img.kind,
        ImageFormat: img.format ?? 'jpeg',
        BinaryImage: img.data.toString('base64'),
      }));
    }
    return { headers: { ...base, 'Content-Type': 'application/json' }, body: Buffer.from(JSON.stringify(payload), 'utf8') };
  }
  const boundary = req.boundary ?? `------------------------${randomBytes(12).toString('hex')}`;
  const jsonType = req.jsonPartContentType === undefined ? 'application/json' : req.jsonPartContentType;
  const parts: MultipartPart[] = [req.mode === 'multipart-field' ? { name: 'event', contentType: null, data: json } : { name: 'event', filename: 'event.json', contentType: jsonType, data: json }];
  images.forEach((img, i) => {
    const fallback = img.format === 'png' ? 'image/png' : 'image/jpeg';
    parts.push({
      name: i === 0 ? 'image' : (req.secondImagePartName ?? 'image2'),
      filename: img.fileName,
      contentType: req.imagePartContentType ?? fallback,
      data: img.data,
    });
  });
  return {
    headers: { ...base, 'Content-Type': `multipart/form-data; boundary=${boundary}` },
    body: buildMultipart(parts, boundary),
  };
}

/**
 * POSTs one event. Resolves with the HTTP status and body for any response (2xx or not);
 * rejects on connection errors, timeout or abort. Uses no keep-alive agent, so nothing lingers.
 */
export function postEvent(req: HttpPushRequest): Promise<HttpPushResult> {
  const { headers, body } = buildHttpRequest(req);
  const url = new URL(req.url);
  const lib = url.protocol === 'https:' ? https : http;
  return new Promise<HttpPushResult>((resolve, reject) => {
    const request = lib.request(
      url,
      {
        method: 'POST',
        agent: false,
        signal: req.signal,
        headers: { ...headers, 'Content-Length': String(body.length), Connection: 'close' },
      },
      (res) => {
        readBody(res, 65536).then((got) => resolve({ status: res.statusCode ?? 0, body: got.body.toString('utf8'), headers: res.headers, bytesSent: body.length }), reject);
      },
    );
    request.setTimeout(req.timeoutMs ?? 5000, () => request.destroy(new Error(`timeout after ${req.timeoutMs ?? 5000} ms`)));
    request.on('error', reject);
    request.end(body);
  });
}
