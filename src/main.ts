/**
 * Process entry: config → app → listen. Bad config prints one line per problem and exits 1; so does
 * an HTTP port that cannot be bound (one line naming it).
 * SIGTERM/SIGINT stop gracefully (stop accepting, stop adapters, flush, close) and exit 0; the
 * handlers are installed before start-up, so a signal during start-up also stops cleanly.
 */
import type pino from 'pino';
import { createApp, ListenError, type App } from './app.ts';
import { createLogger } from './core/ops/log.ts';
import { ConfigError, loadConfig } from './core/config/load.ts';

function fail(e: unknown, log?: pino.Logger): never {
  if (e instanceof ConfigError || e instanceof ListenError) process.stderr.write(`${e.message}\n`);
  else if (log) log.fatal({ err: e }, 'start-up failed');
  else process.stderr.write(`start-up failed: ${(e as Error).message}\n`);
  process.exit(1);
}

async function main(): Promise<void> {
  let loaded;
  try {
    loaded = loadConfig();
  } catch (e) {
    fail(e);
  }
  const log = createLogger(loaded.env.logLevel);
  log.info({ config: loaded.origin }, 'starting');

  let app: App | undefined;
  let starting: Promise<unknown> = Promise.resolve();
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'stopping');
    setTimeout(() => {
      log.error('graceful stop took longer than 20 s; exiting');
      process.exit(1);
    }, 20_000).unref();
    starting
      .catch(() => {})
      .then(() => app?.close())
      .then(
        () => {
          log.info('stopped');
          process.exit(0);
        },
        (err) => {
          log.error({ err }, 'error while stopping');
          process.exit(1);
        },
      );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('unhandledRejection', (err) => log.error({ err }, 'unhandled promise rejection'));

  try {
    starting = createApp({ env: loaded.env, config: loaded.file, log, pluginRoots: { configDir: loaded.dir } }).then((a) => {
      app = a;
      return a.listen();
    });
    await starting;
  } catch (e) {
    if (stopping) return;
    // The HTTP port could not be bound: release what was opened (database, DATA_DIR lock) before exiting.
    if (e instanceof ListenError && app) await Promise.race([app.close().catch(() => {}), new Promise((r) => setTimeout(r, 5000).unref())]);
    fail(e, log);
  }
}

void main();
