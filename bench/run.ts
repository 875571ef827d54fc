// `npm run bench`: issue 7's benchmarks 1 and 3 in one process, on this machine.
//  1. Démarche submissions at 1, 10 and 50 concurrent clients: (a) POST /api/v1/services/:code/submit
//     end to end (HTTP, session, CSRF, DemarcheService.submit, which starts a Temporal workflow),
//     versus (b) a baseline that validates the same answers and inserts the same rows, without Temporal.
//  3. GET /accueil of a resident with 20 requests at 100 concurrent clients.
// Benchmark 2 (10,000 open account validations) is not measured yet. Benchmarks report; they never fail.
import 'dotenv/config';
import 'reflect-metadata';
import os from 'node:os';
import path from 'node:path';
import { mkdir, writeFile } from 'node:fs/promises';
import { BenchClient, closeHttpAgent } from './http-client';
import { startPortal, type BenchPortal } from './setup';
import { baselineSubmit, createResidents, insertRequests, OCCUPATION, occupationAnswers, occupationDefinition, occupationSteps, type BenchResident } from './fixtures';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const WARMUP_SECONDS = Number(process.env.BENCH_WARMUP_SECONDS ?? 1);
const SUBMIT_CLIENTS = [1, 10, 50];
const ACCUEIL_CLIENTS = 100;
const ACCUEIL_REQUESTS = 20;
const TARGETS = { ratio: 0.5, submitP99Ms: 250, accueilP95Ms: 50 };

interface Measure {
  scenario: string;
  clients: number;
  count: number;
  errors: number;
  /** Completed operations per second of measured time. */
  reqPerSec: number;
  /** Completed operations per wall-clock second (submissions through the API: draft steps included). */
  wallReqPerSec: number;
  p50: number;
  p95: number;
  p99: number;
  target: string;
  met: boolean | null;
}

interface Samples {
  latencies: number[];
  busyMs: number;
  errors: number;
  firstError?: string;
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const rank = Math.ceil((p / 100) * sorted.length) - 1;
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank))];
}

/**
 * Runs `clients` loops for `seconds`: each calls prepare (not measured), then op (measured).
 * req/s sums each client's completed ops over its measured time, so that unmeasured preparation
 * (the API's draft steps) does not dilute it; the wall-clock rate is kept beside it.
 */
async function load(
  clients: number,
  seconds: number,
  op: (client: number) => Promise<void>,
  prepare?: (client: number) => Promise<void>,
): Promise<{ samples: Samples[]; wallMs: number }> {
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
          s.firstError ??= err instanceof Error ? err.message : String(err);
          await new Promise((r) => setTimeout(r, 50));
        }
      }
      return s;
    }),
  );
  return { samples, wallMs: performance.now() - startedAt };
}

function summarise(
  scenario: string,
  clients: number,
  run: { samples: Samples[]; wallMs: number },
  target: string,
  met: (m: Omit<Measure, 'target' | 'met'>) => boolean | null,
): Measure {
  const all = run.samples.flatMap((s) => s.latencies).sort((a, b) => a - b);
  const errors = run.samples.reduce((n, s) => n + s.errors, 0);
  const firstError = run.samples.find((s) => s.firstError)?.firstError;
  if (firstError) console.warn(`  ${scenario} × ${clients} : ${errors} erreur(s), la première : ${firstError}`);
  const reqPerSec = run.samples.reduce((sum, s) => sum + (s.busyMs > 0 ? (s.latencies.length * 1000) / s.busyMs : 0), 0);
  const base = {
    scenario,
    clients,
    count: all.length,
    errors,
    reqPerSec,
    wallReqPerSec: (all.length * 1000) / run.wallMs,
    p50: percentile(all, 50),
    p95: percentile(all, 95),
    p99: percentile(all, 99),
  };
  return { ...base, target, met: met(base) };
}

