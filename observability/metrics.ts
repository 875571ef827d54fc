// Prometheus metrics: one registry per process (api or worker), served at /metrics. Each process
// fills the counters of what it does (the api starts workflows and answers HTTP; the worker ends
// workflows, sends mails and SMS, settles payments); the others stay at zero there.
import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';

export const registry = new Registry();

export const httpRequestDuration = new Histogram({
  name: 'http_request_duration_seconds',
  help: 'HTTP request duration, by method, Express route pattern and status code.',
  labelNames: ['method', 'route', 'status_code'] as const,
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  registers: [registry],
});

export const workflowsStarted = new Counter({
  name: 'portail_workflows_started_total',
  help: 'Workflows started by the api, by process kind (validation-compte, demarche, paiement…).',
  labelNames: ['kind'] as const,
  registers: [registry],
});

export const workflowsEnded = new Counter({
  name: 'portail_workflows_ended_total',
  help: 'Workflows ended, by process kind and final status (validated, rejected, payee, envoyee…).',
  labelNames: ['kind', 'outcome'] as const,
  registers: [registry],
});

export const notificationsTotal = new Counter({
  name: 'portail_notifications_total',
  help: 'Mails and SMS handed to their transport (sent) or refused by it (failed, retried by the activity).',
  labelNames: ['channel', 'result'] as const,
  registers: [registry],
});

export const paymentsTotal = new Counter({
  name: 'portail_payments_total',
  help: 'Card payments settled, by final status (payee, refusee, abandonnee, expiree…).',
  labelNames: ['outcome'] as const,
  registers: [registry],
});

let processMetricsOn = false;

/** Node's own metrics (CPU, memory, event loop lag, GC, handles): by each process's entry point, once. */
export function collectProcessMetrics(): void {
  if (processMetricsOn) return;
  processMetricsOn = true;
  collectDefaultMetrics({ register: registry });
}

export const METRICS_CONTENT_TYPE = registry.contentType;

/**
 * The route label of an Express request: the pattern it matched (`/suivi/:token`), with its
 * routers' mount paths; never the raw path, which carries ids and tokens and has no bound.
 */
export function routeLabel(req: { baseUrl?: string; route?: { path?: unknown } }): string {
  // No route: a static file or a router's own middleware (its mount path), or nothing matched.
  if (!req.route) return req.baseUrl ? `${req.baseUrl}/*` : 'unmatched';
  const pattern = req.route.path;
  const path = typeof pattern === 'string' ? pattern : Array.isArray(pattern) ? pattern.join('|') : String(pattern);
  return `${req.baseUrl ?? ''}${path}` || '/';
}
