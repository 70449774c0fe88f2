/**
 * One MQTT sink's connection and its publishes (the `mqtt` package). The broker URL (mqtt:// or
 * mqtts://) passes the outbound guard before every connect: the host is resolved here and every
 * address checked (loopback, private, link-local… refused unless `outbound.allowHosts` allows the
 * host or a CIDR holding the address), then the client connects to the checked address (TLS keeps
 * the name for SNI and certificate checks), so DNS rebinding cannot slip past.
 *
 * A publish with QoS 1 or 2 is delivered when the broker acknowledges it (puback/pubcomp); QoS 0
 * when written. The library's own reconnect is off: a failed connect or publish closes the client
 * and returns the failure, and the sink's consumer retries with its backoff and jitter from its
 * cursor (nothing skipped), reconnecting then. Every step is bounded by MQTT_TIMEOUT_MS.
 * The `mqtt` package is imported on the first connect: a server without MQTT sinks does not hold it
 * in memory (~10 MB RSS; README "Performance").
 */
import dns from 'node:dns/promises';
import net from 'node:net';
import { randomBytes } from 'node:crypto';
import type { MqttClient } from 'mqtt';
import { blockedAddressReason, type HostPolicy } from '../http/safe-fetch.ts';
import type { DeliveryOutcome } from './webhook.ts';

export const MQTT_TIMEOUT_MS = 10_000;

/** Why this broker may not be reached (null: it may), checking every address it resolves to. */
export async function brokerAddress(url: URL, policy: HostPolicy): Promise<{ address: string } | { refused: string }> {
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const port = Number(url.port) || (url.protocol === 'mqtts:' ? 8883 : 1883);
  if (net.isIP(host)) {
    const why = policy.allows(host, port) ? null : blockedAddressReason(host);
    return why ? { refused: `broker ${url.host}: ${why}` } : { address: host };
  }
  const all = await dns.lookup(host, { all: true });
  if (!policy.allows(host, port)) {
    for (const a of all) {
      const why = policy.allowsAddress(a.address) ? null : blockedAddressReason(a.address);
      if (why) return { refused: `broker ${url.host} resolves to ${why} ${a.address}` };
    }
  }
  if (!all[0]) return { refused: `broker ${url.host}: no address` };
  return { address: all[0].address };
}

export class MqttPublisher {
  private client: MqttClient | null = null;
  private connecting: Promise<MqttClient> | null = null;

  constructor(
    private readonly url: string,
    private readonly policy: HostPolicy,
    private readonly clientIdPrefix: string,
    private readonly timeoutMs = MQTT_TIMEOUT_MS,
  ) {}

  async publish(topic: string, body: string, qos: 0 | 1 | 2): Promise<DeliveryOutcome> {
    try {
      const client = await this.connected();
      let onClose = () => {};
      const closed = new Promise<never>((_r, reject) => {
        onClose = () => reject(new Error('connection closed before the broker acknowledged'));
        client.once('close', onClose);
      });
      try {
        await withTimeout(Promise.race([client.publishAsync(topic, body, { qos }), closed]), this.timeoutMs, 'no acknowledgement from the broker');
      } finally {
        client.off('close', onClose);
      }
      return { ok: true, gone: false, httpStatus: null, error: null };
    } catch (e) {
      await this.close();
      return { ok: false, gone: false, httpStatus: null, error: `MQTT ${redactUrl(this.url)}: ${(e as Error).message}` };
    }
  }

  async close(): Promise<void> {
    const c = this.client;
    this.client = null;
    this.connecting = null;
    if (c) await c.endAsync(true).catch(() => {});
  }

  private connected(): Promise<MqttClient> {
    if (this.client?.connected) return Promise.resolve(this.client);
    if (this.client) void this.close();
    this.connecting ??= this.connect().then(
      (c) => {
        this.client = c;
        this.connecting = null;
        return c;
      },
      (e) => {
        this.connecting = null;
        throw e;
      },
    );
    return this.connecting;
  }

  private async connect(): Promise<MqttClient> {
    const url = new URL(this.url);
    const target = await brokerAddress(url, this.policy);
    if ('refused' in target) throw new Error(target.refused);
    const tls = url.protocol === 'mqtts:';
    const { default: mqtt } = await import('mqtt');
    const client = mqtt.connect({
      protocol: tls ? 'mqtts' : 'mqtt',
      host: target.address,
      port: Number(url.port) || (tls ? 8883 : 1883),
      servername: tls ? url.hostname : undefined,
      username: url.username ? decodeURIComponent(url.username) : undefined,
      password: url.password ? decodeURIComponent(url.password) : undefined,
      clientId: `${this.clientIdPrefix}-${randomBytes(4).toString('hex')}`,
      reconnectPeriod: 0,
      connectTimeout: this.timeoutMs,
      clean: true,
    });
    try {
      await withTimeout(
        new Promise<void>((resolve, reject) => {
          client.once('connect', () => resolve());
          client.once('error', reject);
          client.once('close', () => reject(new Error('connection closed')));
        }),
        this.timeoutMs,
        'no CONNACK from the broker',
      );
    } catch (e) {
      await client.endAsync(true).catch(() => {});
      throw e;
    }
    client.on('error', () => {}); // a later error shows as a failed publish
    client.on('close', () => {
      if (this.client === client) this.client = null; // the next publish connects again
    });
    return client;
  }
}

/** A URL fit for messages: no credentials. */
const redactUrl = (u: string) => {
  try {
    const x = new URL(u);
    return `${x.protocol}//${x.host}`;
  } catch {
    return 'broker';
  }
};

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const t = new Promise<never>((_r, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} within ${ms} ms`)), ms);
  });
  return Promise.race([p, t]).finally(() => clearTimeout(timer));
}
