// Outbound generation: a full run of a destination whose two segments hold N paired members, through
// the real Worker in workerd (admin API → Workflow → D1 pages → gzip + MD5 → R2 multipart) under
// `wrangler dev`, against the sqlite3 CLI producing the same lines piped into gzip. Run at 100k and at
// N members, to see that memory does not grow with the members.
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { eventually } from "../scripts/lib/wait.ts";
import { prepareState, startEdge, stopEdges } from "../scripts/lib/wrangler-dev.ts";
import { admin, adminPoll, adminPostPatiently } from "./lib/admin.ts";
import { describeHeap, sampleHeap } from "./lib/heap.ts";
import { openInspector } from "./lib/inspector.ts";
import { run } from "./lib/proc.ts";
import { profileIsolate } from "./lib/profile.ts";
import { describeCage, largestCage, sampleCage } from "./lib/v8-cage.ts";
import { benchVars } from "./lib/vars.ts";
import { describeStepKinds, stepTimes } from "./lib/workflow-steps.ts";

const MEMBERS = Number(process.env.BENCH_MEMBERS ?? process.env.BENCH_LINES ?? 1_000_000);

/** Partner 1000, segments 10 (everyone) and 11 (every other member), N pairs, a full gzip destination. */
function seedSql(members: number): string {
	return `INSERT INTO partners (dpid, name, redirect_hosts, receipt_emails, created_at, updated_at)
		VALUES (1000, 'Bench', '[]', '[]', 0, 0);
	INSERT INTO traits (id, dpid, name, created_at, updated_at) VALUES (1, 1000, 't1', 0, 0), (2, 1000, 't2', 0, 0);
	INSERT INTO segments (id, name, rule, created_at, updated_at) VALUES (10, 's10', 'T1', 0, 0), (11, 's11', 'T2', 0, 0);
	CREATE TEMP TABLE n AS WITH RECURSIVE c(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM c WHERE i + 1 < ${members})
		SELECT i FROM c;
	INSERT INTO id_pairs (dpid, dpuuid, uuid, first_seen, last_seen, paired_at)
		SELECT 1000, printf('p%07d', i), printf('%038d', i), 1, 1, 1 FROM n;
	INSERT INTO segment_memberships (segment_id, uuid, entered_at) SELECT 10, printf('%038d', i), 1 FROM n;
	INSERT INTO segment_memberships (segment_id, uuid, entered_at) SELECT 11, printf('%038d', i), 1 FROM n WHERE i % 2 = 0;
	INSERT INTO destinations (id, dpid, name, segments, mode, schedule, gzip, split_lines, targets, created_at, updated_at)
		VALUES (1, 1000, 'bench', '[10,11]', 'full', '0 0 1 1 *', 1, 1000000, '{}', 0, 0);`;
}

interface Run {
	id: string;
	status: string;
	lines: number;
	bytes: number;
	files: Array<{ name: string }>;
	durationMs: number | null;
	startedAt: number;
	finishedAt: number | null;
	error: string | null;
}

const STORE = process.env.BENCH_STORE === "d1" ? "d1" : "shards";

interface Copy {
	phase: string;
	counts: { complete: boolean } | null;
}

/**
 * The members are loaded into D1's tables with sqlite3 (fast), then, for the shards, moved there by the
 * graph copy an operator would run (`POST /graph/copies`), timed apart from the run.
 */
async function copyToShards(persist: string): Promise<number> {
	const edge = await startEdge({ persist, vars: { ...benchVars({}), GRAPH_STORE: "d1+shards" } });
	const inspector = await openInspector(edge.inspectorPort);
	const profile = await profileIsolate(inspector, "copy");
	const t0 = performance.now();
	try {
		const { id } = await adminPostPatiently<{ id: string }>(edge.origin, "/graph/copies", { pageSize: 10_000 });
		const copy = await eventually(
			"the graph copy",
			60 * 60_000,
			async () => {
				const c = await adminPoll<Copy>(edge.origin, `/graph/copies/${id}`);
				return c?.counts ? c : undefined;
			},
			1000,
		);
		if (!copy.counts?.complete) throw new Error(`graph copy ${id} ended incomplete: ${JSON.stringify(copy)}`);
	} finally {
		await profile.stop();
		inspector.close();
		await edge.stop();
	}
	return (performance.now() - t0) / 1000;
}

