// `npm run bench`: every benchmark in turn; each prints its own table. BENCH_LINES=100000 for a quick run;
// `node bench/outbound.ts` (or inbound.ts) runs one alone.
import { execFileSync } from "node:child_process";
import { cpus } from "node:os";
import { benchInbound } from "./inbound.ts";
import { benchOutbound } from "./outbound.ts";

const workerd = execFileSync("npx", ["workerd", "--version"], { encoding: "utf8" }).trim();
console.log(`edgesync benchmarks — ${new Date().toISOString().slice(0, 10)}`);
console.log(`machine: ${cpus().length} × ${cpus()[0]?.model ?? "unknown CPU"}; node ${process.version}; ${workerd}`);

await benchInbound();
await benchOutbound();
