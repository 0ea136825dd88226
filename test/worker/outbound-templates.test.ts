// Output templates in AAM's outbound macro language, from the examples on Adobe's pages "Outbound
// Template Macros" and "Outbound Macro Examples": each renders what the page shows (segment lists in
// ascending id order, which is edgesync's order), and what AAM does not allow is refused with a reason.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { templateProblem } from "../../batch/outbound/template/check";
import { compileTemplate } from "../../batch/outbound/template/compile";
import { AAM_DEFAULT_TEMPLATE, TAB_TEMPLATE } from "../../batch/outbound/template/defaults";
import type { FileFacts, LineFacts } from "../../batch/outbound/template/macros";
import { previewTemplate } from "../../batch/outbound/template/preview";

const FILE: FileFacts = {
	dpid: 1131,
	destinationId: 888,
	pidAlias: "12345",
	mode: "iter",
	syncType: "S3",
	timestamp: 1_449_756_724_000,
};
const UUID = "07955261652886032950143702505894272138";

function member(over: Partial<LineFacts> = {}): LineFacts {
	return { dpuuid: "123456", uuid: UUID, dpuuids: ["123456"], segments: [], removed: [], traits: [], ...over };
}
const segments = (...ids: number[]) =>
	ids.map((id) => ({ id, enteredAt: 1_343_250_661_000, changedAt: 1_344_114_661_000 }));
const render = (template: string, line: LineFacts = member(), file = FILE) =>
	compileTemplate(template, "line").render(file, line);

describe("AAM's content macro examples", () => {
	it("DP_UUID and UUID: <DP_UUID><TAB><UUID>", () => {
		expect(render("<DP_UUID><TAB><UUID>")).toBe(`123456\t${UUID}`);
	});

	it("DP_UUID_LIST: <UUID><TAB><DP_UUID_LIST;separator=TAB>", () => {
		const line = member({ dpuuids: ["DP_UUID1", "DP_UUID2", "DP_UUID3"] });
		expect(render("<UUID><TAB><DP_UUID_LIST;separator=TAB>", line)).toBe(`${UUID}\tDP_UUID1\tDP_UUID2\tDP_UUID3`);
	});

	it('SEGMENT_LIST and REMOVED_SEGMENT_LIST: <DP_UUID> <…;separator=" ">', () => {
		const line = member({ segments: segments(101179, 101180, 101183, 105955), removed: segments(101179, 105955) });
		expect(render('<DP_UUID> <SEGMENT_LIST;separator=" ">', line)).toBe("123456 101179 101180 101183 105955");
		expect(render('<DP_UUID> <REMOVED_SEGMENT_LIST;separator=" ">', line)).toBe("123456 101179 105955");
	});

	it("the Trade Desk example: if(SEGMENT_LIST && REMOVED_SEGMENT_LIST), COMMA, curly brackets, seg.alias", () => {
		// The page's template as printed (its spaces included).
		const template =
			'{"AdvertiserId":"<PIDALIAS>", "DataCenterId": 2,"TDID":"<DP_UUID>", "Data":[<SEGMENT_LIST:{seg|<OPEN_CURLY_BRACKET>"Name":"<seg.alias>"<CLOSE_CURLY_BRACKET>}; separator=","><if(SEGMENT_LIST && REMOVED_SEGMENT_LIST)><COMMA><endif> <REMOVED_SEGMENT_LIST:{seg|<OPEN_CURLY_BRACKET>"Name":"<seg.alias>", "TtlInMinutes":0<CLOSE_CURLY_BRACKET>}; separator=",">]}';
		const first = render(
			template,
			member({ dpuuid: "dfd215e4-8d6b-4fdb-90b9-fab4456f2c9d", segments: segments(4321) }),
		);
		expect(JSON.parse(first)).toEqual({
			AdvertiserId: "12345",
			DataCenterId: 2,
			TDID: "dfd215e4-8d6b-4fdb-90b9-fab4456f2c9d",
			Data: [{ Name: "4321" }],
		});
		const second = render(
			template,
			member({ dpuuid: "9099e8fe-abab-5114-abaa-28bdaa0539ca", segments: segments(4321), removed: segments(654, 987) }),
		);
		expect(JSON.parse(second).Data).toEqual([
			{ Name: "4321" },
			{ Name: "654", TtlInMinutes: 0 },
			{ Name: "987", TtlInMinutes: 0 },
		]);
	});

	it("SET_ATTRIBUTES, OUTPUT_ATTRIBUTE_VALUE, seg.type and seg.lastUpdateTime (the page's example less the deprecated OPT_OUT)", () => {
		const template =
			"<PID><TAB><UUID><TAB><DP_UUID><TAB><SET_ATTRIBUTES><TAB><SEGMENT_LIST:{seg|<seg.type>,<seg.alias>,<OUTPUT_ATTRIBUTE_VALUE>,<seg.lastUpdateTime>&}>";
		const line = member({ dpuuid: "17t0aj01b120hp", uuid: "00088008579683653741516297509717335000" });
		const withSegments = {
			...line,
			segments: [
				{ id: 103713, enteredAt: 1, changedAt: 1_343_250_661_000 },
				{ id: 103714, enteredAt: 1, changedAt: 1_344_114_661_000 },
			],
		};
		expect(render(template, withSegments)).toBe(
			"1131\t00088008579683653741516297509717335000\t17t0aj01b120hp\t1\t5,103713,1,1343250661000&5,103714,1,1344114661000&",
		);
	});

	it('TRAIT_LIST: <PID><TAB><DP_UUID><TAB><SET_ATTRIBUTES><TAB><TRAIT_LIST;separator="|">', () => {
		const traits = [123, 456, 789].map((id) => ({ id, realizedAt: 1_700_000_000_000 }));
		expect(
			render(
				'<PID><TAB><DP_UUID><TAB><SET_ATTRIBUTES><TAB><TRAIT_LIST;separator="|">',
				member({ dpuuid: "12345", traits }),
			),
		).toBe("1131\t12345\t1\t123|456|789");
		expect(
			render(
				'<DP_UUID>:<TRAIT_LIST:{trait|<trait.Id>,<trait.type>,<trait.lastRealized>}; separator=";">',
				member({ traits }),
			),
		).toBe("123456:123,10,1700000000000;456,10,1700000000000;789,10,1700000000000");
	});

	it("an empty list writes nothing, and <if(…)>/<elseif>/<else> choose by what the member holds", () => {
		const t = "<DP_UUID><if(REMOVED_SEGMENT_LIST)>|left<elseif(!SEGMENT_LIST)>|none<else>|in<endif>";
		expect(render(t, member({ segments: segments(1) }))).toBe("123456|in");
		expect(render(t, member())).toBe("123456|none");
		expect(render(t, member({ removed: segments(1) }))).toBe("123456|left");
	});
});

