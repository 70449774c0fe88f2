/**
 * Deterministic (seeded) Camlytics events, written from the vendor documents only
 * (/work/shared/protocols/camlytics.md, seed 003). Shapes marked *unverified* are inferences.
 *
 * REST event (public C# client model: every field a string):
 *   event_id, channel_id, channel_name, type, origin, object_id, rule_id, rule_name, time,
 *   timestamp, snapshot_path, video_file_name, video_file_time
 * - `time`: .NET round-trip ("o") local time with 7 fractional digits and the host offset.
 * - `timestamp`: *unverified*: Unix epoch milliseconds as a string.
 * - `snapshot_path`: a Windows path on the Camlytics host ("" when there is no frame).
 * - `video_file_name` / `video_file_time`: *unverified*: the recording segment's file name and
 *   the offset into it as a .NET TimeSpan ("00:02:51.2984871"); both "" when recording is off.
 * - Events without a rule (ObjectAppear/Disappear, Sabotage, CameraDisconnected: the seed's
 *   aggregate counts them under no rule) carry Guid.Empty and "" as rule id/name; events without an
 *   object (motion, sabotage, disconnect) carry object_id "0" and origin "Unknown".
 */
import { createRng, type Rng } from '../kit/rng.ts';

export type RestEvent = {
  event_id: string;
  channel_id: string;
  channel_name: string;
  type: string;
  origin: string;
  object_id: string;
  rule_id: string;
  rule_name: string;
  time: string;
  timestamp: string;
  snapshot_path: string;
  video_file_name: string;
  video_file_time: string;
};

export interface SimChannel {
  id: string /* GUID */;
  name: string;
  streamUri: string;
}

export interface SimRule {
  id: string;
  name: string;
  kind: 'motion' | 'line' | 'zone';
}

/** Documented event types with their app labels, in the seed aggregate's order. */
export const EVENT_TYPES: ReadonlyArray<{ type: string; label: string }> = [
  { type: 'TripwireCrossed', label: 'Line crossed' },
  { type: 'RegionJoin', label: 'Zone joined' },
  { type: 'RegionLeave', label: 'Zone left' },
  { type: 'MotionInRegionOn', label: 'Motion started' },
  { type: 'MotionInRegionOff', label: 'Motion finished' },
  { type: 'Loitering', label: 'Object dwell' },
  { type: 'CrowdOn', label: 'Crowd appear' },
  { type: 'CrowdOff', label: 'Crowd disappear' },
  { type: 'Tailgating', label: 'Tailgating' },
  { type: 'AbandonedObject', label: 'Abandoned item' },
  { type: 'ObjectAppear', label: 'Object appear' },
  { type: 'ObjectDisappear', label: 'Object disappear' },
  { type: 'Sabotage', label: 'Camera obstructed' },
  { type: 'CameraDisconnected', label: 'Camera disconnected' },
];

/** Invented types standing in for "unknown types will appear in newer versions". */
export const FUTURE_EVENT_TYPES: ReadonlyArray<{ type: string; label: string }> = [
  { type: 'SpeedLimitExceeded', label: 'Speed exceeded' },
  { type: 'PersonFall', label: 'Person fall' },
];

export const ORIGINS = ['Pedestrian', 'Vehicle', 'Unknown'] as const;
export const EMPTY_GUID = '00000000-0000-0000-0000-000000000000';

export function eventLabel(type: string): string {
  return [...EVENT_TYPES, ...FUTURE_EVENT_TYPES].find((t) => t.type === type)?.label ?? type;
}

/** The seed's channel (a laptop webcam: no RTSP URI) plus two IP cameras with embedded credentials. */
export const DEFAULT_CHANNELS: readonly SimChannel[] = [
  { id: 'ddbbe807-8560-4bc7-b04b-4b3b04c69339', name: 'Integrated Camera', streamUri: 'video=Integrated Camera' },
  { id: '5b0e7c2a-91f4-4d6e-a8c3-2f7d9e1b4a60', name: 'Entrance', streamUri: 'rtsp://admin:secret@192.168.1.20:554/stream1' },
  { id: 'c41f9a3d-0e6b-47a2-9d15-8b3e6f2c7d94', name: 'Parking – Süd', streamUri: 'rtsp://viewer:p%40ss%3Aw0rd@192.168.1.21:554/Streaming/Channels/101' },
];
/** The default channel that does not record video (its events have empty video fields). */
const NOT_RECORDING = new Set([DEFAULT_CHANNELS[2].id]);

/** The seed aggregate's rules, used for the seed channel. */
const SEED_RULES: readonly SimRule[] = [
  { id: 'ab68d96d-b1a6-4b94-8092-3ece52cf707d', name: 'Motion detection', kind: 'motion' },
  { id: '471fa55d-967b-46a7-b77f-5b9ce6af82ee', name: 'Line 1', kind: 'line' },
  { id: '689351ab-239c-420f-b22e-cfc27fce6806', name: 'Line 2', kind: 'line' },
  { id: '0e5f132d-3a81-4e16-993c-6a8d4a47e5e1', name: 'Line 3', kind: 'line' },
];

