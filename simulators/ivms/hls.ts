/**
 * HLS for the IVMS simulator: H.264 MPEG-TS segments, playlists and the IVMS-style stream URLs.
 *
 * Segments come from ffmpeg when it is on PATH (a 4 s `testsrc2` pattern cut into 1 s segments,
 * generated once and cached in the temp dir), else from the pre-made segments in ./assets/
 * (made with: ffmpeg -f lavfi -i testsrc2=size=320x180:rate=15 -t 4 -c:v libx264 -preset veryfast
 * -profile:v baseline -pix_fmt yuv420p -g 15 -keyint_min 15 -sc_threshold 0 -b:v 120k -maxrate 150k
 * -bufsize 150k -f hls -hls_time 1 -hls_list_size 0 -hls_segment_filename 'seg%d.ts' index.m3u8).
 * The assets use the `.mpegts` extension so that tsc does not read them as TypeScript.
 */
import { spawn } from 'node:child_process';
import { access, mkdir, mkdtemp, readFile, rename, rm } from 'node:fs/promises';
import { constants as fsConstants } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const TS_PACKET = 188;
export const SEGMENT_COUNT = 4;
export const SEGMENT_SECONDS = 1;
/** Segments listed in a live playlist. */
export const PLAYLIST_WINDOW = 3;

export interface SegmentSet {
  /** One encode cut in order: consecutive segments have continuous timestamps, the cycle wraps. */
  segments: Buffer[];
  durationSec: number;
  source: 'ffmpeg' | 'assets';
}

const ASSET_DIR = fileURLToPath(new URL('./assets/', import.meta.url));
const CACHE_DIR = join(tmpdir(), 'ivms-sim-hls-v1-640x360');

/** True when the buffer is whole MPEG-TS packets, each starting with the 0x47 sync byte. */
export function isMpegTs(buf: Buffer): boolean {
  if (buf.length === 0 || buf.length % TS_PACKET !== 0) return false;
  for (let i = 0; i < buf.length; i += TS_PACKET) if (buf[i] !== 0x47) return false;
  return true;
}

async function readSegments(dir: string, name: (i: number) => string): Promise<Buffer[]> {
  const out: Buffer[] = [];
  for (let i = 0; i < SEGMENT_COUNT; i++) {
    const buf = await readFile(join(dir, name(i)));
    if (!isMpegTs(buf)) throw new Error(`${name(i)} in ${dir} is not MPEG-TS`);
    out.push(buf);
  }
  return out;
}

export async function loadAssetSegments(): Promise<SegmentSet> {
  return { segments: await readSegments(ASSET_DIR, (i) => `segment-${i}.mpegts`), durationSec: SEGMENT_SECONDS, source: 'assets' };
}

