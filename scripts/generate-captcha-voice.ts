// One-off: rebuilds the committed voice samples of the audio «cryptogramme» (api/captcha/voice/).
// Needs espeak-ng and sox on the machine running it; the portal itself only reads the WAV files,
// so residents' audio never depends on a speech engine or a third-party service.
//   npx tsx scripts/generate-captcha-voice.ts
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CAPTCHA_ALPHABET, SPOKEN_CHARACTERS, SPOKEN_PROMPTS } from '../api/captcha/alphabet';
import { VOICE_DIR, VOICE_SAMPLE_RATE } from '../api/captcha/audio';

const ESPEAK_ARGS = ['-v', 'fr', '-s', '130'];
/** Below this level (fraction of full scale) espeak's output counts as silence and is trimmed. */
const SILENCE_THRESHOLD = '0.5%';

function requireTool(command: string): void {
  try {
    execFileSync(command, ['--version'], { stdio: 'ignore' });
  } catch {
    throw new Error(`« ${command} » introuvable : pour régénérer les voix, apt-get install espeak-ng sox.`);
  }
}

function synthesise(text: string, target: string, workDir: string): void {
  const raw = path.join(workDir, 'raw.wav');
  execFileSync('espeak-ng', [...ESPEAK_ARGS, '-w', raw, text], { stdio: ['ignore', 'ignore', 'inherit'] });
  execFileSync('sox', [
    // No dither: the same input gives byte-identical files, so a rerun shows no spurious git diff.
    '-D', raw,
    '-b', '16', '-c', '1', '-e', 'signed-integer', target,
    // Trim the silence espeak leaves around words (the gaps are the renderer's job), then fade in and
    // out briefly so that no click is heard where a sample meets a gap. The end is trimmed and faded
    // on the reversed audio because sox does not know the length of a trimmed stream.
    'silence', '1', '0.01', SILENCE_THRESHOLD, 'fade', 'h', '0.005',
    'reverse', 'silence', '1', '0.01', SILENCE_THRESHOLD, 'fade', 'h', '0.02', 'reverse',
    'rate', String(VOICE_SAMPLE_RATE),
    // Same peak level for every sample, with head-room for the noise mixed in at render time.
    'norm', '-3',
  ], { stdio: ['ignore', 'ignore', 'inherit'] });
}

function main(): void {
  requireTool('espeak-ng');
  requireTool('sox');
  const workDir = mkdtempSync(path.join(tmpdir(), 'captcha-voice-'));
  const fresh = path.join(workDir, 'voice');
  mkdirSync(fresh);
  try {
    const outputs: Array<[string, string]> = [
      ...[...CAPTCHA_ALPHABET].map((ch): [string, string] => [ch, SPOKEN_CHARACTERS[ch]]),
      ...Object.entries(SPOKEN_PROMPTS),
    ];
    let total = 0;
    for (const [name, text] of outputs) {
      if (!text) throw new Error(`Aucun texte à prononcer pour « ${name} » (SPOKEN_CHARACTERS).`);
      const target = path.join(fresh, `${name}.wav`);
      synthesise(text, target, workDir);
      const size = statSync(target).size;
      total += size;
      console.log(`${name.padEnd(10)} « ${text} » → ${size} octets`);
    }
    // Replaced only once every file is made, and a character dropped from the alphabet loses its file.
    for (const file of readdirSync(VOICE_DIR).filter((name) => name.endsWith('.wav'))) {
      rmSync(path.join(VOICE_DIR, file));
    }
    for (const file of readdirSync(fresh)) copyFileSync(path.join(fresh, file), path.join(VOICE_DIR, file));
    console.log(`${outputs.length} fichiers, ${total} octets au total, dans ${VOICE_DIR}`);
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }
}

try {
  main();
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
}
