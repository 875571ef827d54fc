// Starts the Temporal CLI dev server (frontend + Web UI, SQLite) for local development and for the test run,
// and registers the portal's search attributes on any cluster.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import readline from 'node:readline';
import { Connection, isGrpcServiceError } from '@temporalio/client';
import type { SearchAttributeType } from '@temporalio/common';
import { encodeSearchAttributeIndexedValueType } from '@temporalio/common/lib/search-attributes';
import type { SearchAttributeKey } from '@temporalio/common/lib/search-attributes';
import { SEARCH_ATTRIBUTE_TYPES, SEARCH_ATTRIBUTES } from '../workflows/search-attributes';
import { locateTemporalCli } from './temporal-cli';

export interface StartTemporalDevServerOptions {
  /** Path to the `temporal` CLI; found with {@link locateTemporalCli} when absent. */
  cliPath?: string;
  /** Address the frontend and the UI bind to. */
  ip?: string;
  /** gRPC frontend port; 0 picks a free one. */
  port?: number;
  /** Web UI port; defaults to port + 1000 (8233), or a free one when port is 0. */
  uiPort?: number;
  /** No Web UI: tests don't need it. */
  headless?: boolean;
  /** SQLite file that keeps workflows across restarts (folder created); in memory when absent. */
  dbFile?: string;
  /** Namespace created at start besides `default`. */
  namespace?: string;
  /** Receives every line the server prints (warnings and errors only, at log level warn). */
  log?: (line: string) => void;
  /** How long the frontend has to answer. */
  readyTimeoutMs?: number;
}

export interface TemporalDevServer {
  /** host:port of the gRPC frontend, for TEMPORAL_ADDRESS. */
  address: string;
  namespace: string;
  /** Web UI, or undefined when headless. */
  uiUrl: string | undefined;
  /** Milliseconds from spawn to a frontend answering for the namespace. */
  startupMs: number;
  process: ChildProcess;
  /** SIGTERM to the server's process group, SIGKILL after graceMs; resolves once it has exited. */
  stop(graceMs?: number): Promise<void>;
}

const DEFAULT_PORT = 7233;
const GRPC_ALREADY_EXISTS = 6;
const OUTPUT_LINES_KEPT = 40;

export function devServerArgs(opts: {
  ip: string;
  port: number;
  uiPort: number | undefined;
  dbFile: string | undefined;
  namespace: string;
}): string[] {
  const args = ['server', 'start-dev', '--ip', opts.ip, '--port', String(opts.port), '--log-level', 'warn'];
  if (opts.uiPort === undefined) args.push('--headless');
  else args.push('--ui-port', String(opts.uiPort));
  if (opts.dbFile !== undefined) {
    // WAL lets the UI's reads run beside the server's writes; NORMAL is safe with WAL and much faster.
    args.push('--db-filename', opts.dbFile);
    args.push('--sqlite-pragma', 'journal_mode=WAL', '--sqlite-pragma', 'synchronous=NORMAL');
  }
  if (opts.namespace !== 'default') args.push('--namespace', opts.namespace);
  for (const [name, type] of Object.entries(SEARCH_ATTRIBUTE_TYPES)) {
    args.push('--search-attribute', `${name}=${type}`);
  }
  return args;
}

