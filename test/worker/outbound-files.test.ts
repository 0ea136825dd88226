import { introspectWorkflowInstance } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import { dataFileName } from "../../batch/outbound/runs/naming";
import type { Run } from "../../batch/outbound/runs/schema";
import { startRunNow } from "../../batch/outbound/runs/start";
import { findRun } from "../../batch/outbound/runs/store";
import { runSummaryMail } from "../../batch/outbound/runs/summary-mail";
import { AAM_DEFAULT_TEMPLATE } from "../../batch/outbound/template/defaults";
import { pairStoreOf } from "../../core/graph/select";
import { call } from "./support/edge";
import { captureLogs } from "./support/log-lines";
import {
	DPID,
	giveBulkTrait,
	infoOfRun,
	NEVER,
	outboundBytes,
	outboundLines,
	pair,
	runAt,
	seedBulkMembers,
	seedDestination,
	seedSegments,
	traitsChange,
} from "./support/outbound";
import { seedPartner } from "./support/partners";

const U = (n: number) => String(n).repeat(38);
const MIN = 60_000;
const T0 = 1_800_000_000_000;

beforeEach(async () => {
	await seedSegments();
	await pair("pa", U(1));
	await pair("pb", U(2));
	await pair("pc", U(3));
});

async function linesOf(destinationId: number, at: number) {
	const run = await runAt(destinationId, at);
	expect(run.status).toBe("sent");
	expect(run.files).toHaveLength(1);
	return outboundLines(run.files[0]?.name ?? "");
}

describe("full files", () => {
	it("list every paired member with its mapped segments as of the run, in partner-ID order", async () => {
		// U4 is in segment 10 but has no pair with the partner: the file cannot name it.
		await traitsChange(T0, {
			[U(3)]: { add: [2] },
			[U(1)]: { add: [1, 2] },
			[U(2)]: { add: [1, 3] },
			[U(4)]: { add: [1] },
		});
		await seedDestination(1, { mode: "full" });
		const run = await runAt(1, T0 + 10 * MIN);
		expect(run).toMatchObject({ id: "1-1800000600000", status: "sent", mode: "full", trigger: "manual", lines: 2 });
		expect(run.files.map((f) => f.name)).toEqual(["R2_1_1000_full_1800000600000.sync.gz"]);
		expect(await outboundLines(run.files[0]?.name ?? "")).toEqual(["pa\t10,11", "pc\t11"]);
		// In the partner's own prefix, and nowhere else.
		const keys = (await env.EXCHANGE.list()).objects.map((o) => o.key);
		expect(keys).toEqual([
			"1000/outbound/R2_1_1000_full_1800000600000.info",
			"1000/outbound/R2_1_1000_full_1800000600000.sync.gz",
		]);
		expect(run.outcomes).toEqual({ r2: { status: "sent", target: "1000/outbound/", files: 2 } });
	});

	it("only carry the destination's own segments and repeat unchanged members every time", async () => {
		await traitsChange(T0, { [U(1)]: { add: [1, 2] }, [U(3)]: { add: [2] } });
		await seedDestination(2, { mode: "full", segments: [11] });
		expect(await linesOf(2, T0 + 10 * MIN)).toEqual(["pa\t11", "pc\t11"]);
		expect(await linesOf(2, T0 + 20 * MIN)).toEqual(["pa\t11", "pc\t11"]);
	});

	it("leave out changes of the last minute before the run (they go to the next one)", async () => {
		await traitsChange(T0, { [U(1)]: { add: [2] } });
		await traitsChange(T0 + 9.5 * MIN, { [U(3)]: { add: [2] } });
		await seedDestination(1, { mode: "full" });
		expect(await linesOf(1, T0 + 10 * MIN)).toEqual(["pa\t11"]);
		expect(await linesOf(1, T0 + 11 * MIN)).toEqual(["pa\t11", "pc\t11"]);
	});
});

