import { assert } from "../../tests/_helpers/assert.ts";
import {
  exportingName,
  graphiteLabelValue,
  opentsdbLabelValue,
  promLabel,
  promName,
  promUnits,
} from "./naming.ts";

Deno.test("naming: Netdata's name copies, byte for byte", () => {
  const rows: { name: string; got: string; want: string }[] = [
    { name: "promName() turns dots and dashes into _", got: promName("system.cpu-x"), want: "system_cpu_x" },
    { name: "promName() gives one _ per UTF-8 byte", got: promName("é"), want: "__" },
    {
      name: "promLabel() escapes quote, backslash, newline",
      got: promLabel('a"b\\c\n'),
      want: 'a\\"b\\\\c\\\n',
    },
    { name: "promUnits() of a rate", got: promUnits("KiB/s", false), want: "_KiB_persec" },
    { name: "promUnits() of %", got: promUnits("%", false), want: "_percent" },
    { name: "promUnits() old units", got: promUnits("percentage", true), want: "_percent" },
    { name: "exportingName() keeps dots", got: exportingName("disk_io.sda-1"), want: "disk_io.sda_1" },
    { name: "graphiteLabelValue() replaces space ; ~", got: graphiteLabelValue("a b;c~d"), want: "a_b_c_d" },
    {
      name: "opentsdbLabelValue() keeps -./ and UTF-8",
      got: opentsdbLabelValue("a-b./c d:é"),
      want: "a-b./c_d_é",
    },
  ];
  for (const r of rows) assert.equal(r.got, r.want, r.name);
});
