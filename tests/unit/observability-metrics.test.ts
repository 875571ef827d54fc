// Metrics, readiness and the request id in Temporal headers, without any server.
import type { Headers } from '@temporalio/common';
import { Health } from '../../observability/health';
import {
  httpRequestDuration,
  notificationsTotal,
  paymentsTotal,
  registry,
  routeLabel,
  workflowsEnded,
  workflowsStarted,
} from '../../observability/metrics';
import { runWithRequestId } from '../../observability/request-context';
import { REQUEST_ID_TEMPORAL_HEADER, requestIdFromHeaders, withRequestIdHeader } from '../../observability/request-id-header';
import { clientInterceptors, processEndSinks } from '../../observability/temporal';

describe('metrics', () => {
  test('route labels are Express patterns with their mount path, never raw paths', () => {
    expect(routeLabel({ baseUrl: '/api/v1', route: { path: '/requests/:number' } })).toBe('/api/v1/requests/:number');
    expect(routeLabel({ baseUrl: '', route: { path: '/suivi/:token' } })).toBe('/suivi/:token');
    expect(routeLabel({ baseUrl: '', route: { path: '/' } })).toBe('/');
    expect(routeLabel({ baseUrl: '/static' })).toBe('/static/*');
    expect(routeLabel({ baseUrl: '' })).toBe('unmatched');
  });

  test('the registry exposes every metric of the portal in the Prometheus text format', async () => {
    httpRequestDuration.observe({ method: 'GET', route: '/suivi/:token', status_code: '200' }, 0.012);
    workflowsStarted.inc({ kind: 'validation-compte' });
    workflowsEnded.inc({ kind: 'paiement', outcome: 'payee' });
    notificationsTotal.inc({ channel: 'email', result: 'sent' });
    notificationsTotal.inc({ channel: 'sms', result: 'failed' });
    paymentsTotal.inc({ outcome: 'payee' });
    const text = await registry.metrics();
    expect(text).toContain('http_request_duration_seconds_bucket{le="0.025",method="GET",route="/suivi/:token",status_code="200"} 1');
    expect(text).toContain('portail_workflows_started_total{kind="validation-compte"} 1');
    expect(text).toContain('portail_workflows_ended_total{kind="paiement",outcome="payee"} 1');
    expect(text).toContain('portail_notifications_total{channel="email",result="sent"} 1');
    expect(text).toContain('portail_notifications_total{channel="sms",result="failed"} 1');
    expect(text).toContain('portail_payments_total{outcome="payee"} 1');
  });

  test("a workflow's end reported through the sink is counted, and never during a replay", async () => {
    const sink = processEndSinks.processes.ended;
    expect(sink.callDuringReplay).toBe(false);
    await sink.fn({} as never, 'validation-compte', 'rejected');
    expect(await registry.metrics()).toContain('portail_workflows_ended_total{kind="validation-compte",outcome="rejected"} 1');
  });
});

describe('readiness', () => {
  test('ready when every check answers; 503 material with the failed checks otherwise; draining wins', async () => {
    const ok = { name: 'database', run: async () => [{ 1: 1 }] };
    expect(await new Health([ok]).readiness()).toEqual({ status: 'ok', checks: { database: 'ok' } });

    const down = { name: 'temporal', run: () => Promise.reject(new Error('14 UNAVAILABLE: connection refused')) };
    const slow = { name: 'database', run: () => new Promise(() => undefined) };
    const report = await new Health([down, slow], 50).readiness();
    expect(report.status).toBe('unavailable');
    expect(report.failed).toEqual(['temporal', 'database']);
    expect(report.checks.temporal).toMatch(/UNAVAILABLE/);
    expect(report.checks.database).toMatch(/no answer within 50 ms/);

    const health = new Health([ok]);
    health.startDraining();
    expect(await health.readiness()).toEqual({ status: 'draining', checks: {} });
  });
});

describe('request id in Temporal headers', () => {
  test('the client interceptor adds the current request id to what it starts, and only then', async () => {
    const [interceptor] = clientInterceptors().workflow as Array<{
      startWithDetails(input: { headers: Headers }, next: (input: { headers: Headers }) => Promise<unknown>): Promise<unknown>;
    }>;
    let sent: Headers = {};
    const next = async (input: { headers: Headers }) => {
      sent = input.headers;
      return { runId: 'r' };
    };
    await runWithRequestId('req-abcdef01', () => interceptor.startWithDetails({ headers: {} }, next));
    expect(requestIdFromHeaders(sent)).toBe('req-abcdef01');
    await interceptor.startWithDetails({ headers: {} }, next);
    expect(sent[REQUEST_ID_TEMPORAL_HEADER]).toBeUndefined();
  });

  test('a header that cannot be read is ignored', () => {
    expect(requestIdFromHeaders(withRequestIdHeader({}, 'req-12345678'))).toBe('req-12345678');
    expect(requestIdFromHeaders({ [REQUEST_ID_TEMPORAL_HEADER]: { metadata: { encoding: new Uint8Array([1]) } } })).toBeUndefined();
    expect(requestIdFromHeaders(undefined)).toBeUndefined();
  });
});
