// The payment providers' server callback. Its body is never trusted: it only names a payment to
// look at again (the workflow then reads the provider's answer). Unknown, foreign or finished
// payments change nothing, and the answer is the same 200 either way (it reveals nothing).
import { Router, urlencoded } from 'express';
import type { PaymentsService } from '../services/payments.service';

/** Reached by the provider's servers, without session or CSRF token (see api/app.ts). */
export const PAYMENT_NOTIFICATION_PATH = '/api/v1/paiements/notification';

export function paymentNotificationRoutes(deps: { payments: PaymentsService }): Router {
  const router = Router();
  router.post('/paiements/notification', urlencoded({ extended: false, limit: '4kb' }), async (req, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const idOp = [body.idOp, body.idop, body.idoP].find((v): v is string => typeof v === 'string' && v.length > 0 && v.length <= 64);
    if (idOp) await deps.payments.notified(req.commune, { providerRef: idOp });
    res.status(200).type('text/plain').send('OK');
  });
  return router;
}
