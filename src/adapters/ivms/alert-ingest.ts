/**
 * Notification messages → stored IvmsAlertEvents. Status messages (open/close handshake) are only
 * counted; invalid messages are counted (ws.bad_messages) and reported as rejected; alerts are
 * queued (bounded: over `maxQueue` they are dropped and counted) and published one at a time with a
 * long store deadline, since IVMS cannot send an alert again. An inline image that cannot be
 * decoded or is not an image is left out (alerts.image_rejected) and the alert stored without it.
 */
import { isAppError, type AdapterContext } from '../../sdk.ts';
import { decodeDataUrl, parseNotification, type IvmsAlert } from './alert.ts';
import { alertToEvent, sha256, type AlertImage } from './map.ts';
import type { IvmsZone } from './time.ts';

export interface AlertIngestOptions {
  /** The zone of eventTime, or of a channel's eventTime (ivmsTimeZoneOf). */
  timeZone: IvmsZone;
  maxImageBytes: number;
  maxQueue: number;
  publishDeadlineMs: number;
  /** Channel ids known from the channel list. */
  knownChannels(): ReadonlySet<string>;
}

type Ctx = Pick<AdapterContext, 'publish' | 'count' | 'reportRejected' | 'log'>;
interface Queued {
  alert: IvmsAlert;
  raw: Record<string, unknown>;
}

export class AlertIngest {
  private readonly queue: Queued[] = [];
  private draining: Promise<void> | null = null;
  private stopped = false;

  constructor(
    private readonly ctx: Ctx,
    private readonly options: AlertIngestOptions,
  ) {}

  /** One WebSocket text message. Never throws. */
  handle(text: string): void {
    for (const n of parseNotification(text, this.options.timeZone)) {
      if (n.kind === 'status') {
        this.ctx.count('ws.status_messages');
        this.ctx.log.info({ code: n.code, message: n.message }, n.closing ? 'IVMS notification socket closing' : 'IVMS notification socket status');
      } else if (n.kind === 'invalid') {
        this.ctx.count('ws.bad_messages');
        this.ctx.reportRejected('BAD_USER_INPUT');
        this.ctx.log.warn({ reason: n.reason, bytes: text.length }, 'IVMS notification ignored');
      } else {
        this.ctx.count('ws.alerts');
        if (this.stopped || this.queue.length >= this.options.maxQueue) {
          this.ctx.count('alerts.dropped');
          continue;
        }
        this.queue.push({ alert: n.alert, raw: n.raw });
        this.draining ??= this.drain().finally(() => {
          this.draining = null;
        });
      }
    }
  }

  /**
   * Stop accepting; wait (at most `waitMs`) for the alert being stored: it still commits if the
   * store answers later. Queued ones are dropped and counted.
   */
  async stop(waitMs = 5000): Promise<void> {
    this.stopped = true;
    if (this.queue.length) this.ctx.count('alerts.dropped', this.queue.length);
    this.queue.length = 0;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([this.draining, new Promise<void>((r) => (timer = setTimeout(r, waitMs)))]);
    clearTimeout(timer);
  }

  /** Resolves when the queue is empty (tests). */
  async idle(): Promise<void> {
    while (this.draining) await this.draining;
  }

  private async drain(): Promise<void> {
    for (let next = this.queue.shift(); next; next = this.queue.shift()) {
      try {
        await this.store(next.alert, next.raw);
      } catch (err) {
        this.ctx.count('alerts.failed');
        this.ctx.log.warn({ err, camera: next.alert.cameraId, eventTime: next.alert.eventTime }, 'IVMS alert not stored');
      }
    }
  }

  private async store(alert: IvmsAlert, raw: Record<string, unknown>): Promise<void> {
    let image: AlertImage | null = null;
    let imageDigest: string | null = null;
    let imageProblem: string | null = null;
    if (alert.imageUrl) {
      const d = decodeDataUrl(alert.imageUrl, this.options.maxImageBytes);
      if (d.ok) {
        image = { bytes: d.bytes, declaredType: d.declaredType };
        imageDigest = sha256(d.bytes);
      } else {
        imageProblem = d.reason;
        imageDigest = sha256(alert.imageUrl);
      }
    }
    const opts = { timeZone: alert.timeZone, image, imageDigest, imageProblem, cameraName: this.options.knownChannels().has(alert.cameraId) ? null : alert.cameraName };
    const deadline = { deadlineMs: this.options.publishDeadlineMs };
    let result;
    try {
      result = await this.ctx.publish(alertToEvent(alert, raw, opts), deadline);
    } catch (e) {
      if (!(isAppError(e) && e.code === 'UNSUPPORTED_MEDIA_TYPE' && image)) throw e;
      imageProblem = 'bytes are not a supported image';
      result = await this.ctx.publish(alertToEvent(alert, raw, { ...opts, image: null, imageProblem }), deadline);
    }
    if (imageProblem) this.ctx.count('alerts.image_rejected');
    this.ctx.count(result.duplicate ? 'alerts.duplicates' : 'alerts.stored');
  }
}
