// The worker as a process of its own (worker/index.ts with a prebuilt workflow bundle), so that the
// fault suite can really kill it with SIGKILL and start another one. Its output goes to a log file.
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, type WriteStream } from 'node:fs';
import path from 'node:path';

export interface WorkerProcess {
  /** Starts a worker and resolves once it polls its task queue. */
  start(): Promise<void>;
  /** SIGKILL: no draining, activities under way are lost until their timeout. */
  kill(): Promise<void>;
  /** SIGTERM: drains, then exits. */
  stop(): Promise<void>;
}

export function workerProcess(env: Record<string, string>, logFile: string): WorkerProcess {
  let child: ChildProcess | undefined;
  const log: WriteStream = createWriteStream(logFile, { flags: 'a' });

  async function signal(name: NodeJS.Signals): Promise<void> {
    const current = child;
    child = undefined;
    if (!current || current.exitCode !== null || current.signalCode !== null) return;
    const exited = new Promise((resolve) => current.once('exit', resolve));
    current.kill(name);
    await exited;
  }

  return {
    async start() {
      if (child) return;
      // `node --import tsx`, not the tsx CLI: the CLI runs the script in a child of its own, which a
      // SIGKILL to the CLI would leave running.
      const started = spawn(process.execPath, ['--import', 'tsx', path.join(__dirname, '..', '..', '..', 'worker', 'index.ts')], {
        env: { ...process.env, NODE_ENV: 'test', WORKER_HTTP_PORT: '0', ...env },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      child = started;
      let output = '';
      let ready = false;
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`worker toujours pas prêt après 60 s :\n${output.slice(-2_000)}`)), 60_000);
        const onExit = (code: number | null) => {
          clearTimeout(timer);
          reject(new Error(`worker arrêté au démarrage (${code}) :\n${output.slice(-2_000)}`));
        };
        const onData = (chunk: Buffer) => {
          log.write(chunk);
          if (ready) return;
          output += chunk.toString();
          if (/"state":"RUNNING"|state: 'RUNNING'/.test(output)) {
            ready = true;
            clearTimeout(timer);
            started.off('exit', onExit);
            resolve();
          }
        };
        started.stdout?.on('data', onData);
        started.stderr?.on('data', onData);
        started.once('exit', onExit);
      });
    },
    kill: () => signal('SIGKILL'),
    stop: () => signal('SIGTERM'),
  };
}
