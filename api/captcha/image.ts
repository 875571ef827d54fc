// Distorted-characters image of the «cryptogramme», drawn with svg-captcha's renderer for a given
// text (the code is chosen and stored by the service, not by the library).
import { randomInt } from 'node:crypto';
import svgCaptcha from 'svg-captcha';

export const CAPTCHA_IMAGE_WIDTH = 200;
export const CAPTCHA_IMAGE_HEIGHT = 70;

type RenderText = (text: string, options: svgCaptcha.ConfigObject) => string;
/** The library's default export renders a given text; its type declarations omit it. */
const renderText = svgCaptcha as unknown as RenderText;

const MAX_TILT_DEGREES = 14;
const MAX_SHIFT_PX = 6;

/**
 * Dark grey glyphs (svg-captcha's black-and-white mode: #000 to #444) on a white background keep a
 * contrast above 9:1; the background is added here because passing `background` to svg-captcha
 * switches it to random, often pale, colours.
 */
export function renderCaptchaSvg(code: string): string {
  const svg = renderText(code, {
    width: CAPTCHA_IMAGE_WIDTH,
    height: CAPTCHA_IMAGE_HEIGHT,
    fontSize: 58,
    noise: 4,
    color: false,
  });
  return svg
    .replace(/^(<svg[^>]*>)/, '$1<rect width="100%" height="100%" fill="#ffffff"/>')
    .replace(/<path fill="(#[0-9a-f]{3,6})" d="([^"]+)"\/>/g, (_all, fill: string, d: string) => {
      return `<path fill="${fill}" d="${d}" transform="${randomTilt(d)}"/>`;
    });
}

/** Tilts and shifts one glyph around its own centre: svg-captcha alone only jitters the outline. */
function randomTilt(pathData: string): string {
  const numbers = (pathData.match(/-?\d+(?:\.\d+)?/g) ?? []).map(Number);
  const xs = numbers.filter((_n, i) => i % 2 === 0);
  const ys = numbers.filter((_n, i) => i % 2 === 1);
  const cx = (Math.min(...xs) + Math.max(...xs)) / 2;
  const cy = (Math.min(...ys) + Math.max(...ys)) / 2;
  const angle = randomInt(-MAX_TILT_DEGREES, MAX_TILT_DEGREES + 1);
  const dy = randomInt(-MAX_SHIFT_PX, MAX_SHIFT_PX + 1);
  return `translate(0 ${dy}) rotate(${angle} ${cx.toFixed(1)} ${cy.toFixed(1)})`;
}
