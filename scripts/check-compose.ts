// `npm run check:compose`: docker-compose.yml and the Dockerfile checked without a Docker engine
// (none runs on our machines nor in CI). Compose's own validation (`docker-compose config -q`,
// Debian's package) when the CLI is here, then the portal's rules:
// - the api and the worker are built from the one Dockerfile, targets api and worker;
// - every variable set on a service built from it is one config.ts knows, and the whole passes
//   config.ts's validation (production refuses the sandbox, wants a long SESSION_SECRET…);
// - the worker loads the prebuilt workflow bundle;
// - the images' final stages run as a non-root user, with production dependencies only.
//   npx tsx scripts/check-compose.ts [--require-docker-compose]   (CI requires the CLI)
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { CONFIG_VARIABLES, loadConfig, PROJECT_ROOT } from '../config';

/** The images the Dockerfile builds, by compose service. */
export const PORTAL_TARGETS = { api: 'api', worker: 'worker' } as const;

type ComposeBuild = string | { context?: string; dockerfile?: string; target?: string };
export interface ComposeService {
  build?: ComposeBuild;
  environment?: Record<string, unknown> | string[];
}
export interface ComposeFile {
  services?: Record<string, ComposeService>;
}

export function parseCompose(text: string): ComposeFile {
  // `<<: *portal-environment` shares the configuration between the portal's services.
  return (parse(text, { merge: true }) ?? {}) as ComposeFile;
}

/** A service's variables as the container sees them; a name without value (taken from the host) is ''. */
export function serviceEnvironment(service: ComposeService): Record<string, string> {
  const env = service.environment ?? {};
  if (Array.isArray(env)) {
    return Object.fromEntries(env.map((entry) => {
      const eq = entry.indexOf('=');
      return eq < 0 ? [entry, ''] : [entry.slice(0, eq), entry.slice(eq + 1)];
    }));
  }
  return Object.fromEntries(Object.entries(env).map(([name, value]) => [name, value === null || value === undefined ? '' : String(value)]));
}

function buildOf(service: ComposeService): { context: string; dockerfile: string; target: string | undefined } | undefined {
  if (service.build === undefined) return undefined;
  const build = typeof service.build === 'string' ? { context: service.build } : service.build;
  return {
    context: path.posix.normalize(build.context ?? '.'),
    dockerfile: path.posix.normalize(build.dockerfile ?? 'Dockerfile'),
    target: build.target,
  };
}

export interface Stage {
  name: string;
  from: string;
  /** Instructions after FROM: keyword in upper case, then the rest of the (joined) line. */
  instructions: { keyword: string; args: string }[];
}

/** The Dockerfile's stages, continuation lines joined and comments dropped. */
export function parseDockerfile(text: string): Stage[] {
  const lines = text.replace(/\\\r?\n/g, ' ').split(/\r?\n/).map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
  const stages: Stage[] = [];
  for (const line of lines) {
    const [, keyword = '', args = ''] = /^(\S+)\s*(.*)$/.exec(line) ?? [];
    if (keyword.toUpperCase() === 'FROM') {
      const [, from = '', name] = /^(?:--\S+\s+)*(\S+)(?:\s+AS\s+(\S+))?/i.exec(args) ?? [];
      stages.push({ name: name ?? String(stages.length), from, instructions: [] });
    } else if (stages.length) {
      stages[stages.length - 1].instructions.push({ keyword: keyword.toUpperCase(), args });
    }
  }
  return stages;
}

/** A stage and the stages it is built FROM, the oldest first. */
function chainOf(stages: Stage[], name: string): Stage[] {
  const chain: Stage[] = [];
  for (let stage = stages.find((s) => s.name === name); stage; stage = stages.find((s) => s.name === stage?.from)) {
    if (chain.includes(stage)) break;
    chain.unshift(stage);
  }
  return chain;
}

