import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import { settingsOf } from "../../core/config/settings";
import {
	giveBulkTrait,
	infoOfRun,
	md5Hex,
	outboundBytes,
	outboundLines,
	runAt,
	seedBulkMembers,
	seedDestination,
	seedSegments,
	takeBulkTrait,
} from "./support/outbound";

const AT = 1_800_000_000_000;

beforeEach(async () => {
	await seedSegments();
});

async function readBack(run: Awaited<ReturnType<typeof runAt>>) {
	const info = await infoOfRun(run);
	const lines: string[] = [];
	for (const file of info.Files) {
		const bytes = await outboundBytes(file.FileName);
		expect(file.FileByteSize).toBe(bytes.byteLength);
		expect(file.md5).toBe(await md5Hex(bytes));
		const fileLines = await outboundLines(file.FileName);
		expect(file.FileLineCount).toBe(fileLines.length);
		lines.push(...fileLines);
	}
	return { info, lines };
}

/**
 * A full run's files are the windows its plan cut: each at most the split size and, but the last, more
 * than half of it (on the shards the cuts come from samples; the D1 reference cuts exactly).
 */
function expectWindowedFiles(files: ReadonlyArray<{ name: string; sequence: number; lines: number }>, stem: string) {
	expect(files.length).toBeGreaterThan(1);
	files.forEach((f, i) => {
		expect(f.sequence).toBe(i + 1);
		expect(f.name).toBe(`${stem}${String(i + 1).padStart(3, "0")}.sync.gz`);
		expect(f.lines).toBeGreaterThan(0);
		expect(f.lines).toBeLessThanOrEqual(1_000);
		if (i < files.length - 1) expect(f.lines).toBeGreaterThan(500);
	});
}

