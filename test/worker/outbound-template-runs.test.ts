// Output templates through the admin API and real runs (D1, R2, Workflows): what a destination saves,
// what its files hold, its header, the preview, and the layout destinations saved before templates keep.

import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import { AAM_DEFAULT_TEMPLATE, TAB_TEMPLATE } from "../../batch/outbound/template/defaults";
import { putTrait } from "../../batch/traits/store";
import { pairStoreOf } from "../../core/graph/select";
import { call } from "./support/edge";
import {
	DPID,
	infoOfRun,
	NEVER,
	outboundLines,
	pair,
	runAt,
	seedBulkMembers,
	seedSegments,
	traitsChange,
} from "./support/outbound";

const ADMIN = { Authorization: "Bearer test-admin-token-9Qm2xK7vR4pL8sT1wZ6yB3nD", "Content-Type": "application/json" };
const U = (n: number) => String(n).repeat(38);
const MIN = 60_000;
const T0 = 1_800_000_000_000;

function put(id: number, body: Record<string, unknown>) {
	const destination = { dpid: DPID, name: `d${id}`, segments: [10, 11], mode: "iter", schedule: NEVER, ...body };
	return call(`/api/v1/destinations/${id}`, { method: "PUT", headers: ADMIN, body: JSON.stringify(destination) });
}
const post = (path: string, body: unknown, headers: Record<string, string> = ADMIN) =>
	call(`/api/v1${path}`, { method: "POST", headers, body: JSON.stringify(body) });

beforeEach(async () => {
	await seedSegments();
	await pair("pa", U(1));
	await pair("pb", U(2));
	await pair("pa2", U(1));
	await traitsChange(T0, { [U(1)]: { add: [1, 2] }, [U(2)]: { add: [1, 3] } });
});

describe("a destination's output template", () => {
	it("defaults to AAM's default contents: ID, space, segments (space, removed segments when any)", async () => {
		const saved = await (await put(1, {})).json<{ template: string; header: string | null }>();
		expect(saved).toMatchObject({ template: AAM_DEFAULT_TEMPLATE, header: null });
		expect(await outboundLines((await runAt(1, T0 + 10 * MIN)).files[0]?.name ?? "")).toEqual([
			"pa 10,11",
			"pa2 10,11",
		]);
		await traitsChange(T0 + 20 * MIN, { [U(1)]: { remove: [1] } });
		expect(await outboundLines((await runAt(1, T0 + 30 * MIN)).files[0]?.name ?? "")).toEqual([
			"pa 11 10",
			"pa2 11 10",
		]);
	});

	it("writes UUID, DP_UUID_LIST, TRAIT_LIST and a header, and the .info counts the header's lines", async () => {
		const template =
			'<DP_UUID>|<UUID>|<DP_UUID_LIST; separator=",">|<SEGMENT_LIST; separator=",">|<REMOVED_SEGMENT_LIST; separator=",">|<TRAIT_LIST:{t|<t.traitId>@<t.lastRealized>}; separator=",">';
		const header =
			"<ORDER_ID><TAB><SYNC_MODE><TAB><SYNC_TYPE><TAB><TIMESTAMP><NEW_LINE>id|visitor|ids|segments|removed|traits";
		expect((await put(2, { template, header })).status).toBe(200);
		// pc holds T2 (segment 11), T3 (only ever NOT T3, in segment 10's rule) and T4 (in no rule).
		await putTrait(env.DB, { id: 4, dpid: DPID, name: "t4", rule: null }, 0);
		await pair("pc", U(3));
		await traitsChange(T0, { [U(3)]: { add: [2, 3, 4] } });
		const run = await runAt(2, T0 + 10 * MIN);
		const lines = await outboundLines(run.files[0]?.name ?? "");
		// TRAIT_LIST names the traits the member's segments name outside NOT: T1 for 10, T2 for 11.
		expect(lines).toEqual([
			`2\titer\tR2\t${(T0 + 10 * MIN) / 1000}`,
			"id|visitor|ids|segments|removed|traits",
			`pa|${U(1)}|pa,pa2|10,11||1@${T0},2@${T0}`,
			`pa2|${U(1)}|pa,pa2|10,11||1@${T0},2@${T0}`,
			`pc|${U(3)}|pc|11||2@${T0}`,
		]);
		const info = await infoOfRun(run);
		expect(info.Files[0]?.FileLineCount).toBe(5);
		expect(info.Totals.TotalNumberLines).toBe(5);
	});

	it("names no visitor on an opted-out partner ID's removal line", async () => {
		await put(3, { template: '<DP_UUID>|<UUID>|<DP_UUID_LIST>|<REMOVED_SEGMENT_LIST; separator=",">' });
		await runAt(3, T0 + 10 * MIN);
		await pairStoreOf(env).forgetPartnerId(DPID, "pa2", T0 + 15 * MIN);
		const lines = await outboundLines((await runAt(3, T0 + 30 * MIN)).files[0]?.name ?? "");
		expect(lines).toEqual(["pa2|||10,11"]);
	});

	it("names at most 100 of the partner's IDs in DP_UUID_LIST, each ID still on a line of its own", async () => {
		const ids = Array.from({ length: 150 }, (_, i) => `m${String(i).padStart(3, "0")}`);
		await pairStoreOf(env).upsert(
			ids.map((dpuuid) => ({ dpid: DPID, dpuuid, uuid: U(5), at: 1 })),
			1,
		);
		await traitsChange(T0, { [U(5)]: { add: [2] } });
		await put(4, { mode: "full", template: '<DP_UUID> <DP_UUID_LIST; separator=",">' });
		const lines = (await outboundLines((await runAt(4, T0 + 10 * MIN)).files[0]?.name ?? "")).filter((l) =>
			l.startsWith("m"),
		);
		expect(lines).toHaveLength(150);
		for (const line of lines) expect(line.split(" ")[1]).toBe(ids.slice(0, 100).join(","));
	});

	it("starts every split file with the header; the split size counts member lines", async () => {
		const members = await seedBulkMembers(2_500, [11], "s");
		await put(9, { splitLines: 1_000, header: "<SYNC_TYPE><TAB><ORDER_ID><NEW_LINE>id segments" });
		const run = await runAt(9, T0 + 10 * MIN);
		// The first run is a baseline: files cut by ranges of IDs, each at most the split size of members.
		expect(run.files.length).toBeGreaterThan(2);
		const files = await Promise.all(run.files.map((f) => outboundLines(f.name)));
		for (const lines of files) {
			expect(lines.slice(0, 2)).toEqual(["R2\t9", "id segments"]);
			expect(lines.length - 2).toBeLessThanOrEqual(1_000);
		}
		const memberLines = files.flatMap((lines) => lines.slice(2));
		expect(memberLines.filter((l) => l.startsWith("s"))).toEqual(members.map((id) => `${id} 11`));
		expect(memberLines).toHaveLength(2_502);
		const info = await infoOfRun(run);
		expect(info.Files.map((f) => f.FileLineCount)).toEqual(files.map((lines) => lines.length));
		expect(info.Totals.TotalNumberLines).toBe(2_502 + 2 * files.length);
	});

	it("is checked when saved: a 400 that names the macro and where it is, and nothing saved", async () => {
		const res = await put(5, { template: "<DP_UUID><TAB><MCID>" });
		expect(res.status).toBe(400);
		expect(await res.text()).toMatch(
			/template: MCID is not available: edgesync has no Experience Cloud ID.*at character 16/,
		);
		const header = await put(5, { header: "<DP_UUID>" });
		expect(header.status).toBe(400);
		expect(await header.text()).toMatch(/header: DP_UUID describes a member: not in a header/);
		expect((await call("/api/v1/destinations/5", { headers: ADMIN })).status).toBe(404);
	});

	it("a replace without template or header keeps the stored ones; header null clears it", async () => {
		await put(6, { template: TAB_TEMPLATE, header: "<ORDER_ID>" });
		const kept = await (await put(6, { name: "renamed" })).json<{ template: string; header: string | null }>();
		expect(kept).toMatchObject({ template: TAB_TEMPLATE, header: "<ORDER_ID>" });
		const cleared = await (await put(6, { header: null })).json<{ template: string; header: string | null }>();
		expect(cleared).toMatchObject({ template: TAB_TEMPLATE, header: null });
	});

	it("a destination saved before templates (migration 0019) keeps its TAB-separated layout", async () => {
		await env.DB.prepare(
			`INSERT INTO destinations (id, dpid, name, segments, mode, schedule, gzip, split_lines, targets, summary_emails, created_at, updated_at)
			VALUES (7, ?1, 'old', '[10,11]', 'full', ?2, 1, 1000000, '{}', '[]', 0, 0)`,
		)
			.bind(DPID, NEVER)
			.run();
		const old = await (await call("/api/v1/destinations/7", { headers: ADMIN })).json<{ template: string }>();
		expect(old.template).toBe(TAB_TEMPLATE);
		expect(await outboundLines((await runAt(7, T0 + 10 * MIN)).files[0]?.name ?? "")).toEqual([
			"pa\t10,11",
			"pa2\t10,11",
		]);
	});
});

