/**
 * FfCameraSimulator: one simulated CAMMRA / AXIS LPV camera with an HTTP POST push profile and/or
 * a TCP push profile, generating vehicle passes at a rate and pushing their events.
 */
import { makeJpeg } from '../kit/images.ts';
import { createRng, type Rng } from '../kit/rng.ts';
import { postEvent, type HttpPushRequest, type HttpAuth, type HttpMode, type PushImage } from './http-push.ts';
import { TcpPushClient, type TcpFraming, type TcpWriteStrategy } from './tcp-push.ts';
import { PassGenerator, stampEvent, type CarState, type FfJson, type PassEvent, type PassGeneratorOptions, type VehiclePass } from './passes.ts';

export interface FfCameraHttpOptions {
  url: string;
  /** Modes to pick from per event (uniformly; repeat an entry to weight it). Default multipart-file. */
  modes?: HttpMode[];
  auth?: HttpAuth;
  /** "Send two images": the second image is always the plate crop. Default false. */
  twoImages?: boolean;
  /** Approximate size of the first image (default 20 000 bytes); the plate crop is 1/8 of it. */
  imageBytes?: number;
  /** JSON part Content-Type: fixed value, `none` (header absent) or `mixed` (default: random per POST). */
  jsonPartContentType?: 'application/json' | 'none' | 'mixed';
  /** Image part Content-Type: fixed value or `mixed` (default: image/jpeg or application/octet-stream). */
  imagePartContentType?: 'image/jpeg' | 'application/octet-stream' | 'mixed';
  profileID?: string; // default "1"
  timeoutMs?: number; // default 5000
}

export interface FfCameraTcpOptions {
  host: string;
  port: number;
  framing?: TcpFraming;
  writeStrategy?: TcpWriteStrategy;
  batchSize?: number;
  fragment?: { minBytes?: number; maxBytes?: number; delayMs?: number };
  reconnectDelayMs?: number;
  /** Embed base64 images in `ImageArray` (Axis docs); default false (text only, older docs). */
  images?: boolean;
  imageBytes?: number; // default 2000
  profileID?: string; // default "2"
}

export interface FfCameraOptions {
  deviceId: string;
  timeZone?: string; // default Europe/Prague
  seed?: number | string;
  http?: FfCameraHttpOptions;
  tcp?: FfCameraTcpOptions;
  /** Event-type toggles of the push profile; all on by default. */
  eventTypes?: Partial<Record<CarState, boolean>>;
  /** Vehicle passes per second for start() (Poisson arrivals). 0 = none. Default 1. */
  ratePerSec?: number;
  /** Buffer failed events and re-send them when the receiver is back (duplicates possible). */
  useEventBuffer?: boolean;
  retryIntervalMs?: number; // default 1000
  maxBufferedEvents?: number; // default 10 000, oldest dropped
  /** Further PassGenerator settings (lostAfterMs, brandKey, datetimeWithOffset, …). */
  passes?: Omit<PassGeneratorOptions, 'deviceId' | 'seed' | 'timeZone'>;
  onLog?: (line: string) => void;
}

export interface FfCameraStats {
  passes: number;
  /** Deliveries that succeeded on the first attempt. */
  sent: number;
  /** Failed attempts (first attempts and retries). */
  failed: number;
  /** Deliveries that succeeded from the event buffer. */
  resent: number;
  /** Failed events not buffered (buffer off or full). */
  dropped: number;
}

export interface Delivery {
  transport: 'http' | 'tcp';
  carState: CarState;
  ok: boolean;
  status?: number;
  packetCounter?: string;
  mode?: HttpMode;
  error?: string;
}

interface Buffered {
  transport: 'http' | 'tcp';
  carState: CarState;
  attempt: () => Promise<Delivery>;
}

export class FfCameraSimulator {
  readonly stats: FfCameraStats = { passes: 0, sent: 0, failed: 0, resent: 0, dropped: 0 };
  readonly generator: PassGenerator;
  private readonly rng: Rng;
  private readonly tcp: TcpPushClient | null;
  private httpCounter = 0;
  private buffer: Buffered[] = [];
  private flushing: Promise<number> | null = null;
  private timers = new Set<NodeJS.Timeout>();
  private inflight = new Set<Promise<unknown>>();
  private abort = new AbortController();
  private running = false;
  private stopping = false;
  private retryTimer: NodeJS.Timeout | null = null;

