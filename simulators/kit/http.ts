/**
 * HTTP plumbing the simulators share: listening (port 0 = a port the OS picks at bind time, so
 * tests never race for a "free" port), the URL to reach a listener, closing, and reading bodies.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Readable } from 'node:stream';

/** Listens on `host:port` and resolves with the port actually bound (the OS's choice for port 0). */
export function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

/** `http://host:port` for a client: IPv6 in brackets, a wildcard host shown as loopback. */
export function httpUrl(host: string, port: number): string {
  const shown = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
  return `http://${shown}:${port}`;
}

/** Stops listening and ends every open connection (also requests a fault left hanging). */
export function closeServer(server: Server): Promise<void> {
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeAllConnections();
  return closed;
}

/**
 * Reads a request or response body to its end, keeping at most the first `maxBytes` bytes;
 * `size` is the full length, so a caller can refuse (or just truncate) what was too large.
 */
export function readBody(stream: Readable, maxBytes = Number.POSITIVE_INFINITY): Promise<{ body: Buffer; size: number }> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    stream.on('data', (c: Buffer) => {
      if (size < maxBytes) chunks.push(size + c.length > maxBytes ? c.subarray(0, maxBytes - size) : c);
      size += c.length;
    });
    stream.on('end', () => resolve({ body: Buffer.concat(chunks), size }));
    stream.on('error', reject);
  });
}
