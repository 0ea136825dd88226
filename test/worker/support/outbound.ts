import { introspectWorkflowInstance } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { applyChunk } from "../../../batch/inbound/apply-chunk";
import type { ChunkLine } from "../../../batch/inbound/chunk-decision";
import type { DestinationInput } from "../../../batch/outbound/destinations/schema";
import { putDestination } from "../../../batch/outbound/destinations/store";
import type { InfoFile } from "../../../batch/outbound/runs/info";
import type { Run } from "../../../batch/outbound/runs/schema";
import { startRunNow } from "../../../batch/outbound/runs/start";
import { findRun } from "../../../batch/outbound/runs/store";
import { TAB_TEMPLATE } from "../../../batch/outbound/template/defaults";
import { listSegments, putSegment } from "../../../batch/segments/store";
import { catalogOf } from "../../../batch/traits/catalog";
import { putTrait, traitsOfSource } from "../../../batch/traits/store";
import { pairStoreOf } from "../../../core/graph/select";
import { seedPartner } from "./partners";

export const DPID = 1000;
// Never due during a test: runs start only when a test starts them.
export const NEVER = "0 0 1 1 *";

/** Partner 1000, traits 1–3 and segments 10 = `T1 AND NOT T3`, 11 = `T2`. */
export async function seedSegments(): Promise<void> {
	await seedPartner({ dpid: DPID });
	for (const id of [1, 2, 3]) await putTrait(env.DB, { id, dpid: DPID, name: `t${id}`, rule: null }, 0);
	await putSegment(env.DB, { id: 10, name: "one not three", rule: "T1 AND NOT T3" }, 0);
	await putSegment(env.DB, { id: 11, name: "two", rule: "T2" }, 0);
}

export async function seedDestination(id: number, overrides: Partial<DestinationInput> = {}) {
	return putDestination(
		env.DB,
		id,
		{
			dpid: DPID,
			name: `destination ${id}`,
			segments: [10, 11],
			mode: "iter",
			schedule: NEVER,
			gzip: true,
			splitLines: 1_000_000,
			targets: {},
			summaryEmails: [],
			...overrides,
			pidAlias: overrides.pidAlias ?? null,
			// The run-mechanics suites read the layout destinations saved before templates keep (TAB-separated).
			template: overrides.template ?? TAB_TEMPLATE,
		},
		0,
	);
}

export async function pair(dpuuid: string, uuid: string, at = 1): Promise<void> {
	await pairStoreOf(env).upsert([{ dpid: DPID, dpuuid, uuid, at }], at);
}

let delivery = 0;
/**
 * Applies trait changes at time `at` through the inbound chunk code (UUID-keyed lines), which also
 * evaluates the segments: the same path a partner's file takes.
 */
export async function traitsChange(at: number, changes: Record<string, { add?: number[]; remove?: number[] }>) {
	const catalog = catalogOf(await traitsOfSource(env.DB, DPID));
	const lines: ChunkLine[] = Object.entries(changes).map(([uuid, c], i) => ({
		n: i + 1,
		u: uuid,
		t: uuid,
		s: [
			...(c.add ?? []).map((traitId) => ({ kind: "add" as const, traitId })),
			...(c.remove ?? []).map((traitId) => ({ kind: "remove" as const, traitId })),
		],
	}));
	const target = {
		deliveryId: `scripted-${++delivery}`,
		idSource: DPID,
		idType: "uuid" as const,
		traitSource: DPID,
		mode: "sync" as const,
	};
	await applyChunk(env.DB, pairStoreOf(env), target, 0, lines, catalog, at, await listSegments(env.DB));
}

type Modifier = Parameters<Awaited<ReturnType<typeof introspectWorkflowInstance>>["modify"]>[0];

/**
 * Starts a run as "run now" at time `at` and waits for its workflow to finish; `modify` can inject
 * step failures (retry delays are always off). The run id is `<destination>-<at>` and its workflow
 * instance `outbound-<run id>` (written out here, not computed by the edge's helpers).
 */
