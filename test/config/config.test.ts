/**
 * Config loading: environment, YAML/JSON file, `${VAR}` substitution, adapter entries validated
 * against the built-in adapters, and the process exiting 1 with one line per problem.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import pino from 'pino';
import { ConfigError, loadConfig, parseConfigText, readEnv, validateConfig } from '../../src/core/config/load.ts';
import { LOG_LEVELS } from '../../src/core/config/env.ts';
import { validateAdapterEntries } from '../../src/core/adapter/registry.ts';
import { builtInAdapters } from '../../src/adapters/index.ts';
import { createApp } from '../../src/app.ts';

const tmp = mkdtempSync(join(tmpdir(), 'usa-config-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** The problems of the ConfigError `fn` throws (fails when it throws anything else or nothing). */
function problemsOf(fn: () => unknown): string[] {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as ConfigError).problems;
  }
  throw new Error('expected a ConfigError');
}

const defs = new Map(builtInAdapters.map((d) => [d.type, d]));

describe('validateConfig', () => {
  it('applies defaults to an empty document', () => {
    const cfg = validateConfig({});
    expect(cfg.adapters).toEqual([]);
    expect(cfg.auth.apiKeys).toEqual([]);
    expect(cfg.limits).toMatchObject({ maxDepth: 12, maxAliases: 30, maxTokens: 5000, wsMaxPayloadBytes: 65_536 });
  });

  it('substitutes ${VAR} from the environment in nested strings, keeping other text', () => {
    const cfg = validateConfig(
      { auth: { apiKeys: [{ key: 'k-${API_KEY}', scopes: ['admin'] }] }, adapters: [{ type: 'ff', id: '${ID}', auth: { header: 'X-Auth-Key', key: '${FF_KEY}' } }] },
      { API_KEY: '0123456789abcdef', ID: 'gate-north', FF_KEY: 's3cret-key' },
    );
    expect(cfg.auth.apiKeys[0].key).toBe('k-0123456789abcdef');
    expect(cfg.adapters[0]).toMatchObject({ id: 'gate-north', auth: { key: 's3cret-key' } });
  });

  it('names the path of every missing variable', () => {
    const problems = problemsOf(() =>
      validateConfig(
        {
          auth: { apiKeys: [{ key: '${API_KEY}', scopes: ['admin'] }] },
          adapters: [
            { type: 'ff', id: 'a' },
            { type: 'ff', id: 'b', auth: { key: '${FF_KEY}' } },
          ],
        },
        {},
      ),
    );
    expect(problems).toEqual(expect.arrayContaining([expect.stringMatching(/^auth\.apiKeys\[0\]\.key: .*API_KEY/), expect.stringMatching(/^adapters\[1\]\.auth\.key: .*FF_KEY/)]));
    // The emptied value may also fail its own rule (API key length), but only at the same path.
    expect(new Set(problems.map((p) => p.split(':')[0]))).toEqual(new Set(['auth.apiKeys[0].key', 'adapters[1].auth.key']));
  });

  it('rejects an unknown top-level key, naming it', () => {
    const problems = problemsOf(() => validateConfig({ adapters: [], adaptors: [] }));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain('adaptors');
  });

  it('reports every schema problem at once with its path', () => {
    const problems = problemsOf(() => validateConfig({ auth: { apiKeys: [{ key: 'short', scopes: ['root'] }] }, adapters: [{ type: 'ff', id: 'bad id!' }], limits: { maxDepth: 1 } }));
    expect(problems.map((p) => p.split(':')[0]).sort()).toEqual(['adapters[0].id', 'auth.apiKeys[0].key', 'auth.apiKeys[0].scopes[0]', 'limits.maxDepth']);
  });

  it('rejects a duplicate instance id of one type, but allows the same id for another type', () => {
    const problems = problemsOf(() =>
      validateConfig({
        adapters: [
          { type: 'ff', id: 'a' },
          { type: 'ff', id: 'b' },
          { type: 'ff', id: 'a' },
        ],
      }),
    );
    expect(problems).toEqual([expect.stringMatching(/^adapters\[2\]\.id: duplicate instance "a"/)]);
    expect(() =>
      validateConfig({
        adapters: [
          { type: 'ff', id: 'a' },
          { type: 'other', id: 'a' },
        ],
      }),
    ).not.toThrow();
  });
});

