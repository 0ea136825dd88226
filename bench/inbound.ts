// Inbound throughput: a generated gzip file with half its users matched, end to end through the real
// Worker in workerd (cron → Workflow → the graph's shards, D1, R2) under `wrangler dev`, against the
// sqlite3 CLI loading the same rows into D1's reference schema, and against plain decompression + line
// splitting (the I/O limit). The edge's pairs are loaded the way a vendor would: an ID-sync file.
import {
	createReadStream,
	createWriteStream,
	existsSync,
	mkdtempSync,
	readdirSync,
	readFileSync,
	rmSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pipeline } from "node:stream/promises";
import { createGunzip, createGzip } from "node:zlib";
import { eventually, GiveUp } from "../scripts/lib/wait.ts";
import { prepareState, startEdge, stopEdges, wranglerBesideEdge } from "../scripts/lib/wrangler-dev.ts";
import { admin } from "./lib/admin.ts";
import { describeHeap, type HeapPeak, sampleHeap } from "./lib/heap.ts";
import { openInspector } from "./lib/inspector.ts";
import { launch, run } from "./lib/proc.ts";
import { bytesWritten } from "./lib/proc-io.ts";
import { profileIsolate } from "./lib/profile.ts";
import { type CagePeak, describeCage, largestCage, sampleCage } from "./lib/v8-cage.ts";
import { benchVars } from "./lib/vars.ts";
import { describeSteps, type StepTime, stepTimes } from "./lib/workflow-steps.ts";

const LINES = Number(process.env.BENCH_LINES ?? 1_000_000);
const TRAITS = 20;
const TS = 1_790_000_000;
const NAME = `ftp_dpm_1000_${TS}.sync`;
/** Pairs every even user of the trait file with a UUID (DPID 0 in the name: the first column is ours). */
const ID_SYNC = `adobe_id_0_1000_${TS - 60}.sync`;
const uuidOf = (i: number) => String(i).padStart(38, "0");

export function line(i: number): string {
	return `p${i}\td_sid=${1 + (i % TRAITS)},d_sid=${1 + ((i * 7) % TRAITS)}\n`;
}

async function generate(path: string, lines: number): Promise<void> {
	async function* text() {
		let batch = "";
		for (let i = 0; i < lines; i++) {
			batch += line(i);
			if (batch.length > 1 << 16) {
				yield batch;
				batch = "";
			}
		}
		yield batch;
	}
	await pipeline(text, createGzip(), createWriteStream(path));
}

async function generateIdSync(path: string, lines: number): Promise<void> {
	async function* text() {
		let batch = "";
		for (let i = 0; i < lines; i += 2) {
			batch += `${uuidOf(i)}\tp${i}\n`;
			if (batch.length > 1 << 16) {
				yield batch;
				batch = "";
			}
		}
		yield batch;
	}
	await pipeline(text, createGzip(), createWriteStream(path));
}

/** The partner and its traits, in D1 where the edge keeps them. */
function partnerSql(): string {
	return `INSERT INTO partners (dpid, name, redirect_hosts, receipt_emails, created_at, updated_at)
		VALUES (1000, 'Bench', '[]', '[]', 0, 0);
	WITH RECURSIVE t(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM t WHERE i < ${TRAITS})
		INSERT INTO traits (id, dpid, name, created_at, updated_at) SELECT i, 1000, 't' || i, 0, 0 FROM t;`;
}

/** The baseline's seed: the partner, its traits and a pair for every even user (half the file matches). */
function seedSql(lines: number): string {
	return `${partnerSql()}
	WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 2 FROM n WHERE i + 2 < ${lines})
		INSERT INTO id_pairs (dpid, dpuuid, uuid, first_seen, last_seen)
		SELECT 1000, 'p' || i, printf('%038d', i), 0, 0 FROM n;`;
}

interface EdgeRun {
	seconds: number;
	idSyncSeconds: number;
	/** ms from the delivery's own finish (its record) to the bench seeing it, per file. */
	seenLate: { idSync: number; traits: number };
	receipt: Record<string, unknown>;
	groups: number;
	rssKb: number;
	heap: HeapPeak;
	/** Bytes the Worker's workerd wrote (write() calls) during each file: mostly the shards' SQLite. */
	written: { idSync: number; traits: number };
	/** The V8 heaps of the Worker's workerd, read from /proc (bench/lib/v8-cage.ts). */
	cage: CagePeak;
	/** Each step's seconds, of the trait file's Workflow and of the ID-sync file's. */
	steps: StepTime[];
	idSyncSteps: StepTime[];
}

