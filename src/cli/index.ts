/**
 * The voipkit command line (bin/voipkit.js).  Each command lives in its own
 * module; this file wires them to commander and turns every failure into
 * one line on stderr and a non-zero exit status, never a stack trace.
 */
import { Command, CommanderError } from 'commander';
import { VoipKitError } from '../errors.js';
import { sim } from './sim.js';

export function program(print: (s: string) => void = (s) => process.stdout.write(s + '\n')): Command {
  const p = new Command('voipkit')
    .description('VoIP media toolkit: simulation and diagnostics')
    .exitOverride()
    .configureOutput({ writeErr: () => {}, writeOut: (s) => process.stdout.write(s) })
    .showHelpAfterError(false);
  p.command('sim')
    .description('replay a network trace through the jitter buffer and report delay, loss and the E-model R')
    .option('--trace <file.csv>', 'trace: seq,rtp_timestamp,send_ms,arrival_ms (default: a built-in 60 s trace)')
    .option('--codec <pcmu|pcma>', 'G.711 law of the replayed packets', 'pcmu')
    .option('--playout-log <out.csv>', 'write seq,play_ms per sent packet, in trace order')
    .option('--report <out.json>', 'write the report as JSON')
    .option('--out <out.wav>', 'write the played audio (8 kHz mono WAV)')
    .option('--input <in.wav>', 'audio to send: 8 kHz 16-bit WAV (default: a built-in speech-like signal)')
    .option('--json', 'print the report as JSON instead of text')
    .action(async (opts) => {
      await sim(opts, print);
    });
  return p;
}

/** Run the CLI; resolves to the exit status. */
export async function main(argv: string[]): Promise<number> {
  const p = program();
  try {
    await p.parseAsync(argv);
    return 0;
  } catch (e) {
    if (e instanceof CommanderError) {
      if (e.exitCode === 0) return 0; // --help, --version
      if (e.code === 'commander.help') {
        // no command given: the usage, on stderr
        process.stderr.write(p.helpInformation());
        return 2;
      }
      process.stderr.write(`voipkit: ${e.message.replace(/^error: /, '')}\n`);
      return 2;
    }
    const msg = e instanceof VoipKitError ? e.message : `internal error: ${(e as Error)?.message ?? String(e)}`;
    process.stderr.write(`voipkit: ${msg}\n`);
    return 1;
  }
}
