// The one configuration module: every environment variable the portal reads is declared,
// defaulted and validated here, once, at start. Anything else fails fast with a clear message.
import Joi from 'joi';
import { existsSync } from 'node:fs';
import path from 'node:path';

export type NodeEnv = 'development' | 'test' | 'production';

export interface Config {
  nodeEnv: NodeEnv;
  port: number;
  /** Base URL used in mails (links back to the portal). */
  publicUrl: string;
  /** Host names are `demarches-<slug>.<portalDomain>`; other hosts get the default commune. */
  portalDomain: string;
  defaultCommune: string;
  databaseUrl: string;
  databasePoolSize: number;
  temporal: {
    /** Unset in development: `npm run dev` spawns a dev server. */
    address: string | undefined;
    namespace: string;
    taskQueue: string;
    cliPath: string | undefined;
    uiPort: number;
    devDbFile: string;
    workflowBundlePath: string | undefined;
  };
  sessionSecret: string;
  mail: {
    /** Unset: mails and SMS land in the dev mailbox (/dev/boite-mail) instead of being sent. */
    smtpUrl: string | undefined;
    from: string;
  };
  sms: {
    /** 'dev' stores SMS in the dev mailbox; 'http' posts them to an SMS API (Brevo-compatible). */
    provider: 'dev' | 'http';
    apiUrl: string | undefined;
    apiKey: string | undefined;
    sender: string;
  };
  captchaTestMode: boolean;
  /** Hours between reminders to agents once an account validation is overdue. */
  accountReminderIntervalHours: number;
  logLevel: string;
  /** How long a stopping process lets in-flight work finish (HTTP requests, activities) before forcing. */
  shutdownTimeoutMs: number;
  worker: {
    /** The worker's /healthz, /readyz and /metrics. */
    httpPort: number;
    /** The Temporal SDK's Prometheus exporter, on 127.0.0.1; 0: a free port. The worker's /metrics includes it. */
    sdkMetricsPort: number;
  };
  documents: {
    /** Largest upload, in MB, unless a démarche's document sets its own. */
    maxMb: number;
    /** Where uploads are stored: outside the web root, never served as is. */
    dir: string;
  };
  payments: {
    /** The local card page (/sandbox/paiement): development and tests only, refused in production. */
    sandbox: boolean;
    payfip: { wsUrl: string; paymentPageUrl: string; timeoutMs: number };
  };
}

const schema = Joi.object({
  NODE_ENV: Joi.string().valid('development', 'test', 'production').default('development'),
  PORT: Joi.number().port().default(3000),
  PUBLIC_URL: Joi.string().uri({ scheme: ['http', 'https'] }),
  PORTAL_DOMAIN: Joi.string().hostname().default('localhost'),
  DEFAULT_COMMUNE: Joi.string().pattern(/^[a-z0-9-]+$/).default('beaucouze'),
  DATABASE_URL: Joi.string()
    .uri({ scheme: ['mysql', 'mariadb'] })
    .default('mysql://root@127.0.0.1:3306/portail_citoyen'),
  DATABASE_POOL_SIZE: Joi.number().integer().min(1).max(200).default(10),
  TEMPORAL_ADDRESS: Joi.string().pattern(/^[^\s:]+:\d+$/).empty(''),
  TEMPORAL_NAMESPACE: Joi.string().default('default'),
  TEMPORAL_TASK_QUEUE: Joi.string().default('portail-citoyen'),
  TEMPORAL_CLI_PATH: Joi.string().empty(''),
  // Read by scripts/temporal-cli.ts: '0' forbids the SDK's download of the CLI.
  TEMPORAL_CLI_DOWNLOAD: Joi.string().valid('0', '1').default('1'),
  TEMPORAL_UI_PORT: Joi.number().port().default(8233),
  // A workflow bundle built ahead of time (bundleWorkflowCode); unset, the worker bundles at start.
  WORKFLOW_BUNDLE_PATH: Joi.string().empty(''),
  TEMPORAL_DEV_DB_FILE: Joi.string().default('.data/temporal-dev.db'),
  SESSION_SECRET: Joi.string().min(32).when('NODE_ENV', {
    is: 'production',
    then: Joi.required(),
    otherwise: Joi.optional().default('dev-only-session-secret-change-me-in-production'),
  }),
  SMTP_URL: Joi.string().uri({ scheme: ['smtp', 'smtps'] }).empty(''),
  MAIL_FROM: Joi.string().default('Portail citoyen <ne-pas-repondre@portail-citoyen.localhost>'),
  SMS_PROVIDER: Joi.string().valid('dev', 'http').default('dev'),
  SMS_API_URL: Joi.string().uri({ scheme: ['http', 'https'] }).when('SMS_PROVIDER', { is: 'http', then: Joi.required() }),
  SMS_API_KEY: Joi.string().when('SMS_PROVIDER', { is: 'http', then: Joi.required() }),
  SMS_SENDER: Joi.string().max(11).default('MAIRIE'),
  CAPTCHA_TEST_MODE: Joi.boolean().truthy('1').falsy('0').default(false).when('NODE_ENV', {
    is: 'production',
    then: Joi.valid(false).messages({ 'any.only': 'CAPTCHA_TEST_MODE est interdit quand NODE_ENV=production.' }),
  }),
  ACCOUNT_REMINDER_INTERVAL_HOURS: Joi.number().positive().default(24),
  DOCUMENT_MAX_MB: Joi.number().positive().max(100).default(10),
  DOCUMENTS_DIR: Joi.string().default('.data/documents'),
  PAYMENT_SANDBOX: Joi.boolean().truthy('1').falsy('0')
    .default((parent: { NODE_ENV?: string }) => parent.NODE_ENV !== 'production')
    .when('NODE_ENV', {
      is: 'production',
      then: Joi.valid(false).messages({ 'any.only': 'PAYMENT_SANDBOX est interdit quand NODE_ENV=production.' }),
    }),
  PAYFIP_WS_URL: Joi.string().uri({ scheme: ['http', 'https'] }).default('https://www.payfip.gouv.fr/tpa/services/securite'),
  PAYFIP_PAYMENT_URL: Joi.string().uri({ scheme: ['http', 'https'] }).default('https://www.payfip.gouv.fr/tpa/paiementws.web?idop='),
  PAYFIP_TIMEOUT_MS: Joi.number().integer().min(1000).max(60_000).default(15_000),
  LOG_LEVEL: Joi.string().valid('fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent').default('info'),
  SHUTDOWN_TIMEOUT_SECONDS: Joi.number().integer().min(1).max(600).default(20),
  WORKER_HTTP_PORT: Joi.number().port().default(9464),
  TEMPORAL_SDK_METRICS_PORT: Joi.number().port().default(0),
}).unknown(true);

