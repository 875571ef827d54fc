// Audio version of the «cryptogramme» (RGAA 1.5: a non-graphic alternative to the image).
// Built from pre-recorded French samples (api/captcha/voice/, made by scripts/generate-captcha-voice.ts)
// so no speech engine or outside service is needed at run time.
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { CAPTCHA_ALPHABET, SPOKEN_PROMPTS } from './alphabet';
import { PROJECT_ROOT } from '../../config';

export const VOICE_SAMPLE_RATE = 16000;

/** Located from the project root so that compiled code (dist/) finds the same committed files. */
export const VOICE_DIR = path.join(PROJECT_ROOT, 'api', 'captcha', 'voice');

export interface PcmWave {
  sampleRate: number;
  channels: number;
  bitsPerSample: number;
  /** Interleaved 16-bit samples. */
  samples: Int16Array;
}

export interface RenderOptions {
  /**
   * Same seed, same bytes. Browsers fetch media in byte ranges (Safari insists on it), so one
   * challenge must always give the same file; a fresh noise per request would also let a bot
   * average the noise away. Default: a random seed.
   */
  seed?: string | Buffer;
}

const SPEECH_PEAK = 0.85;
/** Noise level (RMS, fraction of full scale): about 20 dB below the speech, clearly audible over it. */
const NOISE_RMS = { min: 0.015, max: 0.025 };
/** Each character is slightly slower or faster (and so lower or higher): no exact sample to match. */
const STRETCH = { min: 0.92, max: 1.08 };
const CHARACTER_GAP_SECONDS = { min: 0.5, max: 0.7 };
const CHARACTER_GAIN = { min: 0.75, max: 1 };

interface Voice {
  characters: Map<string, Float32Array>;
  consigne: Float32Array;
  jeRepete: Float32Array;
}

let voice: Voice | undefined;

