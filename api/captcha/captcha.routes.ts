// HTTP side of the «cryptogramme»: serves the image and the audio of a challenge; the pages link to them.
import { Router, type Response } from 'express';
import type { CaptchaService } from './captcha.service';

/** Set on image responses in test mode only, so browser tests can read the answer. */
export const TEST_ANSWER_HEADER = 'X-Captcha-Test-Answer';

const NOT_FOUND_MESSAGE =
  'Ce cryptogramme n’existe pas, a expiré ou a déjà été utilisé. ' +
  'Rechargez la page pour en obtenir un nouveau.';

/** GET /captcha/<id>.svg and /captcha/<id>.wav. */
export function captchaRoutes(service: CaptchaService): Router {
  const router = Router();

  router.get('/captcha/:id.svg', async (req, res) => {
    const svg = await service.image(req.params.id);
    if (svg === null) {
      notFound(res);
      return;
    }
    if (service.testMode) res.set(TEST_ANSWER_HEADER, (await service.testAnswerFor(req.params.id)) ?? '');
    res.status(200).type('image/svg+xml').set('Cache-Control', 'no-store').send(svg);
  });

  router.get('/captcha/:id.wav', async (req, res) => {
    const wav = await service.audio(req.params.id);
    if (wav === null) {
      notFound(res);
      return;
    }
    res.type('audio/wav').set({ 'Cache-Control': 'no-store', 'Accept-Ranges': 'bytes' });
    // Audio players (Safari in particular, so VoiceOver users on iPhone) fetch media by byte ranges.
    const ranges = req.range(wav.length, { combine: true });
    if (ranges === -1) {
      res.status(416).set('Content-Range', `bytes */${wav.length}`).end();
      return;
    }
    if (Array.isArray(ranges) && ranges.type === 'bytes' && ranges.length === 1) {
      const { start, end } = ranges[0];
      res.status(206).set('Content-Range', `bytes ${start}-${end}/${wav.length}`);
      res.send(wav.subarray(start, end + 1));
      return;
    }
    res.status(200).send(wav);
  });

  return router;
}

function notFound(res: Response): void {
  res.status(404).type('text/plain; charset=utf-8').set('Cache-Control', 'no-store').send(NOT_FOUND_MESSAGE);
}
