// Errors the services raise on purpose. One middleware (api/middleware/errors.ts) turns them
// into a 4xx page or JSON body; anything else is a 500 with a generic message.
export type FieldErrors = Record<string, string>;

export class AppError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly fields: FieldErrors = {},
  ) {
    super(message);
  }
}

export class ValidationError extends AppError {
  constructor(fields: FieldErrors, message = 'Certaines informations sont à corriger.') {
    super(422, 'validation', message, fields);
  }
}

export class UnauthenticatedError extends AppError {
  constructor(message = 'Vous devez vous connecter pour accéder à cette page.') {
    super(401, 'unauthenticated', message);
  }
}

export class ForbiddenError extends AppError {
  constructor(message = "Vous n'avez pas accès à cette ressource.", code = 'forbidden') {
    super(403, code, message);
  }
}

export class NotFoundError extends AppError {
  constructor(message = "Cette page n'existe pas.") {
    super(404, 'not_found', message);
  }
}

export class ConflictError extends AppError {
  constructor(message: string, fields: FieldErrors = {}) {
    super(409, 'conflict', message, fields);
  }
}

export class ThrottledError extends AppError {
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super(429, 'throttled', message);
  }
}

/** The account awaits validation (or was rejected): the FAQ says no change is possible yet. */
export class AccountLockedError extends ForbiddenError {
  constructor(message: string) {
    super(message, 'account_not_validated');
  }
}

/** An Update the worker did not answer in time (no worker running): said as it is. */
export const UPDATE_UNCONFIRMED =
  'Le traitement est momentanément indisponible : votre action n’a pas pu être confirmée. ' +
  'Elle peut encore être prise en compte dans quelques minutes ; vérifiez-le avant de recommencer.';

/** A part the request needs (the Temporal worker) did not answer in time: try again later. */
export class UnavailableError extends AppError {
  constructor(message: string) {
    super(503, 'unavailable', message);
  }
}