describe("header and file macros", () => {
	it("ORDER_ID, SYNC_TYPE, SYNC_MODE, DPID, MASTER_DPID, PID_ALIAS, TIMESTAMP (10 digits) and NEW_LINE", () => {
		const header = compileTemplate(
			"<ORDER_ID><TAB><SYNC_TYPE><TAB><SYNC_MODE><NEW_LINE><DPID>_<MASTER_DPID>_<PID_ALIAS>_<TIMESTAMP>",
			"header",
		);
		expect(header.render(FILE, null)).toBe("888\tS3\titer\n1131_1131_12345_1449756724");
	});

	it('TIMESTAMP; format="YYYYMMDDhhmmss" as AAM means it (UTC), and Java\'s quoted text', () => {
		const at = { ...FILE, timestamp: Date.UTC(2026, 11, 1, 7, 5, 9, 42) };
		expect(compileTemplate('<TIMESTAMP; format="YYYYMMDDhhmmss">', "header").render(at, null)).toBe("20261201070509");
		expect(compileTemplate(`<TIMESTAMP; format="yyyy-MM-dd'T'HH:mm:ss.SSS">`, "header").render(at, null)).toBe(
			"2026-12-01T07:05:09.042",
		);
	});
});

describe("the default templates", () => {
	it("AAM's default contents: ID, a space, segments, and a space and removed segments when any", () => {
		expect(
			render(
				AAM_DEFAULT_TEMPLATE,
				member({ dpuuid: "597675", segments: segments(24, 26, 27), removed: segments(25, 28) }),
			),
		).toBe("597675 24,26,27 25,28");
		expect(render(AAM_DEFAULT_TEMPLATE, member({ dpuuid: "a", segments: segments(24) }))).toBe("a 24");
		expect(render(AAM_DEFAULT_TEMPLATE, member({ dpuuid: "a", removed: segments(11) }))).toBe("a  11");
	});

	it("the layout of destinations saved before templates: TAB-separated", () => {
		expect(render(TAB_TEMPLATE, member({ dpuuid: "abc123", segments: segments(11), removed: segments(10) }))).toBe(
			"abc123\t11\t10",
		);
		expect(render(TAB_TEMPLATE, member({ dpuuid: "def456", removed: segments(11) }))).toBe("def456\t\t11");
	});
});

