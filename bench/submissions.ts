// Benchmark 1: démarche submissions at 1, 10 and 50 concurrent clients.
//  (a) POST /api/v1/services/:code/submit end to end: HTTP, session, CSRF, draft, validation,
//      DemarcheService.submit's transaction, which starts the Temporal workflow before it commits;
//  (b) the same route on a second instance of the api whose Temporal client starts nothing: the
//      like-for-like baseline, so (a)/(b) is what Temporal costs;
//  (c) the same validation and INSERTs called in this process, no HTTP (the literal
//      «baseline in the same process»), kept as a floor.
// Each client writes its draft once through the API (two steps, one document by post); before each
// measured submission a copy of that draft row, with a fresh submission key, is put back with one
// INSERT (the submission deletes it), so that throughput is the submissions' own, the same for (a) and (b).
import { randomUUID } from 'node:crypto';
import { DemarcheDraft } from '../db/entities';
import { BenchClient } from './http-client';
import type { BenchPortal } from './setup';
import { baselineSubmit, OCCUPATION, occupationSteps, type BenchResident } from './fixtures';
import { load, ratioRow, summarise, type LoadRun, type Measure } from './stats';
import { CpuMeter } from './cpu';

export const SUBMIT_TARGETS = { ratio: 0.5, p99Ms: 250, atClients: 50 };

export async function benchSubmissions(
  portal: BenchPortal,
  residents: BenchResident[],
  clientCounts: number[],
  seconds: number,
  warmupSeconds: number,
): Promise<Measure[]> {
  const temporalClients = await Promise.all(
    residents.slice(0, Math.max(...clientCounts)).map(async (r) => {
      const c = new BenchClient(portal.baseUrl);
      await c.login(r.identifier, r.password);
      return c;
    }),
  );
  const baselineClients = temporalClients.map((c) => c.at(portal.baselineUrl));
  const drafts = portal.dataSource.getRepository(DemarcheDraft);
  const templates = await Promise.all(
    temporalClients.map(async (c, i) => {
      for (const step of occupationSteps()) await c.json('PUT', `/api/v1/services/${OCCUPATION}/draft`, step);
      await c.json('POST', `/api/v1/services/${OCCUPATION}/draft/documents`, { piece: 'plan-situation', mode: 'courrier' });
      const row = await drafts.findOneByOrFail({ accountId: residents[i].account.id, demarcheCode: OCCUPATION });
      await drafts.delete({ id: row.id });
      return row;
    }),
  );
  const keys: string[] = new Array<string>(temporalClients.length).fill('');
  const submitThrough = (clients: BenchClient[]) => ({
    prepare: async (i: number) => {
      const { id: _id, updatedAt: _at, ...draft } = templates[i];
      keys[i] = randomUUID();
      // An upsert: a submission cut short at the end of a run leaves its draft behind. InnoDB may
      // pick this bench-only upsert as a deadlock victim against another client's submission
      // deleting its own draft (gap locks on the unique key): it is simply tried again.
      for (let attempt = 1; ; attempt++) {
        try {
          await drafts.upsert({ ...draft, submissionKey: keys[i] }, ['accountId', 'demarcheCode']);
          break;
        } catch (err) {
          if (attempt >= 3 || (err as { code?: string }).code !== 'ER_LOCK_DEADLOCK') throw err;
        }
      }
    },
    submit: async (i: number) => {
      await clients[i].json('POST', `/api/v1/services/${OCCUPATION}/submit`, { cle: keys[i] }, [201]);
    },
  });
  const viaTemporal = submitThrough(temporalClients);
  const viaBaseline = submitThrough(baselineClients);
  const inProcess = async (i: number) => {
    await baselineSubmit(portal, residents[i]);
  };

  /** A measured load, with the CPU each process spent per operation (draft steps included for (a), (b)). */
  const measured = async (run: () => Promise<LoadRun>): Promise<[LoadRun, Record<string, unknown>]> => {
    const meter = new CpuMeter(portal.pids);
    const r = await run();
    return [r, meter.perOperation(r.samples.reduce((n, s) => n + s.latencies.length, 0))];
  };
  const withCpu = (m: Measure, cpu: Record<string, unknown>): Measure => ({ ...m, extra: cpu });

  const out: Measure[] = [];
  for (const n of clientCounts) {
    const headline = n === SUBMIT_TARGETS.atClients;
    console.log(`Benchmark 1 : dépôt de démarche, ${n} client(s)…`);
    await load(n, warmupSeconds, viaTemporal.submit, viaTemporal.prepare);
    const [apiRun, apiCpu] = await measured(() => load(n, seconds, viaTemporal.submit, viaTemporal.prepare));
    const api = withCpu(summarise('1a. Dépôt via l’API (Temporal)', n, apiRun,
      headline ? `p99 ≤ ${SUBMIT_TARGETS.p99Ms} ms` : '—', (m) => (headline ? m.p99 <= SUBMIT_TARGETS.p99Ms : null)), apiCpu);
    await load(n, warmupSeconds, viaBaseline.submit, viaBaseline.prepare);
    const [httpRun, httpCpu] = await measured(() => load(n, seconds, viaBaseline.submit, viaBaseline.prepare));
    const http = withCpu(summarise('1b. Même route, sans démarrage Temporal', n, httpRun, '—', () => null), httpCpu);
    await load(n, warmupSeconds, inProcess);
    const [directRun, directCpu] = await measured(() => load(n, seconds, inProcess));
    const direct = withCpu(summarise('1c. Validation + INSERT dans le processus (sans HTTP)', n, directRun, '—', () => null), directCpu);
    out.push(
      api,
      http,
      direct,
      ratioRow('1. Ratio (a)/(b) du débit', api, http, `≥ ${SUBMIT_TARGETS.ratio}`, (r) => (headline ? r >= SUBMIT_TARGETS.ratio : null)),
      ratioRow('1. Ratio (a)/(c) du débit', api, direct, '—', () => null),
    );
  }
  return out;
}
