// The back office («Espace agents») for account validation, apart from residents at /agent.
import { Router, type Request } from 'express';
import type { AccountHistory, Agent } from '../../db/entities';
import { formatParisDateTime } from '../../domain/dates';
import { AppError } from '../errors';
import { destroySession, regenerateSession, requireAgent } from '../middleware/auth';
import { csrfToken } from '../middleware/csrf';
import type { PageRenderer } from '../pages';
import { loginSchema } from '../validation/account';
import { validate } from '../validation/french-joi';
import { onFormError, type PortalServices } from '../portal/routes';
import { accountDetailsView, householdView, STATUS_LABELS } from '../view-models';
import type { RequestsService } from '../services/requests.service';
import { agentDemarcheRoutes } from './demarches';
import { agentRegieRoutes } from './regies';
import type { RegieSettingsService } from '../services/regies.service';
import { agentCivilStatusRoutes } from './civil-status';
import type { CivilStatusService } from '../services/civil-status.service';
import { agentInvoiceRoutes } from './invoices';
import type { InvoiceImportService } from '../services/invoice-import.service';

function actorLabel(actor: string): string {
  if (actor === 'resident') return "L'usager";
  if (actor === 'system') return 'Automatique';
  return actor.startsWith('agent:') ? `Agent n° ${actor.slice(6)}` : actor;
}

export function agentRoutes(deps: { pages: PageRenderer; services: PortalServices & { requests: RequestsService; civilStatus: CivilStatusService; invoiceImport: InvoiceImportService; regies: RegieSettingsService } }): Router {
  const { pages, services } = deps;
  const router = Router();
  const loginPage = { pageTitle: 'Espace agents — connexion' };

  router.get('/connexion', (req, res) => {
    if (req.agent && req.agent.communeId === req.commune.id) return res.redirect(303, '/agent');
    res.send(pages.render(req, 'agent/connexion', loginPage));
  });
  router.post('/connexion', async (req, res) => {
    try {
      const { identifiant, mot_de_passe } = validate(loginSchema, req.body) as { identifiant: string; mot_de_passe: string };
      const agent = await services.agents.authenticate(req.commune, identifiant, mot_de_passe, req.ip ?? '');
      await regenerateSession(req);
      req.session.communeId = req.commune.id;
      req.session.agentId = agent.id;
      csrfToken(req);
      res.redirect(303, '/agent');
    } catch (err) {
      onFormError(pages, req, res, 'agent/connexion', loginPage)(err);
    }
  });

  router.use((req, res, next) => {
    if (req.method === 'GET' && (!req.agent || req.agent.communeId !== req.commune.id)) {
      return res.redirect(303, '/agent/connexion');
    }
    requireAgent(req, res, next);
  });

  router.use('/demandes', agentDemarcheRoutes({ pages, requests: services.requests }));
  router.use('/actes', agentCivilStatusRoutes({ pages, civilStatus: services.civilStatus }));
  router.use('/factures', agentInvoiceRoutes({ pages, invoiceImport: services.invoiceImport }));
  router.use('/regies', agentRegieRoutes({ pages, regies: services.regies }));

  router.post('/deconnexion', async (req, res) => {
    await destroySession(req);
    res.redirect(303, '/agent/connexion');
  });

  router.get('/', async (req, res) => {
    const pending = await services.agents.listPendingAccounts(req.agent as Agent);
    res.send(
      pages.render(req, 'agent/comptes', {
        pageTitle: 'Comptes à valider',
        accounts: pending.map(({ account, overdue }) => ({
          id: account.id,
          url: `/agent/comptes/${account.id}`,
          nom: account.lastName,
          prenom: account.firstName,
          identifier: account.identifier,
          email: account.email,
          createdText: formatParisDateTime(account.createdAt),
          deadlineText: formatParisDateTime(account.validationDeadline),
          overdue,
        })),
      }),
    );
  });

  async function accountPage(req: Request, accountId: number) {
    const { account, history, overdue } = await services.agents.getAccount(req.agent as Agent, accountId);
    const members = await services.accounts.listMembers(account.id);
    return {
      pageTitle: `Compte de ${account.firstName} ${account.lastName}`,
      account: { ...accountDetailsView(account), overdue },
      ...householdView(members),
      history: history.map((h: AccountHistory) => ({
        atText: formatParisDateTime(h.at),
        fromLabel: h.fromStatus ? STATUS_LABELS[h.fromStatus] : '—',
        toLabel: STATUS_LABELS[h.toStatus] ?? h.toStatus,
        actor: actorLabel(h.actor),
        reason: h.reason,
      })),
      canDecide: account.status === 'pending',
      validateUrl: `/agent/comptes/${account.id}/valider`,
      rejectUrl: `/agent/comptes/${account.id}/rejeter`,
    };
  }

  router.get('/comptes/:id', async (req, res) => {
    res.send(pages.render(req, 'agent/compte', await accountPage(req, Number(req.params.id))));
  });

  router.post('/comptes/:id/valider', async (req, res) => {
    const id = Number(req.params.id);
    try {
      await services.agents.validateAccount(req.agent as Agent, req.commune, id);
      req.session.flash = { kind: 'success', message: 'Le compte a été validé ; l’usager en est informé.' };
      res.redirect(303, '/agent');
    } catch (err) {
      if (!(err instanceof AppError) || err.status !== 409) throw err;
      onFormError(pages, req, res, 'agent/compte', await accountPage(req, id))(err);
    }
  });

  router.post('/comptes/:id/rejeter', async (req, res) => {
    const id = Number(req.params.id);
    try {
      await services.agents.rejectAccount(req.agent as Agent, req.commune, id, req.body);
      req.session.flash = { kind: 'success', message: 'Le compte a été rejeté ; l’usager en est informé avec le motif.' };
      res.redirect(303, '/agent');
    } catch (err) {
      if (!(err instanceof AppError) || (err.status !== 409 && err.status !== 422)) throw err;
      onFormError(pages, req, res, 'agent/compte', await accountPage(req, id))(err);
    }
  });

  return router;
}
