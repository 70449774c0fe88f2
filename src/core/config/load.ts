/**
 * Loads config: the environment (env.ts) plus a YAML file with `${VAR}` substitution. Every
 * problem is reported as one line naming its path; no stack traces.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { formatIssuePath } from '../errors.ts';
import { parseCoercingStrings } from './coerce.ts';
import { parseServerEnv } from './env.ts';
import { configFileSchema, defaultConfig, type ConfigFile } from './schema.ts';

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

export interface ServerEnv {
  port: number;
  host: string;
  dataDir: string;
  /** Media files (default DATA_DIR/media); several instances point it at one shared volume. */
  mediaDir?: string;
  databaseUrl?: string;
  redisUrl?: string;
  configFile?: string;
  logLevel: string;
}

export interface LoadedConfig {
  env: ServerEnv;
  file: ConfigFile;
  /** Where the file came from, or 'defaults'. */
  origin: string;
  /** The config file's directory (relative `plugins` paths resolve from it); cwd with defaults. */
  dir: string;
}

/** The server's environment (env.ts) and `--config <file>`; every bad variable is one problem naming it. */
export function readEnv(env: NodeJS.ProcessEnv, argv: string[] = []): ServerEnv & { ffTcpPort: number } {
  const { vars, problems } = parseServerEnv(env);
  const i = argv.indexOf('--config');
  const configFile = i >= 0 ? argv[i + 1] : vars?.CONFIG_FILE;
  if (i >= 0 && !configFile) problems.push('--config: expected a file path');
  if (!vars || problems.length) throw new ConfigError(problems);
  return {
    port: vars.PORT,
    host: vars.HOST,
    dataDir: vars.DATA_DIR,
    mediaDir: vars.MEDIA_DIR,
    databaseUrl: vars.DATABASE_URL,
    redisUrl: vars.REDIS_URL,
    configFile,
    logLevel: vars.LOG_LEVEL,
    ffTcpPort: vars.FF_TCP_PORT,
  };
}

/** Replace `${VAR}` in every string; a missing variable is a problem naming the path. */
export function substituteEnv(v: unknown, env: NodeJS.ProcessEnv, path: PropertyKey[], problems: string[]): unknown {
  if (typeof v === 'string') {
    return v.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (_m, name: string) => {
      const val = env[name];
      if (val === undefined) {
        problems.push(`${formatIssuePath(path)}: environment variable ${name} is not set`);
        return '';
      }
      return val;
    });
  }
  if (Array.isArray(v)) return v.map((x, i) => substituteEnv(x, env, [...path, i], problems));
  if (v && typeof v === 'object') {
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, substituteEnv(x, env, [...path, k], problems)]));
  }
  return v;
}

export function parseConfigText(text: string, origin: string, env: NodeJS.ProcessEnv): ConfigFile {
  let doc: unknown;
  try {
    doc = parseYaml(text) ?? {};
  } catch (e) {
    throw new ConfigError([`${origin}: not valid YAML/JSON: ${(e as Error).message.split('\n')[0]}`]);
  }
  return validateConfig(doc, env);
}

export function validateConfig(doc: unknown, env: NodeJS.ProcessEnv = {}): ConfigFile {
  const problems: string[] = [];
  const substituted = substituteEnv(doc, env, [], problems);
  const r = parseCoercingStrings(configFileSchema, substituted);
  if (!r.success) for (const i of r.issues) problems.push(`${formatIssuePath(i.path)}: ${i.message}`);
  if (!r.success || problems.length) throw new ConfigError(problems);
  const cfg = r.data;
  const seen = new Set<string>();
  cfg.adapters.forEach((a, i) => {
    const k = `${a.type}/${a.id}`;
    if (seen.has(k)) problems.push(`adapters[${i}].id: duplicate instance "${a.id}" of type "${a.type}"`);
    seen.add(k);
  });
  problems.push(...cameraConfigProblems(cfg));
  cfg.plugins.forEach((p, i) => {
    const first = cfg.plugins.indexOf(p);
    if (first < i) problems.push(`plugins[${i}]: "${p}" is already listed as plugins[${first}]`);
  });
  if (problems.length) throw new ConfigError(problems);
  return cfg;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env, argv: string[] = process.argv.slice(2)): LoadedConfig {
  const serverEnv = readEnv(env, argv);
  const file = configFileOf(serverEnv);
  if (!file) return { env: serverEnv, file: validateConfig(defaultConfig(serverEnv.ffTcpPort)), origin: 'defaults', dir: process.cwd() };
  return { env: serverEnv, file: parseConfigText(readFileSync(file, 'utf8'), file, env), origin: resolve(file), dir: dirname(resolve(file)) };
}

function configFileOf(serverEnv: ServerEnv): string | undefined {
  const file = serverEnv.configFile ?? (existsSync('config.yaml') ? 'config.yaml' : undefined);
  if (file && !existsSync(file)) throw new ConfigError([`CONFIG_FILE: ${file} does not exist`]);
  return file;
}

/**
 * Only the `plugins` of the config (for printing the schema): other sections are not validated,
 * so their `${VAR}`s need not be set.
 */
export function loadPluginList(env: NodeJS.ProcessEnv = process.env, argv: string[] = process.argv.slice(2)): { plugins: string[]; dir: string } {
  const file = configFileOf(readEnv(env, argv));
  if (!file) return { plugins: [], dir: process.cwd() };
  let doc: unknown;
  try {
    doc = parseYaml(readFileSync(file, 'utf8')) ?? {};
  } catch (e) {
    throw new ConfigError([`${file}: not valid YAML/JSON: ${(e as Error).message.split('\n')[0]}`]);
  }
  const { plugins } = validateConfig({ plugins: (doc as { plugins?: unknown }).plugins }, env);
  return { plugins, dir: dirname(resolve(file)) };
}

/** `sites:` and `cameras:` against each other and `adapters:`: each problem one line naming its path. */
export function cameraConfigProblems(cfg: Pick<ConfigFile, 'adapters' | 'sites' | 'cameras'>): string[] {
  const problems: string[] = [];
  const instances = new Set(cfg.adapters.map((a) => `${a.type}/${a.id}`));
  const siteIds = new Map<string, number>();
  cfg.sites.forEach((s, i) => {
    const first = siteIds.get(s.id);
    if (first !== undefined) problems.push(`sites[${i}].id: duplicate site "${s.id}" (also sites[${first}])`);
    else siteIds.set(s.id, i);
  });
  const cameraIds = new Map<string, number>();
  const sourceAt = new Map<string, string>();
  cfg.cameras.forEach((c, i) => {
    const first = cameraIds.get(c.id);
    if (first !== undefined) problems.push(`cameras[${i}].id: duplicate camera "${c.id}" (also cameras[${first}])`);
    else cameraIds.set(c.id, i);
    if (c.site !== undefined && !siteIds.has(c.site)) problems.push(`cameras[${i}].site: unknown site "${c.site}" (not in sites)`);
    c.sources.forEach((src, j) => {
      const path = `cameras[${i}].sources[${j}]`;
      const inst = src.split('/').slice(0, 2).join('/');
      if (!instances.has(inst)) problems.push(`${path}: unknown adapter instance "${inst}" in "${src}" (not in adapters)`);
      const at = sourceAt.get(src);
      if (at !== undefined) problems.push(`${path}: source "${src}" is already in ${at}; a source belongs to one camera`);
      else sourceAt.set(src, `cameras[${i}] (${c.id})`);
    });
  });
  return problems;
}
