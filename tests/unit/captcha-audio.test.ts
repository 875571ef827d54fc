import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import {
  CAPTCHA_ALPHABET,
  CAPTCHA_LENGTH,
  generateCaptchaCode,
  normaliseCaptchaAnswer,
  SPOKEN_CHARACTERS,
} from '../../api/captcha/alphabet';
import { encodeWav, parseWav, renderCaptchaWav, VOICE_DIR, VOICE_SAMPLE_RATE } from '../../api/captcha/audio';
import { renderCaptchaSvg } from '../../api/captcha/image';

const seconds = (file: string) => {
  const wave = parseWav(readFileSync(path.join(VOICE_DIR, file)));
  return wave.samples.length / wave.sampleRate;
};

/** Speech stretches separated by at least `minGap` seconds of quieter signal (noise only). */
function speechSegments(samples: Int16Array, sampleRate: number, minGap = 0.3): Array<[number, number]> {
  const frame = Math.round(sampleRate * 0.02);
  const loud: boolean[] = [];
  for (let start = 0; start + frame <= samples.length; start += frame) {
    let power = 0;
    for (let i = start; i < start + frame; i++) power += (samples[i] / 32768) ** 2;
    loud.push(Math.sqrt(power / frame) > 0.06);
  }
  const segments: Array<[number, number]> = [];
  loud.forEach((isLoud, i) => {
    if (!isLoud) return;
    const t = i * 0.02;
    const last = segments.at(-1);
    if (last && t - last[1] < minGap) last[1] = t + 0.02;
    else segments.push([t, t + 0.02]);
  });
  return segments;
}

describe('voice samples', () => {
  it('has one mono 16-bit sample at the render rate per character of the alphabet, and nothing else', () => {
    const files = readdirSync(VOICE_DIR).filter((name) => name.endsWith('.wav')).sort();
    expect(files).toEqual([...CAPTCHA_ALPHABET, 'consigne', 'je-repete'].map((name) => `${name}.wav`).sort());
    for (const ch of CAPTCHA_ALPHABET) {
      const wave = parseWav(readFileSync(path.join(VOICE_DIR, `${ch}.wav`)));
      expect({ ch, rate: wave.sampleRate, channels: wave.channels, bits: wave.bitsPerSample }).toEqual({
        ch,
        rate: VOICE_SAMPLE_RATE,
        channels: 1,
        bits: 16,
      });
      // A spoken letter name, not an empty or runaway file.
      expect(wave.samples.length / wave.sampleRate).toBeGreaterThan(0.1);
      expect(wave.samples.length / wave.sampleRate).toBeLessThan(1);
      expect(SPOKEN_CHARACTERS[ch]).toBeTruthy();
    }
  });

  it('stays small enough to commit', () => {
    const total = readdirSync(VOICE_DIR)
      .filter((name) => name.endsWith('.wav'))
      .reduce((sum, name) => sum + readFileSync(path.join(VOICE_DIR, name)).length, 0);
    expect(total).toBeLessThan(300 * 1024);
  });
});

