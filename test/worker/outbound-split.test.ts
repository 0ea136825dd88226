import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import {
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
	for (const file of info.files) {
		const bytes = await outboundBytes(file.name);
		expect(file.bytes).toBe(bytes.byteLength);
		expect(file.md5).toBe(await md5Hex(bytes));
		const fileLines = await outboundLines(file.name);
		expect(file.lines).toBe(fileLines.length);
		lines.push(...fileLines);
	}
	return { info, lines };
}

describe("split files", () => {
	it("split at the configured size into SPLITNUM 001, 002, … with every member exactly once", async () => {
		const ids = await seedBulkMembers(2_500, [11]);
		await seedDestination(7, { mode: "full", splitLines: 1_000 });
		const run = await runAt(7, AT);
		const stem = "R2_7_1000_full_1800000000000";
		expect(run.files.map((f) => [f.name, f.sequence, f.lines])).toEqual([
			[`${stem}001.sync.gz`, 1, 1_000],
			[`${stem}002.sync.gz`, 2, 1_000],
			[`${stem}003.sync.gz`, 3, 500],
		]);
		const { info, lines } = await readBack(run);
		expect(info.totals).toEqual({ files: 3, lines: 2_500, bytes: run.bytes });
		expect(lines).toEqual(ids.map((id) => `${id}\t11`));
	});

	it("a file step that fails mid-run is retried from its own cursor: exact files and lines", async () => {
		const ids = await seedBulkMembers(2_500, [11]);
		await seedDestination(7, { mode: "full", splitLines: 1_000 });
		const run = await runAt(7, AT, "complete", async (m) => {
			await m.mockStepError({ name: "write file 2" }, new Error("R2 went away mid-file"), 2);
		});
		expect(run.status).toBe("sent");
		expect(run.files.map((f) => f.lines)).toEqual([1_000, 1_000, 500]);
		expect((await readBack(run)).lines).toEqual(ids.map((id) => `${id}\t11`));
	});

	it("a run whose file step never succeeds is recorded as failed and frees the destination", async () => {
		await seedBulkMembers(10, [11]);
		await seedDestination(7, { mode: "iter" });
		const run = await runAt(7, AT, "errored", async (m) => {
			await m.mockStepError({ name: "write file 1" }, new Error("R2 is down"));
		});
		expect(run).toMatchObject({ status: "failed", error: "R2 is down" });
		const state = await env.DB.prepare(
			"SELECT running_run, sent_until FROM destination_state WHERE destination_id = 7",
		).first();
		expect(state).toEqual({ running_run: null, sent_until: 0 });
	});

	it("never adds an empty last file when the members fill the files exactly", async () => {
		await seedBulkMembers(2_000, [10, 11]);
		await seedDestination(7, { mode: "full", splitLines: 1_000 });
		const run = await runAt(7, AT);
		expect(run.files.map((f) => f.lines)).toEqual([1_000, 1_000]);
		expect(run.files.map((f) => f.name.slice(-11))).toEqual(["001.sync.gz", "002.sync.gz"]);
	});

	it("keeps a run that fits in one file unsplit: no SPLITNUM", async () => {
		await seedBulkMembers(1_000, [10]);
		await seedDestination(7, { mode: "full", splitLines: 1_000 });
		const run = await runAt(7, AT);
		expect(run.files.map((f) => f.name)).toEqual(["R2_7_1000_full_1800000000000.sync.gz"]);
		expect((await readBack(run)).lines).toHaveLength(1_000);
	});

	it("an iter run with fewer changes than the split size is one unsplit file, even among many members", async () => {
		const ids = await seedBulkMembers(1_500, [11]);
		await seedDestination(7, { mode: "iter", splitLines: 1_000 });
		const first = await runAt(7, AT);
		expect(first.files.map((f) => f.lines)).toEqual([1_000, 500]);
		await takeBulkTrait(ids.slice(0, 800), 2, AT + 60_000);
		const next = await runAt(7, AT + 10 * 60_000);
		expect(next.files.map((f) => [f.name, f.lines])).toEqual([["R2_7_1000_iter_1800000600000.sync.gz", 800]]);
		expect((await readBack(next)).lines).toEqual(ids.slice(0, 800).map((id) => `${id}\t\t11`));
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
