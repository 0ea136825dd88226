// Output templates in AAM's outbound macro language, from the examples on Adobe's pages "Outbound
// Template Macros" and "Outbound Macro Examples": each renders what the page shows (segment lists in
// ascending id order, which is edgesync's order), and what AAM does not allow is refused with a reason.

import { describe, expect, it } from "vitest";
import { templateProblem } from "../../batch/outbound/template/check";
import { compileTemplate } from "../../batch/outbound/template/compile";
import { AAM_DEFAULT_TEMPLATE, TAB_TEMPLATE } from "../../batch/outbound/template/defaults";
import type { FileFacts, LineFacts } from "../../batch/outbound/template/macros";

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
const segments = (...ids: number[]) => ids.map((id) => ({ id, enteredAt: 1_343_250_661_000, changedAt: 1_344_114_661_000 }));
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
		const first = render(template, member({ dpuuid: "dfd215e4-8d6b-4fdb-90b9-fab4456f2c9d", segments: segments(4321) }));
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
		expect(render('<PID><TAB><DP_UUID><TAB><SET_ATTRIBUTES><TAB><TRAIT_LIST;separator="|">', member({ dpuuid: "12345", traits }))).toBe(
			"1131\t12345\t1\t123|456|789",
		);
		expect(render('<DP_UUID>:<TRAIT_LIST:{trait|<trait.Id>,<trait.type>,<trait.lastRealized>}; separator=";">', member({ traits }))).toBe(
			"123456:123,10,1700000000000;456,10,1700000000000;789,10,1700000000000",
		);
	});

	it("an empty list writes nothing, and <if(…)>/<elseif>/<else> choose by what the member holds", () => {
		const t = '<DP_UUID><if(REMOVED_SEGMENT_LIST)>|left<elseif(!SEGMENT_LIST)>|none<else>|in<endif>';
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
		expect(render(AAM_DEFAULT_TEMPLATE, member({ dpuuid: "597675", segments: segments(24, 26, 27), removed: segments(25, 28) }))).toBe(
			"597675 24,26,27 25,28",
		);
		expect(render(AAM_DEFAULT_TEMPLATE, member({ dpuuid: "a", segments: segments(24) }))).toBe("a 24");
		expect(render(AAM_DEFAULT_TEMPLATE, member({ dpuuid: "a", removed: segments(11) }))).toBe("a  11");
	});

	it("the layout of destinations saved before templates: TAB-separated", () => {
		expect(render(TAB_TEMPLATE, member({ dpuuid: "abc123", segments: segments(11), removed: segments(10) }))).toBe("abc123\t11\t10");
		expect(render(TAB_TEMPLATE, member({ dpuuid: "def456", removed: segments(11) }))).toBe("def456\t\t11");
	});
});

describe("templates AAM's macros do not allow are refused, with the reason and where", () => {
	const cases: Array<[string, "line" | "header", RegExp]> = [
		["<DP_UUID><TAB><SEGMENTS>", "line", /unknown macro SEGMENTS \(known: .*SEGMENT_LIST.*\) \(at character 16\)/],
		["<DP_UUID><TAB><MCID>", "line", /MCID is not available: edgesync has no Experience Cloud ID/],
		['<DP_UUID><DPUUIDS; format="dpids=1111|maxMappings=0|format=json">', "line", /never hands one partner another partner's IDs/],
		["<DP_UUID><TAB><OPT_OUT>", "line", /OPT_OUT is not available: AAM deprecated it/],
		["<DP_UUID><NEW_LINE><SEGMENT_LIST>", "line", /NEW_LINE belongs in headers/],
		["<ORDER_ID><TAB><DP_UUID>", "header", /DP_UUID describes a member: not in a header/],
		["<ORDER_ID><TAB><SEGMENT_LIST>", "header", /SEGMENT_LIST describes a member/],
		["<DP_UUID><if(SEGMENT_LIST)>x", "line", /<if\(…\)> without <endif>/],
		["<DP_UUID><endif>", "line", /<endif> without <if\(…\)>/],
		["<DP_UUID>\n<SEGMENT_LIST>", "line", /a line break in the template/],
		["<DP_UUID><SEGMENT_LIST:{s|{<s.sid>}}>", "line", /a \{ inside \{…\}: write <OPEN_CURLY_BRACKET>/],
		["<DP_UUID><SEGMENT_LIST:{s|<s.name>}>", "line", /"s.name" is not an attribute .*known: sid/],
		['<DP_UUID><SEGMENT_LIST; separator="\\n">', "line", /a line break in a separator/],
		['<DP_UUID; format="yyyy">', "line", /only TIMESTAMP takes format=/],
		['<DP_UUID><TIMESTAMP; format="yyyyQ">', "line", /format letter "Q" is not supported/],
		["<DP_UUID><DP_UUID:{x|<x>}>", "line", /DP_UUID is not a list/],
		["<DP_UUID><SEGMENT_LIST; size=3>", "line", /unknown option "size"/],
		["<SEGMENT_LIST><TAB><ORDER_ID>", "line", /the template names no member: use DP_UUID, UUID, DP_UUID_LIST/],
		["<DP_UUID> a < b", "line", /expected ">" but found the end/],
		[`${"<DP_UUID>".repeat(500)}`, "line", /longer than 4000 characters/],
		[`<DP_UUID>${"<if(SEGMENT_LIST)>".repeat(9)}${"<endif>".repeat(9)}`, "line", /nested more than 8 deep/],
	];
	it.each(cases)("%s (%s)", (source, role, reason) => {
		expect(templateProblem(source, role)).toMatch(reason);
	});

	it("\\< and \\> write the brackets themselves", () => {
		expect(templateProblem("<DP_UUID> \\<b\\>", "line")).toBeNull();
		expect(render("<DP_UUID> \\<b\\>")).toBe("123456 <b>");
	});
});
