// Benchmark 1: démarche submissions at 1, 10 and 50 concurrent clients.
//  (a) POST /api/v1/services/:code/submit end to end: HTTP, session, CSRF, draft, validation,
//      DemarcheService.submit's transaction, which starts the Temporal workflow before it commits;
//  (b) the same route on a second instance of the api whose Temporal client starts nothing: the
//      like-for-like baseline, so (a)/(b) is what Temporal costs;
//  (c) the same validation and INSERTs called in this process, no HTTP (the literal
//      «baseline in the same process»), kept as a floor.
// Before each measured submission the client writes its draft (two steps, one document by post):
// that is not measured, and it is the same for (a) and (b).
import { BenchClient } from './http-client';
import type { BenchPortal } from './setup';
import { baselineSubmit, OCCUPATION, occupationSteps, type BenchResident } from './fixtures';
import { load, ratioRow, summarise, type Measure } from './stats';

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
  const keys: string[] = new Array<string>(temporalClients.length).fill('');
  const submitThrough = (clients: BenchClient[]) => ({
    prepare: async (i: number) => {
      const c = clients[i];
      let cle = '';
      for (const step of occupationSteps()) {
        cle = (await c.json<{ cle: string }>('PUT', `/api/v1/services/${OCCUPATION}/draft`, step)).cle;
      }
      await c.json('POST', `/api/v1/services/${OCCUPATION}/draft/documents`, { piece: 'plan-situation', mode: 'courrier' });
      keys[i] = cle;
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

  const out: Measure[] = [];
  for (const n of clientCounts) {
    const headline = n === SUBMIT_TARGETS.atClients;
    console.log(`Benchmark 1 : dépôt de démarche, ${n} client(s)…`);
    await load(n, warmupSeconds, viaTemporal.submit, viaTemporal.prepare);
    const api = summarise('1a. Dépôt via l’API (Temporal)', n, await load(n, seconds, viaTemporal.submit, viaTemporal.prepare),
      headline ? `p99 ≤ ${SUBMIT_TARGETS.p99Ms} ms` : '—', (m) => (headline ? m.p99 <= SUBMIT_TARGETS.p99Ms : null));
    await load(n, warmupSeconds, viaBaseline.submit, viaBaseline.prepare);
    const http = summarise('1b. Même route, sans démarrage Temporal', n, await load(n, seconds, viaBaseline.submit, viaBaseline.prepare), '—', () => null);
    await load(n, warmupSeconds, inProcess);
    const direct = summarise('1c. Validation + INSERT dans le processus (sans HTTP)', n, await load(n, seconds, inProcess), '—', () => null);
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