export async function startTemporalDevServer(
  opts: StartTemporalDevServerOptions = {},
): Promise<TemporalDevServer> {
  const ip = opts.ip ?? '127.0.0.1';
  const namespace = opts.namespace ?? 'default';
  const port = opts.port === 0 ? await freePort(ip) : (opts.port ?? DEFAULT_PORT);
  let uiPort: number | undefined;
  if (!opts.headless) {
    if (opts.uiPort !== undefined && opts.uiPort !== 0) uiPort = opts.uiPort;
    else uiPort = opts.port === 0 || opts.uiPort === 0 ? await freePort(ip) : port + 1000;
  }
  const dbFile = opts.dbFile === undefined ? undefined : path.resolve(opts.dbFile);
  if (dbFile) await mkdir(path.dirname(dbFile), { recursive: true });

  // The CLI would fail on its own, but later and with a Go stack trace: say what to do instead.
  await assertPortFree(ip, port, 'gRPC');
  if (uiPort !== undefined) await assertPortFree(ip, uiPort, "de l'interface web");

  const cliPath = opts.cliPath ?? (await locateTemporalCli());
  const args = devServerArgs({ ip, port, uiPort, dbFile, namespace });
  const startedAt = Date.now();
  // Own process group, so stop() reaches anything the CLI runs and Ctrl-C on the parent is handled by us.
  const child = spawn(cliPath, args, { detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  const recentOutput: string[] = [];
  for (const stream of [child.stdout, child.stderr]) {
    readline.createInterface({ input: stream }).on('line', (line) => {
      recentOutput.push(line);
      if (recentOutput.length > OUTPUT_LINES_KEPT) recentOutput.shift();
      opts.log?.(line);
    });
  }
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let spawnError: Error | undefined;
  child.once('error', (error) => (spawnError = error));

  const hasExited = () => child.exitCode !== null || child.signalCode !== null || spawnError !== undefined;
  const signalGroup = (signal: NodeJS.Signals) => {
    if (child.pid === undefined || hasExited()) return;
    try {
      process.kill(-child.pid, signal);
    } catch {
      // Already gone.
    }
  };
  const removeGuards = guardAgainstOrphan(() => signalGroup('SIGTERM'));

  const stop = async (graceMs = 10_000): Promise<void> => {
    removeGuards();
    if (child.pid === undefined || spawnError) return;
    signalGroup('SIGTERM');
    if (!(await settlesWithin(exited, graceMs))) {
      signalGroup('SIGKILL');
      await settlesWithin(exited, 5_000);
    }
  };

  const address = `${ip}:${port}`;
  try {
    await waitUntilServing(address, namespace, opts.readyTimeoutMs ?? 30_000, () => {
      if (spawnError) return `impossible de lancer ${cliPath} : ${spawnError.message}`;
      if (hasExited()) return `le serveur s'est arrêté (code ${child.exitCode ?? child.signalCode})`;
      return undefined;
    });
  } catch (error) {
    await stop(2_000);
    const tail = recentOutput.length > 0 ? `\nDernières lignes du serveur :\n${recentOutput.join('\n')}` : '';
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`Le serveur Temporal de développement n'a pas démarré sur ${address} : ${reason}${tail}`);
  }

  return {
    address,
    namespace,
    uiUrl: uiPort === undefined ? undefined : `http://${ip}:${uiPort}`,
    startupMs: Date.now() - startedAt,
    process: child,
    stop,
  };
}

/**
 * Adds the portal's search attributes to a namespace of an existing cluster (the dev server gets them at
 * start). Idempotent; a name already taken with another type is an error, as upserts would then fail.
 */
export async function registerSearchAttributes(
  connection: Connection,
  namespace: string,
  keys: readonly SearchAttributeKey<SearchAttributeType>[] = SEARCH_ATTRIBUTES,
): Promise<string[]> {
  const listed = await connection.operatorService.listSearchAttributes({ namespace });
  const existing = new Map(Object.entries({ ...listed.systemAttributes, ...listed.customAttributes }));
  const missing: Record<string, number> = {};
  for (const { name, type } of keys) {
    const wanted = encodeSearchAttributeIndexedValueType(type);
    if (wanted === undefined) throw new TypeError(`Type d'attribut de recherche inconnu : ${type}`);
    const found = existing.get(name);
    if (found === undefined) missing[name] = wanted;
    else if (found !== wanted) {
      throw new Error(
        `L'attribut de recherche ${name} existe déjà dans le namespace ${namespace} avec un autre type ` +
          `(attendu ${type}) : renommez-le ou supprimez-le (temporal operator search-attribute remove).`,
      );
    }
  }
  const names = Object.keys(missing);
  if (names.length === 0) return [];
  try {
    await connection.operatorService.addSearchAttributes({ namespace, searchAttributes: missing });
  } catch (error) {
    // Another process (a second worker starting) registered them between our list and our add.
    if (!(isGrpcServiceError(error) && error.code === GRPC_ALREADY_EXISTS)) throw error;
  }
  return names;
}

/** First a TCP probe (cheap), then a real gRPC answer: system info and the namespace. */
async function waitUntilServing(
  address: string,
  namespace: string,
  timeoutMs: number,
  failure: () => string | undefined,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const [host, portText] = splitAddress(address);
  let lastError = `le port ${portText} n'accepte aucune connexion`;
  while (Date.now() < deadline) {
    const failed = failure();
    if (failed) throw new Error(failed);
    if (await acceptsTcp(host, Number(portText))) {
      try {
        // No retry interceptor: a not-yet-ready server must fail fast so we poll again.
        const connection = await Connection.connect({ address, connectTimeout: 2_000, interceptors: [] });
        try {
          await connection.workflowService.getSystemInfo({});
          await connection.workflowService.describeNamespace({ namespace });
          return;
        } finally {
          await connection.close();
        }
      } catch (error) {
        lastError = error instanceof Error ? error.message : String(error);
      }
    }
    await sleep(50);
  }
  throw new Error(`pas de réponse après ${Math.round(timeoutMs / 1000)} s (${lastError})`);
}

function splitAddress(address: string): [string, string] {
  const colon = address.lastIndexOf(':');
  return [address.slice(0, colon), address.slice(colon + 1)];
}

async function assertPortFree(host: string, port: number, role: string): Promise<void> {
  if (!(await acceptsTcp(host, port))) return;
  throw new Error(
    `Le port ${role} ${host}:${port} est déjà utilisé (un serveur Temporal tourne peut-être déjà). ` +
      `Arrêtez-le, choisissez un autre port, ou utilisez-le avec TEMPORAL_ADDRESS=${host}:${port}.`,
  );
}

function acceptsTcp(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    socket.setTimeout(1_000);
    const done = (open: boolean) => {
      socket.destroy();
      resolve(open);
    };
    socket.once('connect', () => done(true));
    socket.once('timeout', () => done(false));
    socket.once('error', () => done(false));
  });
}

