import PostalMime from "postal-mime";
import { describe, expect, it } from "vitest";
import { emptyTally, mergeTallies, receiptSampleLines, type StoredTally } from "../../batch/inbound/parse";
import { receiptMail } from "../../batch/receipts/mail";
import { buildReceipt, emptyCounts, receiptTime } from "../../batch/receipts/receipt";

function sampleReceipt() {
	const counts = emptyCounts();
	Object.assign(counts, {
		recordsReceived: 10,
		formatErrors: 1,
		invalidIds: 1,
		noMatchingId: 2,
		noTraitRealized: 1,
		totalSignals: 20,
		totalUnusedSignals: 3,
		totalRealizedTraits: 9,
		totalRemovedTraits: 2,
		totalTraitsFailedValidation: 1,
	});
	return buildReceipt({
		delivery: "ftp_dpm_1000_1790000000.sync",
		files: ["inbound/ftp_dpm_1000_1790000000.sync.1.gz", "inbound/ftp_dpm_1000_1790000000.sync.2.gz"],
		counts,
		sampleLines: { formatErrors: ["line 3: <b>bad</b> & worse"] },
		users: { devices: 4, failedValidation: 1 },
		start: Date.UTC(2026, 10, 28, 9, 5, 7),
		end: Date.UTC(2026, 10, 28, 9, 6, 0),
	});
}

describe("receipt", () => {
	it("has exactly the SPEC fields, with stored = processed − the four error kinds", () => {
		const r = sampleReceipt();
		expect(r["Records processed"]).toBe(10);
		expect(r["Stored records"]).toBe(5);
		expect(r["File name(s)"]).toEqual(["ftp_dpm_1000_1790000000.sync.1.gz", "ftp_dpm_1000_1790000000.sync.2.gz"]);
		expect(r["Job start time"]).toBe("2026-11-28 09:05:07");
		expect(receiptTime(0)).toBe("1970-01-01 00:00:00");
	});

	it("adds what the caps cut after AAM's fields, and merges counts stored before they existed", () => {
		const keys = Object.keys(sampleReceipt());
		expect(keys.slice(keys.indexOf("Job end time") + 1)).toEqual([
			"Signals over the per-line cap",
			"Files cut at the size cap",
			"Sample lines",
		]);
		const older = emptyTally();
		const { signalsOverCap: _, filesCut: __, ...counts } = older.counts;
		const stored: StoredTally = { counts, samples: { noMatchingId: ["line 7: nobody\t24"] } };
		const cut = emptyTally();
		Object.assign(cut.counts, { signalsOverCap: 7, filesCut: 1 });
		cut.samples.noMatchingId = [{ line: 9, text: "someone\t25" }];
		const merged = mergeTallies([stored, cut]);
		expect(merged.counts).toMatchObject({ signalsOverCap: 7, filesCut: 1 });
		expect(merged.samples.noMatchingId).toEqual([
			{ line: 7, text: "nobody\t24" },
			{ line: 9, text: "someone\t25" },
		]);
	});

	it("lists samples as `line N: why: text`, cut to 200 characters, without the CLI's unused signals", () => {
		const tally = emptyTally();
		tally.samples = {
			formatErrors: [
				{ line: 2, why: "no TAB between user ID and signals", text: "bad" },
				{ line: 3, why: "empty line", text: "" },
				{ line: 201, why: "more than 200 lines for this user" },
			],
			noMatchingId: [{ line: 4, text: "nobody\t24" }],
			signalsOverCap: [{ line: 5, why: "3 signals after the first 10000 not read", text: `u\t${"1,".repeat(100)}` }],
			unusedSignals: [{ line: 6, why: "removal ignored in .overwrite", text: "u\t24:0" }],
		};
		expect(receiptSampleLines(tally.samples)).toEqual({
			formatErrors: [
				"line 2: no TAB between user ID and signals: bad",
				"line 3: empty line: ",
				"line 201: more than 200 lines for this user",
			],
			noMatchingId: ["line 4: nobody\t24"],
			signalsOverCap: [`line 5: 3 signals after the first 10000 not read: u\t${"1,".repeat(78)}`],
		});
	});
});

describe("receipt e-mail", () => {
	it("parses back into text and HTML parts with the counts and the JSON attached", async () => {
		const receipt = sampleReceipt();
		const mail = receiptMail(receipt, "receipts@edge.example", ["ops@edge.example", "vendor@partner.example"]);
		const parsed = await PostalMime.parse(mail.raw);
		expect(parsed.from?.address).toBe("receipts@edge.example");
		expect(parsed.to?.map((t) => t.address)).toEqual(["ops@edge.example", "vendor@partner.example"]);
		expect(parsed.subject).toBe("edgesync receipt: ftp_dpm_1000_1790000000.sync (5 stored)");
		expect(parsed.text).toContain("Stored records: 5");
		expect(parsed.text).toContain("Total devices: 4");
		expect(parsed.text).not.toContain("cap");
		const cut = receiptMail(
			{ ...receipt, "Signals over the per-line cap": 12, "Files cut at the size cap": 1 },
			"receipts@edge.example",
			["ops@edge.example"],
		);
		const cutText = (await PostalMime.parse(cut.raw)).text ?? "";
		expect(cutText).toContain(
			"Job end time: 2026-11-28 09:06:00\nSignals over the per-line cap: 12\nFiles cut at the size cap: 1",
		);
		expect(parsed.html).toContain("&#60;b&#62;bad&#60;/b&#62; &#38; worse");
		const attachment = parsed.attachments.find((a) => a.filename === "receipt.json");
		const content = attachment?.content;
		const json = typeof content === "string" ? content : new TextDecoder().decode(content);
		expect(JSON.parse(json)).toEqual(receipt);
	});
});