describe('validateAdapterEntries (built-in adapters)', () => {
  it('validates each entry against its adapter schema, naming adapters[i].path', () => {
    const { adapters } = validateConfig({
      adapters: [
        { type: 'ff', id: 'ok', tcpPort: 4001 },
        { type: 'ff', id: 'port', tcpPort: 70000 },
        { type: 'ff', id: 'zone', timezone: 'Mars/Olympus', auth: { header: 'X', key: 'short' } },
        { type: 'nosuch', id: 'x' },
        { type: 'ff', id: 'extra', colour: 'red' },
      ],
    });
    const { configs, problems } = validateAdapterEntries(adapters, defs);
    expect(configs.map((c) => c.id)).toEqual(['ok']);
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^adapters\[1\]\.tcpPort: /),
        expect.stringMatching(/^adapters\[2\]\.timezone: /),
        expect.stringMatching(/^adapters\[2\]\.auth/),
        expect.stringMatching(/^adapters\[3\]\.type: unknown adapter type "nosuch" \(known: ff, camlytics, vxg, ivms\)/),
        expect.stringMatching(/^adapters\[4\].*colour/),
      ]),
    );
    expect(problems.every((p) => !p.includes('\n'))).toBe(true);
  });

  it('applies adapter defaults', () => {
    const { configs, problems } = validateAdapterEntries([{ type: 'ff', id: 'd' }], defs);
    expect(problems).toEqual([]);
    expect(configs[0]).toMatchObject({ type: 'ff', id: 'd', tcpHost: '0.0.0.0' });
    // No timezone default: unset, local times are read in the camera's site zone, else UTC (ff/time.ts).
    expect(configs[0]).not.toHaveProperty('timezone');
  });
});

describe('${VAR} in numeric and boolean fields', () => {
  const vars = { FF_PORT: '4100', OPEN: 'true', DEPTH: '8', INTRO: 'false', FF_KEY: '0123456789', ID: '42' };

  it('reads them as numbers and booleans, in the config file and in adapter entries', () => {
    const cfg = validateConfig(
      { limits: { maxDepth: '${DEPTH}' }, graphql: { introspection: '${INTRO}' }, adapters: [{ type: 'ff', id: 'a', tcpPort: '${FF_PORT}', allowUnauthenticatedTcp: '${OPEN}' }] },
      vars,
    );
    expect(cfg.limits.maxDepth).toBe(8);
    expect(cfg.graphql.introspection).toBe(false);
    const { configs, problems } = validateAdapterEntries(cfg.adapters, defs);
    expect(problems).toEqual([]);
    expect(configs[0]).toMatchObject({ tcpPort: 4100, allowUnauthenticatedTcp: true });
  });

  it('does so for an unquoted ${VAR} in YAML', () => {
    const cfg = parseConfigText('adapters:\n  - type: ff\n    id: a\n    tcpPort: ${FF_PORT}\n', 'c.yaml', vars);
    expect(validateAdapterEntries(cfg.adapters, defs).configs[0]).toMatchObject({ tcpPort: 4100 });
  });

  it('keeps a digits-only value a string where the field is a string', () => {
    const cfg = validateConfig({ adapters: [{ type: 'ff', id: '${ID}', auth: { header: 'X-Auth-Key', key: '${FF_KEY}' } }] }, vars);
    const { configs, problems } = validateAdapterEntries(cfg.adapters, defs);
    expect(problems).toEqual([]);
    expect(configs[0]).toMatchObject({ id: '42', auth: { key: '0123456789' } });
  });

  it('outbound.sinkMaxInFlight: 8 by default, 1..64, a bad value named by its path', () => {
    expect(validateConfig({}, {}).outbound.sinkMaxInFlight).toBe(8);
    expect(validateConfig({ outbound: { sinkMaxInFlight: 1 } }, {}).outbound.sinkMaxInFlight).toBe(1);
    for (const bad of [0, 65, 2.5]) expect(problemsOf(() => validateConfig({ outbound: { sinkMaxInFlight: bad } }, {}))[0]).toMatch(/^outbound\.sinkMaxInFlight: /);
  });

  it('refuses a value that is not a number or boolean, showing it', () => {
    expect(problemsOf(() => validateConfig({ limits: { maxDepth: '${DEPTH}' } }, { DEPTH: 'deep' }))).toEqual(['limits.maxDepth: expected a number, got "deep"']);
    const cfg = validateConfig({ adapters: [{ type: 'ff', id: 'a', tcpPort: '${FF_PORT}', allowUnauthenticatedTcp: '${OPEN}' }] }, { FF_PORT: '40o1', OPEN: 'yes' });
    expect(validateAdapterEntries(cfg.adapters, defs).problems).toEqual(['adapters[0].tcpPort: expected a number, got "40o1"', 'adapters[0].allowUnauthenticatedTcp: expected a boolean, got "yes"']);
  });

  it("checks the number it read against the field's rules", () => {
    const cfg = validateConfig({ adapters: [{ type: 'ff', id: 'a', tcpPort: '${FF_PORT}' }] }, { FF_PORT: '70000' });
    expect(validateAdapterEntries(cfg.adapters, defs).problems).toEqual([expect.stringMatching(/^adapters\[0\]\.tcpPort: Too big/)]);
  });
});

