// `npm run bench`: issue 7's three benchmarks in one run, on this machine. `npm run bench -- --only 1,3`
// runs a subset. Figures go to a table on stdout and to JSON under bench/results/. Benchmarks report;
// they never fail.
//  1. Démarche submissions at 1, 10 and 50 clients, against the same route without Temporal (bench/submissions.ts).
//  2. 10,000 account validations open at once: the worker's RSS, the p95 of an agent's validation (bench/accounts.ts).
//  3. «Accueil» of a resident with 20 requests at 100 clients (bench/accueil.ts).
import 'dotenv/config';
import 'reflect-metadata';
import { execFileSync } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { mkdir, writeFile } from 'node:fs/promises';
import { closeHttpAgent } from './http-client';
import { BENCH_DATABASE, startPortal } from './setup';
import { createResidents, occupationAnswers, occupationDefinition } from './fixtures';
import { benchSubmissions, SUBMIT_TARGETS } from './submissions';
import { ACCOUNT_TARGETS, benchOpenAccounts } from './accounts';
import { ACCUEIL, benchAccueil } from './accueil';
import type { Measure } from './stats';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const WARMUP_SECONDS = Number(process.env.BENCH_WARMUP_SECONDS ?? 2);
const SUBMIT_CLIENTS = (process.env.BENCH_SUBMIT_CLIENTS ?? '1,10,50').split(',').map(Number);
const OPEN_ACCOUNTS = Number(process.env.BENCH_OPEN_ACCOUNTS ?? 10_000);
const VALIDATIONS = Number(process.env.BENCH_VALIDATIONS ?? 200);
/** Agents validating at the same time in benchmark 2. */
const VALIDATING_AGENTS = Number(process.env.BENCH_VALIDATING_AGENTS ?? 1);

/** `--only 1,3` (or `--only=2`): the benchmarks to run; all by default. */
function selected(argv: string[]): Set<number> {
  const i = argv.findIndex((a) => a === '--only' || a.startsWith('--only='));
  if (i < 0) return new Set([1, 2, 3]);
  const list = argv[i].includes('=') ? argv[i].split('=')[1] : (argv[i + 1] ?? '');
  const chosen = new Set(list.split(',').map((x) => Number(x.trim())));
  if (![...chosen].every((n) => [1, 2, 3].includes(n))) throw new Error(`--only attend une liste parmi 1,2,3 : « ${list} »`);
  return chosen;
}

const loadAverage = () => os.loadavg().map((x) => Math.round(x * 100) / 100);

function temporalCliVersion(): string {
  try {
    return execFileSync('temporal', ['--version'], { encoding: 'utf8' }).trim();
  } catch {
    return 'inconnue';
  }
}

const ms = (v: number) => (Number.isFinite(v) ? v.toFixed(1) : '—');

function rateCell(m: Measure): string {
  if (m.scenario.includes('Ratio')) return Number.isFinite(m.reqPerSec) ? m.reqPerSec.toFixed(2) : '—';
  if (m.scenario.includes('RSS')) {
    const e = m.extra as { openRssMiB: number; afterValidationsRssMiB: number };
    return `RSS ${Math.round(Math.max(e.openRssMiB, e.afterValidationsRssMiB))} Mio`;
  }
  return m.reqPerSec.toFixed(1);
}

function table(measures: Measure[]): string {
  const rows = [
    '| Scénario | Clients | req/s | p50 (ms) | p95 (ms) | p99 (ms) | Cible | Atteinte |',
    '|---|---:|---:|---:|---:|---:|---|---|',
  ];
  for (const m of measures) {
    const met = m.met === null ? '—' : m.met ? 'oui' : 'non';
    const errors = m.errors > 0 && !m.scenario.includes('Ratio') ? ` (${m.errors} err.)` : '';
    rows.push(`| ${m.scenario}${errors} | ${m.clients || '—'} | ${rateCell(m)} | ${ms(m.p50)} | ${ms(m.p95)} | ${ms(m.p99)} | ${m.target} | ${met} |`);
  }
  return rows.join('\n');
}

