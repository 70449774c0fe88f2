/** FF-Events camera simulator: a push client written from the vendor documents only. */
export {
  FfCameraSimulator,
  type FfCameraOptions,
  type FfCameraHttpOptions,
  type FfCameraTcpOptions,
  type FfCameraStats,
  type Delivery,
} from './camera.ts';
export {
  postEvent,
  buildHttpRequest,
  buildMultipart,
  HTTP_MODES,
  type HttpMode,
  type HttpAuth,
  type HttpPushRequest,
  type HttpPushResult,
  type PushImage,
  type MultipartPart,
} from './http-push.ts';
export {
  TcpPushClient,
  frameObject,
  type TcpFraming,
  type TcpWriteStrategy,
  type TcpPushOptions,
  type TcpSendResult,
  type TcpStats,
} from './tcp-push.ts';
export {
  PassGenerator,
  stampEvent,
  formatCameraDatetime,
  type CarState,
  type FfJson,
  type ImageRef,
  type PassEvent,
  type VehiclePass,
  type PassGeneratorOptions,
  type PlateSpec,
  type CameraInfo,
} from './passes.ts';
