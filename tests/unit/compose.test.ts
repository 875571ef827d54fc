// The production stack, checked without a Docker engine: docker-compose.yml and the Dockerfile
// against config.ts (scripts/check-compose.ts; CI also runs Compose's own `config -q`).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { CONFIG_VARIABLES } from '../../config';
import { composeProblems, dockerfileProblems, parseCompose, serviceEnvironment, type ComposeFile } from '../../scripts/check-compose';

const ROOT = path.join(__dirname, '..', '..');
const COMPOSE_TEXT = readFileSync(path.join(ROOT, 'docker-compose.yml'), 'utf8');
const DOCKERFILE = readFileSync(path.join(ROOT, 'Dockerfile'), 'utf8');

/** The repository's compose file, changed by `edit` (a fresh copy each time). */
function composeWith(edit: (compose: Required<ComposeFile>) => void): ComposeFile {
  const compose = parseCompose(COMPOSE_TEXT) as Required<ComposeFile>;
  edit(compose);
  return compose;
}

describe('docker-compose.yml', () => {
  const compose = parseCompose(COMPOSE_TEXT);
  const services = compose.services ?? {};

  it('brings up MySQL, Temporal and its schema, namespace and UI, Mailpit, the api and the worker', () => {
    expect(Object.keys(services)).toEqual(expect.arrayContaining(['mysql', 'temporal-schema', 'temporal', 'temporal-namespace', 'temporal-ui', 'mailpit', 'api', 'worker']));
  });

  it('builds the api and the worker from the one Dockerfile and sets only variables config.ts knows, valid together', () => {
    expect(composeProblems(compose, DOCKERFILE)).toEqual([]);
    for (const name of ['api', 'worker']) {
      for (const variable of Object.keys(serviceEnvironment(services[name]))) expect(CONFIG_VARIABLES).toContain(variable);
    }
  });

  it('runs the worker on the prebuilt workflow bundle', () => {
    expect(serviceEnvironment(services.worker).WORKFLOW_BUNDLE_PATH).toBe('/app/dist/workflow-bundle.js');
  });

  it('gives the api and the worker the same secret and public address (links in mails)', () => {
    const api = serviceEnvironment(services.api);
    const worker = serviceEnvironment(services.worker);
    for (const variable of ['SESSION_SECRET', 'PUBLIC_URL', 'DATABASE_URL', 'TEMPORAL_ADDRESS', 'NODE_ENV']) {
      expect(worker[variable]).toBe(api[variable]);
    }
  });

  it('refuses a variable config.ts does not know', () => {
    const problems = composeProblems(composeWith((c) => {
      (c.services.api.environment as Record<string, unknown>).SMTP_HOST = 'mailpit';
    }), DOCKERFILE);
    expect(problems).toEqual(['docker-compose.yml, api: SMTP_HOST is not a variable of config.ts.']);
  });

  it('refuses what config.ts refuses in production: the sandbox, a short secret', () => {
    const problems = composeProblems(composeWith((c) => {
      Object.assign(c.services.worker.environment as Record<string, unknown>, { PAYMENT_SANDBOX: 'true', SESSION_SECRET: 'court' });
    }), DOCKERFILE);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^docker-compose.yml, worker: Configuration invalide/);
    expect(problems[0]).toContain('SESSION_SECRET');
    expect(problems[0]).toContain('PAYMENT_SANDBOX est interdit');
  });

  it('refuses a worker without its bundle, or built from another Dockerfile or target', () => {
    const problems = composeProblems(composeWith((c) => {
      delete (c.services.worker.environment as Record<string, unknown>).WORKFLOW_BUNDLE_PATH;
      c.services.worker.build = { context: '.', dockerfile: 'worker.Dockerfile', target: 'api' };
    }), DOCKERFILE);
    expect(problems).toEqual([
      'docker-compose.yml, worker: build target is api, not worker.',
      'docker-compose.yml: the api and the worker must be built from the same Dockerfile.',
      'docker-compose.yml, worker: WORKFLOW_BUNDLE_PATH is not set (the prebuilt workflow bundle).',
    ]);
  });

  it('reads environment lists as well as maps', () => {
    expect(serviceEnvironment({ environment: ['NODE_ENV=production', 'LOG_LEVEL', 'MAIL_FROM=a=b'] }))
      .toEqual({ NODE_ENV: 'production', LOG_LEVEL: '', MAIL_FROM: 'a=b' });
  });
});

describe('Dockerfile', () => {
  it('has api and worker stages running as a non-root user with production dependencies only', () => {
    expect(dockerfileProblems(DOCKERFILE)).toEqual([]);
  });

  it('refuses a final stage running as root', () => {
    expect(dockerfileProblems(DOCKERFILE.replace(/^USER node$/m, 'USER root'))).toEqual([
      'Dockerfile, stage api: runs as root (add USER node).',
      'Dockerfile, stage worker: runs as root (add USER node).',
    ]);
    expect(dockerfileProblems(DOCKERFILE.replace(/^USER node$/m, ''))).toHaveLength(2);
  });

  it('refuses node_modules with dev dependencies', () => {
    const fromDeps = DOCKERFILE.replace('COPY --from=prod-deps /app/node_modules', 'COPY --from=deps /app/node_modules');
    expect(dockerfileProblems(fromDeps)).toEqual([
      'Dockerfile, stage api: node_modules copied from "deps", not from a stage that runs npm ci --omit=dev only.',
      'Dockerfile, stage worker: node_modules copied from "deps", not from a stage that runs npm ci --omit=dev only.',
    ]);
    const devInstall = DOCKERFILE.replace('RUN npm ci --omit=dev', 'RUN npm ci');
    expect(dockerfileProblems(devInstall)).toContain('Dockerfile, stage api: node_modules copied from "prod-deps", not from a stage that runs npm ci --omit=dev only.');
  });

  it('refuses an ENV config.ts does not know, and a stage without NODE_ENV=production or HEALTHCHECK', () => {
    const text = `FROM node:20-bookworm-slim AS api
USER node
ENV NODE_ENV=development \\
    FOO=1
RUN npm ci --omit=dev
FROM api AS worker
HEALTHCHECK CMD ["node", "-e", "0"]
`;
    expect(dockerfileProblems(text)).toEqual([
      'Dockerfile, stage api: NODE_ENV is not production.',
      'Dockerfile, stage api: ENV FOO is not a variable of config.ts.',
      'Dockerfile, stage api: no HEALTHCHECK.',
      'Dockerfile, stage worker: NODE_ENV is not production.',
      'Dockerfile, stage worker: ENV FOO is not a variable of config.ts.',
    ]);
  });
});
