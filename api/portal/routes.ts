// The resident's portal: home and login, sign-up, «Accueil», «Compte», lost password.
import { Router, type Request, type Response } from 'express';
import type { Config } from '../../config';
import { formatParisDateTime } from '../../domain/dates';
import { AppError, ThrottledError } from '../errors';
import { destroySession, regenerateSession } from '../middleware/auth';
import { csrfToken } from '../middleware/csrf';
import { formErrors, type PageRenderer } from '../pages';
import type { AccountService } from '../services/accounts.service';
import type { AgentService } from '../services/agent.service';
import type { PasswordResetService } from '../services/password-reset.service';
import type { CaptchaService } from '../captcha';
import { loginSchema } from '../validation/account';
import { validate } from '../validation/french-joi';
import { accountRoutes } from './account';
import { STATUS_LABELS } from '../view-models';
import { passwordResetRoutes } from './password-reset';
import { signupRoutes } from './signup';
import type { DemarcheService } from '../services/demarches.service';
import type { CivilStatusService } from '../services/civil-status.service';
import { residentCivilStatusRows } from './civil-status';
import type { Catalogues } from '../../catalogue';
import { STATUS_LABELS as REQUEST_STATUS_LABELS, isDemarcheStatus } from '../../domain/demarche-status';

export interface PortalServices {
  accounts: AccountService;
  agents: AgentService;
  passwordReset: PasswordResetService;
  captcha: CaptchaService;
  demarches: DemarcheService;
  civilStatus: CivilStatusService;
}


/** Re-renders a form with its errors when a known 4xx comes back; anything else goes on. */
export function onFormError(
  pages: PageRenderer,
  req: Request,
  res: Response,
  page: string,
  context: Record<string, unknown>,
): (err: unknown) => void {
  return (err) => {
    if (!(err instanceof AppError) || err.status >= 500 || ![401, 403, 409, 422, 429].includes(err.status)) throw err;
    // An error about the whole action (a refused decision, a lock) is shown as the page's alert.
    const hasFields = Object.keys(err.fields).length > 0;
    // As the error middleware does: a throttled form tells clients when to come back.
    if (err instanceof ThrottledError) res.set('Retry-After', String(err.retryAfterSeconds));
    res.status(err.status).send(
      pages.render(req, page, {
        ...context,
        ...formErrors(req.body ?? {}, err.fields),
        ...(hasFields ? {} : { flash: { kind: 'error', message: err.message } }),
      }),
    );
  };
}

export function portalRoutes(deps: { pages: PageRenderer; services: PortalServices; config: Config; catalogue: Catalogues }): Router {
  const { pages, services } = deps;
  const router = Router();

  router.get('/', (req, res) => {
    if (req.account) return res.redirect(303, '/accueil');
    res.send(pages.render(req, 'home', { pageTitle: 'Accueil' }));
  });

  // Mails link here («Connexion»): the login box is on the home page.
  router.get('/connexion', (req, res) => {
    if (req.account) return res.redirect(303, '/accueil');
    res.send(pages.render(req, 'home', { pageTitle: 'Connexion' }));
  });

  router.post('/connexion', async (req, res) => {
    try {
      const { identifiant, mot_de_passe } = validate(loginSchema, req.body) as { identifiant: string; mot_de_passe: string };
      const account = await services.accounts.authenticate(req.commune, identifiant, mot_de_passe, req.ip ?? '');
      await regenerateSession(req);
      req.session.communeId = req.commune.id;
      req.session.residentId = account.id;
      csrfToken(req);
      res.redirect(303, '/accueil');
    } catch (err) {
      onFormError(pages, req, res, 'home', { pageTitle: 'Accueil' })(err);
    }
  });

  router.post('/deconnexion', async (req, res) => {
    await destroySession(req);
    res.redirect(303, '/');
  });

  router.get('/accueil', async (req, res) => {
    if (!req.account) return res.redirect(303, '/');
    const a = req.account;
    const [requests, certificates] = await Promise.all([
      services.demarches.listForResident(a),
      residentCivilStatusRows(services.civilStatus, a),
    ]);
    res.send(
      pages.render(req, 'resident/accueil', {
        pageTitle: 'Accueil',
        activeTab: 'accueil',
        account: {
          status: a.status,
          statusLabel: STATUS_LABELS[a.status],
          deadlineText: formatParisDateTime(a.validationDeadline),
          rejectionReason: a.rejectionReason,
        },
        requests: requests.map((r) => ({
          title: deps.catalogue.find(req.commune.slug, r.demarcheCode, r.demarcheVersion)?.title ?? r.demarcheCode,
          number: r.number,
          url: `/demandes/${r.number}`,
          status: r.status,
          statusLabel: isDemarcheStatus(r.status) ? REQUEST_STATUS_LABELS[r.status] : r.status,
          submittedAt: r.submittedAt,
        }))
          .concat(certificates)
          .sort((x, y) => y.submittedAt.getTime() - x.submittedAt.getTime()),
      }),
    );
  });

  router.use(signupRoutes(deps));
  router.use(passwordResetRoutes(deps));
  router.use('/compte', accountRoutes(deps));
  router.use((req, _res, next) => next(new AppError(404, 'not_found', "Cette page n'existe pas.")));
  return router;
}