describe("iter files for a scripted history of trait changes", () => {
	it("list additions and removals since the last successful run, and nothing else", async () => {
		await seedDestination(1);
		await traitsChange(T0, { [U(1)]: { add: [1, 2] }, [U(2)]: { add: [1] }, [U(3)]: { add: [2] } });
		// First run: everyone in a mapped segment, no removals.
		expect(await linesOf(1, T0 + 10 * MIN)).toEqual(["pa\t10,11", "pb\t10", "pc\t11"]);

		const T1 = T0 + 20 * MIN;
		await pair("pd", U(4), T1);
		await traitsChange(T1, {
			[U(1)]: { add: [3] }, // leaves 10 (T1 AND NOT T3), stays in 11
			[U(3)]: { remove: [2] }, // leaves 11, in no segment now
			[U(4)]: { add: [2] }, // new member
		});
		// Within the last minute before the next run: belongs to the run after it.
		await traitsChange(T1 + 9.5 * MIN, { [U(2)]: { add: [2] } });
		expect(await linesOf(1, T1 + 10 * MIN)).toEqual(["pa\t11\t10", "pc\t\t11", "pd\t11"]);
		expect(await linesOf(1, T1 + 20 * MIN)).toEqual(["pb\t10,11"]);
	});

	it("write an empty file and its .info when nothing changed", async () => {
		await seedDestination(1);
		await traitsChange(T0, { [U(1)]: { add: [2] } });
		await linesOf(1, T0 + 10 * MIN);
		const quiet = await runAt(1, T0 + 20 * MIN);
		expect(quiet).toMatchObject({ status: "sent", lines: 0 });
		expect(await outboundLines(quiet.files[0]?.name ?? "")).toEqual([]);
		const info = await infoOfRun(quiet);
		expect(info.Totals).toMatchObject({
			TotalNumberFiles: 1,
			TotalNumberLines: 0,
			TotalByteSize: quiet.files[0]?.bytes,
		});
		// A valid gzip member even with no content.
		expect(quiet.files[0]?.bytes).toBeGreaterThan(0);
	});

	it("list a user again when the partner ID is newly paired, with the segments it already had", async () => {
		await seedDestination(1);
		await traitsChange(T0, { [U(2)]: { add: [1] } });
		await linesOf(1, T0 + 10 * MIN);
		await pair("pb-phone", U(2), T0 + 15 * MIN);
		expect(await linesOf(1, T0 + 20 * MIN)).toEqual(["pb-phone\t10"]);
	});

	it("a destination with no members at all gets an empty file plus .info, not an error", async () => {
		await seedDestination(1, { mode: "full" });
		const run = await runAt(1, T0);
		expect(run).toMatchObject({ status: "sent", lines: 0, error: null });
		expect((await infoOfRun(run)).Files).toHaveLength(1);
	});
});

