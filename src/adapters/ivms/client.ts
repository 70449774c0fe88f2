/**
 * REST client of the IVMS API server (`<baseUrl><pathPrefix>/REST/local/...`, no authentication)
 * on the core's safe fetch (deadlines, size caps; the configured host is allow-listed). Every JSON
 * reply goes through envelope.ts; binary replies (event snap/clip) are checked for an error
 * envelope first, because IVMS answers failures as JSON, sometimes with HTTP 200.
 */
import { AppError, isAppError, type SafeFetch } from '../../sdk.ts';
import { readEnvelope, type IvmsOperation } from './envelope.ts';

export interface IvmsClientOptions {
  baseUrl: string;
  pathPrefix: string;
  fetch: SafeFetch;
  requestTimeoutMs: number;
  /** Aborted when the instance stops. */
  signal?: AbortSignal;
}

export interface BinaryLimits {
  maxBytes: number;
  timeoutMs: number;
}

/** JSON replies: a channel list of a few thousand channels fits easily. */
const MAX_JSON_BYTES = 16 * 1024 * 1024;

export class IvmsClient {
  private readonly root: string;

  constructor(private readonly options: IvmsClientOptions) {
    this.root = `${options.baseUrl.replace(/\/+$/, '')}${options.pathPrefix.replace(/\/+$/, '')}/REST/local/`;
  }

  /** The URL of `segments` below /REST/local/ (each segment URL-encoded). */
  url(...segments: Array<string | number>): string {
    return this.root + segments.map((s) => encodeURIComponent(String(s))).join('/');
  }

  /** A JSON request; the `result` array of a successful envelope, else the AppError it means. */
  async call(segments: Array<string | number>, op: IvmsOperation, method: 'GET' | 'POST' = 'GET'): Promise<unknown[]> {
    const res = await this.send(segments, op, { method, maxBytes: MAX_JSON_BYTES, timeoutMs: this.options.requestTimeoutMs });
    return readEnvelope(res.status, res.text(), op);
  }

  /** A binary download (event snap/clip) within `limits`. */
  async binary(segments: Array<string | number>, op: IvmsOperation, limits: BinaryLimits): Promise<{ bytes: Buffer; contentType: string | null }> {
    const res = await this.send(segments, op, { method: 'GET', ...limits });
    const contentType = res.headers['content-type']?.split(';')[0].trim().toLowerCase() || null;
    const looksJson = contentType === 'application/json' || /^\s*[{[]/.test(res.body.subarray(0, 64).toString('latin1'));
    if (looksJson) {
      readEnvelope(res.status, res.text(), op); // throws the failure the reply means
      throw new AppError('VENDOR_REJECTED', `IVMS ${op.what}: answered a success envelope instead of media`);
    }
    if (res.status >= 500) throw new AppError('VENDOR_UNAVAILABLE', `IVMS ${op.what}: HTTP ${res.status}`, { httpStatus: res.status });
    if (res.status === 404) throw new AppError('NOT_FOUND', `IVMS ${op.what}: HTTP 404`, { httpStatus: 404 });
    if (res.status < 200 || res.status >= 300) throw new AppError('VENDOR_REJECTED', `IVMS ${op.what}: HTTP ${res.status}`, { httpStatus: res.status });
    if (res.body.length === 0) throw new AppError('VENDOR_REJECTED', `IVMS ${op.what}: empty reply`);
    return { bytes: res.body, contentType };
  }

  private async send(segments: Array<string | number>, op: IvmsOperation, o: { method: string; maxBytes: number; timeoutMs: number }) {
    try {
      return await this.options.fetch(this.url(...segments), { ...o, signal: this.options.signal, headers: { accept: 'application/json, */*' } });
    } catch (e) {
      if (isAppError(e)) throw new AppError(e.code, `IVMS ${op.what}: ${e.message}`, e.details);
      if (this.options.signal?.aborted) throw new AppError('VENDOR_UNAVAILABLE', `IVMS ${op.what}: adapter instance stopped`);
      throw e;
    }
  }
}