describe("template preview (admin API)", () => {
	it("renders an unsaved template against given members, with the header and the mode's warnings", async () => {
		const res = await post("/destination-preview", {
			template: '<DP_UUID><TAB><SEGMENT_LIST; separator=",">',
			header: "<SYNC_MODE>",
			mode: "iter",
			samples: [
				{ dpuuid: "x1", segments: [5, 3] },
				{ dpuuid: "x2", removed: [3] },
			],
		});
		expect(res.status).toBe(200);
		expect(await res.json()).toEqual({
			header: ["iter"],
			lines: ["x1\t3,5", "x2\t"],
			warnings: [
				"an iter file written with this template cannot tell the partner which segments a member left (REMOVED_SEGMENT_LIST)",
			],
		});
	});

	it("renders a saved destination's template against members made from its segments", async () => {
		await put(8, { template: '<ORDER_ID>:<DP_UUID>:<SEGMENT_LIST; separator="+">:<REMOVED_SEGMENT_LIST>' });
		const res = await post("/destination-preview/8", {});
		expect(await res.json()).toEqual({
			header: [],
			lines: ["8:partner-user-1:10+11:", "8:partner-user-2::10"],
			warnings: [],
		});
	});

	it("refuses a bad template (400), an unknown destination (404) and a caller without the admin token (401)", async () => {
		const bad = await post("/destination-preview", { template: "<DP_UUID><if(SEGMENT_LIST)>" });
		expect(bad.status).toBe(400);
		expect(await bad.text()).toMatch(/template: <if\(…\)> without <endif>/);
		expect((await post("/destination-preview/99", {})).status).toBe(404);
		const stranger = await post("/destination-preview", {}, { "Content-Type": "application/json" });
		expect(stranger.status).toBe(401);
	});
});
