/**
 * Ports for test servers: listen on port 0 and read back the port the system chose. (Asking for a
 * free port and binding it later races with everything else binding ports on a loaded machine.)
 */
import { createServer, type Server } from 'node:net';

/** Listen on an ephemeral port of `host` and resolve with it. */
export function listenOnPort0(server: Server, host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, () => {
      server.off('error', reject);
      resolve((server.address() as { port: number }).port);
    });
  });
}

/**
 * A port nothing listens on, for "the peer is down" (connections are refused): bound on port 0 and
 * released. A test that later starts a server there can lose the port to another process in
 * between; start servers under test with listenOnPort0 instead.
 */
export async function unusedPort(host = '127.0.0.1'): Promise<number> {
  const server = createServer();
  const port = await listenOnPort0(server, host);
  await new Promise((r) => server.close(r));
  return port;
}