/** Absolute path of an executable on PATH, or undefined. */
export async function findOnPath(command: string): Promise<string | undefined> {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, command);
    try {
      await access(candidate, fsConstants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

function runFfmpeg(ffmpeg: string, outDir: string, timeoutMs: number): Promise<void> {
  const args = [
    '-hide_banner',
    '-loglevel',
    'error',
    '-nostdin',
    '-y',
    '-f',
    'lavfi',
    '-i',
    'testsrc2=size=640x360:rate=25',
    '-t',
    String(SEGMENT_COUNT * SEGMENT_SECONDS),
    '-c:v',
    'libx264',
    '-preset',
    'veryfast',
    '-profile:v',
    'baseline',
    '-pix_fmt',
    'yuv420p',
    '-g',
    '25',
    '-keyint_min',
    '25',
    '-sc_threshold',
    '0',
    '-b:v',
    '400k',
    '-maxrate',
    '500k',
    '-bufsize',
    '500k',
    '-f',
    'hls',
    '-hls_time',
    String(SEGMENT_SECONDS),
    '-hls_list_size',
    '0',
    '-hls_segment_filename',
    join(outDir, 'seg%d.ts'),
    join(outDir, 'index.m3u8'),
  ];
  return new Promise((resolve, reject) => {
    const child = spawn(ffmpeg, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => {
      stderr = (stderr + d.toString()).slice(-2000);
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve();
      else reject(new Error(`ffmpeg exited ${code ?? signal}: ${stderr.trim()}`));
    });
  });
}

/**
 * Segments made by ffmpeg, cached in the temp dir (made in a private dir, then renamed into place,
 * so concurrent test processes never read a half-written cache). Throws when ffmpeg fails.
 */
export async function generateSegmentsWithFfmpeg(ffmpeg: string, opts: { cacheDir?: string; timeoutMs?: number } = {}): Promise<SegmentSet> {
  const cacheDir = opts.cacheDir ?? CACHE_DIR;
  const name = (i: number): string => `seg${i}.ts`;
  try {
    return { segments: await readSegments(cacheDir, name), durationSec: SEGMENT_SECONDS, source: 'ffmpeg' };
  } catch {
    // not cached yet (or damaged): make it
  }
  await mkdir(join(cacheDir, '..'), { recursive: true });
  const work = await mkdtemp(`${cacheDir}.tmp-`);
  try {
    await runFfmpeg(ffmpeg, work, opts.timeoutMs ?? 20_000);
    const segments = await readSegments(work, name);
    await rm(cacheDir, { recursive: true, force: true }).catch(() => undefined);
    await rename(work, cacheDir).catch(() => undefined); // another process may have won the race
    return { segments, durationSec: SEGMENT_SECONDS, source: 'ffmpeg' };
  } finally {
    await rm(work, { recursive: true, force: true }).catch(() => undefined);
  }
}

let shared: Promise<SegmentSet> | undefined;

/** ffmpeg-made segments when ffmpeg is on PATH and works, else the shipped assets (memoised per process). */
export function loadSegments(): Promise<SegmentSet> {
  shared ??= (async () => {
    const ffmpeg = await findOnPath('ffmpeg');
    if (ffmpeg) {
      try {
        return await generateSegmentsWithFfmpeg(ffmpeg);
      } catch {
        // fall back to the shipped segments
      }
    }
    return loadAssetSegments();
  })();
  return shared;
}

const PTS_WRAP = 2 ** 33;

function readTimestamp(buf: Buffer, at: number): number {
  return ((buf[at] >> 1) & 0x07) * 2 ** 30 + ((buf[at + 1] << 7) | (buf[at + 2] >> 1)) * 2 ** 15 + ((buf[at + 3] << 7) | (buf[at + 4] >> 1));
}

/** Rewrites a 5-byte PES timestamp in place, keeping its 4-bit prefix and marker bits. */
function shiftTimestamp(buf: Buffer, at: number, offset: number): void {
  const t = (readTimestamp(buf, at) + offset) % PTS_WRAP;
  const hi = Math.floor(t / 2 ** 30);
  const mid = Math.floor(t / 2 ** 15) & 0x7fff;
  const lo = t & 0x7fff;
  buf[at] = (buf[at] & 0xf0) | (hi << 1) | 1;
  buf[at + 1] = mid >> 7;
  buf[at + 2] = ((mid & 0x7f) << 1) | 1;
  buf[at + 3] = lo >> 7;
  buf[at + 4] = ((lo & 0x7f) << 1) | 1;
}

/** Adds `offset` (90 kHz) to a PCR base in place (33-bit base, 6 reserved bits, 9-bit extension). */
function shiftPcr(buf: Buffer, at: number, offset: number): void {
  const base = buf.readUInt32BE(at) * 2 + (buf[at + 4] >> 7);
  const t = (base + offset) % PTS_WRAP;
  buf.writeUInt32BE(Math.floor(t / 2), at);
  buf[at + 4] = ((t % 2) << 7) | (buf[at + 4] & 0x7f);
}

/** Payload-carrying packets per PID in a buffer (each advances that PID's continuity counter). */
function payloadPackets(buf: Buffer): Map<number, number> {
  const counts = new Map<number, number>();
  for (let i = 0; i < buf.length; i += TS_PACKET) {
    const pid = ((buf[i + 1] & 0x1f) << 8) | buf[i + 2];
    if (pid !== 0x1fff && buf[i + 3] & 0x10) counts.set(pid, (counts.get(pid) ?? 0) + 1);
  }
  return counts;
}

/**
 * Segment number `seq` of an endless stream made by looping the cycle: in the k-th repetition,
 * PTS/DTS/PCR move on by k cycle durations and continuity counters by k cycles' packets, so the
 * stream stays continuous across the loop (no #EXT-X-DISCONTINUITY needed).
 */
export function segmentAt(set: SegmentSet, seq: number): Buffer {
  const n = set.segments.length;
  const round = Math.floor(seq / n);
  const source = set.segments[seq % n];
  if (round === 0) return source;
  const out = Buffer.from(source);
  const tsOffset = (round * n * set.durationSec * 90_000) % PTS_WRAP;
  const perCycle = payloadPackets(Buffer.concat(set.segments));
  for (let i = 0; i < out.length; i += TS_PACKET) {
    const pid = ((out[i + 1] & 0x1f) << 8) | out[i + 2];
    if (pid === 0x1fff) continue;
    const control = out[i + 3];
    if (control & 0x10) out[i + 3] = (control & 0xf0) | (((control & 0x0f) + round * (perCycle.get(pid) ?? 0)) & 0x0f);
    let payload = i + 4;
    if (control & 0x20) {
      const length = out[i + 4];
      if (length > 0 && out[i + 5] & 0x10) shiftPcr(out, i + 6, tsOffset);
      payload += 1 + length;
    }
    const unitStart = (out[i + 1] & 0x40) !== 0;
    if (!unitStart || !(control & 0x10) || payload + 19 > i + TS_PACKET) continue;
    if (out[payload] !== 0 || out[payload + 1] !== 0 || out[payload + 2] !== 1) continue; // PSI, not PES
    const streamId = out[payload + 3];
    if (streamId < 0xbd || streamId > 0xef) continue; // no optional PES header
    const flags = out[payload + 7] >> 6;
    if (flags & 2) shiftTimestamp(out, payload + 9, tsOffset);
    if (flags === 3) shiftTimestamp(out, payload + 14, tsOffset);
  }
  return out;
}

/** Whole segments of the looping stream (see segmentAt) adding up to at least `count` bytes; one cycle by default. */
export function clipBytes(set: SegmentSet, count?: number): Buffer {
  const parts: Buffer[] = [];
  let have = 0;
  for (let seq = 0; count === undefined ? seq < set.segments.length : have < Math.max(1, count); seq++) {
    const seg = segmentAt(set, seq);
    parts.push(seg);
    have += seg.length;
  }
  return Buffer.concat(parts);
}

export type StreamKind = 'live' | 'archive';

export interface StreamPath {
  kind: StreamKind;
  sessionId: string;
  channelId: number;
  withAudio: boolean;
  width: number;
  height: number;
}

/** Directory of a session's stream, e.g. `/live/TS_FILES/Live/VMS1497337939320/10/MajorStream/Without_Audio/800_700`. */
export function streamDir(p: StreamPath): string {
  const top = p.kind === 'live' ? 'live/TS_FILES/Live' : 'archive/TS_FILES/Archive';
  return `/${top}/VMS${p.sessionId}/${p.channelId}/MajorStream/${p.withAudio ? 'With_Audio' : 'Without_Audio'}/${p.width}_${p.height}`;
}

export const PLAYLIST_NAME = 'index.m3u8';
export const segmentName = (seq: number): string => `index${seq}.ts`;

const STREAM_RE = /^\/(live|archive)\/TS_FILES\/(Live|Archive)\/VMS(\d+)\/(\d+)\/MajorStream\/(With_Audio|Without_Audio)\/(\d+)_(\d+)\/(index\.m3u8|index(\d+)\.ts)$/;

/** Parses an HLS request path; `segment` is the sequence number, undefined for the playlist. */
export function parseStreamPath(path: string): (StreamPath & { segment?: number }) | undefined {
  const m = STREAM_RE.exec(path);
  if (!m || (m[1] === 'live') !== (m[2] === 'Live')) return undefined;
  return {
    kind: m[1] as StreamKind,
    sessionId: m[3],
    channelId: Number(m[4]),
    withAudio: m[5] === 'With_Audio',
    width: Number(m[6]),
    height: Number(m[7]),
    segment: m[9] === undefined ? undefined : Number(m[9]),
  };
}

/** Sequence number of the newest segment of a stream started at `startedAt` (the window is full at once). */
export function liveEdge(startedAt: number, now: number, durationSec: number): number {
  return Math.floor(Math.max(0, now - startedAt) / (durationSec * 1000)) + PLAYLIST_WINDOW - 1;
}

/** A sliding-window playlist of PLAYLIST_WINDOW segments ending at `edge`. */
export function buildPlaylist(o: { edge: number; durationSec: number; uri: (seq: number) => string }): string {
  const first = Math.max(0, o.edge - PLAYLIST_WINDOW + 1);
  const lines = ['#EXTM3U', '#EXT-X-VERSION:3', `#EXT-X-TARGETDURATION:${Math.ceil(o.durationSec)}`, `#EXT-X-MEDIA-SEQUENCE:${first}`];
  for (let seq = first; seq <= o.edge; seq++) {
    lines.push(`#EXTINF:${o.durationSec.toFixed(3)},`, o.uri(seq));
  }
  return `${lines.join('\n')}\n`;
}