  constructor(private readonly opts: FfCameraOptions) {
    const seed = opts.seed ?? opts.deviceId;
    this.rng = createRng(`${seed}/transport`);
    this.generator = new PassGenerator({ ...opts.passes, deviceId: opts.deviceId, seed, timeZone: opts.timeZone });
    this.tcp = opts.tcp
      ? new TcpPushClient({
          ...opts.tcp,
          seed: `${seed}/tcp`,
          onConnect: (n) => {
            this.log(`tcp connected (#${n})`);
            if (this.buffer.length > 0) this.track(this.flushBuffer());
          },
          onClose: (err) => this.log(`tcp closed${err ? `: ${err.message}` : ''}`),
        })
      : null;
  }

  /** Events currently waiting in the event buffer. */
  get buffered(): number {
    return this.buffer.length;
  }

  /** Connects the TCP profile (first attempt awaited), then generates passes until stop(). */
  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    this.abort = new AbortController();
    await this.tcp?.start();
    if (this.opts.useEventBuffer) {
      this.retryTimer = setInterval(() => {
        if (this.buffer.length > 0) this.track(this.flushBuffer());
      }, this.opts.retryIntervalMs ?? 1000);
    }
    this.scheduleNextPass();
  }

  /**
   * Stops generating and cancels scheduled events; lets in-flight sends finish for up to
   * `graceMs` (default 1000), then aborts them and closes the TCP connection.
   */
  async stop(graceMs = 1000): Promise<void> {
    this.running = false;
    this.stopping = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    if (this.retryTimer) clearInterval(this.retryTimer);
    this.retryTimer = null;
    let grace: NodeJS.Timeout | undefined;
    await Promise.race([Promise.allSettled([...this.inflight]), new Promise((r) => (grace = setTimeout(r, graceMs)))]);
    clearTimeout(grace);
    this.abort.abort();
    await Promise.allSettled([...this.inflight]);
    await this.tcp?.stop();
    this.stopping = false;
  }

  /** Generates one pass and sends all its enabled events right away, in order (for tests). */
  async sendPass(startMs: number = Date.now()): Promise<{ pass: VehiclePass; deliveries: Delivery[] }> {
    if (this.tcp && !this.tcp.connected) await this.tcp.start();
    const pass = this.nextPass(startMs);
    const deliveries: Delivery[] = [];
    for (const ev of pass.events) {
      if (this.enabled(ev.carState)) deliveries.push(...(await this.track(this.deliver(ev))));
    }
    return { pass, deliveries };
  }

  /** Re-sends buffered events in order until one fails; returns how many went out. */
  flushBuffer(): Promise<number> {
    this.flushing ??= (async () => {
      let count = 0;
      try {
        while (this.buffer.length > 0 && !this.stopping) {
          const item = this.buffer[0];
          const d = await item.attempt();
          if (!d.ok) {
            this.stats.failed++;
            break;
          }
          this.buffer.shift();
          this.stats.resent++;
          count++;
        }
      } finally {
        this.flushing = null;
      }
      if (count > 0) this.log(`re-sent ${count} buffered event(s)`);
      return count;
    })();
    return this.flushing;
  }

  private nextPass(startMs: number): VehiclePass {
    this.stats.passes++;
    return this.generator.next(startMs);
  }

  private enabled(state: CarState): boolean {
    return this.opts.eventTypes?.[state] ?? true;
  }

  private scheduleNextPass(): void {
    const rate = this.opts.ratePerSec ?? 1;
    if (!this.running || rate <= 0) return;
    const waitMs = (-Math.log(1 - this.rng.next()) / rate) * 1000;
    this.later(waitMs, () => {
      const pass = this.nextPass(Date.now());
      this.log(`pass carID=${pass.carID} plate=${pass.plate.text}`);
      for (const ev of pass.events) {
        if (this.enabled(ev.carState)) this.later(ev.offsetMs, () => void this.track(this.deliver(ev)));
      }
      this.scheduleNextPass();
    });
  }

  private later(ms: number, fn: () => void): void {
    const t = setTimeout(() => {
      this.timers.delete(t);
      if (this.running) fn();
    }, ms);
    this.timers.add(t);
  }

  private track<T>(p: Promise<T>): Promise<T> {
    this.inflight.add(p);
    void p.finally(() => this.inflight.delete(p)).catch(() => undefined);
    return p;
  }

  /** Sends one event on every configured profile; failures go to the buffer when enabled. */
  private async deliver(ev: PassEvent): Promise<Delivery[]> {
    const attempts: Buffered[] = [];
    if (this.opts.http) attempts.push({ transport: 'http', carState: ev.carState, attempt: this.httpAttempt(ev, this.opts.http) });
    if (this.tcp && this.opts.tcp) attempts.push({ transport: 'tcp', carState: ev.carState, attempt: this.tcpAttempt(ev, this.opts.tcp) });
    const results = await Promise.all(attempts.map((a) => a.attempt()));
    results.forEach((d, i) => {
      if (d.ok) return void this.stats.sent++;
      this.stats.failed++;
      this.log(`${d.transport} ${d.carState} failed: ${d.error ?? d.status}`);
      if (!this.opts.useEventBuffer) return void this.stats.dropped++;
      this.buffer.push(attempts[i]);
      if (this.buffer.length > (this.opts.maxBufferedEvents ?? 10_000)) {
        this.buffer.shift();
        this.stats.dropped++;
      }
    });
    return results;
  }

  /** Prepares one POST (stamped once, so a re-send repeats the same packet) and returns its sender. */
  private httpAttempt(ev: PassEvent, cfg: FfCameraHttpOptions): () => Promise<Delivery> {
    const r = this.rng;
    const event = stampEvent(ev.json, { packetCounter: ++this.httpCounter, profileID: cfg.profileID ?? '1' });
    const mode: HttpMode = r.pick(cfg.modes ?? ['multipart-file']);
    const jsonType = cfg.jsonPartContentType ?? 'mixed';
    const imageType = cfg.imagePartContentType ?? 'mixed';
    const req: HttpPushRequest = {
      url: cfg.url,
      mode,
      event,
      auth: cfg.auth,
      timeoutMs: cfg.timeoutMs,
      images: this.imagesFor(ev, cfg.twoImages ?? false, cfg.imageBytes ?? 20_000),
      jsonPartContentType: jsonType === 'none' ? null : jsonType === 'mixed' ? r.pick(['application/json', null]) : jsonType,
      imagePartContentType: imageType === 'mixed' ? r.pick(['image/jpeg', 'application/octet-stream']) : imageType,
    };
    const base = { transport: 'http' as const, carState: ev.carState, packetCounter: String(event.packetCounter), mode };
    return async () => {
      try {
        const res = await postEvent({ ...req, signal: this.abort.signal });
        return { ...base, ok: res.status >= 200 && res.status < 300, status: res.status };
      } catch (err) {
        return { ...base, ok: false, error: (err as Error).message };
      }
    };
  }

  private tcpAttempt(ev: PassEvent, cfg: FfCameraTcpOptions): () => Promise<Delivery> {
    const event: FfJson = { ...ev.json, profileID: cfg.profileID ?? '2' };
    if (cfg.images) {
      event.ImageArray = this.imagesFor(ev, true, cfg.imageBytes ?? 2000).map((img) => ({
        ImageType: img.kind,
        ImageFormat: 'jpeg',
        BinaryImage: img.data.toString('base64'),
      }));
    }
    return async () => {
      const res = await this.tcp!.send(event);
      return { transport: 'tcp', carState: ev.carState, ok: res.ok, packetCounter: res.packetCounter, error: res.error };
    };
  }

  /** First image (vehicle crop) and, with two images, the plate crop second. Bytes unique per file. */
  private imagesFor(ev: PassEvent, twoImages: boolean, bytes: number): PushImage[] {
    const { first, plate } = ev.images;
    const images: PushImage[] = [{ kind: first.kind, fileName: first.fileName, data: makeJpeg(`${this.opts.deviceId}/${first.path}`, bytes) }];
    if (twoImages) {
      images.push({ kind: plate.kind, fileName: plate.fileName, data: makeJpeg(`${this.opts.deviceId}/${plate.path}`, Math.ceil(bytes / 8)) });
    }
    return images;
  }

  private log(line: string): void {
    this.opts.onLog?.(`[${this.opts.deviceId}] ${line}`);
  }
}