/**
 * BENCH_STATE names a directory kept between runs: the members are loaded (and copied to the shards)
 * once, and later runs measure the outbound run alone on the same graph.
 */
const KEPT_STATE = process.env.BENCH_STATE;

async function edgeRun(dir: string, members: number) {
	const persist = join(KEPT_STATE ?? dir, `state-${members}-${STORE}`);
	const loaded = join(persist, "loaded");
	let copySeconds = 0;
	if (!existsSync(loaded)) {
		rmSync(persist, { recursive: true, force: true });
		await prepareState(persist, { sqlite3: seedSql(members) });
		copySeconds = STORE === "shards" ? await copyToShards(persist) : 0;
		writeFileSync(loaded, `${copySeconds}\n`);
	}
	const edge = await startEdge({ persist, vars: benchVars({ GRAPH_STORE: STORE }) });
	const base = edge.origin;
	// Warm: the destination and partner read once, so "before" holds the runtime and the open database.
	await admin(base, "/destinations/1");
	const rssBeforeKb = edge.workerdKb("VmRSS");
	const anonBeforeKb = edge.workerdKb("RssAnon");
	const fileBeforeKb = edge.workerdKb("RssFile");
	const inspector = await openInspector(edge.inspectorPort);
	const heap = sampleHeap(inspector);
	const cageSampler = sampleCage(largestCage(edge.workerdPids()));
	const profile = await profileIsolate(inspector, "run");
	const t0 = performance.now();
	const postSentAt = Date.now();
	const started = await adminPostPatiently<Run>(base, "/destinations/1/runs", {});
	const postAnsweredAt = Date.now();
	const polls: { asked: number; answered: number; status: string }[] = [];
	const done = await eventually(
		"the outbound run",
		60 * 60_000,
		async () => {
			const asked = Date.now();
			const r = await adminPoll<Run>(base, `/outbound-runs/${started.id}`);
			polls.push({ asked, answered: Date.now(), status: r?.status ?? "no answer" });
			return r === undefined || r.status === "running" ? undefined : r;
		},
		250,
	);
	const seconds = (performance.now() - t0) / 1000;
	// Where a bench figure that disagrees with the run record lost its time (one clock: the same machine).
	const clock = { postSentAt, postAnsweredAt, endSeenAt: Date.now(), polls };
	await profile.stop();
	const heapPeak = await heap.stop();
	const cage = cageSampler.stop();
	inspector.close();
	const peakKb = edge.workerdKb("VmHWM");
	const anonAfterKb = edge.workerdKb("RssAnon");
	const fileAfterKb = edge.workerdKb("RssFile");
	const steps = stepTimes(persist, "edgesync-outbound", { runId: started.id });
	await edge.stop();
	if (done.status !== "sent") throw new Error(`run ${done.id} ${done.status}: ${done.error}`);
	if (done.lines !== members) throw new Error(`run wrote ${done.lines} lines, expected ${members}`);
	return {
		seconds,
		clock,
		copySeconds,
		run: done,
		heapPeak,
		cage,
		steps,
		peakKb,
		rssBeforeKb,
		anonBeforeKb,
		anonAfterKb,
		fileBeforeKb,
		fileAfterKb,
	};
}

/** The same lines from the sqlite3 CLI into gzip: one query, one pipe, no paging, no workerd. */
function sqliteRun(dir: string, members: number): { seconds: number; bytes: number } {
	const db = join(KEPT_STATE ?? dir, `state-${members}-${STORE}`, "v3", "d1", "miniflare-D1DatabaseObject");
	const file = run("sh", ["-c", `ls ${db}/*.sqlite | grep -v metadata | head -1`]).trim();
	const out = join(dir, "baseline.sync.gz");
	const query = `SELECT p.dpuuid || char(9) || group_concat(m.segment_id) FROM id_pairs p
		JOIN segment_memberships m ON m.uuid = p.uuid
		WHERE p.dpid = 1000 AND m.segment_id IN (10, 11) AND m.left_at IS NULL GROUP BY p.dpuuid ORDER BY p.dpuuid;`;
	const t0 = performance.now();
	// The stopped workerd may still hold the database for a moment: wait for it rather than read nothing.
	run("bash", ["-o", "pipefail", "-c", `sqlite3 -cmd '.timeout 30000' '${file}' "${query}" | gzip -6 > '${out}'`]);
	return { seconds: (performance.now() - t0) / 1000, bytes: statSync(out).size };
}

