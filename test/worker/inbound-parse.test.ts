import { describe, expect, it } from "vitest";
import {
	type InboundFileName,
	parseIdSyncLine,
	parseInboundFileName,
	parseSignals,
	parseTraitLine,
} from "../../batch/inbound/parse";

const UUID = "12345678901234567890123456789012345678";

describe("inbound file names", () => {
	it.each([
		[
			"ftp_dpm_1000_1700000000.sync",
			{ kind: "traits", dpid: 1000, targetDpid: null, mode: "sync", split: null, gzip: false },
		],
		["ftp_dpm_1000_1700000000.overwrite", { mode: "overwrite", deliveryKey: "ftp_dpm_1000_1700000000.overwrite" }],
		["ftp_dpm_1000_2000_1700000000.sync.3.gz", { dpid: 1000, targetDpid: 2000, split: 3, gzip: true }],
		["ftp_dpm_1000_1700000000.sync.gz", { split: null, gzip: true, timestampSeconds: 1700000000 }],
		["ftp_dpm_2147483647_1700000000.sync", { dpid: 2147483647 }],
		[
			"adobe_id_0_1000_1700000000.sync.2.gz",
			{ kind: "id_sync", masterDpid: 0, dpid: 1000, targetDpid: null, split: 2, gzip: true, mode: "sync" },
		],
		["adobe_id_2000_1000_1700000000.sync", { masterDpid: 2000, deliveryKey: "adobe_id_2000_1000_1700000000.sync" }],
		// AAM's own examples ("Name and Content Requirements for ID Synchronization Files").
		[
			"adobe_id_111_222_333_444_1454442149.sync",
			{ kind: "id_sync", masterDpid: 111, dpid: 222, syncDpids: [222, 333, 444], split: null, gzip: false },
		],
		[
			"adobe_id_123_898_456_1454442149.sync.1.gz",
			{ masterDpid: 123, syncDpids: [898, 456], split: 1, deliveryKey: "adobe_id_123_898_456_1454442149.sync" },
		],
		[
			"c2c_id_123_898_1454442149.sync.gz",
			{ kind: "id_sync", masterDpid: 123, dpid: 898, syncDpids: [898], deliveryKey: "c2c_id_123_898_1454442149.sync" },
		],
		["ftp_dpm_1000_1700000000.sync", { syncDpids: [] }],
	] satisfies Array<[string, Partial<InboundFileName>]>)("%s", (name, expected) => {
		expect(parseInboundFileName(name)).toMatchObject({ name, ...expected });
	});

	it("gives every part of one delivery the same key, and other deliveries another", () => {
		const key = (name: string) => (parseInboundFileName(name) as InboundFileName).deliveryKey;
		const parts = [
			"ftp_dpm_1000_1700000000.sync.1.gz",
			"ftp_dpm_1000_1700000000.sync.2",
			"ftp_dpm_1000_1700000000.sync",
		];
		expect(new Set(parts.map(key))).toEqual(new Set(["ftp_dpm_1000_1700000000.sync"]));
		expect(key("ftp_dpm_1000_1700000000.overwrite.1")).not.toBe(key(parts[0] ?? ""));
		expect(key("ftp_dpm_1000_2000_1700000000.sync.1")).not.toBe(key(parts[0] ?? ""));
	});

	it.each([
		["", "not_a_name"],
		["inbound/ftp_dpm_1000_1700000000.sync", "not_a_name"],
		["..\\ftp_dpm_1000_1700000000.sync", "not_a_name"],
		["ftp_dpm_1000_1700000000.sync\n", "not_a_name"],
		[`ftp_dpm_1000_1700000000.sync.${"1".repeat(200)}`, "not_a_name"],
		["ftp_dpm_1000_1700000000.txt", "unknown_pattern"],
		["FTP_DPM_1000_1700000000.sync", "unknown_pattern"],
		["ftp_dpm_1000_1700000000.sync.GZ", "unknown_pattern"],
		["ftp_dpm_1000_1700000000.sync.gz.1", "unknown_pattern"],
		["ftp_dpm_1000_1700000000..sync", "unknown_pattern"],
		["ftp_dpm_1000_1700000000.sync.1.2", "unknown_pattern"],
		["ftp_dpm_1000.sync", "unknown_pattern"],
		["ftp_dpm_1000_1700000000", "unknown_pattern"],
		["ftp_dpm_x_1700000000.sync", "unknown_pattern"],
		["ftp_dpm_1000_1_2_1700000000.sync", "unknown_pattern"],
		["adobe_id_0_1000_1700000000.overwrite", "unknown_pattern"],
		["adobe_id_1000_1700000000.sync", "unknown_pattern"],
		["ftp_dpm_1000_170000000.sync", "bad_timestamp"],
		["ftp_dpm_1000_17000000000.sync", "bad_timestamp"],
		["ftp_dpm_1000_0170000000.sync", "bad_timestamp"],
		["ftp_dpm_0_1700000000.sync", "bad_dpid"],
		["ftp_dpm_01000_1700000000.sync", "bad_dpid"],
		["ftp_dpm_2147483648_1700000000.sync", "bad_dpid"],
		["ftp_dpm_99999999999999999999_1700000000.sync", "bad_dpid"],
		["ftp_dpm_1000_0_1700000000.sync", "bad_dpid"],
		["adobe_id_1000_0_1700000000.sync", "bad_dpid"],
		["adobe_id_1000_1000_1700000000.sync", "bad_dpid"],
		["adobe_id_0_1000_2000_1000_1700000000.sync", "bad_dpid"],
		["adobe_id_1000_2000_1000_1700000000.sync", "bad_dpid"],
		[`adobe_id_0_${Array.from({ length: 21 }, (_, i) => i + 1).join("_")}_1700000000.sync`, "bad_dpid"],
		["c2c_id_0_1000_1700000000.overwrite", "unknown_pattern"],
		["C2C_id_0_1000_1700000000.sync", "unknown_pattern"],
		["ftp_dpm_1000_1700000000.sync.0", "bad_split"],
		["ftp_dpm_1000_1700000000.sync.01", "bad_split"],
		["ftp_dpm_1000_1700000000.sync.100000", "bad_split"],
	])("rejects %j (%s)", (name, reason) => {
		const result = parseInboundFileName(name);
		expect(result).toMatchObject({ reason });
		expect(result).toHaveProperty("error", expect.any(String));
	});
});

