// /healthz (the process answers), /readyz (it can do its job: MySQL and Temporal answer, and it
// is not shutting down) and /metrics, the same three paths on the api and the worker. Written
// against node:http only, so Express routes and the worker's small server share the handlers.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { DataSource } from 'typeorm';
import type { Logger } from './logger';
import { METRICS_CONTENT_TYPE } from './metrics';

export interface ReadinessCheck {
  name: string;
  /** Resolves when the dependency answers; `deadline` is when the check gives up (ms since epoch). */
  run(deadline: number): Promise<unknown>;
}

export interface ReadinessReport {
  status: 'ok' | 'unavailable' | 'draining';
  checks: Record<string, string>;
  /** The checks that failed, for a 503. */
  failed?: string[];
}

export class Health {
  private draining = false;

  constructor(
    private readonly checks: ReadinessCheck[],
    private readonly timeoutMs = 2_000,
  ) {}

  /** From now on /readyz answers 503: load balancers stop sending new work while in-flight work ends. */
  startDraining(): void {
    this.draining = true;
  }

  get isDraining(): boolean {
    return this.draining;
  }

  async readiness(): Promise<ReadinessReport> {
    if (this.draining) return { status: 'draining', checks: {} };
    const deadline = Date.now() + this.timeoutMs;
    const results = await Promise.all(
      this.checks.map(async (check) => {
        try {
          await withTimeout(check.run(deadline), this.timeoutMs, `${check.name}: no answer within ${this.timeoutMs} ms`);
          return [check.name, 'ok'] as const;
        } catch (err) {
          return [check.name, err instanceof Error ? err.message : String(err)] as const;
        }
      }),
    );
    const checks = Object.fromEntries(results);
    const failed = results.filter(([, outcome]) => outcome !== 'ok').map(([name]) => name);
    return failed.length ? { status: 'unavailable', checks, failed } : { status: 'ok', checks };
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message)), ms);
    timer.unref();
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** MySQL answers a `SELECT 1` from the pool. */
export function databaseCheck(dataSource: Pick<DataSource, 'query'>): ReadinessCheck {
  return { name: 'database', run: () => dataSource.query('SELECT 1') };
}

/** The Temporal frontend answers (a client Connection or the worker's NativeConnection). */
export function temporalCheck(connection: {
  withDeadline<R>(deadline: number, fn: () => Promise<R>): Promise<R>;
  workflowService: { getSystemInfo(request: object): Promise<unknown> };
}): ReadinessCheck {
  return {
    name: 'temporal',
    run: (deadline) => connection.withDeadline(deadline, () => connection.workflowService.getSystemInfo({})),
  };
}

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

export interface OpsHandlers {
  healthz: Handler;
  readyz: Handler;
  metrics: Handler;
}

export function opsHandlers(health: Health, metricsText: () => Promise<string>, logger?: Logger): OpsHandlers {
  return {
    healthz: (_req, res) => sendJson(res, 200, { status: 'ok' }),
    readyz: (_req, res) => {
      void health.readiness().then((report) => {
        if (report.status === 'unavailable') logger?.warn({ checks: report.checks }, 'not ready');
        sendJson(res, report.status === 'ok' ? 200 : 503, report);
      });
    },
    metrics: (_req, res) => {
      metricsText().then(
        (text) => {
          res.writeHead(200, { 'content-type': METRICS_CONTENT_TYPE, 'cache-control': 'no-store' });
          res.end(text);
        },
        (err: unknown) => {
          logger?.error({ err }, 'metrics unavailable');
          sendJson(res, 500, { status: 'error' });
        },
      );
    },
  };
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
  res.end(JSON.stringify(body));
}

/** The worker's HTTP server: the three paths, GET only, nothing else. */
export function startOpsServer(options: { port: number; host?: string; handlers: OpsHandlers }): Promise<Server> {
  const routes: Record<string, Handler> = {
    '/healthz': options.handlers.healthz,
    '/readyz': options.handlers.readyz,
    '/metrics': options.handlers.metrics,
  };
  const server = createServer((req, res) => {
    const handler = routes[(req.url ?? '').split('?', 1)[0]];
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD' }).end();
    } else if (!handler) {
      res.writeHead(404).end();
    } else {
      handler(req, res);
    }
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve(server);
    });
  });
}
