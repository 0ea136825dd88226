// Simulation of the sharded ID graph at 1:1000 of ../shared/SCALE.md's target (1 B pairs, 300 M
// visitors, 100,000 /ibs calls/s), with Zipf-skewed visitors and partners. It loads the pairs into the
// edge's own shard classes (bench/workers/shards.ts) and into today's D1 schema, measures bytes per
// pair from SQLite's page counts and rows written per event from SQLite's own counters, and projects
// each documented limit to the target: one line per limit with the share used, and a failing exit if
// a share passes 50 %. BENCH_SHARD_PAIRS changes the sample size (default 1,000,000 = 1:1000).
import { registerLocalImports } from "../batch/cli/local-imports.ts";
import { startEdge, stopEdges } from "../scripts/lib/wrangler-dev.ts";

/** The few pure parts of the edge's shard modules this bench calls (imported at run time, as hostile.ts does). */
interface BucketModule {
	partnerIdBucket(dpid: number, dpuuid: string): number;
	visitorBucket(uuid: string): number;
}
interface ShardMapModule {
	initialRanges(kind: "visitor" | "partner_id", shards: number): unknown[];
	lookupOf(kind: "visitor" | "partner_id", ranges: unknown[]): { indexOfBucket: Uint16Array };
}
registerLocalImports();
const root = import.meta.dirname;
const { partnerIdBucket, visitorBucket } = (await import(`${root}/../core/graph/shards/bucket.ts`)) as BucketModule;
const { initialRanges, lookupOf } = (await import(`${root}/../core/graph/shards/shard-map.ts`)) as ShardMapModule;

const TARGET = {
	pairs: 1e9,
	visitors: 3e8,
	ibsPerSecond: 100_000,
	idPerSecond: 100_000,
	pairsPerCall: 1.2,
	traitsPerVisitor: 10,
	segmentsPerVisitor: 5,
};
const LIMITS = { shardBytes: 10e9, shardRequestsPerSecond: 1_000, queueMessagesPerSecond: 5_000, d1Bytes: 10e9 };
const DESIGN = { visitorShards: 512, partnerIdShards: 256, messagesPerBatch: 100 };
const SAMPLE_PAIRS = Number(process.env.BENCH_SHARD_PAIRS ?? 1_000_000);
const SCALE = TARGET.pairs / SAMPLE_PAIRS;
const PARTNERS = 50;
// Shards of the sample: few enough that each holds tens of thousands of rows (page overhead measured
// as it will be at target, not as a mostly empty file).
const SIM = { visitors: 8, partners: 4 };
const CONFIG = "bench/workers/shards.toml";
// Visitors given traits and segments (10 and 5 each, as in the target's mixed profile): bytes per
// visitor do not depend on how many, so a part of the sample is enough (BENCH_TRAIT_VISITORS).
const TRAIT_VISITORS = Number(process.env.BENCH_TRAIT_VISITORS ?? 100_000);
const VISITORS_PER_CHANGE = 1_000;
const DAY0 = Date.UTC(2026, 10, 1);