describe("iter files after the destination lists other members", () => {
	const ADMIN = {
		Authorization: "Bearer test-admin-token-9Qm2xK7vR4pL8sT1wZ6yB3nD",
		"Content-Type": "application/json",
	};
	/** A replace through the admin API, as the operator makes it (the stored template stays). */
	const putOverApi = (id: number, changes: Record<string, unknown>) =>
		call(`/api/v1/destinations/${id}`, {
			method: "PUT",
			headers: ADMIN,
			body: JSON.stringify({ dpid: DPID, name: "d", segments: [10], mode: "iter", schedule: NEVER, ...changes }),
		});

	beforeEach(async () => {
		await traitsChange(T0, { [U(1)]: { add: [1, 2] }, [U(2)]: { add: [1] }, [U(3)]: { add: [2] } });
		await seedDestination(1, { segments: [10] });
		expect(await linesOf(1, T0 + 10 * MIN)).toEqual(["pa\t10", "pb\t10"]);
	});

	it("list every member again, like a first run, once a segment is added: its members were never sent", async () => {
		expect((await putOverApi(1, { segments: [10, 11] })).status).toBe(200);
		const run = await runAt(1, T0 + 20 * MIN);
		expect(run.since).toBe(0);
		expect(await outboundLines(run.files[0]?.name ?? "")).toEqual(["pa\t10,11", "pb\t10", "pc\t11"]);
		// Then changes only again.
		expect(await linesOf(1, T0 + 30 * MIN)).toEqual([]);
	});

	it("list every member of the new partner once the destination moves to it", async () => {
		await seedPartner({ dpid: 2000 });
		await pairStoreOf(env).upsert([{ dpid: 2000, dpuuid: "qa", uuid: U(1), at: 1 }], 1);
		expect((await putOverApi(1, { dpid: 2000 })).status).toBe(200);
		const run = await runAt(1, T0 + 20 * MIN);
		expect(run).toMatchObject({ dpid: 2000, since: 0 });
		expect(await outboundLines(run.files[0]?.name ?? "", 2000)).toEqual(["qa\t10"]);
	});

	it("keep listing changes only when the partner and the set of segments stay (renamed, segments reordered)", async () => {
		expect((await putOverApi(1, { segments: [10, 11] })).status).toBe(200);
		await linesOf(1, T0 + 20 * MIN);
		expect((await putOverApi(1, { name: "renamed", segments: [11, 10] })).status).toBe(200);
		expect(await linesOf(1, T0 + 30 * MIN)).toEqual([]);
	});

	it("list every member on the next run when a segment is added while a run is under way", async () => {
		const runId = `1-${T0 + 20 * MIN}`;
		await using instance = await introspectWorkflowInstance(env.OUTBOUND_WORKFLOW, `outbound-${runId}`);
		await instance.modify(async (m) => m.disableRetryDelays());
		expect(await startRunNow(env, 1, NEVER, T0 + 20 * MIN)).toBe(runId);
		expect((await putOverApi(1, { segments: [10, 11] })).status).toBe(200);
		await instance.waitForStatus("complete");
		expect(await findRun(env.DB, runId)).toMatchObject({ status: "sent" });
		// Whether that run was planned before or after the change, it must not move the watermark past it.
		const next = await runAt(1, T0 + 30 * MIN);
		expect(next.since).toBe(0);
		expect(await outboundLines(next.files[0]?.name ?? "")).toEqual(["pa\t10,11", "pb\t10", "pc\t11"]);
	});
});

describe("opt-outs", () => {
	it("a visitor who opts out appears once, in the next iter file, as removed from all its segments", async () => {
		await seedDestination(1);
		await seedDestination(2, { mode: "full" });
		await traitsChange(T0, { [U(1)]: { add: [1, 2] }, [U(2)]: { add: [2] } });
		await linesOf(1, T0 + 10 * MIN);
		await pairStoreOf(env).forgetVisitor(U(1), T0 + 15 * MIN);
		expect(await linesOf(1, T0 + 20 * MIN)).toEqual(["pa\t\t10,11"]);
		expect(await linesOf(1, T0 + 30 * MIN)).toEqual([]);
		expect(await linesOf(2, T0 + 30 * MIN)).toEqual(["pb\t11"]);
		// Even a later change of other traits never brings the opted-out ID back.
		await traitsChange(T0 + 35 * MIN, { [U(2)]: { add: [1] } });
		expect(await linesOf(1, T0 + 40 * MIN)).toEqual(["pb\t10,11"]);
	});

	it("an opt-out from one partner removes that partner ID from every segment it was sent in", async () => {
		await seedDestination(1);
		await traitsChange(T0, { [U(2)]: { add: [1, 2] } });
		await linesOf(1, T0 + 10 * MIN);
		await pairStoreOf(env).forgetPartnerId(DPID, "pb", T0 + 15 * MIN);
		expect(await linesOf(1, T0 + 20 * MIN)).toEqual(["pb\t\t10,11"]);
		expect(await linesOf(1, T0 + 30 * MIN)).toEqual([]);
	});

	it("an opt-out before the destination's first run is not listed (the partner never had it)", async () => {
		await seedDestination(1);
		await traitsChange(T0, { [U(1)]: { add: [2] }, [U(3)]: { add: [2] } });
		await pairStoreOf(env).forgetVisitor(U(1), T0 + 5 * MIN);
		expect(await linesOf(1, T0 + 10 * MIN)).toEqual(["pc\t11"]);
	});
});

