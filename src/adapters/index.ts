/** The adapters shipped with the server. Each uses only the public SDK (src/sdk.ts). */
import type { AdapterDefinition } from '../sdk.ts';
import { camlyticsAdapter } from './camlytics/index.ts';
import { ffAdapter } from './ff/index.ts';
import { ivmsAdapter } from './ivms/index.ts';
import { vxgAdapter } from './vxg/index.ts';

export const builtInAdapters: readonly AdapterDefinition[] = [ffAdapter, camlyticsAdapter, vxgAdapter, ivmsAdapter];
