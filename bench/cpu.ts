// CPU time of the processes a benchmark loads, from /proc (Linux): the bench process (api, its
// worker and the load generator), the Temporal dev server, the separate worker, MariaDB. CPU
// milliseconds per operation hold better than latencies on a machine others are loading too.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { QueryMeter } from './queries';

/** BENCH_QUERY_SHAPES=10: the 10 most frequent SQL shapes per operation in the results. */
const TOP_SHAPES = Number(process.env.BENCH_QUERY_SHAPES ?? 0);

const TICK_MS = 10; // USER_HZ is 100 on Linux

function cpuMs(pid: number): number {
  try {
    // Fields after the command's closing parenthesis: utime is the 12th, stime the 13th.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * TICK_MS;
  } catch {
    return NaN;
  }
}

/** The oldest mariadbd: the machine's server on 3306 (others' suites start their own, later). */
export function mariadbPid(): number | undefined {
  try {
    return Number(execFileSync('pgrep', ['-o', '-x', 'mariadbd'], { encoding: 'utf8' }).trim()) || undefined;
  } catch {
    return undefined;
  }
}

export type Pids = Record<string, number | undefined>;

export class CpuMeter {
  private readonly start: Record<string, number>;
  private readonly startedAt = performance.now();
  private readonly queries = new QueryMeter();

  constructor(private readonly pids: Pids) {
    this.start = Object.fromEntries(Object.entries(pids).map(([k, pid]) => [k, pid ? cpuMs(pid) : NaN]));
  }

  /** CPU ms used by each process since the meter started, per operation; SQL statements; the machine's load. */
  perOperation(operations: number): Record<string, unknown> {
    const out: Record<string, unknown> = { ...this.queries.perOperation(operations, TOP_SHAPES) };
    for (const [k, pid] of Object.entries(this.pids)) {
      if (pid) out[`${k}CpuMsPerOp`] = Math.round(((cpuMs(pid) - this.start[k]) / Math.max(operations, 1)) * 100) / 100;
    }
    out.wallS = Math.round((performance.now() - this.startedAt) / 100) / 10;
    out.load1 = Math.round(os.loadavg()[0] * 100) / 100;
    return out;
  }
}
