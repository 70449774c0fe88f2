/**
 * Instance health from the vendor's status endpoint: polled every statusIntervalSec through the
 * core's SSRF-safe fetch; READY while it answers 2xx, DEGRADED (with the reason) while it does
 * not — webhooks may still arrive, so the instance keeps working. Stops with the instance.
 */
import { isAppError, type AdapterContext } from 'unified-surveillance-api/sdk';
import type { HmacWebhookConfig } from './config.ts';

export class StatusPoller {
  private timer: NodeJS.Timeout | null = null;
  private inFlight: Promise<void> | null = null;
  private stopped = false;

  constructor(
    private readonly ctx: AdapterContext<HmacWebhookConfig>,
    private readonly url: string,
  ) {}

  start(): void {
    this.tick();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.inFlight;
  }

  private tick(): void {
    this.inFlight = this.check().finally(() => {
      this.inFlight = null;
      if (!this.stopped) this.timer = setTimeout(() => this.tick(), this.ctx.config.statusIntervalSec * 1000);
    });
  }

  private async check(): Promise<void> {
    try {
      const res = await this.ctx.fetch(this.url, { timeoutMs: 5000, maxBytes: 64 * 1024, signal: this.ctx.signal });
      if (this.stopped) return;
      if (res.status >= 200 && res.status < 300) this.ctx.setStatus('READY');
      else this.ctx.setStatus('DEGRADED', `vendor status endpoint answered HTTP ${res.status}`);
    } catch (e) {
      if (this.stopped) return;
      this.ctx.setStatus('DEGRADED', `vendor status endpoint unreachable: ${isAppError(e) ? e.message : String(e)}`);
    }
  }
}