describe("signals", () => {
	it("reads every signal form of SPEC §5", () => {
		expect(parseSignals('d_sid=24,d_unsid=28,28:0,29:-1,30608,ic=52,key=value,"k2" = v2,k3 = "v 3"')).toEqual([
			{ kind: "add", traitId: 24 },
			{ kind: "remove", traitId: 28 },
			{ kind: "remove", traitId: 28 },
			{ kind: "remove", traitId: 29 },
			{ kind: "add", bare: true, traitId: 30608 },
			{ kind: "kv", key: "ic", value: "52" },
			{ kind: "kv", key: "key", value: "value" },
			{ kind: "kv", key: "k2", value: "v2" },
			{ kind: "kv", key: "k3", value: "v 3" },
		]);
	});

	it("allows spaces around commas and =, ignores a leading - on a key, drops empty items", () => {
		expect(parseSignals('  24 ,  d_sid = 25 ,, -color = red , -"size"=xl ,')).toEqual([
			{ kind: "add", bare: true, traitId: 24 },
			{ kind: "add", traitId: 25 },
			{ kind: "kv", key: "color", value: "red" },
			{ kind: "kv", key: "size", value: "xl" },
		]);
	});

	it("keeps commas and escaped quotes inside quotes, and = in bare values", () => {
		expect(parseSignals('"a,b"="c,\\"d\\"",token=YWJj==,28 : 0')).toEqual([
			{ kind: "kv", key: "a,b", value: 'c,"d"' },
			{ kind: "kv", key: "token", value: "YWJj==" },
			{ kind: "remove", traitId: 28 },
		]);
	});

	it("marks what it cannot read as unusable, one signal at a time", () => {
		expect(parseSignals('0,-5,24x,28:1,d_sid=abc,d_unsid=0,9007199254740993,k=,="v",two words=x,"open=1,25')).toEqual([
			{ kind: "unusable", text: "0" },
			{ kind: "unusable", text: "-5" },
			{ kind: "unusable", text: "24x" },
			{ kind: "unusable", text: "28:1" },
			{ kind: "unusable", text: "d_sid=abc" },
			{ kind: "unusable", text: "d_unsid=0" },
			{ kind: "unusable", text: "9007199254740993" },
			{ kind: "unusable", text: "k=" },
			{ kind: "unusable", text: '="v"' },
			{ kind: "unusable", text: "two words=x" },
			{ kind: "unusable", text: '"open=1' },
			{ kind: "add", bare: true, traitId: 25 },
		]);
	});
});

