// SQL statements sent by this process (api, its worker, the session store, the throttles), counted by
// wrapping mysql2's one query/execute entry point: queries per operation, and the most frequent shapes.
import { existsSync } from 'node:fs';
import path from 'node:path';

/** mysql2's connection class: ours, and the session store's own copy. Not in mysql2's exports: reached by its file. */
function connectionClasses(): Array<{ prototype: Record<string, (...args: unknown[]) => unknown> }> {
  const entries = new Set([require.resolve('mysql2'), require.resolve('mysql2', { paths: [path.dirname(require.resolve('express-mysql-session'))] })]);
  return [...entries].map((entry) => {
    const dir = path.join(path.dirname(entry), 'lib');
    // mysql2 ≥ 3.11 keeps query() in lib/base/, older versions in lib/connection.js.
    const file = existsSync(path.join(dir, 'base', 'connection.js')) ? path.join(dir, 'base', 'connection.js') : path.join(dir, 'connection.js');
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require(file);
  });
}

const shapes = new Map<string, number>();
let total = 0;

function shapeOf(sql: unknown): string {
  const text = typeof sql === 'string' ? sql : ((sql as { sql?: string } | null)?.sql ?? '?');
  return text.replace(/\s+/g, ' ').replace(/`/g, '').replace(/'[^']*'/g, '?').replace(/\b\d+\b/g, 'N').slice(0, 90);
}

for (const BaseConnection of connectionClasses()) {
  for (const method of ['query', 'execute']) {
    const original = BaseConnection.prototype[method];
    BaseConnection.prototype[method] = function counted(this: unknown, ...args: unknown[]) {
      total += 1;
      const shape = shapeOf(args[0]);
      shapes.set(shape, (shapes.get(shape) ?? 0) + 1);
      return original.apply(this, args);
    };
  }
}

export class QueryMeter {
  private readonly start = total;
  private readonly startShapes = new Map(shapes);

  /** Statements per operation since the meter started, and the `top` most frequent shapes per operation. */
  perOperation(operations: number, top = 0): { queriesPerOp: number; shapes?: Record<string, number> } {
    const n = Math.max(operations, 1);
    const out: { queriesPerOp: number; shapes?: Record<string, number> } = { queriesPerOp: Math.round(((total - this.start) / n) * 100) / 100 };
    if (top > 0) {
      out.shapes = Object.fromEntries(
        [...shapes]
          .map(([k, v]) => [k, (v - (this.startShapes.get(k) ?? 0)) / n] as const)
          .filter(([, v]) => v > 0)
          .sort((a, b) => b[1] - a[1])
          .slice(0, top)
          .map(([k, v]) => [k, Math.round(v * 100) / 100]),
      );
    }
    return out;
  }
}
