// The request id of the HTTP request being served, kept in AsyncLocalStorage by the api's first
// middleware: the Temporal client interceptor reads it to put it in the headers of the workflows
// and Updates it starts, so one id follows a sign-up from the browser to the last activity.
import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';

export const REQUEST_ID_HEADER = 'x-request-id';

/** What a proxy or load balancer may send: short, printable, nothing to break a log line. */
const ACCEPTED_REQUEST_ID = /^[A-Za-z0-9._:-]{8,64}$/;

const storage = new AsyncLocalStorage<{ requestId: string }>();

/** The incoming X-Request-Id when it looks sane, a new UUID otherwise. */
export function acceptRequestId(incoming: string | string[] | undefined): string {
  const value = Array.isArray(incoming) ? incoming[0] : incoming;
  return value && ACCEPTED_REQUEST_ID.test(value) ? value : randomUUID();
}

export function runWithRequestId<T>(requestId: string, fn: () => T): T {
  return storage.run({ requestId }, fn);
}

export function currentRequestId(): string | undefined {
  return storage.getStore()?.requestId;
}