// A partner user ID may hold anything but control characters (SPEC), and a visitor chooses the one it
// syncs: `/ibs?dpid=1000&dpuuid=victim%2010` pairs `victim 10`, whose line in AAM's default layout,
// `victim 10 11`, the partner would read as ID victim in segment 10.
describe("partner IDs the output template's layout cannot carry", () => {
	it("forge no line: left out of full and iter files alike, counted in the run, the .info and one log line without the ID", async () => {
		await pair("victim", U(4));
		await pair("victim 10", U(5));
		await traitsChange(T0, { [U(1)]: { add: [1] }, [U(4)]: { add: [2] }, [U(5)]: { add: [2] } });
		await seedDestination(1, { mode: "full", template: AAM_DEFAULT_TEMPLATE });
		await seedDestination(2, { mode: "iter", template: AAM_DEFAULT_TEMPLATE });
		const log = captureLogs();
		const full = await runAt(1, T0 + 10 * MIN);
		expect(await outboundLines(full.files[0]?.name ?? "")).toEqual(["pa 10", "victim 11"]);
		expect(full).toMatchObject({ status: "sent", lines: 2, unwritableIds: 1 });
		expect(full.files[0]?.unwritableIds).toBe(1);
		expect((await infoOfRun(full)).edgesync.unwritableIds).toBe(1);
		expect(runSummaryMail(full, "d1", "runs@edge.example", ["ops@edge.example"])).toContain(
			"Partner IDs left out: 1 (",
		);
		const first = await runAt(2, T0 + 10 * MIN);
		expect(await outboundLines(first.files[0]?.name ?? "")).toEqual(["pa 10", "victim 11"]);
		expect(first).toMatchObject({ lines: 2, unwritableIds: 1 });
		// The forged ID's visitor leaves 11: its removal line is left out too.
		await traitsChange(T0 + 20 * MIN, { [U(1)]: { add: [2] }, [U(5)]: { remove: [2] } });
		const next = await runAt(2, T0 + 30 * MIN);
		expect(await outboundLines(next.files[0]?.name ?? "")).toEqual(["pa 10,11"]);
		expect(next).toMatchObject({ lines: 1, unwritableIds: 1 });
		expect(log.events("outbound.unwritable_ids").map((l) => [l.runId, l.unwritableIds, l.level])).toEqual([
			[full.id, 1, "warn"],
			[first.id, 1, "warn"],
			[next.id, 1, "warn"],
		]);
		expect(log.text()).not.toContain("victim");
	});

	it("drop such an ID from DP_UUID_LIST, and count each ID once across split files", async () => {
		const members = await seedBulkMembers(1_500, [11], "s");
		// Each on the visitor of a bulk member: "s0000999 x" sorts right after the 1,000th line.
		await pair("s0000999 x", "u-s0000999");
		await pair("s0001200,y", "u-s0001200");
		const template = '<DP_UUID> <DP_UUID_LIST; separator=","> <SEGMENT_LIST; separator=",">';
		await seedDestination(1, { mode: "iter", splitLines: 1_000, template });
		const linesOfRun = async (run: Run) => (await Promise.all(run.files.map((f) => outboundLines(f.name)))).flat();
		// Each unwritable ID is left out of its own line and of its visitor's other line's list: 2 each.
		const baseline = await runAt(1, T0 + 10 * MIN);
		expect(await linesOfRun(baseline)).toEqual(members.map((id) => `${id} ${id} 11`));
		expect(baseline).toMatchObject({ lines: 1_500, unwritableIds: 4 });
		// Every member enters 10: the iter run is cut by lines, 1,000 and 500, the same page read by both.
		await giveBulkTrait(members, 1, T0 + 20 * MIN);
		const run = await runAt(1, T0 + 30 * MIN);
		expect(await linesOfRun(run)).toEqual(members.map((id) => `${id} ${id} 10,11`));
		expect(run.files.map((f) => [f.lines, f.unwritableIds])).toEqual([
			[1_000, 2],
			[500, 2],
		]);
		expect(run).toMatchObject({ lines: 1_500, unwritableIds: 4 });
	});
});