export async function runAt(
	destinationId: number,
	at: number,
	expected: "complete" | "errored" = "complete",
	modify?: Modifier,
): Promise<Run> {
	const runId = `${destinationId}-${at}`;
	await using instance = await introspectWorkflowInstance(env.OUTBOUND_WORKFLOW, `outbound-${runId}`);
	await instance.modify(async (m) => m.disableRetryDelays());
	if (modify) await instance.modify(modify);
	const started = await startRunNow(env, destinationId, NEVER, at);
	if (started !== runId) throw new Error(`run ${runId} did not start`);
	await instance.waitForStatus(expected);
	const run = await findRun(env.DB, runId);
	if (!run) throw new Error(`run ${runId} has no record`);
	return run;
}

/** A run's file, read from the partner's own prefix: `<DPID>/outbound/<name>` (written out, not computed). */
export async function outboundBytes(name: string, dpid = DPID): Promise<Uint8Array> {
	const object = await env.EXCHANGE.get(`${dpid}/outbound/${name}`);
	if (!object) throw new Error(`${name} is not in ${dpid}/outbound/`);
	return new Uint8Array(await object.arrayBuffer());
}

/** A data file's lines (gunzipped when .gz), without the final newline's empty entry. */
export async function outboundLines(name: string, dpid = DPID): Promise<string[]> {
	const bytes = await outboundBytes(name, dpid);
	const plain = name.endsWith(".gz")
		? await new Response(new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"))).text()
		: new TextDecoder().decode(bytes);
	return plain === "" ? [] : plain.replace(/\n$/, "").split("\n");
}

export async function infoOfRun(run: Run): Promise<InfoFile> {
	const name = run.files[0]?.name.replace(/^(.*_\d{13})\d*\.sync(\.gz)?$/, "$1.info") ?? "";
	return JSON.parse(new TextDecoder().decode(await outboundBytes(name)));
}

export async function md5Hex(bytes: Uint8Array): Promise<string> {
	const digest = await crypto.subtle.digest("MD5", bytes);
	return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/** The trait that puts a user in each seeded segment (10 = T1 AND NOT T3, 11 = T2). */
const TRAIT_OF_SEGMENT: Record<number, number> = { 10: 1, 11: 2 };

/**
 * Bulk members for volume cases: `count` partner IDs `<prefix><n padded>` paired with their own UUIDs
 * (`u-<id>`), each in `segments` since time 1. Written through the graph store in slices, the way
 * the pair consumer and inbound files write (so it holds on D1 and on the shards alike).
 */
export async function seedBulkMembers(count: number, segments: readonly number[], prefix = "p"): Promise<string[]> {
	const ids = Array.from({ length: count }, (_, i) => `${prefix}${String(i).padStart(7, "0")}`);
	const graph = pairStoreOf(env);
	const defs = (await listSegments(env.DB)).map((s) => ({ id: s.id, tree: s.tree }));
	const traits = segments.map((id) => TRAIT_OF_SEGMENT[id] ?? 0);
	for (let start = 0; start < count; start += 2_000) {
		const slice = ids.slice(start, start + 2_000);
		await graph.upsert(
			slice.map((dpuuid) => ({ dpid: DPID, dpuuid, uuid: `u-${dpuuid}`, at: 1 })),
			1,
		);
		const effects = slice.flatMap((id) => traits.map((trait) => ({ uuid: `u-${id}`, trait, add: true })));
		await graph.applyTraits({ key: `bulk ${prefix} ${start}`, source: DPID, cleared: [], effects }, defs, 1);
	}
	return ids;
}

/** Takes trait `trait` from the bulk members `ids` at `at` (they leave the segments it held them in). */
export function takeBulkTrait(ids: readonly string[], trait: number, at: number): Promise<void> {
	return changeBulkTrait(ids, trait, false, at);
}

/** Gives trait `trait` to the bulk members `ids` at `at` (they enter the segments it makes). */
export function giveBulkTrait(ids: readonly string[], trait: number, at: number): Promise<void> {
	return changeBulkTrait(ids, trait, true, at);
}

async function changeBulkTrait(ids: readonly string[], trait: number, add: boolean, at: number): Promise<void> {
	const defs = (await listSegments(env.DB)).map((s) => ({ id: s.id, tree: s.tree }));
	const effects = ids.map((id) => ({ uuid: `u-${id}`, trait, add }));
	const key = `${add ? "give" : "take"} ${trait} ${at}`;
	await pairStoreOf(env).applyTraits({ key, source: DPID, cleared: [], effects }, defs, at);
}