/** A seeded generator, so two runs load the same sample. */
function random(seed: number): () => number {
	let s = seed >>> 0;
	return () => {
		s = (s + 0x6d2b79f5) >>> 0;
		let t = Math.imul(s ^ (s >>> 15), 1 | s);
		t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

/** Zipf(s) over 1..n by inverse CDF on a precomputed table (rank 1 the most frequent). */
function zipf(n: number, s: number, rand: () => number): () => number {
	const cdf = new Float64Array(n);
	let sum = 0;
	for (let k = 1; k <= n; k++) cdf[k - 1] = sum += 1 / k ** s;
	return () => {
		const x = rand() * sum;
		let lo = 0;
		let hi = n - 1;
		while (lo < hi) {
			const mid = (lo + hi) >> 1;
			if ((cdf[mid] as number) < x) lo = mid + 1;
			else hi = mid;
		}
		return lo + 1;
	};
}

const uuidOf = (v: number) => String(v).padStart(38, "0");

/**
 * The sample: visitors with a Zipf-skewed number of pairs (most have one or two, a few are synced by
 * dozens of partners; mean ≈ 3.3 as in the target), each pair with a partner drawn by Zipf popularity.
 */
function sampleEvents() {
	const rand = random(13);
	const partner = zipf(PARTNERS, 1.0, rand);
	const pairsOfVisitor = zipf(PARTNERS, 1.85, rand);
	const events: Array<{ dpid: number; dpuuid: string; uuid: string; at: number }> = [];
	for (let v = 0; events.length < SAMPLE_PAIRS; v++) {
		const uuid = uuidOf(v);
		for (let k = pairsOfVisitor(); k > 0 && events.length < SAMPLE_PAIRS; k--) {
			const n = events.length;
			events.push({
				dpid: 1000 + partner(),
				dpuuid: `p${n.toString(36)}`,
				uuid,
				at: DAY0 + Math.floor(rand() * 3_600_000),
			});
		}
	}
	return events;
}

type Event = ReturnType<typeof sampleEvents>[number];
const T = (id: number) => ({ op: "trait" as const, id });
/** Segments 1..5 = T1..T5, so every visitor holding traits 1..5 is in five segments. */
const SEGMENTS = Array.from({ length: TARGET.segmentsPerVisitor }, (_, i) => ({ id: i + 1, tree: T(i + 1) }));

/**
 * Trait changes as inbound chunks make them: per visitor traits 1..5 (which put it in the five
 * segments) and five more drawn by Zipf popularity from 6..500; a thousand visitors per change.
 */
function traitChanges(visitors: number, key: string) {
	const rand = random(29);
	const other = zipf(495, 1.0, rand);
	const changes = [];
	for (let v = 0; v < visitors; v += VISITORS_PER_CHANGE) {
		const effects = [];
		for (let u = v; u < Math.min(visitors, v + VISITORS_PER_CHANGE); u++) {
			const traits = new Set([1, 2, 3, 4, 5]);
			while (traits.size < TARGET.traitsPerVisitor) traits.add(5 + other());
			for (const trait of traits) effects.push({ uuid: uuidOf(u), trait, add: true });
		}
		changes.push({ key: `${key} ${v}`, source: 1001, cleared: [], effects });
	}
	return changes;
}

interface Size {
	rows: number;
	bytes: number;
	rowsWritten: number;
}

async function post(origin: string, path: string, events: readonly Event[], now: number): Promise<unknown> {
	const res = await fetch(
		`${origin}${path}${path.includes("?") ? "&" : "?"}visitors=${SIM.visitors}&partners=${SIM.partners}&now=${now}`,
		{
			method: "POST",
			body: JSON.stringify(events),
		},
	);
	if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
	return res.json();
}

async function load(origin: string, path: string, events: readonly Event[], now: number, batch = 5_000) {
	const answers: unknown[] = [];
	for (let i = 0; i < events.length; i += batch)
		answers.push(await post(origin, path, events.slice(i, i + batch), now));
	return answers;
}

interface Sizes {
	visitor: Size[];
	partnerId: Size[];
	memberships: Array<{ traits: number; segmentRows: number }>;
}

async function sizes(origin: string): Promise<Sizes> {
	const res = await fetch(`${origin}/shards/sizes?visitors=${SIM.visitors}&partners=${SIM.partners}`);
	return (await res.json()) as Sizes;
}

/** Applies trait changes a few at a time (one request each); the D1 size after the last. */
async function applyTraits(origin: string, path: string, changes: readonly unknown[], now: number) {
	let d1SizeAfter = 0;
	for (let i = 0; i < changes.length; i += 10) {
		const body = JSON.stringify({ changes: changes.slice(i, i + 10), segments: SEGMENTS });
		const res = await fetch(`${origin}${path}?visitors=${SIM.visitors}&partners=${SIM.partners}&now=${now}`, {
			method: "POST",
			body,
		});
		if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
		d1SizeAfter = ((await res.json()) as { d1SizeAfter: number }).d1SizeAfter;
	}
	return d1SizeAfter;
}

const sum = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0);
const sumOf = (sizes: readonly Size[], key: keyof Size) => sum(sizes.map((s) => s[key]));
const skew = (counts: readonly number[]) => Math.max(...counts) / (sum(counts) / counts.length);

/** Largest ÷ mean of rows per shard at the design's shard counts, for the sample's keys. */
function designSkew(events: readonly Event[]) {
	const visitors = lookupOf("visitor", initialRanges("visitor", DESIGN.visitorShards));
	const partners = lookupOf("partner_id", initialRanges("partner_id", DESIGN.partnerIdShards));
	const v = new Array<number>(DESIGN.visitorShards).fill(0);
	const p = new Array<number>(DESIGN.partnerIdShards).fill(0);
	for (const e of events) {
		const vi = visitors.indexOfBucket[visitorBucket(e.uuid)] ?? 0;
		const pi = partners.indexOfBucket[partnerIdBucket(e.dpid, e.dpuuid)] ?? 0;
		v[vi] = (v[vi] ?? 0) + 1;
		p[pi] = (p[pi] ?? 0) + 1;
	}
	return { visitor: skew(v), partnerId: skew(p) };
}

export async function benchShards(): Promise<{ worstShare: number }> {
	const events = sampleEvents();
	const refreshes = events.slice(0, Math.min(100_000, events.length)).map((e) => ({ ...e, at: e.at + 3_600_000 }));
	try {
		const origin = (await startEdge({ config: CONFIG, probe: "/ping" })).origin;
		const t0 = performance.now();
		await load(origin, "/shards/upsert", events, DAY0);
		const loadSeconds = (performance.now() - t0) / 1000;
		const loaded = await sizes(origin);
		await load(origin, "/shards/upsert", refreshes, DAY0);
		const refreshed = await sizes(origin);
		const traitVisitors = Math.min(TRAIT_VISITORS, Number(events.at(-1)?.uuid ?? 0) + 1);
		const t1 = performance.now();
		await applyTraits(origin, "/shards/traits", traitChanges(traitVisitors, "load"), DAY0);
		const traitSeconds = (performance.now() - t1) / 1000;
		const withTraits = await sizes(origin);
		// The same traits asserted again an hour later (another file of the source).
		await applyTraits(origin, "/shards/traits", traitChanges(traitVisitors, "again"), DAY0 + 3_600_000);
		const reasserted = await sizes(origin);
		const d1Loaded = (await load(origin, "/d1/upsert", events, DAY0, 20_000)) as Array<{
			rowsWritten: number;
			sizeAfter: number;
		}>;
		const d1Bytes = d1Loaded.at(-1)?.sizeAfter ?? 0;
		const d1WithTraits = await applyTraits(origin, "/d1/traits", traitChanges(traitVisitors, "d1"), DAY0);
		const before = (await load(origin, "/d1/upsert?statement=before", refreshes, DAY0, 20_000)) as Array<{
			rowsWritten: number;
		}>;
		const after = (await load(
			origin,
			"/d1/upsert",
			refreshes.map((e) => ({ ...e, at: e.at + 60_000 })),
			DAY0,
			20_000,
		)) as Array<{ rowsWritten: number }>;
		return report({
			events,
			loadSeconds,
			loaded,
			refreshRows: {
				shards:
					sum([...refreshed.visitor, ...refreshed.partnerId].map((s) => s.rowsWritten)) -
					sum([...loaded.visitor, ...loaded.partnerId].map((s) => s.rowsWritten)),
				d1Before: sum(before.map((r) => r.rowsWritten)),
				d1Now: sum(after.map((r) => r.rowsWritten)),
				count: refreshes.length,
			},
			d1Bytes,
			traits: {
				visitors: traitVisitors,
				seconds: traitSeconds,
				shardBytes: sumOf(withTraits.visitor, "bytes") - sumOf(refreshed.visitor, "bytes"),
				rows: sum(withTraits.memberships.map((m) => m.traits + m.segmentRows)),
				reassertRows: sumOf(reasserted.visitor, "rowsWritten") - sumOf(withTraits.visitor, "rowsWritten"),
				d1Bytes: d1WithTraits - d1Bytes,
			},
		});
	} finally {
		await stopEdges();
	}
}

interface Measured {
	events: readonly Event[];
	loadSeconds: number;
	loaded: { visitor: Size[]; partnerId: Size[] };
	refreshRows: { shards: number; d1Before: number; d1Now: number; count: number };
	d1Bytes: number;
	/** Traits and segments of `visitors`: what they added to the visitor shards and to D1. */
	traits: {
		visitors: number;
		seconds: number;
		shardBytes: number;
		rows: number;
		reassertRows: number;
		d1Bytes: number;
	};
}

function report(m: Measured): { worstShare: number } {
	const vBytesPerPair = sum(m.loaded.visitor.map((s) => s.bytes)) / sum(m.loaded.visitor.map((s) => s.rows));
	const pBytesPerPair = sum(m.loaded.partnerId.map((s) => s.bytes)) / sum(m.loaded.partnerId.map((s) => s.rows));
	const d1BytesPerPair = m.d1Bytes / m.events.length;
	const rowsPerNewPair = sum([...m.loaded.visitor, ...m.loaded.partnerId].map((s) => s.rowsWritten)) / m.events.length;
	const sample = designSkew(m.events);
	const simSkew = {
		visitor: skew(m.loaded.visitor.map((s) => s.rows)),
		partnerId: skew(m.loaded.partnerId.map((s) => s.rows)),
	};

	const membershipBytesPerVisitor = m.traits.shardBytes / m.traits.visitors;
	const d1MembershipBytesPerVisitor = m.traits.d1Bytes / m.traits.visitors;
	const traitsAsserted = m.traits.visitors * TARGET.traitsPerVisitor;

	// Projection to the target, at the design's shard counts, the largest shard at the measured skew.
	const vShardBytes =
		((vBytesPerPair * TARGET.pairs + membershipBytesPerVisitor * TARGET.visitors) / DESIGN.visitorShards) *
		sample.visitor;
	const pShardBytes = ((pBytesPerPair * TARGET.pairs) / DESIGN.partnerIdShards) * sample.partnerId;
	// Enough pair queues that none carries more than 40 % of its limit (room for the counter messages).
	const queues = Math.ceil(TARGET.ibsPerSecond / (LIMITS.queueMessagesPerSecond * 0.4));
	const messagesPerQueue = TARGET.ibsPerSecond / queues;
	// A consumer batch of 100 calls on one queue meets the visitor shards of that queue's bucket range
	// (read, then write) and the partner-ID shards its ~120 pairs hash to (one write each).
	const batchesPerSecond = TARGET.ibsPerSecond / DESIGN.messagesPerBatch;
	const pairsPerBatch = DESIGN.messagesPerBatch * TARGET.pairsPerCall;
	const partnerShardsPerBatch = DESIGN.partnerIdShards * (1 - (1 - 1 / DESIGN.partnerIdShards) ** pairsPerBatch);
	const partnerRps = ((batchesPerSecond * partnerShardsPerBatch) / DESIGN.partnerIdShards) * sample.partnerId;
	const visitorShardsPerQueue = DESIGN.visitorShards / queues;
	const visitorShardsPerBatch = Math.min(visitorShardsPerQueue, DESIGN.messagesPerBatch);
	const visitorRps =
		(((batchesPerSecond / queues) * visitorShardsPerBatch * 2) / visitorShardsPerQueue +
			TARGET.idPerSecond / DESIGN.visitorShards) *
		sample.visitor;
	const lines: Array<[string, string, number]> = [
		["visitor shard storage (largest)", `${gb(vShardBytes)} of 10 GB`, vShardBytes / LIMITS.shardBytes],
		["partner-ID shard storage (largest)", `${gb(pShardBytes)} of 10 GB`, pShardBytes / LIMITS.shardBytes],
		[
			"visitor shard requests/s (largest)",
			`${Math.round(visitorRps)} of ~1,000`,
			visitorRps / LIMITS.shardRequestsPerSecond,
		],
		[
			"partner-ID shard requests/s (largest)",
			`${Math.round(partnerRps)} of ~1,000`,
			partnerRps / LIMITS.shardRequestsPerSecond,
		],
		[
			`messages/s per pair queue (${queues} queues)`,
			`${Math.round(messagesPerQueue)} of 5,000`,
			messagesPerQueue / LIMITS.queueMessagesPerSecond,
		],
	];
	const d1Today = d1BytesPerPair * TARGET.pairs + d1MembershipBytesPerVisitor * TARGET.visitors;
	const d1BytesPerVisitor = (d1BytesPerPair * TARGET.pairs) / TARGET.visitors + d1MembershipBytesPerVisitor;
	const queuesToday = TARGET.ibsPerSecond / LIMITS.queueMessagesPerSecond;

	console.log(
		`\nSharded ID graph: a 1:${Math.round(SCALE).toLocaleString("en-US")} sample (${m.events.length.toLocaleString("en-US")} pairs, ${(Number(m.events.at(-1)?.uuid ?? 0) + 1).toLocaleString("en-US")} visitors with Zipf 1.85 pairs each (mean ≈ 3.3), ${PARTNERS} partners Zipf 1.0)`,
	);
	console.log(
		`  loaded into ${SIM.visitors} visitor + ${SIM.partners} partner-ID shards in ${m.loadSeconds.toFixed(1)} s (${Math.round(m.events.length / m.loadSeconds).toLocaleString("en-US")} pairs/s through the store)`,
	);
	console.log(
		`  bytes per pair (SQLite pages): visitor shards ${vBytesPerPair.toFixed(0)}, partner-ID shards ${pBytesPerPair.toFixed(0)}; today's D1 schema ${d1BytesPerPair.toFixed(0)}`,
	);
	console.log(`  rows written per new pair: ${rowsPerNewPair.toFixed(2)} (shards)`);
	console.log(
		`  traits and segments: ${m.traits.visitors.toLocaleString("en-US")} visitors × ${TARGET.traitsPerVisitor} traits, ${TARGET.segmentsPerVisitor} segments (${m.traits.rows.toLocaleString("en-US")} rows) applied in ${m.traits.seconds.toFixed(1)} s; bytes per visitor: visitor shards ${membershipBytesPerVisitor.toFixed(0)}, today's D1 schema ${d1MembershipBytesPerVisitor.toFixed(0)}`,
	);
	console.log(
		`  rows written per trait re-asserted within a day: shards ${(m.traits.reassertRows / traitsAsserted).toFixed(4)} (${traitsAsserted.toLocaleString("en-US")} traits; the change's key is the one row per shard)`,
	);
	console.log(
		`  rows written per refresh within a day: shards ${(m.refreshRows.shards / m.refreshRows.count).toFixed(2)}, D1 now ${(m.refreshRows.d1Now / m.refreshRows.count).toFixed(2)}, D1 before ${(m.refreshRows.d1Before / m.refreshRows.count).toFixed(2)} (${m.refreshRows.count.toLocaleString("en-US")} refreshes)`,
	);
	console.log(
		`  largest ÷ mean shard: sample ${simSkew.visitor.toFixed(2)} / ${simSkew.partnerId.toFixed(2)}; at ${DESIGN.visitorShards}/${DESIGN.partnerIdShards} shards ${sample.visitor.toFixed(2)} / ${sample.partnerId.toFixed(2)} (visitor / partner-ID)`,
	);
	console.log(
		`\n  projected at target (${DESIGN.visitorShards} visitor, ${DESIGN.partnerIdShards} partner-ID shards):`,
	);
	for (const [what, figure, share] of lines)
		console.log(
			`    ${what.padEnd(42)} ${figure.padEnd(18)} ${pct(share).padStart(6)}${share > 0.5 ? "  OVER 50 %" : ""}`,
		);
	console.log("\n  today's single-D1 schema at target, side by side:");
	console.log(
		`    ${"D1 database size (pairs, traits, segments)".padEnd(42)} ${`${gb(d1Today)} of 10 GB`.padEnd(18)} ${pct(d1Today / LIMITS.d1Bytes).padStart(6)}  (full at ${Math.round(LIMITS.d1Bytes / d1BytesPerPair / 1e6)} M pairs alone, ${(LIMITS.d1Bytes / d1BytesPerVisitor / 1e6).toFixed(1)} M visitors with traits and segments)`,
	);
	console.log(
		`    ${"messages/s on the one pair queue".padEnd(42)} ${`${TARGET.ibsPerSecond.toLocaleString("en-US")} of 5,000`.padEnd(18)} ${pct(queuesToday).padStart(6)}`,
	);
	const worstShare = Math.max(...lines.map(([, , share]) => share));
	return { worstShare };
}

const gb = (bytes: number) => `${(bytes / 1e9).toFixed(2)} GB`;
const pct = (share: number) => `${(share * 100).toFixed(1)} %`;

if (import.meta.main) {
	const { worstShare } = await benchShards();
	if (worstShare > 0.5) process.exitCode = 1;
}
