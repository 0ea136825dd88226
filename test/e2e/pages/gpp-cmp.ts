// The IAB's reference GPP CMP API (@iabgpp/cmpapi) with one US national section, ready at once. Query:
// sections = the applicable sections as the CMP lists them ("-1": none applies), saleOptOut = the usnat
// SaleOptOut field (1 = opted out, 2 = did not opt out).
import { CmpApi, CmpStatus, SignalStatus, UsNat } from "@iabgpp/cmpapi";

const q = new URLSearchParams(location.search);
const cmp = new CmpApi(10, 1);
cmp.setSupportedAPIs([`${UsNat.ID}:${UsNat.NAME}`]);
cmp.setFieldValue(UsNat.NAME, "SaleOptOut", Number(q.get("saleOptOut") ?? 2));
cmp.setApplicableSections((q.get("sections") ?? `${UsNat.ID}`).split(",").map(Number));
cmp.setCmpStatus(CmpStatus.LOADED);
cmp.setSignalStatus(SignalStatus.READY);