/** `ENV A=1 B="2"` and the legacy `ENV A 1`. */
function envNames(args: string): string[] {
  if (!/^[A-Za-z_][A-Za-z0-9_]*=/.test(args)) return [args.split(/\s+/)[0]];
  return [...args.matchAll(/(?:^|\s)([A-Za-z_][A-Za-z0-9_]*)=/g)].map((m) => m[1]);
}

export function imageEnvironment(stages: Stage[], target: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const { instructions } of chainOf(stages, target)) {
    for (const { keyword, args } of instructions) {
      if (keyword !== 'ENV') continue;
      const legacy = /^([A-Za-z_][A-Za-z0-9_]*)\s+([^=].*)$/.exec(args);
      if (legacy) env[legacy[1]] = legacy[2];
      else for (const m of args.matchAll(/([A-Za-z_][A-Za-z0-9_]*)=("[^"]*"|\S*)/g)) env[m[1]] = m[2].replace(/^"(.*)"$/, '$1');
    }
  }
  return env;
}

const NPM_INSTALL = /\bnpm\s+(?:ci|install|i)\b/;
const PRODUCTION_ONLY = /--omit[= ]dev\b|--production\b|--only[= ]prod/;

function installsDevDependencies(chain: Stage[]): boolean {
  return chain.some((s) => s.instructions.some((i) => i.keyword === 'RUN' && NPM_INSTALL.test(i.args) && !PRODUCTION_ONLY.test(i.args)));
}

function installsProductionDependencies(chain: Stage[]): boolean {
  return chain.some((s) => s.instructions.some((i) => i.keyword === 'RUN' && NPM_INSTALL.test(i.args) && PRODUCTION_ONLY.test(i.args)));
}

export function dockerfileProblems(text: string, configVariables: readonly string[] = CONFIG_VARIABLES): string[] {
  const stages = parseDockerfile(text);
  const problems: string[] = [];
  for (const target of Object.values(PORTAL_TARGETS)) {
    const chain = chainOf(stages, target);
    if (!chain.length) {
      problems.push(`Dockerfile: no stage "${target}".`);
      continue;
    }
    const instructions = chain.flatMap((s) => s.instructions);
    const user = instructions.filter((i) => i.keyword === 'USER').at(-1)?.args.split(':')[0];
    if (!user || user === 'root' || user === '0') {
      problems.push(`Dockerfile, stage ${target}: runs as root (add USER node).`);
    }
    if (installsDevDependencies(chain)) problems.push(`Dockerfile, stage ${target}: installs dev dependencies (npm ci --omit=dev).`);
    const copiedModules = instructions.filter((i) => i.keyword === 'COPY' && /node_modules/.test(i.args));
    for (const copy of copiedModules) {
      const source = /--from=(\S+)/.exec(copy.args)?.[1];
      const sourceChain = source ? chainOf(stages, source) : [];
      if (!source || installsDevDependencies(sourceChain) || !installsProductionDependencies(sourceChain)) {
        problems.push(`Dockerfile, stage ${target}: node_modules copied from "${source ?? 'the build context'}", not from a stage that runs npm ci --omit=dev only.`);
      }
    }
    if (!copiedModules.length && !installsProductionDependencies(chain)) {
      problems.push(`Dockerfile, stage ${target}: no production dependencies (npm ci --omit=dev).`);
    }
    const env = imageEnvironment(stages, target);
    if (env.NODE_ENV !== 'production') problems.push(`Dockerfile, stage ${target}: NODE_ENV is not production.`);
    const unknown = instructions.filter((i) => i.keyword === 'ENV').flatMap((i) => envNames(i.args)).filter((n) => !configVariables.includes(n));
    for (const name of new Set(unknown)) problems.push(`Dockerfile, stage ${target}: ENV ${name} is not a variable of config.ts.`);
    if (!instructions.some((i) => i.keyword === 'HEALTHCHECK')) problems.push(`Dockerfile, stage ${target}: no HEALTHCHECK.`);
  }
  return problems;
}

export function composeProblems(compose: ComposeFile, dockerfile: string, configVariables: readonly string[] = CONFIG_VARIABLES): string[] {
  const services = compose.services ?? {};
  const problems: string[] = [];
  const builds = Object.entries(PORTAL_TARGETS).map(([name, target]) => {
    const service = services[name];
    const build = service && buildOf(service);
    if (!service) problems.push(`docker-compose.yml: no "${name}" service.`);
    else if (!build) problems.push(`docker-compose.yml, ${name}: not built from the Dockerfile (build: missing).`);
    else if (build.target !== target) problems.push(`docker-compose.yml, ${name}: build target is ${build.target ?? 'missing'}, not ${target}.`);
    return build;
  });
  const [apiBuild, workerBuild] = builds;
  if (apiBuild && workerBuild && (apiBuild.context !== workerBuild.context || apiBuild.dockerfile !== workerBuild.dockerfile)) {
    problems.push('docker-compose.yml: the api and the worker must be built from the same Dockerfile.');
  }

  // Every service running the portal's images: the api, the worker, one-shot jobs built the same way.
  const stages = parseDockerfile(dockerfile);
  const portal = Object.entries(services).filter(([, service]) => {
    const build = buildOf(service);
    return build && apiBuild && build.context === apiBuild.context && build.dockerfile === apiBuild.dockerfile;
  });
  for (const [name, service] of portal) {
    const environment = serviceEnvironment(service);
    for (const variable of Object.keys(environment)) {
      if (!configVariables.includes(variable)) problems.push(`docker-compose.yml, ${name}: ${variable} is not a variable of config.ts.`);
    }
    const target = buildOf(service)?.target;
    try {
      loadConfig({ ...(target ? imageEnvironment(stages, target) : {}), ...environment });
    } catch (err) {
      problems.push(`docker-compose.yml, ${name}: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  const worker = services.worker;
  if (worker && !serviceEnvironment(worker).WORKFLOW_BUNDLE_PATH) {
    problems.push('docker-compose.yml, worker: WORKFLOW_BUNDLE_PATH is not set (the prebuilt workflow bundle).');
  }
  return problems;
}

/** Compose's own check, with the CLI that is here: Debian's docker-compose (v1) or the v2 plugin. */
function composeCli(): string[] | undefined {
  for (const cli of [['docker-compose'], ['docker', 'compose']]) {
    try {
      execFileSync(cli[0], [...cli.slice(1), 'version'], { stdio: 'ignore' });
      return cli;
    } catch {
      // not this one
    }
  }
  return undefined;
}

function main(): void {
  const composeFile = path.join(PROJECT_ROOT, 'docker-compose.yml');
  const cli = composeCli();
  if (cli) {
    console.log(`${cli.join(' ')} -f docker-compose.yml config -q`);
    try {
      execFileSync(cli[0], [...cli.slice(1), '-f', composeFile, 'config', '-q'], { cwd: PROJECT_ROOT, stdio: 'inherit' });
    } catch {
      console.error('docker-compose.yml: refused by Compose (above).');
      process.exit(1);
    }
  } else if (process.argv.includes('--require-docker-compose')) {
    console.error('docker-compose not found (apt-get install --no-install-recommends docker-compose).');
    process.exit(1);
  } else {
    console.log('docker-compose not found: Compose\'s own validation skipped, the portal\'s rules follow.');
  }
  const dockerfile = readFileSync(path.join(PROJECT_ROOT, 'Dockerfile'), 'utf8');
  const problems = [
    ...dockerfileProblems(dockerfile),
    ...composeProblems(parseCompose(readFileSync(composeFile, 'utf8')), dockerfile),
  ];
  for (const problem of problems) console.error(`- ${problem}`);
  if (problems.length) process.exit(1);
  console.log('docker-compose.yml and Dockerfile: the api and worker images and their configuration are consistent.');
}

if (require.main === module) main();
