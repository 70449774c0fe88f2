/**
 * One webhook delivery (Standard Webhooks): POST the JSON body with `webhook-id`,
 * `webhook-timestamp` and `webhook-signature` made by the `standardwebhooks` library, through the
 * outbound guard (safe-fetch: address policy at connect time, `outbound.allowHosts`), redirects not
 * followed, within WEBHOOK_TIMEOUT_MS, reading at most WEBHOOK_RESPONSE_MAX bytes of the answer.
 * 2xx = delivered; 410 Gone = the receiver wants no more (the sink is disabled); anything else, or
 * no answer, is a failure to retry. Never throws for the receiver's faults: it returns the outcome.
 *
 * Each sink has its own HTTP client (`open()`, closed with the sink), so a slow receiver holds only
 * its own sink's connection. With `pipelining` > 1 that client sends up to that many deliveries on
 * one connection, in order (the sink runner's in-flight window): the receiver still gets them in log
 * order, without waiting a round trip per event.
 */
import { Webhook } from 'standardwebhooks';
import { isAppError } from '../errors.ts';
import type { ClientFetch } from '../http/safe-fetch.ts';
import type { Clock } from '../time/clock.ts';

export const WEBHOOK_TIMEOUT_MS = 10_000;
/** Bytes of a receiver's answer read (and dropped: only its status counts); the rest is not read. */
export const WEBHOOK_RESPONSE_MAX = 4096;

export interface DeliveryOutcome {
  ok: boolean;
  /** The receiver said it wants no more (410 Gone). */
  gone: boolean;
  httpStatus: number | null;
  /** Why it failed (no secrets, no URL query); null when delivered. */
  error: string | null;
}

export interface WebhookTarget {
  /** Whose client carries it (the sink id). */
  client: string;
  url: string;
  secret: string;
}

export class WebhookSender {
  private readonly signers = new Map<string, Webhook>();
  private readonly clients = new Map<string, ClientFetch>();

  constructor(
    /** A new HTTP client through the outbound guard (createSafeFetch), one per sink. */
    private readonly open: () => ClientFetch,
    private readonly clock: Clock,
    private readonly timeoutMs = WEBHOOK_TIMEOUT_MS,
  ) {}

  async send(target: WebhookTarget, messageId: string, body: string, signal?: AbortSignal): Promise<DeliveryOutcome> {
    const at = this.clock.now();
    const signature = this.signer(target.secret).sign(messageId, at, body);
    let fetch = this.clients.get(target.client);
    if (!fetch) {
      fetch = this.open();
      this.clients.set(target.client, fetch);
    }
    try {
      const res = await fetch(target.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'webhook-id': messageId,
          'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
          'webhook-signature': signature,
        },
        body,
        timeoutMs: this.timeoutMs,
        maxBytes: WEBHOOK_RESPONSE_MAX,
        discardBody: true,
        followRedirects: false,
        signal,
      });
      if (res.status >= 200 && res.status < 300) return { ok: true, gone: false, httpStatus: res.status, error: null };
      const gone = res.status === 410;
      return { ok: false, gone, httpStatus: res.status, error: `the receiver answered ${res.status}${gone ? ' Gone' : ''}` };
    } catch (e) {
      if (signal?.aborted) throw e;
      return { ok: false, gone: false, httpStatus: null, error: isAppError(e) ? e.message : `delivery failed: ${(e as Error).message}` };
    }
  }

  /** Release a sink's client (its connections); the next send opens a new one. */
  async close(client: string): Promise<void> {
    const fetch = this.clients.get(client);
    this.clients.delete(client);
    await fetch?.close();
  }

  async closeAll(): Promise<void> {
    await Promise.all([...this.clients.keys()].map((c) => this.close(c)));
  }

  private signer(secret: string): Webhook {
    let s = this.signers.get(secret);
    if (!s) {
      if (this.signers.size > 1000) this.signers.clear();
      s = new Webhook(secret);
      this.signers.set(secret, s);
    }
    return s;
  }
}

/** A new signing secret: `whsec_` + 32 random bytes in base64 (what Standard Webhooks libraries take). */
export function newWebhookSecret(): string {
  return `whsec_${Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString('base64')}`;
}

/** A secret from config must be one the library takes: `whsec_` + base64 of at least 24 bytes. */
export function isWebhookSecret(s: string): boolean {
  const m = /^whsec_([A-Za-z0-9+/]+={0,2})$/.exec(s);
  return m !== null && Buffer.from(m[1]!, 'base64').length >= 24;
}
