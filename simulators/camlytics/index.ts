/** Camlytics desktop app simulator (REST API + webhooks), written from the vendor documents only. */
export { CamlyticsSimulator, type CamlyticsFault, type CamlyticsSimulatorOptions } from './server.ts';
export {
  EventGenerator, channelDetails, formatDotNetTime, parseDotNetTime, formatTimeSpan, eventLabel,
  EVENT_TYPES, FUTURE_EVENT_TYPES, ORIGINS, EMPTY_GUID, DEFAULT_CHANNELS,
  type RestEvent, type SimChannel, type SimRule,
} from './events.ts';
export {
  buildImmediateWebhook, buildAggregateWebhook, lastAggregateWindow, postWebhook, scheduleAggregateWebhooks, windowMs,
  WEBHOOK_TIMEOUT_MS, HOUR_MS, DAY_MS,
  type ImmediateWebhookBody, type AggregateWebhookBody, type EventTypeCount, type RuleCount, type WebhookKind,
  type AggregateKind, type WebhookResult, type AggregateInput, type AggregateSender,
} from './webhooks.ts';
