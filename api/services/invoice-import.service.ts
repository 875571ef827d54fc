// The import of the billing software's invoices, whether they come from the back office's CSV
// upload or from the machine API: the lines domain/invoice-import.ts let through are matched to
// the commune's régies and household accounts, then written. An invoice already there is never
// changed: the same number with the same content counts as «déjà importée», with another content
// as a conflict to look into. So a file sent twice, or a batch the billing software retries,
// changes nothing the second time.
import { createHash } from 'node:crypto';
import { In, QueryFailedError, type DataSource } from 'typeorm';
import { Account, Invoice, Regie, type Commune } from '../../db/entities';
import { normaliseIdentifier } from '../../domain/identifier';
import type { InvoiceLine, ParsedInvoices, RejectedLine } from '../../domain/invoice-import';

export interface InvoiceImportReport {
  imported: number;
  /** Already imported with the same content: nothing to do. */
  unchanged: number;
  /** In line order. */
  rejected: RejectedLine[];
}

export interface InvoiceImportOptions {
  /** The régie of the API key the batch came with: a line for another régie is refused. */
  onlyRegieId?: number;
}

export interface RegieSummary {
  regie: Regie;
  toPay: { count: number; cents: number };
  paid: { count: number; cents: number };
}

/** The billing software's key is stored as its SHA-256 only (db/seed.ts hashes the demo keys alike). */
export function hashApiKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

/** IN (…) lists stay short enough for the server and the pool. */
const CHUNK = 500;

function chunks<T>(list: readonly T[], size = CHUNK): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < list.length; i += size) out.push(list.slice(i, i + size));
  return out;
}

/** An invoice as stored, read with its days as text (no time zone between the column and us). */
interface StoredInvoice {
  number: string;
  account_id: number;
  service: string;
  period_label: string;
  issued_on: string;
  due_on: string | null;
  amount_cents: number;
}

/** A line whose régie and account are known: ready to be written. */
interface ResolvedLine {
  line: InvoiceLine;
  regie: Regie;
  accountId: number;
}

type Outcome = { kind: 'imported' } | { kind: 'unchanged' } | { kind: 'rejected'; message: string };

const numberKey = (n: string) => n.toUpperCase();

export class InvoiceImportService {
  constructor(private readonly deps: { dataSource: DataSource; now?: () => Date }) {}

  /** The régie whose API key this is, or null (no key, or a key nobody has). */
  async regieForApiKey(key: string | undefined): Promise<Regie | null> {
    const trimmed = key?.trim() ?? '';
    if (trimmed === '' || trimmed.length > 512) return null;
    // A lookup by hash: the key itself is never compared, so no timing to protect.
    return this.deps.dataSource.getRepository(Regie).findOneBy({ apiKeyHash: hashApiKey(trimmed) });
  }

  async regiesOf(commune: Commune): Promise<Regie[]> {
    return this.deps.dataSource.getRepository(Regie).find({ where: { communeId: commune.id }, order: { name: 'ASC' } });
  }

  /** The commune's régies, each with its invoices to pay and paid (count and total). */
  async regieSummaries(commune: Commune): Promise<RegieSummary[]> {
    const regies = await this.regiesOf(commune);
    const rows = (await this.deps.dataSource.query(
      `SELECT regie_id, status, COUNT(*) AS n, COALESCE(SUM(amount_cents), 0) AS cents
         FROM invoice WHERE commune_id = ? GROUP BY regie_id, status`,
      [commune.id],
    )) as Array<{ regie_id: number; status: string; n: string | number; cents: string | number }>;
    return regies.map((regie) => {
      const of = (status: Invoice['status']) => {
        const row = rows.find((r) => Number(r.regie_id) === regie.id && r.status === status);
        return { count: Number(row?.n ?? 0), cents: Number(row?.cents ?? 0) };
      };
      return { regie, toPay: of('a_payer'), paid: of('payee') };
    });
  }