export function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.once('error', reject);
    server.listen({ host, port: 0 }, () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/**
 * The server runs in its own process group, so it would outlive a parent that dies on Ctrl-C or exits
 * without calling stop(): forward those to it. Returns a function that removes the guards.
 */
function guardAgainstOrphan(terminate: () => void): () => void {
  const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
  const onSignal = (signal: NodeJS.Signals) => {
    terminate();
    remove();
    // Keep the default behaviour (dying) unless someone else handles this signal.
    if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
  };
  const remove = () => {
    process.off('exit', terminate);
    for (const signal of signals) process.off(signal, onSignal);
  };
  process.once('exit', terminate);
  for (const signal of signals) process.once(signal, onSignal);
  return remove;
}

function settlesWithin(promise: Promise<void>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
  return Promise.race([promise.then(() => true), timeout]).finally(() => clearTimeout(timer));
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function main(): Promise<void> {
  const server = await startTemporalDevServer({
    dbFile: path.join(__dirname, '..', '.data', 'temporal.db'),
    log: (line) => console.error(line),
  });
  console.log(`Temporal prêt en ${server.startupMs} ms : ${server.address}, namespace ${server.namespace}.`);
  console.log(`Interface web : ${server.uiUrl}`);
  let stopping = false;
  const shutdown = () => {
    stopping = true;
    console.log('Arrêt du serveur Temporal...');
    server.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
  server.process.once('exit', (code, signal) => {
    if (stopping) return;
    console.error(`Le serveur Temporal s'est arrêté (${code ?? signal}).`);
    process.exit(code ?? 1);
  });
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
