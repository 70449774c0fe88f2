/**
 * TypeScript plugins when the server runs compiled (dist/, no tsx loader in the process): tsx's
 * module hooks are registered once, and only when a configured plugin is a TypeScript file, so a
 * server without one does not carry the transformer in memory. Under `node --import tsx` (the
 * sources, the tests) the process loads TypeScript already and nothing is registered.
 */
import { extname } from 'node:path';
import { RUNS_COMPILED } from '../util/project-root.ts';

const TYPESCRIPT = new Set(['.ts', '.mts', '.cts', '.tsx']);

export function isTypeScriptFile(file: string): boolean {
  return TYPESCRIPT.has(extname(file));
}

let registered: Promise<void> | null = null;

/** Make TypeScript files importable (idempotent; a no-op when the process already runs TypeScript). */
export function ensureTypeScriptHooks(): Promise<void> {
  if (!RUNS_COMPILED) return Promise.resolve();
  return (registered ??= import('tsx/esm/api').then(({ register }) => {
    register();
  }));
}
