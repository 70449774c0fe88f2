/** The adapters shipped with the server. Each uses only the public SDK (src/sdk.ts). */
import type { AdapterDefinition } from '../sdk.ts';
import { ffAdapter } from './ff/index.ts';

export const builtInAdapters: readonly AdapterDefinition[] = [ffAdapter as unknown as AdapterDefinition];