async function edgeRun(gz: string, dir: string, lines = LINES): Promise<EdgeRun> {
	const persist = join(dir, `state-${lines}`);
	await prepareState(persist, { sqlite3: partnerSql() });
	const put = (name: string, file: string) =>
		wranglerBesideEdge([
			"r2",
			"object",
			"put",
			`edgesync-exchange/1000/inbound/${name}`,
			"--file",
			file,
			"--local",
			"--persist-to",
			persist,
		]);
	const idSync = join(dir, `${ID_SYNC}-${lines}.gz`);
	await generateIdSync(idSync, lines);
	await put(`${ID_SYNC}.gz`, idSync);
	const edge = await startEdge({ persist, vars: benchVars({ INBOUND_SETTLE_SECONDS: "0" }) });
	const inspector = await openInspector(edge.inspectorPort);
	const sampler = sampleHeap(inspector);
	const worker = largestCage(edge.workerdPids());
	const cageSampler = sampleCage(worker);
	sampler.phase("ID-sync file");
	cageSampler.phase("ID-sync file");
	const idSyncProfile = await profileIsolate(inspector, lines === LINES ? "id-sync-file" : `id-sync-file-${lines}`);
	const beforeIdSync = bytesWritten(worker);
	const { seconds: idSyncSeconds, seenLateMs: idSyncSeenLate } = await deliver(edge.origin, ID_SYNC);
	const idSyncBytes = bytesWritten(worker) - beforeIdSync;
	await idSyncProfile.stop();
	sampler.phase("trait file");
	cageSampler.phase("trait file");
	await put(`${NAME}.gz`, gz);
	const profile = await profileIsolate(inspector, lines === LINES ? "trait-file" : `trait-file-${lines}`);
	const beforeTraits = bytesWritten(worker);
	const { seconds, seenLateMs } = await deliver(edge.origin, NAME);
	const traitBytes = bytesWritten(worker) - beforeTraits;
	await profile.stop();
	const receipt = await admin<{ receipt: Record<string, unknown> }>(edge.origin, `/inbound-files/${NAME}`);
	const [counted] = await edge.query<{ groups: number }>(
		`SELECT count(*) AS groups FROM inbound_groups WHERE delivery_id = '${NAME}'`,
	);
	const heap = await sampler.stop();
	const cage = cageSampler.stop();
	inspector.close();
	const rssKb = edge.workerdKb("VmHWM");
	const steps = stepTimes(persist, "edgesync-inbound", { deliveryId: NAME });
	const idSyncSteps = stepTimes(persist, "edgesync-inbound", { deliveryId: ID_SYNC });
	await edge.stop();
	const groups = counted?.groups ?? 0;
	return {
		seconds,
		idSyncSeconds,
		seenLate: { idSync: idSyncSeenLate, traits: seenLateMs },
		receipt: receipt.receipt,
		groups,
		rssKb,
		heap,
		cage,
		steps,
		idSyncSteps,
		written: { idSync: idSyncBytes, traits: traitBytes },
	};
}

/**
 * Fires the cron and waits for the delivery's receipt: seconds from the cron to the receipt, and how
 * long after the delivery's recorded finish the bench saw it (locally, workerd puts the shard objects
 * away when a workflow ends, and a question asked meanwhile can wait for that: RESULTS.md §11).
 */
async function deliver(origin: string, id: string): Promise<{ seconds: number; seenLateMs: number }> {
	const t0 = performance.now();
	// Locally the cron's answer waits until the workflow's steps let the one workerd thread go: at 10M
	// lines that is past fetch's 5-minute header timeout, so curl fires it and the bench polls meanwhile.
	const cron = launch("curl", ["-sS", "--fail", "--max-time", "3600", `${origin}/__scheduled?cron=*+*+*+*+*`]);
	cron.catch(() => {}); // awaited below; a failure before then must not end the process unhandled
	const done = await eventually(
		`the delivery ${id}`,
		60 * 60_000,
		async () => {
			type Delivery = { status: string; receipt: Record<string, unknown>; finishedAt: number | null };
			const body = await admin<Delivery>(origin, `/inbound-files/${id}`);
			if (body.status === "failed") throw new GiveUp(`delivery failed: ${JSON.stringify(body.receipt)}`);
			return body.status === "done" ? body : undefined;
		},
		250,
	);
	const seconds = (performance.now() - t0) / 1000;
	if (done.finishedAt === null) throw new Error(`delivery ${id} is done but has no finish time`);
	const seenLateMs = Date.now() - done.finishedAt;
	await cron;
	return { seconds, seenLateMs };
}