describe("split files", () => {
	it("cuts a full run into files of at most the split size, named SPLITNUM 001, 002, … up front, every member once in ID order", async () => {
		const ids = await seedBulkMembers(2_500, [11]);
		await seedDestination(7, { mode: "full", splitLines: 1_000 });
		const run = await runAt(7, AT, "complete", async (m) => {
			// The names come from the plan: file 2 is named before file 1 has a line.
			await m.mockStepResult({ name: "plan files" }, [
				{ after: "", through: ids[999] },
				{ after: ids[999], through: ids[1_999] },
				{ after: ids[1_999], through: null },
			]);
		});
		expect(run.files.map((f) => [f.name, f.sequence, f.lines])).toEqual([
			["R2_7_1000_full_1800000000000001.sync.gz", 1, 1_000],
			["R2_7_1000_full_1800000000000002.sync.gz", 2, 1_000],
			["R2_7_1000_full_1800000000000003.sync.gz", 3, 500],
		]);
		const { info, lines } = await readBack(run);
		expect(info.Totals).toEqual({
			FileName: "R2_7_1000_full_1800000000000.sync",
			TotalByteSize: run.bytes,
			TotalNumberFiles: 3,
			TotalNumberLines: 2_500,
		});
		expect(lines).toEqual(ids.map((id) => `${id}\t11`));
	});

	it("plans the windows where the graph is: at most the split size each, more than half full", async () => {
		const ids = await seedBulkMembers(2_500, [11]);
		await seedDestination(7, { mode: "full", splitLines: 1_000 });
		const run = await runAt(7, AT);
		expectWindowedFiles(run.files, "R2_7_1000_full_1800000000000");
		const { info, lines } = await readBack(run);
		expect(info.Totals).toMatchObject({
			TotalByteSize: run.bytes,
			TotalNumberFiles: run.files.length,
			TotalNumberLines: 2_500,
		});
		expect(lines).toEqual(ids.map((id) => `${id}\t11`));
	});

	it("a file step that fails mid-run is retried from its own task: exact files and lines", async () => {
		const ids = await seedBulkMembers(2_500, [11]);
		await seedDestination(7, { mode: "full", splitLines: 1_000 });
		const run = await runAt(7, AT, "complete", async (m) => {
			await m.mockStepError({ name: "write file 2" }, new Error("R2 went away mid-file"), 2);
			await m.mockStepError({ name: "seal file 1" }, new Error("R2 went away while sealing"), 1);
		});
		expect(run.status).toBe("sent");
		expectWindowedFiles(run.files, "R2_7_1000_full_1800000000000");
		expect((await readBack(run)).lines).toEqual(ids.map((id) => `${id}\t11`));
	});

	it("a run whose file step never succeeds is recorded as failed, frees the destination and leaves no work objects", async () => {
		await seedBulkMembers(10, [11]);
		await seedDestination(7, { mode: "iter" });
		const run = await runAt(7, AT, "errored", async (m) => {
			await m.mockStepError({ name: "seal file 1" }, new Error("R2 is down"));
		});
		expect(run).toMatchObject({ status: "failed", error: "R2 is down" });
		const state = await env.DB.prepare(
			"SELECT running_run, sent_until FROM destination_state WHERE destination_id = 7",
		).first();
		expect(state).toEqual({ running_run: null, sent_until: 0 });
		expect((await env.EXCHANGE.list({ prefix: "work/outbound/" })).objects).toEqual([]);
	});

	it("never writes an empty file when the members fill the files exactly", async () => {
		await seedBulkMembers(2_000, [10, 11]);
		await seedDestination(7, { mode: "full", splitLines: 1_000 });
		const run = await runAt(7, AT);
		expectWindowedFiles(run.files, "R2_7_1000_full_1800000000000");
		expect(run.lines).toBe(2_000);
	});

	it("keeps a run that fits in one file unsplit: no SPLITNUM", async () => {
		await seedBulkMembers(1_000, [10]);
		await seedDestination(7, { mode: "full", splitLines: 1_000 });
		const run = await runAt(7, AT);
		expect(run.files.map((f) => f.name)).toEqual(["R2_7_1000_full_1800000000000.sync.gz"]);
		expect((await readBack(run)).lines).toHaveLength(1_000);
	});

	it("cuts an iter run by lines: files of exactly the split size, and one unsplit file when the changes fit", async () => {
		const ids = await seedBulkMembers(1_500, [11]);
		await seedDestination(7, { mode: "iter", splitLines: 1_000 });
		const first = await runAt(7, AT);
		expect(first.lines).toBe(1_500);
		await takeBulkTrait(ids, 2, AT + 60_000);
		const busy = await runAt(7, AT + 10 * 60_000);
		const stem = "R2_7_1000_iter_1800000600000";
		expect(busy.files.map((f) => [f.name, f.lines])).toEqual([
			[`${stem}001.sync.gz`, 1_000],
			[`${stem}002.sync.gz`, 500],
		]);
		expect((await readBack(busy)).lines).toEqual(ids.map((id) => `${id}\t\t11`));
		await giveBulkTrait(ids.slice(0, 800), 2, AT + 11 * 60_000);
		const next = await runAt(7, AT + 20 * 60_000);
		expect(next.files.map((f) => [f.name, f.lines])).toEqual([["R2_7_1000_iter_1800001200000.sync.gz", 800]]);
		expect((await readBack(next)).lines).toEqual(ids.slice(0, 800).map((id) => `${id}\t11`));
	});

	it("writes a large file over several steps, each within the shard-call budget, and survives a failed middle step", async () => {
		// OUTBOUND_STEP_SUBREQUESTS=1 and OUTBOUND_PAGE_IDS=10000 in the tests: one listing page (about 10,000
		// to 20,000 IDs) per step.
		const ids = await seedBulkMembers(25_000, [10]);
		await seedDestination(7, { mode: "full" });
		const run = await runAt(7, AT, "complete", async (m) => {
			await m.mockStepError({ name: "write file 1 part 2" }, new Error("R2 went away between pages"), 2);
		});
		expect(run.files.map((f) => [f.name, f.lines])).toEqual([["R2_7_1000_full_1800000000000.sync.gz", 25_000]]);
		const { lines } = await readBack(run);
		expect(lines).toEqual(ids.map((id) => `${id}\t10`));
		// The file's text and the rests between its steps are gone once the .info is written.
		expect((await env.EXCHANGE.list({ prefix: "work/outbound/" })).objects).toEqual([]);
		const failed = await runAt(7, AT + 60_000, "errored", async (m) => {
			await m.mockStepError({ name: "write file 1 part 2" }, new Error("the second page has a step of its own"));
		});
		expect(failed.error).toBe("the second page has a step of its own");
	});

	it("streams a file larger than one R2 part (5 MiB) as a multipart upload with one MD5 over all of it", async () => {
		// 60,000 lines of ~110 bytes, uncompressed: about 6.5 MB, two parts.
		const prefix = "x".repeat(100);
		const ids = await seedBulkMembers(60_000, [10, 11], prefix);
		await seedDestination(8, { mode: "full", gzip: false });
		const run = await runAt(8, AT);
		expect(run.files).toHaveLength(1);
		expect(run.bytes).toBeGreaterThan(5 * 1024 * 1024);
		const { lines } = await readBack(run);
		expect(lines.length).toBe(60_000);
		expect(lines[0]).toBe(`${ids[0]}\t10,11`);
		expect(lines.at(-1)).toBe(`${ids.at(-1)}\t10,11`);
	});
});

describe("OUTBOUND_PAGE_IDS", () => {
	const withPageIds = (value: string | undefined) => ({ ...env, OUTBOUND_PAGE_IDS: value }) as unknown as Env;

	it("defaults to pages of 50,000 partner IDs; the tests run with 10,000", () => {
		expect(settingsOf(withPageIds(undefined)).outboundPageIds).toBe(50_000);
		expect(settingsOf(env).outboundPageIds).toBe(10_000);
	});

	it("refuses pages under 1,000 (an ID's up to 500 rows fit one D1 page) or over 100,000 (one page in memory)", () => {
		for (const value of ["999", "100001", "ten"]) {
			expect(() => settingsOf(withPageIds(value))).toThrow(/invalid edgesync configuration[\s\S]*outboundPageIds/);
		}
		expect(settingsOf(withPageIds("1000")).outboundPageIds).toBe(1_000);
		expect(settingsOf(withPageIds("100000")).outboundPageIds).toBe(100_000);
	});
});
