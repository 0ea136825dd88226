// The IAB's reference TCF v2 CMP API (@iabtcf/cmpapi), as a CMP runs it: `__tcfapi` answers ping at once
// (cmpStatus "loading") and queues addEventListener until the CMP has its TC string. The page loads it
// with ?tc=<TC string> at once, or the test calls window.cmpLoad(tcString) whenever it likes (a CMP that
// is still fetching its vendor list, say).
import { CmpApi } from "@iabtcf/cmpapi";

const cmp = new CmpApi(10, 1);
const page = window as unknown as { cmpLoad(tcString: string): void };
page.cmpLoad = (tcString) => cmp.update(tcString);
const tc = new URLSearchParams(location.search).get("tc");
if (tc !== null) cmp.update(tc);