describe('renderCaptchaWav', () => {
  it('writes a RIFF/WAVE header that reads back as mono 16-bit PCM', () => {
    const wav = renderCaptchaWav('A2FH9', { seed: 'header' });
    expect(wav.toString('ascii', 0, 4)).toBe('RIFF');
    expect(wav.readUInt32LE(4)).toBe(wav.length - 8);
    expect(wav.toString('ascii', 8, 16)).toBe('WAVEfmt ');
    expect(wav.readUInt16LE(20)).toBe(1);
    expect(wav.readUInt32LE(28)).toBe(VOICE_SAMPLE_RATE * 2);
    expect(wav.readUInt16LE(32)).toBe(2);
    expect(wav.toString('ascii', 36, 40)).toBe('data');
    expect(wav.readUInt32LE(40)).toBe(wav.length - 44);
    const wave = parseWav(wav);
    expect(wave).toMatchObject({ sampleRate: VOICE_SAMPLE_RATE, channels: 1, bitsPerSample: 16 });
    expect(wave.samples.length).toBe((wav.length - 44) / 2);
  });

  it('lasts as long as the instructions plus the code said twice with gaps', () => {
    const code = 'Y9H4M';
    const { samples } = parseWav(renderCaptchaWav(code, { seed: 'duration' }));
    const duration = samples.length / VOICE_SAMPLE_RATE;
    const spoken = [...code].reduce((sum, ch) => sum + seconds(`${ch}.wav`), 0);
    const prompts = seconds('consigne.wav') + seconds('je-repete.wav');
    // Each character is stretched by 0.92–1.08 and followed by a 0.5–0.7 s gap; 3.1 s of fixed pauses.
    expect(duration).toBeGreaterThan(prompts + 2 * (0.92 * spoken + 4 * 0.5) + 3.1 - 0.01);
    expect(duration).toBeLessThan(prompts + 2 * (1.08 * spoken + 4 * 0.7) + 3.1 + 0.01);
    expect(duration).toBeGreaterThan(8);
    expect(duration).toBeLessThan(20);
  });

  it('says the instructions, the five characters, «je répète» and the five characters, each apart', () => {
    for (const code of ['23456', '789AF', 'HJLMP', 'RUY2A']) {
      for (const seed of ['a', 'b', 'c']) {
        const wave = parseWav(renderCaptchaWav(code, { seed }));
        const segments = speechSegments(wave.samples, wave.sampleRate);
        const expected = 1 + CAPTCHA_LENGTH + 1 + CAPTCHA_LENGTH;
        expect({ code, seed, count: segments.length }).toEqual({ code, seed, count: expected });
      }
    }
  });

  it('keeps the noise audible but well below the speech', () => {
    const { samples } = parseWav(renderCaptchaWav('PPPPP', { seed: 'noise' }));
    // The first 0.25 s is silence before the instructions: only noise there.
    const lead = samples.subarray(0, Math.round(0.25 * VOICE_SAMPLE_RATE));
    const rms = Math.sqrt(lead.reduce((sum, s) => sum + (s / 32768) ** 2, 0) / lead.length);
    expect(rms).toBeGreaterThan(0.01);
    expect(rms).toBeLessThan(0.03);
    const peak = samples.reduce((max, s) => Math.max(max, Math.abs(s)), 0) / 32768;
    expect(peak).toBeGreaterThan(0.5);
  });

  it('gives different audio for different codes, and for the same code with another seed', () => {
    const a = renderCaptchaWav('A2FH9', { seed: 's' });
    expect(renderCaptchaWav('A2FH8', { seed: 's' }).equals(a)).toBe(false);
    expect(renderCaptchaWav('A2FH9', { seed: 't' }).equals(a)).toBe(false);
    expect(renderCaptchaWav('A2FH9').equals(renderCaptchaWav('A2FH9'))).toBe(false);
  });

  it('gives the same bytes for the same seed (media range requests)', () => {
    const first = renderCaptchaWav('LMPRU', { seed: 'same' });
    expect(renderCaptchaWav('LMPRU', { seed: 'same' }).equals(first)).toBe(true);
  });

  it('does not contain any voice sample verbatim', () => {
    const { samples } = parseWav(renderCaptchaWav('JJJJJ', { seed: 'verbatim' }));
    const sample = parseWav(readFileSync(path.join(VOICE_DIR, 'J.wav'))).samples;
    const needle = Buffer.from(sample.buffer, sample.byteOffset + 200, 64);
    expect(Buffer.from(samples.buffer).includes(needle)).toBe(false);
  });

  it('refuses a character outside the alphabet', () => {
    expect(() => renderCaptchaWav('A2FO9')).toThrow('« O »');
  });
});

describe('parseWav', () => {
  it('skips extra chunks and rejects files that are not PCM WAV', () => {
    const plain = encodeWav(Int16Array.from([1, -2, 3]), 8000);
    const list = Buffer.concat([Buffer.from('LIST'), Buffer.from([3, 0, 0, 0]), Buffer.from('abc\0')]);
    const withList = Buffer.concat([plain.subarray(0, 36), list, plain.subarray(36)]);
    expect(Array.from(parseWav(withList).samples)).toEqual([1, -2, 3]);
    expect(() => parseWav(Buffer.from('not a wav file at all'))).toThrow('RIFF');
    expect(() => parseWav(plain.subarray(0, 36))).toThrow('data');
  });
});

describe('code', () => {
  it('draws five characters from the alphabet, all of them eventually', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 400; i++) {
      const code = generateCaptchaCode();
      expect(code).toMatch(new RegExp(`^[${CAPTCHA_ALPHABET}]{${CAPTCHA_LENGTH}}$`));
      for (const ch of code) seen.add(ch);
    }
    expect(seen.size).toBe(CAPTCHA_ALPHABET.length);
  });

  it('leaves out characters that look or sound alike', () => {
    for (const ch of '01IOQDBSZGTVWNKXCE') expect(CAPTCHA_ALPHABET).not.toContain(ch);
  });

  it('accepts the answer in lower case and with spaces', () => {
    expect(normaliseCaptchaAnswer(' a2 fh9\t')).toBe('A2FH9');
  });
});

describe('renderCaptchaSvg', () => {
  it('draws the five glyphs and noise lines on a white 200×70 image, differently each time', () => {
    const svg = renderCaptchaSvg('A2FH9');
    expect(svg).toMatch(/^<svg [^>]*width="200" height="70"/);
    expect(svg).toContain('<rect width="100%" height="100%" fill="#ffffff"/>');
    const glyph = /<path fill="#[0-4]{3}" d="M[^"]+" transform="translate\(0 -?\d+\) rotate\(/g;
    expect(svg.match(glyph)).toHaveLength(5);
    expect(svg.match(/stroke="#[0-9a-f]{3}" fill="none"/g)?.length).toBeGreaterThanOrEqual(3);
    expect(svg).not.toContain('A2FH9');
    expect(renderCaptchaSvg('A2FH9')).not.toBe(svg);
  });
});
