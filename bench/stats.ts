// Load loops and percentiles shared by the benchmarks.

export interface Measure {
  scenario: string;
  clients: number;
  count: number;
  errors: number;
  /** Completed operations per wall-clock second of the run. */
  reqPerSec: number;
  p50: number;
  p95: number;
  p99: number;
  target: string;
  met: boolean | null;
  /** Anything else worth keeping beside the figure (RSS, load average…). */
  extra?: Record<string, unknown>;
}

export interface Samples {
  latencies: number[];
  busyMs: number;
  errors: number;
  firstError?: string;
}

export interface LoadRun {
  samples: Samples[];
  wallMs: number;
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const rank = Math.ceil((p / 100) * sorted.length) - 1;
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank))];
}

const errorMessage = (err: unknown) => (err instanceof Error ? err.message : String(err));

/**
 * Runs `clients` loops for `seconds`: each calls prepare (not timed), then op (timed). Throughput is
 * completed ops over the run's wall time, so prepare must stay cheap (one INSERT for submissions).
 */
export async function load(
  clients: number,
  seconds: number,
  op: (client: number) => Promise<void>,
  prepare?: (client: number) => Promise<void>,
): Promise<LoadRun> {
  const startedAt = performance.now();
  const deadline = startedAt + seconds * 1000;
  const samples = await Promise.all(
    Array.from({ length: clients }, async (_, c): Promise<Samples> => {
      const s: Samples = { latencies: [], busyMs: 0, errors: 0 };
      while (performance.now() < deadline) {
        try {
          if (prepare) await prepare(c);
          const t0 = performance.now();
          await op(c);
          const dt = performance.now() - t0;
          s.latencies.push(dt);
          s.busyMs += dt;
        } catch (err) {
          s.errors += 1;
          s.firstError ??= errorMessage(err);
          await new Promise((r) => setTimeout(r, 50));
        }
      }
      return s;
    }),
  );
  return { samples, wallMs: performance.now() - startedAt };
}

/** `count` operations, `clients` at a time, each timed (benchmark 2's validations). */
export async function loadCount(count: number, clients: number, op: (i: number) => Promise<void>): Promise<LoadRun> {
  const startedAt = performance.now();
  let next = 0;
  const samples = await Promise.all(
    Array.from({ length: clients }, async (): Promise<Samples> => {
      const s: Samples = { latencies: [], busyMs: 0, errors: 0 };
      for (let i = next++; i < count; i = next++) {
        const t0 = performance.now();
        try {
          await op(i);
          const dt = performance.now() - t0;
          s.latencies.push(dt);
          s.busyMs += dt;
        } catch (err) {
          s.errors += 1;
          s.firstError ??= errorMessage(err);
        }
      }
      return s;
    }),
  );
  return { samples, wallMs: performance.now() - startedAt };
}

export function summarise(
  scenario: string,
  clients: number,
  run: LoadRun,
  target: string,
  met: (m: Omit<Measure, 'target' | 'met'>) => boolean | null,
): Measure {
  const all = run.samples.flatMap((s) => s.latencies).sort((a, b) => a - b);
  const errors = run.samples.reduce((n, s) => n + s.errors, 0);
  const firstError = run.samples.find((s) => s.firstError)?.firstError;
  if (firstError) console.warn(`  ${scenario} × ${clients} : ${errors} erreur(s), la première : ${firstError}`);
  const base = {
    scenario,
    clients,
    count: all.length,
    errors,
    reqPerSec: (all.length * 1000) / run.wallMs,
    p50: percentile(all, 50),
    p95: percentile(all, 95),
    p99: percentile(all, 99),
  };
  return { ...base, target, met: met(base) };
}

/** A ratio row of two throughputs (a over b). */
export function ratioRow(scenario: string, a: Measure, b: Measure, target: string, met: (ratio: number) => boolean | null): Measure {
  const ratio = b.reqPerSec > 0 ? a.reqPerSec / b.reqPerSec : NaN;
  return {
    scenario,
    clients: a.clients,
    count: a.count,
    errors: a.errors,
    reqPerSec: ratio,
    p50: NaN,
    p95: NaN,
    p99: NaN,
    target,
    met: met(ratio),
  };
}
