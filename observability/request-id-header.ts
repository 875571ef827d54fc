// The request id in Temporal headers, from the api's client to workflows and on to activities.
// Workflow-safe: only @temporalio/common, so the workflow interceptors can use it.
import { defaultPayloadConverter, type Headers } from '@temporalio/common';

export const REQUEST_ID_TEMPORAL_HEADER = 'portail-request-id';

export function withRequestIdHeader(headers: Headers, requestId: string | undefined): Headers {
  if (!requestId) return headers;
  return { ...headers, [REQUEST_ID_TEMPORAL_HEADER]: defaultPayloadConverter.toPayload(requestId) };
}

export function requestIdFromHeaders(headers: Headers | undefined): string | undefined {
  const payload = headers?.[REQUEST_ID_TEMPORAL_HEADER];
  if (!payload) return undefined;
  try {
    const value: unknown = defaultPayloadConverter.fromPayload(payload);
    return typeof value === 'string' ? value : undefined;
  } catch {
    return undefined; // a header we cannot read is no reason to fail a workflow task
  }
}
