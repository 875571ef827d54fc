// Benchmark 3: GET /accueil of a resident with 20 requests at 100 concurrent clients (one session each).
import { BenchClient } from './http-client';
import type { BenchPortal } from './setup';
import { insertRequests, type BenchResident } from './fixtures';
import { load, summarise, type Measure } from './stats';
import { CpuMeter } from './cpu';

export const ACCUEIL = { clients: 100, requests: 20, p95Ms: 50 };

export async function benchAccueil(portal: BenchPortal, resident: BenchResident, seconds: number, warmupSeconds: number): Promise<Measure> {
  await insertRequests(portal, resident, ACCUEIL.requests);
  const clients: BenchClient[] = [];
  // Argon2 logins, a few at a time.
  for (let i = 0; i < ACCUEIL.clients; i += 10) {
    clients.push(
      ...(await Promise.all(
        Array.from({ length: Math.min(10, ACCUEIL.clients - i) }, async () => {
          const c = new BenchClient(portal.baseUrl);
          await c.login(resident.identifier, resident.password);
          return c;
        }),
      )),
    );
  }
  const get = async (i: number) => {
    const res = await clients[i].request('GET', '/accueil');
    if (res.status !== 200) throw new Error(`GET /accueil → ${res.status}`);
    if (!res.text.includes(resident.lastRequestNumber ?? '')) throw new Error('GET /accueil : la dernière demande manque à la page');
  };
  console.log(`Benchmark 3 : « Accueil » (${ACCUEIL.requests} demandes), ${ACCUEIL.clients} clients…`);
  await load(ACCUEIL.clients, warmupSeconds, get);
  const meter = new CpuMeter(portal.pids);
  const m = summarise(`3. GET /accueil (${ACCUEIL.requests} demandes)`, ACCUEIL.clients, await load(ACCUEIL.clients, seconds, get),
    `p95 ≤ ${ACCUEIL.p95Ms} ms`, (x) => x.p95 <= ACCUEIL.p95Ms);
  return { ...m, extra: meter.perOperation(m.count) };
}
