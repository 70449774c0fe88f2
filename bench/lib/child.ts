/**
 * Child processes of the benchmark (servers, subscriber clients), run with tsx and driven over an
 * IPC channel: {id, cmd, args} → {id, ok, result | error}. A child announces itself with
 * {ready: info} and also prints `BENCH_READY <json>` (its ports) on stdout.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { CPU_PROF, ROOT } from './env.ts';

export interface Child<I = Record<string, unknown>> {
  name: string;
  pid: number;
  info: I;
  call<T = unknown>(cmd: string, args?: unknown): Promise<T>;
  /** Asks the child to exit (it closes what it opened), then kills it if it has not within 15 s. */
  stop(): Promise<void>;
}

type Reply = { id: number; ok: boolean; result?: unknown; error?: string };

export async function startChild<I = Record<string, unknown>>(
  script: string,
  args: string[],
  options: { name: string; env?: Record<string, string | undefined>; profile?: boolean; readyTimeoutMs?: number },
): Promise<Child<I>> {
  const execArgv = ['--import', 'tsx'];
  if (options.profile && CPU_PROF) {
    // One directory per child: the main thread and the tsx loader thread each write a profile.
    const dir = join(ROOT, 'bench-profiles', `${options.name}-${Date.now()}`);
    mkdirSync(dir, { recursive: true });
    execArgv.push('--cpu-prof', `--cpu-prof-dir=${dir}`);
  }
  const proc: ChildProcess = fork(join(ROOT, 'bench', script), args, {
    cwd: ROOT,
    execArgv,
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
  });
  proc.stdout!.on('data', (d: Buffer) => {
    for (const line of d.toString().split('\n')) if (line && !line.startsWith('BENCH_READY ')) process.stderr.write(`[${options.name}] ${line}\n`);
  });
  const pending = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>();
  let exited = false;
  const exitedP = new Promise<void>((r) => proc.once('exit', () => ((exited = true), r())));
  proc.on('message', (m: Reply) => {
    const p = pending.get(m.id);
    if (!p) return;
    pending.delete(m.id);
    if (m.ok) p.resolve(m.result);
    else p.reject(new Error(`${options.name}: ${m.error}`));
  });
  void exitedP.then(() => {
    for (const p of pending.values()) p.reject(new Error(`${options.name} exited (code ${proc.exitCode})`));
    pending.clear();
  });

  const info = await new Promise<I>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`${options.name} did not start within ${options.readyTimeoutMs ?? 60_000} ms`)), options.readyTimeoutMs ?? 60_000);
    const onMsg = (m: { ready?: I; fatal?: string }) => {
      if (m.fatal) reject(new Error(`${options.name}: ${m.fatal}`));
      else if (m.ready) resolve(m.ready);
      else return;
      clearTimeout(t);
      proc.off('message', onMsg);
    };
    proc.on('message', onMsg);
    void exitedP.then(() => reject(new Error(`${options.name} exited during start-up (code ${proc.exitCode})`)));
  }).catch((e) => {
    proc.kill('SIGKILL');
    throw e;
  });

  let seq = 0;
  return {
    name: options.name,
    pid: proc.pid!,
    info,
    call: <T>(cmd: string, a?: unknown) =>
      new Promise<T>((resolve, reject) => {
        if (exited) return reject(new Error(`${options.name} has exited`));
        const id = ++seq;
        pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
        proc.send({ id, cmd, args: a });
      }),
    stop: async () => {
      if (exited) return;
      proc.send({ id: 0, cmd: 'exit' });
      const kill = setTimeout(() => proc.kill('SIGKILL'), 15_000);
      await exitedP;
      clearTimeout(kill);
    },
  };
}

/** Child side: announce readiness and serve commands (`cpu` built in). `exit` runs `onExit` then exits. */
export function serveChild<I>(info: I, handlers: Record<string, (args: never) => unknown>, onExit: () => Promise<void>): void {
  process.stdout.write(`BENCH_READY ${JSON.stringify(info)}\n`);
  process.send!({ ready: info });
  process.on('message', async (m: { id: number; cmd: string; args?: unknown }) => {
    if (m.cmd === 'exit') {
      await onExit().catch((e) => process.stderr.write(`exit cleanup failed: ${e}\n`));
      process.exit(0);
    }
    const h = m.cmd === 'cpu' ? () => process.cpuUsage() : (handlers[m.cmd] as ((args: unknown) => unknown) | undefined);
    try {
      if (!h) throw new Error(`unknown command ${m.cmd}`);
      process.send!({ id: m.id, ok: true, result: await h(m.args) });
    } catch (e) {
      process.send!({ id: m.id, ok: false, error: (e as Error).stack ?? String(e) });
    }
  });
  process.on('disconnect', () => void onExit().finally(() => process.exit(0)));
}

/** Child side: report a start-up failure to the parent and exit. */
export function failChild(err: unknown): void {
  process.stderr.write(`${(err as Error)?.stack ?? err}\n`);
  if (process.send) process.send({ fatal: (err as Error)?.stack ?? String(err) }, () => process.exit(1));
  else process.exit(1);
}

/** CPU use of children over a timed section: fraction of one core per child. */
export async function cpuMeter(children: Array<Child<unknown>>): Promise<() => Promise<Record<string, number>>> {
  const t0 = performance.now();
  const before = await Promise.all(children.map((c) => c.call<NodeJS.CpuUsage>('cpu')));
  return async () => {
    const after = await Promise.all(children.map((c) => c.call<NodeJS.CpuUsage>('cpu')));
    const wallUs = (performance.now() - t0) * 1000;
    return Object.fromEntries(children.map((c, i) => [c.name, (after[i].user + after[i].system - before[i].user - before[i].system) / wallUs]));
  };
}

export const cpuText = (c: Record<string, number>) =>
  Object.entries(c)
    .map(([k, v]) => `${k} ${Math.round(v * 100)}%`)
    .join(', ');
