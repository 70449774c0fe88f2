/**
 * The one table of stable error codes. Tests assert on `code`, never on message text.
 * HTTP routes answer `{ error: { code, message } }` with `status`; GraphQL puts `code` in
 * `extensions.code`.
 */
import { GraphQLError } from 'graphql';

export const ERROR_CODES = {
  BAD_USER_INPUT: { status: 400, description: 'The input is malformed or fails validation.' },
  UNAUTHENTICATED: { status: 401, description: 'Missing or invalid credentials.' },
  FORBIDDEN: { status: 403, description: 'Credentials lack the scope for this operation.' },
  NOT_FOUND: { status: 404, description: 'No such object.' },
  GONE: { status: 410, description: 'The object existed and was removed on purpose (media whose retention expired); it will not come back.' },
  PAYLOAD_TOO_LARGE: { status: 413, description: 'A body, part or object exceeds its size limit.' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, description: 'Content type or bytes are not accepted.' },
  UNSUPPORTED_CAPABILITY: { status: 422, description: 'The camera does not support this capability.' },
  VENDOR_REJECTED: { status: 502, description: 'The vendor system refused the request.' },
  VENDOR_UNAVAILABLE: { status: 503, description: 'The vendor system did not answer in time.' },
  SERVICE_UNAVAILABLE: { status: 503, description: 'The event store, or the adapter instance a route belongs to, is unavailable; retry later (Retry-After).' },
  LIMIT_EXCEEDED: { status: 429, description: 'Too many concurrent connections or operations for this client (see README "Limits"); end some and retry.' },
  INTERNAL: { status: 500, description: 'Unexpected error; details are in the server log.' },
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly details?: Record<string, unknown>;
  constructor(code: ErrorCode, message: string, details?: Record<string, unknown>) {
    super(message);
    this.name = 'AppError';
    this.code = code;
    this.status = ERROR_CODES[code].status;
    this.details = details;
  }
}

export const badInput = (message: string, details?: Record<string, unknown>) => new AppError('BAD_USER_INPUT', message, details);
export const notFound = (message: string) => new AppError('NOT_FOUND', message);
export const tooLarge = (message: string) => new AppError('PAYLOAD_TOO_LARGE', message);
export const unsupportedMedia = (message: string) => new AppError('UNSUPPORTED_MEDIA_TYPE', message);
export const unsupportedCapability = (message: string) => new AppError('UNSUPPORTED_CAPABILITY', message);
export const vendorRejected = (message: string) => new AppError('VENDOR_REJECTED', message);
export const vendorUnavailable = (message: string) => new AppError('VENDOR_UNAVAILABLE', message);

export function isAppError(e: unknown): e is AppError {
  return e instanceof AppError;
}

/** The JSON body for an HTTP error answer. */
export function errorBody(e: AppError): { error: { code: ErrorCode; message: string } } {
  return { error: { code: e.code, message: e.message } };
}

/** Turn an AppError into a GraphQL error a client can act on (not masked). */
export function toGraphQLError(e: AppError): GraphQLError {
  return new GraphQLError(e.message, { extensions: { code: e.code, ...(e.details ?? {}) } });
}

/** Format zod issues as `path: message` lines, paths like `adapters[2].baseUrl`. */
export function formatIssuePath(path: ReadonlyArray<PropertyKey>, prefix = ''): string {
  let out = prefix;
  for (const p of path) {
    if (typeof p === 'number') out += `[${p}]`;
    else out += out ? `.${String(p)}` : String(p);
  }
  return out || '(root)';
}