describe('parseConfigText', () => {
  it('reads YAML', () => {
    const cfg = parseConfigText('adapters:\n  - { type: ff, id: gate, tcpPort: 4001 }\nlimits:\n  maxDepth: 8\n', 'c.yaml', {});
    expect(cfg.adapters).toEqual([{ type: 'ff', id: 'gate', tcpPort: 4001 }]);
    expect(cfg.limits.maxDepth).toBe(8);
  });

  it('reads JSON', () => {
    const cfg = parseConfigText(JSON.stringify({ adapters: [{ type: 'ff', id: 'j', tcpPort: 5 }], auth: { apiKeys: [{ key: '${K}', scopes: ['events:read'] }] } }), 'c.json', {
      K: 'abcdefghijklmnopq',
    });
    expect(cfg.adapters[0].id).toBe('j');
    expect(cfg.auth.apiKeys[0].key).toBe('abcdefghijklmnopq');
  });

  it('treats an empty file as defaults', () => {
    expect(parseConfigText('', 'empty.yaml', {}).adapters).toEqual([]);
  });

  it('reports a YAML syntax error as one line naming the file, without a stack', () => {
    const problems = problemsOf(() => parseConfigText('adapters: [\n  - { type: ff', 'broken.yaml', {}));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^broken\.yaml: /);
    expect(problems[0]).not.toContain('\n');
    expect(problems[0]).not.toMatch(/\bat \S+:\d+/);
  });
});

describe('readEnv and loadConfig', () => {
  it('reads defaults and variables', () => {
    expect(readEnv({})).toMatchObject({ port: 4000, host: '0.0.0.0', dataDir: resolve('./data'), logLevel: 'info' });
    const env = readEnv({ PORT: '8080', HOST: '127.0.0.1', DATA_DIR: '/tmp/x', DATABASE_URL: 'postgresql://u@h/db', LOG_LEVEL: 'debug', CONFIG_FILE: 'a.yaml' }, ['--config', 'b.yaml']);
    expect(env).toMatchObject({ port: 8080, host: '127.0.0.1', dataDir: '/tmp/x', databaseUrl: 'postgresql://u@h/db', logLevel: 'debug', configFile: 'b.yaml' });
  });

  it('names every bad variable', () => {
    const problems = problemsOf(() => readEnv({ PORT: 'eighty', DATABASE_URL: 'mysql://x', REDIS_URL: 'http://r', LOG_LEVEL: 'loud', FF_TCP_PORT: '70000' }, ['--config']));
    expect(problems.map((p) => p.split(':')[0]).sort()).toEqual(['--config', 'DATABASE_URL', 'FF_TCP_PORT', 'LOG_LEVEL', 'PORT', 'REDIS_URL']);
    expect(problems).toContain('PORT: expected a port number (0-65535), got "eighty"');
  });

  it("checks LOG_LEVEL against pino's levels", () => {
    expect(LOG_LEVELS.filter((l) => l !== 'silent').sort()).toEqual(Object.keys(pino.levels.values).sort());
    expect(problemsOf(() => readEnv({ LOG_LEVEL: 'verbose' }))).toEqual(['LOG_LEVEL: expected one of fatal, error, warn, info, debug, trace, silent, got "verbose"']);
    expect(readEnv({ LOG_LEVEL: 'silent' }).logLevel).toBe('silent');
  });

  it('treats an empty variable as unset', () => {
    expect(readEnv({ PORT: '', DATABASE_URL: '', LOG_LEVEL: '', FF_TCP_PORT: '' })).toMatchObject({ port: 4000, databaseUrl: undefined, logLevel: 'info', ffTcpPort: 4001 });
  });

  it('runs the default FF instance on FF_TCP_PORT when there is no config file', () => {
    expect(loadConfig({}, []).file.adapters).toEqual([{ type: 'ff', id: 'default', tcpPort: 4001 }]);
    const loaded = loadConfig({ FF_TCP_PORT: '5001' }, []);
    expect(loaded.origin).toBe('defaults');
    expect(loaded.file.adapters).toEqual([{ type: 'ff', id: 'default', tcpPort: 5001 }]);
  });

  it('loads the file named by CONFIG_FILE with substitution, and reports a missing file', () => {
    const file = join(tmp, 'ok.yaml');
    writeFileSync(file, 'adapters:\n  - { type: ff, id: "${INST}" }\n');
    const loaded = loadConfig({ CONFIG_FILE: file, INST: 'east' }, []);
    expect(loaded.origin).toBe(file);
    expect(loaded.file.adapters[0].id).toBe('east');
    const problems = problemsOf(() => loadConfig({ CONFIG_FILE: join(tmp, 'nope.yaml') }, []));
    expect(problems).toEqual([expect.stringMatching(/^CONFIG_FILE: .*nope\.yaml/)]);
  });
});

