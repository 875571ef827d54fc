// «Mot de passe oublié ?»: identifier → question → answer → mailed link → new password.
import { Router } from 'express';
import { PASSWORD_RULES_TEXT } from '../../domain/password-policy';
import { AppError } from '../errors';
import { renewSession } from '../middleware/auth';
import type { PageRenderer } from '../pages';
import { onFormError, type PortalServices } from './routes';

export function passwordResetRoutes(deps: { pages: PageRenderer; services: PortalServices }): Router {
  const { pages, services } = deps;
  const router = Router();
  const title = 'Mot de passe oublié';

  router.get('/mot-de-passe-oublie', (req, res) => {
    res.send(pages.render(req, 'reset/identifiant', { pageTitle: title }));
  });
  router.post('/mot-de-passe-oublie', async (req, res) => {
    try {
      const { accountId, question } = await services.passwordReset.start(req.commune, req.body, req.ip ?? '');
      req.session.reset = { accountId, question };
      req.session.communeId = req.commune.id;
      res.redirect(303, '/mot-de-passe-oublie/question');
    } catch (err) {
      onFormError(pages, req, res, 'reset/identifiant', { pageTitle: title })(err);
    }
  });

  router.get('/mot-de-passe-oublie/question', (req, res) => {
    if (!req.session.reset) return res.redirect(303, '/mot-de-passe-oublie');
    res.send(pages.render(req, 'reset/question', { pageTitle: title, question: req.session.reset.question }));
  });
  router.post('/mot-de-passe-oublie/question', async (req, res) => {
    const pending = req.session.reset;
    if (!pending) return res.redirect(303, '/mot-de-passe-oublie');
    try {
      await services.passwordReset.answer(req.commune, pending.accountId, req.body, req.ip ?? '');
      delete req.session.reset;
      res.redirect(303, '/mot-de-passe-oublie/envoye');
    } catch (err) {
      onFormError(pages, req, res, 'reset/question', { pageTitle: title, question: pending.question })(err);
    }
  });

  router.get('/mot-de-passe-oublie/envoye', (req, res) => {
    res.send(pages.render(req, 'reset/envoye', { pageTitle: title }));
  });

  const linkPage = (token: string) => ({
    pageTitle: 'Choisir un nouveau mot de passe',
    formAction: `/mot-de-passe-oublie/nouveau/${encodeURIComponent(token)}`,
    passwordRules: PASSWORD_RULES_TEXT,
  });
  const invalidLink = (err: unknown): boolean => err instanceof AppError && err.status === 410;

  router.get('/mot-de-passe-oublie/nouveau/:token', async (req, res) => {
    try {
      await services.passwordReset.checkToken(req.commune, req.params.token, req.ip ?? '');
      res.send(pages.render(req, 'reset/nouveau', linkPage(req.params.token)));
    } catch (err) {
      if (!invalidLink(err)) throw err;
      res.status(410).send(pages.render(req, 'reset/lien-invalide', { pageTitle: 'Lien expiré' }));
    }
  });
  router.post('/mot-de-passe-oublie/nouveau/:token', async (req, res) => {
    try {
      await services.passwordReset.resetPassword(req.commune, req.params.token, req.body, req.ip ?? '');
      // Whatever this browser's session held before the new password, it starts afresh.
      await renewSession(req, 'token');
      res.redirect(303, '/mot-de-passe-oublie/termine');
    } catch (err) {
      if (invalidLink(err)) {
        return res.status(410).send(pages.render(req, 'reset/lien-invalide', { pageTitle: 'Lien expiré' }));
      }
      onFormError(pages, req, res, 'reset/nouveau', linkPage(req.params.token))(err);
    }
  });

  router.get('/mot-de-passe-oublie/termine', (req, res) => {
    res.send(pages.render(req, 'reset/termine', { pageTitle: 'Mot de passe modifié' }));
  });

  return router;
}
