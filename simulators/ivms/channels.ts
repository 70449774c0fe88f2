/**
 * Simulated IVMS channels (cameras) and their vendor JSON, as listed in the API document §3.1/§3.2
 * (field names from the channel objects seen; the value types are inferences).
 */

export interface SimChannel {
  id: number;
  name: string;
  model: string;
  ip: string;
  username: string;
  password: string;
  /** RTSP URL with credentials, as the IVMS reports it. */
  majorUrl: string;
  /** 0 = active, 1 = inactive (the connector's reading of `channelStatus`; unverified). */
  status: 0 | 1;
  latitude?: number;
  longitude?: number;
  locationId?: number;
}

/** Largest channel id the document's `channelid=[Short]` admits. */
export const MAX_CHANNEL_ID = 32767;

function rtsp(user: string, password: string, ip: string, path: string): string {
  return `rtsp://${user}:${password}@${ip}:554/${path}`;
}

/**
 * Default channels: the document's own samples (id 1 "Entry_View" Axis 192.168.1.10; camera 2 whose
 * name is its IP "192.168.1.47" as in the WebSocket sample), a gap in the ids, one inactive channel.
 */
export function defaultChannels(): SimChannel[] {
  return [
    {
      id: 1,
      name: 'Entry_View',
      model: 'Axis',
      ip: '192.168.1.10',
      username: 'root',
      password: 'pass1',
      majorUrl: rtsp('root', 'pass1', '192.168.1.10', 'axis-media/media.amp'),
      status: 0,
      latitude: 22.5726,
      longitude: 88.3639,
      locationId: 1,
    },
    {
      id: 2,
      name: '192.168.1.47',
      model: 'Hikvision',
      ip: '192.168.1.47',
      username: 'admin',
      password: 'hik12345',
      majorUrl: rtsp('admin', 'hik12345', '192.168.1.47', 'Streaming/Channels/101'),
      status: 0,
      locationId: 1,
    },
    {
      id: 3,
      name: 'Parking_Gate',
      model: 'Dahua',
      ip: '192.168.1.52',
      username: 'admin',
      password: 'dahua123',
      majorUrl: rtsp('admin', 'dahua123', '192.168.1.52', 'cam/realmonitor?channel=1&subtype=0'),
      status: 1,
      latitude: 22.5731,
      longitude: 88.3644,
      locationId: 2,
    },
    {
      id: 10,
      name: 'Warehouse_Dock',
      model: 'Videonetics',
      ip: '192.168.1.60',
      username: 'admin',
      password: 'vn@2017',
      majorUrl: rtsp('admin', 'vn@2017', '192.168.1.60', 'live/main'),
      status: 0,
      latitude: 22.574,
      longitude: 88.365,
      locationId: 2,
    },
  ];
}

/** Stream URL without credentials, for the derived minor/snap/analytic URLs. */
function withoutCredentials(url: string): string {
  return url.replace(/^(rtsp:\/\/)[^@/]*@/, '$1');
}

/**
 * The channel as the IVMS serialises it: every field name listed for channel objects, in that order.
 * Values that the document does not show are plausible guesses (types unverified); coordinates
 * that are not set are 0.0, as a Java `double` would be.
 */
export function channelJson(c: SimChannel, index: number): Record<string, unknown> {
  const bare = withoutCredentials(c.majorUrl);
  return {
    id: c.id,
    model: c.model,
    ip: c.ip,
    name: c.name,
    configurationType: 1,
    snapUrl: `http://${c.ip}/snapshot.jpg`,
    analyticUrl: bare,
    minorUrl: `${bare}${bare.includes('?') ? '&' : '?'}stream=minor`,
    majorUrl: c.majorUrl,
    username: c.username,
    password: c.password,
    posX: 0,
    posY: 0,
    recordingId: c.id,
    locationId: c.locationId ?? 0,
    junctionId: 0,
    groupId: 1,
    recordingStream: 'MajorStream',
    oldestClipTime: '2017-06-13 00:00:00',
    number: index + 1,
    channelType: 0,
    latitude: c.latitude ?? 0.0,
    longitude: c.longitude ?? 0.0,
    commandPort: 80,
    param1: 'NA',
    param2: 'NA',
    vocRecordingFlag: 0,
    noOfJobs: 1,
  };
}

/** `channel/status` result: `[{channelId, channelStatus}]`, listed like the document's sample. */
export function channelStatusJson(channels: readonly SimChannel[]): Array<{ channelId: number; channelStatus: 0 | 1 }> {
  return channels.map((c) => ({ channelId: c.id, channelStatus: c.status }));
}

/** Validates a channel list given to the simulator (unique ids within the Short range). */
export function checkChannels(channels: readonly SimChannel[]): SimChannel[] {
  const seen = new Set<number>();
  for (const c of channels) {
    if (!Number.isInteger(c.id) || c.id < 0 || c.id > MAX_CHANNEL_ID) throw new RangeError(`channel id ${c.id} is not a Short`);
    if (seen.has(c.id)) throw new RangeError(`duplicate channel id ${c.id}`);
    seen.add(c.id);
  }
  return channels.map((c) => ({ ...c }));
}
