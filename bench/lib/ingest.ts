/** Writes FF events over TCP to a server under test (untimed set-up for fan-out and memory benches). */
import net from 'node:net';
import { once } from 'node:events';
import { until } from './env.ts';
import { ffTcpStreams } from './ff-data.ts';

/** Writes `count` FF events (camera BENCH-TCP<tag>-0) over one TCP connection and waits until `rows()` says they are committed. */
export async function ingestOverTcp(port: number, count: number, rows: () => Promise<number>, tag = ''): Promise<void> {
  const { streams } = ffTcpStreams(count, 1, tag);
  const sock = net.connect({ host: '127.0.0.1', port });
  await once(sock, 'connect');
  for (const b of streams[0]) if (!sock.write(b)) await once(sock, 'drain');
  sock.end();
  await until(async () => (await rows()) >= count, 60_000, `${count} committed rows`, 20);
}