async function benchSubmissions(portal: BenchPortal, residents: BenchResident[]): Promise<Measure[]> {
  const clients = await Promise.all(
    residents.slice(0, Math.max(...SUBMIT_CLIENTS)).map(async (r) => {
      const c = new BenchClient(portal.baseUrl);
      await c.login(r.identifier, r.password);
      return c;
    }),
  );
  const keys: string[] = new Array<string>(clients.length).fill('');
  const prepare = async (i: number) => {
    const c = clients[i];
    let cle = '';
    for (const step of occupationSteps()) {
      cle = (await c.json<{ cle: string }>('PUT', `/api/v1/services/${OCCUPATION}/draft`, step)).cle;
    }
    await c.json('POST', `/api/v1/services/${OCCUPATION}/draft/documents`, { piece: 'plan-situation', mode: 'courrier' });
    keys[i] = cle;
  };
  const submit = async (i: number) => {
    await clients[i].json('POST', `/api/v1/services/${OCCUPATION}/submit`, { cle: keys[i] }, [201]);
  };
  const baseline = async (i: number) => {
    await baselineSubmit(portal, residents[i]);
  };

  const out: Measure[] = [];
  for (const n of SUBMIT_CLIENTS) {
    const p99Target = n === 50 ? `ratio ≥ ${TARGETS.ratio} ; p99 ≤ ${TARGETS.submitP99Ms} ms` : '—';
    console.log(`Benchmark 1 : dépôt de démarche, ${n} client(s)…`);
    await load(n, WARMUP_SECONDS, submit, prepare);
    const api = summarise('1a. Dépôt via l’API (Temporal)', n, await load(n, SECONDS, submit, prepare), p99Target, (m) =>
      n === 50 ? m.p99 <= TARGETS.submitP99Ms : null,
    );
    await load(n, WARMUP_SECONDS, baseline);
    const base = summarise('1b. Référence (validation + INSERT, sans Temporal)', n, await load(n, SECONDS, baseline), '—', () => null);
    const ratio = base.reqPerSec > 0 ? api.reqPerSec / base.reqPerSec : NaN;
    out.push(api, base, {
      scenario: '1. Ratio (a)/(b) du débit',
      clients: n,
      count: api.count,
      errors: api.errors,
      reqPerSec: ratio,
      wallReqPerSec: base.wallReqPerSec > 0 ? api.wallReqPerSec / base.wallReqPerSec : NaN,
      p50: NaN,
      p95: NaN,
      p99: NaN,
      target: `≥ ${TARGETS.ratio}`,
      met: n === 50 ? ratio >= TARGETS.ratio : null,
    });
  }
  return out;
}

