/**
 * `--name value` and bare `--flag` (read as '1') command-line options of the
 * evaluation scripts (run.ts, probe.ts).
 */
export function cliArgs(argv: string[] = process.argv): Map<string, string> {
  const args = new Map<string, string>();
  for (let i = 2; i < argv.length; i++) {
    const a = argv[i];
    if (a.startsWith('--')) {
      const nx = argv[i + 1];
      if (nx !== undefined && !nx.startsWith('--')) { args.set(a.slice(2), nx); i++; } else args.set(a.slice(2), '1');
    }
  }
  return args;
}
