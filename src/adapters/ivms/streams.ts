/**
 * The vendor side of stream sessions (LIVE_STREAM, ARCHIVE_STREAM). The core owns sessions,
 * sharing, keepalive scheduling, idle expiry, persistence and the /streams/ HLS proxy; this opens,
 * keeps alive and stops IVMS HLS sessions:
 *
 * - start: startlive/{ch}/{w}/{h}/{audio 0|1} (GET) or startarchive/{ch}/{w}/{h}/{epoch ms}/{audio}
 *   (POST per the document, GET per the connector: `archiveMethod`); result[0].sesssionId (sic)
 *   and hlsURL;
 * - keepalive: live/keepalive/{sid} or archive/keepalive/{sid}; a failure envelope throws;
 * - stop: stoplive/{sid} or stoparchive/{sid}.
 */
import { badInput, vendorRejected, type StreamHandlers, type VendorStream } from '../../sdk.ts';
import type { IvmsClient } from './client.ts';
import { parseStartResult } from './envelope.ts';

export interface StreamConfig {
  baseUrl: string;
  archiveMethod: 'GET' | 'POST';
  keepaliveSec: number;
  defaultWidth: number;
  defaultHeight: number;
  hlsBaseUrl?: string;
}

/** Channel id of a camera vendorId (IVMS channel ids are integers). */
export function channelOf(vendorId: string): string {
  if (!/^\d{1,9}$/.test(vendorId)) throw badInput(`cameraId: not an IVMS channel (vendor id ${JSON.stringify(vendorId.slice(0, 40))})`, { field: 'cameraId' });
  return String(Number(vendorId));
}

function dimension(v: number | null | undefined, fallback: number, name: 'width' | 'height', max: number): number {
  if (v === null || v === undefined) return fallback;
  if (!Number.isInteger(v) || v < 16 || v > max) throw badInput(`${name}: expected an integer from 16 to ${max}, got ${v}`, { field: name });
  return v;
}

/**
 * The playlist URL the core proxies: IVMS's hlsURL, made absolute against baseUrl, its origin
 * replaced by `hlsBaseUrl` when configured. Only http(s).
 */
export function playlistUrlOf(hlsUrl: string, cfg: Pick<StreamConfig, 'baseUrl' | 'hlsBaseUrl'>): string {
  let u: URL;
  try {
    u = new URL(hlsUrl, cfg.baseUrl);
  } catch {
    throw vendorRejected(`IVMS returned an hlsURL that is not a URL`);
  }
  if (cfg.hlsBaseUrl) {
    const base = new URL(cfg.hlsBaseUrl);
    u.protocol = base.protocol;
    u.host = base.host;
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw vendorRejected(`IVMS returned an hlsURL with scheme ${u.protocol}`);
  return u.toString();
}

export function ivmsStreamHandlers(client: IvmsClient, cfg: StreamConfig, now: () => number = Date.now): StreamHandlers {
  const op = (mode: 'LIVE' | 'ARCHIVE', verb: string, sid: string) => ({ what: `${verb} of ${mode === 'LIVE' ? 'live' : 'archive'} session ${sid}` });
  return {
    async start(req): Promise<VendorStream> {
      const ch = channelOf(req.cameraVendorId);
      const w = dimension(req.width, cfg.defaultWidth, 'width', 7680);
      const h = dimension(req.height, cfg.defaultHeight, 'height', 4320);
      const audio = req.audio ? 1 : 0;
      let result: unknown[];
      const what = { what: `${req.mode === 'LIVE' ? 'startlive' : 'startarchive'} of channel ${ch}`, channel: ch };
      if (req.mode === 'LIVE') {
        result = await client.call(['startlive', ch, w, h, audio], what);
      } else {
        const from = req.from;
        if (!from || Number.isNaN(from.getTime())) throw badInput('from: an ARCHIVE stream needs its start time', { field: 'from' });
        if (from.getTime() > now() + 60_000) throw badInput('from: the archive start is in the future', { field: 'from' });
        result = await client.call(['startarchive', ch, w, h, from.getTime(), audio], what, cfg.archiveMethod);
      }
      const s = parseStartResult(result, what);
      return {
        vendorSessionId: s.sessionId,
        playlistUrl: playlistUrlOf(s.hlsUrl, cfg),
        keepaliveIntervalMs: cfg.keepaliveSec * 1000,
      };
    },
    async keepalive(s) {
      const sid = s.vendorSessionId;
      await client.call([s.mode === 'LIVE' ? 'live' : 'archive', 'keepalive', sid], op(s.mode, 'keepalive', sid));
    },
    async stop(s) {
      const sid = s.vendorSessionId;
      await client.call([s.mode === 'LIVE' ? 'stoplive' : 'stoparchive', sid], op(s.mode, 'stop', sid));
    },
  };
}
