/**
 * Closes an HTTP response (an SSE subscription: `Accept: text/event-stream`) whose client has not
 * drained it for `slowMs`, as the WebSocket path does with 4429 (limits.slowConsumerSec). Memory
 * is bounded meanwhile: the SSE stream is pulled only as the socket drains, and its events wait in
 * the subscription's bounded buffer or are read from the log later. The client resumes with `after`.
 */
import type { ServerResponse } from 'node:http';
import { systemClock, type Clock } from '../time/clock.ts';

const realTime = systemClock();

export function closeWhenStalled(res: ServerResponse, slowMs: number, onClose: () => void, clock: Clock = realTime): void {
  let stalledSince = 0;
  const timer = clock.setInterval(
    () => {
      if (!res.writableNeedDrain) return void (stalledSince = 0);
      const now = clock.nowMs();
      if (!stalledSince) stalledSince = now;
      else if (now - stalledSince >= slowMs) {
        clock.clearInterval(timer);
        onClose();
        res.destroy();
      }
    },
    Math.max(50, Math.min(1000, slowMs / 4)),
  );
  timer.unref();
  res.on('drain', () => (stalledSince = 0));
  res.once('close', () => clock.clearInterval(timer));
}
