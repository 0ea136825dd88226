// `npm run bench`: every benchmark in turn; each prints its own table (bench/README.md).
// BENCH_LINES=100000 for a quick run; `node bench/<name>.ts` runs one alone.
import { execFileSync } from "node:child_process";
import { cpus, totalmem } from "node:os";
import { benchHostile } from "./hostile.ts";
import { benchIbs } from "./ibs.ts";
import { benchIbsCounters } from "./ibs-counters.ts";
import { benchInbound } from "./inbound.ts";
import { projectInbound } from "./inbound-scale.ts";
import { benchOutbound } from "./outbound.ts";
import { projectOutbound } from "./outbound-scale.ts";
import { benchPairs } from "./pairs.ts";
import { benchShards } from "./shards.ts";
import { benchTag } from "./tag.ts";

const workerd = execFileSync("npx", ["workerd", "--version"], { encoding: "utf8" }).trim();
console.log(`edgesync benchmarks — ${new Date().toISOString().slice(0, 10)}`);
console.log(
	`machine: ${cpus().length} × ${cpus()[0]?.model ?? "unknown CPU"}, ${Math.round(totalmem() / 2 ** 30)} GiB; node ${process.version}; ${workerd}`,
);

benchTag();
await benchHostile();
await benchIbs();
await benchIbsCounters();
await benchPairs();
await benchInbound();
await projectInbound();
await benchOutbound();
projectOutbound();
// The simulation of the sharded graph at 1:1000 of the target fails the run if a projected share passes 50 %.
if ((await benchShards()).worstShare > 0.5) process.exitCode = 1;
