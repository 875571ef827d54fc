// Development only (no SMTP server configured): every mail and SMS the portal «sends» is
// readable here, so a new user can read the identifier mail without any mail setup.
import { Router } from 'express';
import { formatParisDateTime } from '../../domain/dates';
import { NotFoundError } from '../errors';
import type { PageRenderer } from '../pages';
import type { Outbox } from '../../notify/outbox';

export function devMailboxRoutes(deps: { pages: PageRenderer; outbox: Outbox }): Router {
  const router = Router();

  router.get('/boite-mail', async (req, res) => {
    const rows = await deps.outbox.listDevMailbox(100);
    res.send(
      deps.pages.render(req, 'dev/boite-mail', {
        pageTitle: 'Boîte mail de développement',
        messages: rows.map((m) => ({
          id: m.id,
          channel: m.channel,
          channelLabel: m.channel === 'sms' ? 'SMS' : 'Courriel',
          to: m.recipient,
          subject: m.subject ?? 'SMS',
          createdText: formatParisDateTime(m.createdAt),
          bodyText: m.bodyText,
          htmlUrl: m.bodyHtml ? `/dev/boite-mail/${m.id}.html` : null,
        })),
      }),
    );
  });

  // The HTML version as the resident's mail client would show it (sandboxed: no script runs).
  router.get('/boite-mail/:id.html', async (req, res) => {
    const rows = await deps.outbox.listDevMailbox(500);
    const row = rows.find((m) => String(m.id) === req.params.id);
    if (!row?.bodyHtml) throw new NotFoundError("Ce message n'existe pas.");
    res.set('Content-Security-Policy', "sandbox; default-src 'none'; style-src 'unsafe-inline'; img-src data:");
    res.type('html').send(row.bodyHtml);
  });

  return router;
}
