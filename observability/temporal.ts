// Temporal's side of observability, outside the workflow sandbox: the api's client interceptor
// (the current request id into the headers of what it starts, signals or updates), the worker's
// activity interceptor (that id on the activity's log lines), the sink that counts workflow ends,
// and the Runtime: SDK logs through our pino logger, SDK metrics on a local Prometheus port.
import { createServer } from 'node:net';
import type {
  ClientInterceptors,
  Next,
  WorkflowClientInterceptor,
  WorkflowSignalInput,
  WorkflowSignalWithStartInput,
  WorkflowStartInput,
  WorkflowStartOutput,
  WorkflowStartUpdateInput,
  WorkflowStartUpdateOutput,
  WorkflowStartUpdateWithStartInput,
  WorkflowStartUpdateWithStartOutput,
} from '@temporalio/client';
import { Runtime, type ActivityInterceptorsFactory, type InjectedSinks } from '@temporalio/worker';
import type { ProcessEndSinks } from '../workflows/process-end';
import { temporalLogger, type Logger } from './logger';
import { workflowsEnded } from './metrics';
import { currentRequestId } from './request-context';
import { requestIdFromHeaders, withRequestIdHeader } from './request-id-header';

/** The workflow interceptor modules, for the worker and for bundles built ahead of time. */
export const WORKFLOW_INTERCEPTOR_MODULE = require.resolve('./workflow-interceptors');

class RequestIdClientInterceptor implements WorkflowClientInterceptor {
  startWithDetails(input: WorkflowStartInput, next: Next<WorkflowClientInterceptor, 'startWithDetails'>): Promise<WorkflowStartOutput> {
    return next({ ...input, headers: withRequestIdHeader(input.headers, currentRequestId()) });
  }

  signal(input: WorkflowSignalInput, next: Next<WorkflowClientInterceptor, 'signal'>): Promise<void> {
    return next({ ...input, headers: withRequestIdHeader(input.headers, currentRequestId()) });
  }

  signalWithStart(input: WorkflowSignalWithStartInput, next: Next<WorkflowClientInterceptor, 'signalWithStart'>): Promise<string> {
    return next({ ...input, headers: withRequestIdHeader(input.headers, currentRequestId()) });
  }

  startUpdate(input: WorkflowStartUpdateInput, next: Next<WorkflowClientInterceptor, 'startUpdate'>): Promise<WorkflowStartUpdateOutput> {
    return next({ ...input, headers: withRequestIdHeader(input.headers, currentRequestId()) });
  }

  startUpdateWithStart(
    input: WorkflowStartUpdateWithStartInput,
    next: Next<WorkflowClientInterceptor, 'startUpdateWithStart'>,
  ): Promise<WorkflowStartUpdateWithStartOutput> {
    const requestId = currentRequestId();
    return next({
      ...input,
      workflowStartHeaders: withRequestIdHeader(input.workflowStartHeaders, requestId),
      updateHeaders: withRequestIdHeader(input.updateHeaders, requestId),
    });
  }
}

/** For `new Client({ interceptors: clientInterceptors() })`: the request id goes with every call. */
export function clientInterceptors(): ClientInterceptors {
  return { workflow: [new RequestIdClientInterceptor()] };
}

/** Reads the request id from the activity's headers; the SDK adds it to the activity's log lines. */
export const requestIdActivityInterceptor: ActivityInterceptorsFactory = () => {
  let requestId: string | undefined;
  return {
    inbound: {
      execute(input, next) {
        requestId = requestIdFromHeaders(input.headers);
        return next(input);
      },
    },
    outbound: {
      getLogAttributes(attributes, next) {
        return next(requestId ? { ...attributes, requestId } : attributes);
      },
    },
  };
};

/** The worker's end of workflows/process-end.ts: count the end, never during a replay. */
export const processEndSinks: InjectedSinks<ProcessEndSinks> = {
  processes: {
    ended: {
      fn: (_info, kind, outcome) => workflowsEnded.inc({ kind, outcome }),
      callDuringReplay: false,
    },
  },
};

export interface TemporalRuntime {
  /** The SDK's own Prometheus exporter, on the loopback: the worker's /metrics appends its text. */
  sdkMetricsUrl: string;
}

/**
 * Installs the Temporal Runtime once, before any connection: SDK, workflow and activity logs go
 * to `logger`; the SDK's worker metrics (task slots, latencies, polls…) to a local port, 0 for
 * a free one. The Runtime stops the workers on SIGINT/SIGTERM (they drain, then run() resolves).
 */
export async function installTemporalRuntime(logger: Logger, metricsPort: number): Promise<TemporalRuntime> {
  const port = metricsPort || (await freeLocalPort());
  const bindAddress = `127.0.0.1:${port}`;
  Runtime.install({
    logger: temporalLogger(logger),
    telemetryOptions: {
      // The core's own warnings, through the same logger.
      logging: { forward: {}, filter: { core: 'WARN', other: 'ERROR' } },
      metrics: { prometheus: { bindAddress } },
    },
  });
  return { sdkMetricsUrl: `http://${bindAddress}/metrics` };
}

/** The SDK's metrics text; a comment when it cannot be read, so /metrics still answers. */
export async function sdkMetricsText(url: string): Promise<string> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(2_000) });
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    return await res.text();
  } catch (err) {
    return `# Temporal SDK metrics unavailable (${err instanceof Error ? err.message : String(err)})\n`;
  }
}

function freeLocalPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}
