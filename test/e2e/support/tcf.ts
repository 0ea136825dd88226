import { TCModel, TCString } from "@iabtcf/core";
import { testGvl } from "../../support/test-gvl.js";

/** The edge's TCF vendor id in these tests (EDGE_TCF_VENDOR_ID). */
export const EDGE_VENDOR = 1234;

const gvl = testGvl([EDGE_VENDOR]);

/** A real TC string, as a CMP would hand it to the page. */
export function tcString(opts: { purpose1: boolean; vendors: number[] }): string {
	const model = new TCModel(gvl);
	model.cmpId = 10;
	model.cmpVersion = 1;
	if (opts.purpose1) model.purposeConsents.set(1);
	model.vendorConsents.set(opts.vendors);
	return TCString.encode(model);
}