/**
 * A channel as GET /v1/json/channels lists it. *Unverified* shape ("complete details — streaming
 * URI, name"): `id`, `name`, `stream_uri` plus fields a client must tolerate.
 */
export function channelDetails(c: SimChannel): Record<string, unknown> {
  const ip = c.streamUri.startsWith('rtsp:');
  return {
    id: c.id,
    name: c.name,
    stream_uri: c.streamUri,
    type: ip ? 'IpCamera' : 'Webcam',
    enabled: true,
    status: 'Connected',
    resolution: ip ? '1920x1080' : '1280x720',
    fps: ip ? 25 : 30,
  };
}

const pad = (n: number, w = 2): string => String(n).padStart(w, '0');

/** Local wall-clock parts of `ms` at a fixed UTC offset. */
function localParts(ms: number, offsetMinutes: number) {
  const d = new Date(ms + offsetMinutes * 60_000);
  return {
    date: `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`,
    h: d.getUTCHours(),
    m: d.getUTCMinutes(),
    s: d.getUTCSeconds(),
    ms: d.getUTCMilliseconds(),
  };
}

/** .NET DateTime.ToString("o") of a local time: `2019-05-20T18:02:51.2984871+03:00`. */
export function formatDotNetTime(ms: number, offsetMinutes: number, subMsTicks = 0): string {
  const p = localParts(ms, offsetMinutes);
  const abs = Math.abs(offsetMinutes);
  const sign = offsetMinutes < 0 ? '-' : '+';
  return `${p.date}T${pad(p.h)}:${pad(p.m)}:${pad(p.s)}.${pad(p.ms, 3)}${pad(subMsTicks, 4)}${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}

/** Milliseconds since the epoch of a .NET round-trip time (fraction truncated to ms); NaN if unparsable. */
export function parseDotNetTime(s: string): number {
  const m = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d{1,7}))?(Z|[+-]\d\d:\d\d)?$/.exec(s);
  if (!m) return Number.NaN;
  return Date.parse(`${m[1]}.${(m[2] ?? '').padEnd(3, '0').slice(0, 3)}${m[3] ?? 'Z'}`);
}

/** .NET TimeSpan "c" format with 7 fractional digits: `00:02:51.2984871`. */
export function formatTimeSpan(ms: number, subMsTicks = 0): string {
  const s = Math.floor(ms / 1000);
  return `${pad(Math.floor(s / 3600))}:${pad(Math.floor(s / 60) % 60)}:${pad(s % 60)}.${pad(ms % 1000, 3)}${pad(subMsTicks, 4)}`;
}

const windowsSafe = (name: string): string => name.replace(/[\\/:*?"<>|]/g, '_');

type Pick = 'TripwireCrossed' | 'Region' | 'Motion' | 'Loitering' | 'Crowd' | 'Tailgating' | 'AbandonedObject' | 'ObjectAppear' | 'ObjectDisappear' | 'Sabotage' | 'CameraDisconnected' | 'Future';
const WEIGHTS: ReadonlyArray<[Pick, number]> = [
  ['TripwireCrossed', 25],
  ['ObjectAppear', 15],
  ['ObjectDisappear', 13],
  ['Motion', 16],
  ['Region', 15],
  ['Loitering', 3],
  ['Crowd', 2],
  ['Tailgating', 1],
  ['AbandonedObject', 1],
  ['Sabotage', 1],
  ['CameraDisconnected', 0.5],
  ['Future', 1.5],
];
const NEEDS: Partial<Record<Pick, SimRule['kind']>> = {
  TripwireCrossed: 'line',
  Region: 'zone',
  Loitering: 'zone',
  Crowd: 'zone',
  Tailgating: 'zone',
  AbandonedObject: 'zone',
  Motion: 'motion',
};
const NO_OBJECT = new Set(['MotionInRegionOn', 'MotionInRegionOff', 'Sabotage', 'CameraDisconnected', 'CrowdOn', 'CrowdOff']);
const NO_RULE = new Set(['ObjectAppear', 'ObjectDisappear', 'Sabotage', 'CameraDisconnected']);

interface ChannelState {
  rules: SimRule[];
  recording: boolean;
  nextObject: number;
  live: number[];
  origins: Map<number, string>;
  toggles: Set<string>;
}

/** Generates plausible event sequences per channel: objects appear, cross lines, dwell and disappear. */
export class EventGenerator {
  private readonly rng: Rng;
  private readonly states = new Map<string, ChannelState>();

  constructor(
    private readonly seed: number | string,
    private readonly offsetMinutes: number,
  ) {
    this.rng = createRng(seed);
  }

  /** The channel's rules (deterministic from the seed and channel id). */
  rules(channel: SimChannel): SimRule[] {
    return this.state(channel).rules;
  }

  /** One event on `channel` at `ms`; `type` forces the event type (any string, also unknown ones). */
  next(channel: SimChannel, ms: number, subMsTicks: number, type?: string): RestEvent {
    const st = this.state(channel);
    const r = this.rng;
    const kind = type ?? this.pickType(st);
    const needs = kind.startsWith('Tripwire') ? 'line' : kind.startsWith('Motion') ? 'motion' : /^(Region|Loitering|Crowd|Tailgating|Abandoned)/.test(kind) ? 'zone' : undefined;
    const candidates = needs ? st.rules.filter((x) => x.kind === needs) : st.rules.filter((x) => x.kind !== 'motion');
    const rule = NO_RULE.has(kind) || candidates.length === 0 ? undefined : r.pick(candidates);
    let objectId = 0;
    let origin = 'Unknown';
    if (!NO_OBJECT.has(kind)) {
      objectId = this.objectFor(st, kind);
      origin = st.origins.get(objectId) ?? 'Unknown';
    }
    const local = localParts(ms, this.offsetMinutes);
    const dir = `C:\\Users\\Operator\\AppData\\Roaming\\Camlytics\\Snapshots\\${windowsSafe(channel.name)}\\${local.date}`;
    const segmentStart = ms - ((((ms + this.offsetMinutes * 60_000) % 600_000) + 600_000) % 600_000);
    const seg = localParts(segmentStart, this.offsetMinutes);
    return {
      event_id: r.guid(),
      channel_id: channel.id,
      channel_name: channel.name,
      type: kind,
      origin,
      object_id: String(objectId),
      rule_id: rule?.id ?? EMPTY_GUID,
      rule_name: rule?.name ?? '',
      time: formatDotNetTime(ms, this.offsetMinutes, subMsTicks),
      timestamp: String(ms),
      snapshot_path: kind === 'CameraDisconnected' ? '' : `${dir}\\${pad(local.h)}-${pad(local.m)}-${pad(local.s)}-${pad(local.ms, 3)}_${objectId}.jpg`,
      video_file_name: st.recording ? `${windowsSafe(channel.name)}_${seg.date}_${pad(seg.h)}-${pad(seg.m)}-00.mp4` : '',
      video_file_time: st.recording ? formatTimeSpan(ms - segmentStart, subMsTicks) : '',
    };
  }

  private pickType(st: ChannelState): string {
    const have = new Set(st.rules.map((x) => x.kind));
    const options = WEIGHTS.filter(([p]) => !NEEDS[p] || have.has(NEEDS[p]!));
    let roll = this.rng.next() * options.reduce((s, [, w]) => s + w, 0);
    let pick: Pick = options[0][0];
    for (const [p, w] of options)
      if ((roll -= w) < 0) {
        pick = p;
        break;
      }
    if (pick === 'Future') return this.rng.pick(FUTURE_EVENT_TYPES).type;
    if (pick === 'Motion' || pick === 'Crowd') {
      const on = !st.toggles.has(pick); // on/off alternate per channel
      if (on) st.toggles.add(pick);
      else st.toggles.delete(pick);
      return pick === 'Motion' ? (on ? 'MotionInRegionOn' : 'MotionInRegionOff') : on ? 'CrowdOn' : 'CrowdOff';
    }
    if (pick === 'Region') return this.rng.chance(0.5) ? 'RegionJoin' : 'RegionLeave';
    return pick;
  }

  private objectFor(st: ChannelState, kind: string): number {
    const r = this.rng;
    const fresh = (): number => {
      const id = st.nextObject++;
      st.live.push(id);
      if (st.live.length > 20) st.origins.delete(st.live.shift()!);
      st.origins.set(id, kind === 'AbandonedObject' ? 'Unknown' : r.next() < 0.6 ? 'Pedestrian' : r.next() < 0.75 ? 'Vehicle' : 'Unknown');
      return id;
    };
    if (kind === 'ObjectAppear' || st.live.length === 0) return fresh();
    if (kind === 'ObjectDisappear') return st.live.splice(r.int(0, st.live.length - 1), 1)[0];
    return r.chance(0.8) ? r.pick(st.live) : fresh();
  }

  private state(channel: SimChannel): ChannelState {
    let st = this.states.get(channel.id);
    if (st) return st;
    const r = createRng(`${this.seed}/${channel.id}`);
    let rules: SimRule[];
    if (channel.id === DEFAULT_CHANNELS[0].id) rules = [...SEED_RULES];
    else {
      rules = [{ id: r.guid(), name: 'Motion detection', kind: 'motion' }];
      const [lines, zones] = [r.int(1, 3), r.int(1, 2)];
      for (let i = 1; i <= lines; i++) rules.push({ id: r.guid(), name: `Line ${i}`, kind: 'line' });
      for (let i = 1; i <= zones; i++) rules.push({ id: r.guid(), name: `Zone ${i}`, kind: 'zone' });
    }
    const recording = DEFAULT_CHANNELS.some((c) => c.id === channel.id) ? !NOT_RECORDING.has(channel.id) : r.chance(0.75);
    st = { rules, recording, nextObject: r.int(1, 50), live: [], origins: new Map(), toggles: new Set() };
    this.states.set(channel.id, st);
    return st;
  }
}