/** WAV file of the code: instructions, the characters, «Je répète.», the characters again. */
export function renderCaptchaWav(code: string, options: RenderOptions = {}): Buffer {
  const { characters, consigne, jeRepete } = loadVoice();
  const letters = [...code.toUpperCase()].map((ch) => {
    const sample = characters.get(ch);
    if (!sample) throw new Error(`Caractère hors de l'alphabet du cryptogramme : « ${ch} »`);
    return sample;
  });
  const random = seededRandom(options.seed ?? randomBytes(16));
  const between = (range: { min: number; max: number }) => range.min + (range.max - range.min) * random();
  const silence = (seconds: number) => new Float32Array(Math.round(seconds * VOICE_SAMPLE_RATE));
  const spell = () =>
    letters.flatMap((sample, i) => [
      ...(i > 0 ? [silence(between(CHARACTER_GAP_SECONDS))] : []),
      scale(stretch(sample, between(STRETCH)), between(CHARACTER_GAIN)),
    ]);

  const parts = [
    ...[silence(0.3), consigne, silence(0.7), ...spell()],
    ...[silence(1), jeRepete, silence(0.7), ...spell(), silence(0.4)],
  ];
  const mix = new Float32Array(parts.reduce((sum, part) => sum + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    mix.set(part, offset);
    offset += part.length;
  }
  addNoise(mix, between(NOISE_RMS), random);
  return encodeWav(toPcm16(mix), VOICE_SAMPLE_RATE);
}

/** Mono 16-bit PCM in a canonical 44-byte RIFF/WAVE header. */
export function encodeWav(samples: Int16Array, sampleRate: number): Buffer {
  const dataSize = samples.length * 2;
  const wav = Buffer.alloc(44 + dataSize);
  wav.write('RIFF', 0, 'ascii');
  wav.writeUInt32LE(36 + dataSize, 4);
  wav.write('WAVE', 8, 'ascii');
  wav.write('fmt ', 12, 'ascii');
  wav.writeUInt32LE(16, 16);
  wav.writeUInt16LE(1, 20); // PCM
  wav.writeUInt16LE(1, 22); // mono
  wav.writeUInt32LE(sampleRate, 24);
  wav.writeUInt32LE(sampleRate * 2, 28); // byte rate
  wav.writeUInt16LE(2, 32); // block align
  wav.writeUInt16LE(16, 34); // bits per sample
  wav.write('data', 36, 'ascii');
  wav.writeUInt32LE(dataSize, 40);
  for (let i = 0; i < samples.length; i++) wav.writeInt16LE(samples[i], 44 + i * 2);
  return wav;
}

/** Reads a 16-bit PCM WAV file, walking its chunks (sox or other tools may add LIST chunks). */
export function parseWav(file: Buffer): PcmWave {
  const riff = file.length >= 12 && file.toString('ascii', 0, 4) === 'RIFF';
  if (!riff || file.toString('ascii', 8, 12) !== 'WAVE') {
    throw new Error('Fichier WAV invalide : en-tête RIFF/WAVE absent.');
  }
  let format: Omit<PcmWave, 'samples'> | undefined;
  let offset = 12;
  while (offset + 8 <= file.length) {
    const id = file.toString('ascii', offset, offset + 4);
    const size = file.readUInt32LE(offset + 4);
    const body = offset + 8;
    if (body + size > file.length) throw new Error(`Fichier WAV invalide : bloc « ${id} » tronqué.`);
    if (id === 'fmt ') {
      const audioFormat = file.readUInt16LE(body);
      if (audioFormat !== 1) throw new Error(`Fichier WAV non PCM (format ${audioFormat}).`);
      format = {
        channels: file.readUInt16LE(body + 2),
        sampleRate: file.readUInt32LE(body + 4),
        bitsPerSample: file.readUInt16LE(body + 14),
      };
      if (format.bitsPerSample !== 16) {
        throw new Error(`Fichier WAV en ${format.bitsPerSample} bits : 16 attendus.`);
      }
    } else if (id === 'data') {
      if (!format) throw new Error('Fichier WAV invalide : bloc « data » avant « fmt ».');
      const samples = new Int16Array(size >> 1);
      for (let i = 0; i < samples.length; i++) samples[i] = file.readInt16LE(body + i * 2);
      return { ...format, samples };
    }
    offset = body + size + (size & 1); // chunks are padded to an even length
  }
  throw new Error('Fichier WAV invalide : bloc « data » absent.');
}

/** Small, fast generator (sfc32) seeded from a hash: reproducible noise without Math.random. */
export function seededRandom(seed: string | Buffer): () => number {
  const digest = createHash('sha256').update(seed).digest();
  let a = digest.readUInt32LE(0);
  let b = digest.readUInt32LE(4);
  let c = digest.readUInt32LE(8);
  let d = digest.readUInt32LE(12);
  return () => {
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return (t >>> 0) / 4294967296;
  };
}

function loadVoice(): Voice {
  if (voice) return voice;
  const read = (name: string): Float32Array => {
    const file = path.join(VOICE_DIR, `${name}.wav`);
    const wave = parseWav(readFileSync(file));
    if (wave.sampleRate !== VOICE_SAMPLE_RATE || wave.channels !== 1) {
      throw new Error(
        `${file} : ${wave.sampleRate} Hz, ${wave.channels} canal(aux) ; ` +
          `attendu ${VOICE_SAMPLE_RATE} Hz mono (relancer scripts/generate-captcha-voice.ts).`,
      );
    }
    return Float32Array.from(wave.samples, (s) => s / 32768);
  };
  voice = {
    characters: new Map([...CAPTCHA_ALPHABET].map((ch) => [ch, read(ch)])),
    consigne: read('consigne' satisfies keyof typeof SPOKEN_PROMPTS),
    jeRepete: read('je-repete' satisfies keyof typeof SPOKEN_PROMPTS),
  };
  return voice;
}

/** Resamples by linear interpolation: factor > 1 makes the sample longer and lower. */
function stretch(sample: Float32Array, factor: number): Float32Array {
  const out = new Float32Array(Math.max(1, Math.round(sample.length * factor)));
  for (let i = 0; i < out.length; i++) {
    const position = i / factor;
    const left = Math.floor(position);
    const right = Math.min(left + 1, sample.length - 1);
    const weight = position - left;
    out[i] = (sample[Math.min(left, sample.length - 1)] ?? 0) * (1 - weight) + (sample[right] ?? 0) * weight;
  }
  return out;
}

function scale(sample: Float32Array, gain: number): Float32Array {
  const out = new Float32Array(sample.length);
  for (let i = 0; i < sample.length; i++) out[i] = sample[i] * gain * SPEECH_PEAK;
  return out;
}

/** Adds a soft hiss (low-passed white noise) at the given RMS level over the whole recording. */
function addNoise(mix: Float32Array, rms: number, random: () => number): void {
  const noise = new Float32Array(mix.length);
  let filtered = 0;
  let power = 0;
  for (let i = 0; i < noise.length; i++) {
    filtered += 0.35 * (random() * 2 - 1 - filtered);
    noise[i] = filtered;
    power += filtered * filtered;
  }
  const gain = noise.length > 0 && power > 0 ? rms / Math.sqrt(power / noise.length) : 0;
  for (let i = 0; i < mix.length; i++) mix[i] += noise[i] * gain;
}

function toPcm16(mix: Float32Array): Int16Array {
  const pcm = new Int16Array(mix.length);
  for (let i = 0; i < mix.length; i++) pcm[i] = Math.max(-32768, Math.min(32767, Math.round(mix[i] * 32767)));
  return pcm;
}

