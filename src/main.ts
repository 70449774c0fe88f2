/**
 * Process entry: config → app → listen. Bad config prints one line per problem and exits 1.
 * SIGTERM/SIGINT stop gracefully (stop accepting, stop adapters, flush, close) and exit 0.
 */
import pino from 'pino';
import { createApp } from './app.ts';
import { ConfigError, loadConfig } from './core/config/load.ts';

async function main(): Promise<void> {
  let loaded;
  try {
    loaded = loadConfig();
  } catch (e) {
    if (e instanceof ConfigError) {
      process.stderr.write(`${e.message}\n`);
      process.exit(1);
    }
    throw e;
  }
  const log = pino({ level: loaded.env.logLevel });
  log.info({ config: loaded.origin }, 'starting');
  let app;
  try {
    app = await createApp({ env: loaded.env, config: loaded.file, log });
    await app.listen();
  } catch (e) {
    if (e instanceof ConfigError) {
      process.stderr.write(`${e.message}\n`);
      process.exit(1);
    }
    log.fatal({ err: e }, 'start-up failed');
    process.exit(1);
  }
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'stopping');
    const force = setTimeout(() => {
      log.error('graceful stop took longer than 20 s; exiting');
      process.exit(1);
    }, 20_000);
    force.unref();
    app.close().then(
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
}

void main();
