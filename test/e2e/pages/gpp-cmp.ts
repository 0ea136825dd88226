// The IAB's reference GPP CMP API (@iabgpp/cmpapi) with one US national section, ready at once. Query:
// sections = the applicable sections as the CMP lists them ("-1": none applies), saleOptOut = the usnat
// SaleOptOut field (1 = opted out, 2 = did not opt out), status=loading = the CMP never finishes loading
// (the API object stays at its initial "loading" and "not ready", as when the CMP's own script is blocked).
import { CmpApi, CmpStatus, SignalStatus, UsNat } from "@iabgpp/cmpapi";

const q = new URLSearchParams(location.search);
const cmp = new CmpApi(10, 1);
cmp.setSupportedAPIs([`${UsNat.ID}:${UsNat.NAME}`]);
cmp.setFieldValue(UsNat.NAME, "SaleOptOut", Number(q.get("saleOptOut") ?? 2));
cmp.setApplicableSections((q.get("sections") ?? `${UsNat.ID}`).split(",").map(Number));
if (q.get("status") !== "loading") {
	cmp.setCmpStatus(CmpStatus.LOADED);
	cmp.setSignalStatus(SignalStatus.READY);
}