async function benchAccueil(portal: BenchPortal, resident: BenchResident): Promise<Measure> {
  await insertRequests(portal, resident, ACCUEIL_REQUESTS);
  const clients: BenchClient[] = [];
  // Argon2 logins, a few at a time.
  for (let i = 0; i < ACCUEIL_CLIENTS; i += 10) {
    clients.push(
      ...(await Promise.all(
        Array.from({ length: Math.min(10, ACCUEIL_CLIENTS - i) }, async () => {
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
  console.log(`Benchmark 3 : « Accueil » (${ACCUEIL_REQUESTS} demandes), ${ACCUEIL_CLIENTS} clients…`);
  await load(ACCUEIL_CLIENTS, WARMUP_SECONDS, get);
  return summarise(`3. GET /accueil (${ACCUEIL_REQUESTS} demandes)`, ACCUEIL_CLIENTS, await load(ACCUEIL_CLIENTS, SECONDS, get), `p95 ≤ ${TARGETS.accueilP95Ms} ms`, (m) =>
    m.p95 <= TARGETS.accueilP95Ms,
  );
}

const ms = (v: number) => (Number.isFinite(v) ? v.toFixed(1) : '—');

function table(measures: Measure[]): string {
  const rows = [
    '| Scénario | Clients | req/s | p50 (ms) | p95 (ms) | p99 (ms) | Cible | Atteinte |',
    '|---|---:|---:|---:|---:|---:|---|---|',
  ];
  for (const m of measures) {
    const isRatio = m.scenario.startsWith('1. Ratio');
    const rate = isRatio ? (Number.isFinite(m.reqPerSec) ? m.reqPerSec.toFixed(2) : '—') : m.reqPerSec.toFixed(1);
    const met = m.met === null ? '—' : m.met ? 'oui' : 'non';
    const errors = m.errors > 0 && !isRatio ? ` (${m.errors} err.)` : '';
    rows.push(`| ${m.scenario}${errors} | ${m.clients} | ${rate} | ${ms(m.p50)} | ${ms(m.p95)} | ${ms(m.p99)} | ${m.target} | ${met} |`);
  }
  rows.push('| 2. 10 000 validations de compte ouvertes | — | non mesuré | — | — | — | RSS ≤ 1 Gio ; p95 ≤ 300 ms | non mesuré |');
  return rows.join('\n');
}

async function main(): Promise<void> {
  const startedAt = new Date();
  console.log('Préparation : serveur Temporal de développement, base portail_bench, worker et portail…');
  const portal = await startPortal();
  let measures: Measure[] = [];
  try {
    const residents = await createResidents(portal, Math.max(...SUBMIT_CLIENTS) + 1);
    // Check the answers once before measuring: a wrong fixture would only show as errors.
    const check = occupationAnswers(occupationDefinition(portal));
    if (Object.keys(check.errors).length) throw new Error(`Réponses de référence invalides : ${JSON.stringify(check.errors)}`);
    measures = await benchSubmissions(portal, residents);
    measures.push(await benchAccueil(portal, residents[residents.length - 1]));
    if (portal.apiErrors.count > 0) console.warn(`Le portail a journalisé ${portal.apiErrors.count} erreur(s), la première :`, portal.apiErrors.first);
  } finally {
    closeHttpAgent();
    await portal.close();
  }

  const [{ version: mysqlVersion }] = portal.databaseVersion;
  const machine = {
    cpu: os.cpus()[0]?.model ?? 'inconnu',
    cores: os.cpus().length,
    ramGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    platform: `${os.platform()} ${os.release()}`,
    database: mysqlVersion,
    temporal: 'CLI dev server (SQLite en mémoire)',
    databasePoolSize: portal.config.databasePoolSize,
  };
  const durationS = Math.round((Date.now() - startedAt.getTime()) / 100) / 10;
  const md = [
    `## Benchmark du ${startedAt.toISOString()} (${SECONDS} s par mesure, ${durationS} s au total)`,
    '',
    `Machine : ${machine.cpu}, ${machine.cores} cœurs, ${machine.ramGiB} Gio de RAM, Node ${machine.node}, ${machine.platform} ; ` +
      `base ${machine.database} (pool ${machine.databasePoolSize}) ; Temporal : ${machine.temporal}.`,
    '',
    table(measures),
    '',
    'req/s : opérations terminées par seconde de temps mesuré, sommées sur les clients (les étapes du brouillon, ' +
      'avant chaque dépôt via l’API, ne sont pas mesurées). Ratio (a)/(b) : débit du dépôt via l’API sur celui de la référence.',
  ].join('\n');
  console.log(`\n${md}\n`);

  const dir = path.join(__dirname, 'results');
  await mkdir(dir, { recursive: true });
  const file = path.join(dir, `${startedAt.toISOString().replace(/:/g, '-')}.json`);
  await writeFile(
    file,
    `${JSON.stringify({ startedAt: startedAt.toISOString(), durationS, secondsPerMeasure: SECONDS, machine, targets: TARGETS, measures, benchmark2: 'non mesuré', markdown: md }, (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? null : v), 2)}\n`,
  );
  console.log(`Résultats : ${path.relative(process.cwd(), file)}`);
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err instanceof Error ? (err.stack ?? err.message) : err);
    process.exit(1);
  },
);
