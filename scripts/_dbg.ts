import { launchBrowser } from '../tests/support/browser';
(async () => {
  const b = await launchBrowser();
  const ctx = await b.newContext({ viewport: { width: 1280, height: 800 } });
  const p = await ctx.newPage();
  for (const n of ['home-erreurs', 'signup-foyer-erreurs', 'signup-validation', 'compte', 'agent-compte-erreurs', 'boite-mail', 'accueil-valide', 'agent-comptes']) {
    await p.goto(`file:///work/main/tests/.artifacts/preview/${n}.html`);
    await p.screenshot({ path: `tests/.artifacts/screens/${n}.png`, fullPage: true });
  }
  const m = await (await b.newContext({ viewport: { width: 390, height: 800 } })).newPage();
  await m.goto('file:///work/main/tests/.artifacts/preview/signup-coordonnees-erreurs.html');
  await m.screenshot({ path: 'tests/.artifacts/screens/mobile-coordonnees.png', fullPage: true });
  await m.goto('file:///work/main/tests/.artifacts/preview/home.html');
  await m.keyboard.press('Tab');
  await m.screenshot({ path: 'tests/.artifacts/screens/mobile-skip.png' });
  await b.close();
})();
