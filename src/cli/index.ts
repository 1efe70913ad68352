/**
 * The voipkit command line (bin/voipkit.js).  Each command lives in its own
 * module; this file wires them to commander and turns every failure into
 * one line on stderr and a non-zero exit status, never a stack trace.
 */
import { Command, CommanderError } from 'commander';
import { VoipKitError } from '../errors.js';
import { sim } from './sim.js';
import { addNetsimOptions } from './netsim.js';
import { addSweepCommand } from './sweep.js';

export function program(print: (s: string) => void = (s) => process.stdout.write(s + '\n')): Command {
  const p = new Command('voipkit')
    .description('VoIP media toolkit: simulation and diagnostics')
    .exitOverride()
    .configureOutput({ writeErr: () => {}, writeOut: (s) => process.stdout.write(s) })
    .showHelpAfterError(false)
    .enablePositionalOptions();
  const simCmd = p.command('sim')
    .description('simulate a call over a network (netem-class model, a recorded trace or a capture) through the jitter buffer and report delay, loss, concealment and the ITU-T G.107 R and MOS')
    .option('--trace <file.csv>', 'replay a recorded network trace: seq,rtp_timestamp,send_ms,arrival_ms (default: none, the network is simulated)')
    .option('--codec <pcmu|pcma|opus>', 'codec of the call: G.711 μ-law or A-law, or narrowband Opus (8 kHz audio; needs Opus, see kit.features.opus); --trace replays G.711 only, --pcap takes the capture\'s law', 'pcmu')
    .option('--playout-log <out.csv>', 'write seq,play_ms per sent packet, in trace order')
    .option('--report <out.json>', 'write the report as JSON')
    .option('--out <out.wav>', 'write the played audio (8 kHz mono WAV)')
    .option('--input <in.wav>', 'audio to send: 16-bit PCM WAV, 8/16/24/48 kHz, mixed to mono (default: a built-in speech-like signal)')
    .option('--json', 'print the report as JSON instead of text');
  simCmd.enablePositionalOptions();
  addNetsimOptions(simCmd).action(async (opts, cmd: Command) => {
    await sim(opts, print, (k) => cmd.getOptionValueSource(k) === 'cli');
  });
  addSweepCommand(simCmd, print);
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
