// What the fault suite found for each workflow after each fault, and the table it prints at the end:
// fault | workflow | injected when | expected final state | found | mails expected/received |
// activity retries | verdict.
import { Like } from 'typeorm';
import { Notification } from '../../../db/entities';
import { messageIdFor } from '../../../notify/mailer';
import type { Harness } from '../../support/harness';
import type { InFlight } from './in-flight';

export interface Finding {
  fault: string;
  workflow: string;
  injectedWhen: string;
  expected: string;
  found: string;
  mails: string;
  /** Activity attempts past the first in its history: the fault's mark on it. */
  retries: number;
  problems: string[];
}

/**
 * Its status, and its mails: each expected one written once in the outbox, sent, and received
 * exactly once by the SMTP receiver (by Message-ID, which the outbox derives from the key); no
 * other mail of its own. Its other rules (a payment's) add their problems.
 */
export async function inspect(h: Harness, fault: string, injectedWhen: string, flight: InFlight, ended: string | undefined): Promise<Finding> {
  const problems: string[] = [];
  const found = await flight.found();
  if (found !== flight.expected) problems.push(`status ${found}`);
  if (ended) problems.push(ended);

  const rows = await h.dataSource.getRepository(Notification).findBy({ idempotencyKey: Like(`${flight.keyPrefix}%`) });
  const times = (key: string) => h.smtp.messages.filter((m) => m.messageId === messageIdFor(key, h.config.mail.from)).length;
  for (const mail of flight.mails) {
    const written = rows.filter((row) => mail.key.test(row.idempotencyKey));
    if (written.length !== 1) problems.push(`${mail.label}: ${written.length} in the outbox`);
    for (const row of written) {
      const received = times(row.idempotencyKey);
      if (received !== 1) problems.push(`${mail.label}: received ${received} times`);
      if (row.status !== 'sent') problems.push(`${mail.label}: ${row.status} in the outbox`);
    }
  }
  for (const row of rows) {
    if (!flight.mails.some((mail) => mail.key.test(row.idempotencyKey))) problems.push(`unexpected mail ${row.idempotencyKey}`);
  }
  problems.push(...(await flight.problems()));
  const received = rows.reduce((sum, row) => sum + times(row.idempotencyKey), 0);
  // Temporal records an activity's last attempt only, with its number.
  const history = await h.temporal.workflow.getHandle(flight.workflowId).fetchHistory();
  const retries = (history.events ?? []).reduce((sum, event) => sum + Math.max((event.activityTaskStartedEventAttributes?.attempt ?? 1) - 1, 0), 0);
  return {
    fault,
    workflow: flight.workflow,
    injectedWhen,
    expected: flight.expected,
    found,
    mails: `${flight.mails.length}/${received}`,
    retries,
    problems,
  };
}

const COLUMNS = ['fault', 'workflow', 'injected when', 'expected final state', 'found', 'mails expected/received', 'activity retries', 'verdict'];

export function findingsTable(findings: Finding[]): string {
  const lines = findings.map((f) => [
    f.fault, f.workflow, f.injectedWhen, f.expected, f.found, f.mails, String(f.retries),
    f.problems.length ? `FAILED: ${f.problems.join('; ')}` : 'ok',
  ]);
  const widths = COLUMNS.map((title, i) => Math.max(title.length, ...lines.map((line) => line[i].length)));
  const row = (cells: string[]) => `| ${cells.map((cell, i) => cell.padEnd(widths[i])).join(' | ')} |`;
  return [row(COLUMNS), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...lines.map(row)].join('\n');
}