export async function benchOutbound(): Promise<void> {
	const dir = mkdtempSync(join(tmpdir(), "edgesync-bench-out-"));
	try {
		const sizes = [...new Set([Math.min(100_000, MEMBERS), MEMBERS])];
		const results = [];
		for (const members of sizes)
			results.push({ members, edge: await edgeRun(dir, members), sqlite: sqliteRun(dir, members) });
		const rate = (n: number, s: number) => Math.round(n / s).toLocaleString("en-US");
		for (const { members, edge, sqlite } of results) {
			console.log(
				`\nOutbound: full run, ${members.toLocaleString("en-US")} members in 2 segments, gzip, GRAPH_STORE=${STORE}`,
			);
			if (STORE === "shards")
				console.log(
					`  graph copy D1 → shards (setup, not timed below)   ${edge.copySeconds > 0 ? `${edge.copySeconds.toFixed(1)} s` : `kept in ${KEPT_STATE}`}`,
				);
			console.log(
				`  edge (admin API → Workflow → graph → gzip/MD5 → R2)  ${edge.seconds.toFixed(1)} s   ${rate(members, edge.seconds)} members/s (run record: ${edge.run.durationMs} ms)`,
			);
			const { postSentAt, postAnsweredAt, endSeenAt } = edge.clock;
			const { startedAt, finishedAt } = edge.run;
			const gap = (from: number | null, to: number | null) => (from === null || to === null ? "?" : `${to - from} ms`);
			console.log(
				`  the bench's clock against the run record          POST sent → run started ${gap(postSentAt, startedAt)}; run finished → POST answered ${gap(finishedAt, postAnsweredAt)}, → end seen ${gap(finishedAt, endSeenAt)}`,
			);
			const polls = edge.clock.polls.map(
				(p) => `+${p.asked - postAnsweredAt} ms ${p.status} in ${p.answered - p.asked} ms`,
			);
			console.log(`  its polls after the POST's answer                 ${polls.join("; ")}`);
			console.log(
				`  sqlite3 CLI | gzip, same lines                    ${sqlite.seconds.toFixed(1)} s   ${rate(members, sqlite.seconds)} members/s`,
			);
			console.log(`  its steps (the Workflow engine's times)          ${describeStepKinds(edge.steps)}`);
			console.log(`  ratio edge / sqlite3                              ${(sqlite.seconds / edge.seconds).toFixed(2)}`);
			console.log(
				`  R2 bytes written (data files)                     ${edge.run.bytes.toLocaleString("en-US")} B in ${edge.run.files.length} file(s); sqlite3 | gzip: ${sqlite.bytes.toLocaleString("en-US")} B`,
			);
			console.log(
				`  RSS of workerd: before the run, peak; growth     ${Math.round(edge.rssBeforeKb / 1024)} MB, ${Math.round(edge.peakKb / 1024)} MB; +${Math.round((edge.peakKb - edge.rssBeforeKb) / 1024)} MB`,
			);
			const mb = (kb: number) => Math.round(kb / 1024);
			console.log(`  the Worker's V8 heap (isolate), peak            ${describeHeap(edge.heapPeak)}`);
			console.log(`  V8 heaps resident in workerd (/proc)            ${describeCage(edge.cage)}`);
			console.log(
				`  of which anonymous (heap) before → after        ${mb(edge.anonBeforeKb)} → ${mb(edge.anonAfterKb)} MB; mapped files (D1's SQLite) ${mb(edge.fileBeforeKb)} → ${mb(edge.fileAfterKb)} MB`,
			);
		}
	} finally {
		await stopEdges();
		if (existsSync(dir)) rmSync(dir, { recursive: true, force: true });
	}
}

if (import.meta.main) await benchOutbound();
