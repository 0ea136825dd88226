import PostalMime from "postal-mime";
import { describe, expect, it } from "vitest";
import { emptyTally, mergeTallies, receiptSampleLines, type StoredTally } from "../../batch/inbound/parse";
import { receiptMail } from "../../batch/receipts/mail";
import { buildReceipt, emptyCounts, receiptTime } from "../../batch/receipts/receipt";

/** The counts of AAM's own sample message ("Sample Message to Partners after Inbound Processing"), verbatim. */
const AAM_SAMPLE = `Records received: 40669900
Format Errors: 0
Invalid AAM ID: 112
No Matching AAM ID: 0
No Trait Realized: 26730823
Records processed: 40669900
Stored Records: 13938958
Total devices: 21
Total signals: 918878926
Total unused signals: 660348376
Total realized traits: 258086908
Total removed traits: 0
Total traits failed validation: 0
Total users that have traits which failed validation: 0
Job start time: 2018-05-17 18:07:49
Job end time: 2018-05-17 18:45:02`;

/** What a vendor's parser of AAM's message does: `Label: value` lines. */
const aamFields = (text: string) =>
	text.split("\n").flatMap((line) => {
		const m = /^([A-Za-z ]+): (.+)$/.exec(line.trim());
		return m ? [[m[1], m[2]] as const] : [];
	});
const AAM_SAMPLE_LABELS = aamFields(AAM_SAMPLE).map(([label]) => label);

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
	it("has AAM's fields spelled and ordered as AAM's receipt message, stored = processed − the four error kinds", () => {
		const r = sampleReceipt();
		expect(Object.keys(r).slice(0, 17)).toEqual(["File name", ...AAM_SAMPLE_LABELS]);
		expect(r["Records processed"]).toBe(10);
		expect(r["Stored Records"]).toBe(5);
		expect(r["File name"]).toEqual(["ftp_dpm_1000_1790000000.sync.1.gz", "ftp_dpm_1000_1790000000.sync.2.gz"]);
		expect(r["Job start time"]).toBe("2026-11-28 09:05:07");
		expect(receiptTime(0)).toBe("1970-01-01 00:00:00");
	});

	it("adds what the caps cut after AAM's fields, and merges counts stored before they existed", () => {
		const keys = Object.keys(sampleReceipt());
		expect(keys.slice(keys.indexOf("Job end time") + 1)).toEqual([
			"Delivery",
			"Status",
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
	it("is laid out as AAM's message: greeting, File name: one per line, then AAM's labels in AAM's order", async () => {
		const mail = receiptMail(sampleReceipt(), 1000, "receipts@edge.example", ["vendor@partner.example"]);
		const text = (await PostalMime.parse(mail.raw)).text ?? "";
		const lines = text.split("\n");
		expect(lines.slice(0, 5)).toEqual([
			"Dear partner: (ID:1000)",
			"We have received your Server-To-Server file delivery",
			"File name:",
			"ftp_dpm_1000_1790000000.sync.1.gz",
			"ftp_dpm_1000_1790000000.sync.2.gz",
		]);
		// A parser written for AAM's sample reads the same labels, in the same order, from ours.
		expect(aamFields(lines.slice(5, 21).join("\n")).map(([label]) => label)).toEqual(AAM_SAMPLE_LABELS);
		expect(aamFields(AAM_SAMPLE).map(([label]) => label)).toEqual(AAM_SAMPLE_LABELS);
		expect(lines.slice(5, 21)).toEqual([
			"Records received: 10",
			"Format Errors: 1",
			"Invalid AAM ID: 1",
			"No Matching AAM ID: 2",
			"No Trait Realized: 1",
			"Records processed: 10",
			"Stored Records: 5",
			"Total devices: 4",
			"Total signals: 20",
			"Total unused signals: 3",
			"Total realized traits: 9",
			"Total removed traits: 2",
			"Total traits failed validation: 1",
			"Total users that have traits which failed validation: 1",
			"Job start time: 2026-11-28 09:05:07",
			"Job end time: 2026-11-28 09:06:00",
		]);
		expect(lines.slice(21, 25)).toEqual(["", "edgesync:", "Delivery: ftp_dpm_1000_1790000000.sync", "Status: done"]);
	});

	it("parses back into text and HTML parts with the counts and the JSON attached", async () => {
		const receipt = sampleReceipt();
		const mail = receiptMail(receipt, 1000, "receipts@edge.example", ["ops@edge.example", "vendor@partner.example"]);
		const parsed = await PostalMime.parse(mail.raw);
		expect(parsed.from?.address).toBe("receipts@edge.example");
		expect(parsed.to?.map((t) => t.address)).toEqual(["ops@edge.example", "vendor@partner.example"]);
		expect(parsed.subject).toBe("edgesync Server-To-Server Processing Result: ftp_dpm_1000_1790000000.sync (5 stored)");
		expect(parsed.text).toContain("Stored Records: 5");
		expect(parsed.text).not.toContain("cap");
		const cut = receiptMail(
			{ ...receipt, "Signals over the per-line cap": 12, "Files cut at the size cap": 1 },
			1000,
			"receipts@edge.example",
			["ops@edge.example"],
		);
		const cutText = (await PostalMime.parse(cut.raw)).text ?? "";
		expect(cutText).toContain("Status: done\nSignals over the per-line cap: 12\nFiles cut at the size cap: 1");
		expect(parsed.html).toContain("&#60;b&#62;bad&#60;/b&#62; &#38; worse");
		expect(parsed.html).toContain("Dear partner: (ID:1000)");
		const attachment = parsed.attachments.find((a) => a.filename === "receipt.json");
		const content = attachment?.content;
		const json = typeof content === "string" ? content : new TextDecoder().decode(content);
		expect(JSON.parse(json)).toEqual(receipt);
	});
});
