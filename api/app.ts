// The Express application: portal pages, back office, JSON API, captcha and dev mailbox.
import express, { type Express, type Request } from 'express';
import helmet from 'helmet';
import path from 'node:path';
import mysql from 'mysql2';
import type { Client } from '@temporalio/client';
import type { DataSource } from 'typeorm';
import type { Config } from '../config';
import { CaptchaService, captchaRoutes } from './captcha';
import { createSessionMiddleware } from './middleware/session';
import { verifyCsrf } from './middleware/csrf';
import { resolveCommune } from './middleware/commune';
import { loadUser } from './middleware/auth';
import { errorHandler } from './middleware/errors';
import { createPageRenderer } from './pages';
import { createViews } from './views';
import { AccountService } from './services/accounts.service';
import { AgentService } from './services/agent.service';
import { PasswordResetService } from './services/password-reset.service';
import { Processes } from './services/processes';
import { Throttle } from './services/throttle';
import { portalRoutes } from './portal/routes';
import { agentRoutes } from './agent/routes';
import { devMailboxRoutes } from './portal/dev-mailbox';
import { apiV1Routes } from './v1/routes';
import { openApiDocument } from './v1/openapi';
import { Outbox } from '../notify/outbox';
import { Catalogues } from '../catalogue';
import { DemarcheService } from './services/demarches.service';
import { RequestsService } from './services/requests.service';
import { DocumentService } from './services/documents.service';
import { DraftService } from './services/drafts.service';
import { demarcheRoutes, MULTIPART_ROUTES } from './portal/demarches';
import { CivilStatusService } from './services/civil-status.service';
import { civilStatusRoutes } from './portal/civil-status';
import { PaymentsService, type PaymentTimings } from './services/payments.service';
import { comptesRoutes } from './portal/comptes';
import { InvoiceImportService } from './services/invoice-import.service';
import { RegieSettingsService } from './services/regies.service';
import { invoiceImportApiBody, isInvoiceImportApiRequest } from './v1/invoices';
import { AGENT_INVOICE_IMPORT_ROUTE } from './agent/invoices';
import { PAYMENT_NOTIFICATION_PATH, paymentNotificationRoutes } from './v1/payments';
import { sandboxRoutes } from './sandbox/routes';
import { PAYMENT_EXPIRY_MS } from '../payments/provider';
import { createLogger, type Logger } from '../observability/logger';
import { databaseCheck, Health, opsHandlers, temporalCheck } from '../observability/health';
import { httpLogger, httpMetrics, requestId } from '../observability/http';
import { registry } from '../observability/metrics';

export interface AppDeps {
  config: Config;
  dataSource: DataSource;
  temporal: Client;
  /** Only for the dev mailbox page. */
  outbox?: Outbox;
  /** JSON logs (pino); by default one at config.logLevel on stdout. */
  logger?: Logger;
  log?: (err: unknown, req?: Request) => void;
  now?: () => Date;
  catalogue?: Catalogues;
  /** One day of the démarches' reminder and closing delays (tests shorten it). */
  demarcheDayMs?: number;
  /** The civil-status processing delay, in ms instead of the commune's business days (tests). */
  civilStatusDelayMs?: number;
  /** A payment's expiry and polling interval (tests shorten them). */
  paymentTimings?: PaymentTimings;
  /** How long an Update waits for the worker before a 503 (tests shorten it). */
  updateWaitMs?: number;
}

export interface PortalApp {
  app: Express;
  services: {
    accounts: AccountService;
    agents: AgentService;
    passwordReset: PasswordResetService;
    captcha: CaptchaService;
    demarches: DemarcheService;
    requests: RequestsService;
    civilStatus: CivilStatusService;
    payments: PaymentsService;
    invoiceImport: InvoiceImportService;
    regies: RegieSettingsService;
  };
  catalogue: Catalogues;
  /** /readyz's checks; the server turns it to «draining» when it stops. */
  health: Health;
  close(): Promise<void>;
}

