// A MariaDB server of the fault suite's own (never the shared one on 3306): a data folder made by
// mariadb-install-db, a server on a free port that the suite can stop and start again on the same
// port and the same folder, as an outage and its recovery.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, existsSync, type WriteStream } from 'node:fs';
import path from 'node:path';
import mysql from 'mysql2/promise';
import { freePort } from '../../../scripts/temporal-dev-server';

export interface MariaDbInstance {
  port: number;
  /** mysql://root@127.0.0.1:<port> (no database). */
  serverUrl: string;
  /** Graceful shutdown (SIGTERM): open connections are cut, committed data stays. */
  stop(): Promise<void>;
  /** Starts again on the same port and data folder; resolves once it answers. */
  start(): Promise<void>;
}

const SERVER_BINARIES = ['/usr/sbin/mariadbd', '/usr/sbin/mysqld'];

function run(file: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile(file, args, { timeout: 60_000 }, (error, _stdout, stderr) => {
      if ((error as NodeJS.ErrnoException | null)?.code === 'ENOENT') {
        reject(new Error(`${file} introuvable : la suite de pannes lance son propre MariaDB (paquet mariadb-server).`));
      } else if (error) reject(new Error(`${file} ${args.join(' ')} : ${error.message}\n${stderr}`));
      else resolve();
    });
  });
}

async function answers(serverUrl: string): Promise<boolean> {
  try {
    const connection = await mysql.createConnection({ uri: serverUrl, connectTimeout: 1_000 });
    await connection.end();
    return true;
  } catch {
    return false;
  }
}

export async function startMariaDbInstance(dir: string): Promise<MariaDbInstance> {
  const datadir = path.join(dir, 'data');
  const binary = SERVER_BINARIES.find((file) => existsSync(file)) ?? 'mariadbd';
  // Small redo log and buffer pool: the suite writes little, and the machine is shared.
  const small = ['--innodb-log-file-size=8M', '--innodb-buffer-pool-size=32M'];
  await run('mariadb-install-db', [
    '--no-defaults', `--datadir=${datadir}`, '--auth-root-authentication-method=normal', '--skip-test-db', '--user=root', ...small,
  ]);
  const port = await freePort();
  const serverUrl = `mysql://root@127.0.0.1:${port}`;
  const log: WriteStream = createWriteStream(path.join(dir, 'mariadb.log'), { flags: 'a' });
  let child: ChildProcess | undefined;

  async function start(): Promise<void> {
    if (child) return;
    const started = spawn(binary, [
      '--no-defaults', `--datadir=${datadir}`, `--port=${port}`, '--bind-address=127.0.0.1',
      `--socket=${path.join(dir, 'mariadb.sock')}`, `--pid-file=${path.join(dir, 'mariadb.pid')}`,
      '--user=root', '--skip-log-bin', '--skip-name-resolve', ...small,
    ], { stdio: ['ignore', 'pipe', 'pipe'] });
    started.stdout?.pipe(log, { end: false });
    started.stderr?.pipe(log, { end: false });
    child = started;
    const deadline = Date.now() + 60_000;
    while (!(await answers(serverUrl))) {
      if (started.exitCode !== null) throw new Error(`MariaDB de la suite arrêté au démarrage (code ${started.exitCode}), voir ${dir}/mariadb.log`);
      if (Date.now() > deadline) throw new Error(`MariaDB de la suite muet après 60 s sur le port ${port}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }

  async function stop(): Promise<void> {
    const current = child;
    if (!current) return;
    child = undefined;
    if (current.exitCode !== null || current.signalCode !== null) return;
    const exited = new Promise((resolve) => current.once('exit', resolve));
    current.kill('SIGTERM');
    const timer = setTimeout(() => current.kill('SIGKILL'), 30_000);
    await exited;
    clearTimeout(timer);
  }

  await start();
  return { port, serverUrl, stop, start };
}