describe('createApp', () => {
  it('rejects bad adapter config with a ConfigError listing every problem, before opening anything', async () => {
    const config = validateConfig({
      adapters: [
        { type: 'ff', id: 'a', tcpPort: -1 },
        { type: 'acme', id: 'b' },
        { type: 'vxg', id: 'v' },
        { type: 'ff', id: 'c', allowIps: ['not-an-ip'] },
      ],
    });
    const err = await createApp({ env: { port: 0, host: '127.0.0.1', dataDir: join(tmp, 'never'), logLevel: 'silent' }, config, log: pino({ level: 'silent' }) }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ConfigError);
    const problems = (err as ConfigError).problems;
    expect(problems).toHaveLength(4);
    expect(problems[0]).toMatch(/^adapters\[0\]\.tcpPort: /);
    expect(problems[1]).toMatch(/^adapters\[1\]\.type: unknown adapter type "acme"/);
    expect(problems[2]).toBe('adapters[2].accessToken: required: the channel access token (or a list of them)');
    expect(problems[3]).toMatch(/^adapters\[3\]\.allowIps\[0\]: /);
  });
});

describe('the process with a bad config', () => {
  const run = (yaml: string, extraEnv: Record<string, string> = {}) => {
    const dir = mkdtempSync(join(tmp, 'run-'));
    const file = join(dir, 'config.yaml');
    writeFileSync(file, yaml);
    const env: NodeJS.ProcessEnv = { ...process.env, CONFIG_FILE: file, DATA_DIR: join(dir, 'data'), PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info', ...extraEnv };
    delete env.DATABASE_URL;
    delete env.FF_KEY;
    return new Promise<{ code: number | null; stdout: string; stderr: string }>((done, fail) => {
      const child = spawn('npx', ['tsx', 'src/main.ts'], { cwd: resolve(import.meta.dirname, '../..'), env, stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (c) => (stdout += c));
      child.stderr.on('data', (c) => (stderr += c));
      const kill = setTimeout(() => child.kill('SIGKILL'), 30_000);
      child.on('error', fail);
      child.on('close', (code) => {
        clearTimeout(kill);
        done({ code, stdout, stderr });
      });
    });
  };
  const expectOneLinePerProblem = (stderr: string, paths: RegExp[]) => {
    const lines = stderr.trim().split('\n');
    expect(lines.some((l) => /^\s+at /.test(l))).toBe(false);
    const problemLines = lines.filter((l) => /^\s+- /.test(l));
    expect(problemLines).toHaveLength(paths.length);
    for (const [i, re] of paths.entries()) expect(problemLines[i]).toMatch(re);
  };

  it('exits 1 with one line per adapter problem and no stack trace', async () => {
    const r = await run('adapters:\n  - { type: ff, id: a, tcpPort: 99999 }\n  - { type: ff, id: b, timezone: Mars/Olympus }\n  - { type: camlytix, id: c }\n');
    expect(r.code).toBe(1);
    expectOneLinePerProblem(r.stderr, [/- adapters\[0\]\.tcpPort: /, /- adapters\[1\]\.timezone: /, /- adapters\[2\]\.type: unknown adapter type "camlytix"/]);
  }, 40_000);

  it('exits 1 with one line per file problem (missing variable, unknown key)', async () => {
    const r = await run('adapters:\n  - { type: ff, id: a, auth: { key: "${FF_KEY}" } }\nplugin: []\n');
    expect(r.code).toBe(1);
    expectOneLinePerProblem(r.stderr, [/FF_KEY|plugin/, /FF_KEY|plugin/]);
    expect(r.stderr).toMatch(/adapters\[0\]\.auth\.key: .*FF_KEY/);
  }, 40_000);

  it('exits 1 on YAML syntax errors with one line', async () => {
    const r = await run('adapters: [\n  - { type: ff\n');
    expect(r.code).toBe(1);
    expectOneLinePerProblem(r.stderr, [/config\.yaml: not valid YAML/]);
  }, 40_000);
});