export const CONFIG_VARIABLES = Object.keys(schema.describe().keys as Record<string, unknown>);

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const { value, error } = schema.validate(env, { abortEarly: false, convert: true });
  if (error) {
    throw new Error(`Configuration invalide :\n${error.details.map((d) => `  - ${d.message}`).join('\n')}`);
  }
  const port = value.PORT as number;
  return {
    nodeEnv: value.NODE_ENV,
    port,
    publicUrl: (value.PUBLIC_URL ?? `http://localhost:${port}`).replace(/\/$/, ''),
    portalDomain: value.PORTAL_DOMAIN,
    defaultCommune: value.DEFAULT_COMMUNE,
    databaseUrl: value.DATABASE_URL,
    databasePoolSize: value.DATABASE_POOL_SIZE,
    temporal: {
      address: value.TEMPORAL_ADDRESS,
      namespace: value.TEMPORAL_NAMESPACE,
      taskQueue: value.TEMPORAL_TASK_QUEUE,
      cliPath: value.TEMPORAL_CLI_PATH,
      uiPort: value.TEMPORAL_UI_PORT,
      devDbFile: value.TEMPORAL_DEV_DB_FILE,
      workflowBundlePath: value.WORKFLOW_BUNDLE_PATH,
    },
    sessionSecret: value.SESSION_SECRET,
    mail: { smtpUrl: value.SMTP_URL, from: value.MAIL_FROM },
    sms: { provider: value.SMS_PROVIDER, apiUrl: value.SMS_API_URL, apiKey: value.SMS_API_KEY, sender: value.SMS_SENDER },
    captchaTestMode: value.CAPTCHA_TEST_MODE,
    accountReminderIntervalHours: value.ACCOUNT_REMINDER_INTERVAL_HOURS,
    logLevel: value.LOG_LEVEL,
    shutdownTimeoutMs: value.SHUTDOWN_TIMEOUT_SECONDS * 1000,
    worker: { httpPort: value.WORKER_HTTP_PORT, sdkMetricsPort: value.TEMPORAL_SDK_METRICS_PORT },
    documents: { maxMb: value.DOCUMENT_MAX_MB, dir: path.resolve(PROJECT_ROOT, value.DOCUMENTS_DIR) },
    payments: {
      sandbox: value.PAYMENT_SANDBOX,
      payfip: { wsUrl: value.PAYFIP_WS_URL, paymentPageUrl: value.PAYFIP_PAYMENT_URL, timeoutMs: value.PAYFIP_TIMEOUT_MS },
    },
  };
}

/**
 * The folder holding package.json: templates, voice samples and catalogues are read from there,
 * whether the code runs from its TypeScript sources or from the compiled dist/.
 */
export const PROJECT_ROOT = ((from: string): string => {
  for (let dir = from; ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'package.json'))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`package.json introuvable au-dessus de ${from}`);
  }
})(__dirname);