/** The keys of AAM's documented .info example, in its order. */
const AAM_FILE_KEYS = ["FileByteSize", "FileLineCount", "FileName", "FileSequenceNumber", "md5"];
const AAM_TOTALS_KEYS = ["FileName", "TotalByteSize", "TotalNumberFiles", "TotalNumberLines"];

describe("file names as AAM documents them", () => {
	it("builds AAM's example names (Outbound Data File Name: Scenario 1 and 2) from the same parts", () => {
		const naming = {
			syncType: "S3",
			destinationId: 1234,
			dpid: 20914,
			mode: "iter" as const,
			timestamp: 1486140844000,
		};
		const withAlias = { ...naming, pidAlias: "XYZCustomer", gzip: true };
		expect(dataFileName(withAlias, 1, false)).toBe("S3_1234_20914_XYZCustomer_iter_1486140844000.sync.gz");
		expect(dataFileName(withAlias, 2, true)).toBe("S3_1234_20914_XYZCustomer_iter_1486140844000002.sync.gz");
		const ftp = {
			...naming,
			syncType: "ftp",
			dpid: 20915,
			mode: "full" as const,
			timestamp: 1486140843000,
			gzip: true,
		};
		expect(dataFileName(ftp, 1, true)).toBe("ftp_1234_20915_full_1486140843000001.sync.gz");
	});

	it("a destination's PID alias goes into every file name and the .info of its runs", async () => {
		await traitsChange(T0, { [U(1)]: { add: [1, 2] } });
		await seedDestination(3, { mode: "full", gzip: false, pidAlias: "XYZCustomer" });
		const run = await runAt(3, T0 + 10 * MIN);
		expect(run.files.map((f) => f.name)).toEqual(["R2_3_1000_XYZCustomer_full_1800000600000.sync"]);
		const info = await infoOfRun(run);
		expect(info.Totals.FileName).toBe("R2_3_1000_XYZCustomer_full_1800000600000.sync");
		expect(await env.EXCHANGE.head("1000/outbound/R2_3_1000_XYZCustomer_full_1800000600000.info")).not.toBeNull();
	});
});

describe("the .info control file", () => {
	it("is AAM's transfer-control file: its keys exactly, matching the data file read back", async () => {
		await traitsChange(T0, { [U(1)]: { add: [1, 2] }, [U(2)]: { add: [1] }, [U(3)]: { add: [2] } });
		await seedDestination(3, { mode: "full", gzip: false });
		const run = await runAt(3, T0 + 10 * MIN);
		const name = "R2_3_1000_full_1800000600000.sync";
		expect(new TextDecoder().decode(await outboundBytes(name))).toBe("pa\t10,11\npb\t10\npc\t11\n");
		// The whole control file, as a partner reads it (MD5 of the 21 bytes above).
		const file = {
			name,
			sequence: 1,
			bytes: 21,
			lines: 3,
			md5: "61f946a02a5e517afac0b109f5e89b2d",
			unwritableIds: 0,
		};
		const info = await infoOfRun(run);
		expect(info).toEqual({
			Files: [{ FileByteSize: 21, FileLineCount: 3, FileName: name, FileSequenceNumber: 1, md5: file.md5 }],
			Totals: {
				FileName: "R2_3_1000_full_1800000600000.sync",
				TotalByteSize: 21,
				TotalNumberFiles: 1,
				TotalNumberLines: 3,
			},
			edgesync: {
				run: "3-1800000600000",
				destination: { id: 3, name: "destination 3" },
				dpid: DPID,
				mode: "full",
				timestamp: 1_800_000_600_000,
				since: 0,
				until: 1_800_000_540_000,
				unwritableIds: 0,
			},
		});
		// Key for key as AAM's documented example ("Transfer-Control Files for Log File Transfers").
		expect(Object.keys(info).slice(0, 2)).toEqual(["Files", "Totals"]);
		expect(Object.keys(info.Files[0] ?? {})).toEqual(AAM_FILE_KEYS);
		expect(Object.keys(info.Totals)).toEqual(AAM_TOTALS_KEYS);
		expect(run.files).toEqual([file]);
		expect(run.bytes).toBe(21);
	});
});