describe("templates AAM's macros do not allow are refused, with the reason and where", () => {
	// [template, role, reason, where: the text the message's position points at (its first character),
	// a 1-based position, or null for a rule about the whole template]
	const cases: Array<[string, "line" | "header", RegExp, string | number | null]> = [
		["<DP_UUID><TAB><SEGMENTS>", "line", /unknown macro SEGMENTS \(known: .*SEGMENT_LIST.*\)/, "SEGMENTS"],
		["<DP_UUID><TAB><MCID>", "line", /MCID is not available: edgesync has no Experience Cloud ID/, "MCID"],
		[
			'<DP_UUID><DPUUIDS; format="dpids=1111|maxMappings=0|format=json">',
			"line",
			/never hands one partner another partner's IDs/,
			"DPUUIDS",
		],
		["<DP_UUID><TAB><OPT_OUT>", "line", /OPT_OUT is not available: AAM deprecated it/, "OPT_OUT"],
		["<DP_UUID><OUTPUT_ATTRIBUTE_TYPE>", "line", /OUTPUT_ATTRIBUTE_TYPE is not available: AAM deprecated it/, "OUTPUT"],
		["<DP_UUID><NEW_LINE><SEGMENT_LIST>", "line", /NEW_LINE belongs in headers/, "NEW_LINE"],
		["<ORDER_ID><TAB><DP_UUID>", "header", /DP_UUID describes a member: not in a header/, "DP_UUID"],
		["<ORDER_ID><TAB><SEGMENT_LIST>", "header", /SEGMENT_LIST describes a member/, "SEGMENT_LIST"],
		["<ORDER_ID><if(TRAIT_LIST)>x<endif>", "header", /TRAIT_LIST describes a member/, "TRAIT_LIST"],
		["<DP_UUID><if(SEGMENT_LIST)>x", "line", /<if\(…\)> without <endif>/, 29],
		["<DP_UUID><endif>", "line", /<endif> without <if\(…\)>/, "<endif>"],
		["<DP_UUID>\n<SEGMENT_LIST>", "line", /a line break in the template/, "\n"],
		["<DP_UUID><SEGMENT_LIST:{s|{<s.sid>}}>", "line", /a \{ inside \{…\}: write <OPEN_CURLY_BRACKET>/, "{<s.sid>"],
		["<DP_UUID><SEGMENT_LIST:{s|<s.name>}>", "line", /"s.name" is not an attribute .*known: sid/, "s.name"],
		['<DP_UUID><SEGMENT_LIST; separator="\\n">', "line", /a line break in a separator/, '"\\n"'],
		['<DP_UUID> <TIMESTAMP; format="yyyy\\nMM">', "line", /a line break in a format/, '"yyyy'],
		['<DP_UUID> <TIMESTAMP; format="yyyy\nMM">', "line", /a line break in a format/, '"yyyy'],
		['<DP_UUID; format="yyyy">', "line", /only TIMESTAMP takes format=/, "DP_UUID"],
		['<DP_UUID><TIMESTAMP; format="yyyyQ">', "line", /format letter "Q" is not supported/, '"yyyyQ"'],
		["<DP_UUID><DP_UUID:{x|<x>}>", "line", /DP_UUID is not a list/, "DP_UUID:{"],
		["<DP_UUID><SEGMENT_LIST; size=3>", "line", /unknown option "size"/, "size"],
		["<DP_UUID><SEGMENT_LIST:{a|<TRAIT_LIST>}>", "line", /TRAIT_LIST inside another list's \{…\}/, "TRAIT_LIST"],
		[
			"<DP_UUID><SEGMENT_LIST:{a|<SEGMENT_LIST:{b|x}>}>",
			"line",
			/SEGMENT_LIST inside another list's/,
			"SEGMENT_LIST:{b",
		],
		["<DP_UUID> a < b", "line", /expected ">" but found the end/, 16],
		[`${"<DP_UUID>".repeat(500)}`, "line", /longer than 4000 characters/, 1],
		[`<DP_UUID>${"<if(SEGMENT_LIST)>".repeat(9)}${"<endif>".repeat(9)}`, "line", /nested more than 8 deep/, 172],
		// Lines are keyed by the partner's ID, written on every line.
		["<SEGMENT_LIST><TAB><ORDER_ID>", "line", /must write DP_UUID outside any <if\(…\)> and any list/, null],
		["<if(DP_UUID)><DP_UUID><endif> <SEGMENT_LIST>", "line", /must write DP_UUID outside/, null],
		["<SEGMENT_LIST:{s|<DP_UUID>}>", "line", /must write DP_UUID outside/, null],
		// AAM's own DP_UUID_LIST example is keyed by UUID: refused, with what to write instead.
		["<UUID><TAB><DP_UUID_LIST;separator=TAB>", "line", /AAM's default starts with it/, null],
	];
	it.each(cases)("%s (%s)", (source, role, reason, where) => {
		const problem = templateProblem(source, role);
		expect(problem).toMatch(reason);
		if (where === null) return;
		const position = typeof where === "number" ? where : source.indexOf(where) + 1;
		expect(problem).toContain(`(at character ${position})`);
	});

	it("every element attribute AAM lists writes its value", () => {
		const line = member({ segments: [{ id: 7, enteredAt: 1_000, changedAt: 2_000 }] });
		expect(
			render(
				"<DP_UUID>:<SEGMENT_LIST:{s|<s.sid>,<s.segmentId>,<s.csegid>,<s.alias>,<s.type>,<s.lastUpdateTime>,<s.lastRealizationTime>}>",
				line,
			),
		).toBe("123456:7,7,7,7,5,2000,1000");
		const traits = [{ id: 9, realizedAt: 3_000 }];
		expect(
			render("<DP_UUID>:<TRAIT_LIST:{t|<t.traitId>,<t.Id>,<t.id>,<t.type>,<t.lastRealized>}>", member({ traits })),
		).toBe("123456:9,9,9,10,3000");
	});

	it("a line over 1 MiB is an error, not a step that fills its memory, and does not name the partner ID", () => {
		const big = compileTemplate(`<DP_UUID><SEGMENT_LIST:{s|${"x".repeat(3_900)}}>`, "line");
		const many = member({ dpuuid: "heavy", segments: segments(...Array.from({ length: 300 }, (_, i) => i + 1)) });
		expect(() => big.render(FILE, many)).toThrow(
			"the output template wrote 1170005 characters for one partner ID: over 1048576 (shorten what it repeats per segment or ID)",
		);
		expect(() => big.render(FILE, many)).not.toThrow(/heavy/);
	});

	it("\\< and \\> write the brackets themselves", () => {
		expect(templateProblem("<DP_UUID> \\<b\\>", "line")).toBeNull();
		expect(render("<DP_UUID> \\<b\\>")).toBe("123456 <b>");
	});
});

// A partner user ID is any UTF-8 text without control characters (SPEC), and a visitor chooses the one
// it syncs (`/ibs?dpid=1000&dpuuid=victim%2099`): written as it stands into a layout whose separators it
// holds, its line would read as another ID's.
describe("partner IDs the layout cannot carry are left out, never written ambiguously", () => {
	const TRADE_DESK =
		'{"TDID":"<DP_UUID>","Data":[<SEGMENT_LIST:{seg|<OPEN_CURLY_BRACKET>"Name":"<seg.sid>"<CLOSE_CURLY_BRACKET>}; separator=",">]}';

	it("AAM's default layout: `victim 99` is not written (it would read as ID victim in segment 99), abc123 is", () => {
		const t = compileTemplate(AAM_DEFAULT_TEMPLATE, "line");
		const forged = member({ dpuuid: "victim 99", segments: segments(10) });
		expect(t.render(FILE, forged)).toBe("");
		expect(t.writeLine(FILE, forged)).toEqual({ text: null, unwritableIds: 1 });
		expect(t.writeLine(FILE, member({ dpuuid: "abc123", segments: segments(10) }))).toEqual({
			text: "abc123 10",
			unwritableIds: 0,
		});
		// The list separator too, and a quote or backslash in any layout; other characters are written as they are.
		expect(t.render(FILE, member({ dpuuid: "victim,99", segments: segments(10) }))).toBe("");
		expect(t.render(FILE, member({ dpuuid: 'a"b', segments: segments(10) }))).toBe("");
		expect(t.render(FILE, member({ dpuuid: "a\\b", segments: segments(10) }))).toBe("");
		const ordinary = "dfd215e4-8d6b-4fdb-90b9_fab4456f2c9d.x@y=/+";
		expect(t.render(FILE, member({ dpuuid: ordinary, segments: segments(10) }))).toBe(`${ordinary} 10`);
		// TAB layout: a space is fine there, a TAB is not.
		expect(render(TAB_TEMPLATE, member({ dpuuid: "victim 99", segments: segments(10) }))).toBe("victim 99\t10");
		expect(render(TAB_TEMPLATE, member({ dpuuid: "victim\t99", segments: segments(10) }))).toBe("");
	});

	it("a JSON layout (AAM's Trade Desk example): an ID with a quote is left out instead of injecting keys", () => {
		const t = compileTemplate(TRADE_DESK, "line");
		const injected = 'x","Data":[{"Name":"99"}],"y":"';
		expect(t.render(FILE, member({ dpuuid: injected, segments: segments(10) }))).toBe("");
		expect(t.writeLine(FILE, member({ dpuuid: injected, segments: segments(10) }))).toEqual({
			text: null,
			unwritableIds: 1,
		});
		const line = t.render(FILE, member({ dpuuid: "dfd215e4-8d6b-4fdb-90b9-fab4456f2c9d", segments: segments(10) }));
		expect(JSON.parse(line)).toEqual({ TDID: "dfd215e4-8d6b-4fdb-90b9-fab4456f2c9d", Data: [{ Name: "10" }] });
	});

	it("a DP_UUID_LIST element the layout cannot carry is dropped from the list and counted", () => {
		const t = compileTemplate('<DP_UUID> <DP_UUID_LIST; separator=","><if(DP_UUID_LIST)>!<endif>', "line");
		const line = member({ dpuuid: "abc", dpuuids: ["abc", "victim,99", "victim 98", "z"] });
		expect(t.render(FILE, line)).toBe("abc abc,z!");
		expect(t.writeLine(FILE, line)).toEqual({ text: "abc abc,z!", unwritableIds: 2 });
		// Left out of every line's list, so nothing remains to test true.
		expect(t.render(FILE, member({ dpuuid: "abc", dpuuids: ["victim 98"] }))).toBe("abc ");
	});

	it("the preview leaves such samples out and says how many", () => {
		const preview = previewTemplate({ line: AAM_DEFAULT_TEMPLATE, header: null, mode: "full" }, FILE, [
			{ dpuuid: "victim 99", uuid: UUID, dpuuids: [], segments: [10], removed: [], traits: [], at: 1 },
			{ dpuuid: "abc123", uuid: UUID, dpuuids: [], segments: [10], removed: [], traits: [], at: 1 },
		]);
		expect(preview.lines).toEqual(["abc123 10"]);
		expect(preview.warnings).toEqual([expect.stringMatching(/^1 of the samples' partner IDs cannot be written/)]);
	});

	// Property: whatever the ID, a line that is written reads back (the way a partner splits it) to exactly
	// that ID and its segments.
	const layouts: Array<[string, string, (line: string) => [string, string[]]]> = [
		["default", AAM_DEFAULT_TEMPLATE, (l) => [l.split(" ")[0] ?? "", (l.split(" ")[1] ?? "").split(",")]],
		["TAB", TAB_TEMPLATE, (l) => [l.split("\t")[0] ?? "", (l.split("\t")[1] ?? "").split(",")]],
		[
			"JSON",
			TRADE_DESK,
			(l) => {
				const o = JSON.parse(l) as { TDID: string; Data: Array<{ Name: string }> };
				return [o.TDID, o.Data.map((d) => d.Name)];
			},
		],
	];
	const hostile = fc.string({
		unit: fc.constantFrom(...' ,\t"\\{}[]:|;ab1-é'),
		minLength: 1,
		maxLength: 12,
	});
	it.each(layouts)("%s layout: every line written parses back to exactly its own ID", (_, template, read) => {
		const t = compileTemplate(template, "line");
		fc.assert(
			fc.property(hostile, (id) => {
				const text = t.render(FILE, member({ dpuuid: id, segments: segments(10, 11) }));
				if (text !== "") expect(read(text)).toEqual([id, ["10", "11"]]);
			}),
			{ numRuns: 500 },
		);
	});
});
