// Delivery errors say whether trying again can help. notify/ does not depend on Temporal: the
// activities turn a PermanentDeliveryError into a non-retryable ApplicationFailure.

/** The provider refused the message for good (bad recipient, bad API key, invalid request). */
export class PermanentDeliveryError extends Error {
  readonly retryable = false;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'PermanentDeliveryError';
  }
}

/** The provider is unreachable or failed on its side (5xx, timeout, refused connection): retry later. */
export class TemporaryDeliveryError extends Error {
  readonly retryable = true;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'TemporaryDeliveryError';
  }
}

/** Also true for an error that crossed a realm boundary (jest sandbox, worker thread) and lost its class. */
export function isPermanentDeliveryError(err: unknown): boolean {
  if (err instanceof PermanentDeliveryError) return true;
  return err instanceof Error && err.name === 'PermanentDeliveryError';
}
