// A V8 CPU profile of the Worker's isolate (the shard objects run in it too, locally) around a timed
// section, through the inspector connection the heap sampler uses (bench/lib/inspector.ts). Off unless
// BENCH_PROFILE names a path prefix: then each profiled section is written to `<prefix>.<label>.cpuprofile`
// (open it in Chrome's DevTools) and its top self-time functions and files are printed, so a bench run
// says where its time went. The first call to each of the hundreds of shard objects (opening its SQLite
// file) is counted in its caller's self time.
import { writeFileSync } from "node:fs";
import type { Inspector } from "./inspector.ts";

interface ProfileNode {
	id: number;
	callFrame: { functionName: string; url: string; lineNumber: number };
	children?: number[];
}
interface CpuProfile {
	nodes: ProfileNode[];
	samples: number[];
	timeDeltas: number[];
}

/** Starts profiling when BENCH_PROFILE is set; `stop()` writes and summarises the profile. */
export async function profileIsolate(inspector: Inspector, label: string): Promise<{ stop(): Promise<void> }> {
	const prefix = process.env.BENCH_PROFILE;
	if (!prefix) return { stop: async () => {} };
	const file = `${prefix}.${label}.cpuprofile`;
	const ask = inspector.ask;
	await ask("Profiler.enable");
	// 1 ms samples: a long run stays a profile DevTools can open.
	await ask("Profiler.setSamplingInterval", { interval: 1000 });
	await ask("Profiler.start");
	return {
		async stop() {
			const { profile } = await ask<{ profile: CpuProfile }>("Profiler.stop");
			writeFileSync(file, JSON.stringify(profile));
			summarise(profile, file);
		},
	};
}

function summarise(profile: CpuProfile, file: string): void {
	const byId = new Map(profile.nodes.map((n) => [n.id, n]));
	const selfMs = new Map<number, number>();
	for (const [i, id] of profile.samples.entries()) {
		selfMs.set(id, (selfMs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000);
	}
	const byFunction = new Map<string, number>();
	const byFile = new Map<string, number>();
	let total = 0;
	for (const [id, ms] of selfMs) {
		const frame = byId.get(id)?.callFrame;
		if (!frame) continue;
		total += ms;
		const where = frame.url.split("/").slice(-2).join("/") || "(native)";
		const name = `${frame.functionName || "(anonymous)"} ${where}:${frame.lineNumber + 1}`;
		byFunction.set(name, (byFunction.get(name) ?? 0) + ms);
		byFile.set(where, (byFile.get(where) ?? 0) + ms);
	}
	const top = (m: Map<string, number>, n: number) =>
		[...m]
			.sort((a, b) => b[1] - a[1])
			.slice(0, n)
			.map(([k, ms]) => `    ${(ms / 1000).toFixed(2).padStart(7)} s  ${k}`);
	console.log(`\nCPU profile of the Worker isolate: ${(total / 1000).toFixed(1)} s sampled, written to ${file}`);
	console.log("  self time by function:");
	for (const line of top(byFunction, 30)) console.log(line);
	console.log("  self time by file:");
	for (const line of top(byFile, 15)) console.log(line);
}
