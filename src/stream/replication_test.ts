import { assert } from "../../tests/_helpers/assert.ts";
import { planReplay, replayLine } from "./replication.ts";

const base = { enabled: true, dimensions: 3, secondsToReplicate: 86400, secondsPerStep: 600 };

Deno.test("planReplay() asks what the real v1.37.1 parent asked", () => {
  const rows = [
    {
      name: "chart that just started, parent without data",
      in: {
        ...base,
        childFirstSec: 1795293549,
        childLastSec: 1795293549,
        parentLastSec: 0,
        nowSec: 1795293549,
      },
      want: 'REPLAY_CHART "c" "true" 1795293549 1795293549\n',
    },
    {
      name: "reconnect after a 32 s outage",
      in: {
        ...base,
        childFirstSec: 1795293549,
        childLastSec: 1795293616,
        parentLastSec: 1795293581,
        nowSec: 1795293617,
      },
      want: 'REPLAY_CHART "c" "true" 1795293581 1795293616\n',
    },
    {
      name: "replication disabled",
      in: { ...base, enabled: false, childFirstSec: 1, childLastSec: 2, parentLastSec: 0, nowSec: 3 },
      want: 'REPLAY_CHART "c" "true" 0 0\n',
    },
    {
      name: "parent newer than the child",
      in: { ...base, childFirstSec: 100, childLastSec: 200, parentLastSec: 300, nowSec: 400 },
      want: 'REPLAY_CHART "c" "true" 0 0\n',
    },
    {
      name: "a long gap is asked in steps",
      in: { ...base, childFirstSec: 1000, childLastSec: 10000, parentLastSec: 2000, nowSec: 10001 },
      want: 'REPLAY_CHART "c" "false" 2000 2600\n',
    },
    {
      name: "continuing after REND false",
      in: {
        ...base,
        childFirstSec: 1000,
        childLastSec: 10000,
        parentLastSec: 2600,
        nowSec: 10001,
        previousBeforeSec: 9500,
      },
      want: 'REPLAY_CHART "c" "true" 9500 10000\n',
    },
  ];
  for (const r of rows) assert.equal(replayLine("c", planReplay(r.in)), r.want, r.name);
});
