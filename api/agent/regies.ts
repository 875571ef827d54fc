// «Régie» settings in the back office, for the commune's administrator only: provider and PayFiP
// settings, and a new API key for the billing software (shown once on the answer page, never stored).
import { Router, type NextFunction, type Request, type Response } from 'express';
import type { Regie } from '../../db/entities';
import { ForbiddenError } from '../errors';
import type { PageRenderer } from '../pages';
import { onFormError } from '../portal/routes';
import { PAYFIP_MODES, type RegieSettingsService } from '../services/regies.service';

export function agentRegieRoutes(deps: { pages: PageRenderer; regies: RegieSettingsService }): Router {
  const { pages, regies } = deps;
  const router = Router();

  router.use((req: Request, _res: Response, next: NextFunction) => {
    if (req.agent?.role !== 'admin') return next(new ForbiddenError('Seul l’administrateur de la commune peut régler les régies.'));
    next();
  });

  const context = (regie: Regie, values?: Record<string, unknown>) => ({
    pageTitle: `Régie ${regie.name}`,
    activeTab: 'factures',
    regie: { name: regie.name, code: regie.code, services: regie.services.join(', '), hasKey: regie.apiKeyHash !== null },
    providerOptions: [
      { value: 'payfip', label: 'PayFiP (DGFiP)' },
      ...(regies.sandboxAllowed ? [{ value: 'sandbox', label: 'Bac à sable (développement et tests)' }] : []),
    ],
    modeOptions: Object.entries(PAYFIP_MODES).map(([value, label]) => ({ value, label })),
    values: values ?? { prestataire: regie.provider, numcli: regie.payfipNumcli ?? '', mode: regie.payfipMode ?? '' },
  });

  router.get('/:code', async (req, res) => {
    const regie = await regies.get(req.commune, String(req.params.code));
    res.send(pages.render(req, 'agent/regie', context(regie)));
  });

  router.post('/:code', async (req, res) => {
    const regie = await regies.get(req.commune, String(req.params.code));
    const body = (req.body ?? {}) as Record<string, unknown>;
    try {
      await regies.update(req.commune, regie.code, { provider: body.prestataire, numcli: body.numcli, mode: body.mode });
      req.session.flash = { kind: 'success', message: `Les réglages de la régie ${regie.name} sont enregistrés.` };
      res.redirect(303, `/agent/regies/${regie.code}`);
    } catch (err) {
      onFormError(pages, req, res, 'agent/regie', context(regie, body))(err);
    }
  });

  router.post('/:code/cle', async (req, res) => {
    const key = await regies.rotateApiKey(req.commune, String(req.params.code));
    const regie = await regies.get(req.commune, String(req.params.code));
    // Answered directly (no redirect): the key is shown on this page only, never kept in the session.
    res.set('Cache-Control', 'no-store');
    res.send(pages.render(req, 'agent/regie', { ...context(regie), newKey: key }));
  });

  return router;
}
