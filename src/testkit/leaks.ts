/**
 * What an adapter leaves running after it stopped: timers (setTimeout / setInterval /
 * setImmediate, ref'd or not), sockets and servers, and process listeners. Resources are tracked
 * with async_hooks from `start()` on, each with the stack that created it; after everything was
 * stopped, those still alive are blamed on the first stack frame outside Node, node_modules and
 * the server's core (the adapter, its simulator or the test), e.g.
 * `setInterval at src/adapters/foo/poll.ts:42:11`.
 */
import { createHook, type AsyncHook } from 'node:async_hooks';
import { relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const KINDS: Record<string, string> = {
  Timeout: 'timer',
  Immediate: 'setImmediate',
  TCPWRAP: 'TCP socket',
  TCPSERVERWRAP: 'TCP server',
  PIPEWRAP: 'pipe',
  PIPESERVERWRAP: 'pipe server',
  UDPWRAP: 'UDP socket',
  FSEVENTWRAP: 'fs watcher',
  STATWATCHER: 'fs.watchFile watcher',
};

/** Files of the server itself: resources they create are the core's business (checked by its own tests). */
const HOST_SRC = fileURLToPath(new URL('../', import.meta.url));
const HOST_INTERNAL = ['core', 'schema', 'testkit', 'app.ts', 'sdk.ts', 'main.ts'].map((p) => HOST_SRC + p);
/** This file: the hooks that take the stacks. */
const SELF = fileURLToPath(import.meta.url);

export interface LeakedResource {
  kind: string;
  /** First frame of the creating stack outside Node, node_modules and the core. */
  createdAt: string;
}

interface Tracked {
  type: string;
  resource: object;
  /** Captured at creation; formatted only when blamed (formatting is the expensive part). */
  origin: Error;
  /** What was running when it was created (kept: it may be gone by the time we blame). */
  parent: Tracked | undefined;
  depth: number;
}

const MAX_HOPS = 10;

/** Resources created asynchronously (a listen() deferred by process.nextTick) are blamed on the code that scheduled them. */
const CHAIN_TYPES = new Set(['TickObject']);

export class LeakTracker {
  private readonly live = new Map<number, Tracked>();
  private hook: AsyncHook | null = null;

  start(): void {
    this.watchProcessListeners();
    this.hook = createHook({
      init: (asyncId, type, trigger, resource) => {
        if (!(type in KINDS) && !CHAIN_TYPES.has(type)) return;
        const limit = Error.stackTraceLimit;
        Error.stackTraceLimit = 40;
        const origin = new Error();
        Error.stackTraceLimit = limit;
        const parent = this.live.get(trigger);
        const depth = parent ? parent.depth + 1 : 0;
        // Chains are cut after MAX_HOPS (a timer re-armed from its own callback would grow one forever).
        this.live.set(asyncId, { type, resource, origin, parent: depth <= MAX_HOPS ? parent : undefined, depth: depth <= MAX_HOPS ? depth : 0 });
      },
      destroy: (asyncId) => {
        this.live.delete(asyncId);
      },
    }).enable();
  }

  stop(): void {
    this.hook?.disable();
    this.hook = null;
    this.restoreProcess?.();
    this.restoreProcess = null;
  }

  /** Resources created since start() and still alive, blamed on code outside the core. */
  leaked(): LeakedResource[] {
    const out: LeakedResource[] = [];
    for (const t of this.live.values()) {
      if (!(t.type in KINDS)) continue;
      if (t.type === 'Timeout' && (t.resource as { _destroyed?: boolean })._destroyed) continue;
      if (t.type === 'TCPWRAP' && isClosedSocketHandle(t.resource)) continue;
      const at = this.blameChain(t);
      if (!at) continue;
      const repeat = t.type === 'Timeout' && (t.resource as { _repeat?: unknown })._repeat != null;
      out.push({ kind: t.type === 'Timeout' ? (repeat ? 'setInterval' : 'setTimeout') : KINDS[t.type], createdAt: at });
    }
    return out;
  }

  /** Blame the creating stack; when it has no frame of ours or the core's, the stack that scheduled it. */
  private blameChain(t: Tracked): string | null {
    for (let cur: Tracked | undefined = t, hops = 0; cur && hops <= MAX_HOPS; cur = cur.parent, hops++) {
      const at = blame(cur.origin.stack ?? '');
      if (at !== undefined) return at;
    }
    return null;
  }

  /** Process listeners added since start() and still there, blamed like resources: `process.on('exit') at …`. */
  addedProcessListeners(): string[] {
    const out: string[] = [];
    for (const [listener, { event, stack }] of this.listeners) {
      if (!process.listeners(event as 'exit').includes(listener as () => void)) continue;
      const at = blame(stack);
      if (at) out.push(`process.on('${String(event)}') listener added at ${at}`);
    }
    return out;
  }

  private readonly listeners = new Map<Function, { event: string | symbol; stack: string }>();
  private restoreProcess: (() => void) | null = null;

  /** Remember who adds process listeners (on, once, addListener, prepend…) while tracking. */
  private watchProcessListeners(): void {
    const names = ['on', 'addListener', 'once', 'prependListener', 'prependOnceListener'] as const;
    const proc = process as unknown as Record<string, Function>;
    const originals = names.map((n) => [n, proc[n]] as const);
    for (const [name, original] of originals) {
      proc[name] = (event: string | symbol, listener: Function) => {
        const limit = Error.stackTraceLimit;
        Error.stackTraceLimit = 40;
        this.listeners.set(listener, { event, stack: new Error().stack ?? '' });
        Error.stackTraceLimit = limit;
        return original.call(process, event, listener);
      };
    }
    this.restoreProcess = () => {
      for (const [name, original] of originals) proc[name] = original;
    };
  }
}

function isClosedSocketHandle(handle: object): boolean {
  // A TCP handle whose socket object was destroyed but whose close is still pending.
  const owner = (handle as { owner?: { destroyed?: boolean } | null; [k: symbol]: unknown }).owner;
  return !!owner && owner.destroyed === true && (owner as { _handle?: unknown })._handle === null;
}

/**
 * `file:line:col` of the first frame outside Node and node_modules: null when that frame is the
 * core's (its business), undefined when the stack has no such frame (created by Node or a library
 * on its own).
 */
export function blame(stack: string): string | null | undefined {
  for (const line of stack.split('\n').slice(1)) {
    const text = line.trim().replace(/^at\s+/, '');
    const location = /\(([^()]*)\)$/.exec(text)?.[1] ?? text; // "fn (where)" or just "where"
    const m = /^((?:file:\/\/)?(?:\/|[A-Za-z]:\\).*?):(\d+):(\d+)$/.exec(location);
    if (!m) continue; // node:internal/…, native, eval
    const file = m[1].startsWith('file://') ? fileURLToPath(m[1]) : m[1];
    if (file === SELF || file.includes(`${sep}node_modules${sep}`)) continue;
    if (HOST_INTERNAL.some((p) => file === p || file.startsWith(p + sep))) return null;
    return `${relative(process.cwd(), file) || file}:${m[2]}:${m[3]}`;
  }
  return undefined;
}
