/**
 * The GraphQL HTTP handler: yoga with masked errors (AppError → typed code, anything else →
 * INTERNAL with an error id in the log), CSRF prevention, depth/alias/token limits, scope checks.
 */
import { randomUUID } from 'node:crypto';
import { createYoga, type YogaServerInstance } from 'graphql-yoga';
import { GraphQLError, Kind, type GraphQLSchema } from 'graphql';
import { useCSRFPrevention } from '@graphql-yoga/plugin-csrf-prevention';
import { renderGraphiQL } from '@graphql-yoga/render-graphiql';
import { maxDepthPlugin } from '@escape.tech/graphql-armor-max-depth';
import { maxAliasesPlugin } from '@escape.tech/graphql-armor-max-aliases';
import { maxTokensPlugin } from '@escape.tech/graphql-armor-max-tokens';
import type { Logger } from 'pino';
import { AppError, isAppError, toGraphQLError } from '../errors.ts';
import type { ApiKeyAuth } from '../auth/api-keys.ts';
import type { CorsPolicy } from './cors.ts';
import { useScopes } from '../auth/use-scopes.ts';
import { useRejectNul } from './reject-nul.ts';
import type { CoreServices, GraphQLContext } from '../../schema/context.ts';

export interface YogaOptions {
  schema: GraphQLSchema;
  services: CoreServices;
  auth: ApiKeyAuth;
  log: Logger;
  limits: { maxDepth: number; maxAliases: number; maxTokens: number };
  /** Other origins allowed to call /graphql from a browser (default: none, same-origin only). */
  cors?: CorsPolicy;
}

export type Yoga = YogaServerInstance<Record<string, unknown>, GraphQLContext>;

export function maskError(log: Logger) {
  return (error: unknown): Error => {
    const original = error instanceof GraphQLError && error.originalError ? error.originalError : error;
    if (isAppError(original)) {
      const g = toGraphQLError(original);
      return new GraphQLError(g.message, { nodes: (error as GraphQLError).nodes, path: (error as GraphQLError).path, extensions: g.extensions });
    }
    if (error instanceof GraphQLError && isVariableError(error)) return asBadUserInput(error);
    if (original instanceof GraphQLError && original.extensions?.code) return original;
    if (error instanceof GraphQLError && !error.originalError) return error;
    const errorId = randomUUID();
    log.error({ err: original, errorId, path: (error as GraphQLError).path }, 'unexpected error in GraphQL operation');
    return new GraphQLError(`Unexpected error (id ${errorId})`, {
      nodes: (error as GraphQLError).nodes,
      path: (error as GraphQLError).path,
      extensions: { code: 'INTERNAL', errorId },
    });
  };
}

/**
 * An error about a variable's value: graphql-js reports it at the variable's definition, with no
 * path (`Variable "$f" got invalid value …; Field "x" is not defined by type "EventFilter".`), and
 * wraps the inner error as originalError, which the masking below would otherwise take for an
 * unexpected error. A cause that is not a GraphQLError (a scalar that crashed) stays INTERNAL.
 */
function isVariableError(error: GraphQLError): boolean {
  if (error.path !== undefined || !error.nodes?.some((n) => n.kind === Kind.VARIABLE_DEFINITION)) return false;
  for (let e: unknown = error.originalError; e; e = (e as GraphQLError).originalError) if (!(e instanceof GraphQLError)) return false;
  return true;
}

/** The outer message (it names the variable and the field), the innermost code or BAD_USER_INPUT. */
function asBadUserInput(error: GraphQLError): GraphQLError {
  let code: unknown;
  for (let e: GraphQLError | undefined = error; e; e = e.originalError as GraphQLError | undefined) code = e.extensions?.code ?? code;
  return new GraphQLError(error.message, { nodes: error.nodes, extensions: { ...error.extensions, code: code ?? 'BAD_USER_INPUT' } });
}

export function createGraphQLHandler(o: YogaOptions): Yoga {
  return createYoga<Record<string, unknown>, GraphQLContext>({
    schema: o.schema,
    graphqlEndpoint: '/graphql',
    landingPage: false,
    cors: o.cors ? (request) => o.cors!.yoga(request) : false,
    // Served from this package, not a CDN: GraphiQL works on closed networks too.
    renderGraphiQL,
    logging: {
      debug: (...a) => o.log.debug(a.map(String).join(' ')),
      info: (...a) => o.log.info(a.map(String).join(' ')),
      warn: (...a) => o.log.warn(a.map(String).join(' ')),
      error: (...a) => o.log.error(a.map(String).join(' ')),
    },
    graphiql: {
      title: 'Unified Surveillance API',
      subscriptionsProtocol: 'WS',
      defaultQuery: `# Live plate reads. Run "npm run demo" for a simulated camera.\nsubscription {\n  events(filter: { kinds: [PLATE_READ] }) {\n    seq\n    occurredAt\n    camera { name }\n    ... on PlateReadEvent { plate direction phase confidence }\n  }\n}\n`,
    },
    maskedErrors: { maskError: maskError(o.log) },
    context: ({ request }) => {
      try {
        return { services: o.services, auth: o.auth.authenticate(request.headers.get('authorization')) };
      } catch (e) {
        if (e instanceof AppError) throw new GraphQLError(e.message, { extensions: { code: e.code, http: { status: 401, headers: { 'WWW-Authenticate': 'Bearer' } } } });
        throw e;
      }
    },
    plugins: [
      useCSRFPrevention({ requestHeaders: ['x-graphql-yoga-csrf', 'authorization'] }),
      maxDepthPlugin({ n: o.limits.maxDepth, exposeLimits: true }),
      maxAliasesPlugin({ n: o.limits.maxAliases, exposeLimits: true }),
      maxTokensPlugin({ n: o.limits.maxTokens, exposeLimits: true }),
      useScopes(),
      useRejectNul(),
    ],
  });
}
