import type { Command } from './command.js';
import { parseCli } from './cliOptions.js';
import { probeBackends, type BackendStatus } from '../backends/backendReport.js';
import { installedPackage, projectNodeModules } from '../backends/native/tfjsNodePackage.js';
import { readBuildRecord } from '../backends/native/setupNative.js';

const usage = `Usage: balms doctor [--json]

Starts each tfjs backend balms can use (tfjs-node-gpu, tfjs-node, wasm, cpu) and prints whether it is
installed and usable (or why not), its versions, its threads and its measured matMul GFLOP/s (a square
float32 product, about a second per backend), then the one \`--backend auto\` picks. For tfjs-node(-gpu)
built by \`balms setup native\` it also names the TensorFlow wheel it was built from.

Options:
  --json   print one JSON object instead of the table
`;

export const doctorCommand: Command = {
  name: 'doctor',
  usage,
  async run(argv) {
    const { values } = parseCli(argv, { json: { type: 'boolean' } });
    process.stdout.write(await doctorReport(values.json === true));
    return 0;
  },
};

/** The report of `balms doctor` (also `balms setup native --check`). */
export async function doctorReport(json: boolean): Promise<string> {
  const statuses = await probeBackends();
  const builds = nativeBuilds();
  const auto = statuses.find((s) => s.usable)?.backend ?? null;
  if (json) return JSON.stringify({ backends: statuses, builds, auto }) + '\n';
  const rows = [['backend', 'usable', 'threads', 'matMul GFLOP/s', 'version / problem']];
  for (const s of statuses) rows.push(row(s, builds));
  const widths = rows[0]!.map((_, j) => Math.max(...rows.map((r) => r[j]!.length)));
  const lines = rows.map((r) => r.map((c, j) => (j === r.length - 1 ? c : c.padEnd(widths[j]!))).join('  ').trimEnd());
  lines.push('', `--backend auto picks: ${auto ?? 'none'}`);
  return lines.join('\n') + '\n';
}

function row(s: BackendStatus, builds: Record<string, string>): string[] {
  if (!s.usable) return [s.backend, 'no', '-', '-', s.problem ?? ''];
  const built = builds[s.backend] ? `; ${builds[s.backend]}` : '';
  return [s.backend, 'yes', String(s.threads ?? '-'), s.gflops === undefined ? '-' : `${s.gflops.toFixed(1)} (n=${s.n})`, `${s.version ?? ''}${built}`];
}

/** For the native packages built by `balms setup native`: the wheel and date of the build. */
function nativeBuilds(): Record<string, string> {
  const out: Record<string, string> = {};
  let nm: string;
  try {
    nm = projectNodeModules();
  } catch {
    return out;
  }
  for (const [backend, name] of [['tfjs-node', '@tensorflow/tfjs-node'], ['tfjs-node-gpu', '@tensorflow/tfjs-node-gpu']] as const) {
    const pkg = installedPackage(nm, name);
    const rec = pkg && readBuildRecord(pkg.dir);
    if (rec) out[backend] = `built ${rec.builtAt.slice(0, 10)} from ${rec.wheel}`;
  }
  return out;
}
