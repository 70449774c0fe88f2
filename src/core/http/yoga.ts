/**
 * The GraphQL handler: yoga with masked errors (AppError → typed code, anything else → INTERNAL
 * with an error id in the log), CSRF prevention, depth/alias/token limits, cost and
 * list-size limits (operation-limits.ts), execution cancelled when the HTTP client goes away,
 * introspection unless config `graphql.introspection` is false. Scopes are checked per field by the
 * schema (src/schema/scopes.ts). GraphiQL, authentication before
 * parsing and the body cap are in graphql-http.ts, in front of this handler.
 *
 * Logging: errors that are the client's (a 4xx code, VENDOR_REJECTED, validation) go to debug
 * with their code and message only; unexpected ones to error with an id, never the query text.
 */
import { randomUUID } from 'node:crypto';
import { createYoga, type Plugin, type YogaServerInstance } from 'graphql-yoga';
import { GraphQLError, Kind, NoSchemaIntrospectionCustomRule, type GraphQLSchema } from 'graphql';
import { useCSRFPrevention } from '@graphql-yoga/plugin-csrf-prevention';
import { maxDepthPlugin } from '@escape.tech/graphql-armor-max-depth';
import { maxAliasesPlugin } from '@escape.tech/graphql-armor-max-aliases';
import { maxTokensPlugin } from '@escape.tech/graphql-armor-max-tokens';
import type { Logger } from 'pino';
import { AppError, ERROR_CODES, isAppError, toGraphQLError } from '../errors.ts';
import type { ApiKeyAuth } from '../auth/api-keys.ts';
import { useOperationLimits } from './operation-limits.ts';
import type { CorsPolicy } from './cors.ts';
import { useRejectNul } from './reject-nul.ts';
import { useExecutionCancellation } from './execution-cancellation.ts';
import type { CoreServices, GraphQLContext } from '../ports.ts';
import { useAuditLog, type AuditPluginOptions } from '../audit/use-audit-log.ts';

export interface YogaOptions {
  schema: GraphQLSchema;
  services: CoreServices;
  auth: ApiKeyAuth;
  log: Logger;
  limits: { maxDepth: number; maxAliases: number; maxTokens: number; maxCost: number; maxListItems: number };
  /** Schema introspection (default true); false adds graphql-js's NoSchemaIntrospectionCustomRule. */
  introspection?: boolean;
  /** Other origins allowed to call /graphql from a browser (default: none, same-origin only). */
  cors?: CorsPolicy;
  /** Admin actions recorded in the audit log (core/audit/use-audit-log.ts); absent: none. */
  audit?: AuditPluginOptions;
}

export type Yoga = YogaServerInstance<Record<string, unknown>, GraphQLContext>;

/** Errors maskError has seen and logged as it should: yoga's own logging of them is dropped (it prints the query text). */
const handledErrors = new WeakSet<object>();

/** A typed error that is not the server's fault: the client's request (or the vendor's refusal of it). */
export function isClientErrorCode(code: unknown): boolean {
  if (typeof code !== 'string') return false;
  if (code === 'VENDOR_REJECTED') return true;
  const known = (ERROR_CODES as Record<string, { status: number }>)[code];
  return known ? known.status < 500 : code !== 'INTERNAL' && code !== 'INTERNAL_SERVER_ERROR';
}

export function maskError(log: Logger) {
  return (error: unknown): Error => {
    if (error && typeof error === 'object') handledErrors.add(error);
    const original = error instanceof GraphQLError && error.originalError ? error.originalError : error;
    const typed = isAppError(original) ? original.code : original instanceof GraphQLError ? original.extensions?.code : undefined;
    if (typed !== undefined) {
      const fields = { code: typed, message: (original as Error).message, path: (error as GraphQLError).path };
      if (isClientErrorCode(typed)) log.debug(fields, 'client error in GraphQL operation');
      else log.warn({ ...fields, err: original }, 'GraphQL operation failed'); // a server-side failure: its stack and cause
    }
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

/** Validation rejects `__schema` / `__type` (not `__typename`). */
function useNoIntrospection(): Plugin {
  return { onValidate: ({ addValidationRule }) => addValidationRule(NoSchemaIntrospectionCustomRule) };
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

export function createGraphQLHandler(options: YogaOptions): Yoga {
  return createYoga<Record<string, unknown>, GraphQLContext>({
    schema: options.schema,
    graphqlEndpoint: '/graphql',
    landingPage: false,
    // The body arrives already read and capped at graphql.maxBodyBytes (graphql-http.ts). Yoga's own
    // cap would pipe it again through a TransformStream per request (a stream pipeline, a second
    // Request, an AbortController and its DOMException): CPU for a check already made.
    maxRequestBodySize: false,
    graphiql: false, // served by graphql-http.ts (small page, static assets, auth)
    cors: options.cors ? (request) => options.cors!.yoga(request) : false,
    logging: {
      debug: (...a) => options.log.debug(a.map(String).join(' ')),
      info: (...a) => options.log.info(a.map(String).join(' ')),
      warn: (...a) => options.log.warn(a.map(String).join(' ')),
      error: (...a) => {
        if (a.some((x) => x && typeof x === 'object' && handledErrors.has(x))) return;
        options.log.error(a.map(String).join(' '));
      },
    },
    maskedErrors: { maskError: maskError(options.log) },
    context: ({ request }) => {
      try {
        return { services: options.services, auth: options.auth.authenticate(request.headers.get('authorization')) };
      } catch (e) {
        if (e instanceof AppError) throw new GraphQLError(e.message, { extensions: { code: e.code, http: { status: 401, headers: { 'WWW-Authenticate': 'Bearer' } } } });
        throw e;
      }
    },
    plugins: [
      useCSRFPrevention({ requestHeaders: ['x-graphql-yoga-csrf', 'authorization'] }),
      maxDepthPlugin({ n: options.limits.maxDepth, exposeLimits: true }),
      maxAliasesPlugin({ n: options.limits.maxAliases, exposeLimits: true }),
      maxTokensPlugin({ n: options.limits.maxTokens, exposeLimits: true }),
      useRejectNul(),
      useOperationLimits({ maxCost: options.limits.maxCost, maxListItems: options.limits.maxListItems }),
      useExecutionCancellation(),
      ...(options.audit ? [useAuditLog(options.audit)] : []),
      ...(options.introspection === false ? [useNoIntrospection()] : []),
    ],
  });
}