function sqliteRun(gz: string, dir: string): number {
	const db = join(dir, "baseline.sqlite");
	const migrations = readdirSync("migrations")
		.filter((f) => f.endsWith(".sql"))
		.sort();
	run("sqlite3", [db], {
		input: migrations.map((f) => readFileSync(join("migrations", f), "utf8")).join("\n") + seedSql(LINES),
	});
	// The same work as the pipeline: read the gzip file, resolve each user through id_pairs, write memberships.
	const load = `CREATE TEMP TABLE staging (u TEXT, s TEXT);
.mode tabs
.import '|gunzip -c ${gz}' staging
INSERT INTO trait_memberships (uuid, trait_id, dpid, realized_at)
	SELECT p.uuid, j.value, 1000, 1 FROM staging s
	JOIN id_pairs p ON p.dpid = 1000 AND p.dpuuid = s.u, json_each('[' || replace(s.s, 'd_sid=', '') || ']') j
	WHERE true ON CONFLICT (uuid, trait_id) DO UPDATE SET realized_at = excluded.realized_at;`;
	const t0 = performance.now();
	run("sqlite3", [db], { input: load });
	return (performance.now() - t0) / 1000;
}

async function ioLimit(gz: string): Promise<number> {
	const t0 = performance.now();
	let lines = 0;
	for await (const chunk of createReadStream(gz).pipe(createGunzip())) {
		for (const byte of chunk as Buffer) if (byte === 10) lines++;
	}
	if (lines !== LINES) throw new Error(`read ${lines} lines, expected ${LINES}`);
	return (performance.now() - t0) / 1000;
}

export async function benchInbound(): Promise<void> {
	const dir = mkdtempSync(join(tmpdir(), "edgesync-bench-"));
	try {
		const gz = join(dir, `${NAME}.gz`);
		await generate(gz, LINES);
		const io = await ioLimit(gz);
		const sqlite = sqliteRun(gz, dir);
		const edge = await edgeRun(gz, dir);
		const rate = (s: number) => Math.round(LINES / s).toLocaleString("en-US");
		console.log(`\nInbound: ${LINES.toLocaleString("en-US")} lines, gzip, half the users matched`);
		console.log(
			`  edge (cron → Workflow → shards/D1/R2)     ${edge.seconds.toFixed(1)} s   ${rate(edge.seconds)} lines/s   ${edge.groups} group steps`,
		);
		const pairs = Math.ceil(LINES / 2);
		console.log(
			`  (its pairs, loaded as an ID-sync file      ${edge.idSyncSeconds.toFixed(1)} s   ${Math.round(pairs / edge.idSyncSeconds).toLocaleString("en-US")} rows/s)`,
		);
		console.log(
			`  seen by the bench after the recorded end  trait file ${edge.seenLate.traits} ms; ID-sync file ${edge.seenLate.idSync} ms`,
		);
		console.log(`  its steps (the Workflow engine's times)   ${describeSteps(edge.steps)}`);
		console.log(`  the ID-sync file's steps                  ${describeSteps(edge.idSyncSteps)}`);
		const perLine = (bytes: number, n: number) =>
			`${(bytes / 2 ** 20).toFixed(0)} MB, ${Math.round(bytes / n).toLocaleString("en-US")} B a line`;
		console.log(
			`  workerd wrote (write() calls, /proc io)   trait file ${perLine(edge.written.traits, LINES)}; ID-sync file ${perLine(edge.written.idSync, pairs)}`,
		);
		console.log(`  sqlite3 CLI, same rows, same schema       ${sqlite.toFixed(1)} s   ${rate(sqlite)} lines/s`);
		console.log(`  gunzip + line split (Node, the I/O limit) ${io.toFixed(2)} s   ${rate(io)} lines/s`);
		const toRecordedEnd = edge.seconds - edge.seenLate.traits / 1000;
		console.log(
			`  ratio edge / sqlite3                      ${(sqlite / edge.seconds).toFixed(2)} (${(sqlite / toRecordedEnd).toFixed(2)} to the delivery's recorded end, ${toRecordedEnd.toFixed(1)} s)`,
		);
		console.log(`  peak RSS of workerd (whole local runtime) ${Math.round(edge.rssKb / 1024)} MB`);
		console.log(`  the Worker's V8 heap (isolate), peak      ${describeHeap(edge.heap)}`);
		console.log(`  V8 heaps resident in workerd (/proc)      ${describeCage(edge.cage)}`);
		if (LINES > 100_000) {
			// The same pipeline on a tenth of the file: the Worker's memory must not grow with the file.
			const small = join(dir, `small-${NAME}.gz`);
			await generate(small, 100_000);
			const tenth = await edgeRun(small, dir, 100_000);
			console.log(
				`  at 100,000 lines: Worker heap peak      ${describeHeap(tenth.heap)}; V8 heaps resident ${describeCage(tenth.cage)}; workerd peak RSS ${Math.round(tenth.rssKb / 1024)} MB`,
			);
		}
		const r = edge.receipt;
		console.log(
			`  receipt: received ${r["Records received"]}, no matching ID ${r["No Matching AAM ID"]}, stored ${r["Stored Records"]}, realized traits ${r["Total realized traits"]}`,
		);
	} finally {
		await stopEdges();
		if (existsSync(dir)) rmSync(dir, { recursive: true, force: true });
	}
}

if (import.meta.main) await benchInbound();
