/**
 * The plugin's own GraphQL operations with global ids and declared scopes.
 *
 * - operationsCheck: each `ConformanceOptions.operations` entry is run with the admin key and the
 *   global ids of one of the instance's devices (a camera when it has one): no errors, data not
 *   null, its `check` passes. With a `scope`, it runs again with a key that has every scope except
 *   that one and admin, and must be refused with FORBIDDEN.
 * - declaredScopesCheck (static): every Mutation field the plugin adds declares its scope
 *   (`authScopes`). The server would default an undeclared one to admin (DefaultScopesPlugin); the
 *   kit reads the field options as the plugin gave them, before that default, from the builder.
 */
import type { AdapterDefinition } from '../core/adapter/types.ts';
import { buildSchema } from '../schema/build.ts';
import { graphqlAdditions } from '../schema/graphql-names.ts';
import type { GqlResult, LiveServer } from './live.ts';
import type { ConformanceCheck, ConformanceDeviceIds, ConformanceOperation } from './types.ts';

export interface OperationsCheckDeps {
  server: LiveServer;
  type: string;
  id: string;
  operations?: ConformanceOperation[];
  live(): Promise<void>;
}

const errorsText = (errors: Array<{ message: string; extensions?: Record<string, unknown> }>) => errors.map((e) => `${e.extensions?.code ? `${e.extensions.code}: ` : ''}${e.message}`).join('; ');

/** A device of the instance (a camera first), by its global id and vendor id. */
async function deviceOf(server: LiveServer, type: string, id: string): Promise<ConformanceDeviceIds | string> {
  const f = { adapters: [type], instances: [id] };
  const node = (r: GqlResult, list: string) => r.data?.[list]?.edges?.[0]?.node as { id: string; __typename: string; sources: Array<{ vendorId: string }> } | undefined;
  const cams = await server.gql('query($f: CameraFilter) { cameras(first: 1, filter: $f) { edges { node { id __typename sources { vendorId } } } } }', { f });
  if (cams.errors?.length) return `listing cameras failed: ${errorsText(cams.errors)}`;
  const cam = node(cams, 'cameras');
  if (cam) return { deviceId: cam.id, cameraId: cam.id, vendorId: cam.sources[0]?.vendorId };
  if (!server.running.schema.getQueryType()?.getFields().devices) return `${type}/${id} has no camera`;
  const devs = await server.gql('query($f: DeviceFilter) { devices(first: 1, filter: $f) { edges { node { id __typename sources { vendorId } } } } }', { f });
  if (devs.errors?.length) return `listing devices failed: ${errorsText(devs.errors)}`;
  const dev = node(devs, 'devices');
  return dev ? { deviceId: dev.id, cameraId: dev.__typename === 'Camera' ? dev.id : undefined, vendorId: dev.sources[0]?.vendorId } : `${type}/${id} has no device`;
}

export function operationsCheck(deps: OperationsCheckDeps): ConformanceCheck {
  const { server, type, id } = deps;
  const ops = deps.operations ?? [];
  return {
    name: 'operations: its GraphQL operations work with global ids and are refused (FORBIDDEN) without their declared scope',
    skip: ops.length ? undefined : 'no ConformanceOptions.operations',
    run: async () => {
      await deps.live();
      // A device only when some operation takes ids.
      const ids = ops.some((op) => op.variables) ? await deviceOf(server, type, id) : undefined;
      if (typeof ids === 'string') throw new Error(`the operations need a device of the instance: ${ids} (the simulator must provide one)`);
      const wrong: string[] = [];
      for (const op of ops) {
        let variables: Record<string, unknown> | undefined;
        try {
          variables = ids && op.variables?.(ids);
        } catch (e) {
          wrong.push(`${op.name}: variables() threw: ${(e as Error).message}`);
          continue;
        }
        const on = ids && op.variables ? `with ${ids.deviceId} (vendor id ${JSON.stringify(ids.vendorId)})` : '(no variables)';
        const r = await server.gql(op.query, variables);
        if (r.errors?.length) wrong.push(`${op.name} ${on} failed: ${errorsText(r.errors)}`);
        else if (r.data == null || Object.values(r.data).every((v) => v == null)) wrong.push(`${op.name} ${on} answered no data`);
        else if (op.check) {
          let verdict: void | string;
          try {
            verdict = op.check(r.data);
          } catch (e) {
            verdict = (e as Error).message;
          }
          if (typeof verdict === 'string') wrong.push(`${op.name} ${on}: ${verdict}`);
        }
        if (!op.scope) continue;
        const without = await server.gql(op.query, variables, { without: op.scope });
        const forbidden = without.errors?.some((e) => e.extensions?.code === 'FORBIDDEN');
        if (!forbidden)
          wrong.push(
            `${op.name} declares the scope ${op.scope} but a key without ${op.scope}${op.scope === 'admin' ? '' : ' (and without admin)'} ${without.errors?.length ? `got ${errorsText(without.errors)}` : 'ran it'}, not FORBIDDEN: give its field authScopes: requireScope('${op.scope}')`,
          );
      }
      if (wrong.length) throw new Error(wrong.join('\n'));
    },
  };
}

/** Mutation fields the adapter adds whose options declare no authScopes (before the server's default). */
export function undeclaredMutationScopes(adapter: AdapterDefinition): string[] {
  const added = graphqlAdditions(adapter)
    .fields.filter((f) => f.startsWith('Mutation.'))
    .map((f) => f.slice('Mutation.'.length));
  if (!added.length || !adapter.graphql) return [];
  let builder: { configStore: { getFields(name: string): Map<string, { pothosOptions: { authScopes?: unknown } }> } } | undefined;
  const graphql = adapter.graphql as (b: unknown, refs: unknown) => void;
  const watched: AdapterDefinition = {
    ...adapter,
    graphql: ((b: never, refs: never) => {
      builder = b;
      graphql(b, refs);
    }) as AdapterDefinition['graphql'],
  };
  buildSchema([watched]);
  const fields = builder!.configStore.getFields('Mutation');
  return added.filter((name) => fields.get(name)?.pothosOptions.authScopes === undefined).map((name) => `Mutation.${name}`);
}

export function declaredScopesCheck(adapter: AdapterDefinition): ConformanceCheck {
  return {
    name: 'graphql: every Mutation field it adds declares its scope (authScopes)',
    run: async () => {
      const missing = undeclaredMutationScopes(adapter);
      if (missing.length)
        throw new Error(
          `${missing.join(', ')} declare${missing.length === 1 ? 's' : ''} no scope: give ${missing.length === 1 ? 'it' : 'each'} authScopes: requireScope(…) (SDK 2 wants a deliberate scope on every action; the server's default is admin)`,
        );
    },
  };
}
