/** VXG Cloud VMS API simulator: a loopback HTTP server written from the vendor documents only. */
export { VxgSimulator, type VxgFault, type VxgSimulatorOptions } from './server.ts';
export {
  VxgStore,
  VxgApiError,
  defaultEventTypes,
  serializeEventType,
  serializeStoredEvent,
  parseVxgTime,
  formatVxgTime,
  type SimCamera,
  type SimEventType,
  type StoredVxgEvent,
  type StoreStats,
  type EventRecord,
  type StoredQuery,
} from './store.ts';
export {
  TokenRegistry,
  encodeChannelToken,
  decodeChannelToken,
  type ChannelTokenPayload,
  type TokenCheck,
  type VxgAccess,
} from './tokens.ts';
