/** Videonetics IVMS server simulator (REST + HLS + WebSocket alerts), written from the vendor document only. */
export {
  IvmsSimulator,
  type IvmsFault,
  type IvmsSimulatorOptions,
  type IvmsSimulatorStats,
  type SimSession,
} from './server.ts';
export { defaultChannels, channelJson, channelStatusJson, MAX_CHANNEL_ID, type SimChannel } from './channels.ts';
export {
  OUTCOMES,
  envelope,
  routeRest,
  brokenJsonBody,
  type Envelope,
  type Outcome,
  type RestReply,
  type RestBackend,
  type StartedStream,
} from './rest.ts';
export {
  buildAlert,
  formatEventTime,
  NotificationHub,
  WS_OPEN_MESSAGE,
  WS_CLOSE_MESSAGE,
  NOTIFICATION_PATH,
  ACTIVITY_DETECTION,
  type IvmsAlertMessage,
} from './notifications.ts';
export {
  loadSegments,
  loadAssetSegments,
  generateSegmentsWithFfmpeg,
  findOnPath,
  isMpegTs,
  clipBytes,
  segmentAt,
  buildPlaylist,
  parseStreamPath,
  streamDir,
  liveEdge,
  segmentName,
  PLAYLIST_NAME,
  PLAYLIST_WINDOW,
  SEGMENT_SECONDS,
  TS_PACKET,
  type SegmentSet,
  type StreamKind,
  type StreamPath,
} from './hls.ts';