  /**
   * Imports the good lines of a parsed file or batch; the lines the parser refused join the
   * report. Each line stands alone: a refused one does not stop the others.
   */
  async importInvoices(commune: Commune, parsed: ParsedInvoices, options: InvoiceImportOptions = {}): Promise<InvoiceImportReport> {
    const rejected: RejectedLine[] = [...parsed.rejected];
    const reject = (line: InvoiceLine, message: string) => rejected.push({ line: line.line, number: line.number, message });

    const regies = new Map((await this.regiesOf(commune)).map((r) => [r.code.toLowerCase(), r]));
    const onlyRegie = options.onlyRegieId === undefined ? undefined : [...regies.values()].find((r) => r.id === options.onlyRegieId);
    const accounts = await this.accountsByReference(commune, parsed.lines.map((l) => l.account));

    const ready: ResolvedLine[] = [];
    for (const line of parsed.lines) {
      const regie = regies.get(line.regieCode);
      const account = accounts.get(accountReference(line.account));
      const problems: string[] = [];
      if (!regie) problems.push(`Régie inconnue : ${line.regieCode}`);
      else if (options.onlyRegieId !== undefined && regie.id !== options.onlyRegieId) {
        problems.push(`Régie « ${regie.code} » : cette clé d’API n’importe que les factures de la régie « ${onlyRegie?.code ?? '?'} »`);
      }
      if (!account) problems.push(`Compte inconnu : ${line.account}`);
      else if (account.status === 'rejected') problems.push(`Compte refusé par la mairie : ${line.account} (la facture ne serait jamais visible)`);
      if (problems.length || !regie || !account) reject(line, problems.join(' ; '));
      else ready.push({ line, regie, accountId: account.id });
    }

    let imported = 0;
    let unchanged = 0;
    const byRegie = new Map<number, ResolvedLine[]>();
    for (const r of ready) {
      const lines = byRegie.get(r.regie.id) ?? [];
      lines.push(r);
      byRegie.set(r.regie.id, lines);
    }
    for (const [regieId, lines] of byRegie) {
      for (const batch of chunks(lines)) {
        for (const [r, outcome] of await this.writeBatch(commune, regieId, batch)) {
          if (outcome.kind === 'imported') imported++;
          else if (outcome.kind === 'unchanged') unchanged++;
          else reject(r.line, outcome.message);
        }
      }
    }
    rejected.sort((a, b) => a.line - b.line);
    return { imported, unchanged, rejected };
  }

  /** Accounts of the commune by identifier (any case, NFC or NFD) or email, keyed by `accountReference`. */
  private async accountsByReference(commune: Commune, references: string[]): Promise<Map<string, Pick<Account, 'id' | 'status'>>> {
    const keys = [...new Set(references.map(accountReference))];
    const emails = keys.filter((k) => k.includes('@'));
    const identifiers = keys.filter((k) => !k.includes('@'));
    const repo = this.deps.dataSource.getRepository(Account);
    const found = new Map<string, Pick<Account, 'id' | 'status'>>();
    const select = { id: true, identifier: true, email: true, status: true } as const;
    for (const batch of chunks(identifiers)) {
      for (const a of await repo.find({ select, where: { communeId: commune.id, identifier: In(batch) } })) found.set(a.identifier, a);
    }
    for (const batch of chunks(emails)) {
      for (const a of await repo.find({ select, where: { communeId: commune.id, email: In(batch) } })) found.set(a.email.toLowerCase(), a);
    }
    return found;
  }