export function createApp(deps: AppDeps): PortalApp {
  const { config, dataSource } = deps;
  const dbUrl = new URL(config.databaseUrl.replace(/^mariadb:/, 'mysql:'));
  // A small callback-style pool for the throttles (rate-limiter-flexible speaks mysql2's callback API).
  const throttlePool = mysql.createPool({ uri: dbUrl.toString(), connectionLimit: 5 });
  const databaseName = decodeURIComponent(dbUrl.pathname.slice(1));
  // 5 failed logins in 15 minutes lock the identifier for 15 minutes; 30 lock the address.
  const loginThrottle = new Throttle(
    throttlePool, databaseName, 'login',
    { attempts: 5, windowSeconds: 900, lockSeconds: 900 },
    { attempts: 30, windowSeconds: 900, lockSeconds: 900 },
  );
  // Security answers are a weaker secret: 3 wrong answers lock the account's reset for 30 minutes.
  const answerThrottle = new Throttle(
    throttlePool, databaseName, 'answer',
    { attempts: 3, windowSeconds: 1800, lockSeconds: 1800 },
    { attempts: 20, windowSeconds: 1800, lockSeconds: 1800 },
  );
  // «Mot de passe oublié ?»: 5 unknown identifiers lock that identifier for 30 minutes, 20 lock the
  // address (no fishing for accounts); 10 invalid links lock the address (no token guessing).
  const resetStartThrottle = new Throttle(
    throttlePool, databaseName, 'reset',
    { attempts: 5, windowSeconds: 1800, lockSeconds: 1800 },
    { attempts: 20, windowSeconds: 1800, lockSeconds: 1800 },
  );
  const resetLinkThrottle = new Throttle(
    throttlePool, databaseName, 'link',
    { attempts: 10, windowSeconds: 1800, lockSeconds: 1800 },
    { attempts: 10, windowSeconds: 1800, lockSeconds: 1800 },
  );

  // Sign-up: 30 password steps an hour per address (a school's or a family's shared address fits).
  const signupThrottle = new Throttle(
    throttlePool, databaseName, 'signup',
    { attempts: 30, windowSeconds: 3600, lockSeconds: 3600 },
    { attempts: 30, windowSeconds: 3600, lockSeconds: 3600 },
  );

  // Certificate requests need no account: 10 submissions per 10 minutes from one address, 5 an
  // hour for one requester's email, whether they succeed or not.
  const civilStatusThrottle = new Throttle(
    throttlePool, databaseName, 'acte',
    { attempts: 5, windowSeconds: 3600, lockSeconds: 3600 },
    { attempts: 10, windowSeconds: 600, lockSeconds: 600 },
  );

  const processes = new Processes({
    client: deps.temporal,
    taskQueue: config.temporal.taskQueue,
    accountReminderIntervalMs: config.accountReminderIntervalHours * 3600_000,
    updateWaitMs: deps.updateWaitMs,
  });
  const captcha = new CaptchaService(dataSource, { testMode: config.captchaTestMode, now: deps.now });
  const accounts = new AccountService({ dataSource, captcha, processes, loginThrottle, signupThrottle, now: deps.now });
  const agents = new AgentService({ dataSource, processes, loginThrottle, now: deps.now });
  const passwordReset = new PasswordResetService({
    dataSource, accounts, processes, answerThrottle, startThrottle: resetStartThrottle, linkThrottle: resetLinkThrottle, now: deps.now,
  });
  const catalogue = deps.catalogue ?? Catalogues.load();
  const demarches = new DemarcheService({
    dataSource,
    processes,
    timings: deps.demarcheDayMs ? { dayMs: deps.demarcheDayMs } : undefined,
    now: deps.now,
  });

  const requests = new RequestsService({
    dataSource, processes, demarches, catalogue, documentsDir: config.documents.dir, now: deps.now,
  });

  const civilStatus = new CivilStatusService({
    dataSource, processes, captcha, throttle: civilStatusThrottle, linkSecret: config.sessionSecret,
    delayMs: deps.civilStatusDelayMs, now: deps.now,
  });

  const invoiceImport = new InvoiceImportService({ dataSource, now: deps.now });
  const regies = new RegieSettingsService({ dataSource, sandboxAllowed: config.payments.sandbox });
  const payments = new PaymentsService({
    dataSource, processes, now: deps.now,
    timings: deps.paymentTimings ?? { expiresAfterMs: PAYMENT_EXPIRY_MS, pollIntervalMs: 60_000 },
  });

  const documents = new DocumentService({ dir: config.documents.dir, defaultMaxMb: config.documents.maxMb, now: deps.now });
  const drafts = new DraftService({ dataSource, documents });

  const devMailbox = !config.mail.smtpUrl && config.nodeEnv !== 'production';
  const pages = createPageRenderer(createViews({ cache: config.nodeEnv !== 'development' }), devMailbox);
  const sessions = createSessionMiddleware(config);
  const logger = deps.logger ?? createLogger({ level: config.logLevel, service: 'api' });
  // req.log carries the request id (pino-http); errors outside a request use the process's logger.
  const log = deps.log ?? ((err: unknown, req?: Request) => (req?.log ?? logger).error({ err }, 'unexpected error'));
  const health = new Health([databaseCheck(dataSource), temporalCheck(deps.temporal.connection)]);
  const ops = opsHandlers(health, () => registry.metrics(), logger);

  const app = express();
  app.disable('x-powered-by');
  if (config.nodeEnv === 'production') app.set('trust proxy', 1);
  // First: every request gets its id (X-Request-Id, carried into workflows), its latency by route
  // and its log line; the probes and /metrics come before sessions, CSRF and the commune.
  app.use(requestId());
  app.use(httpMetrics());
  app.use(httpLogger(logger));
  app.get('/healthz', ops.healthz);
  app.get('/readyz', ops.readyz);
  app.get('/metrics', ops.metrics);
  app.use(
    helmet({
      contentSecurityPolicy: {
        useDefaults: false,
        directives: {
          'default-src': ["'self'"],
          'script-src': ["'self'"],
          'style-src': ["'self'"],
          'img-src': ["'self'", 'data:'],
          'media-src': ["'self'"],
          // «Payer» is a form whose answer redirects to the provider's payment page.
          'form-action': ["'self'", new URL(config.payments.payfip.paymentPageUrl).origin],
          'frame-ancestors': ["'none'"],
          'base-uri': ["'none'"],
          'object-src': ["'none'"],
        },
      },
      strictTransportSecurity: config.nodeEnv === 'production' ? { maxAge: 31_536_000, includeSubDomains: true } : false,
    }),
  );
  app.use('/static', express.static(path.join(__dirname, 'public'), { maxAge: config.nodeEnv === 'production' ? '1d' : 0 }));
  // JSON batches of invoices up to 2 MB on the billing software's route; 64 kB everywhere else.
  app.use(invoiceImportApiBody());
  app.use(express.urlencoded({ extended: false, limit: '64kb', parameterLimit: 200 }));
  app.use(express.json({ limit: '64kb' }));
  app.use(resolveCommune(dataSource, config));
  app.use(captchaRoutes(captcha));
  app.use(sessions.middleware);
  app.use(loadUser(accounts, agents));
  // The upload forms are multipart: their token is their first field, checked as the form is read
  // (api/services/documents.service.ts) before any file is written. A header token is checked here.
  // Machine clients without a session: the payment providers' callback (it only triggers a re-read).
  const noCsrf = [PAYMENT_NOTIFICATION_PATH];
  app.use((req, res, next) => {
    if (req.method === 'POST' && noCsrf.includes(req.path)) return next();
    // The billing software's import: the régie's API key is this route's only credential.
    if (isInvoiceImportApiRequest(req)) return next();
    const multipart = /^multipart\/form-data/i.test(req.get('content-type') ?? '');
    if (req.method === 'POST' && multipart && !req.get('x-csrf-token') && [...MULTIPART_ROUTES, AGENT_INVOICE_IMPORT_ROUTE].some((r) => r.test(req.path))) return next();
    verifyCsrf(req, res, next);
  });

  const services = { accounts, agents, passwordReset, captcha, demarches, requests, documents, drafts, civilStatus, payments, invoiceImport, regies };
  // Answered or expired challenges are of no use: drop them hourly so the table stays small.
  const captchaPurge = setInterval(() => {
    captcha.purgeExpired().catch((err: unknown) => log(err));
  }, 3600_000);
  captchaPurge.unref();
  app.get('/api/openapi.json', (_req, res) => {
    res.json(openApiDocument);
  });
  app.use('/api/v1', paymentNotificationRoutes({ payments }));
  app.use('/api/v1', apiV1Routes({ config, services }));
  if (config.payments.sandbox) app.use(sandboxRoutes({ pages, dataSource, now: deps.now, log }));
  app.use('/agent', agentRoutes({ pages, services }));
  if (devMailbox && deps.outbox) app.use('/dev', devMailboxRoutes({ pages, outbox: deps.outbox }));
  app.use(demarcheRoutes({ pages, catalogue, dataSource, processes, services: { demarches, documents, drafts, civilStatus } }));
  app.use(civilStatusRoutes({ pages, civilStatus }));
  app.use(comptesRoutes({ pages, payments }));
  app.use(portalRoutes({ pages, services, config, catalogue }));
  app.use(errorHandler(pages, log));

  return {
    app,
    services,
    catalogue,
    health,
    async close() {
      clearInterval(captchaPurge);
      await sessions.close();
      await new Promise<void>((resolve) => throttlePool.end(() => resolve()));
    },
  };
}
