/**
 * Event snapshots and clips by IVMS event id (GET event/{id}/snap, event/{id}/clip), downloaded
 * within size and time limits into the media store and served at /media/{id}. A running instance
 * exposes this as its `api`; the GraphQL resolvers reach it with services.adapterApi().
 */
import { AppError, badInput, isAppError, notFound, type MediaRef, type MediaStore } from '../../sdk.ts';
import type { BinaryLimits, IvmsClient } from './client.ts';

export type EventMediaKind = 'snap' | 'clip';

export interface IvmsInstanceApi {
  eventMedia(eventId: string, kind: EventMediaKind): Promise<MediaRef>;
}

/** The api of a running IVMS instance (from services.adapterApi), or NOT_FOUND. */
export function asIvmsApi(api: unknown, instanceId: string): IvmsInstanceApi {
  if (typeof (api as IvmsInstanceApi | null)?.eventMedia !== 'function') throw notFound(`no running IVMS instance "${instanceId.slice(0, 100)}"`);
  return api as IvmsInstanceApi;
}

export interface EventMediaOptions {
  client: IvmsClient;
  media: MediaStore;
  snap: BinaryLimits;
  clip: BinaryLimits;
  /** Downloads at once per instance (bounds memory: each may hold up to its size cap). */
  maxConcurrent?: number;
}

const EVENT_ID = /^[A-Za-z0-9_-]{1,64}$/;

/**
 * A clip must be video: an MP4 `ftyp` box or MPEG-TS sync bytes (the media store sniffs it again;
 * this keeps an image answered for a clip from being stored as one).
 */
const looksLikeVideo = (b: Uint8Array) => (b.length > 8 && b[4] === 0x66 && b[5] === 0x74 && b[6] === 0x79 && b[7] === 0x70) || (b.length > 188 && b[0] === 0x47 && b[188] === 0x47);
const notVideo = (what: string, size: number, declared: string | null) =>
  new AppError('VENDOR_REJECTED', `IVMS ${what}: the ${size} bytes received are not an MP4 or MPEG-TS video (declared ${declared ?? 'nothing'})`);

/** The instance API: validated ids, identical requests in flight shared, bounded concurrency. */
export function eventMediaApi(options: EventMediaOptions): IvmsInstanceApi {
  const inFlight = new Map<string, Promise<MediaRef>>();
  const waiting: Array<() => void> = [];
  let active = 0;
  const max = options.maxConcurrent ?? 4;
  const acquire = () => (active < max ? (active++, Promise.resolve()) : new Promise<void>((r) => waiting.push(r)));
  const release = () => {
    const next = waiting.shift();
    if (next) next();
    else active--;
  };

  const download = async (eventId: string, kind: EventMediaKind): Promise<MediaRef> => {
    await acquire();
    try {
      const what = `event ${eventId} ${kind}`;
      const { bytes, contentType } = await options.client.binary(['event', eventId, kind], { what }, kind === 'snap' ? options.snap : options.clip);
      if (kind === 'clip' && !looksLikeVideo(bytes)) throw notVideo(what, bytes.length, contentType);
      try {
        return await options.media.put(bytes, kind === 'snap' ? 'SNAPSHOT' : 'CLIP', contentType ?? undefined);
      } catch (e) {
        if (isAppError(e) && e.code === 'UNSUPPORTED_MEDIA_TYPE') {
          if (kind === 'clip') throw notVideo(what, bytes.length, contentType);
          throw new AppError('VENDOR_REJECTED', `IVMS ${what}: the ${bytes.length} bytes received are not a JPEG, PNG, GIF, WebP or BMP image (declared ${contentType ?? 'nothing'})`);
        }
        throw e;
      }
    } finally {
      release();
    }
  };

  return {
    eventMedia(eventId, kind) {
      if (!EVENT_ID.test(eventId)) return Promise.reject(badInput('eventId: expected an IVMS event id (letters, digits, - or _, at most 64)', { field: 'eventId' }));
      const key = `${kind}:${eventId}`;
      let p = inFlight.get(key);
      if (!p) {
        p = download(eventId, kind).finally(() => inFlight.delete(key));
        inFlight.set(key, p);
      }
      return p;
    },
  };
}