  /**
   * One régie's lines: those whose number is there already are compared, the others inserted in
   * one statement, in number order so that two imports lock the index alike. Another import may
   * insert the same numbers meanwhile: the statement then fails as a whole (duplicate, or deadlock
   * with it), and its lines are compared again with what is there now, then the last ones taken
   * one by one.
   */
  private async writeBatch(
    commune: Commune,
    regieId: number,
    batch: ResolvedLine[],
    retried = false,
  ): Promise<Array<[ResolvedLine, Outcome]>> {
    const existing = await this.storedInvoices(regieId, batch.map((r) => r.line.number));
    const outcomes: Array<[ResolvedLine, Outcome]> = [];
    const fresh: ResolvedLine[] = [];
    for (const r of batch) {
      const stored = existing.get(numberKey(r.line.number));
      if (stored) outcomes.push([r, compare(stored, r)]);
      else fresh.push(r);
    }
    if (fresh.length === 0) return outcomes;
    fresh.sort((a, b) => (numberKey(a.line.number) < numberKey(b.line.number) ? -1 : 1));
    try {
      await this.insert(commune, fresh);
      for (const r of fresh) outcomes.push([r, { kind: 'imported' }]);
    } catch (err) {
      if (!isDuplicateNumber(err) && !isDeadlock(err)) throw err;
      if (!retried) outcomes.push(...(await this.writeBatch(commune, regieId, fresh, true)));
      else for (const r of fresh) outcomes.push([r, await this.writeOne(commune, r)]);
    }
    return outcomes;
  }

  private async writeOne(commune: Commune, r: ResolvedLine): Promise<Outcome> {
    try {
      await this.insert(commune, [r]);
      return { kind: 'imported' };
    } catch (err) {
      if (!isDuplicateNumber(err)) throw err;
      const stored = (await this.storedInvoices(r.regie.id, [r.line.number])).get(numberKey(r.line.number));
      if (!stored) throw err;
      return compare(stored, r);
    }
  }

  private async insert(commune: Commune, lines: ResolvedLine[]): Promise<void> {
    const importedAt = this.deps.now?.() ?? new Date();
    await this.deps.dataSource
      .createQueryBuilder()
      .insert()
      .into(Invoice)
      .values(
        lines.map(({ line, regie, accountId }) => ({
          communeId: commune.id,
          regieId: regie.id,
          accountId,
          number: line.number,
          service: line.service,
          periodLabel: line.periodLabel,
          issuedOn: line.issuedOn,
          dueOn: line.dueOn,
          amountCents: line.amountCents,
          status: 'a_payer' as const,
          paymentId: null,
          paidAt: null,
          importedAt,
        })),
      )
      .execute();
  }

  private async storedInvoices(regieId: number, numbers: string[]): Promise<Map<string, StoredInvoice>> {
    const rows = (await this.deps.dataSource.query(
      `SELECT number, account_id, service, period_label, DATE_FORMAT(issued_on, '%Y-%m-%d') AS issued_on,
              DATE_FORMAT(due_on, '%Y-%m-%d') AS due_on, amount_cents
         FROM invoice WHERE regie_id = ? AND number IN (?)`,
      [regieId, numbers],
    )) as StoredInvoice[];
    return new Map(rows.map((row) => [numberKey(row.number), row]));
  }
}

/** How a line names its account, reduced to what the account table stores. */
function accountReference(written: string): string {
  const trimmed = written.trim();
  return trimmed.includes('@') ? trimmed.toLowerCase() : normaliseIdentifier(trimmed);
}

/** The same invoice sent again, or another one under a number already taken. */
function compare(stored: StoredInvoice, { line, accountId }: ResolvedLine): Outcome {
  const differences = [
    Number(stored.account_id) !== accountId && 'compte',
    stored.service !== line.service && 'service',
    stored.period_label !== line.periodLabel && 'période',
    stored.issued_on !== line.issuedOn && 'date d’émission',
    (stored.due_on ?? null) !== line.dueOn && 'échéance',
    Number(stored.amount_cents) !== line.amountCents && 'montant',
  ].filter((d): d is string => typeof d === 'string');
  if (differences.length === 0) return { kind: 'unchanged' };
  return {
    kind: 'rejected',
    message: `Facture déjà importée avec un autre contenu (${differences.join(', ')}) : la facture existante n’est pas modifiée`,
  };
}

function isDeadlock(err: unknown): boolean {
  return err instanceof QueryFailedError && /ER_LOCK_DEADLOCK/.test(`${err.message} ${(err.driverError as { code?: string } | undefined)?.code ?? ''}`);
}

function isDuplicateNumber(err: unknown): boolean {
  return err instanceof QueryFailedError && /ER_DUP_ENTRY|Duplicate entry/.test(err.message) && err.message.includes('uq_invoice_number');
}
