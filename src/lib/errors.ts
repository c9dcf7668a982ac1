// The one error vocabulary: what went wrong, in words the caller can act on. Services and repositories
// throw these and know no HTTP status; the API maps each kind to a status in one place (api/errors.ts).

/** One field's problem: where (a dotted path, or the parameter's name) and what to fix. */
export interface FieldIssue {
  field: string;
  message: string;
}

export interface AppErrorOptions {
  /** Machine-readable detail sent as `details` (for BadInputError: the FieldIssue list as `field: message`). */
  details?: unknown;
  /** Extra top-level keys kept on the body for callers that read them already (e.g. `photos`, `state`). */
  extra?: Record<string, unknown>;
  cause?: unknown;
}

/** Base of every expected refusal; anything else that reaches the API is a fault (500, logged). */
export abstract class AppError extends Error {
  abstract readonly kind:
    | 'not_found'
    | 'conflict'
    | 'forbidden'
    | 'unauthenticated'
    | 'bad_input'
    | 'unprocessable'
    | 'too_large'
    | 'limited'
    | 'unavailable';
  readonly details?: unknown;
  readonly extra?: Record<string, unknown>;
  constructor(message: string, opts: AppErrorOptions = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.details = opts.details;
    this.extra = opts.extra;
  }
}

/** The thing named does not exist (or the caller may not know it exists). */
export class NotFoundError extends AppError {
  override name = 'NotFoundError';
  readonly kind = 'not_found';
}

/** The request clashes with the current state: already done, closed, taken, or made twice. */
export class ConflictError extends AppError {
  override name = 'ConflictError';
  readonly kind = 'conflict';
}

/** The caller is known but may not do this. */
export class ForbiddenError extends AppError {
  override name = 'ForbiddenError';
  readonly kind = 'forbidden';
}

/** A refusal by rule (governance, role, scope): the same answer as ForbiddenError, named for readers of services. */
export const RefusedError = ForbiddenError;

/** No credentials, or credentials nobody issued. */
export class UnauthenticatedError extends AppError {
  override name = 'UnauthenticatedError';
  readonly kind = 'unauthenticated';
}

/** The input is malformed or out of range; `issues` name each field and what to fix. */
export class BadInputError extends AppError {
  override name = 'BadInputError';
  readonly kind = 'bad_input';
  readonly issues: FieldIssue[];
  constructor(message: string, issues: FieldIssue[] = [], opts: Omit<AppErrorOptions, 'details'> = {}) {
    super(message, { ...opts, details: issues.length ? issues.map((i) => `${i.field}: ${i.message}`) : undefined });
    this.issues = issues;
  }

  /** One field's problem, as the message and the only issue. */
  static field(field: string, message: string): BadInputError {
    return new BadInputError(`${field}: ${message}`, [{ field, message }]);
  }
}

/** Well-formed, but its content cannot be used (a photo with no face, nothing enrolled). */
export class UnprocessableError extends AppError {
  override name = 'UnprocessableError';
  readonly kind = 'unprocessable';
}

/** The body or an upload is larger than the limit. */
export class TooLargeError extends AppError {
  override name = 'TooLargeError';
  readonly kind = 'too_large';
}

/** A limit on concurrent use is reached (e.g. live viewers of a camera): try again later. */
export class LimitReachedError extends AppError {
  override name = 'LimitReachedError';
  readonly kind = 'limited';
}

/** A part the request needs is not available now (camera offline, feature switched off at run time). */
export class UnavailableError extends AppError {
  override name = 'UnavailableError';
  readonly kind = 'unavailable';
}
