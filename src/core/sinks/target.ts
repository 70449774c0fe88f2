/**
 * A sink's URL checked when it is created or configured: a valid URL of at most SINK_URL_MAX
 * characters, the scheme of its kind (http/https for webhooks, mqtt/mqtts for MQTT), no fragment,
 * and a host the outbound guard lets through (an IP literal checked as such, a name resolved and
 * every address checked; `outbound.allowHosts` may allow loopback/private ones). The guard runs again
 * at every connect (safe-fetch.ts, mqtt.ts): this check is for a clear error at once, naming `field`.
 */
import dns from 'node:dns/promises';
import net from 'node:net';
import { badInput } from '../errors.ts';
import { blockedAddressReason, type HostPolicy } from '../http/safe-fetch.ts';
import type { SinkKind } from './repo.ts';

export const SINK_URL_MAX = 2000;

const SCHEMES: Record<SinkKind, readonly string[]> = { WEBHOOK: ['http:', 'https:'], MQTT: ['mqtt:', 'mqtts:'] };
const DEFAULT_PORTS: Record<string, number> = { 'http:': 80, 'https:': 443, 'mqtt:': 1883, 'mqtts:': 8883 };

/** `resolve: false` (config sinks at start-up): names are not resolved here, only at connect time. */
export async function checkSinkUrl(kind: SinkKind, raw: string, policy: HostPolicy, field = 'url', resolve = true): Promise<string> {
  const fail = (why: string) => badInput(`${field}: ${why}`, { field });
  if (raw.length > SINK_URL_MAX) throw fail(`at most ${SINK_URL_MAX} characters, got ${raw.length}`);
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw fail('not a valid URL');
  }
  if (!SCHEMES[kind].includes(url.protocol)) throw fail(`scheme ${url.protocol} not allowed for a ${kind} sink (expected ${SCHEMES[kind].map((s) => s.slice(0, -1)).join(' or ')})`);
  if (url.hash) throw fail('a fragment (#…) is not allowed');
  if (kind === 'MQTT' && url.pathname && url.pathname !== '/') throw fail('an MQTT broker URL has no path (the topic is given apart)');
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const port = Number(url.port) || DEFAULT_PORTS[url.protocol]!;
  if (!host) throw fail('no host');
  if (policy.allows(host, port)) return url.toString();
  if (net.isIP(host)) {
    const why = blockedAddressReason(host);
    if (why) throw fail(`refused host ${host}: ${why} (allow it with outbound.allowHosts in the config)`);
    return url.toString();
  }
  if (!resolve) return url.toString();
  let addresses: Array<{ address: string }>;
  try {
    addresses = await dns.lookup(host, { all: true });
  } catch (e) {
    throw fail(`host ${host} does not resolve (${(e as NodeJS.ErrnoException).code ?? 'lookup failed'})`);
  }
  for (const a of addresses) {
    const why = policy.allowsAddress(a.address) ? null : blockedAddressReason(a.address);
    if (why) throw fail(`refused host ${host}: resolves to ${why} ${a.address} (allow it with outbound.allowHosts in the config)`);
  }
  return url.toString();
}
