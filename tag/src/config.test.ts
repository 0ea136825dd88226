import { describe, expect, it } from "vitest";
import { readConfig } from "./config";

const SRC = "https://sync.example.com/tag.js";

describe("readConfig", () => {
	it("defaults: the script's origin, 5 syncs, 1.5 s for the CMP, one /id call a day", () => {
		expect(readConfig({}, SRC)).toEqual({
			edge: "https://sync.example.com",
			domain: undefined,
			max: 5,
			wait: 1500,
			every: 86_400,
			gdpr: undefined,
		});
	});

	it("reads every data-* attribute", () => {
		const data = {
			edge: "https://edge.example.net/",
			cookieDomain: "example.com",
			maxSyncs: "2",
			consentTimeout: "300",
			interval: "0",
			gdpr: "1",
		};
		expect(readConfig(data, SRC)).toEqual({
			edge: "https://edge.example.net",
			domain: "example.com",
			max: 2,
			wait: 300,
			every: 0,
			gdpr: "1",
		});
	});

	it("ignores numbers that are not numbers or negative", () => {
		const c = readConfig({ maxSyncs: "many", consentTimeout: "-1", interval: "" }, SRC);
		expect([c.max, c.wait, c.every]).toEqual([5, 1500, 86_400]);
	});
});