describe("trait lines", () => {
	it("takes the user ID byte for byte: case, %3A and : kept, never decoded", () => {
		expect(parseTraitLine("AbC%3Axyz:42\t24", "partner")).toEqual({
			ok: true,
			userId: "AbC%3Axyz:42",
			signals: [{ kind: "add", bare: true, traitId: 24 }],
			signalsOverCap: 0,
		});
		expect(parseTraitLine(" spaced id \t24", "partner")).toMatchObject({ ok: true, userId: " spaced id " });
	});

	it.each([
		["", "empty_line"],
		["user-without-tab", "no_tab"],
		["\t24", "empty_user_id"],
		["user\t24\t25", "extra_tab"],
		["user\t", "no_signals"],
		["user\t , ,", "no_signals"],
		["user\tnot a signal", "no_valid_signals"],
	])("%j is a format error (%s)", (line, problem) => {
		expect(parseTraitLine(line, "partner")).toEqual({ ok: false, problem });
	});

	it("keeps a line with one good signal; its bad ones are unusable", () => {
		expect(parseTraitLine("u\t24,???", "partner")).toEqual({
			ok: true,
			userId: "u",
			signals: [
				{ kind: "add", bare: true, traitId: 24 },
				{ kind: "unusable", text: "???" },
			],
			signalsOverCap: 0,
		});
	});

	it("checks IDs against the partner's ID type", () => {
		expect(parseTraitLine(`${UUID}\t24`, "uuid")).toMatchObject({ ok: true, userId: UUID });
		expect(parseTraitLine("1234\t24", "uuid")).toEqual({ ok: false, invalidId: "not a 38-digit UUID" });
		expect(parseTraitLine(`${UUID}0\t24`, "uuid")).toMatchObject({ ok: false, invalidId: expect.any(String) });
		expect(parseTraitLine(`${"x".repeat(257)}\t24`, "partner")).toEqual({
			ok: false,
			invalidId: "user ID longer than 256 bytes",
		});
		expect(parseTraitLine("a\u0001b\t24", "partner")).toEqual({
			ok: false,
			invalidId: "user ID contains control characters",
		});
	});
});

describe("ID sync lines", () => {
	it("reads one ID per DPID, DPID 0 being edgesync UUIDs", () => {
		expect(parseIdSyncLine(`${UUID}\tvendor%3A1`, [0, 1000])).toEqual({ ok: true, ids: [UUID, "vendor%3A1"] });
		expect(parseIdSyncLine("abc\tdef", [2000, 1000])).toEqual({ ok: true, ids: ["abc", "def"] });
	});

	it.each([
		["", { problem: "empty_line" }],
		["onlyone", { problem: "wrong_column_count" }],
		["a\tb\tc", { problem: "wrong_column_count" }],
		[`${UUID}\t`, { problem: "trailing_whitespace" }],
		["123\tabc", { invalidId: "column 1: not a 38-digit UUID" }],
	])("%j is rejected", (line, expected) => {
		expect(parseIdSyncLine(line, [0, 1000])).toEqual({ ok: false, ...expected });
	});
});

describe("ID sync rows (AAM: rows that end with tabs or spaces are not processed)", () => {
	it.each([
		[`${UUID}\tabc\t`, "trailing_whitespace"],
		[`${UUID}\tabc `, "trailing_whitespace"],
		[`${UUID}\t`, "trailing_whitespace"],
	])("%j is a format error (%s)", (row, problem) => {
		expect(parseIdSyncLine(row, [0, 1000])).toEqual({ ok: false, problem });
	});

	it("reads one ID per DPID of the name, for any number of DPIDs", () => {
		expect(parseIdSyncLine(`${UUID}\ta\tb\tc`, [0, 1000, 2000, 3000])).toEqual({
			ok: true,
			ids: [UUID, "a", "b", "c"],
		});
		expect(parseIdSyncLine(`${UUID}\ta\tb`, [0, 1000, 2000, 3000])).toEqual({
			ok: false,
			problem: "wrong_column_count",
		});
	});
});