async function main(): Promise<void> {
  const only = selected(process.argv.slice(2));
  const startedAt = new Date();
  const loads: Record<string, number[]> = { start: loadAverage() };
  console.log(`Préparation : serveur Temporal de développement, base ${BENCH_DATABASE}, worker et portail… (charge ${loads.start.join(' ')})`);
  const portal = await startPortal();
  const measures: Measure[] = [];
  try {
    const residents = await createResidents(portal, Math.max(...SUBMIT_CLIENTS) + 1);
    if (only.has(1)) {
      // Check the answers once before measuring: a wrong fixture would only show as errors.
      const check = occupationAnswers(occupationDefinition(portal));
      if (Object.keys(check.errors).length) throw new Error(`Réponses de référence invalides : ${JSON.stringify(check.errors)}`);
      measures.push(...(await benchSubmissions(portal, residents, SUBMIT_CLIENTS, SECONDS, WARMUP_SECONDS)));
      loads.after1 = loadAverage();
    }
    if (only.has(2)) {
      measures.push(...(await benchOpenAccounts(portal, OPEN_ACCOUNTS, VALIDATIONS, VALIDATING_AGENTS)));
      loads.after2 = loadAverage();
    }
    if (only.has(3)) {
      measures.push(await benchAccueil(portal, residents[residents.length - 1], SECONDS, WARMUP_SECONDS));
      loads.after3 = loadAverage();
    }
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
    temporal: `${temporalCliVersion()}, serveur de développement (SQLite en mémoire)`,
    databasePoolSize: portal.config.databasePoolSize,
  };
  const durationS = Math.round((Date.now() - startedAt.getTime()) / 100) / 10;
  const md = [
    `## Benchmark du ${startedAt.toISOString()} (${SECONDS} s par mesure, ${durationS} s au total ; benchmarks ${[...only].sort().join(', ')})`,
    '',
    `Machine : ${machine.cpu}, ${machine.cores} cœurs, ${machine.ramGiB} Gio de RAM, Node ${machine.node}, ${machine.platform} ; ` +
      `base ${machine.database} (pool ${machine.databasePoolSize}) ; Temporal : ${machine.temporal}. ` +
      `Charge moyenne (1, 5, 15 min) : ${Object.entries(loads).map(([k, v]) => `${k} ${v.join(' ')}`).join(' ; ')}.`,
    '',
    table(measures),
    '',
    'req/s : opérations terminées par seconde de la mesure. Le brouillon de chaque client est écrit une fois par l’API, ' +
      'puis remis par un INSERT avant chaque dépôt (hors latence). (a) et (b) passent par la même pile HTTP (session, CSRF, brouillon, ' +
      'validation, transaction) ; (b) est une seconde instance de l’api dont le client Temporal ne démarre rien : ' +
      'le ratio (a)/(b) isole le coût de Temporal. (c) appelle la validation et les INSERT dans le processus, sans HTTP. ' +
      'Benchmark 2 : RSS du processus worker seul (tsx worker/index.ts), l’Update « valider » appelé par AgentService.validateAccount.',
  ].join('\n');
  console.log(`\n${md}\n`);

  const dir = path.join(__dirname, 'results');
  await mkdir(dir, { recursive: true });
  const file = path.join(dir, `${startedAt.toISOString().replace(/:/g, '-')}.json`);
  const targets = { submissions: SUBMIT_TARGETS, accounts: ACCOUNT_TARGETS, accueil: ACCUEIL };
  await writeFile(
    file,
    `${JSON.stringify({ startedAt: startedAt.toISOString(), durationS, secondsPerMeasure: SECONDS, benchmarks: [...only].sort(), machine, loadAverage: loads, targets, measures, markdown: md }, (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? null : v), 2)}\n`,
  );
  await writeFile(file.replace(/\.json$/, '.md'), `${md}\n`);
  console.log(`Résultats : ${path.relative(process.cwd(), file)} (et .md)`);
}

// Ctrl-C: exit through 'exit' handlers (the separate worker's guard; the dev server has its own).
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => process.exit(130));

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err instanceof Error ? (err.stack ?? err.message) : err);
    process.exit(1);
  },
);
